"""Streaming counts from Parquet files: rows per second and peak memory as the file grows.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_io.py --quick     # smoke run, small files, ~30 s
    PYTHONPATH=src python benchmarks/bench_io.py             # 2.5e7, 1e8, 2e8 rows (~0.25, 1, 2 GB)
    PYTHONPATH=src python benchmarks/bench_io.py --output benchmarks/RESULTS.md

Goal: a file larger than memory is counted with bounded memory --
peak RSS must stay flat as the file grows -- at a useful speed.

For each size a Parquet file is written to a temporary directory under /tmp
(pyarrow's writer, default settings: dictionary encoding + snappy, row groups
of 2**20 rows) with four columns:

* ``x``: int64, uniform on 0..999;
* ``s``: string, 1000 distinct words drawn Zipf-like;
* ``v``: float64 uniform in [0, 1) (incompressible payload: it makes the file
  multi-GB; it is not read -- Parquet is columnar, only the chunks of the
  columns asked for are read, and their size is reported);
* ``id``: int64 row number (payload, not read).

Each measurement runs in a fresh subprocess (``--worker``), which reports
the wall time of the call, its RSS after the imports (before reading) and
its peak RSS during the call (``VmHWM`` of ``/proc/self/status``, reset after
the imports through ``/proc/self/clear_refs``; not ``ru_maxrss``, which on
Linux carries the parent's peak over fork + exec).  Contenders:

* ``ikio.read_empirical(path, "x")`` and ``(path, "s")`` -- streamed;
* ``ikio.read_mutual_information(path, "x", "s")`` -- streamed joint counts;
* on the smallest file only, the in-memory alternatives:
  ``pandas.read_parquet(path, columns=[c])[c].value_counts()`` and
  ``ik.empirical(pq.read_table(path, columns=[c]).column(c).to_numpy())``.

The streamed counts are checked against the counts kept while writing the
file.  The files are deleted after use; the page cache is warm (each file
was just written), so the figures are for reading from memory, not disk.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness as h  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.join(HERE, "..", "src")
ROW_GROUP = 1 << 20
K_INT, K_STR = 1000, 1000
FLAT_RATIO = 1.25  # peak RSS of the largest file at most this many times the smallest's


# --------------------------------------------------------------------------
# worker: one measurement in a fresh process
# --------------------------------------------------------------------------
def _reset_peak() -> bool:
    """Reset this process's peak RSS (VmHWM) to its current RSS (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def worker(args) -> None:
    # Peak memory: VmHWM of this process.  Not ru_maxrss: on Linux it carries
    # over the parent's peak through fork + exec.
    try:
        import infokit as ik
    except ImportError:
        sys.path.insert(0, SRC)
        import infokit as ik
    import infokit.io as ikio
    import pyarrow.parquet as pq

    if args.how in ("pandas", "inmemory"):
        import pandas as pd  # pyarrow's to_numpy imports it: not timed
    base_rss = h.status_kib("VmRSS")
    import_peak = h.status_kib("VmHWM")
    reset = _reset_peak()
    t0 = time.perf_counter()
    if args.how == "stream":
        e = ikio.read_empirical(args.path, args.column, batch_size=args.batch_size, progress=False)
        out = {"n": e.n, "counts": e.counts.tolist(), "outcomes": [str(o) for o in e.outcomes.tolist()]}
    elif args.how == "mi":
        mi = ikio.read_mutual_information(args.path, "x", "s", batch_size=args.batch_size, progress=False)
        out = {"mi": float(mi)}
    elif args.how == "pandas":
        vc = pd.read_parquet(args.path, columns=[args.column])[args.column].value_counts()
        out = {"n": int(vc.sum())}
    elif args.how == "inmemory":
        col = pq.read_table(args.path, columns=[args.column]).column(args.column)
        e = ik.empirical(col.to_numpy())
        out = {"n": e.n}
    else:  # pragma: no cover
        raise SystemExit(f"unknown --how {args.how}")
    seconds = time.perf_counter() - t0
    peak = h.status_kib("VmHWM")
    if not reset:  # peak of the whole process then (imports included)
        peak = max(peak, import_peak)
    out.update(seconds=seconds, peak_rss_kib=peak, base_rss_kib=base_rss, peak_reset=reset)
    print(json.dumps(out))


def measure(path, how, column="x", batch_size=1 << 18) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", "--path", path, "--how", how,
           "--column", column, "--batch-size", str(batch_size)]
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if res.returncode != 0:
        raise RuntimeError(f"worker failed: {' '.join(cmd)}\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------
def write_file(path, rows, seed):
    """A Parquet file of ``rows`` rows; returns the exact counts of x and s kept while writing."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    words = pa.array([f"word{j:04d}" for j in range(K_STR)])
    p = 1.0 / np.arange(1, K_STR + 1) ** 1.1
    cdf = np.cumsum(p / p.sum())
    cx = np.zeros(K_INT, dtype=np.int64)
    cs = np.zeros(K_STR, dtype=np.int64)
    writer = None
    done = 0
    try:
        while done < rows:
            n = min(ROW_GROUP, rows - done)
            x = rng.integers(0, K_INT, n)
            si = np.minimum(np.searchsorted(cdf, rng.random(n)), K_STR - 1).astype(np.int32)
            cx += np.bincount(x, minlength=K_INT)
            cs += np.bincount(si, minlength=K_STR)
            s = pa.DictionaryArray.from_arrays(pa.array(si), words).cast(pa.string())
            table = pa.table({"x": x, "s": s, "v": rng.random(n), "id": np.arange(done, done + n)})
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table, row_group_size=ROW_GROUP)
            done += n
    finally:
        if writer is not None:
            writer.close()
    return cx, cs


def column_bytes(path, column) -> int:
    import pyarrow.parquet as pq

    md = pq.ParquetFile(path).metadata
    j = md.schema.to_arrow_schema().get_field_index(column)
    return sum(md.row_group(g).column(j).total_compressed_size for g in range(md.num_row_groups))


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------
def mib(kib) -> str:
    return f"{kib / 1024:.0f}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: 1e6 and 4e6 rows, 1 repetition")
    ap.add_argument("--rows", type=str, default=None, help="comma-separated file sizes in rows")
    ap.add_argument("--reps", type=int, default=None, help="repetitions per measurement (default 3, quick 1)")
    ap.add_argument("--mi-reps", type=int, default=1, help="repetitions of the mutual-information read")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dir", default="/tmp", help="where the temporary directory of files is made")
    ap.add_argument("--output", metavar="PATH", help="write/replace this benchmark's section, e.g. benchmarks/RESULTS.md")
    # worker mode
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--path", help=argparse.SUPPRESS)
    ap.add_argument("--how", help=argparse.SUPPRESS)
    ap.add_argument("--column", default="x", help=argparse.SUPPRESS)
    ap.add_argument("--batch-size", type=int, default=1 << 18, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.worker:
        worker(args)
        return

    if args.rows:
        sizes = [int(float(r)) for r in args.rows.split(",")]
    else:
        sizes = [10**6, 4 * 10**6] if args.quick else [25 * 10**6, 100 * 10**6, 200 * 10**6]
    reps = args.reps or (1 if args.quick else 3)

    machine = h.machine_description(("numpy", "pyarrow", "pandas", "rich"))
    machine["load average at start (1/5/15 min)"] = h.load_average()
    print("\n".join(f"{k}: {v}" for k, v in machine.items()), end="\n\n", flush=True)

    emit, parts = h.collector()

    emit("\n".join(f"- {line}" for line in [
        "Parquet files written by pyarrow (default settings: dictionary encoding, snappy; row groups of "
        f"{ROW_GROUP} rows) with columns x (int64 uniform on 0..{K_INT - 1}), s (string, {K_STR} words, "
        "Zipf-like), and two payload columns that are not read (v: random float64, id: int64 row number); "
        "one file at a time in a temporary directory under " + args.dir + ", deleted after use.",
        f"Each figure: a fresh subprocess per run, median wall time of {reps} run(s) "
        f"({args.mi_reps} for the mutual information) of the call alone "
        "(imports excluded); 'RSS after imports' = the process's RSS before reading; 'peak RSS' = its "
        "peak RSS during the call (VmHWM reset after the imports; max over runs).",
        "Streamed calls: infokit.io.read_empirical(path, col) (batches of 2**18 rows; string columns read "
        "as dictionaries) and read_mutual_information(path, 'x', 's'). Counts checked exactly against "
        "the counts kept while writing.",
        "The page cache is warm (each file was just written): rates are for data in RAM, not disk reads.",
    ]))

    tmp = tempfile.mkdtemp(prefix="infokit_bench_io_", dir=args.dir)
    rows_tab, base_rows, batch_rows = [], [], []
    peaks = {}
    try:
        for i, rows in enumerate(sizes):
            path = os.path.join(tmp, f"rows{rows}.parquet")
            t0 = time.perf_counter()
            cx, cs = write_file(path, rows, args.seed + i)
            wrote = time.perf_counter() - t0
            size = os.path.getsize(path)
            print(f"wrote {path}: {rows} rows, {size / 1e9:.2f} GB in {wrote:.0f} s", flush=True)
            for col, truth in (("x", cx), ("s", cs)):
                runs = [measure(path, "stream", col) for _ in range(reps)]
                r0 = runs[0]
                ok = r0["n"] == rows and sorted(r0["counts"]) == sorted(truth[truth > 0].tolist())
                if col == "x":
                    ok = ok and r0["counts"] == truth.tolist()
                else:  # outcomes are the words in sorted order, which is the index order here
                    ok = ok and r0["outcomes"] == [f"word{j:04d}" for j in range(K_STR) if truth[j]] \
                        and r0["counts"] == truth[truth > 0].tolist()
                sec = statistics.median(r["seconds"] for r in runs)
                peak = max(r["peak_rss_kib"] for r in runs)
                basek = statistics.median(r["base_rss_kib"] for r in runs)
                peaks.setdefault(col, []).append(peak)
                cbytes = column_bytes(path, col)
                rows_tab.append([f"read_empirical, column {col}", f"{rows:.1e}", f"{size / 1e9:.2f}",
                                 f"{cbytes / 1e6:.0f}", f"{sec:.2f}", f"{rows / sec / 1e6:.1f}",
                                 f"{cbytes / sec / 1e6:.0f}", mib(basek), mib(peak), "yes" if ok else "NO"])
                print(rows_tab[-1], flush=True)
            runs = [measure(path, "mi") for _ in range(args.mi_reps)]
            sec = statistics.median(r["seconds"] for r in runs)
            peak = max(r["peak_rss_kib"] for r in runs)
            peaks.setdefault("mi", []).append(peak)
            cbytes = column_bytes(path, "x") + column_bytes(path, "s")
            rows_tab.append(["read_mutual_information(x, s)", f"{rows:.1e}", f"{size / 1e9:.2f}",
                             f"{cbytes / 1e6:.0f}", f"{sec:.2f}", f"{rows / sec / 1e6:.1f}",
                             f"{cbytes / sec / 1e6:.0f}", mib(runs[0]["base_rss_kib"]), mib(peak), "-"])
            print(rows_tab[-1], flush=True)
            if i == 0:
                for col in ("x", "s"):
                    for how, label in (("stream", "infokit.io.read_empirical (streamed)"),
                                       ("inmemory", "ik.empirical(pq.read_table(...).to_numpy())"),
                                       ("pandas", "pd.read_parquet(columns=[c])[c].value_counts()")):
                        runs = [measure(path, how, col) for _ in range(reps)]
                        assert all(r["n"] == rows for r in runs)
                        sec = statistics.median(r["seconds"] for r in runs)
                        peak = max(r["peak_rss_kib"] for r in runs)
                        basek = statistics.median(r["base_rss_kib"] for r in runs)
                        base_rows.append([label, col, f"{sec:.2f}", f"{rows / sec / 1e6:.1f}", mib(basek),
                                          mib(peak), mib(peak - basek)])
                        print(base_rows[-1], flush=True)
                for bs in (1 << 16, 1 << 18, 1 << 20):
                    runs = [measure(path, "stream", "x", bs) for _ in range(reps)]
                    sec = statistics.median(r["seconds"] for r in runs)
                    peak = max(r["peak_rss_kib"] for r in runs)
                    batch_rows.append([f"{bs}", f"{rows / sec / 1e6:.1f}", mib(peak)])
            os.remove(path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    emit("### Streaming: rows per second and peak memory as the file grows\n\n" + h.markdown_table(
        ["call", "rows", "file GB", "column(s) MB", "s", "M rows/s", "column MB/s", "RSS after imports MiB",
         "peak RSS MiB", "counts exact"], rows_tab))
    flat = []
    labels = {"x": "read_empirical, column x", "s": "read_empirical, column s",
              "mi": "read_mutual_information(x, s)"}
    for key, ps in peaks.items():
        ratio = ps[-1] / ps[0]
        verdict = "PASS" if ratio <= FLAT_RATIO else "FAIL"
        if key == "mi":
            verdict = "no goal: O(distinct (x, s) cells seen), at most 10^6 here"
        flat.append([labels[key], " / ".join(mib(p) for p in ps), f"{ratio:.2f}", verdict])
    emit(f"### Peak memory flat as the file grows ({sizes[0]:.1e} -> {sizes[-1]:.1e} rows, "
         f"{sizes[-1] / sizes[0]:.0f}x)\n\n" + h.markdown_table(
             ["streamed read", "peak RSS MiB per size", "largest / smallest", f"<= {FLAT_RATIO}"], flat))
    emit(f"### In memory vs streamed, smallest file ({sizes[0]:.1e} rows)\n\n" + h.markdown_table(
        ["contender", "column", "s", "M rows/s", "RSS after imports MiB", "peak RSS MiB",
         "peak - after imports MiB"], base_rows))
    emit(f"### Batch size (read_empirical, column x, {sizes[0]:.1e} rows)\n\n" + h.markdown_table(
        ["batch_size (rows)", "M rows/s", "peak RSS MiB"], batch_rows)
        + "\n\nload average at end (1/5/15 min): " + h.load_average())

    if args.output:
        section = h.render_section("Streaming counts from Parquet files (bench_io.py)", machine, "\n\n".join(parts))
        h.write_section(args.output, "bench_io", section)
        print(f"wrote section 'bench_io' to {args.output}")


if __name__ == "__main__":
    main()
