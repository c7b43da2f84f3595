"""Text columns past the memory budget, counted by 64-bit keys of their strings (``infokit.io._spill``).

A tiny memory budget (``INFOKIT_MEMORY_BUDGET``) makes a text column with
more than a few distinct strings switch to the keys of its strings; what the
commands compute from the counts -- the fingerprint (entropy), the cells
(mutual information), the two samples' counts on the union of their values
(KL divergence) -- is compared with pandas ``value_counts`` / ``groupby``,
scipy's entropy, scikit-learn's ``mutual_info_score`` and the estimates of
the columns loaded in memory.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

pa = pytest.importorskip("pyarrow")
pd = pytest.importorskip("pandas")

import infokit as ik  # noqa: E402
from infokit import io  # noqa: E402
from infokit._estimators.divergence import PairedCounts, estimate_kl_of_paired_counts  # noqa: E402
from infokit._estimators.entropy import estimate_entropy_from_profile  # noqa: E402
from infokit._estimators.information import CellCounts, estimate_mutual_information_of_cells  # noqa: E402
from infokit._estimators.result import Profile  # noqa: E402
from infokit.errors import InvalidArgumentError, InvalidTypeError  # noqa: E402
from infokit.io import _spill  # noqa: E402

TINY = "4096"  # bytes: past 16 distinct strings a column is counted by key, a run on disk every few dozen keys


@pytest.fixture(scope="module")
def text_csv(tmp_path_factory):
    """scikit-learn's wine data resampled, with text columns of many distinct strings (some non-ASCII)."""
    datasets = pytest.importorskip("sklearn.datasets")
    wine = datasets.load_wine(as_frame=True).frame
    rng = np.random.default_rng(17)
    df = wine.sample(5000, replace=True, random_state=9).reset_index(drop=True)
    df["word"] = [f"w{i}é" for i in rng.zipf(1.3, len(df)) % 3000]  # heavy-tailed: many singletons
    df["pair"] = [f"{a:.2f}/{int(m)}" for a, m in zip(df["alcohol"], df["magnesium"])]  # ties, like a user's keys
    df["klass"] = np.array(["class_0", "class_1", "class_2"])[df["target"]]
    df["u"] = rng.integers(0, 2000, len(df))
    df["word2"] = [f"v{i}" for i in (df["u"] // 40)]
    d = tmp_path_factory.mktemp("text")
    path = d / "text.csv"
    df.to_csv(path, index=False)
    pq = d / "text.parquet"
    df.to_parquet(pq, index=False)  # strings read as dictionaries, counted by code
    return path, pq, df


# --------------------------------------------------------------------------
# the keys
# --------------------------------------------------------------------------
@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=200))
def test_string_keys_equal_exactly_for_equal_strings(words):
    arr = np.array(words, dtype=object)
    keys = _spill.string_keys(arr)
    assert keys.dtype == np.int64 and keys.shape == arr.shape
    # equal strings, equal keys (also across calls and arrays); distinct strings, distinct keys here
    assert len(set(keys.tolist())) == len(set(words))
    again = _spill.string_keys(np.array(words[::-1], dtype=object))
    assert np.array_equal(again[::-1], keys)


def test_string_keys_of_many_distinct_strings_do_not_collide():
    words = np.array([f"item-{i}" for i in range(200_000)], dtype=object)
    # 2e5 strings: a collision of 64-bit keys has probability ~1e-9
    assert np.unique(_spill.string_keys(words)).size == words.size
    assert _spill.string_limit("128MiB") == 2**18 and _spill.string_limit(TINY) == 16


# --------------------------------------------------------------------------
# entropy: the fingerprint of a text column
# --------------------------------------------------------------------------
@pytest.mark.parametrize("column", ["word", "pair"])
@pytest.mark.parametrize("which", ["csv", "parquet"])
def test_fingerprint_of_a_text_column_is_pandas_value_counts(text_csv, column, which, monkeypatch, tmpdir_spill):
    path, pq, df = text_csv
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    prof = io.read_empirical(path if which == "csv" else pq, column, batch_size=300, fingerprint=True)
    assert isinstance(prof, Profile)
    want = Profile.from_counts(df[column].value_counts().to_numpy())
    assert np.array_equal(prof.values, want.values) and np.array_equal(prof.mult, want.mult)
    assert prof.n == len(df) and prof.k_obs == df[column].nunique()


def test_text_column_within_the_limit_keeps_its_strings(text_csv, monkeypatch, tmpdir_spill):
    path, _, df = text_csv
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    e = io.read_empirical(path, "klass", batch_size=300, fingerprint=True)  # 3 strings: counted as they are
    assert isinstance(e, ik.Empirical) and e.to_dict() == df["klass"].value_counts().to_dict()
    e = io.read_empirical(path, "word", batch_size=300)  # no fingerprint asked for: the strings are kept
    assert isinstance(e, ik.Empirical) and e.to_dict() == df["word"].value_counts().to_dict()
    monkeypatch.setenv(_spill.BUDGET_ENV, "1GiB")
    e = io.read_empirical(path, "word", batch_size=300, fingerprint=True)
    assert isinstance(e, ik.Empirical) and e.to_dict() == df["word"].value_counts().to_dict()


@pytest.mark.parametrize("method", ["auto", "plugin", "miller_madow", "jackknife", "chao_shen", "nsb", "pym", "jvhw"])
def test_entropy_of_a_hashed_text_column_equals_the_estimate_in_memory(text_csv, method, monkeypatch, tmpdir_spill):
    path, _, df = text_csv
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    prof = io.read_empirical(path, "word", batch_size=400, fingerprint=True)
    got = estimate_entropy_from_profile(prof, method, rng=3)
    want = ik.estimate_entropy(ik.empirical(df["word"].to_numpy()), method, rng=3)
    assert got.method == want.method
    assert math.isclose(got.value, want.value, rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(got.stderr, want.stderr, rel_tol=1e-9, abs_tol=1e-15)


def test_cli_entropy_of_text_past_the_budget_equals_in_memory_and_scipy(text_csv, monkeypatch, tmpdir_spill, cli_json):
    from scipy import stats

    path, _, df = text_csv
    args = ["entropy", str(path), "-c", "word", "--base", "nats", "--format", "json", "--batch-size", "400"]
    memory = cli_json(args)
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    hashed = cli_json(args)
    assert memory["counted_by_key"] == [] and hashed["counted_by_key"] == ["word"]
    assert hashed["n"] == memory["n"] == len(df)
    assert hashed["observed_outcomes"] == memory["observed_outcomes"] == df["word"].nunique()
    assert math.isclose(hashed["plugin"]["value"], stats.entropy(df["word"].value_counts().to_numpy()),
                        rel_tol=1e-12)
    a, b = hashed["estimate"], memory["estimate"]
    assert a["method"] == b["method"]
    for key in ("value", "stderr"):
        assert math.isclose(a[key], b[key], rel_tol=1e-12), key


# --------------------------------------------------------------------------
# mutual information: the cells of text columns
# --------------------------------------------------------------------------
@pytest.mark.parametrize("x, y", [("word", "pair"), ("word", "u"), ("klass", "word"), ("word2", "u")])
@pytest.mark.parametrize("method", ["auto", "plugin", "miller_madow", "jackknife"])
def test_mi_of_hashed_text_cells_equals_the_joint_table_in_memory(text_csv, x, y, method, monkeypatch,
                                                                  tmpdir_spill):
    metrics = pytest.importorskip("sklearn.metrics")
    path, _, df = text_csv
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    cells = io.read_joint_empirical(path, [x, y], batch_size=300, cells=True)
    assert isinstance(cells, CellCounts)
    try:
        got = estimate_mutual_information_of_cells(cells, method, rng=1)
        plug, size, n_x = cells.plugin(), cells.size, cells.marginal_counts(0)
    finally:
        cells.close()
    assert size == len(df.groupby([x, y]).size())
    assert np.array_equal(n_x, np.sort(df[x].value_counts().to_numpy()))
    assert math.isclose(plug, metrics.mutual_info_score(df[x], df[y]), rel_tol=1e-9)
    want = ik.estimate_mutual_information(ik.empirical_joint(df[x].to_numpy(), df[y].to_numpy()), method=method,
                                          rng=1)
    assert got.method == want.method
    assert math.isclose(got.value, want.value, rel_tol=1e-12, abs_tol=1e-14)
    assert math.isclose(got.stderr, want.stderr, rel_tol=1e-9)


def test_mi_of_hashed_text_and_floats_is_an_error(text_csv, monkeypatch, tmpdir_spill):
    path, _, df = text_csv
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    with pytest.raises(InvalidArgumentError, match="'alcohol'.*INFOKIT_MEMORY_BUDGET"):
        io.read_joint_empirical(path, ["word", "alcohol"], batch_size=300, cells=True)
    # without cells= the strings are kept, whatever the budget
    j = io.read_joint_empirical(path, ["word", "pair"], batch_size=300)
    assert isinstance(j, ik.Empirical) and j.n_observed == len(df.groupby(["word", "pair"]).size())


def test_cli_mi_of_text_past_the_budget_equals_in_memory(text_csv, monkeypatch, tmpdir_spill, cli_json):
    from scipy import stats

    path, _, df = text_csv
    args = ["mi", str(path), "--x", "word", "--y", "pair", "--base", "nats", "--format", "json", "--batch-size",
            "450"]
    memory = cli_json(args)
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    hashed = cli_json(args)
    assert memory["counted_by_key"] == [] and hashed["counted_by_key"] == ["word", "pair"]
    for key, col in (("entropy_x", "word"), ("entropy_y", "pair")):
        assert math.isclose(hashed[key], stats.entropy(df[col].value_counts().to_numpy()), rel_tol=1e-12)
    assert hashed["n"] == memory["n"] == len(df)
    assert math.isclose(hashed["plugin"]["value"], memory["plugin"]["value"], rel_tol=1e-12)
    a, b = hashed["estimate"], memory["estimate"]
    assert a["method"] == b["method"]
    for key in ("value", "stderr"):
        assert math.isclose(a[key], b[key], rel_tol=1e-12), key


# --------------------------------------------------------------------------
# KL divergence: two text columns on the union of their keys
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pq_text(tmp_path_factory):
    """Words of P and Q (Q's a little shifted: words of P that Q never saw); a few-word Q as well."""
    rng = np.random.default_rng(23)
    d = tmp_path_factory.mktemp("pqtext")
    p = np.array([f"tok{i}" for i in rng.integers(0, 2500, 6000)], dtype=object)
    q = np.array([f"tok{i}" for i in rng.integers(80, 2600, 5000)], dtype=object)
    few = np.array([f"tok{i}" for i in rng.integers(0, 5, 3000)], dtype=object)  # within the limit
    pd.DataFrame({"v": p}).to_csv(d / "p.csv", index=False)
    pd.DataFrame({"w": q, "n": rng.integers(0, 10, q.size)}).to_csv(d / "q.csv", index=False)
    pd.DataFrame({"w": few}).to_csv(d / "few.csv", index=False)
    return d, p, q, few


@pytest.mark.parametrize("smoothing", ["laplace", 0.5])
@pytest.mark.parametrize("q_name", ["q", "few"])
def test_kl_of_hashed_text_equals_the_estimate_in_memory_and_scipy(pq_text, smoothing, q_name, monkeypatch,
                                                                    tmpdir_spill):
    from scipy import stats

    d, p, q, few = pq_text
    q = q if q_name == "q" else few
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    pc = io.read_paired_counts(d / "p.csv", "v", d / f"{q_name}.csv", "w", batch_size=700)
    assert isinstance(pc, PairedCounts)
    a = {"laplace": 1.0}.get(smoothing, smoothing)
    try:
        got = estimate_kl_of_paired_counts(pc, "auto", smoothing=smoothing)
        kl, _ = pc.plugin(a)
        n, m, k = pc.n, pc.m, pc.k
    finally:
        pc.close()
    u = np.union1d(p, q)
    assert (n, m, k) == (p.size, q.size, u.size)
    cp = pd.Series(p).value_counts().reindex(u, fill_value=0).to_numpy(float)
    cq = pd.Series(q).value_counts().reindex(u, fill_value=0).to_numpy(float)
    assert math.isclose(kl, stats.entropy(cp / cp.sum(), (cq + a) / (cq + a).sum()), rel_tol=1e-12)
    want = ik.estimate_kl(ik.empirical(p), ik.empirical(q), "auto", smoothing=smoothing)
    assert got.method == want.method
    assert math.isclose(got.value, want.value, rel_tol=1e-12)
    assert math.isclose(got.stderr, want.stderr, rel_tol=1e-12)
    for key in ("n", "k", "k_observed", "m", "unseen_in_q"):
        assert got.diagnostics[key] == want.diagnostics[key], key


def test_kl_of_hashed_text_against_numbers_is_an_error(pq_text, monkeypatch, tmpdir_spill):
    d, *_ = pq_text
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    with pytest.raises(InvalidTypeError, match="'n' does not hold text"):
        io.read_paired_counts(d / "p.csv", "v", d / "q.csv", "n", batch_size=700)


def test_cli_kl_of_text_past_the_budget_equals_in_memory(pq_text, monkeypatch, tmpdir_spill, cli_json):
    d, p, q, _ = pq_text
    args = ["kl", str(d / "p.csv"), str(d / "q.csv"), "-c", "v", "--q-column", "w", "--smoothing", "jeffreys",
            "--base", "nats", "--format", "json", "--batch-size", "800"]
    memory = cli_json(args)
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    hashed = cli_json(args)
    assert memory["counted_by_key"] == [] and hashed["counted_by_key"] == ["v", "w"]
    for key in ("n_p", "n_q", "smoothing"):
        assert hashed[key] == memory[key]
    for key in ("entropy_p_hat", "cross_entropy_p_hat_q_hat"):
        assert math.isclose(hashed[key], memory[key], rel_tol=1e-12), key
    a, b = hashed["estimate"], memory["estimate"]
    assert a["method"] == b["method"]
    for key in ("value", "stderr"):
        assert math.isclose(a[key], b[key], rel_tol=1e-12), key


@pytest.mark.parametrize("command", ["entropy", "mi", "kl"])
def test_cli_tables_say_a_text_column_was_counted_by_key(text_csv, pq_text, command, monkeypatch, tmpdir_spill):
    from click.testing import CliRunner

    from infokit.cli import _the_group

    path, _, _ = text_csv
    d, *_ = pq_text
    args = {"entropy": ["entropy", str(path), "-c", "word"],
            "mi": ["mi", str(path), "--x", "word", "--y", "klass"],
            "kl": ["kl", str(d / "p.csv"), str(d / "q.csv"), "-c", "v", "--q-column", "w", "--smoothing", "laplace"],
            }[command]
    plain = CliRunner().invoke(_the_group(), args)
    assert plain.exit_code == 0, plain.output
    assert "counted by key" not in plain.output
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    keyed = CliRunner().invoke(_the_group(), args)
    assert keyed.exit_code == 0, keyed.output
    text = " ".join(keyed.output.split())
    want = {"entropy": "'word'", "mi": "'word'", "kl": "'v', 'w'"}[command]
    assert f"counted by key: {want} had more distinct strings than the memory budget keeps" in text
