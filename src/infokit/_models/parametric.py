"""Exact measures between parametric distributions (scipy.stats and torch.distributions).

``ik.entropy(d)``, ``ik.cross_entropy(P, Q)`` and ``ik.kl_divergence(P, Q)``
accept frozen ``scipy.stats`` distributions (``scipy.stats.norm(0, 1)``) and
``torch.distributions.Distribution`` objects and route them here:

* :func:`dist_entropy` — the (differential) entropy, ``d.entropy()``;
* :func:`dist_kl` — ``D(P||Q)`` in closed form, looked up in a registry of
  pairs of families;
* :func:`dist_cross_entropy` — ``H(P, Q) = H(P) + D(P||Q)``;
* :func:`mc_kl` / :func:`mc_kl_estimate` — a Monte Carlo estimate of
  ``D(P||Q)`` (with standard error) for pairs that have no closed form.

Closed forms registered for scipy.stats frozen distributions
------------------------------------------------------------
Both distributions of a pair must be of the same family:

==========================  =================================================
family (``dist.name``)      parameters handled
==========================  =================================================
``norm``                    any ``loc``, ``scale``
``laplace``                 any ``loc``, ``scale``
``expon``                   any ``loc``, ``scale`` (``+inf`` if ``loc_P < loc_Q``)
``uniform``                 any ``loc``, ``scale`` (``+inf`` unless P's support
                            lies within Q's)
``lognorm``                 shape ``s``, ``scale``; equal ``loc``
``gamma``                   shape ``a``, ``scale`` (rate ``1/scale``); equal
                            ``loc`` (``+inf`` if ``loc_P < loc_Q``)
``beta``                    shapes ``a``, ``b``; equal ``loc`` and ``scale``
                            (``+inf`` if P's support is not within Q's)
``poisson``                 ``mu``; equal ``loc``
``binom``                   ``n`` (equal), ``p``; equal ``loc``
``geom``                    ``p``; equal ``loc``
``bernoulli``               ``p``; equal ``loc``
``multivariate_normal``     full (positive definite) covariance, via Cholesky
``dirichlet``               concentration vectors of the same length
``multinomial``             ``n`` (equal), probability vectors
==========================  =================================================

A shift or rescaling applied to *both* distributions leaves ``D`` unchanged,
which is why equal ``loc`` (and ``scale``) suffice for the families that are
not location–scale families.  Anything else (different locations of two
Gamma distributions, say) raises :class:`~infokit.InvalidArgumentError`
rather than returning a wrong value.  Categorical distributions given as
probability vectors or :class:`~infokit.Categorical` are handled by the core
functions exactly.

Two ``torch.distributions`` objects use ``torch.distributions.kl_divergence``
(torch's own, well-kept registry) unless a pair of their classes was
registered here with :func:`register_kl`.  A pair with no closed form raises
:class:`~infokit.InvalidArgumentError` pointing to the Monte Carlo estimator
``ik.estimate_kl(P, Q, n=..., rng=...)`` — never a silent wrong value.

Numerical care
--------------
Every closed form is written as a sum of non-negative terms where possible,
with ``phi(t) = expm1(t) - t`` evaluated by its series near 0, log-ratios of
nearly equal parameters through ``log1p``, and the Bregman divergence of
``gammaln`` (Gamma, Beta, Dirichlet) by its Taylor series when the shapes are
close, so that nearly identical distributions keep full relative accuracy.
The multivariate normal uses Cholesky factors only: with ``M = L_Q^{-1} L_P``
(a triangular solve) and ``z = L_Q^{-1}(mu_P - mu_Q)``,
``D = (sum_i phi(2 log M_ii) + sum_{i>j} M_ij^2 + |z|^2) / 2``.
"""

from __future__ import annotations

import math
import numbers
import warnings
from typing import Callable, NamedTuple

import numpy as np
from scipy import special

from infokit._core import kernels as _kernels
from infokit._core.measures import kl_divergence as _core_kl
from infokit._lib.checks import check_rng
from infokit._lib.units import resolve_base
from infokit._models.recognize import (
    describe as _describe,
    family as _family,
    is_distribution,
    generic_name as _generic_name,
    is_scipy_discrete as _is_scipy_discrete,
    is_scipy_generic as _is_scipy_generic,
    is_scipy_multivariate as _is_scipy_multivariate,
    is_torch as _is_torch,
    torch_distributions as _torch_distributions,
)
from infokit.errors import InfokitWarning, InvalidArgumentError, InvalidDistributionError, InvalidTypeError

__all__ = [
    "register_kl",
    "is_distribution",
    "dist_entropy",
    "dist_kl",
    "dist_cross_entropy",
    "mc_kl",
    "MonteCarloKL",
]

_MC_HINT = "ik.estimate_kl(P, Q, n=100_000, rng=0)"


def _key(t, name: str):
    """Normalise a ``register_kl`` argument to a registry key."""
    if isinstance(t, str):
        if not t:
            raise InvalidArgumentError(f"'{name}' must be a non-empty family name")
        return t
    if _is_scipy_generic(t):
        return _generic_name(t)
    td = _torch_distributions()
    if isinstance(t, type):
        if td is not None and issubclass(t, td.Distribution):
            return t
        raise InvalidTypeError(
            f"'{name}' must be a scipy.stats family name (e.g. \"norm\"), a scipy.stats distribution "
            f"(e.g. scipy.stats.norm) or a torch.distributions class; got the class {t.__qualname__}"
        )
    if is_distribution(t):
        raise InvalidTypeError(
            f"'{name}' must be a family, not a distribution object: pass {_family(t)!r} "
            f"(or the class / scipy.stats object) instead of {_describe(t)}(...)"
        )
    raise InvalidTypeError(
        f"'{name}' must be a scipy.stats family name (e.g. \"norm\"), a scipy.stats distribution "
        f"(e.g. scipy.stats.norm) or a torch.distributions class; got {type(t).__name__}"
    )


# --------------------------------------------------------------------------
# the registry
# --------------------------------------------------------------------------
_REGISTRY: dict = {}


def register_kl(type_p, type_q) -> Callable:
    """Register a closed form of ``D(P||Q)`` for a pair of families (a decorator).

    Like ``torch.distributions.register_kl``.  The decorated function is
    called as ``fn(P, Q)`` with the two distribution objects and must return
    the divergence in nats (a float, NumPy array or tensor); ``ik.kl_divergence``
    and ``ik.cross_entropy`` then use it for that pair (``P``'s family first;
    torch classes also for their subclasses, the most specific registered
    pair winning, as in torch's own registry).  Registering a pair again replaces it.

    Parameters
    ----------
    type_p, type_q : str, scipy.stats distribution or torch.distributions class
        The families: a scipy.stats name (``"norm"``, ``"cauchy"``; the
        ``dist.name`` of a frozen distribution), the scipy.stats object itself
        (``scipy.stats.cauchy``), or a ``torch.distributions.Distribution``
        subclass.  A pair registered here for two torch classes takes
        precedence over torch's own registry.

    Returns
    -------
    callable
        The decorator; it returns the function unchanged.

    Examples
    --------
    >>> import numpy as np, infokit as ik
    >>> from scipy import stats
    >>> @ik.register_kl(stats.cauchy, stats.cauchy)
    ... def _kl_cauchy(p, q):
    ...     (l1, s1), (l2, s2) = p.args, q.args
    ...     return np.log(((s1 + s2) ** 2 + (l1 - l2) ** 2) / (4 * s1 * s2))
    >>> float(ik.kl_divergence(stats.cauchy(0, 1), stats.cauchy(0, 1)))
    0.0
    """
    kp, kq = _key(type_p, "type_p"), _key(type_q, "type_q")

    def decorator(fn):
        if not callable(fn):
            raise InvalidTypeError(f"register_kl must decorate a function fn(P, Q); got {type(fn).__name__}")
        _REGISTRY[(kp, kq)] = fn
        _MEMO.clear()
        return fn

    return decorator


_MEMO: dict = {}


def _lookup(P, Q):
    """The registered closed form for ``(P, Q)``: scipy families by name; torch classes by the most specific match.

    As ``torch.distributions.kl_divergence`` does: among the registered pairs
    whose classes are bases of ``(type(P), type(Q))``, the one nearest in both
    method resolution orders wins; a tie is broken in favour of ``P``'s
    nearer match, with a warning naming the pair to register.  Results are
    memoised per pair of classes and forgotten when a pair is registered.
    """
    kp, kq = _family(P), _family(Q)
    fn = _REGISTRY.get((kp, kq))
    if fn is not None or not (isinstance(kp, type) and isinstance(kq, type)):
        return fn
    key = (kp, kq)
    if key in _MEMO:
        return _MEMO[key]
    mro_p, mro_q = kp.__mro__, kq.__mro__
    matches = [(mro_p.index(a), mro_q.index(b), (a, b)) for (a, b) in _REGISTRY
               if isinstance(a, type) and isinstance(b, type) and a in mro_p and b in mro_q]
    fn = None
    if matches:
        best = min(matches, key=lambda m: (m[0] + m[1], m[0]))
        ties = [m for m in matches if m[0] + m[1] == best[0] + best[1] and m != best]
        if ties:
            warnings.warn(
                f"ambiguous closed form for KL({kp.__name__} || {kq.__name__}): registered pairs "
                f"{[(m[2][0].__name__, m[2][1].__name__) for m in [best, *ties]]} match equally well; using "
                f"{(best[2][0].__name__, best[2][1].__name__)}. Register the pair ({kp.__name__}, {kq.__name__}) "
                f"with ik.register_kl to choose",
                InfokitWarning,
                stacklevel=4,
            )
        fn = _REGISTRY[best[2]]
    _MEMO[key] = fn
    return fn


def _no_closed_form(P, Q, why: str = "") -> InvalidArgumentError:
    dp, dq = _describe(P), _describe(Q)
    fp, fq = _family(P), _family(Q)
    reg = (
        f"@ik.register_kl({fp!r}, {fq!r})"
        if isinstance(fp, str) and isinstance(fq, str)
        else f"@ik.register_kl({dp}, {dq})"
    )
    why = f" ({why})" if why else ""
    return InvalidArgumentError(
        f"no closed form of D(P||Q) is registered for P = {dp} and Q = {dq}{why}; "
        f"estimate it by Monte Carlo with {_MC_HINT} (any two distributions that sample and "
        f"evaluate log-densities), or register a closed form with {reg}"
    )


# --------------------------------------------------------------------------
# numerically careful building blocks (NumPy, vectorised)
# --------------------------------------------------------------------------
def _phi(t):
    """``expm1(t) - t = h(-t) >= 0`` (:func:`infokit._core.kernels.h_terms`), ``+inf`` at ``t = ±inf``."""
    t = np.asarray(t, dtype=np.float64)
    with np.errstate(all="ignore"):
        return np.where(np.isinf(t), np.inf, _kernels.h_terms(np, -t))


def _log_ratio(a, b):
    """``log(a / b)`` for ``a, b >= 0``, through ``log1p`` when ``a`` and ``b`` are close."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    with np.errstate(all="ignore"):
        close = np.abs(a - b) <= 0.5 * b
        near = np.log1p(np.where(close, (a - b) / np.where(b > 0, b, 1.0), 0.0))
        far = np.log(a) - np.log(b)
    return np.where(close, near, far)


def _kl_term(x, y):
    """``x log(x/y) - x + y >= 0`` without cancellation (0 at x = y; y at x = 0; inf at y = 0 < x)."""
    with np.errstate(all="ignore"):
        return _kernels.kl_terms(np, *np.broadcast_arrays(np.asarray(x, np.float64), np.asarray(y, np.float64)))


def _gammaln_bregman(a, b):
    """``gammaln(b) - gammaln(a) - (b - a) digamma(a) >= 0``; Taylor series when ``b`` is near ``a``."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    a, b = np.broadcast_arrays(a, b)
    d = b - a
    close = np.abs(d) <= 0.1 * a
    with np.errstate(all="ignore"):
        direct = special.gammaln(b) - special.gammaln(a) - d * special.digamma(a)
        ac = np.where(close, a, 1.0)
        dc = np.where(close, d, 0.0)
        series = np.zeros_like(ac)
        term = dc.copy()
        for k in range(2, 20):  # d^k / k! * polygamma(k - 1, a)
            term = term * dc / k
            series = series + term * special.polygamma(k - 1, ac)
    return np.where(close, series, np.maximum(direct, 0.0))


def _out(x):
    """A NumPy float64 scalar for one distribution, an array for a batch."""
    x = np.asarray(x, dtype=np.float64)
    return x[()] if x.ndim == 0 else x


# --------------------------------------------------------------------------
# parameters of scipy frozen distributions
# --------------------------------------------------------------------------
def _params(d, name: str):
    """``(shapes, loc, scale)`` of a univariate scipy frozen distribution, validated (float arrays)."""
    dist = d.dist
    parsed = dist._parse_args(*d.args, **d.kwds)
    shapes, loc = parsed[0], parsed[1]
    scale = parsed[2] if len(parsed) > 2 and not _is_scipy_discrete(d) else 1.0
    shapes = tuple(np.asarray(s, dtype=np.float64) for s in shapes)
    loc = np.asarray(loc, dtype=np.float64)
    scale = np.asarray(scale, dtype=np.float64)
    with np.errstate(all="ignore"):
        ok = np.all(dist._argcheck(*shapes)) and np.all(scale > 0) and np.all(np.isfinite(loc))
        ok = ok and np.all(np.isfinite(scale)) and all(np.all(~np.isnan(s)) for s in shapes)
    if not ok:
        raise InvalidDistributionError(
            f"'{name}' (scipy.stats.{dist.name} with args={d.args}, kwds={d.kwds}) has invalid parameters; "
            f"scipy itself would return nan for it"
        )
    return shapes, loc, scale


def _same(a, b, what: str, P, Q):
    if not np.all(np.asarray(a) == np.asarray(b)):
        raise _no_closed_form(P, Q, f"the closed form needs equal {what}; got {np.asarray(a).tolist()} "
                                    f"and {np.asarray(b).tolist()}")


def _support_within(lo1, hi1, lo2, hi2):
    return (lo1 >= lo2) & (hi1 <= hi2)


# --------------------------------------------------------------------------
# closed forms (P, Q) -> nats
# --------------------------------------------------------------------------
def _kl_norm(P, Q):
    (_, m1, s1), (_, m2, s2) = _params(P, "P"), _params(Q, "Q")
    t = _log_ratio(s1, s2)
    return 0.5 * _phi(2.0 * t) + 0.5 * ((m1 - m2) / s2) ** 2


def _kl_laplace(P, Q):
    (_, m1, b1), (_, m2, b2) = _params(P, "P"), _params(Q, "Q")
    t = _log_ratio(b1, b2)
    u = np.abs(m1 - m2) / b1
    return _phi(t) + (b1 / b2) * _phi(-u)


def _kl_expon(P, Q):
    (_, l1, s1), (_, l2, s2) = _params(P, "P"), _params(Q, "Q")
    t = _log_ratio(s1, s2)
    return np.where(l1 < l2, np.inf, _phi(t) + (l1 - l2) / s2)


def _kl_uniform(P, Q):
    (_, a1, w1), (_, a2, w2) = _params(P, "P"), _params(Q, "Q")
    inside = _support_within(a1, a1 + w1, a2, a2 + w2)
    return np.where(inside, np.maximum(-_log_ratio(w1, w2), 0.0), np.inf)


def _kl_lognorm(P, Q):
    ((s1,), l1, sc1), ((s2,), l2, sc2) = _params(P, "P"), _params(Q, "Q")
    _same(l1, l2, "locations (loc)", P, Q)
    t = _log_ratio(s1, s2)
    dm = _log_ratio(sc1, sc2)  # the difference of the normal means, log(scale)
    return 0.5 * _phi(2.0 * t) + 0.5 * (dm / s2) ** 2


def _kl_gamma(P, Q):
    ((a1,), l1, s1), ((a2,), l2, s2) = _params(P, "P"), _params(Q, "Q")
    if np.any(l1 > l2):
        raise _no_closed_form(P, Q, "Gamma distributions with different locations (loc) where loc_P > loc_Q "
                                    "have no closed form; the closed form needs equal loc")
    t = _log_ratio(s1, s2)
    d = a1 * _phi(t) + _gammaln_bregman(a1, a2) + (a1 - a2) * t
    return np.where(l1 < l2, np.inf, d)


def _dirichlet_kl(a1, a2):
    """``D(Dir(a1) || Dir(a2))`` along the last axis: sum_i B(a1_i, a2_i) - B(A1, A2)."""
    return np.sum(_gammaln_bregman(a1, a2), axis=-1) - _gammaln_bregman(np.sum(a1, axis=-1), np.sum(a2, axis=-1))


def _kl_beta(P, Q):
    ((a1, b1), l1, s1), ((a2, b2), l2, s2) = _params(P, "P"), _params(Q, "Q")
    same = (l1 == l2) & (s1 == s2)
    inside = _support_within(l1, l1 + s1, l2, l2 + s2)
    if not np.all(same | ~inside):
        raise _no_closed_form(P, Q, "Beta distributions on different intervals (loc, scale) where P's lies "
                                    "within Q's have no closed form; the closed form needs equal loc and scale")
    a1, b1, a2, b2 = np.broadcast_arrays(a1, b1, a2, b2)
    d = _dirichlet_kl(np.stack([a1, b1], axis=-1), np.stack([a2, b2], axis=-1))
    return np.where(inside, np.maximum(d, 0.0), np.inf)


def _discrete_loc(P, Q):
    (s1, l1, _), (s2, l2, _) = _params(P, "P"), _params(Q, "Q")
    _same(l1, l2, "locations (loc)", P, Q)
    return s1, s2


def _bernoulli(p1, p2):
    """Binary KL, both terms from ``p1 - p2`` (not from the rounded ``1 - p``): no cancellation."""
    p1 = np.asarray(p1, dtype=np.float64)
    p2 = np.asarray(p2, dtype=np.float64)
    c1, c2 = 1.0 - p1, 1.0 - p2
    with np.errstate(all="ignore"):
        d = p1 - p2
        close = np.abs(d) <= 0.5 * c2
        t1 = np.where(close, np.log1p(np.where(close, -d / np.where(c2 > 0, c2, 1.0), 0.0)), np.log(c1) - np.log(c2))
        comp = np.where(c1 == 0, c2, np.where(c2 == 0, np.inf, c1 * _phi(-t1)))
    return _kl_term(p1, p2) + comp


def _kl_poisson(P, Q):
    (mu1,), (mu2,) = _discrete_loc(P, Q)
    return _kl_term(mu1, mu2)


def _kl_bernoulli(P, Q):
    (p1,), (p2,) = _discrete_loc(P, Q)
    return _bernoulli(p1, p2)


def _kl_binom(P, Q):
    (n1, p1), (n2, p2) = _discrete_loc(P, Q)
    _same(n1, n2, "numbers of trials n", P, Q)
    return n1 * _bernoulli(p1, p2)


def _kl_geom(P, Q):
    (p1,), (p2,) = _discrete_loc(P, Q)
    return _bernoulli(p1, p2) / p1


def _kl_mvn(P, Q):
    from scipy.linalg import solve_triangular

    m1, m2 = np.asarray(P.mean, dtype=np.float64), np.asarray(Q.mean, dtype=np.float64)
    if m1.shape != m2.shape:
        raise InvalidDistributionError(
            f"'P' and 'Q' are multivariate normals of different dimensions ({m1.size} and {m2.size})"
        )
    c1, c2 = np.asarray(P.cov, dtype=np.float64), np.asarray(Q.cov, dtype=np.float64)
    L1, L2 = _cholesky(c1), _cholesky(c2)
    if L1 is None or L2 is None:
        if L1 is None and L2 is None:
            raise _no_closed_form(P, Q, "both covariances are singular (not positive definite)")
        return np.float64(np.inf)  # exactly one degenerate: neither is absolutely continuous w.r.t. the other
    M = solve_triangular(L2, L1, lower=True)
    z = solve_triangular(L2, m1 - m2, lower=True)
    ell = _log_ratio(np.diag(L1), np.diag(L2))
    off = np.tril(M, -1)
    return 0.5 * (np.sum(_phi(2.0 * ell)) + np.sum(off * off) + np.dot(z, z))


def _cholesky(c):
    try:
        L = np.linalg.cholesky(c)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(L)) or np.any(np.diag(L) <= 0):
        return None
    return L


def _kl_dirichlet(P, Q):
    a1, a2 = np.asarray(P.alpha, dtype=np.float64), np.asarray(Q.alpha, dtype=np.float64)
    if a1.shape != a2.shape:
        raise InvalidDistributionError(
            f"'P' and 'Q' are Dirichlet distributions of different dimensions ({a1.size} and {a2.size})"
        )
    return np.maximum(_dirichlet_kl(a1, a2), 0.0)


def _kl_multinomial(P, Q):
    _same(P.n, Q.n, "numbers of trials n", P, Q)
    return np.asarray(P.n, dtype=np.float64) * _core_kl(np.asarray(P.p, float), np.asarray(Q.p, float))


for _name, _fn in [
    ("norm", _kl_norm),
    ("laplace", _kl_laplace),
    ("expon", _kl_expon),
    ("uniform", _kl_uniform),
    ("lognorm", _kl_lognorm),
    ("gamma", _kl_gamma),
    ("beta", _kl_beta),
    ("poisson", _kl_poisson),
    ("binom", _kl_binom),
    ("geom", _kl_geom),
    ("bernoulli", _kl_bernoulli),
    ("multivariate_normal", _kl_mvn),
    ("dirichlet", _kl_dirichlet),
    ("multinomial", _kl_multinomial),
]:
    _REGISTRY[(_name, _name)] = _fn
del _name, _fn


# --------------------------------------------------------------------------
# public measures
# --------------------------------------------------------------------------
def _check_dist(d, name: str):
    if not is_distribution(d):
        raise InvalidTypeError(
            f"'{name}' must be a frozen scipy.stats distribution (e.g. scipy.stats.norm(0, 1)) or a "
            f"torch.distributions.Distribution; got {type(d).__name__}"
            + (" (an unfrozen scipy.stats distribution: call it with its parameters to freeze it)"
               if _is_scipy_generic(d) else "")
        )


def dist_entropy(d, *, base="nats"):
    """(Differential) entropy of a scipy.stats frozen or torch distribution.

    Parameters
    ----------
    d : scipy.stats frozen distribution or torch.distributions.Distribution
    base : {"nats", "bits", "hartleys"} or float, optional
        Unit of the result. Default nats.

    Returns
    -------
    numpy.float64, ndarray or torch.Tensor
        ``d.entropy()`` converted to ``base``: a NumPy scalar (array for batched
        parameters) for scipy, a tensor (autograd intact) for torch.  For
        continuous distributions this is the differential entropy, which can
        be negative.

    Examples
    --------
    >>> from scipy import stats
    >>> from infokit.parametric import dist_entropy
    >>> round(float(dist_entropy(stats.uniform(0, 8), base="bits")), 12)
    3.0
    """
    return entropy_of(d, "d", resolve_base(base))


def entropy_of(d, name: str, unit=None):
    """:func:`dist_entropy` of the argument called ``name`` (in nats unless ``unit``); invalid parameters
    are an error naming it, never a NaN."""
    unit = unit or resolve_base("nats")
    _check_dist(d, name)
    if _is_torch(d):
        try:
            h = d.entropy()
        except NotImplementedError:
            raise InvalidArgumentError(
                f"{_describe(d)} does not implement entropy() in torch, so its entropy (and cross-entropies "
                f"H(P, Q) = H(P) + D(P||Q) with it as P) have no closed form here; use the scipy.stats "
                f"equivalent, or estimate from samples (ik.estimate_entropy)"
            ) from None
        return unit.convert(h)
    if hasattr(d, "dist") and hasattr(d.dist, "_argcheck") and not hasattr(d.dist, "_dist_gen"):
        _params(d, name)  # univariate scipy: invalid parameters (scale <= 0, NaN, shapes out of range) raise
    with np.errstate(all="ignore"):
        h = _out(d.entropy())
    if np.any(np.isnan(h)):
        raise InvalidDistributionError(
            f"'{name}' ({_describe(d)}) has no finite entropy: scipy returns nan for it (invalid parameters?)"
        )
    return _out(unit.convert(h))


def dist_kl(P, Q, *, base="nats"):
    """``D(P||Q)`` in closed form for two parametric distributions.

    Parameters
    ----------
    P, Q : scipy.stats frozen distributions or torch.distributions.Distribution
        A pair with a registered closed form (see the module documentation).
    base : {"nats", "bits", "hartleys"} or float, optional
        Unit of the result. Default nats.

    Returns
    -------
    numpy.float64, ndarray or torch.Tensor
        ``+inf`` where P puts mass where Q has none (e.g. a Uniform not within
        the other's support).

    Raises
    ------
    InvalidArgumentError
        No closed form is registered for the pair (the message points to
        ``ik.estimate_kl(P, Q, n=..., rng=...)``), or the pair's parameters
        fall outside what the closed form covers (Binomials with different
        ``n``, Gamma distributions with different locations, ...).
    InvalidDistributionError
        Invalid parameters (a scale <= 0, ...).

    Examples
    --------
    >>> from scipy import stats
    >>> from infokit.parametric import dist_kl
    >>> float(dist_kl(stats.norm(0, 1), stats.norm(1, 1)))
    0.5
    """
    unit = resolve_base(base)
    _check_dist(P, "P")
    _check_dist(Q, "Q")
    fn = _lookup(P, Q)
    if fn is None and _is_torch(P) and _is_torch(Q):
        td = _torch_distributions()
        try:
            return unit.convert(td.kl_divergence(P, Q))
        except NotImplementedError:
            raise _no_closed_form(P, Q, "neither infokit's nor torch's registry has this pair") from None
    if fn is None:
        raise _no_closed_form(P, Q)
    with np.errstate(all="ignore"):
        value = fn(P, Q)
    if _is_torch(P) or _is_torch(Q):
        return unit.convert(value)
    return _out(unit.convert(_out(value)))


def dist_cross_entropy(P, Q, *, base="nats"):
    """``H(P, Q) = H(P) + D(P||Q)`` for two parametric distributions (closed form).

    Parameters, errors and the registry are those of :func:`dist_kl`; ``H(P)``
    is :func:`dist_entropy`.  For continuous distributions this is the
    differential cross-entropy ``-E_P[log q(X)]``.

    Examples
    --------
    >>> import math
    >>> from scipy import stats
    >>> from infokit.parametric import dist_cross_entropy
    >>> h = dist_cross_entropy(stats.norm(0, 1), stats.norm(1, 1))
    >>> round(float(h) - (0.5 * math.log(2 * math.pi * math.e) + 0.5), 12)
    0.0
    """
    resolve_base(base)
    d = dist_kl(P, Q, base=base)
    h = dist_entropy(P, base=base)
    if _is_torch(P) or _is_torch(Q):
        return h + d
    with np.errstate(all="ignore"):
        return _out(np.asarray(h) + np.asarray(d))


# --------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------
class MonteCarloKL(NamedTuple):
    """``mean`` and standard error ``stderr`` of a Monte Carlo estimate of ``D(P||Q)``, in nats."""

    mean: float
    stderr: float


def _check_n(n):
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise InvalidArgumentError(f"'n' must be an int >= 2, the number of Monte Carlo samples (got {n!r})")
    return int(n)


def _sample(P, n: int, gen):
    """``n`` samples of P: a NumPy array (scipy) or a tensor (torch), sample axis first."""
    if _is_torch(P):
        import torch

        if isinstance(gen, np.random.Generator):
            seed = int(gen.integers(0, 2**63 - 1))
        else:
            seed = int(gen.randint(0, 2**31 - 1))
        with torch.random.fork_rng(devices=[]), torch.no_grad():
            torch.manual_seed(seed)
            return P.sample((n,))
    x = np.asarray(P.rvs(size=n, random_state=gen))
    if _is_scipy_multivariate(P) and x.ndim == 1:
        x = x.reshape(n, -1)
    return x


def _float_dtype_of(d):
    import torch

    for v in vars(d).values():
        if isinstance(v, torch.Tensor) and v.is_floating_point():
            return v.dtype
    return torch.get_default_dtype()


def _log_density(d, x):
    """``log d(x)`` as a float64 NumPy array (``-inf`` outside the support)."""
    if _is_torch(d):
        import torch

        t = x if isinstance(x, torch.Tensor) else torch.as_tensor(np.asarray(x), dtype=_float_dtype_of(d))
        with torch.no_grad():
            inside = d.support.check(t)
            if bool(torch.all(inside)):
                lp = d.log_prob(t)
            else:
                lp = _unchecked_log_prob(d, t)
                lp = torch.where(inside, lp, torch.full_like(lp, -math.inf))
        return lp.detach().cpu().double().numpy()
    if hasattr(x, "detach"):
        x = x.detach().cpu().numpy()
    x = np.asarray(x)
    with np.errstate(all="ignore"):
        if _is_scipy_multivariate(d):
            if _family(d) == "dirichlet":
                lp = d.logpdf(x.T)
            else:
                lp = d.logpmf(x) if not hasattr(d, "logpdf") else d.logpdf(x)
            return np.asarray(lp, dtype=np.float64).reshape(x.shape[0])
        if _is_scipy_discrete(d):
            return np.asarray(d.logpmf(x), dtype=np.float64)
        return np.asarray(d.logpdf(x), dtype=np.float64)


def _unchecked_log_prob(d, t):
    """``d.log_prob(t)`` without torch's support validation (values outside are masked by the caller)."""
    import copy

    d2 = copy.copy(d)
    d2._validate_args = False
    return d2.log_prob(t)


def mc_kl(P, Q, *, n=100_000, rng=None) -> MonteCarloKL:
    """Monte Carlo estimate of ``D(P||Q) = E_P[log p(X) - log q(X)]``, in nats.

    Draws ``n`` samples of ``P`` (``P.rvs(size=n, random_state=rng)`` for
    scipy.stats, ``P.sample((n,))`` for torch, seeded from ``rng``) and
    averages ``log p - log q`` at them (``logpdf``/``logpmf`` or
    ``log_prob``).  Works for any two distributions that sample and evaluate
    log-densities on the same space, scipy and torch mixed.

    Parameters
    ----------
    P, Q : scipy.stats frozen distribution or torch.distributions.Distribution
    n : int, optional
        Number of samples (>= 2). Default 100 000.
    rng : None, int or numpy.random.Generator, optional
        Source of randomness.  Pass a seed or Generator for reproducible
        results; ``None`` uses a fresh ``numpy.random.default_rng()`` (a
        different result each call).  torch samples are drawn under
        ``torch.random.fork_rng`` with a seed taken from ``rng``, so torch's
        global random state is left untouched.

    Returns
    -------
    MonteCarloKL
        ``(mean, stderr)`` with ``stderr = std(log p - log q, ddof=1) / sqrt(n)``
        (arrays for batched torch distributions).  ``mean`` is ``+inf`` (and
        ``stderr`` 0) when a sample of P is impossible under Q.

    Examples
    --------
    >>> from scipy import stats
    >>> from infokit.parametric import mc_kl
    >>> est = mc_kl(stats.norm(0, 1), stats.norm(1, 1), n=200_000, rng=0)
    >>> abs(est.mean - 0.5) < 4 * est.stderr
    True
    """
    n = _check_n(n)
    _check_dist(P, "P")
    _check_dist(Q, "Q")
    gen = check_rng(rng)
    x = _sample(P, n, gen)
    lp = _log_density(P, x)
    lq = _log_density(Q, x)
    with np.errstate(all="ignore"):
        diff = lp - lq
        impossible = np.any(np.isinf(lq) & (lq < 0) & np.isfinite(lp), axis=0)
        mean = np.mean(diff, axis=0)
        stderr = np.std(diff, axis=0, ddof=1) / math.sqrt(n)
        mean = np.where(impossible, np.inf, mean)
        stderr = np.where(impossible, 0.0, stderr)
    mean, stderr = _out(mean), _out(stderr)
    if np.ndim(mean) == 0:
        mean, stderr = float(mean), float(stderr)
    return MonteCarloKL(mean, stderr)
