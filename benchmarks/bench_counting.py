"""Speed of counting samples: ``ik.empirical`` and the plug-in entropy of samples.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_counting.py            # full size
    PYTHONPATH=src python benchmarks/bench_counting.py --quick    # smoke run
    PYTHONPATH=src python benchmarks/bench_counting.py --output benchmarks/RESULTS.md

Goals: contenders timed interleaved in one run, median reported:

* plug-in entropy of 1e7 int samples, ``ik.entropy(ik.empirical(x))``, at least
  3x faster than infomeasure (``infomeasure.entropy(x, approach="discrete")``,
  its fastest call for discrete entropy: the estimator class behind it costs
  the same) and at most 1.5x a bare ``np.bincount`` + entropy; for x uniform on
  0..999 and for a Zipf-like x (P(k) ~ (k+1)^-1.1 on 0..99999);
* ``ik.empirical(s)`` of 1e6 strings (object array and fixed-width 'U' array)
  no slower than ``pandas.Series(s).value_counts()``.

Also reported, without a goal: infokit on one thread, an unbounded Zipf sample
(``rng.zipf(2)``, sorted rather than bincounted when its range is sparse),
polars ``value_counts``, pandas on a prebuilt Series, ``np.unique``, and pyitlib
if it is installed.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness as h  # noqa: E402

ik = h.import_infokit()

try:
    import infomeasure as im
except ImportError:
    im = None
try:
    import pandas as pd
except ImportError:
    pd = None
try:
    import polars as pl
except ImportError:
    pl = None
try:
    from pyitlib import discrete_random_variable as drv
except ImportError:
    drv = None

VS_INFOMEASURE = 3.0  # infokit at least this many times faster than infomeasure
VS_BINCOUNT = 1.5  # infokit at most this many times the bare bincount + entropy
VS_PANDAS = 1.0  # infokit at most this many times pandas value_counts


def pass_fail(ok):
    return "PASS" if ok else "FAIL"


def bare_entropy(x):
    c = np.bincount(x)
    p = c[c > 0] / x.size
    return -(p * np.log(p)).sum()


def unique_entropy(x):
    _, c = np.unique(x, return_counts=True)
    p = c / x.size
    return -(p * np.log(p)).sum()


def zipf_bounded(rng, n, k, s):
    """n samples of P(j) ~ (j+1)^-s on 0..k-1 (inverse CDF)."""
    cdf = np.cumsum(1.0 / np.arange(1, k + 1) ** s)
    cdf /= cdf[-1]
    return np.minimum(np.searchsorted(cdf, rng.random(n), side="right"), k - 1).astype(np.int64)


def interleave_shuffled(contenders, reps, seed):
    """Like ``_harness.interleave``, but each repetition runs the contenders in a fresh random order.

    With a fixed cyclic order, a fast contender that always follows a slow one
    (infomeasure, np.unique: hundreds of MB allocated and freed) always runs on
    cold caches and freshly trimmed memory; a random order spreads that cost
    over all contenders.
    """
    order = np.random.default_rng(seed)
    names = list(contenders)
    times = h.interleave(contenders, 0)  # warm-up of each contender, no timing
    for _ in range(reps):
        shuffled = [names[i] for i in order.permutation(len(names))]
        for name, ts in h.interleave({k: contenders[k] for k in shuffled}, 1, warmup=0).items():
            times[name] += ts
    return times


def timing_table(stats, ref):
    base = stats[ref]["ms"]
    rows = [
        [name, f"{s['ms']:.1f}", f"{s['min_ms']:.1f}", f"{s['ns_per_el']:.2f}", f"{s['ms'] / base:.2f}"]
        for name, s in stats.items()
    ]
    return h.markdown_table(["contender", "ms (median)", "ms (min)", "ns/sample", f"x {ref}"], rows)


def int_contenders(x, with_bare=True):
    c = {
        "infokit": lambda: ik.entropy(ik.empirical(x)),
        "infokit, 1 thread": h.one_thread(lambda: ik.entropy(ik.empirical(x))),
    }
    if with_bare:
        c["np.bincount + entropy"] = lambda: bare_entropy(x)
    c["np.unique + entropy"] = lambda: unique_entropy(x)
    if im is not None:
        c["infomeasure"] = lambda: im.entropy(x, approach="discrete")
    if drv is not None:
        c["pyitlib"] = lambda: drv.entropy(x, base=np.e)
    return c


def check_values(contenders):
    """Largest relative difference of the contenders' entropies from infokit's."""
    ref = float(contenders["infokit"]())
    worst = 0.0
    for fn in contenders.values():
        worst = max(worst, abs(float(fn()) - ref) / ref)
    return ref, worst


def string_contenders(s, series):
    c = {"infokit": lambda: ik.empirical(s)}
    if pd is not None:
        c["pandas.Series(s).value_counts()"] = lambda: pd.Series(s).value_counts()
        c["prebuilt Series .value_counts()"] = lambda: series.value_counts()
    if pl is not None:
        c["polars.Series(s).value_counts()"] = lambda: pl.Series(s).value_counts()
    c["np.unique(return_counts)"] = lambda: np.unique(s, return_counts=True)
    c["infokit entropy"] = lambda: ik.entropy(ik.empirical(s))
    return c


def check_strings(s):
    e = ik.empirical(s)
    if pd is None:
        return "pandas not installed"
    vc = pd.Series(s).value_counts()
    same = e.to_dict() == {str(k): int(v) for k, v in vc.items()}
    return "counts identical to pandas" if same else "COUNTS DIFFER FROM PANDAS"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: 1e6 ints, 1e5 strings, 3 reps")
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 15, quick 3)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--output", metavar="PATH",
                    help="write/replace this benchmark's section in a markdown file, e.g. benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    n_int, n_str = (10**6, 10**5) if args.quick else (10**7, 10**6)
    reps = args.reps or (3 if args.quick else 15)
    rng = np.random.default_rng(args.seed)

    machine = h.machine_description(("numpy", "pandas", "polars", "infomeasure", "pyitlib"))
    machine["infokit"] = f"{getattr(ik, '__version__', 'unknown')} ({os.path.dirname(ik.__file__)})"
    machine["INFOKIT_NUM_THREADS"] = os.environ.get("INFOKIT_NUM_THREADS", "unset")
    load_before = os.getloadavg()
    machine["load average at start (1/5/15 min)"] = " / ".join(f"{v:.2f}" for v in load_before)
    print("\n".join(f"{k}: {v}" for k, v in machine.items()), end="\n\n")

    emit, parts = h.collector()

    emit("\n".join(f"- {n}" for n in [
        f"Timings: median over {reps} repetitions; each repetition runs every contender once, "
        "in a fresh random order (so that none always follows the slow, memory-hungry ones); "
        "each warmed up once; inputs built outside the timed region.",
        "Int cases time the whole plug-in entropy from samples: ik.entropy(ik.empirical(x)) "
        "against infomeasure.entropy(x, approach='discrete') (np.unique inside) and a bare "
        "c = np.bincount(x); p = c[c>0]/n; -(p*log p).sum().",
        "infokit counts on INFOKIT_NUM_THREADS threads (default: the usable cores) for 2**20 "
        "samples or more; the '1 thread' row forces one. numpy, pandas and infomeasure use one.",
        "String cases time counting only (ik.empirical vs value_counts), inputs of 1e6 samples "
        "drawn Zipf-like from 10000 distinct words; pandas' time includes building the Series "
        "from the array (the prebuilt-Series row does not).",
        "pyitlib: " + ("installed" if drv is not None else "not installed, skipped."),
    ]))

    goal_rows = []

    # ---- ints -----------------------------------------------------------------
    int_cases = [
        ("uniform on 0..999", rng.integers(0, 1000, n_int), True),
        ("Zipf-like, P(k) ~ (k+1)^-1.1 on 0..99999", zipf_bounded(rng, n_int, 100_000, 1.1), True),
        ("unbounded Zipf, rng.zipf(2.0) (no goal)", rng.zipf(2.0, n_int).astype(np.int64), False),
    ]
    for label, x, goal in int_cases:
        cont = int_contenders(x, with_bare=goal)
        ref, diff = check_values(cont)
        stats = h.summarize(interleave_shuffled(cont, reps, args.seed), x.size)
        emit(f"### Plug-in entropy of {x.size:.0e} int64 samples, {label}\n\n"
             + timing_table(stats, "infokit")
             + f"\n\nentropy {ref:.12f} nats ({len(ik.empirical(x))} distinct values, range "
               f"{int(x.min())}..{int(x.max())}); largest relative difference between contenders: {diff:.1e}")
        if goal:
            ours = stats["infokit"]["ms"]
            vs_bare = ours / stats["np.bincount + entropy"]["ms"]
            row = [f"entropy of ints, {label}", f"{vs_bare:.2f}", pass_fail(vs_bare <= VS_BINCOUNT)]
            if im is not None:
                vs_im = stats["infomeasure"]["ms"] / ours
                row += [f"{vs_im:.1f}", pass_fail(vs_im >= VS_INFOMEASURE)]
            else:
                row += ["-", "infomeasure not installed"]
            row += ["-", "-"]
            goal_rows.append(row)
        del x

    # ---- strings ----------------------------------------------------------------
    vocab = np.array([f"word{i:05d}" for i in range(10_000)], dtype=object)
    words = vocab[zipf_bounded(rng, n_str, vocab.size, 1.0)]
    for label, s in [("object array of str", words), ("fixed-width 'U' array", words.astype(str))]:
        series = pd.Series(s) if pd is not None else None
        cont = string_contenders(s, series)
        note = check_strings(s)
        stats = h.summarize(interleave_shuffled(cont, reps, args.seed), s.size)
        emit(f"### Counting {s.size:.0e} strings, {label} (dtype {s.dtype})\n\n"
             + timing_table(stats, "infokit")
             + f"\n\n{len(ik.empirical(s))} distinct strings; infokit's {note}.")
        if pd is not None:
            vs_pd = stats["infokit"]["ms"] / stats["pandas.Series(s).value_counts()"]["ms"]
            goal_rows.append([f"counting strings, {label}", "-", "-", "-", "-",
                              f"{vs_pd:.2f}", pass_fail(vs_pd <= VS_PANDAS)])

    emit("### Speed ratios and goals\n\n" + h.markdown_table(
        ["case", "infokit / bincount", f"<= {VS_BINCOUNT:g}", "infomeasure / infokit",
         f">= {VS_INFOMEASURE:g}", "infokit / pandas", f"<= {VS_PANDAS:g}"],
        goal_rows)
        + "\n\nload average at end (1/5/15 min): " + h.load_average())

    if args.output:
        section = h.render_section("Counting samples and plug-in entropy (bench_counting.py)", machine,
                                   "\n\n".join(parts))
        h.write_section(args.output, "bench_counting", section)
        print(f"wrote section 'bench_counting' to {args.output}")


if __name__ == "__main__":
    main()
