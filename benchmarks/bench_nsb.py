"""NSB entropy: infokit against ndd (the Fortran-backed reference implementation) on the same counts.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_nsb.py --ndd-python /tmp/ndd-venv/bin/python
    PYTHONPATH=src python benchmarks/bench_nsb.py --ndd-python /tmp/ndd-venv/bin/python --output benchmarks/RESULTS.md

ndd 1.10 needs NumPy < 2 and a Fortran compiler, so it lives in a virtual
environment of its own, built once::

    apt-get install -y gfortran
    python3 -m venv /tmp/ndd-venv
    /tmp/ndd-venv/bin/pip install "numpy<2" "setuptools<60" wheel
    /tmp/ndd-venv/bin/pip install --no-build-isolation ndd

The counts (seeded) are written to a JSON file that both sides read; ndd runs
in a subprocess of that interpreter.  Each side is timed on its public call
from counts (``ik.estimate_entropy(ik.Empirical.from_counts(c, support_size=K),
method="nsb")`` and ``ndd.entropy(c, k=K, return_std=True)``; both give the
estimate and its posterior SD, and infokit's interval -- which ndd does not
compute -- is computed only when ``Estimate.ci`` is read, so it is timed apart,
in its own column), best of several batches, in rounds that time the two
sides case by case in turn (a persistent ndd process), best of the rounds.
Values are compared with each other and, for the cases
small enough, with the NSB posterior mean integrated by mpmath at 30 digits
(``--mpmath``, slow) -- an independent reference for both.

Goal: infokit at least as fast as ndd on every case (ratio ndd / infokit >= 1),
values equal to 1e-6 relative.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import timeit

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness as h  # noqa: E402

ik = h.import_infokit()

#: (family, K, n): Dirichlet(0.5) and Zipf(1) distributions over K outcomes, n samples
GRID = [(fam, k, int(k * r)) for fam in ("dirichlet0.5", "zipf1") for k in (10, 100, 1000, 10_000, 100_000)
        for r in (0.1, 1.0, 10.0) if int(k * r) >= 5]

_NDD_SCRIPT = r"""
import json, sys, timeit
import numpy as np, ndd
cases = json.load(open(sys.argv[1]))
for line in sys.stdin:  # one case index a line: time it, answer one JSON line
    case = cases[int(line)]
    c, k = np.array(case["counts"]), case["K"]
    value, std = ndd.entropy(c, k=k, return_std=True)
    reps = max(3, int(0.1 / max(1e-6, timeit.timeit(lambda: ndd.entropy(c, k=k, return_std=True), number=1))))
    t = min(timeit.repeat(lambda: ndd.entropy(c, k=k, return_std=True), number=reps, repeat=5)) / reps
    print(json.dumps({"value": float(value), "std": float(std), "seconds": t}), flush=True)
"""


def make_cases(seed: int, grid=None):
    rng = np.random.default_rng(seed)
    cases = []
    for fam, k, n in GRID if grid is None else grid:
        if fam.startswith("dirichlet"):
            p = rng.dirichlet(np.full(k, 0.5))
        else:
            w = 1.0 / np.arange(1, k + 1)
            p = w / w.sum()
        cases.append({"family": fam, "K": k, "n": n, "counts": rng.multinomial(n, p).tolist()})
    return cases


def time_infokit(case):
    e = ik.Empirical.from_counts(np.array(case["counts"]), support_size=case["K"])

    def call():
        return ik.estimate_entropy(e, method="nsb")

    def call_ci():
        return ik.estimate_entropy(e, method="nsb").ci

    est = call()
    reps = max(3, int(0.1 / max(1e-6, timeit.timeit(call, number=1))))
    t = min(timeit.repeat(call, number=reps, repeat=5)) / reps
    t_ci = min(timeit.repeat(call_ci, number=reps, repeat=3)) / reps
    return float(est.value), float(est.stderr), t, t_ci


def mpmath_nsb(counts, k: int, dps: int = 30) -> float:
    """NSB posterior mean of H (nats), integrated over log beta by mpmath (independent of infokit's code)."""
    import mpmath as mp

    mp.mp.dps = dps
    c = np.array(counts)
    vals, mult = np.unique(c[c > 0], return_counts=True)
    pairs = [(int(v), int(m)) for v, m in zip(vals, mult)]
    unseen = k - int((c > 0).sum())
    K, N = mp.mpf(k), mp.mpf(int(c.sum()))

    def logpost(t):
        b = mp.e**t
        s = mp.loggamma(K * b) - mp.loggamma(K * b + N) + t + mp.log(K * mp.psi(1, K * b + 1) - mp.psi(1, b + 1))
        for v, m in pairs:
            s += m * (mp.loggamma(v + b) - mp.loggamma(b))
        return s

    def mean_h(t):
        b = mp.e**t
        a = N + K * b
        s = mp.psi(0, a + 1) - unseen * b / a * mp.psi(0, b + 1)
        for v, m in pairs:
            s -= m * (v + b) / a * mp.psi(0, v + b + 1)
        return s

    ts = [mp.mpf(x) / 2 for x in range(-80, 81)]
    fs = [logpost(t) for t in ts]
    fm = max(fs)
    tm = ts[fs.index(fm)]
    pts = [tm - 60, tm - 20, tm - 6, tm - 2, tm - 0.5, tm, tm + 0.5, tm + 2, tm + 6, tm + 20, tm + 60]
    z = mp.quad(lambda t: mp.e ** (logpost(t) - fm), pts)
    m = mp.quad(lambda t: mp.e ** (logpost(t) - fm) * mean_h(t), pts)
    return float(m / z)


#: larger samples, for --large-counts-ab only (ndd is not timed on them)
AB_EXTRA = [("dirichlet0.5", 100_000, 10_000_000), ("zipf1", 100_000, 10_000_000)]


def large_counts_ab(cases, rounds: int = 9) -> str:
    """CPU time of the public call with the interpolated sums over large counts and without, case by case."""
    from infokit._estimators import bayes
    from infokit._estimators.result import Profile

    on = bayes._LARGE_CLASSES
    rows = []
    try:
        for case in cases:
            e = ik.Empirical.from_counts(np.array(case["counts"]), support_size=case["K"])
            used = bayes._LogPost(Profile.from_counts(e.counts, case["K"])).large is not None
            if not used:
                continue
            best = {}
            for _ in range(rounds):
                for name, value in (("without", 10**9), ("with", on)):
                    bayes._LARGE_CLASSES = value
                    call = (lambda: ik.estimate_entropy(e, method="nsb"))
                    call()
                    t = min(timeit.repeat(call, number=5, repeat=3, timer=time.process_time)) / 5
                    best[name] = min(best.get(name, math.inf), t)
            rows.append([case["family"], case["K"], case["n"], f"{best['without'] * 1e3:.3f}",
                         f"{best['with'] * 1e3:.3f}", f"{best['with'] / best['without']:.2f}"])
    finally:
        bayes._LARGE_CLASSES = on
    return ("Sums over large counts by interpolation (`bayes._LargeCounts`: from 256 distinct counts of 64 or "
            "more), CPU time of the same call with and without, interleaved, best of %d rounds (the cases "
            "that take that path, and two of n = 1e7 not in the table above; the others are unchanged):\n\n" % rounds
            + h.markdown_table(["family", "K", "n", "without, ms", "with, ms", "with / without"], rows))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ndd-python", default=os.environ.get("NDD_PYTHON"), help="python of a venv with ndd")
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--mpmath", action="store_true", help="also compare with an mpmath integration (K <= 1000)")
    ap.add_argument("--output", help="markdown file to write the results section into")
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds of timings (best of them is kept)")
    ap.add_argument("--large-counts-ab", action="store_true",
                    help="also time infokit with and without the interpolated sums over large counts "
                         "(bayes._LargeCounts), interleaved, in CPU time")
    args = ap.parse_args()
    if not args.ndd_python:
        sys.exit("bench_nsb: pass --ndd-python (the interpreter of a venv with ndd; see the module docstring)")

    cases = make_cases(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "cases.json")
        with open(path, "w") as f:
            json.dump(cases, f)
        ndd_version = subprocess.run([args.ndd_python, "-c", "import ndd; print(ndd.__version__)"],
                                     capture_output=True, text=True, check=True).stdout.strip()
        # interleaved: each round times every case on both sides, one right after the other, so that
        # the load of a shared machine weighs on both alike; each side's time is its best over the rounds
        proc = subprocess.Popen([args.ndd_python, "-c", _NDD_SCRIPT, path], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True)
        ndd_out, ik_out = [None] * len(cases), [None] * len(cases)
        for _ in range(args.rounds):
            for i, case in enumerate(cases):
                proc.stdin.write(f"{i}\n")
                proc.stdin.flush()
                nd = json.loads(proc.stdout.readline())
                mine = time_infokit(case)
                if ndd_out[i] is None or nd["seconds"] < ndd_out[i]["seconds"]:
                    ndd_out[i] = nd
                ik_out[i] = mine if ik_out[i] is None else (*mine[:2], min(mine[2], ik_out[i][2]),
                                                            min(mine[3], ik_out[i][3]))
        proc.stdin.close()
        if proc.wait() != 0:
            sys.exit("bench_nsb: the ndd process failed")

    rows, ratios, ratios_ci, diffs = [], [], [], []
    for case, nd, (value, sd, t, t_ci) in zip(cases, ndd_out, ik_out):
        ratio = nd["seconds"] / t
        rel = abs(value - nd["value"]) / abs(nd["value"])
        ratios.append(ratio)
        ratios_ci.append(nd["seconds"] / t_ci)
        diffs.append(rel)
        ref = ""
        if args.mpmath and case["K"] <= 1000:
            r = mpmath_nsb(case["counts"], case["K"])
            ref = f"{abs(value - r) / r:.1e} / {abs(nd['value'] - r) / r:.1e}"
        rows.append([case["family"], case["K"], case["n"], f"{value:.10f}", f"{nd['value']:.10f}", f"{rel:.1e}",
                     ref or "—", f"{t * 1e3:.3f}", f"{nd['seconds'] * 1e3:.3f}", f"{ratio:.2f}",
                     f"{t_ci * 1e3:.3f}"])
    ab = large_counts_ab(cases + make_cases(args.seed, AB_EXTRA)) if args.large_counts_ab else None
    gm = float(np.exp(np.mean(np.log(ratios))))
    gm_ci = float(np.exp(np.mean(np.log(ratios_ci))))
    n_fast = sum(r >= 1.0 for r in ratios)
    body = "\n".join([
        f"Counts: Dirichlet(0.5) and Zipf(1) over K outcomes, n samples, seed {args.seed}; ndd {ndd_version} in its "
        f"own venv (NumPy < 2). Times: the public call from counts (both return the estimate and its "
        "standard deviation; infokit's interval is computed when first read, and read only in the last column), "
        f"best of 5 batches, in {args.rounds} rounds that time ndd and infokit case by case in turn; best of the rounds.",
        "",
        h.markdown_table(["family", "K", "n", "infokit H [nats]", "ndd H [nats]", "|rel diff|",
                          "rel err vs mpmath (infokit / ndd)", "infokit ms", "ndd ms", "ndd / infokit",
                          "infokit ms, interval read too"], rows),
        "",
        f"Speed ratio ndd / infokit: geometric mean {gm:.2f}, worst {min(ratios):.2f}, best {max(ratios):.2f}, "
        f"at least 1 on {n_fast} of {len(ratios)} cases (goal: >= 1 on every case); with infokit's interval read "
        f"too, geometric mean {gm_ci:.2f}, worst {min(ratios_ci):.2f}.  Largest relative difference of the values: "
        f"{max(diffs):.1e} (goal 1e-6).",
    ] + ([] if ab is None else ["", ab]))
    print(body)
    if args.output:
        machine = h.machine_description(("numpy", "scipy"))
        h.write_section(args.output, "bench_nsb", h.render_section("NSB against ndd (bench_nsb.py)", machine, body))


if __name__ == "__main__":
    main()
