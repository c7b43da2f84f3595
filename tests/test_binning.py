"""Tests of infokit.binning: bins fitted on a reference, counting that never drops a value.

Expected counts come from independent sources: plain Python loops over the
values and the interval definitions, :func:`numpy.histogram` and
:func:`numpy.histogram_bin_edges`, ``collections.Counter``.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest

from infokit.binning import (
    MAX_BINS,
    MISSING,
    UNSEEN,
    Binning,
    Categories,
    OpenEndedBinning,
    binning_for,
    fit_bins,
    fit_categories,
)
from infokit.errors import InvalidArgumentError, InvalidTypeError


def brute_counts(b: Binning, values):
    """Counts by the definition of the bins (Python loop over the values)."""
    c = b.cuts.tolist()
    out = [0] * b.n_bins
    for v in values:
        v = float("nan") if v is None else float(v)
        if math.isnan(v):
            out[-1] += 1
        elif v < c[0]:
            out[0] += 1
        elif v >= c[-1]:
            out[len(c)] += 1
        else:
            out[next(i for i in range(1, len(c)) if c[i - 1] <= v < c[i])] += 1
    return out


# --------------------------------------------------------------------------
# numeric bins
# --------------------------------------------------------------------------
def test_quantile_bins_equal_frequency_on_the_reference():
    rng = np.random.default_rng(0)
    ref = rng.normal(size=10_000)
    b = fit_bins(ref)
    assert b.method == "quantile" and b.kind == "numeric"
    assert b.n_bins == 10 + 3  # intervals + underflow, overflow, missing
    counts = b.counts(ref)
    assert counts[0] == 0 and counts[-2] == 0 and counts[-1] == 0  # the reference is inside its own range
    assert counts[1:-2].tolist() == [1000] * 10
    assert b.labels[0].startswith("(-inf, ") and b.labels[-2].endswith(", inf)") and b.labels[-1] == MISSING
    assert b.labels[-3].endswith("]")  # the last interval is closed at the reference's maximum
    assert float(b.labels[-3][1:-1].split(", ")[1]) == pytest.approx(ref.max(), rel=1e-4)


def test_int_bins_mean_that_many_quantile_bins():
    ref = np.arange(1000.0)
    assert fit_bins(ref, 4) == fit_bins(ref, "quantile", n_bins=4)
    assert fit_bins(ref, 4).counts(ref)[1:-2].tolist() == [250] * 4


def test_under_and_overflow_are_counted_never_dropped():
    b = fit_bins([0.0, 1.0, 2.0, 3.0, 4.0], "uniform", n_bins=2)
    values = [-10.0, -np.inf, 0.0, 1.99, 2.0, 4.0, 4.0000001, np.inf, np.nan, None]
    got = b.counts(np.array(values, dtype=object))
    assert got.tolist() == brute_counts(b, values) == [2, 2, 2, 2, 2]
    assert got.sum() == len(values)
    assert b.labels == ["(-inf, 0)", "[0, 2)", "[2, 4]", "(4, inf)", MISSING]


def test_counts_match_numpy_histogram_inside_the_range():
    rng = np.random.default_rng(1)
    ref = rng.gamma(2.0, size=2000)
    cur = rng.gamma(2.5, size=3000)
    for spec in ("quantile", "uniform", "fd", 7, np.array([0.0, 0.5, 1.0, 3.0, 8.0])):
        b = fit_bins(ref, spec)
        got = b.counts(cur)
        assert got.tolist() == brute_counts(b, cur.tolist())
        assert got.sum() == cur.size
        edges = b.cuts.copy()
        edges[-1] = np.nextafter(edges[-1], -np.inf)  # back to the closed last edge
        inside = cur[(cur >= edges[0]) & (cur <= edges[-1])]
        assert got[1:-2].tolist() == np.histogram(inside, bins=edges)[0].tolist()


def brute_open_counts(b: Binning, values):
    """Counts in open-ended bins by their definition: (-inf, c_1), [c_1, c_2), ..., [c_{k-1}, inf), missing."""
    inner = b.cuts.tolist()[1:-1]
    out = [0] * b.n_bins
    for v in values:
        v = float("nan") if v is None else float(v)
        if math.isnan(v):
            out[-1] += 1
        else:
            out[sum(1 for c in inner if v >= c)] += 1
    return out


@pytest.mark.parametrize("spec", ["quantile", "uniform", "fd", 7])
def test_open_ended_bins_count_every_value_in_an_interval(spec):
    rng = np.random.default_rng(9)
    ref = rng.gamma(2.0, size=2000)
    cur = np.r_[rng.gamma(2.5, size=3000), [-50.0, 1e6, np.inf, -np.inf, np.nan]]
    b = fit_bins(ref, spec, open_ended=True)
    closed = fit_bins(ref, spec)
    assert isinstance(b, OpenEndedBinning) and isinstance(b, Binning) and b.open_ended and not closed.open_ended
    assert np.array_equal(b.cuts, closed.cuts) and b.n_bins == closed.n_bins - 2
    assert b.counts(cur).tolist() == brute_open_counts(b, cur.tolist())
    ref_counts = b.counts(ref)
    assert ref_counts[0] > 0 and ref_counts[-2] > 0 and ref_counts.sum() == ref.size  # outer bins hold the extremes
    # the same counts as the closed bins with underflow merged into the first interval, overflow into the last
    cc = closed.counts(cur)
    assert b.counts(cur).tolist() == [cc[0] + cc[1], *cc[2:-3].tolist(), cc[-3] + cc[-2], cc[-1]]
    assert b.labels[0].startswith("(-inf, ") and b.labels[-2].endswith(", inf)") and b.labels[-1] == MISSING
    assert b == fit_bins(ref, spec, open_ended=True) and b != closed and closed != b


def test_open_ended_quantile_bins_hold_equal_shares_of_the_reference():
    ref = np.random.default_rng(10).normal(size=10_000)
    b = fit_bins(ref, open_ended=True)
    assert b.counts(ref).tolist() == [1000] * 10 + [0]
    assert b.counts([-1e300, 1e300]).tolist() == [1] + [0] * 8 + [1, 0]


def test_open_ended_discrete_and_constant_references():
    b = fit_bins([0, 1, 1, 0, 1], open_ended=True)
    assert b.labels == ["(-inf, 1)", "[1, inf)", MISSING]
    assert b.counts([0, 0, 1, 2, -1, None]).tolist() == [3, 2, 1]
    # a single value is the only boundary: it keeps its bins below and above
    c = fit_bins([2.5] * 10, open_ended=True)
    assert not c.open_ended and c.labels == ["(-inf, 2.5)", "[2.5, 2.5]", "(2.5, inf)", MISSING]
    # explicit edges are fixed in advance: underflow and overflow stay
    e = fit_bins([1.0], [0, 1, 2], open_ended=True)
    assert not e.open_ended and e.labels == ["(-inf, 0)", "[0, 1)", "[1, 2]", "(2, inf)", MISSING]
    assert binning_for(np.arange(100.0), open_ended=True) == fit_bins(np.arange(100.0), open_ended=True)


def test_open_ended_streaming_batches_sum_to_the_whole():
    rng = np.random.default_rng(11)
    b = fit_bins(rng.normal(size=500), open_ended=True)
    cur = np.r_[rng.normal(1, 3, size=2000), [np.nan] * 3]
    assert sum(b.counts(x) for x in np.array_split(cur, 7) + [np.array([])]).tolist() == b.counts(cur).tolist()


def test_too_many_bins_is_an_error_not_a_hang():
    with pytest.raises(InvalidArgumentError, match=rf"'n_bins'.*at most {MAX_BINS}"):
        fit_bins([1.0, 2.0, 3.0], 10**9)
    with pytest.raises(InvalidArgumentError, match="'n_bins'"):
        fit_bins([1.0, 2.0, 3.0], "uniform", n_bins=MAX_BINS + 1)
    assert fit_bins(np.arange(10.0), "uniform", n_bins=MAX_BINS).n_bins == MAX_BINS + 3


def test_uniform_and_fd_edges():
    rng = np.random.default_rng(2)
    ref = rng.normal(size=500)
    u = fit_bins(ref, "uniform", n_bins=5)
    widths = np.diff(u.cuts[:-1])
    assert np.allclose(widths, (ref.max() - ref.min()) / 5)
    fd = fit_bins(ref, "fd")
    expected = np.histogram_bin_edges(ref, bins="fd")
    assert np.array_equal(fd.cuts[:-1], expected[:-1])
    assert fd.cuts[-1] == np.nextafter(expected[-1], np.inf)


def test_discrete_reference_gets_a_bin_per_value():
    b = fit_bins([0, 1, 1, 0, 1])
    assert b.labels == ["(-inf, 0)", "[0, 1)", "[1, 1]", "(1, inf)", MISSING]
    assert b.counts([0, 0, 1, 2, -1]).tolist() == [1, 2, 1, 1, 0]
    small_ints = fit_bins(np.array([1, 2, 3, 3, 2, 1, 5]))
    assert small_ints.counts([1, 2, 3, 4, 5]).tolist() == [0, 1, 1, 2, 1, 0, 0]  # 4 falls in [3, 5)


def test_constant_reference():
    b = fit_bins([2.5] * 10, "uniform")
    assert b.labels == ["(-inf, 2.5)", "[2.5, 2.5]", "(2.5, inf)", MISSING]
    assert b.counts([2.5, 2.4, 2.6, np.nan]).tolist() == [1, 1, 1, 1]


def test_explicit_edges_follow_numpy_histogram_convention():
    b = fit_bins([1.0], [0, 1, 2])
    assert b.method == "edges"
    assert b.labels == ["(-inf, 0)", "[0, 1)", "[1, 2]", "(2, inf)", MISSING]
    assert b.counts([0, 1, 2, 2.0000001, -0.0]).tolist() == [0, 2, 2, 1, 0]


def test_labels_keep_close_edges_apart():
    b = fit_bins([1.0], [1.00001, 1.00002, 1.00003])
    assert len(set(b.labels)) == b.n_bins
    assert "1.00001" in b.labels[0]


def test_streaming_batches_sum_to_the_whole():
    rng = np.random.default_rng(3)
    ref = rng.normal(size=3000)
    cur = np.r_[rng.normal(0.3, 1.5, size=5000), [np.nan] * 7, [np.inf, -np.inf]]
    rng.shuffle(cur)
    b = fit_bins(ref)
    whole = b.counts(cur)
    batches = np.array_split(cur, 13) + [np.array([])]
    assert sum(b.counts(x) for x in batches).tolist() == whole.tolist()
    assert whole.sum() == cur.size and whole[-1] == 7


def test_categorical_streaming_batches_sum_to_the_whole():
    rng = np.random.default_rng(4)
    ref = rng.choice(["a", "b", "c"], size=1000)
    cur = np.array(rng.choice(["a", "b", "c", "d", "e"], size=2000), dtype=object)
    cur[::97] = None
    c = fit_categories(ref)
    whole = c.counts(cur)
    assert sum(c.counts(x) for x in np.array_split(cur, 9)).tolist() == whole.tolist()
    expected = Counter("<missing>" if v is None else (v if v in "abc" else "<unseen>") for v in cur.tolist())
    assert dict(zip(c.labels, whole.tolist())) == {k: expected.get(k, 0) for k in c.labels}


def test_pandas_and_pyarrow_columns():
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    b = fit_bins(pd.Series([1.0, 2.0, 3.0, None]))
    assert b.counts(pd.Series([0.0, 2.0, None, 9.0])).tolist() == brute_counts(b, [0.0, 2.0, None, 9.0])
    assert b.counts(pa.array([0.0, None, 9.0])).tolist() == brute_counts(b, [0.0, None, 9.0])
    assert b.counts(pd.Series([1, None, 5], dtype="Int64")).tolist() == brute_counts(b, [1, None, 5])
    c = fit_categories(pd.Series(["x", "y", None], dtype="string"))
    assert c.labels == ["x", "y", UNSEEN, MISSING]
    assert c.counts(pa.chunked_array([["x", None], ["z"]])).tolist() == [1, 0, 1, 1]


# --------------------------------------------------------------------------
# categories
# --------------------------------------------------------------------------
def test_categories_unseen_and_missing_buckets():
    c = fit_categories(["b", "a", "b", None, float("nan")])
    assert isinstance(c, Categories) and c.kind == "categorical"
    assert c.categories.tolist() == ["a", "b"]
    assert c.labels == ["a", "b", UNSEEN, MISSING]
    assert c.counts(["a", "c", "c", None, "b", float("nan")]).tolist() == [1, 1, 2, 2]
    assert c.counts([]).tolist() == [0, 0, 0, 0]


def test_categories_aligned_on_the_union():
    c = fit_categories(["b", "a"], ["c", "a", None, "d"])
    assert c.labels == ["a", "b", "c", "d", UNSEEN, MISSING]
    assert c.counts(["d", "e", "a"]).tolist() == [1, 0, 0, 1, 1, 0]
    mixed = fit_categories([1, 2], ["x"])  # types that cannot be ordered together
    assert mixed.labels == ["1", "2", "x", UNSEEN, MISSING]


def test_categories_match_by_value():
    c = fit_categories([1, 2, 3])
    assert c.counts([1.0, 2, "1", True]).tolist() == [2, 1, 0, 1, 0]  # True == 1; "1" is another label


def test_bool_column_is_categorical():
    b = binning_for(np.array([True, False, True]))
    assert isinstance(b, Categories)
    assert b.counts(np.array([True, True])).tolist() == [0, 2, 0, 0]


# --------------------------------------------------------------------------
# dispatch
# --------------------------------------------------------------------------
def test_binning_for_chooses_by_type():
    assert isinstance(binning_for(np.arange(50)), Binning)
    assert isinstance(binning_for([0.5, 1.5, None]), Binning)  # numbers with a missing value
    assert isinstance(binning_for(["a", "b"]), Categories)
    assert isinstance(binning_for(np.array(["1", "2"], dtype=object)), Categories)
    assert binning_for(np.arange(100.0), "uniform", n_bins=4) == fit_bins(np.arange(100.0), "uniform", n_bins=4)
    with pytest.raises(InvalidArgumentError, match="categorical"):
        binning_for(["a", "b"], [0, 1, 2])


# --------------------------------------------------------------------------
# errors
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "bins, match",
    [("quantiles", "bins"), ([1.0], "edges"), ([0, 0, 1], "edges"), ([0, np.inf], "edges"), ("x" * 3, "bins")],
)
def test_bad_bins(bins, match):
    with pytest.raises(InvalidArgumentError, match=match):
        fit_bins([1.0, 2.0], bins)


def test_bad_references():
    with pytest.raises(InvalidArgumentError, match="empty"):
        fit_bins([])
    with pytest.raises(InvalidArgumentError, match="no finite value"):
        fit_bins([np.nan, np.inf])
    with pytest.raises(InvalidArgumentError, match="n_bins"):
        fit_bins([1.0, 2.0], n_bins=0)
    with pytest.raises(InvalidTypeError, match="not numbers|non-numeric"):
        fit_bins(["a", "b"])
    with pytest.raises(InvalidArgumentError, match="non-missing"):
        fit_categories([None, None])
    with pytest.raises(InvalidArgumentError, match="empty"):
        fit_categories([])


def test_non_numeric_current_values_are_an_error():
    b = fit_bins([1.0, 2.0, 3.0])
    with pytest.raises(InvalidTypeError, match="non-numeric"):
        b.counts(np.array([1.0, "x"], dtype=object))
    with pytest.raises(InvalidTypeError, match="dates"):
        b.counts(np.array(["2020-01-01"], dtype="datetime64[D]"))


def test_fd_refuses_absurd_bin_counts():
    ref = np.r_[np.zeros(10_000), np.linspace(0.0, 1.0, 50), [1e9]]
    ref[:5000] = np.linspace(0, 1e-9, 5000)
    with pytest.raises(InvalidArgumentError, match="Freedman"):
        fit_bins(ref, "fd")
