"""Exact measures between parametric distributions (infokit.parametric).

Every closed form is checked against an independent computation: numerical
integration of ``p (log p - log q)`` with ``scipy.integrate.quad`` (continuous
families), exact summation with negligible truncated tails (discrete
families), an 50-digit mpmath evaluation of the textbook formula (nearly
identical distributions, where cancellation would show), torch's own
``kl_divergence`` and Monte Carlo within its standard error.
"""

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st_
from mpmath import mp, mpf
from scipy import integrate, stats

import infokit as ik
from infokit._models import parametric as pm
from infokit.errors import InvalidArgumentError, InvalidDistributionError, InvalidTypeError
from infokit.parametric import (
    dist_cross_entropy,
    dist_entropy,
    dist_kl,
    is_distribution,
    mc_kl,
    mc_kl_estimate,
    register_kl,
)


def rel(a, b):
    a, b = float(a), float(b)
    return abs(a - b) / abs(b) if b != 0 else abs(a)


# --------------------------------------------------------------------------
# references
# --------------------------------------------------------------------------
def quad_kl(P, Q, breaks):
    """∫ p (log p - log q) over consecutive pieces [breaks[i], breaks[i+1]] (may be ±inf)."""

    def f(x):
        lp = float(P.logpdf(x))
        if lp < -745.0:  # p(x) underflows to 0 (also x = ±inf): no contribution
            return 0.0
        return math.exp(lp) * (lp - float(Q.logpdf(x)))

    total = 0.0
    for a, b in zip(breaks[:-1], breaks[1:]):
        v, err = integrate.quad(f, a, b, epsabs=0.0, epsrel=1e-12, limit=1000)
        total += v
    return total


def sum_kl(P, Q, ks):
    """Σ_k p(k) (log p(k) - log q(k)) over the integers ``ks`` (the rest of P's mass is < 1e-20)."""
    ks = np.asarray(ks)
    lp, lq = P.logpmf(ks), Q.logpmf(ks)
    keep = np.isfinite(lp)
    assert 1.0 - math.fsum(np.exp(lp[keep])) < 1e-14
    return math.fsum(np.exp(lp[keep]) * (lp[keep] - lq[keep]))


CONTINUOUS = [
    # (P, Q, integration breakpoints)
    (stats.norm(0.3, 1.2), stats.norm(-0.5, 0.7), [-np.inf, -3, 0.3, 3, np.inf]),
    (stats.norm(2.0, 0.5), stats.norm(2.0, 3.0), [-np.inf, 0, 2, 4, np.inf]),
    (stats.laplace(0.5, 1.5), stats.laplace(-1.0, 0.8), [-80.0, -1.0, 0.5, 80.0]),
    (stats.laplace(0.0, 1.0), stats.laplace(0.0, 2.5), [-60.0, 0.0, 60.0]),
    (stats.expon(0.0, 2.0), stats.expon(0.0, 0.5), [0, 2, 10, np.inf]),
    (stats.expon(1.5, 0.7), stats.expon(-0.5, 1.3), [1.5, 3, 10, np.inf]),
    (stats.uniform(0.2, 0.5), stats.uniform(0.0, 2.0), [0.2, 0.7]),
    (stats.uniform(-1.0, 1.0), stats.uniform(-3.0, 5.0), [-1.0, 0.0]),
    (stats.gamma(2.5, scale=1.5), stats.gamma(1.7, scale=3.0), [0, 1, 5, 20, np.inf]),
    (stats.gamma(4.0, scale=0.5), stats.gamma(4.0, scale=0.6), [0, 1, 5, 20, np.inf]),
    (stats.gamma(3.0, loc=2.0, scale=1.0), stats.gamma(2.0, loc=2.0, scale=2.0), [2, 3, 7, 20, np.inf]),
    (stats.beta(2.0, 3.0), stats.beta(1.5, 1.2), [0, 0.5, 1]),
    (stats.beta(5.0, 1.5), stats.beta(3.0, 3.0), [0, 0.5, 1]),
    (stats.beta(2.0, 2.5, loc=1.0, scale=3.0), stats.beta(3.5, 2.0, loc=1.0, scale=3.0), [1, 2.5, 4]),
    (stats.lognorm(0.5, scale=2.0), stats.lognorm(0.9, scale=1.0), [0, 1, 3, 10, np.inf]),
]


@pytest.mark.parametrize("P,Q,breaks", CONTINUOUS, ids=lambda v: getattr(getattr(v, "dist", None), "name", ""))
def test_continuous_closed_forms_match_quadrature(P, Q, breaks):
    got = ik.kl_divergence(P, Q)
    assert isinstance(got, np.float64)
    assert rel(got, quad_kl(P, Q, breaks)) < 1e-8


@pytest.mark.parametrize(
    "P,Q,ks",
    [
        (stats.poisson(3.0), stats.poisson(5.5), range(0, 120)),
        (stats.poisson(0.2), stats.poisson(0.05), range(0, 60)),
        (stats.poisson(4.0, loc=2), stats.poisson(2.5, loc=2), range(0, 120)),
        (stats.binom(12, 0.3), stats.binom(12, 0.65), range(0, 13)),
        (stats.binom(40, 0.01), stats.binom(40, 0.2), range(0, 41)),
        (stats.geom(0.3), stats.geom(0.7), range(1, 200)),
        (stats.geom(0.05), stats.geom(0.02), range(1, 2000)),
        (stats.bernoulli(0.3), stats.bernoulli(0.9), [0, 1]),
        (stats.bernoulli(0.999), stats.bernoulli(0.5), [0, 1]),
    ],
    ids=lambda v: getattr(getattr(v, "dist", None), "name", ""),
)
def test_discrete_closed_forms_match_summation(P, Q, ks):
    got = ik.kl_divergence(P, Q)
    assert rel(got, sum_kl(P, Q, ks)) < 1e-8


def test_multinomial_matches_enumeration():
    P, Q = stats.multinomial(4, [0.2, 0.5, 0.3]), stats.multinomial(4, [0.4, 0.4, 0.2])
    xs = np.array([(a, b, 4 - a - b) for a in range(5) for b in range(5 - a)])
    lp, lq = P.logpmf(xs), Q.logpmf(xs)
    ref = math.fsum(np.exp(lp) * (lp - lq))
    assert rel(ik.kl_divergence(P, Q), ref) < 1e-12


def _mvn_pair():
    rng = np.random.default_rng(7)
    A, B = rng.normal(size=(4, 4)), rng.normal(size=(4, 4))
    c1, c2 = A @ A.T + 0.5 * np.eye(4), B @ B.T + 0.8 * np.eye(4)
    return stats.multivariate_normal(rng.normal(size=4), c1), stats.multivariate_normal(rng.normal(size=4), c2)


def _mp_mvn_kl(P, Q):
    with mp.workdps(50):
        m1, m2 = mp.matrix(P.mean.tolist()), mp.matrix(Q.mean.tolist())
        c1, c2 = mp.matrix(P.cov.tolist()), mp.matrix(Q.cov.tolist())
        c2i = c2**-1
        d = m2 - m1
        k = len(P.mean)
        tr = sum((c2i * c1)[i, i] for i in range(k))
        maha = (d.T * c2i * d)[0, 0]
        return (tr + maha - k + mp.log(mp.det(c2)) - mp.log(mp.det(c1))) / 2


def test_mvn_against_high_precision_formula_and_monte_carlo():
    P, Q = _mvn_pair()
    got = ik.kl_divergence(P, Q)
    assert rel(got, _mp_mvn_kl(P, Q)) < 1e-12
    est = mc_kl(P, Q, n=200_000, rng=np.random.default_rng(11))
    assert abs(est.mean - got) < 4 * est.stderr
    # the reverse direction too
    est = mc_kl(Q, P, n=200_000, rng=np.random.default_rng(12))
    assert abs(est.mean - ik.kl_divergence(Q, P)) < 4 * est.stderr


def test_mvn_against_torch():
    torch = pytest.importorskip("torch")
    P, Q = _mvn_pair()
    tp = torch.distributions.MultivariateNormal(torch.tensor(P.mean), torch.tensor(P.cov))
    tq = torch.distributions.MultivariateNormal(torch.tensor(Q.mean), torch.tensor(Q.cov))
    ref = torch.distributions.kl_divergence(tp, tq).item()
    assert rel(ik.kl_divergence(P, Q), ref) < 1e-10


def test_mvn_singular_and_dimension_errors():
    good = stats.multivariate_normal([0.0, 0.0], np.eye(2))
    sing = stats.multivariate_normal([0.0, 0.0], [[1.0, 1.0], [1.0, 1.0]], allow_singular=True)
    assert ik.kl_divergence(sing, good) == np.inf
    assert ik.kl_divergence(good, sing) == np.inf
    with pytest.raises(InvalidArgumentError, match="estimate_kl"):
        ik.kl_divergence(sing, sing)
    with pytest.raises(InvalidDistributionError, match="dimensions"):
        ik.kl_divergence(good, stats.multivariate_normal(np.zeros(3)))


def test_dirichlet_against_beta_torch_and_monte_carlo():
    # two components: the Beta closed form (itself checked against quadrature above)
    got = ik.kl_divergence(stats.dirichlet([2.0, 3.0]), stats.dirichlet([1.5, 1.2]))
    assert rel(got, quad_kl(stats.beta(2.0, 3.0), stats.beta(1.5, 1.2), [0, 0.5, 1])) < 1e-8
    P, Q = stats.dirichlet([1.5, 2.0, 3.5, 0.7]), stats.dirichlet([2.0, 2.0, 1.0, 1.3])
    d = ik.kl_divergence(P, Q)
    est = mc_kl(P, Q, n=200_000, rng=np.random.default_rng(3))
    assert abs(est.mean - d) < 4 * est.stderr
    torch = pytest.importorskip("torch")
    ref = torch.distributions.kl_divergence(
        torch.distributions.Dirichlet(torch.tensor(P.alpha)), torch.distributions.Dirichlet(torch.tensor(Q.alpha))
    ).item()
    assert rel(d, ref) < 1e-10


# --------------------------------------------------------------------------
# accuracy where naive formulas cancel: nearly identical distributions
# --------------------------------------------------------------------------
def _mp(x):
    return mpf(float(x))


def _mp_ref(family, a, b):
    """50-digit textbook formulas (inputs taken exactly)."""
    with mp.workdps(50):
        if family == "norm":
            (m1, s1), (m2, s2) = map(lambda t: tuple(map(_mp, t)), (a, b))
            return mp.log(s2 / s1) + (s1**2 + (m1 - m2) ** 2) / (2 * s2**2) - mpf(1) / 2
        if family == "gamma":
            (a1, s1), (a2, s2) = map(lambda t: tuple(map(_mp, t)), (a, b))
            b1, b2 = 1 / s1, 1 / s2
            return ((a1 - a2) * mp.digamma(a1) - mp.loggamma(a1) + mp.loggamma(a2)
                    + a2 * (mp.log(b1) - mp.log(b2)) + a1 * (b2 - b1) / b1)
        if family == "beta":
            (a1, b1), (a2, b2) = map(lambda t: tuple(map(_mp, t)), (a, b))
            lb = lambda x, y: mp.loggamma(x) + mp.loggamma(y) - mp.loggamma(x + y)  # noqa: E731
            return (lb(a2, b2) - lb(a1, b1) + (a1 - a2) * mp.digamma(a1) + (b1 - b2) * mp.digamma(b1)
                    + (a2 - a1 + b2 - b1) * mp.digamma(a1 + b1))
        if family == "poisson":
            m1, m2 = _mp(a[0]), _mp(b[0])
            return m1 * mp.log(m1 / m2) - m1 + m2
        if family == "bernoulli":
            p1, p2 = _mp(a[0]), _mp(b[0])
            return p1 * mp.log(p1 / p2) + (1 - p1) * mp.log((1 - p1) / (1 - p2))
        if family == "laplace":
            (m1, s1), (m2, s2) = map(lambda t: tuple(map(_mp, t)), (a, b))
            d = abs(m1 - m2)
            return mp.log(s2 / s1) + d / s2 + s1 / s2 * mp.exp(-d / s1) - 1
        if family == "expon":
            s1, s2 = _mp(a[0]), _mp(b[0])
            return mp.log(s2 / s1) + s1 / s2 - 1
    raise AssertionError(family)


NEAR = [
    ("norm", (0.0, 1.0), (1e-9, 1.0 + 1e-9)),
    ("norm", (3.0, 2.0), (3.0, 2.0 * (1 + 1e-7))),
    ("gamma", (2.0, 1.0), (2.0 + 1e-8, 1.0)),
    ("gamma", (7.5, 0.3), (7.5 * (1 + 1e-6), 0.3 * (1 - 1e-7))),
    ("beta", (2.0, 3.0), (2.0 + 1e-7, 3.0 - 1e-7)),
    ("beta", (0.5, 0.7), (0.5 * (1 + 1e-5), 0.7)),
    ("poisson", (4.0,), (4.0 * (1 + 1e-8),)),
    ("bernoulli", (0.3,), (0.3 + 1e-9,)),
    ("laplace", (0.0, 1.0), (1e-8, 1.0 + 1e-8)),
    ("expon", (1.0,), (1.0 + 1e-9,)),
]


def _make(family, params):
    if family in ("norm", "laplace"):
        return getattr(stats, family)(loc=params[0], scale=params[1])
    if family == "gamma":
        return stats.gamma(params[0], scale=params[1])
    if family == "expon":
        return stats.expon(scale=params[0])
    return getattr(stats, family)(*params)


@pytest.mark.parametrize("family,a,b", NEAR)
def test_nearly_identical_distributions_keep_full_relative_accuracy(family, a, b):
    got = ik.kl_divergence(_make(family, a), _make(family, b))
    ref = _mp_ref(family, a, b)
    assert float(ref) > 0
    assert rel(got, ref) < 1e-9, (float(got), float(ref))


def test_mvn_nearly_identical_accuracy():
    c = np.array([[2.0, 0.3], [0.3, 1.0]])
    P = stats.multivariate_normal([0.0, 0.0], c)
    Q = stats.multivariate_normal([1e-8, 0.0], c * (1 + 1e-8))
    assert rel(ik.kl_divergence(P, Q), _mp_mvn_kl(P, Q)) < 1e-7


# --------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------
ALL_FAMILIES = [
    stats.norm(0.4, 1.3), stats.laplace(-1, 2), stats.expon(0.5, 2), stats.uniform(0, 3),
    stats.gamma(2.2, scale=0.7), stats.beta(0.6, 4.0), stats.lognorm(0.7, scale=3.0), stats.poisson(2.0),
    stats.binom(9, 0.4), stats.geom(0.2), stats.bernoulli(0.6), stats.multivariate_normal([1, 2], [[2, 1], [1, 2]]),
    stats.dirichlet([0.5, 1.0, 2.0]), stats.multinomial(5, [0.2, 0.3, 0.5]),
]


@pytest.mark.parametrize("P", ALL_FAMILIES, ids=lambda d: pm._family(d))
def test_gibbs_equality_and_cross_entropy_identity(P):
    assert ik.kl_divergence(P, P) == 0.0
    h = ik.entropy(P)
    assert rel(h, np.asarray(P.entropy())) < 1e-15 or h == np.asarray(P.entropy())
    assert ik.cross_entropy(P, P) == h
    assert ik.kl_divergence(P, P, base="bits") == 0.0


pos = st_.floats(0.05, 20.0)
prob = st_.floats(0.01, 0.99)
real = st_.floats(-5, 5)


@given(real, pos, real, pos)
def test_normal_laplace_nonnegative(m1, s1, m2, s2):
    for fam in (stats.norm, stats.laplace):
        d = ik.kl_divergence(fam(m1, s1), fam(m2, s2))
        assert d >= 0
        if m1 == m2 and s1 == s2:
            assert d == 0


@given(pos, pos, pos, pos)
def test_gamma_beta_nonnegative(a1, s1, a2, s2):
    assert ik.kl_divergence(stats.gamma(a1, scale=s1), stats.gamma(a2, scale=s2)) >= 0
    assert ik.kl_divergence(stats.beta(a1, s1), stats.beta(a2, s2)) >= 0
    assert ik.kl_divergence(stats.expon(scale=s1), stats.expon(scale=s2)) >= 0


@given(prob, prob, pos, pos, st_.integers(1, 50))
def test_discrete_nonnegative(p1, p2, m1, m2, n):
    for P, Q in [(stats.bernoulli(p1), stats.bernoulli(p2)), (stats.geom(p1), stats.geom(p2)),
                 (stats.binom(n, p1), stats.binom(n, p2)), (stats.poisson(m1), stats.poisson(m2))]:
        assert ik.kl_divergence(P, Q) >= 0


@given(st_.lists(pos, min_size=2, max_size=5), st_.lists(pos, min_size=2, max_size=5))
def test_dirichlet_nonnegative(a, b):
    k = min(len(a), len(b))
    assert ik.kl_divergence(stats.dirichlet(a[:k]), stats.dirichlet(b[:k])) >= 0


def test_cross_entropy_identity_against_quadrature():
    P, Q = stats.norm(0.3, 1.2), stats.norm(-0.5, 0.7)
    h = ik.cross_entropy(P, Q)
    ref, _ = integrate.quad(lambda x: -P.pdf(x) * Q.logpdf(x), -np.inf, np.inf, epsrel=1e-13)
    assert rel(h, ref) < 1e-9
    assert rel(h, ik.entropy(P) + ik.kl_divergence(P, Q)) < 1e-15
    assert rel(ik.cross_entropy(P, Q, base="bits"), h / math.log(2)) < 1e-15
    assert rel(dist_cross_entropy(P, Q), h) < 1e-15


def test_units_and_entropy():
    P = stats.norm(0, 2.0)
    assert rel(ik.entropy(P), 0.5 * math.log(2 * math.pi * math.e * 4.0)) < 1e-15
    assert rel(dist_entropy(stats.uniform(0, 8), base="bits"), 3.0) < 1e-15
    assert rel(ik.kl_divergence(stats.norm(0, 1), stats.norm(1, 1), base=2), 0.5 / math.log(2)) < 1e-15
    assert rel(ik.entropy(stats.poisson(3.0), base="hartleys"), stats.poisson(3.0).entropy() / math.log(10)) < 1e-14


def test_uniform_support_cases():
    inner, outer = stats.uniform(0.0, 1.0), stats.uniform(0.0, 2.0)
    assert ik.kl_divergence(outer, inner) == np.inf
    assert ik.cross_entropy(outer, inner) == np.inf
    assert rel(ik.kl_divergence(inner, outer), math.log(2)) < 1e-15
    assert ik.kl_divergence(stats.uniform(0.5, 1.0), inner) == np.inf  # overlapping, not contained
    assert ik.kl_divergence(stats.expon(0.0, 1.0), stats.expon(1.0, 1.0)) == np.inf


def test_affine_and_location_rules():
    # a common shift/rescaling leaves D unchanged
    a = ik.kl_divergence(stats.gamma(3.0, scale=2.0), stats.gamma(2.0, scale=1.0))
    b = ik.kl_divergence(stats.gamma(3.0, loc=5.0, scale=2.0), stats.gamma(2.0, loc=5.0, scale=1.0))
    assert rel(a, b) < 1e-15
    assert ik.kl_divergence(stats.gamma(3.0, loc=0.0), stats.gamma(3.0, loc=1.0)) == np.inf
    with pytest.raises(InvalidArgumentError, match="loc"):
        ik.kl_divergence(stats.gamma(3.0, loc=1.0), stats.gamma(3.0, loc=0.0))
    with pytest.raises(InvalidArgumentError, match="loc"):
        ik.kl_divergence(stats.beta(2, 3, loc=0.1, scale=0.5), stats.beta(2, 3))
    assert ik.kl_divergence(stats.beta(2, 3, loc=0.5, scale=1.0), stats.beta(2, 3)) == np.inf
    with pytest.raises(InvalidArgumentError, match="loc"):
        ik.kl_divergence(stats.poisson(3, loc=1), stats.poisson(3))
    assert ik.kl_divergence(stats.binom(11, 0.3), stats.binom(10, 0.3)) == np.inf  # mass on 11, where Q has none
    with pytest.raises(InvalidDistributionError, match="invalid parameters"):
        ik.kl_divergence(stats.norm(0, -1), stats.norm(0, 1))


def test_batched_scipy_parameters_broadcast():
    got = ik.kl_divergence(stats.norm([0.0, 1.0, 2.0], 1.0), stats.norm(0.0, 2.0))
    ref = [ik.kl_divergence(stats.norm(m, 1.0), stats.norm(0.0, 2.0)) for m in (0.0, 1.0, 2.0)]
    np.testing.assert_allclose(got, ref, rtol=1e-15)


# --------------------------------------------------------------------------
# the registry
# --------------------------------------------------------------------------
def test_unregistered_pair_points_to_monte_carlo():
    with pytest.raises(InvalidArgumentError, match=r"estimate_kl\(P, Q, n=") as info:
        ik.kl_divergence(stats.norm(0, 1), stats.logistic(0, 1))
    msg = str(info.value)
    assert "scipy.stats.norm" in msg and "scipy.stats.logistic" in msg and "register_kl('norm', 'logistic')" in msg
    with pytest.raises(InvalidArgumentError, match="estimate_kl"):
        ik.cross_entropy(stats.t(3), stats.t(4))


def test_register_kl_user_pair():
    key = ("logistic", "logistic")
    assert key not in pm._REGISTRY
    P, Q = stats.logistic(0.0, 1.0), stats.logistic(0.0, 1.0)
    with pytest.raises(InvalidArgumentError):
        ik.kl_divergence(P, Q)
    try:
        @register_kl(stats.logistic, "logistic")
        def _zero_if_equal(p, q):
            assert p.dist.name == q.dist.name == "logistic"
            return 0.0 if p.args == q.args and p.kwds == q.kwds else np.nan

        assert ik.kl_divergence(P, Q) == 0.0
        assert ik.cross_entropy(P, Q) == ik.entropy(P)
    finally:
        pm._REGISTRY.pop(key, None)


def test_register_kl_cauchy_against_quadrature():
    key = ("cauchy", "cauchy")
    old = pm._REGISTRY.pop(key, None)
    try:
        @register_kl("cauchy", stats.cauchy)
        def _kl_cauchy(p, q):
            (l1, s1), (l2, s2) = p.args, q.args
            return np.log(((s1 + s2) ** 2 + (l1 - l2) ** 2) / (4 * s1 * s2))

        P, Q = stats.cauchy(0.5, 1.0), stats.cauchy(-1.0, 2.5)
        ref = quad_kl(P, Q, [-np.inf, -1.0, 0.5, np.inf])
        assert rel(ik.kl_divergence(P, Q), ref) < 1e-8
    finally:
        pm._REGISTRY.pop(key, None)
        if old is not None:
            pm._REGISTRY[key] = old


def test_register_kl_rejects_bad_keys():
    with pytest.raises(InvalidTypeError, match="family"):
        register_kl(stats.norm(0, 1), "norm")
    with pytest.raises(InvalidTypeError):
        register_kl(int, "norm")
    with pytest.raises(InvalidTypeError):
        register_kl("norm", "norm")(42)


# --------------------------------------------------------------------------
# torch distributions
# --------------------------------------------------------------------------
def _torch_pairs(torch):
    D = torch.distributions
    t = lambda *v: torch.tensor(v if len(v) > 1 else v[0], dtype=torch.float64)  # noqa: E731
    return [
        (D.Normal(t(0.3), t(1.2)), D.Normal(t(-0.5), t(0.7)), stats.norm(0.3, 1.2), stats.norm(-0.5, 0.7)),
        (D.Laplace(t(0.5), t(1.5)), D.Laplace(t(-1.0), t(0.8)), stats.laplace(0.5, 1.5), stats.laplace(-1.0, 0.8)),
        (D.Exponential(t(0.5)), D.Exponential(t(2.0)), stats.expon(scale=2.0), stats.expon(scale=0.5)),
        (D.Uniform(t(0.2), t(0.7)), D.Uniform(t(0.0), t(2.0)), stats.uniform(0.2, 0.5), stats.uniform(0.0, 2.0)),
        (D.Gamma(t(2.5), t(1 / 1.5)), D.Gamma(t(1.7), t(1 / 3.0)),
         stats.gamma(2.5, scale=1.5), stats.gamma(1.7, scale=3.0)),
        (D.Beta(t(2.0), t(3.0)), D.Beta(t(1.5), t(1.2)), stats.beta(2.0, 3.0), stats.beta(1.5, 1.2)),
        (D.Poisson(t(3.0)), D.Poisson(t(5.5)), stats.poisson(3.0), stats.poisson(5.5)),
        (D.Binomial(12, t(0.3)), D.Binomial(12, t(0.65)), stats.binom(12, 0.3), stats.binom(12, 0.65)),
        (D.Geometric(t(0.3)), D.Geometric(t(0.7)), stats.geom(0.3, loc=-1), stats.geom(0.7, loc=-1)),
        (D.Bernoulli(t(0.3)), D.Bernoulli(t(0.9)), stats.bernoulli(0.3), stats.bernoulli(0.9)),
        (D.Dirichlet(t(1.5, 2.0, 0.7)), D.Dirichlet(t(2.0, 1.0, 1.3)),
         stats.dirichlet([1.5, 2.0, 0.7]), stats.dirichlet([2.0, 1.0, 1.3])),
    ]


def test_torch_pairs_agree_with_torch_and_scipy_closed_forms():
    torch = pytest.importorskip("torch")
    for tp, tq, sp, sq in _torch_pairs(torch):
        ref = torch.distributions.kl_divergence(tp, tq)
        got = ik.kl_divergence(tp, tq)
        assert isinstance(got, torch.Tensor)
        assert torch.equal(got, ref)
        assert rel(ik.kl_divergence(sp, sq), ref.item()) < 1e-10, type(tp).__name__
        try:
            h_torch = tp.entropy()
        except NotImplementedError:  # torch.distributions.Poisson has no entropy()
            with pytest.raises(InvalidArgumentError, match="entropy"):
                ik.cross_entropy(tp, tq)
            continue
        h = ik.cross_entropy(tp, tq, base="bits")
        assert rel(h.item(), (h_torch + ref).item() / math.log(2)) < 1e-14
        assert rel(ik.entropy(tp).item(), float(sp.entropy())) < 1e-12, type(tp).__name__


def test_torch_keeps_autograd_and_registry_precedence():
    torch = pytest.importorskip("torch")
    D = torch.distributions
    mu = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    d = ik.kl_divergence(D.Normal(mu, 1.0), D.Normal(torch.tensor(0.0, dtype=torch.float64), 1.0))
    d.backward()
    assert abs(mu.grad.item() - 0.5) < 1e-15
    # torch has no StudentT–StudentT pair: a clear error, then a registered one is used
    P, Q = D.StudentT(3.0), D.StudentT(5.0)
    with pytest.raises(InvalidArgumentError, match="estimate_kl") as info:
        ik.kl_divergence(P, Q)
    assert "torch.distributions.StudentT" in str(info.value)
    try:
        register_kl(D.StudentT, D.StudentT)(lambda p, q: torch.tensor(0.125))
        assert ik.kl_divergence(P, Q).item() == 0.125
    finally:
        pm._REGISTRY.pop((D.StudentT, D.StudentT), None)
    # a pair registered here for torch classes takes precedence over torch's registry
    try:
        register_kl(D.Cauchy, D.Cauchy)(lambda p, q: torch.tensor(-1.0))
        assert ik.kl_divergence(D.Cauchy(0.0, 1.0), D.Cauchy(1.0, 2.0)).item() == -1.0
    finally:
        pm._REGISTRY.pop((D.Cauchy, D.Cauchy), None)
    assert rel(ik.kl_divergence(D.Cauchy(0.0, 1.0), D.Cauchy(1.0, 2.0)).item(), math.log(10 / 8)) < 1e-6
    with pytest.raises(InvalidArgumentError, match="estimate_kl"):
        ik.kl_divergence(D.Normal(0.0, 1.0), stats.norm(0, 1))  # mixed libraries: no closed form


def test_is_distribution_and_no_torch_import():
    assert is_distribution(stats.norm(0, 1)) and is_distribution(stats.dirichlet([1, 2]))
    assert not is_distribution(stats.norm) and not is_distribution([0.5, 0.5])
    assert not is_distribution(ik.from_logits([0.0, 1.0]))
    code = (
        "import sys, infokit as ik, scipy.stats as s\n"
        "from infokit.parametric import is_distribution\n"
        "assert is_distribution(s.norm()) and not is_distribution(object())\n"
        "ik.kl_divergence(s.norm(), s.norm(1)); ik.entropy(s.norm()); ik.cross_entropy([0, 1], s.poisson(1))\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_mixed_distribution_and_array_is_a_clear_error():
    with pytest.raises(InvalidTypeError, match="both"):
        ik.kl_divergence(stats.norm(0, 1), [0.5, 0.5])
    with pytest.raises(InvalidTypeError):
        dist_kl(stats.norm, stats.norm(0, 1))


def test_dist_functions_take_parametric_distributions_only():
    # the measures route Categoricals and arrays to the core; the closed-form functions refuse them clearly
    p, q = ik.from_logits([0.0, 1.0, 2.0]), ik.from_logits([1.0, 1.0, 0.0])
    with pytest.raises(InvalidTypeError, match="'P'.*Categorical"):
        dist_kl(p, q)
    with pytest.raises(InvalidTypeError, match="'P'"):
        dist_cross_entropy([0.5, 0.5], [0.25, 0.75])


# --------------------------------------------------------------------------
# Monte Carlo
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "P,Q",
    [(c[0], c[1]) for c in CONTINUOUS[::2]]
    + [(stats.poisson(3.0), stats.poisson(5.5)), (stats.binom(12, 0.3), stats.binom(12, 0.65)),
       (stats.geom(0.3), stats.geom(0.7))],
    ids=lambda v: getattr(getattr(v, "dist", None), "name", ""),
)
def test_mc_kl_agrees_with_closed_forms(P, Q):
    d = ik.kl_divergence(P, Q)
    est = mc_kl(P, Q, n=50_000, rng=np.random.default_rng(2024))
    assert abs(est.mean - d) < 4 * est.stderr + 1e-12 * abs(d)  # the Uniform's log-ratio is constant


def test_mc_kl_reproducible_inf_and_torch():
    a = mc_kl(stats.norm(0, 1), stats.norm(1, 2), n=1000, rng=5)
    b = mc_kl(stats.norm(0, 1), stats.norm(1, 2), n=1000, rng=np.random.default_rng(5))
    assert a == b
    mean, stderr = mc_kl(stats.uniform(0, 2), stats.uniform(0, 1), n=1000, rng=0)
    assert mean == math.inf and stderr == 0.0
    torch = pytest.importorskip("torch")
    for tp, tq, _, _ in _torch_pairs(torch):
        if isinstance(tp, torch.distributions.Uniform):
            continue
        state = torch.get_rng_state()
        est = mc_kl(tp, tq, n=50_000, rng=np.random.default_rng(1))
        assert torch.equal(torch.get_rng_state(), state)  # torch's global RNG untouched
        ref = torch.distributions.kl_divergence(tp, tq).item()
        assert abs(est.mean - ref) < 4 * est.stderr, type(tp).__name__
    # Uniform with Q smaller than P: samples outside Q's support give +inf (no torch validation error)
    D = torch.distributions
    assert mc_kl(D.Uniform(0.0, 2.0), D.Uniform(0.0, 1.0), n=100, rng=0).mean == math.inf
    # mixed libraries
    est = mc_kl(D.Normal(torch.tensor(0.0, dtype=torch.float64), 1.0), stats.norm(1, 1), n=50_000, rng=3)
    assert abs(est.mean - 0.5) < 4 * est.stderr


def test_mc_kl_estimate_and_errors():
    est = mc_kl_estimate(stats.norm(0, 1), stats.norm(1, 1), n=100_000, rng=1, ci=0.9, base="bits")
    assert isinstance(est, ik.Estimate)
    assert est.method == "monte_carlo" and est.unit == "bits" and est.level == 0.9
    assert est.ci[0] < est.value < est.ci[1]
    assert abs(est.value - 0.5 / math.log(2)) < 4 * est.stderr
    assert est.diagnostics["n"] == 100_000
    with pytest.raises(InvalidArgumentError, match="'n'"):
        mc_kl(stats.norm(0, 1), stats.norm(1, 1), n=1)
    with pytest.raises(InvalidTypeError, match="rng"):
        mc_kl(stats.norm(0, 1), stats.norm(1, 1), n=10, rng="seed")
    with pytest.raises(InvalidTypeError):
        mc_kl([0.5, 0.5], stats.norm(1, 1), n=10)


def test_register_kl_matches_torch_subclasses_most_specific_first():
    torch = pytest.importorskip("torch")
    D = torch.distributions

    class MyNormal(D.Normal):
        pass

    class MyOtherNormal(MyNormal):
        pass

    calls = []

    @ik.register_kl(D.Normal, D.Normal)
    def _base(p, q):
        calls.append("base")
        return torch.tensor(1.0)

    try:
        p, q = MyOtherNormal(0.0, 1.0), MyOtherNormal(1.0, 1.0)
        assert float(ik.kl_divergence(p, q)) == 1.0 and calls == ["base"]  # a base-class pair serves a subclass

        @ik.register_kl(MyNormal, MyNormal)
        def _specific(p, q):
            calls.append("specific")
            return torch.tensor(2.0)

        assert float(ik.kl_divergence(p, q)) == 2.0 and calls[-1] == "specific"  # nearer in the MRO wins
        # an exact torch pair without an infokit registration still goes to torch's registry
        assert float(ik.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 1.0))) == 1.0  # ours, registered above
    finally:
        pm._REGISTRY.pop((D.Normal, D.Normal), None)
        pm._REGISTRY.pop((MyNormal, MyNormal), None)
        pm._MEMO.clear()
    assert float(ik.kl_divergence(D.Normal(0.0, 1.0), D.Normal(1.0, 1.0))) == pytest.approx(0.5, rel=1e-6)
