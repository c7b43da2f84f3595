"""Inputs of an exact measure, ready for a kernel.

``resolve`` turns the distribution arguments (arrays, lists, or
:class:`~infokit.Categorical`, already aligned on outcomes) and ``axis`` into a
:class:`Resolved`: one array namespace, the event axis moved last, batch axes
broadcast, a common floating dtype, and whether the computation happens on
probabilities or in log space.  ``Resolved.finish`` restores ``keepdims``.
"""

from __future__ import annotations

import math

import numpy as np

from infokit._lib import backend as _backend
from infokit._core.categorical import Categorical
from infokit._lib.checks import check_event_axis, check_probs, check_same_outcomes, normalize_axis
from infokit.errors import InvalidDistributionError

__all__ = ["Resolved", "resolve"]


class Resolved:
    """Inputs of one call, ready for a kernel (event axis last, broadcast)."""

    __slots__ = ("xp", "names", "arrays", "is_logits", "keep_axis", "validated", "input_dtypes", "numpy", "torch",
                 "all_probs")

    def __init__(self, xp, names, arrays, is_logits, keep_axis, input_dtypes, *, numpy=None):
        self.xp = xp
        self.numpy = _backend.is_numpy(xp) if numpy is None else numpy
        self.torch = not self.numpy and _backend.is_torch(xp)
        self.all_probs = not any(is_logits)
        self.input_dtypes = input_dtypes  # before promotion: the sum tolerance is theirs
        self.names = names
        self.arrays = arrays
        self.is_logits = is_logits
        self.keep_axis = keep_axis
        self.validated = False


    def validate_probs(self, *, normalize=False) -> None:
        """Full validation of the probability arguments (renormalising if asked)."""
        self.arrays = [
            a if lg else check_probs(self.xp, a, name, normalize=normalize, tol_dtype=dt)
            for name, a, lg, dt in zip(self.names, self.arrays, self.is_logits, self.input_dtypes)
        ]
        self.validated = True

    def logits(self):
        """Every argument in log space (probabilities p become log p, -inf at 0)."""
        xp = self.xp
        out = []
        for a, lg in zip(self.arrays, self.is_logits):
            if not lg:
                zero = a == 0
                a = xp.where(zero, xp.full_like(a, -math.inf), xp.log(xp.where(zero, xp.ones_like(a), a)))
            out.append(a)
        return out

    def finish(self, value, keepdims: bool):
        if keepdims:
            value = self.xp.expand_dims(value, axis=self.keep_axis)
        elif type(value) is not np.ndarray:
            return value  # a scalar already (one NumPy distribution), or another library's array
        return _backend.to_result(self.xp, value)


_F64, _F32 = np.dtype(np.float64), np.dtype(np.float32)


def _resolve_numpy(named, axis):
    """The common case in few steps: NumPy float arrays of one shape and dtype, the event axis last."""
    first = named[0][1]
    if type(first) is not np.ndarray:
        return None
    dtype = first.dtype
    if (dtype is not _F64 and dtype is not _F32) or not first.ndim:  # builtin dtypes are singletons
        return None
    shape = first.shape
    if len(named) == 1:
        names, arrays = [named[0][0]], [first]
    else:
        arrays = [v for _, v in named]
        for v in arrays[1:]:
            if type(v) is not np.ndarray or v.dtype is not dtype or v.shape != shape:
                return None
        names = [n for n, _ in named]
    ndim = len(shape)
    if (axis != -1 and axis != ndim - 1) or not shape[-1]:
        return None  # the general path moves the axis / reports the empty event axis
    k = len(arrays)
    return Resolved(_backend.numpy_namespace(), names, arrays, [False] * k, ndim - 1, [dtype] * k, numpy=True)


def resolve(named, *, axis=-1) -> Resolved:
    """Resolve ``[(name, value), ...]`` distribution arguments of one call."""
    fast = _resolve_numpy(named, axis)
    if fast is not None:
        return fast
    names, arrays, is_logits = [], [], []
    raw_axis = None
    for name, value in named:
        names.append(name)
        if isinstance(value, Categorical):
            arrays.append(value._z)
            is_logits.append(True)
        else:
            a = _backend.as_float_array(value, name)
            if a.ndim == 0:
                check_event_axis(a, name)
            arrays.append(a)
            is_logits.append(False)
    xp = _backend.namespace(*arrays, names=names)
    moved = []
    for name, a, lg in zip(names, arrays, is_logits):
        if not lg:
            ax = normalize_axis(axis, a.ndim)
            if raw_axis is None:
                raw_axis = axis
            if ax != a.ndim - 1:
                a = xp.moveaxis(a, ax, -1)
        check_event_axis(a, name)
        moved.append(a)
    for i in range(1, len(moved)):
        check_same_outcomes(moved[0], moved[i], names[0], names[i])
    input_dtypes = [a.dtype for a in moved]
    if len(moved) > 1 and not all(a.shape == moved[0].shape and a.dtype == moved[0].dtype for a in moved[1:]):
        dtype = xp.result_type(*[a.dtype for a in moved])
        moved = [a if a.dtype == dtype else xp.astype(a, dtype) for a in moved]
        try:
            moved = list(xp.broadcast_arrays(*moved))
        except (ValueError, RuntimeError):
            shapes = " and ".join(str(tuple(a.shape)) for a in moved)
            raise InvalidDistributionError(
                f"the batch shapes of {' and '.join(repr(n) for n in names)} do not broadcast "
                f"(shapes with the event axis last: {shapes})"
            ) from None
    if raw_axis is None:  # only Categoricals: their own axis decides keepdims
        raw_axis = next(v.axis for _, v in named if isinstance(v, Categorical))
    out_ndim = moved[0].ndim  # batch ndim + 1
    keep_axis = raw_axis if raw_axis >= 0 else raw_axis + out_ndim
    keep_axis = min(max(keep_axis, 0), out_ndim - 1)
    return Resolved(xp, names, moved, is_logits, keep_axis, input_dtypes)

