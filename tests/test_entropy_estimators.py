"""Tests of the frequentist entropy-estimator kernels (``infokit._estimators.discrete``).

Reference values come from independent implementations written here with
mpmath (50 digits) that follow each paper's literal formula on the count
vector (never the fingerprint, never the closed forms used by the kernels),
plus a brute-force leave-one-out loop for the jackknife.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mpmath import mp, mpf

from infokit._estimators import discrete
from infokit._estimators.methods import ENTROPY_KERNELS, METHODS
from infokit._estimators.result import KernelResult, Profile

mp.dps = 50
KERNELS = {name: fn for name, fn in ENTROPY_KERNELS.items() if fn.__module__ == discrete.__name__}
NAMES = list(KERNELS)
DETERMINISTIC = [k for k in NAMES if k != "chao_shen"]


def run(name, counts, support_size=None, seed=0):
    prof = Profile.from_counts(counts, support_size)
    return KERNELS[name](prof, level=0.95, rng=np.random.default_rng(seed))


# --------------------------------------------------------------------------
# mpmath references (literal formulas on the count vector)
# --------------------------------------------------------------------------
def _pos(counts):
    return [int(c) for c in counts if c > 0]


def ref_plugin(counts):
    c = _pos(counts)
    n = sum(c)
    return -mp.fsum(mpf(x) / n * mp.log(mpf(x) / n) for x in c)


def ref_miller_madow(counts):
    c = _pos(counts)
    return ref_plugin(c) + mpf(len(c) - 1) / (2 * sum(c))


def ref_jackknife(counts):
    """Brute force: delete each sample in turn, plug-in on what is left.

    Samples of one outcome give the same leave-one-out estimate, so the loop
    runs over outcomes (each one weighted by its count) — the same sum.
    Returns (estimate, jackknife standard error).
    """
    c = _pos(counts)
    n = sum(c)
    if n == 1:
        return mpf(0), mpf(0)
    loo = []  # (weight, H_{-i})
    for i, x in enumerate(c):
        rest = c[:i] + ([x - 1] if x > 1 else []) + c[i + 1 :]
        loo.append((x, ref_plugin(rest)))
    mean = mp.fsum(w * h for w, h in loo) / n
    est = n * ref_plugin(c) - mpf(n - 1) / n * mp.fsum(w * h for w, h in loo)
    var = mpf(n - 1) / n * mp.fsum(w * (h - mean) ** 2 for w, h in loo)
    return est, mp.sqrt(var)


def ref_jackknife_loop(counts):
    """The jackknife with a literal loop over every one of the n samples."""
    c = _pos(counts)
    n = sum(c)
    samples = [i for i, x in enumerate(c) for _ in range(x)]
    hs = []
    for s in range(n):
        left = samples[:s] + samples[s + 1 :]
        hs.append(ref_plugin(np.bincount(left, minlength=len(c)).tolist()) if left else mpf(0))
    return n * ref_plugin(c) - mpf(n - 1) / n * mp.fsum(hs)


def _grassberger_G(m):
    m = mpf(m)
    return mp.digamma(m) + mpf(-1) ** int(m) / 2 * (mp.digamma((m + 1) / 2) - mp.digamma(m / 2))


def ref_grassberger(counts):
    c = _pos(counts)
    n = sum(c)
    return mp.log(n) - mp.fsum(x * _grassberger_G(x) for x in c) / n


def ref_zhang(counts):
    """Zhang (2012) eq.: sum_v 1/v sum_x p_x prod_{j<v} (1 - (n_x-1)/(n-1-j)).

    The product for ``v`` is the product for ``v - 1`` times one factor, so the
    literal triple sum costs O(n k) rather than O(n^2 k).
    """
    c = _pos(counts)
    n = sum(c)
    total = mpf(0)
    prods = [mpf(1)] * len(c)
    for v in range(1, n):
        j = v - 1
        prods = [pr * (1 - mpf(x - 1) / (n - 1 - j)) for pr, x in zip(prods, c)]
        total += mp.fsum(mpf(x) / n * pr for x, pr in zip(c, prods)) / v
    return total


def ref_zhang_digamma(counts):
    """Closed form sum_x p_x (psi(n) - psi(n_x)) (checked against ref_zhang below)."""
    c = _pos(counts)
    n = sum(c)
    return mp.fsum(mpf(x) / n * (mp.digamma(n) - mp.digamma(x)) for x in c)


def ref_chao_shen(counts):
    """As the R package entropy's entropy.ChaoShen."""
    c = _pos(counts)
    n = sum(c)
    f1 = sum(1 for x in c if x == 1)
    if f1 == n:
        f1 = n - 1
    C = 1 - mpf(f1) / n
    out = mpf(0)
    for x in c:
        pa = C * x / n
        la = 1 - (1 - pa) ** n
        out -= pa * mp.log(pa) / la
    return out


def ref_shrinkage(counts, k=None):
    """Hausser & Strimmer (2009) eqs. 5-8 on the full vector with k - k_obs zeros."""
    c = _pos(counts)
    k = len(c) if k is None else k
    y = c + [0] * (k - len(c))
    n = sum(y)
    u = [mpf(x) / n for x in y]
    t = mpf(1) / k
    msp = mp.fsum((t - ui) ** 2 for ui in u)
    if n == 1 or msp == 0:
        lam = mpf(1)
    else:
        lam = (1 - mp.fsum(ui**2 for ui in u)) / ((n - 1) * msp)
        lam = min(mpf(1), max(mpf(0), lam))
    q = [lam * t + (1 - lam) * ui for ui in u]
    return -mp.fsum(qi * mp.log(qi) for qi in q if qi > 0), lam


def ref_bonachela(counts):
    c = _pos(counts)
    n = sum(c)
    return mp.fsum((x + 1) * mp.fsum(mpf(1) / j for j in range(x + 2, n + 3)) for x in c) / (n + 2)


def ref_bonachela_digamma(counts):
    """Closed form: sum_{j=a}^{b} 1/j = psi(b+1) - psi(a) (for n where the literal sum is too long)."""
    c = _pos(counts)
    n = sum(c)
    return mp.fsum((x + 1) * (mp.digamma(n + 3) - mp.digamma(x + 2)) for x in c) / (n + 2)


REFS = {
    "plugin": ref_plugin,
    "miller_madow": ref_miller_madow,
    "jackknife": lambda c: ref_jackknife(c)[0],
    "grassberger": ref_grassberger,
    "zhang": ref_zhang,
    "chao_shen": ref_chao_shen,
    "shrinkage": lambda c: ref_shrinkage(c)[0],
    "bonachela": ref_bonachela,
}


def _random_counts():
    rng = np.random.default_rng(12345)
    p = rng.dirichlet(np.full(40, 0.7))
    return [int(x) for x in rng.multinomial(1000, p) if x > 0]


VECTORS = [
    [1],
    [5],
    [1, 1, 1],
    [5, 3, 2, 1],
    [2, 2],
    [1, 2],
    [7, 3, 5, 8, 9, 1, 3, 3, 1, 2, 5, 2, 11, 4, 23, 5, 8],
    _random_counts(),
]


def close(a, b, rel=1e-12, abs_=1e-15):
    return abs(mpf(a) - b) <= rel * abs(b) + abs_


# --------------------------------------------------------------------------
# values against the references
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("counts", VECTORS, ids=lambda c: f"n{sum(c)}k{len(c)}")
def test_against_mpmath_reference(name, counts):
    got = run(name, counts)
    ref = REFS[name](counts)
    assert isinstance(got, KernelResult)
    assert close(got.value, ref), (name, counts, got.value, mp.nstr(ref, 20))


def test_zhang_published_value():
    # Zhang (2012): counts (5, 3, 2, 1) -> 1.3910894661 nats
    assert abs(run("zhang", [5, 3, 2, 1]).value - 1.3910894661) < 1e-9
    assert abs(float(ref_zhang([5, 3, 2, 1])) - 1.3910894661) < 1e-9


@pytest.mark.parametrize("counts", VECTORS[:7] + [[40, 1, 1, 2, 9], [100, 1]], ids=str)
def test_zhang_closed_form_identity(counts):
    # the literal triple sum equals sum_x p_x (psi(n) - psi(n_x)) to 40 digits
    assert abs(ref_zhang(counts) - ref_zhang_digamma(counts)) < mpf(10) ** -40


@pytest.mark.parametrize("counts", VECTORS, ids=lambda c: f"n{sum(c)}k{len(c)}")
def test_bonachela_closed_form_identity(counts):
    assert abs(ref_bonachela(counts) - ref_bonachela_digamma(counts)) < mpf(10) ** -40


@pytest.mark.parametrize("counts", [[1], [2], [1, 1], [3, 1], [5, 3, 2, 1], [2, 2, 1, 4, 1, 1]], ids=str)
def test_jackknife_literal_loop(counts):
    # grouped reference == loop over every sample; kernel == both
    est, _ = ref_jackknife(counts)
    assert abs(est - ref_jackknife_loop(counts)) < mpf(10) ** -40
    assert close(run("jackknife", counts).value, est)


@pytest.mark.parametrize("counts", VECTORS, ids=lambda c: f"n{sum(c)}k{len(c)}")
def test_jackknife_stderr(counts):
    # the brute-force jackknife variance plus the second-order chi2 term (k_obs - 1) / (2 n^2)
    got = run("jackknife", counts)
    _, se = ref_jackknife(counts)
    c = _pos(counts)
    se = mp.sqrt(se**2 + ref_chi2_var(c))
    assert got.stderr_method == "jackknife+chi2"
    assert close(got.stderr, se, rel=1e-10, abs_=1e-14), (got.stderr, se)


def test_jackknife_large_n_no_cancellation():
    # n = 1e6 (and 1e9): the estimate and its SE match the brute-force
    # leave-one-out references in 50-digit arithmetic
    rng = np.random.default_rng(7)
    counts = rng.multinomial(10**6, rng.dirichlet(np.ones(10))).tolist()
    for c in (counts, [4 * 10**8, 6 * 10**8], [10**9 - 1, 1], [3, 10**6]):
        got = run("jackknife", c)
        est, se = ref_jackknife(c)
        se = mp.sqrt(se**2 + ref_chi2_var(c))
        assert close(got.value, est), (c, got.value, est)
        assert close(got.stderr, se, rel=1e-8), (c, got.stderr, se)


@pytest.mark.parametrize(
    "counts", [[4 * 10**8, 6 * 10**8], [10**9 - 1, 1], [123456789, 987654321, 5, 1, 1], [10**6, 10**6 + 1]], ids=str
)
@pytest.mark.parametrize("name", ["plugin", "miller_madow", "grassberger", "zhang", "bonachela", "chao_shen"])
def test_large_n_against_reference(name, counts):
    # the closed forms (digamma) of Zhang and Bonachela are the references
    # here (the literal sums have ~1e9 terms); they are checked against the
    # literal sums on small vectors above / below
    refs = dict(REFS, zhang=ref_zhang_digamma, bonachela=ref_bonachela_digamma)
    ref = refs[name](counts)
    got = run(name, counts).value
    rel = 1e-7 if counts[1] == 1 else 1e-11  # H ~ 2e-8: plug-in rounding of p = 1 - 1e-9
    assert close(got, ref, rel=rel), (name, got, ref)


def test_shrinkage_reference_and_lambda():
    for counts in VECTORS:
        for k in (None, len(counts), len(counts) + 3, 3 * len(counts) + 7):
            got = run("shrinkage", counts, support_size=k)
            ref, lam = ref_shrinkage(counts, k)
            assert close(got.value, ref), (counts, k, got.value, ref)
            assert close(got.info["lambda"], lam, abs_=1e-14)
            assert 0.0 <= got.info["lambda"] <= 1.0


def test_shrinkage_huge_declared_support():
    # k = 1e12 is never materialised
    for k in (10**6, 10**12):
        r = run("shrinkage", [3, 2, 1, 1], support_size=k)
        assert np.isfinite(r.value) and 0 <= r.value <= math.log(k) + 1e-9
        assert 0 <= r.info["lambda"] <= 1


# --------------------------------------------------------------------------
# standard errors
# --------------------------------------------------------------------------
def ref_chi2_var(counts):
    """Variance of chi2_df / (2n), df = k_obs - 1: 2 df / (2n)^2 (the plug-in's second-order term)."""
    c = _pos(counts)
    n = mpf(sum(c))
    return 2 * mpf(len(c) - 1) / (2 * n) ** 2


def ref_delta_se(counts):
    """Delta-method SE sqrt(Var_p[log p] / n), with the second-order chi2 variance added."""
    c = _pos(counts)
    n = sum(c)
    p = [mpf(x) / n for x in c]
    h = ref_plugin(c)
    return mp.sqrt((mp.fsum(pi * mp.log(pi) ** 2 for pi in p) - h**2) / n + ref_chi2_var(c))


@pytest.mark.parametrize("counts", VECTORS, ids=lambda c: f"n{sum(c)}k{len(c)}")
def test_delta_stderr(counts):
    ref = ref_delta_se(counts)
    for name in ["plugin", "miller_madow", "grassberger", "zhang", "shrinkage", "bonachela"]:
        r = run(name, counts)
        assert r.stderr_method == "delta+chi2"
        assert r.interval is None
        assert close(r.stderr, ref, rel=1e-10, abs_=1e-14), (name, r.stderr, ref)


def test_chao_shen_bootstrap():
    counts = [7, 3, 5, 8, 9, 1, 3, 3, 1, 2, 5, 2, 11, 4, 23, 5, 8]
    a = run("chao_shen", counts, seed=1)
    b = run("chao_shen", counts, seed=1)
    c = run("chao_shen", counts, seed=2)
    assert a.stderr_method == "bootstrap" and a.interval is None
    assert a.stderr == b.stderr  # seeded
    assert a.stderr != c.stderr
    assert a.info["bootstrap_replicates"] == 200
    # same order of magnitude as the asymptotic SE
    assert 0.3 < a.stderr / float(ref_delta_se(counts)) < 3
    assert a.info["coverage"] == pytest.approx(1 - 2 / sum(counts))
    # the bootstrap replicates are Chao-Shen estimates: recompute by hand
    rng = np.random.default_rng(1)
    prof = Profile.from_counts(counts)
    x = rng.multinomial(prof.n, np.sort(prof.counts) / prof.n, size=200)  # drawn on the counts in increasing order
    boot = [float(ref_chao_shen(row.tolist())) for row in x]
    assert a.stderr == pytest.approx(np.std(boot, ddof=1), rel=1e-10)


def test_chao_shen_many_outcomes_falls_back_to_delta():
    r = run("chao_shen", np.ones(200_001, dtype=np.int64))
    assert r.stderr_method == "delta+chi2" and "stderr_fallback" in r.info


# --------------------------------------------------------------------------
# properties
# --------------------------------------------------------------------------
counts_st = st.lists(st.integers(0, 60), min_size=1, max_size=25).filter(lambda c: sum(c) > 0)

# log m - G(m) is smallest at m = 2: Grassberger's lower bound
GRASSBERGER_MIN = math.log(2) - float(_grassberger_G(2))


@given(counts_st, st.randoms(use_true_random=False))
def test_permutation_invariance(counts, rnd):
    perm = list(counts)
    rnd.shuffle(perm)
    for name in NAMES:
        a, b = run(name, counts), run(name, perm)
        assert a.value == pytest.approx(b.value, rel=1e-12, abs=1e-15), name
        if name != "chao_shen":  # bootstrap draws depend on the order
            assert a.stderr == pytest.approx(b.stderr, rel=1e-9, abs=1e-15), name


@given(counts_st, st.integers(0, 20), st.integers(0, 50))
def test_zero_counts_and_declared_support(counts, zeros, extra):
    k_obs = sum(1 for c in counts if c > 0)
    padded = list(counts) + [0] * zeros
    k = k_obs + extra
    for name in NAMES:
        base = run(name, counts).value
        assert run(name, padded).value == base, name  # zeros are dropped
        if name != "shrinkage":  # does not depend on k at all
            assert run(name, padded, support_size=k).value == base, name
    # shrinkage depends on the declared k only, not on how many zeros were passed
    s = run("shrinkage", counts, support_size=k).value
    assert run("shrinkage", padded, support_size=k).value == s
    assert run("shrinkage", list(counts) + [0] * (extra + 3), support_size=k).value == s


@given(counts_st, st.one_of(st.none(), st.integers(0, 100)))
def test_finite_nonnegative_and_ordering(counts, extra):
    k_obs = sum(1 for c in counts if c > 0)
    k = None if extra is None else k_obs + extra
    res = {name: run(name, counts, support_size=k) for name in NAMES}
    for name, r in res.items():
        assert np.isfinite(r.value) and np.isfinite(r.stderr) and r.stderr >= 0, name
        if name == "grassberger":
            assert r.value >= GRASSBERGER_MIN - 1e-12
        else:
            assert r.value >= 0, name
    h = res["plugin"].value
    tol = 1e-12 * max(1.0, h)
    # bias corrections only add; shrinkage towards uniform only adds (concavity)
    for name in ("miller_madow", "jackknife", "zhang", "shrinkage"):
        assert res[name].value >= h - tol, name
    kk = k_obs if k is None else k
    assert res["shrinkage"].value <= math.log(kk) + 1e-12
    assert res["plugin"].value <= math.log(k_obs) + 1e-12


def test_grassberger_can_be_negative():
    # a single outcome seen twice: log 2 - G(2) = -0.0365...
    r = run("grassberger", [2])
    assert r.value < 0
    assert r.value == pytest.approx(GRASSBERGER_MIN, rel=1e-13)


def test_convergence_large_n():
    p = np.array([0.3, 0.2, 0.15, 0.1, 0.08, 0.06, 0.05, 0.03, 0.02, 0.01])
    h_true = float(-np.sum(p * np.log(p)))
    rng = np.random.default_rng(2024)
    counts = rng.multinomial(10**6, p)
    for name in NAMES:
        r = run(name, counts)
        assert r.stderr > 0
        assert abs(r.value - h_true) < 5 * r.stderr, (name, r.value, h_true, r.stderr)


# --------------------------------------------------------------------------
# edge cases and extremes
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name", NAMES)
def test_single_sample(name):
    r = run(name, [1])
    expected = {"grassberger": float(ref_grassberger([1])), "bonachela": 2 / 9}.get(name, 0.0)
    assert r.value == pytest.approx(expected, abs=1e-15)
    assert r.stderr == 0.0


@pytest.mark.parametrize("name", NAMES)
def test_one_outcome(name):
    r = run(name, [10**9])
    assert np.isfinite(r.value) and r.stderr == 0.0
    if name not in ("grassberger", "bonachela"):
        assert r.value == 0.0


@pytest.mark.parametrize("name", NAMES)
def test_huge_n(name):
    r = run(name, [4 * 10**8, 6 * 10**8])
    h = -(0.4 * math.log(0.4) + 0.6 * math.log(0.6))
    assert np.isfinite(r.value) and np.isfinite(r.stderr)
    assert abs(r.value - h) < 1e-8
    assert r.stderr == pytest.approx(math.sqrt(0.4 * 0.6) * math.log(1.5) / math.sqrt(1e9), rel=0.2)


@pytest.mark.parametrize("name", NAMES)
def test_huge_k_all_singletons(name):
    # 1e6 singletons: coverage 0 (Chao-Shen uses f1 = n - 1), no warnings
    counts = np.ones(10**6, dtype=np.int64)
    r = run(name, counts)
    assert np.isfinite(r.value) and np.isfinite(r.stderr) and r.value > 0
    # closed forms for n = K = 1e6 singletons
    n = mpf(10**6)
    if name == "chao_shen":
        pa = 1 / n**2  # coverage 1/n
        exact = -n * pa * mp.log(pa) / (1 - (1 - pa) ** n)
    else:
        exact = {
            "plugin": mp.log(n),
            "miller_madow": mp.log(n) + (n - 1) / (2 * n),
            "jackknife": n * mp.log(n) - (n - 1) * mp.log(n - 1),
            "zhang": mp.digamma(n) - mp.digamma(1),
            "grassberger": mp.log(n) - _grassberger_G(1),
            "shrinkage": mp.log(n),  # p_hat is the uniform target
            "bonachela": 2 * (mp.digamma(n + 3) - mp.digamma(3)) * n / (n + 2),
        }[name]
    assert close(r.value, exact, rel=1e-11), (name, r.value, exact)


def test_kernel_table():
    # every kernel of this module is registered under its own name, and the registry points back here
    assert set(KERNELS) == set(discrete.__all__)
    for name, fn in KERNELS.items():
        assert fn.__name__ == name and fn.__doc__ and name in discrete.__all__
        assert METHODS[name].reference
