"""Tests of infokit.empirical: the empirical distribution P̂ and its exact measures.

Expected values come from independent sources only: ``collections.Counter``
and plain dicts for counts and joint tables, mpmath at 50 digits for
entropies, cross-entropies, KL divergences and (conditional) mutual
informations, closed forms and identities between measures.
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp, mpf

import infokit as ik
from infokit.errors import InvalidArgumentError, InvalidDistributionError, InvalidTypeError

DPS = 50


# --------------------------------------------------------------------------
# independent references
# --------------------------------------------------------------------------
def brute(values):
    """Sorted distinct values and their counts (pure Python)."""
    c = Counter(values)
    keys = sorted(c)
    return keys, [c[k] for k in keys]


def mp_entropy(counts):
    """Entropy in nats of counts / n, in mpmath."""
    with mp.workdps(DPS):
        n = mpf(sum(int(c) for c in counts))
        return -mp.fsum((mpf(int(c)) / n) * mp.log(mpf(int(c)) / n) for c in counts if c)


def mp_cross_entropy(p: dict, q: dict):
    """-sum p(x) log q(x) over dict pmfs {outcome: probability (exact mpf or float)}; inf if unsupported."""
    with mp.workdps(DPS):
        total = mpf(0)
        for k, pk in p.items():
            if pk == 0:
                continue
            qk = q.get(k, 0)
            if qk == 0:
                return mp.inf
            total -= mpf(pk) * mp.log(mpf(qk))
        return total


def mp_kl(p: dict, q: dict):
    with mp.workdps(DPS):
        total = mpf(0)
        for k, pk in p.items():
            if pk == 0:
                continue
            qk = q.get(k, 0)
            if qk == 0:
                return mp.inf
            total += mpf(pk) * (mp.log(mpf(pk)) - mp.log(mpf(qk)))
        return total


def mp_pmf(samples):
    """{outcome: exact probability} of a sample (mpf)."""
    c = Counter(samples)
    with mp.workdps(DPS):
        n = mpf(len(samples))
        return {k: mpf(v) / n for k, v in c.items()}


def rows(*cols):
    """Observations as tuples of Python values."""
    return list(zip(*[np.asarray(c).tolist() if not isinstance(c, list) else c for c in cols]))


def mp_joint_entropy(obs):
    return mp_entropy(list(Counter(obs).values()))


def mp_cond_entropy(xs, zs):
    """H(X|Z) = sum p(x,z) log(n_z / n_xz), from lists of hashable observations."""
    cxz = Counter(zip(xs, zs))
    cz = Counter(zs)
    with mp.workdps(DPS):
        n = mpf(len(xs))
        return mp.fsum(mpf(c) / n * mp.log(mpf(cz[z]) / c) for (x, z), c in cxz.items())


def mp_cmi(xs, ys, zs=None):
    """I(X;Y|Z) = sum p(x,y,z) log(n_xyz n_z / (n_xz n_yz)) (Z constant if None)."""
    if zs is None:
        zs = [0] * len(xs)
    cxyz = Counter(zip(xs, ys, zs))
    cxz, cyz, cz = Counter(zip(xs, zs)), Counter(zip(ys, zs)), Counter(zs)
    with mp.workdps(DPS):
        n = mpf(len(xs))
        return mp.fsum(
            mpf(c) / n * mp.log(mpf(c) * cz[z] / (mpf(cxz[(x, z)]) * cyz[(y, z)]))
            for (x, y, z), c in cxyz.items()
        )


def rel_err(value, ref):
    with mp.workdps(DPS):
        v = mpf(float(value))
        if ref == 0:
            return abs(v)
        return abs(v - ref) / abs(ref)


def close(value, ref, rel=1e-14, abs_tol=0.0):
    with mp.workdps(DPS):
        if mp.isinf(ref):
            return math.isinf(float(value)) and float(value) > 0
        return abs(mpf(float(value)) - ref) <= max(rel * abs(ref), abs_tol)


def check_empirical(e, values):
    """Outcomes/counts of Empirical ``e`` against the brute force of ``values``."""
    keys, counts = brute(values)
    assert isinstance(e, ik.Empirical)
    assert e.outcomes.tolist() == keys
    assert e.counts.tolist() == counts
    assert e.n == len(values)
    assert e.support_size == len(keys) and not e.support_declared
    assert close(ik.entropy(e), mp_entropy(counts))


# --------------------------------------------------------------------------
# input kinds
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "arr",
    [
        np.array([-128, 127, -1, -1, 5], dtype=np.int8),
        np.array([3, 1, 3, 3, 2, 0], dtype=np.int64),
        np.array([-7, -1, -7, 4, 0], dtype=np.int64),
        np.array([2**63 - 1, 2**63 - 2, 2**63 - 1], dtype=np.int64),
        np.array([2**63 - 1, 2**63, 2**63 + 1, 2**63, 2**64 - 1], dtype=np.uint64),
        np.array([2**63 + 3, 2**63 + 1, 2**63 + 3], dtype=np.uint64),
        np.array([10**12, 3, 10**12, -(10**12)], dtype=np.int64),
        np.array([0.5, 0.25, 0.5, 1e300, -np.inf, np.inf, np.inf]),
        np.array(["pear", "apple", "pear", ""]),
        np.array([b"b", b"a", b"b"]),
        np.array(["b", "a", "b"], dtype=object),
    ],
    ids=["int8", "int64", "negative", "int64-near-max", "uint64-around-2**63", "uint64-above-2**63",
         "sparse-1e12", "float", "U", "S", "object-str"],
)
def test_array_kinds(arr):
    values = arr.tolist()
    e = ik.empirical(arr)
    check_empirical(e, values)
    if arr.dtype != object:
        assert e.outcomes.dtype == arr.dtype
    else:
        assert e.outcomes.dtype.kind == "U"


def test_bools():
    e = ik.empirical(np.array([True, False, True, True]))
    assert e.outcomes.dtype == bool
    assert e.outcomes.tolist() == [False, True] and e.counts.tolist() == [1, 3]
    e = ik.empirical([True, True])
    assert e.outcomes.tolist() == [True] and e.counts.tolist() == [2]
    assert float(ik.entropy(e)) == 0.0


def test_signed_zero_is_one_outcome():
    e = ik.empirical(np.array([0.0, -0.0, -0.0, 1.0]))
    assert e.outcomes.tolist() == [0.0, 1.0]
    assert e.counts.tolist() == [3, 1]


def test_float_nan():
    x = np.array([1.0, np.nan, 2.0, 1.0])
    with pytest.raises(InvalidArgumentError, match=r"'samples' contains 1 NaN.*dropna=True"):
        ik.empirical(x)
    e = ik.empirical(x, dropna=True)
    assert e.outcomes.tolist() == [1.0, 2.0] and e.counts.tolist() == [2, 1] and e.n == 3
    with pytest.raises(InvalidArgumentError, match="no samples left"):
        ik.empirical(np.array([np.nan]), dropna=True)
    with pytest.raises(ValueError):  # the error is also a ValueError
        ik.empirical([1.0, float("nan")])


def test_datetime_with_nat():
    x = np.array(["2021-03-01", "NaT", "2020-01-01", "2021-03-01"], dtype="datetime64[D]")
    with pytest.raises(InvalidArgumentError, match="'samples' contains 1 NaT"):
        ik.empirical(x)
    e = ik.empirical(x, dropna=True)
    assert e.outcomes.dtype == x.dtype
    check_empirical(e, [v for v in x.tolist() if v is not None])
    with pytest.raises(InvalidArgumentError, match="no samples left"):
        ik.empirical(np.array(["NaT", "NaT"], dtype="datetime64[D]"), dropna=True)


def test_list_of_tuples():
    values = [(1, "a"), (0, "b"), (1, "a"), (0, "a")]
    e = ik.empirical(values)
    check_empirical(e, values)
    assert all(isinstance(o, tuple) for o in e.outcomes)


def test_list_of_lists_become_tuples():
    e = ik.empirical([[1, 2], [3], [1, 2]])
    assert e.outcomes.tolist() == [(1, 2), (3,)] and e.counts.tolist() == [2, 1]


def test_list_of_mixed_int_and_str():
    with pytest.raises(InvalidTypeError, match=r"cannot be ordered.*int, str"):
        ik.empirical([1, "a", 2, "b"])


def test_unhashable_samples():
    with pytest.raises(InvalidTypeError, match=r"'samples'.*not hashable"):
        ik.empirical([{"a": 1}, {"a": 1}])
    with pytest.raises(TypeError):
        ik.empirical([{1}, {2}])


def test_python_lists_of_numbers_and_strings():
    check_empirical(ik.empirical([3, 1, 3]), [3, 1, 3])
    check_empirical(ik.empirical([0.5, 0.5, 2.0]), [0.5, 0.5, 2.0])
    check_empirical(ik.empirical(["b", "a", "b"]), ["b", "a", "b"])
    check_empirical(ik.empirical((3, 1, 3)), [3, 1, 3])


def test_two_d_input_points_to_empirical_joint():
    with pytest.raises(InvalidArgumentError, match=r"1-D.*\(3, 2\).*empirical_joint"):
        ik.empirical(np.zeros((3, 2)))


@pytest.mark.parametrize("empty", [[], np.array([]), np.array([], dtype="U1"), ()])
def test_empty(empty):
    with pytest.raises(InvalidArgumentError, match="'samples' is empty"):
        ik.empirical(empty)


@pytest.mark.parametrize("bad", ["abc", 3, 2.5, {"a": 1}])
def test_not_a_sequence(bad):
    with pytest.raises(InvalidTypeError, match="'samples' must be a 1-D sequence"):
        ik.empirical(bad)


# pandas / polars / torch ------------------------------------------------------
def test_pandas_series():
    pd = pytest.importorskip("pandas")
    check_empirical(ik.empirical(pd.Series(["x", "y", "x"])), ["x", "y", "x"])
    check_empirical(ik.empirical(pd.Series([3, 1, 3, 3])), [3, 1, 3, 3])
    cat = pd.Series(["lo", "hi", "lo", "mid"], dtype="category")
    check_empirical(ik.empirical(cat), ["lo", "hi", "lo", "mid"])


def test_pandas_missing_values():
    pd = pytest.importorskip("pandas")
    for s in (
        pd.Series(["x", None, "x", "y"]),
        pd.Series(["x", np.nan, "x", "y"]),
        pd.Series(["x", None, "x", "y"], dtype="category"),
    ):
        with pytest.raises(InvalidArgumentError, match="'samples' contains 1 missing"):
            ik.empirical(s)
        e = ik.empirical(s, dropna=True)
        assert e.outcomes.tolist() == ["x", "y"] and e.counts.tolist() == [2, 1]
    na = pd.Series([1, None, 1, 3], dtype="Int64")
    with pytest.raises(InvalidArgumentError, match="'samples' contains 1"):
        ik.empirical(na)
    e = ik.empirical(na, dropna=True)
    assert e.outcomes.tolist() == [1, 3] and e.counts.tolist() == [2, 1]
    e = ik.empirical(pd.Series([1, 2, 1], dtype="Int64"))
    assert e.outcomes.tolist() == [1, 2] and e.counts.tolist() == [2, 1]


def test_polars_series():
    pl = pytest.importorskip("polars")
    check_empirical(ik.empirical(pl.Series(["a", "b", "a"])), ["a", "b", "a"])
    check_empirical(ik.empirical(pl.Series([5, 2, 5])), [5, 2, 5])
    with pytest.raises(InvalidArgumentError, match="'samples' contains 1"):
        ik.empirical(pl.Series([1, None, 1]))
    e = ik.empirical(pl.Series([1, None, 1, 2]), dropna=True)
    assert e.outcomes.tolist() == [1, 2] and e.counts.tolist() == [2, 1]
    e = ik.empirical(pl.Series(["a", None, "a"]), dropna=True)
    assert e.outcomes.tolist() == ["a"] and e.counts.tolist() == [2]


def test_torch_tensor():
    torch = pytest.importorskip("torch")
    check_empirical(ik.empirical(torch.tensor([1, 2, 2, 5])), [1, 2, 2, 5])
    e = ik.empirical(torch.tensor([True, False, True]))
    assert e.outcomes.tolist() == [False, True] and e.counts.tolist() == [1, 2]
    with pytest.raises(InvalidArgumentError, match="empirical_joint"):
        ik.empirical(torch.zeros(2, 3))


def test_large_int_input_matches_unique():
    rng = np.random.default_rng(11)
    x = rng.integers(0, 1000, size=(1 << 20) + 77)
    e = ik.empirical(x)
    u, c = np.unique(x, return_counts=True)
    np.testing.assert_array_equal(e.outcomes, u)
    np.testing.assert_array_equal(e.counts, c)
    assert e.n == x.size
    assert close(ik.entropy(e), mp_entropy(c.tolist()))


# --------------------------------------------------------------------------
# attributes
# --------------------------------------------------------------------------
def test_attributes():
    e = ik.empirical(["a", "b", "a", "c", "a", "b"])
    assert repr(e) == "Empirical(n=6, outcomes=3, support_size=3)"
    assert len(e) == 3
    assert e.n == 6 and isinstance(e.n, int)
    assert e.counts.dtype == np.int64
    np.testing.assert_array_equal(e.probs, np.array([3, 2, 1]) / 6)
    assert e.n_observed == 3
    assert e.to_dict() == {"a": 3, "b": 2, "c": 1}
    assert all(type(k) is str for k in e.to_dict())
    with pytest.raises(ValueError):
        e.counts[0] = 7
    with pytest.raises(ValueError):
        e.outcomes[0] = "z"
    with pytest.raises(AttributeError):
        e.n = 3


def test_entropy_docstring_value():
    # P̂ = (1/2, 1/3, 1/6): H = log2(6) - (1/2) log2(3)... in closed form
    e = ik.empirical(["a", "b", "a", "c", "a", "b"])
    closed = 0.5 * math.log2(2) + (1 / 3) * math.log2(3) + (1 / 6) * math.log2(6)
    assert float(ik.entropy(e, base="bits")) == pytest.approx(closed, rel=1e-15)


# --------------------------------------------------------------------------
# support=
# --------------------------------------------------------------------------
def test_support_keeps_order_and_zero_counts():
    e = ik.empirical(["H", "H", "T"], support=["T", "edge", "H"])
    assert e.outcomes.tolist() == ["T", "edge", "H"]
    assert e.counts.tolist() == [1, 0, 2]
    assert e.support_size == 3 and e.support_declared
    assert e.n == 3 and e.n_observed == 2
    e = ik.empirical([1, 1, 3], support=[3, 2, 1, 0])
    assert e.outcomes.tolist() == [3, 2, 1, 0] and e.counts.tolist() == [1, 0, 2, 0]
    assert e.outcomes.dtype.kind == "i"
    e = ik.empirical(np.array([True, True]), support=[False, True])
    assert e.counts.tolist() == [0, 2]


def test_support_sample_outside():
    with pytest.raises(InvalidArgumentError, match=r"outside the declared 'support'.*'X'"):
        ik.empirical(["H", "X", "T"], support=["T", "H"])
    with pytest.raises(InvalidArgumentError, match=r"2 outcome\(s\) outside.*\[7, 9\]"):
        ik.empirical([7, 1, 9], support=[0, 1, 2])


def test_support_repeated_or_bad():
    with pytest.raises(InvalidArgumentError, match="'support' has repeated outcomes"):
        ik.empirical(["H", "T"], support=["T", "H", "T"])
    with pytest.raises(InvalidArgumentError, match="'support'"):
        ik.empirical([1, 2], support=np.array([[1, 2]]))
    with pytest.raises(InvalidArgumentError, match="'support' is empty"):
        ik.empirical([1, 2], support=[])


def test_support_with_dropna():
    e = ik.empirical([1.0, np.nan, 1.0], support=[2.0, 1.0], dropna=True)
    assert e.outcomes.tolist() == [2.0, 1.0] and e.counts.tolist() == [0, 2]


# --------------------------------------------------------------------------
# from_counts
# --------------------------------------------------------------------------
def test_from_counts_basic():
    e = ik.Empirical.from_counts([5, 3, 2], support_size=10)
    assert e.n == 10 and e.support_size == 10 and e.support_declared
    assert e.outcomes.tolist() == [0, 1, 2]
    np.testing.assert_array_equal(e.probs, [0.5, 0.3, 0.2])
    e = ik.Empirical.from_counts([1, 2], outcomes=["b", "a"])
    assert e.outcomes.tolist() == ["b", "a"] and e.counts.tolist() == [1, 2]
    assert e.support_size == 2 and not e.support_declared
    e = ik.Empirical.from_counts([0, 3, 0])
    assert e.n == 3 and e.n_observed == 1 and len(e) == 3
    e = ik.Empirical.from_counts([4], support_size=np.int64(7))
    assert e.support_size == 7 and isinstance(e.support_size, int)


def test_from_counts_integral_floats_accepted():
    e = ik.Empirical.from_counts(np.array([1.0, 2.0, 0.0]))
    assert e.counts.dtype == np.int64 and e.counts.tolist() == [1, 2, 0]
    e = ik.Empirical.from_counts(np.array([3, 1], dtype=np.uint8))
    assert e.counts.dtype == np.int64 and e.n == 4


def test_from_counts_entropy():
    counts = [7, 3, 5, 8, 9, 1, 3, 3, 1, 0, 2, 5, 2, 11, 4, 23, 5, 0, 8, 0]
    e = ik.Empirical.from_counts(counts, support_size=20)
    assert close(ik.entropy(e), mp_entropy(counts))


@pytest.mark.parametrize(
    "counts, exc, match",
    [
        ([1, -1], InvalidArgumentError, "non-negative"),
        ([1.5, 2], InvalidArgumentError, "non-integer"),
        ([1.0, np.nan], InvalidArgumentError, "non-finite"),
        ([1.0, np.inf], InvalidArgumentError, "non-finite"),
        ([0, 0], InvalidArgumentError, "all zero"),
        ([[1, 2], [3, 4]], InvalidArgumentError, "1-D"),
        (np.array([True, False]), InvalidTypeError, "bool"),
        (["a", "b"], InvalidTypeError, "integer counts"),
        ([], InvalidArgumentError, "empty"),
        ([2.0**60], InvalidArgumentError, "2\\*\\*53"),
    ],
)
def test_from_counts_errors(counts, exc, match):
    with pytest.raises(exc, match=match):
        ik.Empirical.from_counts(counts)


def test_from_counts_outcome_errors():
    with pytest.raises(InvalidArgumentError, match="'outcomes'.*one outcome per count"):
        ik.Empirical.from_counts([1, 2], outcomes=["a"])
    with pytest.raises(InvalidArgumentError, match="'outcomes' has repeated"):
        ik.Empirical.from_counts([1, 2], outcomes=["a", "a"])
    with pytest.raises(InvalidArgumentError, match="'outcomes'"):
        ik.Empirical.from_counts([1, 2], outcomes=np.array([["a", "b"]]))


def test_from_counts_support_size_errors():
    with pytest.raises(InvalidArgumentError, match=r"'support_size' \(2\) is smaller"):
        ik.Empirical.from_counts([1, 2, 3], support_size=2)
    with pytest.raises(InvalidTypeError, match="'support_size' must be an int"):
        ik.Empirical.from_counts([1, 2, 3], support_size=5.0)
    with pytest.raises(InvalidArgumentError, match="finite"):
        ik.Empirical.from_counts([1, 2, 3], support_size=float("inf"))
    with pytest.raises(InvalidTypeError):
        ik.Empirical.from_counts([1, 2, 3], support_size=True)
    with pytest.raises(InvalidTypeError):
        ik.Empirical.from_counts([1, 2, 3], support_size="5")


# --------------------------------------------------------------------------
# merge
# --------------------------------------------------------------------------
def _merge_chunks(values, cuts):
    cuts = sorted({c % (len(values) + 1) for c in cuts} - {0, len(values)})
    bounds = [0, *cuts, len(values)]
    parts = [values[a:b] for a, b in zip(bounds, bounds[1:])]
    total = ik.empirical(parts[0])
    for p in parts[1:]:
        total = total.merge(ik.empirical(p))
    return total


@given(st.lists(st.integers(-1000, 1000), min_size=1, max_size=80), st.lists(st.integers(0, 200), max_size=5))
def test_merge_of_chunks_equals_whole_ints(values, cuts):
    merged = _merge_chunks(values, cuts)
    whole = ik.empirical(values)
    assert merged.outcomes.tolist() == whole.outcomes.tolist()
    assert merged.counts.tolist() == whole.counts.tolist()
    assert merged.n == whole.n == len(values)
    assert float(ik.entropy(merged)) == float(ik.entropy(whole))


@given(st.lists(st.text(alphabet="abcxyz", max_size=3), min_size=1, max_size=60), st.lists(st.integers(0, 100), max_size=4))
def test_merge_of_chunks_equals_whole_strings(values, cuts):
    merged = _merge_chunks(values, cuts)
    whole = ik.empirical(values)
    assert merged.outcomes.tolist() == whole.outcomes.tolist()
    assert merged.counts.tolist() == whole.counts.tolist()


def test_merge_disjoint_and_add():
    a, b = ik.empirical([1, 2, 2]), ik.empirical([5, 3])
    m = a.merge(b)
    assert m.outcomes.tolist() == [1, 2, 3, 5] and m.counts.tolist() == [1, 2, 1, 1]
    assert m.n == 5 and m.support_size == 4 and not m.support_declared
    assert (a + b).to_dict() == m.to_dict()
    s = ik.empirical(["x", "z"]).merge(ik.empirical(["y"]))
    assert s.outcomes.tolist() == ["x", "y", "z"]


def test_merge_keeps_distinct_labels_of_different_types():
    m = ik.empirical([1, 1]).merge(ik.empirical(["1"]))
    assert sorted(map(repr, m.outcomes.tolist())) == ["'1'", "1"]
    assert m.to_dict() == {1: 2, "1": 1}
    big = 2**60 + 1  # not a float64: must not be rounded
    m = ik.empirical(np.array([big])).merge(ik.empirical([0.5]))
    assert m.to_dict() == {big: 1, 0.5: 1}
    m = ik.empirical(np.array([2**64 - 1], dtype=np.uint64)).merge(ik.empirical([-1]))
    assert m.to_dict() == {2**64 - 1: 1, -1: 1}


def test_merge_declared_support():
    s = ik.empirical(["H", "T"], support=["H", "T", "E"])
    m = s.merge(ik.empirical(["E", "E"]))
    assert m.outcomes.tolist() == ["H", "T", "E"] and m.counts.tolist() == [1, 1, 2]
    assert m.support_declared and m.support_size == 3
    # the declared order is kept whichever side it is on
    m2 = ik.empirical(["E", "E"]).merge(s)
    assert m2.outcomes.tolist() == ["H", "T", "E"] and m2.counts.tolist() == [1, 1, 2]
    assert m2.support_declared
    with pytest.raises(InvalidArgumentError, match=r"declared support.*'X'"):
        s.merge(ik.empirical(["X"]))
    with pytest.raises(InvalidArgumentError, match=r"declared support.*'X'"):
        ik.empirical(["X"]).merge(s)


def test_merge_support_size():
    a = ik.Empirical.from_counts([1, 2], support_size=10)
    b = ik.Empirical.from_counts([1, 2, 3])
    for m in (a.merge(b), b.merge(a)):
        assert m.counts.tolist() == [2, 4, 3] and m.support_size == 10 and m.support_declared


def test_merge_errors():
    with pytest.raises(InvalidTypeError, match="'other' must be an ik.Empirical"):
        ik.empirical([1]).merge([1])
    j = ik.empirical_joint([0, 1], [0, 1])
    with pytest.raises(InvalidArgumentError, match="joint"):
        j.merge(j)


# --------------------------------------------------------------------------
# Empirical in the core measures
# --------------------------------------------------------------------------
counts_st = st.lists(st.integers(0, 10**6), min_size=1, max_size=30).filter(any)


@given(counts_st)
def test_entropy_of_empirical_matches_mpmath(counts):
    e = ik.Empirical.from_counts(counts)
    assert close(ik.entropy(e), mp_entropy(counts), rel=1e-14, abs_tol=1e-300)


def test_entropy_bases():
    e = ik.empirical([0, 0, 1, 2, 2, 2])
    h = mp_entropy([2, 1, 3])
    with mp.workdps(DPS):
        assert close(ik.entropy(e, base="bits"), h / mp.log(2))
        assert close(ik.entropy(e, base="hartleys"), h / mp.log(10))
        assert close(ik.entropy(e, base=3.0), h / mp.log(3))


def test_cross_entropy_and_kl_between_empiricals_on_the_union():
    x = [0, 0, 1, 2, 2, 2, 7]
    y = [0, 1, 1, 2, 7, 7, 9, 9]
    ex, ey = ik.empirical(x), ik.empirical(y)
    px, py = mp_pmf(x), mp_pmf(y)
    assert close(ik.cross_entropy(ex, ey), mp_cross_entropy(px, py), rel=1e-14)
    assert close(ik.kl_divergence(ex, ey), mp_kl(px, py), rel=1e-14)
    # y has 9, x does not: the reverse direction is infinite
    assert math.isinf(float(ik.kl_divergence(ey, ex)))
    assert math.isinf(float(ik.cross_entropy(ey, ex)))
    assert float(ik.kl_divergence(ex, ex)) == 0.0
    # strings and a declared support with unseen outcomes
    a = ik.empirical(["a", "b", "b", "c"], support=["c", "b", "a", "d"])
    b = ik.empirical(["d", "a", "b", "c", "c"])
    pa, pb = mp_pmf(["a", "b", "b", "c"]), mp_pmf(["d", "a", "b", "c", "c"])
    assert close(ik.kl_divergence(a, b), mp_kl(pa, pb), rel=1e-14)
    assert close(ik.cross_entropy(a, b), mp_cross_entropy(pa, pb), rel=1e-14)


def test_empirical_against_dict():
    x = [0, 0, 1, 2, 2, 2]
    e = ik.empirical(x)
    q = {0: 0.2, 1: 0.3, 2: 0.5}
    assert close(ik.kl_divergence(e, q), mp_kl(mp_pmf(x), q), rel=1e-14)
    assert close(ik.cross_entropy(e, q), mp_cross_entropy(mp_pmf(x), q), rel=1e-14)
    # dict outcomes beyond the sample's, in any order
    q2 = {9: 0.1, 2: 0.4, 1: 0.3, 0: 0.2}
    assert close(ik.kl_divergence(e, q2), mp_kl(mp_pmf(x), q2), rel=1e-14)
    # dict as p, Empirical as q
    assert close(ik.kl_divergence(q, e), mp_kl(q, mp_pmf(x)), rel=1e-14)
    # dict missing an observed outcome: infinite
    assert math.isinf(float(ik.kl_divergence(e, {0: 0.5, 1: 0.5})))
    # string labels
    s = ["b", "a", "b", "c"]
    qs = {"a": 0.25, "b": 0.25, "c": 0.5}
    assert close(ik.kl_divergence(ik.empirical(s), qs), mp_kl(mp_pmf(s), qs), rel=1e-14)


def test_dict_errors():
    e = ik.empirical([0, 1])
    with pytest.raises(InvalidDistributionError, match="empty dict"):
        ik.kl_divergence(e, {})
    with pytest.raises(InvalidTypeError, match="numbers"):
        ik.kl_divergence(e, {0: "a", 1: "b"})
    with pytest.raises(InvalidDistributionError, match="sum to 1"):
        ik.kl_divergence(e, {0: 0.5, 1: 0.6})
    with pytest.raises(InvalidTypeError, match="'p' is a dict keyed by labels"):
        ik.kl_divergence({"a": 0.5, "b": 0.5}, np.array([0.5, 0.5]))
    # integer keys index an array, as the integer outcomes of an Empirical do
    assert ik.kl_divergence({1: 0.75, 0: 0.25}, np.array([0.5, 0.5])) == pytest.approx(
        0.25 * np.log(0.5) + 0.75 * np.log(1.5), rel=1e-14)


def test_empirical_against_int_indexed_array():
    x = [0, 2, 2, 5]
    e = ik.empirical(x)
    q = np.array([0.1, 0.2, 0.3, 0.05, 0.05, 0.3])
    qd = dict(enumerate(q.tolist()))
    assert close(ik.kl_divergence(e, q), mp_kl(mp_pmf(x), qd), rel=1e-14)
    assert close(ik.cross_entropy(e, q), mp_cross_entropy(mp_pmf(x), qd), rel=1e-14)
    assert close(ik.kl_divergence(e, q.tolist()), mp_kl(mp_pmf(x), qd), rel=1e-14)
    # p as the array, Empirical as q
    assert close(ik.kl_divergence(q, e), mp_kl(qd, mp_pmf(x)))
    # a Categorical (logits) is aligned the same way
    assert close(ik.kl_divergence(e, ik.from_logits(np.log(q))), mp_kl(mp_pmf(x), qd), rel=1e-13)
    # a batch of q rows
    q2 = np.stack([q, q[::-1]])
    out = np.asarray(ik.kl_divergence(e, q2))
    assert out.shape == (2,)
    assert close(out[1], mp_kl(mp_pmf(x), dict(enumerate(q[::-1].tolist()))), rel=1e-14)


def test_int_indexed_array_misaligned():
    e = ik.empirical([0, 1, 2, 2])
    with pytest.raises(InvalidDistributionError, match=r"integer outcomes \[2\].*indexed by outcome"):
        ik.kl_divergence(e, np.array([0.5, 0.5]))
    with pytest.raises(InvalidDistributionError, match=r"integer outcomes \[-1\]"):
        ik.kl_divergence(ik.empirical([-1, 0]), np.array([0.5, 0.5]))


def test_string_outcomes_positional_array():
    s = ["b", "a", "b", "c"]  # outcomes a, b, c in order
    e = ik.empirical(s)
    q = np.array([0.2, 0.3, 0.5])
    qd = {"a": 0.2, "b": 0.3, "c": 0.5}
    assert close(ik.kl_divergence(e, q), mp_kl(mp_pmf(s), qd), rel=1e-14)
    assert close(ik.cross_entropy(e, q), mp_cross_entropy(mp_pmf(s), qd), rel=1e-14)
    # declared support order is the positional order
    d = ik.empirical(s, support=["c", "b", "a"])
    assert close(ik.kl_divergence(d, q), mp_kl(mp_pmf(s), {"c": 0.2, "b": 0.3, "a": 0.5}), rel=1e-14)
    with pytest.raises(InvalidDistributionError, match="3 outcomes but 'q' has 2 entries"):
        ik.kl_divergence(e, np.array([0.5, 0.5]))


def test_torch_q_gives_torch_result():
    torch = pytest.importorskip("torch")
    x = [0, 0, 1, 2, 2, 2]
    e = ik.empirical(x)
    q = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64)
    qd = {0: 0.2, 1: 0.3, 2: 0.5}
    kl = ik.kl_divergence(e, q)
    assert isinstance(kl, torch.Tensor) and kl.dtype == torch.float64
    assert close(kl.item(), mp_kl(mp_pmf(x), qd), rel=1e-14)
    ce = ik.cross_entropy(e, q)
    assert isinstance(ce, torch.Tensor)
    assert close(ce.item(), mp_cross_entropy(mp_pmf(x), qd), rel=1e-14)
    kl32 = ik.kl_divergence(e, q.float())
    assert isinstance(kl32, torch.Tensor) and kl32.dtype == torch.float32
    assert kl32.item() == pytest.approx(kl.item(), rel=1e-6)


@given(counts_st, st.lists(st.floats(1e-3, 1.0), min_size=30, max_size=30))
def test_cross_entropy_identity(counts, w):
    """H(P̂, Q) = H(P̂) + D(P̂ || Q)."""
    e = ik.Empirical.from_counts(counts)
    q = np.array(w[: len(counts)])
    q = q / q.sum()
    ce = float(ik.cross_entropy(e, q))
    h = float(ik.entropy(e))
    kl = float(ik.kl_divergence(e, q))
    assert ce == pytest.approx(h + kl, rel=1e-13, abs=1e-15)
    assert kl >= 0.0


@given(st.lists(st.integers(0, 12), min_size=1, max_size=60), st.randoms(use_true_random=False))
def test_relabelling_invariance(values, rnd):
    labels = sorted(set(values))
    images = rnd.sample(range(-(10**9), 10**9), len(labels))
    names = [f"s{v}" for v in images]
    relabel_int = dict(zip(labels, images))
    relabel_str = dict(zip(labels, names))
    h = float(ik.entropy(ik.empirical(values)))
    h_int = float(ik.entropy(ik.empirical([relabel_int[v] for v in values])))
    h_str = float(ik.entropy(ik.empirical([relabel_str[v] for v in values])))
    assert h_int == pytest.approx(h, rel=1e-14, abs=1e-300)
    assert h_str == pytest.approx(h, rel=1e-14, abs=1e-300)
    # KL against a relabelled dict is unchanged too
    q = {v: (i + 1) for i, v in enumerate(labels)}
    z = sum(q.values())
    q = {k: v / z for k, v in q.items()}
    kl = float(ik.kl_divergence(ik.empirical(values), q))
    kl_str = float(ik.kl_divergence(ik.empirical([relabel_str[v] for v in values]),
                                    {relabel_str[k]: v for k, v in q.items()}))
    assert kl_str == pytest.approx(kl, rel=1e-13, abs=1e-15)


@given(st.lists(st.integers(0, 8), min_size=1, max_size=60), st.integers(1, 5))
def test_zero_padding_invariance(values, extra):
    e = ik.empirical(values)
    support = list(range(-extra, 9 + extra))[::-1]
    padded = ik.empirical(values, support=support)
    assert padded.n == e.n and len(padded) == len(support)
    assert float(ik.entropy(padded)) == pytest.approx(float(ik.entropy(e)), rel=1e-14, abs=1e-300)
    q = {k: 1.0 / len(support) for k in support}
    assert float(ik.kl_divergence(padded, q)) == pytest.approx(
        float(ik.kl_divergence(e, q)), rel=1e-13, abs=1e-15)
    f = ik.Empirical.from_counts(e.counts, support_size=len(e) + extra)
    assert float(ik.entropy(f)) == float(ik.entropy(e))


# --------------------------------------------------------------------------
# empirical_joint and the multivariate measures
# --------------------------------------------------------------------------
def test_empirical_joint_against_counter():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 4, 300)
    y = rng.choice(np.array(["a", "b", "c"]), 300)
    z = rng.normal(size=300).round(0)
    j = ik.empirical_joint(x, y, z)
    keys, counts = brute(rows(x, y, z))
    assert j.outcomes.tolist() == keys
    assert j.counts.tolist() == counts
    assert close(ik.entropy(j), mp_entropy(counts))
    for i, col in enumerate((x, y, z)):
        m = j.marginal(i)
        mk, mc = brute(col.tolist())
        assert m.outcomes.tolist() == mk and m.counts.tolist() == mc
    assert j.marginal(-1).to_dict() == j.marginal(2).to_dict()


def test_empirical_joint_inputs():
    a = np.array([[0, 1], [0, 1], [1, 0]])
    j = ik.empirical_joint(a)
    assert j.outcomes.tolist() == [(0, 1), (1, 0)] and j.counts.tolist() == [2, 1]
    one = ik.empirical_joint([0, 1, 1])
    assert one.outcomes.tolist() == [(0,), (1,)] and one.counts.tolist() == [1, 2]
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"a": [0, 0, 1], "b": ["x", "x", "y"]})
    j = ik.empirical_joint(df)
    assert j.outcomes.tolist() == [(0, "x"), (1, "y")] and j.counts.tolist() == [2, 1]


def test_empirical_joint_errors():
    with pytest.raises(InvalidArgumentError, match=r"lengths \[2, 3\]"):
        ik.empirical_joint([0, 1], [0, 1, 2])
    with pytest.raises(InvalidArgumentError, match="at least one variable"):
        ik.empirical_joint()
    with pytest.raises(InvalidArgumentError, match="NaN"):
        ik.empirical_joint([0.0, np.nan], [1, 2])
    j = ik.empirical_joint([0, 1], [0, 1])
    with pytest.raises(InvalidArgumentError):
        j.marginal(2)
    with pytest.raises(InvalidTypeError):
        j.marginal("a")
    with pytest.raises(InvalidArgumentError, match="joint"):
        ik.empirical([0, 1]).marginal(0)


def test_joint_dropna_drops_whole_rows():
    x = [0.0, np.nan, 1.0, 1.0, 2.0]
    y = ["a", "b", None, "c", "c"]
    keep = [0, 3, 4]
    j = ik.empirical_joint(x, y, dropna=True)
    keys, counts = brute([(x[i], y[i]) for i in keep])
    assert j.outcomes.tolist() == keys and j.counts.tolist() == counts
    xs, ys = [x[i] for i in keep], [y[i] for i in keep]
    assert close(ik.joint_entropy(x, y, dropna=True), mp_joint_entropy(list(zip(xs, ys))))
    assert close(ik.mutual_information(x, y, dropna=True), mp_cmi(xs, ys), abs_tol=1e-15)
    assert close(ik.conditional_entropy(x, given=y, dropna=True), mp_cond_entropy(xs, ys), abs_tol=1e-15)
    with pytest.raises(InvalidArgumentError, match="missing"):
        ik.mutual_information(x, y)
    with pytest.raises(InvalidArgumentError, match="no observations left"):
        ik.empirical_joint([np.nan], ["a"], dropna=True)


def _random_vars(seed, n=400):
    rng = np.random.default_rng(seed)
    z = rng.integers(0, 3, n)
    x = (z + rng.integers(0, 3, n)) % 4
    y = np.where(rng.random(n) < 0.6, x, rng.integers(0, 5, n))
    w = rng.choice(np.array(["u", "v"]), n)
    return x, y, z, w


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_measures_against_mpmath(seed):
    x, y, z, w = _random_vars(seed)
    xs, ys, zs, ws = x.tolist(), y.tolist(), z.tolist(), w.tolist()
    assert close(ik.joint_entropy(x, y), mp_joint_entropy(rows(x, y)))
    assert close(ik.joint_entropy(x, y, z, w), mp_joint_entropy(rows(x, y, z, w)))
    assert close(ik.conditional_entropy(x, given=y), mp_cond_entropy(xs, ys), rel=1e-13)
    assert close(ik.conditional_entropy(w, given=z), mp_cond_entropy(ws, zs), rel=1e-13)
    assert close(ik.mutual_information(x, y), mp_cmi(xs, ys), rel=1e-13)
    assert close(ik.mutual_information(w, x), mp_cmi(ws, xs), rel=1e-12)
    assert close(ik.conditional_mutual_information(x, y, given=z), mp_cmi(xs, ys, zs), rel=1e-13)
    # several variables per group: the group is the tuple
    xz = rows(x, z)
    assert close(ik.mutual_information(np.column_stack([x, z]), y), mp_cmi(xz, ys), rel=1e-13)
    assert close(ik.conditional_entropy(y, given=np.column_stack([x, z])), mp_cond_entropy(ys, xz), rel=1e-13)
    assert close(ik.conditional_mutual_information(y, w, given=np.column_stack([x, z])),
                 mp_cmi(ys, ws, xz), rel=1e-12, abs_tol=1e-16)


def test_measures_with_dataframes():
    pd = pytest.importorskip("pandas")
    x, y, z, w = _random_vars(5)
    df = pd.DataFrame({"z": z, "w": w})
    zw = rows(z, w)
    assert close(ik.mutual_information(x, df), mp_cmi(x.tolist(), zw), rel=1e-13)
    assert close(ik.conditional_entropy(x, given=df), mp_cond_entropy(x.tolist(), zw), rel=1e-13)
    assert close(ik.joint_entropy(df), mp_joint_entropy(zw))
    assert close(ik.conditional_mutual_information(x, y, given=df), mp_cmi(x.tolist(), y.tolist(), zw), rel=1e-13)


def test_identities():
    x, y, z, w = _random_vars(7)
    h = ik.joint_entropy
    hx, hy, hxy = float(h(x)), float(h(y)), float(h(x, y))
    # H(X, Y) = H(X) + H(Y | X)
    assert hxy == pytest.approx(hx + float(ik.conditional_entropy(y, given=x)), rel=1e-14)
    # I(X; Y) = H(X) + H(Y) - H(X, Y)
    mi = float(ik.mutual_information(x, y))
    assert mi == pytest.approx(hx + hy - hxy, rel=1e-12)
    # symmetry
    assert float(ik.mutual_information(y, x)) == pytest.approx(mi, rel=1e-14)
    assert float(ik.conditional_mutual_information(y, x, given=z)) == pytest.approx(
        float(ik.conditional_mutual_information(x, y, given=z)), rel=1e-14)
    # I(X; X) = H(X), H(X | X) = 0 exactly
    assert float(ik.mutual_information(x, x)) == pytest.approx(hx, rel=1e-14)
    assert float(ik.conditional_entropy(x, given=x)) == 0.0
    assert float(ik.conditional_entropy(x, given=np.column_stack([x, z]))) == 0.0
    # chain rule I(X; Y, Z) = I(X; Z) + I(X; Y | Z)
    yz = np.column_stack([y, z])
    lhs = float(ik.mutual_information(x, yz))
    rhs = float(ik.mutual_information(x, z)) + float(ik.conditional_mutual_information(x, y, given=z))
    assert lhs == pytest.approx(rhs, rel=1e-13)
    # I(X; Y | Z) = H(X | Z) - H(X | Y, Z)
    cmi = float(ik.conditional_mutual_information(x, y, given=z))
    assert cmi == pytest.approx(float(ik.conditional_entropy(x, given=z))
                                - float(ik.conditional_entropy(x, given=yz)), rel=1e-12)
    # joint entropy is the entropy of the joint table
    assert float(ik.entropy(ik.empirical_joint(x, y))) == pytest.approx(hxy, rel=1e-15)


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 2)), min_size=1, max_size=50))
def test_identities_property(obs):
    x, y, z = (list(c) for c in zip(*obs))
    mi = float(ik.mutual_information(x, y))
    assert mi >= 0.0
    assert close(mi, mp_cmi(x, y), rel=1e-12, abs_tol=1e-15)
    assert close(ik.conditional_mutual_information(x, y, given=z), mp_cmi(x, y, z), rel=1e-12, abs_tol=1e-15)
    assert close(ik.conditional_entropy(x, given=y), mp_cond_entropy(x, y), rel=1e-13, abs_tol=1e-15)
    lhs = float(ik.mutual_information(x, np.column_stack([y, z])))
    rhs = float(ik.mutual_information(x, z)) + float(ik.conditional_mutual_information(x, y, given=z))
    assert lhs == pytest.approx(rhs, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("a, b, m", [(2, 2, 1), (3, 5, 7), (10, 10, 3), (13, 17, 1), (6, 9, 11)])
def test_independence_full_factorial_gives_exact_zero(a, b, m):
    rng = np.random.default_rng(a * b * m)
    x = np.repeat(np.arange(a), b * m)
    y = np.tile(np.repeat(np.arange(b), m), a)
    perm = rng.permutation(x.size)
    x, y = x[perm], y[perm]
    assert float(ik.mutual_information(x, y)) == 0.0
    assert float(ik.mutual_information(y, x)) == 0.0
    z = np.zeros(x.size, dtype=int)
    assert float(ik.conditional_mutual_information(x, y, given=z)) == 0.0
    # conditional independence: an exact product within each z
    x1, y1 = np.tile(np.arange(a + 1), 2 * b), np.repeat(np.arange(1, b + 1), 2 * (a + 1))  # another product
    xz = np.concatenate([x, x1])
    yz = np.concatenate([y, y1])
    zz = np.repeat([0, 1], [x.size, x1.size])
    assert float(ik.mutual_information(xz, yz)) > 1e-4  # not independent overall
    assert float(ik.conditional_mutual_information(xz, yz, given=zz)) == 0.0


def test_independence_non_uniform_product_table():
    cx, cy = [1, 2, 3], [2, 5, 1, 7]
    xs, ys = [], []
    for i, a in enumerate(cx):
        for j, b in enumerate(cy):
            xs += [i] * (a * b)
            ys += [j] * (a * b)
    assert float(ik.mutual_information(xs, ys)) == 0.0
    assert float(ik.mutual_information(np.array(ys, dtype=np.int8), np.array(xs) * 10**12)) == 0.0


def test_mutual_information_accuracy_nearly_independent():
    # an exact product table with two observations moved (marginals unchanged)
    x = np.repeat(np.arange(4), 5 * 5000)
    y = np.tile(np.repeat(np.arange(5), 5000), 4)
    y[0] = 1          # (0, 0) -> (0, 1)
    y[5 * 5000 + 5000] = 0  # (1, 1) -> (1, 0)
    xs, ys = x.tolist(), y.tolist()
    ref = mp_cmi(xs, ys)
    assert 1e-9 < ref < 1e-8
    assert rel_err(ik.mutual_information(x, y), ref) <= 1e-10
    # in float64, H(X) + H(Y) - H(X, Y) loses digits here, even from correctly rounded entropies
    with mp.workdps(DPS):
        naive = (float(mp_joint_entropy(xs)) + float(mp_joint_entropy(ys))
                 - float(mp_joint_entropy(list(zip(xs, ys)))))
    assert rel_err(naive, ref) > 1e-10
    # conditional version: the same table in each of two strata
    z = np.repeat([0, 1], x.size)
    x2, y2 = np.concatenate([x, x]), np.concatenate([y, y])
    ref_c = mp_cmi(x2.tolist(), y2.tolist(), z.tolist())
    assert rel_err(ik.conditional_mutual_information(x2, y2, given=z), ref_c) <= 1e-10


def test_mutual_information_accuracy_random_large_sample():
    rng = np.random.default_rng(17)
    n = 200_000
    x = rng.integers(0, 10, n)
    y = rng.integers(0, 8, n)
    ref = mp_cmi(x.tolist(), y.tolist())
    assert ref < 1e-3
    assert rel_err(ik.mutual_information(x, y), ref) <= 1e-10


def test_unequal_lengths():
    with pytest.raises(InvalidArgumentError, match=r"'x' and 'y' must have one sample per observation.*x: 2, y: 3"):
        ik.mutual_information([0, 1], [0, 1, 2])
    with pytest.raises(InvalidArgumentError, match="lengths"):
        ik.conditional_entropy([0, 1], given=[0, 1, 2])
    with pytest.raises(InvalidArgumentError, match="lengths"):
        ik.conditional_mutual_information([0, 1], [0, 1], given=[0])
    with pytest.raises(InvalidArgumentError, match="lengths"):
        ik.mutual_information(np.zeros((3, 2)), [0, 1])
    with pytest.raises(InvalidArgumentError, match="lengths"):
        ik.joint_entropy([0, 1], [0])
    with pytest.raises(InvalidArgumentError, match="at least one variable"):
        ik.joint_entropy()


def test_bits_and_closed_forms():
    x, y = [0, 0, 1, 1], [0, 1, 0, 1]
    for v, expected in [
        (ik.joint_entropy(x, y, base="bits"), 2.0),
        (ik.joint_entropy(x, base="bits"), 1.0),
        (ik.mutual_information(x, x, base="bits"), 1.0),
        (ik.mutual_information(x, y, base="bits"), 0.0),
        (ik.conditional_entropy(x, given=y, base="bits"), 1.0),
        (ik.conditional_mutual_information(x, x, given=y, base="bits"), 1.0),
    ]:
        assert isinstance(v, float)  # np.float64 in every unit
        assert float(v) == pytest.approx(expected, rel=1e-15, abs=0)
    # XOR: pairwise independent, fully dependent given the third
    a, b = [0, 0, 1, 1], [0, 1, 0, 1]
    c = [0, 1, 1, 0]
    assert float(ik.mutual_information(a, c)) == 0.0
    assert float(ik.conditional_mutual_information(a, c, given=b, base="bits")) == pytest.approx(1.0, rel=1e-15)
    nats = float(ik.mutual_information(x, x))
    assert nats == pytest.approx(math.log(2), rel=1e-15)
    assert float(ik.mutual_information(x, x, base="hartleys")) == pytest.approx(math.log10(2), rel=1e-15)


def test_measures_of_strings_tuples_and_mixed_columns():
    x = ["a", "b", "a", "c", "b", "a"]
    y = [(0, 1), (0, 1), (1, 1), (0, 1), (1, 0), (1, 1)]
    z = np.array([0.5, 0.5, 1.5, 1.5, 0.5, 1.5])
    assert close(ik.mutual_information(x, y), mp_cmi(x, y), rel=1e-13)
    assert close(ik.conditional_mutual_information(x, y, given=z), mp_cmi(x, y, z.tolist()), rel=1e-13, abs_tol=1e-16)
    assert close(ik.joint_entropy(x, y, z), mp_joint_entropy(rows(x, y, z)))
