"""Floating-point error state for public functions."""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["quiet"]


def quiet(fn):
    """Run a public function with NumPy's floating-point warnings off.

    The kernels compute through 0, -inf and inf on purpose and select with
    ``where``; the special values they produce are part of the maths, not
    events to warn about.
    """

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with np.errstate(all="ignore"):
            return fn(*args, **kwargs)

    return wrapper
