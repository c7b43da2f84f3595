"""What a command prints: tables for people (rich), JSON and CSV for programs, and figures.

A command builds a :class:`Report` -- a JSON payload and one or more
:class:`Section` tables -- and hands it to :func:`finish`, which renders it,
writes the figure (atomically) and only then prints.  The entropy, KL and MI
commands build theirs with :func:`estimate_report`.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import secrets
import shutil
import sys
from pathlib import Path

import numpy as np

from infokit._lib.fmt import format_number
from infokit._lib.optional import require

click = require("click", "the command line")

__all__ = ["Section", "Report", "estimate_report", "estimate_json", "plugin_json", "auto_note", "by_key_note", "cell",
           "interval", "finish", "layout", "output_width", "shorten", "TABLE_DIGITS"]

#: Significant digits of the numbers in the tables of :func:`estimate_report` (JSON and CSV have them all).
TABLE_DIGITS = 4
#: Columns of the CSV rows of :func:`estimate_report`.
ESTIMATE_COLUMNS = ["quantity", "value", "stderr", "ci_low", "ci_high", "unit", "method"]


def cell(v, digits: int = 6) -> str:
    """A table cell: numbers by :func:`~infokit._lib.fmt.format_number`, text as it is, '' for None."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    return format_number(v, digits)


def interval(ci, digits: int = 6) -> str:
    if ci is None:
        return ""
    lo, hi = ci
    return f"[{cell(lo, digits)}, {cell(hi, digits)}]"


def jsonable(v):
    """``v`` with NumPy values as Python ones and non-finite floats as the strings inf, -inf, nan."""
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return [jsonable(x) for x in v.tolist()]
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return f if math.isfinite(f) else format_number(f)
    if isinstance(v, (int, str)) or v is None:
        return v
    if hasattr(v, "item"):
        try:
            return jsonable(v.item())
        except (TypeError, ValueError):
            pass
    return str(v)


def _csv_cell(v):
    if isinstance(v, (float, np.floating)):
        f = float(v)
        return repr(f) if math.isfinite(f) else format_number(f)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (list, tuple)):
        return json.dumps(jsonable(v))
    return "" if v is None else v


def estimate_json(est) -> dict:
    """An :class:`~infokit.Estimate` as a JSON object."""
    return {
        "value": est.value,
        "stderr": est.stderr,
        "ci": list(est.ci),
        "level": est.level,
        "method": est.method,
        "unit": est.unit,
        "diagnostics": dict(est.diagnostics),
    }


def plugin_json(value, unit: str, description: str) -> dict:
    """A plug-in value (the measure of the sample itself) as a JSON object."""
    return {"value": value, "unit": unit, "method": "plugin", "description": description}


def auto_note(est) -> list[str]:
    """The notes saying what ``--estimator auto`` chose and why (none for another estimator), and why its
    interval has no upper end when it has none."""
    reason = est.diagnostics.get("auto_reason")
    notes = [f"auto chose {est.method}: {reason}"] if reason else []
    note = est.diagnostics.get("interval_note")
    if note:
        notes.append(f"{est.level:.0%} interval: {note}")
    return notes


def by_key_note(columns, consequence: str) -> str:
    """The note of the text columns counted by the 64-bit keys of their strings (past the memory budget)."""
    names = ", ".join(repr(c) for c in columns)
    return (f"counted by key: {names} had more distinct strings than the memory budget keeps "
            f"(INFOKIT_MEMORY_BUDGET) and {'was' if len(columns) == 1 else 'were'} counted by 64-bit keys of "
            f"the strings (two distinct strings share a key with probability about d^2/2^65); {consequence}")


class Section:
    """One table of a report: a title, columns, rows of raw values, a reading and notes under it.

    ``reading`` is the plain-language sentence printed under the table (what
    the numbers mean); ``notes`` follow it.  ``shorten_names``: the first
    column holds names (of data columns, say) that may be cut short with an
    ellipsis when the table would not fit otherwise (JSON and CSV keep them
    in full); ``split_after``: column indices after which the table is best
    split when it is too wide for one.
    """

    def __init__(self, title, columns, rows, notes=(), name=None, digits=6, reading=None, shorten_names=False,
                 split_after=()):
        self.split_after = tuple(split_after)
        self.digits = digits
        self.title = title
        self.columns = list(columns)
        self.rows = [list(r) for r in rows]
        self.reading = reading
        self.notes = list(notes)
        self.name = name or "result"
        self.shorten_names = shorten_names


#: Width of a table written to a pipe or a file (``COLUMNS`` overrides it), and the least width laid out for.
PIPE_WIDTH, MIN_WIDTH = 80, 40
#: The width a name column is cut to (with an ellipsis) when a table with ``shorten_names`` would not fit.
NAME_WIDTH = 24
_INDENT, _GAP = "  ", "   "


def output_width(tty: bool) -> int:
    """The width tables are laid out in: ``COLUMNS`` if set, else the terminal's, else :data:`PIPE_WIDTH`."""
    env = os.environ.get("COLUMNS", "").strip()
    if env.isdigit() and int(env) > 0:
        return max(int(env), MIN_WIDTH)
    if tty:
        return max(shutil.get_terminal_size((PIPE_WIDTH, 24)).columns, MIN_WIDTH)
    return PIPE_WIDTH


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal cells, the last one an ellipsis, when it is wider."""
    from rich.cells import cell_len

    if cell_len(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = cell_len(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out).rstrip() + "…"


def layout(section: Section, width: int) -> tuple[list[list[int]], int | None]:
    """How a table fits in ``width`` cells: groups of column indices, each printed as its own table
    (the first column repeated in every group), and the width the first column is cut to (None: uncut).

    Nothing is ever folded: numbers and headers keep their full text; only a
    name column (``shorten_names``) may be cut short, and columns that do not
    fit beside the others move to a further table below.
    """
    from rich.cells import cell_len

    cells = [[section.columns[j]] + [cell(r[j], section.digits) for r in section.rows]
             for j in range(len(section.columns))]
    ws = [max(cell_len(c) for c in col) for col in cells]

    def total(cols, first):
        return len(_INDENT) + first + sum(ws[j] for j in cols[1:]) + len(_GAP) * (len(cols) - 1)

    everything = list(range(len(ws)))
    first = ws[0]
    if total(everything, first) <= width:
        return [everything], None
    cut = None
    if section.shorten_names and first > NAME_WIDTH:
        first = cut = max(NAME_WIDTH, cell_len(section.columns[0]))
        if total(everything, first) <= width:
            return [everything], cut
    # the section's own split points first (columns that belong together), then as many columns as fit
    bounds = [1, *sorted(b + 1 for b in section.split_after if 0 < b + 1 < len(ws)), len(ws)]
    groups = [[0]]
    for lo, hi in zip(bounds, bounds[1:]):
        part = list(range(lo, hi))
        if len(groups[-1]) > 1 and total(groups[-1] + part, first) > width:
            groups.append([0])
        for j in part:
            if len(groups[-1]) > 1 and total(groups[-1] + [j], first) > width:
                groups.append([0])
            groups[-1].append(j)
    return groups, cut


def _table_lines(section: Section, width: int):
    """The lines of a section's table(s) as ``(text, bold)`` pairs, and whether a name was cut short."""
    from rich.cells import cell_len

    groups, cut = layout(section, width)
    cells = [[cell(v, section.digits) for v in r] for r in section.rows]
    if cut is not None:
        cells = [[shorten(r[0], cut)] + r[1:] for r in cells]
    header = list(section.columns)
    ws = [max([cell_len(header[j])] + [cell_len(r[j]) for r in cells]) for j in range(len(header))]

    def line(values, cols):
        parts = []
        for j in cols:
            pad = " " * (ws[j] - cell_len(values[j]))
            parts.append(values[j] + pad if j == 0 else pad + values[j])
        return (_INDENT + _GAP.join(parts)).rstrip()

    lines = []
    for g, cols in enumerate(groups):
        if g:
            lines.append(("", False))
        head = line(header, cols)
        lines.append((head, True))
        lines.append((_INDENT + "─" * (cell_len(head) - len(_INDENT)), False))
        lines += [(line(r, cols), False) for r in cells]
    shortened = cut is not None and any(r[0] != cell(s[0], section.digits) for r, s in zip(cells, section.rows))
    return lines, shortened


class Report:
    """What a command prints: sections (tables) for people and CSV, and a payload for JSON."""

    def __init__(self, payload: dict, sections, csv_columns=None, csv_rows=None):
        self.payload = payload
        self.sections = list(sections)
        self.csv_columns = csv_columns
        self.csv_rows = csv_rows

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return json.dumps(jsonable(self.payload), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        if fmt == "csv":
            return self._csv()
        return self._table()

    def _csv(self) -> str:
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        if self.csv_columns is not None:
            tables = [(self.csv_columns, self.csv_rows)]
        elif len(self.sections) == 1:
            tables = [(self.sections[0].columns, self.sections[0].rows)]
        else:  # several sections: one long table with a 'section' column
            columns = list(dict.fromkeys(c for s in self.sections for c in s.columns))
            rows = [[s.name] + [dict(zip(s.columns, r)).get(c) for c in columns] for s in self.sections for r in s.rows]
            tables = [(["section"] + columns, rows)]
        for columns, rows in tables:
            w.writerow(columns)
            for r in rows:
                w.writerow([_csv_cell(v) for v in r])
        return buf.getvalue()

    def _table(self) -> str:
        tty = bool(getattr(sys.stdout, "isatty", lambda: False)())
        return self.table_text(output_width(tty), tty=tty)

    def table_text(self, width: int, *, tty: bool = False) -> str:
        """The tables for people, laid out in ``width`` cells (:func:`layout`); styled (ANSI) if ``tty``."""
        require("rich", "table output")
        from rich.console import Console
        from rich.text import Text

        buf = io.StringIO()
        console = Console(file=buf, width=width, force_terminal=tty, no_color=not tty,
                          highlight=False, emoji=False, soft_wrap=False)
        for i, s in enumerate(self.sections):
            if i:
                console.print()
            if s.title:
                console.print(Text(s.title, style="bold"))
            notes = ([s.reading] if s.reading else []) + s.notes
            if s.columns:
                lines, shortened = _table_lines(s, width)
                console.print()
                for text, bold in lines:
                    console.print(Text(text, style="bold" if bold else ""), no_wrap=True, overflow="ignore",
                                  crop=False)
                console.print()
                if shortened:
                    notes.append("Names cut short (…) are in full in --format json and csv.")
            for note in notes:
                if " " not in note.strip():  # one word (a path): past the edge rather than folded
                    console.print(Text(note), no_wrap=True, overflow="ignore", crop=False)
                else:
                    console.print(Text(note))
        return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def reading(measure: str, subject: str, plug: float | None, est) -> str:
    """The one-sentence reading of an estimate for a person: what the sample shows, then the estimate.

    ``measure`` is ``"entropy"``, ``"kl"`` or ``"mi"``; ``subject`` what was
    measured (``"'letter' of a.csv"``, ``"'letter'"``, ``"'x' and 'y'"``);
    ``plug`` the plug-in value of the sample, or None for a continuous
    estimate (the sample's values counted as categories would mislead).
    """
    unit = est.unit
    lo, hi = est.ci
    interval = f"{est.level:.0%} interval {_short(lo)} to {_short(hi)}"
    if plug is None:  # a continuous estimate: the values counted as categories say nothing about it
        what = {"kl": f"The {subject} distributions differ by", "mi": f"{subject.split(' and ')[0]} tells",
                "entropy": f"The differential entropy of {subject} is"}[measure]
        tail = f" about {subject.split(' and ')[-1]}" if measure == "mi" else ""
        return (f"{what[0].upper() + what[1:]} an estimated {_short(est.value)} {unit}{tail} ({interval}; "
                f"{est.method}, from the values as measurements).")
    corrected = (f"corrected for sample size, {_short(est.value)} {unit} ({interval}; {est.method})"
                 if math.isfinite(est.value) else f"the estimate ({est.method}) is infinite")
    if measure == "kl":
        if not math.isfinite(plug):
            return (f"The {subject} distributions of the two samples differ without bound: some value of P never "
                    f"occurs in Q's sample (--smoothing gives a finite answer).")
        return (f"The {subject} distributions of the two samples differ by {_short(plug)} {unit} per value drawn "
                f"from P; {corrected}.")
    if measure == "mi":
        return f"Knowing {subject.split(' and ')[0]} tells {_short(plug)} {unit} about {subject.split(' and ')[-1]} " \
               f"in this sample; {corrected}."
    return (f"A value of {subject} carries {_short(plug)} {unit} on average in this sample; for the source, "
            f"{corrected}.")


def _short(v: float) -> str:
    """A number for a sentence: 3 significant digits (0 and infinities spelt out)."""
    if v == 0:
        return "0"
    if not math.isfinite(v):
        return "infinity" if v > 0 else "-infinity"
    return f"{v:.3g}"


def estimate_report(payload: dict, title: str, est, *, plugin: tuple, estimate: str, more=(), notes=(),
                    sentence: str | None = None) -> Report:
    """The report of a measure estimated from samples (``entropy``, ``kl``, ``mi``).

    One table: ``plugin = (label, value)`` (the measure of the sample itself),
    the estimate ``est`` of the source's measure (labelled ``estimate``) with
    its standard error and interval, then the plug-in values of ``more``
    (``(label, value)`` pairs); under it the plain-language ``sentence`` (see
    :func:`reading`; also ``payload["reading"]``), then ``notes``.  CSV: the
    same rows with the raw numbers (:data:`ESTIMATE_COLUMNS`).
    """
    if sentence:
        payload["reading"] = sentence
    unit = est.unit
    rows = [[plugin[0], plugin[1], None, None, None, unit, "plugin"],
            [estimate, est.value, est.stderr, est.ci[0], est.ci[1], unit, est.method]]
    rows += [[label, value, None, None, None, unit, "plugin"] for label, value in more]
    # for an 80-column terminal: 4 significant digits (all of them in JSON and CSV), the unit in the title
    table = [[r[0], r[1], r[2], interval((r[3], r[4]), TABLE_DIGITS) if r[3] is not None else "", r[6]]
             for r in rows]
    header = ["quantity", "value", "± stderr", f"{est.level:.0%} interval", "estimator"]
    section = Section(f"{title}, in {unit}", header, table, notes, reading=sentence, digits=TABLE_DIGITS)
    return Report(payload, [section], ESTIMATE_COLUMNS, rows)


def _new_file_mode(path: Path) -> int:
    """The mode an ordinary new file would get (0666 less the umask), or the existing file's mode."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _save_figure(fig, path: Path) -> None:
    """Write ``fig`` to a temporary file next to ``path`` and rename it into place."""
    import matplotlib.pyplot as plt

    fmt = path.suffix.lower().lstrip(".")
    fmt = {"jpg": "jpeg", "tif": "tiff"}.get(fmt, fmt)
    parent = path.parent if str(path.parent) else Path(".")
    tmp = None
    try:
        # the name is known before the file exists, so that a signal at any point (SIGTERM and
        # SIGINT unwind as exceptions) finds it in the handler below
        while True:
            tmp = os.path.join(parent, f".{path.name}.{secrets.token_hex(6)}.part")
            try:
                os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                break
            except FileExistsError:
                continue
        fig.savefig(tmp, format=fmt, bbox_inches="tight", dpi=120)
        os.chmod(tmp, _new_file_mode(path))  # created 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
        raise
    finally:
        plt.close(fig)


def _plot_module():
    matplotlib = require("matplotlib", "--output (figures)")
    matplotlib.use("Agg", force=True)
    from infokit import plot

    return plot


def finish(report: Report, fmt: str, output=None, make_figure=None) -> None:
    """Render, write the figure (atomically), then print: nothing is printed or written on failure.

    ``make_figure(plot)`` draws the figure with :mod:`infokit.plot` when ``--output`` is given.
    """
    text = report.render(fmt)
    if output is not None and make_figure is not None:
        _save_figure(make_figure(_plot_module()), output)
    click.echo(text, nl=False)
    if output is not None:
        click.echo(f"infokit: figure written to {output}", err=True)


def sample_value(est, plug: float) -> float | None:
    """The plug-in value a reading quotes: None when ``est`` came from a continuous estimator."""
    from infokit._estimators import methods

    m = methods.METHODS.get(est.method)
    return None if m is not None and m.data == methods.CONTINUOUS else plug
