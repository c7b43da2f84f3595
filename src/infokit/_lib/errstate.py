"""Floating-point error state for public functions."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

import numpy as np

__all__ = ["quiet"]

_F = TypeVar("_F", bound=Callable[..., Any])


def quiet(fn: _F) -> _F:
    """Run a public function with NumPy's floating-point warnings off.

    The kernels compute through 0, -inf and inf on purpose and select with
    ``where``; the special values they produce are part of the maths, not
    events to warn about.
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    return cast(_F, wrapper)
