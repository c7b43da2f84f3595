"""Closed forms of D(P||Q) for more scipy.stats families and for pairs of different families.

References, all independent of infokit's formulas: numerical integration of
``p (log p - log q)`` over P's support with ``scipy.integrate.quad``; exact
summation of the Binomial pmfs; 50-digit mpmath evaluations of the textbook
formulas for nearly identical distributions; and ``torch.distributions.kl_divergence``
(torch's own registry) for the pairs torch has.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st_
from mpmath import mp, mpf
from scipy import integrate, stats

import infokit as ik
from infokit._models import parametric as pm
from infokit.errors import InvalidArgumentError


def rel(a, b):
    a, b = float(a), float(b)
    return abs(a - b) / abs(b) if b != 0 else abs(a)


def _kinks(d):
    """Points where a density is not smooth (support ends, a Laplace's centre)."""
    lo, hi = (float(v) for v in d.support())
    pts = [v for v in (lo, hi) if math.isfinite(v)]
    if d.dist.name in ("laplace", "halfnorm", "cauchy", "gumbel_r", "gumbel_l", "norm"):
        pts.append(float(d.median()))
    return pts


def quad_kl(P, Q):
    """∫ p (log p - log q) over P's support, by tanh-sinh quadrature on pieces split at P's quantiles and kinks."""
    lo, hi = (float(v) for v in P.support())
    inner = [float(P.ppf(u)) for u in (1e-6, 0.05, 0.25, 0.5, 0.75, 0.95)] + [float(P.isf(1e-6))]
    inner += [x for x in _kinks(Q) + _kinks(P) if lo < x < hi]
    breaks = sorted({lo, hi, *[x for x in inner if lo < x < hi]})

    def f(x):
        with np.errstate(all="ignore"):
            lp, lq = P.logpdf(x), Q.logpdf(x)
            # p underflows; or a point (an end of the support, rounded) where a density is unbounded
            ok = (lp > -745.0) & (lp < np.inf) & (lq < np.inf)
            return np.where(ok, np.exp(np.where(ok, lp, 0.0)) * (lp - lq), 0.0)

    return integrate_pieces(f, breaks)


def integrate_pieces(f, breaks):
    """Σ over consecutive pieces of ``scipy.integrate.tanhsinh`` (vectorised; endpoint singularities and
    infinite ends are what it is made for)."""
    br = np.asarray(breaks, dtype=np.float64)
    res = integrate.tanhsinh(f, br[:-1], br[1:], rtol=1e-13, atol=1e-16)
    return math.fsum(np.atleast_1d(res.integral))


# --------------------------------------------------------------------------
# same family: the new ones, loc/scale variants included
# --------------------------------------------------------------------------
SAME = [
    (stats.chi2(3.0), stats.chi2(5.5)),
    (stats.chi2(4.0, loc=1.0, scale=0.5), stats.chi2(2.5, loc=1.0, scale=1.5)),
    (stats.halfnorm(0.0, 1.3), stats.halfnorm(0.0, 0.6)),
    (stats.halfnorm(0.7, 0.8), stats.halfnorm(-0.4, 1.9)),  # different loc: a closed form too
    (stats.cauchy(0.5, 1.0), stats.cauchy(-1.0, 2.5)),
    (stats.cauchy(3.0, 0.2), stats.cauchy(2.9, 0.25)),
    (stats.gumbel_r(0.3, 1.2), stats.gumbel_r(-0.5, 0.7)),
    (stats.gumbel_r(2.0, 0.5), stats.gumbel_r(2.5, 3.0)),
    (stats.gumbel_l(0.3, 1.2), stats.gumbel_l(-0.5, 0.7)),
    (stats.gumbel_l(-1.0, 2.0), stats.gumbel_l(1.0, 1.5)),
    (stats.invgamma(3.0, scale=2.0), stats.invgamma(1.5, scale=0.7)),
    (stats.invgamma(2.2, loc=1.0, scale=1.0), stats.invgamma(4.0, loc=1.0, scale=3.0)),
    (stats.pareto(3.0, scale=2.0), stats.pareto(1.5, scale=1.0)),
    (stats.pareto(2.5, loc=-1.0, scale=1.5), stats.pareto(4.0, loc=-1.0, scale=1.5)),
    (stats.weibull_min(1.7, scale=1.4), stats.weibull_min(0.8, scale=2.0)),
    (stats.weibull_min(3.0, loc=0.5, scale=1.0), stats.weibull_min(2.0, loc=0.5, scale=1.2)),
]


@pytest.mark.parametrize("P,Q", SAME, ids=lambda d: d.dist.name)
def test_same_family_closed_forms_match_quadrature(P, Q):
    got = ik.kl_divergence(P, Q)
    assert isinstance(got, np.float64)
    assert rel(got, quad_kl(P, Q)) < 1e-8
    assert rel(ik.kl_divergence(P, P), 0.0) == 0.0


def test_same_family_infinite_and_unsupported_cases():
    inf = np.inf
    assert ik.kl_divergence(stats.pareto(2.0, scale=1.0), stats.pareto(2.0, scale=1.5)) == inf
    assert ik.kl_divergence(stats.pareto(2.0, loc=0.0, scale=1.0), stats.pareto(2.0, loc=0.5, scale=1.0)) == inf
    assert ik.kl_divergence(stats.halfnorm(0.0, 1.0), stats.halfnorm(0.1, 1.0)) == inf
    assert ik.kl_divergence(stats.chi2(3.0, loc=0.0), stats.chi2(3.0, loc=0.2)) == inf
    assert ik.kl_divergence(stats.invgamma(3.0, loc=0.0), stats.invgamma(3.0, loc=0.2)) == inf
    assert ik.kl_divergence(stats.weibull_min(2.0, loc=0.0), stats.weibull_min(2.0, loc=0.2)) == inf
    # nested supports with different locations: no closed form, a clear error
    for P, Q in [(stats.pareto(2.0, loc=1.0, scale=1.0), stats.pareto(2.0, loc=0.0, scale=1.0)),
                 (stats.invgamma(3.0, loc=0.5), stats.invgamma(3.0)),
                 (stats.weibull_min(2.0, loc=0.5), stats.weibull_min(2.0))]:
        with pytest.raises(InvalidArgumentError, match="loc"):
            ik.kl_divergence(P, Q)


def _mp_same(family, a, b):
    """50-digit textbook formulas."""
    with mp.workdps(50):
        (m1, s1), (m2, s2) = (tuple(mpf(float(v)) for v in t) for t in (a, b))
        if family == "gumbel_r":  # log(b2/b1) - gamma - 1 + (b1 gamma + m1 - m2)/b2 + e^{(m2-m1)/b2} Γ(1 + b1/b2)
            return (mp.log(s2 / s1) - mp.euler - 1 + (s1 * mp.euler + m1 - m2) / s2
                    + mp.exp((m2 - m1) / s2) * mp.gamma(1 + s1 / s2))
        if family == "cauchy":
            return mp.log(((s1 + s2) ** 2 + (m1 - m2) ** 2) / (4 * s1 * s2))
        if family == "weibull_min":  # shapes k, scales λ
            k1, l1, k2, l2 = m1, s1, m2, s2
            return (mp.log(k1 / l1**k1) - mp.log(k2 / l2**k2) + (k1 - k2) * (mp.log(l1) - mp.euler / k1)
                    + (l1 / l2) ** k2 * mp.gamma(k2 / k1 + 1) - 1)
        if family == "pareto":  # shapes b, scales x_m (x_m1 >= x_m2)
            b1, x1, b2, x2 = m1, s1, m2, s2
            return mp.log(b1 / b2) + b2 * mp.log(x1 / x2) + b2 / b1 - 1
        if family == "halfnorm":
            d = m1 - m2
            return mp.log(s2 / s1) + (s1**2 + 2 * d * s1 * mp.sqrt(2 / mp.pi) + d**2) / (2 * s2**2) - mpf(1) / 2
    raise AssertionError(family)


NEAR = [
    ("gumbel_r", (0.0, 1.0), (1e-9, 1.0 + 1e-9)),
    ("gumbel_r", (3.0, 2.0), (3.0, 2.0 * (1 + 1e-7))),
    ("cauchy", (0.0, 1.0), (1e-8, 1.0)),
    ("cauchy", (1.0, 2.0), (1.0, 2.0 * (1 + 1e-9))),
    ("weibull_min", (2.0, 1.0), (2.0 * (1 + 1e-8), 1.0)),
    ("weibull_min", (0.7, 3.0), (0.7, 3.0 * (1 - 1e-7))),
    ("pareto", (3.0, 1.0), (3.0 * (1 + 1e-8), 1.0)),
    ("halfnorm", (0.0, 1.0), (0.0, 1.0 + 1e-9)),
]


def _make_near(family, params):
    if family in ("weibull_min", "pareto"):
        return getattr(stats, family)(params[0], scale=params[1])
    return getattr(stats, family)(loc=params[0], scale=params[1])


@pytest.mark.parametrize("family,a,b", NEAR)
def test_nearly_identical_keep_full_relative_accuracy(family, a, b):
    got = ik.kl_divergence(_make_near(family, a), _make_near(family, b))
    ref = _mp_same(family, a, b)
    assert float(ref) > 0
    assert rel(got, ref) < 1e-8, (float(got), float(ref))


def test_gumbel_l_is_the_mirror_of_gumbel_r():
    P, Q = stats.gumbel_l(0.4, 1.3), stats.gumbel_l(-0.2, 0.9)
    assert rel(ik.kl_divergence(P, Q), ik.kl_divergence(stats.gumbel_r(-0.4, 1.3), stats.gumbel_r(0.2, 0.9))) < 1e-14


settings_fast = settings(derandomize=True, max_examples=40, deadline=None)
pos = st_.floats(0.1, 10.0)
real = st_.floats(-5, 5)


@settings_fast
@given(real, pos, real, pos)
def test_new_location_scale_families_nonnegative_and_zero_on_identity(m1, s1, m2, s2):
    for fam in (stats.cauchy, stats.gumbel_r, stats.gumbel_l):
        d = ik.kl_divergence(fam(m1, s1), fam(m2, s2))
        assert d >= 0
        assert ik.kl_divergence(fam(m1, s1), fam(m1, s1)) == 0
    assert ik.kl_divergence(stats.halfnorm(m1, s1), stats.halfnorm(m2, s2)) >= 0


@settings_fast
@given(pos, pos, pos, pos)
def test_new_shape_families_nonnegative(a1, s1, a2, s2):
    for fam in (stats.invgamma, stats.weibull_min, stats.chi2):
        assert ik.kl_divergence(fam(a1, scale=s1), fam(a2, scale=s2)) >= 0
    assert ik.kl_divergence(stats.pareto(a1, scale=s1 + s2), stats.pareto(a2, scale=s2)) >= 0


# --------------------------------------------------------------------------
# pairs of different families
# --------------------------------------------------------------------------
POOL = {
    "norm": [stats.norm(0.3, 1.2), stats.norm(2.0, 0.6)],
    "laplace": [stats.laplace(0.5, 0.8), stats.laplace(1.5, 1.7)],
    "gumbel_r": [stats.gumbel_r(0.2, 0.9), stats.gumbel_r(1.0, 1.6)],
    "gumbel_l": [stats.gumbel_l(-0.3, 1.1), stats.gumbel_l(0.8, 0.7)],
    "cauchy": [stats.cauchy(0.1, 0.8)],
    "uniform": [stats.uniform(0.2, 0.6), stats.uniform(1.0, 2.5), stats.uniform(-0.5, 3.5)],
    "beta": [stats.beta(2.0, 3.0), stats.beta(1.5, 0.8, loc=0.5, scale=2.0)],
    "halfnorm": [stats.halfnorm(0.0, 1.3), stats.halfnorm(0.5, 0.7)],
    "weibull_min": [stats.weibull_min(1.7, scale=1.4), stats.weibull_min(0.8, loc=0.5, scale=2.0)],
    "pareto": [stats.pareto(3.5, scale=1.0), stats.pareto(1.5, loc=0.5, scale=0.8), stats.pareto(2.5, scale=0.1)],
    "lognorm": [stats.lognorm(0.6, scale=1.5), stats.lognorm(0.9, loc=0.5, scale=1.0)],
    "expon": [stats.expon(0.0, 1.3), stats.expon(0.5, 0.7)],
    "gamma": [stats.gamma(2.5, scale=0.8), stats.gamma(0.7, loc=0.5, scale=1.5), stats.gamma(3.0, loc=1.0)],
    "chi2": [stats.chi2(3.0, scale=0.7), stats.chi2(5.0, loc=0.5)],
}

CROSS = sorted((fp, fq) for (fp, fq) in pm._REGISTRY
               if isinstance(fp, str) and isinstance(fq, str) and fp != fq and fp in POOL and fq in POOL)


def _within(P, Q):
    (lo, hi), (qlo, qhi) = P.support(), Q.support()
    return lo >= qlo and hi <= qhi


def _shape(d):
    return float(d.args[0]) if d.args else None


def _diverges(P, Q):
    """Where a needed moment of P diverges although P's support lies within Q's (derived by hand)."""
    fp, fq = P.dist.name, Q.dist.name
    s_q = float(Q.kwds.get("scale", Q.args[-1] if Q.args else 1.0))
    if fp == "cauchy":  # no moments: E(X-m)^2, E|X-m| and E e^{±X/β} all diverge
        return fq in ("norm", "laplace", "gumbel_r", "gumbel_l")
    if fp in ("pareto", "lognorm") and fq == "gumbel_l":  # E e^{X/β} diverges (heavy right tail)
        return True
    if fp == "pareto":
        b = _shape(P)
        order = {"norm": 2.0, "halfnorm": 2.0, "expon": 1.0, "gamma": 1.0, "chi2": 1.0}.get(fq)
        if fq == "weibull_min":
            order = _shape(Q)
        return order is not None and b <= order
    if fp == "laplace" and fq in ("gumbel_r", "gumbel_l"):  # E e^{∓X/β} = ∞ when scale_P >= β
        return P.args[1] >= s_q
    if fp in ("gumbel_r", "gumbel_l") and fq in ("gumbel_r", "gumbel_l"):  # opposite tails: Γ(1 - β_P/β_Q)
        return P.args[1] >= s_q
    if fp in ("expon", "gamma", "chi2") and fq == "gumbel_l":  # E e^{X/β} = ∞ when the rate 1/scale <= 1/β
        scale = float(P.kwds.get("scale", 1.0)) * (2.0 if fp == "chi2" else 1.0)
        if fp == "expon":
            scale = float(P.args[1])
        return scale >= s_q
    return False


def test_cross_pairs_cover_the_standard_list():
    # the cross-family pairs of torch.distributions' registry among these families, and more
    need = {("uniform", "beta"), ("uniform", "norm"), ("expon", "gamma"), ("gamma", "expon"), ("expon", "weibull_min"),
            ("halfnorm", "expon"), ("norm", "laplace"), ("laplace", "norm"), ("beta", "uniform"), ("gamma", "norm"),
            ("beta", "norm"), ("beta", "expon"), ("beta", "gamma"), ("expon", "norm"), ("expon", "gumbel_r"),
            ("gamma", "gumbel_r"), ("gumbel_r", "norm"), ("norm", "gumbel_r"), ("pareto", "expon"),
            ("pareto", "gamma"), ("pareto", "norm"), ("uniform", "expon"), ("uniform", "gamma"),
            ("uniform", "gumbel_r"), ("uniform", "pareto"), ("laplace", "expon"), ("norm", "uniform")}
    assert need <= set(CROSS)


@pytest.mark.parametrize("fp,fq", CROSS, ids=lambda v: v)
def test_cross_family_pairs_match_quadrature(fp, fq):
    checked = seen = 0
    for P in POOL[fp]:
        for Q in POOL[fq]:
            try:
                got = ik.kl_divergence(P, Q)
            except InvalidArgumentError as e:
                # only where the supports nest but an expectation has no closed form
                assert _within(P, Q) and "closed form" in str(e), (P.dist.name, P.args, P.kwds, Q.args, Q.kwds)
                continue
            assert isinstance(got, np.float64)
            seen += 1
            if not _within(P, Q):
                assert got == np.inf
            elif _diverges(P, Q):
                assert got == np.inf
            else:
                assert math.isfinite(got), (P.args, P.kwds, Q.args, Q.kwds)
                ref = quad_kl(P, Q)
                assert abs(got - ref) <= 1e-8 * abs(ref) + 1e-11, (P.args, P.kwds, Q.args, Q.kwds, got, ref)
                assert rel(ik.cross_entropy(P, Q), ik.entropy(P) + got) < 1e-14
                checked += 1
    assert seen  # some value (finite and checked, or +inf by support or by a diverging moment)


def test_cross_family_finite_cases_exist_for_the_standard_pairs():
    for P, Q in [(stats.uniform(0.2, 0.6), stats.beta(2.0, 3.0)), (stats.uniform(1.0, 2.5), stats.norm(0.3, 1.2)),
                 (stats.expon(0.0, 1.3), stats.gamma(2.5, scale=0.8)), (stats.gamma(2.5), stats.expon(0, 2.0)),
                 (stats.expon(0.5, 0.7), stats.weibull_min(0.8, loc=0.5, scale=2.0)),
                 (stats.halfnorm(0.0, 1.3), stats.expon(0.0, 1.3)), (stats.norm(0.3, 1.2), stats.laplace(0.5, 0.8)),
                 (stats.laplace(0.5, 0.8), stats.norm(0.3, 1.2)), (stats.beta(2.0, 3.0), stats.uniform(-0.5, 2.0)),
                 (stats.gamma(2.5, scale=0.8), stats.norm(2.0, 0.6)), (stats.chi2(3.0), stats.gamma(1.2, scale=3.0)),
                 (stats.uniform(1.0, 2.5), stats.pareto(2.5, scale=0.1)),
                 (stats.weibull_min(1.7, scale=1.4), stats.expon(0.0, 1.3)),
                 (stats.beta(2.0, 3.0), stats.gumbel_r(0.0, 0.05)), (stats.beta(2.0, 3.0), stats.gumbel_l(0.5, 0.2))]:
        got = ik.kl_divergence(P, Q)
        assert 0 < got < np.inf
        assert rel(got, quad_kl(P, Q)) < 1e-8


def test_nested_families_agree_with_their_general_family():
    # an Exponential is a Gamma of shape 1 and a Weibull of shape 1; chi2(k, scale) is Gamma(k/2, 2 scale)
    assert ik.kl_divergence(stats.expon(0.5, 2.0), stats.gamma(1.0, loc=0.5, scale=2.0)) == 0
    assert ik.kl_divergence(stats.gamma(1.0, loc=0.5, scale=2.0), stats.expon(0.5, 2.0)) == 0
    assert ik.kl_divergence(stats.expon(0, 2.0), stats.weibull_min(1.0, scale=2.0)) == 0
    assert ik.kl_divergence(stats.chi2(3.0, scale=0.5), stats.gamma(1.5, scale=1.0)) == 0
    assert rel(ik.kl_divergence(stats.chi2(3.0), stats.expon(0, 1.5)),
               ik.kl_divergence(stats.gamma(1.5, scale=2.0), stats.gamma(1.0, scale=1.5))) < 1e-15
    # a Uniform is a Beta(1, 1) on the same interval
    assert ik.kl_divergence(stats.uniform(0.5, 2.0), stats.beta(1.0, 1.0, loc=0.5, scale=2.0)) < 1e-15
    # nearly identical: the relative accuracy of the same-family forms carries over
    d = ik.kl_divergence(stats.expon(0, 1.0), stats.gamma(1.0 + 1e-8, scale=1.0))
    with mp.workdps(50):
        a2 = mpf(1.0 + 1e-8)  # the double the test passes
        ref = -mp.euler * (1 - a2) + mp.loggamma(a2)  # D(Exp(1) || Gamma(a2, 1))
    assert rel(d, ref) < 1e-8


def test_cross_family_infinite_by_support_and_unsupported_loc():
    inf = np.inf
    assert ik.kl_divergence(stats.norm(0, 1), stats.expon()) == inf
    assert ik.kl_divergence(stats.norm(0, 1), stats.uniform(-10, 20)) == inf
    assert ik.kl_divergence(stats.expon(), stats.beta(2, 2)) == inf
    assert ik.kl_divergence(stats.uniform(-0.1, 1.0), stats.beta(2, 2)) == inf  # sticks out on the left
    assert ik.kl_divergence(stats.beta(2, 2, loc=-0.5), stats.halfnorm()) == inf
    assert ik.kl_divergence(stats.gamma(2.0), stats.pareto(3.0)) == inf  # (0, ∞) is not within [1, ∞)
    # P within Q, but E log(X - loc_Q) for a Gamma not at its own loc has no closed form
    with pytest.raises(InvalidArgumentError, match="no closed form.*estimate_kl"):
        ik.kl_divergence(stats.gamma(2.0, loc=2.0), stats.pareto(3.0))
    with pytest.raises(InvalidArgumentError, match="loc"):
        ik.kl_divergence(stats.expon(1.0), stats.gamma(2.0))
    # ... but an Exponential Q needs only P's mean, whatever P's location
    for P in (stats.gamma(3.0, loc=1.0), stats.weibull_min(0.8, loc=0.5, scale=2.0), stats.chi2(3.0, loc=0.2)):
        assert rel(ik.kl_divergence(P, stats.expon(0.0, 1.3)), quad_kl(P, stats.expon(0.0, 1.3))) < 1e-8
    # pairs not registered keep the error pointing to Monte Carlo
    with pytest.raises(InvalidArgumentError, match="estimate_kl"):
        ik.kl_divergence(stats.beta(2, 3), stats.laplace(0, 1))
    with pytest.raises(InvalidArgumentError, match="estimate_kl"):
        ik.kl_divergence(stats.norm(0, 1), stats.cauchy(0, 1))


def test_diverging_moments_give_inf_and_monte_carlo_drifts():
    # E_P[(X - m)^2] is infinite for a Pareto with b <= 2: D(P || Normal) = ∞
    assert ik.kl_divergence(stats.pareto(1.8), stats.norm(0, 1)) == np.inf
    assert ik.kl_divergence(stats.pareto(2.2), stats.norm(0, 1)) < np.inf
    assert ik.kl_divergence(stats.cauchy(0, 1), stats.norm(0, 1)) == np.inf
    assert ik.kl_divergence(stats.laplace(0, 2.0), stats.gumbel_r(0, 1.0)) == np.inf
    assert ik.kl_divergence(stats.laplace(0, 0.5), stats.gumbel_r(0, 1.0)) < np.inf
    # the truncated integral of p (log p - log q) keeps growing for the Laplace–Gumbel pair
    P, Q = stats.laplace(0, 2.0), stats.gumbel_r(0, 1.0)
    f = lambda x: P.pdf(x) * (P.logpdf(x) - Q.logpdf(x))  # noqa: E731
    parts = [integrate.quad(f, -r, -r / 2)[0] for r in (40.0, 80.0, 160.0)]
    assert all(v > 1.0 for v in parts) and parts[0] < parts[1] < parts[2]


def test_far_apart_pairs_keep_their_asymptotics():
    # Q's centre far above P's bulk: E|X - m| = m - E X up to a tail below e^-700, so D = log 2b + (m - E X)/b - H(P)
    for P in (stats.gumbel_r(0.0, 1.0), stats.gumbel_l(0.0, 1.0), stats.norm(0.0, 1.0)):
        m = 800.0
        ref = math.log(2.0) + (m - float(P.mean())) - float(P.entropy())
        assert rel(ik.kl_divergence(P, stats.laplace(m, 1.0)), ref) < 1e-13
        ref = math.log(2.0) + (m + float(P.mean())) - float(P.entropy())
        assert rel(ik.kl_divergence(P, stats.laplace(-m, 1.0)), ref) < 1e-13


def test_cross_family_batched_parameters_broadcast():
    got = ik.kl_divergence(stats.norm([0.0, 1.0, 2.0], 1.0), stats.laplace(0.0, [1.0, 2.0, 0.5]))
    ref = [ik.kl_divergence(stats.norm(m, 1.0), stats.laplace(0.0, b)) for m, b in ((0, 1), (1, 2), (2, 0.5))]
    np.testing.assert_allclose(got, ref, rtol=1e-15)
    got = ik.kl_divergence(stats.uniform([0.0, -1.0], 1.0), stats.expon(0.0, 2.0))
    assert np.isfinite(got[0]) and got[1] == np.inf
    # the expectation at loc_Q is needed only where P's support lies within Q's
    got = ik.kl_divergence(stats.halfnorm([0.0, -1.0], 1.0), stats.gamma(2.0))
    assert rel(got[0], quad_kl(stats.halfnorm(0.0, 1.0), stats.gamma(2.0))) < 1e-8 and got[1] == np.inf


@settings_fast
@given(real, pos, real, pos)
def test_cross_family_nonnegative(m1, s1, m2, s2):
    for P, Q in [(stats.norm(m1, s1), stats.laplace(m2, s2)), (stats.laplace(m1, s1), stats.norm(m2, s2)),
                 (stats.norm(m1, s1), stats.gumbel_r(m2, s2)), (stats.gumbel_r(m1, s1), stats.norm(m2, s2)),
                 (stats.uniform(m1, s1), stats.norm(m2, s2)), (stats.gamma(s1, scale=s2), stats.norm(m2, s2)),
                 (stats.expon(0, s1), stats.gamma(s2, scale=s1)), (stats.uniform(0, 1), stats.beta(s1, s2)),
                 (stats.halfnorm(0, s1), stats.expon(0, s2)), (stats.expon(0, s1), stats.weibull_min(s2))]:
        assert ik.kl_divergence(P, Q) >= 0


# --------------------------------------------------------------------------
# against torch's registry (a peer implementation)
# --------------------------------------------------------------------------
def test_scipy_pairs_agree_with_torch():
    torch = pytest.importorskip("torch")
    D = torch.distributions
    t = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
    pairs = [
        (D.Normal(t(0.3), t(1.2)), D.Laplace(t(0.5), t(0.8)), stats.norm(0.3, 1.2), stats.laplace(0.5, 0.8)),
        (D.Laplace(t(0.5), t(0.8)), D.Normal(t(0.3), t(1.2)), stats.laplace(0.5, 0.8), stats.norm(0.3, 1.2)),
        (D.Uniform(t(0.2), t(0.8)), D.Beta(t(2.0), t(3.0)), stats.uniform(0.2, 0.6), stats.beta(2.0, 3.0)),
        (D.Beta(t(2.0), t(3.0)), D.Uniform(t(-0.5), t(1.5)), stats.beta(2.0, 3.0), stats.uniform(-0.5, 2.0)),
        (D.Exponential(t(0.5)), D.Gamma(t(2.5), t(1.25)), stats.expon(scale=2.0), stats.gamma(2.5, scale=0.8)),
        (D.Gamma(t(2.5), t(1.25)), D.Exponential(t(0.5)), stats.gamma(2.5, scale=0.8), stats.expon(scale=2.0)),
        (D.Gamma(t(2.5), t(1.25)), D.Normal(t(2.0), t(0.6)), stats.gamma(2.5, scale=0.8), stats.norm(2.0, 0.6)),
        (D.Gumbel(t(0.2), t(0.9)), D.Normal(t(0.3), t(1.2)), stats.gumbel_r(0.2, 0.9), stats.norm(0.3, 1.2)),
        (D.Normal(t(0.3), t(1.2)), D.Gumbel(t(0.2), t(0.9)), stats.norm(0.3, 1.2), stats.gumbel_r(0.2, 0.9)),
        (D.Uniform(t(1.0), t(3.5)), D.Gumbel(t(0.2), t(0.9)), stats.uniform(1.0, 2.5), stats.gumbel_r(0.2, 0.9)),
        (D.Exponential(t(0.5)), D.Gumbel(t(1.0), t(1.6)), stats.expon(scale=2.0), stats.gumbel_r(1.0, 1.6)),
        (D.Pareto(t(1.0), t(3.5)), D.Exponential(t(0.5)), stats.pareto(3.5, scale=1.0), stats.expon(scale=2.0)),
        (D.Pareto(t(1.0), t(3.5)), D.Normal(t(2.0), t(0.6)), stats.pareto(3.5, scale=1.0), stats.norm(2.0, 0.6)),
        (D.Pareto(t(1.0), t(3.5)), D.Gamma(t(2.5), t(1.25)), stats.pareto(3.5, scale=1.0), stats.gamma(2.5, scale=0.8)),
        (D.Uniform(t(1.0), t(3.5)), D.Pareto(t(0.1), t(2.5)), stats.uniform(1.0, 2.5), stats.pareto(2.5, scale=0.1)),
        (D.Beta(t(2.0), t(3.0)), D.Gamma(t(2.5), t(1.25)), stats.beta(2.0, 3.0), stats.gamma(2.5, scale=0.8)),
        (D.Beta(t(2.0), t(3.0)), D.Normal(t(0.3), t(1.2)), stats.beta(2.0, 3.0), stats.norm(0.3, 1.2)),
        (D.Gumbel(t(0.3), t(1.2)), D.Gumbel(t(-0.5), t(0.7)), stats.gumbel_r(0.3, 1.2), stats.gumbel_r(-0.5, 0.7)),
        (D.HalfNormal(t(1.3)), D.HalfNormal(t(0.6)), stats.halfnorm(0, 1.3), stats.halfnorm(0, 0.6)),
        (D.Pareto(t(2.0), t(3.0)), D.Pareto(t(1.0), t(1.5)),
         stats.pareto(3.0, scale=2.0), stats.pareto(1.5, scale=1.0)),
        (D.Cauchy(t(0.5), t(1.0)), D.Cauchy(t(-1.0), t(2.5)), stats.cauchy(0.5, 1.0), stats.cauchy(-1.0, 2.5)),
        (D.Chi2(t(3.0)), D.Chi2(t(5.5)), stats.chi2(3.0), stats.chi2(5.5)),
        (D.Normal(t(0.0), t(1.0)), D.Exponential(t(1.0)), stats.norm(0, 1), stats.expon()),
    ]
    for tp, tq, sp, sq in pairs:
        ref = torch.distributions.kl_divergence(tp, tq).item()
        got = ik.kl_divergence(sp, sq)
        assert (got == ref == math.inf) or rel(got, ref) < 1e-9, (type(tp).__name__, type(tq).__name__, got, ref)


# --------------------------------------------------------------------------
# Binomials with different numbers of trials
# --------------------------------------------------------------------------
def sum_kl(P, Q):
    ks = np.arange(0, int(P.support()[1]) + 1)
    lp, lq = P.logpmf(ks), Q.logpmf(ks)
    keep = lp > -np.inf
    if np.any(np.isinf(lq[keep])):
        return math.inf
    return math.fsum(np.exp(lp[keep]) * (lp[keep] - lq[keep]))


@pytest.mark.parametrize("n1,p1,n2,p2", [(5, 0.3, 8, 0.4), (12, 0.3, 13, 0.3), (40, 0.01, 41, 0.2),
                                          (100, 0.6, 300, 0.2), (3, 0.5, 200, 0.01), (20, 0.0, 25, 0.3),
                                          (20, 1.0, 25, 0.3), (7, 0.4, 9, 0.0), (1000, 0.5, 1001, 0.5)])
def test_binomial_fewer_trials_matches_summation(n1, p1, n2, p2):
    P, Q = stats.binom(n1, p1), stats.binom(n2, p2)
    got, ref = ik.kl_divergence(P, Q), sum_kl(P, Q)
    assert (got == ref == math.inf) or rel(got, ref) < 1e-9, (got, ref)


def test_binomial_more_trials_is_infinite():
    assert ik.kl_divergence(stats.binom(11, 0.3), stats.binom(10, 0.3)) == np.inf
    assert ik.kl_divergence(stats.binom(11, 1e-9), stats.binom(10, 0.3)) == np.inf
    # Bin(n, 0) is the point mass at 0, possible under any Bin(m, q < 1)
    assert rel(ik.kl_divergence(stats.binom(11, 0.0), stats.binom(10, 0.3)), -10 * math.log(0.7)) < 1e-15
    got = ik.kl_divergence(stats.binom([4, 10, 12], 0.3), stats.binom(10, 0.6))
    assert got[2] == np.inf
    assert rel(got[1], sum_kl(stats.binom(10, 0.3), stats.binom(10, 0.6))) < 1e-12
    assert rel(got[0], sum_kl(stats.binom(4, 0.3), stats.binom(10, 0.6))) < 1e-12


def test_binomial_nearly_equal_trials_keeps_relative_accuracy():
    # D(Bin(n, q) || Bin(n + 1, q)) is small; summation at 50 digits as the reference
    n, q = 600, 0.3
    with mp.workdps(50):
        qq = mpf(q)
        ref = mpf(0)
        for k in range(n + 1):
            pk = mp.binomial(n, k) * qq**k * (1 - qq) ** (n - k)
            ref += pk * (mp.log(mp.binomial(n, k)) - mp.log(mp.binomial(n + 1, k)) - mp.log(1 - qq))
    got = ik.kl_divergence(stats.binom(n, q), stats.binom(n + 1, q))
    assert rel(got, ref) < 1e-10, (float(got), float(ref))


def test_binomial_many_trials_sums_where_the_mass_is():
    # n_P > 100 000: the sum runs over P's bulk; reference: 40-digit recursion over ±14 standard deviations
    n, q1, q2, gap = 120_000, 0.3, 0.31, 3
    got = ik.kl_divergence(stats.binom(n, q1), stats.binom(n + gap, q2))
    with mp.workdps(40):
        a, b = mpf(q1), mpf(q2)
        sd = math.sqrt(n * q1 * (1 - q1))
        k0, k1 = int(n * q1 - 14 * sd), int(n * q1 + 14 * sd)
        # log p(k), log q(k) at k0, then the ratio recursions p(k+1)/p(k) = (n-k)/(k+1) · a/(1-a)
        lp = mp.log(mp.binomial(n, k0)) + k0 * mp.log(a) + (n - k0) * mp.log(1 - a)
        lq = mp.log(mp.binomial(n + gap, k0)) + k0 * mp.log(b) + (n + gap - k0) * mp.log(1 - b)
        ra, rb = mp.log(a / (1 - a)), mp.log(b / (1 - b))
        ref = mpf(0)
        for k in range(k0, k1):
            ref += mp.exp(lp) * (lp - lq)
            lp += mp.log(mpf(n - k) / (k + 1)) + ra
            lq += mp.log(mpf(n + gap - k) / (k + 1)) + rb
    assert rel(got, ref) < 1e-11, (float(got), float(ref))


def test_torch_binomial_fewer_and_more_trials():
    torch = pytest.importorskip("torch")
    D = torch.distributions
    t = lambda v: torch.tensor(v, dtype=torch.float64)  # noqa: E731
    p1 = t(0.3).requires_grad_(True)
    got = ik.kl_divergence(D.Binomial(5, p1), D.Binomial(8, t(0.4)))
    assert rel(got.item(), sum_kl(stats.binom(5, 0.3), stats.binom(8, 0.4))) < 1e-12
    got.backward()
    eps = 1e-6  # the gradient against a central difference of the scipy closed form
    fd = (sum_kl(stats.binom(5, 0.3 + eps), stats.binom(8, 0.4))
          - sum_kl(stats.binom(5, 0.3 - eps), stats.binom(8, 0.4))) / (2 * eps)
    assert abs(p1.grad.item() - fd) < 1e-6
    got = ik.kl_divergence(D.Binomial(t([5.0, 9.0, 8.0]), t(0.3)), D.Binomial(8, t(0.4)))
    assert got[1].item() == math.inf
    assert rel(got[0].item(), sum_kl(stats.binom(5, 0.3), stats.binom(8, 0.4))) < 1e-12
    assert rel(got[2].item(), sum_kl(stats.binom(8, 0.3), stats.binom(8, 0.4))) < 1e-12
    # equal or more trials: torch's own closed form
    assert ik.kl_divergence(D.Binomial(9, t(0.3)), D.Binomial(8, t(0.4))).item() == math.inf


def test_entropy_of_the_new_families_matches_quadrature():
    for d in [stats.chi2(3.0, scale=0.7), stats.halfnorm(0.5, 0.7), stats.cauchy(0.1, 0.8), stats.gumbel_r(0.2, 0.9),
              stats.gumbel_l(-0.3, 1.1), stats.invgamma(3.0, scale=2.0), stats.pareto(3.5, scale=1.0),
              stats.weibull_min(1.7, scale=1.4)]:
        lo, hi = (float(v) for v in d.support())
        def f(x):
            with np.errstate(all="ignore"):
                lp = d.logpdf(x)
                ok = (lp > -745.0) & (lp < np.inf)
                return np.where(ok, -np.exp(np.where(ok, lp, 0.0)) * lp, 0.0)

        pts = sorted({lo, hi, float(d.median()), float(d.ppf(1e-6)), float(d.isf(1e-6))})
        ref = integrate_pieces(f, pts)
        assert rel(ik.entropy(d), ref) < 1e-8, d.dist.name
