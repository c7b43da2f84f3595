"""Every discrete Estimate's point lies in its interval, and both in the quantity's range.

Ranges: entropy [0, log K] (K declared) or [0, inf); mutual information
[0, min(H_X, H_Y)] with the estimator's marginal entropies; KL divergence
[0, inf).  Width 0 only where the quantity is exactly determined.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import infokit as ik
from infokit._estimators.methods import ENTROPY_METHODS, KL, MUTUAL_INFORMATION, names
from infokit._estimators.result import chi2_variance, finish_interval, one_outcome_entropy_bound, unseen_mass_bound

MI_METHODS = [m for m in names(MUTUAL_INFORMATION, data="discrete")]
KL_METHODS = [m for m in names(KL, data="discrete")]
TOL = 1e-12

counts_st = st.lists(st.integers(0, 40), min_size=1, max_size=12).filter(lambda c: sum(c) > 0)
SETTINGS = settings(max_examples=25, deadline=None, derandomize=True)


def attempt(fn, *args, **kwargs):
    """The estimate, or None where the method refuses the input with an InvalidArgumentError (not a number)."""
    try:
        return fn(*args, **kwargs)
    except ik.errors.InvalidArgumentError:
        return None


def assert_holds(est, lower=0.0, upper=math.inf, determined=False):
    lo, hi = est.ci
    v = float(est.value)
    tol = TOL * max(1.0, abs(v))
    assert lower - tol <= lo <= v + tol, (est, lower)
    assert v - tol <= hi <= upper + tol, (est, upper)
    if determined:
        assert lo == hi == v
    else:
        assert hi > lo, est


# --------------------------------------------------------------------------
# properties over random counts
# --------------------------------------------------------------------------
@SETTINGS
@given(counts_st, st.one_of(st.none(), st.integers(0, 5)))
def test_entropy_every_method(counts, extra):
    k_obs = sum(1 for c in counts if c > 0)
    k = None if extra is None else k_obs + extra
    e = ik.Empirical.from_counts(counts)
    for m in ENTROPY_METHODS:
        est = attempt(ik.estimate_entropy, e, m, support_size=k, rng=0)
        if est is None:
            continue
        upper = math.log(k) if k is not None else math.inf
        assert_holds(est, 0.0, upper, determined=(k == 1)), m


@SETTINGS
@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), min_size=1, max_size=40))
def test_mutual_information_every_method(pairs):
    x = np.array([a for a, _ in pairs])
    y = np.array([b for _, b in pairs])
    for m in MI_METHODS:
        est = attempt(ik.estimate_mutual_information, x, y, m, rng=0)
        if est is None:
            continue
        upper = est.diagnostics["upper_bound"]
        constant = len(set(x)) == 1 or len(set(y)) == 1
        assert_holds(est, 0.0, upper), m
        if constant:  # a variable seen with one value: MI 0 in the sample, at most that variable's entropy,
            # which the data bound only through the unseen mass: [0, h(u)], u = 1 - 0.025^(1/n)
            u = 1.0 - 0.025 ** (1.0 / x.size)
            assert est.value == 0.0 and est.ci == pytest.approx((0.0, stats.entropy([u, 1.0 - u]))), m


@SETTINGS
@given(counts_st, st.integers(0, 2**31 - 1))
def test_kl_known_q_every_method(counts, seed):
    q = np.random.default_rng(seed).dirichlet(np.ones(len(counts)))
    x = np.repeat(np.arange(len(counts)), counts)
    for m in KL_METHODS:
        est = attempt(ik.estimate_kl, x, q, m, rng=0)
        if est is not None:
            assert_holds(est, determined=len(counts) == 1), m


@SETTINGS
@given(counts_st, counts_st)
def test_kl_sampled_q(cp, cq):
    k = max(len(cp), len(cq))
    x = np.repeat(np.arange(len(cp)), cp)
    y = np.repeat(np.arange(len(cq)), cq)
    for m in ("plugin", "miller_madow", "auto"):
        est = ik.estimate_kl(x, ik.empirical(y), m, smoothing="jeffreys")
        assert_holds(est), (m, k)


# --------------------------------------------------------------------------
# the cases of the findings
# --------------------------------------------------------------------------
@pytest.mark.parametrize("k", [None, 3])
@pytest.mark.parametrize("method", ENTROPY_METHODS)
def test_three_balanced_classes(method, k):
    # exactly balanced counts: the plug-in value is log 3 = log K; the interval must hold it and have width
    e = ik.Empirical.from_counts([50, 50, 50])
    est = ik.estimate_entropy(e, method, support_size=k, rng=0)
    lo, hi = est.ci
    assert lo <= math.log(3) <= hi + 1e-15 and hi - lo > 1e-3, est
    assert est.stderr > 0


def test_balanced_stderr_is_the_chi2_spread():
    # at uniform counts Var[log p] = 0; the spread of the plug-in is that of chi2_{K-1} / (2n)
    est = ik.estimate_entropy(ik.Empirical.from_counts([50, 50, 50]), "plugin")
    assert est.stderr == pytest.approx(math.sqrt(2 * 2) / (2 * 150), rel=1e-12)


def test_balanced_coverage_smoke():
    # uniform on 3 outcomes, n = 150: 2n(log 3 - H_plugin) ~ chi2_2 (seeded, 300 samples)
    rng = np.random.default_rng(12345)
    hits = {m: 0 for m in ("miller_madow", "jackknife", "grassberger")}
    for _ in range(300):
        e = ik.Empirical.from_counts(rng.multinomial(150, [1 / 3] * 3))
        for m in hits:
            lo, hi = ik.estimate_entropy(e, m, support_size=3).ci
            hits[m] += lo <= math.log(3) <= hi + 1e-15
    for m, h in hits.items():
        # a binomial(300, 0.95) falls below 0.88 * 300 with probability < 1e-6
        assert h / 300 >= 0.88, (m, h)


def ref_shrinkage_mi_diagonal(k, reps):
    """Closed form: y = x, k values seen `reps` times each, shrunk towards uniform on the k x k table.

    p_hat = 1/k on the diagonal; lambda = (1 - 1/k) / ((n - 1) (1/k - 1/k^2)) = k / (n - 1), capped at 1;
    diagonal cells a = lam/k^2 + (1 - lam)/k, the others b = lam/k^2; both marginals uniform.
    """
    n = k * reps
    lam = min(1.0, k / (n - 1.0)) if n > 1 else 1.0
    a = lam / k**2 + (1 - lam) / k
    b = lam / k**2
    h_joint = -k * a * math.log(a) - (k * k - k) * (b * math.log(b) if b > 0 else 0.0)
    return 2 * math.log(k) - h_joint


@pytest.mark.parametrize("reps", [1, 2, 4, 10, 1000])
def test_shrinkage_mi_perfectly_dependent(reps):
    # the Hausser-Strimmer shrinkage MI of y = x on 5 values: the closed form, tending to log 5 as n grows
    x = np.repeat(np.arange(5), reps)
    est = ik.estimate_mutual_information(x, x, "shrinkage")
    want = ref_shrinkage_mi_diagonal(5, reps)
    assert est.value == pytest.approx(want, rel=1e-10, abs=1e-15)
    assert_holds(est, 0.0, math.log(5) * (1 + 1e-12), determined=False)
    if reps == 1000:
        assert est.value == pytest.approx(math.log(5), rel=1e-2)  # lambda = 5/4999


def test_auto_on_perfectly_dependent_pair():
    # auto does not shrink a dependence seen twice over to independence: NSB's estimate, well above 0
    x = np.repeat(np.arange(5), 2)
    est = ik.estimate_mutual_information(x, x, "auto")
    nsb = ik.estimate_mutual_information(x, x, "nsb")
    assert est.method == "nsb" and est.value == nsb.value
    assert est.value > 0.5 * math.log(5) and est.ci[1] > 0.9 * math.log(5)
    # an exact copy, 10 and 100 samples a value: NSB's prior over the 20 empty cells of the 5 x 5 table
    # keeps H(X, Y) a little above H(X) (0.94 and 0.994 of log 5), and the interval holds log 5
    x = np.repeat(np.arange(5), 10)
    est = ik.estimate_mutual_information(x, x, "auto")
    assert 0.9 * math.log(5) < est.value < math.log(5) < est.ci[1]
    x = np.repeat(np.arange(5), 100)
    est = ik.estimate_mutual_information(x, x, "auto")
    assert 0.99 * math.log(5) < est.value < math.log(5) < est.ci[1]


def test_shrinkage_mi_against_plugin_large_n():
    # large n: lambda -> 0 and the shrinkage MI tends to the plug-in, here scikit-learn's mutual_info_score
    sk = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(3)
    x = rng.integers(0, 5, 200_000)
    y = np.where(rng.random(x.size) < 0.7, x, rng.integers(0, 5, x.size))
    est = ik.estimate_mutual_information(x, y, "shrinkage")
    assert est.value == pytest.approx(sk.mutual_info_score(x, y), rel=1e-3)
    est = ik.estimate_mutual_information(x, x, "shrinkage")
    assert est.value == pytest.approx(sk.mutual_info_score(x, x), rel=1e-3)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_shrinkage_mi_identity(seed):
    # the MI of the shrunk joint (target uniform on all K_X K_Y pairs) equals H(q_x) + H(q_y) - H(q),
    # lambda from Hausser-Strimmer eq. 8; scipy's entropy on the full table
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 4, 25)
    y = (x + rng.integers(0, 2, 25)) % 3
    est = ik.estimate_mutual_information(x, y, "shrinkage")
    table = np.zeros((len(set(x)), len(set(y))))
    np.add.at(table, (np.unique(x, return_inverse=True)[1], np.unique(y, return_inverse=True)[1]), 1)
    p = table / x.size
    t = 1.0 / table.size
    lam = min(1.0, (1 - np.sum(p**2)) / ((x.size - 1) * np.sum((t - p) ** 2)))
    q = lam * t + (1 - lam) * p
    want = stats.entropy(q.sum(1)) + stats.entropy(q.sum(0)) - stats.entropy(q.ravel())
    assert est.value == pytest.approx(want, rel=1e-10)
    assert est.diagnostics["lambda"] == pytest.approx(lam, rel=1e-12)
    assert est.diagnostics["upper_bound"] == pytest.approx(min(stats.entropy(q.sum(1)), stats.entropy(q.sum(0))))


@pytest.mark.parametrize("method", ["plugin", "miller_madow", "auto"])
def test_kl_of_a_sample_against_itself(method):
    x = np.random.default_rng(0).integers(0, 4, 100)
    est = ik.estimate_kl(x, ik.empirical(x), method)
    assert est.value == 0.0
    lo, hi = est.ci
    assert lo == 0.0 and hi > 0.0
    # the chi2 spread: n_eff = n m / (n + m) = 50, df = 3
    assert est.stderr == pytest.approx(math.sqrt(3 / (2 * 50**2)), rel=1e-9)


def test_kl_against_its_own_frequencies():
    # counts exactly matching Q: the delta variance is 0, the interval still has width
    x = np.repeat(np.arange(4), [10, 20, 30, 40])
    est = ik.estimate_kl(x, [0.1, 0.2, 0.3, 0.4], "miller_madow")
    assert est.value == 0.0 and est.ci[1] > 0.0 and est.diagnostics["raw_value"] < 0


def test_kl_one_outcome_q_is_determined():
    est = ik.estimate_kl(np.zeros(10, dtype=int), [1.0], "miller_madow")
    assert est.value == 0.0 and est.ci == (0.0, 0.0)


def test_grassberger_clipped_with_raw_value():
    est = ik.estimate_entropy([0, 0], "grassberger")
    assert est.value == 0.0 and est.diagnostics["raw_value"] < 0
    assert est.ci[0] == 0.0 and est.ci[1] > 0.0


@pytest.mark.parametrize("n", [1, 10, 1000])
def test_one_outcome(n):
    # one outcome seen n times: [0, h(u) + u log(K - 1)], u the exact binomial bound on the unseen mass
    u = 1 - 0.025 ** (1 / n)
    assert unseen_mass_bound(n, 0.95) == pytest.approx(u, rel=1e-12)
    h = -u * math.log(u) - (1 - u) * math.log1p(-u)
    for k, want in ((None, h), (10, min(h + u * math.log(9), math.log(10)))):
        est = ik.estimate_entropy(ik.Empirical.from_counts([n]), "miller_madow", support_size=k)
        assert est.value == 0.0 and est.ci[0] == 0.0
        assert est.ci[1] == pytest.approx(want, rel=1e-12)
        assert one_outcome_entropy_bound(n, k, 0.95) == pytest.approx(want, rel=1e-12)
    det = ik.estimate_entropy(ik.Empirical.from_counts([n]), "nsb", support_size=1)
    assert det.value == 0.0 and det.ci == (0.0, 0.0)


def test_finish_interval_rules():
    # the clipped point, the normal interval around it, clipped; width 0 only when determined
    z = stats.norm.ppf(0.975)
    point, se, (lo, hi), info = finish_interval(-0.1, 0.2, None, 0.95, lower=0.0, upper=1.0)
    assert point == 0.0 and info["raw_value"] == -0.1
    assert lo == 0.0 and hi == pytest.approx(z * 0.2, rel=1e-12)
    point, se, (lo, hi), _ = finish_interval(0.5, 0.1, (0.6, 0.9), 0.95)
    assert lo == 0.5 and hi == 0.9  # a kernel interval that misses the point is widened to it
    assert finish_interval(0.3, 0.1, None, 0.95, determined=True)[1:3] == (0.0, (0.3, 0.3))
    # a kernel interval wholly outside the range keeps its width against the edge it crossed
    point, _, (lo, hi), _ = finish_interval(-0.2, 0.02, (-0.24, -0.16), 0.95, lower=0.0, upper=1.0)
    assert point == 0.0 and lo == 0.0 and hi == pytest.approx(0.08, rel=1e-12)
    point, _, (lo, hi), _ = finish_interval(1.3, 0.1, (1.1, 1.5), 0.95, lower=0.0, upper=1.0)
    assert point == 1.0 and hi == 1.0 and lo == pytest.approx(0.6, rel=1e-12)
    assert chi2_variance(4, 10) == pytest.approx(stats.chi2(4).var() / (2 * 10) ** 2, rel=1e-12)


# --------------------------------------------------------------------------
# real data
# --------------------------------------------------------------------------
def test_mutual_information_below_zero_keeps_a_width():
    # a continuous estimate whose raw value and interval fall below 0: the data do not fix MI = 0
    x, y = np.arange(200.0) % 17, np.sin(np.arange(200.0))
    est = ik.estimate_mutual_information(x, y)
    assert est.value == 0.0 and est.ci[0] == 0.0 and est.ci[1] > 0.0


def test_iris_mutual_information_in_range():
    datasets = pytest.importorskip("sklearn.datasets")
    metrics = pytest.importorskip("sklearn.metrics")
    iris = datasets.load_iris()
    petal = np.round(iris.data[:, 2]).astype(int)  # petal length to the nearest cm (ties)
    target = iris.target
    for m in MI_METHODS:
        est = attempt(ik.estimate_mutual_information, petal, target, m, rng=0)
        if est is None:
            continue
        assert_holds(est, 0.0, est.diagnostics["upper_bound"]), m
    plug = ik.estimate_mutual_information(petal, target, "plugin")
    assert plug.value == pytest.approx(metrics.mutual_info_score(petal, target), rel=1e-10)


@SETTINGS
@given(counts_st, st.integers(0, 2**31 - 1))
def test_cross_entropy_in_range(counts, seed):
    q = np.random.default_rng(seed).dirichlet(np.ones(len(counts)))
    x = np.repeat(np.arange(len(counts)), counts)
    assert_holds(ik.estimate_cross_entropy(x, q), determined=len(counts) == 1)
    y = np.repeat(np.arange(len(counts)), counts[::-1])
    for m in ("plugin", "miller_madow"):
        assert_holds(ik.estimate_cross_entropy(x, ik.empirical(y), m, smoothing=0.5))


def test_cross_entropy_one_surprisal():
    # uniform Q: H(P, Q) = log K for every P, exactly; otherwise one surprisal seen still leaves an interval
    x = np.zeros(20, dtype=int)
    est = ik.estimate_cross_entropy(x, [0.5, 0.5])
    assert est.value == math.log(2) and est.ci == (math.log(2), math.log(2))
    est = ik.estimate_cross_entropy(x, [0.5, 0.3, 0.2])
    u = 1 - 0.025 ** (1 / 20)
    assert est.ci[0] == est.value == pytest.approx(math.log(2))
    assert est.ci[1] == pytest.approx(math.log(2) + u * (math.log(5) - math.log(2)), rel=1e-12)
