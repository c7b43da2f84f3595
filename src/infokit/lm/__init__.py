"""Language-model measures from logits: surprisal, perplexity, bits per byte, distillation KL.

Every function takes NumPy, PyTorch or JAX arrays (any array-API library) and
returns results in the caller's library, with autograd preserved (torch
autograd, ``jax.grad``).  Importing this module does not import torch or jax.

* :func:`token_surprisal` -- ``-log softmax(logits)[label]`` per token;
* :func:`perplexity` -- ``exp`` of the mean NLL over the counted tokens;
* :func:`bits_per_byte`, :func:`byte_perplexity`, :func:`word_perplexity` --
  the corpus-level normalisations of lm-evaluation-harness;
* :func:`kl_from_logits` -- exact full-vocabulary KL between a teacher and a
  student per position, computed in chunks of positions so that a
  ``(batch x seq x 128k-vocab)`` problem never materialises a full-size
  log-softmax (neither in the forward nor, with torch or JAX, in the backward).

Definitions (EleutherAI lm-evaluation-harness, ``lm_eval/api/metrics.py``)
--------------------------------------------------------------------------
With ``NLL`` the total negative log-likelihood in nats of a corpus:

* perplexity over tokens ``= exp(NLL / n_tokens)`` (the harness's
  ``weighted_perplexity`` with token counts as weights);
* ``word_perplexity = exp(NLL / n_words)``, ``byte_perplexity = exp(NLL / n_bytes)``;
* ``bits_per_byte = NLL / (n_bytes * ln 2)``.

Perplexity is unit-free: ``2**H_bits = e**H_nats``, so it takes no ``base``.
"""

from __future__ import annotations

import functools
import math
import numbers
import operator

import array_api_compat
import numpy as np

from infokit._lib import backend as _backend
from infokit._core import kernels as _kernels
from infokit._core.logratio import as_bool_mask
from infokit._lib.units import resolve_base
from infokit._lib.checks import _concrete, normalize_axis
from infokit._lib.errstate import quiet as _quiet
from infokit.errors import InvalidArgumentError, InvalidDistributionError, InvalidTypeError

__all__ = [
    "token_surprisal",
    "perplexity",
    "bits_per_byte",
    "byte_perplexity",
    "word_perplexity",
    "kl_from_logits",
]

_DIRECTIONS = ("forward", "reverse")
_REDUCTIONS = ("mean", "sum", "none")
#: Default chunk: about this many logits (rows x vocabulary) per chunk.
_CHUNK_ELEMENTS = 2**19


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _shape(x):
    return tuple(int(s) for s in x.shape)


def _logits(z, name, axis):
    """Float logits of their own library, vocabulary moved to the last axis."""
    z = _backend.as_float_array(z, name)
    xp = _backend.namespace(z)
    if z.ndim == 0:
        raise InvalidDistributionError(f"'{name}' must have a vocabulary axis; got a scalar")
    ax = normalize_axis(axis, z.ndim)
    if ax != z.ndim - 1:
        z = xp.moveaxis(z, ax, -1)
    if z.shape[-1] == 0:
        raise InvalidDistributionError(f"'{name}' has an empty vocabulary axis")
    return xp, z


def _check_logit_values(xp, z, name):
    """NaN / +inf logits and rows of all -inf are errors (skipped when traced)."""
    if _concrete(xp.any(xp.isnan(z) | (z == math.inf))) is True:
        raise InvalidDistributionError(f"'{name}' contains NaN or +inf logits; logits must be real numbers or -inf")
    if math.prod(_shape(z)) and _concrete(xp.any(xp.all(z == -math.inf, axis=-1))) is True:
        raise InvalidDistributionError(f"'{name}' has a position whose logits are all -inf (every probability zero)")


def _is_torch(xp):
    return array_api_compat.is_torch_namespace(xp)


def _is_jax(xp):
    return array_api_compat.is_jax_namespace(xp)


def _labels(xp, labels, like, batch_shape, vocab, ignore_index):
    """Integer labels in ``like``'s library; returns (safe labels as int64, ignored mask or None)."""
    if ignore_index is not None and (isinstance(ignore_index, bool) or not isinstance(ignore_index, numbers.Integral)):
        raise InvalidArgumentError(f"'ignore_index' must be an integer or None (got {ignore_index!r})")
    if not array_api_compat.is_array_api_obj(labels) or isinstance(labels, np.generic):
        labels = np.asarray(labels)
    lxp = array_api_compat.array_namespace(labels)
    if not lxp.isdtype(labels.dtype, "integral"):
        raise InvalidTypeError(f"'labels' must be an integer array of token ids; got dtype {labels.dtype}")
    if lxp is not xp and not (array_api_compat.is_numpy_namespace(lxp) and array_api_compat.is_numpy_namespace(xp)):
        if array_api_compat.is_torch_namespace(lxp):
            labels = labels.detach().cpu().numpy()
        labels = xp.asarray(np.asarray(labels), device=array_api_compat.device(like))
    if _shape(labels) != tuple(batch_shape):
        raise InvalidArgumentError(
            f"'labels' has shape {_shape(labels)} but the logits (vocabulary axis removed) have shape "
            f"{tuple(batch_shape)}; labels must have one token id per position"
        )
    labels = xp.astype(labels, xp.int64)
    ignored = None if ignore_index is None else labels == ignore_index
    bad = (labels < 0) | (labels >= vocab)
    if ignored is not None:
        bad = bad & ~ignored
    if math.prod(batch_shape) and _concrete(xp.any(bad)) is True:
        first = int(labels[bad][0]) if not _is_jax(xp) else int(np.asarray(labels)[np.asarray(bad)][0])
        raise InvalidArgumentError(
            f"'labels' must be token ids in [0, {vocab}) or ignore_index={ignore_index!r}; found {first}"
        )
    if ignored is not None:
        labels = xp.where(ignored, xp.zeros_like(labels), labels)
    return labels, ignored


def _nll_nats(xp, z, labels):
    """``-log softmax(z)[label]`` along the last axis, accurate also when it is tiny.

    ``logsumexp(z) - z_label`` is evaluated as ``(m - z_label) + log1p(rest)``
    with ``m = max z`` and ``rest = sum_j exp(z_j - m) - 1``, where the ``- 1``
    removes the (exact) unit term of one maximal logit instead of subtracting
    after the sum: both parts are >= 0 (no cancellation) and a confident
    prediction (surprisal 1e-12) keeps full relative accuracy, where
    ``-log_softmax(z)[label]`` keeps ~4 digits.  The unit term enters as
    ``expm1(z_max - m)`` (= 0, with the derivative of ``exp``), so gradients
    are exact everywhere, ties included.  Softmax probabilities are never formed.
    """
    vocab = z.shape[-1]
    m = xp.max(z, axis=-1, keepdims=True)
    zm = z - m
    imax = xp.argmax(z, axis=-1, keepdims=True)
    e = xp.exp(zm)
    one_hot = xp.arange(vocab, device=array_api_compat.device(z)) == imax
    e = xp.where(one_hot, xp.zeros_like(e), e)
    rest = xp.sum(e, axis=-1) + xp.expm1(xp.squeeze(xp.take_along_axis(zm, imax, axis=-1), axis=-1))
    zl = xp.squeeze(xp.take_along_axis(zm, labels[..., None], axis=-1), axis=-1)
    return xp.log1p(rest) - zl


# --------------------------------------------------------------------------
# surprisal and perplexity
# --------------------------------------------------------------------------
def _surprisal_nats(logits, labels, ignore_index, axis):
    xp, z = _logits(logits, "logits", axis)
    _check_logit_values(xp, z, "logits")
    safe, ignored = _labels(xp, labels, z, _shape(z)[:-1], z.shape[-1], ignore_index)
    s = _nll_nats(xp, z, safe)
    if ignored is not None:
        s = xp.where(ignored, xp.zeros_like(s), s)
    return xp, s, ignored


@_quiet
def token_surprisal(logits, labels, *, ignore_index=-100, base="bits", axis=-1):
    """Per-token surprisal ``-log softmax(logits)[label]`` (the per-token cross-entropy loss).

    Parameters
    ----------
    logits : array
        Unnormalised scores, e.g. ``(batch, seq, vocab)``; NumPy, torch or JAX.
        For a causal LM, pass the logits and labels already shifted so that
        ``logits[..., t, :]`` predicts ``labels[..., t]``.
    labels : integer array
        Token ids, the shape of ``logits`` without the vocabulary axis; values
        in ``[0, vocab)`` or ``ignore_index``.
    ignore_index : int or None, optional
        Label marking positions to skip (padding, prompt tokens); default -100,
        as in ``torch.nn.functional.cross_entropy`` and Hugging Face models.
        Ignored positions get surprisal **0**; the counted positions are
        exactly ``labels != ignore_index`` (use it as the mask of a mean).
        ``None`` counts every position.
    base : optional
        Unit of the result; default ``"bits"`` (``"nats"`` matches
        ``F.cross_entropy(..., reduction="none")``).
    axis : int, optional
        The vocabulary axis of ``logits`` (default -1).

    Returns
    -------
    array
        Shape of ``labels``, floating dtype of ``logits``, caller's library;
        differentiable with respect to ``logits``.  ``+inf`` where the label's
        logit is ``-inf``.

    Raises
    ------
    InvalidTypeError
        Non-integer labels.
    InvalidArgumentError
        Labels out of range or of the wrong shape, bad ``ignore_index``/``base``.
    InvalidDistributionError
        NaN or ``+inf`` logits, or a position whose logits are all ``-inf``.

    Notes
    -----
    Computed from the log-sum-exp, never from softmax probabilities, and
    accurate to a few ulps in relative terms even for confident predictions
    (surprisal ~1e-12).

    Examples
    --------
    >>> import numpy as np
    >>> token_surprisal(np.zeros((2, 8)), np.array([3, -100])).tolist()   # uniform over 8 tokens
    [3.0, 0.0]
    """
    unit = resolve_base(base)
    xp, s, _ = _surprisal_nats(logits, labels, ignore_index, axis)
    return unit.convert(s)


@_quiet
def perplexity(logits, labels, *, ignore_index=-100, axis=-1):
    """Token-level perplexity ``exp(total NLL / number of counted tokens)``.

    Parameters
    ----------
    logits, labels, ignore_index, axis
        As in :func:`token_surprisal`; the mean is over every counted
        position of the whole array (corpus-level, not a mean of per-sequence
        perplexities).

    Returns
    -------
    array
        0-d array of the caller's library (a NumPy scalar for NumPy input),
        differentiable.  Perplexity is unit-free (``2**H_bits = e**H_nats``),
        so there is no ``base``.  Uniform logits over ``V`` tokens give ``V``.

    Raises
    ------
    InvalidArgumentError
        If every position is ignored (or there is none), and as in
        :func:`token_surprisal`.

    Notes
    -----
    This is lm-evaluation-harness's ``weighted_perplexity`` with one weight
    per token (its ``word_perplexity`` / ``byte_perplexity`` divide the same
    total NLL by the number of words or bytes, see :func:`word_perplexity`).
    It equals ``exp(F.cross_entropy(logits.flatten(0, -2), labels.flatten(),
    ignore_index=-100))``.

    Examples
    --------
    >>> import numpy as np
    >>> float(perplexity(np.zeros((4, 50)), np.arange(4)))
    50.0
    """
    xp, s, ignored = _surprisal_nats(logits, labels, ignore_index, axis)
    n = math.prod(_shape(s)) if ignored is None else xp.sum(xp.astype(~ignored, s.dtype))
    if (ignored is None and n == 0) or (ignored is not None and _concrete(n == 0) is True):
        raise InvalidArgumentError(
            "no token to average: every label equals ignore_index" if ignored is not None else "no token to average"
        )
    return _backend.to_result(xp, xp.exp(xp.sum(s) / n))


def _check_total(total_nll_nats):
    if isinstance(total_nll_nats, numbers.Real) and not isinstance(total_nll_nats, bool):
        if math.isnan(total_nll_nats) or total_nll_nats < 0:
            raise InvalidArgumentError(
                f"'total_nll_nats' must be a non-negative total negative log-likelihood (got {total_nll_nats!r})"
            )
        return float(total_nll_nats), True
    if array_api_compat.is_array_api_obj(total_nll_nats):
        xp = array_api_compat.array_namespace(total_nll_nats)
        if _concrete(xp.any(xp.isnan(total_nll_nats) | (total_nll_nats < 0))) is True:
            raise InvalidArgumentError("'total_nll_nats' must be non-negative (NaN or a negative value found)")
        return total_nll_nats, False
    raise InvalidTypeError(f"'total_nll_nats' must be a number or an array (got {type(total_nll_nats).__name__})")


def _check_count(n, name):
    if isinstance(n, bool):
        raise InvalidTypeError(f"'{name}' must be a positive count (got {n!r})")
    if isinstance(n, numbers.Real):
        if not (math.isfinite(n) and n > 0):
            raise InvalidArgumentError(f"'{name}' must be a positive count (got {n!r})")
        return n
    if array_api_compat.is_array_api_obj(n):
        xp = array_api_compat.array_namespace(n)
        if _concrete(xp.any(~(n > 0) | (n == math.inf))) is True:
            raise InvalidArgumentError(f"'{name}' must be positive and finite")
        return n
    raise InvalidTypeError(f"'{name}' must be a number or an array (got {type(n).__name__})")


def _per(total_nll_nats, n, name):
    total, scalar = _check_total(total_nll_nats)
    n = _check_count(n, name)
    if scalar and isinstance(n, numbers.Real):
        return total / float(n), True
    return total / n, False


@_quiet
def bits_per_byte(total_nll_nats, n_bytes):
    """Bits per byte ``total NLL (nats) / (n_bytes * ln 2)`` (lm-evaluation-harness definition).

    Parameters
    ----------
    total_nll_nats : float or array
        Total negative log-likelihood of a text in nats (e.g.
        ``token_surprisal(logits, labels, base="nats").sum()``); arrays keep
        their library and autograd.
    n_bytes : int or array
        Length of the same text in bytes (UTF-8 bytes of the detokenised text),
        > 0.

    Returns
    -------
    float or array

    Raises
    ------
    InvalidArgumentError
        Negative or NaN NLL; ``n_bytes`` not positive and finite.

    Notes
    -----
    Tokenizer-independent: unlike token perplexity it compares models with
    different vocabularies.  The division by ``ln 2`` rounds once
    (``ln 2`` is carried as a double-double).

    Examples
    --------
    >>> bits_per_byte(8 * 0.6931471805599453, 8)
    1.0
    """
    per, scalar = _per(total_nll_nats, n_bytes, "n_bytes")
    out = resolve_base("bits").convert(per)
    return float(out) if scalar else out


@_quiet
def byte_perplexity(total_nll_nats, n_bytes):
    """``exp(total NLL / n_bytes)`` = ``2**bits_per_byte`` (lm-evaluation-harness ``byte_perplexity``).

    >>> round(byte_perplexity(8 * 0.6931471805599453, 8), 12)
    2.0
    """
    per, scalar = _per(total_nll_nats, n_bytes, "n_bytes")
    if scalar:
        return math.exp(per)
    return array_api_compat.array_namespace(per).exp(per)


@_quiet
def word_perplexity(total_nll_nats, n_words):
    """``exp(total NLL / n_words)`` (lm-evaluation-harness ``word_perplexity``).

    >>> round(word_perplexity(3 * math.log(5.0), 3), 12)
    5.0
    """
    per, scalar = _per(total_nll_nats, n_words, "n_words")
    if scalar:
        return math.exp(per)
    return array_api_compat.array_namespace(per).exp(per)


# --------------------------------------------------------------------------
# KL between two models' logits, chunked over positions
# --------------------------------------------------------------------------
#: Relative error certified per position, by the precision of the result:
#: float64 results to 2**-36 (1.5e-11), float32 (and 16-bit inputs) to 2**-12 (2.4e-4).
_TOL = {64: 2.0**-36, 32: 2.0**-12}
#: Safety factor on the a-posteriori rounding-error bound ``eps * S``.
_SAFETY = 4.0


def _has_float64(xp):
    if _is_jax(xp):
        import jax

        return bool(jax.config.read("jax_enable_x64"))
    return True


def _bits(xp, dt):
    return int(xp.finfo(dt).bits)


def _precisions(xp, *arrays):
    """Compute dtypes of the fast passes (input precision, at least float32; then float64)."""
    dt = xp.result_type(*[a.dtype for a in arrays])
    if _bits(xp, dt) < 32:
        dt = xp.float32
    tiers = [dt]
    if _bits(xp, dt) < 64 and _has_float64(xp):
        tiers.append(xp.float64)
    return tiers


def _chunk_rows(xp, c, dt, temperature):
    if c.dtype != dt:
        c = xp.astype(c, dt)
    if temperature != 1.0:
        c = c / temperature
    return c


def _logsumexp(xp, z):
    """Row-wise log-sum-exp (last axis), native where the library has one."""
    if _is_torch(xp):
        import torch

        return torch.logsumexp(z, dim=-1)
    if _is_jax(xp):
        import jax

        return jax.nn.logsumexp(z, axis=-1)
    return _kernels._logsumexp(xp, z)


def _fast_pass(xp, zp, zq, temperature, dt, safe, ws=None):
    """Per-row ``D(P||Q)``, ``P = softmax(zp/T)``, ``Q = softmax(zq/T)``, and the scale ``S`` of its rounding error.

    The terms are those of the core kernel :func:`infokit._kernels.kl_logits`,
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
    ``-inf`` logits (zero probabilities).  ``ws``: a :class:`_TorchBuffers` for
    the torch no-``-inf`` case, which then allocates nothing chunk-sized.
    """
    if ws is not None and not safe:
        return _fast_torch(zp, zq, temperature, dt, ws)
    zp, zq = _chunk_rows(xp, zp, dt, 1.0), _chunk_rows(xp, zq, dt, 1.0)
    delta = zp - zq
    if temperature != 1.0:
        delta = delta / temperature
        zp, zq = zp / temperature, zq / temperature
    cp, cq = _logsumexp(xp, zp)[..., None], _logsumexp(xp, zq)[..., None]
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
    return xp.sum(t, axis=-1), s


class _TorchBuffers:
    """Chunk-sized torch work arrays, allocated once per call and reused for every chunk.

    Fresh chunk-sized tensors for every operation cost page faults (the CPU
    allocator returns large blocks to the OS); reusing a handful of buffers
    makes the chunked computation about three times faster on a CPU.
    """

    def __init__(self, rows, vocab, dtype, device):
        import torch

        self._new = lambda: torch.empty((rows, vocab), dtype=dtype, device=device)
        self._bufs = {}
        self._args = (vocab, device)
        self._others = {}

    def other(self, dtype, rows):
        """Buffers of another dtype (for the float64 recomputation), also kept for reuse."""
        if dtype not in self._others:
            self._others[dtype] = _TorchBuffers(rows, self._args[0], dtype, self._args[1])
        return self._others[dtype]

    def __call__(self, name, rows):
        if name not in self._bufs:
            self._bufs[name] = self._new()
        return self._bufs[name][:rows]


def _torch_scaled(z, temperature, dt, ws, name):
    """``z / T`` in ``dt``, in a work buffer unless ``z`` can be used as it is."""
    import torch

    if z.dtype == dt and temperature == 1.0:
        return z
    out = ws(name, z.shape[0])
    if temperature == 1.0:
        return out.copy_(z)
    if z.dtype != dt:
        out.copy_(z)
        return out.div_(temperature)
    return torch.div(z, temperature, out=out)


def _torch_log_softmax(z, ws, lname, ename, exp_out=None):
    """``(log_softmax(z), softmax(z))`` into work buffers (``exp_out``: where to put the softmax)."""
    import torch

    rows = z.shape[0]
    lz = torch.sub(z, z.amax(-1, keepdim=True), out=ws(lname, rows))
    pz = torch.exp(lz, out=ws(ename, rows) if exp_out is None else exp_out)
    tot = pz.sum(-1, keepdim=True)
    lz -= tot.log()
    pz /= tot
    return lz, pz


def _fast_torch(zp, zq, temperature, dt, ws):
    """The no-``-inf`` case of :func:`_fast_pass` for torch, in work buffers."""
    import torch

    rows = zp.shape[0]
    zpc = zp if zp.dtype == dt else ws("cp", rows).copy_(zp)
    zqc = zq if zq.dtype == dt else ws("cq", rows).copy_(zq)
    delta = torch.sub(zpc, zqc, out=ws("delta", rows))
    if temperature != 1.0:
        delta /= temperature
        zpc = _torch_scaled(zpc, temperature, dt, ws, "cp")
        zqc = _torch_scaled(zqc, temperature, dt, ws, "cq")
    t = ws("t", rows)
    cs = []
    for z in (zpc, zqc):  # log-normalisers, through the buffer t
        m = z.amax(-1, keepdim=True)
        torch.sub(z, m, out=t).exp_()
        cs.append(t.sum(-1, keepdim=True).log_().add_(m))
    cp, c = cs[0], cs[0] - cs[1]
    lp = torch.sub(zpc, cp, out=ws("lp", rows))
    p = torch.exp(lp, out=ws("p", rows))
    d = torch.sub(delta, c, out=ws("d", rows))
    em = torch.neg(d, out=ws("em", rows)).expm1_()  # q/p - 1
    torch.add(em, d, out=t).mul_(p)  # p h(d)
    em.mul_(p).abs_()  # |q - p|
    torch.abs(delta, out=d).mul_(em)
    s = em.sum(-1) * (1.0 + c[:, 0].abs()) + 2.0 * d.sum(-1)
    lp.neg_().add_(1.0).mul_(t)
    s += lp.sum(-1)
    return t.sum(-1), s


def _uncertain(xp, d, s, dt, tol):
    """Positions whose fast value is not certified to relative error ``tol``."""
    return ~xp.isfinite(d) | (tol * d < _SAFETY * float(xp.finfo(dt).eps) * s)


def _core_pass(xp, zp, zq, temperature, dt):
    return _kernels.kl_logits(xp, _chunk_rows(xp, zp, dt, temperature), _chunk_rows(xp, zq, dt, temperature))


def _kl_chunk_eager(xp, zp, zq, temperature, tiers, safe, ws=None):
    """Per-row KL of one chunk (NumPy, torch, other eager libraries): fast pass, then
    uncertain rows again in float64, then (rarely) with the core kernel."""
    tol = _TOL[_bits(xp, tiers[0])]
    d, s = _fast_pass(xp, zp, zq, temperature, tiers[0], safe, ws)
    flag = _uncertain(xp, d, s, tiers[0], tol)
    subset = array_api_compat.is_numpy_namespace(xp) or _is_torch(xp)
    rows = None  # indices (into the chunk) of the rows still uncertain
    rp, rq = zp, zq
    n_rows = zp.shape[0]
    for nxt in tiers[1:] + [None]:
        if not bool(xp.any(flag)):
            break
        if not subset:
            if nxt is None:
                return xp.where(flag, xp.astype(_core_pass(xp, zp, zq, temperature, tiers[-1]), d.dtype), d)
            dn, sn = _fast_pass(xp, zp, zq, temperature, nxt, safe)
            d = xp.where(flag, xp.astype(dn, d.dtype), d)
            flag = flag & _uncertain(xp, dn, sn, nxt, tol)
            continue
        sel = xp.nonzero(flag)[0]
        rows = sel if rows is None else xp.take(rows, sel, axis=0)
        rp, rq = xp.take(rp, sel, axis=0), xp.take(rq, sel, axis=0)
        # the recomputation works on pieces of rows, so that its wider (float64) or more
        # numerous (core kernel) temporaries take no more memory than the first pass
        piece = max(1, (n_rows * _bits(xp, tiers[0])) // (_bits(xp, tiers[-1]) * (4 if nxt is None else 1)))
        dns, fns = [], []
        for i in range(0, rp.shape[0], piece):
            j = min(i + piece, rp.shape[0])
            a, b = rp[i:j, ...], rq[i:j, ...]
            if nxt is None:
                dns.append(_core_pass(xp, a, b, temperature, tiers[-1]))
            else:
                wn = None if ws is None else ws.other(nxt, piece)
                dn, sn = _fast_pass(xp, a, b, temperature, nxt, safe, wn)
                dns.append(dn)
                fns.append(_uncertain(xp, dn, sn, nxt, tol))
        d[rows] = xp.astype(dns[0] if len(dns) == 1 else xp.concat(dns), d.dtype)
        if nxt is None:
            break
        flag = fns[0] if len(fns) == 1 else xp.concat(fns)
    return d


def _chunk_checks(xp, z, name):
    """Validate one chunk of logits with two row reductions; True if it has -inf logits."""
    mx, mn = xp.max(z, axis=-1), xp.min(z, axis=-1)
    if bool(xp.any(xp.isnan(mx) | (mx == math.inf))):
        raise InvalidDistributionError(f"'{name}' contains NaN or +inf logits; logits must be real numbers or -inf")
    if bool(xp.any(mx == -math.inf)):
        raise InvalidDistributionError(f"'{name}' has a position whose logits are all -inf (every probability zero)")
    return bool(xp.any(mn == -math.inf))


def _kl_rows(xp, s2, t2, temperature, chunk, reverse, tiers, ninf=None):
    """Per-row KL of 2-D (rows x vocab) logits, ``chunk`` rows at a time (no autograd).

    ``ninf``, a list, receives for each chunk whether it has ``-inf`` logits.
    """
    n = s2.shape[0]
    out = []
    ws = None
    if _is_torch(xp) and n:
        ws = _TorchBuffers(min(chunk, n), s2.shape[1], tiers[0], s2.device)
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


_TORCH_FUNCTION = None


def _torch_function():
    """The ``torch.autograd.Function`` (built on first use: infokit never imports torch itself)."""
    global _TORCH_FUNCTION
    if _TORCH_FUNCTION is not None:
        return _TORCH_FUNCTION
    import torch
    from torch.autograd.function import once_differentiable

    xp = array_api_compat.array_namespace(torch.zeros(0))

    class ChunkedKLFromLogits(torch.autograd.Function):
        """Per-position KL with chunked forward and backward.

        forward saves only the inputs and the per-position KL; backward
        recomputes each chunk's log-softmaxes.  For ``D = D(P||Q)``,
        ``P = softmax(zp/T)``, ``Q = softmax(zq/T)`` and upstream gradient ``g``:
        ``dD/dzq = (q - p) g / T`` and ``dD/dzp = p (log p - log q - D) g / T``.
        """

        @staticmethod
        def forward(ctx, s2, t2, temperature, chunk, reverse, tiers):
            ninf = []
            d = _kl_rows(xp, s2, t2, temperature, chunk, reverse, tiers, ninf)
            ctx.save_for_backward(s2, t2, d)
            ctx.config = (temperature, chunk, reverse, tiers[0], ninf)
            return d

        @staticmethod
        @once_differentiable
        def backward(ctx, g):
            s2, t2, d = ctx.saved_tensors
            temperature, chunk, reverse, dt, ninf = ctx.config
            need_s, need_t = ctx.needs_input_grad[0], ctx.needs_input_grad[1]
            gs = torch.empty_like(s2) if need_s else None
            gt = torch.empty_like(t2) if need_t else None
            g = g.to(dt) / temperature
            zp2, zq2 = (s2, t2) if reverse else (t2, s2)
            gp_out, gq_out = (gs, gt) if reverse else (gt, gs)
            ws = _TorchBuffers(min(chunk, s2.shape[0]), s2.shape[1], dt, s2.device)
            for k, i in enumerate(range(0, s2.shape[0], chunk)):
                sl = slice(i, i + chunk)
                rows = zp2[sl].shape[0]
                gc, dc = g[sl, None], d[sl]
                # rows with zero upstream gradient (masked out) get exact zeros, even where D = inf
                zero_rows = None if bool(torch.isfinite(dc).all()) else torch.nonzero(gc[:, 0] == 0)[:, 0]
                lp, p = _torch_log_softmax(_torch_scaled(zp2[sl], temperature, dt, ws, "zp"), ws, "lp", "p")
                gq = None
                if gq_out is not None:  # (q - p) g / T, in the gradient itself unless it is 16-bit
                    gq = gq_out[sl] if gq_out.dtype == dt else ws("gq", rows)
                lq, q = _torch_log_softmax(_torch_scaled(zq2[sl], temperature, dt, ws, "zq"), ws, "lq", "q", gq)
                if gq is not None:
                    gq -= p
                    gq *= gc
                    if zero_rows is not None:
                        gq[zero_rows] = 0
                    if gq_out.dtype != dt:
                        gq_out[sl] = gq
                if gp_out is not None:  # p (log p - log q - D) g / T
                    gp = torch.sub(lp, lq, out=gp_out[sl] if gp_out.dtype == dt else ws("gp", rows))
                    if ninf[k]:
                        gp.masked_fill_(lp == -math.inf, 0.0)
                    gp -= dc[:, None]
                    gp *= p
                    gp *= gc
                    if zero_rows is not None:
                        gp[zero_rows] = 0
                    if gp_out.dtype != dt:
                        gp_out[sl] = gp
            return gs, gt, None, None, None, None

    _TORCH_FUNCTION = ChunkedKLFromLogits
    return _TORCH_FUNCTION


def _jax_map_rows(fn, chunk, *arrays):
    """``fn`` over chunks of rows (``lax.map`` over the whole chunks, then the remainder), concatenated."""
    import jax
    import jax.numpy as jnp

    n = arrays[0].shape[0]
    full = n // chunk
    parts = []
    if full:
        main = tuple(a[: full * chunk].reshape((full, chunk) + a.shape[1:]) for a in arrays)
        res = jax.lax.map(lambda xs: fn(*xs), main)
        parts.append(tuple(r.reshape((full * chunk,) + r.shape[2:]) for r in res))
    if n - full * chunk or not parts:
        parts.append(fn(*(a[full * chunk :] for a in arrays)))
    if len(parts) == 1:
        return parts[0]
    return tuple(jnp.concatenate([p[k] for p in parts]) for k in range(len(parts[0])))


@functools.lru_cache(maxsize=64)
def _jax_function(temperature, chunk, reverse, tier_names):
    """A jitted per-row KL for JAX: ``jax.custom_vjp``, forward and backward mapped over chunks."""
    import jax
    import jax.numpy as jnp

    tiers = [jnp.dtype(n) for n in tier_names]
    tol = _TOL[_bits(jnp, tiers[0])]

    def rows_kl(s, t):
        zp, zq = (s, t) if reverse else (t, s)
        d, sc = _fast_pass(jnp, zp, zq, temperature, tiers[0], True)
        flag = _uncertain(jnp, d, sc, tiers[0], tol)
        for nxt in tiers[1:]:

            def again(args, nxt=nxt):
                d0, f0 = args
                dn, sn = _fast_pass(jnp, zp, zq, temperature, nxt, True)
                return jnp.where(f0, dn.astype(d0.dtype), d0), f0 & _uncertain(jnp, dn, sn, nxt, tol)

            d, flag = jax.lax.cond(jnp.any(flag), again, lambda a: a, (d, flag))

        def core(d0):
            return jnp.where(flag, _core_pass(jnp, zp, zq, temperature, tiers[-1]).astype(d0.dtype), d0)

        return (jax.lax.cond(jnp.any(flag), core, lambda d0: d0, d),)

    def rows_grad(s, t, d, g):
        dt = tiers[0]
        zp, zq = (s, t) if reverse else (t, s)
        lp = jax.nn.log_softmax(_chunk_rows(jnp, zp, dt, temperature), axis=-1)
        lq = jax.nn.log_softmax(_chunk_rows(jnp, zq, dt, temperature), axis=-1)
        gc = (g.astype(dt) / temperature)[:, None]
        zero = gc == 0
        p = jnp.exp(lp)
        gq = jnp.where(zero, 0.0, (jnp.exp(lq) - p) * gc)
        gp = jnp.where(zero, 0.0, p * (jnp.where(lp == -jnp.inf, 0.0, lp - lq) - d[:, None].astype(dt)) * gc)
        gs, gt = (gp, gq) if reverse else (gq, gp)
        return gs.astype(s.dtype), gt.astype(t.dtype)

    @jax.custom_vjp
    def kl(s2, t2):
        return _jax_map_rows(rows_kl, chunk, s2, t2)[0]

    def fwd(s2, t2):
        d = kl(s2, t2)
        return d, (s2, t2, d)

    def bwd(res, g):
        s2, t2, d = res
        return _jax_map_rows(rows_grad, chunk, s2, t2, d, g)

    kl.defvjp(fwd, bwd)
    return jax.jit(kl)


@functools.lru_cache(maxsize=1)
def _jax_checker():
    import jax
    import jax.numpy as jnp

    def check(z):
        return jnp.any(jnp.isnan(z) | (z == jnp.inf)), jnp.any(jnp.all(z == -jnp.inf, axis=-1))

    return jax.jit(check)


def _jax_check(z, name):
    bad, dead = _jax_checker()(z)
    if _concrete(bad) is True:
        raise InvalidDistributionError(f"'{name}' contains NaN or +inf logits; logits must be real numbers or -inf")
    if _concrete(dead) is True:
        raise InvalidDistributionError(f"'{name}' has a position whose logits are all -inf (every probability zero)")


def _positive_int(x, name):
    if isinstance(x, bool):
        raise InvalidArgumentError(f"'{name}' must be a positive integer or None (got {x!r})")
    try:
        v = operator.index(x)
    except TypeError:
        raise InvalidArgumentError(f"'{name}' must be a positive integer or None (got {x!r})") from None
    if v < 1:
        raise InvalidArgumentError(f"'{name}' must be a positive integer or None (got {x!r})")
    return v


@_quiet
def kl_from_logits(
    student_logits,
    teacher_logits,
    *,
    temperature=1.0,
    mask=None,
    chunk=None,
    direction="forward",
    reduction="mean",
    base="nats",
    axis=-1,
):
    """Exact full-vocabulary KL divergence between teacher and student per position, in chunks.

    Parameters
    ----------
    student_logits, teacher_logits : array
        Logits of the same shape, e.g. ``(batch, seq, vocab)``; NumPy, torch or
        JAX (both from the same library).
    temperature : float, optional
        ``T > 0``; both distributions are ``softmax(logits / T)``.  The
        Hinton ``T**2`` factor is **not** applied: multiply the result by
        ``temperature**2`` yourself if you want it.
    mask : boolean array, optional
        Positions to include (the shape of the logits without the vocabulary
        axis, or broadcastable to it), e.g. ``labels != -100``.
    chunk : int, optional
        Positions (rows of the flattened ``(batch*seq, vocab)`` problem) per
        chunk.  Default: about ``2**19`` logits per chunk (16 rows of a 32k
        vocabulary, 4 of a 128k one), which keeps a chunk in cache on a CPU;
        on a GPU a larger chunk (hundreds of rows) is faster.  Peak extra
        memory is about ten chunk-sized arrays, in the forward and in the
        backward; with torch they are allocated once per call and reused.
    direction : {"forward", "reverse"}
        ``"forward"`` (default): ``D(teacher || student)``, the distillation
        KL -- what ``F.kl_div(F.log_softmax(s, -1), F.log_softmax(t, -1),
        log_target=True)`` computes.  ``"reverse"``: ``D(student || teacher)``
        (mode-seeking, as in on-policy distillation).
    reduction : {"mean", "sum", "none"}
        ``"mean"``: mean over the included positions (``F.kl_div(...,
        reduction="sum")`` divided by their number, i.e. ``"batchmean"`` of
        the flattened ``(positions, vocab)`` problem -- *not* ``"batchmean"``
        of a 3-D input, which divides by the batch size only);
        ``"sum"``: total; ``"none"``: per-position values (0 at masked positions).
    base : optional
        Unit of the result (default ``"nats"``).
    axis : int, optional
        Vocabulary axis (default -1; another axis costs a copy of the inputs).

    Returns
    -------
    array
        0-d (``"mean"``, ``"sum"``) or the positions' shape (``"none"``), in
        the caller's library; float64 for float64 logits, float32 otherwise
        (16-bit logits are computed in float32).  Differentiable with respect
        to both logits (torch autograd; ``jax.grad`` / ``jax.vjp``, also under
        ``jax.jit``).

    Raises
    ------
    InvalidDistributionError
        NaN / ``+inf`` logits or a position whose logits are all ``-inf``
        (checked chunk by chunk; skipped under ``jax.jit``).
    InvalidArgumentError
        Different shapes, bad ``temperature`` / ``chunk`` / ``direction`` /
        ``reduction`` / ``mask``, or ``"mean"`` over no position.

    Notes
    -----
    *Accuracy.*  Each position's KL is a sum of non-negative terms
    ``p (d - 1 + e^{-d})``, ``d = log p - log q`` (the terms of the core
    kernel behind ``ik.kl_divergence(ik.from_logits(t), ik.from_logits(s))``),
    evaluated by a fast pass that also bounds its own rounding error.
    Positions whose bound is not small enough -- teacher and student nearly
    equal, where the terms cancel (in float32, a KL below about 1e-5 nats) --
    are recomputed in float64 and, if still uncertain, with the core kernel
    (slow, but rarely reached), so every value is certified to a relative
    error of about 1.5e-11 (float64 results) or 2.4e-4 (float32 results;
    typically ~1e-7), ``+inf`` where the teacher puts mass on a student logit
    of ``-inf``.  The recomputation makes the forward pass about three times
    slower for such positions.  The plain ``sum p (log p - log q)`` has no
    such guarantee: its error is about ``eps * |log-normaliser|``, which can
    exceed a small KL entirely (1.6% at a KL of 5e-7 in float32, see
    ``benchmarks/RESULTS.md``).

    *Memory and time.*  Only one chunk of log-probabilities exists at a time.
    With torch, a ``torch.autograd.Function`` saves just the inputs and the
    per-position KL; its backward recomputes the softmaxes chunk by chunk:
    ``dD(t||s)/ds = (softmax(s/T) - softmax(t/T)) / T`` and
    ``dD(t||s)/dt = softmax(t/T) * (log t - log s - D) / T`` per position
    (times the upstream gradient).  It is differentiable once (no double
    backward).  With JAX, a ``jax.custom_vjp`` with the same backward maps
    over chunks with ``lax.map``.  The gradients themselves are full-size,
    like the inputs.  On a CPU, forward + backward of 2048 positions x 128k
    vocabulary in float32 peaks at about a fifth of the memory of the plain
    ``F.kl_div`` formulation (the full-size gradient included) and takes
    less time (``benchmarks/bench_lm.py``).

    Examples
    --------
    >>> import numpy as np
    >>> s = np.log([[0.5, 0.5], [0.25, 0.75]])
    >>> t = np.log([[0.5, 0.5], [0.75, 0.25]])
    >>> kl_from_logits(s, t, reduction="none").round(6).tolist()   # D(teacher || student)
    [0.0, 0.549306]
    """
    unit = resolve_base(base)
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
    _, s = _logits(student_logits, "student_logits", axis)
    _, t = _logits(teacher_logits, "teacher_logits", axis)
    xp = _backend.namespace(s, t)
    if _shape(s) != _shape(t):
        raise InvalidArgumentError(
            f"'student_logits' and 'teacher_logits' must have the same shape "
            f"(got {_shape(s)} and {_shape(t)})"
        )
    batch_shape, vocab = _shape(s)[:-1], _shape(s)[-1]
    n = math.prod(batch_shape)
    chunk = max(1, _CHUNK_ELEMENTS // vocab) if chunk is None else _positive_int(chunk, "chunk")
    chunk = min(chunk, max(n, 1))
    sel = None if mask is None else as_bool_mask(xp, mask, s, batch_shape, what="the positions of the logits")

    s2, t2 = xp.reshape(s, (n, vocab)), xp.reshape(t, (n, vocab))
    tiers = _precisions(xp, s2, t2)
    reverse = direction == "reverse"
    if _is_torch(xp):
        d = _torch_function().apply(s2, t2, temperature, chunk, reverse, tiers)
    elif _is_jax(xp) and n:
        _jax_check(s2, "student_logits")
        _jax_check(t2, "teacher_logits")
        d = _jax_function(temperature, chunk, reverse, tuple(np.dtype(dt).name for dt in tiers))(s2, t2)
    else:
        d = _kl_rows(xp, s2, t2, temperature, chunk, reverse, tiers)
    d = xp.reshape(d, batch_shape)
    if sel is not None:
        d = xp.where(sel, d, xp.zeros_like(d))
    if reduction == "none":
        return unit.convert(d)
    total = xp.sum(d)
    if reduction == "mean":
        count = n if sel is None else xp.sum(xp.astype(sel, d.dtype))
        if (sel is None and n == 0) or (sel is not None and _concrete(count == 0) is True):
            raise InvalidArgumentError("reduction='mean' over no position: the mask selects none (or there is none)")
        total = total / count
    return _backend.to_result(xp, unit.convert(total))
