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
Pairs of the same family:

==========================  =================================================
family (``dist.name``)      parameters handled
==========================  =================================================
``norm``                    any ``loc``, ``scale``
``laplace``                 any ``loc``, ``scale``
``cauchy``                  any ``loc``, ``scale``
``gumbel_r``, ``gumbel_l``  any ``loc``, ``scale``
``expon``                   any ``loc``, ``scale`` (``+inf`` if ``loc_P < loc_Q``)
``halfnorm``                any ``loc``, ``scale`` (``+inf`` if ``loc_P < loc_Q``)
``uniform``                 any ``loc``, ``scale`` (``+inf`` unless P's support
                            lies within Q's)
``lognorm``                 shape ``s``, ``scale``; equal ``loc``
``gamma``, ``chi2``,        shape, ``scale``; equal ``loc`` (``+inf`` if
``invgamma``,               ``loc_P < loc_Q``)
``weibull_min``
``pareto``                  shape ``b``, ``scale``; equal ``loc`` (``+inf`` if
                            P's support ``[loc + scale, inf)`` is not within Q's)
``beta``                    shapes ``a``, ``b``; equal ``loc`` and ``scale``
                            (``+inf`` if P's support is not within Q's)
``poisson``                 ``mu``; equal ``loc``
``binom``                   ``n``, ``p``; equal ``loc``.  ``n_P > n_Q``: ``+inf``
                            (P puts mass on ``n_P``, where Q has none; unless
                            ``p_P = 0``); ``n_P < n_Q``: exact summation over
                            P's ``n_P + 1`` outcomes
``geom``                    ``p``; equal ``loc``
``bernoulli``               ``p``; equal ``loc``
``multivariate_normal``     full (positive definite) covariance, via Cholesky
``dirichlet``               concentration vectors of the same length
``multinomial``             ``n`` (equal), probability vectors
==========================  =================================================

Pairs of different families (all ``loc`` and ``scale`` values accepted unless
said otherwise), through ``D(P||Q) = H(P, Q) - H(P)``: the cross-entropy
``-E_P[log q(X)]`` of each family Q is a combination of a few expectations
under P, and ``H(P)`` is scipy's closed-form entropy:

=================  ==========================================================
Q                  P (and what the cross-entropy needs of P)
=================  ==========================================================
``norm``           ``laplace``, ``gumbel_r``, ``gumbel_l``, ``cauchy``,
                   ``uniform``, ``beta``, ``halfnorm``, ``weibull_min``,
                   ``pareto``, ``lognorm``, ``expon``, ``gamma``, ``chi2``
                   (mean and variance)
``halfnorm``       the same, and ``norm`` (mean and variance)
``expon``          the same (the mean); ``gamma``, ``chi2`` and
                   ``weibull_min`` with equal ``loc`` by their own closed forms
``gamma``,         ``norm``, ``laplace``, ``gumbel_r``, ``gumbel_l``,
``chi2``           ``cauchy``, ``uniform``, ``beta``, ``halfnorm``,
                   ``weibull_min``, ``pareto``, ``lognorm`` (``E log(X - loc_Q)``);
                   ``expon``, ``gamma``, ``chi2`` with equal ``loc``
``weibull_min``    as ``gamma``, and ``gamma``, ``chi2`` (``E log(X - loc_Q)``,
                   ``E (X - loc_Q)^c``); ``expon`` with equal ``loc``
``laplace``        ``norm``, ``gumbel_r``, ``gumbel_l``, ``cauchy``, ``uniform``,
                   ``halfnorm``, ``expon``, ``gamma``, ``chi2`` (``E|X - loc_Q|``)
``gumbel_r``,      ``norm``, ``laplace``, ``cauchy``, ``uniform``, ``beta``,
``gumbel_l``       ``halfnorm``, ``expon``, ``gamma``, ``chi2``, the other
                   Gumbel; ``gumbel_l`` also ``pareto``, ``lognorm`` (mean and
                   ``E e^{-+X/scale_Q}``)
``uniform``        every P above (its support only)
``beta``           ``uniform`` (``E log(X - loc_Q)``, ``E log(loc_Q + scale_Q - X)``);
                   the unbounded families (``+inf``)
``pareto``         ``uniform`` (``E log(X - loc_Q)``); the others, ``+inf``
                   when P's support is not within ``[loc_Q + scale_Q, inf)``
=================  ==========================================================

``E log(X - c)`` and ``E (X - c)^k`` are known in closed form when ``c`` is
P's own ``loc`` (any ``c`` at or below the support for a Uniform P); where
P's support lies within Q's but such an expectation is needed at another
point (a Gamma P with ``loc_P > loc_Q`` against a Gamma Q, say), the pair
raises :class:`~infokit.InvalidArgumentError` as below.  Where P lacks the
moment the cross-entropy needs — a Cauchy P against a Normal, a Pareto P
with ``b <= 2`` against a Normal, a Laplace P against a Gumbel Q with
``scale_P >= scale_Q``, a heavy right tail against ``gumbel_l`` — the
divergence is ``+inf``, and so is the returned value.

A shift or rescaling applied to *both* distributions leaves ``D`` unchanged,
which is why equal ``loc`` (and ``scale``) suffice for the families that are
not location–scale families.  Anything else (different locations of two
Gamma distributions, say) raises :class:`~infokit.InvalidArgumentError`
rather than returning a wrong value.  Categorical distributions given as
probability vectors or :class:`~infokit.Categorical` are handled by the core
functions exactly.

Two ``torch.distributions`` objects use ``torch.distributions.kl_divergence``
(torch's own, well-kept registry) unless a pair of their classes was
registered here with :func:`register_kl`; two ``Binomial`` with
``total_count`` of P below Q's (which torch refuses) are summed exactly here.  A pair with no closed form raises
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
from typing import Any, Callable, NamedTuple, TypeVar

import numpy as np
from scipy import special

from infokit._core import kernels as _kernels
from infokit._core.measures import kl_divergence as _core_kl
from infokit._lib.checks import check_rng
from infokit._lib.typing import Base, Model, Result, Seed
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

#: A closed form ``fn(P, Q)`` of ``D(P||Q)`` in nats, as :func:`register_kl` takes it.
_KLFn = TypeVar("_KLFn", bound=Callable[..., Any])

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
_EULER = float(np.euler_gamma)


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


def register_kl(type_p: type, type_q: type) -> Callable[[_KLFn], _KLFn]:
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
    >>> @ik.register_kl(stats.rayleigh, stats.rayleigh)
    ... def _kl_rayleigh(p, q):  # scale given by keyword, loc 0
    ...     r = p.kwds["scale"] / q.kwds["scale"]
    ...     return r**2 - 1 - 2 * np.log(r)
    >>> float(ik.kl_divergence(stats.rayleigh(scale=2.0), stats.rayleigh(scale=2.0)))
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


def _gammaln_bregman(a, b, d=None):
    """``gammaln(b) - gammaln(a) - (b - a) digamma(a) >= 0``; Taylor series when ``b`` is near ``a``.

    ``d``, if given, is ``b - a`` known more accurately than the rounded difference.
    """
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    d = b - a if d is None else np.asarray(d, dtype=np.float64)
    a, b, d = np.broadcast_arrays(a, b, d)
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
        ok = ok and np.all(np.isfinite(scale)) and all(np.all(~np.isnan(s)) for s in shapes)  # type: ignore[assignment]
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


def _expon_core(l1, s1, l2, s2):
    """``D(Exp(l1, s1) || Exp(l2, s2))`` (location, scale), ``+inf`` where ``l1 < l2``."""
    return np.where(l1 < l2, np.inf, _phi(_log_ratio(s1, s2)) + (l1 - l2) / s2)


def _kl_expon(P, Q):
    (_, l1, s1), (_, l2, s2) = _params(P, "P"), _params(Q, "Q")
    return _expon_core(l1, s1, l2, s2)


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


def _gamma_core(a1, l1, s1, a2, l2, s2, P, Q, what="Gamma distributions"):
    """``D(Gamma(a1, l1, s1) || Gamma(a2, l2, s2))`` (shape, location, scale); equal loc or ``+inf``."""
    if np.any(l1 > l2):
        raise _no_closed_form(P, Q, f"{what} with different locations (loc) where loc_P > loc_Q "
                                    "have no closed form; the closed form needs equal loc")
    t = _log_ratio(s1, s2)
    d = a1 * _phi(t) + _gammaln_bregman(a1, a2) + (a1 - a2) * t
    return np.where(l1 < l2, np.inf, d)


def _kl_gamma(P, Q):
    ((a1,), l1, s1), ((a2,), l2, s2) = _params(P, "P"), _params(Q, "Q")
    return _gamma_core(a1, l1, s1, a2, l2, s2, P, Q)


def _as_gamma(d, name):
    """``(shape, loc, scale)`` of an Exponential, chi-squared or Gamma distribution as a Gamma distribution."""
    shapes, loc, scale = _params(d, name)
    fam = _family(d)
    if fam == "expon":
        return np.ones_like(loc), loc, scale
    if fam == "chi2":
        return shapes[0] / 2.0, loc, 2.0 * scale
    return shapes[0], loc, scale


def _kl_gamma_family(P, Q):
    """Exponential, chi-squared and Gamma distributions, each a Gamma distribution.

    With equal locations the Gamma closed form (full relative accuracy near
    ``D = 0``); an Exponential Q to the left of P needs only P's mean (:func:`_kl_cross`).
    """
    (a1, l1, s1), (a2, l2, s2) = _as_gamma(P, "P"), _as_gamma(Q, "Q")
    if np.any(l1 > l2) and _family(Q) == "expon":
        return _kl_cross(P, Q)
    return _gamma_core(a1, l1, s1, a2, l2, s2, P, Q, what="these distributions")


def _kl_invgamma(P, Q):
    # 1/(X - loc) of an inverse Gamma (a, loc, scale) is Gamma(a, 0, 1/scale); D is invariant under it
    ((a1,), l1, s1), ((a2,), l2, s2) = _params(P, "P"), _params(Q, "Q")
    return _gamma_core(a1, l1, 1.0 / s1, a2, l2, 1.0 / s2, P, Q, what="inverse Gamma distributions")


def _gumbel_core(u, t):
    """``D(P||Q)`` for Gumbel (maximum) distributions with ``t = log(beta_P / beta_Q)``, ``u = (mu_P - mu_Q) / beta_Q``.

    With ``r = e^t``, ``D = e^w - 1 - w + B(2, 1 + r) + (r - 1 - log r)`` where
    ``w = gammaln(1 + r) - u = (r - 1)(1 - gamma) + B(2, 1 + r) - u`` and ``B``
    is the Bregman divergence of ``gammaln``: three non-negative terms, each
    computed from ``t``, ``r - 1 = expm1(t)`` and ``u`` without cancellation.
    """
    t = np.asarray(t, dtype=np.float64)
    dr = np.expm1(t)
    b = _gammaln_bregman(np.full_like(t, 2.0), 2.0 + dr, dr)
    w = dr * (1.0 - _EULER) + b - u
    return _phi(w) + b + _phi(t)


def _kl_gumbel_r(P, Q):
    (_, m1, b1), (_, m2, b2) = _params(P, "P"), _params(Q, "Q")
    return _gumbel_core((m1 - m2) / b2, _log_ratio(b1, b2))


def _kl_gumbel_l(P, Q):
    # x -> -x maps gumbel_l(mu, beta) to gumbel_r(-mu, beta)
    (_, m1, b1), (_, m2, b2) = _params(P, "P"), _params(Q, "Q")
    return _gumbel_core((m2 - m1) / b2, _log_ratio(b1, b2))


def _as_weibull(d, name):
    shapes, loc, scale = _params(d, name)
    return (np.ones_like(loc) if _family(d) == "expon" else shapes[0]), loc, scale


def _kl_weibull(P, Q):
    """Weibull (and Exponential, shape 1) distributions with equal loc (``+inf`` if ``loc_P < loc_Q``).

    ``log(X - loc)`` of a Weibull (c, loc, scale) is ``gumbel_l(log scale, 1/c)``.
    """
    (c1, l1, s1), (c2, l2, s2) = _as_weibull(P, "P"), _as_weibull(Q, "Q")
    if np.any(l1 > l2) and _family(Q) == "expon":
        return _kl_cross(P, Q)
    if np.any(l1 > l2):
        raise _no_closed_form(P, Q, "Weibull distributions with different locations (loc) where loc_P > loc_Q "
                                    "have no closed form; the closed form needs equal loc")
    return np.where(l1 < l2, np.inf, _gumbel_core(-c2 * _log_ratio(s1, s2), _log_ratio(c2, c1)))


def _kl_halfnorm(P, Q):
    # E_P[(X - loc_Q)^2] = s1^2 + 2 d s1 sqrt(2/pi) + d^2 with d = loc_P - loc_Q >= 0
    (_, l1, s1), (_, l2, s2) = _params(P, "P"), _params(Q, "Q")
    d = l1 - l2
    with np.errstate(all="ignore"):
        v = 0.5 * _phi(2.0 * _log_ratio(s1, s2)) + (2.0 * d * s1 * math.sqrt(2.0 / math.pi) + d * d) / (2.0 * s2 * s2)
    return np.where(d < 0, np.inf, v)


def _kl_cauchy(P, Q):
    # log(((s1 + s2)^2 + (m1 - m2)^2) / (4 s1 s2)) = log1p(((s1 - s2)^2 + (m1 - m2)^2) / (4 s1 s2))
    (_, m1, s1), (_, m2, s2) = _params(P, "P"), _params(Q, "Q")
    return np.log1p(((s1 - s2) ** 2 + (m1 - m2) ** 2) / (4.0 * s1 * s2))


def _kl_pareto(P, Q):
    """Pareto (b, loc, scale) with equal loc: ``log(X - loc)`` is Exponential(log scale, 1/b)."""
    ((b1,), l1, m1), ((b2,), l2, m2) = _params(P, "P"), _params(Q, "Q")
    inside = l1 + m1 >= l2 + m2
    if not np.all((l1 == l2) | ~inside):
        raise _no_closed_form(P, Q, "Pareto distributions with different locations (loc) whose supports nest "
                                    "have no closed form; the closed form needs equal loc")
    with np.errstate(all="ignore"):
        v = _expon_core(np.log(m1), 1.0 / b1, np.log(m2), 1.0 / b2)
    return np.where(inside, v, np.inf)


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


def _binom_sum(n1, p1, n2, p2):
    """``D(Bin(n1, p1) || Bin(n2, p2))`` for ``n1 < n2`` by exact summation over ``k = 0..n1`` (no closed form).

    ``log p(k) - log q(k) = k log(p1/p2) + (n1 - k) log((1 - p1)/(1 - p2)) + log(C(n1, k)/C(n2, k))
    - (n2 - n1) log(1 - p2)``; the binomial-coefficient ratio is ``sum_{j=n1+1}^{n2} log1p(-k/j)``
    when ``n2 - n1`` is small (no cancellation) and a difference of ``gammaln`` otherwise.
    For ``n1 > 100 000`` only the outcomes holding all but ``2e-40`` of P's mass are summed.
    """
    from scipy.stats import binom

    lo, hi = 0, n1
    if n1 > 100_000:  # P's mass outside [lo, hi] is below 2e-40
        lo, hi = int(binom.ppf(1e-40, n1, p1)), n1 - int(binom.ppf(1e-40, n1, 1.0 - p1))  # n1 - k ~ Bin(n1, 1 - p1)
        lo, hi = max(lo - 1, 0), min(hi + 1, n1)
    k = np.arange(lo, hi + 1, dtype=np.float64)
    pk = binom.pmf(k, n1, p1)
    with np.errstate(all="ignore"):
        a = np.where(k == 0, 0.0, k * (np.log(p1) - np.log(p2)))
        b = np.where(k == n1, 0.0, (n1 - k) * (np.log1p(-p1) - np.log1p(-p2)))
        if n2 - n1 <= 64:
            c = np.zeros_like(k)
            for j in range(n1 + 1, n2 + 1):
                c += np.log1p(-k / j)
        else:
            c = (special.gammaln(n1 + 1.0) - special.gammaln(n1 - k + 1.0)
                 - special.gammaln(n2 + 1.0) + special.gammaln(n2 - k + 1.0))
        r = a + b + c - (n2 - n1) * np.log1p(-p2)
        terms = np.where(pk > 0, pk * r, 0.0)
    return math.fsum(terms) if np.all(np.isfinite(terms)) else float(np.sum(terms))


def _kl_binom(P, Q):
    """Binomials: ``n`` Bernoulli divergences for equal ``n``, ``+inf`` for ``n_P > n_Q``, a sum for ``n_P < n_Q``.

    ``n_P > n_Q`` is finite only for ``p_P = 0`` (the point mass at 0).
    """
    (n1, p1), (n2, p2) = _discrete_loc(P, Q)
    n1, p1, n2, p2 = np.broadcast_arrays(n1, p1, n2, p2)
    with np.errstate(all="ignore"):
        same = n1 * _bernoulli(p1, p2)
        # n_P > n_Q: P puts mass p1^n1 > 0 on n1, where Q has none; Bin(n1, 0) is the point mass at 0
        more = np.where(p1 > 0, np.inf, np.where(n2 == 0, 0.0, -n2 * np.log1p(-p2)))
    out = np.where(n1 == n2, same, np.where(n1 > n2, more, 0.0))
    for i in np.ndindex(out.shape):
        if n1[i] < n2[i]:
            out[i] = _binom_sum(int(n1[i]), float(p1[i]), int(n2[i]), float(p2[i]))
    return out


def _kl_geom(P, Q):
    (p1,), (p2,) = _discrete_loc(P, Q)
    return _bernoulli(p1, p2) / p1


def _kl_torch_binomial(P, Q):
    """``D(P||Q)`` of two ``torch.distributions.Binomial`` by summation over ``k = 0..max n_P`` (autograd kept).

    The same log-ratio as :func:`_binom_sum` (``+inf`` where ``k > n_Q`` carries mass).
    """
    import torch

    n1, n2, p1, p2 = torch.broadcast_tensors(P.total_count, Q.total_count, P.probs, Q.probs)
    n1, n2 = n1.to(p1.dtype), n2.to(p1.dtype)
    k = torch.arange(int(n1.max().item()) + 1, dtype=p1.dtype, device=p1.device).reshape((-1,) + (1,) * n1.dim())
    inf = torch.tensor(math.inf, dtype=p1.dtype, device=p1.device)
    zero = torch.zeros((), dtype=p1.dtype, device=p1.device)
    on_p = k <= n1
    lgam = torch.lgamma
    m1 = torch.where(on_p, n1 - k, zero)
    lp = (lgam(n1 + 1) - lgam(k + 1) - lgam(m1 + 1) + torch.special.xlogy(k, p1)
          + torch.where(m1 > 0, m1 * torch.log1p(-p1), zero))
    pk = torch.where(on_p, torch.exp(lp), zero)
    m2 = torch.where(k <= n2, n2 - k, zero)
    r = (torch.where(k > 0, k * (torch.log(p1) - torch.log(p2)), zero)
         + torch.where(m1 > 0, m1 * (torch.log1p(-p1) - torch.log1p(-p2)), zero)
         + lgam(n1 + 1) - lgam(m1 + 1) - lgam(n2 + 1) + lgam(m2 + 1) - (n2 - n1) * torch.log1p(-p2))
    r = torch.where(k > n2, inf, r)
    return torch.where(pk > 0, pk * r, zero).sum(0)


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


# --------------------------------------------------------------------------
# pairs of different families: D(P||Q) = H(P, Q) - H(P)
# --------------------------------------------------------------------------
# The cross-entropy H(P, Q) = -E_P[log q(X)] of each family Q below is a
# combination of a few expectations under P (its mean and variance, E log(X - c),
# E (X - c)^k, log E e^{tX}, E|X - m|), each known in closed form for some
# families P; H(P) is scipy's closed-form entropy.  P's support not within
# Q's gives +inf; an expectation that diverges (a moment P does not have)
# gives +inf too, which is then the exact divergence.


def _canonical(d, name):
    """``(family, shapes, loc, scale, d)`` with Exponential and chi-squared written as Gamma distributions."""
    fam = _family(d)
    if fam in ("expon", "chi2"):
        a, loc, scale = _as_gamma(d, name)
        return "gamma", (a,), loc, scale, d
    shapes, loc, scale = _params(d, name)
    return fam, shapes, loc, scale, d


def _at_loc(c, loc, where):
    """Whether the point ``c`` is P's location wherever the value is needed (the expectations below need it)."""
    return bool(np.all((np.asarray(c) == np.asarray(loc)) | ~where))


def _mean_var(p):
    fam, _, loc, _, d, _ = p
    if fam == "cauchy":  # no mean; the second moment diverges
        return loc, np.full(np.shape(loc), np.inf)
    m, v = d.stats(moments="mv")
    return np.asarray(m, dtype=np.float64), np.asarray(v, dtype=np.float64)


def _e_log(p, c):
    """``E_P[log(X - c)]`` for ``c`` at or below P's support, or None when not known in closed form."""
    fam, shapes, loc, s, _, where = p
    if fam == "uniform":  # (y2 log y2 - y1 log y1) / w - 1 with y1 = a - c, y2 = a + w - c
        y1, y2 = loc - c, loc + s - c
        return (special.xlogy(y2, y2) - special.xlogy(y1, y1)) / s - 1.0
    if not _at_loc(c, loc, where):
        return None
    if fam == "gamma":
        return np.log(s) + special.digamma(shapes[0])
    if fam == "beta":
        return np.log(s) + special.digamma(shapes[0]) - special.digamma(shapes[0] + shapes[1])
    if fam == "halfnorm":
        return np.log(s) - 0.5 * (_EULER + math.log(2.0))
    if fam == "weibull_min":
        return np.log(s) - _EULER / shapes[0]
    if fam == "pareto":
        return np.log(s) + 1.0 / shapes[0]
    if fam == "lognorm":
        return np.log(s)
    return None


def _e_log_upper(p, c):
    """``E_P[log(c - X)]`` for ``c`` at or above P's (bounded) support, or None."""
    fam, shapes, loc, s, _, where = p
    if fam == "uniform":
        y1, y2 = c - loc - s, c - loc
        return (special.xlogy(y2, y2) - special.xlogy(y1, y1)) / s - 1.0
    if fam == "beta" and _at_loc(c, loc + s, where):
        return np.log(s) + special.digamma(shapes[1]) - special.digamma(shapes[0] + shapes[1])
    return None


def _e_pow(p, c, k):
    """``E_P[(X - c)^k]`` (``k > 0``) for ``c`` at or below P's support, or None."""
    fam, shapes, loc, s, _, where = p
    if fam == "uniform":
        y1, y2 = loc - c, loc + s - c
        return (y2 ** (k + 1.0) - y1 ** (k + 1.0)) / ((k + 1.0) * s)
    if not _at_loc(c, loc, where):
        return None
    if fam == "gamma":
        return np.exp(k * np.log(s) + special.gammaln(shapes[0] + k) - special.gammaln(shapes[0]))
    if fam == "beta":
        a, b = shapes
        return np.exp(k * np.log(s) + special.betaln(a + k, b) - special.betaln(a, b))
    if fam == "halfnorm":
        return np.exp(k * np.log(s) + 0.5 * k * math.log(2.0) + special.gammaln((k + 1.0) / 2.0)) / math.sqrt(math.pi)
    if fam == "weibull_min":
        return np.exp(k * np.log(s) + special.gammaln(1.0 + k / shapes[0]))
    if fam == "pareto":
        b = shapes[0]
        return np.where(k < b, s ** k * b / (b - k), np.inf)
    if fam == "lognorm":
        return np.exp(k * np.log(s) + 0.5 * (k * shapes[0]) ** 2)
    return None


def _log_expm1_over(x):
    """``log((e^x - 1) / x)`` (0 at x = 0), without overflow."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        xs = np.where(x == 0, 1.0, x)
        pos = xs + np.log(-np.expm1(-xs) / xs)
        neg = np.log(np.expm1(xs) / xs)
    return np.where(x == 0, 0.0, np.where(x > 0, pos, neg))


def _log_mgf(p, t):
    """``log E_P[e^{tX}]`` (``+inf`` where it diverges), or None."""
    fam, shapes, loc, s, _, where = p
    t = np.asarray(t, dtype=np.float64)
    if fam == "norm":
        return t * loc + 0.5 * (t * s) ** 2
    if fam == "laplace":
        ts = np.abs(t * s)
        return np.where(ts < 1, t * loc - np.log1p(-np.minimum(ts, 1.0) ** 2), np.inf)
    if fam == "gumbel_r":
        return np.where(t * s < 1, t * loc + special.gammaln(1.0 - t * s), np.inf)
    if fam == "gumbel_l":
        return np.where(t * s > -1, t * loc + special.gammaln(1.0 + t * s), np.inf)
    if fam == "gamma":
        return np.where(t * s < 1, t * loc - shapes[0] * np.log1p(-t * s), np.inf)
    if fam == "uniform":
        return t * loc + _log_expm1_over(t * s)
    if fam == "beta":  # Kummer's transformation keeps the series' argument >= 0 (no cancellation)
        a, b = shapes
        z = t * s
        return t * loc + np.where(z >= 0, np.log(special.hyp1f1(a, a + b, np.abs(z))),
                                  z + np.log(special.hyp1f1(b, a + b, np.abs(z))))
    if fam == "halfnorm":
        return math.log(2.0) + t * loc + 0.5 * (t * s) ** 2 + special.log_ndtr(t * s)
    if fam in ("pareto", "lognorm", "cauchy") and np.all(t > 0):
        return np.full(np.broadcast(t, loc).shape, np.inf)  # a heavy right tail
    if fam == "cauchy" and np.all(t < 0):
        return np.full(np.broadcast(t, loc).shape, np.inf)
    return None


def _exp1_of_exp(y):
    """``E1(e^{-y})`` (the exponential integral), ``y - gamma + e^{-y}`` where ``e^{-y}`` would underflow."""
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(all="ignore"):
        return np.where(y > 30.0, y - _EULER + np.exp(-y), special.exp1(np.exp(-np.minimum(y, 30.0))))


def _e_abs(p, m):
    """``E_P|X - m|``, or None."""
    fam, shapes, loc, s, _, where = p
    if fam == "norm":  # the mean of a folded normal
        d = loc - m
        return s * math.sqrt(2.0 / math.pi) * np.exp(-0.5 * (d / s) ** 2) + d * special.erf(d / (s * math.sqrt(2.0)))
    if fam == "laplace":
        d = np.abs(loc - m)
        return d + s * np.exp(-d / s)
    if fam == "cauchy":
        return np.full(np.broadcast(loc, m).shape, np.inf)
    if fam == "uniform":
        a, b = loc, loc + s
        mid = ((m - a) ** 2 + (b - m) ** 2) / (2.0 * s)
        return np.where(m <= a, a + 0.5 * s - m, np.where(m >= b, m - a - 0.5 * s, mid))
    # E|X - m| = E X - m + 2 E(m - X)^+ with E(m - X)^+ = integral of the cdf below m
    mean, _ = _mean_var(p)
    d = m - loc
    if fam == "gumbel_r":
        below = s * _exp1_of_exp(d / s)
    elif fam == "gumbel_l":  # X = -Y with Y ~ gumbel_r(-loc, s): E|Y - (-m)|
        return m - mean + 2.0 * s * _exp1_of_exp(-d / s)
    elif fam == "gamma":
        a = shapes[0]
        z = np.maximum(d, 0.0) / s
        below = np.maximum(d, 0.0) * special.gammainc(a, z) - a * s * special.gammainc(a + 1.0, z)
    elif fam == "halfnorm":
        z = np.maximum(d, 0.0) / s
        below = s * (2.0 * (z * special.ndtr(z) + np.exp(-0.5 * z * z) / math.sqrt(2 * math.pi))
                     - z - 2.0 / math.sqrt(2 * math.pi))
    else:
        return None
    return mean - m + 2.0 * below


def _need(v, P, Q, what):
    if v is None:
        raise _no_closed_form(P, Q, f"{what} under P has no closed form for {_describe(P)}")
    return v


def _ce_norm(p, q, P, Q):
    (_, m, s) = q
    mean, var = _mean_var(p)
    return 0.5 * math.log(2 * math.pi) + np.log(s) + (var + (mean - m) ** 2) / (2.0 * s * s)


def _ce_halfnorm(p, q, P, Q):
    (_, l, s) = q
    mean, var = _mean_var(p)
    return 0.5 * math.log(0.5 * math.pi) + np.log(s) + (var + (mean - l) ** 2) / (2.0 * s * s)


def _ce_laplace(p, q, P, Q):
    (_, m, b) = q
    return np.log(2.0 * b) + _need(_e_abs(p, m), P, Q, "E|X - loc_Q|") / b


def _ce_gamma(p, q, P, Q):
    ((a,), l, s) = q
    mean, _ = _mean_var(p)
    out = special.gammaln(a) + a * np.log(s) + (mean - l) / s
    if np.all(a == 1):
        return out
    return out - (a - 1.0) * _need(_e_log(p, l), P, Q, "E log(X - loc_Q)")


def _ce_weibull(p, q, P, Q):
    ((c,), l, s) = q
    e_pow = _need(_e_pow(p, l, c), P, Q, "E (X - loc_Q)^c")
    out = np.log(s / c) + e_pow / s ** c
    if np.all(c == 1):
        return out
    return out - (c - 1.0) * (_need(_e_log(p, l), P, Q, "E log(X - loc_Q)") - np.log(s))


def _ce_uniform(p, q, P, Q):
    return np.log(q[2])


def _ce_beta(p, q, P, Q):
    ((a, b), l, s) = q
    lo = _need(_e_log(p, l), P, Q, "E log(X - loc_Q)")
    hi = _need(_e_log_upper(p, l + s), P, Q, "E log(loc_Q + scale_Q - X)")
    return special.betaln(a, b) + (a + b - 1.0) * np.log(s) - (a - 1.0) * lo - (b - 1.0) * hi


def _ce_gumbel_r(p, q, P, Q):
    (_, m, b) = q
    mean, _ = _mean_var(p)
    lm = _need(_log_mgf(p, -1.0 / b), P, Q, "E exp(-X / scale_Q)")
    return np.log(b) + (mean - m) / b + np.exp(m / b + lm)


def _ce_gumbel_l(p, q, P, Q):
    (_, m, b) = q
    mean, _ = _mean_var(p)
    lm = _need(_log_mgf(p, 1.0 / b), P, Q, "E exp(X / scale_Q)")
    return np.log(b) - (mean - m) / b + np.exp(-m / b + lm)


def _ce_pareto(p, q, P, Q):
    ((b,), l, m) = q
    return -np.log(b) - b * np.log(m) + (b + 1.0) * _need(_e_log(p, l), P, Q, "E log(X - loc_Q)")


_CROSS_Q = {
    "norm": _ce_norm, "halfnorm": _ce_halfnorm, "laplace": _ce_laplace, "gamma": _ce_gamma,
    "weibull_min": _ce_weibull, "uniform": _ce_uniform, "beta": _ce_beta, "gumbel_r": _ce_gumbel_r,
    "gumbel_l": _ce_gumbel_l, "pareto": _ce_pareto,
}


def _kl_cross(P, Q):
    """``D(P||Q) = H(P, Q) - H(P)`` for P and Q of different families (see the module table)."""
    q = _canonical(Q, "Q")
    lo, hi = (np.asarray(v, dtype=np.float64) for v in P.support())
    qlo, qhi = (np.asarray(v, dtype=np.float64) for v in Q.support())
    inside = _support_within(lo, hi, qlo, qhi)
    p = (*_canonical(P, "P"), inside)  # the expectations are needed only where P's support is within Q's
    if not np.any(inside):
        return np.where(inside, 0.0, np.inf)
    ce = _CROSS_Q[q[0]](p, q[1:4], P, Q)
    h = np.asarray(P.entropy(), dtype=np.float64)
    return np.where(inside, np.maximum(ce - h, 0.0), np.inf)


# (P family, Q families): the pairs for which every expectation is known (or the support rules them out)
_CROSS_PAIRS = {
    "norm": ["laplace", "gumbel_r", "gumbel_l", "expon", "gamma", "chi2", "weibull_min", "halfnorm", "uniform",
             "beta", "pareto"],
    "laplace": ["norm", "gumbel_r", "gumbel_l", "expon", "gamma", "chi2", "weibull_min", "halfnorm", "uniform",
                "beta", "pareto"],
    "gumbel_r": ["norm", "laplace", "gumbel_l", "expon", "gamma", "chi2", "weibull_min", "halfnorm", "uniform",
                 "beta", "pareto"],
    "gumbel_l": ["norm", "laplace", "gumbel_r", "expon", "gamma", "chi2", "weibull_min", "halfnorm", "uniform",
                 "beta", "pareto"],
    "cauchy": ["norm", "laplace", "gumbel_r", "gumbel_l", "expon", "gamma", "chi2", "weibull_min", "halfnorm",
               "uniform", "beta", "pareto"],
    "uniform": ["norm", "laplace", "gumbel_r", "gumbel_l", "expon", "gamma", "chi2", "weibull_min", "halfnorm",
                "beta", "pareto"],
    "beta": ["norm", "gumbel_r", "gumbel_l", "expon", "gamma", "chi2", "weibull_min", "halfnorm", "uniform",
             "pareto"],
    "halfnorm": ["norm", "laplace", "gumbel_r", "gumbel_l", "expon", "gamma", "chi2", "weibull_min", "uniform",
                 "beta", "pareto"],
    "weibull_min": ["norm", "gamma", "chi2", "halfnorm", "uniform", "beta", "pareto"],
    "pareto": ["norm", "gumbel_l", "expon", "gamma", "chi2", "weibull_min", "halfnorm", "uniform", "beta"],
    "lognorm": ["norm", "gumbel_l", "expon", "gamma", "chi2", "weibull_min", "halfnorm", "uniform", "beta"],
    "expon": ["norm", "laplace", "gumbel_r", "gumbel_l", "halfnorm", "uniform", "beta", "pareto"],
    "gamma": ["norm", "laplace", "gumbel_r", "gumbel_l", "weibull_min", "halfnorm", "uniform", "beta", "pareto"],
    "chi2": ["norm", "laplace", "gumbel_r", "gumbel_l", "weibull_min", "halfnorm", "uniform", "beta", "pareto"],
}


def _register_builtin():
    same = {
        "norm": _kl_norm, "laplace": _kl_laplace, "expon": _kl_expon, "uniform": _kl_uniform,
        "lognorm": _kl_lognorm, "gamma": _kl_gamma, "beta": _kl_beta, "poisson": _kl_poisson,
        "binom": _kl_binom, "geom": _kl_geom, "bernoulli": _kl_bernoulli, "multivariate_normal": _kl_mvn,
        "dirichlet": _kl_dirichlet, "multinomial": _kl_multinomial, "chi2": _kl_gamma_family,
        "invgamma": _kl_invgamma, "halfnorm": _kl_halfnorm, "cauchy": _kl_cauchy, "gumbel_r": _kl_gumbel_r,
        "gumbel_l": _kl_gumbel_l, "weibull_min": _kl_weibull, "pareto": _kl_pareto,
    }
    for name, fn in same.items():
        _REGISTRY[(name, name)] = fn
    for fp, qs in _CROSS_PAIRS.items():
        for fq in qs:
            _REGISTRY[(fp, fq)] = _kl_cross
    for fp in ("expon", "gamma", "chi2"):
        for fq in ("expon", "gamma", "chi2"):
            if fp != fq:
                _REGISTRY[(fp, fq)] = _kl_gamma_family
    _REGISTRY[("expon", "weibull_min")] = _REGISTRY[("weibull_min", "expon")] = _kl_weibull


_register_builtin()


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


def dist_entropy(d: Model, *, base: Base = "nats") -> Result:
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


def dist_kl(P: Model, Q: Model, *, base: Base = "nats") -> Result:
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
        the other's support, a Binomial with more trials than Q's), or where
        the expectation of ``-log q`` under P diverges (a Cauchy P against a
        Normal Q).

    Raises
    ------
    InvalidArgumentError
        No closed form is registered for the pair (the message points to
        ``ik.estimate_kl(P, Q, n=..., rng=...)``), or the pair's parameters
        fall outside what the closed form covers (Gamma distributions with
        different locations, ...).
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
            if isinstance(P, td.Binomial) and isinstance(Q, td.Binomial):  # torch refuses n_P < n_Q
                return unit.convert(_kl_torch_binomial(P, Q))
            raise _no_closed_form(P, Q, "neither infokit's nor torch's registry has this pair") from None
    if fn is None:
        raise _no_closed_form(P, Q)
    with np.errstate(all="ignore"):
        value = fn(P, Q)
    if _is_torch(P) or _is_torch(Q):
        return unit.convert(value)
    return _out(unit.convert(_out(value)))


def dist_cross_entropy(P: Model, Q: Model, *, base: Base = "nats") -> Result:
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


def mc_kl(P: Model, Q: Model, *, n: int = 100_000, rng: Seed = None) -> MonteCarloKL:
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
