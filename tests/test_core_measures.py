"""The fast paths of ``infokit._core.measures`` agree with the generic kernels.

One small NumPy distribution is finished on scalars; a 1-D torch tensor is
certified from a few native operations.  Each must give the same values (and,
for torch, the same gradients) as the generic array-API kernels, which serve
batched input, and fall back to them wherever the direct form cannot be
certified (zeros, nearly identical distributions, invalid input).
"""

from __future__ import annotations

import math

import mpmath
import numpy as np
import pytest

import infokit as ik

mpmath.mp.dps = 50


def mp_kl(p, q):
    p = [mpmath.mpf(float(x)) for x in p]
    q = [mpmath.mpf(float(x)) for x in q]
    sp, sq = mpmath.fsum(p), mpmath.fsum(q)
    return float(mpmath.fsum(a / sp * mpmath.log((a / sp) / (b / sq)) for a, b in zip(p, q) if a > 0))


CASES = [
    ([0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25]),
    ([0.5, 0.5 - 1e-9, 1e-9], [0.5, 0.5 - 2e-9, 2e-9]),  # nearly identical: the exact kernel
    ([0.5, 0.5, 0.0], [0.25, 0.25, 0.5]),  # a zero in p
]


@pytest.mark.parametrize("p,q", CASES)
def test_small_numpy_kl_matches_mpmath_and_the_batched_path(p, q):
    p, q = np.array(p), np.array(q)
    one = ik.kl_divergence(p, q)
    assert isinstance(one, np.float64)
    assert one == pytest.approx(mp_kl(p, q), rel=1e-14)
    batched = ik.kl_divergence(np.stack([p, p]), np.stack([q, q]))  # the array-statistics finish
    assert batched[0] == pytest.approx(one, rel=1e-15)


def test_small_numpy_kl_with_an_impossible_outcome_is_infinite():
    assert ik.kl_divergence(np.array([0.5, 0.5]), np.array([1.0, 0.0])) == math.inf
    # -0.0 is a valid zero probability: the fused statistics cannot evaluate it, the generic kernel does
    assert ik.kl_divergence(np.array([0.5, 0.5]), np.array([1.0, -0.0])) == math.inf


@pytest.mark.parametrize("p,q", CASES)
@pytest.mark.parametrize("measure", ["entropy", "cross_entropy", "kl_divergence"])
def test_torch_1d_matches_numpy(p, q, measure):
    torch = pytest.importorskip("torch")
    args_np = [np.array(p)] + ([np.array(q)] if measure != "entropy" else [])
    args_t = [torch.tensor(a, dtype=torch.float64) for a in args_np]
    want = getattr(ik, measure)(*args_np)
    got = getattr(ik, measure)(*args_t)
    assert torch.is_tensor(got) and got.dtype == torch.float64 and got.shape == ()
    assert float(got) == pytest.approx(float(want), rel=1e-14, abs=1e-300)


@pytest.mark.parametrize("measure", ["entropy", "cross_entropy", "kl_divergence"])
def test_torch_1d_gradient_equals_the_generic_path(measure):
    torch = pytest.importorskip("torch")
    p = torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=torch.float64)
    q = torch.tensor([0.4, 0.3, 0.2, 0.1], dtype=torch.float64)
    fn = getattr(ik, measure)
    x1 = p.clone().requires_grad_()
    fn(*([x1] if measure == "entropy" else [x1, q])).backward()
    x2 = p.clone().reshape(1, 4).requires_grad_()  # batched: the generic kernels
    fn(*([x2] if measure == "entropy" else [x2, q.reshape(1, 4)])).sum().backward()
    torch.testing.assert_close(x1.grad, x2.grad.reshape(4), rtol=1e-12, atol=1e-15)


def test_torch_float32_keeps_its_dtype_and_accuracy():
    torch = pytest.importorskip("torch")
    p = torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=torch.float32)
    q = torch.tensor([0.25, 0.25, 0.25, 0.25], dtype=torch.float32)
    got = ik.kl_divergence(p, q)
    assert got.dtype == torch.float32
    assert float(got) == pytest.approx(mp_kl(p.tolist(), q.tolist()), rel=5e-7)


def test_torch_invalid_input_gets_the_validator_message():
    torch = pytest.importorskip("torch")
    with pytest.raises(ik.InvalidDistributionError, match="'q' does not sum to 1"):
        ik.kl_divergence(torch.tensor([0.5, 0.5], dtype=torch.float64), torch.tensor([0.5, 0.6], dtype=torch.float64))
    with pytest.raises(ik.InvalidDistributionError, match="'p' contains negative"):
        ik.entropy(torch.tensor([1.5, -0.5], dtype=torch.float64))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_torch_cpu_without_gradient_matches_the_differentiable_path(dtype):
    # CPU tensors that need no gradient are read through NumPy views; with a gradient, the native path
    torch = pytest.importorskip("torch")
    gen = torch.Generator().manual_seed(0)
    p = torch.rand(3, 7, generator=gen, dtype=getattr(torch, dtype)).softmax(-1)
    q = torch.rand(3, 7, generator=gen, dtype=getattr(torch, dtype)).softmax(-1)
    for measure in ("entropy", "cross_entropy", "kl_divergence"):
        fn = getattr(ik, measure)
        args = (p,) if measure == "entropy" else (p, q)
        plain = fn(*args, keepdims=True)
        graded = fn(*[a.clone().requires_grad_() for a in args], keepdims=True)
        assert torch.is_tensor(plain) and plain.dtype == p.dtype and plain.shape == (3, 1)
        assert not plain.requires_grad and graded.requires_grad
        torch.testing.assert_close(plain, graded.detach(), rtol=1e-12 if dtype == "float64" else 2e-6, atol=0)


# --------------------------------------------------------------------------
# one short distribution over Python floats (blocked.short_stats)
# --------------------------------------------------------------------------
from hypothesis import given, settings, strategies as st  # noqa: E402


def _dist(n):
    return st.lists(st.floats(1e-6, 1.0), min_size=n, max_size=n).map(lambda w: np.array(w) / math.fsum(w))


@settings(max_examples=150, derandomize=True, deadline=None)
@given(st.integers(1, 64).flatmap(lambda n: st.tuples(_dist(n), _dist(n))))
def test_short_distributions_equal_the_batched_path_and_mpmath(pq):
    p, q = pq
    for measure in (ik.kl_divergence, ik.cross_entropy):
        short, batched = measure(p, q), measure(p[None], q[None])[0]
        assert type(short) is np.float64
        assert short == pytest.approx(batched, rel=1e-13, abs=1e-300)
    assert ik.kl_divergence(p, q) == pytest.approx(mp_kl(p, q), rel=1e-12, abs=1e-300)
    assert ik.entropy(p) == pytest.approx(ik.entropy(p[None])[0], rel=1e-13)
    assert ik.entropy(p) == pytest.approx(float(-mpmath.fsum(mpmath.mpf(x) * mpmath.log(x) for x in p)), rel=1e-13)


@pytest.mark.parametrize("bad,match", [
    ([0.5, 0.6], "does not sum to 1"),
    ([0.5, float("nan")], "NaN or infinite"),
    ([1.5, -0.5], "negative"),
    ([float("inf"), 0.0], "NaN or infinite"),
])
def test_short_distributions_that_are_not_probabilities_get_the_validator_message(bad, match):
    with pytest.raises(ik.InvalidDistributionError, match=match):
        ik.entropy(np.array(bad))
    with pytest.raises(ik.InvalidDistributionError, match=match):
        ik.kl_divergence(np.array(bad), np.array([0.5, 0.5]))


def test_short_float32_is_computed_in_float64_and_returned_in_float32():
    p = np.array([0.1, 0.2, 0.3, 0.4], np.float32)
    q = np.array([0.4, 0.3, 0.2, 0.1], np.float32)
    value = ik.kl_divergence(p, q)
    assert type(value) is np.float32
    assert float(value) == pytest.approx(mp_kl(p, q), rel=1e-7)


def test_short_subnormal_q_falls_back_to_the_exact_kernel():
    p, q = np.array([0.5, 0.5]), np.array([1 - 5e-324, 5e-324])
    assert ik.kl_divergence(p, q) == pytest.approx(mp_kl(p, q), rel=1e-13)
