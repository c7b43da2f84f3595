"""Kinds × measures: every public measure on every combination of argument kinds.

Each (measure, kinds) pair either returns the value of an independent
computation (plain ``math`` on the same numbers, closed forms of the normal
distribution, scipy's log-densities) or raises the one
:class:`~infokit.InvalidTypeError`, whose message names the measure and the
kinds it received.  Which pairs are defined is written out here, from the
documentation — not read from infokit's own table — so the test fails when the
table gains or loses a row by mistake.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import stats

import infokit as ik
from infokit._dispatch import Kind, kind_of, rows

P = [0.5, 0.25, 0.25]
Q = [0.25, 0.25, 0.5]
P_SAMPLES = [0, 0, 1, 2]  # counts 2, 1, 1: the empirical distribution is P
Q_SAMPLES = [0, 1, 2, 2]
NORM_P, NORM_Q = (0.0, 1.0), (1.0, 1.0)


def exemplar(kind: Kind, which: str):
    """One argument of each kind; for discrete kinds the distribution P ('p') or Q ('q') over outcomes 0, 1, 2."""
    probs, samples = (P, P_SAMPLES) if which == "p" else (Q, Q_SAMPLES)
    mean, sd = NORM_P if which == "p" else NORM_Q
    return {
        Kind.PROBS: lambda: np.array(probs),
        Kind.LOGITS: lambda: ik.from_log_probs(np.log(probs)),
        Kind.COUNTS: lambda: ik.empirical(samples),
        Kind.PMF: lambda: {i: v for i, v in enumerate(probs)},
        Kind.PARAMETRIC: lambda: stats.norm(mean, sd),
        Kind.MODEL: lambda: (lambda x: stats.norm(mean, sd).logpdf(x)),
    }[kind]()


DISCRETE = {Kind.PROBS, Kind.LOGITS, Kind.COUNTS, Kind.PMF}


def H(p):
    return -math.fsum(x * math.log(x) for x in p if x > 0)


def CE(p, q):
    return -math.fsum(x * math.log(y) for x, y in zip(p, q) if x > 0)


def KL(p, q):
    return CE(p, q) - H(p)


def JS(p, q):
    m = [(x + y) / 2 for x, y in zip(p, q)]
    return (KL(p, m) + KL(q, m)) / 2


H_NORM = 0.5 * math.log(2 * math.pi * math.e)  # N(0, 1)
KL_NORM = 0.5  # D(N(0,1) || N(1,1)) = (mu_p - mu_q)^2 / 2
CE_DATA = -float(np.mean(stats.norm(*NORM_Q).logpdf(P_SAMPLES)))  # the samples of P scored under the model


def expected(measure: str, kinds):
    """The documented value, or None where the combination is not defined (InvalidTypeError)."""
    if all(k in DISCRETE for k in kinds):
        return {
            "information": lambda: [-math.log(x) for x in P],
            "entropy": lambda: H(P),
            "renyi_entropy": lambda: -math.log(sum(x * x for x in P)),
            "perplexity1": lambda: math.exp(H(P)),
            "cross_entropy": lambda: CE(P, Q),
            "kl_divergence": lambda: KL(P, Q),
            "js_divergence": lambda: JS(P, Q),
            "js_distance": lambda: math.sqrt(JS(P, Q)),
            "renyi_divergence": lambda: -2 * math.log(sum(math.sqrt(x * y) for x, y in zip(P, Q))),
            "perplexity2": lambda: math.exp(CE(P, Q)),
            "decompose": lambda: KL(P, Q),
        }[measure]()
    if kinds == (Kind.PARAMETRIC,) and measure in ("entropy", "perplexity1"):
        return H_NORM if measure == "entropy" else math.exp(H_NORM)
    if kinds == (Kind.PARAMETRIC, Kind.PARAMETRIC):
        return {"kl_divergence": KL_NORM, "cross_entropy": H_NORM + KL_NORM,
                "perplexity2": math.exp(H_NORM + KL_NORM)}.get(measure)
    if kinds[0] is Kind.COUNTS and kinds[1] in (Kind.MODEL, Kind.PARAMETRIC):
        return {"cross_entropy": CE_DATA, "perplexity2": math.exp(CE_DATA)}.get(measure)
    return None


def call(measure, args):
    if measure == "renyi_entropy":
        return ik.renyi_entropy(*args, 2)
    if measure == "renyi_divergence":
        return ik.renyi_divergence(*args, 0.5)
    if measure in ("perplexity1", "perplexity2"):
        return ik.perplexity(*args)
    if measure == "decompose":
        return ik.decompose(*args).kl_divergence
    return getattr(ik, measure)(*args)


ONE = ["information", "entropy", "renyi_entropy", "perplexity1"]
TWO = ["cross_entropy", "kl_divergence", "js_divergence", "js_distance", "renyi_divergence", "perplexity2",
       "decompose"]
CASES = [(m, (k,)) for m in ONE for k in Kind] + [(m, ks) for m in TWO for ks in itertools.product(Kind, Kind)]


@pytest.mark.parametrize("measure,kinds", CASES, ids=lambda v: v if isinstance(v, str) else "-".join(k.name for k in v))
def test_kinds_by_measures(measure, kinds):
    args = [exemplar(k, w) for k, w in zip(kinds, "pq")]
    assert tuple(kind_of(a) for a in args) == kinds  # the exemplars are what they claim to be
    want = expected(measure, kinds)
    if kinds[0] is Kind.PROBS and kinds[1:] in ((Kind.MODEL,), (Kind.PARAMETRIC,)) and measure in (
            "cross_entropy", "perplexity2"):
        # data for a model, but the exemplar is a probability vector: never scored as samples
        with pytest.raises(ik.InvalidTypeError, match=r"probability vector.*ik\.empirical"):
            call(measure, args)
        return
    if want is None:
        with pytest.raises(ik.InvalidTypeError) as info:
            call(measure, args)
        msg = str(info.value)
        public = measure.rstrip("12")
        assert f"ik.{public}" in msg
        for k in kinds:
            assert k.value in msg
        return
    got = call(measure, args)
    np.testing.assert_allclose(np.asarray(got, dtype=float), want, rtol=1e-12)


def test_probability_vector_as_data_for_a_model_is_a_clear_error():
    # a probability vector is never silently scored as two samples (it used to give inf)
    with pytest.raises(ik.InvalidTypeError, match=r"probability vector.*ik\.empirical"):
        ik.cross_entropy([0.5, 0.5], stats.poisson(1))
    # samples (whole numbers, or anything not summing to 1) are scored as samples
    got = ik.cross_entropy([0, 1, 1, 3], stats.poisson(1.5))
    assert got == pytest.approx(-np.mean(stats.poisson(1.5).logpmf([0, 1, 1, 3])), rel=1e-14)


def test_table_rows_are_the_documented_ones():
    # every row the table holds is exercised above: a row added without a test shows up here
    documented = {"information", "entropy", "renyi_entropy", "cross_entropy", "kl_divergence", "js_divergence",
                  "js_distance", "renyi_divergence", "decompose"}
    assert documented <= set(rows())


@pytest.mark.parametrize("measure", ["entropy", "cross_entropy", "kl_divergence"])
def test_array_options_are_checked_on_the_parametric_path(measure):
    args = [stats.norm(0, 1)] + ([stats.norm(1, 1)] if measure != "entropy" else [])
    fn = getattr(ik, measure)
    with pytest.raises(ik.InvalidArgumentError, match="'axis'"):
        fn(*args, axis=5)
    with pytest.raises(ik.InvalidArgumentError, match="'normalize'"):
        fn(*args, normalize="x")
    with pytest.raises(ik.InvalidArgumentError, match="'keepdims'"):
        fn(*args, keepdims=True)
    with pytest.raises(ik.InvalidArgumentError, match="'base'"):
        fn(*args, base="furlongs")


@pytest.mark.parametrize("measure", ["entropy", "cross_entropy", "kl_divergence", "js_divergence"])
def test_a_probability_argument_beside_a_categorical_is_validated(measure):
    fn = getattr(ik, measure)
    z = ik.from_logits([1.0, 2.0, 3.0, 4.0])
    args = [z] if measure == "entropy" else [z, [0.3, 0.1, 0.1, 0.1]]
    if measure == "entropy":
        args = [[0.3, 0.1, 0.1, 0.1]]
    with pytest.raises(ik.InvalidDistributionError, match="does not sum to 1"):
        fn(*args)
    if measure != "entropy":
        with pytest.raises(ik.InvalidDistributionError, match="'p'"):
            fn([0.3, 0.1, 0.1, 0.1], z)


def test_series_from_value_counts_align_by_label():
    pd = pytest.importorskip("pandas")
    a = pd.Series(list("aaabbc")).value_counts(normalize=True)  # a, b, c
    b = pd.Series(list("cccbba")).value_counts(normalize=True)  # c, b, a: another order
    assert list(a.index) != list(b.index)
    pa = {"a": 3 / 6, "b": 2 / 6, "c": 1 / 6}
    pb = {"a": 1 / 6, "b": 2 / 6, "c": 3 / 6}
    want = KL([pa[k] for k in "abc"], [pb[k] for k in "abc"])
    assert ik.kl_divergence(a, b) == pytest.approx(want, rel=1e-13)
    assert ik.kl_divergence(a, pb) == pytest.approx(want, rel=1e-13)
    assert ik.kl_divergence(a, ik.empirical(list("cccbba"))) == pytest.approx(want, rel=1e-13)
    # a Series with the default 0..n-1 index is a plain probability vector
    assert kind_of(pd.Series(P)) is Kind.PROBS
    assert ik.entropy(pd.Series(P)) == pytest.approx(H(P), rel=1e-14)
    with pytest.raises(ik.InvalidTypeError, match="'p' is a labelled Series"):
        ik.kl_divergence(a, [0.2, 0.3, 0.5])


def test_masked_arrays_are_refused_clearly():
    with pytest.raises(ik.InvalidTypeError, match="masked"):
        ik.entropy(np.ma.array([0.5, 0.5, 0.3], mask=[0, 0, 1]))
    assert ik.entropy(np.ma.array([0.5, 0.5])) == pytest.approx(math.log(2), rel=1e-15)  # nothing masked


@pytest.mark.parametrize("data", [[1, 2, 2, 3], [3.0, 1.0, 2.0]])
def test_samples_given_as_a_distribution_point_to_empirical(data):
    with pytest.raises(ik.InvalidDistributionError, match=r"ik\.empirical") as info:
        ik.entropy(data)
    assert "normalize=True" not in str(info.value)


def test_weights_not_summing_to_one_point_to_normalize():
    with pytest.raises(ik.InvalidDistributionError, match="normalize=True"):
        ik.entropy([0.2, 0.3])


# --------------------------------------------------------------------------
# estimates from samples: the first argument is data
# --------------------------------------------------------------------------
def data_exemplar(kind: Kind, which: str, measure: str):
    """As :func:`exemplar`, but an array in a samples position is the sample itself (P̂ = P, Q̂ = Q)."""
    samples = P_SAMPLES if which == "p" else Q_SAMPLES
    in_samples_position = which == "p" or measure == "estimate_mutual_information"
    if kind is Kind.PROBS and in_samples_position:
        return np.array(samples)
    return exemplar(kind, which)


def _counts(samples):
    return np.bincount(samples, minlength=3).astype(float)


def _mi(x, y):
    pairs = {}
    for a, b in zip(x, y):
        pairs[(a, b)] = pairs.get((a, b), 0) + 1
    n = len(x)
    hxy = -math.fsum(c / n * math.log(c / n) for c in pairs.values())
    return H(_counts(x) / n) + H(_counts(y) / n) - hxy


G_WANT = float(stats.power_divergence(_counts(P_SAMPLES), len(P_SAMPLES) * np.array(Q),
                                      lambda_="log-likelihood").statistic)


def expected_estimate(measure: str, kinds):
    samples = {Kind.PROBS, Kind.COUNTS}
    known_q = {Kind.PROBS, Kind.LOGITS, Kind.PMF}
    if measure == "estimate_entropy":
        return H(P) if kinds[0] in samples else None
    if measure == "estimate_mutual_information":
        return _mi(P_SAMPLES, Q_SAMPLES) if kinds == (Kind.PROBS, Kind.PROBS) else None
    if measure == "g_test":
        return G_WANT if kinds[0] in samples and kinds[1] in {Kind.PROBS, Kind.PMF} else None
    if kinds == (Kind.PARAMETRIC, Kind.PARAMETRIC):
        return KL_NORM if measure == "estimate_kl" else None
    if kinds[0] in samples and (kinds[1] in known_q or kinds[1] is Kind.COUNTS):
        return KL(P, Q) if measure == "estimate_kl" else CE(P, Q)  # P̂ = P, Q̂ = Q: plug-in values
    return None


def call_estimate(measure, args):
    if measure == "g_test":
        return ik.g_test(*args, williams=False).statistic
    if measure == "estimate_kl" and all(kind_of(a) is Kind.PARAMETRIC for a in args):
        return ik.estimate_kl(*args, n=40_000, rng=0)
    return getattr(ik, measure)(*args, method="plugin").value


ESTIMATES = [("estimate_entropy", (k,)) for k in Kind] + [
    (m, ks) for m in ("estimate_kl", "estimate_cross_entropy", "estimate_mutual_information", "g_test")
    for ks in itertools.product(Kind, Kind)]


@pytest.mark.parametrize("measure,kinds", ESTIMATES,
                         ids=lambda v: v if isinstance(v, str) else "-".join(k.name for k in v))
def test_kinds_by_estimates(measure, kinds):
    args = [data_exemplar(k, w, measure) for k, w in zip(kinds, "pq")]
    want = expected_estimate(measure, kinds)
    if want is None:
        with pytest.raises(ik.InvalidTypeError) as info:
            call_estimate(measure, args)
        assert f"ik.{measure}" in str(info.value)
        return
    got = call_estimate(measure, args)
    if isinstance(got, ik.Estimate):  # Monte Carlo: within 5 standard errors of the closed form
        assert abs(got.value - want) < 5 * got.stderr
        return
    assert float(got) == pytest.approx(want, rel=1e-12)
