"""Adversarial calls of every public callable, and the rule that judges each outcome.

The engine behind ``tests/test_fuzz.py`` (a bounded, derandomised run in the
suite) and ``benchmarks/fuzz_public.py`` (a longer run by hand, figures in
``benchmarks/RESULTS.md``).

A *case* is one call: a public callable, the argument that gets an
adversarial value (its *slot*), and the value.  Every other argument is a
valid one.  Each value says whether it is a valid input for that slot
(``VALID``), an invalid one (``INVALID``) or one where either a correct value
or a clear error is right (``EITHER``).  The outcome of a call is one of

* ``ok`` -- a valid input gave the reference value (computed independently, in
  mpmath or by a closed form), or an invalid input raised an error from
  :mod:`infokit.errors` whose message names the slot's argument;
* ``wrong_value`` -- a value that differs from the reference;
* ``nan`` -- a NaN nobody asked for (never right: NaN input is an error);
* ``unclear_error`` -- an exception outside :mod:`infokit.errors`;
* ``wrong_argument`` -- an infokit error whose message does not name the slot;
* ``error_on_valid`` -- an error for a valid input;
* ``hang`` -- a call over the time limit.
"""

from __future__ import annotations

import contextlib
import math
import re
import signal
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable

import mpmath
import numpy as np

import infokit as ik
from infokit import errors

VALID, INVALID, EITHER = "valid", "invalid", "either"
OUTCOMES = ("ok", "wrong_value", "nan", "unclear_error", "wrong_argument", "error_on_valid", "hang")
TIME_LIMIT = 10.0  # seconds per call

mpmath.mp.dps = 40


# --------------------------------------------------------------------------
# references (independent of infokit: mpmath on the float64 values)
# --------------------------------------------------------------------------
def _mp(v):
    """The distribution ``v / sum(v)`` in mpmath (the exact distribution a valid input stands for)."""
    x = [mpmath.mpf(float(a)) for a in np.asarray(v, dtype=np.float64).ravel()]
    s = mpmath.fsum(x)
    return [a / s for a in x] if s > 0 else x


def ref_entropy(p):
    return float(-mpmath.fsum(x * mpmath.log(x) for x in _mp(p) if x > 0))


def ref_cross_entropy(p, q):
    terms = []
    for a, b in zip(_mp(p), _mp(q)):
        if a > 0:
            if b == 0:
                return math.inf
            terms.append(-a * mpmath.log(b))
    return float(mpmath.fsum(terms))


def ref_kl(p, q):
    terms = []
    for a, b in zip(_mp(p), _mp(q)):
        if a > 0:
            if b == 0:
                return math.inf
            terms.append(a * mpmath.log(a / b))
    return float(mpmath.fsum(terms))


def ref_js(p, q):
    m = [(a + b) / 2 for a, b in zip(_mp(p), _mp(q))]
    return float((mpmath.mpf(ref_kl_mp(_mp(p), m)) + ref_kl_mp(_mp(q), m)) / 2)


def ref_kl_mp(p, q):
    return mpmath.fsum(a * mpmath.log(a / b) for a, b in zip(p, q) if a > 0)


def ref_renyi(p, alpha):
    return float(mpmath.log(mpmath.fsum(x**alpha for x in _mp(p) if x > 0)) / (1 - alpha))


def _ref_renyi_div(p, q, alpha):
    if any(b == 0 for a, b in zip(_mp(p), _mp(q)) if a > 0):
        return math.inf
    terms = [a**alpha * b ** (1 - alpha) for a, b in zip(_mp(p), _mp(q)) if a > 0]
    return float(mpmath.log(mpmath.fsum(terms)) / (alpha - 1))


def ref_softmax_kl(zp, zq):
    """D(softmax zp || softmax zq) at 150 digits (tiny KLs of nearly equal logits keep their digits)."""
    with mpmath.workdps(150):
        zp = [mpmath.mpf(float(z)) for z in zp]
        zq = [mpmath.mpf(float(z)) for z in zq]
        zp = [z - max(zp) for z in zp]  # exact: a shift by the largest logit keeps the digits that matter
        zq = [z - max(zq) for z in zq]
        lse_p = mpmath.log(mpmath.fsum(mpmath.e**z for z in zp))
        lse_q = mpmath.log(mpmath.fsum(mpmath.e**z for z in zq))
        terms = [mpmath.e ** (a - lse_p) * ((a - lse_p) - (b - lse_q)) for a, b in zip(zp, zq) if a != -mpmath.inf]
        return float(mpmath.fsum(terms))


# --------------------------------------------------------------------------
# adversarial values for a distribution slot
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Value:
    name: str
    make: Callable[[], Any]
    validity: str
    #: the float64 probabilities the reference is computed from (valid values)
    probs: Any = None
    #: relative tolerance of the reference comparison
    rtol: float = 1e-9


def _readonly(a):
    a = np.array(a, dtype=np.float64)
    a.setflags(write=False)
    return a


def _torch(values, grad=False, dtype="float64"):
    def make():
        import torch

        return torch.tensor(values, dtype=getattr(torch, dtype), requires_grad=grad)

    return make


P3 = [0.2, 0.3, 0.5]


def distribution_values(torch: bool = True) -> list[Value]:
    """Values for an argument that takes a probability vector (length 3 where it has one)."""
    sub = 1e-310
    vals = [
        Value("float64", lambda: np.array(P3), VALID, P3),
        Value("list", lambda: list(P3), VALID, P3),
        Value("float32", lambda: np.array(P3, np.float32), VALID, np.array(P3, np.float32), 1e-6),
        Value("float16", lambda: np.array([0.25, 0.25, 0.5], np.float16), VALID, [0.25, 0.25, 0.5], 1e-3),
        Value("subnormal", lambda: np.array([1.0 - 2 * sub, sub, sub]), VALID, [1.0 - 2 * sub, sub, sub]),
        Value("tiny", lambda: np.array([1.0 - 2e-300, 1e-300, 1e-300]), VALID, [1.0 - 2e-300, 1e-300, 1e-300]),
        Value("with_zero", lambda: np.array([0.5, 0.5, 0.0]), VALID, [0.5, 0.5, 0.0]),
        Value("ints", lambda: np.array([0, 1, 0]), VALID, [0.0, 1.0, 0.0]),
        Value("read_only", lambda: _readonly(P3), VALID, P3),
        Value("negative_zero", lambda: np.array([0.5, 0.5, -0.0]), VALID, [0.5, 0.5, 0.0]),
        Value("nan", lambda: np.array([np.nan, 0.5, 0.5]), INVALID),
        Value("inf", lambda: np.array([np.inf, 0.0, 0.0]), INVALID),
        Value("negative", lambda: np.array([-0.1, 0.6, 0.5]), INVALID),
        Value("sum_not_one", lambda: np.array([0.5, 0.6, 0.3]), INVALID),
        Value("huge", lambda: np.array([1e308, 1e308, 1e308]), INVALID),
        Value("empty", lambda: np.array([]), INVALID),
        Value("complex", lambda: np.array([0.2 + 0j, 0.3, 0.5]), INVALID),
        Value("object_none", lambda: np.array([0.5, None, 0.5], dtype=object), INVALID),
        Value("strings", lambda: ["a", "b", "c"], INVALID),
        Value("string", lambda: "abc", INVALID),
        Value("ragged", lambda: [[0.5, 0.5], [1.0]], INVALID),
        Value("none", lambda: None, INVALID),
        Value("masked", lambda: np.ma.array([0.2, 0.3, 0.5, 0.3], mask=[0, 0, 0, 1]), INVALID),
        Value("dict_strings", lambda: {"a": "0.2", "b": "0.3", "c": "0.5"}, INVALID),
        Value("bools", lambda: np.array([True, False, False]), EITHER, [1.0, 0.0, 0.0]),
        Value("zero_d", lambda: np.float64(1.0), EITHER, [1.0]),
    ]
    if torch:
        vals += [
            Value("torch", _torch(P3), VALID, P3),
            Value("torch_float32", _torch(P3, dtype="float32"), VALID, np.array(P3, np.float32), 1e-6),
            Value("torch_grad", _torch(P3, grad=True), VALID, P3),
            Value("torch_nan", _torch([float("nan"), 0.5, 0.5]), INVALID),
        ]
    return vals


def logits_values() -> list[Value]:
    """Values for a logits argument (``ik.from_logits``), reference via ``probs`` = the logits themselves."""
    return [
        Value("moderate", lambda: np.array([0.0, 0.5, 3.0]), VALID, [0.0, 0.5, 3.0]),
        Value("huge_equal", lambda: np.array([1e17, 1e17, 1e17]), VALID, [0.0, 0.0, 0.0]),
        Value("huge_spread", lambda: np.array([1e17, 1e17 + 64, 1e17 - 64]), VALID, [0.0, 64.0, -64.0]),
        Value("huge_float32", lambda: np.array([1e7, 1e7, 1e7], np.float32), VALID, [0.0, 0.0, 0.0], 1e-5),
        Value("very_negative", lambda: np.array([-1e300, 0.0, 0.0]), VALID, [-1e300, 0.0, 0.0]),
        Value("minus_inf", lambda: np.array([-np.inf, 0.0, 0.0]), VALID, [-np.inf, 0.0, 0.0]),
        Value("nearly_equal", lambda: np.array([0.0, -201.0, -200.0]), VALID, [0.0, -201.0, -200.0], 1e-9),
        Value("nan", lambda: np.array([np.nan, 0.0, 0.0]), INVALID),
        Value("plus_inf", lambda: np.array([np.inf, 0.0, 0.0]), INVALID),
        Value("all_minus_inf", lambda: np.array([-np.inf, -np.inf, -np.inf]), INVALID),
        Value("strings", lambda: ["a", "b", "c"], INVALID),
        Value("empty", lambda: np.array([]), INVALID),
        Value("complex", lambda: np.array([1j, 0.0, 0.0]), INVALID),
    ]


def sample_values() -> list[Value]:
    """Values for an argument that takes samples (``probs`` holds the samples of valid ones)."""
    return [
        Value("ints", lambda: [0, 1, 1, 2, 2, 2], VALID, [0, 1, 1, 2, 2, 2]),
        Value("strings", lambda: ["a", "b", "b", "c", "c", "c"], VALID, ["a", "b", "b", "c", "c", "c"]),
        Value("nul_strings", lambda: ["a\x00", "a", "a", "b"], VALID, ["a\x00", "a", "a", "b"]),
        Value("bools", lambda: [True, False, True, True], VALID, [True, False, True, True]),
        Value("numpy_ints", lambda: np.array([3, 3, 4, 5]), VALID, [3, 3, 4, 5]),
        Value("empty", lambda: [], INVALID),
        Value("none", lambda: None, INVALID),
        Value("nan_only", lambda: [np.nan, np.nan], INVALID),
        Value("ragged", lambda: [[1, 2], [3]], EITHER),  # documented: each inner sequence is one (tuple) outcome
        Value("complex", lambda: np.array([1j, 2j, 1j]), INVALID),
        Value("scalar", lambda: 3, INVALID),
        Value("mixed_types", lambda: [1, "a", 2.5, None], EITHER, None),
    ]


def _option_values():
    return {
        "base": [("two", 2, VALID), ("bits", "bits", VALID), ("one", 1, INVALID), ("zero", 0, INVALID),
                 ("negative", -2, INVALID), ("nan", float("nan"), INVALID), ("word", "parsecs", INVALID),
                 ("bool", True, INVALID), ("list", [2], INVALID), ("inf", math.inf, INVALID)],
        "axis": [("zero", 0, VALID), ("five", 5, INVALID), ("float", 1.5, INVALID), ("string", "x", INVALID)],
        "keepdims": [("true", True, VALID), ("string", "yes", INVALID), ("two", 2, INVALID)],
        "normalize": [("true", True, VALID), ("string", "x", INVALID)],
        "alpha": [("two", 2.0, VALID), ("half", 0.5, VALID), ("inf", math.inf, VALID), ("zero", 0.0, VALID),
                  ("negative", -1.0, INVALID), ("nan", float("nan"), INVALID), ("string", "a", INVALID),
                  ("near_one", 1.0 + 1e-9, VALID)],
        "ci": [("ninety", 0.9, VALID), ("zero", 0.0, INVALID), ("one", 1.0, INVALID), ("two", 2, INVALID),
               ("nan", float("nan"), INVALID), ("string", "x", INVALID)],
        "support_size": [("ten", 10, VALID), ("zero", 0, INVALID), ("negative", -3, INVALID),
                         ("float", 2.5, INVALID), ("too_small", 1, INVALID), ("string", "x", INVALID)],
        "method": [("plugin", "plugin", VALID), ("unknown", "zzz", INVALID), ("number", 3, INVALID)],
        "rng": [("seed", 0, VALID), ("string", "x", INVALID), ("negative_seed", -1, INVALID)],
        "n_permutations": [("hundred", 100, VALID), ("zero", 0, VALID),  # 0: the chi-square approximation
                            ("negative", -5, INVALID),
                           ("huge", 10**8, INVALID), ("float", 2.5, INVALID)],
        "n_bins": [("five", 5, VALID), ("zero", 0, INVALID), ("huge", 10**9, INVALID), ("string", "x", INVALID)],
        "temperature": [("two", 2.0, VALID), ("zero", 0.0, INVALID), ("negative", -1.0, INVALID),
                        ("nan", float("nan"), INVALID)],
    }


OPTIONS = _option_values()


# --------------------------------------------------------------------------
# cases
# --------------------------------------------------------------------------
@dataclass
class Case:
    target: str  # the public name, e.g. "kl_divergence"
    slot: str  # the argument that gets the value
    value: str  # the value's name
    validity: str
    call: Callable[[], Any]
    reference: Callable[[Any], bool] | None = None  # result -> is it right (for valid values)
    kind: str = "argument"
    extra: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.target}[{self.slot}={self.value}]"


def _close(ref: float, rtol: float, atol: float = 0.0):
    """Relative tolerance ``rtol`` (divergences keep their relative accuracy however small they are);
    ``atol`` for entropies, whose scale is log K."""
    def check(result) -> bool:
        v = _scalar(result)
        if v is None:
            return False
        if math.isinf(ref):
            return v == ref
        return abs(v - ref) <= rtol * abs(ref) + max(atol, 1e-300)

    return check


def _scalar(result):
    try:
        if hasattr(result, "detach"):
            result = result.detach().cpu().numpy()
        a = np.asarray(result, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if a.size != 1:
        return None
    return float(a.ravel()[0])


_PAIR = {
    "cross_entropy": ref_cross_entropy,
    "kl_divergence": ref_kl,
    "js_divergence": ref_js,
}


def exact_cases(torch: bool = True) -> list[Case]:
    """Every exact measure, each distribution slot and option slot."""
    cases = []
    for v in distribution_values(torch):
        probs = v.probs
        n = len(np.ravel(probs)) if probs is not None else 3
        uniform = np.full(n, 1.0 / n) if n else np.full(3, 1 / 3)
        partner = uniform if (v.validity != VALID or n == 3) else uniform
        if v.name.startswith("torch") or v.name == "bools" or v.name == "zero_d":
            partner_make = (lambda v=v, n=n: _torch_like(v, n)) if v.name.startswith("torch") else (
                lambda n=max(n, 1): np.full(n, 1.0 / n))
        else:
            partner_make = lambda p=partner: p.copy()
        ref_u = uniform
        ok = v.validity != INVALID and probs is not None
        cases.append(Case("entropy", "p", v.name, v.validity, lambda v=v: ik.entropy(v.make()),
                          _close(ref_entropy(probs), v.rtol, 1e-15) if ok else None))
        info_valid = VALID if v.name == "sum_not_one" else v.validity  # surprisal is elementwise: no sum
        info_probs = [0.5, 0.6, 0.3] if v.name == "sum_not_one" else probs
        cases.append(Case("information", "p", v.name, info_valid, lambda v=v: ik.information(v.make()),
                          (lambda r, probs=info_probs, rtol=v.rtol: _information_ok(r, probs, rtol))
                          if info_valid != INVALID and info_probs is not None else None))
        cases.append(Case("renyi_entropy", "p", v.name, v.validity, lambda v=v: ik.renyi_entropy(v.make(), 2.0),
                          _close(ref_renyi(probs, 2.0), max(v.rtol, 1e-9), 1e-15) if ok else None))
        for name, ref in _PAIR.items():
            fn = getattr(ik, name)
            cases.append(Case(name, "p", v.name, v.validity,
                              lambda v=v, fn=fn, pm=partner_make: fn(v.make(), pm()),
                              _close(ref(probs, ref_u), v.rtol) if ok else None))
            cases.append(Case(name, "q", v.name, v.validity,
                              lambda v=v, fn=fn, pm=partner_make: fn(pm(), v.make()),
                              _close(ref(ref_u, probs), v.rtol) if ok else None))
        cases.append(Case("js_distance", "q", v.name, v.validity,
                          lambda v=v, pm=partner_make: ik.js_distance(pm(), v.make()),
                          _close(math.sqrt(max(ref_js(ref_u, probs), 0.0)), v.rtol) if ok else None))
        cases.append(Case("renyi_divergence", "q", v.name, v.validity,
                          lambda v=v, pm=partner_make: ik.renyi_divergence(pm(), v.make(), 2.0),
                          _close(_ref_renyi_div(ref_u, probs, 2.0), max(v.rtol, 1e-9)) if ok else None))
        cases.append(Case("perplexity", "p", v.name, v.validity, lambda v=v: ik.perplexity(v.make()),
                          _close(math.exp(ref_entropy(probs)), max(v.rtol, 1e-9), 1e-14) if ok else None))
        cases.append(Case("decompose", "q", v.name, v.validity,
                          lambda v=v, pm=partner_make: ik.decompose(pm(), v.make()).kl_divergence,
                          _close(ref_kl(ref_u, probs), max(v.rtol, 1e-9)) if ok else None))
        cases.append(Case("decompose", "p", v.name, v.validity,
                          lambda v=v, pm=partner_make: ik.decompose(v.make(), pm()).kl_divergence,
                          _close(ref_kl(probs, ref_u), max(v.rtol, 1e-9)) if ok else None))
    p, q = np.array(P3), np.array([0.5, 0.25, 0.25])
    for opt in ("base", "axis", "keepdims", "normalize"):
        for vname, val, validity in OPTIONS[opt]:
            for name in ("entropy", "kl_divergence", "cross_entropy", "js_divergence"):
                fn = getattr(ik, name)
                args = (p,) if name == "entropy" else (p, q)
                ref = None
                if validity == VALID:
                    r = ref_entropy(p) if name == "entropy" else _PAIR[name](p, q)
                    if opt == "base":
                        r = r / math.log(2)
                    ref = _close(r, 1e-9)
                cases.append(Case(name, opt, vname, validity,
                                  lambda fn=fn, args=args, opt=opt, val=val: fn(*args, **{opt: val}), ref, "option"))
    for vname, val, validity in OPTIONS["alpha"]:
        ref = None
        if validity == VALID:
            if math.isinf(val):
                r = -math.log(max(P3))
            elif val == 0:
                r = math.log(3)
            else:
                r = ref_renyi(P3, val)
            ref = _close(r, 1e-6 if abs(val - 1) < 1e-6 else 1e-9)
        cases.append(Case("renyi_entropy", "alpha", vname, validity,
                          lambda val=val: ik.renyi_entropy(np.array(P3), val), ref, "option"))
    for v in logits_values():
        ok = v.validity == VALID
        zq = [0.0, -200.0, -200.0] if v.name == "nearly_equal" else [0.0, 0.5, 3.0]
        cases.append(Case("from_logits", "z", v.name, v.validity,
                          lambda v=v, zq=zq: ik.kl_divergence(ik.from_logits(v.make()), ik.from_logits(np.array(zq))),
                          _close(ref_softmax_kl(v.probs, zq), v.rtol) if ok else None))
    return cases


def _torch_like(v: Value, n: int):
    import torch

    return torch.full((max(n, 1),), 1.0 / max(n, 1), dtype=torch.float64)


def _information_ok(result, probs, rtol):
    try:
        if hasattr(result, "detach"):
            result = result.detach().numpy()
        got = np.asarray(result, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        return False
    raw = [mpmath.mpf(float(a)) for a in np.asarray(probs, dtype=np.float64).ravel()]
    ref = [math.inf if x == 0 else float(-mpmath.log(x)) for x in raw]
    if got.size != len(ref):
        return False
    return all((g == r) if math.isinf(r) else abs(g - r) <= rtol * max(abs(r), 1e-300) + 1e-300
               for g, r in zip(got, ref))


def _plugin_entropy(samples) -> float:
    _, counts = np.unique(np.array(samples, dtype=object).astype(str) if samples and isinstance(samples[0], str)
                          else np.asarray(samples), return_counts=True)
    c = counts / counts.sum()
    return float(-mpmath.fsum(mpmath.mpf(float(x)) * mpmath.log(x) for x in c))


def _plugin_entropy_exact(samples) -> float:
    counts: dict = {}
    for s in samples:
        counts[s] = counts.get(s, 0) + 1
    n = len(samples)
    return float(-mpmath.fsum(mpmath.mpf(c) / n * mpmath.log(mpmath.mpf(c) / n) for c in counts.values()))


def estimate_cases() -> list[Case]:
    """The estimators, the empirical distribution and the G-test: sample slots and option slots."""
    cases = []
    for v in sample_values():
        ok = v.validity == VALID
        ref = _close(_plugin_entropy_exact(v.probs), 1e-9) if ok else None
        cases.append(Case("estimate_entropy", "data", v.name, v.validity,
                          lambda v=v: ik.estimate_entropy(v.make(), method="plugin").value, ref))
        cases.append(Case("empirical", "samples", v.name, v.validity,
                          lambda v=v: ik.entropy(ik.empirical(v.make())), ref))
        cases.append(Case("estimate_mutual_information", "y", v.name, v.validity,
                          lambda v=v: ik.estimate_mutual_information(_same_length_x(v), v.make(),
                                                                      method="plugin").value,
                          _close(0.0, 0) if ok else None))
        cases.append(Case("estimate_kl", "samples_p", v.name, v.validity,
                          lambda v=v: ik.estimate_kl(v.make(), ik.empirical(v.probs or [0, 1, 1, 2, 2, 2]), method="plugin").value,
                          _close(0.0, 0) if ok else None))
    x = [0, 1, 1, 2, 2, 2, 0, 1]
    for opt in ("ci", "support_size", "method", "rng"):
        for vname, val, validity in OPTIONS[opt]:
            ref = None
            if validity == VALID and opt != "method":
                ref = None  # a valid option: any finite estimate (checked by the NaN rule)
            cases.append(Case("estimate_entropy", opt, vname, validity,
                              lambda opt=opt, val=val: ik.estimate_entropy(x, **{opt: val}).value, ref, "option"))
            cases.append(Case("estimate_mutual_information", opt if opt != "support_size" else "method",
                              vname, validity if opt != "support_size" else VALID,
                              (lambda opt=opt, val=val: ik.estimate_mutual_information(x, x[::-1], **{opt: val}).value)
                              if opt != "support_size" else (lambda: ik.estimate_mutual_information(x, x).value),
                              None, "option"))
    counts_values = [
        ("ints", [3, 1, 2], VALID), ("integral_floats", [3.0, 1.0], VALID), ("negative", [3, -1], INVALID),
        ("fractional", [1.5, 2], INVALID), ("nan", [np.nan, 1], INVALID), ("all_zero", [0, 0], INVALID),
        ("strings", ["3", "1"], INVALID), ("empty", [], INVALID), ("inf", [np.inf, 1], INVALID),
    ]
    for vname, val, validity in counts_values:
        ref = None
        if validity == VALID:
            c = np.array(val, float)
            ref = _close(ref_entropy(c / c.sum()), 1e-9)
        cases.append(Case("Empirical.from_counts", "counts", vname, validity,
                          lambda val=val: ik.entropy(ik.Empirical.from_counts(val)), ref))
    q_values = [
        ("probs", [0.25, 0.25, 0.5], VALID), ("strings", ["a", "b", "c"], INVALID), ("string", "xyz", INVALID),
        ("ragged", [[0.5], [0.5, 0.1]], INVALID), ("nan", [np.nan, 0.5, 0.5], INVALID),
        ("sum_not_one", [0.5, 0.6, 0.3], INVALID), ("none", None, INVALID),
    ]
    samples = [0, 1, 2, 2]
    for vname, val, validity in q_values:
        cases.append(Case("estimate_kl", "q", vname, validity,
                          lambda val=val: ik.estimate_kl(samples, val, method="plugin").value,
                          _close(ref_kl([0.25, 0.25, 0.5], val), 1e-9) if validity == VALID else None))
        cases.append(Case("estimate_cross_entropy", "q", vname, validity,
                          lambda val=val: ik.estimate_cross_entropy(samples, val, method="plugin").value,
                          _close(ref_cross_entropy([0.25, 0.25, 0.5], val), 1e-9) if validity == VALID else None))
        cases.append(Case("g_test", "q", vname, validity, lambda val=val: ik.g_test(samples, val).statistic,
                          _close(2 * 4 * ref_kl([0.25, 0.25, 0.5], val) / (1 + 4 / (6 * 4 * 2)), 1e-9)
                          if validity == VALID else None))
    return cases


def _same_length_x(v: Value):
    try:
        n = len(v.make())
    except TypeError:
        n = 3
    return [0] * max(n, 1)


def lm_cases() -> list[Case]:
    """The language-model helpers (torch)."""
    import torch

    cases = []
    good = torch.tensor([[0.0, 0.5, 3.0]])
    ref = ref_softmax_kl([0.0, 0.5, 3.0], [1.0, 0.0, 0.0])
    teacher = torch.tensor([[1.0, 0.0, 0.0]])
    logits = [
        ("moderate", lambda: good.clone(), VALID, ref_softmax_kl([1.0, 0.0, 0.0], [0.0, 0.5, 3.0])),
        ("huge", lambda: torch.tensor([[1e17, 1e17, 1e17]], dtype=torch.float64), VALID,
         ref_softmax_kl([1.0, 0.0, 0.0], [0.0, 0.0, 0.0])),
        ("nan", lambda: torch.tensor([[float("nan"), 0.0, 0.0]]), INVALID, None),
        ("wrong_shape", lambda: torch.zeros(1, 4), INVALID, None),
        ("list", lambda: [[0.0, 0.5, 3.0]], EITHER, ref_softmax_kl([1.0, 0.0, 0.0], [0.0, 0.5, 3.0])),
    ]
    del ref
    for vname, make, validity, r in logits:
        cases.append(Case("lm.kl_from_logits", "student_logits", vname, validity,
                          lambda make=make: ik.lm.kl_from_logits(make(), teacher.clone(), direction="forward"),
                          _close(r, 1e-5) if r is not None and validity != INVALID else None))
    for vname, val, validity in OPTIONS["temperature"]:
        cases.append(Case("lm.kl_from_logits", "temperature", vname, validity,
                          lambda val=val: ik.lm.kl_from_logits(good, teacher, temperature=val), None, "option"))
    labels = [("ok", lambda: torch.tensor([2]), VALID), ("out_of_range", lambda: torch.tensor([7]), INVALID),
              ("float", lambda: torch.tensor([1.0]), INVALID), ("wrong_length", lambda: torch.tensor([1, 2]), INVALID)]
    for vname, make, validity in labels:
        cases.append(Case("lm.token_surprisal", "labels", vname, validity,
                          lambda make=make: ik.lm.token_surprisal(good, make()), None))
    for vname, val, validity in [("number", 10.0, VALID), ("string", "abc", INVALID), ("negative", -1.0, INVALID),
                                 ("nan", float("nan"), INVALID)]:
        cases.append(Case("lm.bits_per_byte", "total_nll_nats", vname, validity,
                          lambda val=val: ik.lm.bits_per_byte(val, 10),
                          _close(10.0 / math.log(2) / 10, 1e-12) if validity == VALID else None))
    for vname, val, validity in [("zero", 0, INVALID), ("string", "x", INVALID), ("mismatched", [1, 2], INVALID)]:
        cases.append(Case("lm.bits_per_byte", "n_bytes", vname, validity,
                          lambda val=val: ik.lm.bits_per_byte(10.0, val), None))
    return cases


def drift_cases() -> list[Case]:
    rng = np.random.default_rng(0)
    ref, cur = rng.normal(size=200), rng.normal(size=200)
    cases = []
    for opt in ("n_permutations", "n_bins"):
        for vname, val, validity in OPTIONS[opt]:
            cases.append(Case("drift", opt, vname, validity,
                              lambda opt=opt, val=val: _drift_p(ik.drift(ref, cur, **{opt: val})), None, "option"))
    return cases


def _drift_p(df):
    return float(df["p_value"].iloc[0]) if "p_value" in getattr(df, "columns", ()) else 0.0


def parametric_cases() -> list[Case]:
    """scipy.stats distributions with valid and invalid parameters (closed forms)."""
    from scipy import stats

    h_norm = 0.5 * math.log(2 * math.pi * math.e)
    dists = [
        ("norm", lambda: stats.norm(0, 1), VALID, h_norm),
        ("norm_scale_2", lambda: stats.norm(3, 2), VALID, h_norm + math.log(2)),
        ("expon", lambda: stats.expon(scale=2.0), VALID, 1 + math.log(2)),
        ("norm_negative_scale", lambda: stats.norm(0, -1), INVALID, None),
        ("norm_nan_loc", lambda: stats.norm(float("nan"), 1), INVALID, None),
        ("poisson_negative", lambda: stats.poisson(-1), INVALID, None),
        ("beta_zero", lambda: stats.beta(0, 1), INVALID, None),
        ("gamma_negative", lambda: stats.gamma(-2.0), INVALID, None),
    ]
    cases = []
    for vname, make, validity, h in dists:
        cases.append(Case("entropy", "p", f"scipy_{vname}", validity, lambda make=make: ik.entropy(make()),
                          _close(h, 1e-12) if h is not None else None))
        if vname.startswith("norm"):
            cases.append(Case("kl_divergence", "q", f"scipy_{vname}", validity,
                              lambda make=make: ik.kl_divergence(stats.norm(0, 1), make()),
                              _close(_kl_norm_std(make()), 1e-12) if validity == VALID else None))
    return cases


def _kl_norm_std(q) -> float:
    """D(N(0, 1) || N(m, s^2)) in closed form."""
    m, s = float(q.mean()), float(q.std())
    return math.log(s) + (1 + m * m) / (2 * s * s) - 0.5


def model_cases() -> list[Case]:
    """Data scored under a model (a callable returning probabilities of the data)."""
    data = [0, 1, 1, 2]
    probs = np.array([0.2, 0.3, 0.5])
    ref = float(-mpmath.fsum(mpmath.log(mpmath.mpf(probs[x])) for x in data) / len(data))
    models = [  # a model callable returns log q(x)
        ("log_probabilities", lambda x: np.log(probs[np.asarray(x)]), VALID),
        ("wrong_length", lambda x: np.array([0.5]), INVALID),
        ("scalar", lambda x: -1.0, INVALID),
        ("nan", lambda x: np.full(len(x), np.nan), INVALID),
        ("plus_inf", lambda x: np.full(len(x), np.inf), INVALID),
        ("strings", lambda x: ["a"] * len(x), INVALID),
        ("raises", lambda x: 1 / 0, INVALID),
    ]
    return [Case("cross_entropy", "q", f"model_{vname}", validity,
                 lambda model=model: ik.cross_entropy(data, model),
                 _close(ref, 1e-12) if validity == VALID else None) for vname, model, validity in models]


def all_cases(torch: bool = True) -> list[Case]:
    cases = exact_cases(torch) + estimate_cases() + drift_cases() + parametric_cases() + model_cases()
    if torch:
        cases += lm_cases()
    return cases


# --------------------------------------------------------------------------
# judging
# --------------------------------------------------------------------------
class _Timeout(BaseException):
    pass


@contextlib.contextmanager
def _time_limit(seconds: float):
    if not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(signum, frame):
        raise _Timeout()

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def names_argument(message: str, slot: str) -> bool:
    """Whether an error message names argument ``slot`` (as a word, e.g. ``'q'`` or ``q=``).

    Single letters match either case: the closed forms of :mod:`infokit.parametric` call their
    arguments ``P`` and ``Q``."""
    flags = re.IGNORECASE if len(slot) == 1 else 0
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(slot)}(?![A-Za-z0-9_])", message, flags) is not None


def _has_nan(result) -> bool:
    if isinstance(result, (float, np.floating)):
        return math.isnan(result)
    try:
        if hasattr(result, "detach"):
            result = result.detach().cpu().numpy()
        a = np.asarray(result)
        return a.dtype.kind in "fc" and bool(np.isnan(a).any())
    except (TypeError, ValueError):
        return False


def judge(case: Case, time_limit: float = TIME_LIMIT) -> tuple[str, str]:
    """(outcome, detail) of one case."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with _time_limit(time_limit):
                result = case.call()
    except _Timeout:
        return "hang", f"over {time_limit:g} s"
    except errors.InfokitError as e:
        msg = str(e)
        if case.validity == VALID:
            return "error_on_valid", f"{type(e).__name__}: {msg[:200]}"
        if not names_argument(msg, case.slot):
            return "wrong_argument", f"{type(e).__name__}: {msg[:200]}"
        return "ok", ""
    except Exception as e:  # noqa: BLE001 - the point is to catch what should not escape
        return "unclear_error", f"{type(e).__module__}.{type(e).__name__}: {str(e)[:200]}"
    if _has_nan(result):
        return "nan", repr(result)[:200]
    if case.validity == INVALID:
        return "wrong_value", f"no error for an invalid input; got {repr(result)[:120]}"
    if case.reference is not None and not case.reference(result):
        return "wrong_value", f"got {repr(result)[:120]}"
    return "ok", ""


def run(cases, time_limit: float = TIME_LIMIT) -> dict:
    """Judge every case: ``{"counts": {outcome: n}, "problems": [(id, outcome, detail)]}``."""
    counts = {o: 0 for o in OUTCOMES}
    problems = []
    clear_errors = 0
    for case in cases:
        outcome, detail = judge(case, time_limit)
        counts[outcome] += 1
        if outcome == "ok" and case.validity != VALID and not detail:
            clear_errors += 1
        if outcome != "ok":
            problems.append((case.id, outcome, detail))
    return {"cases": len(cases), "counts": counts, "problems": problems}
