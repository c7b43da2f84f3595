"""Surprisal and perplexity from logits and labels, and the per-byte / per-word normalisations (nats).

The public wrappers in :mod:`infokit.lm` check ``base`` and convert the unit;
everything here returns nats (or the unit-free perplexity).
"""

from __future__ import annotations

import math
import numbers

import array_api_compat
import numpy as np

from infokit._lib import backend as _backend
from infokit._lib.checks import _concrete, check_logits, normalize_axis
from infokit.errors import InvalidArgumentError, InvalidDistributionError, InvalidTypeError


# --------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------
def logits_last(z, name, axis):
    """Float logits of their own library, vocabulary moved to the last axis: ``(xp, z)``."""
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


def _labels(xp, labels, like, batch_shape, vocab, ignore_index):
    """Integer labels in ``like``'s library; returns (safe labels as int64, ignored mask or None)."""
    if ignore_index is not None and (isinstance(ignore_index, bool) or not isinstance(ignore_index, numbers.Integral)):
        raise InvalidArgumentError(f"'ignore_index' must be an integer or None (got {ignore_index!r})")
    labels = _backend.as_array(labels)
    if not array_api_compat.array_namespace(labels).isdtype(labels.dtype, "integral"):
        raise InvalidTypeError(f"'labels' must be an integer array of token ids; got dtype {labels.dtype}")
    labels = _backend.to_library(labels, xp, like)
    if _backend.shape_of(labels) != tuple(batch_shape):
        raise InvalidArgumentError(
            f"'labels' has shape {_backend.shape_of(labels)} but the logits (vocabulary axis removed) have shape "
            f"{tuple(batch_shape)}; labels must have one token id per position"
        )
    labels = xp.astype(labels, xp.int64)
    ignored = None if ignore_index is None else labels == ignore_index
    bad = (labels < 0) | (labels >= vocab)
    if ignored is not None:
        bad = bad & ~ignored
    if math.prod(batch_shape) and _concrete(xp.any(bad)) is True:
        if array_api_compat.is_jax_namespace(xp):  # no boolean indexing in JAX
            first = int(np.asarray(labels)[np.asarray(bad)][0])
        else:
            first = int(labels[bad][0])
        raise InvalidArgumentError(
            f"'labels' must be token ids in [0, {vocab}) or ignore_index={ignore_index!r}; found {first}"
        )
    if ignored is not None:
        labels = xp.where(ignored, xp.zeros_like(labels), labels)
    return labels, ignored


# --------------------------------------------------------------------------
# surprisal and perplexity
# --------------------------------------------------------------------------
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


def surprisal_nats(logits, labels, ignore_index, axis):
    """Validated per-token surprisal in nats: ``(xp, surprisal, ignored mask or None)``, 0 where ignored."""
    xp, z = logits_last(logits, "logits", axis)
    check_logits(xp, z, "logits", where="position")
    safe, ignored = _labels(xp, labels, z, _backend.shape_of(z)[:-1], z.shape[-1], ignore_index)
    s = _nll_nats(xp, z, safe)
    if ignored is not None:
        s = xp.where(ignored, xp.zeros_like(s), s)
    return xp, s, ignored


def perplexity(logits, labels, ignore_index, axis):
    """``exp`` of the mean surprisal over the counted positions (see :func:`infokit.lm.perplexity`)."""
    xp, s, ignored = surprisal_nats(logits, labels, ignore_index, axis)
    n = math.prod(_backend.shape_of(s)) if ignored is None else xp.sum(xp.astype(~ignored, s.dtype))
    if (ignored is None and n == 0) or (ignored is not None and _concrete(n == 0) is True):
        raise InvalidArgumentError(
            "no token to average: every label equals ignore_index" if ignored is not None else "no token to average"
        )
    return _backend.to_result(xp, xp.exp(xp.sum(s) / n))


# --------------------------------------------------------------------------
# corpus-level normalisations: total NLL per byte / word
# --------------------------------------------------------------------------
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


def nats_per(total_nll_nats, n, name):
    """``total / n`` in nats, and whether both were Python numbers (then the result is a float)."""
    total, scalar = _check_total(total_nll_nats)
    n = _check_count(n, name)
    if scalar and isinstance(n, numbers.Real):
        return total / float(n), True
    st, sn = np.shape(total) if not hasattr(total, "shape") else tuple(total.shape), \
        (np.shape(n) if not hasattr(n, "shape") else tuple(n.shape))
    try:
        np.broadcast_shapes(st, sn)
    except ValueError:
        raise InvalidArgumentError(
            f"'total_nll_nats' (shape {st}) and '{name}' (shape {sn}) must have the same shape, or broadcast"
        ) from None
    return total / n, False


def perplexity_per(total_nll_nats, n, name):
    """``exp(total / n)``: a float for Python numbers, else an array of their library."""
    per, scalar = nats_per(total_nll_nats, n, name)
    if scalar:
        return math.exp(per)
    return array_api_compat.array_namespace(per).exp(per)
