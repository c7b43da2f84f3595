"""Pitman-Yor mixture, Chao-Wang-Jost and the pseudo-count plug-in entropy estimators.

References are independent of the kernels: scipy.stats.entropy of the smoothed
vector, the printed formula of Chao, Wang & Jost (2013) evaluated in mpmath,
a seeded Monte Carlo of the Pitman-Yor posterior (stick-breaking), the
Dirichlet-process limit of a Dirichlet(alpha/k) prior, and the published
example of the PYM reference implementation.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import optimize, stats

import infokit as ik
from infokit._estimators import bayes, cwj, discrete, jvhw, pseudocount, pym
from infokit._estimators.methods import ENTROPY_METHODS, METHODS, names, MUTUAL_INFORMATION, KL
from infokit._estimators.result import Profile
from infokit._lib.checks import PSEUDO_COUNTS
from infokit.errors import InvalidArgumentError

NEW = ("pym", "chao_wang_jost", "jvhw", "laplace", "jeffreys", "minimax", "schurmann_grassberger")
RNG = np.random.default_rng(0)

counts_lists = st.lists(st.integers(0, 40), min_size=1, max_size=30).filter(lambda c: sum(c) > 0)


def run(kernel, counts, support_size=None):
    return kernel(Profile.from_counts(counts, support_size), level=0.95, rng=np.random.default_rng(0))


# --------------------------------------------------------------------------
# pseudo-count plug-ins
# --------------------------------------------------------------------------
# Hausser & Strimmer (2009), Table 1: a = 1, 1/2, sqrt(n)/K, 1/K
TABLE_1 = {
    "laplace": lambda n, k: 1.0,
    "jeffreys": lambda n, k: 0.5,
    "minimax": lambda n, k: math.sqrt(n) / k,
    "schurmann_grassberger": lambda n, k: 1.0 / k,
}


@settings(derandomize=True, max_examples=60, deadline=None)
@given(counts_lists, st.integers(0, 20), st.sampled_from(sorted(TABLE_1)))
def test_pseudo_count_plugins_are_scipy_entropy_of_the_smoothed_counts(counts, extra, name):
    c = np.asarray(counts, dtype=float)
    k = c.size + extra  # declared support: the vector plus `extra` outcomes never seen
    full = np.concatenate((c, np.zeros(extra)))
    a = TABLE_1[name](c.sum(), k)
    expected = stats.entropy((full + a) / (c.sum() + k * a)) if k > 1 else 0.0
    res = run(getattr(pseudocount, name), counts, support_size=k)
    assert res.value == pytest.approx(expected, rel=1e-12, abs=1e-14)
    assert res.info["pseudo_count"] == pytest.approx(a, rel=1e-15)


def test_named_pseudo_counts_are_the_smoothing_ones():
    assert pseudocount.pseudo_count("laplace", 7, 3) == PSEUDO_COUNTS["laplace"] == 1.0
    assert pseudocount.pseudo_count("jeffreys", 7, 3) == PSEUDO_COUNTS["jeffreys"] == 0.5


def test_pseudo_count_without_declared_support_uses_the_observed_outcomes():
    counts = [5, 0, 3, 1, 0, 0]
    observed = np.array([5, 3, 1], dtype=float)
    est = ik.estimate_entropy(ik.Empirical.from_counts(counts), "laplace")
    assert est.diagnostics["k"] == 3 and not est.diagnostics["k_declared"]
    assert est.value == pytest.approx(stats.entropy((observed + 1) / (9 + 3)), rel=1e-13)
    declared = ik.estimate_entropy(ik.Empirical.from_counts(counts), "laplace", support_size=6)
    assert declared.value == pytest.approx(stats.entropy((np.array(counts) + 1.0) / (9 + 6)), rel=1e-13)


def test_pseudo_count_plugins_tend_to_the_plugin():
    n, k = 10**7, 20
    c = RNG.multinomial(n, np.arange(1, k + 1) / 210.0)
    plug = run(discrete.plugin, c).value
    for name, rule in TABLE_1.items():
        weight = k * rule(n, k) / (n + k * rule(n, k))  # the share of the smoothed mass that is pseudo-counts
        assert abs(run(getattr(pseudocount, name), c, k).value - plug) < 5 * weight  # 1/n, or 1/sqrt(n) (minimax)


# --------------------------------------------------------------------------
# Chao-Wang-Jost
# --------------------------------------------------------------------------
def cwj_mpmath(counts):
    """Chao, Wang & Jost (2013), eq. 7, as printed, at 60 digits."""
    with mp.workdps(60):
        c = [int(x) for x in counts if x > 0]
        n = sum(c)
        f1, f2 = c.count(1), c.count(2)
        first = mp.fsum(mp.mpf(x) / n * mp.fsum(mp.mpf(1) / k for k in range(x, n)) for x in c if x <= n - 1)
        if f2 > 0:
            A = mp.mpf(2 * f2) / ((n - 1) * f1 + 2 * f2)
        elif f1 > 0:
            A = mp.mpf(2) / ((n - 1) * (f1 - 1) + 2)
        else:
            A = mp.mpf(1)
        if f1 == 0 or A == 1:
            second = mp.mpf(0)
        else:
            B = 1 - A
            second = mp.mpf(f1) / n * B ** (1 - n) * (-mp.log(A) - mp.fsum(B**r / r for r in range(1, n)))
        return float(first + second)


@settings(derandomize=True, max_examples=60, deadline=None)
@given(counts_lists)
def test_chao_wang_jost_is_the_printed_formula(counts):
    assert run(cwj.chao_wang_jost, counts).value == pytest.approx(cwj_mpmath(counts), rel=1e-11, abs=1e-13)


@pytest.mark.parametrize("counts", [
    [1, 1, 1, 1, 2, 3, 5, 8, 13],      # f2 > 0
    [1, 1, 1, 4, 4, 7],                 # f2 = 0 < f1
    [1, 3, 3, 9],                       # a single singleton, f2 = 0: A = 1
    [1] * 40 + [2] * 3 + [30],          # many singletons
    [2, 2, 3, 5],                       # no singleton: Zhang's estimator
])
def test_chao_wang_jost_cases(counts):
    res = run(cwj.chao_wang_jost, counts)
    assert res.value == pytest.approx(cwj_mpmath(counts), rel=1e-12)
    if 1 not in counts:
        assert res.value == pytest.approx(run(discrete.zhang, counts).value, rel=1e-15)
        assert res.info["undetected"] == 0.0


def test_chao_wang_jost_large_n_is_the_plugin():
    p = np.arange(1, 31) / 465.0
    c = RNG.multinomial(10**7, p)
    assert run(cwj.chao_wang_jost, c).value == pytest.approx(run(discrete.plugin, c).value, abs=2e-6)


def test_chao_wang_jost_undetected_part_is_accurate_for_rare_doubletons():
    # A ~ 1e-8: the printed form loses every digit in double precision; the Lerch sum does not
    n, f1, f2 = 10**5, 5000, 3
    A = cwj.discovery_a(n, f1, f2)
    with mp.workdps(40):
        B = 1 - mp.mpf(A)
        ref = float(mp.mpf(f1) / n * B * mp.lerchphi(B, 1, n))
    assert cwj.undetected_entropy(n, f1, f2) == pytest.approx(ref, rel=1e-11)


# --------------------------------------------------------------------------
# Pitman-Yor mixture
# --------------------------------------------------------------------------
def py_posterior_mc(counts, d, alpha, draws, rng, sticks=800):
    """Entropy of draws from the PY(d, alpha) posterior given counts: Dirichlet cells + stick-broken rest."""
    c = np.asarray([x for x in counts if x > 0], dtype=float)
    k = c.size
    cells = rng.dirichlet(np.concatenate((c - d, [alpha + k * d])), size=draws)
    theta = alpha + k * d
    j = np.arange(1, sticks + 1)
    v = rng.beta(1.0 - d, theta + j * d, size=(draws, sticks))
    rest = np.cumprod(np.concatenate((np.ones((draws, 1)), 1.0 - v[:, :-1]), axis=1), axis=1) * v
    rest = rest / rest.sum(axis=1, keepdims=True)  # the mass beyond the last stick is < 1e-9 here
    h_cells = -np.sum(cells * np.log(cells), axis=1)
    h_rest = -np.sum(np.where(rest > 0, rest * np.log(np.where(rest > 0, rest, 1.0)), 0.0), axis=1)
    return h_cells + cells[:, -1] * h_rest


@pytest.mark.parametrize("d, alpha", [(0.0, 0.7), (0.3, 2.0), (0.2, 0.4)])
def test_pitman_yor_posterior_moments_match_monte_carlo(d, alpha):
    counts = [1, 2, 2, 4, 1, 7]
    rng = np.random.default_rng(12345)
    h = py_posterior_mc(counts, d, alpha, 5000, rng)
    prof = Profile.from_counts(counts)
    mean, var = pym.py_posterior_moments([alpha], [d], prof.values, prof.mult)
    se = h.std(ddof=1) / math.sqrt(h.size)
    assert abs(mean[0] - h.mean()) < 4 * se
    assert var[0] == pytest.approx(h.var(ddof=1), rel=0.1)


def test_pitman_yor_prior_moments_match_monte_carlo():
    rng = np.random.default_rng(7)
    d, theta, draws, sticks = 0.25, 3.0, 5000, 800
    v = rng.beta(1.0 - d, theta + np.arange(1, sticks + 1) * d, size=(draws, sticks))
    p = np.cumprod(np.concatenate((np.ones((draws, 1)), 1.0 - v[:, :-1]), axis=1), axis=1) * v
    h = -np.sum(np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0), axis=1)
    mean, var = pym.py_prior_moments(d, theta)
    assert float(mean) == pytest.approx(float(mp.digamma(theta + 1) - mp.digamma(1 - d)), rel=1e-14)
    assert abs(float(mean) - h.mean()) < 4 * h.std(ddof=1) / math.sqrt(draws)
    assert float(var) == pytest.approx(h.var(ddof=1), rel=0.1)


@pytest.mark.parametrize("alpha", [0.3, 4.0, 50.0])
def test_d_zero_is_the_dirichlet_process_limit(alpha):
    # DP(alpha) = limit of a symmetric Dirichlet(alpha / k) on k outcomes as k grows
    counts = [1, 1, 2, 3, 3, 9]
    prof = Profile.from_counts(counts)
    mean, var = pym.py_posterior_moments([alpha], [0.0], prof.values, prof.mult)
    k = 10**9
    values = np.concatenate(([0.0], prof.values))
    mult = np.concatenate(([k - prof.k_obs], prof.mult)).astype(float)
    m_dir, v_dir = bayes.dirichlet_moments(values, mult, alpha / k, n=prof.n, k=k)
    assert mean[0] == pytest.approx(float(m_dir), rel=1e-6)
    assert var[0] == pytest.approx(float(v_dir), rel=1e-5)


def test_pym_reproduces_the_reference_implementation_example():
    # github.com/pillowlab/PYMentropy README: samples [3 2 4 3 1 4 2 4 4] -> Hbls 2.1476, Hvar 0.2715 nats.
    # That implementation integrates q(gamma) * likelihood over alpha, d on the box MAP -/+ 6 sqrt(diag(H^-1))
    # (H the Hessian of the negative log posterior at the MAP) with 25 x 25 Gauss-Legendre nodes.
    prof = Profile.from_counts(np.bincount([3, 2, 4, 3, 1, 4, 2, 4, 4]))
    v, m = prof.values.astype(float), prof.mult.astype(float)

    def nlp(x):
        a, d = x
        if a <= 0 or not 0 <= d < 1:
            return np.inf
        return -float(pym.py_log_likelihood(np.array([a]), np.array([d]), v, m)[0] + pym.pym_log_prior(a, d))

    a0 = optimize.minimize_scalar(lambda a: nlp((a, 1e-6)), bounds=(1e-3, 100), method="bounded").x
    x0, h = np.array([a0, 1e-6]), 1e-6  # the MAP is on d = 0; one-sided differences in d
    hess = np.empty((2, 2))
    hess[0, 0] = (nlp(x0 + [h, 0]) - 2 * nlp(x0) + nlp(x0 - [h, 0])) / h**2
    hess[1, 1] = (nlp(x0 + [0, 2 * h]) - 2 * nlp(x0 + [0, h]) + nlp(x0)) / h**2
    hess[0, 1] = hess[1, 0] = (nlp(x0 + [h, h]) - nlp(x0 + [h, 0]) - nlp(x0 + [-h, h]) + nlp(x0 - [h, 0])) / (2 * h**2)
    half = 6 * np.sqrt(np.abs(np.diag(np.linalg.inv(hess))))
    a_lo, a_hi = max(a0 - half[0], 1e-15), a0 + half[0]
    d_lo, d_hi = 1e-15, min(1 - 1e-15, 1e-6 + half[1])
    x, w = np.polynomial.legendre.leggauss(25)
    ax, aw = (a_lo + a_hi) / 2 + (a_hi - a_lo) / 2 * x, (a_hi - a_lo) / 2 * w
    dx, dw = (d_lo + d_hi) / 2 + (d_hi - d_lo) / 2 * x, (d_hi - d_lo) / 2 * w
    A, D = (g.ravel() for g in np.meshgrid(ax, dx, indexing="ij"))
    lp = pym.py_log_likelihood(A, D, v, m) + pym.pym_log_prior(A, D)
    wt = np.outer(aw, dw).ravel() * np.exp(lp - lp.max())
    mu, var = pym.py_posterior_moments(A, D, v, m)
    mean = np.sum(wt * mu) / wt.sum()
    hvar = np.sum(wt * (var + mu**2)) / wt.sum() - mean**2
    assert mean == pytest.approx(2.1476, abs=2e-3)
    assert hvar == pytest.approx(0.2715, abs=2e-3)


@pytest.mark.parametrize("counts", [[5, 3, 2, 1]])
def test_pym_quadrature_matches_a_dense_grid(counts):
    prof = Profile.from_counts(counts)
    v, m = prof.values.astype(float), prof.mult.astype(float)
    t = np.arange(-40.0, 60.0, 0.05)  # log alpha
    d = (np.arange(300) + 0.5) / 300
    T, D = (g.ravel() for g in np.meshgrid(t, d, indexing="ij"))
    with np.errstate(divide="ignore"):  # q(gamma) = 0 where alpha underflows against 1 (gamma = 1)
        lp = pym.py_log_likelihood(np.exp(T), D, v, m) + pym.pym_log_prior(np.exp(T), D) + T
    w = np.exp(lp - lp.max())
    mu, var = pym.py_posterior_moments(np.exp(T), D, v, m)
    mean = np.sum(w * mu) / w.sum()
    sd = math.sqrt(np.sum(w * (var + (mu - mean) ** 2)) / w.sum())
    res = run(pym.pym, counts)
    assert res.value == pytest.approx(mean, abs=3e-3) and res.stderr == pytest.approx(sd, abs=3e-3)


def test_pym_large_n_is_the_plugin():
    c = RNG.multinomial(10**6, np.arange(1, 21) / 210.0)
    res = run(pym.pym, c)
    assert res.value == pytest.approx(run(discrete.plugin, c).value, abs=1e-4)
    assert res.stderr == pytest.approx(run(discrete.plugin, c).stderr, rel=0.05)


def test_pym_needs_two_coincidences():
    with pytest.raises(InvalidArgumentError, match="method='pym' needs at least two repeated samples"):
        ik.estimate_entropy([1, 2, 3, 4], "pym")
    with pytest.raises(InvalidArgumentError, match="got 1"):
        ik.estimate_entropy([1, 1, 2, 3], "pym")
    assert math.isfinite(ik.estimate_entropy([1, 1, 2, 2, 3], "pym").value)


def test_pym_on_a_power_law_is_close_to_the_truth():
    # a countably infinite (Zipf, exponent 2) distribution, undersampled: PYM is built for this
    k = np.arange(1, 200_001, dtype=float)
    p = k**-2.0 / np.sum(k**-2.0)
    truth = stats.entropy(p)
    rng = np.random.default_rng(3)
    errs = []
    for _ in range(5):
        c = rng.multinomial(300, p)
        errs.append(run(pym.pym, c).value - truth)
    plug = [run(discrete.plugin, rng.multinomial(300, p)).value - truth for _ in range(5)]
    assert abs(np.mean(errs)) < abs(np.mean(plug))


# --------------------------------------------------------------------------
# the registry and the public functions
# --------------------------------------------------------------------------
def test_new_methods_are_registered_for_entropy_mi_and_kl():
    for name in NEW:
        assert name in ENTROPY_METHODS and METHODS[name].reference
        assert name in names(MUTUAL_INFORMATION) and name in names(KL)


def test_cli_offers_the_new_methods():
    from infokit.cli._options import entropy_methods

    assert set(NEW) <= set(entropy_methods())


@pytest.mark.parametrize("method", NEW)
def test_new_methods_end_to_end_on_real_data(method):
    from sklearn.datasets import load_wine

    x = load_wine().target  # 178 labels, 3 classes
    est = ik.estimate_entropy(x, method, base="bits")
    assert est.method == method and est.unit == "bits"
    truth_plugin = stats.entropy(np.bincount(x), base=2)
    assert abs(est.value - truth_plugin) < 0.05
    lo, hi = est.ci
    assert 0 <= lo <= est.value <= hi
    mi = ik.estimate_mutual_information(x, x, method)
    assert math.isfinite(mi.value)


def test_auto_could_call_the_new_kernels():
    from infokit._estimators.methods import entropy_nats

    prof = Profile.from_counts([5, 3, 2, 1, 1], 8)
    for name in NEW:
        res, used, reason = entropy_nats(prof, name, 0.95, np.random.default_rng(0))
        assert used == name and reason is None and math.isfinite(res.value)


# --------------------------------------------------------------------------
# Jiao-Venkat-Han-Weissman
# --------------------------------------------------------------------------
@pytest.mark.parametrize("L", [6, 12, 18, 22])
def test_jvhw_polynomial_approximates_minus_y_log_y(L):
    a = jvhw.poly_coefficients(L)
    with mp.workdps(80):
        ys = [mp.mpf(i) / 200 for i in range(201)]
        err = max(abs(mp.fsum(mp.mpf(c.numerator) / c.denominator * y**i for i, c in enumerate(a))
                      - (-y * mp.log(y) if y > 0 else 0)) for y in ys)
    # the best uniform error is of order 1/L^2 (-y log y has a log singularity at 0); interpolation is near-best
    assert float(err) < 1.0 / L**2


@pytest.mark.parametrize("n, p", [(200, 0.004), (200, 0.02), (5000, 0.0011), (5000, 0.0002)])
def test_jvhw_polynomial_part_is_unbiased(n, p):
    # E_{X ~ Bin(n, p)} g(X) = Delta P_L(p / Delta) - p log Delta, summed over the binomial law in mpmath
    L, delta = jvhw.degree(n), jvhw.THRESHOLD_C * math.log(n) / n
    a = jvhw.poly_coefficients(L)
    with mp.workdps(60):
        pm = mp.mpf(p)
        expect = mp.fsum(mp.binomial(n, x) * pm**x * (1 - pm) ** (n - x) * mp.mpf(jvhw.poly_estimate(x, n, delta, L))
                         for x in range(0, min(n, 200) + 1))
        target = mp.mpf(delta) * mp.fsum(mp.mpf(c.numerator) / c.denominator * (pm / mp.mpf(delta)) ** i
                                         for i, c in enumerate(a)) - pm * mp.log(mp.mpf(delta))
    # each g(x) is rounded to a double; the sum of |g(x)| P(x) bounds the rounding
    assert float(expect) == pytest.approx(float(target), rel=1e-9, abs=1e-14)


def test_jvhw_polynomial_estimate_is_exact_arithmetic():
    n, L = 10**5, jvhw.degree(10**5)
    delta = jvhw.THRESHOLD_C * math.log(n) / n
    a = jvhw.poly_coefficients(L)
    for x in (1, 3, 7, 11):
        with mp.workdps(80):
            d = mp.mpf(delta)
            s = mp.fsum(mp.mpf(c.numerator) / c.denominator * mp.ff(x, i) / (mp.ff(n, i) * d**i)
                        for i, c in enumerate(a))
            ref = float(d * s - mp.mpf(x) / n * mp.log(d))
        assert jvhw.poly_estimate(x, n, delta, L) == pytest.approx(ref, rel=1e-13, abs=1e-18)


@pytest.mark.parametrize("family", ["uniform", "zipf"])
def test_jvhw_beats_the_plugin_on_a_large_alphabet(family):
    # K = 1e4 outcomes, n = K samples: the regime the estimator is built for (JVHW 2015, Sec. I: n ~ K / log K suffices)
    k = 10_000
    p = np.full(k, 1.0 / k) if family == "uniform" else 1.0 / np.arange(1, k + 1)
    p = p / p.sum()
    truth = stats.entropy(p)
    rng = np.random.default_rng(99)
    err_j, err_p, err_mm = [], [], []
    for _ in range(4):
        c = rng.multinomial(k, p)
        err_j.append(run(jvhw.jvhw, c).value - truth)
        err_p.append(run(discrete.plugin, c).value - truth)
        err_mm.append(run(discrete.miller_madow, c).value - truth)
    rmse = lambda e: math.sqrt(np.mean(np.square(e)))  # noqa: E731
    assert rmse(err_j) < 0.2 * rmse(err_p) and rmse(err_j) < 0.5 * rmse(err_mm) and rmse(err_j) < 0.08


def test_jvhw_large_n_is_the_corrected_plugin():
    c = RNG.multinomial(10**7, np.arange(1, 21) / 210.0)
    res = run(jvhw.jvhw, c)
    assert res.value == pytest.approx(run(discrete.miller_madow, c).value, abs=1e-6)
    assert res.info["degree"] == 22


def test_jvhw_small_samples_are_the_corrected_plugin():
    counts = [3, 1, 1]  # n = 5 < L: no polynomial part
    p = np.array(counts) / 5
    assert run(jvhw.jvhw, counts).value == pytest.approx(stats.entropy(p) + 3 / 10, rel=1e-14)


@pytest.mark.parametrize("method", ["pym", "chao_wang_jost", "jvhw"])
def test_support_free_methods_ignore_a_declared_support(method):
    x = np.random.default_rng(4).integers(0, 60, 150)
    free = ik.estimate_entropy(x, method)
    declared = ik.estimate_entropy(x, method, support_size=80)
    assert free.value == declared.value
    assert declared.diagnostics["support_size_used"] is False and "support_size_used" not in free.diagnostics


def test_chao_wang_jost_on_word_counts_from_pandas():
    pd = pytest.importorskip("pandas")
    from sklearn.datasets import load_breast_cancer

    words = pd.Series(" ".join(load_breast_cancer().DESCR.lower().split()).split(" "))
    counts = words.value_counts()
    est = ik.estimate_entropy(ik.Empirical.from_counts(counts.to_numpy()), "chao_wang_jost")
    assert est.value == pytest.approx(cwj_mpmath(counts.to_numpy()), rel=1e-12)
    assert est.diagnostics["f1"] == int((counts == 1).sum())
