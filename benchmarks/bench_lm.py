"""Memory and time of ``ik.lm.kl_from_logits`` (chunked) against the plain torch formulation.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_lm.py --quick          # smoke run (~1 min)
    PYTHONPATH=src python benchmarks/bench_lm.py                  # 2048 positions x 32k and 128k vocab (~10 GB RAM)
    PYTHONPATH=src python benchmarks/bench_lm.py --output benchmarks/RESULTS.md

Contenders, on float32 logits of shape (batch*seq, vocab), student with
``requires_grad=True``, teacher without (distillation):

* ``infokit`` -- ``ik.lm.kl_from_logits(s, t)`` (reduction "mean", default chunk);
* ``infokit chunk=256`` -- the same with 256 positions per chunk (a GPU-sized chunk);
* ``plain torch`` -- ``F.kl_div(F.log_softmax(s, -1), F.log_softmax(t, -1),
  log_target=True, reduction="batchmean")`` (the same value: batchmean of a 2-D
  input divides by the number of positions).

Modes: ``train`` = forward + backward (``loss.backward()``, which allocates the
full-size ``s.grad``, for every contender alike); ``eval`` = forward only under
``torch.no_grad()``.

Memory: every measurement runs in a fresh subprocess (torch's CPU allocator
returns large blocks to the OS, and ``tracemalloc`` does not see torch); the
figure is the peak resident set size (``ru_maxrss``) during the first call minus
the resident set size just before it, inputs already allocated.  Times: median
over repetitions; each repetition runs every contender (rotating order) in its
own process, one warm-up call then ``--inner`` timed calls.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness as h  # noqa: E402

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")

CONTENDERS = ("infokit", "infokit chunk=256", "plain torch")


def _rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _maxrss_bytes():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def worker(name, mode, positions, vocab, noise, inner, seed):
    """One contender in this (fresh) process; prints a JSON line."""
    import torch
    import torch.nn.functional as F

    try:
        import infokit as ik
    except ImportError:
        sys.path.insert(0, SRC)
        import infokit as ik
    from infokit import lm

    torch.manual_seed(seed)
    # in place, so that building the inputs leaves no transient peak above the RSS measured below
    s = torch.empty(positions, vocab).normal_(0.0, 2.0)
    t = torch.empty(positions, vocab).normal_(0.0, noise)
    t += s  # a teacher close to the student
    s.requires_grad_(mode == "train")

    if name == "reference":  # float64, core kernel of ik.kl_divergence, 64 rows at a time
        total = 0.0
        for i in range(0, positions, 64):
            zs, zt = s[i : i + 64].double().numpy(), t[i : i + 64].double().numpy()
            total += float(ik.kl_divergence(ik.from_logits(zt), ik.from_logits(zs)).sum())
        print(json.dumps({"value": total / positions}))
        return
    if name == "plain torch":
        def loss():
            return F.kl_div(F.log_softmax(s, -1), F.log_softmax(t, -1), log_target=True, reduction="batchmean")
    else:
        chunk = 256 if name.endswith("256") else None

        def loss():
            return lm.kl_from_logits(s, t, chunk=chunk)

    def call():
        if mode == "train":
            s.grad = None
            v = loss()
            v.backward()
        else:
            with torch.no_grad():
                v = loss()
        return float(v.detach())

    import gc

    gc.collect()
    rss0, max0 = _rss_bytes(), _maxrss_bytes()
    value = call()
    max1 = _maxrss_bytes()
    times = []
    for _ in range(inner):
        gc.collect()
        t0 = time.perf_counter()
        call()
        times.append(time.perf_counter() - t0)
    print(json.dumps({
        "value": value, "times": times, "peak_delta": max1 - rss0,
        "peak_is_earlier": max1 <= max0, "input_bytes": s.element_size() * s.numel(),
        "threads": torch.get_num_threads(), "infokit": os.path.dirname(ik.__file__),
    }))


def run_worker(name, mode, positions, vocab, noise, inner, seed):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([SRC, env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", name, "--mode", mode,
           "--positions", str(positions), "--vocab", str(vocab), "--noise", repr(noise), "--inner", str(inner), "--seed", str(seed)]
    out = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        raise RuntimeError(f"worker {name} {mode} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


_REFERENCES = {}


def bench_case(positions, vocab, noise, mode, reps, inner, seed):
    results = {name: {"times": [], "peaks": [], "values": [], "earlier": False} for name in CONTENDERS}
    key = (positions, vocab, noise, seed)
    if key not in _REFERENCES:  # the same inputs in every mode
        _REFERENCES[key] = run_worker("reference", "eval", positions, vocab, noise, 0, seed)["value"]
    reference = _REFERENCES[key]
    names = list(CONTENDERS)
    info = None
    for rep in range(reps):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            r = run_worker(name, mode, positions, vocab, noise, inner, seed)
            info = r
            results[name]["times"] += r["times"]
            results[name]["peaks"].append(r["peak_delta"])
            results[name]["values"].append(r["value"])
            results[name]["earlier"] |= r["peak_is_earlier"]
    return results, info, reference


def table(results, reference, ref="plain torch"):
    med = {n: statistics.median(r["times"]) * 1e3 for n, r in results.items()}
    mem = {n: statistics.median(r["peaks"]) / h.MiB for n, r in results.items()}
    rows = []
    for n, r in results.items():
        rows.append([
            n, f"{med[n]:.0f}", f"{min(r['times']) * 1e3:.0f}", f"{mem[n]:.0f}" + (" (<=)" if r["earlier"] else ""),
            f"{med[n] / med[ref]:.2f}", f"{mem[n] / mem[ref]:.3f}" if mem[ref] > 0 else "-",
            f"{max(abs(v - reference) for v in r['values']) / reference:.1e}",
        ])
    return h.markdown_table(
        ["contender", "ms (median)", "ms (min)", "peak RSS increase (MiB)", f"time / {ref}", f"memory / {ref}",
         "rel. error of the mean KL"], rows
    ), med, mem


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: 512 positions, 1 repetition")
    ap.add_argument("--positions", type=int, default=None, help="batch*seq positions (default 2048 = 4x512)")
    ap.add_argument("--vocab", type=int, nargs="*", default=None, help="vocabulary sizes (default 32000 128256)")
    ap.add_argument("--modes", nargs="*", default=["train", "eval"], choices=["train", "eval"])
    ap.add_argument("--reps", type=int, default=None, help="processes per contender (default 3, quick 1)")
    ap.add_argument("--inner", type=int, default=None, help="timed calls per process (default 2, quick 1)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--output", metavar="PATH", help="write/replace this benchmark's section in a markdown file")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--mode", default="train", help=argparse.SUPPRESS)
    ap.add_argument("--noise", type=float, default=1.0, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args.worker, args.mode, args.positions, args.vocab[0], args.noise, args.inner, args.seed)
        return

    positions = args.positions or (512 if args.quick else 2048)
    vocabs = args.vocab or [32000, 128256]
    # (vocab, teacher noise): noise 1 gives D ~ 0.5 nats per position; noise 0.001 gives D ~ 5e-7,
    # where infokit's float32 pass cannot certify its result and recomputes the positions in float64
    cases = [(v, 1.0) for v in vocabs] + [(vocabs[0], 0.001)]
    reps = args.reps or (1 if args.quick else 3)
    inner = args.inner or (1 if args.quick else 2)

    import torch  # noqa: F401  (for the machine description)

    machine = h.machine_description(("numpy", "torch"))
    machine["GPU"] = "none: only the CPU was measured"
    machine["load average at start (1/5/15 min)"] = h.load_average()
    print("\n".join(f"{k}: {v}" for k, v in machine.items()), end="\n\n")

    emit, parts = h.collector()

    emit("\n".join(f"- {n}" for n in [
        "CPU only (no GPU was available to this run).",
        "Contenders: `ik.lm.kl_from_logits(s, t)` (default chunk: 2**19 logits, i.e. 16 rows of 32k or "
        "4 rows of 128k), the same with `chunk=256`, and the plain `F.kl_div(F.log_softmax(s, -1), "
        "F.log_softmax(t, -1), log_target=True, reduction='batchmean')`; float32 logits of shape "
        f"({positions}, vocab) (= batch 4 x seq {positions // 4}), student s ~ 2 N(0,1) with "
        "requires_grad (train mode), teacher t = s + noise N(0,1) without; noise 1 gives a KL of about "
        "0.5 nats per position, noise 0.001 about 5e-7, where infokit's float32 pass cannot certify "
        "its result (relative error < 2.4e-4) and recomputes the positions in float64 (the price of its "
        "accuracy guarantee).  Last column: largest relative error of the mean KL over all runs against a "
        "float64 reference.",
        "`train` = forward + backward (`loss.backward()`, including the full-size `s.grad` every "
        "contender must allocate); `eval` = forward only under `torch.no_grad()`.",
        "Peak RSS increase: `ru_maxrss` after the first call minus the RSS just before it, inputs "
        "already allocated, each in a fresh process; median over processes.  '(<=)' marks a value "
        "bounded by an earlier peak of the process.",
        f"Times: median over {reps} processes x {inner} timed calls per contender (one warm-up call "
        "each), contenders interleaved with a rotating order.",
    ]))

    summary = []
    for vocab, noise in cases:
        for mode in args.modes:
            results, info, reference = bench_case(positions, vocab, noise, mode, reps, inner, args.seed)
            tab, med, mem = table(results, reference)
            emit(f"### {mode}: {positions} positions x vocab {vocab}, teacher noise {noise:g} (float32; one logits tensor = "
                 f"{info['input_bytes'] / h.MiB:.0f} MiB)\n\n" + tab
                 + f"\n\nMean KL {reference:.9g} nats per position (float64 reference: the core kernel of "
                   f"ik.kl_divergence on the same float32 logits); torch threads {info['threads']}.")
            summary.append([f"{mode}, vocab {vocab}, noise {noise:g}", f"{med['infokit'] / med['plain torch']:.2f}",
                            f"{mem['infokit'] / mem['plain torch']:.3f}",
                            f"{mem['plain torch']:.0f}",
                            f"{mem['infokit']:.0f}"])
    emit("### Ratios (infokit default chunk / plain torch)\n\n" + h.markdown_table(
        ["case", "time ratio", "peak-memory ratio", "plain peak (MiB)", "infokit peak (MiB)"], summary)
        + "\n\nload average at end (1/5/15 min): " + h.load_average())

    if args.output:
        section = h.render_section("Chunked KL from logits (bench_lm.py)", machine, "\n\n".join(parts))
        h.write_section(args.output, "bench_lm", section)
        print(f"wrote section 'bench_lm' to {args.output}")


if __name__ == "__main__":
    main()
