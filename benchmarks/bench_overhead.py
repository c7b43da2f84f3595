"""Fixed cost of a call: small inputs, import time, CLI start-up.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_overhead.py
    PYTHONPATH=src python benchmarks/bench_overhead.py --output benchmarks/RESULTS.md

Small inputs: a 4-element KL divergence and entropy on NumPy arrays against
``scipy.stats.entropy`` and a bare NumPy expression, and on small torch tensors
against ``torch.nn.functional.kl_div`` — all timed interleaved in one run
(median of many repetitions of a batch of calls), reported as ratios.

Start-up: ``import infokit`` against ``import numpy, scipy.special`` (each in
a fresh interpreter, best of several) — also ``import infokit`` followed by the
first ``ik.kl_divergence``, since the public names are imported on first use —
and ``infokit --help``.

Goals: 4-element NumPy KL at least 10x faster than scipy and within 5x of the
bare expression; small torch tensors within 3x of ``F.kl_div``; ``import
infokit`` at most 1.25x ``import numpy, scipy.special``; ``infokit --help``
under 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import numpy as np
import scipy.stats

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness as h  # noqa: E402

ik = h.import_infokit()

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None

GOALS = {
    "numpy KL: scipy / infokit": (">=", 10.0),
    "numpy KL: infokit / bare": ("<=", 5.0),
    "torch KL: infokit / F.kl_div": ("<=", 3.0),
    "import: infokit / (numpy + scipy.special)": ("<=", 1.25),
    "infokit --help [s]": ("<=", 0.5),
}


def per_call(fn, batch: int):
    def run():
        for _ in range(batch):
            fn()
    return run


def small_inputs(reps: int, batch: int):
    p = np.array([0.1, 0.2, 0.3, 0.4])
    q = np.array([0.25, 0.25, 0.25, 0.25])
    contenders = {
        "infokit KL": per_call(lambda: ik.kl_divergence(p, q), batch),
        "scipy.stats.entropy(p, q)": per_call(lambda: scipy.stats.entropy(p, q), batch),
        "bare np.sum(p * np.log(p / q))": per_call(lambda: np.sum(p * np.log(p / q)), batch),
        "infokit entropy": per_call(lambda: ik.entropy(p), batch),
        "scipy.stats.entropy(p)": per_call(lambda: scipy.stats.entropy(p), batch),
    }
    if torch is not None:
        tp, tq = torch.tensor(p, dtype=torch.float32), torch.tensor(q, dtype=torch.float32)
        lq = torch.log(tq)
        contenders["infokit KL (torch)"] = per_call(lambda: ik.kl_divergence(tp, tq), batch)
        contenders["F.kl_div(log q, p, 'sum')"] = per_call(lambda: F.kl_div(lq, tp, reduction="sum"), batch)
    times = h.interleave(contenders, reps, warmup=1)
    return {k: statistics.median(v) / batch * 1e6 for k, v in times.items()}  # µs per call


def fresh_time(code: str, repeats: int) -> float:
    """Best wall time of ``code`` in a fresh interpreter (seconds), measured inside it."""
    env = dict(os.environ)
    best = float("inf")
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", f"import time; t = time.perf_counter(); {code}; "
                              "print(time.perf_counter() - t)"], capture_output=True, text=True, env=env,
                             check=True)
        best = min(best, float(out.stdout.strip().splitlines()[-1]))
    return best


def cli_help(repeats: int) -> float | None:
    best = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "infokit", "--help"], capture_output=True, text=True)
        dt = time.perf_counter() - t0
        if r.returncode != 0:
            return None
        best = dt if best is None else min(best, dt)
    return best


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (smoke run)")
    ap.add_argument("--output", help="markdown file to write the dated section into (e.g. benchmarks/RESULTS.md)")
    args = ap.parse_args(argv)
    reps, batch, starts = (30, 200, 3) if args.quick else (200, 500, 9)

    us = small_inputs(reps, batch)
    imp_ik = fresh_time("import infokit", starts)
    imp_first = fresh_time("import infokit; infokit.kl_divergence([0.5, 0.5], [0.25, 0.75])", starts)
    imp_base = fresh_time("import numpy, scipy.special", starts)
    helpt = cli_help(starts)

    ratios = {
        "numpy KL: scipy / infokit": us["scipy.stats.entropy(p, q)"] / us["infokit KL"],
        "numpy KL: infokit / bare": us["infokit KL"] / us["bare np.sum(p * np.log(p / q))"],
        "numpy entropy: scipy / infokit": us["scipy.stats.entropy(p)"] / us["infokit entropy"],
        "import: infokit / (numpy + scipy.special)": imp_ik / imp_base,
        "import + first KL: infokit / (numpy + scipy.special)": imp_first / imp_base,
    }
    if torch is not None:
        ratios["torch KL: infokit / F.kl_div"] = us["infokit KL (torch)"] / us["F.kl_div(log q, p, 'sum')"]
    if helpt is not None:
        ratios["infokit --help [s]"] = helpt

    rows = [[k, f"{v:.2f}"] for k, v in us.items()]
    body = ["### Small inputs (4 outcomes): µs per call, median over interleaved batches", "",
            h.markdown_table(["call", "µs"], rows), "",
            "### Start-up", "",
            h.markdown_table(["what", "seconds (best of %d fresh interpreters)" % starts],
                             [["import infokit", f"{imp_ik:.3f}"],
                              ["import infokit, then the first ik.kl_divergence (loads what it needs)", f"{imp_first:.3f}"],
                              ["import numpy, scipy.special", f"{imp_base:.3f}"],
                              ["infokit --help (python -m infokit --help, whole process)",
                               "n/a" if helpt is None else f"{helpt:.3f}"]]), "",
            "### Ratios and goals", ""]
    grows = []
    for k, v in ratios.items():
        goal = GOALS.get(k)
        if goal is None:
            grows.append([k, f"{v:.2f}", "—", "—"])
        else:
            op, target = goal
            met = v >= target if op == ">=" else v <= target
            grows.append([k, f"{v:.2f}", f"{op} {target:g}", "met" if met else "NOT met"])
    body.append(h.markdown_table(["ratio", "value", "goal", ""], grows))
    text = "\n".join(body)
    print(text)
    if args.output:
        machine = h.machine_description(("numpy", "scipy", "torch"))
        h.write_section(args.output, "bench_overhead",
                        h.render_section("Fixed cost of a call (bench_overhead.py)", machine, text))


if __name__ == "__main__":
    main()
