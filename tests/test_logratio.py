"""Log-ratio (Schulman k1/k2/k3) estimators of D(P||Q) from samples of P: ``infokit._core.logratio``.

* k1 and k3 are unbiased (Monte Carlo on Gaussians with closed-form KL,
  tolerances from the reported standard error); k2 is biased as predicted;
* k3 is never negative, and accurate for tiny log-ratios (mpmath);
* masks equal slicing; torch gradients equal the analytic ones; torch and JAX
  agree with NumPy; validation.
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import stats

from infokit._core import logratio as lr
from infokit.errors import InvalidArgumentError, InvalidTypeError


def gauss_kl(mu, sigma):
    """D(N(0,1) || N(mu, sigma^2))."""
    return math.log(sigma) + (1.0 + mu * mu) / (2.0 * sigma * sigma) - 0.5


def gauss_logs(n, mu, sigma, seed):
    x = np.random.default_rng(seed).standard_normal(n)
    return stats.norm.logpdf(x), stats.norm.logpdf(x, mu, sigma), x


# --------------------------------------------------------------------------
# statistics
# --------------------------------------------------------------------------
@pytest.mark.parametrize("mu,sigma", [(0.5, 1.0), (0.0, 1.5), (1.0, 1.3), (-0.3, 0.9)])
@pytest.mark.parametrize("estimator", ["k1", "k3"])
def test_unbiased_on_gaussians(estimator, mu, sigma):
    lp, lq, _ = gauss_logs(100_000, mu, sigma, seed=hash((estimator, mu, sigma)) % 2**32)
    r = lr.estimate(lp, lq, estimator=estimator)
    exact = gauss_kl(mu, sigma)
    assert r.n == 100_000
    assert abs(r.value - exact) < 4.5 * r.stderr, (r.value, exact, r.stderr)
    assert float(r.mean) == r.value


@pytest.mark.parametrize("estimator", ["k1", "k3"])
def test_unbiased_at_small_n(estimator):
    """Unbiasedness is a small-sample property: the mean of 4000 estimates from n = 5 samples."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((4000, 5))
    lp, lq = stats.norm.logpdf(x), stats.norm.logpdf(x, 0.7, 1.2)
    per = np.asarray(lr.log_ratio_kl(lp, lq, estimator=estimator, axis=1))
    se = per.std(ddof=1) / math.sqrt(per.size)
    assert abs(per.mean() - gauss_kl(0.7, 1.2)) < 4.5 * se


def test_k2_is_biased_as_predicted():
    """For Q = N(mu, 1), k2 = (x mu - mu^2/2)^2/2 has expectation mu^2/2 + mu^4/8, not mu^2/2."""
    lp, lq, _ = gauss_logs(200_000, 0.5, 1.0, seed=3)
    r = lr.estimate(lp, lq, estimator="k2")
    assert abs(r.value - (0.125 + 0.5**4 / 8)) < 4.5 * r.stderr
    assert abs(r.value - 0.125) > 10 * r.stderr


def test_stderr_is_std_over_sqrt_n():
    lp, lq, _ = gauss_logs(1000, 0.5, 1.0, seed=4)
    for k in lr.ESTIMATORS:
        t = np.asarray(lr.log_ratio_terms(lp, lq, estimator=k))
        r = lr.estimate(lp, lq, estimator=k)
        assert r.value == pytest.approx(t.mean(), rel=1e-14)
        assert r.stderr == pytest.approx(t.std(ddof=1) / math.sqrt(t.size), rel=1e-12)


def test_single_sample_and_infinite_estimates():
    r = lr.estimate([-1.0], [-1.5])
    assert r.n == 1 and r.stderr == math.inf and r.value == pytest.approx(math.expm1(-0.5) + 0.5)
    for k in lr.ESTIMATORS:  # q(x) = 0 at a sample of P: D(P||Q) = inf
        r = lr.estimate([-1.0, -2.0], [-1.0, -math.inf], estimator=k)
        assert r.value == math.inf and r.stderr == math.inf


def test_swapping_arguments_is_not_the_reverse_kl():
    """Samples from P with the arguments swapped: k1 gives -D(P||Q), k3 gives E_P[p/q] - 1 - D(P||Q)."""
    lp, lq, _ = gauss_logs(200_000, 0.5, 1.0, seed=5)
    r1 = lr.estimate(lq, lp, estimator="k1")
    r3 = lr.estimate(lq, lp, estimator="k3")
    assert abs(r1.value + 0.125) < 4.5 * r1.stderr
    assert abs(r3.value - (math.exp(0.25) - 1.125)) < 4.5 * r3.stderr


# --------------------------------------------------------------------------
# the terms
# --------------------------------------------------------------------------
finite = st.floats(-700.0, 700.0, allow_nan=False, allow_infinity=False)


@given(hnp.arrays(np.float64, st.integers(1, 30), elements=finite), hnp.arrays(np.float64, st.integers(1, 30), elements=finite))
def test_k3_terms_are_never_negative(a, b):
    n = min(a.size, b.size)
    lp, lq = a[:n], b[:n]
    t = np.asarray(lr.log_ratio_terms(lp, lq, estimator="k3"))
    assert np.all(t >= 0)
    assert np.all((t == 0) == (lp == lq)) or np.all(t[lp == lq] == 0)
    t32 = np.asarray(lr.log_ratio_terms(lp.astype(np.float32), lq.astype(np.float32), estimator="k3"))
    assert np.all(t32 >= 0)


def _k3_mp(d):
    with mpmath.workdps(60):
        d = mpmath.mpf(d)
        return float(mpmath.exp(-d) - 1 + d)


@pytest.mark.parametrize(
    "d", [1e-10, -1e-10, 3e-8, 1e-5, -1e-5, 0.01, 0.3, -0.49, 0.499, 0.5, -0.51, 1.0, -3.0, 7.0, 30.0, -200.0]
)
def test_k3_accuracy_against_mpmath(d):
    """k3 at log p - log q = d (exactly representable: log q = 0) to a few ulps, tiny d included."""
    got = float(lr.log_ratio_terms(np.array([d]), np.array([0.0]), estimator="k3")[0])
    ref = _k3_mp(d)
    assert got == pytest.approx(ref, rel=4e-16), (got, ref)
    # the naive formula loses digits at tiny d (documents why the series is needed)
    if abs(d) <= 1e-7:
        assert abs((math.exp(-d) - 1 + d) - ref) > 1e-3 * ref


@pytest.mark.parametrize("d", [1e-6, -3e-4, 0.2, 2.0])
def test_k3_float32(d):
    d32 = np.float32(d)
    got = lr.log_ratio_terms(np.array([d32]), np.array([0.0], np.float32), estimator="k3")
    assert got.dtype == np.float32
    assert float(got[0]) == pytest.approx(_k3_mp(float(d32)), rel=1e-6)


def test_k1_k2_terms():
    lp, lq = np.array([-1.0, -2.0, 0.5]), np.array([-1.5, -1.0, 0.5])
    d = lp - lq
    np.testing.assert_array_equal(lr.log_ratio_terms(lp, lq, estimator="k1"), d)
    np.testing.assert_array_equal(lr.log_ratio_terms(lp, lq, estimator="K2 "), 0.5 * d * d)


def test_broadcasting():
    lp = np.array([[-1.0, -2.0, -3.0]])
    got = np.asarray(lr.log_ratio_terms(lp, -2.0, estimator="k1"))
    np.testing.assert_array_equal(got, lp + 2.0)
    assert float(lr.log_ratio_kl(lp, np.array([-2.0]), estimator="k1")) == pytest.approx(0.0, abs=1e-15)


# --------------------------------------------------------------------------
# masks and axes
# --------------------------------------------------------------------------
@pytest.mark.parametrize("estimator", ["k1", "k2", "k3"])
def test_mask_equals_slicing(estimator):
    rng = np.random.default_rng(11)
    lp, lq = rng.normal(size=(6, 9)), rng.normal(size=(6, 9))
    mask = rng.random((6, 9)) < 0.6
    lq_pad = np.where(mask, lq, -np.inf)  # padding must not leak into the result
    got = lr.log_ratio_kl(lp, lq_pad, estimator=estimator, mask=mask)
    want = lr.log_ratio_kl(lp[mask], lq[mask], estimator=estimator)
    assert float(got) == pytest.approx(float(want), rel=1e-14)
    e, e_sl = lr.estimate(lp, lq_pad, estimator=estimator, mask=mask), lr.estimate(lp[mask], lq[mask], estimator=estimator)
    assert e.n == int(mask.sum()) == e_sl.n
    assert e.value == pytest.approx(e_sl.value, rel=1e-14) and e.stderr == pytest.approx(e_sl.stderr, rel=1e-12)
    rows = np.asarray(lr.log_ratio_kl(lp, lq_pad, estimator=estimator, mask=mask, axis=1))
    for i in range(6):
        assert rows[i] == pytest.approx(float(lr.log_ratio_kl(lp[i][mask[i]], lq[i][mask[i]], estimator=estimator)), rel=1e-14)
    # a broadcasting mask (select columns) and masked-out NaN log_p are fine
    cols = mask[0]
    lp_nan = np.where(cols, lp, np.nan)
    got = lr.log_ratio_kl(lp_nan, lq, estimator=estimator, mask=cols)
    assert float(got) == pytest.approx(float(lr.log_ratio_kl(lp[:, cols], lq[:, cols], estimator=estimator)), rel=1e-14)


def test_axis_without_mask():
    rng = np.random.default_rng(2)
    lp, lq = rng.normal(size=(3, 4, 5)), rng.normal(size=(3, 4, 5))
    t = np.asarray(lr.log_ratio_terms(lp, lq))
    np.testing.assert_allclose(lr.log_ratio_kl(lp, lq, axis=(0, 2)), t.mean(axis=(0, 2)), rtol=1e-14)
    np.testing.assert_allclose(lr.log_ratio_kl(lp, lq, axis=-1), t.mean(axis=-1), rtol=1e-14)


# --------------------------------------------------------------------------
# torch and JAX
# --------------------------------------------------------------------------
def test_torch_gradient_matches_analytic():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    x = torch.from_numpy(rng.standard_normal(2000))
    theta = torch.tensor(0.4, dtype=torch.float64, requires_grad=True)
    lp = -0.5 * x**2
    lq = -0.5 * (x - theta) ** 2  # log N(theta, 1) up to the same constant
    dlq = (x - 0.4).numpy()  # d log q / d theta
    def grad(out):
        return torch.autograd.grad(out, theta, retain_graph=True)[0]

    g1 = grad(lr.log_ratio_kl(lp, lq, estimator="k1"))
    assert float(g1) == pytest.approx(-dlq.mean(), rel=1e-12)
    g3 = grad(lr.log_ratio_kl(lp, lq, estimator="k3"))
    r = np.exp((lq - lp).detach().numpy())
    assert float(g3) == pytest.approx(((r - 1) * dlq).mean(), rel=1e-12)
    g2 = grad(lr.log_ratio_kl(lp, lq, estimator="k2"))
    assert float(g2) == pytest.approx((-(lp - lq).detach().numpy() * dlq).mean(), rel=1e-12)
    # with a mask, padded -inf entries give exact zero gradients (no NaN)
    mask = torch.from_numpy(rng.random(2000) < 0.5)
    lq_pad = torch.where(mask, lq, torch.tensor(-math.inf, dtype=torch.float64))
    res = lr.estimate(lp, lq_pad, estimator="k3", mask=mask)
    g = grad(res.mean)
    m = mask.numpy()
    assert float(g) == pytest.approx(((r - 1) * dlq)[m].mean(), rel=1e-12)
    assert res.value == pytest.approx(float(res.mean.detach()))


@pytest.mark.parametrize("estimator", ["k1", "k2", "k3"])
def test_torch_and_jax_match_numpy(estimator):
    torch = pytest.importorskip("torch")
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    rng = np.random.default_rng(1)
    lp, lq = rng.normal(size=(5, 7)), rng.normal(size=(5, 7)) * 0.1 - 0.2
    mask = rng.random((5, 7)) < 0.7
    ref = lr.estimate(lp, lq, estimator=estimator, mask=mask)
    for conv, mconv in [(torch.from_numpy, torch.from_numpy), (jnp.asarray, jnp.asarray), (torch.from_numpy, np.asarray)]:
        r = lr.estimate(conv(lp), conv(lq), estimator=estimator, mask=mconv(mask))
        assert type(r.mean).__module__.split(".")[0] in ("torch", "jax", "jaxlib")
        assert r.value == pytest.approx(ref.value, rel=1e-14) and r.stderr == pytest.approx(ref.stderr, rel=1e-12)
        assert r.n == ref.n
    t32 = lr.log_ratio_kl(torch.from_numpy(lp).float(), torch.from_numpy(lq).float(), estimator=estimator)
    assert t32.dtype == torch.float32
    assert float(t32) == pytest.approx(float(lr.log_ratio_kl(lp, lq, estimator=estimator)), rel=1e-5, abs=1e-7)
    # jax.grad and jax.jit (validation is skipped while tracing)
    f = lambda a: lr.log_ratio_kl(jnp.asarray(lp), a, estimator=estimator, mask=mask)
    gj = np.asarray(jax.grad(f)(jnp.asarray(lq)))
    lqt = torch.from_numpy(lq).requires_grad_(True)
    (gt,) = torch.autograd.grad(lr.log_ratio_kl(torch.from_numpy(lp), lqt, estimator=estimator, mask=torch.from_numpy(mask)), lqt)
    np.testing.assert_allclose(gj, gt.numpy(), rtol=1e-13, atol=1e-16)
    assert float(jax.jit(f)(jnp.asarray(lq))) == pytest.approx(ref.value, rel=1e-14)


# --------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------
def test_errors():
    lp, lq = np.zeros(4), np.zeros(4)
    with pytest.raises(InvalidArgumentError, match="'estimator' must be one of 'k1', 'k2', 'k3'"):
        lr.log_ratio_kl(lp, lq, estimator="k4")
    with pytest.raises(InvalidArgumentError, match="estimator"):
        lr.estimate(lp, lq, estimator=3)
    with pytest.raises(InvalidArgumentError, match="do not broadcast"):
        lr.log_ratio_kl(np.zeros(4), np.zeros(3))
    with pytest.raises(InvalidArgumentError, match="'mask' has shape"):
        lr.log_ratio_kl(lp, lq, mask=np.ones(3, bool))
    with pytest.raises(InvalidArgumentError, match="'mask' has shape"):
        lr.log_ratio_kl(lp, lq, mask=np.ones((2, 4), bool))
    with pytest.raises(InvalidTypeError, match="boolean"):
        lr.log_ratio_kl(lp, lq, mask=np.ones(4))
    with pytest.raises(InvalidArgumentError, match="selects no sample"):
        lr.estimate(lp, lq, mask=np.zeros(4, bool))
    with pytest.raises(InvalidArgumentError, match="selects no sample"):
        lr.log_ratio_kl(lp, lq, mask=np.zeros(4, bool))
    with pytest.raises(InvalidArgumentError, match="in some row"):
        lr.log_ratio_kl(np.zeros((2, 2)), np.zeros((2, 2)), mask=np.array([[True, False], [False, False]]), axis=1)
    with pytest.raises(InvalidArgumentError, match="empty"):
        lr.log_ratio_kl(np.zeros(0), np.zeros(0))
    for bad in (np.nan, np.inf, -np.inf):
        with pytest.raises(InvalidArgumentError, match="'log_p' must be finite"):
            lr.log_ratio_kl(np.array([0.0, bad]), lq[:2])
    for bad in (np.nan, np.inf):
        with pytest.raises(InvalidArgumentError, match="'log_q' contains NaN or \\+inf"):
            lr.log_ratio_kl(lp[:2], np.array([0.0, bad]))
    with pytest.raises(InvalidArgumentError, match="'axis'"):
        lr.log_ratio_kl(lp, lq, axis=1)
    with pytest.raises(InvalidArgumentError, match="'axis'"):
        lr.log_ratio_kl(lp, lq, axis=1.5)
    with pytest.raises(InvalidTypeError):
        lr.log_ratio_kl(["a", "b"], lq[:2])


def test_errors_on_torch():
    torch = pytest.importorskip("torch")
    with pytest.raises(InvalidArgumentError, match="'log_p' must be finite"):
        lr.estimate(torch.tensor([0.0, float("nan")]), torch.zeros(2))
    with pytest.raises(InvalidTypeError, match="same array library"):
        lr.estimate(torch.zeros(2), np.zeros(2))
