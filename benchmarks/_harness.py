"""Small helpers shared by the infokit benchmarks.

- :func:`interleave` -- round-robin timing of several contenders in one run.
- :func:`summarize` -- median / min per contender, in ms and ns per element.
- :func:`traced_peak` -- peak extra memory of one call, via ``tracemalloc``
  (NumPy reports its array buffers to tracemalloc; torch does not).
- :func:`machine_description` -- CPU, cores, RAM and library versions.
- :func:`markdown_table` -- render rows as a GitHub markdown table.
- :func:`write_section` -- write or replace one benchmark's dated section in a
  markdown file such as ``benchmarks/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import importlib
import os
import platform
import re
import shlex
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence

MiB = 2**20


def import_infokit():
    """``infokit``, from the installed package or else from the repository's ``src/``."""
    try:
        return importlib.import_module("infokit")
    except ImportError:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))
        return importlib.import_module("infokit")


def interleave(
    contenders: Mapping[str, Callable[[], object]], reps: int, *, warmup: int = 1
) -> dict[str, list[float]]:
    """Time each zero-argument callable ``reps`` times, round-robin.

    Every repetition runs every contender once; the starting contender rotates
    from one repetition to the next so that none is always first (cold caches,
    freshly freed memory) or always last.  Each contender is called ``warmup``
    times before timing starts.  Results are discarded at once so that large
    outputs do not pile up.  Returns ``{name: [seconds, ...]}``.
    """
    names = list(contenders)
    for name in names:
        for _ in range(warmup):
            contenders[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for rep in range(reps):
        shift = rep % len(names)
        for name in names[shift:] + names[:shift]:
            fn = contenders[name]
            gc.collect()
            t0 = time.perf_counter()
            fn()
            t1 = time.perf_counter()
            times[name].append(t1 - t0)
    return times


def summarize(
    times: Mapping[str, Sequence[float]], n_elements: int
) -> dict[str, dict[str, float]]:
    """Median and min per contender: ``ms`` (median), ``min_ms``, ``ns_per_el``."""
    out = {}
    for name, ts in times.items():
        med = statistics.median(ts)
        out[name] = {
            "ms": med * 1e3,
            "min_ms": min(ts) * 1e3,
            "ns_per_el": med * 1e9 / n_elements,
        }
    return out


def traced_peak(fn: Callable[[], object]) -> int:
    """Peak bytes allocated during ``fn()`` beyond what was live before it.

    Uses ``tracemalloc``; NumPy registers its array buffers with it, so this
    captures NumPy temporaries (and the returned value, usually tiny).  Memory
    allocated by other libraries' own allocators (torch, BLAS workspaces) is
    not seen.
    """
    gc.collect()
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before, _ = tracemalloc.get_traced_memory()
        result = fn()
        _, peak = tracemalloc.get_traced_memory()
        del result
    finally:
        if not was_tracing:
            tracemalloc.stop()
    return max(peak - before, 0)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> float | None:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024 / 2**30
    except OSError:
        pass
    return None


def _version(module: str) -> str:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return "not installed"
    return getattr(mod, "__version__", "unknown")


def status_kib(key: str) -> int:
    """A ``/proc/self/status`` field in KiB (``VmRSS``, ``VmHWM``: the peak resident set); 0 where absent."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def machine_description(modules: Sequence[str] = ("numpy", "scipy", "torch")) -> dict[str, str]:
    """CPU model, cores, RAM, Python and library versions, as strings."""
    ram = _ram_gib()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    desc = {
        "CPU": _cpu_model(),
        "cores": f"{os.cpu_count()} logical ({usable} usable by this process)",
        "RAM": f"{ram:.1f} GiB" if ram is not None else "unknown",
        "OS": platform.platform(),
        "python": platform.python_version(),
    }
    for module in modules:
        desc[module] = _version(module)
    if "torch" in sys.modules:
        desc["torch threads"] = str(sys.modules["torch"].get_num_threads())
    return desc


def command_line() -> str:
    """The command line of this process, as it could be typed again."""
    argv = getattr(sys, "orig_argv", None) or [os.path.basename(sys.executable), *sys.argv]
    argv = [os.path.basename(argv[0]), *argv[1:]]
    prefix = ""
    if os.environ.get("PYTHONPATH"):
        prefix = f"PYTHONPATH={shlex.quote(os.environ['PYTHONPATH'])} "
    return prefix + shlex.join(argv)


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub markdown table; first column left-aligned, others right-aligned."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]

    def line(row):
        parts = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        return "| " + " | ".join(parts) + " |"

    rule = "|" + "|".join(
        [":" + "-" * (widths[0] + 1)] + ["-" * (w + 1) + ":" for w in widths[1:]]
    ) + "|"
    return "\n".join([line(cells[0]), rule, *(line(r) for r in cells[1:])])


def render_section(title: str, machine: Mapping[str, str], body: str) -> str:
    """A dated markdown section: heading, machine, command line, then ``body``."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"## {title} — {now}", "", "Machine:", ""]
    lines += [f"- {k}: {v}" for k, v in machine.items()]
    lines += ["", "Command:", "", "```", command_line(), "```", "", body.rstrip(), ""]
    return "\n".join(lines)


def write_section(path: str, key: str, section: str) -> None:
    """Write ``section`` into markdown file ``path`` under marker ``key``.

    The section is delimited by ``<!-- begin KEY -->`` / ``<!-- end KEY -->``
    comments; an existing section with the same key is replaced in place,
    otherwise the section is appended.  Other content is left untouched.
    """
    begin, end = f"<!-- begin {key} -->", f"<!-- end {key} -->"
    block = f"{begin}\n{section.rstrip()}\n{end}\n"
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except FileNotFoundError:
        text = "# infokit benchmark results\n\n"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end) + r"\n?", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def bench_parser(doc: str, *, reps: int | None = None, processes: bool = False) -> argparse.ArgumentParser:
    """The command line every simulation benchmark shares: ``--reps``, ``--processes`` and ``--output``."""
    ap = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    if reps is not None:
        ap.add_argument("--reps", type=int, default=reps, help=f"repetitions per cell (default {reps})")
    if processes:
        ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--output", metavar="PATH",
                    help="write or replace this benchmark's section of a markdown file, e.g. benchmarks/RESULTS.md")
    return ap


def publish(path: str | None, key: str, title: str, machine: Mapping[str, str], body: str) -> None:
    """Print ``body`` and, if ``path`` is given, write it as the dated section ``key`` of that markdown file."""
    print(body)
    if path:
        write_section(path, key, render_section(title, machine, body))
        print(f"wrote section '{key}' to {path}", file=sys.stderr)


def load_average() -> str:
    """The 1/5/15-minute load average, for the record of a noisy shared machine."""
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def one_thread(fn: Callable[[], object]) -> Callable[[], object]:
    """``fn`` run with ``INFOKIT_NUM_THREADS=1`` (infokit reads it at each call)."""

    def run():
        old = os.environ.get("INFOKIT_NUM_THREADS")
        os.environ["INFOKIT_NUM_THREADS"] = "1"
        try:
            return fn()
        finally:
            if old is None:
                del os.environ["INFOKIT_NUM_THREADS"]
            else:
                os.environ["INFOKIT_NUM_THREADS"] = old

    return run


def collector() -> tuple[Callable[[str], None], list[str]]:
    """``emit, parts``: ``emit(text)`` prints a markdown block now and keeps it for the section."""
    parts: list[str] = []

    def emit(text: str) -> None:
        print(text, end="\n\n", flush=True)
        parts.append(text)

    return emit, parts
