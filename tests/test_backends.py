"""Array-library support: NumPy, array-api-strict, PyTorch and JAX.

* Results come back in the caller's library and floating dtype, for every
  public function, and agree with the NumPy float64 result.
* Validation behaves identically on every backend.
* Gradients (torch.autograd, jax.grad) match closed forms; gradcheck in float64.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

import infokit as ik

RTOL = {"float32": 1e-5, "float64": 1e-12}


def _dists(seed, shape):
    rng = np.random.default_rng(seed)
    w = rng.random(shape) + 0.05
    return w / w.sum(axis=-1, keepdims=True)


P = _dists(1, (4, 6))
Q = _dists(2, (4, 6))


def _measures():
    """name -> f(p, q) for every public measure (q unused by single-argument ones)."""
    return {
        "information": lambda p, q: ik.information(p),
        "entropy": lambda p, q: ik.entropy(p),
        "cross_entropy": lambda p, q: ik.cross_entropy(p, q),
        "kl_divergence": lambda p, q: ik.kl_divergence(p, q),
        "js_divergence": lambda p, q: ik.js_divergence(p, q, base="bits"),
        "js_distance": lambda p, q: ik.js_distance(p, q),
        "renyi_entropy_0.5": lambda p, q: ik.renyi_entropy(p, 0.5),
        "renyi_entropy_inf": lambda p, q: ik.renyi_entropy(p, math.inf),
        "renyi_divergence_2": lambda p, q: ik.renyi_divergence(p, q, 2.0),
        "kl_logits": lambda p, q: ik.kl_divergence(ik.from_logits(_xlog(p)), ik.from_logits(_xlog(q))),
        "cross_entropy_mixed": lambda p, q: ik.cross_entropy(p, ik.from_log_probs(_xlog(q))),
        "entropy_logits": lambda p, q: ik.entropy(ik.from_logits(_xlog(p))),
        "information_logits": lambda p, q: ik.information(ik.from_logits(_xlog(p))),
        "js_logits": lambda p, q: ik.js_divergence(ik.from_logits(_xlog(p)), ik.from_logits(_xlog(q))),
    }


# JAX compiles every operation for each new shape and dtype (about a second per
# function), so single distributions are checked on JAX for a representative subset
JAX_SINGLE = {"information", "entropy", "kl_divergence", "js_distance", "renyi_divergence_2", "entropy_logits"}
MEASURES = sorted(_measures())


def _xlog(a):
    """log of a positive array in its own library."""
    import array_api_compat

    return array_api_compat.array_namespace(a).log(a)


def _as(a, dtype):
    """``a`` rounded to ``dtype``, back in float64 and renormalised exactly as infokit
    interprets it (the distribution ``a / sum(a)``)."""
    b = np.asarray(a).astype(dtype).astype(np.float64)
    return b / b.sum(axis=-1, keepdims=True)


def _check_native(xp, out, dtype, shape):
    assert xp.is_native(out), f"{type(out)} is not a {xp.name} array"
    assert out.dtype == xp.dtype(dtype), f"dtype {out.dtype}, expected {dtype}"
    assert tuple(out.shape) == shape


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", MEASURES)
def test_result_library_dtype_and_value(xp, name, dtype):
    f = _measures()[name]
    p, q = xp.asarray(P, dtype), xp.asarray(Q, dtype)
    out = f(p, q)
    expected_shape = P.shape if name.startswith("information") else P.shape[:-1]
    _check_native(xp, out, dtype, expected_shape)
    # reference: NumPy float64 on the same (rounded) values
    ref = f(_as(P, dtype), _as(Q, dtype))
    assert isinstance(ref, np.ndarray) and ref.dtype == np.float64
    np.testing.assert_allclose(xp.to_numpy(out).astype(np.float64), ref, rtol=RTOL[dtype], atol=0)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", MEASURES)
def test_single_distribution(xp, name, dtype):
    if xp.name == "jax" and name not in JAX_SINGLE:
        pytest.skip("JAX: covered by test_result_library_dtype_and_value (per-shape compilation is slow)")
    f = _measures()[name]
    p, q = xp.asarray(P[0], dtype), xp.asarray(Q[0], dtype)
    out = f(p, q)
    if name.startswith("information"):
        _check_native(xp, out, dtype, (6,))
        return
    if xp.name == "numpy":  # a NumPy scalar, like SciPy
        assert isinstance(out, np.floating)
        assert out.dtype == np.dtype(dtype)
    else:
        _check_native(xp, out, dtype, ())
    ref = f(_as(P[0], dtype), _as(Q[0], dtype))
    assert isinstance(ref, np.float64)
    np.testing.assert_allclose(float(xp.to_numpy(out)), float(ref), rtol=RTOL[dtype])


def test_numpy_scalars_and_closed_forms():
    h = ik.entropy(np.array([0.5, 0.25, 0.25]))
    assert isinstance(h, np.floating) and not isinstance(h, np.ndarray)
    assert h == pytest.approx(1.5 * math.log(2.0), rel=1e-15)
    h32 = ik.entropy(np.array([0.5, 0.5], dtype=np.float32))
    assert type(h32) is np.float32
    assert float(h32) == pytest.approx(math.log(2.0), rel=1e-7)
    d = ik.kl_divergence(np.array([0.5, 0.5]), np.array([0.25, 0.75]))
    assert type(d) is np.float64
    batch = ik.entropy(np.array([[0.5, 0.5], [1.0, 0.0]]))
    assert type(batch) is np.ndarray and batch.shape == (2,)


def test_python_lists_and_tuples():
    h = ik.entropy([0.25, 0.25, 0.25, 0.25])
    assert isinstance(h, np.float64)
    assert h == pytest.approx(math.log(4.0), rel=1e-15)
    assert ik.entropy((0.5, 0.5), base=2) == pytest.approx(1.0, rel=1e-15)
    out = ik.kl_divergence([[0.5, 0.5], [0.25, 0.75]], [0.5, 0.5])
    assert isinstance(out, np.ndarray) and out.dtype == np.float64
    np.testing.assert_allclose(out, [0.0, 0.25 * math.log(0.5) + 0.75 * math.log(1.5)], rtol=1e-15, atol=1e-300)
    assert ik.cross_entropy([1, 0], [0.5, 0.5]) == pytest.approx(math.log(2.0), rel=1e-15)
    assert ik.js_divergence([1.0, 0.0], [0.0, 1.0], base=2) == pytest.approx(1.0, rel=1e-15)
    assert ik.renyi_entropy([0.5, 0.5], 2.0) == pytest.approx(math.log(2.0), rel=1e-15)
    assert ik.entropy(ik.from_logits([0.0, 0.0])) == pytest.approx(math.log(2.0), rel=1e-15)
    np.testing.assert_allclose(ik.information([0.5, 0.25]), [math.log(2.0), math.log(4.0)], rtol=1e-15)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_categorical_stays_in_library(xp, dtype):
    z = xp.asarray(np.log(P), dtype)
    c = ik.from_logits(z, axis=-1)
    for arr in (c.logits, c.log_probs, c.probs):
        _check_native(xp, arr, dtype, P.shape)
    np.testing.assert_allclose(xp.to_numpy(c.probs).astype(np.float64), P, rtol=RTOL[dtype] * 10)
    np.testing.assert_allclose(xp.to_numpy(c.log_probs).astype(np.float64), np.log(P), rtol=RTOL[dtype] * 10)
    assert c.n_outcomes == 6 and c.batch_shape == (4,)
    # a Categorical along axis 0
    zt = xp.asarray(np.log(P).T, dtype)
    c0 = ik.from_logits(zt, axis=0)
    out = ik.entropy(c0)
    _check_native(xp, out, dtype, (4,))
    np.testing.assert_allclose(xp.to_numpy(out), ik.entropy(P), rtol=RTOL[dtype])
    kept = ik.entropy(c0, keepdims=True)
    _check_native(xp, kept, dtype, (1, 4))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_axis_and_keepdims(xp, dtype):
    pt, qt = xp.asarray(P.T, dtype), xp.asarray(Q.T, dtype)
    ref = ik.kl_divergence(_as(P, dtype), _as(Q, dtype))
    out = ik.kl_divergence(pt, qt, axis=0)
    _check_native(xp, out, dtype, (4,))
    np.testing.assert_allclose(xp.to_numpy(out), ref, rtol=RTOL[dtype])
    kept = ik.kl_divergence(pt, qt, axis=0, keepdims=True)
    _check_native(xp, kept, dtype, (1, 4))
    kept = ik.entropy(xp.asarray(P, dtype), axis=-1, keepdims=True)
    _check_native(xp, kept, dtype, (4, 1))


def test_broadcasting(xp):
    p = xp.asarray(P)
    q = xp.asarray(Q[0])
    out = ik.cross_entropy(p, q)
    _check_native(xp, out, "float64", (4,))
    np.testing.assert_allclose(xp.to_numpy(out), -np.sum(P * np.log(Q[0]), axis=-1), rtol=1e-13)


def test_mixed_precision_promotes(xp):
    p = xp.asarray(P, "float32")
    q = xp.asarray(Q, "float64")
    out = ik.kl_divergence(p, q)
    assert xp.is_native(out)
    assert out.dtype == xp.dtype("float64")
    ref = ik.kl_divergence(_as(P, np.float32), Q)
    np.testing.assert_allclose(xp.to_numpy(out), ref, rtol=1e-12)


def test_integer_input_gets_default_float(xp):
    if xp.name == "numpy":
        p = np.array([1, 0, 0])
    elif xp.name == "torch":
        p = xp.lib.tensor([1, 0, 0])
    elif xp.name == "jax":
        import jax.numpy as jnp

        p = jnp.asarray([1, 0, 0])
    else:
        p = xp.lib.asarray([1, 0, 0])
    out = ik.entropy(p)
    assert xp.is_native(out)
    assert float(xp.to_numpy(out)) == 0.0


# --------------------------------------------------------------------------
# zeros and infinities, every backend
# --------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_zeros_and_inf(xp, dtype):
    # shape (4, 6) like P and Q (JAX compiles per shape)
    p = np.zeros((4, 6))
    q = np.zeros((4, 6))
    p[0, :2], q[0, :2] = [0.5, 0.5], [0.25, 0.75]  # zeros where both are zero
    p[1, :2], q[1, 0] = [0.5, 0.5], 1.0  # p > 0 where q = 0
    p[2, 0], q[2, :2] = 1.0, [0.5, 0.5]  # p = 0 where q > 0
    p[3, :4], q[3, :4] = 0.25, 0.25  # identical
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        a, b = xp.asarray(p, dtype), xp.asarray(q, dtype)
        kl = xp.to_numpy(ik.kl_divergence(a, b)).astype(np.float64)
        ce = xp.to_numpy(ik.cross_entropy(a, b)).astype(np.float64)
        js = xp.to_numpy(ik.js_divergence(a, b)).astype(np.float64)
        info = xp.to_numpy(ik.information(a)).astype(np.float64)
    rtol = RTOL[dtype]
    log2 = math.log(2.0)
    np.testing.assert_allclose(kl[[0, 2, 3]], [0.5 * log2 + 0.5 * math.log(2.0 / 3.0), log2, 0.0],
                               rtol=rtol, atol=1e-7 if dtype == "float32" else 1e-16)
    assert kl[1] == np.inf
    np.testing.assert_allclose(ce[[0, 2, 3]], [-0.5 * math.log(0.25) - 0.5 * math.log(0.75), log2, 2 * log2],
                               rtol=rtol)
    assert ce[1] == np.inf
    assert np.all(np.isfinite(js)) and np.all(js >= 0) and np.all(js <= log2 * (1 + rtol))
    assert not np.isnan(info).any()
    assert np.all(info[p == 0] == np.inf)
    np.testing.assert_allclose(info[p > 0], -np.log(p[p > 0]), rtol=rtol, atol=1e-7 if dtype == "float32" else 0)


@pytest.mark.parametrize("tiny", [1e-300, 5e-324])
def test_kl_with_subnormal_q_is_finite(xp, tiny):
    if xp.name == "jax" and tiny < np.finfo(np.float64).tiny:
        pytest.skip("XLA on CPU flushes subnormals to zero: q = 0 there, and inf is right")
    p = xp.asarray(np.array([0.5, 0.5, 0, 0, 0, 0]))
    q = xp.asarray(np.array([1.0, tiny, 0, 0, 0, 0]))
    expected = 0.5 * math.log(0.5) + 0.5 * (math.log(0.5) - math.log(tiny))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = float(xp.to_numpy(ik.kl_divergence(p, q)))
    assert got == pytest.approx(expected, rel=1e-14)


def test_float32_nearly_identical_kl_and_js(xp):
    # two float32 distributions whose entries differ by at most one ulp
    a = P.astype(np.float32)
    b = a.copy()
    b[:, 1::2] = np.nextafter(a[:, 1::2], np.float32(1))
    pa = a.astype(np.float64)
    pb = b.astype(np.float64)
    pa /= pa.sum(axis=-1, keepdims=True)
    pb /= pb.sum(axis=-1, keepdims=True)
    # D = sum (p - q)^2 / (2 q) + O(|p - q|^3 / q^2), relative 1e-7 here
    expected = 0.5 * np.sum((pa - pb) ** 2 / pb, axis=-1)
    got = xp.to_numpy(ik.kl_divergence(xp.asarray(a, "float32"), xp.asarray(b, "float32"))).astype(np.float64)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    # the same distribution with a float32-level sum error: JS ~ 1e-16
    s = (P * (1 + 1.7e-4)).astype(np.float32)
    js = xp.to_numpy(ik.js_divergence(xp.asarray(a, "float32"), xp.asarray(s, "float32"))).astype(np.float64)
    assert np.all(np.abs(js) <= 1e-12), js


# --------------------------------------------------------------------------
# validation is the same everywhere
# --------------------------------------------------------------------------
BAD_INPUTS = {
    "negative": np.array([[0.5, 0.5, 0.0], [0.75, -0.25, 0.5]]),
    "nan": np.array([[0.5, 0.5, 0.0], [0.5, np.nan, 0.5]]),
    "inf": np.array([[0.5, 0.5, 0.0], [0.5, np.inf, 0.5]]),
    "sum": np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.5]]),
}


def _error(f):
    try:
        f()
    except ik.InfokitError as exc:
        return type(exc), str(exc)
    return None


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_validation_identical_to_numpy(xp, kind):
    bad = BAD_INPUTS[kind]
    good = np.full((2, 3), 1.0 / 3.0)
    for f in (
        lambda a, b: ik.entropy(a),
        lambda a, b: ik.kl_divergence(a, b),
        lambda a, b: ik.kl_divergence(b, a),
        lambda a, b: ik.cross_entropy(a, b),
        lambda a, b: ik.js_divergence(b, a),
        lambda a, b: ik.renyi_divergence(a, b, 2.0),
        lambda a, b: ik.renyi_entropy(a, 0.5),
    ):
        ref = _error(lambda: f(bad, good))
        assert ref is not None and ref[0] is ik.InvalidDistributionError
        got = _error(lambda: f(xp.asarray(bad), xp.asarray(good)))
        assert got == ref


def test_validation_of_logits_identical_to_numpy(xp):
    for z in (np.array([0.0, np.nan]), np.array([0.0, np.inf]), np.array([[0.0, 1.0], [-np.inf, -np.inf]])):
        ref = _error(lambda: ik.from_logits(z))
        assert ref is not None and ref[0] is ik.InvalidDistributionError
        assert _error(lambda: ik.from_logits(xp.asarray(z))) == ref
    lp = np.log(np.array([0.5, 0.6]))
    ref = _error(lambda: ik.from_log_probs(lp))
    assert ref is not None
    assert _error(lambda: ik.from_log_probs(xp.asarray(lp))) == ref


def test_float32_tolerance_on_every_backend(xp):
    off = np.array([0.5, 0.5 + 2e-4])  # sum 1.0002: within float32's sqrt(eps), not float64's
    h32 = ik.entropy(xp.asarray(off, "float32"))
    exact = off.astype(np.float32).astype(np.float64)
    exact /= exact.sum()
    assert float(xp.to_numpy(h32)) == pytest.approx(-np.sum(exact * np.log(exact)), rel=1e-6)
    with pytest.raises(ik.InvalidDistributionError, match=r"'p'.*does not sum to 1.*normalize=True"):
        ik.entropy(xp.asarray(off, "float64"))


# --------------------------------------------------------------------------
# torch autograd
# --------------------------------------------------------------------------
def _tangent(v):
    """Project onto the tangent space of the simplex {sum = 0}, along the last axis."""
    return v - v.mean(axis=-1, keepdims=True)


@pytest.fixture
def torch():
    torch = pytest.importorskip("torch")
    return torch


def test_torch_kl_gradient_wrt_p(torch):
    p0, q0 = P[:2], Q[:2]
    p = torch.tensor(p0, requires_grad=True)
    q = torch.tensor(q0, requires_grad=True)
    d = ik.kl_divergence(p, q)
    d.sum().backward()
    dpq = np.sum(p0 * np.log(p0 / q0), axis=-1, keepdims=True)
    gp = p.grad.numpy()
    # projected onto the simplex: the gradient of D is log(p/q) up to a constant
    np.testing.assert_allclose(_tangent(gp), _tangent(np.log(p0 / q0)), rtol=1e-10, atol=1e-12)
    # p is taken as the exact distribution p / sum(p): d/dp D(p/S || q) = log(p/q) - D at S = 1
    np.testing.assert_allclose(gp, np.log(p0 / q0) - dpq, rtol=1e-10, atol=1e-12)
    # and likewise for q: d/dq D(p || q/T) = 1 - p/q at T = 1
    np.testing.assert_allclose(q.grad.numpy(), 1.0 - p0 / q0, rtol=1e-10, atol=1e-12)


def test_torch_entropy_gradient(torch):
    p0 = P[:3]
    p = torch.tensor(p0, requires_grad=True)
    ik.entropy(p).sum().backward()
    h = -np.sum(p0 * np.log(p0), axis=-1, keepdims=True)
    np.testing.assert_allclose(p.grad.numpy(), -np.log(p0) - h, rtol=1e-10, atol=1e-12)


def test_torch_cross_entropy_gradient_wrt_logits(torch):
    rng = np.random.default_rng(5)
    z0 = rng.normal(size=(3, 6)) * 3
    target = np.zeros((3, 6))
    target[np.arange(3), [0, 2, 5]] = 1.0  # one-hot targets
    soft = P[:3]  # soft targets
    s = np.exp(z0 - z0.max(axis=-1, keepdims=True))
    s /= s.sum(axis=-1, keepdims=True)
    for p0 in (target, soft):
        z = torch.tensor(z0, requires_grad=True)
        h = ik.cross_entropy(torch.tensor(p0), ik.from_logits(z))
        # value: -sum p log softmax(z)
        np.testing.assert_allclose(h.detach().numpy(), -np.sum(p0 * np.log(s), axis=-1), rtol=1e-12)
        h.sum().backward()
        np.testing.assert_allclose(z.grad.numpy(), s - p0, rtol=1e-10, atol=1e-12)
    # also with the logits along axis 0
    z = torch.tensor(z0.T.copy(), requires_grad=True)
    ik.cross_entropy(torch.tensor(soft.T.copy()), ik.from_logits(z, axis=0), axis=0).sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), (s - soft).T, rtol=1e-10, atol=1e-12)


def test_torch_entropy_gradient_wrt_logits(torch):
    rng = np.random.default_rng(6)
    z0 = rng.normal(size=(2, 5))
    s = np.exp(z0 - z0.max(axis=-1, keepdims=True))
    s /= s.sum(axis=-1, keepdims=True)
    h = -np.sum(s * np.log(s), axis=-1, keepdims=True)
    z = torch.tensor(z0, requires_grad=True)
    ik.entropy(ik.from_logits(z)).sum().backward()
    # dH/dz = -s (log s + H)
    np.testing.assert_allclose(z.grad.numpy(), -s * (np.log(s) + h), rtol=1e-10, atol=1e-12)


def test_torch_kl_gradient_wrt_logits(torch):
    rng = np.random.default_rng(8)
    zp0, zq0 = rng.normal(size=(2, 5)), rng.normal(size=(2, 5))

    def softmax(z):
        e = np.exp(z - z.max(axis=-1, keepdims=True))
        return e / e.sum(axis=-1, keepdims=True)

    sp, sq = softmax(zp0), softmax(zq0)
    zp = torch.tensor(zp0, requires_grad=True)
    zq = torch.tensor(zq0, requires_grad=True)
    ik.kl_divergence(ik.from_logits(zp), ik.from_logits(zq)).sum().backward()
    d = np.sum(sp * np.log(sp / sq), axis=-1, keepdims=True)
    # dD/dzq = sq - sp ; dD/dzp = sp (log(sp/sq) - D)
    np.testing.assert_allclose(zq.grad.numpy(), sq - sp, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(zp.grad.numpy(), sp * (np.log(sp / sq) - d), rtol=1e-10, atol=1e-12)


def test_torch_gradcheck(torch):
    rng = np.random.default_rng(9)
    p = torch.tensor(_dists(10, (2, 4)), requires_grad=True)
    q = torch.tensor(_dists(11, (2, 4)), requires_grad=True)
    z = torch.tensor(rng.normal(size=(2, 4)), requires_grad=True)
    zq = torch.tensor(rng.normal(size=(2, 4)), requires_grad=True)
    gradcheck = torch.autograd.gradcheck
    # finite differences leave the simplex, so probability inputs use normalize=True
    assert gradcheck(lambda a, b: ik.kl_divergence(a, b, normalize=True), (p, q))
    assert gradcheck(lambda a, b: ik.cross_entropy(a, b, normalize=True), (p, q))
    assert gradcheck(lambda a, b: ik.js_divergence(a, b, normalize=True), (p, q))
    assert gradcheck(lambda a: ik.entropy(a, normalize=True), (p,))
    assert gradcheck(lambda a, b: ik.renyi_divergence(a, b, 0.5, normalize=True), (p, q))
    assert gradcheck(lambda a, b: ik.renyi_divergence(a, b, 2.0, normalize=True), (p, q))
    assert gradcheck(lambda a: ik.renyi_entropy(a, 3.0, normalize=True), (p,))
    assert gradcheck(lambda a, b: ik.cross_entropy(a, ik.from_logits(b), normalize=True), (p, z))
    assert gradcheck(lambda a: ik.entropy(ik.from_logits(a)), (z,))
    assert gradcheck(lambda a, b: ik.kl_divergence(ik.from_logits(a), ik.from_logits(b)), (z, zq))
    assert gradcheck(lambda a, b: ik.js_divergence(ik.from_logits(a), ik.from_logits(b)), (z, zq))
    assert gradcheck(lambda a: ik.information(ik.from_logits(a), base="bits"), (z,))


def test_torch_no_grad_and_requires_grad_preserved(torch):
    p = torch.tensor(P, requires_grad=True)
    out = ik.kl_divergence(p, torch.tensor(Q))
    assert out.requires_grad and out.grad_fn is not None
    with torch.no_grad():
        assert not ik.kl_divergence(p, torch.tensor(Q)).requires_grad


# --------------------------------------------------------------------------
# jax.grad
# --------------------------------------------------------------------------
@pytest.fixture
def jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    return jax


def test_jax_gradients(jax):
    import jax.numpy as jnp

    p0, q0 = P[0], Q[0]
    dpq = np.sum(p0 * np.log(p0 / q0))
    gp = np.asarray(jax.grad(lambda a: ik.kl_divergence(a, jnp.asarray(q0)))(jnp.asarray(p0)))
    np.testing.assert_allclose(_tangent(gp), _tangent(np.log(p0 / q0)), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(gp, np.log(p0 / q0) - dpq, rtol=1e-10, atol=1e-12)
    gq = np.asarray(jax.grad(lambda b: ik.kl_divergence(jnp.asarray(p0), b))(jnp.asarray(q0)))
    np.testing.assert_allclose(gq, 1.0 - p0 / q0, rtol=1e-10, atol=1e-12)

    z0 = np.random.default_rng(3).normal(size=6) * 2
    s = np.exp(z0 - z0.max())
    s /= s.sum()
    gz = jax.grad(lambda z: ik.cross_entropy(jnp.asarray(p0), ik.from_logits(z)))(jnp.asarray(z0))
    np.testing.assert_allclose(np.asarray(gz), s - p0, rtol=1e-10, atol=1e-12)
    h = -np.sum(s * np.log(s))
    gz = jax.grad(lambda z: ik.entropy(ik.from_logits(z)))(jnp.asarray(z0))
    np.testing.assert_allclose(np.asarray(gz), -s * (np.log(s) + h), rtol=1e-10, atol=1e-12)


def test_jax_jit(jax):
    import jax.numpy as jnp

    cases = [
        (ik.entropy, lambda a: ik.entropy(a)),
        (lambda a: ik.kl_divergence(a, jnp.asarray(Q)), lambda a: ik.kl_divergence(a, Q)),
        (lambda a: ik.js_divergence(a, jnp.asarray(Q)), lambda a: ik.js_divergence(a, Q)),
        (lambda a: ik.entropy(ik.from_logits(jnp.log(a))), lambda a: ik.entropy(a)),
    ]
    for f_jax, f_np in cases:
        out = jax.jit(f_jax)(jnp.asarray(P))
        assert out.dtype == jnp.float64
        np.testing.assert_allclose(np.asarray(out), f_np(P), rtol=1e-12)
