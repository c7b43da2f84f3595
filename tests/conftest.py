"""Shared fixtures for the infokit test-suite.

* ``xp``: a :class:`Backend` for each array library infokit supports
  ("numpy", "array_api_strict", "torch", "jax"); a parameter whose library is
  not installed is skipped (``pytest.importorskip``).
* ``to_numpy``: convert a result of any of those libraries to NumPy.
* A Hypothesis profile ("infokit", the default) with no deadline, a modest
  number of examples and a derandomised (reproducible) search; select another
  with ``HYPOTHESIS_PROFILE=thorough`` (more examples, random search).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # pragma: no cover - hypothesis is a test dependency
    settings = None

if settings is not None:
    settings.register_profile(
        "infokit",
        deadline=None,
        max_examples=100,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow],
        print_blob=True,
    )
    settings.register_profile(
        "thorough",
        deadline=None,
        max_examples=2000,
        suppress_health_check=[HealthCheck.too_slow],
        print_blob=True,
    )
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "infokit"))


BACKENDS = ["numpy", "array_api_strict", "torch", "jax"]


def to_numpy(x):
    """A float64-or-native-dtype NumPy array (or scalar array) from any backend's result."""
    if isinstance(x, (np.ndarray, np.generic)):
        return np.asarray(x)
    mod = type(x).__module__.split(".")[0]
    if mod == "torch":
        return x.detach().cpu().numpy()
    if mod in ("jax", "jaxlib"):
        return np.asarray(x)
    if mod == "array_api_strict":
        try:
            return np.from_dlpack(x)
        except Exception:  # pragma: no cover - depends on the array_api_strict version
            return np.asarray(x)
    return np.asarray(x)


class Backend:
    """One array library, with the few helpers the tests need."""

    def __init__(self, name: str, lib):
        self.name = name
        self.lib = lib
        if name == "numpy":
            self.array_type = (np.ndarray, np.generic)
        elif name == "torch":
            self.array_type = lib.Tensor
        elif name == "jax":
            self.array_type = lib.Array
        else:  # array_api_strict
            self.array_type = type(lib.asarray(0.0))

    def __repr__(self) -> str:
        return f"Backend({self.name!r})"

    def dtype(self, name: str):
        """The library's dtype object for "float32" / "float64"."""
        if self.name == "numpy":
            return np.dtype(name)
        if self.name == "jax":
            import jax.numpy as jnp

            return getattr(jnp, name)
        return getattr(self.lib, name)

    def asarray(self, a, dtype: str = "float64", requires_grad: bool = False):
        """A ``dtype`` array of this library holding the values of NumPy array ``a``."""
        a = np.asarray(a, dtype=np.float64).astype(dtype)
        if self.name == "numpy":
            return a
        if self.name == "torch":
            t = self.lib.from_numpy(a.copy())
            if requires_grad:
                t.requires_grad_(True)
            return t
        if self.name == "jax":
            import jax.numpy as jnp

            return jnp.asarray(a, dtype=self.dtype(dtype))
        return self.lib.asarray(a, dtype=self.dtype(dtype))

    def is_native(self, x) -> bool:
        return isinstance(x, self.array_type)

    @staticmethod
    def to_numpy(x):
        return to_numpy(x)


@pytest.fixture(params=BACKENDS)
def xp(request) -> Backend:
    name = request.param
    if name == "numpy":
        return Backend(name, np)
    if name == "jax":
        jax = pytest.importorskip("jax")
        jax.config.update("jax_enable_x64", True)
        return Backend(name, jax)
    return Backend(name, pytest.importorskip(name))


@pytest.fixture(name="to_numpy")
def _to_numpy_fixture():
    return to_numpy


@pytest.fixture
def tmpdir_spill(tmp_path, monkeypatch):
    """Temporary files (counts spilled to disk) go under a fresh directory, checked empty at the end."""
    import tempfile

    d = tmp_path / "spill"
    d.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(d))
    yield d
    assert list(d.iterdir()) == []


@pytest.fixture
def cli_json():
    """Run the command line in-process and return its ``--format json`` output, parsed (exit code 0 checked)."""
    pytest.importorskip("click")
    import json

    from click.testing import CliRunner

    from infokit.cli import _the_group

    def run(args):
        res = CliRunner().invoke(_the_group(), args)
        assert res.exit_code == 0, res.output
        return json.loads(res.stdout)

    return run
