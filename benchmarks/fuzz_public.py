"""Adversarial run against the public API: how many calls give a wrong value, a NaN or an unclear error.

Run from the repository root::

    PYTHONPATH=src python benchmarks/fuzz_public.py
    PYTHONPATH=src python benchmarks/fuzz_public.py --random 20000 --output benchmarks/RESULTS.md

It judges (with the engine of ``tests/fuzzing.py``) every hand-picked case of
the test suite plus ``--random`` generated calls of the exact measures
(entropy, cross-entropy, KL, JS, Rényi) on arrays drawn from a seeded
generator: float64/32/16, 1-D and 2-D, entries from [0, 1] mixed with
special values (0, -0, subnormals, 1e-300, 1e300, -1, NaN, +-inf),
normalised or not.  Each call is judged against an mpmath reference when the
input is a valid distribution, and by the error rule otherwise (an
``infokit.errors`` exception whose message names the argument).

To compare two versions, point ``PYTHONPATH`` at each checkout's ``src`` and
pass ``--label``; each label gets its own section.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from collections import Counter

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import _harness as h  # noqa: E402

ik = h.import_infokit()
import fuzzing  # noqa: E402

_SPECIAL = np.array([0.0, -0.0, 5e-324, 2.2e-308, 1e-300, 1e300, -1.0, np.nan, np.inf, -np.inf])
_DTYPES = (np.float64, np.float32, np.float16)


def _draw(rng) -> np.ndarray:
    dtype = _DTYPES[rng.integers(3)]
    n = int(rng.integers(1, 7))
    shape = (n,) if rng.random() < 0.7 else (int(rng.integers(1, 4)), n)
    a = rng.random(shape)
    special = rng.random(shape) < rng.choice([0.0, 0.1, 0.4])
    a[special] = rng.choice(_SPECIAL, size=int(special.sum()))
    if rng.random() < 0.7 and np.all(np.isfinite(a)) and np.all(a >= 0):
        s = a.sum(axis=-1, keepdims=True)
        a = np.where(s > 0, a / np.where(s > 0, s, 1.0), a)
    with np.errstate(all="ignore"):
        return a.astype(dtype)


def _valid(a) -> bool:
    a64 = a.astype(np.float64)
    if not np.all(np.isfinite(a64)) or np.any(a64 < 0):
        return False
    tol = math.sqrt(float(np.finfo(a.dtype).eps))
    return bool(np.all(np.abs(a64.sum(axis=-1) - 1.0) <= tol))


_RTOL = {np.dtype(np.float64): 1e-9, np.dtype(np.float32): 2e-5, np.dtype(np.float16): 5e-3}


def random_cases(n: int, seed: int) -> list:
    rng = np.random.default_rng(seed)
    measures = [
        ("entropy", lambda a, u: ik.entropy(a), lambda r, u: fuzzing.ref_entropy(r), "p"),
        ("kl_divergence", lambda a, u: ik.kl_divergence(a, u), lambda r, u: fuzzing.ref_kl(r, u), "p"),
        ("kl_divergence", lambda a, u: ik.kl_divergence(u, a), lambda r, u: fuzzing.ref_kl(u, r), "q"),
        ("cross_entropy", lambda a, u: ik.cross_entropy(a, u), lambda r, u: fuzzing.ref_cross_entropy(r, u), "p"),
        ("js_divergence", lambda a, u: ik.js_divergence(u, a), lambda r, u: fuzzing.ref_js(u, r), "q"),
        ("renyi_entropy", lambda a, u: ik.renyi_entropy(a, 2.0), lambda r, u: fuzzing.ref_renyi(r, 2.0), "p"),
    ]
    cases = []
    for i in range(n):
        a = _draw(rng)
        u = np.full(a.shape[-1], 1.0 / a.shape[-1])
        target, call, ref, slot = measures[i % len(measures)]
        valid = _valid(a)
        reference = None
        if valid:
            refs = [ref(row, u) for row in a.reshape(-1, a.shape[-1])]
            reference = _rows_close(refs, _RTOL[a.dtype])
        cases.append(fuzzing.Case(target, slot, f"random{i}", fuzzing.VALID if valid else fuzzing.INVALID,
                                  lambda call=call, a=a, u=u: call(a, u), reference, "random"))
    return cases


def _rows_close(refs, rtol):
    def check(result) -> bool:
        try:
            got = np.atleast_1d(np.asarray(result, dtype=np.float64)).reshape(-1)
        except (TypeError, ValueError):
            return False
        if got.size != len(refs):
            return False
        return all((g == r) if math.isinf(r) else abs(g - r) <= rtol * abs(r) + 1e-12 for g, r in zip(got, refs))

    return check


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--random", type=int, default=5000, help="generated calls of the exact measures")
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--label", default="current", help="name of the version measured (its own section)")
    ap.add_argument("--output", help="markdown file to write the results section into")
    args = ap.parse_args()

    try:
        import torch  # noqa: F401

        have_torch = True
    except ImportError:
        have_torch = False
    groups = {"hand-picked": fuzzing.all_cases(torch=have_torch), "generated": random_cases(args.random, args.seed)}
    rows, problems = [], []
    t0 = time.perf_counter()
    for name, cases in groups.items():
        res = fuzzing.run(cases, time_limit=10.0)
        c = res["counts"]
        invalid = sum(1 for case in cases if case.validity != fuzzing.VALID)
        rows.append([name, res["cases"], invalid, c["ok"], *[c[o] for o in fuzzing.OUTCOMES[1:]]])
        problems += res["problems"]
    elapsed = time.perf_counter() - t0
    by_target = Counter((pid.split("[")[0], outcome) for pid, outcome, _ in problems)
    body = [
        f"Version: {args.label}; generated calls: {args.random}, seed {args.seed}; {elapsed:.0f} s.",
        "",
        h.markdown_table(["cases", "calls", "invalid inputs", "ok", *fuzzing.OUTCOMES[1:]], rows),
        "",
    ]
    if problems:
        body += ["Problems by function and outcome:", "",
                 h.markdown_table(["function", "outcome", "calls"],
                                  [[t, o, k] for (t, o), k in sorted(by_target.items())]), "",
                 "First problems:", ""]
        body += [f"- `{pid}`: {outcome}: {detail[:160]}" for pid, outcome, detail in problems[:25]]
    text = "\n".join(body)
    print(text)
    if args.output:
        machine = h.machine_description(("numpy", "scipy", "torch"))
        h.write_section(args.output, f"fuzz_public_{args.label}",
                        h.render_section(f"Adversarial calls of the public API: {args.label} (fuzz_public.py)",
                                         machine, text))


if __name__ == "__main__":
    main()
