"""The API reference of the documentation (docs/tools/apipages.py) covers the public API.

The pages are generated from ``__all__`` at every docs build; these checks catch a public
module left out of the reference and a public name without a page, without building the docs.
"""

import importlib
import pkgutil
import sys
from pathlib import Path

import pytest

import infokit

TOOLS = Path(__file__).resolve().parents[1] / "docs" / "tools"


@pytest.fixture(scope="module")
def apipages():
    if not (TOOLS / "apipages.py").exists():
        pytest.skip("docs/ not present")
    sys.path.insert(0, str(TOOLS))
    try:
        yield importlib.import_module("apipages")
    finally:
        sys.path.remove(str(TOOLS))


def test_every_public_module_has_a_page(apipages):
    public = {m.name for m in pkgutil.iter_modules(infokit.__path__) if not m.name.startswith("_")}
    assert public - apipages.NOT_IN_REFERENCE == set(apipages.MODULES)


def test_every_public_name_is_on_a_page(apipages, tmp_path):
    apipages.write(tmp_path)
    text = "\n".join(p.read_text() for p in tmp_path.glob("*.rst"))
    entries = {line.strip() for line in text.splitlines() if line.startswith("   ")}
    for name in infokit.__all__:
        obj = getattr(infokit, name)
        if isinstance(obj, type(infokit)):        # a (callable) module: a page of its own
            assert (tmp_path / f"{name}.rst").exists(), name
        else:
            assert name in entries, name
    for mod_name in apipages.MODULES:
        mod = importlib.import_module(f"infokit.{mod_name}")
        for name in mod.__all__:
            # listed on the module's page, by its own name or by the path of its one page
            assert name in entries or any(e.endswith(f".{name}") for e in entries), f"infokit.{mod_name}.{name}"
