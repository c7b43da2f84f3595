"""Exact information measures of distributions.

The four quantities of information theory, computed exactly (to the last digits) on
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
  array-API array, or a nested list), an :class:`~infokit.Categorical`, an
  :class:`~infokit.Empirical` or a labelled pmf (a ``dict`` or a pandas Series
  indexed by outcome), aligned with the other argument by outcome label;
  :func:`entropy`, :func:`cross_entropy` and :func:`kl_divergence` also take
  scipy.stats and torch distributions (closed forms), and
  :func:`cross_entropy` scores data under a model.  What kind each argument
  is, and which combinations a measure accepts, is decided in one table
  (:mod:`infokit._dispatch`); any other combination is an
  :class:`~infokit.InvalidTypeError` naming the kinds.
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

import math
import numbers
from collections.abc import Callable, Mapping
from typing import Any, TypeAlias, overload

import numpy as np

from infokit._core import measures as core
from infokit._dispatch import DISCRETE, Kind, check_options, hint, implements, lookup
from infokit._lib import backend as _backend
from infokit._lib.checks import sum_tolerance
from infokit._lib.errstate import quiet
from infokit._lib.typing import Base, DistributionLike, Model, NDArray, NumPyProbs, NumPyResult, Result
from infokit._models import data as _data, parametric as _parametric
from infokit._samples.align import align
from infokit._samples.table import Empirical
from infokit.errors import InvalidArgumentError, InvalidTypeError

__all__ = [
    "information",
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "js_divergence",
    "js_distance",
    "renyi_entropy",
    "renyi_divergence",
    "perplexity",
]

_P, _PQ = ("p",), ("p", "q")
_DATA = frozenset({Kind.PROBS, Kind.COUNTS})
_MODELS = frozenset({Kind.MODEL, Kind.PARAMETRIC})
_UNLABELLED = frozenset({Kind.PROBS, Kind.LOGITS})

#: Distributions whose measures are NumPy scalars / arrays: NumPy or nested-list probabilities,
#: an Empirical, a labelled pmf given as a dict.
NumPyDist: TypeAlias = NumPyProbs | Empirical | Mapping[Any, float]


def check_alpha(alpha: object) -> float:
    """A Rényi order: a real number >= 0 (``math.inf`` allowed)."""
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or math.isnan(alpha) or alpha < 0:
        raise InvalidArgumentError(f"'alpha' must be a real number >= 0 (or math.inf) (got {alpha!r})")
    return float(alpha)


def _aligned(args: tuple[Any, ...], kinds: tuple[Any, ...]) -> tuple[Any, ...]:
    """Discrete arguments as arrays / Categoricals over one outcome axis."""
    if _UNLABELLED.issuperset(kinds):
        return args
    return tuple(v for _, v in align(list(zip(_PQ, args))))


def _call(measure: str, args: tuple[Any, ...], names: tuple[str, ...], opts: Any, *extra: Any,
          called: str | None = None) -> Any:
    fn, kinds = lookup(measure, args, names, called=called)
    return fn(args, kinds, opts, *extra)


# --------------------------------------------------------------------------
# rows of the table
# --------------------------------------------------------------------------
@implements("information", DISCRETE)
def _information_discrete(args: tuple[Any, ...], kinds: tuple[Any, ...], opts: Any) -> Any:
    return core.information(*_aligned(args, kinds))


def _discrete_row(fn: Callable[..., Any]) -> Callable[..., Any]:
    def row(args: tuple[Any, ...], kinds: tuple[Any, ...], opts: Any, *extra: Any) -> Any:
        return fn(*_aligned(args, kinds), *extra, axis=opts.axis, keepdims=opts.keepdims, normalize=opts.normalize)

    row.__name__ = f"_{fn.__name__}_discrete"
    return row


implements("entropy", DISCRETE)(_discrete_row(core.entropy))
implements("renyi_entropy", DISCRETE)(_discrete_row(core.renyi_entropy))
for _m in ("cross_entropy", "kl_divergence", "js_divergence", "renyi_divergence"):
    implements(_m, DISCRETE, DISCRETE)(_discrete_row(getattr(core, _m)))
implements("js_distance", DISCRETE, DISCRETE)(_discrete_row(core.js_divergence))  # sqrt taken after the unit
del _m


@implements("entropy", Kind.PARAMETRIC)
def _entropy_parametric(args: tuple[Any, ...], kinds: tuple[Any, ...], opts: Any) -> Any:
    opts.require_defaults(kinds[0], "entropy")
    return _parametric.entropy_of(args[0], "p")


@implements("kl_divergence", Kind.PARAMETRIC, Kind.PARAMETRIC)
def _kl_parametric(args: tuple[Any, ...], kinds: tuple[Any, ...], opts: Any) -> Any:
    opts.require_defaults(kinds[0], "kl_divergence")
    return _parametric.dist_kl(*args)


@implements("cross_entropy", Kind.PARAMETRIC, Kind.PARAMETRIC)
def _cross_entropy_parametric(args: tuple[Any, ...], kinds: tuple[Any, ...], opts: Any) -> Any:
    opts.require_defaults(kinds[0], "cross_entropy")
    return _parametric.dist_cross_entropy(*args)


def _looks_like_pmf(x: Any) -> bool:
    """A 1-D array of non-whole numbers in [0, 1] summing to 1: a probability vector, not samples."""
    try:
        a = np.asarray(x, dtype=np.float64) if not hasattr(x, "detach") else x.detach().cpu().numpy()
    except (TypeError, ValueError):
        return False
    if a.ndim != 1 or a.size < 2 or not np.all(np.isfinite(a)):
        return False
    if np.all(a == np.floor(a)) or a.min() < 0 or a.max() > 1:
        return False
    return abs(float(a.sum()) - 1.0) <= sum_tolerance(a.dtype)


@implements("cross_entropy", _DATA, _MODELS)
def _cross_entropy_data_model(args: tuple[Any, ...], kinds: tuple[Any, ...], opts: Any) -> Any:
    opts.require_defaults(kinds[0], "cross_entropy")
    data, model = args
    if kinds[0] is Kind.PROBS and _looks_like_pmf(data):
        raise InvalidTypeError(
            "ik.cross_entropy(data, model): 'p' looks like a probability vector (numbers in [0, 1] summing "
            "to 1), but 'q' is a model, which scores samples. To score samples pass them as "
            "ik.empirical(samples); to compare two distributions pass 'q' as probabilities too "
            "(e.g. q.pmf(np.arange(k)) for a discrete scipy.stats distribution)"
        )
    return _data.score(data, model, "q", data_name="p")


_DATA_MODEL_HINT = (
    "The divergence of data from a model is ik.cross_entropy(data, model) - ik.entropy(ik.empirical(data)) "
    "(= D(P̂‖Q) for a discrete model); ik.cross_entropy(data, model) is the quantity training minimises"
)
_SAMPLES_HINT = "To measure samples, count them first: ik.entropy(ik.empirical(samples))"
hint("kl_divergence", _DATA, Kind.MODEL, text=_DATA_MODEL_HINT)
hint("kl_divergence", _DATA, Kind.PARAMETRIC, text=_DATA_MODEL_HINT)
for _m in ("js_divergence", "js_distance", "renyi_divergence"):
    hint(_m, Kind.PARAMETRIC, Kind.PARAMETRIC, text=f"ik.{_m} has no closed forms for parametric "
         "distributions; for the KL divergence use ik.kl_divergence(P, Q)")
for _m in ("kl_divergence", "cross_entropy"):
    for _k in (DISCRETE, Kind.MODEL):
        hint(_m, Kind.PARAMETRIC, _k, text="Measures between parametric distributions need both to be scipy.stats "
             "frozen or torch distributions; to score data under a model pass the data first: "
             "ik.cross_entropy(data, model)")
del _m, _k


# --------------------------------------------------------------------------
# public functions
# --------------------------------------------------------------------------
@overload
def information(p: NumPyDist, *, base: Base = "nats") -> NDArray[np.floating[Any]]: ...
@overload
def information(p: DistributionLike, *, base: Base = "nats") -> Result: ...
def information(p: DistributionLike, *, base: Base = "nats") -> Result:
    """Information content (surprisal) ``I = -log p``, elementwise.

    Parameters
    ----------
    p : array_like, Categorical, Empirical or dict
        Probabilities in [0, 1] (they need not sum to 1), or a Categorical,
        whose log-probabilities are used directly (no underflow).  An
        Empirical gives ``-log P̂(x)`` for its outcomes in order; a dict or a
        labelled Series the same in the order of its labels.
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
    opts = check_options(base=base)
    return opts.unit.convert(_call("information", (p,), _P, opts))


@overload
def entropy(p: NumPyDist, *, base: Base = "nats", axis: int = -1, keepdims: bool = False,
            normalize: bool = False) -> NumPyResult: ...
@overload
def entropy(p: DistributionLike, *, base: Base = "nats", axis: int = -1, keepdims: bool = False,
            normalize: bool = False) -> Result: ...
def entropy(p: DistributionLike, *, base: Base = "nats", axis: int = -1, keepdims: bool = False,
            normalize: bool = False) -> Result:
    """Shannon entropy ``H(P) = -sum_x p(x) log p(x)``.

    Parameters
    ----------
    p : array_like, Categorical, Empirical, dict, Series, or a scipy.stats / torch distribution
        Probabilities along ``axis``, a Categorical from logits, counted
        samples, or a labelled pmf.  A scipy.stats frozen or torch
        distribution gives its (differential) entropy in closed form (then
        ``axis``, ``keepdims`` and ``normalize`` must keep their defaults).
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
    opts = check_options(base=base, axis=axis, keepdims=keepdims, normalize=normalize)
    return opts.unit.convert(_call("entropy", (p,), _P, opts))


@overload
def cross_entropy(p: NumPyDist, q: NumPyDist, *, base: Base = "nats", axis: int = -1, keepdims: bool = False,
                  normalize: bool = False) -> NumPyResult: ...
@overload
def cross_entropy(p: DistributionLike, q: DistributionLike, *, base: Base = "nats", axis: int = -1,
                  keepdims: bool = False, normalize: bool = False) -> Result: ...
def cross_entropy(p: DistributionLike, q: DistributionLike, *, base: Base = "nats", axis: int = -1,
                  keepdims: bool = False, normalize: bool = False) -> Result:
    """Cross-entropy ``H(P, Q) = -sum_x p(x) log q(x)``.

    The expected surprisal of outcomes drawn from ``P`` when they are coded /
    predicted with ``Q``; ``H(P, Q) = H(P) + D(P||Q) >= H(P)``.

    Parameters
    ----------
    p, q : array_like, Categorical, Empirical, dict or Series
        Distributions along ``axis``; batch axes broadcast; labelled
        arguments are aligned by outcome.  Also two scipy.stats / torch
        distributions (closed form), or data ``p`` (samples or an Empirical)
        under a model ``q`` (scipy.stats, torch or a callable returning
        log q(x); see :func:`infokit.models.data_cross_entropy`).  A
        probability vector given as data for a model is an error.
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
    opts = check_options(base=base, axis=axis, keepdims=keepdims, normalize=normalize)
    return opts.unit.convert(_call("cross_entropy", (p, q), _PQ, opts))


@overload
def kl_divergence(p: NumPyDist, q: NumPyDist, *, base: Base = "nats", axis: int = -1, keepdims: bool = False,
                  normalize: bool = False) -> NumPyResult: ...
@overload
def kl_divergence(p: DistributionLike, q: DistributionLike, *, base: Base = "nats", axis: int = -1,
                  keepdims: bool = False, normalize: bool = False) -> Result: ...
def kl_divergence(p: DistributionLike, q: DistributionLike, *, base: Base = "nats", axis: int = -1,
                  keepdims: bool = False, normalize: bool = False) -> Result:
    """Kullback–Leibler divergence ``D(P||Q) = sum_x p(x) log(p(x) / q(x))``.

    ``p`` is the first argument (the distribution the expectation is taken
    under, the "true" or data distribution); ``q`` the model. ``D >= 0`` with
    equality iff ``P = Q`` (Gibbs' inequality), and ``D = H(P, Q) - H(P)``.

    Parameters
    ----------
    p, q : array_like, Categorical, Empirical, dict or Series
        Distributions along ``axis``; batch axes broadcast; labelled
        arguments are aligned by outcome.  Also two scipy.stats / torch
        distributions: closed form (:mod:`infokit.parametric`,
        :func:`~infokit.register_kl`).
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
        As :func:`cross_entropy`.
    InvalidTypeError
        Kinds the measure is not defined for (a model ``q``: use
        ``ik.cross_entropy(data, model) - ik.entropy(ik.empirical(data))``).

    Notes
    -----
    Each outcome contributes ``p log(p/q) - p + q >= 0`` (the sum of the
    ``-p + q`` parts is zero), evaluated without cancellation: by a series in
    ``v = (p - q)/(p + q)`` when ``p`` and ``q`` are close.  Relative error
    is ~1e-15 even for nearly identical distributions (where SciPy's
    ``entropy(p, q)`` loses every digit).  The normalising sums are folded in
    exactly: ``D = A / S_p - (r - log1p r)``, ``r = S_q / S_p - 1``.

    The relative accuracy holds down to 2.2e-308, the smallest normal
    float64.  A divergence below that (e.g. from logits that differ by
    1e-155) can only be returned as a subnormal float, whose precision is
    the format's fixed spacing 4.9e-324, not a relative one: it is within a
    few such spacings of the exact value (a relative error of about 5e-13 at
    1e-311, 100% at 5e-324; below about 2.5e-324 the result is 0).  The
    same holds in float32 below 1.2e-38 (spacing 1.4e-45).

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
    opts = check_options(base=base, axis=axis, keepdims=keepdims, normalize=normalize)
    return opts.unit.convert(_call("kl_divergence", (p, q), _PQ, opts))


@overload
def js_divergence(p: NumPyDist, q: NumPyDist, *, base: Base = "nats", axis: int = -1, keepdims: bool = False,
                  normalize: bool = False) -> NumPyResult: ...
@overload
def js_divergence(p: DistributionLike, q: DistributionLike, *, base: Base = "nats", axis: int = -1,
                  keepdims: bool = False, normalize: bool = False) -> Result: ...
def js_divergence(p: DistributionLike, q: DistributionLike, *, base: Base = "nats", axis: int = -1,
                  keepdims: bool = False, normalize: bool = False) -> Result:
    """Jensen–Shannon divergence ``JS = (D(P||M) + D(Q||M)) / 2``, ``M = (P + Q)/2``.

    Symmetric, finite and bounded: ``0 <= JS <= log 2`` (1 bit).

    Parameters
    ----------
    p, q : array_like, Categorical, Empirical, dict or Series
        Distributions along ``axis``; batch axes broadcast.
    base, axis, keepdims, normalize
        As in :func:`entropy`.

    Returns
    -------
    array or float
        ``JS`` per pair of distributions, in ``[0, log 2]`` (``[0, 1]`` in bits); finite even
        where one distribution has an outcome the other lacks.

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
    opts = check_options(base=base, axis=axis, keepdims=keepdims, normalize=normalize)
    return opts.unit.convert(_call("js_divergence", (p, q), _PQ, opts))


@overload
def js_distance(p: NumPyDist, q: NumPyDist, *, base: Base = "nats", axis: int = -1, keepdims: bool = False,
                normalize: bool = False) -> NumPyResult: ...
@overload
def js_distance(p: DistributionLike, q: DistributionLike, *, base: Base = "nats", axis: int = -1,
                keepdims: bool = False, normalize: bool = False) -> Result: ...
def js_distance(p: DistributionLike, q: DistributionLike, *, base: Base = "nats", axis: int = -1,
                keepdims: bool = False, normalize: bool = False) -> Result:
    """Jensen–Shannon distance ``sqrt(JS(P, Q))``, a metric on distributions.

    ``JS`` is taken in the unit ``base`` (as ``scipy.spatial.distance.jensenshannon``
    does), so the distance lies in ``[0, sqrt(log_base 2)]``: at most 1 for bits.

    Parameters
    ----------
    p, q : array_like, Categorical, Empirical, dict or Series
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
    opts = check_options(base=base, axis=axis, keepdims=keepdims, normalize=normalize)
    js = opts.unit.convert(_call("js_distance", (p, q), _PQ, opts))
    if isinstance(js, np.generic):
        return np.sqrt(js)
    return _backend.namespace(js).sqrt(js)


@overload
def renyi_entropy(p: NumPyDist, alpha: float, *, base: Base = "nats", axis: int = -1, keepdims: bool = False,
                  normalize: bool = False) -> NumPyResult: ...
@overload
def renyi_entropy(p: DistributionLike, alpha: float, *, base: Base = "nats", axis: int = -1,
                  keepdims: bool = False, normalize: bool = False) -> Result: ...
def renyi_entropy(p: DistributionLike, alpha: float, *, base: Base = "nats", axis: int = -1,
                  keepdims: bool = False, normalize: bool = False) -> Result:
    """Rényi entropy of order ``alpha``: ``H_a(P) = log(sum p^a) / (1 - a)``.

    ``alpha = 1`` is the Shannon entropy (the limit, computed exactly);
    ``alpha = 0`` the Hartley entropy ``log |supp P|``; ``alpha = 2`` the
    collision entropy; ``alpha = inf`` the min-entropy ``-log max p``.
    ``H_a`` is non-increasing in ``alpha``.

    Parameters
    ----------
    p : array_like, Categorical, Empirical, dict or Series
    alpha : float
        Order, ``>= 0`` (``math.inf`` allowed).
    base, axis, keepdims, normalize
        As in :func:`entropy`.

    Returns
    -------
    array or float
        ``H_a`` per distribution, between ``-log max p`` (``alpha = inf``) and ``log |supp P|``
        (``alpha = 0``).

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
    alpha = check_alpha(alpha)
    if alpha == 1.0:
        return entropy(p, base=base, axis=axis, keepdims=keepdims, normalize=normalize)
    opts = check_options(base=base, axis=axis, keepdims=keepdims, normalize=normalize)
    return opts.unit.convert(_call("renyi_entropy", (p,), _P, opts, alpha))


@overload
def renyi_divergence(p: NumPyDist, q: NumPyDist, alpha: float, *, base: Base = "nats", axis: int = -1,
                     keepdims: bool = False, normalize: bool = False) -> NumPyResult: ...
@overload
def renyi_divergence(p: DistributionLike, q: DistributionLike, alpha: float, *, base: Base = "nats",
                     axis: int = -1, keepdims: bool = False, normalize: bool = False) -> Result: ...
def renyi_divergence(p: DistributionLike, q: DistributionLike, alpha: float, *, base: Base = "nats",
                     axis: int = -1, keepdims: bool = False, normalize: bool = False) -> Result:
    """Rényi divergence of order ``alpha``: ``log(sum p^a q^(1-a)) / (a - 1)``.

    ``alpha = 1`` is the KL divergence ``D(P||Q)``; ``alpha = 1/2`` is
    ``-2 log`` of the Bhattacharyya coefficient; ``alpha = inf`` is
    ``log max p/q``; ``alpha = 0`` is ``-log Q(supp P)``.  Non-decreasing in ``alpha``.

    Parameters
    ----------
    p, q : array_like, Categorical, Empirical, dict or Series
    alpha : float
        Order of the divergence, ``>= 0`` (``math.inf`` allowed); ``alpha = 1`` is
        :func:`kl_divergence` itself.
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
    alpha = check_alpha(alpha)
    if alpha == 1.0:
        return kl_divergence(p, q, base=base, axis=axis, keepdims=keepdims, normalize=normalize)
    opts = check_options(base=base, axis=axis, keepdims=keepdims, normalize=normalize)
    return opts.unit.convert(_call("renyi_divergence", (p, q), _PQ, opts, alpha))


def _exp(v: Any) -> Any:
    """``exp`` in the value's own library (a NumPy scalar for NumPy scalars)."""
    if isinstance(v, (float, int, np.generic, np.ndarray)):
        out = np.exp(np.asarray(v, dtype=np.float64) if not isinstance(v, np.ndarray) else v)
        return out[()] if isinstance(out, np.ndarray) and out.ndim == 0 else out
    return _backend.namespace(v).exp(v)


@overload
def perplexity(p: NumPyDist, q: NumPyDist | None = None, *, axis: int = -1, keepdims: bool = False,
               normalize: bool = False) -> NumPyResult: ...
@overload
def perplexity(p: DistributionLike, q: DistributionLike | Model | None = None, *, axis: int = -1,
               keepdims: bool = False, normalize: bool = False) -> Result: ...
@quiet
def perplexity(p: DistributionLike, q: DistributionLike | Model | None = None, *, axis: int = -1,
               keepdims: bool = False, normalize: bool = False) -> Result:
    """Perplexity: ``exp(H(P))`` of a distribution, or ``exp(H(P̂, Q))`` of data under a model.

    The effective number of equally likely outcomes: a uniform distribution
    over K outcomes has perplexity K.  Perplexity is unit-free —
    ``exp(H in nats) = 2**(H in bits)`` — so it takes no ``base``.  It is
    ``exp`` of exactly one :func:`entropy` or :func:`cross_entropy`, so it
    accepts the same kinds of argument.

    Parameters
    ----------
    p : distribution, samples or Empirical
        With one argument: any distribution :func:`entropy` measures
        (probability array, :class:`~infokit.Categorical`,
        :class:`~infokit.Empirical`, labelled pmf, scipy.stats or torch
        distribution).  With ``q``: the data (samples or an Empirical) scored
        under the model ``q``, or a distribution compared with the
        distribution ``q``.
    q : model or distribution, optional
        A model (scipy.stats, torch, callable), or a distribution (array,
        Categorical, Empirical, labelled pmf; a scipy/torch distribution
        paired with one of the same kind).  With a Categorical ``q``, pass
        data as an :class:`~infokit.Empirical` (integer outcomes index ``q``):
        a plain array ``p`` is read as a probability vector.
    axis, keepdims, normalize
        As in :func:`~infokit.entropy` (for probability arrays).

    Returns
    -------
    numpy.float64, array or torch.Tensor
        ``exp`` of the (cross-)entropy in nats; for a continuous distribution
        or model, of the differential (cross-)entropy.

    See Also
    --------
    infokit.lm.perplexity : perplexity of a language model's logits at labelled tokens.

    Examples
    --------
    >>> import numpy as np, infokit as ik
    >>> from scipy import stats
    >>> round(float(ik.perplexity(np.full(8, 1 / 8))), 10)
    8.0
    >>> q = ik.from_log_probs(np.log([0.5, 0.25, 0.125, 0.125]))
    >>> round(float(ik.perplexity(ik.empirical([0, 1, 1, 3]), q)), 10)  # data (an Empirical) under q
    4.0
    >>> bool(np.isclose(ik.perplexity([1, 2, 2], stats.poisson(2.0)),
    ...                 np.exp(-np.mean(stats.poisson(2.0).logpmf([1, 2, 2])))))
    True
    """
    opts = check_options(axis=axis, keepdims=keepdims, normalize=normalize)
    if q is None:
        return _exp(_call("entropy", (p,), _P, opts, called="perplexity"))
    return _exp(_call("cross_entropy", (p, q), _PQ, opts, called="perplexity"))
