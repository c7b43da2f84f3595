"""NumPy fast path: blocked, threaded reductions over the event axis.

The array-API kernels in :mod:`infokit._kernels` evaluate a measure with a few
full-size temporaries.  For NumPy inputs the same sums are evaluated here in
cache-sized blocks with preallocated per-thread scratch buffers, so a
reduction over N values allocates O(block) memory, and blocks are spread over
threads (NumPy ufuncs release the GIL).  Each block also yields the sums and
minima the validator needs, so the data are read once.

Per row, a block function returns partial sums (combined exactly with
:func:`math.fsum` when a row spans several blocks) and minima.  The
mathematics — which terms are summed and how the sums are finished — is the
one in :mod:`infokit._kernels`; only the evaluation strategy lives here.
"""

from __future__ import annotations

import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from infokit._core import kernels as _kernels

__all__ = ["BLOCK", "reduce_rows", "short_stats", "kl_block", "entropy_block", "cross_entropy_block", "num_threads"]

#: Elements per block: large enough that the ~20 us of Python per block is a few
#: percent of its work, small enough to stay in cache (1 MiB of float64).
BLOCK = 1 << 17
_SMALL = 1 << 12  # buffers of at most this many values are allocated, not looked up
_MIN_PARALLEL = 1 << 17  # below this many elements, threads cost more than they save

# Recheck thresholds of kl_block (see there): rows with a sum of KL terms below
# _KL_RECHECK * sum|p - q| or _KL_FLOOR * sum p are recomputed exactly.
KL_RECHECK = _KL_RECHECK = 1.0 / 32.0
_KL_FLOOR = 2.0**-8

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()
_local = threading.local()


def num_threads() -> int:
    """Threads used by the NumPy path (``INFOKIT_NUM_THREADS`` or the usable cores)."""
    env = os.environ.get("INFOKIT_NUM_THREADS")
    if env:
        return max(1, int(env))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def _get_pool(n: int) -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None or _pool._max_workers < n:
            _pool = ThreadPoolExecutor(max_workers=n, thread_name_prefix="infokit")
        return _pool


def _scratch(dtype, rows: int, cols: int, slot: str = "work"):
    """Two float buffers of shape (rows, cols), reused per thread (small ones are simply allocated)."""
    n = rows * cols
    if n <= _SMALL:
        return np.empty((rows, cols), dtype), np.empty((rows, cols), dtype)
    key = (dtype, slot)
    bufs = getattr(_local, "bufs", None)
    if bufs is None:
        bufs = _local.bufs = {}
    if key not in bufs or bufs[key][0].size < n:
        size = max(n, BLOCK)
        bufs[key] = (np.empty(size, dtype), np.empty(size, dtype))
    t, u = bufs[key]
    return t[:n].reshape(rows, cols), u[:n].reshape(rows, cols)


# --------------------------------------------------------------------------
# block functions: (p, q) blocks of shape (r, m) -> stats of shape (r, k)
# stats columns: sums first, then minima (``n_sums`` and ``n_cols`` of each).
# --------------------------------------------------------------------------
def kl_terms_sparse(p, q):
    """:func:`infokit._core.kernels.kl_terms` for float64 NumPy arrays, evaluated sparsely.

    The direct form everywhere, the series only where p ~ q, and the generic
    kernel only on the rare special values (zeros, overflowing ratios).
    """
    t = np.divide(p, q)
    bad = ~((t > 1e-300) & (t < 1e300))  # zeros, infinities, extreme ratios
    np.log(t, out=t)
    t *= p
    d = p - q
    t -= d
    np.abs(d, out=d)
    small = d < _kernels.KL_SERIES_V * (p + q)
    idx = np.nonzero(small & ~bad)
    if idx[0].size:
        t[idx] = _kernels.kl_series_terms(np, p[idx], q[idx])
    idx = np.nonzero(bad)
    if idx[0].size:
        t[idx] = _kernels.kl_terms(np, p[idx], q[idx])
    return t


_sum, _min = np.add.reduce, np.minimum.reduce
_ROW = 64  # one distribution of at most this many outcomes is summed over Python floats


def _columns(sums, mins):
    """Sums and minima along the last axis: 1-D arrays, or Python floats for one short row.

    ``math.fsum`` over a short row's floats is exact and costs a fraction of a
    NumPy reduction; longer or several rows use the ufunc reductions.
    """
    if sums[0].shape[0] == 1 and sums[0].shape[1] <= _ROW:
        rows = [x[0].tolist() for x in sums]
        return [_fsum_or_sum(r) for r in rows] + [min(x[0].tolist()) for x in mins]
    return [_sum(x, axis=-1) for x in sums] + [_min(x, axis=-1) for x in mins]


def _fsum_or_sum(values) -> float:
    """``math.fsum``, or the IEEE sum where fsum refuses (inf - inf, an overflowing partial sum)."""
    try:
        return math.fsum(values)
    except (OverflowError, ValueError):
        return sum(values)


def _nan(a) -> bool:
    return (a != a) if isinstance(a, float) else bool(np.isnan(a).any())


def _stats(*cols):
    """The statistics of a block: a tuple of floats for one short row, else an array (rows, k)."""
    if isinstance(cols[0], float):
        return cols
    return np.stack(np.broadcast_arrays(*cols), axis=-1)


def _exact_rows(a, sp, sq, spread):
    """Which KL sums the direct form cannot certify (elementwise; floats or arrays).

    The direct form's absolute error is a few ulp of p per outcome (the
    rounding of p/q), plus a few ulp of |p - q|.  Sums where that could exceed
    ~1e-13 of the result -- a < 2^-8 sum p or a < sum|p - q| / 32 (nearly
    identical distributions) -- and sums that overflowed (q subnormal) are
    recomputed exactly.  ``spread`` is called only for candidates: since
    sum|p - q| <= sp + sq, a >= (sp + sq) / 32 needs no spread.
    """
    candidate = (a < _KL_RECHECK * (sp + sq)) | (a == np.inf)
    if isinstance(a, float):
        return candidate and ((a < _KL_RECHECK * spread()) or a < _KL_FLOOR * sp or a == np.inf)
    return candidate


def kl_block(p, q):
    """Columns: sum(p log(p/q) - p + q), sum p, sum q, sum(q - p), min p, min q (where p == 0).

    float32 blocks are evaluated in float64: the rounding of p/q near 1 would
    otherwise cost an absolute error of ~eps32 * p per outcome.
    """
    t, u = _scratch(np.float64, *p.shape)
    if p.dtype != np.float64:  # one cast per block, then float64 ufuncs without buffering
        p64, q64 = _scratch(np.float64, *p.shape, slot="cast")
        np.copyto(p64, p)
        np.copyto(q64, q)
        p, q = p64, q64
    np.divide(p, q, out=t)
    np.log(t, out=t)
    np.multiply(t, p, out=t)
    np.subtract(p, q, out=u)
    np.subtract(t, u, out=t)  # p log(p/q) - (p - q), accurate unless p ~ q
    a, sp, sq, pmin = _columns((t, p, q), (p,))
    qmin = 0.0
    if _nan(a):  # 0 log 0 (p == 0) gives NaN: the term is q there
        pz = p == 0
        t[pz] = q[pz]
        a, qmin = _columns((t,), (q,))
    dqp = sq - sp
    redo = _exact_rows(a, sp, sq, lambda: _fsum_or_sum([abs(x) for x in u[0].tolist()]))
    if isinstance(a, float):
        if redo:
            a, dqp = _fsum_or_sum(kl_terms_sparse(p[0], q[0]).tolist()), _fsum_or_sum((q[0] - p[0]).tolist())
        return _stats(a, sp, sq, dqp, pmin, qmin)
    maybe = np.nonzero(redo)[0]
    if maybe.size:
        spread = np.abs(u[maybe]).sum(axis=-1)
        am = a[maybe]
        redo = maybe[(am < _KL_RECHECK * spread) | (am < _KL_FLOOR * sp[maybe]) | np.isinf(am)]
        if redo.size:
            p64, q64 = p[redo].astype(np.float64), q[redo].astype(np.float64)
            a[redo] = kl_terms_sparse(p64, q64).sum(axis=-1)
            dqp[redo] = (q64 - p64).sum(axis=-1)
    return _stats(a, sp, sq, dqp, pmin, qmin)


def cross_entropy_block(p, q):
    """Columns: sum(-p log q), sum p, sum q, min p, min q (where p == 0)."""
    t, _ = _scratch(p.dtype, *p.shape)
    np.log(q, out=t)
    np.multiply(t, p, out=t)
    a, sp, sq, pmin = _columns((t, p, q), (p,))
    qmin = 0.0
    if _nan(a):  # 0 * log 0
        t[p == 0] = 0
        a, qmin = _columns((t,), (q,))
    return _stats(-a, sp, sq, pmin, qmin)


def entropy_block(p):
    """Columns: sum(-p log p), sum p.  A negative p makes the first NaN."""
    t, _ = _scratch(p.dtype, *p.shape)
    np.log(p, out=t)
    np.multiply(t, p, out=t)
    a, sp = _columns((t, p), ())
    if _nan(a):  # 0 log 0
        t[p == 0] = 0
        (a,) = _columns((t,), ())
    return _stats(-a, sp)


def short_stats(block_fn, rows, tol: float):
    """The statistics of ``block_fn`` for one short distribution given as lists of Python floats, or None.

    The same columns and the same terms as the block functions, evaluated
    over floats (exact ``math.fsum`` sums) with no array operation: for a few
    outcomes this costs less than one NumPy call.  Only strictly positive
    rows that sum to 1 within ``tol`` are evaluated; anything else (zeros,
    NaN, infinities, negatives, other sums) and KL sums the direct form
    cannot certify return ``None``, and the array path decides.
    """
    sums = []
    for row in rows:
        if not (min(row) > 0.0 and max(row) <= 1.0):  # NaN makes the sum below NaN
            return None
        s = math.fsum(row)
        if not abs(s - 1.0) <= tol:
            return None
        sums.append(s)
    log = math.log
    if block_fn is kl_block:
        p, q = rows
        sp, sq = sums
        a = math.fsum([x * log(x / y) - (x - y) for x, y in zip(p, q)])
        if _exact_rows(a, sp, sq, lambda: math.fsum([abs(x - y) for x, y in zip(p, q)])):
            return None
        return a, sp, sq, math.fsum([y - x for x, y in zip(p, q)]), min(p), 0.0
    if block_fn is cross_entropy_block:
        p, q = rows
        return -math.fsum([x * log(y) for x, y in zip(p, q)]), sums[0], sums[1], min(p), 0.0
    (p,) = rows
    return -math.fsum([x * log(x) for x in p]), sums[0]


kl_block.n_sums, kl_block.n_cols = 4, 6  # type: ignore[attr-defined]
cross_entropy_block.n_sums, cross_entropy_block.n_cols = 3, 5  # type: ignore[attr-defined]
entropy_block.n_sums, entropy_block.n_cols = 2, 2  # type: ignore[attr-defined]


# --------------------------------------------------------------------------
def reduce_rows(block_fn, *arrays):
    """Apply ``block_fn`` over blocks of ``arrays`` (same shape, event axis last).

    Called with NumPy's floating-point warnings off (the measures run under
    :func:`infokit._lib.errstate.quiet`); worker threads set their own.

    Returns an array of shape ``(*lead, k)`` of float64 statistics: the first
    ``block_fn.n_sums`` columns are sums over the event axis, the rest minima.
    An array whose leading axes are broadcast (stride 0) is read in place.
    """
    shape = arrays[0].shape
    n = shape[-1]
    if len(shape) == 1 and 0 < n < BLOCK:  # one distribution in one block: no scheduling
        s = block_fn(*[a[None] for a in arrays])  # the caller holds the error state (quiet)
        return s if isinstance(s, tuple) else s[0]
    lead = shape[:-1]
    rows = math.prod(lead)
    mats = [_as_rows(a, rows, n) for a in arrays]
    if n >= BLOCK:
        nblocks = -(-n // BLOCK)
        tasks = [(r, r + 1, b) for r in range(rows) for b in range(nblocks)]
    else:
        nblocks = 1
        per = max(1, BLOCK // n)
        tasks = [(r, min(r + per, rows), 0) for r in range(0, rows, per)]
    n_sums, k = block_fn.n_sums, block_fn.n_cols
    if rows == 0:
        return np.empty((*lead, k))
    if len(tasks) == 1:  # one block: no scheduling, no copy of the statistics
        with np.errstate(all="ignore"):
            return np.asarray(block_fn(*mats), dtype=np.float64).reshape(*lead, k)
    out = np.empty((rows, nblocks, k))

    def run(task):
        r0, r1, b = task
        c0 = b * BLOCK
        out[r0:r1, b, :] = block_fn(*[m[r0:r1, c0 : c0 + BLOCK] for m in mats])  # a tuple fills one row
    nthreads = min(num_threads(), len(tasks))
    if nthreads <= 1 or rows * n < _MIN_PARALLEL:
        with np.errstate(all="ignore"):
            for task in tasks:
                run(task)
    else:
        it = iter(tasks)

        def worker():
            with np.errstate(all="ignore"):
                for task in it:
                    run(task)

        futures = [_get_pool(nthreads).submit(worker) for _ in range(nthreads)]
        for f in futures:
            f.result()
    if nblocks == 1:
        res = out[:, 0, :]
    else:
        res = np.empty((rows, out.shape[-1]))
        for r in range(rows):
            for j in range(n_sums):
                res[r, j] = _fsum_or_sum(out[r, :, j].tolist())
        res[:, n_sums:] = out[:, :, n_sums:].min(axis=1)
    return res.reshape(*lead, k)


def _as_rows(a, rows, n):
    """View ``a`` (…, n) as (rows, n) without copying when its strides allow."""
    if a.ndim == 2:
        return a
    if a.ndim == 1:
        return a.reshape(1, n)
    lead_strides = a.strides[:-1]
    if all(s == 0 for s in lead_strides):  # fully broadcast leading axes
        return np.lib.stride_tricks.as_strided(a, (rows, n), (0, a.strides[-1]), writeable=False)
    return a.reshape(rows, n)  # a view when possible, else a copy
