"""Public modules that are also callable, so a function never shadows its module.

``ik.drift``, ``ik.empirical`` and ``ik.decompose`` are both functions users
call and modules users import (``infokit.drift.drift_from_counts``).  A module
object whose class defines ``__call__`` is both: ``ik.drift(ref, cur)`` calls
the function, and ``infokit.drift.drift_from_counts`` is an attribute of the
module.  :func:`inspect.signature` and ``help`` show the function's signature.
"""

from __future__ import annotations

import inspect
import sys
import types
from collections.abc import Callable
from typing import Any

__all__ = ["make_callable"]


class _CallableModule(types.ModuleType):
    __call_target__: Callable[..., Any]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.__call_target__(*args, **kwargs)


def make_callable(module_name: str, fn: Callable[..., Any]) -> None:
    """Make the module ``module_name`` call ``fn`` when called (its signature is ``fn``'s)."""
    mod: Any = sys.modules[module_name]
    mod.__call_target__ = fn
    mod.__signature__ = inspect.signature(fn)
    mod.__class__ = _CallableModule
