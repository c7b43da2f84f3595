"""KL divergence between two models' logits per position, chunked over positions (nats).

The pieces of :func:`infokit.lm.kl_from_logits`: option checks, input
preparation, the precision tiers, the certified fast pass and its
recomputation, the eager chunk loop (NumPy, torch, any array-API library)
and the final masking and reduction.  :mod:`._torch` wraps the eager loop in
an autograd Function and :mod:`._jax` maps the same passes over chunks with
``lax.map``; the public function picks one of the three.
"""

from __future__ import annotations

import math
import numbers
from typing import NamedTuple

import array_api_compat

from infokit._core import kernels as _kernels
from infokit._core.logratio import as_bool_mask
from infokit._lib import backend as _backend
from infokit._lib.checks import _concrete, logits_error
from infokit.errors import InvalidArgumentError
from infokit.lm._surprisal import logits_last

_DIRECTIONS = ("forward", "reverse")
_REDUCTIONS = ("mean", "sum", "none")
#: Default chunk: about this many logits (rows x vocabulary) per chunk.
_CHUNK_ELEMENTS = 2**19
#: Relative error certified per position, by the precision of the result:
#: float64 results to 2**-36 (1.5e-11), float32 (and 16-bit inputs) to 2**-12 (2.4e-4).
TOL = {64: 2.0**-36, 32: 2.0**-12}
#: Safety factor on the a-posteriori rounding-error bound ``eps * S``.
_SAFETY = 4.0


# --------------------------------------------------------------------------
# options and inputs
# --------------------------------------------------------------------------
def check_options(direction, reduction, temperature):
    """Check ``direction`` and ``reduction``; return ``temperature`` as a positive float."""
    if direction not in _DIRECTIONS:
        raise InvalidArgumentError(
            f"'direction' must be 'forward' (D(teacher || student)) or 'reverse' (D(student || teacher)); "
            f"got {direction!r}"
        )
    if reduction not in _REDUCTIONS:
        raise InvalidArgumentError(f"'reduction' must be one of 'mean', 'sum', 'none' (got {reduction!r})")
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise InvalidArgumentError(f"'temperature' must be a positive number (got {temperature!r})")
    temperature = float(temperature)
    if not (math.isfinite(temperature) and temperature > 0):
        raise InvalidArgumentError(f"'temperature' must be positive and finite (got {temperature!r})")
    return temperature


class Problem(NamedTuple):
    """The flattened ``(rows, vocab)`` problem of one call."""

    xp: object
    s2: object  #: student logits, (rows, vocab)
    t2: object  #: teacher logits, (rows, vocab)
    batch_shape: tuple
    sel: object  #: boolean mask of the positions (batch_shape), or None
    chunk: int  #: rows per chunk
    tiers: list  #: dtypes of the fast passes


def prepare(student_logits, teacher_logits, mask, chunk, axis):
    """Logits of one library and shape, flattened to rows; the mask, the chunk and the precision tiers."""
    _, s = logits_last(student_logits, "student_logits", axis)
    _, t = logits_last(teacher_logits, "teacher_logits", axis)
    xp = _backend.namespace(s, t, names=("student_logits", "teacher_logits"))
    shape = _backend.shape_of(s)
    if shape != _backend.shape_of(t):
        raise InvalidArgumentError(
            f"'student_logits' and 'teacher_logits' must have the same shape "
            f"(got {shape} and {_backend.shape_of(t)})"
        )
    batch_shape, vocab = shape[:-1], shape[-1]
    n = math.prod(batch_shape)
    chunk = max(1, _CHUNK_ELEMENTS // vocab) if chunk is None else chunk
    chunk = min(chunk, max(n, 1))
    sel = None if mask is None else as_bool_mask(xp, mask, s, batch_shape, what="the positions of the logits")
    s2, t2 = xp.reshape(s, (n, vocab)), xp.reshape(t, (n, vocab))
    return Problem(xp, s2, t2, batch_shape, sel, chunk, _precisions(xp, s2, t2))


def reduce(problem, d, reduction):
    """Per-row KL ``d`` back to the positions' shape, masked, then reduced (nats)."""
    xp, sel = problem.xp, problem.sel
    d = xp.reshape(d, problem.batch_shape)
    if sel is not None:
        d = xp.where(sel, d, xp.zeros_like(d))
    if reduction == "none":
        return d
    total = xp.sum(d)
    if reduction == "mean":
        n = math.prod(problem.batch_shape)
        count = n if sel is None else xp.sum(xp.astype(sel, d.dtype))
        if (sel is None and n == 0) or (sel is not None and _concrete(count == 0) is True):
            raise InvalidArgumentError("reduction='mean' over no position: the mask selects none (or there is none)")
        total = total / count
    return _backend.to_result(xp, total)


# --------------------------------------------------------------------------
# precision tiers
# --------------------------------------------------------------------------
def _has_float64(xp):
    if array_api_compat.is_jax_namespace(xp):
        import jax

        return bool(jax.config.read("jax_enable_x64"))
    return True


def bits(xp, dt):
    return int(xp.finfo(dt).bits)


def _precisions(xp, *arrays):
    """Compute dtypes of the fast passes (input precision, at least float32; then float64)."""
    dt = xp.result_type(*[a.dtype for a in arrays])
    if bits(xp, dt) < 32:
        dt = xp.float32
    tiers = [dt]
    if bits(xp, dt) < 64 and _has_float64(xp):
        tiers.append(xp.float64)
    return tiers


# --------------------------------------------------------------------------
# the passes
# --------------------------------------------------------------------------
def chunk_rows(xp, c, dt, temperature):
    """Rows ``c / T`` in ``dt``."""
    if c.dtype != dt:
        c = xp.astype(c, dt)
    if temperature != 1.0:
        c = c / temperature
    return c


def fast_pass(xp, zp, zq, temperature, dt, safe, ws=None):
    """Per-row ``D(P||Q)``, ``P = softmax(zp/T)``, ``Q = softmax(zq/T)``, and the scale ``S`` of its rounding error.

    The terms are those of the core kernel :func:`infokit._core.kernels.kl_logits`,
    ``p h(d)`` with ``h(d) = d - 1 + e^{-d} >= 0`` and ``d = log p - log q``,
    evaluated as ``p (expm1(-d) + d)``.  ``d`` is formed as
    ``(zp - zq)/T - (c_p - c_q)`` (``c`` the log-normalisers): its elementwise
    rounding is relative to the *difference* of the logits (small where
    teacher and student agree), and the rounding of the constant ``c_p - c_q``
    cancels to first order in the sum of the ``h`` terms (it would not in
    ``sum p (log p - log q)``).  To first order the rounding error of ``D`` is
    at most a small multiple of ``eps * S``, ``S = sum |p - q| (1 + |c_p - c_q|)
    + 2 sum |p - q| |zp - zq|/T + sum p h(d) (1 + |log p|)``; the caller
    recomputes rows where that is not small next to ``D``.  ``safe`` handles
    ``-inf`` logits (zero probabilities).  ``ws``: torch work buffers
    (:class:`infokit.lm._torch.Buffers`); their ``fast_pass`` computes the
    no-``-inf`` case without allocating anything chunk-sized, and their
    ``logsumexp`` is torch's fused one (the core kernel's costs two
    chunk-sized temporaries).
    """
    if ws is not None and not safe:
        d, s, c = ws.fast_pass(zp, zq, temperature, dt)
        return d, s + _offset_scale(xp, c, dt)
    logsumexp = _kernels._logsumexp if ws is None else ws.logsumexp
    zp, zq = chunk_rows(xp, zp, dt, 1.0), chunk_rows(xp, zq, dt, 1.0)
    delta = zp - zq
    if temperature != 1.0:
        delta = delta / temperature
        zp, zq = zp / temperature, zq / temperature
    cp, cq = logsumexp(xp, zp)[..., None], logsumexp(xp, zq)[..., None]
    c = cp - cq
    lp = zp - cp
    if safe:
        pz = zp == -math.inf
        zero = xp.zeros_like(delta)
        delta = xp.where(pz, zero, delta)  # p = 0: the term is q (below); q = 0 < p: delta = +inf, D = inf
        lp = xp.where(pz, zero, lp)
    p = xp.exp(lp)
    if safe:
        p = xp.where(pz, zero, p)
    d = delta - c
    em = xp.expm1(-d)  # q/p - 1
    t = p * (em + d)
    pq = xp.abs(p * em)  # |q - p|
    if safe:
        q = xp.exp(zq - cq)
        t = xp.where(pz, q, t)
        pq = xp.where(pz, q, pq)
    s = (xp.sum(pq, axis=-1) * (1.0 + xp.abs(c[..., 0]))
         + 2.0 * xp.sum(pq * xp.abs(delta), axis=-1)
         + xp.sum(t * (1.0 - lp), axis=-1))
    return xp.sum(t, axis=-1), s + _offset_scale(xp, c[..., 0], dt)


def _offset_scale(xp, c, dt):
    """The second-order part of ``S``: ``eps c^2`` for a gap ``c = c_p - c_q`` between the log-normalisers.

    The first-order bound assumes ``d`` is accurate to a few ulp of its
    parts; when the rows' offsets differ hugely (logits of 1e17 against
    logits of 1) the rounding of ``delta - c`` is ``eps |c|``, larger than
    ``d`` itself, and ``p h(d)`` then errs by up to ``(eps c)^2 / 2`` per
    unit of mass.  For ordinary logits (|c| of order 10) this is far below
    the first-order terms.
    """
    return float(xp.finfo(dt).eps) * c * c


def uncertain(xp, d, s, dt, tol):
    """Positions whose fast value is not certified to relative error ``tol``."""
    return ~xp.isfinite(d) | (tol * d < _SAFETY * float(xp.finfo(dt).eps) * s)


def core_pass(xp, zp, zq, temperature, dt):
    """Per-row KL by the core kernel (slow, exact to rounding): the last resort."""
    return _kernels.kl_logits(xp, chunk_rows(xp, zp, dt, temperature), chunk_rows(xp, zq, dt, temperature))


# --------------------------------------------------------------------------
# the eager chunk loop
# --------------------------------------------------------------------------
def _kl_chunk_eager(xp, zp, zq, temperature, tiers, safe, ws=None):
    """Per-row KL of one chunk (NumPy, torch, other eager libraries): fast pass, then
    uncertain rows again in float64, then (rarely) with the core kernel."""
    tol = TOL[bits(xp, tiers[0])]
    d, s = fast_pass(xp, zp, zq, temperature, tiers[0], safe, ws)
    flag = uncertain(xp, d, s, tiers[0], tol)
    subset = array_api_compat.is_numpy_namespace(xp) or array_api_compat.is_torch_namespace(xp)
    rows = None  # indices (into the chunk) of the rows still uncertain
    rp, rq = zp, zq
    n_rows = zp.shape[0]
    for nxt in tiers[1:] + [None]:
        if not bool(xp.any(flag)):
            break
        if not subset:
            if nxt is None:
                return xp.where(flag, xp.astype(core_pass(xp, zp, zq, temperature, tiers[-1]), d.dtype), d)
            dn, sn = fast_pass(xp, zp, zq, temperature, nxt, safe)
            d = xp.where(flag, xp.astype(dn, d.dtype), d)
            flag = flag & uncertain(xp, dn, sn, nxt, tol)
            continue
        sel = xp.nonzero(flag)[0]
        rows = sel if rows is None else xp.take(rows, sel, axis=0)
        rp, rq = xp.take(rp, sel, axis=0), xp.take(rq, sel, axis=0)
        # the recomputation works on pieces of rows, so that its wider (float64) or more
        # numerous (core kernel) temporaries take no more memory than the first pass
        piece = max(1, (n_rows * bits(xp, tiers[0])) // (bits(xp, tiers[-1]) * (4 if nxt is None else 1)))
        dns, fns = [], []
        for i in range(0, rp.shape[0], piece):
            j = min(i + piece, rp.shape[0])
            a, b = rp[i:j, ...], rq[i:j, ...]
            if nxt is None:
                dns.append(core_pass(xp, a, b, temperature, tiers[-1]))
            else:
                wn = None if ws is None else ws.other(nxt, piece)
                dn, sn = fast_pass(xp, a, b, temperature, nxt, safe, wn)
                dns.append(dn)
                fns.append(uncertain(xp, dn, sn, nxt, tol))
        d[rows] = xp.astype(dns[0] if len(dns) == 1 else xp.concat(dns), d.dtype)
        if nxt is None:
            break
        flag = fns[0] if len(fns) == 1 else xp.concat(fns)
    return d


def _chunk_checks(xp, z, name):
    """Validate one chunk of logits with two row reductions; True if it has -inf logits."""
    mx, mn = xp.max(z, axis=-1), xp.min(z, axis=-1)
    if bool(xp.any(xp.isnan(mx) | (mx == math.inf))):
        raise logits_error(name, "nan_inf")
    if bool(xp.any(mx == -math.inf)):
        raise logits_error(name, "all_ninf", where="position")
    return bool(xp.any(mn == -math.inf))


def kl_rows(xp, s2, t2, temperature, chunk, reverse, tiers, ninf=None, ws=None):
    """Per-row KL of 2-D (rows x vocab) logits, ``chunk`` rows at a time (no autograd).

    ``ninf``, a list, receives for each chunk whether it has ``-inf`` logits;
    ``ws``: torch work buffers for ``chunk`` rows (see :func:`fast_pass`).
    """
    n = s2.shape[0]
    out = []
    for i in range(0, n, chunk):
        j = min(i + chunk, n)
        sc, tc = s2[i:j, ...], t2[i:j, ...]
        safe = _chunk_checks(xp, sc, "student_logits") | _chunk_checks(xp, tc, "teacher_logits")
        if ninf is not None:
            ninf.append(safe)
        zp, zq = (sc, tc) if reverse else (tc, sc)
        out.append(_kl_chunk_eager(xp, zp, zq, temperature, tiers, safe, ws))
    if not out:
        return xp.zeros((0,), dtype=tiers[0], device=array_api_compat.device(s2))
    return out[0] if len(out) == 1 else xp.concat(out)
