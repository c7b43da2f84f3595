"""Tests of infokit.continuous: k-NN / spacing estimators on continuous samples.

Accuracy tests compare seeded estimates with closed forms for Gaussians,
uniforms and exponentials and accept ``|estimate - truth| < 4 * stderr + bias``,
where ``stderr`` is the estimator's own (delta) standard error and ``bias`` an
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
from scipy import stats
from scipy.spatial.distance import cdist

from infokit._estimators.result import KernelResult
from infokit._estimators.continuous import (
    SPACING_METHODS,
    _vasicek_terms,
    knn_entropy,
    knn_kl,
    ksg_mi,
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
    assert res.stderr_method == "delta"
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


def test_stderr_is_delta_of_terms():
    x = np.random.default_rng(14).standard_normal((300, 2))
    res = knn_entropy(x)
    # terms are const + d log eps: their std is that of d log eps
    from scipy.spatial import cKDTree

    eps = cKDTree(x).query(x, 4)[0][:, 3]
    assert res.stderr == pytest.approx(np.std(2 * np.log(eps), ddof=1) / math.sqrt(300), rel=1e-10)
    assert res.info == {"n": 300, "d": 2, "n_neighbors": 3, "jitter": None}


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
    assert knn_entropy(x[p]).value == knn_entropy(x).value
    assert knn_kl(x[p], y[q]).value == knn_kl(x, y).value
    xm, ym = x[:600], y + x[:600]
    assert ksg_mi(xm[q], ym[q]).value == ksg_mi(xm, ym).value
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
def test_duplicates_raise_with_count_and_hint():
    x = np.random.default_rng(30).standard_normal((100, 2))
    x[10:13] = x[0]  # three repeats
    with pytest.raises(InvalidArgumentError, match=r"3 repeated point\(s\) in 'x'.*jitter=1e-10.*rng"):
        knn_entropy(x)
    with pytest.raises(InvalidArgumentError, match="3 repeated point"):
        knn_kl(x, np.random.default_rng(31).standard_normal((100, 2)))
    with pytest.raises(InvalidArgumentError, match=r"3 repeated value\(s\) in 'x'"):
        ksg_mi(x, np.random.default_rng(31).standard_normal((100, 2)))
    with pytest.raises(InvalidArgumentError, match="repeated value"):
        spacing_entropy(np.round(np.random.default_rng(32).standard_normal(100), 1), method="vasicek")


def test_negative_zero_is_a_repeat():
    x = np.random.default_rng(33).standard_normal(50)
    x[0], x[1] = 0.0, -0.0
    with pytest.raises(InvalidArgumentError, match="1 repeated"):
        knn_entropy(x)


def test_kl_shared_points_and_y_repeats_raise():
    rng = np.random.default_rng(34)
    x = rng.standard_normal((100, 2))
    y = rng.standard_normal((100, 2))
    y[5] = x[7]
    with pytest.raises(InvalidArgumentError, match=r"1 point\(s\) of 'x' also in 'y'"):
        knn_kl(x, y)
    y = rng.standard_normal((100, 2))
    y[1] = y[0]
    with pytest.raises(InvalidArgumentError, match=r"1 repeated point\(s\) in 'y'"):
        knn_kl(x, y)


def test_ksg_marginal_ties_raise():
    rng = np.random.default_rng(35)
    x = rng.integers(0, 5, size=200).astype(float)  # discrete x: ties in the marginal
    y = rng.standard_normal(200)
    with pytest.raises(InvalidArgumentError, match="repeated value.*'x'"):
        ksg_mi(x, y)


def test_jitter_needs_rng_and_is_reproducible():
    x = np.round(np.random.default_rng(36).standard_normal((500, 2)), 1)
    with pytest.raises(InvalidArgumentError, match="explicit 'rng'"):
        knn_entropy(x, jitter=1e-10)
    a = knn_entropy(x, jitter=1e-10, rng=np.random.default_rng(1))
    b = knn_entropy(x, jitter=1e-10, rng=np.random.default_rng(1))
    c = knn_entropy(x, jitter=1e-10, rng=1)
    assert a.value == b.value == c.value and math.isfinite(a.value)
    assert a.info["jitter"] == 1e-10
    y = np.round(np.random.default_rng(37).standard_normal((500, 2)), 1)
    for fn in (knn_kl, ksg_mi):
        r1 = fn(x, y, jitter=1e-6, rng=np.random.default_rng(2))
        r2 = fn(x, y, jitter=1e-6, rng=np.random.default_rng(2))
        assert r1.value == r2.value and math.isfinite(r1.value)
    s = spacing_entropy(x[:, 0], method="ebrahimi", jitter=1e-10, rng=3)
    assert math.isfinite(s.value)


def test_jitter_on_continuous_data_changes_little():
    x = np.random.default_rng(38).standard_normal((1000, 2))
    a = knn_entropy(x).value
    b = knn_entropy(x, jitter=1e-10, rng=0).value
    assert b == pytest.approx(a, abs=1e-7)


def test_jitter_too_small_raises():
    x = np.full(100, 1e8)
    x[:50] += np.arange(50)  # 50 distinct values, the other 50 repeat 1e8
    with pytest.raises(InvalidArgumentError, match="after jittering.*increase"):
        knn_entropy(x, jitter=1e-30, rng=0)


def test_constant_column_is_jittered():
    rng = np.random.default_rng(39)
    x = np.column_stack([rng.standard_normal(200), np.zeros(200)])
    assert math.isfinite(knn_entropy(x, jitter=1e-6, rng=0).value)


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
        knn_entropy(x, jitter=1e-10, rng="seed")
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
