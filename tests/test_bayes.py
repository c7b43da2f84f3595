"""Tests of the Bayesian entropy kernels (infokit._estimators.bayes).

Independent references:

* Dirichlet posterior moments of H by numerical integration over the simplex
  in mpmath: for k = 2 literally over p ~ Beta(a1, a2); for k = 3, 4 through
  the stick-breaking representation (p_i = u, p_j = (1 - u) v with u, v
  independent Beta variables), which turns every term of E[H] and E[H^2] into
  products of one-dimensional integrals.
* A Monte Carlo check of E[H^2] with ``rng.dirichlet``.
* NSB: the published value from the README of ``ndd`` (S. Marsili) and a
  brute-force NSB integral over beta (mpmath.quad) of the integrand written
  literally from the paper on the expanded count vector.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from mpmath import mp, mpf

from infokit._estimators.bayes import dirichlet, dirichlet_moments, nsb
from infokit._estimators.result import Profile

RNG = np.random.default_rng(12345)


def _prof(counts, k=None):
    return Profile.from_counts(np.asarray(counts, dtype=np.int64), k)


def _run(kernel, counts, k=None, level=0.95, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return kernel(_prof(counts, k), level=level, rng=np.random.default_rng(0), **kw)


def _rel(a, b):
    return abs(float(a) - float(b)) / max(abs(float(b)), 1e-300)


# --------------------------------------------------------------------------- #
# mpmath references for the Dirichlet posterior                                #
# --------------------------------------------------------------------------- #


def _beta_expect(g, a, b):
    """E[g(x)] for x ~ Beta(a, b), by tanh-sinh quadrature."""
    a, b = mpf(a), mpf(b)
    lnorm = mp.loggamma(a + b) - mp.loggamma(a) - mp.loggamma(b)

    def f(x):
        if x <= 0 or x >= 1:
            return mpf(0)
        return g(x) * mp.exp(lnorm + (a - 1) * mp.log(x) + (b - 1) * mp.log1p(-x))

    return mp.quad(f, [0, mpf(1) / 2, 1])


def _ref_k2(alpha):
    """Literal E[H], E[H^2] for p ~ Beta(a1, a2), H = -p log p - (1-p) log(1-p)."""
    a1, a2 = alpha

    def h(p):
        return -p * mp.log(p) - (1 - p) * mp.log1p(-p)

    return _beta_expect(h, a1, a2), _beta_expect(lambda p: h(p) ** 2, a1, a2)


def _ref_stick(alpha):
    """E[H], E[H^2] under Dirichlet(alpha) from one-dimensional integrals.

    Marginals p_i ~ Beta(a_i, A - a_i); for the pair (i, j), p_i = u and
    p_j = (1 - u) v with u ~ Beta(a_i, A - a_i), v ~ Beta(a_j, A - a_i - a_j)
    independent, so E[p_i log p_i p_j log p_j] =
    E[u(1-u) log u log(1-u)] E[v] + E[u (1-u) log u] E[v log v].
    """
    alpha = [mpf(x) for x in alpha]
    A = sum(alpha)
    m1 = mpf(0)
    m2 = mpf(0)
    for i, ai in enumerate(alpha):
        bi = A - ai
        m1 += _beta_expect(lambda x: -x * mp.log(x), ai, bi)
        m2 += _beta_expect(lambda x: (x * mp.log(x)) ** 2, ai, bi)
        e_ull = _beta_expect(lambda x: x * (1 - x) * mp.log(x) * mp.log1p(-x), ai, bi)
        e_ul = _beta_expect(lambda x: x * (1 - x) * mp.log(x), ai, bi)
        for j, aj in enumerate(alpha):
            if j == i:
                continue
            rest = A - ai - aj
            ev = aj / (aj + rest)
            evlv = _beta_expect(lambda x: x * mp.log(x), aj, rest)
            m2 += e_ull * ev + e_ul * evlv
    return m1, m2


@pytest.mark.parametrize(
    "counts,a",
    [([3, 0], 0.5), ([1, 4], 1.0), ([0, 0], 2.3), ([7, 2], 0.05)],
)
def test_dirichlet_k2_literal_integral(counts, a):
    with mp.workdps(25):
        m1, m2 = _ref_k2([c + a for c in counts])
        mean, var = dirichlet_moments(np.array(counts, float), np.ones(2), a)
        assert _rel(mean, m1) < 1e-8
        assert _rel(var + mean**2, m2) < 1e-8
    r = _run(dirichlet, counts, 2, concentration=a)
    assert r.value == pytest.approx(float(m1), rel=1e-8)
    assert r.stderr == pytest.approx(math.sqrt(float(m2 - m1**2)), rel=1e-6)


@pytest.mark.parametrize(
    "counts,k,a",
    [([2, 0, 5], 3, 0.5), ([2, 2], 3, 1.0), ([1, 1, 3], 4, 0.5), ([4, 4, 4], 4, 0.3)],
)
def test_dirichlet_k3_k4_simplex_integral(counts, k, a):
    full = list(counts) + [0] * (k - len(counts))
    with mp.workdps(20):
        m1, m2 = _ref_stick([c + a for c in full])
    prof = _prof(counts, k)
    r = dirichlet(prof, level=0.9, rng=RNG, concentration=a)
    assert _rel(r.value, m1) < 1e-8
    assert _rel(r.stderr**2 + r.value**2, m2) < 1e-8


def test_dirichlet_second_moment_monte_carlo_k50():
    rng = np.random.default_rng(2024)
    counts = rng.multinomial(60, rng.dirichlet(np.ones(50)))
    a = 0.7
    r = _run(dirichlet, counts, 50, concentration=a)
    p = rng.dirichlet(counts + a, size=100_000)
    with np.errstate(divide="ignore", invalid="ignore"):
        plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    h = -plogp.sum(axis=1)
    e1, e2 = h.mean(), (h**2).mean()
    se1 = h.std() / math.sqrt(h.size)
    se2 = (h**2).std() / math.sqrt(h.size)
    assert abs(r.value - e1) < 5 * se1
    assert abs(r.stderr**2 + r.value**2 - e2) < 5 * se2
    assert r.stderr == pytest.approx(h.std(), rel=0.01)


def test_dirichlet_huge_concentration_tends_to_log_k():
    r = _run(dirichlet, [5, 1, 0, 3], 7, concentration=1e10)
    assert r.value == pytest.approx(math.log(7), abs=1e-8)
    assert 0 <= r.stderr < 1e-5
    r = _run(dirichlet, [5, 1, 0, 3], 10**9, concentration=1e6)
    assert r.value == pytest.approx(math.log(1e9), rel=1e-6)


def test_dirichlet_moments_vectorised_matches_scalar():
    values = np.array([0.0, 1.0, 3.0, 10.0])
    mult = np.array([5.0, 3.0, 2.0, 1.0])
    a = np.array([1e-8, 0.3, 2.0, 1e5])
    mean, var = dirichlet_moments(values, mult, a)
    for i, ai in enumerate(a):
        m, v = dirichlet_moments(values, mult, ai)
        assert m == pytest.approx(mean[i], rel=1e-14)
        assert v == pytest.approx(var[i], rel=1e-12)


def test_dirichlet_fingerprint_equals_expanded():
    counts = [3, 3, 3, 1, 1, 0, 0, 0, 7]
    expanded = dirichlet_moments(np.array(counts, float), np.ones(len(counts)), 0.4)
    r = _run(dirichlet, [c for c in counts if c], len(counts), concentration=0.4)
    assert r.value == pytest.approx(float(expanded[0]), rel=1e-13)
    assert r.stderr == pytest.approx(math.sqrt(float(expanded[1])), rel=1e-11)


def test_dirichlet_interval():
    r = _run(dirichlet, [5, 1, 0, 3], 4, level=0.9)
    lo, hi = r.interval
    assert 0.0 <= lo <= r.value <= hi <= math.log(4)
    assert r.stderr_method == "posterior"


# --------------------------------------------------------------------------- #
# NSB                                                                          #
# --------------------------------------------------------------------------- #

NDD_COUNTS = [7, 3, 5, 8, 9, 1, 3, 3, 1, 0, 2, 5, 2, 11, 4, 23, 5, 0, 8, 0]


def test_nsb_published_ndd_value():
    r = _run(nsb, NDD_COUNTS, 20)
    assert r.value == pytest.approx(2.6236343, abs=1e-6)
    assert r.stderr_method == "posterior"
    assert 0 < r.stderr < 0.2


def _nsb_brute(counts, k, second=True):
    """NSB by mpmath.quad over beta, written literally on the expanded counts."""
    x = [mpf(c) for c in counts] + [mpf(0)] * (k - len(counts))
    n = sum(x)
    K = mpf(k)

    def loglike(b):
        ll = mp.loggamma(K * b) - mp.loggamma(n + K * b)
        return ll + sum(mp.loggamma(xi + b) - mp.loggamma(b) for xi in x)

    # mpmath.quad's stopping rule is absolute: scale the integrand to O(1)
    ll0 = max(loglike(mpf(10) ** e) for e in range(-4, 5))
    cache = {}

    def terms(b):
        # (rho, E[H|b], E[H^2|b]); the three quadratures share their nodes
        if b in cache:
            return cache[b]
        if b <= 0:
            cache[b] = (mpf(0), mpf(0), mpf(0))
            return cache[b]
        rho = (K * mp.psi(1, K * b + 1) - mp.psi(1, b + 1)) * mp.exp(loglike(b) - ll0)
        A = n + K * b
        a = [xi + b for xi in x]
        eh = mp.psi(0, A + 1) - sum(ai / A * mp.psi(0, ai + 1) for ai in a)
        eh2 = mpf(0)
        if second:
            t, pA = mp.psi(1, A + 2), mp.psi(0, A + 2)
            d1 = [mp.psi(0, ai + 1) - pA for ai in a]
            for i, ai in enumerate(a):
                for j, aj in enumerate(a):
                    if i == j:
                        eh2 += ai * (ai + 1) * ((mp.psi(0, ai + 2) - pA) ** 2 + mp.psi(1, ai + 2) - t)
                    else:
                        eh2 += ai * aj * (d1[i] * d1[j] - t)
            eh2 /= A * (A + 1)
        cache[b] = (rho, eh, eh2)
        return cache[b]

    pts = [0] + [mpf(10) ** e for e in range(-3, 4)] + [mp.inf]
    z = mp.quad(lambda b: terms(b)[0], pts)
    m1 = mp.quad(lambda b: terms(b)[0] * terms(b)[1], pts) / z
    m2 = mp.quad(lambda b: terms(b)[0] * terms(b)[2], pts) / z if second else None
    return m1, m2


@pytest.mark.parametrize(
    "counts,k",
    [([3, 1], 3), ([1, 1], 2), ([5, 2, 2, 1], 6), ([4], 2), ([6, 6, 6], 3)],
)
def test_nsb_brute_force(counts, k):
    with mp.workdps(15):
        m1, m2 = _nsb_brute(counts, k)
    r = _run(nsb, counts, k)
    # the two integrations agree to ~1e-14; the brief asks for 1e-7
    assert _rel(r.value, m1) < 1e-9
    sd_ref = math.sqrt(float(m2 - m1**2))
    assert _rel(r.stderr, sd_ref) < 1e-8


def test_nsb_brute_force_ndd():
    with mp.workdps(15):
        m1, _ = _nsb_brute([c for c in NDD_COUNTS if c], 20, second=False)
    assert float(m1) == pytest.approx(2.6236343, abs=1e-6)
    assert _run(nsb, NDD_COUNTS, 20).value == pytest.approx(float(m1), rel=1e-8)


@pytest.mark.parametrize("kernel", [dirichlet, nsb])
def test_permutation_and_zeros_invariance(kernel):
    counts = np.array([7, 3, 5, 0, 1, 1, 9, 0, 2])
    perm = np.random.default_rng(1).permutation(counts)
    r1 = _run(kernel, counts, 12)
    r2 = _run(kernel, perm, 12)
    r3 = _run(kernel, np.concatenate((counts, [0, 0, 0])), 12)
    assert r1.value == r2.value == r3.value
    assert r1.stderr == r2.stderr == r3.stderr


def _extreme_cases():
    rng = np.random.default_rng(7)
    p5 = np.array([0.5, 0.2, 0.1, 0.1, 0.1])
    cases = [
        ("n1e3_k5", rng.multinomial(1000, p5), 5),
        ("n1e3_k5_uniform", [200] * 5, 5),
        ("n1e6_k5", rng.multinomial(10**6, p5), 5),
        ("n1e9_k5", rng.multinomial(10**9, p5), 5),
        ("n1e9_k5_uniform", rng.multinomial(10**9, np.full(5, 0.2)), 5),
        ("n1e9_one_seen_k2", [10**9], 2),
        ("n1e9_one_seen_k1e9", [10**9], 10**9),
        ("k1e6", rng.multinomial(10**4, rng.dirichlet(np.ones(300))), 10**6),
        ("k1e9", rng.multinomial(10**4, rng.dirichlet(np.ones(300))), 10**9),
        ("k1e6_n1e9_flat", np.full(10**5, 10**4), 10**6),
        ("singletons", np.ones(100, int), None),
        ("singletons_k1e9", np.ones(100, int), 10**9),
        ("one_sample_k1e9", [1], 10**9),
        ("one_sample_k2", [1], 2),
        ("k1", [10**9], 1),
    ]
    return cases


@pytest.mark.parametrize("name,counts,k", _extreme_cases(), ids=[c[0] for c in _extreme_cases()])
@pytest.mark.parametrize("kernel", [dirichlet, nsb], ids=["dirichlet", "nsb"])
def test_extremes_finite(kernel, name, counts, k):
    prof = _prof(counts, k)
    r = _run(kernel, counts, k)
    logk = math.log(prof.k)
    assert math.isfinite(r.value) and math.isfinite(r.stderr)
    assert 0.0 <= r.value <= logk + 1e-12
    assert r.stderr >= 0.0
    lo, hi = r.interval
    assert math.isfinite(lo) and math.isfinite(hi)
    assert 0.0 <= lo <= hi <= logk + 1e-12
    for v in r.info.values():
        if isinstance(v, float):
            assert math.isfinite(v)


def test_nsb_large_n_sharp():
    rng = np.random.default_rng(3)
    p = np.array([0.5, 0.2, 0.1, 0.1, 0.1])
    h = -(p * np.log(p)).sum()
    r = _run(nsb, rng.multinomial(10**9, p), 5)
    assert abs(r.value - h) < 5 * r.stderr + 1e-12
    assert r.stderr < 1e-4


def test_nsb_no_coincidences_warning():
    r = _run(nsb, np.ones(30, int), 1000)
    assert "no coincidences" in r.info["warning"]
    assert r.info["beta_map"] > 0 and r.info["posterior_sd"] == r.stderr
    assert "warning" not in _run(nsb, [2, 1, 1], 10).info


def test_nsb_covers_truth_k10():
    rng = np.random.default_rng(99)
    p = rng.dirichlet(np.ones(10))
    h = float(-(p * np.log(p)).sum())
    counts = rng.multinomial(10**5, p)
    r = _run(nsb, counts, 10)
    assert abs(r.value - h) < 3 * r.stderr
    lo, hi = r.interval
    assert lo < r.value < hi


def test_nsb_interval_nested_in_level():
    counts = NDD_COUNTS
    r90 = _run(nsb, counts, 20, level=0.9)
    r99 = _run(nsb, counts, 20, level=0.99)
    assert r99.interval[0] < r90.interval[0] < r90.value < r90.interval[1] < r99.interval[1]
    # the normal approximation is close for this well-informed case
    z = 1.6448536269514722
    assert r90.interval[0] == pytest.approx(r90.value - z * r90.stderr, abs=0.02)


# --------------------------------------------------------------------------- #
# the special functions and fingerprint NSB is evaluated with                  #
# --------------------------------------------------------------------------- #
from hypothesis import given, settings, strategies as st  # noqa: E402

from infokit._estimators.bayes import _trigamma  # noqa: E402
from infokit._estimators.result import Profile  # noqa: E402


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.floats(1e-8, 1e12))
def test_trigamma_matches_mpmath(x):
    mp.dps = 40
    assert float(_trigamma(np.array([x]))[0]) == pytest.approx(float(mp.psi(1, mpf(x))), rel=2e-15)


@settings(max_examples=100, derandomize=True, deadline=None)
@given(st.lists(st.integers(0, 10**7), min_size=1, max_size=300))
def test_profile_fingerprint_equals_unique(counts):
    """The fingerprint against np.unique of the positive counts, zeros (unseen outcomes of a declared support)
    among them or not; ``counts`` the positive ones, in the order given."""
    c = np.array(counts, dtype=np.int64)
    prof = Profile.from_counts(c, c.size)
    values, mult = np.unique(c[c > 0], return_counts=True)
    np.testing.assert_array_equal(prof.values, values)
    np.testing.assert_array_equal(prof.mult, mult)
    assert prof.n == int(c.sum()) and prof.k_obs == int((c > 0).sum()) and prof.k == c.size
    np.testing.assert_array_equal(prof.counts, c[c > 0])
    assert prof.counts.dtype == np.int64 and prof.values.dtype == np.int64 and prof.mult.dtype == np.int64


def _nsb_mean_in_log_beta(counts, k):
    """NSB posterior mean by mpmath.quad over t = log beta on the fingerprint (narrow posteriors: large n)."""
    c = np.asarray(counts)
    vals, mult = np.unique(c[c > 0], return_counts=True)
    pairs = [(int(v), int(m)) for v, m in zip(vals, mult)]
    unseen = k - int((c > 0).sum())
    K, N = mpf(k), mpf(int(c.sum()))

    def logpost(t):
        b = mp.e**t
        s = mp.loggamma(K * b) - mp.loggamma(K * b + N) + t + mp.log(K * mp.psi(1, K * b + 1) - mp.psi(1, b + 1))
        return s + sum(m * (mp.loggamma(v + b) - mp.loggamma(b)) for v, m in pairs)

    def mean_h(t):
        b = mp.e**t
        a = N + K * b
        s = mp.psi(0, a + 1) - unseen * b / a * mp.psi(0, b + 1)
        return s - sum(m * (v + b) / a * mp.psi(0, v + b + 1) for v, m in pairs)

    ts = [mpf(x) / 2 for x in range(-24, 25)]
    fs = [logpost(t) for t in ts]
    fm = max(fs)
    tm = ts[fs.index(fm)]
    pts = [tm + d for d in (-30, -8, -2, -0.5, -0.1, 0, 0.1, 0.5, 2, 8, 30)]
    z = mp.quad(lambda t: mp.e ** (logpost(t) - fm), pts)
    return mp.quad(lambda t: mp.e ** (logpost(t) - fm) * mean_h(t), pts) / z


@pytest.mark.parametrize("k,n,seed", [(20, 10**6, 1), (30, 12, 3)])
def test_nsb_narrow_and_wide_posteriors_match_an_integral_over_log_beta(k, n, seed):
    rng = np.random.default_rng(seed)
    w = 1.0 / np.arange(1, k + 1)
    counts = rng.multinomial(n, w / w.sum())
    with mp.workdps(16):
        ref = _nsb_mean_in_log_beta(counts, k)
    assert _run(nsb, counts, k).value == pytest.approx(float(ref), rel=1e-10)


# --------------------------------------------------------------------------- #
# NSB interval: quantiles of the continuous mixture over beta                  #
# --------------------------------------------------------------------------- #
from scipy import optimize, special  # noqa: E402


def _nsb_interval_by_quadrature(counts, k, level=0.95, per_sd=200):
    """Quantiles of ``int p(t) N(H; mu(t), sd(t)^2) dt`` by a fine trapezoid rule in t = log beta.

    Written literally and independently of the kernel: the log posterior with
    ``gammaln`` / ``polygamma`` (mpmath where ``k beta > 1e7`` or ``beta > 1e3``,
    where float64 would lose too many digits of the differences of its large
    terms), the Dirichlet mean
    and ``E[H^2]`` of Wolpert & Wolf (1995) on the fingerprint, on a grid of
    ``per_sd`` points per posterior SD of t, and ``brentq`` on the CDF.
    """
    c = np.asarray(counts)
    c = c[c > 0]
    vals, mult = np.unique(c, return_counts=True)
    n, unseen = int(c.sum()), k - c.size
    av = np.concatenate(([0], vals)) if unseen else vals
    am = np.concatenate(([unseen], mult)) if unseen else mult

    def logpost(t):
        b = np.exp(t)
        out = np.empty_like(b)
        fl = (k * b <= 1e7) & (b <= 1e3)
        bf = b[fl]
        out[fl] = (special.gammaln(k * bf) - special.gammaln(k * bf + n) + t[fl]
                   + np.log(k * special.polygamma(1, k * bf + 1) - special.polygamma(1, bf + 1))
                   + (mult * (special.gammaln(vals[None, :] + bf[:, None]) - special.gammaln(bf)[:, None])).sum(1))
        with mp.workdps(30):
            for i in np.nonzero(~fl)[0]:
                B = mpf(b[i])
                v = mp.loggamma(k * B) - mp.loggamma(k * B + n) + mp.log(k * mp.psi(1, k * B + 1) - mp.psi(1, B + 1))
                v += sum(int(m) * (mp.loggamma(int(x) + B) - mp.loggamma(B)) for x, m in zip(vals, mult))
                out[i] = float(v) + t[i]
        return out

    t = np.arange(-math.log(k) - 40, 2 * math.log(n + 1) + 45, 0.25)
    f = logpost(t)
    w = np.exp(f - f.max())
    w /= w.sum()
    sd_t = math.sqrt(w @ (t - w @ t) ** 2)
    held = t[f > f.max() - 40]
    t = np.arange(held[0] - 0.25, held[-1] + 0.25, min(0.02, sd_t / per_sd))
    f = logpost(t)
    w = np.exp(f - f.max())
    w /= w.sum()
    b = np.exp(t)
    A = n + k * b
    al = av[None, :] + b[:, None]
    mu = special.digamma(A + 1) - (am * al * special.digamma(al + 1)).sum(1) / A
    d1 = special.digamma(al + 1) - special.digamma(A + 2)[:, None]
    t1 = special.polygamma(1, A + 2)
    s1 = (am * al * d1).sum(1)
    off = (s1**2 - (am * al * al * d1 * d1).sum(1)) - t1 * ((am * al).sum(1) ** 2 - (am * al * al).sum(1))
    diag = (am * al * (al + 1) * ((special.digamma(al + 2) - special.digamma(A + 2)[:, None]) ** 2
                                  + special.polygamma(1, al + 2) - t1[:, None])).sum(1)
    sd = np.maximum(np.sqrt(np.maximum((off + diag) / (A * (A + 1)) - mu**2, 0.0)), 1e-10)
    mean = w @ mu
    total_sd = math.sqrt(w @ (sd * sd + (mu - mean) ** 2))
    q = (1 - level) / 2
    lo, hi = float(mu.min() - 10 * sd.max()), float(mu.max() + 10 * sd.max())
    quantile = [optimize.brentq(lambda x: w @ special.ndtr((x - mu) / sd) - p, lo, hi, xtol=1e-14) for p in (q, 1 - q)]
    return mean, total_sd, quantile


@pytest.mark.parametrize("k,n,seed", [(10, 10, 1), (10**5, 1000, 2), (10**4, 1000, 3)])
def test_nsb_interval_matches_quadrature_of_the_mixture(k, n, seed):
    # large k: the Dirichlet SD at one beta is small against the move of its mean between nodes,
    # where a sum of point normals on the nodes gave quantiles off by 0.02 SD
    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, rng.dirichlet(np.full(k, 0.5)))
    mean, total_sd, (lo, hi) = _nsb_interval_by_quadrature(counts, k)
    r = _run(nsb, counts, k)
    assert r.value == pytest.approx(mean, rel=1e-12)
    assert r.stderr == pytest.approx(total_sd, rel=1e-9)
    assert abs(r.interval[0] - lo) < 1e-6 * total_sd
    assert abs(r.interval[1] - hi) < 1e-6 * total_sd


@pytest.mark.parametrize("k,n,seed", [(10, 10, 1), (10**5, 1000, 2), (300, 10**5, 4)])
def test_nsb_interval_does_not_move_with_the_nodes(monkeypatch, k, n, seed):
    import infokit._estimators.bayes as bayes

    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, rng.dirichlet(np.full(k, 0.5)))
    r1 = _run(nsb, counts, k)
    monkeypatch.setattr(bayes, "_STEPS_PER_SD", 2.0 * bayes._STEPS_PER_SD)
    monkeypatch.setattr(bayes, "_STEPS_PER_SD_COARSE", 2.0 * bayes._STEPS_PER_SD_COARSE)
    r2 = _run(nsb, counts, k)
    assert r2.info["nodes"] > 1.5 * r1.info["nodes"]
    assert r2.value == pytest.approx(r1.value, rel=1e-12)
    for a, b in zip(r1.interval, r2.interval):
        assert abs(a - b) < 1e-6 * r1.stderr


@pytest.mark.parametrize("k,n,a,seed", [(10**4, 10**4, 0.5, 1), (10**5, 10**6, 0.5, 2), (300, 300, 1.0, 3)])
def test_nsb_prescan_of_the_coarse_grid_changes_nothing(monkeypatch, k, n, a, seed):
    # many distinct counts: the coarse grid is evaluated every 4th point first; the full grid gives the same
    import infokit._estimators.bayes as bayes

    rng = np.random.default_rng(seed)
    counts = rng.multinomial(n, rng.dirichlet(np.full(k, a)))
    monkeypatch.setattr(bayes, "_PRESCAN_CLASSES", 1)
    r1 = _run(nsb, counts, k)
    monkeypatch.setattr(bayes, "_PRESCAN_CLASSES", 10**9)
    r2 = _run(nsb, counts, k)
    assert r1.value == pytest.approx(r2.value, rel=1e-11)
    assert r1.stderr == pytest.approx(r2.stderr, rel=1e-9)
    for x, y in zip(r1.interval, r2.interval):
        assert abs(x - y) < 1e-8 * r2.stderr
