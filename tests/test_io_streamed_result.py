"""Counts past the memory budget read back chunk by chunk, never held whole (``infokit.io._spill``).

A tiny memory budget (``INFOKIT_MEMORY_BUDGET``) forces the counts to disk;
what the commands compute from them chunk by chunk -- the fingerprint of a
column's counts (entropy), the cells of a joint table (mutual information),
the bins of a drift reference -- is compared with counts made independently
(``numpy.unique``, pandas ``value_counts``, scipy's entropy, scikit-learn's
``mutual_info_score``, ``numpy.quantile``/``fit_bins`` of the loaded column) and
with the in-memory path (the default budget, nothing spilled).
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
from infokit._estimators import methods  # noqa: E402
from infokit._estimators.entropy import estimate_entropy_from_profile  # noqa: E402
from infokit._estimators.information import CellCounts, estimate_mutual_information_of_cells  # noqa: E402
from infokit._estimators.result import Profile  # noqa: E402
from infokit._samples.binning import fit_bins_from_sorted_chunks  # noqa: E402
from infokit.binning import fit_bins  # noqa: E402
from infokit.io import _spill  # noqa: E402

TINY = "4096"  # bytes: a run on disk every few dozen keys



# --------------------------------------------------------------------------
# KeyCounts.chunks and the fingerprint
# --------------------------------------------------------------------------
@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 5000), spread=st.sampled_from([3, 400, 10**6, 2**62]),
       batch=st.integers(1, 600), size=st.integers(1, 3000), budget=st.sampled_from([4096, 2**30]))
def test_chunks_are_numpy_unique_in_order(seed, n, spread, batch, size, budget):
    rng = np.random.default_rng(seed)
    keys = rng.integers(-spread, spread, n)
    u, c = np.unique(keys, return_counts=True)
    with _spill.KeyCounts(budget) as kc:
        for i in range(0, n, batch):
            kc.add(keys[i:i + batch])
        for _ in range(2):  # the chunks can be read again
            parts = list(kc.chunks(size))
            assert all(k.size <= size for k, _ in parts)
            assert np.array_equal(np.concatenate([k for k, _ in parts]), u)
            assert np.array_equal(np.concatenate([c for _, c in parts]), c)
        assert kc.distinct == u.size
        values, mult = _spill.count_of_counts(kc.chunks(size))
    v, m = np.unique(c, return_counts=True)  # the fingerprint, by numpy
    assert np.array_equal(values, v) and np.array_equal(mult, m)


def test_chunks_removed_with_close(tmpdir_spill):
    kc = _spill.KeyCounts(4096)
    for part in np.array_split(np.arange(20_000)[::-1] % 7000, 50):
        kc.add(part)
    assert kc.spilled > 1
    assert sum(int(c.sum()) for _, c in kc.chunks(100)) == 20_000
    (run_dir,) = tmpdir_spill.iterdir()
    assert sorted(p.name for p in run_dir.iterdir()) == ["merged.counts", "merged.keys"]  # the runs merged once
    kc.close()


def test_profile_from_fingerprint_is_the_profile_of_the_counts():
    counts = np.array([5, 1, 1, 3, 5, 2, 1, 9])
    a = Profile.from_counts(counts, 20)
    v, m = np.unique(counts, return_counts=True)
    b = Profile.from_fingerprint(v, m, 20)
    assert b.counts is None and np.array_equal(np.repeat(b.values, b.mult), np.sort(counts))
    assert (b.n, b.k_obs, b.k, b.k_declared) == (a.n, a.k_obs, a.k, a.k_declared) == (27, 8, 20, True)
    assert b.diagnostics() == a.diagnostics()


# --------------------------------------------------------------------------
# entropy: a column of a file as the fingerprint of its counts
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def ids_csv(tmp_path_factory):
    """Integer columns with many distinct values (and pairs), and scikit-learn's wine classes."""
    datasets = pytest.importorskip("sklearn.datasets")
    wine = datasets.load_wine(as_frame=True).frame
    rng = np.random.default_rng(11)
    df = wine.sample(5000, replace=True, random_state=5).reset_index(drop=True)
    df["magnesium"] = df["magnesium"].astype(np.int64)
    df["id"] = rng.zipf(1.3, len(df)) % 4000  # heavy-tailed: many counts of 1, a few large
    df["u"] = rng.integers(0, 3000, len(df))
    df["x"], df["y"] = df["u"] // 60, df["u"] % 60
    path = tmp_path_factory.mktemp("ids") / "ids.csv"
    df.to_csv(path, index=False)
    return path, df


@pytest.mark.parametrize("column", ["id", "u"])
def test_read_empirical_fingerprint_is_pandas_value_counts(ids_csv, column, monkeypatch, tmpdir_spill):
    path, df = ids_csv
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    prof = io.read_empirical(path, column, batch_size=311, fingerprint=True)
    assert isinstance(prof, Profile)
    v, m = np.unique(df[column].value_counts().to_numpy(), return_counts=True)
    assert np.array_equal(prof.values, v) and np.array_equal(prof.mult, m)
    assert prof.n == len(df) and prof.k_obs == df[column].nunique()


def test_fingerprint_only_past_the_budget_and_for_integers(ids_csv, tmpdir_spill, monkeypatch):
    path, df = ids_csv
    assert isinstance(io.read_empirical(path, "id", fingerprint=True), ik.Empirical)  # nothing spilled
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    e = io.read_empirical(path, "alcohol", fingerprint=True)  # floats: the discrete/continuous rule needs them
    assert isinstance(e, ik.Empirical) and e.n == len(df)
    e = io.read_empirical(path, "magnesium", fingerprint=True)  # 50 values: within even a tiny budget
    assert isinstance(e, ik.Empirical) and e.n == len(df)


@pytest.mark.parametrize("method", methods.names(methods.ENTROPY, data=methods.DISCRETE))
@pytest.mark.parametrize("support_size", [None, 5000])
def test_entropy_from_the_fingerprint_equals_the_estimate_in_memory(ids_csv, method, support_size, monkeypatch,
                                                                   tmpdir_spill):
    path, df = ids_csv
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    prof = io.read_empirical(path, "id", batch_size=500, fingerprint=True)
    e = ik.empirical(df["id"].to_numpy())
    try:
        want = ik.estimate_entropy(e, method, support_size=support_size, rng=3)
    except Exception as exc:  # noqa: BLE001 - a method that does not take these: the same error
        with pytest.raises(type(exc)):
            estimate_entropy_from_profile(prof, method, support_size=support_size, rng=3)
        return
    got = estimate_entropy_from_profile(prof, method, support_size=support_size, rng=3)
    assert got.method == want.method
    assert math.isclose(got.value, want.value, rel_tol=1e-12, abs_tol=1e-15)
    assert math.isclose(got.stderr, want.stderr, rel_tol=1e-9, abs_tol=1e-15)
    assert np.allclose(got.ci, want.ci, rtol=1e-9, atol=1e-15)
    assert got.diagnostics["k_observed"] == want.diagnostics["k_observed"] == df["id"].nunique()


def test_cli_entropy_spilled_equals_in_memory_and_scipy(ids_csv, monkeypatch, tmpdir_spill, cli_json):
    from scipy import stats

    path, df = ids_csv
    args = ["entropy", str(path), "-c", "id", "--base", "nats", "--format", "json", "--batch-size", "400"]
    memory = cli_json(args)
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    spilled = cli_json(args)
    assert spilled["n"] == memory["n"] == len(df)
    assert spilled["observed_outcomes"] == memory["observed_outcomes"] == df["id"].nunique()
    h = stats.entropy(df["id"].value_counts().to_numpy())
    assert math.isclose(spilled["plugin"]["value"], h, rel_tol=1e-12)
    assert math.isclose(spilled["plugin"]["value"], memory["plugin"]["value"], rel_tol=1e-13)
    a, b = spilled["estimate"], memory["estimate"]
    assert a["method"] == b["method"]
    for key in ("value", "stderr"):
        assert math.isclose(a[key], b[key], rel_tol=1e-12), key


# --------------------------------------------------------------------------
# mutual information: the cells of a joint table read from disk
# --------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["auto", "plugin", "miller_madow", "jackknife", "nsb", "shrinkage", "pym",
                                    "chao_shen", "jvhw"])
def test_mi_of_cells_on_disk_equals_the_joint_table_in_memory(ids_csv, method, monkeypatch, tmpdir_spill):
    metrics = pytest.importorskip("sklearn.metrics")
    path, df = ids_csv
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    cells = io.read_joint_empirical(path, ["x", "id"], batch_size=300, cells=True)
    assert isinstance(cells, CellCounts)
    try:
        got = estimate_mutual_information_of_cells(cells, method, rng=1)
        plug = cells.plugin()
        cells_observed = cells.size
    finally:
        cells.close()
    want = ik.estimate_mutual_information(ik.empirical_joint(df["x"].to_numpy(), df["id"].to_numpy()),
                                          method=method, rng=1)
    assert math.isclose(plug, metrics.mutual_info_score(df["x"], df["id"]), rel_tol=1e-9)
    assert cells_observed == len(df.groupby(["x", "id"]).size())
    assert got.method == want.method
    assert math.isclose(got.value, want.value, rel_tol=1e-12, abs_tol=1e-14)
    assert math.isclose(got.stderr, want.stderr, rel_tol=1e-9)


def test_joint_cells_only_past_the_budget_and_for_discrete_columns(ids_csv, monkeypatch, tmpdir_spill):
    path, df = ids_csv
    assert isinstance(io.read_joint_empirical(path, ["x", "y"], cells=True), ik.Empirical)  # nothing spilled
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    e = io.read_joint_empirical(path, ["alcohol", "u"], cells=True)  # a float column: its values are needed
    assert isinstance(e, ik.Empirical) and e.n == len(df)


def test_cli_mi_spilled_equals_in_memory(ids_csv, monkeypatch, tmpdir_spill, cli_json):
    path, df = ids_csv
    args = ["mi", str(path), "--x", "x", "--y", "y", "--base", "nats", "--format", "json", "--batch-size", "450"]
    memory = cli_json(args)
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    spilled = cli_json(args)
    from scipy import stats

    for key, col in (("entropy_x", "x"), ("entropy_y", "y")):
        assert math.isclose(spilled[key], stats.entropy(df[col].value_counts().to_numpy()), rel_tol=1e-12)
        assert math.isclose(spilled[key], memory[key], rel_tol=1e-13)
    assert spilled["n"] == memory["n"]
    assert math.isclose(spilled["plugin"]["value"], memory["plugin"]["value"], rel_tol=1e-12)
    a, b = spilled["estimate"], memory["estimate"]
    assert a["method"] == b["method"]
    for key in ("value", "stderr"):
        assert math.isclose(a[key], b[key], rel_tol=1e-12), key


# --------------------------------------------------------------------------
# drift: bins fitted from sorted chunks
# --------------------------------------------------------------------------
@settings(max_examples=60, deadline=None, derandomize=True)
@given(x=st.lists(st.one_of(st.integers(-50, 50).map(float), st.floats(-1e6, 1e6, allow_nan=False),
                            st.sampled_from([math.inf, -math.inf])), min_size=1, max_size=300),
       rule=st.sampled_from(["quantile", "uniform", "fd"]), n_bins=st.integers(1, 25), size=st.integers(1, 40))
def test_bins_from_sorted_chunks_are_fit_bins(x, rule, n_bins, size):
    x = np.array(x)
    v, c = np.unique(x, return_counts=True)

    def chunks():
        return ((v[i:i + size], c[i:i + size]) for i in range(0, v.size, size))

    finite = x[np.isfinite(x)]
    try:
        want = fit_bins(finite, rule, n_bins=n_bins, open_ended=True)
    except Exception as exc:  # noqa: BLE001 - no finite value, too many fd bins: the same error
        with pytest.raises(type(exc)):
            fit_bins_from_sorted_chunks(chunks, rule, n_bins=n_bins, open_ended=True)
        return
    got = fit_bins_from_sorted_chunks(chunks, rule, n_bins=n_bins, open_ended=True)
    assert got == want and np.array_equal(got.cuts, want.cuts)
    if rule == "quantile" and np.unique(finite).size > n_bins:  # the cuts are numpy's quantiles, bit for bit
        q = np.quantile(finite, np.linspace(0, 1, n_bins + 1))
        assert set(np.unique(q[1:-1]).tolist()) <= set(got.cuts.tolist()) | {float(finite.min()), float(finite.max())}


def test_drift_of_many_distinct_values_spilled_equals_in_memory(ids_csv, tmp_path, monkeypatch, tmpdir_spill):
    path, df = ids_csv
    cur = tmp_path / "cur.csv"
    rng = np.random.default_rng(2)
    pd.DataFrame({"u": rng.integers(0, 3500, 4000), "alcohol": rng.normal(13, 1, 4000).round(2)}).to_csv(cur,
                                                                                                         index=False)
    want = io.read_drift_counts(path, cur, ["u", "alcohol"], batch_size=333)
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    got = io.read_drift_counts(path, cur, ["u", "alcohol"], batch_size=333)
    for col in ("u", "alcohol"):
        assert got.bins[col] == want.bins[col] == fit_bins(df[col].to_numpy(), "quantile", n_bins=10,
                                                            open_ended=True)
        assert np.array_equal(got.reference[col], want.reference[col])
        assert np.array_equal(got.current[col], want.current[col])


# --------------------------------------------------------------------------
# KL divergence: two columns' counts merged on the union of their values
# --------------------------------------------------------------------------
def test_union_chunks_are_the_union_of_the_counts():
    rng = np.random.default_rng(4)
    for _ in range(50):
        a = np.unique(rng.integers(0, rng.integers(1, 400), rng.integers(0, 200)))
        b = np.unique(rng.integers(0, rng.integers(1, 400), rng.integers(0, 200)))
        ca, cb = rng.integers(1, 9, a.size), rng.integers(1, 9, b.size)
        sa, sb = int(rng.integers(1, 30)), int(rng.integers(1, 30))
        parts = list(_spill.union_chunks(((a[i:i + sa], ca[i:i + sa]) for i in range(0, a.size, sa)),
                                         ((b[i:i + sb], cb[i:i + sb]) for i in range(0, b.size, sb))))
        u = np.union1d(a, b)
        got = [np.concatenate([p[j] for p in parts]) if parts else np.zeros(0, np.int64) for j in range(3)]
        want_a, want_b = np.zeros(u.size, np.int64), np.zeros(u.size, np.int64)
        want_a[np.searchsorted(u, a)], want_b[np.searchsorted(u, b)] = ca, cb
        assert np.array_equal(got[0], u) and np.array_equal(got[1], want_a) and np.array_equal(got[2], want_b)


@pytest.fixture(scope="module")
def pq_csv(tmp_path_factory):
    """Samples of P and Q on 0..2999 (Q's support a little shifted: values of P that Q never saw)."""
    rng = np.random.default_rng(21)
    d = tmp_path_factory.mktemp("pq")
    p = pd.DataFrame({"v": rng.integers(0, 3000, 6000)})
    q = pd.DataFrame({"w": rng.integers(100, 3200, 5000)})
    p.to_csv(d / "p.csv", index=False)
    q.to_csv(d / "q.csv", index=False)
    return d / "p.csv", d / "q.csv", p["v"].to_numpy(), q["w"].to_numpy()


@pytest.mark.parametrize("smoothing", ["laplace", "jeffreys", 0.1])
@pytest.mark.parametrize("method", ["auto", "plugin", "miller_madow"])
def test_kl_of_counts_on_disk_equals_the_estimate_in_memory(pq_csv, smoothing, method, monkeypatch, tmpdir_spill):
    from scipy import stats

    from infokit._estimators.divergence import PairedCounts, estimate_kl_of_paired_counts

    p_path, q_path, p, q = pq_csv
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    pc = io.read_paired_counts(p_path, "v", q_path, "w", batch_size=700)
    assert isinstance(pc, PairedCounts)
    try:
        got = estimate_kl_of_paired_counts(pc, method, smoothing=smoothing)
        kl, ce = pc.plugin({"laplace": 1.0, "jeffreys": 0.5}.get(smoothing, smoothing))
        n, m, k = pc.n, pc.m, pc.k
    finally:
        pc.close()
    want = ik.estimate_kl(ik.empirical(p), ik.empirical(q), method, smoothing=smoothing)
    assert (n, m, k) == (p.size, q.size, np.union1d(p, q).size)
    assert got.method == want.method
    assert math.isclose(got.value, want.value, rel_tol=1e-12)
    assert math.isclose(got.stderr, want.stderr, rel_tol=1e-12)
    for key in ("n", "k", "k_observed", "m", "smoothing", "unseen_in_q"):
        assert got.diagnostics[key] == want.diagnostics[key], key
    # the plug-in against scipy, Q̂ smoothed on the union of the outcomes
    a = {"laplace": 1.0, "jeffreys": 0.5}.get(smoothing, smoothing)
    u = np.union1d(p, q)
    cp = np.array([np.count_nonzero(p == x) for x in u], dtype=float)
    cq = np.array([np.count_nonzero(q == x) for x in u], dtype=float)
    assert math.isclose(kl, stats.entropy(cp / cp.sum(), (cq + a) / (cq + a).sum()), rel_tol=1e-12)
    assert math.isclose(ce, stats.entropy(cp / cp.sum()) + kl, rel_tol=1e-12)


def test_kl_of_counts_on_disk_without_smoothing_is_infinite(pq_csv, monkeypatch, tmpdir_spill):
    from infokit._estimators.divergence import estimate_kl_of_paired_counts
    from infokit.errors import UnseenOutcomeWarning

    p_path, q_path, p, q = pq_csv
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    pc = io.read_paired_counts(p_path, "v", q_path, "w")
    try:
        with pytest.warns(UnseenOutcomeWarning):
            got = estimate_kl_of_paired_counts(pc)
    finally:
        pc.close()
    assert got.value == math.inf
    assert got.diagnostics["unseen_in_q"] == np.setdiff1d(np.unique(p), q).size


def test_cli_kl_spilled_equals_in_memory(pq_csv, monkeypatch, tmpdir_spill, cli_json):
    p_path, q_path, p, q = pq_csv
    args = ["kl", str(p_path), str(q_path), "-c", "v", "--q-column", "w", "--smoothing", "jeffreys", "--base",
            "nats", "--format", "json", "--batch-size", "800"]
    memory = cli_json(args)
    monkeypatch.setenv(_spill.BUDGET_ENV, TINY)
    spilled = cli_json(args)
    from scipy import stats

    assert math.isclose(spilled["entropy_p_hat"], stats.entropy(np.unique(p, return_counts=True)[1]), rel_tol=1e-12)
    for key in ("n_p", "n_q", "smoothing"):
        assert spilled[key] == memory[key]
    for key in ("entropy_p_hat", "cross_entropy_p_hat_q_hat"):
        assert math.isclose(spilled[key], memory[key], rel_tol=1e-12), key
    assert math.isclose(spilled["plugin"]["value"], memory["plugin"]["value"], rel_tol=1e-12)
    a, b = spilled["estimate"], memory["estimate"]
    assert a["method"] == b["method"]
    for key in ("value", "stderr"):
        assert math.isclose(a[key], b[key], rel_tol=1e-12), key
