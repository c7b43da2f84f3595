"""Peak memory of the file commands (``entropy``, ``mi``, ``kl``, ``drift``) against file size and distinct values.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_memory.py --quick      # ~100 MB files, a few minutes
    PYTHONPATH=src python benchmarks/bench_memory.py --sizes 0.3,1,3 --pairs 1e4,1e6,1e7
    PYTHONPATH=src python benchmarks/bench_memory.py ... --output benchmarks/RESULTS.md

Goal: peak RSS of ``infokit entropy``, ``mi``, ``kl`` and ``drift`` at most
500 MiB on CSV files of any size, whatever the number of distinct values or
(x, y) pairs: the counts are held as sorted integer keys and spill to disk
past the memory budget (``INFOKIT_MEMORY_BUDGET``).

Files (CSV, written to a temporary directory under ``--dir`` with pyarrow in
chunks, deleted afterwards) have three int64 columns: ``r`` uniform on
``0..D-1`` (D = the "distinct pairs" of the row), ``x = r // K`` and
``y = r % K`` with ``K = ceil(sqrt(D))``, so the (x, y) pairs are the D
values of r (about ``D (1 - exp(-rows/D))`` of them observed), X and Y each
have about ``sqrt(D)`` values; and ``v``, a float column with 6 decimals
(drift's compared column, and a payload that makes the file large).
Commands: ``entropy r``, ``mi x y`` (the D pairs; about sqrt(D) values per
column), ``mi r x`` (D values in X itself), ``kl r``, ``drift v`` and
``drift r`` (with ``--text``: a text column of D categories).
With ``--text``, ``r``, ``x`` and ``y`` are written as strings (``k<r>``,
``x<x>``, ``y<y>``): text columns with the same distinct values, which past
the memory budget are counted by the 64-bit keys of their strings.

Each command runs as ``python -m infokit ...`` in a fresh process through a
small wrapper that resets the process's peak RSS (``VmHWM``, via
``/proc/self/clear_refs``) before Python imports anything heavy and reads it
when the command ends: the figure is the whole command's peak (interpreter,
imports and reading included).  Not ``ru_maxrss``: on Linux it carries the
parent's peak over fork + exec.  The page cache is warm (each file was just
written).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness as h  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", "src"))
CHUNK = 4_000_000  # rows generated and written at a time
LIMIT_MIB = 500


# --------------------------------------------------------------------------
# worker: one CLI run, its peak RSS
# --------------------------------------------------------------------------
def cli_worker(argv, src=SRC) -> None:
    """Run ``infokit`` with ``argv`` in this process; print its peak RSS (KiB) as the last stderr line."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    sys.path.insert(0, src)
    from infokit.cli import main

    rc = 1
    try:
        rc = main(argv)
    except SystemExit as exc:  # click's standalone mode
        rc = exc.code if isinstance(exc.code, int) else 1
    finally:
        sys.stdout.flush()
        print(f"PEAK_RSS_KIB {h.status_kib('VmHWM')}", file=sys.stderr)
    sys.exit(rc or 0)


def run_cli(args, env_extra=None, src=SRC) -> dict:
    cmd = [sys.executable, os.path.abspath(__file__), "--cli-worker", "--src", src, "--", *args]
    env = dict(os.environ)
    env["PYTHONPATH"] = src + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(env_extra or {})
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t0
    peak = None
    for line in res.stderr.splitlines():
        if line.startswith("PEAK_RSS_KIB"):
            peak = int(line.split()[1])
    out = {"rc": res.returncode, "seconds": wall, "peak_mib": None if peak is None else peak / 1024}
    if res.returncode == 0:
        try:
            out["json"] = json.loads(res.stdout)
        except ValueError:
            out["json"] = None
    else:
        out["stderr"] = res.stderr[-2000:]
    return out


# --------------------------------------------------------------------------
# files
# --------------------------------------------------------------------------
BYTES_PER_ROW_GUESS = 30


def _text(prefix, values):
    """``values`` (int64) as strings ``prefix + decimal`` (an Arrow string array, made without Python objects)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return pc.binary_join_element_wise(pa.scalar(prefix), pc.cast(pa.array(values), pa.string()), pa.scalar(""))


def write_csv(path, target_bytes, distinct, seed, text=False) -> dict:
    """A CSV file of about ``target_bytes`` bytes; returns its rows and exact counts summaries.

    ``text``: ``r``, ``x`` and ``y`` written as strings (``"k<r>"``,
    ``"x<x>"``, ``"y<y>"``: text columns, the same distinct values).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    k = max(1, math.isqrt(int(distinct) - 1) + 1)
    rows = 0
    writer = None
    try:
        with open(path, "wb") as f:
            while f.tell() < target_bytes:
                r = rng.integers(0, int(distinct), CHUNK)
                v = np.round(rng.standard_normal(CHUNK), 6)
                if text:
                    table = pa.table({"r": _text("k", r), "x": _text("x", r // k), "y": _text("y", r % k), "v": v})
                else:
                    table = pa.table({"r": r, "x": r // k, "y": r % k, "v": v})
                if writer is None:
                    writer = pacsv.CSVWriter(f, table.schema)
                writer.write_table(table)
                rows += CHUNK
                f.flush()
            if writer is not None:
                writer.close()
                writer = None
    finally:
        if writer is not None:
            writer.close()
    return {"rows": rows, "bytes": os.path.getsize(path)}


def _file(path, target_bytes, distinct, seed, keep, text=False) -> dict:
    """``write_csv``, or with ``keep`` the file already written by an earlier run (its rows recounted)."""
    meta = path + ".json"
    if keep and os.path.exists(path) and os.path.exists(meta):
        with open(meta) as f:
            return json.load(f)
    info = write_csv(path, target_bytes, distinct, seed, text)
    if keep:
        with open(meta, "w") as f:
            json.dump(info, f)
    return info


# --------------------------------------------------------------------------
# main
# --------------------------------------------------------------------------
COMMANDS = {
    "entropy r": lambda p, q: ["entropy", p, "-c", "r", "--format", "json"],
    "entropy x": lambda p, q: ["entropy", p, "-c", "x", "--format", "json"],
    "mi x y": lambda p, q: ["mi", p, "--x", "x", "--y", "y", "--format", "json"],
    "mi r x": lambda p, q: ["mi", p, "--x", "r", "--y", "x", "--format", "json"],  # D distinct values in X
    "kl r": lambda p, q: ["kl", p, q, "-c", "r", "--smoothing", "laplace", "--format", "json"],
    "drift v": lambda p, q: ["drift", p, q, "--columns", "v", "--permutations", "0", "--format", "json"],
    "drift r": lambda p, q: ["drift", p, q, "--columns", "r", "--permutations", "0", "--format", "json"],
}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: 0.1 GB files, 1e4 and 1e6 pairs")
    ap.add_argument("--sizes", default="0.3,1,3", help="file sizes in GB (1e9 bytes), comma-separated")
    ap.add_argument("--pairs", default="1e4,1e6,1e7", help="distinct pairs D, comma-separated")
    ap.add_argument("--commands", default=",".join(COMMANDS), help="which commands (names as in the table)")
    ap.add_argument("--runs", default=None,
                    help="several grids, ';'-separated, each 'PAIRS@SIZES@COMMANDS' (e.g. "
                         "'1e6@0.3,1,3@entropy r,mi x y;1e7@3@mi x y'); overrides --pairs/--sizes/--commands")
    ap.add_argument("--budget", default=None, help="INFOKIT_MEMORY_BUDGET for the runs (default: infokit's)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--dir", default="/tmp")
    ap.add_argument("--files", default=None, metavar="DIR",
                    help="keep the generated files in DIR and reuse them on later runs (named by D, size and "
                         "seed); default: a temporary directory, each file deleted after its commands")
    ap.add_argument("--text", action="store_true",
                    help="r, x and y as text columns (strings 'k<r>', 'x<x>', 'y<y>': counted by the keys of "
                         "their strings past the memory budget)")
    ap.add_argument("--generate-only", action="store_true", help="with --files: write the files, run nothing")
    ap.add_argument("--src", default=SRC, help="the infokit source tree to run (default: this checkout's src; "
                                               "another checkout's for a before/after comparison)")
    ap.add_argument("--output", metavar="PATH", help="write/replace this benchmark's section of a markdown file")
    ap.add_argument("--cli-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.cli_worker:
        cli_worker(args.rest, os.path.abspath(args.src))
        return
    if args.runs:
        grids = []
        for part in args.runs.split(";"):
            d, sz, cm = part.split("@")
            grids.append(([float(v) for v in d.split(",")], [float(v) for v in sz.split(",")],
                          [c.strip() for c in cm.split(",")]))
    else:
        sizes = [0.1] if args.quick else [float(s) for s in args.sizes.split(",")]
        pairs = [1e4, 1e6] if args.quick else [float(s) for s in args.pairs.split(",")]
        grids = [(pairs, sizes, [c.strip() for c in args.commands.split(",")])]
    env = {} if args.budget is None else {"INFOKIT_MEMORY_BUDGET": args.budget}
    rows_out = []
    keep = args.files is not None
    if keep:
        os.makedirs(args.files, exist_ok=True)
    tmp = args.files if keep else tempfile.mkdtemp(prefix="infokit-bench-memory-", dir=args.dir)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    try:
        for d, gb, commands in ((d, gb, c) for pairs, sizes, c in grids for d in pairs for gb in sizes):
            if True:
                stem = f"D{d:.0e}-{gb:g}GB-{'text-' if args.text else ''}seed" if keep else ""
                p = os.path.join(tmp, f"{stem}{args.seed}-p.csv" if keep else "p.csv")
                t0 = time.perf_counter()
                info = _file(p, gb * 1e9, d, args.seed, keep, args.text)
                gen = time.perf_counter() - t0
                q = None
                if any(c.split()[0] in ("kl", "drift") for c in commands):
                    q = os.path.join(tmp, f"{stem}{args.seed + 1}-q.csv" if keep else "q.csv")
                    _file(q, gb * 1e9, d, args.seed + 1, keep, args.text)
                print(f"# D={d:.0e} {info['bytes'] / 1e9:.2f} GB, {info['rows']} rows (written in {gen:.0f} s)",
                      file=sys.stderr, flush=True)
                for name in [] if args.generate_only else commands:
                    res = run_cli(COMMANDS[name](p, q), env, os.path.abspath(args.src))
                    row = {"command": name + (" (text)" if args.text else ""), "gb": info["bytes"] / 1e9, "rows": info["rows"], "pairs": d,
                           "peak_mib": res["peak_mib"], "seconds": res["seconds"], "rc": res["rc"]}
                    js = res.get("json") or {}
                    diag = (js.get("estimate") or {}).get("diagnostics") or {}
                    row["observed"] = js.get("observed_outcomes") or diag.get("cells_observed") or diag.get("k")
                    if res["rc"] != 0:
                        row["error"] = res.get("stderr", "")[-300:]
                    rows_out.append(row)
                    print(json.dumps(row), flush=True)
                for f in (p, q):
                    if f and os.path.exists(f) and not keep:
                        os.remove(f)
    finally:
        if not keep:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.generate_only:
        return
    table = [[r["command"], f"{r['gb']:.2f}", f"{r['rows']:.2e}", f"{r['pairs']:.0e}",
              "" if not r.get("observed") else f"{r['observed']:.2e}",
              "failed" if r["peak_mib"] is None else f"{r['peak_mib']:.0f}",
              f"{r['seconds']:.1f}", "yes" if r["rc"] == 0 and r["peak_mib"] and r["peak_mib"] <= LIMIT_MIB else "NO"]
             for r in rows_out]
    header = ["command", "file [GB]", "rows", "distinct D", "observed", "peak RSS [MiB]", "wall [s]", f"≤ {LIMIT_MIB} MiB"]
    md = h.markdown_table(header, table)
    print(md)
    if args.output:
        m = h.machine_description(("numpy", "pyarrow"))
        given = list(argv if argv is not None else sys.argv[1:])
        if "--output" in given:
            i = given.index("--output")
            del given[i:i + 2]
        cmdline = "PYTHONPATH=src python benchmarks/bench_memory.py " + shlex.join(given)
        machine = ", ".join(f"{k} {v}" for k, v in m.items())
        section = (f"## Peak memory of the file commands (bench_memory.py) — {started}\n\n"
                   f"`{cmdline.strip()}`\n\nMachine: {machine}; load average at the end "
                   f"{h.load_average()}; INFOKIT_MEMORY_BUDGET={args.budget or 'default (128 MiB)'}.\n\n{md}\n")
        h.write_section(args.output, "bench_memory", section)


if __name__ == "__main__":
    main()
