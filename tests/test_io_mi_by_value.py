"""The mutual information of a column with more distinct values than the memory budget keeps (``infokit.io``).

Past ``INFOKIT_MEMORY_BUDGET / 512`` distinct values (16 at the tiny budget
used here) an integer column, or a text column already counted by the keys
of its strings, is counted by value: the cells are pairs (its value, the
other column's id) in :class:`~infokit.io._spill.PairCounts`, its values'
counts are derived from the cells sorted by it (:class:`SortedCounts`) and
joined to the cells chunk by chunk; no table of its values is kept.  When
the other column passes the limit too, the cells are re-sorted by it,
carrying the first column's counts, and its counts are derived the same way.  Counts
are compared with ``collections.Counter`` and pandas ``groupby`` /
``value_counts``, the plug-in with scikit-learn's ``mutual_info_score``,
the estimates with the columns loaded in memory (to 1e-12).
"""

from __future__ import annotations

import collections
import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

import infokit as ik  # noqa: E402
from infokit import io  # noqa: E402
from infokit._estimators.information import CellCounts, estimate_mutual_information_of_cells  # noqa: E402
from infokit.io import _spill  # noqa: E402

TINY = "4096"  # bytes: past 16 distinct values a column is counted by value; a run on disk every ~21 pairs


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    """scikit-learn's wine data resampled: integer and text columns of many values beside columns of few."""
    datasets = pytest.importorskip("sklearn.datasets")
    wine = datasets.load_wine(as_frame=True).frame
    rng = np.random.default_rng(5)
    df = wine.sample(6000, replace=True, random_state=3).reset_index(drop=True)
    df["proline"] = df["proline"].round().astype(np.int64)  # ~170 distinct integers, with ties
    df["target"] = df["target"].astype(np.int64)  # 3 classes
    df["big"] = rng.integers(-2**62, 2**62, len(df)) // rng.choice([1, 2**50], len(df))  # large and small keys
    df["id"] = rng.zipf(1.4, len(df)) % 4000  # heavy-tailed: many singletons, groups split across chunks
    df["few"] = rng.integers(0, 12, len(df))  # within the limit
    df["word"] = [f"w{i}é" for i in df["id"]]
    df["klass"] = np.array(["class_0", "class_1", "class_2"])[df["target"]]
    d = tmp_path_factory.mktemp("wide")
    csv, pq = d / "wide.csv", d / "wide.parquet"
    df.to_csv(csv, index=False)
    df.to_parquet(pq, index=False)  # strings read as dictionaries
    return {"csv": csv, "parquet": pq}, df


MANY = ("proline", "id", "big", "word")  # past the limit: counted by value
PAIRS = [("proline", "target"), ("target", "proline"), ("id", "few"), ("few", "big"), ("word", "klass"),
         ("klass", "word"), ("word", "few"), ("id", "klass"),
         ("proline", "id"), ("word", "big"), ("id", "word"), ("big", "proline")]  # both past the limit


def _by_value(cells):
    return [j for j, held in enumerate((cells.n_x, cells.n_y)) if held is None]


# --------------------------------------------------------------------------
# the pairs on disk
# --------------------------------------------------------------------------
@settings(max_examples=30, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 4000), spread=st.sampled_from([2, 300, 2**62]),
       batch=st.integers(1, 700), weighted=st.booleans(), budget=st.sampled_from([4096, 2**30]))
def test_pair_counts_are_a_counter_in_lexicographic_order(seed, n, spread, batch, weighted, budget):
    rng = np.random.default_rng(seed)
    hi, lo = rng.integers(-spread, spread, n), rng.integers(-spread, spread, n)
    w = rng.integers(1, 5, n) if weighted else np.ones(n, np.int64)
    want = collections.Counter()
    for a, b, c in zip(hi.tolist(), lo.tolist(), w.tolist()):
        want[(a, b)] += c
    keys = sorted(want)
    with _spill.PairCounts(budget) as pc:
        for i in range(0, n, batch):
            pc.add(hi[i:i + batch], lo[i:i + batch], w[i:i + batch] if weighted else None)
        for _ in range(2):  # read twice
            parts = list(pc.chunks())
            got_h, got_l, got_c = (np.concatenate([p[j] for p in parts]) for j in range(3))
            assert list(zip(got_h.tolist(), got_l.tolist())) == keys
            assert got_c.tolist() == [want[k] for k in keys]
        assert pc.distinct == len(keys) and pc.total == int(w.sum())


@pytest.mark.parametrize("budget", [4096, 2**30])
def test_pair_counts_with_two_numbers_sum_each(budget, tmpdir_spill):
    rng = np.random.default_rng(8)
    n = 5000
    hi, lo = rng.integers(0, 60, n), rng.integers(-2**62, 2**62, n) // 2**58
    w = np.column_stack([rng.integers(1, 9, n), rng.integers(0, 1000, n)])
    want: dict = collections.defaultdict(lambda: [0, 0])
    for a, b, (c, d) in zip(hi.tolist(), lo.tolist(), w.tolist()):
        want[(a, b)][0] += c
        want[(a, b)][1] += d
    keys = sorted(want)
    with _spill.PairCounts(budget, width=2) as pc:
        for i in range(0, n, 333):
            pc.add(hi[i:i + 333], lo[i:i + 333], w[i:i + 333])
        parts = list(pc.chunks())
        assert list(zip(np.concatenate([p[0] for p in parts]).tolist(),
                        np.concatenate([p[1] for p in parts]).tolist())) == keys
        assert np.concatenate([p[2] for p in parts]).tolist() == [want[k] for k in keys]
        assert pc.total == int(w[:, 0].sum())


def test_sorted_counts_look_up_increasing_keys(tmpdir_spill):
    rng = np.random.default_rng(2)
    keys = np.unique(rng.integers(-10**9, 10**9, 3000))
    counts = rng.integers(1, 100, keys.size)
    sc = _spill.SortedCounts(4096)  # a sixteenth of 4096 bytes: written to a file after ~16 keys
    for i in range(0, keys.size, 37):
        sc.append(keys[i:i + 37], counts[i:i + 37])
    try:
        got = np.concatenate([c for _, c in sc.chunks(100)])
        assert np.array_equal(got, counts)
        lookup = sc.lookup()
        for i in range(0, keys.size, 250):  # increasing keys, some skipped, repeated ones
            q = np.repeat(keys[i:i + 250:3], 2)
            assert np.array_equal(lookup(q), counts[i:i + 250:3].repeat(2))
        v, m = np.unique(counts, return_counts=True)
        assert np.array_equal(sc.values, v) and np.array_equal(sc.mult, m) and sc.size == keys.size
    finally:
        sc.close()


# --------------------------------------------------------------------------
# the cells and the estimate
# --------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("x, y", PAIRS)
def test_cells_counted_by_value_are_pandas_groupby(wide, fmt, x, y, monkeypatch, tmpdir_spill):
    metrics = pytest.importorskip("sklearn.metrics")
    paths, df = wide
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    cells = io.read_joint_empirical(paths[fmt], [x, y], batch_size=250, cells=True)
    assert isinstance(cells, CellCounts)
    try:
        by_value = _by_value(cells)
        plug, size, n = cells.plugin(), cells.size, cells.n
        margins = [cells.marginal_counts(j) for j in (0, 1)]
        k = cells.k_x, cells.k_y
        joined = [np.concatenate(a) for a in zip(*cells.joined())]
    finally:
        cells.close()
    assert [[x, y][j] for j in by_value] == [c for c in (x, y) if c in MANY]
    assert size == len(df.groupby([x, y]).size()) and n == len(df)
    for j, col in enumerate((x, y)):
        vc = df[col].value_counts()
        assert np.array_equal(margins[j], np.sort(vc.to_numpy())) and k[j] == vc.size
    # each cell with its count and its values' counts: pandas' merge of the group sizes
    g = df.groupby([x, y]).size().rename("c").reset_index()
    g = g.merge(df[x].value_counts().rename("nx"), left_on=x, right_index=True)
    g = g.merge(df[y].value_counts().rename("ny"), left_on=y, right_index=True)
    want = sorted(zip(g["c"].tolist(), g["nx"].tolist(), g["ny"].tolist()))
    assert sorted(zip(*(a.tolist() for a in joined))) == want
    assert math.isclose(plug, metrics.mutual_info_score(df[x], df[y]), rel_tol=1e-10)


@pytest.mark.parametrize("method", ["auto", "plugin", "miller_madow", "jackknife", "nsb", "shrinkage", "chao_shen"])
@pytest.mark.parametrize("x, y", [("proline", "target"), ("few", "word"), ("id", "few"), ("proline", "word")])
def test_mi_counted_by_value_equals_the_estimate_in_memory(wide, x, y, method, monkeypatch, tmpdir_spill):
    paths, df = wide
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    cells = io.read_joint_empirical(paths["csv"], [x, y], batch_size=250, cells=True)
    try:
        assert _by_value(cells)
        got = estimate_mutual_information_of_cells(cells, method, rng=1)
    finally:
        cells.close()
    want = ik.estimate_mutual_information(ik.empirical_joint(df[x].to_numpy(), df[y].to_numpy()), method=method,
                                          rng=1)
    assert got.method == want.method
    assert math.isclose(got.value, want.value, rel_tol=1e-12, abs_tol=1e-14)
    assert math.isclose(got.stderr, want.stderr, rel_tol=1e-12)
    for key in ("n", "k_x", "k_y", "cells_observed"):
        assert got.diagnostics[key] == want.diagnostics[key], key


@settings(max_examples=20, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(40, 1500), kx=st.sampled_from([20, 300, 10**12]),
       ky=st.sampled_from([1, 5, 14, 40, 10**6]), text=st.booleans())
def test_mi_by_value_of_random_columns_is_sklearn(tmp_path_factory, seed, n, kx, ky, text):
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(seed)
    x = rng.integers(-kx, kx, n)
    y = rng.integers(0, ky, n) + (x % 3 if ky > 14 else 0)  # dependent on x when it has many values
    df = pd.DataFrame({"x": [f"x{v}" for v in x] if text else x, "y": y})
    path = tmp_path_factory.mktemp("mi") / "xy.csv"
    df.to_csv(path, index=False)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(_spill.BUDGET_ENV, TINY)
        cells = io.read_joint_empirical(path, ["x", "y"], batch_size=97, cells=True)
    try:
        plug, size = cells.plugin(), cells.size
        by_value = _by_value(cells) if isinstance(cells, CellCounts) else []
    finally:
        cells.close()
    if df["x"].nunique() > 16 and df["y"].nunique() <= 16:
        assert by_value == [0]
    if df["x"].nunique() > 16 and df["y"].nunique() > 16:
        assert by_value == [0, 1]
    assert size == len(df.groupby(["x", "y"]).size())
    assert math.isclose(plug, metrics.mutual_info_score(df["x"], df["y"]), rel_tol=1e-10, abs_tol=1e-14)


def test_cli_mi_counted_by_value_equals_in_memory(wide, monkeypatch, tmpdir_spill, cli_json):
    from scipy import stats

    paths, df = wide
    for fmt, x, y in (("csv", "id", "few"), ("parquet", "word", "klass"), ("csv", "target", "big"),
                      ("parquet", "big", "word")):
        args = ["mi", str(paths[fmt]), "--x", x, "--y", y, "--base", "nats", "--format", "json", "--batch-size",
                "450"]
        monkeypatch.delenv(_spill.BUDGET_ENV, raising=False)
        memory = cli_json(args)
        monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
        spilled = cli_json(args)
        assert spilled["counted_by_key"] == [c for c in (x, y) if c == "word"]
        for key, col in (("entropy_x", x), ("entropy_y", y)):
            assert math.isclose(spilled[key], stats.entropy(df[col].value_counts().to_numpy()), rel_tol=1e-12)
            assert math.isclose(spilled[key], memory[key], rel_tol=1e-12)
        assert spilled["n"] == memory["n"] == len(df)
        assert math.isclose(spilled["plugin"]["value"], memory["plugin"]["value"], rel_tol=1e-12)
        a, b = spilled["estimate"], memory["estimate"]
        assert a["method"] == b["method"]
        for key in ("value", "stderr"):
            assert math.isclose(a[key], b[key], rel_tol=1e-12), key
        assert a["ci"] == pytest.approx(b["ci"], rel=1e-12)


def test_a_float_beside_many_integers_keeps_the_table(wide, monkeypatch, tmpdir_spill):
    paths, df = wide
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    e = io.read_joint_empirical(paths["csv"], ["id", "alcohol"], batch_size=250, cells=True)
    assert isinstance(e, ik.Empirical) and e.n_observed == len(df.groupby(["id", "alcohol"]).size())
    # without cells= nothing is counted by value
    j = io.read_joint_empirical(paths["csv"], ["id", "few"], batch_size=250)
    assert isinstance(j, ik.Empirical) and j.n_observed == len(df.groupby(["id", "few"]).size())


def test_temporary_files_removed_on_errors(wide, monkeypatch, tmpdir_spill):
    paths, df = wide
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    cells = io.read_joint_empirical(paths["csv"], ["id", "few"], batch_size=250, cells=True)
    assert _by_value(cells) and any(tmpdir_spill.iterdir())
    parts = cells.joined()
    next(parts)
    del parts
    cells.close()
    cells.close()  # idempotent
    assert list(tmpdir_spill.iterdir()) == []
