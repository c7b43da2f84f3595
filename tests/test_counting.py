"""Tests of infokit._samples.counting: samples -> (outcomes, counts[, codes]).

Every expected value comes from an independent brute force: a pure-Python
``collections.Counter`` over the samples' Python values, sorted.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import infokit as ik
from infokit._samples import counting as _counting
from infokit.errors import InvalidArgumentError, InvalidTypeError


def brute(values):
    """Sorted distinct values and their counts, by a Counter over Python values."""
    c = Counter(values)
    keys = sorted(c)
    return keys, [c[k] for k in keys]


def check_count(arr, expected_values=None):
    """count() of ``arr`` (with and without codes) against the Counter brute force."""
    values = arr.tolist() if expected_values is None else expected_values
    keys, counts = brute(values)
    out, cnt = _counting.count(arr, name="samples")
    assert out.tolist() == keys
    assert cnt.dtype == np.int64
    assert cnt.tolist() == counts
    out2, cnt2, codes = _counting.count(arr, name="samples", codes=True)
    assert out2.tolist() == keys and cnt2.tolist() == counts
    assert codes.dtype == np.int64 and codes.shape == (len(values),)
    # each sample's code points at its own outcome
    assert [keys[k] for k in codes.tolist()] == values
    return out


# --------------------------------------------------------------------------
# integers: bincount (compact) and sort (sparse) paths
# --------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64])
def test_int_dtypes_compact(dtype):
    rng = np.random.default_rng(1)
    info = np.iinfo(dtype)
    lo = max(info.min, -50)
    x = rng.integers(lo, min(info.max, 60), size=500).astype(dtype)
    out = check_count(x)
    assert out.dtype == dtype


@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16])
def test_int_full_range_small_dtypes(dtype):
    info = np.iinfo(dtype)
    x = np.array([info.min, info.max, info.min, 0, info.max, info.max], dtype=dtype)
    out = check_count(x)
    assert out.dtype == dtype


def test_negative_ints():
    check_count(np.array([-3, -1, -3, 5, -1000, 5, 5]))


def test_sparse_huge_ints_take_the_sort_path():
    x = np.array([10**12, 3, 10**12, -(10**12), 7, 3])
    check_count(x)


@pytest.mark.parametrize(
    "values",
    [
        [2**63 - 1, 2**63 - 2, 2**63 - 1] * 10,  # compact, just below 2**63
        [2**63 + 1, 2**63 + 2, 2**63 + 1] * 10,  # compact, above int64's range
        [2**63 - 1, 2**63, 2**63 + 1, 2**63] * 10,  # compact, straddling 2**63
        [2**64 - 1],  # a single sample at the top
        [2**64 - 1, 2**63, 2**63, 2**64 - 1, 0],  # sparse
        [0, 1, 2**63 + 5, 1],
    ],
)
def test_uint64_near_and_above_2_63(values):
    x = np.array(values, dtype=np.uint64)
    out = check_count(x, values)
    assert out.dtype == np.uint64


@pytest.mark.parametrize(
    "values",
    [
        [2**63 - 1, 2**63 - 2, 2**63 - 1] * 10,
        [-(2**63), -(2**63) + 1, -(2**63)] * 10,
        [2**63 - 1, -(2**63), 0],
    ],
)
def test_int64_extremes(values):
    out = check_count(np.array(values, dtype=np.int64), values)
    assert out.dtype == np.int64


def test_bools():
    x = np.array([True, False, True, True])
    out = check_count(x)
    assert out.dtype == bool
    out = check_count(np.array([True, True]))
    assert out.tolist() == [True]


@given(st.lists(st.integers(-(2**63), 2**63 - 1), min_size=1, max_size=60))
def test_int64_property(values):
    check_count(np.array(values, dtype=np.int64), values)


@given(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=60))
def test_uint64_property(values):
    check_count(np.array(values, dtype=np.uint64), values)


@given(st.lists(st.integers(-5, 40), min_size=1, max_size=200), st.sampled_from([np.int8, np.int32, np.int64]))
def test_small_int_property(values, dtype):
    check_count(np.array(values, dtype=dtype), values)


# --------------------------------------------------------------------------
# the threaded bincount (>= 2**20 samples)
# --------------------------------------------------------------------------
@pytest.mark.parametrize("threads", ["1", "2", "3"])
def test_large_input_threaded_bincount_matches_unique(monkeypatch, threads):
    monkeypatch.setenv("INFOKIT_NUM_THREADS", threads)
    rng = np.random.default_rng(7)
    n = (1 << 20) + 12345
    x = rng.integers(-500, 1500, size=n)
    x[0], x[-1] = -700, 2000  # the extremes at the ends of the first/last chunk
    u, c = np.unique(x, return_counts=True)
    out, cnt = _counting.count(x, name="samples")
    np.testing.assert_array_equal(out, u)
    np.testing.assert_array_equal(cnt, c)
    assert int(cnt.sum()) == n
    out, cnt, codes = _counting.count(x, name="samples", codes=True)
    np.testing.assert_array_equal(out[codes], x)


def test_large_uint8_and_bool_inputs():
    rng = np.random.default_rng(8)
    n = (1 << 20) + 1
    x = rng.integers(0, 256, size=n).astype(np.uint8)
    u, c = np.unique(x, return_counts=True)
    out, cnt = _counting.count(x, name="samples")
    np.testing.assert_array_equal(out, u)
    np.testing.assert_array_equal(cnt, c)
    b = x > 100
    out, cnt = _counting.count(b, name="samples")
    assert out.tolist() == [False, True]
    assert cnt.tolist() == [int((~b).sum()), int(b.sum())]


@given(
    st.lists(st.integers(-300, 300), min_size=1, max_size=120),
    st.sampled_from([0, 1, 10**12, -(2**62), 2**63 - 400]),
    st.sampled_from([np.int16, np.int64, np.uint64]),
    st.integers(1, 4),
    st.integers(1, 9),
)
def test_blocked_bincount_small_blocks_and_chunks(values, offset, dtype, threads, block):
    # tiny blocks and chunks: offsets chosen per block/chunk, extended downwards, merged across chunks
    info = np.iinfo(dtype)
    values = [v + offset for v in values]
    if dtype == np.uint64:
        values = [v + 2**63 if offset < 0 else abs(v) for v in values]
    values = [min(max(v, int(info.min)), int(info.max)) for v in values]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_counting, "_BLOCK", block)
        mp.setattr(_counting, "_PARALLEL_MIN", 1)
        mp.setenv("INFOKIT_NUM_THREADS", str(threads))
        check_count(np.array(values, dtype=dtype), values)


@pytest.mark.parametrize("dtype", [np.int8, np.int64])
def test_blocked_bincount_negative_values_after_direct_counting(monkeypatch, dtype):
    # first block counted directly (offset 0); a later block has negative values
    monkeypatch.setattr(_counting, "_BLOCK", 4)
    values = [0, 1, 2, 3, 5, 6, -7, 2, 1, 1, 1, 1, -128, 127, 0, 0]
    check_count(np.array(values, dtype=dtype), values)


def test_blocked_bincount_sparse_range_found_in_a_later_block(monkeypatch):
    monkeypatch.setattr(_counting, "_BLOCK", 4)
    values = [1, 2, 3, 1, 5, 6, 2, 10**15, 3]
    check_count(np.array(values), values)
    values = [10**15, 10**15 + 1, 10**15, 5, 6]  # compact first block, sparse overall
    check_count(np.array(values), values)


def test_blocked_bincount_chunks_far_apart(monkeypatch):
    # each chunk is compact, the whole is not: sorted instead, same result
    monkeypatch.setattr(_counting, "_PARALLEL_MIN", 1)
    monkeypatch.setattr(_counting, "_BLOCK", 4)  # the first block (compact) lets it use threads
    monkeypatch.setenv("INFOKIT_NUM_THREADS", "2")
    values = [0, 1, 2, 1] * 5 + [10**12, 10**12 + 1] * 10
    check_count(np.array(values), values)
    values = [1000, 1003] * 10 + [-5, -3, 0] * 10  # chunks with different offsets, merged
    check_count(np.array(values), values)
    monkeypatch.setattr(_counting, "_THREAD_MAX_WIDTH", 10)
    values = list(range(0, 40, 3)) + list(range(40))  # wide first block: one thread, same counts
    check_count(np.array(values), values)


# --------------------------------------------------------------------------
# floats, datetimes, strings
# --------------------------------------------------------------------------
def test_floats_signed_zero_and_infinities():
    x = np.array([0.0, -0.0, 1.5, np.inf, -np.inf, np.inf, 1.5, 1e-300])
    out, cnt = _counting.count(x, name="samples")
    # -0.0 == 0.0: one outcome
    assert out.tolist() == [-np.inf, 0.0, 1e-300, 1.5, np.inf]
    assert cnt.tolist() == [1, 2, 1, 2, 2]


@given(st.lists(st.floats(allow_nan=False, width=64), min_size=1, max_size=60))
def test_float_property(values):
    check_count(np.array(values, dtype=np.float64), values)


def test_float32():
    x = np.array([0.5, 0.25, 0.5], dtype=np.float32)
    out = check_count(x)
    assert out.dtype == np.float32


def test_float_nan_is_an_error_naming_the_argument():
    x = np.array([0.0, np.nan, 1.0, np.nan])
    with pytest.raises(InvalidArgumentError, match=r"'samples'.*2 NaN.*dropna=True"):
        _counting.count(x, name="samples")
    with pytest.raises(InvalidArgumentError, match="'x'"):
        _counting.count(x, name="x")
    out, cnt = _counting.count(x, name="samples", dropna=True)
    assert out.tolist() == [0.0, 1.0] and cnt.tolist() == [1, 1]
    with pytest.raises(InvalidArgumentError, match="no samples left"):
        _counting.count(np.array([np.nan, np.nan]), name="samples", dropna=True)


def test_datetime_with_nat():
    x = np.array(["2020-01-02", "NaT", "2020-01-01", "2020-01-02"], dtype="datetime64[D]")
    with pytest.raises(InvalidArgumentError, match=r"'samples'.*1 NaT"):
        _counting.count(x, name="samples")
    out, cnt = _counting.count(x, name="samples", dropna=True)
    assert out.dtype == x.dtype
    assert out.tolist() == sorted(set(x[~np.isnat(x)].tolist()))
    assert cnt.tolist() == [1, 2]
    with pytest.raises(InvalidArgumentError, match="no samples left"):
        _counting.count(np.array(["NaT"], dtype="datetime64[s]"), name="samples", dropna=True)


def test_timedelta():
    x = np.array([3, 1, 3], dtype="timedelta64[ms]")
    check_count(x)


def test_fixed_width_unicode_and_bytes():
    u = np.array(["pear", "apple", "pear", "", "Äpfel"])
    out = check_count(u)
    assert out.dtype.kind == "U"
    s = np.array([b"b", b"a", b"b", b"\x00a"])
    out = check_count(s)
    assert out.dtype.kind == "S"


@given(st.lists(st.text(max_size=4), min_size=1, max_size=40))
def test_string_property(values):
    # object array (hashing path) and fixed-width array (sort path) agree with the brute force
    check_count(np.array(values, dtype=object), values)
    # numpy's 'U' dtype strips trailing NULs: compare with what it holds
    u = np.array(values, dtype=str)
    check_count(u)


# --------------------------------------------------------------------------
# Python objects
# --------------------------------------------------------------------------
def test_object_strings_become_a_str_array():
    x = np.array(["b", "a", "b"], dtype=object)
    out = check_count(x)
    assert out.dtype.kind == "U"


def test_object_strings_with_trailing_nul_stay_distinct():
    # a 'U' array would strip the NUL and merge "a\x00" with "a"
    x = np.array(["a", "a\x00", "a", "\x00"], dtype=object)
    out = check_count(x)
    assert out.tolist() == ["\x00", "a", "a\x00"]


def test_object_tuples():
    values = [(1, "a"), (0, "b"), (1, "a"), (0, "a")]
    x = _counting.as_samples(values, "samples")
    assert x.dtype == object and x.shape == (4,)
    out = check_count(x, values)
    assert out.dtype == object and isinstance(out[0], tuple)


def test_object_mixed_types_cannot_be_ordered():
    x = _counting.as_samples([1, "a", 2], "samples")
    with pytest.raises(InvalidTypeError, match=r"'samples'.*cannot be ordered.*int, str"):
        _counting.count(x, name="samples")


def test_object_unhashable():
    x = np.empty(2, dtype=object)
    x[0], x[1] = {"a": 1}, {"a": 1}
    with pytest.raises(InvalidTypeError, match=r"'samples'.*not hashable"):
        _counting.count(x, name="samples")


def test_object_missing_values():
    x = np.array(["a", None, "b", float("nan"), "a"], dtype=object)
    with pytest.raises(InvalidArgumentError, match=r"'samples'.*2 missing"):
        _counting.count(x, name="samples")
    out, cnt = _counting.count(x, name="samples", dropna=True)
    assert out.tolist() == ["a", "b"] and cnt.tolist() == [2, 1]
    out, cnt, codes = _counting.count(x[[0, 2, 4]], name="samples", codes=True)
    assert codes.tolist() == [0, 1, 0]
    with pytest.raises(InvalidArgumentError, match="no samples left"):
        _counting.count(np.array([None, None], dtype=object), name="samples", dropna=True)


def test_object_pandas_na():
    pd = pytest.importorskip("pandas")
    x = np.array(["a", pd.NA, "a"], dtype=object)
    with pytest.raises(InvalidArgumentError, match="missing"):
        _counting.count(x, name="samples")
    out, cnt = _counting.count(x, name="samples", dropna=True)
    assert out.tolist() == ["a"] and cnt.tolist() == [2]


# --------------------------------------------------------------------------
# missing_mask
# --------------------------------------------------------------------------
def test_missing_mask():
    assert _counting.missing_mask(np.array([1, 2])) is None
    assert _counting.missing_mask(np.array([1.0, 2.0])) is None
    assert _counting.missing_mask(np.array(["a"])) is None
    assert _counting.missing_mask(np.array([1.0, np.nan])).tolist() == [False, True]
    d = np.array(["NaT", "2020-01-01"], dtype="datetime64[D]")
    assert _counting.missing_mask(d).tolist() == [True, False]
    o = np.array(["a", None, float("nan"), "b"], dtype=object)
    assert _counting.missing_mask(o).tolist() == [False, True, True, False]
    assert _counting.missing_mask(np.array(["a", "b"], dtype=object)) is None


# --------------------------------------------------------------------------
# as_samples
# --------------------------------------------------------------------------
def test_as_samples_lists():
    assert _counting.as_samples([1, 2, 3], "s").dtype.kind == "i"
    assert _counting.as_samples([1.5, 2], "s").dtype.kind == "f"
    assert _counting.as_samples(["a", "bc"], "s").dtype.kind == "U"
    assert _counting.as_samples([True, False], "s").dtype == bool
    # numpy would turn [1, "a"] into strings: the objects are kept
    mixed = _counting.as_samples([1, "a"], "s")
    assert mixed.dtype == object and mixed.tolist() == [1, "a"]
    # lists (and arrays) inside become tuples
    nested = _counting.as_samples([[1, 2], [3], [1, 2]], "s")
    assert nested.dtype == object and nested.tolist() == [(1, 2), (3,), (1, 2)]
    same_len = _counting.as_samples([[1, 2], [3, 4]], "s")
    assert same_len.shape == (2,) and same_len.tolist() == [(1, 2), (3, 4)]
    tup = _counting.as_samples((3, 1), "s")
    assert tup.tolist() == [3, 1]


@pytest.mark.parametrize("bad", ["abc", b"abc", {"a": 1}, {1, 2}, 5, 2.5])
def test_as_samples_rejects_scalars_and_mappings(bad):
    with pytest.raises(InvalidTypeError, match="'s' must be a 1-D sequence"):
        _counting.as_samples(bad, "s")


def test_as_samples_shape_errors():
    with pytest.raises(InvalidArgumentError, match=r"'s' must be 1-D.*\(2, 3\).*empirical_joint"):
        _counting.as_samples(np.zeros((2, 3)), "s")
    with pytest.raises(InvalidArgumentError, match=r"'s' must be 1-D"):
        _counting.as_samples(np.array(1.0), "s")
    with pytest.raises(InvalidArgumentError, match="'s' is empty"):
        _counting.as_samples([], "s")
    with pytest.raises(InvalidArgumentError, match="'s' is empty"):
        _counting.as_samples(np.array([], dtype=np.int64), "s")
    with pytest.raises(InvalidTypeError, match="complex"):
        _counting.as_samples(np.array([1 + 2j]), "s")


def test_as_samples_pandas():
    pd = pytest.importorskip("pandas")
    a = _counting.as_samples(pd.Series([3, 1, 3]), "s")
    assert isinstance(a, np.ndarray) and a.tolist() == [3, 1, 3]
    c = _counting.as_samples(pd.Series(["x", "y", "x"], dtype="category"), "s")
    assert c.tolist() == ["x", "y", "x"]
    na = _counting.as_samples(pd.Series([1, None, 2], dtype="Int64"), "s")
    assert _counting.missing_mask(na).tolist() == [False, True, False]


def test_as_samples_polars():
    pl = pytest.importorskip("polars")
    a = _counting.as_samples(pl.Series([3, 1, 3]), "s")
    assert isinstance(a, np.ndarray) and a.tolist() == [3, 1, 3]
    s = _counting.as_samples(pl.Series(["a", None, "b"]), "s")
    assert _counting.missing_mask(s).tolist() == [False, True, False]


def test_as_samples_torch():
    torch = pytest.importorskip("torch")
    a = _counting.as_samples(torch.tensor([2, 0, 2]), "s")
    assert isinstance(a, np.ndarray) and a.tolist() == [2, 0, 2]
    g = _counting.as_samples(torch.tensor([0.5, 1.0], requires_grad=True), "s")
    assert g.tolist() == [0.5, 1.0]
    with pytest.raises(InvalidArgumentError, match="1-D"):
        _counting.as_samples(torch.zeros(2, 2), "s")


def test_one_missing_value_rule_for_object_samples():
    pd = pytest.importorskip("pandas")
    x = np.array(["a", None, pd.NA, pd.NaT, float("nan"), "a", "b"], dtype=object)
    e = ik.empirical(x, dropna=True)
    assert e.n == 3 and e.outcomes.tolist() == ["a", "b"] and e.counts.tolist() == [2, 1]
    with pytest.raises(ik.InvalidArgumentError, match="4 missing"):
        ik.empirical(x)
    # the same rule in the streamed counting: a Series of the same values
    assert ik.empirical(pd.Series(x), dropna=True).counts.tolist() == [2, 1]
