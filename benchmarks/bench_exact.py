"""Speed and memory of infokit's exact KL divergence and entropy.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_exact.py            # full size
    PYTHONPATH=src python benchmarks/bench_exact.py --quick    # smoke run
    PYTHONPATH=src python benchmarks/bench_exact.py --output benchmarks/RESULTS.md

KL: p, q of shape (rows, 100000), random positive, each row normalised in
float64 (then cast for the float32 run).  Contenders are timed interleaved,
round-robin, in one run; the median over repetitions is reported.

Entropy: a float64 vector of 1e8 elements.

Memory: peak extra allocation during one call, beyond the inputs, measured
with tracemalloc (NumPy reports its buffers to it).
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np
import scipy.stats

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness as h  # noqa: E402

infokit = h.import_infokit()

try:
    import torch
    import torch.nn.functional as F
except ImportError:
    torch = None

# Goals.
KL_VS_SCIPY = 3.0  # infokit at least this many times faster than scipy
KL_VS_FLOOR = 2.5  # infokit at most this many times the np.log floor
MEM_GOAL_MIB = 8.0  # "O(block)": a few MiB at most, whatever the input size

LABELS = {
    "infokit": "infokit",
    "scipy": "scipy.stats.entropy",
    "torch": "torch CPU kl_div (incl. its own log q)",
    "floor": "floor: np.log",
}


def random_rows(rng, shape):
    """Random positive array, normalised along the last axis, float64."""
    x = rng.random(shape)
    np.subtract(1.0, x, out=x)  # [0, 1) -> (0, 1]: strictly positive
    x /= x.sum(axis=-1, keepdims=True)
    return x


def pass_fail(ok):
    return "PASS" if ok else "FAIL"


def timing_table(stats, label_of):
    inf = stats["infokit"]["ms"]
    floor = stats["floor"]["ms"]
    rows = []
    for name, s in stats.items():
        rows.append([
            label_of.get(name, name),
            f"{s['ms']:.1f}",
            f"{s['min_ms']:.1f}",
            f"{s['ns_per_el']:.3f}",
            f"{s['ms'] / floor:.2f}",
            f"{s['ms'] / inf:.2f}",
        ])
    headers = ["contender", "ms/call (median)", "ms (min)", "ns/element", "x floor", "x infokit"]
    return h.markdown_table(headers, rows)


def kl_contenders(p, q):
    contenders = {
        "infokit": lambda: infokit.kl_divergence(p, q, axis=-1),
        "scipy": lambda: scipy.stats.entropy(p, q, axis=-1),
    }
    if torch is not None:
        tp, tq = torch.from_numpy(p), torch.from_numpy(q)  # zero-copy, untimed
        contenders["torch"] = lambda: F.kl_div(torch.log(tq), tp, reduction="none").sum(-1)
    contenders["floor"] = lambda: np.log(q)
    return contenders


def bench_kl(p, q, reps):
    """Time KL on (p, q); return (stats, max relative difference to scipy)."""
    k = min(4, p.shape[0])
    ours = np.asarray(infokit.kl_divergence(p[:k], q[:k], axis=-1), dtype=np.float64)
    ref = np.asarray(scipy.stats.entropy(p[:k], q[:k], axis=-1), dtype=np.float64)
    rel = float(np.max(np.abs(ours - ref) / np.abs(ref)))
    times = h.interleave(kl_contenders(p, q), reps)
    return h.summarize(times, p.size), rel


def bench_entropy(v, reps):
    ours = float(infokit.entropy(v))
    ref = float(scipy.stats.entropy(v))
    rel = abs(ours - ref) / abs(ref)
    contenders = {
        "infokit": lambda: infokit.entropy(v),
        "scipy": lambda: scipy.stats.entropy(v),
        "floor": lambda: np.log(v),
    }
    times = h.interleave(contenders, reps)
    return h.summarize(times, v.size), rel


def mem_row(call, shape, dtype, input_bytes, peak):
    return [
        call,
        f"{'x'.join(map(str, shape))} {np.dtype(dtype).name}",
        f"{input_bytes / h.MiB:.0f}",
        f"{peak / h.MiB:.2f}",
        f"{peak / input_bytes:.4f}",
    ]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true",
                    help="smoke run: 100x100000 for KL, 1e7 for entropy")
    ap.add_argument("--reps", type=int, default=7, help="KL repetitions (default 7)")
    ap.add_argument("--entropy-reps", type=int, default=5,
                    help="entropy repetitions (default 5)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--output", metavar="PATH",
                    help="write/replace this benchmark's section in a markdown file, "
                         "e.g. benchmarks/RESULTS.md")
    args = ap.parse_args(argv)

    n_rows, n_cols, n_vec = (100, 100_000, 10**7) if args.quick else (1000, 100_000, 10**8)
    rng = np.random.default_rng(args.seed)
    machine = h.machine_description()
    version = getattr(infokit, "__version__", "unknown")
    machine["infokit"] = f"{version} ({os.path.dirname(infokit.__file__)})"
    machine["INFOKIT_NUM_THREADS"] = os.environ.get("INFOKIT_NUM_THREADS", "unset")
    print("\n".join(f"{k}: {v}" for k, v in machine.items()), end="\n\n")

    emit, parts = h.collector()

    notes = [
        f"Timings: median over repetitions, contenders interleaved round-robin in rotating "
        f"order, each warmed up once; KL {args.reps} reps, entropy {args.entropy_reps} reps.",
        "ns/element is per element of one input array.",
        "floor = np.log of one input: the least an exact computation must do "
        "(one log per element, plus writing the output array).",
        "numpy, scipy and the floor run on one thread; infokit may use several "
        "(INFOKIT_NUM_THREADS, default: the usable cores).",
    ]
    if torch is not None:
        notes.append(f"torch: CPU, {torch.get_num_threads()} threads; torch.from_numpy outside "
                     "the timed region; its time includes computing log(q) itself.")
    else:
        notes.append("torch: not installed, skipped.")
    emit("\n".join(f"- {n}" for n in notes))

    # ---- KL, float64 then float32 ----------------------------------------
    p = random_rows(rng, (n_rows, n_cols))
    q = random_rows(rng, (n_rows, n_cols))
    goal_rows = []
    mem_rows = []
    for dtype in (np.float64, np.float32):
        if p.dtype != dtype:
            p = p.astype(dtype)
            q = q.astype(dtype)
        stats, rel = bench_kl(p, q, args.reps)
        emit(f"### KL divergence, {n_rows}x{n_cols} {np.dtype(dtype).name}, per row (axis=-1)\n\n"
             + timing_table(stats, LABELS)
             + f"\n\nmax relative difference infokit vs scipy (first rows): {rel:.1e}")
        vs_floor = stats["infokit"]["ms"] / stats["floor"]["ms"]
        vs_scipy = stats["scipy"]["ms"] / stats["infokit"]["ms"]
        goal_rows.append([
            f"KL {np.dtype(dtype).name}", f"{vs_floor:.2f}", f"{vs_scipy:.2f}",
            pass_fail(vs_scipy >= KL_VS_SCIPY), pass_fail(vs_floor <= KL_VS_FLOOR),
        ])
        if dtype == np.float64:
            # Memory, on the float64 input, at full and half size.
            nbytes = p.nbytes + q.nbytes
            half = n_rows // 2
            peak_full = h.traced_peak(lambda: infokit.kl_divergence(p, q, axis=-1))
            peak_half = h.traced_peak(lambda: infokit.kl_divergence(p[:half], q[:half], axis=-1))
            peak_scipy = h.traced_peak(lambda: scipy.stats.entropy(p, q, axis=-1))
            mem_rows += [
                mem_row("infokit.kl_divergence(p, q)", p.shape, dtype, nbytes, peak_full),
                mem_row("infokit.kl_divergence(p, q)", (half, n_cols), dtype, nbytes // 2,
                        peak_half),
                mem_row("scipy.stats.entropy(p, q)", p.shape, dtype, nbytes, peak_scipy),
            ]
            kl_mem_ok = peak_full <= MEM_GOAL_MIB * h.MiB
    del p, q

    # ---- entropy, float64 vector ----------------------------------------
    v = random_rows(rng, n_vec)
    stats, rel = bench_entropy(v, args.entropy_reps)
    emit(f"### Entropy, {n_vec:.0e} float64 vector\n\n"
         + timing_table(stats, LABELS)
         + f"\n\nrelative difference infokit vs scipy: {rel:.1e}")
    goal_rows.append([
        "entropy float64 (no goal)",
        f"{stats['infokit']['ms'] / stats['floor']['ms']:.2f}",
        f"{stats['scipy']['ms'] / stats['infokit']['ms']:.2f}", "-", "-",
    ])

    peak_full = h.traced_peak(lambda: infokit.entropy(v))
    peak_scipy = h.traced_peak(lambda: scipy.stats.entropy(v))
    mem_rows.append(mem_row("infokit.entropy(p)", v.shape, v.dtype, v.nbytes, peak_full))
    mem_rows.append(mem_row("scipy.stats.entropy(p)", v.shape, v.dtype, v.nbytes, peak_scipy))
    entropy_mem_ok = peak_full <= MEM_GOAL_MIB * h.MiB
    del v
    v_half = random_rows(rng, n_vec // 2)
    peak_half = h.traced_peak(lambda: infokit.entropy(v_half))
    mem_rows.insert(-1, mem_row("infokit.entropy(p)", v_half.shape, v_half.dtype,
                                v_half.nbytes, peak_half))
    del v_half

    emit("### Speed ratios and goals\n\n" + h.markdown_table(
        ["case", "infokit / floor", "scipy / infokit",
         f"scipy / infokit >= {KL_VS_SCIPY:g}", f"infokit / floor <= {KL_VS_FLOOR:g}"],
        goal_rows))
    emit("### Peak extra memory during one call (tracemalloc)\n\n"
         + h.markdown_table(["call", "input", "inputs MiB", "peak extra MiB", "peak / inputs"],
                            mem_rows)
         + "\n\n"
         + f"- goal: infokit peak <= {MEM_GOAL_MIB:g} MiB (O(block), independent of N): "
           f"KL {pass_fail(kl_mem_ok)}, entropy {pass_fail(entropy_mem_ok)}\n"
         + "- the half-size rows show how the peak scales with N.\n"
         + "- tracemalloc sees NumPy's allocations only (not torch's or other native "
           "allocators).\n"
         + "- scratch buffers that infokit keeps between calls (per thread, O(block)) were "
           "allocated during the timed runs and are not counted.")

    if args.output:
        section = h.render_section("Exact KL divergence and entropy (bench_exact.py)",
                                   machine, "\n\n".join(parts))
        h.write_section(args.output, "bench_exact", section)
        print(f"wrote section 'bench_exact' to {args.output}")


if __name__ == "__main__":
    main()
