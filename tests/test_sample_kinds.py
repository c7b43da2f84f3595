"""Discrete or continuous samples: the rule, the warning, method="auto" routing and bins=.

Independent sources: numpy (np.unique, np.histogram, np.histogram_bin_edges),
scipy.stats.entropy, scikit-learn (KBinsDiscretizer's quantile edges,
mutual_info_score, mutual_info_classif), pandas.cut, closed forms of the
Gaussian, and the structure of scikit-learn's bundled tables (diabetes' sex
column has two values).
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import stats

import infokit as ik
from infokit.binning import fit_bins
from infokit._estimators import methods
from infokit._samples.nature import classify, classify_columns, is_continuous, max_discrete_values
from infokit.errors import ContinuousDataWarning, InvalidArgumentError

sk_datasets = pytest.importorskip("sklearn.datasets")

GAUSS_H = 0.5 * math.log(2 * math.pi * math.e)  # differential entropy of N(0, 1), nats


@pytest.fixture(scope="module")
def diabetes():
    return sk_datasets.load_diabetes()


@pytest.fixture(scope="module")
def iris():
    return sk_datasets.load_iris()


def no_continuous_warning():
    ctx = warnings.catch_warnings()
    ctx.__enter__()
    warnings.simplefilter("error", ContinuousDataWarning)
    return ctx


# --------------------------------------------------------------------------
# the rule
# --------------------------------------------------------------------------
@pytest.mark.parametrize("loader", ["load_iris", "load_wine", "load_breast_cancer"])
def test_every_float_feature_of_real_tables_is_continuous(loader):
    data = getattr(sk_datasets, loader)().data
    kinds = [c.kind for c in classify_columns(data)]
    assert kinds == ["continuous"] * data.shape[1]


def test_diabetes_sex_is_discrete_the_rest_continuous(diabetes):
    names = diabetes.feature_names
    found = {n: c for n, c in zip(names, classify_columns(diabetes.data))}
    assert np.unique(diabetes.data[:, names.index("sex")]).size == 2  # the table's own structure
    assert found["sex"].kind == "discrete"
    assert all(found[n].kind == "continuous" for n in names if n != "sex")
    assert "442 samples" in found["bmi"].reason


def test_likert_and_counts_stored_as_floats_are_discrete():
    rng = np.random.default_rng(0)
    likert = rng.integers(1, 6, 300).astype(float)
    counts = rng.poisson(3.0, 500).astype(float)
    assert classify(likert).kind == classify(counts).kind == "discrete"
    # ints are discrete even when every value differs (identifiers)
    assert classify(np.arange(1000)).kind == "discrete"
    assert classify(["a", "b", "c"]).kind == classify([True, False]).kind == "discrete"


def test_pandas_columns():
    pd = pytest.importorskip("pandas")
    x = np.random.default_rng(1).normal(size=200)
    assert classify(pd.Series(x)).kind == "continuous"
    assert classify(pd.Series(x, dtype="category")).kind == "discrete"  # categories, whatever their values
    nullable = pd.Series(list(x[:199]) + [None], dtype="Float64")
    assert classify(nullable).kind == "continuous"
    frame = pd.DataFrame({"f": x, "g": np.arange(200) % 4})
    assert [c.kind for c in classify_columns(frame)] == ["continuous", "discrete"]


def test_empirical_of_floats_is_judged_by_its_outcomes():
    x = np.random.default_rng(2).normal(size=300)
    assert classify(ik.empirical(x)).kind == "continuous"
    assert classify(ik.empirical(np.round(x))).kind == "discrete"
    assert classify(ik.Empirical.from_counts([3, 4, 5])).kind == "discrete"


@settings(derandomize=True, max_examples=60, deadline=None)
@given(n=st.integers(1, 3000), levels=st.integers(1, 3000), seed=st.integers(0, 2**16))
def test_rule_is_distinct_count_against_max_10_sqrt_n(n, levels, seed):
    rng = np.random.default_rng(seed)
    x = rng.integers(0, levels, n) / 7.0  # floats with up to `levels` distinct values
    expected = np.unique(x).size > max(10.0, math.sqrt(n))  # the documented rule, by numpy
    assert classify(x).continuous is bool(expected)
    assert is_continuous(x) is bool(expected)
    assert max_discrete_values(n) == max(10.0, math.sqrt(n))


def test_nan_is_ignored_by_the_rule():
    x = np.random.default_rng(3).normal(size=100)
    x[:50] = np.nan
    c = classify(x)
    assert c.n == 50 and c.distinct == 50 and c.continuous


# --------------------------------------------------------------------------
# the warning
# --------------------------------------------------------------------------
def test_discrete_entropy_of_continuous_data_warns(diabetes):
    bmi = diabetes.data[:, 2]
    with pytest.warns(ContinuousDataWarning, match=r"'data' looks continuous \(163 distinct .* 442 samples") as rec:
        ik.estimate_entropy(bmi, "miller_madow")
    text = str(rec[0].message)
    assert "bins=" in text and "method='knn'" in text
    assert rec[0].filename == __file__  # points at the caller


def test_no_warning_for_discrete_data(diabetes):
    ctx = no_continuous_warning()
    try:
        ik.estimate_entropy(diabetes.data[:, 1], "plugin")  # sex
        ik.estimate_entropy([1, 2, 2, 3, 3, 3], "plugin")
        ik.estimate_mutual_information(diabetes.data[:, 1], np.arange(442) % 3, "plugin")
    finally:
        ctx.__exit__(None, None, None)


def test_discrete_mi_and_kl_of_continuous_data_warn(iris):
    x, label = iris.data[:, 2], iris.target
    with pytest.warns(ContinuousDataWarning, match="'x' looks continuous.*method='ksg'"):
        ik.estimate_mutual_information(x, label, "miller_madow")
    a, b = iris.data[iris.target == 1, 2], iris.data[iris.target == 2, 2]
    with pytest.warns(ContinuousDataWarning, match="'samples_p' looks continuous"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ik.UnseenOutcomeWarning)
            ik.estimate_kl(a, ik.empirical(b), "plugin")


# --------------------------------------------------------------------------
# method="auto" on continuous samples
# --------------------------------------------------------------------------
def test_auto_entropy_of_continuous_samples_is_knn():
    x = np.random.default_rng(4).normal(size=3000)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ContinuousDataWarning)
        est = ik.estimate_entropy(x)
    assert est.method == "knn"
    assert "continuous samples (3000 distinct float values in 3000 samples" in est.diagnostics["auto_reason"]
    assert est.value == ik.estimate_entropy(x, "knn").value
    assert abs(est.value - GAUSS_H) < 4 * est.stderr + 0.02


def test_auto_entropy_of_a_2d_continuous_sample_is_knn():
    x = np.random.default_rng(5).normal(size=(2000, 2))
    est = ik.estimate_entropy(x)
    assert est.method == "knn" and abs(est.value - 2 * GAUSS_H) < 4 * est.stderr + 0.05


def test_auto_mi_of_two_continuous_variables_is_ksg():
    rng = np.random.default_rng(6)
    x = rng.normal(size=2000)
    y = 0.8 * x + 0.6 * rng.normal(size=2000)  # correlation 0.8
    est = ik.estimate_mutual_information(x, y)
    assert est.method == "ksg" and "auto_reason" in est.diagnostics
    assert est.value == ik.estimate_mutual_information(x, y, "ksg").value
    assert abs(est.value - (-0.5 * math.log(1 - 0.64))) < 0.05


def test_an_explicit_continuous_method_gets_the_values_themselves():
    from infokit._estimators.continuous import ksg_mi

    rng = np.random.default_rng(14)
    x = np.round(rng.normal(size=400), 1) * 3.0  # floats with few values: discrete by the rule
    y = x + rng.normal(size=400)
    ours = ik.estimate_mutual_information(x, y, "ksg", rng=0)
    assert ours.value == pytest.approx(max(ksg_mi(x, y, rng=0).value, 0.0), abs=1e-12)  # the values, not codes
    assert ours.diagnostics["tie_width"][0] == pytest.approx(0.3)


def test_auto_kl_of_two_continuous_samples_is_knn():
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=3000), rng.normal(1.0, 1.0, size=3000)
    est = ik.estimate_kl(x, y)
    assert est.method == "knn" and "Wang" in est.diagnostics["auto_reason"]
    assert est.value == ik.estimate_kl(x, y, "knn").value
    assert abs(est.value - 0.5) < 4 * est.stderr + 0.05  # D(N(0,1)||N(1,1)) = 1/2
    assert ik.estimate_kl(x, ik.empirical(y)).method == "knn"  # a counted sample of Q too


def test_auto_kl_against_a_probability_vector_stays_known_q():
    x = np.random.default_rng(8).integers(0, 3, 500)
    assert ik.estimate_kl(x, [0.2, 0.3, 0.5]).method != "knn"


def test_auto_on_tied_continuous_samples_dequantises_them_reproducibly(iris):
    est = ik.estimate_entropy(iris.data[:, 2])  # petal length: 43 values, 107 of 150 repeat one
    assert est.method == "knn" and est.diagnostics["tie_width"] == [pytest.approx(0.1)]
    assert ik.estimate_entropy(iris.data[:, 2].copy()).value == est.value  # the same data, the same estimate
    est = ik.estimate_mutual_information(iris.data[:, 0], iris.data[:, 2])
    assert est.method == "ksg" and est.value > 0


def test_auto_mi_of_continuous_feature_and_class_label_is_the_mixed_estimator(iris):
    from sklearn.feature_selection import mutual_info_classif

    rng = np.random.default_rng(0)
    x = iris.data[:, 2] + rng.normal(0, 1e-10, 150)  # break ties as scikit-learn does
    est = ik.estimate_mutual_information(x, iris.target)
    assert est.method == "ross" and "auto_reason" in est.diagnostics
    ref = mutual_info_classif(iris.data[:, [2]], iris.target, n_neighbors=3, random_state=0)[0]
    assert abs(est.value - ref) < 0.1


def test_auto_routes_discrete_x_and_continuous_y_to_the_mixed_estimator(iris):
    from sklearn.feature_selection import mutual_info_classif

    z = iris.data[:, 3] * 0.0 + np.random.default_rng(12).normal(size=150) + iris.target  # continuous, no ties
    est = ik.estimate_mutual_information(iris.target, z)  # discrete x, continuous y
    assert est.method == "ross" and "continuous y" in est.diagnostics["auto_reason"]
    ref = mutual_info_classif(z.reshape(-1, 1), iris.target, n_neighbors=3, random_state=0)[0]
    assert est.value == pytest.approx(ref, abs=1e-6)


# --------------------------------------------------------------------------
# bins=
# --------------------------------------------------------------------------
def test_empirical_bins_match_numpy_histogram(diabetes):
    x = diabetes.data[:, 2]
    for bins in (7, "fd"):
        counts, _ = np.histogram(x, bins=bins)
        assert ik.empirical(x, bins=bins).counts.tolist() == counts.tolist()
    e = ik.empirical(x, bins=7)
    assert e.support_declared and e.support_size == 7 and e.outcomes[0].startswith("[")


def test_quantile_bins_match_kbinsdiscretizer(diabetes):
    from sklearn.preprocessing import KBinsDiscretizer

    x = diabetes.data[:, [2]]
    kb = KBinsDiscretizer(n_bins=5, encode="ordinal", strategy="quantile", quantile_method="linear").fit(x)
    edges = kb.bin_edges_[0]
    e = ik.empirical(x[:, 0], bins=("quantile", 5))
    assert e.support_size == edges.size - 1
    assert e.counts.tolist() == np.bincount(kb.transform(x)[:, 0].astype(int), minlength=5).tolist()
    assert ik.empirical(x[:, 0], bins="quantile").support_size == 10  # the default count


def test_explicit_edges_keep_values_outside_and_match_pandas_cut():
    pd = pytest.importorskip("pandas")
    x = np.array([-1.0, 0.0, 0.2, 0.5, 0.7, 0.9, 1.0, 3.0])
    edges = [0.0, 0.5, 1.0]
    e = ik.empirical(x, bins=edges)
    assert e.outcomes.tolist() == ["(-inf, 0)", "[0, 0.5)", "[0.5, 1]", "(1, inf)"]
    inner = pd.cut(x, edges, right=False).value_counts().tolist()  # [0, 0.5), [0.5, 1): 1.0 not inside
    assert e.counts.tolist() == [1, inner[0], inner[1] + 1, 1]
    assert e.n == x.size  # nothing dropped


def test_a_fitted_binning_is_used_as_it_is():
    ref = np.random.default_rng(9).normal(size=500)
    b = fit_bins(ref, "uniform", n_bins=4)
    x = np.array([-10.0, 0.0, 10.0])
    e = ik.empirical(x, bins=b)
    assert e.counts.tolist() == b.counts(x)[:-1].tolist()


def test_binned_entropy_is_the_histogram_entropy(diabetes):
    x = diabetes.data[:, 2]
    counts, _ = np.histogram(x, bins=12)
    est = ik.estimate_entropy(x, "plugin", bins=12)
    assert est.value == pytest.approx(stats.entropy(counts), rel=1e-12)
    assert est.diagnostics["bins"] == "uniform" and len(est.diagnostics["bin_edges"]) == 13
    auto = ik.estimate_entropy(x, bins=12)  # a discrete estimator on the bins, no warning
    assert methods.METHODS[auto.method].data == "discrete"


def test_binned_mi_of_feature_and_label_matches_sklearn_and_is_positive(iris):
    from sklearn.feature_selection import mutual_info_classif
    from sklearn.metrics import mutual_info_score

    x, label = iris.data[:, 2], iris.target
    edges = np.histogram_bin_edges(x, bins=10)
    codes = np.clip(np.digitize(x, edges[1:-1]), 0, 9)  # the same 10 bins, the last closed
    plug = ik.estimate_mutual_information(x, label, "plugin", bins=10)
    assert plug.value == pytest.approx(mutual_info_score(codes, label), rel=1e-10)
    assert plug.diagnostics["binned"] == ["x"]
    est = ik.estimate_mutual_information(x, label, bins=10)
    assert est.ci[0] > 0.5  # a strong dependence, as the continuous estimator finds
    ref = mutual_info_classif(iris.data[:, [2]], label, random_state=0)[0]
    assert abs(est.value - ref) < 0.15
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ContinuousDataWarning)
        raw = ik.estimate_mutual_information(x, label, "plugin")  # counted by value, as mutual_info_score does
    with pytest.warns(UserWarning, match="continuous values"):  # scikit-learn warns on this input too
        ref_raw = mutual_info_score(x, label)
    assert raw.value == pytest.approx(ref_raw, rel=1e-10)


def test_binned_kl_uses_edges_fitted_on_the_pooled_samples(iris):
    a, b = iris.data[iris.target == 1, 0], iris.data[iris.target == 2, 0]
    edges = np.histogram_bin_edges(np.concatenate([a, b]), bins=6)
    hp, _ = np.histogram(a, edges)
    hq, _ = np.histogram(b, edges)
    est = ik.estimate_kl(a, b, "plugin", bins=6)
    assert np.all(hq > 0)
    assert est.value == pytest.approx(stats.entropy(hp, hq), rel=1e-10)
    assert est.diagnostics["bins_fitted_on"] == "pooled samples"
    assert ik.estimate_kl(a, ik.empirical(b), "plugin", bins=6).value == est.value  # a counted Q alike


def test_options_no_path_takes_are_rejected_before_counting():
    # empty data would fail, but an option that neither the discrete path nor knn takes comes first
    with pytest.raises(InvalidArgumentError, match="'concentration'"):
        ik.estimate_entropy([], concentration=1.0)
    with pytest.raises(InvalidArgumentError, match="'n_neighbors'"):
        ik.estimate_kl([], ik.empirical([1]), "plugin", n_neighbors=4)
    with pytest.raises(InvalidArgumentError, match="'jitter'"):
        ik.estimate_mutual_information([], [], "plugin", jitter=1e-9)
    x = np.random.default_rng(13).normal(size=200)
    with pytest.raises(InvalidArgumentError, match="'support_size' applies to the discrete estimators"):
        ik.estimate_entropy(x, support_size=5)  # auto chose knn, which takes no support size


def test_bins_errors():
    x = np.random.default_rng(10).normal(size=100)
    with pytest.raises(InvalidArgumentError, match="'bins' applies to the discrete estimators"):
        ik.estimate_entropy(x, "knn", bins=10)
    with pytest.raises(InvalidArgumentError, match="both be samples"):
        ik.estimate_kl(x, ik.from_logits([0.0, 1.0]), bins=10)
    with pytest.raises(InvalidArgumentError, match="no column of x or y looks continuous"):
        ik.estimate_mutual_information([1, 2, 3, 1], [0, 1, 0, 1], bins=4)
    with pytest.raises(InvalidArgumentError, match="either 'bins'.*or 'support'"):
        ik.empirical(x, bins=4, support=[1, 2])
    with pytest.raises(InvalidArgumentError, match="'bins' must be"):
        ik.empirical(x, bins="sturges")
    y = x.copy()
    y[0] = np.nan
    with pytest.raises(InvalidArgumentError, match="NaN"):
        ik.estimate_entropy(y, bins=5)
    assert ik.estimate_entropy(y, bins=5, dropna=True).diagnostics["n"] == 99


# --------------------------------------------------------------------------
# the command line
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def iris_files(tmp_path_factory, iris):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("click")
    pytest.importorskip("pyarrow")
    d = tmp_path_factory.mktemp("iris")
    z = np.random.default_rng(11).normal(size=150)  # no ties (written and read back exactly)
    frame = pd.DataFrame(iris.data, columns=["sl", "sw", "pl", "pw"]).assign(target=iris.target, z=z)
    paths = {"all": d / "iris.csv", "1": d / "v.csv", "2": d / "g.csv"}
    frame.to_csv(paths["all"], index=False)
    frame[frame.target == 1].to_csv(paths["1"], index=False)
    frame[frame.target == 2].to_csv(paths["2"], index=False)
    return paths


def run_cli(*args):
    from click.testing import CliRunner

    from infokit.cli import cli

    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def test_cli_entropy_bins_and_continuous_methods(iris_files, iris):
    r = run_cli("entropy", iris_files["all"], "-c", "pl", "--bins", "10", "--estimator", "plugin", "--base", "nats",
                "--format", "json")
    assert r.exit_code == 0, r.stderr
    counts, _ = np.histogram(iris.data[:, 2], bins=10)
    assert json.loads(r.stdout)["estimate"]["value"] == pytest.approx(stats.entropy(counts), rel=1e-9)
    z = np.random.default_rng(11).normal(size=150)
    for method in ("vasicek", "auto"):
        r = run_cli("entropy", iris_files["all"], "-c", "z", "--method", method, "--base", "nats", "--format", "json")
        assert r.exit_code == 0, r.stderr
        out = json.loads(r.stdout)["estimate"]
        lib = ik.estimate_entropy(z, method)
        assert out["value"] == pytest.approx(lib.value, rel=1e-9) and out["method"] == lib.method


def test_cli_warns_for_a_discrete_estimator_on_a_continuous_column(iris_files):
    r = run_cli("entropy", iris_files["all"], "-c", "pl", "-e", "plugin")
    assert r.exit_code == 0
    assert "warning: 'data' looks continuous (43 distinct float values in 150 samples" in r.stderr


def test_cli_method_choices_come_from_the_registry(iris_files):
    r = run_cli("entropy", "--help")
    for name in methods.names(methods.ENTROPY, data=methods.CONTINUOUS):
        assert name in r.stdout
    r = run_cli("mi", iris_files["all"], "--x", "pl", "--y", "target", "-e", "nope")
    assert r.exit_code == 2 and "ksg" in r.stderr


def test_cli_mi_bins_and_ksg(iris_files, iris):
    r = run_cli("mi", iris_files["all"], "--x", "pl", "--y", "target", "--bins", "10", "-e", "plugin",
                "--base", "nats", "--format", "json")
    assert r.exit_code == 0, r.stderr
    out = json.loads(r.stdout)
    lib = ik.estimate_mutual_information(iris.data[:, 2], iris.target, "plugin", bins=10)
    assert out["estimate"]["value"] == pytest.approx(lib.value, rel=1e-12)
    assert out["plugin"]["value"] == pytest.approx(lib.value, rel=1e-9)  # the plug-in of the same bins
    r = run_cli("mi", iris_files["all"], "--x", "sl", "--y", "pl", "--jitter", "1e-10", "--base", "nats",
                "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["estimate"]["method"] == "ksg"


def test_cli_kl_bins_pooled(iris_files, iris):
    a, b = iris.data[iris.target == 1, 0], iris.data[iris.target == 2, 0]
    r = run_cli("kl", iris_files["1"], iris_files["2"], "-c", "sl", "--bins", "6", "-e", "plugin", "--base", "nats",
                "--format", "json")
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["estimate"]["value"] == pytest.approx(ik.estimate_kl(a, b, "plugin", bins=6).value)
    r = run_cli("kl", iris_files["1"], iris_files["2"], "-c", "sl", "--bins", "quantile:0")
    assert r.exit_code == 2


def test_cli_kl_knn_ties_drawn_from_seed(iris_files, iris):
    # sepal lengths are recorded to 0.1 cm: ties, broken at that resolution by noise drawn from --seed
    a, b = iris.data[iris.target == 1, 0], iris.data[iris.target == 2, 0]
    for seed in (0, 5):
        r = run_cli("kl", iris_files["1"], iris_files["2"], "-c", "sl", "-e", "knn", "--seed", seed, "--base", "nats",
                    "--format", "json")
        assert r.exit_code == 0, r.stderr
        lib = ik.estimate_kl(np.sort(a), np.sort(b), "knn", rng=seed)  # the file is read as counts: sorted values
        assert json.loads(r.stdout)["estimate"]["value"] == pytest.approx(lib.value, rel=1e-12)
        assert json.loads(r.stdout)["estimate"]["diagnostics"]["tie_width"] == pytest.approx([0.1], rel=1e-9)
    r = run_cli("kl", iris_files["1"], iris_files["2"], "-c", "sl", "-e", "knn", "--jitter", "2")
    assert r.exit_code == 2 and "'--jitter'" in r.stderr and "0<x<=1" in r.stderr


def test_estimate_cross_entropy_warns_on_continuous_samples(diabetes):
    bmi = diabetes.data[:, 2]  # 163 distinct values in 442 rows: continuous by the rule
    with pytest.warns(ContinuousDataWarning, match=r"'samples_p' looks continuous.*bins='fd'"):
        ik.estimate_cross_entropy(bmi, ik.empirical(bmi[::2]), smoothing="jeffreys")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ContinuousDataWarning)
        ik.estimate_cross_entropy(diabetes.data[:, 1] > 0, [0.5, 0.5])  # two values: discrete, no warning
