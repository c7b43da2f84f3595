"""Tests of the bounded-memory counts behind infokit.io (``infokit.io._spill``).

Spilling is forced with a tiny memory budget (``INFOKIT_MEMORY_BUDGET``), so
the counts are written to many sorted runs on disk and merged; the results
are compared with counts made independently (``numpy.unique``,
``collections.Counter``, pandas ``value_counts`` / ``groupby().size()``,
scikit-learn's ``mutual_info_score``) and with the in-memory path (a budget
large enough that nothing spills).
"""

from __future__ import annotations

import collections
import math
import os

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

import infokit as ik  # noqa: E402
from infokit import io  # noqa: E402
from infokit.errors import InvalidArgumentError, InvalidFileError  # noqa: E402
from infokit.io import _spill  # noqa: E402

TINY = "4096"  # bytes: every few dozen keys a run is written to disk



# --------------------------------------------------------------------------
# the budget
# --------------------------------------------------------------------------
@pytest.mark.parametrize("text, expected", [
    ("268435456", 2**28), ("512M", 512 * 10**6), ("512MiB", 512 * 2**20), ("2GiB", 2 * 2**30),
    ("1.5g", 15 * 10**8), (" 64 kib ", 64 * 2**10), (10**9, 10**9),
])
def test_memory_budget_units(text, expected):
    assert _spill.memory_budget(text) == expected


def test_memory_budget_environment(monkeypatch):
    monkeypatch.delenv(_spill.BUDGET_ENV, raising=False)
    assert _spill.memory_budget() == _spill.DEFAULT_MEMORY_BUDGET == 128 * 2**20
    monkeypatch.setenv(_spill.BUDGET_ENV, "1GiB")
    assert _spill.memory_budget() == 2**30
    for bad in ("lots", "-5M", "0", "12XB"):
        monkeypatch.setenv(_spill.BUDGET_ENV, bad)
        with pytest.raises(InvalidArgumentError, match="INFOKIT_MEMORY_BUDGET"):
            _spill.memory_budget()


def test_csv_block_size_follows_the_budget():
    assert _spill.csv_block_size(128 * 2**20) == 2**20
    assert _spill.csv_block_size(4096) == 2**18  # at least 256 KiB
    assert _spill.csv_block_size(2**40) == 2**24  # at most 16 MiB


# --------------------------------------------------------------------------
# KeyCounts against numpy.unique
# --------------------------------------------------------------------------
@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 6000), spread=st.sampled_from([3, 500, 10**6, 2**62]),
       batch=st.integers(1, 700), weighted=st.booleans())
def test_key_counts_spilled_equal_numpy_unique(seed, n, spread, batch, weighted):
    rng = np.random.default_rng(seed)
    keys = rng.integers(-spread, spread, n)
    w = rng.integers(1, 5, n) if weighted else None
    with _spill.KeyCounts(4096) as kc:
        for i in range(0, n, batch):
            kc.add(keys[i:i + batch], None if w is None else w[i:i + batch])
        k, c = kc.result()
        spilled = kc.spilled
    u, inv = np.unique(keys, return_inverse=True)
    expected = np.bincount(inv.ravel(), weights=w, minlength=u.size).astype(np.int64)
    assert np.array_equal(k, u)
    assert np.array_equal(c, expected)
    if u.size > 200:
        assert spilled >= 1


def test_key_counts_files_removed(tmpdir_spill):
    kc = _spill.KeyCounts(4096)
    for part in np.array_split(np.arange(10_000)[::-1], 100):
        kc.add(part)
    assert kc.spilled > 10 and any(tmpdir_spill.iterdir())
    k, c = kc.result()  # merged and removed
    assert np.array_equal(k, np.arange(10_000)) and (c == 1).all()
    kc2 = _spill.KeyCounts(4096)
    kc2.add(np.arange(5000))
    assert any(tmpdir_spill.iterdir())
    kc2.close()  # an abandoned count (an error, an interrupt) leaves nothing


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.floats(allow_nan=False, width=64), min_size=1, max_size=60))
def test_float_keys_keep_the_order(values):
    v = np.array(values + [0.0, -0.0, np.inf, -np.inf, 5e-324, -5e-324])
    keys = _spill.value_keys(v)
    order = np.argsort(keys, kind="stable")
    s = v[order]
    assert (s[1:] >= s[:-1]).all()  # sorted keys = sorted values
    back = _spill.key_values(keys, v.dtype)
    assert np.array_equal(back, v)  # -0.0 comes back as 0.0, equal to it
    assert len(np.unique(keys)) == len(np.unique(v))  # -0.0 and 0.0: one key, as np.unique counts them


def test_integer_and_time_keys_keep_the_order():
    for v in (np.array([5, -3, 2**62, -(2**63)], dtype=np.int64), np.array([3, 0, 255], dtype=np.uint8),
              np.array([1, 2**63 - 1], dtype=np.uint64), np.array([True, False]),
              np.array(["2020-01-02", "1969-12-31"], dtype="datetime64[s]"), np.array([1.5, -2.25], np.float32)):
        keys = _spill.value_keys(v)
        assert np.array_equal(np.argsort(keys), np.argsort(v))
        back = _spill.key_values(keys, v.dtype)
        assert back.dtype == v.dtype and np.array_equal(back, v)
    assert _spill.value_keys(np.array([2**63], dtype=np.uint64)) is None  # beyond int64: the general path
    assert _spill.value_keys(np.array(["a"], dtype=object)) is None


# --------------------------------------------------------------------------
# files: real-ish data, spilled vs in memory vs pandas
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def wine_csv(tmp_path_factory):
    """scikit-learn's wine data (floats with ties, ints), repeated with noise, plus labels and gaps."""
    datasets = pytest.importorskip("sklearn.datasets")
    wine = datasets.load_wine(as_frame=True).frame
    rng = np.random.default_rng(7)
    df = wine.sample(6000, replace=True, random_state=3).reset_index(drop=True)
    df["magnesium"] = df["magnesium"].astype(np.int64)
    df["label"] = np.array([f"c{t}" for t in df["target"]], dtype=object)
    df["id"] = rng.integers(0, 3000, len(df))  # many distinct values and pairs
    df["gappy"] = df["alcohol"].where(rng.random(len(df)) > 0.05)  # NaN: missing
    path = tmp_path_factory.mktemp("wine") / "wine.csv"
    df.to_csv(path, index=False)
    return path, df


def _counts_of(series):
    vc = series.value_counts()
    return dict(zip(vc.index.tolist(), vc.tolist()))


@pytest.mark.parametrize("column", ["alcohol", "magnesium", "proline", "label", "id", "target"])
def test_read_empirical_spilled_equals_pandas(wine_csv, column, monkeypatch, tmpdir_spill):
    path, df = wine_csv
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    e = io.read_empirical(path, column, batch_size=257)
    assert e.to_dict() == _counts_of(df[column])
    assert e.outcomes.tolist() == sorted(_counts_of(df[column]))  # increasing, as in memory
    monkeypatch.setenv(_spill.BUDGET_ENV, "1GiB")  # nothing spills
    m = io.read_empirical(path, column, batch_size=257)
    assert np.array_equal(m.outcomes, e.outcomes) and np.array_equal(m.counts, e.counts)
    assert m.outcomes.dtype == e.outcomes.dtype == ik.empirical(df[column].to_numpy()).outcomes.dtype


def test_read_empirical_missing_values_spilled(wine_csv, monkeypatch, tmpdir_spill):
    path, df = wine_csv
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    with pytest.raises(InvalidArgumentError, match="missing value"):
        io.read_empirical(path, "gappy", batch_size=100)
    e = io.read_empirical(path, "gappy", batch_size=100, dropna=True)
    assert e.to_dict() == _counts_of(df["gappy"].dropna())


@pytest.mark.parametrize("x, y", [("id", "label"), ("alcohol", "magnesium"), ("id", "proline"), ("label", "label")])
def test_joint_counts_spilled_equal_pandas_groupby(wine_csv, x, y, monkeypatch, tmpdir_spill):
    path, df = wine_csv
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    j = io.read_joint_empirical(path, [x, y], batch_size=333)
    g = df.groupby([x, y]).size() if x != y else df.groupby(x).size()
    expected = {(k if x != y else (k, k)): int(v) for k, v in g.items()}
    assert dict(zip(j.outcomes.tolist(), j.counts.tolist())) == expected
    assert j.outcomes.tolist() == sorted(expected)  # cells in increasing order, as empirical_joint
    assert j.marginal(0).to_dict() == _counts_of(df[x])
    mi = io.read_mutual_information(path, x, y, batch_size=333)
    metrics = pytest.importorskip("sklearn.metrics")
    ref = metrics.mutual_info_score(df[x], df[y])  # nats
    assert math.isclose(mi, ref, rel_tol=1e-9, abs_tol=1e-12)
    assert math.isclose(ik.mutual_information(j), ref, rel_tol=1e-9, abs_tol=1e-12)


def test_joint_missing_values_spilled(wine_csv, monkeypatch, tmpdir_spill):
    path, df = wine_csv
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    with pytest.raises(InvalidArgumentError, match="missing value"):
        io.read_joint_empirical(path, ["gappy", "id"], batch_size=100)
    j = io.read_joint_empirical(path, ["gappy", "id"], batch_size=100, dropna=True)
    g = df.dropna(subset=["gappy"]).groupby(["gappy", "id"]).size()
    assert dict(zip(j.outcomes.tolist(), j.counts.tolist())) == {k: int(v) for k, v in g.items()}


def test_many_distinct_pairs_spilled(tmp_path, monkeypatch, tmpdir_spill):
    rng = np.random.default_rng(11)
    n = 40_000
    df = pd.DataFrame({"a": rng.integers(0, 400, n), "b": rng.standard_normal(n).round(1),
                       "c": rng.integers(0, 10**9, n)})
    path = tmp_path / "many.csv"
    df.to_csv(path, index=False)
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    j = io.read_joint_empirical(path, ["a", "b"], batch_size=1000)
    g = df.groupby(["a", "b"]).size()
    assert j.n_observed == len(g) > 10_000
    assert np.array_equal(j.counts, g.to_numpy())  # same cells, same (increasing) order
    e = io.read_empirical(path, "c", batch_size=1000)
    assert e.n_observed == df["c"].nunique() and np.array_equal(e.outcomes, np.sort(df["c"].unique()))


def test_error_midway_removes_the_files(tmp_path, monkeypatch, tmpdir_spill):
    # past the first MiB (where the types are inferred): a value that is not an int
    lines = ["x,y"] + [f"{i},{i % 7}" for i in range(200_000)] + ["oops,1"]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    with pytest.raises(InvalidFileError, match="oops"):
        io.read_joint_empirical(path, ["x", "y"], batch_size=500)
    with pytest.raises(InvalidFileError, match="oops"):
        io.read_empirical(path, "x", batch_size=500)
    # the fixture checks that no temporary file is left


# --------------------------------------------------------------------------
# joint tables straight to the estimators
# --------------------------------------------------------------------------
def test_estimate_mutual_information_of_a_joint_table():
    datasets = pytest.importorskip("sklearn.datasets")
    metrics = pytest.importorskip("sklearn.metrics")
    df = datasets.load_breast_cancer(as_frame=True).frame
    x = pd.qcut(df["mean radius"], 6, labels=False).to_numpy()
    y = df["target"].to_numpy()
    j = ik.empirical_joint(x, y)
    assert math.isclose(ik.mutual_information(j), metrics.mutual_info_score(x, y), rel_tol=1e-12)
    for method in ("plugin", "miller_madow", "auto"):
        a = ik.estimate_mutual_information(x, y, method)
        b = ik.estimate_mutual_information(j, method=method)
        assert math.isclose(a.value, b.value, rel_tol=1e-12) and math.isclose(a.stderr, b.stderr, rel_tol=1e-12)
    with pytest.raises(ik.errors.InvalidTypeError, match="joint table"):
        ik.estimate_mutual_information(ik.empirical(x))
    with pytest.raises(InvalidArgumentError, match="exactly two"):
        ik.mutual_information(ik.empirical_joint(x, y, x))


def test_cli_mi_spilled_equals_scikit_learn(wine_csv, monkeypatch, tmpdir_spill):
    pytest.importorskip("click")
    import json

    from click.testing import CliRunner

    from infokit.cli import _the_group

    path, df = wine_csv
    metrics = pytest.importorskip("sklearn.metrics")
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    res = CliRunner().invoke(_the_group(), ["mi", str(path), "--x", "id", "--y", "label", "--base", "nats",
                                            "--format", "json", "--batch-size", "500"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert math.isclose(out["plugin"]["value"], metrics.mutual_info_score(df["id"], df["label"]), rel_tol=1e-9)
    assert out["n"] == len(df)


def test_csv_read_in_small_blocks_loses_no_row(tmp_path, monkeypatch):
    # a small budget: the types are inferred from a first 1 MiB block, the file then read again in
    # 256 KiB blocks (the first reader must not read ahead on its closed file: rows would be lost)
    rng = np.random.default_rng(5)
    v = rng.integers(0, 1000, 400_000)
    path = tmp_path / "blocks.csv"
    pd.DataFrame({"v": v, "w": v % 13}).to_csv(path, index=False)
    assert os.path.getsize(path) > 2 * 2**20
    monkeypatch.setenv(_spill.BUDGET_ENV, "64M")
    expected = collections.Counter(v.tolist())
    for _ in range(6):
        e = io.read_empirical(path, "v", batch_size=2**15)
        assert e.n == v.size and e.to_dict() == expected


@settings(max_examples=60, deadline=None, derandomize=True)
@given(st.lists(st.tuples(st.integers(-3, 3), st.integers(-2, 2), st.integers(1, 9)), min_size=1, max_size=40))
def test_sum_runs_against_counter(rows):
    """Runs of equal keys (and of equal pairs) in sorted columns: their totals are those of a Counter."""
    rows = sorted(rows)
    hi, lo, w = (np.array(col, dtype=np.int64) for col in zip(*rows))
    pairs = collections.Counter()
    for a, b, c in rows:
        pairs[(a, b)] += c
    idx, c = _spill.sum_runs((hi, lo), w)
    assert list(zip(hi[idx].tolist(), lo[idx].tolist(), c.tolist())) == sorted((a, b, n) for (a, b), n in pairs.items())
    keys = collections.Counter(a for a, _, _ in rows)
    idx, c = _spill.sum_runs((hi,))  # no counts: the length of each run
    assert dict(zip(hi[idx].tolist(), c.tolist())) == keys
