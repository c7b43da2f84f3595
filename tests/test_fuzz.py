"""Adversarial inputs for every public callable: no wrong value, no NaN, only clear errors that name the argument.

Two parts, both bounded and deterministic:

* the hand-picked cases of :mod:`fuzzing` (NaN, +-inf, subnormals, float16,
  huge and tiny values, empty and 0-d arrays, ints / bools / complex /
  objects / strings, ragged lists, masked and read-only arrays, torch tensors
  with a gradient, invalid options, invalid scipy parameters, broken model
  callables), each judged by :func:`fuzzing.judge` against an mpmath
  reference or the error rule;
* hypothesis-generated arrays (seeded, derandomised) with special values and
  random shapes for the exact measures, judged the same way.

``benchmarks/fuzz_public.py`` runs the same engine longer and reports the
figures by category.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from hypothesis.extra import numpy as hnp

import infokit as ik

import fuzzing

try:
    import torch  # noqa: F401

    HAVE_TORCH = True
except ImportError:  # pragma: no cover - torch is in the test extra
    HAVE_TORCH = False

CASES = fuzzing.all_cases(torch=HAVE_TORCH)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hand_picked_case(case):
    outcome, detail = fuzzing.judge(case, time_limit=20.0)
    assert outcome == "ok", f"{case.id}: {outcome}: {detail}"


def test_the_judge_catches_each_kind_of_problem():
    """The rule itself: a wrong value, a NaN, a foreign exception, a message naming another argument, a hang."""
    def case(call, validity=fuzzing.VALID, reference=None, slot="p"):
        return fuzzing.Case("t", slot, "v", validity, call, reference)

    assert fuzzing.judge(case(lambda: 1.0, reference=fuzzing._close(2.0, 1e-9)))[0] == "wrong_value"
    assert fuzzing.judge(case(lambda: float("nan")))[0] == "nan"
    assert fuzzing.judge(case(lambda: [][1], fuzzing.INVALID))[0] == "unclear_error"
    assert fuzzing.judge(case(lambda: ik.entropy([0.5, 0.6]), fuzzing.INVALID, slot="q"))[0] == "wrong_argument"
    assert fuzzing.judge(case(lambda: ik.entropy([0.5, 0.6]), fuzzing.INVALID, slot="p"))[0] == "ok"
    assert fuzzing.judge(case(lambda: ik.entropy([0.5, 0.6])))[0] == "error_on_valid"
    assert fuzzing.judge(case(lambda: 1.0, fuzzing.INVALID))[0] == "wrong_value"

    def spin():
        while True:
            pass

    assert fuzzing.judge(case(spin), time_limit=0.2)[0] == "hang"


# --------------------------------------------------------------------------
# generated arrays for the exact measures
# --------------------------------------------------------------------------
_SPECIAL = st.sampled_from([0.0, -0.0, 1.0, 0.5, 5e-324, 2.2e-308, 1e-300, 1e300, -1.0, math.nan, math.inf, -math.inf])
_ELEMENT = st.one_of(st.floats(0.0, 1.0), _SPECIAL)
_DTYPES = st.sampled_from([np.float64, np.float32, np.float16])


@st.composite
def arrays(draw, n=None):
    dtype = draw(_DTYPES)
    shape = draw(hnp.array_shapes(min_dims=1, max_dims=2, min_side=0 if n is None else n, max_side=6))
    if n is not None:
        shape = shape[:-1] + (n,)
    a = draw(hnp.arrays(np.float64, shape, elements=_ELEMENT))
    normalise = draw(st.booleans())
    if normalise and a.size and np.all(np.isfinite(a)) and np.all(a >= 0):
        s = a.sum(axis=-1, keepdims=True)
        a = np.where(s > 0, a / np.where(s > 0, s, 1.0), a)
    with np.errstate(all="ignore"):
        return a.astype(dtype)


def _rows_valid(a) -> bool:
    """Whether every row is a distribution under infokit's documented rule (tolerance of the dtype)."""
    if a.shape[-1] == 0:
        return False  # no outcomes
    if a.size == 0:
        return True  # an empty batch of distributions: an empty result
    a64 = a.astype(np.float64)
    if not np.all(np.isfinite(a64)) or np.any(a64 < 0):
        return False
    tol = math.sqrt(float(np.finfo(a.dtype).eps))
    return bool(np.all(np.abs(a64.sum(axis=-1) - 1.0) <= tol))


def _check(call, a, name, reference_rows, rtol):
    """A call on generated ``a`` (argument ``name``): the reference per row for valid rows, else a clear error."""
    valid = _rows_valid(a)
    try:
        result = call()
    except ik.InfokitError as e:
        assert not valid, f"error on a valid input {a!r}: {e}"
        assert fuzzing.names_argument(str(e), name) or "outcomes" in str(e), f"message does not name {name!r}: {e}"
        return
    assert valid, f"no error for an invalid input {a!r}: got {result!r}"
    got = np.atleast_1d(np.asarray(result, dtype=np.float64)).reshape(-1)
    refs = [reference_rows(row) for row in a.reshape(-1, a.shape[-1])]
    assert not np.any(np.isnan(got)), f"NaN for {a!r}"
    for g, r in zip(got, refs):
        if math.isinf(r):
            assert g == r
        else:
            assert abs(g - r) <= rtol * abs(r) + 1e-12, f"{g} != {r} for {a!r}"


_RTOL = {np.dtype(np.float64): 1e-9, np.dtype(np.float32): 2e-5, np.dtype(np.float16): 5e-3}


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(arrays())
def test_generated_entropy(a):
    _check(lambda: ik.entropy(a), a, "p", fuzzing.ref_entropy, _RTOL[a.dtype])


@settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(1, 5).flatmap(lambda n: st.tuples(arrays(n), st.just(np.full(n, 1.0 / n)))), st.booleans())
def test_generated_kl_and_cross_entropy(pair, swap):
    a, u = pair
    if swap:
        _check(lambda: ik.kl_divergence(u, a), a, "q", lambda row: fuzzing.ref_kl(u, row), _RTOL[a.dtype])
    else:
        _check(lambda: ik.kl_divergence(a, u), a, "p", lambda row: fuzzing.ref_kl(row, u), _RTOL[a.dtype])
        _check(lambda: ik.cross_entropy(a, u), a, "p", lambda row: fuzzing.ref_cross_entropy(row, u),
               _RTOL[a.dtype])


@settings(max_examples=150, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
@given(hnp.arrays(np.float64, st.integers(1, 6),
                  elements=st.one_of(st.floats(-1e3, 1e3), st.sampled_from([-math.inf, 1e17, -1e17, 1e300]))),
       hnp.arrays(np.float64, st.integers(1, 6), elements=st.floats(-50, 50)))
def test_generated_logits(zp, zq):
    n = min(zp.size, zq.size)
    zp, zq = zp[:n], zq[:n]
    try:
        got = ik.kl_divergence(ik.from_logits(zp), ik.from_logits(zq))
    except ik.InfokitError as e:
        assert np.all(zp == -math.inf), f"error on valid logits {zp}: {e}"
        assert fuzzing.names_argument(str(e), "z") or fuzzing.names_argument(str(e), "p")
        return
    ref = fuzzing.ref_softmax_kl(zp, zq)
    assert not math.isnan(got)
    assert abs(got - ref) <= 1e-9 * abs(ref) + 1e-140, (zp, zq, got, ref)  # 1e-140: the reference's own rounding
