"""Language-model measures: ``infokit.lm``.

* token_surprisal against mpmath, F.cross_entropy (its default unit is nats) and its
  gradient; ignore_index;
* perplexity of uniform logits is the vocabulary size; bits per byte by hand;
* kl_from_logits against F.kl_div and ik.kl_divergence(from_logits(t), from_logits(s))
  to 1e-12 in float64, for chunk sizes that do and do not divide the positions;
  gradcheck of the chunked backward for both inputs; temperature; masks equal
  slicing; certified accuracy for nearly equal distributions; JAX grads equal torch;
* validation, and ``import infokit.lm`` imports neither torch nor jax.
"""

from __future__ import annotations

import math
import subprocess
import sys

import mpmath
import numpy as np
import pytest

import infokit as ik
from infokit import lm
from infokit.errors import InvalidArgumentError, InvalidDistributionError, InvalidTypeError

torch = pytest.importorskip("torch")
F = torch.nn.functional


def _mp_surprisal(z, label):
    with mpmath.workdps(50):
        zs = [mpmath.mpf(float(v)) if np.isfinite(v) else mpmath.mpf("-inf") for v in z]
        return float(mpmath.log(mpmath.fsum(mpmath.exp(v) for v in zs)) - zs[label])


def _rand(shape, seed, scale=1.0):
    return np.random.default_rng(seed).normal(size=shape) * scale


# --------------------------------------------------------------------------
# token surprisal and perplexity
# --------------------------------------------------------------------------
SURPRISAL_CASES = [
    ([0.0, 1.0, 2.0, 3.0], 2),
    ([0.0, 1.0, 2.0, 3.0], 0),
    ([1000.0, 1001.5, 999.0], 1),  # large logits
    ([40.0, 0.0, 0.0, 0.0, 0.0], 0),  # confident: surprisal ~ 1.7e-17
    ([30.0, 30.0, -5.0], 1),  # tie at the maximum
    ([0.0, -np.inf, 2.0], 2),  # -inf logit elsewhere
    ([-700.0, 5.0, 5.0 - 1e-9], 2),
]


@pytest.mark.parametrize("z,label", SURPRISAL_CASES)
def test_token_surprisal_against_mpmath(z, label):
    z = np.array(z)
    ref = _mp_surprisal(z, label)
    got = lm.token_surprisal(z[None, :], np.array([label]))  # default unit: nats
    assert got.shape == (1,)
    assert float(got[0]) == pytest.approx(ref, rel=1e-14, abs=1e-300)
    bits = float(lm.token_surprisal(z[None, :], np.array([label]), base="bits")[0])
    assert bits == pytest.approx(ref / math.log(2), rel=1e-14, abs=1e-300)
    t = lm.token_surprisal(torch.tensor(z[None, :]), torch.tensor([label]), base="nats")
    assert float(t[0]) == pytest.approx(ref, rel=1e-14, abs=1e-300)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_token_surprisal_default_equals_cross_entropy(dtype):
    """At default settings (nats, ignore_index=-100) it is F.cross_entropy(reduction='none')."""
    z = torch.tensor(_rand((4, 6, 23), 20, 3.0), dtype=dtype)
    labels = torch.from_numpy(np.random.default_rng(21).integers(0, 23, (4, 6)))
    labels[1, :3] = -100
    ce = F.cross_entropy(z.reshape(-1, 23), labels.reshape(-1), reduction="none").reshape(4, 6)
    got = lm.token_surprisal(z, labels)
    assert got.dtype == dtype
    tol = dict(rtol=1e-13, atol=1e-15) if dtype == torch.float64 else dict(rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(got, ce, **tol)
    np.testing.assert_allclose(lm.token_surprisal(z.double().numpy(), labels.numpy()), ce.double().numpy(),
                               rtol=1e-5 if dtype == torch.float32 else 1e-13, atol=1e-6)


def test_token_surprisal_minus_inf_label_logit():
    got = lm.token_surprisal(np.array([[0.0, -np.inf]]), np.array([1]), base="nats")
    assert got[0] == math.inf


def test_token_surprisal_equals_cross_entropy_with_gradient():
    z = torch.tensor(_rand((3, 5, 17), 0, 3.0), requires_grad=True)
    labels = torch.from_numpy(np.random.default_rng(1).integers(0, 17, (3, 5)))
    labels[0, :2] = -100
    s = lm.token_surprisal(z, labels)
    ce = F.cross_entropy(z.reshape(-1, 17), labels.reshape(-1), reduction="none").reshape(3, 5)
    torch.testing.assert_close(s, ce, rtol=1e-14, atol=1e-15)
    assert s.shape == labels.shape and s[0, 0] == 0 and s[0, 1] == 0
    (g,) = torch.autograd.grad(s.sum(), z)
    (gr,) = torch.autograd.grad(ce.sum(), z)
    torch.testing.assert_close(g, gr, rtol=1e-13, atol=1e-15)
    assert torch.autograd.gradcheck(lambda a: lm.token_surprisal(a, labels), (z,))
    # ties at the maximum (e.g. zero-initialised logits): gradient still softmax - one_hot
    z0 = torch.zeros(2, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda a: lm.token_surprisal(a, torch.tensor([0, 3])), (z0,))


def test_token_surprisal_axis_and_dtype():
    z = _rand((2, 7, 4), 3)
    labels = np.random.default_rng(4).integers(0, 7, (2, 4))
    a = lm.token_surprisal(z, labels, axis=1)
    b = lm.token_surprisal(np.moveaxis(z, 1, -1), labels)
    np.testing.assert_allclose(a, b, rtol=1e-15)
    t32 = lm.token_surprisal(torch.tensor(z, dtype=torch.float32), torch.tensor(labels), axis=1)
    assert t32.dtype == torch.float32
    np.testing.assert_allclose(t32.numpy(), a, rtol=1e-5)


def test_ignore_index():
    z = _rand((2, 3, 5), 5)
    labels = np.array([[1, 7, 2], [4, 0, 3]])  # 7 is ignored below, not out of range
    got = lm.token_surprisal(z, labels, ignore_index=7, base="nats")
    assert got[0, 1] == 0.0
    full = lm.token_surprisal(z, np.where(labels == 7, 0, labels), ignore_index=None, base="nats")
    counted = labels != 7
    np.testing.assert_array_equal(got[counted], full[counted])
    ppl = float(lm.perplexity(z, labels, ignore_index=7))
    assert ppl == pytest.approx(math.exp(full[counted].mean()), rel=1e-14)
    labels_all = np.full((2, 3), -100)
    np.testing.assert_array_equal(lm.token_surprisal(z, labels_all), 0.0)
    with pytest.raises(InvalidArgumentError, match="every label equals ignore_index"):
        lm.perplexity(z, labels_all)


@pytest.mark.parametrize("vocab", [2, 50, 32000])
def test_perplexity_of_uniform_logits_is_vocab_size(vocab):
    labels = np.arange(6) % vocab
    for z in (np.zeros((6, vocab)), np.full((6, vocab), 123.25)):
        assert float(lm.perplexity(z, labels)) == pytest.approx(vocab, rel=1e-13)
    t = lm.perplexity(torch.zeros(2, 3, vocab), torch.from_numpy(labels.reshape(2, 3)))
    assert t.dtype == torch.float32 and float(t) == pytest.approx(vocab, rel=1e-5)


def test_perplexity_equals_exp_cross_entropy():
    z = torch.tensor(_rand((4, 6, 11), 6, 2.0), requires_grad=True)
    labels = torch.from_numpy(np.random.default_rng(7).integers(0, 11, (4, 6)))
    labels[1, 3:] = -100
    ppl = lm.perplexity(z, labels)
    ref = torch.exp(F.cross_entropy(z.reshape(-1, 11), labels.reshape(-1)))
    torch.testing.assert_close(ppl, ref, rtol=1e-14, atol=0)
    (g,) = torch.autograd.grad(ppl, z)
    (gr,) = torch.autograd.grad(ref, z)
    torch.testing.assert_close(g, gr, rtol=1e-12, atol=1e-15)


def test_bits_per_byte_and_friends():
    nll = 1234.5  # nats
    assert lm.bits_per_byte(nll, 1000) == pytest.approx(nll / (1000 * math.log(2)), rel=1e-15)
    assert lm.bits_per_byte(8 * math.log(2), 8) == 1.0
    assert lm.bits_per_byte(0.0, 3) == 0.0
    assert lm.byte_perplexity(nll, 1000) == pytest.approx(2 ** lm.bits_per_byte(nll, 1000), rel=1e-14)
    assert lm.word_perplexity(nll, 200) == pytest.approx(math.exp(nll / 200), rel=1e-15)
    # from per-token surprisal of a corpus, as lm-evaluation-harness aggregates it
    z = _rand((3, 9, 13), 8)
    labels = np.random.default_rng(9).integers(0, 13, (3, 9))
    total = float(lm.token_surprisal(z, labels).sum())  # nats
    bits = float(lm.token_surprisal(z, labels, base="bits").sum())
    assert lm.bits_per_byte(total, 100) == pytest.approx(bits / 100, rel=1e-14)
    # arrays keep their library and autograd
    x = torch.tensor(10.0, dtype=torch.float64, requires_grad=True)
    b = lm.bits_per_byte(x, torch.tensor(4))
    (g,) = torch.autograd.grad(b, x)
    assert float(b.detach()) == pytest.approx(10 / (4 * math.log(2))) and float(g) == pytest.approx(1 / (4 * math.log(2)))
    np.testing.assert_allclose(lm.bits_per_byte(np.array([1.0, 2.0]), np.array([1, 2])), 1 / math.log(2))
    for bad_n in (0, -3, math.inf, math.nan):
        with pytest.raises(InvalidArgumentError, match="'n_bytes' must be a positive count"):
            lm.bits_per_byte(1.0, bad_n)
    with pytest.raises(InvalidArgumentError, match="'n_words'"):
        lm.word_perplexity(1.0, 0)
    with pytest.raises(InvalidArgumentError, match="'n_bytes' must be positive"):
        lm.bits_per_byte(np.array([1.0, 2.0]), np.array([1, 0]))
    for bad in (-1.0, math.nan):
        with pytest.raises(InvalidArgumentError, match="total_nll_nats"):
            lm.bits_per_byte(bad, 10)
    with pytest.raises(InvalidTypeError):
        lm.bits_per_byte("10", 10)
    with pytest.raises(InvalidTypeError):
        lm.bits_per_byte(1.0, True)


def test_surprisal_errors():
    z = np.zeros((2, 5))
    with pytest.raises(InvalidTypeError, match="integer"):
        lm.token_surprisal(z, np.array([0.0, 1.0]))
    with pytest.raises(InvalidTypeError, match="integer"):
        lm.token_surprisal(z, np.array([True, False]))
    with pytest.raises(InvalidArgumentError, match=r"token ids in \[0, 5\).*found 5"):
        lm.token_surprisal(z, np.array([0, 5]))
    with pytest.raises(InvalidArgumentError, match="found -1"):
        lm.token_surprisal(z, np.array([0, -1]))
    with pytest.raises(InvalidArgumentError, match="found -100"):
        lm.token_surprisal(z, np.array([0, -100]), ignore_index=None)
    with pytest.raises(InvalidArgumentError, match="shape"):
        lm.token_surprisal(z, np.array([0, 1, 2]))
    with pytest.raises(InvalidArgumentError, match="ignore_index"):
        lm.token_surprisal(z, np.array([0, 1]), ignore_index=1.5)
    with pytest.raises(InvalidArgumentError, match="base"):
        lm.token_surprisal(z, np.array([0, 1]), base="furlongs")
    with pytest.raises(InvalidDistributionError, match="NaN"):
        lm.token_surprisal(np.array([[0.0, np.nan]]), np.array([0]))
    with pytest.raises(InvalidDistributionError, match="all -inf"):
        lm.token_surprisal(np.array([[-np.inf, -np.inf]]), np.array([0]))
    with pytest.raises(InvalidDistributionError, match="vocabulary"):
        lm.token_surprisal(np.float64(1.0), np.array(0))
    with pytest.raises(InvalidArgumentError, match="found 9"):
        lm.token_surprisal(torch.zeros(2, 5), torch.tensor([9, 0]))


# --------------------------------------------------------------------------
# kl_from_logits
# --------------------------------------------------------------------------
S64 = _rand((3, 5, 37), 10, 2.0)
T64 = _rand((3, 5, 37), 11, 2.0)


def _core_kl(t, s):
    return np.asarray(ik.kl_divergence(ik.from_logits(t), ik.from_logits(s)))


@pytest.mark.parametrize("chunk", [None, 1, 3, 4, 5, 7, 15, 100])
def test_kl_matches_kl_div_and_core(chunk):
    s, t = torch.from_numpy(S64), torch.from_numpy(T64)
    got = lm.kl_from_logits(s, t, chunk=chunk)
    plain = F.kl_div(F.log_softmax(s, -1), F.log_softmax(t, -1), log_target=True, reduction="sum") / 15
    core = _core_kl(T64, S64)
    assert got.dtype == torch.float64 and got.shape == ()
    assert float(got) == pytest.approx(float(plain), rel=1e-12)
    assert float(got) == pytest.approx(core.mean(), rel=1e-12)
    per = lm.kl_from_logits(S64, T64, chunk=chunk, reduction="none")  # NumPy path
    assert per.shape == (3, 5)
    np.testing.assert_allclose(per, core, rtol=1e-12)
    assert float(lm.kl_from_logits(s, t, chunk=chunk, reduction="sum")) == pytest.approx(core.sum(), rel=1e-12)
    rev = lm.kl_from_logits(S64, T64, chunk=chunk, direction="reverse", reduction="none")
    np.testing.assert_allclose(rev, _core_kl(S64, T64), rtol=1e-12)


def test_kl_base_and_axis():
    bits = lm.kl_from_logits(S64, T64, base="bits")
    assert float(bits) == pytest.approx(_core_kl(T64, S64).mean() / math.log(2), rel=1e-13)
    a = lm.kl_from_logits(np.moveaxis(S64, -1, 1), np.moveaxis(T64, -1, 1), axis=1, reduction="none")
    np.testing.assert_allclose(a, _core_kl(T64, S64), rtol=1e-13)


@pytest.mark.parametrize("temperature", [0.5, 2.0, 7.3])
def test_kl_temperature(temperature):
    got = lm.kl_from_logits(S64, T64, temperature=temperature, reduction="none", chunk=4)
    np.testing.assert_allclose(got, _core_kl(T64 / temperature, S64 / temperature), rtol=1e-12)
    s, t = torch.from_numpy(S64), torch.from_numpy(T64)
    plain = F.kl_div(F.log_softmax(s / temperature, -1), F.log_softmax(t / temperature, -1), log_target=True,
                     reduction="sum") / 15  # no T**2 factor
    assert float(lm.kl_from_logits(s, t, temperature=temperature)) == pytest.approx(float(plain), rel=1e-12)


def test_kl_mask_equals_slicing():
    mask = np.random.default_rng(12).random((3, 5)) < 0.6
    s_pad = np.where(mask[..., None], S64, np.where(np.arange(37) > 0, -np.inf, 0.0))  # padding rows
    got = lm.kl_from_logits(s_pad, T64, mask=mask, chunk=4)
    want = lm.kl_from_logits(S64[mask], T64[mask])
    assert float(got) == pytest.approx(float(want), rel=1e-13)
    none = lm.kl_from_logits(S64, T64, mask=mask, reduction="none")
    np.testing.assert_array_equal(none[~mask], 0.0)
    np.testing.assert_allclose(none[mask], _core_kl(T64[mask], S64[mask]), rtol=1e-12)
    assert float(lm.kl_from_logits(S64, T64, mask=mask, reduction="sum")) == pytest.approx(none.sum(), rel=1e-13)
    # broadcasting mask: whole sequences
    seq = np.array([True, False, True])[:, None]
    got = lm.kl_from_logits(torch.from_numpy(S64), torch.from_numpy(T64), mask=torch.from_numpy(seq))
    assert float(got) == pytest.approx(_core_kl(T64, S64)[[0, 2]].mean(), rel=1e-13)


def test_kl_gradcheck_float64():
    s = torch.tensor(_rand((2, 3, 6), 13), requires_grad=True)
    t = torch.tensor(_rand((2, 3, 6), 14), requires_grad=True)
    mask = torch.tensor([[True, False, True], [True, True, False]])
    for kw in (dict(chunk=4), dict(chunk=1, direction="reverse"), dict(chunk=2, temperature=1.7, mask=mask),
               dict(reduction="none", chunk=5), dict(reduction="sum", temperature=0.6, direction="reverse")):
        assert torch.autograd.gradcheck(lambda a, b: lm.kl_from_logits(a, b, **kw), (s, t)), kw


def test_kl_gradient_formula():
    """d/ds D(t||s) = (softmax s - softmax t)/T per position, as the plain torch formulation."""
    s = torch.tensor(S64, requires_grad=True)
    t = torch.tensor(T64, requires_grad=True)
    T = 1.3
    (gs, gt) = torch.autograd.grad(lm.kl_from_logits(s, t, temperature=T, chunk=4), (s, t))
    plain = F.kl_div(F.log_softmax(s / T, -1), F.log_softmax(t / T, -1), log_target=True, reduction="sum") / 15
    (rs, rt) = torch.autograd.grad(plain, (s, t))
    torch.testing.assert_close(gs, rs, rtol=1e-12, atol=1e-16)
    torch.testing.assert_close(gt, rt, rtol=1e-12, atol=1e-16)
    # teacher without grad (distillation): only the student's gradient is computed
    s2 = torch.tensor(S64, requires_grad=True)
    lm.kl_from_logits(s2, torch.tensor(T64), temperature=T, chunk=4).backward()
    torch.testing.assert_close(s2.grad, rs, rtol=1e-12, atol=1e-16)


def test_kl_float32_and_16_bit():
    s32, t32 = torch.tensor(S64, dtype=torch.float32), torch.tensor(T64, dtype=torch.float32)
    got = lm.kl_from_logits(s32, t32, reduction="none")
    assert got.dtype == torch.float32
    ref = _core_kl(t32.double().numpy(), s32.double().numpy())
    np.testing.assert_allclose(got.numpy(), ref, rtol=2.4e-4)
    sb = torch.tensor(S64, dtype=torch.bfloat16, requires_grad=True)
    tb = torch.tensor(T64, dtype=torch.bfloat16)
    out = lm.kl_from_logits(sb, tb)
    assert out.dtype == torch.float32
    assert float(out.detach()) == pytest.approx(_core_kl(tb.double().numpy(), sb.detach().double().numpy()).mean(), rel=2.4e-4)
    out.backward()
    assert sb.grad.dtype == torch.bfloat16


@pytest.mark.parametrize("dtype,tol", [("float64", 1.5e-11), ("float32", 2.4e-4)])
@pytest.mark.parametrize("noise", [1e-1, 1e-3, 1e-6])
def test_kl_certified_for_nearly_equal_distributions(dtype, tol, noise):
    """Where sum p (log p - log q) cancels (teacher ~ student), the result keeps its relative accuracy."""
    rng = np.random.default_rng(15)
    s = (rng.normal(size=(6, 300)) * 4).astype(dtype)
    t = (s + noise * rng.normal(size=s.shape)).astype(dtype)
    got = lm.kl_from_logits(torch.from_numpy(s), torch.from_numpy(t), reduction="none").numpy()
    ref = _core_kl(t.astype(np.float64), s.astype(np.float64))
    np.testing.assert_allclose(got, ref, rtol=tol)
    np.testing.assert_allclose(lm.kl_from_logits(s, t, reduction="none"), ref, rtol=tol)


def test_kl_minus_inf_logits():
    t = T64[0].copy()
    s = S64[0].copy()
    t[:, -3:] = -np.inf  # padded vocabulary: zero teacher probability
    got = lm.kl_from_logits(s, t, reduction="none")
    np.testing.assert_allclose(got, _core_kl(t, s), rtol=1e-12)
    st, tt = torch.tensor(s, requires_grad=True), torch.tensor(t, requires_grad=True)
    out = lm.kl_from_logits(st, tt, chunk=2)
    assert out.item() == pytest.approx(_core_kl(t, s).mean(), rel=1e-12)
    gs, gt = torch.autograd.grad(out, (st, tt))
    assert torch.isfinite(gs).all() and torch.isfinite(gt).all()
    ps, pt = torch.softmax(torch.tensor(s), -1), torch.softmax(torch.tensor(t), -1)
    torch.testing.assert_close(gs, (ps - pt) / 5, rtol=1e-12, atol=1e-16)
    # the student rules out a token the teacher allows: D = inf at that position only
    s2 = s.copy()
    s2[1, 0] = -np.inf
    per = lm.kl_from_logits(s2, t, reduction="none")
    assert per[1] == math.inf and np.isfinite(np.delete(per, 1)).all()
    # ... and masking that position out leaves finite values and gradients
    mask = np.arange(5) != 1
    s2t = torch.tensor(s2, requires_grad=True)
    out = lm.kl_from_logits(s2t, torch.tensor(t), mask=torch.from_numpy(mask))
    (g,) = torch.autograd.grad(out, s2t)
    assert math.isfinite(out.item()) and torch.isfinite(g).all() and (g[1] == 0).all()


def test_kl_errors():
    s, t = np.zeros((2, 3, 4)), np.zeros((2, 3, 4))
    with pytest.raises(InvalidArgumentError, match="same shape"):
        lm.kl_from_logits(s, t[:, :2])
    with pytest.raises(InvalidArgumentError, match="'direction'"):
        lm.kl_from_logits(s, t, direction="backward")
    with pytest.raises(InvalidArgumentError, match="'reduction'"):
        lm.kl_from_logits(s, t, reduction="batchmean")
    for bad in (0, -1.0, math.inf, math.nan, "2", True):
        with pytest.raises(InvalidArgumentError, match="'temperature'"):
            lm.kl_from_logits(s, t, temperature=bad)
    for bad in (0, -2, 1.5, True):
        with pytest.raises(InvalidArgumentError, match="'chunk'"):
            lm.kl_from_logits(s, t, chunk=bad)
    with pytest.raises(InvalidArgumentError, match="'mask' has shape"):
        lm.kl_from_logits(s, t, mask=np.ones((3, 2), bool))
    with pytest.raises(InvalidTypeError, match="boolean"):
        lm.kl_from_logits(s, t, mask=np.ones((2, 3)))
    with pytest.raises(InvalidArgumentError, match="over no position"):
        lm.kl_from_logits(s, t, mask=np.zeros((2, 3), bool))
    assert float(lm.kl_from_logits(s, t, mask=np.zeros((2, 3), bool), reduction="sum")) == 0.0
    bad = s.copy()
    bad[1, 2, 0] = np.nan
    with pytest.raises(InvalidDistributionError, match="'student_logits' contains NaN"):
        lm.kl_from_logits(bad, t, chunk=2)
    bad[1, 2, 0] = np.inf
    with pytest.raises(InvalidDistributionError, match="'teacher_logits' contains NaN or \\+inf"):
        lm.kl_from_logits(torch.from_numpy(s), torch.from_numpy(bad))
    bad[1, 2, :] = -np.inf
    with pytest.raises(InvalidDistributionError, match="all -inf"):
        lm.kl_from_logits(s, bad)
    with pytest.raises(InvalidDistributionError, match="empty vocabulary"):
        lm.kl_from_logits(np.zeros((2, 0)), np.zeros((2, 0)))
    with pytest.raises(InvalidTypeError, match="same array library"):
        lm.kl_from_logits(torch.zeros(2, 3), np.zeros((2, 3)))


# --------------------------------------------------------------------------
# JAX
# --------------------------------------------------------------------------
def test_jax_values_and_grads_match_torch():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    mask = np.random.default_rng(16).random((3, 5)) < 0.7
    for kw in (dict(chunk=4, temperature=1.3), dict(chunk=5, direction="reverse", mask=mask)):
        f = lambda a, b: lm.kl_from_logits(a, b, **kw)  # noqa: E731
        val = f(jnp.asarray(S64), jnp.asarray(T64))
        gj = jax.grad(f, argnums=(0, 1))(jnp.asarray(S64), jnp.asarray(T64))
        st, tt = torch.tensor(S64, requires_grad=True), torch.tensor(T64, requires_grad=True)
        out = f(st, tt)
        gs, gt = torch.autograd.grad(out, (st, tt))
        assert isinstance(val, jax.Array) and float(val) == pytest.approx(out.item(), rel=1e-13)
        np.testing.assert_allclose(np.asarray(gj[0]), gs.numpy(), rtol=1e-11, atol=1e-17)
        np.testing.assert_allclose(np.asarray(gj[1]), gt.numpy(), rtol=1e-11, atol=1e-17)
    jitted = jax.jit(lambda a, b: lm.kl_from_logits(a, b, chunk=4, reduction="none"))
    np.testing.assert_allclose(np.asarray(jitted(jnp.asarray(S64), jnp.asarray(T64))), _core_kl(T64, S64), rtol=1e-12)
    z = jnp.asarray(_rand((4, 9), 17))
    labels = jnp.asarray([1, 8, 0, 3])
    gp = jax.grad(lambda a: lm.perplexity(a, labels))(z)
    zt = torch.tensor(np.asarray(z), requires_grad=True)
    (gt,) = torch.autograd.grad(lm.perplexity(zt, torch.tensor(np.asarray(labels))), zt)
    np.testing.assert_allclose(np.asarray(gp), gt.numpy(), rtol=1e-12)
    with pytest.raises(InvalidDistributionError, match="NaN"):
        lm.kl_from_logits(jnp.asarray([[0.0, jnp.nan]]), jnp.zeros((1, 2)))
    # nearly equal distributions: the float64 and core-kernel passes (lax.cond) certify the result
    rng = np.random.default_rng(18)
    s = rng.normal(size=(6, 300)) * 4
    t = s + 1e-6 * rng.normal(size=s.shape)
    for dtype, tol in (("float64", 1.5e-11), ("float32", 2.4e-4)):
        a, b = s.astype(dtype), t.astype(dtype)
        got = lm.kl_from_logits(jnp.asarray(a), jnp.asarray(b), reduction="none", chunk=4)
        assert got.dtype == jnp.dtype(dtype)
        np.testing.assert_allclose(np.asarray(got), _core_kl(b.astype(np.float64), a.astype(np.float64)), rtol=tol)


def test_import_does_not_load_torch_or_jax():
    code = "import sys, infokit, infokit.lm, infokit._core.logratio; print('torch' in sys.modules, 'jax' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_array_api_strict():
    xs = pytest.importorskip("array_api_strict")
    rng = np.random.default_rng(19)
    s = rng.normal(size=(6, 40)) * 4
    t = s + 1e-6 * rng.normal(size=s.shape)  # exercises the recomputation passes
    for dt, tol in (("float64", 1.5e-11), ("float32", 2.4e-4)):
        a, b = s.astype(dt), t.astype(dt)
        got = lm.kl_from_logits(xs.asarray(a), xs.asarray(b), reduction="none", chunk=4)
        assert isinstance(got, type(xs.asarray(0.0))) and str(got.dtype).endswith(dt)
        np.testing.assert_allclose(np.asarray(got), _core_kl(b.astype(np.float64), a.astype(np.float64)), rtol=tol)
    labels = np.arange(6)
    got = lm.token_surprisal(xs.asarray(s), xs.asarray(labels), base="nats")
    np.testing.assert_allclose(np.asarray(got), lm.token_surprisal(s, labels, base="nats"), rtol=1e-15)


def test_kl_autograd_saves_only_the_inputs():
    """The graph keeps the two logits tensors (no copies) and one value per position; the
    plain formulation keeps full-size log-softmaxes as well."""
    s = torch.randn(64, 1000, dtype=torch.float32, requires_grad=True)
    t = torch.randn(64, 1000, dtype=torch.float32)
    saved = []

    def pack(x):
        saved.append((x.numel(), x.untyped_storage().data_ptr()))
        return x

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda x: x):
        out = lm.kl_from_logits(s, t, chunk=7)
    big = [(n, ptr) for n, ptr in saved if n > 64]
    assert sorted(ptr for _, ptr in big) == sorted([s.untyped_storage().data_ptr(), t.untyped_storage().data_ptr()])
    assert sum(n for n, _ in saved) <= 2 * s.numel() + 64 + 8
    saved.clear()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda x: x):
        F.kl_div(F.log_softmax(s, -1), F.log_softmax(t, -1), log_target=True, reduction="batchmean")
    assert sum(n for n, _ in saved) >= 2 * s.numel()
    out.backward()
    assert s.grad.shape == s.shape


# --------------------------------------------------------------------------
# tiny divergences: the relative bound down to the smallest normal float, a
# few of the format's spacings below it (subnormal results)
# --------------------------------------------------------------------------
from hypothesis import given as _given, settings as _settings, strategies as _st  # noqa: E402


def _kl_mpmath(zp, zq, dps=360):
    """D(softmax zp || softmax zq) at ``dps`` digits (the logits taken exactly as the floats they are).

    The KL is second order in the logits' differences (~1e-163 at most here): 360 digits resolve it.
    """
    import mpmath as mp

    with mp.workdps(dps):
        a = [mp.mpf(float(x)) for x in zp]
        b = [mp.mpf(float(x)) for x in zq]
        ca = mp.log(mp.fsum(mp.e**x for x in a))
        cb = mp.log(mp.fsum(mp.e**x for x in b))
        return float(mp.fsum(mp.e ** (x - ca) * ((x - ca) - (y - cb)) for x, y in zip(a, b)))


def _close_logits(exponent, seed, dtype):
    """Teacher logits and student logits that differ by about ``10**-exponent`` (representable differences)."""
    rng = np.random.default_rng(seed)
    e = 10.0**-exponent
    t = rng.normal(size=24) * e * 10
    t[:4] = [0.0, 1.0, 2.0, -1.0]
    s = t + e * rng.normal(size=24)
    s[:4] = t[:4]
    return t.astype(dtype), s.astype(dtype)


@_settings(max_examples=15, derandomize=True, deadline=None)
@_given(_st.floats(130.0, 163.0), _st.integers(0, 2**31))
def test_tiny_kl_is_accurate_to_the_float64_format(exponent, seed):
    # relative error ~eps while the KL is a normal float (>= 2.2e-308); a few subnormal spacings below
    t, s = _close_logits(exponent, seed, np.float64)
    ref = _kl_mpmath(t, s)
    bound = 8 * np.finfo(np.float64).eps * ref + 4 * np.spacing(0.0)
    assert abs(float(lm.kl_from_logits(s[None, :], t[None, :], reduction="sum")) - ref) <= bound
    assert abs(float(ik.kl_divergence(ik.from_logits(t), ik.from_logits(s))) - ref) <= bound


@_settings(max_examples=10, derandomize=True, deadline=None)
@_given(_st.floats(15.0, 23.0), _st.integers(0, 2**31))
def test_tiny_kl_is_accurate_to_the_float32_format(exponent, seed):
    # float32 results: the certified 2.4e-4 relative while normal (>= 1.2e-38), a few spacings (1.4e-45) below
    t, s = _close_logits(exponent, seed, np.float32)
    ref = _kl_mpmath(t, s, dps=80)
    bound = 2.4e-4 * ref + 4 * float(np.spacing(np.float32(0)))
    assert abs(float(lm.kl_from_logits(s[None, :], t[None, :], reduction="sum")) - ref) <= bound
