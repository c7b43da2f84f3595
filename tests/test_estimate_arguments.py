"""The arguments of the estimate functions (``infokit._estimators.arguments``).

Kinds: every combination the table does not hold raises the one
InvalidTypeError, naming the function, each argument's kind and the kinds it
accepts.  Options: an option given where it does not apply is an
InvalidArgumentError naming it — raised before any work.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

import infokit as ik
from infokit import _dispatch
from infokit._dispatch import Kind

X = [0, 1, 1, 2, 2, 2]
Q = [0.2, 0.3, 0.5]
LOGITS = ik.from_logits([0.0, 1.0, 2.0])
NORM = stats.norm(0, 1)


def _raises_type(call, measure, *names):
    with pytest.raises(ik.InvalidTypeError) as info:
        call()
    msg = str(info.value)
    assert msg.startswith(f"ik.{measure} is not defined for these kinds of argument: "), msg
    for n in names:
        assert f"'{n}' is " in msg, (n, msg)
    assert "It accepts (" in msg
    return msg


# --------------------------------------------------------------------------
# kinds
# --------------------------------------------------------------------------
@pytest.mark.parametrize("data, hint", [
    ({"a": 3, "b": 1}, "from_counts"),
    (NORM, "ik.entropy(p)"),
    (LOGITS, "ik.entropy(p)"),
    (lambda x: -x, "ik.cross_entropy(data, model)"),
])
def test_estimate_entropy_takes_samples(data, hint):
    assert hint in _raises_type(lambda: ik.estimate_entropy(data), "estimate_entropy", "data")


@pytest.mark.parametrize("method", ["knn", "vasicek", "van_es"])
def test_continuous_methods_take_the_samples_not_their_counts(method):
    msg = _raises_type(lambda: ik.estimate_entropy(ik.Empirical.from_counts([1, 2]), method),
                       f"estimate_entropy(method={method!r})", "data")
    assert "continuous samples" in msg


@pytest.mark.parametrize("x, y", [({"a": 1}, [0, 1]), (ik.empirical([0, 1]), [0, 1]), ([0, 1], NORM)])
def test_mutual_information_takes_paired_samples(x, y):
    assert "paired samples" in _raises_type(lambda: ik.estimate_mutual_information(x, y),
                                            "estimate_mutual_information", "x", "y")
    _raises_type(lambda: ik.estimate_mutual_information(x, y, "ksg"), "estimate_mutual_information(method='ksg')",
                 "x", "y")


@pytest.mark.parametrize("p, q, hint", [
    (X, NORM, "two distributions"),  # a sample against a scipy distribution: no matching sample
    (NORM, Q, "two distributions"),
    (X, lambda x: -x, "ik.cross_entropy(samples, model)"),
    (LOGITS, Q, "ik.kl_divergence(p, q)"),
    ({"a": 3}, Q, "from_counts"),
])
def test_estimate_kl_undefined_shapes(p, q, hint):
    assert hint in _raises_type(lambda: ik.estimate_kl(p, q), "estimate_kl", "samples_p", "q")


def test_estimate_kl_knn_and_log_ratio_kinds():
    msg = _raises_type(lambda: ik.estimate_kl(np.arange(5.0), ik.empirical([0, 1]), "knn"),
                       "estimate_kl(method='knn')", "samples_p", "q")
    assert "'q' is an ik.Empirical" in msg
    _raises_type(lambda: ik.estimate_kl(log_p=lambda x: x, log_q=np.zeros(3)), "estimate_kl(log_p=..., log_q=...)",
                 "log_p", "log_q")


@pytest.mark.parametrize("q, hint", [(NORM, "ik.cross_entropy(data, model)"), (stats.poisson(1.0), "model")])
def test_estimate_cross_entropy_of_data_under_a_model_points_to_the_exact_measure(q, hint):
    assert hint in _raises_type(lambda: ik.estimate_cross_entropy(X, q), "estimate_cross_entropy", "samples_p", "q")


@pytest.mark.parametrize("q, hint", [
    (LOGITS, "q.probs"),  # was a builtin TypeError (float() of a Categorical)
    (ik.empirical([0, 1, 2]), "not a sample"),
    (stats.poisson(1.0), "pmf"),
])
def test_g_test_q_is_a_known_pmf(q, hint):
    assert hint in _raises_type(lambda: ik.g_test(X, q), "g_test", "samples_or_empirical", "q")
    assert ik.g_test(X, LOGITS.probs) == ik.g_test(X, np.asarray(LOGITS.probs))


def test_rows_registered():
    samples = {Kind.PROBS, Kind.COUNTS}
    known = {Kind.PROBS, Kind.LOGITS, Kind.PMF}
    assert _dispatch.rows("estimate_kl") == [(samples, known), (samples, {Kind.COUNTS}),
                                             ({Kind.PARAMETRIC}, {Kind.PARAMETRIC})]
    assert _dispatch.rows("estimate_cross_entropy") == [(samples, known), (samples, {Kind.COUNTS})]
    assert _dispatch.rows("g_test") == [(samples, {Kind.PROBS, Kind.PMF})]
    assert _dispatch.rows("estimate_entropy") == [(samples,)]
    assert _dispatch.rows("estimate_entropy(method='knn')") == [({Kind.PROBS},)]
    assert _dispatch.rows("estimate_mutual_information(method='ksg')") == [({Kind.PROBS}, {Kind.PROBS})]
    assert _dispatch.rows("estimate_kl(log_p=..., log_q=...)") == [({Kind.PROBS}, {Kind.PROBS})]


def test_pandas_series_are_samples_whatever_their_index():
    pd = pytest.importorskip("pandas")
    x = np.array([0, 1, 1, 2, 2, 2, 3, 3])
    s = pd.Series(x, index=np.arange(8) * 2 + 5)  # a filtered frame's column: index not 0..n-1
    assert ik.estimate_entropy(s, "miller_madow") == ik.estimate_entropy(x, "miller_madow")
    assert ik.estimate_kl(s, [0.25] * 4, "plugin") == ik.estimate_kl(x, [0.25] * 4, "plugin")
    assert ik.g_test(s, [0.25] * 4) == ik.g_test(x, [0.25] * 4)
    y = np.random.default_rng(0).standard_normal(50)
    assert ik.estimate_entropy(pd.Series(y, index=np.arange(50) + 3), "knn") == ik.estimate_entropy(y, "knn")


# --------------------------------------------------------------------------
# options
# --------------------------------------------------------------------------
def _raises_option(call, *names):
    with pytest.raises(ik.InvalidArgumentError) as info:
        call()
    msg = str(info.value)
    for n in names:
        assert f"'{n}' " in msg and f"(got {n}=" in msg, (n, msg)
    assert "this call estimates" in msg
    return msg


@pytest.mark.parametrize("method, options, names", [
    ("plugin", {"n_neighbors": 5}, ["n_neighbors"]),
    ("nsb", {"jitter": 1e-9, "rng": 0}, ["jitter"]),
    ("nsb", {"concentration": 1.0}, ["concentration"]),
    ("knn", {"support_size": 10, "concentration": 1.0}, ["support_size", "concentration"]),
    ("knn", {"dropna": True}, ["dropna"]),
    ("vasicek", {"n_neighbors": 4}, ["n_neighbors"]),
])
def test_estimate_entropy_options(method, options, names):
    _raises_option(lambda: ik.estimate_entropy(np.arange(20.0), method, **options), *names)


def test_options_are_checked_before_any_work():
    # the data would fail (empty, NaN), but the option error comes first
    _raises_option(lambda: ik.estimate_entropy([], "plugin", n_neighbors=5), "n_neighbors")
    _raises_option(lambda: ik.estimate_kl([float("nan")], [1.0], n=10), "n")
    _raises_option(lambda: ik.estimate_kl([], [], "knn", smoothing=0.5), "smoothing")


def test_dropna_applies_to_raw_samples():
    e = ik.empirical([0, 1, 1])
    _raises_option(lambda: ik.estimate_entropy(e, dropna=True), "dropna")
    _raises_option(lambda: ik.estimate_kl(e, [0.5, 0.5], dropna=True), "dropna")
    _raises_option(lambda: ik.estimate_cross_entropy(e, ik.empirical([0, 1]), dropna=True), "dropna")
    _raises_option(lambda: ik.g_test(e, [0.5, 0.5], dropna=True), "dropna")
    _raises_option(lambda: ik.estimate_mutual_information(np.arange(9.0), np.arange(9.0), "ksg", dropna=True),
                   "dropna")
    with pytest.raises(ik.InvalidArgumentError, match="'dropna' must be True or False"):
        ik.estimate_entropy([0, 1], dropna="yes")
    assert ik.estimate_kl([0, 1, None], [0.5, 0.5], "plugin", dropna=True).diagnostics["n"] == 2


def test_estimate_mutual_information_options():
    _raises_option(lambda: ik.estimate_mutual_information([0, 1], [0, 1], n_neighbors=4), "n_neighbors")
    _raises_option(lambda: ik.estimate_mutual_information([0, 1], [0, 1], "plugin", jitter=1e-9), "jitter")


@pytest.mark.parametrize("args, options, names", [
    ((X, Q), {"n": 10}, ["n"]),
    ((X, Q), {"smoothing": "jeffreys"}, ["smoothing"]),
    ((X, Q), {"estimator": "k1", "mask": np.ones(3, bool)}, ["estimator", "mask"]),
    ((X, ik.empirical(X)), {"n_neighbors": 2, "jitter": 1e-9}, ["n_neighbors", "jitter"]),
    ((NORM, stats.norm(1, 1)), {"method": "plugin"}, ["method"]),
    ((NORM, stats.norm(1, 1)), {"smoothing": 0.5, "n_neighbors": 4}, ["smoothing", "n_neighbors"]),
    ((NORM, stats.norm(1, 1)), {"dropna": True, "estimator": "k2"}, ["dropna", "estimator"]),
    ((np.arange(9.0), np.arange(9.0) + 0.5), {"method": "knn", "smoothing": 1.0, "n": 5}, ["smoothing", "n"]),
    ((np.arange(9.0), np.arange(9.0) + 0.5), {"method": "knn", "dropna": True}, ["dropna"]),
])
def test_estimate_kl_options(args, options, names):
    _raises_option(lambda: ik.estimate_kl(*args, **options), *names)


def test_estimate_kl_log_ratio_options():
    z = np.linspace(-2, 2, 11)
    for options, names in [({"n": 10}, ["n"]), ({"method": "plugin"}, ["method"]),
                           ({"smoothing": 1.0, "dropna": True}, ["smoothing", "dropna"]),
                           ({"n_neighbors": 5}, ["n_neighbors"])]:
        _raises_option(lambda: ik.estimate_kl(log_p=z, log_q=z + 0.1, **options), *names)


def test_estimate_kl_method_per_shape():
    with pytest.raises(ik.InvalidArgumentError, match="'method' must be one of 'auto', 'plugin', 'miller_madow' "
                       "for a sample of Q"):
        ik.estimate_kl(X, ik.empirical(X), "nsb")
    with pytest.raises(ik.InvalidArgumentError, match="'method' must be one of .*'knn'.*got 'ksg'"):
        ik.estimate_kl(X, Q, "ksg")
    with pytest.raises(ik.InvalidArgumentError, match="'method' must be one of 'auto', 'plugin', 'miller_madow' "
                       "\\(got 'nsb'\\)"):
        ik.estimate_cross_entropy(X, Q, "nsb")


def test_estimate_cross_entropy_options():
    _raises_option(lambda: ik.estimate_cross_entropy(X, Q, smoothing=1.0), "smoothing")
    ok = ik.estimate_cross_entropy(X, ik.empirical(X), smoothing=1.0)
    assert ok.diagnostics["smoothing"] == 1.0


def test_options_that_apply_everywhere_are_checked_on_every_path():
    z = np.linspace(-2, 2, 11)
    for call in (lambda **kw: ik.estimate_kl(NORM, stats.norm(1, 1), n=100, **kw),
                 lambda **kw: ik.estimate_kl(log_p=z, log_q=z, **kw),
                 lambda **kw: ik.estimate_entropy(np.arange(20.0), "knn", **kw),
                 lambda **kw: ik.estimate_mutual_information(z, z ** 3, "ksg", **kw)):
        with pytest.raises(ik.InvalidArgumentError, match="'ci' must be a probability"):
            call(ci=1.5)
        with pytest.raises(ik.InvalidArgumentError, match="'base' must be"):
            call(base="decibels")
        with pytest.raises(ik.InvalidTypeError, match="'rng' must be"):
            call(rng="seed")
