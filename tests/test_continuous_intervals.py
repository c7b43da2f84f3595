"""The bias-aware intervals of the k-NN estimators (infokit.continuous module notes, "Intervals: the bias")."""

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import integrate, stats

import infokit as ik
from infokit._estimators import continuous as C
from infokit._estimators.result import KernelResult, bias_widened_interval, from_kernel
from infokit._lib.units import resolve_base
from infokit.continuous import knn_entropy, knn_kl, ksg_mi, ross_mi

T10 = stats.t.ppf(0.975, 10)
finite = st.floats(-1e6, 1e6, allow_nan=False)


@settings(derandomize=True, max_examples=200, deadline=None)
@given(finite, st.floats(0, 1e3), st.floats(0.1, 5), finite)
def test_widened_interval_holds_the_point_and_widens_on_the_bias_side(value, se, q, bias):
    lo, hi = bias_widened_interval(value, se, q, bias)
    plain = bias_widened_interval(value, se, q, None)
    assert plain == (value - q * se, value + q * se)
    assert lo <= value <= hi
    # an upward bias (E[value] > truth) moves only the lower end down, by |bias|; a downward one the upper end
    assert lo == pytest.approx(plain[0] - max(bias, 0.0), abs=1e-9 * (1 + abs(value) + abs(bias)))
    assert hi == pytest.approx(plain[1] + max(-bias, 0.0), abs=1e-9 * (1 + abs(value) + abs(bias)))
    assert bias_widened_interval(value, se, q, math.nan) == plain


def test_public_interval_is_the_widened_one_in_every_unit():
    # a kernel result with a known bias through from_kernel: t_10 interval, widened on the bias side
    for bias in (0.05, -0.05):
        res = KernelResult(1.0, 0.1, "half-sampling", df=10, bias=bias)
        est = from_kernel(res, 0.95, "knn", resolve_base("nats"), lower=-math.inf)
        lo, hi = 1.0 - T10 * 0.1 - max(bias, 0.0), 1.0 + T10 * 0.1 + max(-bias, 0.0)
        assert est.ci == pytest.approx((lo, hi), rel=1e-12)
        bits = from_kernel(res, 0.95, "knn", resolve_base("bits"), lower=-math.inf)
        assert bits.ci == pytest.approx((lo / math.log(2), hi / math.log(2)), rel=1e-12)


def _quad_kl(p, q, lo, hi):
    return integrate.quad(lambda t: p.pdf(t) * (p.logpdf(t) - q.logpdf(t)), lo, hi, limit=400)[0]


@pytest.mark.parametrize("case", ["gauss2", "exp1", "kl_exp", "kl_gauss", "ksg", "ross_unif"])
def test_intervals_hold_closed_form_truths_on_fixed_samples(case):
    # seeded samples (deterministic); truths from scipy.stats / quadrature, independent of infokit
    rng = np.random.default_rng([91, len(case), ord(case[-1])])
    n = 2000
    if case == "gauss2":
        est, truth = ik.estimate_entropy(rng.standard_normal((n, 2)), method="knn"), \
            stats.multivariate_normal(cov=np.eye(2)).entropy()
    elif case == "exp1":
        est, truth = ik.estimate_entropy(rng.exponential(size=n), method="knn"), stats.expon.entropy()
    elif case == "kl_exp":
        x, y = rng.exponential(size=n), rng.exponential(0.5, size=n)
        est, truth = ik.estimate_kl(x, y, method="knn"), _quad_kl(stats.expon(), stats.expon(scale=0.5), 0, 80)
        assert truth == pytest.approx(math.log(0.5) + 1.0, rel=1e-9)  # log(l1 / l2) + l2 / l1 - 1
    elif case == "kl_gauss":
        x, y = rng.standard_normal(n), 0.5 + 1.5 * rng.standard_normal(n)
        est, truth = ik.estimate_kl(x, y, method="knn"), _quad_kl(stats.norm(), stats.norm(0.5, 1.5), -40, 40)
    elif case == "ksg":
        x = rng.standard_normal(n)
        y = 0.6 * x + 0.8 * rng.standard_normal(n)
        est, truth = ik.estimate_mutual_information(x, y, method="ksg"), -0.5 * math.log(1 - 0.36)
    else:  # C | L ~ U(L/2, L/2 + 1), L uniform on {0, 1}: I = log(2) / 2
        lab = rng.integers(0, 2, n)
        est, truth = ik.estimate_mutual_information(lab / 2 + rng.uniform(size=n), lab, method="ross"), \
            0.5 * math.log(2)
    lo, hi = est.ci
    assert lo <= est.value <= hi
    assert lo <= truth <= hi
    assert isinstance(est.diagnostics["bias_nats"], float)


def test_boundary_bias_is_seen_and_widens_the_lower_end():
    # Exp(1)^3: the boundary makes the k-NN entropy too high (E[value] > 3); the bias estimate says so and moves
    # the lower end down, towards the truth (the interval still covers less than 95% there: module notes)
    x = np.random.default_rng(96).exponential(size=(2000, 3))
    est = ik.estimate_entropy(x, method="knn")
    b = est.diagnostics["bias_nats"]
    assert b > 0
    assert est.ci[0] == pytest.approx(est.value - T10 * est.stderr - b, rel=1e-12)
    assert est.ci[1] == pytest.approx(est.value + T10 * est.stderr, rel=1e-12)
    assert abs(est.ci[0] - 3 * stats.expon.entropy()) < abs(est.value - T10 * est.stderr - 3.0)


def test_bias_follows_the_invariances_of_the_estimators():
    rng = np.random.default_rng(92)
    x = rng.standard_normal((600, 2))
    y = 0.3 + rng.standard_normal((500, 2))
    # the entropy of a x + c is H + d log a in every half too: the bias is unchanged
    h, h2 = knn_entropy(x), knn_entropy(4.0 * x + np.array([3.0, -1.0]))
    assert h2.bias == pytest.approx(h.bias, abs=1e-9)
    assert knn_kl(4.0 * x, 4.0 * y).bias == pytest.approx(knn_kl(x, y).bias, abs=1e-9)
    xm, ym = x[:500], y + x[:500]
    assert ksg_mi(2.0 * xm, 3.0 * ym).bias == pytest.approx(ksg_mi(xm, ym).bias, abs=1e-9)
    lab = (x[:, 0] > 0).astype(int)
    p = rng.permutation(600)
    r = ross_mi(x[:, 1], lab)
    assert ross_mi(x[p, 1], lab[p]).bias == r.bias  # the order of the rows: exactly
    assert ross_mi(5.0 * x[:, 1] - 2.0, lab).bias == pytest.approx(r.bias, abs=1e-9)


def test_one_dimensional_halves_depend_on_the_data_not_only_on_the_ranks():
    # with the ranks alone, a 1-D sample's i-th smallest point would fall in the same half for every sample
    a = np.sort(np.random.default_rng(93).standard_normal(1000))[:, None]
    b = np.sort(np.random.default_rng(94).standard_normal(1000))[:, None]
    ga, gb = C._groups(a, 2, salt=0), C._groups(b, 2, salt=0)
    assert 0.4 < np.mean(ga == gb) < 0.6
    assert np.array_equal(C._groups(3.0 * a + 1.0, 2, salt=0), ga)  # still unchanged by x -> 3 x + 1


def test_no_bias_without_halves():
    res = knn_entropy(np.random.default_rng(95).standard_normal(7))  # halves too small for k = 3
    assert res.bias is None and res.info["bias_nats"] is None
    est = ik.estimate_entropy(np.random.default_rng(95).standard_normal(7), method="knn")
    z = stats.norm.ppf(0.975)
    assert est.ci == pytest.approx((est.value - z * est.stderr, est.value + z * est.stderr), rel=1e-12)
