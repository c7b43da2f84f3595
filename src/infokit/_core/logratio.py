"""Log-ratio (Schulman) estimators of ``D(P||Q)`` from log-densities at samples of P.

This module is backend-neutral (NumPy, PyTorch with autograd, JAX, any
array-API library) and has no public entry point of its own: it is the engine
of ``ik.estimate_kl(log_p=..., log_q=..., estimator=...)``.

* :func:`log_ratio_terms` -- the per-sample terms ``k1``, ``k2`` or ``k3``;
* :func:`log_ratio_kl` -- their (masked) mean, an array of the caller's library
  (differentiable with torch autograd / ``jax.grad``), optionally per row;
* :func:`estimate` -- mean array plus the float mean, standard error and count
  that an :class:`~infokit.estimators.Estimate` is built from.

Direction
---------
The samples ``x_i`` are drawn **from P**; ``log_p[i] = log p(x_i)`` and
``log_q[i] = log q(x_i)``.  With ``log r = log q - log p``:

=========  ==========================  =========================================
estimator  term                        property
=========  ==========================  =========================================
``k1``     ``-log r``                  unbiased for D(P||Q); terms can be < 0
``k2``     ``(log r)**2 / 2``          biased (exact to 2nd order); low variance
``k3``     ``(r - 1) - log r``         unbiased (E_P[r] = 1); every term >= 0
=========  ==========================  =========================================

Swapping the arguments does **not** estimate D(Q||P): the samples would
still come from P, so ``log_ratio_kl(log_q, log_p)`` estimates
``E_P[log q/p]``-type quantities (for k1, exactly ``-D(P||Q)``), not a KL
divergence.  In RL fine-tuning with samples from the policy pi and a reference
model pi_ref, ``log_p = log pi(y)``, ``log_q = log pi_ref(y)`` estimates
``D(pi || pi_ref)``, the usual KL penalty.

Reference: J. Schulman, "Approximating KL Divergence" (2020),
http://joschu.net/blog/kl-approx.html
"""

from __future__ import annotations

import math
import operator
from typing import NamedTuple

import array_api_compat
import numpy as np

from infokit._lib import backend as _backend
from infokit._core import kernels as _kernels
from infokit._lib.errstate import quiet as _quiet
from infokit._lib.checks import _concrete
from infokit.errors import InvalidArgumentError, InvalidTypeError

__all__ = ["ESTIMATORS", "LogRatioEstimate", "log_ratio_terms", "log_ratio_kl", "estimate"]

#: Names accepted by ``estimator=``.
ESTIMATORS = ("k1", "k2", "k3")


class LogRatioEstimate(NamedTuple):
    """What :func:`estimate` returns (all values in nats)."""

    mean: object  #: the mean term, a 0-d array of the caller's library (differentiable)
    value: float  #: the same mean as a Python float
    stderr: float  #: standard deviation of the selected terms / sqrt(n) (ddof=1); inf if n == 1
    n: int  #: number of selected samples


# --------------------------------------------------------------------------
# the terms (formulas live here once)
# --------------------------------------------------------------------------
def _k3(xp, d):
    """``k3 = r - 1 - log r = d - 1 + exp(-d)`` with ``d = log p - log q = -log r``.

    This is :func:`infokit._core.kernels.h_terms`, the function ``h(d)`` of the
    log-space KL kernel, so tiny log-ratios keep full relative accuracy:
    ``h(1e-10) = 5e-21`` exactly to the last digit, where ``expm1(-d) + d``
    alone would keep only ~6 digits.  Every term is >= 0 (``+inf`` where ``q = 0``).
    """
    t = _kernels.h_terms(xp, d)
    # rounding can never make it negative, but keep the guarantee explicit
    return xp.where(t < 0, xp.zeros_like(t), t)


def _terms_of(xp, d, estimator):
    if estimator == "k1":
        return d
    if estimator == "k2":
        return 0.5 * (d * d)
    return _k3(xp, d)


def _check_estimator(estimator):
    if not isinstance(estimator, str) or estimator.strip().lower() not in ESTIMATORS:
        raise InvalidArgumentError(
            f"'estimator' must be one of {', '.join(repr(e) for e in ESTIMATORS)} (got {estimator!r}): "
            "'k1' = -log r (unbiased, can be negative), 'k2' = (log r)^2/2 (biased, low variance), "
            "'k3' = (r - 1) - log r (unbiased, never negative), with r = q/p at samples from P"
        )
    return estimator.strip().lower()


# --------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------
def _broadcast_shape(shapes, names):
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        desc = " and ".join(f"'{n}' {s}" for n, s in zip(names, shapes))
        raise InvalidArgumentError(f"shapes do not broadcast: {desc}") from None


def as_bool_mask(xp, mask, like, shape, name="mask", what="'log_p'/'log_q'"):
    """``mask`` as a boolean array of ``like``'s library and device, broadcast-compatible with ``shape``.

    A mask may have fewer dimensions or size-1 axes (it broadcasts), but must
    not enlarge ``shape``.  NumPy / list masks are accepted with any library.
    """
    mask = _backend.as_array(mask)
    if not array_api_compat.array_namespace(mask).isdtype(mask.dtype, "bool"):
        raise InvalidTypeError(
            f"'{name}' must be a boolean array (True = include); got dtype {mask.dtype}. "
            f"Use e.g. labels != ignore_index or attention_mask.bool()"
        )
    mask = _backend.to_library(mask, xp, like)
    ms = _backend.shape_of(mask)
    try:
        ok = tuple(np.broadcast_shapes(ms, shape)) == tuple(shape)
    except ValueError:
        ok = False
    if not ok:
        raise InvalidArgumentError(
            f"'{name}' has shape {ms}, which does not broadcast to the shape {tuple(shape)} of {what}"
        )
    if ms != tuple(shape):
        mask = xp.broadcast_to(mask, tuple(shape))
    return mask


def _prepare(log_p, log_q, mask):
    """Validated ``(xp, d = log_p - log_q, sel, shape)``; ``d`` is 0 where not selected."""
    lp = _backend.as_float_array(log_p, "log_p")
    lq = _backend.as_float_array(log_q, "log_q")
    xp = _backend.namespace(lp, lq, names=("log_p", "log_q"))
    shape = _broadcast_shape([_backend.shape_of(lp), _backend.shape_of(lq)], ["log_p", "log_q"])
    if math.prod(shape) == 0:
        raise InvalidArgumentError("'log_p' and 'log_q' are empty; at least one sample is needed")
    sel = None if mask is None else as_bool_mask(xp, mask, lp, shape)

    def selected(x):
        return x if sel is None else xp.where(sel, x, xp.zeros_like(x))

    lps, lqs = selected(lp), selected(lq)
    if _concrete(xp.any(~xp.isfinite(lps))) is True:
        raise InvalidArgumentError(
            "'log_p' must be finite at every (selected) sample: the samples are drawn from P, so "
            "log p(x) is a finite number (NaN or +-inf found)"
        )
    if _concrete(xp.any(xp.isnan(lqs) | (lqs == math.inf))) is True:
        raise InvalidArgumentError(
            "'log_q' contains NaN or +inf at a (selected) sample; log q(x) must be a real number "
            "or -inf (q(x) = 0, which makes the estimate +inf)"
        )
    d = lp - lq
    if sel is not None:
        # zero (not just ignore) the unselected entries, so that padding such as
        # -inf log-probabilities cannot leak NaN into gradients through where()
        d = xp.where(sel, d, xp.zeros_like(d))
    elif _backend.shape_of(d) != shape:  # pragma: no cover - subtraction already broadcasts
        d = xp.broadcast_to(d, shape)
    return xp, d, sel, shape


def _normalize_axes(axis, ndim):
    if axis is None:
        return None
    axes = axis if isinstance(axis, tuple) else (axis,)
    out = []
    for a in axes:
        try:
            if isinstance(a, bool):
                raise TypeError
            a = operator.index(a)
        except TypeError:
            raise InvalidArgumentError(
                f"'axis' must be None, an integer or a tuple of integers (got {axis!r})"
            ) from None
        if not -ndim <= a < ndim:
            raise InvalidArgumentError(f"'axis' {a} is out of range for {ndim}-dimensional log-densities")
        out.append(a % ndim)
    if len(set(out)) != len(out):
        raise InvalidArgumentError(f"'axis' {axis!r} repeats an axis")
    return tuple(out)


# --------------------------------------------------------------------------
# public (module-level) functions
# --------------------------------------------------------------------------
@_quiet
def log_ratio_terms(log_p, log_q, *, estimator="k3", mask=None):
    """Per-sample terms of the chosen estimator (0 where ``mask`` is False).

    Same arguments as :func:`log_ratio_kl`; the result has the broadcast shape
    of ``log_p`` and ``log_q``, in their library.
    """
    est = _check_estimator(estimator)
    xp, d, sel, _ = _prepare(log_p, log_q, mask)
    t = _terms_of(xp, d, est)
    if sel is not None:
        t = xp.where(sel, t, xp.zeros_like(t))
    return t


@_quiet
def log_ratio_kl(log_p, log_q, *, estimator="k3", mask=None, axis=None):
    """Estimate ``D(P||Q)`` from log-densities of P and Q at samples **drawn from P**.

    Parameters
    ----------
    log_p, log_q : array
        ``log p(x_i)`` and ``log q(x_i)`` (natural logs) at samples
        ``x_i ~ P``; NumPy, PyTorch or JAX arrays (or array-likes); shapes
        broadcast.  ``log_p`` must be finite at every selected sample;
        ``log_q`` may be ``-inf`` (``q(x) = 0``), which makes every
        estimator ``+inf`` -- correctly, since then ``D(P||Q) = inf``.
    estimator : {"k3", "k1", "k2"}
        With ``r = q(x)/p(x)``: ``"k1"`` = ``-log r`` (unbiased, terms may be
        negative, high variance), ``"k2"`` = ``(log r)**2 / 2`` (biased,
        low variance, accurate when P and Q are close), ``"k3"`` =
        ``(r - 1) - log r`` (unbiased because ``E_P[r] = 1``, every term
        ``>= 0``; usually the best choice).  ``k3`` is evaluated without
        cancellation (power series for ``|log r| < 0.5``).
    mask : boolean array, optional
        Samples to include (True); the mean is over the selected entries
        only (e.g. the non-padding tokens of a batch of sequences).
        Broadcasts to the shape of the log-densities.
    axis : None, int or tuple of int
        Average over these axes (default all): e.g. ``axis=-1`` gives one
        estimate per sequence of a ``(batch, seq)`` array.

    Returns
    -------
    array
        The mean term, a 0-d array (or one per remaining index) of the
        caller's library and dtype, differentiable with torch autograd and
        ``jax.grad`` (and usable under ``jax.jit``, where validation is skipped).

    Raises
    ------
    InvalidArgumentError
        Unknown estimator, shapes that do not broadcast, a mask of another
        shape, NaN / infinite ``log_p`` or NaN / ``+inf`` ``log_q`` at a
        selected sample, or no selected sample (in some row, with ``axis``).
    InvalidTypeError
        A non-boolean mask, or arrays of different libraries.

    Notes
    -----
    The direction is ``D(P||Q)`` with samples from the **first** argument's
    distribution.  Swapping ``log_p`` and ``log_q`` (keeping samples of P)
    does not give ``D(Q||P)``: k1 would give exactly ``-D(P||Q)`` in
    expectation, k3 an expectation of ``1/r - 1 + log r`` under P, which is
    ``chi^2``-like, not a KL divergence.

    Examples
    --------
    P = N(0, 1), Q = N(0.5, 1), so ``D(P||Q) = 0.5**2 / 2 = 0.125`` nats:

    >>> import numpy as np
    >>> from scipy import stats
    >>> x = np.random.default_rng(0).standard_normal(200_000)      # x ~ P
    >>> log_p, log_q = stats.norm.logpdf(x), stats.norm.logpdf(x, 0.5)
    >>> [round(float(log_ratio_kl(log_p, log_q, estimator=k)), 3) for k in ("k1", "k2", "k3")]
    [0.125, 0.133, 0.125]

    (k2 is biased: its expectation here is 0.1328.)  Swapping the arguments
    estimates something else -- for k3, ``E_P[p/q] - 1 - D = e^0.25 - 1.125``:

    >>> round(float(log_ratio_kl(log_q, log_p, estimator="k3")), 3)
    0.16
    """
    est = _check_estimator(estimator)
    xp, d, sel, shape = _prepare(log_p, log_q, mask)
    axes = _normalize_axes(axis, len(shape))
    t = _terms_of(xp, d, est)
    if sel is None:
        if axes is None:
            return _backend.to_result(xp, xp.mean(t))
        return xp.mean(t, axis=axes)
    t = xp.where(sel, t, xp.zeros_like(t))
    count = xp.sum(xp.astype(sel, t.dtype), axis=axes)
    if _concrete(xp.any(count == 0)) is True:
        raise InvalidArgumentError(
            "'mask' selects no sample" + ("" if axes is None else " in some row along 'axis'")
            + "; at least one sample is needed for a mean"
        )
    return _backend.to_result(xp, xp.sum(t, axis=axes) / count)


def _to_float(x) -> float:
    if array_api_compat.is_torch_array(x):
        x = x.detach()
    return float(x)


@_quiet
def estimate(log_p, log_q, *, estimator="k3", mask=None) -> LogRatioEstimate:
    """Mean of the estimator's terms with its standard error (for the Estimate).

    Arguments as in :func:`log_ratio_kl` (over all selected samples).  Returns
    :class:`LogRatioEstimate` ``(mean, value, stderr, n)``: ``mean`` the
    differentiable array, ``value`` the same as a float, ``stderr`` the
    sample standard deviation of the selected terms (ddof=1) over
    ``sqrt(n)`` (``inf`` for a single sample or an infinite mean), all in nats.
    Needs concrete values (not inside ``jax.jit``).

    Examples
    --------
    >>> import numpy as np
    >>> from scipy import stats
    >>> x = np.random.default_rng(1).standard_normal(100_000)
    >>> r = estimate(stats.norm.logpdf(x), stats.norm.logpdf(x, 0.5), estimator="k3")
    >>> r.n, abs(r.value - 0.125) < 3 * r.stderr
    (100000, True)
    """
    est = _check_estimator(estimator)
    xp, d, sel, shape = _prepare(log_p, log_q, mask)
    t = _terms_of(xp, d, est)
    if sel is None:
        n = math.prod(shape)
        mean = xp.mean(t)
    else:
        n = int(xp.sum(xp.astype(sel, xp.int64)))
        if n == 0:
            raise InvalidArgumentError("'mask' selects no sample; at least one sample is needed")
        t = xp.where(sel, t, xp.zeros_like(t))
        mean = xp.sum(t) / n
    value = _to_float(mean)
    if n < 2 or not math.isfinite(value):
        stderr = math.inf
    else:
        td = t.detach() if array_api_compat.is_torch_array(t) else t
        dev = td - xp.asarray(value, dtype=td.dtype, device=array_api_compat.device(td))
        if sel is not None:
            dev = xp.where(sel, dev, xp.zeros_like(dev))
        stderr = math.sqrt(_to_float(xp.sum(dev * dev)) / (n - 1) / n)
    return LogRatioEstimate(_backend.to_result(xp, mean), value, stderr, n)
