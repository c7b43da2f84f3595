"""Dask speed-up: ``ik.empirical`` of a Dask collection on 1 vs 2 worker processes vs in memory.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_dask.py            # 2e8 ints, 2e7 floats, 2e7 strings
    PYTHONPATH=src python benchmarks/bench_dask.py --quick    # smoke run: 2e7 ints, 2e6 floats/strings
    PYTHONPATH=src python benchmarks/bench_dask.py --output benchmarks/RESULTS.md

Issue 5 asks for "the Dask speed-up with 2 worker processes".  Contenders,
timed interleaved (round-robin, rotating start) in one run, median reported:

* ``LocalCluster(n_workers=1)`` and ``LocalCluster(n_workers=2)``: worker
  processes with one Dask thread each and ``INFOKIT_NUM_THREADS=1`` (one core
  per worker, the setting the module docs recommend); ``ik.empirical(x)``
  with the cluster's client as the current scheduler (counts per chunk on the
  workers, tree reduction of the partial counts, result back to this process);
* in memory, one process: ``ik.empirical(values)`` on the same data computed
  into this process (infokit's own threads: all usable cores, and 1 thread).

The data are generated *inside the workers* (``da.random.default_rng(seed)``
for ints and floats; ``dd.from_map`` of a seeded per-partition word generator for
strings), so nothing is shipped to the cluster, and persisted in the workers'
memory before timing: the timed region is the counting (what a cluster does
with data it has already loaded).  An end-to-end row (generate + count, not
persisted) is reported too.  Every Dask result is checked to equal the
in-memory one exactly.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness as h  # noqa: E402

ik = h.import_infokit()

import dask  # noqa: E402
import dask.array as da  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import distributed  # noqa: E402
import pandas as pd  # noqa: E402

N_WORDS = 10_000


def make_words(args):
    """One partition of Zipf-like words (seeded per partition: reproducible, made on the worker)."""
    seed, part, size = args
    rng = np.random.default_rng([seed, part])
    vocab = np.array([f"word{i:05d}" for i in range(N_WORDS)], dtype=object)
    w = 1.0 / np.arange(1, N_WORDS + 1)
    cdf = np.cumsum(w) / w.sum()
    idx = np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), N_WORDS - 1)
    return pd.Series(vocab[idx], name="word")


def words_series(n, partitions, seed):
    sizes = [n // partitions + (i < n % partitions) for i in range(partitions)]
    return dd.from_map(make_words, [(seed, i, s) for i, s in enumerate(sizes)],
                       meta=make_words((seed, 0, 1)).iloc[:0], enforce_metadata=False)


def same(a, b):
    return (a.outcomes.dtype == b.outcomes.dtype and np.array_equal(a.outcomes, b.outcomes)
            and np.array_equal(a.counts, b.counts))


def start_cluster(n_workers):
    logging.getLogger("distributed").setLevel(logging.ERROR)
    cluster = distributed.LocalCluster(
        n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=":0",
        silence_logs=logging.ERROR, env={"INFOKIT_NUM_THREADS": "1"},
    )
    return cluster, distributed.Client(cluster, set_as_default=False)


def on(client, x):
    def run():
        with client.as_current():
            return ik.empirical(x)
    return run


def bench_case(label, make, clients, reps, n, in_memory):
    """Time ik.empirical of ``make()`` persisted on each cluster, and in memory."""
    contenders, persisted = {}, {}
    for name, c in clients.items():
        with c.as_current():
            x = c.persist(make())
            distributed.wait(x)
        persisted[name] = x
        contenders[f"Dask, {name}"] = on(c, x)
    t0 = time.perf_counter()
    values = make().compute(scheduler="threads")
    t_materialize = time.perf_counter() - t0
    if in_memory:
        contenders["in memory, 1 process"] = lambda: ik.empirical(values)
        contenders["in memory, 1 process, 1 thread"] = h.one_thread(lambda: ik.empirical(values))
    # end to end: generate on the workers and count, nothing persisted
    for name, c in clients.items():
        contenders[f"Dask, {name}, generate + count"] = on(c, make())
    ref = ik.empirical(values)
    exact = all(same(fn(), ref) for key, fn in contenders.items() if key.startswith("Dask"))
    times = h.interleave(contenders, reps)
    stats = h.summarize(times, n)
    names = list(clients)
    base = stats[f"Dask, {names[-1]}"]["ms"]
    rows = [[k, f"{s['ms']:.0f}", f"{s['min_ms']:.0f}", f"{s['ns_per_el']:.2f}", f"{s['ms'] / base:.2f}"]
            for k, s in stats.items()]
    table = h.markdown_table(["contender", "ms (median)", "ms (min)", "ns/sample", f"x Dask, {names[-1]}"], rows)
    one, two = stats[f"Dask, {names[0]}"]["ms"], stats[f"Dask, {names[1]}"]["ms"]
    e2e1, e2e2 = (stats[f"Dask, {k}, generate + count"]["ms"] for k in names)
    summary = [label, f"{one / two:.2f}", f"{e2e1 / e2e2:.2f}"]
    if in_memory:
        summary += [f"{stats['in memory, 1 process']['ms'] / two:.2f}",
                    f"{stats['in memory, 1 process, 1 thread']['ms'] / two:.2f}"]
    else:
        summary += ["-", "-"]
    text = (f"### {label}\n\n{table}\n\n"
            f"{len(ref)} distinct outcomes; every Dask result equals the in-memory ik.empirical exactly: "
            f"{'yes' if exact else 'NO'}; bringing the data into this process (.compute(), threads) took {t_materialize:.1f} s.")
    del values, persisted
    return text, summary, exact


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: 2e7 ints, 2e6 floats and strings, 2 reps")
    ap.add_argument("--reps", type=int, default=None, help="repetitions (default 3, quick 2)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--output", metavar="PATH",
                    help="write/replace this benchmark's section in a markdown file, e.g. benchmarks/RESULTS.md")
    args = ap.parse_args(argv)
    n_int, n_flt, n_str = (2 * 10**7, 2 * 10**6, 2 * 10**6) if args.quick else (2 * 10**8, 2 * 10**7, 2 * 10**7)
    reps = args.reps or (2 if args.quick else 3)
    int_chunk, flt_chunk, str_parts = n_int // 20, n_flt // 20, 20

    machine = h.machine_description(("numpy", "pandas", "pyarrow", "dask", "distributed"))
    machine["infokit"] = f"{getattr(ik, '__version__', 'unknown')} ({os.path.dirname(ik.__file__)})"
    machine["load average at start (1/5/15 min)"] = h.load_average()
    print("\n".join(f"{k}: {v}" for k, v in machine.items()), end="\n\n", flush=True)

    emit, parts = h.collector()

    emit("\n".join(f"- {line}" for line in [
        f"Timings: median over {reps} repetitions; contenders interleaved round-robin in rotating "
        "order, each warmed up once.",
        "Dask rows: ik.empirical(x) with the cluster's client current; workers are processes with "
        "1 Dask thread and INFOKIT_NUM_THREADS=1 each; data generated on the workers and persisted "
        "there before timing (except the 'generate + count' rows, which build the data too).",
        "In-memory rows: ik.empirical on the same data computed into this process, infokit's "
        "default threads (all usable cores) and 1 thread.",
        "Speed-up = time with 1 worker / time with 2 workers.",
    ]))

    clients = {}
    clusters = []
    try:
        for k in (1, 2):
            cluster, client = start_cluster(k)
            clusters.append(cluster)
            clients[f"{k} worker{'s' if k > 1 else ''}"] = client
        cases = [
            (f"{n_int:.0e} int64 samples uniform on 0..999, {n_int // int_chunk} chunks",
             lambda: da.random.default_rng(args.seed).integers(0, 1000, size=n_int, chunks=int_chunk), n_int),
            (f"{n_flt:.0e} float64 samples, normal rounded to 0.001 (sorted, not bincounted), "
             f"{n_flt // flt_chunk} chunks",
             lambda: da.round(da.random.default_rng(args.seed + 1).standard_normal(size=n_flt, chunks=flt_chunk), 3),
             n_flt),
            (f"{n_str:.0e} strings (Zipf-like over {N_WORDS} words, pandas 'str' column), "
             f"{str_parts} partitions",
             lambda: words_series(n_str, str_parts, args.seed), n_str),
        ]
        summary_rows, all_exact = [], True
        for label, make, n in cases:
            text, row, exact = bench_case(label, make, clients, reps, n, in_memory=True)
            emit(text)
            summary_rows.append(row)
            all_exact &= exact
    finally:
        for c in clients.values():
            c.close()
        for cl in clusters:
            cl.close()

    load_start, load_end = machine["load average at start (1/5/15 min)"], os.getloadavg()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    busy = float(load_start.split(" / ")[0]) > 0.5 * cores or load_end[0] > cores + 1
    caveat = (f"\n\nThe machine was shared during this run (load average {load_start} at start, "
              f"{load_end[0]:.2f} at end, on {cores} cores): other processes competed for the cores the "
              "workers need, so these speed-ups understate what idle cores would give."
              if busy else "")
    emit("### Speed-up\n\n" + h.markdown_table(
        ["case", "1 worker / 2 workers", "same, generate + count", "in memory / 2 workers",
         "in memory 1 thread / 2 workers"], summary_rows)
        + "\n\nload average at end (1/5/15 min): " + " / ".join(f"{v:.2f}" for v in load_end) + caveat)

    if args.output:
        section = h.render_section("Dask map-reduce counting (bench_dask.py)", machine, "\n\n".join(parts))
        h.write_section(args.output, "bench_dask", section)
        print(f"wrote section 'bench_dask' to {args.output}")
    return 0 if all_exact else 1


if __name__ == "__main__":
    sys.exit(main())
