"""Input validation: every bad input raises the right exception, naming the culprit.

Messages are matched for two things: the argument they name ('p', 'q',
'base', 'axis', 'alpha', 'z', 'lp') and what is wrong with it.  Inputs
that are *not* errors (zeros, +inf measures, sums within tolerance) are
checked for the right value and for the absence of RuntimeWarnings.

NumPy inputs of float32/float64 go through a blocked, threaded fast path that
validates from fused statistics; large inputs (3 x 100000) with a single bad
entry deep inside check that it raises exactly what the generic path raises.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

import infokit as ik

LOG2 = math.log(2.0)


# --------------------------------------------------------------------------
# the public functions, uniformly: f(p) or f(p, q) with keyword options
# --------------------------------------------------------------------------
SINGLE = {
    "entropy": lambda p, **k: ik.entropy(p, **k),
    "renyi_entropy_2": lambda p, **k: ik.renyi_entropy(p, 2.0, **k),
    "renyi_entropy_0.5": lambda p, **k: ik.renyi_entropy(p, 0.5, **k),
}
PAIR = {
    "cross_entropy": lambda p, q, **k: ik.cross_entropy(p, q, **k),
    "kl_divergence": lambda p, q, **k: ik.kl_divergence(p, q, **k),
    "js_divergence": lambda p, q, **k: ik.js_divergence(p, q, **k),
    "js_distance": lambda p, q, **k: ik.js_distance(p, q, **k),
    "renyi_divergence_0.5": lambda p, q, **k: ik.renyi_divergence(p, q, 0.5, **k),
    "renyi_divergence_2": lambda p, q, **k: ik.renyi_divergence(p, q, 2.0, **k),
}
SINGLE_NAMES = sorted(SINGLE)
PAIR_NAMES = sorted(PAIR)

# (function name, which argument is bad) for every distribution argument
ARGS = [(name, "p") for name in SINGLE_NAMES] + [(name, w) for name in PAIR_NAMES for w in ("p", "q")]

GOOD = np.array([0.125, 0.375, 0.5])  # exactly normalised
GOOD2 = np.array([0.25, 0.25, 0.5])


def call(name, p, q=None, **kw):
    if name in SINGLE:
        return SINGLE[name](p, **kw)
    return PAIR[name](p, GOOD2 if q is None else q, **kw)


def call_with_bad(name, which, bad, good=GOOD, **kw):
    """Call ``name`` with ``bad`` as argument ``which`` and valid other arguments."""
    if name in SINGLE:
        return SINGLE[name](bad, **kw)
    if which == "p":
        return PAIR[name](bad, good, **kw)
    return PAIR[name](good, bad, **kw)


def msg(name: str, *parts: str) -> str:
    """A regex: the quoted argument name, then each of ``parts`` (in order)."""
    return re.escape(f"'{name}'") + "".join(".*" + re.escape(p) for p in parts)


@pytest.fixture
def no_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# --------------------------------------------------------------------------
# exception hierarchy
# --------------------------------------------------------------------------
def test_exception_hierarchy():
    assert issubclass(ik.InvalidDistributionError, ValueError)
    assert issubclass(ik.InvalidArgumentError, ValueError)
    assert issubclass(ik.InvalidTypeError, TypeError)
    for cls in (ik.InvalidDistributionError, ik.InvalidArgumentError, ik.InvalidTypeError):
        assert issubclass(cls, ik.InfokitError)
    with pytest.raises(ValueError):
        ik.entropy([0.5, -0.5, 1.0])
    with pytest.raises(TypeError):
        ik.entropy(np.array([0.5, 0.5], dtype=complex))


# --------------------------------------------------------------------------
# bad probabilities
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name,which", ARGS)
def test_negative_probability(name, which):
    bad = np.array([0.75, -0.25, 0.5])  # sums to 1
    with pytest.raises(ik.InvalidDistributionError, match=msg(which, "negative", "-0.25", ">= 0")):
        call_with_bad(name, which, bad)
    # also with normalize=True: renormalising does not excuse a negative value
    with pytest.raises(ik.InvalidDistributionError, match=msg(which, "negative")):
        call_with_bad(name, which, bad, normalize=True)


@pytest.mark.parametrize("name,which", ARGS)
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_nan_or_inf_probability(name, which, value):
    bad = np.array([0.5, value, 0.5])
    with pytest.raises(ik.InvalidDistributionError, match=msg(which, "NaN or infinite")):
        call_with_bad(name, which, bad)
    with pytest.raises(ik.InvalidDistributionError, match=msg(which, "NaN or infinite")):
        call_with_bad(name, which, bad, normalize=True)


@pytest.mark.parametrize("name,which", ARGS)
@pytest.mark.parametrize("total", [0.9, 1.1, 1 + 1e-6, 2.0])
def test_not_summing_to_one(name, which, total):
    bad = GOOD * total
    with pytest.raises(ik.InvalidDistributionError, match=msg(which, "does not sum to 1", "normalize=True")):
        call_with_bad(name, which, bad)


@pytest.mark.parametrize("name,which", ARGS)
def test_batch_with_one_row_off(name, which):
    bad = np.stack([GOOD, GOOD * 1.01, GOOD])
    good = np.stack([GOOD2] * 3)
    with pytest.raises(ik.InvalidDistributionError, match=msg(which, "does not sum to 1", "normalize=True")):
        call_with_bad(name, which, bad, good=good)


@pytest.mark.parametrize("name", SINGLE_NAMES + PAIR_NAMES)
def test_normalize_true_renormalises(name, no_warnings):
    # [1, 3, 4] / 8 and [2, 2, 4] / 8 are exact in binary: the renormalised
    # inputs are exactly GOOD and GOOD2
    p_raw, q_raw = np.array([1.0, 3.0, 4.0]), np.array([2.0, 2.0, 4.0])
    expected = float(call(name, GOOD, GOOD2))
    assert float(call(name, p_raw, q_raw, normalize=True)) == pytest.approx(expected, rel=1e-15, abs=0)
    # a batch, each row with its own total, and a float32 copy
    pb = np.stack([p_raw, p_raw * 3.0, p_raw * 0.25, p_raw * 1e6])  # exact scalings
    got = np.asarray(call(name, pb, q_raw, normalize=True))
    np.testing.assert_allclose(got, np.full(4, expected), rtol=1e-15)
    got32 = call(name, p_raw.astype(np.float32), q_raw.astype(np.float32), normalize=True)
    assert got32.dtype == np.float32
    np.testing.assert_allclose(float(got32), expected, rtol=1e-5)


def test_normalize_true_closed_forms():
    assert float(ik.entropy([1.0, 3.0, 4.0], base=2, normalize=True)) == pytest.approx(
        -(0.125 * math.log2(0.125) + 0.375 * math.log2(0.375) + 0.5 * math.log2(0.5)), rel=1e-15
    )
    # KL of (1, 1)/2 from (1, 3)/4: 0.5 log(0.5/0.25) + 0.5 log(0.5/0.75)
    expected = 0.5 * math.log(2.0) + 0.5 * math.log(2.0 / 3.0)
    assert float(ik.kl_divergence([5.0, 5.0], [1.0, 3.0], normalize=True)) == pytest.approx(expected, rel=1e-14)
    # cross-entropy of (1, 1)/2 and (1, 3)/4
    expected = -0.5 * math.log(0.25) - 0.5 * math.log(0.75)
    assert float(ik.cross_entropy([7.0, 7.0], [0.1, 0.3], normalize=True)) == pytest.approx(expected, rel=1e-14)


@pytest.mark.parametrize("name,which", ARGS)
def test_normalize_true_all_zero_row(name, which):
    bad = np.stack([GOOD, np.zeros(3)])
    good = np.stack([GOOD2, GOOD2])
    with pytest.raises(ik.InvalidDistributionError, match=msg(which, "all zero", "cannot be normalised")):
        call_with_bad(name, which, bad, good=good, normalize=True)
    # without normalize=True an all-zero row is a sum error
    with pytest.raises(ik.InvalidDistributionError, match=msg(which, "does not sum to 1")):
        call_with_bad(name, which, bad, good=good)


@pytest.mark.parametrize("name,which", ARGS)
@pytest.mark.parametrize("shape", [(0,), (2, 0), (3, 2, 0)])
def test_empty_event_axis(name, which, shape):
    bad = np.zeros(shape)
    good = np.full(shape[:-1] + (3,), 1.0 / 3.0)  # the other argument is fine
    with pytest.raises(ik.InvalidDistributionError, match=msg(which, "empty", "at least one outcome")):
        call_with_bad(name, which, bad, good=good)
    with pytest.raises(ik.InvalidDistributionError, match=msg(which, "empty")):
        call_with_bad(name, which, [] if len(shape) == 1 else bad, good=good)


def test_empty_lists():
    with pytest.raises(ik.InvalidDistributionError, match=msg("p", "empty")):
        ik.entropy([])
    with pytest.raises(ik.InvalidDistributionError, match=msg("p", "empty")):
        ik.kl_divergence([], [])


@pytest.mark.parametrize("name,which", ARGS)
@pytest.mark.parametrize("scalar", [1.0, np.float64(1.0), np.array(1.0)])
def test_zero_dimensional_input(name, which, scalar):
    with pytest.raises(ik.InvalidDistributionError, match=msg(which, "at least one dimension", "scalar")):
        call_with_bad(name, which, scalar)


@pytest.mark.parametrize("name", PAIR_NAMES)
def test_mismatched_number_of_outcomes(name):
    with pytest.raises(ik.InvalidDistributionError, match=msg("p", "'q'", "same number of outcomes", "3 and 2")):
        call(name, GOOD, np.array([0.5, 0.5]))
    with pytest.raises(ik.InvalidDistributionError, match=msg("p", "'q'", "same number of outcomes", "2 and 3")):
        call(name, np.array([[0.5, 0.5]] * 4), GOOD)


@pytest.mark.parametrize("name", PAIR_NAMES)
def test_batch_shapes_that_do_not_broadcast(name):
    p = np.tile(GOOD, (2, 1))
    q = np.tile(GOOD2, (3, 1))
    with pytest.raises(ik.InvalidDistributionError, match=msg("p", "'q'", "do not broadcast", "(2, 3)", "(3, 3)")):
        call(name, p, q)
    # along another axis: the message reports shapes with the event axis last
    with pytest.raises(ik.InvalidDistributionError, match=msg("p", "'q'", "do not broadcast")):
        call(name, p.T, q.T, axis=0)


@pytest.mark.parametrize("name", PAIR_NAMES)
def test_batch_shapes_that_do_broadcast(name):
    p = np.tile(GOOD, (4, 1))
    q = np.tile(GOOD2, (2, 1, 1))
    out = call(name, p, q)
    assert out.shape == (2, 4)
    np.testing.assert_allclose(out, float(call(name, GOOD, GOOD2)), rtol=1e-15)


# --------------------------------------------------------------------------
# base, axis, alpha
# --------------------------------------------------------------------------
BAD_BASES = ["foo", "", "bit s", "2", b"bits", 0, 0.0, -2, -math.inf, 1, 1.0, True, False, np.bool_(True),
             math.nan, math.inf, None, 1 + 0j, [2]]


def _all_calls(**kw):
    yield lambda: ik.information(GOOD, **kw)
    yield lambda: ik.information(ik.from_logits(np.log(GOOD)), **kw)
    for name in SINGLE_NAMES + PAIR_NAMES:
        yield lambda name=name: call(name, GOOD, GOOD2, **kw)
    yield lambda: ik.entropy(ik.from_logits(np.log(GOOD)), **kw)
    yield lambda: ik.kl_divergence(ik.from_logits(np.log(GOOD)), GOOD2, **kw)


@pytest.mark.parametrize("base", BAD_BASES, ids=repr)
def test_bad_base(base):
    for f in _all_calls(base=base):
        with pytest.raises(ik.InvalidArgumentError, match=msg("base", "must be", "positive number other than 1")):
            f()


@pytest.mark.parametrize(
    "base,log_base",
    [("bits", LOG2), ("BITS", LOG2), ("bit", LOG2), ("shannons", LOG2), (2, LOG2), (2.0, LOG2), (np.float64(2.0), LOG2),
     (np.int64(2), LOG2), ("nats", 1.0), ("nat", 1.0), (math.e, 1.0), ("hartleys", math.log(10.0)),
     ("bans", math.log(10.0)), ("dits", math.log(10.0)), (10, math.log(10.0)), (3, math.log(3.0)),
     (0.5, math.log(0.5)), (1.5, math.log(1.5))],
    ids=repr,
)
def test_good_base(base, log_base):
    h = -(0.125 * math.log(0.125) + 0.375 * math.log(0.375) + 0.5 * math.log(0.5))
    assert float(ik.entropy(GOOD, base=base)) == pytest.approx(h / log_base, rel=1e-15)
    np.testing.assert_allclose(ik.information(GOOD, base=base), -np.log(GOOD) / log_base, rtol=1e-15)


@pytest.mark.parametrize("axis", [1, 2, -2, -3, 100])
def test_axis_out_of_range(axis):
    p = GOOD  # one dimension
    with pytest.raises(ik.InvalidArgumentError, match=msg("axis", str(axis), "out of range", "[-1, 0]")):
        ik.entropy(p, axis=axis)
    for name in PAIR_NAMES:
        with pytest.raises(ik.InvalidArgumentError, match=msg("axis", "out of range")):
            call(name, p, GOOD2, axis=axis)
    with pytest.raises(ik.InvalidArgumentError, match=msg("axis", "out of range")):
        ik.from_logits(np.log(p), axis=axis)
    with pytest.raises(ik.InvalidArgumentError, match=msg("axis", "out of range", "[-2, 1]")):
        ik.entropy(np.tile(p, (2, 1)), axis=2 if axis > 0 else -3)


@pytest.mark.parametrize("axis", [1.0, 0.5, "0", None, [0], (0,)], ids=repr)
def test_axis_not_an_integer(axis):
    with pytest.raises(ik.InvalidArgumentError, match=msg("axis", "must be an integer")):
        ik.entropy(GOOD, axis=axis)
    for name in PAIR_NAMES + SINGLE_NAMES:
        with pytest.raises(ik.InvalidArgumentError, match=msg("axis", "integer")):
            call(name, GOOD, GOOD2, axis=axis)
    with pytest.raises(ik.InvalidArgumentError, match=msg("axis", "integer")):
        ik.from_logits(np.log(GOOD), axis=axis)


def test_axis_bool_rejected():
    p = np.tile(GOOD, (3, 1)).T  # (3 outcomes, 3 distributions): axis=True would silently mean axis 1
    with pytest.raises(ik.InvalidArgumentError, match=msg("axis")):
        ik.entropy(p, axis=True)


def test_numpy_integer_axis_accepted():
    p = np.tile(GOOD, (2, 1)).T
    np.testing.assert_allclose(ik.entropy(p, axis=np.int64(0)), ik.entropy(GOOD), rtol=1e-15)


@pytest.mark.parametrize("alpha", [-1, -0.5, -1e-300, -math.inf, math.nan, True, False, "2", None, 1j, [2.0]], ids=repr)
def test_bad_alpha(alpha):
    with pytest.raises(ik.InvalidArgumentError, match=msg("alpha", "real number >= 0")):
        ik.renyi_entropy(GOOD, alpha)
    with pytest.raises(ik.InvalidArgumentError, match=msg("alpha", "real number >= 0")):
        ik.renyi_divergence(GOOD, GOOD2, alpha)
    with pytest.raises(ik.InvalidArgumentError, match=msg("alpha")):
        ik.renyi_entropy(ik.from_logits(np.log(GOOD)), alpha)


@pytest.mark.parametrize("alpha", [0, 0.0, -0.0, np.float64(2.0), np.int64(2), 2, math.inf], ids=repr)
def test_good_alpha(alpha):
    a = float(alpha)
    if a == 0:
        expected = math.log(3.0)
    elif a == math.inf:
        expected = -math.log(0.5)
    else:
        expected = math.log(np.sum(GOOD**a)) / (1 - a)
    assert float(ik.renyi_entropy(GOOD, alpha)) == pytest.approx(expected, rel=1e-14)


# --------------------------------------------------------------------------
# types
# --------------------------------------------------------------------------
@pytest.mark.parametrize("name,which", ARGS)
def test_complex_dtype(name, which):
    bad = GOOD.astype(np.complex128)
    with pytest.raises(ik.InvalidTypeError, match=msg(which, "real-valued", "complex")):
        call_with_bad(name, which, bad)


@pytest.mark.parametrize("name,which", ARGS)
def test_ragged_lists(name, which):
    with pytest.raises(ik.InvalidTypeError, match=re.escape(f"'{which}'")):
        call_with_bad(name, which, [[0.5, 0.5], [1.0]])


@pytest.mark.parametrize("name,which", ARGS)
@pytest.mark.parametrize("bad", [["a", "b"], "ab", np.array(["0.5", "0.5"]), None,
                                 np.array([0.5, 0.5], dtype=object)], ids=repr)
def test_non_numeric(name, which, bad):
    with pytest.raises(ik.InvalidTypeError, match=re.escape(f"'{which}'")):
        call_with_bad(name, which, bad, good=np.array([0.5, 0.5]))


@pytest.mark.parametrize("name,which", [a for a in ARGS if a[0] in PAIR_NAMES])
def test_dict_with_array_is_a_type_error(name, which):
    # a dict is a distribution keyed by outcome label; an array has no labels to align it with
    with pytest.raises(ik.InvalidTypeError, match=re.escape(f"'{which}' is a dict")):
        call_with_bad(name, which, {"a": 1.0}, good=np.array([0.5, 0.5]))


def test_non_numeric_logits():
    with pytest.raises(ik.InvalidTypeError, match=msg("z")):
        ik.from_logits(["a", "b"])
    with pytest.raises(ik.InvalidTypeError, match=msg("z", "real-valued")):
        ik.from_logits(np.zeros(2, dtype=complex))
    with pytest.raises(ik.InvalidTypeError):
        ik.information(np.array([0.5], dtype=complex))


@pytest.mark.parametrize("name", PAIR_NAMES)
def test_mixing_torch_and_numpy(name):
    torch = pytest.importorskip("torch")
    pt = torch.tensor(GOOD)
    with pytest.raises(ik.InvalidTypeError, match=r"same array library \('p' is torch\.Tensor, 'q' is numpy\.ndarray\)"):
        call(name, pt, GOOD2)
    with pytest.raises(ik.InvalidTypeError, match=r"same array library"):
        call(name, GOOD, torch.tensor(GOOD2))
    with pytest.raises(ik.InvalidTypeError, match=r"same array library"):
        call(name, ik.from_logits(torch.log(pt)), GOOD2)


def test_integer_and_bool_inputs_are_probabilities():
    assert float(ik.entropy([0, 1, 0])) == 0.0
    assert float(ik.entropy(np.array([True, False]))) == 0.0
    assert float(ik.kl_divergence([1, 0], [1, 0])) == 0.0
    assert float(ik.cross_entropy([1, 0], [0.5, 0.5])) == pytest.approx(LOG2, rel=1e-15)


# --------------------------------------------------------------------------
# logits and log-probabilities
# --------------------------------------------------------------------------
# errors name the argument as the caller wrote it: from_logits(z), from_log_probs(lp)
LOGITS_NAME = {ik.from_logits: "'z'", ik.from_log_probs: "'lp'"}


@pytest.mark.parametrize("make", [ik.from_logits, ik.from_log_probs])
@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_logits_nan_or_pos_inf(make, value):
    with pytest.raises(ik.InvalidDistributionError, match=LOGITS_NAME[make] + r".*NaN or \+inf"):
        make(np.array([[0.0, -1.0], [value, 0.0]]))


@pytest.mark.parametrize("make", [ik.from_logits, ik.from_log_probs])
def test_logits_all_minus_inf_row(make):
    z = np.array([[0.0, -np.inf], [-np.inf, -np.inf]])
    with pytest.raises(ik.InvalidDistributionError, match=LOGITS_NAME[make] + r".*all -inf"):
        make(z)
    with pytest.raises(ik.InvalidDistributionError, match=LOGITS_NAME[make] + r".*all -inf"):
        make(z.T, axis=0)


def test_logits_zero_dimensional():
    with pytest.raises(ik.InvalidDistributionError, match=msg("z", "at least one dimension")):
        ik.from_logits(0.0)


def test_logits_minus_inf_is_zero_probability(no_warnings):
    c = ik.from_logits(np.array([0.0, -np.inf, 0.0]))
    assert float(ik.entropy(c)) == pytest.approx(LOG2, rel=1e-15)
    info = ik.information(c)
    assert info[1] == np.inf
    np.testing.assert_allclose(info[[0, 2]], LOG2, rtol=1e-15)


@pytest.mark.parametrize("shift", [1e-3, -0.5, 2.0])
def test_from_log_probs_must_normalise(shift):
    lp = np.log(GOOD) + shift
    with pytest.raises(ik.InvalidDistributionError, match=msg("lp", "not normalised", "from_logits", "normalize=True")):
        ik.from_log_probs(lp)
    # a batch where only one row is off
    with pytest.raises(ik.InvalidDistributionError, match=msg("lp", "not normalised")):
        ik.from_log_probs(np.stack([np.log(GOOD), lp]))
    # normalize=True (and from_logits) accept it: it is GOOD again
    h = -np.sum(GOOD * np.log(GOOD))
    assert float(ik.entropy(ik.from_log_probs(lp, normalize=True))) == pytest.approx(h, rel=1e-14)
    assert float(ik.entropy(ik.from_logits(lp))) == pytest.approx(h, rel=1e-14)


def test_from_log_probs_tolerance():
    lp = np.log(GOOD)
    ik.from_log_probs(lp + 1e-9)  # within sqrt(eps) of float64
    with pytest.raises(ik.InvalidDistributionError, match=msg("lp", "not normalised")):
        ik.from_log_probs(lp + 1e-7)
    ik.from_log_probs((lp + 1e-4).astype(np.float32))  # within sqrt(eps) of float32
    with pytest.raises(ik.InvalidDistributionError, match=msg("lp", "not normalised")):
        ik.from_log_probs((lp + 1e-3).astype(np.float32))


# --------------------------------------------------------------------------
# tolerance of the sum: sqrt(eps) of the dtype
# --------------------------------------------------------------------------
TOL32 = math.sqrt(np.finfo(np.float32).eps)  # 3.45e-4
TOL64 = math.sqrt(np.finfo(np.float64).eps)  # 1.49e-8


@pytest.mark.parametrize("name,which", ARGS)
@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
def test_sum_tolerance_depends_on_dtype(name, which, large):
    rng = np.random.default_rng(20240611)
    n = 100_000 if large else 5
    shape = (3, n)
    base = rng.random(shape) + 0.05
    base /= base.sum(axis=-1, keepdims=True)
    good = np.full(shape, 1.0 / n)
    off = base * (1 + 0.5 * TOL32)  # float32-level error: 1.7e-4
    # float32: accepted, and computed as the exact distribution off / sum(off)
    off32 = off.astype(np.float32)
    got = call_with_bad(name, which, off32, good=good.astype(np.float32))
    assert got.dtype == np.float32
    exact = off32.astype(np.float64)
    exact /= exact.sum(axis=-1, keepdims=True)
    ref = call_with_bad(name, which, exact, good=good)
    np.testing.assert_allclose(got, ref, rtol=2e-5, atol=1e-6)
    # float64 with the same error: rejected
    with pytest.raises(ik.InvalidDistributionError, match=msg(which, "does not sum to 1", "float64", "normalize=True")):
        call_with_bad(name, which, off, good=good)
    # float64 with a float64-level error (0.5 sqrt(eps)): accepted
    call_with_bad(name, which, base * (1 + 0.5 * TOL64), good=good)
    # float32 beyond its tolerance: rejected, with the float32 tolerance in the message
    with pytest.raises(ik.InvalidDistributionError, match=msg(which, "does not sum to 1", "float32")):
        call_with_bad(name, which, (base * (1 + 3 * TOL32)).astype(np.float32), good=good.astype(np.float32))


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
def test_within_tolerance_inputs_are_the_exact_distributions(large, no_warnings):
    # inputs whose sums are off by less than the tolerance denote p / sum(p):
    # rescaling them must not change any measure
    n = 100_000 if large else 7
    p = _dists_np(31, (3, n))
    q = _dists_np(32, (3, n))
    a, b = p * (1 + 0.6 * TOL64), q * (1 - 0.6 * TOL64)
    for name in SINGLE_NAMES + PAIR_NAMES:
        np.testing.assert_allclose(call(name, a, b), call(name, p, q), rtol=1e-12, err_msg=name)
    # float32: the same distribution given with sums 1 and 1 + 1.7e-4 is at KL divergence
    # ~0 (the float32 rounding of the entries leaves ~1e-15); taking the inputs as they
    # are would give delta^2 / 2 = 1.5e-8.  (JS: see test_backends, float32 near-identical.)
    p32 = p.astype(np.float32)
    s32 = (p * (1 + 0.5 * TOL32)).astype(np.float32)
    d = np.asarray(ik.kl_divergence(p32, s32))
    assert d.dtype == np.float32
    assert np.all(np.abs(d) <= 1e-12), d
    # measures computed in float32 log space are exact only to a few float32 ulps of 1
    eps32 = float(np.finfo(np.float32).eps)
    for alpha in (0.5, 2.0):
        d = np.asarray(ik.renyi_divergence(p32, s32, alpha))
        assert d.dtype == np.float32
        assert np.all(np.abs(d) <= 4 * eps32), (alpha, d)
    np.testing.assert_allclose(ik.cross_entropy(p32, s32), ik.entropy(p32), rtol=4 * eps32, atol=4 * eps32)


def _dists_np(seed, shape):
    rng = np.random.default_rng(seed)
    w = rng.random(shape) + 0.01
    return w / w.sum(axis=-1, keepdims=True)


# --------------------------------------------------------------------------
# zeros: legitimate, never errors, never NaN, never warnings
# --------------------------------------------------------------------------
def test_zero_where_both_zero_contributes_nothing(no_warnings):
    p, q = np.array([0.5, 0.5, 0.0]), np.array([0.25, 0.75, 0.0])
    kl = 0.5 * math.log(0.5 / 0.25) + 0.5 * math.log(0.5 / 0.75)
    ce = -0.5 * math.log(0.25) - 0.5 * math.log(0.75)
    assert float(ik.kl_divergence(p, q)) == pytest.approx(kl, rel=1e-15)
    assert float(ik.cross_entropy(p, q)) == pytest.approx(ce, rel=1e-15)
    assert float(ik.entropy(p)) == pytest.approx(LOG2, rel=1e-15)
    assert float(ik.js_divergence(p, q)) == pytest.approx(float(ik.js_divergence(p[:2], q[:2])), rel=1e-15)
    assert float(ik.renyi_divergence(p, q, 2.0)) == pytest.approx(math.log(0.25 / 0.25 + 0.25 / 0.75), rel=1e-14)
    assert float(ik.kl_divergence(p, p)) == 0.0


def test_zero_in_p_only(no_warnings):
    p, q = np.array([1.0, 0.0]), np.array([0.5, 0.5])
    assert float(ik.kl_divergence(p, q)) == pytest.approx(LOG2, rel=1e-15)
    assert float(ik.cross_entropy(p, q)) == pytest.approx(LOG2, rel=1e-15)
    assert float(ik.entropy(p)) == 0.0


@pytest.mark.parametrize("large", [False, True], ids=["small", "large"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_p_positive_where_q_zero_is_inf(large, dtype, no_warnings):
    n = 100_000 if large else 4
    p = np.full((3, n), 1.0 / n, dtype=dtype)
    q = np.zeros((3, n), dtype=dtype)
    q[:, : n // 2] = 2.0 / n
    q[0] = 1.0 / n  # row 0: finite (q = p)
    for f in (ik.kl_divergence, ik.cross_entropy, lambda a, b: ik.renyi_divergence(a, b, 2.0),
              lambda a, b: ik.renyi_divergence(a, b, math.inf)):
        out = np.asarray(f(p, q))
        assert out.dtype == dtype
        assert not np.isnan(out).any()
        assert np.all(np.isinf(out[1:])) and np.all(out[1:] > 0)
        assert np.isfinite(out[0])
    assert float(ik.kl_divergence(p, q)[0]) == pytest.approx(0.0, abs=1e-6 if dtype == np.float32 else 1e-15)
    # JS stays finite and within [0, log 2]
    js = ik.js_divergence(p, q)
    assert np.all(np.isfinite(js)) and np.all(js <= LOG2 * (1 + 1e-6))
    # and the reverse direction is finite: q > 0 only where p > 0
    assert np.all(np.isfinite(ik.kl_divergence(q, p)))
    np.testing.assert_allclose(ik.kl_divergence(q[1:], p[1:]), LOG2, rtol=1e-6 if dtype == np.float32 else 1e-14)


def test_scalar_inf_results(no_warnings):
    assert ik.kl_divergence([0.5, 0.5], [1.0, 0.0]) == np.inf
    assert ik.cross_entropy([0.5, 0.5], [1.0, 0.0]) == np.inf
    assert ik.kl_divergence(ik.from_logits([0.0, 0.0]), ik.from_logits([0.0, -np.inf])) == np.inf
    assert ik.cross_entropy([0.5, 0.5], ik.from_logits([0.0, -np.inf])) == np.inf


def test_information_of_zero_is_inf(no_warnings):
    assert ik.information(0.0) == np.inf
    assert isinstance(ik.information(0.0), np.floating)
    out = ik.information([0.0, 0.25, 1.0])
    assert out[0] == np.inf
    assert out[1] == pytest.approx(math.log(4.0), rel=1e-15)
    assert out[2] == 0.0
    assert ik.information(np.float32(0.0)) == np.inf
    assert ik.information(np.array([0.0], dtype=np.float32)).dtype == np.float32


@pytest.mark.parametrize("bad,what", [([0.5, 1.5], "greater than 1"), ([0.5, -0.5], "negative"),
                                      ([np.nan], "NaN"), ([np.inf], "NaN or infinite")])
def test_information_rejects_non_probabilities(bad, what):
    with pytest.raises(ik.InvalidDistributionError, match=msg("p", what)):
        ik.information(bad)


def test_information_does_not_need_a_sum():
    # surprisal is elementwise: any values in [0, 1]
    np.testing.assert_allclose(ik.information([0.9, 0.9, 0.9]), -math.log(0.9), rtol=1e-15)


# --------------------------------------------------------------------------
# the NumPy fast path validates large inputs exactly like the generic path
# --------------------------------------------------------------------------
BIG = (3, 100_000)


def _big_pair(dtype=np.float64):
    rng = np.random.default_rng(12345)
    p = rng.random(BIG) + 0.01
    q = rng.random(BIG) + 0.01
    p /= p.sum(axis=-1, keepdims=True)
    q /= q.sum(axis=-1, keepdims=True)
    return p.astype(dtype), q.astype(dtype)


def _error_of(f):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            f()
        except ik.InfokitError as exc:
            return type(exc), str(exc)
    return None


BAD_ENTRIES = {
    "negative": (-1e-3, "negative"),
    "negative_tiny": (-1e-300, "negative"),
    "nan": (np.nan, "NaN or infinite"),
    "inf": (np.inf, "NaN or infinite"),
    "minus_inf": (-np.inf, "NaN or infinite"),
}


@pytest.mark.parametrize("name,which", ARGS)
@pytest.mark.parametrize("kind", sorted(BAD_ENTRIES))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_large_input_with_bad_entry_deep_inside(name, which, kind, dtype):
    value, what = BAD_ENTRIES[kind]
    if dtype == np.float32 and kind == "negative_tiny":
        value = -1e-40  # a float32 subnormal
    p, q = _big_pair(dtype)
    bad = p if which == "p" else q
    bad[1, 77_777] = value
    good = q if which == "p" else p
    err = _error_of(lambda: call_with_bad(name, which, bad, good=good))
    assert err is not None, "no error raised"
    cls, text = err
    assert cls is ik.InvalidDistributionError
    assert re.search(msg(which, what), text), text
    # the same input through the generic (array-API) path gives the same error
    xs = pytest.importorskip("array_api_strict")
    ref = _error_of(lambda: call_with_bad(name, which, xs.asarray(bad), good=xs.asarray(good)))
    assert ref == err


@pytest.mark.parametrize("name,which", ARGS)
@pytest.mark.parametrize("where", ["first_block", "last_element", "middle_row"])
def test_large_input_not_summing_to_one(name, which, where):
    p, q = _big_pair()
    bad = (p if which == "p" else q).copy()
    good = q if which == "p" else p
    if where == "first_block":
        bad[0, 5] += 1e-6
    elif where == "last_element":
        bad[2, -1] += 1e-6
    else:
        bad[1] *= 1 + 1e-7
    err = _error_of(lambda: call_with_bad(name, which, bad, good=good))
    assert err is not None
    cls, text = err
    assert cls is ik.InvalidDistributionError
    assert re.search(msg(which, "does not sum to 1", "normalize=True"), text), text
    xs = pytest.importorskip("array_api_strict")
    assert _error_of(lambda: call_with_bad(name, which, xs.asarray(bad), good=xs.asarray(good))) == err


@pytest.mark.parametrize("name", SINGLE_NAMES + PAIR_NAMES)
def test_large_input_negative_and_compensating_entries(name):
    # a negative entry balanced by a larger one keeps the sum at 1: only the
    # minimum (or the NaN it produces in the logarithm) can reveal it
    p, q = _big_pair()
    p[2, 99_999] += 1e-5 + p[2, 50_000]
    p[2, 50_000] = -1e-5
    assert p[2, 50_000] < 0
    assert abs(p[2].sum() - 1) < 1e-12
    err = _error_of(lambda: call(name, p, q))
    assert err is not None and err[0] is ik.InvalidDistributionError
    assert re.search(msg("p", "negative"), err[1]), err[1]


@pytest.mark.parametrize("name,which", ARGS)
def test_large_input_negative_where_other_is_zero(name, which):
    # a negative entry facing an exact zero of the other argument: 0 * log(...)
    # and x / 0 must not hide it (its sum stays within tolerance: 1e-9 off)
    p, q = _big_pair()
    bad = (p if which == "p" else q).copy()
    good = (q if which == "p" else p).copy()
    good[0, 1000] = 0.0
    good[0] /= good[0].sum()
    bad[0, 1000] = -1e-9
    bad[0] /= bad[0].sum()
    err = _error_of(lambda: call_with_bad(name, which, bad, good=good))
    assert err is not None and err[0] is ik.InvalidDistributionError
    assert re.search(msg(which, "negative"), err[1]), err[1]
    xs = pytest.importorskip("array_api_strict")
    assert _error_of(lambda: call_with_bad(name, which, xs.asarray(bad), good=xs.asarray(good))) == err


@pytest.mark.parametrize("shape", [(300_000,), (2, 3, 50_000), (40_000, 4)], ids=str)
def test_large_input_other_shapes(shape):
    rng = np.random.default_rng(99)
    p = rng.random(shape) + 0.01
    p /= p.sum(axis=-1, keepdims=True)
    idx = tuple(s - 2 for s in shape)
    for value, what in ((-0.5, "negative"), (np.nan, "NaN")):
        bad = p.copy()
        bad[idx] = value
        err = _error_of(lambda: ik.entropy(bad))
        assert err is not None and err[0] is ik.InvalidDistributionError
        assert re.search(msg("p", what), err[1])
        err = _error_of(lambda: ik.kl_divergence(p, bad))
        assert err is not None and re.search(msg("q", what), err[1])
    # and valid large input of every shape evaluates without warnings, to the closed form
    u = np.full(shape, 1.0 / shape[-1])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(ik.entropy(u), math.log(shape[-1]), rtol=1e-13)
        np.testing.assert_allclose(ik.kl_divergence(u, u), 0.0, atol=1e-15)


def test_large_input_normalize_true():
    p, q = _big_pair()
    expected = np.asarray(ik.kl_divergence(p, q))
    scale = np.array([[3.0], [0.25], [1e10]])
    np.testing.assert_allclose(ik.kl_divergence(p * scale, q, normalize=True), expected, rtol=1e-13)
    np.testing.assert_allclose(ik.entropy(p * scale, normalize=True), ik.entropy(p), rtol=1e-13)
    with pytest.raises(ik.InvalidDistributionError, match=msg("p", "all zero")):
        bad = p.copy()
        bad[1] = 0.0
        ik.entropy(bad, normalize=True)
