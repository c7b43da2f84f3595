"""Exact measures of probability arrays and :class:`~infokit.Categorical`, in nats.

The implementations behind :mod:`infokit.exact`: each takes arrays (or
Categoricals) already aligned on outcomes, validates them, and returns nats
with ``keepdims`` applied, with NumPy's floating-point warnings off (the
kernels compute through 0, -inf and inf on purpose).  Options other than the distributions are checked
by the public functions; unit conversion is theirs too.
"""

from __future__ import annotations

import math
import sys
from typing import Callable, NamedTuple

import numpy as np

from infokit._core import blocked as _blocked, kernels as _kernels
from infokit._core.categorical import Categorical
from infokit._core.resolve import resolve
from infokit._lib import backend as _backend
from infokit._lib.checks import check_probs, sum_tolerance
from infokit._lib.errstate import quiet

__all__ = ["information", "entropy", "cross_entropy", "kl_divergence", "js_divergence", "renyi_entropy",
           "renyi_divergence"]


# --------------------------------------------------------------------------
# NumPy fast path: blocked reduction + certificate of validity
# --------------------------------------------------------------------------
_BLOCKED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def _numpy_fast(r, block_fn, n_checked: int):
    """Run ``block_fn`` over ``r.arrays``; validate from the fused statistics.

    Columns of the statistics: the measure's sum first, then the sum of each
    of the first ``n_checked`` arguments, then their minima.  Anything the
    statistics cannot certify is re-checked by the full validator, which
    raises the error; the fast path never produces its own messages.  Input
    the validator accepts but the statistics cannot evaluate (a ``-0.0``
    probability, say) goes to the generic kernels (``None``).

    A single distribution's statistics come back as Python floats (a tuple):
    finishing them costs no array operations.
    """
    arrays = r.arrays
    if arrays[0].dtype not in _BLOCKED_DTYPES:
        return None  # float16 / longdouble: generic path
    stats = _blocked.reduce_rows(block_fn, *arrays)
    if not isinstance(stats, tuple) and stats.ndim == 1:  # one long distribution
        stats = tuple(stats.tolist())
    if isinstance(stats, tuple):
        if r.validated:
            return stats
        dts, n_sums = r.input_dtypes, block_fn.n_sums
        ok = (stats[0] == stats[0] and (len(stats) == n_sums or min(stats[n_sums:]) >= 0)
              and abs(stats[1] - 1.0) <= sum_tolerance(dts[0])
              and (n_checked == 1 or abs(stats[2] - 1.0) <= sum_tolerance(dts[1])))
    elif r.validated:
        return stats
    else:
        tols = np.array([sum_tolerance(dt) for dt in r.input_dtypes[:n_checked]])
        with np.errstate(invalid="ignore"):
            sums = stats[..., 1 : 1 + n_checked]
            mins = stats[..., block_fn.n_sums :]
            ok = (
                not np.isnan(stats[..., 0]).any()
                and bool(np.all(np.abs(sums - 1.0) <= tols))
                and bool(np.all(mins >= 0))
            )
    if not ok:
        r.validate_probs()  # raises with the precise message
        return None
    return stats


class _Measure(NamedTuple):
    """How one measure is evaluated: the NumPy blocked statistics and how to
    finish them, the generic kernel on probabilities and the one in log space."""

    block: Callable
    finish: Callable  # blocked statistics -> nats
    probs: Callable
    logits: Callable
    n_checked: int  # arguments whose sums/minima the blocked statistics certify


def _finisher(finish, *cols):
    """``stats -> nats``: ``finish`` on columns ``cols`` of blocked statistics, in NumPy for arrays, on
    floats for a tuple (one short distribution)."""
    scalar = _kernels.SCALAR

    def run(s):
        if type(s) is tuple:
            return finish(scalar, *[s[c] for c in cols])
        return finish(np, *[s[..., c] for c in cols])

    return run


_ENTROPY = _Measure(
    _blocked.entropy_block,
    _finisher(_kernels.entropy_finish, 0, 1),
    _kernels.entropy_probs,
    _kernels.entropy_logits,
    1,
)
_CROSS_ENTROPY = _Measure(
    _blocked.cross_entropy_block,
    _finisher(_kernels.cross_entropy_finish, 0, 1, 2),
    _kernels.cross_entropy_probs,
    _kernels.cross_entropy_logits,
    2,
)
_KL = _Measure(
    _blocked.kl_block,
    _finisher(_kernels.kl_finish, 0, 1, 3),
    _kernels.kl_probs,
    _kernels.kl_logits,
    2,
)


def _torch_fast(r, m: _Measure):
    """KL, entropy or cross-entropy of torch tensors in a few native operations, certified like the NumPy path.

    The direct terms (``p log(p/q) - p + q``, ``-p log p``, ``-p log q``) and
    the statistics that validate them (sums, minima) are computed in float64
    with one device synchronisation; rows the direct form cannot certify (a
    zero probability, invalid input, nearly identical distributions for KL)
    return ``None`` and take the generic kernels, which check and compute
    them exactly.  The result is the same differentiable function of ``p``
    and ``q`` as the generic kernels' (``*_finish`` on the same sums).
    """
    torch = sys.modules["torch"]
    arrays = r.arrays
    dtype = arrays[0].dtype
    if dtype not in (torch.float32, torch.float64) or arrays[0].ndim != 1:
        return None
    x = [a.to(torch.float64) for a in arrays] if dtype != torch.float64 else list(arrays)
    p = x[0]
    if m is _KL:
        q = x[1]
        terms = p * torch.log(p / q) - (p - q)
        cols = [terms.sum(), p.sum(), q.sum(), (q - p).sum(), p.min(), q.min()]
    elif m is _CROSS_ENTROPY:
        q = x[1]
        cols = [-(p * torch.log(q)).sum(), p.sum(), q.sum(), p.min(), q.min()]
    else:
        cols = [-(p * torch.log(p)).sum(), p.sum(), p.min()]
    stats = torch.stack(cols)
    vals = stats.detach().tolist()
    n = len(arrays)
    tol = sum_tolerance(_backend.np_dtype(dtype))
    if not (vals[0] == vals[0] and abs(vals[0]) != math.inf and all(abs(vals[1 + i] - 1.0) <= tol for i in range(n))
            and all(v > 0 for v in vals[-n:])):
        return None  # zeros, invalid input or an infinite term: the generic path decides
    if m is _KL and vals[0] < _blocked.KL_RECHECK * (vals[1] + vals[2]):
        return None  # nearly identical distributions: the exact kernel
    if torch.is_grad_enabled() and any(a.requires_grad for a in arrays):
        ns, cols = torch, stats  # differentiable finish on 0-d tensors
    else:
        ns, cols = _kernels.SCALAR, vals  # type: ignore[assignment]  # nothing to differentiate: finish on floats
    if m is _KL:
        value = _kernels.kl_finish(ns, cols[0], cols[1], cols[3])
    elif m is _CROSS_ENTROPY:
        value = _kernels.cross_entropy_finish(ns, cols[0], cols[1], cols[2])
    else:
        value = _kernels.entropy_finish(ns, cols[0], cols[1])
    if ns is torch:
        return value.to(dtype)
    return torch.tensor(value, dtype=dtype, device=arrays[0].device)


def _nats(r, m: _Measure):
    """Evaluate measure ``m`` on resolved inputs ``r`` (validating them), in nats."""
    if not r.all_probs:
        if not r.validated:
            r.validate_probs()  # the probability arguments beside a Categorical are checked too
        return m.logits(r.xp, *r.logits())
    if r.numpy:
        stats = _numpy_fast(r, m.block, m.n_checked)
        if stats is not None:
            value = m.finish(stats)
            return r.arrays[0].dtype.type(value) if isinstance(stats, tuple) else value.astype(r.arrays[0].dtype)
    elif r.torch and not r.validated:
        value = _torch_fast(r, m)
        if value is not None:
            return value
    if not r.validated:
        r.validate_probs()
    return m.probs(r.xp, *r.arrays)



@quiet
def information(p):
    """``-log p`` elementwise (``+inf`` at 0); a Categorical gives ``-log softmax``."""
    if isinstance(p, Categorical):
        xp = _backend.namespace(p._z)
        return _backend.to_result(xp, p._out(-_kernels.log_softmax(xp, p._z)))
    x = _backend.as_float_array(p, "p")
    xp = _backend.namespace(x)
    check_probs(xp, xp.reshape(x, (1,)) if x.ndim == 0 else x, "p", sums=False)
    zero = x == 0
    return _backend.to_result(xp, xp.where(zero, xp.full_like(x, math.inf), -xp.log(xp.where(zero, xp.ones_like(x), x))))


def _numpy_views(named):
    """NumPy views of CPU torch tensors that need no gradient (float32/64), or None.

    Such tensors share their memory with NumPy, so the NumPy path (blocked,
    threaded, certified) serves them without a copy; the result goes back as
    a tensor of the same dtype.
    """
    torch = sys.modules.get("torch")
    if torch is None or type(named[0][1]) is not torch.Tensor:
        return None
    grad, dtypes = torch.is_grad_enabled(), (torch.float32, torch.float64)
    views = []
    for name, v in named:
        if type(v) is not torch.Tensor or v.device.type != "cpu" or v.dtype not in dtypes or (grad and v.requires_grad):
            return None
        views.append((name, v.detach().numpy()))
    return views


_SHORT = 64  # outcomes of one distribution evaluated over Python floats (blocked.short_stats)
_SHORT_DTYPES = {np.dtype(np.float32): np.float32, np.dtype(np.float64): np.float64}
_TORCH_SHORT: dict = {}  # torch dtype -> NumPy scalar type, filled when torch is first seen


def _short(m: _Measure, named):
    """One short 1-D distribution (or pair) of one float dtype, as NumPy arrays or CPU torch tensors
    that need no gradient: the measure over Python floats, certified like the blocked path; else None.

    For a few outcomes the fixed cost of a call is the whole cost; this path
    skips the array machinery and gives the same value (the same terms, sums
    and finish).
    """
    first = named[0][1]
    cls = type(first)
    if cls is np.ndarray:
        dtype = first.dtype
        wrap = _SHORT_DTYPES.get(dtype)
        if wrap is None:
            return None
        tol = sum_tolerance(dtype)
    else:
        torch = sys.modules.get("torch")
        if torch is None or cls is not torch.Tensor or not first.is_cpu:
            return None
        dtype = first.dtype
        if not _TORCH_SHORT:
            _TORCH_SHORT.update({torch.float32: np.float32, torch.float64: np.float64})
        np_type = _TORCH_SHORT.get(dtype)
        if np_type is None or torch.is_grad_enabled() and first.requires_grad:
            return None
        tol = sum_tolerance(np.dtype(np_type))

        def wrap(value):  # type: ignore[misc]
            return torch.from_numpy(np.array(value, np_type))
    shape = first.shape
    if len(shape) != 1 or not 0 < shape[0] <= _SHORT:
        return None
    rows = []
    for _, v in named:
        if type(v) is not cls or v.dtype != dtype or v.shape != shape or v is not first and cls is not np.ndarray \
                and v.requires_grad and sys.modules["torch"].is_grad_enabled():
            return None
        rows.append(v.tolist())
    stats = _blocked.short_stats(m.block, rows, tol)
    if stats is None:
        return None  # the array path validates (and raises) or computes exactly
    return wrap(m.finish(stats))  # type: ignore[misc]


def _measure(m: _Measure, named, axis, keepdims, normalize):
    """Measure ``m`` of the ``(name, argument)`` pairs: a short distribution over floats, else the array path."""
    if not normalize and not keepdims and (axis == -1 or axis == 0):
        value = _short(m, named)
        if value is not None:
            return value
    return _arrays(m, named, axis, keepdims, normalize)


@quiet
def _arrays(m: _Measure, named, axis, keepdims, normalize):
    if type(named[0][1]) is not np.ndarray:
        views = _numpy_views(named)
        if views is not None:
            return sys.modules["torch"].from_numpy(np.asarray(_arrays(m, views, axis, keepdims, normalize)))
    r = resolve(named, axis=axis)
    if normalize:
        r.validate_probs(normalize=True)
    return r.finish(_nats(r, m), keepdims)


def entropy(p, *, axis=-1, keepdims=False, normalize=False):
    return _measure(_ENTROPY, [("p", p)], axis, keepdims, normalize)


def cross_entropy(p, q, *, axis=-1, keepdims=False, normalize=False):
    return _measure(_CROSS_ENTROPY, [("p", p), ("q", q)], axis, keepdims, normalize)


def kl_divergence(p, q, *, axis=-1, keepdims=False, normalize=False):
    return _measure(_KL, [("p", p), ("q", q)], axis, keepdims, normalize)


@quiet
def js_divergence(p, q, *, axis=-1, keepdims=False, normalize=False):
    r = resolve([("p", p), ("q", q)], axis=axis)
    r.validate_probs(normalize=normalize)
    if not r.all_probs:
        return r.finish(_kernels.js_logits(r.xp, *r.logits()), keepdims)
    return r.finish(_kernels.js_probs(r.xp, *r.arrays), keepdims)


@quiet
def renyi_entropy(p, alpha: float, *, axis=-1, keepdims=False, normalize=False):
    if alpha == 1.0:
        return entropy(p, axis=axis, keepdims=keepdims, normalize=normalize)
    r = resolve([("p", p)], axis=axis)
    r.validate_probs(normalize=normalize)
    (z,) = r.logits()
    return r.finish(_kernels.renyi_entropy_logits(r.xp, z, alpha), keepdims)


@quiet
def renyi_divergence(p, q, alpha: float, *, axis=-1, keepdims=False, normalize=False):
    if alpha == 1.0:
        return kl_divergence(p, q, axis=axis, keepdims=keepdims, normalize=normalize)
    r = resolve([("p", p), ("q", q)], axis=axis)
    r.validate_probs(normalize=normalize)
    return r.finish(_kernels.renyi_divergence_logits(r.xp, *r.logits(), alpha), keepdims)  # type: ignore[call-arg]
