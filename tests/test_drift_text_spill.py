"""Drift of text columns past the memory budget: categories counted by the 64-bit keys of their strings.

A tiny memory budget (``INFOKIT_MEMORY_BUDGET``) makes a text column of the
reference with more than a few distinct strings be counted by key, the
current file's column too; the drift is then computed from the two counts
merged on the union of their keys, a chunk of bins at a time.  Checked
against pandas ``value_counts`` of the columns loaded in memory (the bins
rebuilt by hand: the reference's categories, unseen, missing), scipy's
divergences, and :func:`infokit.drift.drift_from_counts` of those count
vectors in memory; within the budget the result is that of ``ik.drift`` of
the files loaded in memory, value for value.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")
pa_csv = pytest.importorskip("pyarrow.csv")

from infokit import io  # noqa: E402
from infokit._samples.binning import Categories, KeyedCategoryCounts, binning_for  # noqa: E402
from infokit.drift import drift, drift_from_counts  # noqa: E402
from infokit.errors import InvalidArgumentError, InvalidTypeError  # noqa: E402
from infokit.io import _spill  # noqa: E402

TINY = "4096"  # bytes: past 16 distinct strings a column is counted by key, a run on disk every few dozen keys
STATS = ("js_divergence", "js_distance", "kl_ref_cur", "kl_cur_ref", "psi", "hellinger", "js_null_q95", "p_value")
COUNTS = ("n_ref", "n_cur", "n_bins", "zero_bins_ref", "zero_bins_cur")


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """scikit-learn's wine data resampled into a reference and a shifted current sample, with text columns.

    ``word``: heavy-tailed words (many singletons, missing values, words of the
    current sample the reference lacks); ``pair``: user-like keys with ties;
    ``klass``: three categories (within the limit); ``alcohol``: a float column.
    """
    datasets = pytest.importorskip("sklearn.datasets")
    wine = datasets.load_wine(as_frame=True).frame
    rng = np.random.default_rng(31)
    out = {}
    for name, n, shift in (("ref", 3000, 0), ("cur", 2500, 40)):
        df = wine.sample(n, replace=True, random_state=5 + shift).reset_index(drop=True)
        word = np.array([f"w{i}é" for i in (rng.zipf(1.3, n) + shift) % 2000], dtype=object)
        word[rng.random(n) < 0.03] = None
        frame = pd.DataFrame({
            "word": word,
            "pair": [f"{a:.1f}/{int(m)}" for a, m in zip(df["alcohol"], df["magnesium"])],
            "klass": np.array(["class_0", "class_1", "class_2"])[df["target"]],
            "alcohol": df["alcohol"].to_numpy(),
            "n": rng.integers(0, 50, n),
        })
        out[name] = frame
    d = tmp_path_factory.mktemp("drifttext")
    paths = {}
    for fmt in ("csv", "parquet"):
        for name, frame in out.items():
            p = d / f"{name}.{fmt}"
            frame.to_csv(p, index=False) if fmt == "csv" else frame.to_parquet(p, row_group_size=300)
            paths[name, fmt] = p
    return paths


def _read(path):
    """The table as the same reader gives it back (CSV text parsed once, by pyarrow; an empty field is missing)."""
    if path.suffix == ".csv":
        return pa_csv.read_csv(path, convert_options=pa_csv.ConvertOptions(strings_can_be_null=True)).to_pandas()
    return pd.read_parquet(path)


def _by_hand(ref: pd.Series, cur: pd.Series):
    """The counts in the bins of the reference's categories, ordered by the keys of their strings, then unseen
    and missing: pandas ``value_counts`` of the columns in memory."""
    rc = ref.value_counts()  # the non-missing values
    cats = rc.index.to_numpy(dtype=object)
    order = np.argsort(_spill.string_keys(cats))
    cats = cats[order]
    cc = cur.value_counts()
    r = np.append(rc.reindex(cats).to_numpy(np.int64), [0, int(ref.isna().sum())])
    c = np.append(cc.reindex(cats, fill_value=0).to_numpy(np.int64),
                  [int(cc[~cc.index.isin(cats)].sum()), int(cur.isna().sum())])
    return r, c


@pytest.mark.filterwarnings("ignore::infokit.errors.ApproximationWarning")
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("smoothing", [None, "jeffreys"])
def test_text_columns_past_the_budget_equal_the_counts_by_hand(files, fmt, smoothing, monkeypatch, tmpdir_spill):
    from scipy import stats
    from scipy.spatial import distance

    ref_path, cur_path = files["ref", fmt], files["cur", fmt]
    ref, cur = _read(ref_path), _read(cur_path)
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    c = io.read_drift_counts(ref_path, cur_path, ["word", "klass", "pair", "alcohol"], batch_size=170)
    try:
        assert c.counted_by_key == ["word", "pair"]
        assert isinstance(c.bins["klass"], Categories)  # three categories: within the limit, by string
        for col in ("word", "pair"):
            kc = c.bins[col]
            assert isinstance(kc, KeyedCategoryCounts) and c.reference[col] is kc and c.current[col] is kc
            assert kc.n_categories == ref[col].nunique() and kc.labels is None
            parts = list(kc.chunks())
            r, k = (np.concatenate([p[j] for p in parts]) for j in (0, 1))
            want_r, want_c = _by_hand(ref[col], cur[col])
            assert np.array_equal(r, want_r) and np.array_equal(k, want_c), col
        got = drift_from_counts(c.reference, c.current, bins=c.bins, smoothing=smoothing, n_permutations=0)
    finally:
        c.close()
    assert got.attrs["counted_by_key"] == ["word", "pair"]
    assert set(got.attrs["bin_counts"]) == {"klass", "alcohol"}  # no labels to list for the columns by key
    for col in ("word", "pair"):
        r, k = _by_hand(ref[col], cur[col])
        want = drift_from_counts({col: r}, {col: k}, smoothing=smoothing, n_permutations=0)
        for key in COUNTS + ("null_method", "verdict"):
            assert got.loc[col, key] == want.loc[col, key], (col, key)
        for key in STATS:
            assert math.isclose(got.loc[col, key], want.loc[col, key], rel_tol=1e-12, abs_tol=1e-15), (col, key)
        # and scipy's divergences of the same distributions (the compared bins, smoothed)
        a = 0.5 if smoothing else 0.0
        keep = (r + k) > 0
        p, q = (r[keep] + a) / (r[keep] + a).sum(), (k[keep] + a) / (k[keep] + a).sum()
        assert math.isclose(got.loc[col, "js_divergence"], distance.jensenshannon(p, q) ** 2, rel_tol=1e-9)
        assert math.isclose(got.loc[col, "kl_ref_cur"], stats.entropy(p, q), rel_tol=1e-12)
        assert got.loc[col, "kl_cur_ref"] == stats.entropy(q, p) or math.isclose(
            got.loc[col, "kl_cur_ref"], stats.entropy(q, p), rel_tol=1e-12)
        p2, q2 = (r[keep] + 0.5) / (r[keep] + 0.5).sum(), (k[keep] + 0.5) / (k[keep] + 0.5).sum()
        assert math.isclose(got.loc[col, "psi"], float(np.sum((q2 - p2) * np.log(q2 / p2))), rel_tol=1e-10)
    # the columns within the limit: as ik.drift of the files in memory
    mem = drift(ref[["klass", "alcohol"]], cur[["klass", "alcohol"]], smoothing=smoothing, n_permutations=0)
    for col in ("klass", "alcohol"):
        for key in COUNTS + STATS:
            assert got.loc[col, key] == mem.loc[col, key], (col, key)


def test_permutation_p_value_of_a_column_by_key_is_that_of_its_counts(files, monkeypatch, tmpdir_spill):
    ref_path, cur_path = files["ref", "csv"], files["cur", "csv"]
    ref, cur = _read(ref_path), _read(cur_path)
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    c = io.read_drift_counts(ref_path, cur_path, ["word"], batch_size=300)
    try:
        got = drift_from_counts(c.reference, c.current, bins=c.bins, n_permutations=200, rng=7)
        with pytest.raises(InvalidArgumentError, match="null table cells"):  # the same limit as in memory
            drift_from_counts(c.reference, c.current, n_permutations=10**6)
    finally:
        c.close()
    r, k = _by_hand(ref["word"], cur["word"])
    want = drift_from_counts({"word": r}, {"word": k}, n_permutations=200, rng=7)  # the same bins, same order
    for key in COUNTS + STATS + ("null_method", "verdict"):
        assert got.loc["word", key] == want.loc["word", key], key


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_text_columns_within_the_budget_are_drift_in_memory(files, fmt):
    ref_path, cur_path = files["ref", fmt], files["cur", fmt]
    ref, cur = _read(ref_path), _read(cur_path)
    cols = ["word", "pair", "klass", "alcohol"]
    c = io.read_drift_counts(ref_path, cur_path, cols, batch_size=170)
    assert c.counted_by_key == []
    # the bins ik.drift fits on the reference alone, and its counts of both columns in memory
    bins = {col: binning_for(ref[col].to_numpy(), n_bins=10, open_ended=True) for col in cols}
    for col in cols:
        assert c.bins[col] == bins[col]
        assert np.array_equal(c.reference[col], bins[col].counts(ref[col].to_numpy()))
        assert np.array_equal(c.current[col], bins[col].counts(cur[col].to_numpy()))
    assert c.reference["word"][:-2].tolist() == ref["word"].value_counts().sort_index().tolist()
    got = drift_from_counts(c.reference, c.current, bins=c.bins, n_permutations=100, rng=3)
    want = drift_from_counts({col: bins[col].counts(ref[col].to_numpy()) for col in cols},
                             {col: bins[col].counts(cur[col].to_numpy()) for col in cols}, bins=bins,
                             n_permutations=100, rng=3)
    for col in cols:
        for key in COUNTS + STATS + ("verdict",):
            assert got.loc[col, key] == want.loc[col, key], (col, key)
    assert got.attrs["bin_counts"] == want.attrs["bin_counts"]
    assert got.attrs["counted_by_key"] == []


def test_errors_of_columns_by_key(files, monkeypatch, tmpdir_spill, tmp_path):
    ref_path, cur_path = files["ref", "csv"], files["cur", "csv"]
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    pd.DataFrame({"word": np.arange(50)}).to_csv(tmp_path / "numbers.csv", index=False)
    with pytest.raises(InvalidTypeError, match="'word' does not hold text"):
        io.read_drift_counts(ref_path, tmp_path / "numbers.csv", ["word"])
    with pytest.raises(InvalidArgumentError, match="'word'.*explicit bin edges"):
        io.read_drift_counts(ref_path, cur_path, ["word"], bins=[0.0, 1.0, 2.0])
    c = io.read_drift_counts(ref_path, cur_path, ["word"])
    try:
        with pytest.raises(InvalidArgumentError, match="the same object"):
            drift_from_counts(c.reference, {"word": np.ones(c.bins["word"].n_bins, np.int64)})
    finally:
        c.close()
        c.close()  # idempotent


def test_cli_drift_of_text_past_the_budget(files, monkeypatch, tmpdir_spill, cli_json):
    from click.testing import CliRunner

    from infokit.cli import _the_group

    ref_path, cur_path = files["ref", "csv"], files["cur", "csv"]
    args = ["drift", str(ref_path), str(cur_path), "--columns", "word,klass", "--permutations", "0",
            "--smoothing", "jeffreys", "--batch-size", "250"]
    memory = cli_json(args + ["--format", "json"])
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    hashed = cli_json(args + ["--format", "json"])
    assert memory["counted_by_key"] == [] and hashed["counted_by_key"] == ["word"]
    assert set(hashed["bins"]) == {"klass"} and set(memory["bins"]) == {"word", "klass"}
    for a, b in zip(hashed["columns"], memory["columns"]):
        assert a["column"] == b["column"]
        for key in COUNTS + ("verdict", "null_method"):
            assert a[key] == b[key], (a["column"], key)
        for key in STATS:
            assert math.isclose(a[key], b[key], rel_tol=1e-12, abs_tol=1e-15), (a["column"], key)
    table = CliRunner().invoke(_the_group(), args)
    assert table.exit_code == 0, table.output
    assert "counted by key: 'word'" in " ".join(table.output.split())
    plain = CliRunner().invoke(_the_group(), args[:2] + ["--columns", "klass", "--permutations", "0"])
    assert "counted by key" not in plain.output


def test_parquet_categorical_columns_past_the_budget(files, tmp_path, monkeypatch, tmpdir_spill):
    """pandas categoricals, stored in Parquet as dictionaries (read and counted by code)."""
    ref, cur = _read(files["ref", "parquet"]), _read(files["cur", "parquet"])
    for name, frame in (("ref", ref), ("cur", cur)):
        frame.assign(word=frame["word"].astype("category")).to_parquet(tmp_path / f"{name}.parquet",
                                                                       row_group_size=400)
    within = io.read_drift_counts(tmp_path / "ref.parquet", tmp_path / "cur.parquet", ["word"], batch_size=150)
    b = binning_for(ref["word"].to_numpy(dtype=object), open_ended=True)
    assert within.counted_by_key == [] and within.bins["word"] == b
    assert np.array_equal(within.reference["word"], b.counts(ref["word"].to_numpy(dtype=object)))
    assert np.array_equal(within.current["word"], b.counts(cur["word"].to_numpy(dtype=object)))
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    c = io.read_drift_counts(tmp_path / "ref.parquet", tmp_path / "cur.parquet", ["word"], batch_size=150)
    try:
        assert c.counted_by_key == ["word"]
        parts = list(c.bins["word"].chunks())
    finally:
        c.close()
    r, k = (np.concatenate([p[j] for p in parts]) for j in (0, 1))
    want_r, want_c = _by_hand(ref["word"], cur["word"])
    assert np.array_equal(r, want_r) and np.array_equal(k, want_c)
