"""Tests of infokit.drift: drift measures, zero-bin handling, the permutation test, the verdict.

Expected values come from closed forms and independent formulas: mpmath at
40 digits for KL, JS, PSI = sum (q - p) ln(q/p) and the Hellinger distance
sqrt(1 - sum sqrt(pq)); the exact permutation distribution of a 2-bin table
(enumerated with hypergeometric weights from scipy); scipy's chi-square
distribution and Pearson statistic; identities between the columns.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys

import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mpmath import mp, mpf
from scipy import stats

pd = pytest.importorskip("pandas")

import infokit as ik  # noqa: E402
from infokit.binning import fit_bins, fit_categories  # noqa: E402
from infokit.drift import COLUMNS, MAX_NULL_CELLS, MAX_PERMUTATIONS, drift, drift_from_counts  # noqa: E402
from infokit.errors import ApproximationWarning, InvalidArgumentError, InvalidTypeError  # noqa: E402

LN2 = math.log(2.0)


def mp_pmf(counts, a=0.0):
    with mp.workdps(40):
        w = [mpf(int(c)) + mpf(a) for c in counts]
        s = mp.fsum(w)
        return [x / s for x in w]


def mp_kl(p, q):
    with mp.workdps(40):
        total = mpf(0)
        for pi, qi in zip(p, q):
            if pi == 0:
                continue
            if qi == 0:
                return mp.inf
            total += pi * mp.log(pi / qi)
        return total


def mp_js(p, q):
    m = [(a + b) / 2 for a, b in zip(p, q)]
    return (mp_kl(p, m) + mp_kl(q, m)) / 2


def mp_psi(p, q):
    """The textbook PSI formula, sum (q - p) ln(q / p) (inf where one side is 0 and the other not)."""
    with mp.workdps(40):
        total = mpf(0)
        for pi, qi in zip(p, q):
            if pi == qi:
                continue
            if pi == 0 or qi == 0:
                return mp.inf
            total += (qi - pi) * mp.log(qi / pi)
        return total


def mp_hellinger(p, q):
    with mp.workdps(40):
        return mp.sqrt(1 - mp.fsum(mp.sqrt(a * b) for a, b in zip(p, q)))


# --------------------------------------------------------------------------
# the measures
# --------------------------------------------------------------------------
def test_identical_samples_no_drift():
    rng = np.random.default_rng(0)
    x = rng.normal(size=2000)
    df = drift(x, x.copy(), rng=1)
    row = df.iloc[0]
    assert list(df.columns) == list(COLUMNS)
    assert df.index.tolist() == ["value"]
    for c in ("js_divergence", "js_distance", "kl_ref_cur", "kl_cur_ref", "psi", "hellinger"):
        assert row[c] == 0.0, c
    assert row.p_value == 1.0
    assert row.verdict == "no drift"
    assert row.zero_bins_ref == 0 and row.zero_bins_cur == 0
    assert row.n_ref == row.n_cur == 2000 and row.n_bins == 10
    assert row.unit == "nats"  # a library function: nats by default, like scipy


def test_strongly_shifted_normals_drift():
    rng = np.random.default_rng(1)
    df = drift({"x": rng.normal(0, 1, 3000)}, {"x": rng.normal(1.5, 1, 3000)}, rng=2)
    row = df.loc["x"]
    assert row.verdict == "drift"
    assert row.p_value == pytest.approx(1 / 1001)
    assert row.js_divergence > 10 * row.js_null_q95
    assert row.verdict_psi > 0.25


@pytest.mark.parametrize("base, factor", [("bits", LN2), ("nats", 1.0), (10, math.log(10.0))])
def test_measures_match_independent_formulas(base, factor):
    r, c = np.array([40, 30, 20, 10]), np.array([10, 20, 35, 35])
    row = drift_from_counts({"x": r}, {"x": c}, base=base, rng=0).loc["x"]
    p, q = mp_pmf(r), mp_pmf(c)
    assert row.kl_ref_cur == pytest.approx(float(mp_kl(p, q)) / factor, rel=1e-13)
    assert row.kl_cur_ref == pytest.approx(float(mp_kl(q, p)) / factor, rel=1e-13)
    assert row.js_divergence == pytest.approx(float(mp_js(p, q)) / factor, rel=1e-13)
    assert row.js_distance == pytest.approx(math.sqrt(float(mp_js(p, q)) / factor), rel=1e-13)
    # PSI: always nats, with 0.5 added to every bin of both sides (the counts here have no empty bin)
    assert row.psi == pytest.approx(float(mp_psi(mp_pmf(r, 0.5), mp_pmf(c, 0.5))), rel=1e-13)
    exact_psi = (row.kl_ref_cur + row.kl_cur_ref) * factor  # the unsmoothed PSI, from the KL columns
    assert exact_psi == pytest.approx(float(mp_psi(p, q)), rel=1e-13)
    assert row.hellinger == pytest.approx(float(mp_hellinger(p, q)), rel=1e-13)
    assert row.unit == ik.decompose([0.5, 0.5], [0.5, 0.5], base=base).unit


def test_psi_is_the_sum_of_the_two_kl_divergences():
    rng = np.random.default_rng(3)
    ref = {"x": rng.normal(0, 1, 4000)}
    cur = {"x": rng.normal(0.2, 1.2, 4000)}
    row = drift(ref, cur, base="nats", smoothing="jeffreys", rng=0).loc["x"]
    assert math.isfinite(row.psi)
    assert row.psi == pytest.approx(row.kl_ref_cur + row.kl_cur_ref, rel=1e-14)
    bits = drift(ref, cur, base="bits", smoothing="jeffreys", rng=0).loc["x"]
    assert bits.psi == pytest.approx(row.psi, rel=1e-14)  # PSI stays in nats
    assert bits.psi == pytest.approx((bits.kl_ref_cur + bits.kl_cur_ref) * LN2, rel=1e-13)


def test_hellinger_is_accurate_for_nearly_equal_distributions():
    r = np.array([10**9, 10**9 + 1])
    c = np.array([10**9 + 1, 10**9])
    row = drift_from_counts({"x": r}, {"x": c}, n_permutations=0).loc["x"]
    assert row.hellinger == pytest.approx(float(mp_hellinger(mp_pmf(r), mp_pmf(c))), rel=1e-9)
    assert row.hellinger > 0  # the direct 1 - sum sqrt(pq) rounds to 0 here
    assert 1 - np.sum(np.sqrt((r / r.sum()) * (c / c.sum()))) <= 1e-16


# --------------------------------------------------------------------------
# zero bins and smoothing
# --------------------------------------------------------------------------
def test_empty_bin_gives_inf_kl_without_smoothing_and_says_why():
    r, c = np.array([50, 30, 20, 0, 0]), np.array([40, 30, 20, 10, 0])
    df = drift_from_counts({"x": r}, {"x": c}, rng=0)
    row = df.loc["x"]
    assert row.n_bins == 4  # the bin empty on both sides is left out
    assert row.zero_bins_ref == 1 and row.zero_bins_cur == 0
    assert row.kl_cur_ref == math.inf
    assert math.isfinite(row.kl_ref_cur) and math.isfinite(row.js_divergence) and math.isfinite(row.hellinger)
    assert row.smoothing == 0.0
    # PSI is finite: the Jeffreys pseudo-count (0.5 on every compared bin of both sides), and the verdict uses it
    p, q = mp_pmf(r[:4], 0.5), mp_pmf(c[:4], 0.5)
    assert row.psi == pytest.approx(float(mp_psi(p, q)), rel=1e-13)
    assert row.verdict_psi == row.psi
    assert df.attrs["psi_smoothing"] == 0.5


@pytest.mark.parametrize("smoothing, a", [("jeffreys", 0.5), ("laplace", 1.0), (0.25, 0.25)])
def test_smoothing_adds_the_same_pseudo_count_to_both_sides(smoothing, a):
    r, c = np.array([50, 30, 20, 0, 0]), np.array([40, 30, 0, 0, 10])
    row = drift_from_counts({"x": r}, {"x": c}, smoothing=smoothing, base="nats", rng=0).loc["x"]
    keep = (r + c) > 0
    p, q = mp_pmf(r[keep], a), mp_pmf(c[keep], a)
    assert row.smoothing == a
    assert row.zero_bins_ref == 1 and row.zero_bins_cur == 1  # counted before smoothing
    assert row.kl_ref_cur == pytest.approx(float(mp_kl(p, q)), rel=1e-13)
    assert row.kl_cur_ref == pytest.approx(float(mp_kl(q, p)), rel=1e-13)
    assert row.psi == pytest.approx(float(mp_psi(p, q)), rel=1e-13)
    assert row.psi == row.verdict_psi
    assert row.js_divergence == pytest.approx(float(mp_js(p, q)), rel=1e-13)


def test_out_of_range_values_land_in_the_open_outer_bins():
    ref = {"x": np.linspace(0, 1, 1000)}
    cur = {"x": np.r_[[-7.0] * 4, np.linspace(0, 1, 986), [5.0] * 10]}
    df = drift(ref, cur, rng=0)
    row = df.loc["x"]
    assert row.n_cur == 1000 and row.zero_bins_ref == 0 and row.zero_bins_cur == 0
    assert math.isfinite(row.psi) and math.isfinite(row.kl_cur_ref)
    counts = df.attrs["bin_counts"]["x"]
    labels = counts["labels"]
    assert labels[0].startswith("(-inf, ") and labels[-2].endswith(", inf)") and labels[-1] == "<missing>"
    assert counts["reference"][:-1] == [100] * 10  # every bin holds a tenth of the reference
    top = np.linspace(0, 1, 986)
    first_cut, last_cut = float(labels[1][1:].split(",")[0]), float(labels[-2][1:].split(",")[0])
    assert counts["current"][0] == 4 + np.count_nonzero(top < first_cut)
    assert counts["current"][-2] == 10 + np.count_nonzero(top >= last_cut)


# --------------------------------------------------------------------------
# the permutation test and the verdict
# --------------------------------------------------------------------------
def test_p_value_reproducible_with_rng():
    r, c = np.array([30, 25, 20]), np.array([22, 30, 25])
    a = drift_from_counts({"x": r}, {"x": c}, rng=7)
    b = drift_from_counts({"x": r}, {"x": c}, rng=np.random.default_rng(7))
    assert a.loc["x", "p_value"] == b.loc["x", "p_value"]
    assert a.loc["x", "js_null_q95"] == b.loc["x", "js_null_q95"]
    p = a.loc["x", "p_value"]
    assert 1 / 1001 <= p <= 1 and (p * 1001) == pytest.approx(round(p * 1001))


def test_p_value_matches_the_exact_permutation_distribution():
    # 2 bins: the reference's count in bin 0 under re-splitting is hypergeometric
    r, c = np.array([9, 3]), np.array([4, 8])
    n_r, total0, total = r.sum(), r[0] + c[0], r.sum() + c.sum()

    def js(k):
        return float(ik.js_divergence([k, n_r - k], [total0 - k, total - n_r - total0 + k], normalize=True))

    obs = js(r[0])
    hg = stats.hypergeom(total, total0, n_r)
    ks = range(max(0, n_r - (total - total0)), min(n_r, total0) + 1)
    exact = sum(hg.pmf(k) for k in ks if js(k) >= obs * (1 - 1e-9))
    n = 20000
    got = drift_from_counts({"x": r}, {"x": c}, n_permutations=n, rng=11).loc["x", "p_value"]
    assert got == pytest.approx(exact, abs=4 * math.sqrt(exact * (1 - exact) / n) + 2 / n)


def test_small_samples_do_not_cry_wolf():
    # PSI is large, but 5 + 5 values cannot show it is not chance
    row = drift_from_counts({"x": [4, 1]}, {"x": [1, 4]}, rng=0).loc["x"]
    assert row.psi > 0.25
    assert row.p_value > 0.05
    assert row.verdict == "no drift"
    # the same proportions in large samples are drift
    big = drift_from_counts({"x": [400, 100]}, {"x": [100, 400]}, rng=0).loc["x"]
    assert big.verdict == "drift" and big.p_value < 0.01


def test_false_alarm_rate_is_near_alpha():
    rng = np.random.default_rng(12)
    p_values = [
        drift(rng.normal(size=300), rng.normal(size=200), n_permutations=99, rng=i).loc["value", "p_value"]
        for i in range(200)
    ]
    assert np.mean(np.array(p_values) < 0.05) < 0.1


def test_moderate_verdict_between_the_thresholds():
    # unsmoothed PSI = 0.1 ln(0.6/0.5) - 0.1 ln(0.4/0.5) = 0.1 ln 1.5; the default PSI adds 0.5 per bin
    r, c = np.array([5000, 5000]), np.array([6000, 4000])
    row = drift_from_counts({"x": r}, {"x": c}, rng=0).loc["x"]
    assert row.psi == pytest.approx(float(mp_psi(mp_pmf(r, 0.5), mp_pmf(c, 0.5))), rel=1e-13)
    assert row.psi == pytest.approx(0.1 * math.log(1.5), rel=1e-3)
    assert row.p_value < 0.01 and row.verdict == "minor"  # significant, but below the threshold
    c2 = np.array([7000, 3000])  # unsmoothed PSI = 0.2 ln(7/3) ≈ 0.169
    row = drift_from_counts({"x": r}, {"x": c2}, rng=0).loc["x"]
    assert row.psi == pytest.approx(0.2 * math.log(7 / 3), rel=1e-3) and row.verdict == "moderate"
    custom = drift_from_counts({"x": r}, {"x": c2}, rng=0, thresholds=(0.05, 0.15)).loc["x"]
    assert custom.verdict == "drift"


def test_no_permutations_is_the_chi_square_approximation():
    r, c = np.array([400, 300, 200, 100]), np.array([380, 310, 190, 120])
    row = drift_from_counts({"x": r}, {"x": c}, n_permutations=0).loc["x"]
    assert row.null_method == "asymptotic"
    n_r, n_c = r.sum(), c.sum()
    t = 8 * float(mp_js(mp_pmf(r), mp_pmf(c))) * n_r * n_c / (n_r + n_c)
    assert row.p_value == pytest.approx(stats.chi2.sf(t, 3), rel=1e-9)
    assert row.js_null_q95 == pytest.approx(stats.chi2.ppf(0.95, 3) * (n_r + n_c) / (8 * n_r * n_c), rel=1e-12)
    # to second order the statistic is Pearson's: the p-values of the two agree on large counts
    pearson = stats.chi2_contingency(np.array([r, c]), correction=False).pvalue
    assert row.p_value == pytest.approx(pearson, rel=0.02)
    bits = drift_from_counts({"x": r}, {"x": c}, n_permutations=0, base="bits").loc["x"]
    assert bits.p_value == pytest.approx(row.p_value, rel=1e-12)
    assert bits.js_null_q95 == pytest.approx(row.js_null_q95 / LN2, rel=1e-12)


def test_no_permutations_on_sparse_counts_warns():
    with pytest.warns(ApproximationWarning, match="expected counts below 5"):
        row = drift_from_counts({"x": [4, 1]}, {"x": [1, 4]}, n_permutations=0).loc["x"]
    assert 0 < row.p_value < 1 and row.verdict in ("no drift", "drift")
    assert (row.verdict == "drift") == (row.p_value < 0.05)


def test_huge_counts_use_a_bootstrap_null():
    r, c = np.array([6 * 10**8, 6 * 10**8]), np.array([6 * 10**8, 6 * 10**8 + 1000])
    row = drift_from_counts({"x": r}, {"x": c}, n_permutations=50, rng=0).loc["x"]
    assert row.null_method == "bootstrap" and 0 < row.p_value <= 1


def test_far_outliers_beyond_the_reference_range_are_detected():
    rng = np.random.default_rng(21)
    ref = rng.normal(size=20_000)
    cur = rng.normal(size=20_000)
    cur[:400] = 5 + 5 * rng.random(400)  # 2 % at 5-10 sigma
    row = drift(ref, cur, n_permutations=200, rng=0).iloc[0]
    assert row.p_value == pytest.approx(1 / 201) and row.js_divergence > row.js_null_q95
    assert math.isfinite(row.psi) and row.verdict == "minor"  # detected, and PSI says the change is small
    same = drift(ref, rng.normal(size=20_000), n_permutations=200, rng=0).iloc[0]
    assert same.p_value > 0.05 and same.verdict == "no drift"


def test_the_test_is_of_the_statistic_shown():
    # the null is that of js_divergence on the same bins: with a 2-bin table it is enumerable
    cats = fit_categories(["a"])
    r, c = cats.counts(["a"] * 30), cats.counts(["a"] * 25 + ["z"] * 5)  # 'z' in the unseen bin
    row = drift_from_counts({"x": r}, {"x": c}, bins={"x": cats}, n_permutations=20000, rng=3).loc["x"]
    assert row.zero_bins_ref == 1 and row.n_bins == 2
    # re-splitting 55 'a' and 5 'z' into 30 + 30: JS >= observed iff the reference gets no 'z' or all five
    hg = stats.hypergeom(60, 5, 30)
    exact = hg.pmf(0) + hg.pmf(5)
    assert row.p_value == pytest.approx(exact, abs=4 * math.sqrt(exact / 20000) + 1e-4)
    assert row.js_divergence == pytest.approx(float(mp_js(mp_pmf([30, 0]), mp_pmf([25, 5]))), rel=1e-13)


def test_streamed_categories_unseen_bin_counts_in_the_test():
    cats = fit_categories(["a", "b"])
    r = cats.counts(["a", "b"] * 250)
    few_new = cats.counts(["a", "b"] * 245 + ["z"] * 10)
    row = drift_from_counts({"x": r}, {"x": few_new}, bins={"x": cats}, rng=0).loc["x"]
    assert row.zero_bins_ref == 1 and math.isfinite(row.psi) and row.kl_cur_ref == math.inf
    assert row.p_value < 0.01  # 10 values of a category the reference never had
    all_new = cats.counts(["z"] * 500)
    row = drift_from_counts({"x": r}, {"x": all_new}, bins={"x": cats}, rng=0).loc["x"]
    assert row.verdict == "drift" and row.p_value < 0.01


@settings(max_examples=80, derandomize=True, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=2, max_size=8),
    st.integers(0, 3),
    st.sampled_from([0, 20, 21, 99, 200]),
    st.sampled_from([None, "jeffreys"]),
    st.integers(0, 2**32 - 1),
)
def test_above_the_null_q95_exactly_when_p_below_005(cells, shift, n_perm, smoothing, seed):
    r = np.array([a for a, _ in cells])
    c = np.array([b for _, b in cells])
    c = np.roll(c, shift) + np.arange(c.size) * shift  # drifted or not, depending on the draw
    if r.sum() == 0 or c.sum() == 0:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ApproximationWarning)
        row = drift_from_counts({"x": r}, {"x": c}, n_permutations=n_perm, smoothing=smoothing, rng=seed).loc["x"]
    assert (row.js_divergence > row.js_null_q95) == (row.p_value < 0.05)
    assert (row.verdict != "no drift") == (row.p_value < 0.05)
    if n_perm:
        assert (row.p_value * (1 + n_perm)) == pytest.approx(round(row.p_value * (1 + n_perm)))


def test_real_table_split_in_halves_has_finite_psi_and_consistent_verdicts():
    datasets = pytest.importorskip("sklearn.datasets")
    X = datasets.load_breast_cancer(as_frame=True).data
    rng = np.random.default_rng(4)
    idx = rng.permutation(len(X))
    ref, cur = X.iloc[idx[:284]], X.iloc[idx[284:]]
    df = drift(ref, cur, n_permutations=200, rng=5)
    assert np.isfinite(df["psi"]).all()  # before: PSI = inf on most columns (empty under/overflow bins)
    assert (df["zero_bins_ref"] == 0).all()
    assert ((df["js_divergence"] > df["js_null_q95"]) == (df["p_value"] < 0.05)).all()
    assert ((df["verdict"] != "no drift") == (df["p_value"] < 0.05)).all()
    assert (df["p_value"] < 0.05).sum() <= 6  # a random split of 30 columns: about 1.5 false alarms expected


# --------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------
def test_dataframes_dicts_series_and_columns():
    rng = np.random.default_rng(5)
    ref = pd.DataFrame({"a": rng.normal(size=500), "b": rng.choice(["u", "v"], 500), "c": rng.integers(0, 3, 500)})
    cur = pd.DataFrame({"a": rng.normal(size=400), "b": rng.choice(["u", "v", "w"], 400), "c": rng.integers(0, 3, 400)})
    df = drift(ref, cur, rng=0)
    assert df.index.tolist() == ["a", "b", "c"] and df.index.name == "column"
    assert df.loc["b", "zero_bins_ref"] == 1  # the new category "w"
    assert df.attrs["bin_counts"]["b"]["labels"] == ["u", "v", "w", "<unseen>", "<missing>"]
    assert df.loc["c", "n_bins"] == 3  # a bin per integer value
    only = drift(ref, cur, ["a"], rng=0)
    assert only.index.tolist() == ["a"]
    pd.testing.assert_frame_equal(only, df.loc[["a"]], check_like=False)
    as_dict = drift({k: ref[k].to_numpy() for k in ref}, {k: cur[k].to_numpy() for k in cur}, rng=0)
    pd.testing.assert_frame_equal(as_dict, df)
    series = drift(ref["a"], cur["a"].rename("other"), rng=0)
    assert series.index.tolist() == ["a"]
    assert drift(ref, cur, "a", rng=0).index.tolist() == ["a"]


def test_bins_per_column():
    rng = np.random.default_rng(6)
    ref = {"a": rng.normal(size=500), "b": rng.normal(size=500)}
    cur = {"a": rng.normal(size=500), "b": rng.normal(size=500)}
    df = drift(ref, cur, bins={"a": [-1.0, 0.0, 1.0]}, rng=0)
    assert df.attrs["bin_counts"]["a"]["labels"][:3] == ["(-inf, -1)", "[-1, 0)", "[0, 1]"]
    assert 10 <= df.loc["b", "n_bins"] <= 12  # 10 quantile bins, and under/overflow if the current uses them
    assert drift(ref, cur, bins="uniform", n_bins=5, rng=0).loc["a", "n_bins"] >= 5


def test_streaming_counts_give_the_in_memory_result():
    rng = np.random.default_rng(8)
    ref = {"a": rng.normal(size=3000), "b": rng.exponential(size=3000)}
    cur = {"a": rng.normal(0.1, 1, size=2500), "b": rng.exponential(1.1, size=2500)}
    whole = drift(ref, cur, rng=3)
    bins = {k: fit_bins(ref[k], open_ended=True) for k in ref}
    ref_counts = {k: sum(bins[k].counts(x) for x in np.array_split(ref[k], 7)) for k in ref}
    cur_counts = {k: sum(bins[k].counts(x) for x in np.array_split(cur[k], 5)) for k in cur}
    streamed = drift_from_counts(ref_counts, cur_counts, bins=bins, rng=3)
    pd.testing.assert_frame_equal(streamed, whole)


def test_empirical_counts_are_aligned_on_the_union():
    e, f = ik.empirical(list("aabbc")), ik.empirical(list("abbd"))
    row = drift_from_counts({"x": e}, {"x": f}, rng=0, n_permutations=20).loc["x"]
    assert row.n_bins == 4 and row.zero_bins_ref == 1 and row.zero_bins_cur == 1
    cats = fit_categories(list("aabbc"), list("abbd"))
    same = drift_from_counts({"x": cats.counts(list("aabbc"))}, {"x": cats.counts(list("abbd"))},
                             n_permutations=20).loc["x"]
    assert row.js_divergence == same.js_divergence


def test_attrs_record_the_settings():
    df = drift_from_counts({"x": [5, 5]}, {"x": [4, 6]}, smoothing="laplace", base="nats", rng=0,
                           labels={"x": ["lo", "hi"]})
    assert df.attrs["unit"] == "nats" and df.attrs["psi_unit"] == "nats"
    assert df.attrs["smoothing"] == 1.0 and df.attrs["thresholds"] == (0.1, 0.25) and df.attrs["alpha"] == 0.05
    assert df.attrs["bin_counts"]["x"] == {"labels": ["lo", "hi"], "reference": [5, 5], "current": [4, 6]}


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"smoothing": "add-one"}, InvalidArgumentError, "smoothing"),
        ({"smoothing": 0}, InvalidArgumentError, "smoothing"),
        ({"n_permutations": -1}, InvalidArgumentError, "n_permutations"),
        ({"n_permutations": MAX_PERMUTATIONS + 1}, InvalidArgumentError, "n_permutations.*at most"),
        ({"n_permutations": 19}, InvalidArgumentError, "n_permutations.*at least 20"),
        ({"n_permutations": 50, "alpha": 0.01}, InvalidArgumentError, "at least 100"),
        ({"thresholds": (0.3, 0.1)}, InvalidArgumentError, "thresholds"),
        ({"alpha": 0}, InvalidArgumentError, "alpha"),
        ({"base": "bytes"}, InvalidArgumentError, "base"),
        ({"rng": "seed"}, InvalidTypeError, "rng"),
    ],
)
def test_bad_options(kwargs, error, match):
    with pytest.raises(error, match=match):
        drift_from_counts({"x": [1, 2]}, {"x": [2, 1]}, **kwargs)


def test_permutations_times_bins_are_bounded():
    k = 2000
    with pytest.raises(InvalidArgumentError, match=r"'n_permutations'.*2000 compared bins.*n_permutations=0"):
        drift_from_counts({"x": np.ones(k, int)}, {"x": np.ones(k, int)}, n_permutations=MAX_NULL_CELLS // k + 1)


def test_huge_bin_counts_are_refused():
    x = np.arange(50.0)
    with pytest.raises(InvalidArgumentError, match="'n_bins'.*at most"):
        drift(x, x, bins=10**9)
    with pytest.raises(InvalidArgumentError, match="'n_bins'.*at most"):
        drift(x, x, n_bins=10**9, bins="uniform")


def test_bad_counts():
    with pytest.raises(InvalidArgumentError, match="same bins"):
        drift_from_counts({"x": [1, 2]}, {"x": [1, 2, 3]})
    with pytest.raises(InvalidArgumentError, match="same columns"):
        drift_from_counts({"x": [1, 2]}, {"y": [1, 2]})
    with pytest.raises(InvalidArgumentError, match="negative"):
        drift_from_counts({"x": [1, -2]}, {"x": [1, 2]})
    with pytest.raises(InvalidArgumentError, match="current sample is empty"):
        drift_from_counts({"x": [1, 2]}, {"x": [0, 0]})
    with pytest.raises(InvalidTypeError, match="mappings"):
        drift_from_counts([1, 2], [2, 1])


def test_bad_inputs_name_the_column():
    ref = {"a": [1.0, 2.0, 3.0], "b": ["x", "y", "z"]}
    with pytest.raises(InvalidArgumentError, match=r"\['c'\] not in the reference"):
        drift(ref, ref, ["a", "c"])
    with pytest.raises(InvalidArgumentError, match="not in the current"):
        drift(ref, {"a": [1.0]})
    with pytest.raises(InvalidTypeError, match="column 'a'"):
        drift(ref, {"a": np.array(["p", "q"], dtype=object), "b": ["x"]})
    with pytest.raises(InvalidArgumentError, match="column 'a'.*no finite value"):
        drift({"a": [np.nan, np.nan]}, {"a": [1.0]})
    with pytest.raises(InvalidArgumentError, match="both"):
        drift(ref, [1.0, 2.0])


def test_missing_values_have_their_own_bin():
    ref = {"a": np.r_[np.arange(100.0), [np.nan] * 10]}
    cur = {"a": np.r_[np.arange(100.0), [np.nan] * 60]}
    row = drift(ref, cur, rng=0).loc["a"]
    assert row.n_ref == 110 and row.n_cur == 160
    assert row.verdict == "drift"  # the missing rate moved from 9% to 37.5%


def test_import_does_not_load_pandas_or_matplotlib():
    code = (
        "import sys, infokit, infokit.binning, infokit.drift, infokit.reports, infokit.plot;"
        "print(sorted({'pandas', 'matplotlib'} & set(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --------------------------------------------------------------------------
# the result in a notebook: the answer first
# --------------------------------------------------------------------------
def _frame():
    # x: 90/10 against 10/90, a change no test can miss; y: 50/50 against 52/48, none to see
    return drift_from_counts({"x": [90, 10], "y": [50, 50], "a_very_long_column_name_indeed": [40, 60]},
                             {"x": [10, 90], "y": [52, 48], "a_very_long_column_name_indeed": [60, 40]}, rng=0)


def test_drift_result_shows_js_psi_p_and_verdict_first():
    from infokit.drift import SUMMARY

    df = _frame()
    text = repr(df)
    header = text.splitlines()[0].split()
    assert header == ["js_divergence", "psi", "p_value", "verdict"] == list(SUMMARY)
    assert "..." not in text  # the four are never hidden, whatever the width
    for col in COLUMNS:
        assert col in text  # the others named under the table
    page = df._repr_html_()
    heads = [h for h in re.findall(r"<th[^>]*>([^<]*)</th>", page) if h in COLUMNS]
    assert heads[:4] == list(SUMMARY) and set(heads) == set(COLUMNS)
    assert page.index("js_divergence") < page.index("n_ref")
    # the reading above the table, in words
    sentence = df.reading()
    assert "&#x27;x&#x27; drifted" in page and "drifted" in sentence
    assert "'y'" in sentence.split(";")[-1] and "no evidence" in sentence.split(";")[-1]


def test_drift_result_is_still_a_dataframe():
    import pickle

    from infokit.drift import DriftFrame

    df = _frame()
    assert isinstance(df, pd.DataFrame) and isinstance(df, DriftFrame)
    assert list(df.columns) == list(COLUMNS)  # the column order code reads is unchanged
    assert type(df.loc[["x"]]) is pd.DataFrame and type(df[["psi"]]) is pd.DataFrame
    assert df.loc["x", "verdict"] == "drift" and df["verdict"].tolist()[1] == "no drift"
    plain = df.to_frame()
    assert type(plain) is pd.DataFrame and plain.attrs["bin_counts"] == df.attrs["bin_counts"]
    pd.testing.assert_frame_equal(df, plain)
    back = pickle.loads(pickle.dumps(df))
    assert type(back) is DriftFrame and back.attrs == df.attrs
    pd.testing.assert_frame_equal(back, df)
    summary = df.summary()
    assert list(summary.columns[:4]) == ["js_divergence", "psi", "p_value", "verdict"]
    assert sorted(summary.columns) == sorted(COLUMNS)


def test_drift_reading_words_every_verdict():
    from infokit.drift import reading

    df = _frame()
    verdicts = dict(df["verdict"].items())
    sentence = reading(df)
    for col, v in verdicts.items():
        assert repr(col) in sentence
    assert sentence.startswith(f"{sum(v != 'no drift' for v in verdicts.values())} of 3 columns changed")
    calm = drift_from_counts({"y": [50, 50]}, {"y": [51, 49]}, rng=0)
    assert reading(calm) == "'y' shows no evidence of a change (p >= 0.05)."
    with pytest.raises(InvalidTypeError):
        reading([1, 2])


def test_drift_frame_docstring_example_runs():
    # DriftFrame is built when pandas is first needed, so the doctest collector does not see it
    import doctest

    pd = pytest.importorskip("pandas")
    cls = type(ik.drift(pd.DataFrame({"x": [1, 2, 3] * 20}), pd.DataFrame({"x": [1, 2, 3] * 20}), rng=0))
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    tests = doctest.DocTestFinder().find(cls, "DriftFrame", globs={})
    assert sum(len(t.examples) for t in tests) >= 4
    for t in tests:
        runner.run(t)
    assert runner.failures == 0
