"""Exact information measures of distributions.

The four quantities of the mission, computed exactly (to the last digits) on
distributions given as probabilities, logits or log-probabilities:

* information content (surprisal) ``I(x) = -log p(x)`` — :func:`information`
* entropy ``H(P) = E_P[I]`` — :func:`entropy`
* cross-entropy ``H(P, Q) = -sum p log q`` — :func:`cross_entropy`
* KL divergence ``D(P||Q) = H(P, Q) - H(P)`` — :func:`kl_divergence`

and their relatives :func:`js_divergence`, :func:`js_distance`,
:func:`renyi_entropy` and :func:`renyi_divergence`.

Conventions shared by every function here
-----------------------------------------
* A distribution is an array of probabilities (NumPy, PyTorch, JAX, CuPy, any
  array-API array, or a nested list) or an :class:`~infokit.Categorical`.
  Results come back in the caller's array library and floating dtype, with
  autograd intact.
* ``axis`` indexes outcomes; other axes are batch axes and broadcast.
* Probabilities must be finite and non-negative, and each distribution must
  sum to 1 within ``sqrt(eps)`` of its dtype (1.5e-8 for float64, 3.5e-4 for
  float32); within that tolerance the input is taken as the exact distribution
  ``p / sum(p)``.  ``normalize=True`` renormalises anything with a positive
  finite total — explicitly, never silently.
* ``0 log 0 = 0``: outcomes with ``p = 0`` contribute nothing.  Where ``p > 0``
  and ``q = 0`` cross-entropy and KL divergence are ``+inf`` — the correct
  answer, not an error.
* ``base`` is 2, e, 10 (or any positive number other than 1) or ``"bits"``,
  ``"nats"``, ``"hartleys"`` (``"bans"``, ``"dits"``); the default is nats.
"""

from __future__ import annotations

import functools
import math
import numbers
from typing import Callable, NamedTuple

import numpy as np

from . import _backend, _blocked, _kernels
from ._resolve import resolve
from ._units import resolve_base
from ._validate import check_probs, sum_tolerance
from .errors import InvalidArgumentError

__all__ = [
    "information",
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "js_divergence",
    "js_distance",
    "renyi_entropy",
    "renyi_divergence",
]


# --------------------------------------------------------------------------
# NumPy fast path: blocked reduction + certificate of validity
# --------------------------------------------------------------------------
def _numpy_fast(r, block_fn, n_checked: int):
    """Run ``block_fn`` over ``r.arrays``; validate from the fused statistics.

    Columns of the statistics: the measure's sum first, then the sum of each
    of the first ``n_checked`` arguments, then their minima.  Anything the
    statistics cannot certify is re-checked by the full validator, which
    raises the error; the fast path never produces its own messages.
    """
    arrays = r.arrays
    if arrays[0].dtype not in (np.float32, np.float64):
        return None  # float16 / longdouble: generic path
    stats = _blocked.reduce_rows(block_fn, *arrays)
    if r.validated:
        return stats
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
        raise AssertionError("infokit internal error: fused validation disagreed with the validator")
    return stats


def _quiet(fn):
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


def _check_alpha(alpha):
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or math.isnan(alpha) or alpha < 0:
        raise InvalidArgumentError(f"'alpha' must be a real number >= 0 (or math.inf) (got {alpha!r})")
    return float(alpha)


class _Measure(NamedTuple):
    """How one measure is evaluated: the NumPy blocked statistics and how to
    finish them, the generic kernel on probabilities and the one in log space."""

    block: Callable
    finish: Callable  # blocked statistics -> nats
    probs: Callable
    logits: Callable
    n_checked: int  # arguments whose sums/minima the blocked statistics certify


_ENTROPY = _Measure(
    _blocked.entropy_block,
    lambda s: _kernels.entropy_finish(np, s[..., 0], s[..., 1]),
    _kernels.entropy_probs,
    _kernels.entropy_logits,
    1,
)
_CROSS_ENTROPY = _Measure(
    _blocked.cross_entropy_block,
    lambda s: _kernels.cross_entropy_finish(np, s[..., 0], s[..., 1], s[..., 2]),
    _kernels.cross_entropy_probs,
    _kernels.cross_entropy_logits,
    2,
)
_KL = _Measure(
    _blocked.kl_block,
    lambda s: _kernels.kl_finish(np, s[..., 0], s[..., 1], s[..., 3]),
    _kernels.kl_probs,
    _kernels.kl_logits,
    2,
)


def _nats(r, m: _Measure):
    """Evaluate measure ``m`` on resolved inputs ``r`` (validating them), in nats."""
    if not r.all_probs:
        return m.logits(r.xp, *r.logits())
    if r.numpy:
        stats = _numpy_fast(r, m.block, m.n_checked)
        if stats is not None:
            return m.finish(stats).astype(r.arrays[0].dtype)
    if not r.validated:
        r.validate_probs()
    return m.probs(r.xp, *r.arrays)


# --------------------------------------------------------------------------
@_quiet
def information(p, *, base="nats"):
    """Information content (surprisal) ``I = -log p``, elementwise.

    Parameters
    ----------
    p : array_like or Categorical
        Probabilities in [0, 1] (they need not sum to 1), or a Categorical,
        whose log-probabilities are used directly (no underflow).
    base : {"nats", "bits", "hartleys"} or float, optional
        Logarithm base / unit of the result. Default nats.

    Returns
    -------
    array
        ``-log p`` in the caller's array library and dtype; ``+inf`` where
        ``p = 0`` (an impossible event is infinitely surprising).

    Raises
    ------
    InvalidDistributionError
        If ``p`` has values outside [0, 1], NaN or infinities.

    Notes
    -----
    ``I`` is monotone decreasing in ``p``, non-negative, and additive for
    independent events: ``I(p1 * p2) = I(p1) + I(p2)``.

    Examples
    --------
    >>> import infokit as ik
    >>> ik.information([0.5, 0.25, 1.0, 0.0], base="bits")
    array([ 1.,  2., -0., inf])
    """
    from .categorical import Categorical

    unit = resolve_base(base)
    if isinstance(p, Categorical):
        xp = _backend.namespace(p._z)
        return _backend.to_result(xp, unit.convert(p._out(-_kernels.log_softmax(xp, p._z))))
    x = _backend.as_float_array(p, "p")
    xp = _backend.namespace(x)
    check_probs(xp, xp.reshape(x, (1,)) if x.ndim == 0 else x, "p", sums=False)
    zero = x == 0
    nats = xp.where(zero, xp.full_like(x, math.inf), -xp.log(xp.where(zero, xp.ones_like(x), x)))
    return _backend.to_result(xp, unit.convert(nats))


@_quiet
def entropy(p, *, base="nats", axis=-1, keepdims=False, normalize=False):
    """Shannon entropy ``H(P) = -sum_x p(x) log p(x)``.

    Parameters
    ----------
    p : array_like or Categorical
        Probabilities along ``axis`` (or a Categorical from logits).
        A scipy.stats frozen or torch distribution gives its (differential) entropy (closed form).
    base : {"nats", "bits", "hartleys"} or float, optional
        Unit of the result. Default nats.
    axis : int, optional
        Axis indexing outcomes. Default -1.
    keepdims : bool, optional
        Keep the reduced axis with length 1.
    normalize : bool, optional
        Renormalise ``p`` to sum to 1 instead of rejecting it. Default False.

    Returns
    -------
    array or float
        Entropy per distribution (a NumPy scalar for a single NumPy distribution).

    Raises
    ------
    InvalidDistributionError
        Negative, NaN or infinite probabilities; sums off 1 (without ``normalize``); empty input.
    InvalidArgumentError
        Unknown ``base`` or ``axis`` out of range.

    Notes
    -----
    Computed as ``sum(-p log p) / S + log S`` with ``S = sum p`` — the exact
    entropy of ``p / S`` — from non-negative terms, so there is no
    cancellation; NumPy inputs are reduced in cache-sized blocks on several
    threads.  ``0 log 0 = 0``.  From logits: ``sum p (logsumexp z - z)``.

    References
    ----------
    C. E. Shannon, "A Mathematical Theory of Communication", Bell System
    Technical Journal 27 (1948).

    Examples
    --------
    >>> import infokit as ik
    >>> float(ik.entropy([0.5, 0.25, 0.125, 0.125], base="bits"))
    1.75
    >>> ik.entropy([[0.5, 0.5], [1.0, 0.0]], base=2)
    array([1., 0.])
    """
    # -- hook: scipy.stats / torch distributions (infokit.models, infokit.parametric) --
    from .models import _dispatch

    out = _dispatch("entropy", base, p)
    if out is not NotImplemented:
        return out
    # -- end hook --
    r = resolve([("p", p)], axis=axis, base=base)
    if normalize:
        r.validate_probs(normalize=True)
    return r.finish(_nats(r, _ENTROPY), keepdims)


@_quiet
def cross_entropy(p, q, *, base="nats", axis=-1, keepdims=False, normalize=False):
    """Cross-entropy ``H(P, Q) = -sum_x p(x) log q(x)``.

    The expected surprisal of outcomes drawn from ``P`` when they are coded /
    predicted with ``Q``; ``H(P, Q) = H(P) + D(P||Q) >= H(P)``.

    Parameters
    ----------
    p, q : array_like or Categorical
        Distributions along ``axis``; batch axes broadcast.
        Also two scipy.stats/torch distributions, or data ``p`` under a model ``q`` (infokit.models).
    base, axis, keepdims, normalize
        As in :func:`entropy`.

    Returns
    -------
    array or float
        ``+inf`` where some outcome has ``p > 0`` and ``q = 0``.

    Raises
    ------
    InvalidDistributionError
        Invalid probabilities, different numbers of outcomes, batch shapes that do not broadcast.

    Notes
    -----
    ``sum(-p log q) / sum p + log(sum q)`` (exact for the normalised inputs),
    a sum of non-negative terms.

    Examples
    --------
    >>> import infokit as ik
    >>> float(ik.cross_entropy([0.5, 0.25, 0.125, 0.125], [0.25] * 4, base="bits"))
    2.0
    """
    # -- hook: scipy.stats / torch distributions (infokit.models, infokit.parametric) --
    from .models import _dispatch

    out = _dispatch("cross_entropy", base, p, q)
    if out is not NotImplemented:
        return out
    # -- end hook --
    r = resolve([("p", p), ("q", q)], axis=axis, base=base)
    if normalize:
        r.validate_probs(normalize=True)
    return r.finish(_nats(r, _CROSS_ENTROPY), keepdims)


@_quiet
def kl_divergence(p, q, *, base="nats", axis=-1, keepdims=False, normalize=False):
    """Kullback–Leibler divergence ``D(P||Q) = sum_x p(x) log(p(x) / q(x))``.

    ``p`` is the first argument (the distribution the expectation is taken
    under, the "true" or data distribution); ``q`` the model. ``D >= 0`` with
    equality iff ``P = Q`` (Gibbs' inequality), and ``D = H(P, Q) - H(P)``.

    Parameters
    ----------
    p, q : array_like or Categorical
        Distributions along ``axis``; batch axes broadcast.
        Also two scipy.stats/torch distributions: closed form (infokit.parametric, ``register_kl``).
    base, axis, keepdims, normalize
        As in :func:`entropy`.

    Returns
    -------
    array or float
        ``+inf`` where some outcome has ``p > 0`` and ``q = 0``; outcomes with
        ``p = 0`` contribute nothing.

    Raises
    ------
    InvalidDistributionError
        Invalid probabilities, different numbers of outcomes, batch shapes that do not broadcast.

    Notes
    -----
    Each outcome contributes ``p log(p/q) - p + q >= 0`` (the sum of the
    ``-p + q`` parts is zero), evaluated without cancellation: by a series in
    ``v = (p - q)/(p + q)`` when ``p`` and ``q`` are close.  Relative error
    is ~1e-15 even for nearly identical distributions (where SciPy's
    ``entropy(p, q)`` loses every digit).  The normalising sums are folded in
    exactly: ``D = A / S_p - (r - log1p r)``, ``r = S_q / S_p - 1``.

    References
    ----------
    S. Kullback and R. A. Leibler, "On Information and Sufficiency", Annals of
    Mathematical Statistics 22 (1951).

    Examples
    --------
    >>> import infokit as ik
    >>> float(ik.kl_divergence([0.5, 0.25, 0.125, 0.125], [0.25] * 4, base="bits"))
    0.25
    >>> float(ik.kl_divergence([0.5, 0.5], [1.0, 0.0]))
    inf
    """
    # -- hook: scipy.stats / torch distributions (infokit.models, infokit.parametric) --
    from .models import _dispatch

    out = _dispatch("kl_divergence", base, p, q)
    if out is not NotImplemented:
        return out
    # -- end hook --
    r = resolve([("p", p), ("q", q)], axis=axis, base=base)
    if normalize:
        r.validate_probs(normalize=True)
    return r.finish(_nats(r, _KL), keepdims)


@_quiet
def js_divergence(p, q, *, base="nats", axis=-1, keepdims=False, normalize=False):
    """Jensen–Shannon divergence ``JS = (D(P||M) + D(Q||M)) / 2``, ``M = (P + Q)/2``.

    Symmetric, finite and bounded: ``0 <= JS <= log 2`` (1 bit).

    Parameters
    ----------
    p, q : array_like or Categorical
        Distributions along ``axis``; batch axes broadcast.
    base, axis, keepdims, normalize
        As in :func:`entropy`.

    Returns
    -------
    array or float

    Raises
    ------
    InvalidDistributionError
        As :func:`kl_divergence`.

    References
    ----------
    J. Lin, "Divergence measures based on the Shannon entropy", IEEE Trans.
    Information Theory 37 (1991).

    Examples
    --------
    >>> import infokit as ik
    >>> float(ik.js_divergence([1.0, 0.0], [0.0, 1.0], base="bits"))
    1.0
    """
    r = resolve([("p", p), ("q", q)], axis=axis, base=base)
    xp = r.xp
    if not r.all_probs:
        return r.finish(_kernels.js_logits(xp, *r.logits()), keepdims)
    r.validate_probs(normalize=normalize)
    return r.finish(_kernels.js_probs(xp, *r.arrays), keepdims)


@_quiet
def js_distance(p, q, *, base="nats", axis=-1, keepdims=False, normalize=False):
    """Jensen–Shannon distance ``sqrt(JS(P, Q))``, a metric on distributions.

    ``JS`` is taken in the unit ``base`` (as ``scipy.spatial.distance.jensenshannon``
    does), so the distance lies in ``[0, sqrt(log_base 2)]``: at most 1 for bits.

    Parameters
    ----------
    p, q : array_like or Categorical
    base, axis, keepdims, normalize
        As in :func:`entropy`.

    Returns
    -------
    array or float

    References
    ----------
    D. M. Endres and J. E. Schindelin, "A new metric for probability
    distributions", IEEE Trans. Information Theory 49 (2003).

    Examples
    --------
    >>> import infokit as ik
    >>> float(ik.js_distance([1.0, 0.0], [0.5, 0.5], base=2))  # doctest: +ELLIPSIS
    0.5579...
    """
    js = js_divergence(p, q, base=base, axis=axis, keepdims=keepdims, normalize=normalize)
    if isinstance(js, np.generic):
        return np.sqrt(js)
    return _backend.namespace(js).sqrt(js)


@_quiet
def renyi_entropy(p, alpha, *, base="nats", axis=-1, keepdims=False, normalize=False):
    """Rényi entropy of order ``alpha``: ``H_a(P) = log(sum p^a) / (1 - a)``.

    ``alpha = 1`` is the Shannon entropy (the limit, computed exactly);
    ``alpha = 0`` the Hartley entropy ``log |supp P|``; ``alpha = 2`` the
    collision entropy; ``alpha = inf`` the min-entropy ``-log max p``.
    ``H_a`` is non-increasing in ``alpha``.

    Parameters
    ----------
    p : array_like or Categorical
    alpha : float
        Order, ``>= 0`` (``math.inf`` allowed).
    base, axis, keepdims, normalize
        As in :func:`entropy`.

    Returns
    -------
    array or float

    Raises
    ------
    InvalidArgumentError
        ``alpha`` negative or not a real number.

    Notes
    -----
    Evaluated in log space; near ``alpha = 1`` through
    ``log1p(sum p expm1((a-1) log p)) / (1-a)``, which tends smoothly to the
    Shannon entropy instead of dividing two vanishing numbers.

    References
    ----------
    A. Rényi, "On measures of entropy and information", Proc. 4th Berkeley
    Symposium on Mathematics, Statistics and Probability (1961).

    Examples
    --------
    >>> import infokit as ik
    >>> p = [0.5, 0.25, 0.125, 0.125]
    >>> [round(float(ik.renyi_entropy(p, a, base=2)), 6) for a in (0, 1, 2)]
    [2.0, 1.75, 1.540568]
    """
    alpha = _check_alpha(alpha)
    if alpha == 1.0:
        return entropy(p, base=base, axis=axis, keepdims=keepdims, normalize=normalize)
    r = resolve([("p", p)], axis=axis, base=base)
    r.validate_probs(normalize=normalize)
    (z,) = r.logits()
    return r.finish(_kernels.renyi_entropy_logits(r.xp, z, alpha), keepdims)


@_quiet
def renyi_divergence(p, q, alpha, *, base="nats", axis=-1, keepdims=False, normalize=False):
    """Rényi divergence of order ``alpha``: ``log(sum p^a q^(1-a)) / (a - 1)``.

    ``alpha = 1`` is the KL divergence ``D(P||Q)``; ``alpha = 1/2`` is
    ``-2 log`` of the Bhattacharyya coefficient; ``alpha = inf`` is
    ``log max p/q``; ``alpha = 0`` is ``-log Q(supp P)``.  Non-decreasing in ``alpha``.

    Parameters
    ----------
    p, q : array_like or Categorical
    alpha : float
        Order, ``>= 0`` (``math.inf`` allowed).
    base, axis, keepdims, normalize
        As in :func:`entropy`.

    Returns
    -------
    array or float
        ``+inf`` for ``alpha >= 1`` where ``p > 0`` and ``q = 0``.

    References
    ----------
    T. van Erven and P. Harremoës, "Rényi divergence and Kullback-Leibler
    divergence", IEEE Trans. Information Theory 60 (2014).

    Examples
    --------
    >>> import infokit as ik
    >>> p, q = [0.5, 0.25, 0.125, 0.125], [0.25] * 4
    >>> [round(float(ik.renyi_divergence(p, q, a, base=2)), 6) for a in (0.5, 1, 2)]
    [0.126496, 0.25, 0.459432]
    """
    alpha = _check_alpha(alpha)
    if alpha == 1.0:
        return kl_divergence(p, q, base=base, axis=axis, keepdims=keepdims, normalize=normalize)
    r = resolve([("p", p), ("q", q)], axis=axis, base=base)
    r.validate_probs(normalize=normalize)
    return r.finish(_kernels.renyi_divergence_logits(r.xp, *r.logits(), alpha), keepdims)
