"""The ``method="auto"`` rule (``infokit._estimators.auto``): valid choices on edge cases,
and a small seeded simulation against a few fixed estimators.

The full simulation the rule was tuned on is ``benchmarks/bench_estimators.py``.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import xlogy

from infokit._estimators import auto as _auto
from infokit._estimators.methods import ENTROPY_KERNELS as KERNELS
from infokit._estimators.result import Profile

NEEDS_K = {"shrinkage", "dirichlet", "nsb"}


def _check(prof):
    method, reason = _auto.choose(prof)
    assert method in KERNELS
    assert isinstance(reason, str) and reason and "\n" not in reason
    if not prof.k_declared:
        assert method not in NEEDS_K
    res = KERNELS[method](prof, level=0.95, rng=np.random.default_rng(0))
    assert math.isfinite(res.value)
    assert res.value >= -0.1  # Grassberger can dip slightly below 0
    if prof.k_declared:
        assert res.value <= math.log(max(prof.k, 1)) + 0.1
    return method


EDGE_CASES = {
    "n=1, K declared": ([1], 10),
    "n=1, K not declared": ([1], None),
    "all singletons, K declared": ([1] * 50, 1000),
    "all singletons, K not declared": ([1] * 50, None),
    "one outcome seen many times": ([500], 20),
    "one outcome, K not declared": ([500], None),
    "K = 1": ([7], 1),
    "huge K, no repeat": ([1] * 20, 10**12),
    "huge K, repeats": ([3, 2, 1, 1, 1, 5], 10**12),
    "two samples, same outcome": ([2], 100),
    "well sampled, no K": (list(range(20, 60)), None),
    "well sampled, K": (list(range(20, 60)), 40),
    "undersampled, no K": ([3, 2, 2] + [1] * 40, None),
    "undersampled, K": ([3, 2, 2] + [1] * 40, 5000),
}


@pytest.mark.parametrize("name", list(EDGE_CASES))
def test_edge_cases_return_valid_method(name):
    counts, k = EDGE_CASES[name]
    _check(Profile.from_counts(np.array(counts), k))


def test_expected_regimes():
    # no repeated outcome with a declared support: indistinguishable from uniform
    assert _check(Profile.from_counts(np.ones(50, dtype=int), 1000)) == "shrinkage"
    # one outcome seen 500 times out of 20 declared: far from uniform; NSB (with a declared
    # support the rule is: uniform-looking -> shrinkage, else NSB; bench_estimators.py measured
    # the former Miller-Madow/Grassberger steps to cost interval coverage)
    assert _check(Profile.from_counts(np.array([500]), 20)) == "nsb"
    assert _check(Profile.from_counts(np.array([3]), None)) == "miller_madow"
    # far from uniform, fully covered: NSB when the support is declared, the jackknife when not
    # (without K the well-sampled step is coverage >= 0.90 -> jackknife: bench_estimators.py
    # measured the jackknife's interval to cover more often than Grassberger's there)
    assert _check(Profile.from_counts(np.array([500, 3, 2]), 20)) == "nsb"
    assert _check(Profile.from_counts(np.array([500, 3, 2]), None)) == "jackknife"
    # many singletons, some repeats far above what uniform over 1e6 outcomes gives
    assert _check(Profile.from_counts(np.array([30, 20, 10] + [1] * 40), 10**6)) == "nsb"
    assert _check(Profile.from_counts(np.array([30, 20, 10] + [1] * 40), None)) == "chao_shen"
    assert _check(Profile.from_counts(np.arange(20, 60), None)) == "jackknife"
    # the no-K threshold on the Good-Turing coverage 1 - f1/n: n = 100 with 8 singletons
    # (coverage 0.92) -> jackknife; with 12 (0.88) -> Chao-Shen
    assert _check(Profile.from_counts(np.array([40, 30, 22] + [1] * 8), None)) == "jackknife"
    assert _check(Profile.from_counts(np.array([40, 30, 18] + [1] * 12), None)) == "chao_shen"


def test_features_match_profile():
    counts = np.array([5, 5, 3, 1, 1, 2, 0, 0])
    prof = Profile.from_counts(counts, 10)
    ft = _auto.Features.of(prof)
    assert ft.n == 17 and ft.k_obs == 6 and ft.k == 10 and ft.k_declared
    assert ft.f1 == 2 and ft.f2 == 1
    assert ft.pairs == sum(c * (c - 1) // 2 for c in counts)
    assert ft.coincidences == prof.coincidences and ft.coverage == pytest.approx(prof.coverage)
    assert ft.profile is prof  # the features are the profile's, plus the colliding pairs
    assert _auto.choose(prof) == _auto.decide(ft)


def test_uniformity_test():
    rng = np.random.default_rng(1)
    k = 500
    uniform = Profile.from_counts(rng.multinomial(2000, np.full(k, 1.0 / k)), k)
    assert _auto.Features.of(uniform).uniform_pvalue() > 1e-3
    p = 1.0 / np.arange(1, k + 1)
    skewed = Profile.from_counts(rng.multinomial(2000, p / p.sum()), k)
    assert _auto.Features.of(skewed).uniform_pvalue() < 1e-6


def _compositions(n, k):
    """Every vector of k non-negative counts summing to n."""
    if k == 1:
        yield (n,)
        return
    for first in range(n + 1):
        for rest in _compositions(n - first, k - 1):
            yield (first, *rest)


@pytest.mark.parametrize("n, k", [(5, 3), (7, 2), (6, 4), (4, 6), (9, 3)])
def test_uniform_pairs_cumulants_exact(n, k):
    """The pairs' mean, variance and third cumulant against the whole multinomial law, enumerated."""
    from scipy import stats

    counts = np.array(list(_compositions(n, k)))
    prob = stats.multinomial(n, np.full(k, 1.0 / k)).pmf(counts)
    assert prob.sum() == pytest.approx(1.0, rel=1e-12)
    pairs = (counts * (counts - 1) // 2).sum(axis=1)
    mean = float(prob @ pairs)
    var = float(prob @ (pairs - mean) ** 2)
    k3 = float(prob @ (pairs - mean) ** 3)
    assert _auto.uniform_pairs_cumulants(n, k) == pytest.approx((mean, var, k3), rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("n, k, reps", [(100, 10, 200_000), (1000, 100, 100_000), (60, 20, 200_000),
                                        (900, 300, 50_000), (100, 1000, 50_000)])
def test_uniform_test_has_its_level(n, k, reps):
    """Uniform samples are rejected at about the level asked for (the Poisson law alone: 0.6% at 1e-3
    for n = 100, k = 10, and 0.26% for n = 1000, k = 100)."""
    rng = np.random.default_rng(20261202)
    c = rng.multinomial(n, np.full(k, 1.0 / k), size=reps)
    pairs = (c * (c - 1) // 2).sum(axis=1)
    values, freq = np.unique(pairs, return_counts=True)
    pv = np.array([_auto.uniform_pairs_pvalue(int(v), n, k) for v in values])
    for level, lo, hi in ((1e-3, 0.4e-3, 2e-3), (1e-2, 0.6e-2, 1.4e-2)):
        rate = freq[pv < level].sum() / reps
        assert lo <= rate <= hi, (level, rate)


def test_uniform_pvalue_is_pearsons_when_well_sampled():
    """Many samples per outcome: the pairs are Pearson's chi-square in another form, and the p-value
    is scipy.stats.chisquare's (chi-square on k - 1 degrees of freedom)."""
    from scipy import stats

    rng = np.random.default_rng(5)
    k, n = 50, 100_000
    for _ in range(6):
        p = np.full(k, 1.0 / k) * (1.0 + 0.02 * rng.standard_normal(k))
        c = rng.multinomial(n, p / p.sum())
        pairs = int((c * (c - 1) // 2).sum())
        expected = stats.chisquare(c).pvalue
        assert _auto.uniform_pairs_pvalue(pairs, n, k) == pytest.approx(expected, rel=5e-3)


def _draw(family, k, rng):
    if family == "dirichlet":
        return rng.dirichlet(np.full(k, 0.1))
    if family == "zipf":
        w = 1.0 / np.arange(1, k + 1)
        return w / w.sum()
    if family == "uniform":
        return np.full(k, 1.0 / k)
    raise ValueError(family)


# (family, K, N): an undersampled skewed cell, a well-sampled long tail (NSB for both, the
# support being declared), a uniform cell (shrinkage) and a moderately sampled one.
CELLS = [("dirichlet", 1000, 1000), ("zipf", 200, 2000), ("uniform", 500, 500), ("dirichlet", 100, 100)]
COMPARED = ["miller_madow", "grassberger", "chao_shen", "nsb"]


@pytest.mark.parametrize("family,k,n", CELLS)
def test_auto_rmse_close_to_best_of_a_few(family, k, n):
    rng = np.random.default_rng([7, k, n])
    reps = 30
    err = {m: [] for m in COMPARED + ["auto"]}
    p = _draw(family, k, rng)
    for _ in range(reps):
        if family == "dirichlet":
            p = _draw(family, k, rng)
        h = float(-np.sum(xlogy(p, p)))
        prof = Profile.from_counts(rng.multinomial(n, p), k)
        values = {}
        for m in COMPARED:
            values[m] = KERNELS[m](prof, level=0.95, rng=rng).value
            err[m].append(values[m] - h)
        chosen, _ = _auto.choose(prof)
        v = values[chosen] if chosen in values else KERNELS[chosen](prof, level=0.95, rng=rng).value
        err["auto"].append(v - h)
    rmse = {m: math.sqrt(np.mean(np.square(e))) for m, e in err.items()}
    best = min(rmse[m] for m in COMPARED)
    assert rmse["auto"] <= 1.6 * best, rmse


@settings(max_examples=200, deadline=None)
@given(n=st.integers(2, 10**7), k=st.integers(2, 10**6), frac=st.floats(0.0, 3.0))
def test_uniform_pvalue_is_a_tail_probability(n, k, frac):
    """In [0, 1], 1 at no colliding pair, and non-increasing in the pairs (either law, at every n and k)."""
    mean = n * (n - 1) / (2.0 * k)
    pairs = int(frac * mean) + 1
    pv = _auto.uniform_pairs_pvalue(pairs, n, k)
    assert 0.0 <= pv <= 1.0
    assert _auto.uniform_pairs_pvalue(0, n, k) == 1.0
    assert _auto.uniform_pairs_pvalue(pairs + max(1, pairs // 10), n, k) <= pv + 1e-15
