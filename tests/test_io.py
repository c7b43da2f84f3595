"""Tests of infokit.io: counts streamed from real CSV and Parquet files.

Every file is written by the test (pandas / pyarrow) in ``tmp_path``; the
streamed results are compared with the same columns counted in memory
(``ik.empirical``, ``ik.empirical_joint``, ``ik.mutual_information``), with
small batch sizes and several row groups so that counts really are merged
across batches.
"""

from __future__ import annotations

import gzip
import os
import sys

import numpy as np
import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")
pd = pytest.importorskip("pandas")

import infokit as ik  # noqa: E402
from infokit import io  # noqa: E402
from infokit.errors import (  # noqa: E402
    InvalidArgumentError,
    InvalidFileError,
    InvalidTypeError,
    MissingDependencyError,
)

N = 20_000


def same(e, m, *, dtype=True):
    """Streamed Empirical ``e`` equals in-memory ``m``: outcomes (values, order, dtype) and counts."""
    assert e.n == m.n
    assert np.array_equal(e.outcomes, m.outcomes)
    assert np.array_equal(e.counts, m.counts)
    assert e.outcomes.tolist() == m.outcomes.tolist()
    if dtype:
        assert e.outcomes.dtype == m.outcomes.dtype


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(12345)
    words = np.array([f"w{k:03d}" for k in range(300)], dtype=object)
    df = pd.DataFrame({
        "i": rng.integers(-20, 60, N),
        "sparse": rng.integers(0, 10**12, N),  # sparse labels: the sorting path
        "f": rng.integers(0, 40, N) / 8,
        "s": words[rng.zipf(1.3, N) % 300],
        "b": rng.random(N) < 0.3,
        "t": pd.to_datetime(rng.integers(0, 50, N), unit="D", origin="2020-01-01"),
    })
    df["cat"] = df["s"].astype("category")
    df["many"] = np.array([f"id{k}" for k in rng.integers(0, 15_000, N)], dtype=object)  # many distinct
    return df


@pytest.fixture(scope="module")
def parquet_path(frame, tmp_path_factory):
    p = tmp_path_factory.mktemp("pq") / "data.parquet"
    frame.to_parquet(p, row_group_size=3_000)  # 7 row groups
    assert pq.ParquetFile(p).metadata.num_row_groups == 7
    return p


@pytest.fixture(scope="module")
def csv_path(frame, tmp_path_factory):
    p = tmp_path_factory.mktemp("csv") / "data.csv"
    frame.drop(columns=["cat", "t"]).to_csv(p, index=False)
    return p


# --------------------------------------------------------------------------
# streamed counts equal in-memory counts
# --------------------------------------------------------------------------
@pytest.mark.parametrize("col", ["i", "sparse", "f", "s", "b", "t", "cat", "many"])
@pytest.mark.parametrize("batch_size", [777, 1 << 18])
def test_parquet_counts_equal_in_memory(parquet_path, frame, col, batch_size):
    e = io.read_empirical(parquet_path, col, batch_size=batch_size)
    same(e, ik.empirical(frame[col]))


@pytest.mark.parametrize("col", ["i", "sparse", "f", "s", "b", "many"])
def test_csv_counts_equal_in_memory(csv_path, frame, col):
    e = io.read_empirical(csv_path, col, batch_size=500)
    same(e, ik.empirical(frame[col]))


def test_csv_gz_and_tsv(tmp_path, frame):
    gz = tmp_path / "data.csv.gz"
    with gzip.open(gz, "wt") as f:
        frame[["i", "s"]].to_csv(f, index=False)
    tsv = tmp_path / "data.tsv"
    frame[["i", "s"]].to_csv(tsv, index=False, sep="\t")
    for p in (gz, tsv):
        for col in ("i", "s"):
            same(io.read_empirical(p, col, batch_size=1000), ik.empirical(frame[col]))


def test_read_columns_empirical_one_pass(parquet_path, csv_path, frame):
    for p in (parquet_path, csv_path):
        out = io.read_columns_empirical(p, ["s", "i", "f"], batch_size=999)
        assert list(out) == ["s", "i", "f"]
        for col, e in out.items():
            same(e, ik.empirical(frame[col]))


def test_dictionary_arrays_changing_between_batches(tmp_path):
    """Dictionary-encoded column whose dictionary differs between row groups (and one with a NaN)."""
    rng = np.random.default_rng(3)
    p = tmp_path / "dict.parquet"
    chunks, plain = [], []
    for k in range(6):
        vocab = pa.array([f"v{j}" for j in rng.permutation(40)[: 10 + k]])
        idx = rng.integers(0, len(vocab), 1234).astype(np.int32)
        chunks.append(pa.DictionaryArray.from_arrays(pa.array(idx), vocab))
        plain.extend(vocab.to_numpy(zero_copy_only=False)[idx].tolist())
    table = pa.Table.from_batches([pa.record_batch([c], names=["d"]) for c in chunks])
    pq.write_table(table, p, row_group_size=1234)
    e = io.read_empirical(p, "d", batch_size=500)
    same(e, ik.empirical(np.array(plain, dtype=object)))
    # the same through iter_batches keeps the dictionary type
    types = {b.column(0).type for b in io.iter_batches(p, "d", batch_size=500)}
    assert all(pa.types.is_dictionary(t) for t in types)


def test_support(parquet_path, frame):
    sup = sorted(set(frame["s"])) + ["never"]
    e = io.read_empirical(parquet_path, "s", support=sup)
    assert e.support_declared and e.outcomes.tolist() == sup and e.counts[-1] == 0
    same(e, ik.empirical(frame["s"], support=sup), dtype=False)
    with pytest.raises(InvalidArgumentError, match="outside the declared 'support'"):
        io.read_empirical(parquet_path, "s", support=sup[:5])


# --------------------------------------------------------------------------
# missing values
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def with_nulls(tmp_path_factory):
    rng = np.random.default_rng(7)
    n = 5000
    t = pa.table({
        "i": pa.array([None if k % 97 == 5 else int(v) for k, v in enumerate(rng.integers(0, 9, n))]),
        "s": pa.array([None if k % 101 == 3 else f"a{v}" for k, v in enumerate(rng.integers(0, 9, n))]),
        "c": pa.array([None if k % 89 == 1 else f"a{v}" for k, v in enumerate(rng.integers(0, 9, n))])
        .dictionary_encode(),
        "f": pa.array([np.nan if k % 83 == 7 else float(v) for k, v in enumerate(rng.integers(0, 9, n))]),
        "ok": pa.array(rng.integers(0, 4, n)),
        "allnull": pa.array([None] * n, type=pa.int64()),
    })
    p = tmp_path_factory.mktemp("nulls") / "nulls.parquet"
    pq.write_table(t, p, row_group_size=1000)
    return p, t


@pytest.mark.parametrize("col,row", [("i", 6), ("s", 4), ("c", 2), ("f", 8)])
def test_missing_values_are_an_error_with_the_row(with_nulls, col, row):
    p, _ = with_nulls
    with pytest.raises(InvalidArgumentError, match=f"column '{col}' has a missing value .* at data row {row};"
                                                   " pass dropna=True") as info:
        io.read_empirical(p, col, batch_size=300)
    assert str(p) in str(info.value) and "\n" not in str(info.value)


@pytest.mark.parametrize("col", ["i", "s", "c", "f"])
def test_dropna(with_nulls, col):
    p, t = with_nulls
    e = io.read_empirical(p, col, batch_size=300, dropna=True)
    m = ik.empirical(t.column(col).to_pandas(), dropna=True)  # int with nulls: floats in pandas
    same(e, m, dtype=col != "i")
    assert e.outcomes.dtype == (np.int64 if col == "i" else e.outcomes.dtype)  # the file's type is kept


def test_joint_dropna_drops_rows(with_nulls):
    p, t = with_nulls
    df = t.to_pandas()
    with pytest.raises(InvalidArgumentError, match="missing value"):
        io.read_joint_empirical(p, ["s", "ok"], batch_size=300)
    j = io.read_joint_empirical(p, ["s", "f", "ok"], batch_size=300, dropna=True)
    m = ik.empirical_joint(df["s"], df["f"], df["ok"], dropna=True)
    assert j.outcomes.tolist() == m.outcomes.tolist()
    assert np.array_equal(j.counts, m.counts)


def test_all_null_column_is_empty(with_nulls):
    p, _ = with_nulls
    for dropna in (False, True):
        with pytest.raises(InvalidFileError, match="column 'allnull' has no values: all 5000 rows are missing"):
            io.read_empirical(p, "allnull", dropna=dropna)


# --------------------------------------------------------------------------
# joint tables and mutual information
# --------------------------------------------------------------------------
@pytest.mark.parametrize("cols", [["i", "s"], ["cat", "b", "f"], ["many", "sparse"], ["t"]])
def test_joint_equals_in_memory(parquet_path, frame, cols):
    j = io.read_joint_empirical(parquet_path, cols, batch_size=1500)
    m = ik.empirical_joint(*[frame[c] for c in cols])
    assert j.outcomes.tolist() == m.outcomes.tolist()
    assert np.array_equal(j.counts, m.counts)
    for k in range(len(cols)):
        same(j.marginal(k), m.marginal(k))


def test_mutual_information_equals_in_memory(parquet_path, csv_path, frame):
    for p in (parquet_path, csv_path):
        for x, y in [("i", "s"), ("s", "b"), ("many", "f"), ("i", "i")]:
            got = io.read_mutual_information(p, x, y, base="bits", batch_size=1100)
            want = ik.mutual_information(frame[x], frame[y], base="bits")
            assert got == pytest.approx(want, rel=1e-12, abs=1e-12)
        got = io.read_mutual_information(p, "i", "s", given="b", batch_size=1100)
        want = ik.conditional_mutual_information(frame["i"], frame["s"], given=frame["b"])
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12)
        got = io.read_mutual_information(p, ["i", "b"], "s", batch_size=1100)
        want = ik.mutual_information(frame[["i", "b"]], frame["s"])
        assert got == pytest.approx(want, rel=1e-12, abs=1e-12)


# --------------------------------------------------------------------------
# iter_batches
# --------------------------------------------------------------------------
def test_iter_batches_streams_the_columns_asked_for(parquet_path, csv_path):
    for p in (parquet_path, csv_path):
        sizes = []
        for b in io.iter_batches(p, ["s", "i"], batch_size=700):
            assert sorted(b.schema.names) == ["i", "s"]
            sizes.append(b.num_rows)
        assert sum(sizes) == N and max(sizes) <= 700 and len(sizes) >= N // 700
    assert io.iter_batches(parquet_path).__next__().num_columns == 8  # all columns by default


def test_format_argument(tmp_path, frame):
    p = tmp_path / "data.dat"
    frame[["i"]].to_csv(p, index=False)
    with pytest.raises(InvalidArgumentError, match="cannot tell the format"):
        io.read_empirical(p, "i")
    same(io.read_empirical(p, "i", format="csv"), ik.empirical(frame["i"]))
    with pytest.raises(InvalidArgumentError, match="'format' must be"):
        io.read_empirical(p, "i", format="xlsx")
    q = tmp_path / "noext"
    frame[["i"]].to_parquet(q)
    same(io.read_empirical(q, "i", format="parquet"), ik.empirical(frame["i"]))


def test_bad_arguments(parquet_path):
    with pytest.raises(InvalidArgumentError, match="batch_size"):
        io.read_empirical(parquet_path, "i", batch_size=0)
    with pytest.raises(InvalidTypeError):
        io.read_empirical(parquet_path, 3)
    with pytest.raises(InvalidArgumentError, match="progress"):
        io.iter_batches(parquet_path, "i", progress="yes")


# --------------------------------------------------------------------------
# bad files
# --------------------------------------------------------------------------
def one_line_error(exc_type, fn, *match):
    with pytest.raises(exc_type) as info:
        fn()
    msg = str(info.value)
    assert "\n" not in msg
    for m in match:
        assert m in msg, msg
    return msg


def test_missing_file_and_directory(tmp_path):
    one_line_error(InvalidFileError, lambda: io.read_empirical(tmp_path / "nope.parquet", "a"),
                   "nope.parquet", "no such file")
    one_line_error(InvalidFileError, lambda: io.read_empirical(tmp_path, "a", format="csv"),
                   str(tmp_path), "directory")
    d = tmp_path / "dataset.parquet"
    d.mkdir()
    one_line_error(InvalidFileError, lambda: list(io.iter_batches(d)), "directory")
    assert issubclass(InvalidFileError, InvalidArgumentError)


def test_unknown_column_lists_the_available_ones(parquet_path, csv_path):
    for p in (parquet_path, csv_path):
        one_line_error(InvalidArgumentError, lambda p=p: io.read_empirical(p, "nope"),
                       str(p), "'nope'", "available columns:", "'i'", "'s'", "'many'")
    one_line_error(InvalidArgumentError, lambda: io.read_joint_empirical(parquet_path, ["i", "zz"]), "'zz'")
    one_line_error(InvalidArgumentError, lambda: io.iter_batches(csv_path, ["i", "zz"]), "'zz'")


def test_truncated_and_garbage_parquet(tmp_path, parquet_path):
    data = parquet_path.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 7):
        bad = tmp_path / f"cut{cut}.parquet"
        bad.write_bytes(data[:cut])
        one_line_error(InvalidFileError, lambda bad=bad: io.read_empirical(bad, "i"),
                       str(bad), "not a readable Parquet file")
    junk = tmp_path / "junk.parquet"
    junk.write_bytes(np.random.default_rng(0).bytes(5000))
    one_line_error(InvalidFileError, lambda: io.read_empirical(junk, "i"), "junk.parquet", "Parquet")
    text = tmp_path / "text.parquet"
    text.write_text("a,b\n1,2\n")
    one_line_error(InvalidFileError, lambda: io.read_empirical(text, "a"), "text.parquet")


def test_corrupt_parquet_pages(tmp_path):
    """Footer intact, a data page overwritten: the error comes while streaming, as InvalidFileError."""
    t = pa.table({"x": np.arange(200_000) % 1000})
    p = tmp_path / "pages.parquet"
    pq.write_table(t, p, row_group_size=50_000, compression="snappy", use_dictionary=False)
    data = bytearray(p.read_bytes())
    meta = pq.ParquetFile(p).metadata
    start = meta.row_group(2).column(0).data_page_offset
    data[start + 20: start + 4000] = b"\xff" * 3980
    p.write_bytes(bytes(data))
    one_line_error(InvalidFileError, lambda: io.read_empirical(p, "x", batch_size=10_000),
                   "pages.parquet", "corrupt or truncated Parquet data")


def test_csv_bad_value_after_the_first_block(tmp_path):
    p = tmp_path / "late.csv"
    n = 120_000  # ~1.3 MB: the bad row lies beyond the first 1 MiB block (types inferred from it)
    bad_row = 110_001
    with open(p, "w") as f:
        f.write("a,b,s\n")
        for k in range(n):
            f.write(f"{k % 7},{'oops' if k == bad_row - 1 else k % 13},word{k % 5}\n")
    assert os.path.getsize(p) > 1 << 20
    same(io.read_empirical(p, "a", batch_size=1000), ik.empirical(np.arange(n) % 7))  # only b is bad
    msg = one_line_error(InvalidFileError, lambda: io.read_empirical(p, "b", batch_size=1000),
                         str(p), f"data row {bad_row}", "'oops'", "int64", "column 'b'")
    assert "CSV conversion error" in msg  # pyarrow's own message is kept
    one_line_error(InvalidFileError, lambda: list(io.iter_batches(p, ["s", "b"], block_size=1 << 16)),
                   f"data row {bad_row}", "'oops'")


def test_csv_ragged_row(tmp_path):
    p = tmp_path / "ragged.csv"
    p.write_text("a,b\n" + "1,2\n" * 10 + "1,2,3\n" + "4,5\n")
    one_line_error(InvalidFileError, lambda: io.read_empirical(p, "a"), "ragged.csv", "Expected 2 columns, got 3")
    late = tmp_path / "late_ragged.csv"
    late.write_text("a,b\n" + "1,2\n" * 30_000 + "1,2,3\n" + "4,5\n")
    one_line_error(InvalidFileError, lambda: list(io.iter_batches(late, "a", block_size=1 << 14)),
                   "late_ragged.csv", "bad CSV data", "Expected 2 columns, got 3")


def test_empty_inputs(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    one_line_error(InvalidFileError, lambda: io.read_empirical(empty, "a"), "empty.csv", "empty")
    emptypq = tmp_path / "empty.parquet"
    emptypq.write_bytes(b"")
    one_line_error(InvalidFileError, lambda: io.read_empirical(emptypq, "a"), "empty")
    header = tmp_path / "header.csv"
    header.write_text("a,b\n")
    one_line_error(InvalidFileError, lambda: io.read_empirical(header, "a"), "column 'a' is empty")
    norows = tmp_path / "norows.parquet"
    pq.write_table(pa.table({"a": pa.array([], type=pa.int64())}), norows)
    one_line_error(InvalidFileError, lambda: io.read_empirical(norows, "a"), "no data rows")
    one_line_error(InvalidFileError, lambda: io.read_joint_empirical(norows, ["a"]), "no data rows")
    blank = tmp_path / "blank.csv"
    blank.write_text("a,b\n1,\n2,\n")
    one_line_error(InvalidFileError, lambda: io.read_empirical(blank, "b"), "no values")


def test_nothing_is_written(tmp_path, frame):
    p = tmp_path / "d.parquet"
    frame[["i"]].to_parquet(p)
    before = sorted(os.listdir(tmp_path)), p.read_bytes()
    io.read_empirical(p, "i")
    with pytest.raises(InvalidArgumentError):
        io.read_empirical(p, "zz")
    assert (sorted(os.listdir(tmp_path)), p.read_bytes()) == before


# --------------------------------------------------------------------------
# progress bar and optional dependencies
# --------------------------------------------------------------------------
def test_progress_without_a_terminal(parquet_path, csv_path, capsys):
    pytest.importorskip("rich")
    for p in (parquet_path, csv_path):
        e = io.read_empirical(p, "i", progress=True, batch_size=2000)
        assert e.n == N
        err = capsys.readouterr().err
        assert os.path.basename(p) in err and "100%" in err
    io.read_empirical(parquet_path, "i")  # progress=None, not a terminal: no bar
    assert capsys.readouterr().err == ""


def test_missing_pyarrow(monkeypatch, parquet_path):
    for mod in ("pyarrow", "pyarrow.parquet", "pyarrow.csv", "pyarrow.compute"):
        monkeypatch.setitem(sys.modules, mod, None)
    with pytest.raises(MissingDependencyError, match=r"needs the optional dependency 'pyarrow'.*infokit\[data\]"):
        io.read_empirical(parquet_path, "i")
    with pytest.raises(ImportError):  # MissingDependencyError is an ImportError
        io.iter_batches(parquet_path)


def test_missing_rich(monkeypatch, parquet_path, capsys):
    monkeypatch.setitem(sys.modules, "rich", None)
    monkeypatch.setitem(sys.modules, "rich.progress", None)
    monkeypatch.setitem(sys.modules, "rich.console", None)
    with pytest.raises(MissingDependencyError, match="rich"):
        io.read_empirical(parquet_path, "i", progress=True)
    assert io.read_empirical(parquet_path, "i").n == N  # no bar asked for: no rich needed


# --------------------------------------------------------------------------
# drift counts (read_drift_counts)
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def drift_files(tmp_path_factory):
    """REF x = 0..4, colour a a b b b; CUR x = -1 0 1 2 5 (missing), colour a c b (missing) a a."""
    d = tmp_path_factory.mktemp("drift")
    ref = pd.DataFrame({"x": [0.0, 1, 2, 3, 4], "colour": ["a", "a", "b", "b", "b"]})
    cur = pd.DataFrame({"x": [-1.0, 0, 1, 2, 5, np.nan], "colour": ["a", "c", "b", None, "a", "a"]})
    paths = {"ref_csv": d / "ref.csv", "cur_csv": d / "cur.csv", "ref_pq": d / "ref.parquet",
             "cur_pq": d / "cur.parquet", "header_only": d / "header_only.csv"}
    ref.to_csv(paths["ref_csv"], index=False)
    cur.to_csv(paths["cur_csv"], index=False)
    ref.to_parquet(paths["ref_pq"])
    cur.to_parquet(paths["cur_pq"])
    paths["header_only"].write_text("x,colour\n")
    return paths


BY_HAND = {  # bins fitted on REF: x uniform with 2 bins -> edges 0, 2, 4, the outer ones open-ended
    # CUR's x: one value below 0 and two in [0, 2) -> (-inf, 2); one in [2, 4] and one above 4 -> [2, inf)
    "x": {"(-inf, 2)": (2, 3), "[2, inf)": (3, 2), "<missing>": (0, 1)},
    "colour": {"a": (2, 3), "b": (3, 1), "<unseen>": (0, 1), "<missing>": (0, 1)},
}


def by_bin(counts):
    return {c: dict(zip(counts.bins[c].labels, zip(counts.reference[c].tolist(), counts.current[c].tolist())))
            for c in counts.bins}


@pytest.mark.parametrize("ref,cur", [("ref_csv", "cur_csv"), ("ref_pq", "cur_pq"), ("ref_csv", "cur_pq")])
def test_drift_counts_by_hand(drift_files, ref, cur):
    c = io.read_drift_counts(drift_files[ref], drift_files[cur], bins="uniform", n_bins=2, batch_size=2)
    assert isinstance(c, io.DriftCounts)
    assert list(c.reference) == list(c.current) == ["x", "colour"]  # every column of REF, in its order
    assert by_bin(c) == BY_HAND
    assert by_bin(io.read_drift_counts(drift_files[ref], drift_files[cur], ["colour"])) == {"colour": BY_HAND["colour"]}


def test_drift_counts_give_the_drift_of_the_files_in_memory(tmp_path):
    from infokit.drift import drift, drift_from_counts

    rng = np.random.default_rng(11)
    ref = pd.DataFrame({"v": rng.normal(0, 1, 4000), "k": rng.choice(["p", "q", "r"], 4000)})
    cur = pd.DataFrame({"v": rng.normal(0.3, 1, 3000), "k": rng.choice(["p", "q", "s"], 3000)})
    ref.to_parquet(tmp_path / "ref.parquet", row_group_size=700)
    cur.to_csv(tmp_path / "cur.csv", index=False)
    c = io.read_drift_counts(tmp_path / "ref.parquet", tmp_path / "cur.csv", batch_size=500)
    got = drift_from_counts(c.reference, c.current, bins=c.bins, base="bits", smoothing="jeffreys",
                            n_permutations=0)
    want = drift(ref, cur, base="bits", smoothing="jeffreys", n_permutations=0)
    for col in ("v", "k"):
        for key in ("n_ref", "n_cur", "n_bins"):
            assert got.loc[col, key] == want.loc[col, key]
        for key in ("js_divergence", "psi", "kl_ref_cur", "hellinger"):
            assert got.loc[col, key] == pytest.approx(want.loc[col, key], rel=1e-12)


def test_drift_counts_bad_files_name_the_file(drift_files, tmp_path):
    ref, cur = drift_files["ref_csv"], drift_files["cur_csv"]
    one_line_error(InvalidFileError, lambda: io.read_drift_counts(ref, drift_files["header_only"]),
                   str(drift_files["header_only"]), "no data rows")
    one_line_error(InvalidFileError, lambda: io.read_drift_counts(drift_files["header_only"], cur),
                   str(drift_files["header_only"]))
    one_line_error(InvalidArgumentError, lambda: io.read_drift_counts(ref, cur, ["x", "nope"]),
                   "'nope'", "'colour'")
    bad = tmp_path / "bad.csv"  # x is a float column in its first block, then a word
    with open(bad, "w") as f:
        f.write("x,colour\n")
        f.writelines(f"{i % 7}.5,a\n" for i in range(300_000))
        f.write("oops,a\n")
    msg = one_line_error(InvalidFileError, lambda: io.read_drift_counts(ref, bad, ["x"], batch_size=1024), "oops")
    assert msg.startswith(str(bad))


# --------------------------------------------------------------------------
# scheduler=: the same counts, with Dask
# --------------------------------------------------------------------------
def test_scheduler_gives_the_streamed_results(parquet_path, csv_path, frame, drift_files):
    pytest.importorskip("dask.dataframe")
    for p in (parquet_path, csv_path):
        for col in ("i", "s", "f"):
            same(io.read_empirical(p, col, scheduler="synchronous"), ik.empirical(frame[col]))
        j = io.read_joint_empirical(p, ["i", "s"], scheduler="synchronous")
        m = ik.empirical_joint(frame["i"], frame["s"])
        assert j.outcomes.tolist() == m.outcomes.tolist() and np.array_equal(j.counts, m.counts)
        for k in range(2):
            same(j.marginal(k), m.marginal(k))
    sup = sorted(set(frame["s"])) + ["never"]
    same(io.read_empirical(parquet_path, "s", support=sup, scheduler="synchronous"),
         ik.empirical(frame["s"], support=sup), dtype=False)
    for ref, cur in (("ref_csv", "cur_csv"), ("ref_pq", "cur_pq")):
        c = io.read_drift_counts(drift_files[ref], drift_files[cur], bins="uniform", n_bins=2, scheduler="threads")
        assert by_bin(c) == BY_HAND


def test_scheduler_missing_values_and_bad_files(with_nulls, tmp_path):
    pytest.importorskip("dask.dataframe")
    p, t = with_nulls
    df = t.to_pandas()
    one_line_error(InvalidArgumentError, lambda: io.read_joint_empirical(p, ["s", "ok"], scheduler="synchronous"),
                   str(p), "missing value", "dropna=True")
    j = io.read_joint_empirical(p, ["s", "ok"], dropna=True, scheduler="synchronous")
    m = ik.empirical_joint(df["s"], df["ok"], dropna=True)
    assert j.outcomes.tolist() == m.outcomes.tolist() and np.array_equal(j.counts, m.counts)
    with pytest.raises(InvalidArgumentError, match="missing"):
        io.read_empirical(p, "s", scheduler="synchronous")
    # the file is checked with pyarrow before any work is sent to Dask
    one_line_error(InvalidArgumentError, lambda: io.read_empirical(p, "nope", scheduler="synchronous"), "'nope'")
    one_line_error(InvalidFileError, lambda: io.read_joint_empirical(tmp_path / "no.csv", ["a"], scheduler="sync"),
                   "no such file")


def test_connect_is_the_dask_entry_point():
    from infokit import _dask
    from infokit._samples import dask as samples_dask

    assert io.connect is samples_dask.connect is _dask.connect
    assert issubclass(io.SchedulerUnreachableError, InvalidArgumentError)
    with pytest.raises(io.SchedulerUnreachableError, match="address"):
        io.connect("")


# --------------------------------------------------------------------------
# streams: pipes and FIFOs, and the one list of missing-value fields
# --------------------------------------------------------------------------
def test_a_fifo_is_a_clear_error_not_an_empty_file_nor_a_hang(tmp_path):
    fifo = tmp_path / "data.csv"
    os.mkfifo(fifo)  # nobody writes to it: opening it would block
    with pytest.raises(InvalidFileError, match="pipe"):
        io.read_empirical(fifo, "a")


def test_spooled_streams_are_sniffed_and_removed(tmp_path, frame):
    import threading

    from infokit.io._stream import is_stream, spooled

    pq_path = tmp_path / "f.parquet"
    frame.to_parquet(pq_path)
    csv_gz = tmp_path / "f.csv.gz"
    frame.to_csv(csv_gz, index=False)
    want = ik.empirical(frame["s"].to_numpy())
    for src, suffix in ((pq_path, ".parquet"), (csv_gz, ".csv.gz")):
        r, w = os.pipe()

        def feed(w=w, data=src.read_bytes()):
            with open(w, "wb") as f:
                f.write(data)

        t = threading.Thread(target=feed)
        t.start()
        assert is_stream(f"/dev/fd/{r}") and not is_stream(src)
        try:
            with spooled(f"/dev/fd/{r}") as (local, fmt):
                t.join(10)
                assert local.endswith(suffix) and fmt is None
                same(io.read_empirical(local, "s"), want)
            assert not os.path.exists(local)
        finally:
            os.close(r)
    with spooled(pq_path) as (local, fmt):  # a regular file is read where it is
        assert local == str(pq_path) and fmt is None


def test_csv_missing_fields_are_pyarrows_list_in_every_reader(tmp_path):
    """``NA``/``null``/empty are missing; ``None`` and ``<NA>`` are words (pandas alone would drop them)."""
    from infokit.io._format import CSV_NULL_VALUES

    pacsv = pytest.importorskip("pyarrow.csv")
    assert list(CSV_NULL_VALUES) == list(pacsv.ConvertOptions().null_values)
    p = tmp_path / "w.csv"
    p.write_text("w\n" + "None\n<NA>\nx\nNA\n\nnull\n" * 10)
    e = io.read_empirical(p, "w", dropna=True)
    same(e, ik.empirical(np.array(["<NA>", "None", "x"] * 10)))
    dd = pytest.importorskip("dask.dataframe")  # noqa: F841
    same(io.read_empirical(p, "w", dropna=True, scheduler="synchronous"), e)
