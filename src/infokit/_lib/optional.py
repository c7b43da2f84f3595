"""Optional dependencies: imported when used, with an install hint when missing."""

from __future__ import annotations

import importlib
import types

from infokit.errors import MissingDependencyError

__all__ = ["require"]

_EXTRA = {
    "pyarrow": "data",
    "pandas": "data",
    "dask": "dask",
    "distributed": "dask",
    "click": "cli",
    "rich": "cli",
    "matplotlib": "plot",
    "torch": "torch",
    "jax": "jax",
}


def require(module: str, what: str) -> types.ModuleType:
    """Import ``module`` or raise :class:`MissingDependencyError` naming the extra to install.

    >>> require("numpy", "anything").__name__
    'numpy'
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        extra = _EXTRA.get(top)
        hint = f"pip install 'infokit[{extra}]'" if extra else f"pip install {top}"
        raise MissingDependencyError(f"{what} needs the optional dependency {top!r}; install it with: {hint}") from None
