"""``g_test`` (``infokit._estimators.gtest``) against scipy's power divergence."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

import infokit as ik


@given(
    counts=st.lists(st.integers(0, 60), min_size=2, max_size=8).filter(lambda c: sum(c) > 0),
    seed=st.integers(0, 2**31 - 1),
)
def test_g_test_matches_scipy_power_divergence(counts, seed):
    k = len(counts)
    q = np.random.default_rng(seed).dirichlet(np.ones(k)) * 0.98 + 0.02 / k
    q = q / q.sum()
    res = ik.g_test(ik.Empirical.from_counts(counts), q, williams=False)
    n = sum(counts)
    ref = stats.power_divergence(counts, f_exp=q * n, lambda_="log-likelihood")
    assert res.statistic == pytest.approx(ref.statistic, rel=1e-9, abs=1e-12)
    assert res.pvalue == pytest.approx(ref.pvalue, rel=1e-8, abs=1e-14)
    assert res.dof == k - 1 and res.williams == 1.0 and res.n == n

def test_g_test_williams_correction_and_ddof():
    counts = [12, 5, 9, 4]
    q = [0.25] * 4
    n = sum(counts)
    plain = ik.g_test(ik.Empirical.from_counts(counts), q, williams=False)
    corr = ik.g_test(ik.Empirical.from_counts(counts), q)
    factor = 1 + (4 + 1) / (6 * n)  # Williams (1976) for a goodness-of-fit test with 4 classes
    assert corr.williams == pytest.approx(factor)
    assert corr.statistic == pytest.approx(plain.statistic / factor, rel=1e-14)
    assert corr.pvalue == pytest.approx(stats.chi2.sf(plain.statistic / factor, 3), rel=1e-10)
    one = ik.g_test(ik.Empirical.from_counts(counts), q, williams=False, ddof=1)
    ref = stats.power_divergence(counts, f_exp=np.array(q) * n, ddof=1, lambda_="log-likelihood")
    assert one.dof == 2 and one.pvalue == pytest.approx(ref.pvalue, rel=1e-10)
    stat, p = plain  # unpacks like scipy's result
    assert stat == plain.statistic and p == plain.pvalue

def test_g_test_from_samples_and_dict():
    x = ["a"] * 10 + ["b"] * 6 + ["c"] * 4
    res = ik.g_test(x, {"a": 0.5, "b": 0.3, "c": 0.2}, williams=False)
    assert res.statistic == pytest.approx(0.0, abs=1e-12) and res.pvalue == pytest.approx(1.0)
    assert res.divergence == pytest.approx(0.0, abs=1e-15)

def test_g_test_impossible_outcome_and_errors():
    res = ik.g_test([0, 1, 1, 2], [0.5, 0.5, 0.0], williams=False)
    assert res.statistic == math.inf and res.pvalue == 0.0
    with pytest.raises(ValueError, match="'ddof'"):
        ik.g_test([0, 1], [0.5, 0.5], ddof=-1)
    with pytest.raises(ValueError, match="degrees of freedom"):
        ik.g_test([0, 1], [0.5, 0.5], ddof=1)
    with pytest.raises(TypeError, match="'williams'"):
        ik.g_test([0, 1], [0.5, 0.5], williams="yes")
    with pytest.raises(ValueError, match="sum to 1|sums to"):
        ik.g_test([0, 1], [0.5, 0.6])


def test_g_test_q_as_labelled_series_is_aligned_by_label():
    pd = pytest.importorskip("pandas")
    x = ["a"] * 10 + ["b"] * 6 + ["c"] * 4
    q = pd.Series([0.2, 0.5, 0.3], index=["c", "a", "b"])
    assert ik.g_test(x, q) == ik.g_test(x, {"a": 0.5, "b": 0.3, "c": 0.2})
