"""Tests of infokit.continuous: k-NN / spacing estimators on continuous samples.

Accuracy tests compare seeded estimates with closed forms for Gaussians,
uniforms and exponentials and accept ``|estimate - truth| < 4 * stderr + bias``,
where ``stderr`` is the estimator's own standard error (half-sampling for the
k-NN estimators, delta for the spacing ones) and ``bias`` an
allowance for the estimator's known finite-sample bias at n = 2000, k = 3,
set from repeated simulation (benchmarks/bench_continuous.py reports the
measured biases; each allowance is roughly |mean bias| + 1 standard deviation
of the estimate).  The other tests are exact: brute-force references,
invariances, determinism and errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from scipy.spatial.distance import cdist

from infokit._estimators.result import KernelResult
from infokit._estimators.continuous import (
    SPACING_METHODS,
    _vasicek_terms,
    knn_entropy,
    knn_kl,
    ksg_mi,
    ross_mi,
    spacing_entropy,
)
from infokit.errors import InvalidArgumentError, InvalidTypeError

N = 2000
Z = 4.0  # standard errors allowed, on top of the stated bias allowance


# --------------------------------------------------------------------------
# closed forms
# --------------------------------------------------------------------------
def gauss_entropy(cov):
    cov = np.atleast_2d(cov)
    d = cov.shape[0]
    return 0.5 * (d * math.log(2 * math.pi * math.e) + np.linalg.slogdet(cov)[1])


def gauss_kl(mu0, cov0, mu1, cov1):
    """D(N(mu0, cov0) || N(mu1, cov1))."""
    d = cov0.shape[0]
    inv1 = np.linalg.inv(cov1)
    dm = mu1 - mu0
    return 0.5 * (
        np.trace(inv1 @ cov0) + dm @ inv1 @ dm - d + np.linalg.slogdet(cov1)[1] - np.linalg.slogdet(cov0)[1]
    )


def gauss_mi(cov, dx):
    """I(X; Y) for (X, Y) ~ N(0, cov), X the first dx coordinates."""
    ld = lambda m: np.linalg.slogdet(m)[1]  # noqa: E731
    return 0.5 * (ld(cov[:dx, :dx]) + ld(cov[dx:, dx:]) - ld(cov))


def equicorrelated(d, rho=0.3):
    return (1 - rho) * np.eye(d) + rho * np.ones((d, d))


def check(res, truth, bias):
    assert isinstance(res, KernelResult)
    assert res.stderr_method == ("delta" if "window_length" in res.info else "half-sampling")
    assert math.isfinite(res.value) and res.stderr > 0
    err = abs(res.value - truth)
    assert err < Z * res.stderr + bias, (res.value, truth, res.stderr, bias)


# --------------------------------------------------------------------------
# accuracy against closed forms
# --------------------------------------------------------------------------
ENTROPY_BIAS = {1: 0.02, 2: 0.04, 5: 0.12}  # k-NN entropy of a Gaussian, n = 2000, k = 3


@pytest.mark.parametrize("d", [1, 2, 5])
def test_knn_entropy_gaussian(d):
    rng = np.random.default_rng(100 + d)
    cov = 2.0 * equicorrelated(d)
    x = rng.multivariate_normal(np.arange(d, dtype=float), cov, size=N)
    check(knn_entropy(x), gauss_entropy(cov), ENTROPY_BIAS[d])


@pytest.mark.parametrize("d, bias", [(1, 0.01), (2, 0.04)])
def test_knn_entropy_uniform_is_zero(d, bias):
    # the boundary of the cube biases k-NN upwards (+0.02 at d = 2; +0.4 at d = 5, not tested)
    x = np.random.default_rng(200 + d).random((N, d))
    check(knn_entropy(x), 0.0, bias)


KL_BIAS = {1: 0.03, 2: 0.05, 5: 0.25}


@pytest.mark.parametrize("d", [1, 2, 5])
def test_knn_kl_gaussian(d):
    # P = N(0, Sigma), Q = N(0.5, 1.5^2 Sigma): D = d (log 1.5 + 1/(2 * 1.5^2) - 1/2) + shift term
    rng = np.random.default_rng(300 + d)
    cov0 = equicorrelated(d)
    mu1, cov1 = np.full(d, 0.5), 2.25 * cov0
    x = rng.multivariate_normal(np.zeros(d), cov0, size=N)
    y = rng.multivariate_normal(mu1, cov1, size=N)
    check(knn_kl(x, y), gauss_kl(np.zeros(d), cov0, mu1, cov1), KL_BIAS[d])


def test_knn_kl_unequal_sizes():
    rng = np.random.default_rng(7)
    x = rng.standard_normal((1500, 2))
    y = 1.0 + rng.standard_normal((3000, 2))
    check(knn_kl(x, y), 1.0, KL_BIAS[2])


def test_knn_kl_same_distribution_near_zero():
    rng = np.random.default_rng(8)
    check(knn_kl(rng.standard_normal((N, 2)), rng.standard_normal((N, 2))), 0.0, 0.02)


MI_BIAS = {1: 0.02, 2: 0.03, 5: 0.32}  # KSG underestimates strong MI in high joint dimension


@pytest.mark.parametrize("d", [1, 2, 5])
def test_ksg_mi_gaussian(d):
    # d pairs (x_j, y_j) with correlation 0.6: I = -d/2 log(1 - 0.36); plus the multivariate formula
    rng = np.random.default_rng(400 + d)
    r = 0.6
    cov = np.block([[np.eye(d), r * np.eye(d)], [r * np.eye(d), np.eye(d)]])
    assert gauss_mi(cov, d) == pytest.approx(-0.5 * d * math.log(1 - r * r))
    z = rng.multivariate_normal(np.zeros(2 * d), cov, size=N)
    check(ksg_mi(z[:, :d], z[:, d:]), gauss_mi(cov, d), MI_BIAS[d])


def test_ksg_mi_general_covariance_unequal_dimensions():
    rng = np.random.default_rng(9)
    a = rng.standard_normal((3, 3))
    cov = a @ a.T / 3 + 0.5 * np.eye(3)
    z = rng.multivariate_normal(np.zeros(3), cov, size=N)
    check(ksg_mi(z[:, :1], z[:, 1:]), gauss_mi(cov, 1), MI_BIAS[2])


@pytest.mark.parametrize("d", [1, 3])
def test_ksg_mi_independent_near_zero(d):
    rng = np.random.default_rng(500 + d)
    check(ksg_mi(rng.standard_normal((N, d)), rng.random((N, d))), 0.0, 0.01)


SPACING_BIAS = {"vasicek": 0.02, "ebrahimi": 0.02, "correa": 0.02, "van es": 0.1}  # van Es: -0.07 on N(0,1)


@pytest.mark.parametrize("method", SPACING_METHODS)
def test_spacing_entropy_exponential(method):
    lam = 2.0
    x = np.random.default_rng(600).exponential(1 / lam, size=N)
    check(spacing_entropy(x, method=method), 1 - math.log(lam), SPACING_BIAS[method])


@pytest.mark.parametrize("method", SPACING_METHODS)
def test_spacing_entropy_normal(method):
    x = np.random.default_rng(601).normal(3.0, 2.0, size=N)
    check(spacing_entropy(x, method=method), gauss_entropy(4.0), SPACING_BIAS[method])


# --------------------------------------------------------------------------
# exact agreement with references
# --------------------------------------------------------------------------
def brute_knn_entropy(x, k):
    n, d = x.shape
    dist = np.sort(cdist(x, x), axis=1)[:, k]  # column 0 is the point itself
    logv = 0.5 * d * math.log(math.pi) - math.lgamma(d / 2 + 1)
    from scipy.special import digamma

    return digamma(n) - digamma(k) + logv + d * np.mean(np.log(dist))


def brute_knn_kl(x, y, k):
    n, d = x.shape
    rho = np.sort(cdist(x, x), axis=1)[:, k]
    nu = np.sort(cdist(x, y), axis=1)[:, k - 1]
    return d * np.mean(np.log(nu / rho)) + math.log(y.shape[0] / (n - 1))


def brute_ksg(x, y, k):
    from scipy.special import digamma

    n = x.shape[0]
    x, y = x / x.std(axis=0), y / y.std(axis=0)  # KSG standardises each coordinate
    dx = cdist(x, x, "chebyshev")
    dy = cdist(y, y, "chebyshev")
    dz = np.maximum(dx, dy)
    eps = np.sort(dz, axis=1)[:, k]
    nx = (dx < eps[:, None]).sum(axis=1) - 1
    ny = (dy < eps[:, None]).sum(axis=1) - 1
    return digamma(k) + digamma(n) - np.mean(digamma(nx + 1) + digamma(ny + 1))


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("k", [1, 3, 5])
def test_agree_with_brute_force(seed, k):
    rng = np.random.default_rng(seed)
    d = 1 + seed % 3
    x = rng.standard_normal((60, d))
    y = rng.standard_normal((45, d)) * 1.3
    assert knn_entropy(x, n_neighbors=k).value == pytest.approx(brute_knn_entropy(x, k), rel=1e-12, abs=1e-12)
    assert knn_kl(x, y, n_neighbors=k).value == pytest.approx(brute_knn_kl(x, y, k), rel=1e-12, abs=1e-12)
    xm, ym = x[:45], y + 0.5 * x[:45]
    assert ksg_mi(xm, ym, n_neighbors=k).value == pytest.approx(brute_ksg(xm, ym, k), rel=1e-12, abs=1e-12)


def test_ksg_counts_strictly_inside():
    # on a grid-free sample where many marginal distances equal eps exactly, the strict "<" matters:
    # y = x exactly gives the joint max-norm distance = marginal distance, so n_x(i) = n_y(i) = k - 1
    x = np.random.default_rng(3).standard_normal(200)
    from scipy.special import digamma

    k = 3
    res = ksg_mi(x, x, n_neighbors=k)
    assert res.value == pytest.approx(digamma(k) + digamma(200) - 2 * digamma(k), rel=1e-13)
    assert res.value == pytest.approx(brute_ksg(x[:, None], x[:, None], k), rel=1e-13)


@pytest.mark.parametrize("method", SPACING_METHODS)
def test_spacing_value_is_scipy(method):
    x = np.random.default_rng(11).gamma(2.0, size=300)
    assert spacing_entropy(x, method=method).value == stats.differential_entropy(x, method=method)
    assert spacing_entropy(x, method=method, window_length=7).value == stats.differential_entropy(
        x, method=method, window_length=7
    )


def test_vasicek_terms_average_to_vasicek():
    x = np.sort(np.random.default_rng(12).standard_normal(500))
    m = 22
    assert np.mean(_vasicek_terms(x, m)) == pytest.approx(
        stats.differential_entropy(x, window_length=m, method="vasicek"), rel=1e-13
    )


def test_van_es_alias():
    x = np.random.default_rng(13).standard_normal(100)
    assert spacing_entropy(x, method="van_es") == spacing_entropy(x, method="van es")


def test_stderr_delta_of_terms_and_half_sampling():
    x = np.random.default_rng(14).standard_normal((300, 2))
    res = knn_entropy(x)
    # terms are const + d log eps: their std is that of d log eps
    from scipy.spatial import cKDTree

    eps = cKDTree(x).query(x, 4)[0][:, 3]
    assert res.info["stderr_delta"] == pytest.approx(np.std(2 * np.log(eps), ddof=1) / math.sqrt(300), rel=1e-10)
    assert res.info == {"n": 300, "d": 2, "n_neighbors": 3, "tie_width": None, "stderr_delta": res.info["stderr_delta"],
                        "bias_nats": res.bias}
    assert res.stderr_method == "half-sampling" and res.df == 10


def test_half_sampling_identity():
    # the rule applied by hand: halves from the module's own split, estimates by brute force
    from infokit._estimators import continuous as C

    x = np.random.default_rng(15).standard_normal((120, 2))
    sq, halves = [], []
    for s in range(C.HALF_SAMPLE_SPLITS):
        h = C._groups(x, 2, salt=s)
        assert abs(int(np.count_nonzero(h == 0)) - 60) <= 1
        ta, tb = brute_knn_entropy(x[h == 0], 3), brute_knn_entropy(x[h == 1], 3)
        sq.append((ta - tb) ** 2)
        halves += [ta, tb]
    res = knn_entropy(x)
    assert res.stderr == pytest.approx(math.sqrt(np.mean(sq) / 4), rel=1e-10)
    # the bias estimate: the factor times (mean of the half-sample estimates - the estimate)
    full = brute_knn_entropy(x, 3)
    assert res.bias == pytest.approx(C.BIAS_FACTOR * (np.mean(halves) - full), rel=1e-9, abs=1e-12)
    assert res.info["bias_nats"] == res.bias


def test_halves_differ_between_splits():
    from infokit._estimators import continuous as C

    x = np.random.default_rng(17).standard_normal((1000, 1))
    hs = [C._groups(x, 2, salt=s) for s in range(3)]
    agree = np.mean(hs[0] == hs[1])
    assert 0.4 < agree < 0.6  # independent-looking splits
    # and unrelated to the order of the values
    assert abs(np.corrcoef(hs[0], x[:, 0])[0, 1]) < 0.1


def test_too_few_points_for_halves_fall_back_to_delta():
    x = np.random.default_rng(16).standard_normal(7)  # halves of 3-4 points; each needs k + 1 = 4
    res = knn_entropy(x)
    assert res.stderr_method.startswith("delta") and res.df is None
    assert res.stderr == res.info["stderr_delta"]


# --------------------------------------------------------------------------
# invariances
# --------------------------------------------------------------------------
def test_translation_invariance():
    rng = np.random.default_rng(20)
    x = rng.standard_normal((500, 3))
    y = 0.5 + rng.standard_normal((400, 3))
    c = np.array([10.0, -3.0, 0.25])
    assert knn_entropy(x + c).value == pytest.approx(knn_entropy(x).value, abs=1e-9)
    assert knn_kl(x + c, y + c).value == pytest.approx(knn_kl(x, y).value, abs=1e-9)
    xm, ym = x[:400], y + x[:400]
    assert ksg_mi(xm + c, ym - 2 * c).value == pytest.approx(ksg_mi(xm, ym).value, abs=1e-9)
    for m in SPACING_METHODS:
        assert spacing_entropy(x[:, 0] + 7, method=m).value == pytest.approx(
            spacing_entropy(x[:, 0], method=m).value, abs=1e-9
        )


@pytest.mark.parametrize("a", [2.0, -3.0, 0.1])
def test_scaling_law(a):
    rng = np.random.default_rng(21)
    for d in (1, 2, 5):
        x = rng.standard_normal((400, d))
        h, ha = knn_entropy(x), knn_entropy(a * x)
        assert ha.value == pytest.approx(h.value + d * math.log(abs(a)), abs=1e-10)
        if a > 0:  # the halves follow the ranks of each coordinate: unchanged by a positive rescaling
            assert ha.stderr == pytest.approx(h.stderr, rel=1e-8)
    x1 = rng.exponential(size=400)
    for m in SPACING_METHODS:
        assert spacing_entropy(a * x1, method=m).value == pytest.approx(
            spacing_entropy(x1, method=m).value + math.log(abs(a)), abs=1e-10
        )


def test_common_scaling_leaves_kl_and_mi_unchanged():
    rng = np.random.default_rng(22)
    x = rng.standard_normal((500, 2))
    y = 1.0 + rng.standard_normal((500, 2))
    assert knn_kl(3.0 * x, 3.0 * y).value == pytest.approx(knn_kl(x, y).value, abs=1e-10)
    # a power of two scales every distance exactly, so the KSG counts are identical: bit-equal
    assert ksg_mi(4.0 * x, 4.0 * (x + y)).value == ksg_mi(x, x + y).value


def test_permutation_invariance_is_exact():
    rng = np.random.default_rng(23)
    x = rng.standard_normal((700, 2))
    y = rng.standard_normal((600, 2)) + 0.3
    p, q = rng.permutation(700), rng.permutation(600)
    assert knn_entropy(x[p]) == knn_entropy(x)  # value, standard error and info
    assert knn_kl(x[p], y[q]) == knn_kl(x, y)
    xm, ym = x[:600], y + x[:600]
    assert ksg_mi(xm[q], ym[q]) == ksg_mi(xm, ym)
    lab = (x[:600, 0] > 0).astype(int)
    assert ross_mi(ym[q], lab[q]) == ross_mi(ym, lab)
    for m in SPACING_METHODS:
        assert spacing_entropy(x[p, 0], method=m).value == spacing_entropy(x[:, 0], method=m).value


def test_determinism_and_workers():
    rng = np.random.default_rng(24)
    x = rng.standard_normal((800, 3))
    y = rng.standard_normal((800, 3))
    for fn in (lambda w: knn_entropy(x, workers=w), lambda w: knn_kl(x, y, workers=w),
               lambda w: ksg_mi(x, y, workers=w)):
        a, b, c = fn(-1), fn(-1), fn(1)
        assert (a.value, a.stderr) == (b.value, b.stderr) == (c.value, c.stderr)


def test_input_forms():
    rng = np.random.default_rng(25)
    x = rng.standard_normal(300)
    y = rng.standard_normal(300) + x
    assert knn_entropy(x).value == knn_entropy(x[:, None]).value == knn_entropy(x.tolist()).value
    assert knn_entropy(x.astype(np.float32)).value == knn_entropy(x.astype(np.float32).astype(np.float64)).value
    assert ksg_mi(x, y).value == ksg_mi(x[:, None], y[:, None]).value
    assert knn_kl(x, y).value == knn_kl(x[:, None], y[:, None]).value


def test_torch_tensors():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(26)
    x = rng.standard_normal((300, 2))
    y = rng.standard_normal((300, 2))
    tx = torch.tensor(x, requires_grad=True)
    ty = torch.tensor(y)
    assert knn_entropy(tx).value == knn_entropy(x).value
    assert knn_kl(tx, ty).value == knn_kl(x, y).value
    assert ksg_mi(tx, ty).value == ksg_mi(x, y).value
    assert spacing_entropy(tx[:, 0], method="vasicek").value == spacing_entropy(x[:, 0], method="vasicek").value


# --------------------------------------------------------------------------
# ties and jitter
# --------------------------------------------------------------------------
def test_duplicates_without_rng_are_broken_reproducibly_from_the_data():
    x = np.random.default_rng(30).standard_normal((100, 2))
    x[10:13] = x[0]  # three repeats
    y = np.random.default_rng(31).standard_normal((100, 2))
    for call in (lambda a: knn_entropy(a), lambda a: knn_kl(a, y), lambda a: ksg_mi(a, y),
                 lambda a: spacing_entropy(np.round(a[:, 0], 1), method="vasicek")):
        first, again = call(x), call(x.copy())
        assert first.value == again.value and math.isfinite(first.value)  # a function of the data alone
        assert first.info["tie_width"] is not None
    # and an explicit rng draws other noise
    assert knn_entropy(x, rng=0).value != knn_entropy(x).value


def test_jitter_false_rejects_repeats_with_count():
    x = np.random.default_rng(30).standard_normal((100, 2))
    x[10:13] = x[0]
    with pytest.raises(InvalidArgumentError, match=r"3 repeated point\(s\) in 'x'.*jitter=False"):
        knn_entropy(x, jitter=False)
    x1 = np.random.default_rng(33).standard_normal(50)
    x1[0], x1[1] = 0.0, -0.0  # -0.0 == 0.0: a repeat
    with pytest.raises(InvalidArgumentError, match="1 repeated"):
        knn_entropy(x1, jitter=False)


def test_kl_shared_points_and_y_repeats_raise():
    rng = np.random.default_rng(34)
    x = rng.standard_normal((100, 2))
    y = rng.standard_normal((100, 2))
    y[5] = x[7]
    with pytest.raises(InvalidArgumentError, match=r"1 point\(s\) of 'x' also in 'y'"):
        knn_kl(x, y, jitter=False)
    shared = knn_kl(x, y)  # a value shared by the two samples is a tie of the pooled column: dequantised
    assert shared.info["tie_width"] is not None and math.isfinite(shared.value)
    y = rng.standard_normal((100, 2))
    y[1] = y[0]
    with pytest.raises(InvalidArgumentError, match=r"1 repeated point\(s\) in 'y'"):
        knn_kl(x, y, jitter=False)


def test_tie_rule_is_uniform_noise_at_the_resolution():
    # the rule by hand: a column with repeats gets Uniform(-w/2, w/2), w its smallest gap; others are left alone
    raw = np.random.default_rng(36).standard_normal((500, 2))
    x = np.column_stack([np.round(raw[:, 0], 1), raw[:, 1]])  # column 0 on a grid of 0.1, column 1 tie-free
    res = knn_entropy(x, rng=np.random.default_rng(1))
    w = np.min(np.diff(np.unique(x[:, 0])))
    assert w == pytest.approx(0.1, abs=1e-12)
    assert res.info["tie_width"] == [pytest.approx(w, rel=0), 0.0]
    manual = x.copy()
    manual[:, 0] += np.random.default_rng(1).uniform(-w / 2, w / 2, size=500)
    assert res.value == brute_knn_entropy(manual, 3) or res.value == pytest.approx(brute_knn_entropy(manual, 3),
                                                                                   rel=1e-12)
    assert res == knn_entropy(x, rng=1)  # an int seed is the same Generator: deterministic
    assert knn_entropy(x, rng=2).value != res.value
    half = knn_entropy(x, jitter=0.5, rng=1)
    assert half.info["tie_width"][0] == pytest.approx(w / 2)


def test_no_ties_no_noise():
    x = np.random.default_rng(38).standard_normal((1000, 2))
    a, b = knn_entropy(x), knn_entropy(x, rng=0)
    assert a == b and a.info["tie_width"] is None


def test_dequantised_grid_keeps_mutual_information():
    # X on the integers, Y = X + noise: X + U (U uniform of width 1) determines X, so I(X + U; Y) = I(X; Y); KSG on
    # the dequantised X estimates the same MI as Ross on the labels (both against the closed form by quadrature)
    from scipy import integrate, stats as st

    rng = np.random.default_rng(39)
    n = 4000
    lab = rng.integers(0, 3, n)
    y = lab + 0.7 * rng.standard_normal(n)

    def f(t):
        return np.mean([st.norm.pdf(t, c, 0.7) for c in range(3)], axis=0)

    truth = integrate.quad(lambda t: -f(t) * math.log(f(t)), -8, 10, limit=200)[0] - st.norm.entropy(scale=0.7)
    k = ksg_mi(lab.astype(float), y, rng=0)
    r = ross_mi(lab, y)
    assert k.info["tie_width"] == [1.0, 0.0]
    assert abs(k.value - truth) < 4 * k.stderr + 0.02
    assert abs(r.value - truth) < 4 * r.stderr + 0.02


def test_repeats_left_after_breaking_ties_raise():
    x = np.full(100, 2.0**53)
    x[:50] += 2.0 * np.arange(50)  # gaps of 2 = one float step at 2**53: noise of width 2 rounds back
    with pytest.raises(InvalidArgumentError, match="constant|remain after breaking ties"):
        knn_entropy(x, rng=0)


def test_constant_column_raises():
    rng = np.random.default_rng(39)
    x = np.column_stack([rng.standard_normal(200), np.zeros(200)])
    with pytest.raises(InvalidArgumentError, match="coordinate 1 of 'x' is constant"):
        knn_entropy(x, rng=0)


def test_ksg_marginal_ties_are_dequantised():
    rng = np.random.default_rng(35)
    x = rng.integers(0, 5, size=200).astype(float)  # integer-valued floats: ties in the marginal
    y = rng.standard_normal(200)
    res = ksg_mi(x, y)
    assert res.info["tie_width"][0] == pytest.approx(1.0) and math.isfinite(res.value)
    assert math.isfinite(ksg_mi(x, y, rng=0).value)


def test_bad_jitter():
    x = np.random.default_rng(40).standard_normal(50)
    for bad in (-1.0, 0.0, 1.5, "big", math.nan):
        with pytest.raises(InvalidArgumentError, match="'jitter'"):
            knn_entropy(x, jitter=bad)


# --------------------------------------------------------------------------
# argument errors
# --------------------------------------------------------------------------
def test_nan_and_inf_raise():
    x = np.random.default_rng(40).standard_normal((50, 2))
    x[3, 1] = np.nan
    x[7, 0] = np.inf
    for call in (lambda: knn_entropy(x), lambda: knn_kl(x, x + 1), lambda: ksg_mi(x, x + 1),
                 lambda: spacing_entropy(x[:, 0], method="vasicek")):
        with pytest.raises(InvalidArgumentError, match="NaN or infinite"):
            call()
    with pytest.raises(InvalidArgumentError, match=r"'y' has 2 point"):
        knn_kl(np.arange(10.0), np.array([0.5, np.nan, np.inf]))


def test_too_few_points():
    with pytest.raises(InvalidArgumentError, match=r"'x' has 3 point\(s\).*at least 4"):
        knn_entropy([0.1, 0.5, 0.9])
    assert math.isfinite(knn_entropy([0.1, 0.5, 0.9], n_neighbors=2).value)
    with pytest.raises(InvalidArgumentError, match="'y' has 2 point"):
        knn_kl(np.arange(10.0), [0.5, 1.5])
    with pytest.raises(InvalidArgumentError, match="at least 5"):
        spacing_entropy([0.1, 0.2, 0.4, 0.8], method="vasicek")
    with pytest.raises(InvalidArgumentError, match="window_length"):
        spacing_entropy(np.arange(10.0), method="vasicek", window_length=5)


def test_dimension_and_length_mismatch():
    rng = np.random.default_rng(41)
    with pytest.raises(InvalidArgumentError, match="same dimension.*x has 2, y has 3"):
        knn_kl(rng.standard_normal((50, 2)), rng.standard_normal((50, 3)))
    with pytest.raises(InvalidArgumentError, match="same number of samples"):
        ksg_mi(rng.standard_normal(50), rng.standard_normal(40))
    with pytest.raises(InvalidArgumentError, match="1-D sample"):
        spacing_entropy(rng.standard_normal((50, 2)), method="vasicek")
    with pytest.raises(InvalidArgumentError, match="3-D"):
        knn_entropy(rng.standard_normal((5, 5, 2)))
    with pytest.raises(InvalidArgumentError, match="zero dimensions"):
        knn_entropy(np.zeros((10, 0)))


def test_bad_options():
    x = np.random.default_rng(42).standard_normal(50)
    with pytest.raises(InvalidArgumentError, match="'n_neighbors'"):
        knn_entropy(x, n_neighbors=0)
    with pytest.raises(InvalidTypeError, match="'n_neighbors'"):
        knn_entropy(x, n_neighbors=2.5)
    with pytest.raises(InvalidTypeError, match="'n_neighbors'"):
        knn_entropy(x, n_neighbors=True)
    with pytest.raises(InvalidArgumentError, match="'workers'"):
        knn_entropy(x, workers=0)
    with pytest.raises(InvalidArgumentError, match="'jitter'"):
        knn_entropy(x, jitter=-1.0, rng=0)
    with pytest.raises(InvalidTypeError, match="'rng'"):
        knn_entropy(x, rng="seed")
    with pytest.raises(InvalidArgumentError, match="'method' must be one of"):
        spacing_entropy(x, method="kde")
    with pytest.raises(InvalidArgumentError, match="'method' must be one of"):
        spacing_entropy(x, method=None)
    with pytest.raises(InvalidTypeError, match="real numbers"):
        knn_entropy(["a", "b", "c", "d", "e"])
    with pytest.raises(InvalidTypeError, match="real numbers"):
        knn_entropy(np.arange(10) * 1j)
    with pytest.raises(InvalidTypeError, match="None"):
        knn_entropy(None)
    assert issubclass(InvalidArgumentError, ValueError) and issubclass(InvalidTypeError, TypeError)


def test_underflowing_distances_raise():
    x = np.random.default_rng(43).standard_normal((20, 2)) * 1e-300  # distinct, but squared distances underflow
    with pytest.raises(InvalidArgumentError, match="closer than float64 can measure"):
        knn_entropy(x)
    with pytest.raises(InvalidArgumentError, match="closer than float64 can measure"):
        knn_kl(x, x[:10] + 1e-299)


# --------------------------------------------------------------------------
# Ross (2014): a discrete and a continuous variable, against scikit-learn
# --------------------------------------------------------------------------
def _sk_classif(c, labels, seed=0):
    fs = pytest.importorskip("sklearn.feature_selection")
    return float(fs.mutual_info_classif(np.asarray(c, float).reshape(-1, 1), labels, discrete_features=False,
                                        n_neighbors=3, random_state=seed)[0])


@pytest.mark.parametrize("seed", range(3))
def test_ross_equals_mutual_info_classif(seed):
    # tie-free data: scikit-learn's 1e-10 noise does not move any neighbour, so the values agree to rounding
    rng = np.random.default_rng(60 + seed)
    n = 300 + 200 * seed
    lab = rng.integers(0, 3 + seed, n)
    c = rng.standard_normal(n) * (1 + lab) + 0.5 * lab
    lab[:2] = [97, 98]  # two labels seen once: left out by both
    expect = _sk_classif(c, lab)
    res = ross_mi(c, lab)
    assert res.value == pytest.approx(expect, abs=1e-9) or (expect == 0.0 and res.value <= 0)
    assert res.info["n_dropped"] == 2 and res.info["n"] == n - 2
    assert ross_mi(lab, c) == res.__class__(**{**res.__dict__, "info": {**res.info, "discrete": "x"}})


def test_ross_equals_mutual_info_regression_with_a_discrete_feature():
    fs = pytest.importorskip("sklearn.feature_selection")
    rng = np.random.default_rng(64)
    lab = rng.integers(0, 4, 800)
    y = np.sin(lab) + 0.5 * rng.standard_normal(800)
    expect = fs.mutual_info_regression(lab.reshape(-1, 1), y, discrete_features=[True], n_neighbors=3,
                                       random_state=0)[0]
    assert ross_mi(lab, y).value == pytest.approx(expect, abs=1e-9)
    assert ross_mi(lab.astype(float), y, discrete="x").value == pytest.approx(expect, abs=1e-9)


def test_ross_k_per_label_and_other_k():
    # scikit-learn's brute-force neighbour distances round differently from a k-d tree's, so a neighbour at exactly
    # the radius can be counted by one and not the other: agreement up to one count, |delta| <= 1 / (n k)
    fs = pytest.importorskip("sklearn.feature_selection")
    rng = np.random.default_rng(65)
    lab = np.r_[np.zeros(200, int), np.ones(3, int)]  # label 1 seen 3 times: k = 2 for its points
    c = rng.standard_normal(203) + 2 * lab
    for k in (1, 3, 5):
        sk = fs.mutual_info_classif(c[:, None], lab, discrete_features=False, n_neighbors=k, random_state=0)[0]
        ours = ross_mi(c, lab, n_neighbors=k).value
        assert abs(max(ours, 0.0) - sk) <= 1.0 / (203 * min(k, 2)) + 1e-12


@pytest.mark.parametrize("loader", ["load_iris", "load_wine", "load_breast_cancer"])
def test_ross_on_real_tables(loader):
    # measured features with ties (iris: one decimal): the tie rule dequantises them; scikit-learn, given the same
    # dequantised values, must give the same number, and on the raw values (its own 1e-10 tie-breaking) a number
    # within the sampling error
    datasets = pytest.importorskip("sklearn.datasets")
    data = getattr(datasets, loader)()
    X, target = data.data, data.target
    for j in range(min(X.shape[1], 6)):
        col = X[:, j]
        res = ross_mi(col, target, rng=j)
        deq = col.copy()
        if res.info["tie_width"] is not None:
            w = res.info["tie_width"][0]
            assert w == pytest.approx(np.min(np.diff(np.unique(col))))
            deq = col + np.random.default_rng(j).uniform(-w / 2, w / 2, size=col.size)
        assert res.value == pytest.approx(_sk_classif(deq, target), abs=1e-9)
        assert abs(res.value - _sk_classif(col, target)) < 3 * res.stderr + 0.01


def test_ross_closed_form_gaussian_mixture():
    # L uniform on {0, 1}, C | L ~ N(2L - 1, 1): I = h(mixture) - h(N(0, 1)), the mixture entropy by mpmath
    mpmath = pytest.importorskip("mpmath")
    f = lambda t: (mpmath.npdf(t, -1, 1) + mpmath.npdf(t, 1, 1)) / 2  # noqa: E731
    with mpmath.workdps(30):  # local precision: the global setting belongs to other tests
        truth = float(mpmath.quad(lambda t: -f(t) * mpmath.log(f(t)), [-mpmath.inf, 0, mpmath.inf])
                      - mpmath.log(2 * mpmath.pi * mpmath.e) / 2)
    assert truth == pytest.approx(0.3368, abs=1e-4)
    rng = np.random.default_rng(66)
    lab = rng.integers(0, 2, 5000)
    c = rng.standard_normal(5000) + 2.0 * lab - 1.0
    res = ross_mi(c, lab)
    assert abs(res.value - truth) < Z * res.stderr + 0.02
    # independent labels: MI 0, the raw estimate near 0
    res0 = ross_mi(c, rng.integers(0, 2, 5000))
    assert abs(res0.value) < Z * res0.stderr + 0.01


def test_ross_multivariate_continuous_side():
    # only the first coordinate carries the label; a second, independent one must not change I much
    rng = np.random.default_rng(67)
    lab = rng.integers(0, 2, 3000)
    c1 = rng.standard_normal(3000) + 2.0 * lab
    c = np.column_stack([c1, 100.0 * rng.standard_normal(3000)])  # a large scale: standardised away
    one, two = ross_mi(c1, lab), ross_mi(c, lab)
    assert two.info["d"] == 2
    assert abs(two.value - one.value) < Z * math.hypot(one.stderr, two.stderr) + 0.03


def test_which_side_is_discrete():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(68)
    c = rng.standard_normal(400)
    lab = rng.integers(0, 3, 400)
    base = ross_mi(c, lab).value
    names = np.array(["a", "b", "c"])[lab]
    assert ross_mi(c, names).value == base
    assert ross_mi(names.tolist(), c).value == base
    assert ross_mi(c, pd.Series(names, dtype="category")).value == base
    assert ross_mi(c, names.astype(object)).value == base
    assert ross_mi(c, lab == 1).value == ross_mi(c, (lab == 1).astype(int)).value
    torch = pytest.importorskip("torch")
    assert ross_mi(torch.tensor(c), torch.tensor(lab)).value == base
    with pytest.raises(InvalidArgumentError, match="neither 'x' nor 'y'.*discrete='x'.*'ksg'"):
        ross_mi(c, c + 1.0)
    with pytest.raises(InvalidArgumentError, match="both 'x' and 'y' hold discrete values.*miller_madow"):
        ross_mi(lab, lab)
    with pytest.raises(InvalidArgumentError, match="'discrete' must be"):
        ross_mi(c, lab, discrete="z")
    with pytest.raises(InvalidArgumentError, match="missing label"):
        ross_mi(c, np.where(lab == 0, None, names).astype(object))
    with pytest.raises(InvalidArgumentError, match="same number of samples"):
        ross_mi(c, lab[:-1])
    with pytest.raises(InvalidArgumentError, match="only once"):
        ross_mi(c[:5], np.arange(5))


def test_ksg_rejects_a_discrete_variable_naming_ross():
    rng = np.random.default_rng(69)
    with pytest.raises(InvalidArgumentError, match=r"'y' holds discrete values \(dtype int64\).*method='ross'"):
        ksg_mi(rng.standard_normal(100), rng.integers(0, 3, 100))
    with pytest.raises(InvalidArgumentError, match="'x' holds discrete values.*method='ross'"):
        ksg_mi(np.array(["a", "b"] * 50), rng.standard_normal(100))


def test_ksg_is_invariant_to_the_units_of_each_variable():
    # standardisation: rescaling x alone (MI is unchanged) leaves the estimate unchanged
    rng = np.random.default_rng(70)
    x = rng.standard_normal((600, 2))
    y = x[:, :1] + rng.standard_normal((600, 1))
    a = ksg_mi(x, y).value
    assert ksg_mi(x * np.array([1000.0, 0.001]), y).value == pytest.approx(a, abs=1e-9)
    assert ksg_mi(x, 1e6 * y).value == pytest.approx(a, abs=1e-9)


# --------------------------------------------------------------------------
# through the public estimates: ranges, intervals, options
# --------------------------------------------------------------------------
def test_public_ross_either_order_and_units():
    import infokit as ik

    rng = np.random.default_rng(71)
    lab = np.array(["setosa", "versicolor"])[rng.integers(0, 2, 1500)]
    c = rng.standard_normal(1500) + 1.5 * (lab == "setosa")
    est = ik.estimate_mutual_information(c, lab, method="ross")
    kern = ross_mi(c, lab)
    assert est.value == kern.value and est.method == "ross" and est.unit == "nats"
    assert est.diagnostics["stderr_method"] == "half-sampling" and est.diagnostics["stderr_df"] == 10
    assert "Ross" in est.diagnostics["reference"] and est.diagnostics["discrete"] == "y"
    rev = ik.estimate_mutual_information(lab, c, method="ross")
    assert rev.value == est.value and rev.diagnostics["discrete"] == "x"
    bits = ik.estimate_mutual_information(c, lab, method="ross", base="bits")
    assert bits.value == pytest.approx(est.value / math.log(2), rel=1e-12)
    codes = (lab == "setosa").astype(float)  # labels stored as floats: say which side is discrete
    assert ik.estimate_mutual_information(c, codes, method="ross", discrete="y").value == est.value
    # the t interval with the half-sampling degrees of freedom, widened by the bias on the side it points to
    q = stats.t.ppf(0.975, 10)
    b = est.diagnostics["bias_nats"]
    assert b == kern.bias and math.isfinite(b)
    lo, hi = est.value - q * est.stderr - max(b, 0.0), est.value + q * est.stderr + max(-b, 0.0)
    assert est.ci == pytest.approx((max(lo, 0.0), hi), rel=1e-12)
    assert est.ci[0] <= est.value <= est.ci[1]


def _negative_raw(fn):
    for seed in range(50):
        est = fn(np.random.default_rng([72, seed]))
        if "raw_value" in est.diagnostics:
            return est
    raise AssertionError("no negative raw estimate in 50 seeds")


@pytest.mark.parametrize("which", ["ross", "ksg", "knn_kl"])
def test_public_mi_and_kl_are_clipped_at_zero_with_point_inside(which):
    import infokit as ik

    def fn(rng):
        a, b = rng.standard_normal(300), rng.standard_normal(300)
        if which == "ross":
            return ik.estimate_mutual_information(a, rng.integers(0, 2, 300), method="ross")
        if which == "ksg":
            return ik.estimate_mutual_information(a, b, method="ksg")
        return ik.estimate_kl(a, b, method="knn")

    est = _negative_raw(fn)
    assert est.diagnostics["raw_value"] < 0 and est.value == 0.0
    lo, hi = est.ci
    assert 0.0 == lo <= est.value <= hi
    q = stats.t.ppf(0.975, 10)
    up = q * est.stderr + max(-est.diagnostics["bias_nats"], 0.0)  # the bias widens the upper end when negative
    assert hi == pytest.approx(max(est.diagnostics["raw_value"] + up, 0.0), rel=1e-12)


def test_public_estimates_hold_their_point_and_range():
    import infokit as ik

    rng = np.random.default_rng(73)
    for seed in range(5):
        rng = np.random.default_rng([73, seed])
        x = rng.standard_normal(200)
        for est in (ik.estimate_mutual_information(x, x + rng.standard_normal(200), method="ksg"),
                    ik.estimate_mutual_information(x, rng.integers(0, 3, 200), method="ross"),
                    ik.estimate_kl(x, 0.3 + x[::-1] + 0.1 * rng.standard_normal(200), method="knn")):
            lo, hi = est.ci
            assert 0.0 <= lo <= est.value <= hi
    # differential entropy is unbounded below: a negative value is reported as it is
    h = ik.estimate_entropy(0.01 * rng.random(2000), method="knn")
    assert h.value < 0 and h.ci[0] < h.value < h.ci[1] and "raw_value" not in h.diagnostics


def test_public_ties_and_options():
    import infokit as ik

    rng = np.random.default_rng(74)
    x = np.round(rng.standard_normal(500), 1)
    assert ik.estimate_entropy(x, method="knn").value == ik.estimate_entropy(x.copy(), method="knn").value
    est = ik.estimate_entropy(x, method="knn", rng=0)
    assert est.diagnostics["tie_width"] == [pytest.approx(0.1)]
    assert ik.estimate_entropy(x, method="knn", rng=0).value == est.value
    with pytest.raises(ik.InvalidArgumentError, match="repeated point"):
        ik.estimate_entropy(x, method="knn", jitter=False)
    with pytest.raises(ik.InvalidArgumentError, match="'discrete' applies to method='ross' only"):
        ik.estimate_mutual_information(x, x, method="ksg", discrete="x", rng=0)
    with pytest.raises(ik.InvalidArgumentError, match="'discrete' applies to method='ross' only"):
        ik.estimate_mutual_information([0, 1, 1], [1, 0, 1], method="plugin", discrete="x")
    with pytest.raises(ik.InvalidArgumentError, match="method='ross'"):
        ik.estimate_mutual_information(x, rng.integers(0, 2, 500), method="ksg", rng=0)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(n=st.integers(12, 80), seed=st.integers(0, 2**16), scale=st.floats(1e-3, 1e3), step=st.sampled_from([0.0, 0.5]))
def test_property_point_inside_interval_and_range(n, seed, scale, step):
    import infokit as ik

    rng = np.random.default_rng(seed)
    x = scale * rng.standard_normal(n)
    if step:
        x = np.round(x / (step * scale)) * step * scale  # ties: the rule dequantises them
    y = x + scale * rng.standard_normal(n)
    lab = rng.integers(0, 3, n)
    for est in (ik.estimate_mutual_information(x, y, method="ksg", rng=seed),
                ik.estimate_mutual_information(x, lab, method="ross", rng=seed),
                ik.estimate_kl(x, y, method="knn", rng=seed)):
        lo, hi = est.ci
        assert 0.0 <= lo <= est.value <= hi and math.isfinite(hi)
    h = ik.estimate_entropy(x, method="knn", rng=seed)
    assert h.ci[0] <= h.value <= h.ci[1]
