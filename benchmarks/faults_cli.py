"""Faults of the command line, measured: exit code, message, what is left on disk, time to exit.

Each fault is provoked for real against ``python -m infokit`` in a fresh
process: a port that accepts connections and never answers (a listening
socket in this process), TLS and malformed scheduler addresses, a
``dask scheduler`` killed or frozen (SIGSTOP) while it counts, every ``dask worker`` killed while
they count, Ctrl-C (SIGINT) while a file is read, SIGTERM while a figure is
written, a FIFO nobody writes to, standard input and pipes, a usage error.

"seconds" is the time from the fault (the signal, the kill, the start of the
command for an address fault) to the exit of the command.  "left" lists the
files left in the command's output directory and temporary directory that
were not there before (nothing partial should remain).

Run: ``python benchmarks/faults_cli.py [--output benchmarks/RESULTS.md]``.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import _harness as h  # noqa: E402

SRC = os.path.join(HERE, "..", "src")
ENV = {**os.environ, "PYTHONPATH": os.path.abspath(SRC) + os.pathsep + os.environ.get("PYTHONPATH", "")}
ENV.pop("INFOKIT_DEBUG", None)
CLI = [sys.executable, "-m", "infokit"]


def silent_port():
    """A socket that listens and never accepts or answers; returns (port, closer)."""
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    return s.getsockname()[1], s.close


def start(args, *, tmp, stdin=None, pass_fds=(), extra_env=None):
    env = {**ENV, "TMPDIR": tmp, **(extra_env or {})}
    return subprocess.Popen(args, stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env, pass_fds=pass_fds, start_new_session=True)


def finish(proc, t0, timeout=120):
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, err = proc.communicate()
        return {"exit": "hung (killed)", "seconds": f">{timeout}", "stderr": err, "stdout": out}
    return {"exit": exit_status(proc.returncode), "seconds": f"{time.monotonic() - t0:.2f}", "stderr": err,
            "stdout": out}


def exit_status(returncode: int):
    """The status a shell shows (``$?``): 128 + N for a process ended by signal N (Python's own way of
    leaving on a KeyboardInterrupt that reached the interpreter's top level), marked as such."""
    if returncode >= 0:
        return returncode
    return f"{128 - returncode} ({signal.Signals(-returncode).name})"


def new_files(before, *dirs):
    now = {os.path.join(d, f) for d in dirs for f in os.listdir(d)}
    return sorted(os.path.basename(p) for p in now - before)


def snapshot(*dirs):
    return {os.path.join(d, f) for d in dirs for f in os.listdir(d)}


class Cluster:
    """A ``dask scheduler`` and one ``dask worker`` process (each in its own session, killable)."""

    def __init__(self, tmp):
        self.sched = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_scheduler", "--port", "0",
                                       "--no-dashboard", "--host", "127.0.0.1"], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, text=True, env=ENV, start_new_session=True)
        self.address = None
        for line in self.sched.stderr:
            if "Scheduler at:" in line:
                self.address = line.split("Scheduler at:")[1].strip()
                break
        threading.Thread(target=self.sched.stderr.read, daemon=True).start()
        self.worker = subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", self.address,
                                        "--nworkers", "1", "--nthreads", "1", "--no-dashboard",
                                        "--local-directory", tmp], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, env={**ENV, "INFOKIT_NUM_THREADS": "1"},
                                       start_new_session=True)
        import distributed

        self.client = distributed.Client(self.address, timeout=30)
        self.client.wait_for_workers(1, timeout=60)

    def busy(self) -> bool:
        try:
            return any(self.client.processing().values())
        except Exception:  # noqa: BLE001
            return False

    def close(self):
        for p in (self.worker, self.sched):
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait()


def wait_until(pred, timeout=120, step=0.05):
    t = time.monotonic()
    while time.monotonic() - t < timeout:
        if pred():
            return True
        time.sleep(step)
    return False


def read_chars(pid: int) -> int:
    """Bytes the process ``pid`` has read so far (``rchar`` of ``/proc/<pid>/io``; 0 when gone)."""
    try:
        with open(f"/proc/{pid}/io") as f:
            return next(int(line.split()[1]) for line in f if line.startswith("rchar"))
    except (OSError, StopIteration):
        return 0


def big_csv(path, n):
    rng = np.random.default_rng(20261202)
    words = np.array(["alpha", "beta", "gamma", "delta", "None", "<NA>"])
    with open(path, "w") as f:
        f.write("w,x\n")
        for lo in range(0, n, 500_000):
            k = min(500_000, n - lo)
            w = words[rng.integers(0, words.size, k)]
            x = rng.integers(0, 50, k)
            f.write("".join(f"{a},{b}\n" for a, b in zip(w.tolist(), x.tolist())))


SLOW_SAVE = textwrap.dedent("""
    import sys, time, matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    _save = Figure.savefig
    def slow_save(self, fname, *a, **k):
        with open(fname, "wb") as f:      # a partly written figure, then a long write
            f.write(b"\\x89PNG partial")
            f.flush()
            time.sleep(60)
        return _save(self, fname, *a, **k)
    Figure.savefig = slow_save
    from infokit.cli import main
    sys.exit(main(sys.argv[1:]))
""")


def run_all(rows_big: int):
    results = []
    tmp = tempfile.mkdtemp(prefix="infokit-faults-")
    out_dir = os.path.join(tmp, "out")
    tmp_dir = os.path.join(tmp, "tmp")
    os.makedirs(out_dir)
    os.makedirs(tmp_dir)
    decl = subprocess.run(CLI + ["data", "declaration_letters.csv"], capture_output=True, text=True,
                          env=ENV).stdout.strip()
    gett = subprocess.run(CLI + ["data", "gettysburg_letters.csv"], capture_output=True, text=True,
                          env=ENV).stdout.strip()
    big = os.path.join(tmp, "big.csv")
    big_csv(big, rows_big)

    def record(fault, res, before):
        lines = res["stderr"].strip().splitlines()
        results.append([fault, res["exit"], len(lines), (lines[-1] if lines else "")[:220],
                        ", ".join(new_files(before, out_dir, tmp_dir)) or "nothing", res["seconds"]])
        print(results[-1], flush=True)

    before = snapshot(out_dir, tmp_dir)
    t0 = time.monotonic()
    record("(no fault: start-up and exit of `infokit --version`)", finish(start(CLI + ["--version"], tmp=tmp_dir), t0),
           before)
    entropy = ["entropy", decl, "--column", "letter"]
    # -- scheduler addresses
    port, close_port = silent_port()
    for fault, address in [("silent port (accepts, never answers)", f"tcp://127.0.0.1:{port}"),
                           ("tls:// address, no TLS settings", f"tls://127.0.0.1:{port}"),
                           ("malformed address", "foo:bar:baz"),
                           ("refused port", "tcp://127.0.0.1:1")]:
        before = snapshot(out_dir, tmp_dir)
        t0 = time.monotonic()
        record(fault, finish(start(CLI + entropy + ["--scheduler", address], tmp=tmp_dir), t0), before)
    close_port()

    # -- the same answer with and without --scheduler (a string column with the words None and <NA>)
    words = os.path.join(tmp, "words.csv")
    with open(words, "w") as f:
        f.write("w\n" + "None\n<NA>\nx\n" * 1000)
    cluster = Cluster(tmp_dir)
    try:
        import json

        for where, extra in (("locally", []), ("on Dask", ["--scheduler", cluster.address])):
            before = snapshot(out_dir, tmp_dir)
            t0 = time.monotonic()
            res = finish(start(CLI + ["entropy", words, "--column", "w", "--dropna", "--format", "json"] + extra,
                               tmp=tmp_dir), t0)
            if res["exit"] == 0:
                out = json.loads(res["stdout"])
                res["stderr"] = f"(answer) n = {out['n']}, H = {out['plugin']['value']:.6g} bits"
            record(f"words None, <NA>, x (--dropna), {where}", res, before)
    finally:
        cluster.client.close(timeout=5)
        cluster.close()

    # -- the cluster lost while it counts
    for fault in ("scheduler killed mid-run", "scheduler frozen mid-run (SIGSTOP)", "every worker killed mid-run"):
        cluster = Cluster(tmp_dir)
        try:
            before = snapshot(out_dir, tmp_dir)
            proc = start(CLI + ["entropy", big, "--column", "w", "--scheduler", cluster.address], tmp=tmp_dir)
            if not wait_until(cluster.busy):
                raise RuntimeError("the cluster never started counting")
            victim = cluster.sched if fault.startswith("scheduler") else cluster.worker
            cluster.client.close(timeout=5)  # (this process's own client: not part of the measure)
            os.killpg(victim.pid, signal.SIGSTOP if "SIGSTOP" in fault else signal.SIGKILL)
            t0 = time.monotonic()
            record(fault, finish(proc, t0), before)
            if "SIGSTOP" in fault:
                os.killpg(victim.pid, signal.SIGCONT)
        finally:
            cluster.close()

    # -- signals
    before = snapshot(out_dir, tmp_dir)
    proc = start(CLI + ["entropy", big, "--column", "w"], tmp=tmp_dir)
    size = os.path.getsize(big)
    if not wait_until(lambda: proc.poll() is None and read_chars(proc.pid) > size // 5, timeout=120):
        raise RuntimeError("the command never started reading the file")
    proc.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    record("SIGINT (Ctrl-C) while a file is read", finish(proc, t0), before)

    before = snapshot(out_dir, tmp_dir)
    fig = os.path.join(out_dir, "fig.png")
    proc = start([sys.executable, "-c", SLOW_SAVE, "kl", gett, decl, "--column", "letter", "--output", fig],
                 tmp=tmp_dir)
    wait_until(lambda: any(f.endswith(".part") for f in os.listdir(out_dir)), timeout=120)
    proc.send_signal(signal.SIGTERM)
    t0 = time.monotonic()
    record("SIGTERM while a figure is written", finish(proc, t0), before)

    fifo = os.path.join(tmp, "input.csv")
    os.mkfifo(fifo)
    before = snapshot(out_dir, tmp_dir)
    proc = start(CLI + ["entropy", fifo, "--column", "letter"], tmp=tmp_dir)
    time.sleep(3.0)
    proc.send_signal(signal.SIGINT)
    t0 = time.monotonic()
    record("SIGINT while waiting on a FIFO nobody writes", finish(proc, t0), before)

    # -- streams
    before = snapshot(out_dir, tmp_dir)
    proc = start(CLI + ["entropy", fifo, "--column", "letter", "--format", "json"], tmp=tmp_dir)
    with open(fifo, "wb") as w, open(decl, "rb") as r:
        w.write(r.read())
    t0 = time.monotonic()
    record("FIFO, the writer closes", finish(proc, t0), before)

    for fault, data in [("standard input (-)", open(decl, "rb").read()), ("empty standard input (-)", b"")]:
        before = snapshot(out_dir, tmp_dir)
        t0 = time.monotonic()
        proc = start(CLI + ["entropy", "-", "--column", "letter", "--format", "json"], tmp=tmp_dir,
                     stdin=subprocess.PIPE)
        proc.stdin.write(data.decode())
        proc.stdin.close()
        proc.stdin = None
        record(fault, finish(proc, t0), before)

    r, w = os.pipe()
    before = snapshot(out_dir, tmp_dir)
    t0 = time.monotonic()
    proc = start(CLI + ["entropy", f"/dev/fd/{r}", "--column", "letter", "--format", "json"], tmp=tmp_dir,
                 pass_fds=(r,))
    os.close(r)
    with os.fdopen(w, "wb") as f, open(decl, "rb") as src:
        f.write(src.read())
    record("pipe as /dev/fd/N (process substitution)", finish(proc, t0), before)

    before = snapshot(out_dir, tmp_dir)
    t0 = time.monotonic()
    record("usage error (missing argument)", finish(start(CLI + ["kl", decl], tmp=tmp_dir), t0), before)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rows", type=int, default=4_000_000, help="rows of the file counted when faults strike")
    ap.add_argument("--output", default=None, help="markdown file to write the section into")
    args = ap.parse_args()
    rows = run_all(args.rows)
    body = [f"Command: `python benchmarks/faults_cli.py --rows {args.rows}`; load average {h.load_average()}.",
            "", "seconds: from the fault (signal, kill; the start of the command for an address fault, so "
            "start-up included: see the first row) to the exit; left: new files in the output and temporary "
            "directories; stderr lines: all of them (the last is shown); exit: the status a shell shows, where '130 "
            "(SIGINT)' is a process that printed its message and then ended by the signal itself, as Python does "
            "when a Ctrl-C arrives while modules are still being imported (a shell sees 130 either way).", "",
            h.markdown_table(["fault", "exit", "stderr lines", "last stderr line", "left", "seconds"], rows)]
    text = "\n".join(body)
    print(text)
    if args.output:
        machine = h.machine_description(("numpy", "pandas", "pyarrow", "dask", "distributed", "click"))
        h.write_section(args.output, "faults_cli",
                        h.render_section("Faults of the command line (faults_cli.py)", machine, text))


if __name__ == "__main__":
    main()
