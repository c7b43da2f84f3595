"""What the command line prints for people: tables that fit 80 columns, numbers never folded, a reading under each.

Every command runs through click's CliRunner (its stdout is not a terminal:
the piped form) with ``COLUMNS=80``, and once with stdout posing as a
terminal (the rich form, ANSI codes stripped).  The checks:

* no line is wider than 80 terminal cells (``rich.cells.cell_len``: a
  combining hat, as in P̂, takes no cell);
* every number in a table row parses back to a number of ``--format json``,
  to the digits printed (a number folded across two lines would not:
  ``0.00`` / ``0512``);
* a plain-language sentence under every table;
* long column names are cut short with an ellipsis in the table and are in
  full in JSON and CSV.

The layout itself (:func:`infokit.cli._report.layout`) is checked on random
tables with hypothesis: every cell appears whole on one line.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re

import numpy as np
import pytest

pytest.importorskip("click")
pytest.importorskip("rich")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

from click.testing import CliRunner  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402
from rich.cells import cell_len  # noqa: E402

import infokit as ik  # noqa: E402
from infokit.cli import cli  # noqa: E402
from infokit.cli._report import Report, Section, cell, layout  # noqa: E402
from infokit.demo import data_path  # noqa: E402
from infokit.drift import reading as drift_reading  # noqa: E402

DECL = str(data_path("declaration_letters.csv"))
GETT = str(data_path("gettysburg_letters.csv"))
WIDTH = 80
LONG = "customer_segment_assigned_by_the_marketing_team_in_2024"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp("layout")
    rng = np.random.default_rng(0)
    n = 600
    ref = pd.DataFrame({"age": rng.normal(40, 10, n).round(1), LONG: rng.choice(list("ABCD"), n),
                        "city": rng.choice(["Paris", "Lyon", "Nice"], n)})
    cur = pd.DataFrame({"age": rng.normal(44, 10, n).round(1), LONG: rng.choice(list("ABCD"), n),
                        "city": rng.choice(["Paris", "Lyon", "Nice", "Lille"], n, p=[0.4, 0.3, 0.2, 0.1])})
    paths = {"ref": d / "ref.csv", "cur": d / "cur.csv", "xy": d / "xy.csv"}
    ref.to_csv(paths["ref"], index=False)
    cur.to_csv(paths["cur"], index=False)
    x = rng.integers(0, 4, 500)
    pd.DataFrame({"x": x, "y": (x + rng.integers(0, 2, 500)) % 4}).to_csv(paths["xy"], index=False)
    return {k: str(v) for k, v in paths.items()}


def commands(files):
    """(name, arguments) of every command that prints a table, as a person would run it."""
    return [
        ("entropy", ["entropy", DECL, "--column", "letter"]),
        ("entropy-nsb", ["entropy", DECL, "--column", "letter", "-e", "schurmann_grassberger", "-k", "30"]),
        ("kl", ["kl", GETT, DECL, "--column", "letter", "--smoothing", "jeffreys"]),  # make demo's
        ("kl-raw", ["kl", DECL, GETT, "--column", "letter"]),
        ("mi", ["mi", files["xy"], "--x", "x", "--y", "y"]),
        ("drift", ["drift", files["ref"], files["cur"], "--permutations", "200"]),
        ("explain", ["explain", "--p", "0.5,0.25,0.125,0.125", "--q", "0.25,0.25,0.25,0.25", "--labels", "A,B,C,D"]),
        ("explain-thirds", ["explain", "--p", "0.3333333,0.3333333,0.3333334", "--q", "0.7,0.2,0.1"]),
        ("demo", ["demo", "--repeats", "3", "--sizes", "10,100,1000"]),
    ]


def invoke(args, env=None):
    r = CliRunner().invoke(cli, args, catch_exceptions=False, env={"COLUMNS": str(WIDTH), **(env or {})})
    assert r.exit_code == 0, r.stderr
    return r.stdout


def table_rows(text):
    """The lines of table rows: from a rule line (─) to the next blank line."""
    rows, inside = [], False
    for line in text.splitlines():
        if set(line.strip()) == {"─"}:
            inside = True
        elif not line.strip():
            inside = False
        elif inside:
            rows.append(line)
    return rows


def json_numbers(obj):
    if isinstance(obj, bool):
        return []
    if isinstance(obj, (int, float)):
        return [float(obj)]
    if isinstance(obj, str):  # "inf", and labels that are numbers (outcomes named 0, 1, ...)
        try:
            return [float(obj)]
        except ValueError:
            return [float(t) for t in re.findall(r"\d+\.?\d*", obj)]  # numbers inside text: 'Q̂+0.5
    if isinstance(obj, dict):
        return [v for x in obj.values() for v in json_numbers(x)]
    if isinstance(obj, list):
        return [v for x in obj for v in json_numbers(x)]
    return []


_NUMBER = re.compile(r"(?<![\w.])(-?(?:\d+\.?\d*(?:e[-+]?\d+)?|inf))(%?)(?![\w.])")


def significant(token: str) -> int:
    mantissa = token.lstrip("-").split("e")[0].replace(".", "").lstrip("0")
    return max(len(mantissa), 1)


def parses_back(token: str, percent: bool, values) -> bool:
    if token.lstrip("-") == "inf":
        return float(token) in values
    v = float(token) / (100 if percent else 1)
    if percent:  # a share printed as a whole percentage
        return any(abs(v - x) <= 0.005 + 1e-12 for x in values)
    tol = 5 * 10.0 ** -significant(token)
    return any(math.isclose(v, x, rel_tol=tol, abs_tol=0) or (v == 0 and x == 0) for x in values)


@pytest.mark.parametrize("tty", [False, True], ids=["piped", "terminal"])
def test_every_command_fits_80_columns_and_its_numbers_parse_back(files, tty, monkeypatch):
    for name, args in commands(files):
        if tty:  # rich's terminal form: the same layout, with styles
            text = _as_terminal(args, monkeypatch)
        else:
            text = invoke(args)
        wide = [line for line in text.splitlines() if cell_len(line) > WIDTH]
        assert not wide, (name, wide)
        values = json_numbers(json.loads(invoke(args + ["--format", "json"])))
        rows = table_rows(text)
        assert rows, name
        for line in rows:
            for token, pct in _NUMBER.findall(line):
                assert parses_back(token, bool(pct), values), (name, token, line)


def _as_terminal(args, monkeypatch):
    """The table a terminal 80 columns wide shows (ANSI codes stripped), from the command's Report."""
    import sys

    from infokit.cli import _report

    captured = {}
    real = _report.finish

    def keep(report, fmt, output=None, make_figure=None):
        captured["report"] = report
        return real(report, fmt, output, make_figure)

    monkeypatch.setattr(_report, "finish", keep)
    for mod in ("entropy", "kl", "mi", "drift", "explain", "demo"):
        monkeypatch.setattr(f"infokit.cli.commands.{mod}.finish", keep)
    invoke(args)

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    monkeypatch.setattr(sys, "stdout", Terminal())
    monkeypatch.setenv("COLUMNS", str(WIDTH))
    text = captured["report"].render("table")
    monkeypatch.undo()
    assert "\x1b[" in text  # styled: this is the terminal form
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_the_estimate_rows_hold_the_json_numbers():
    out = invoke(["kl", GETT, DECL, "--column", "letter", "--smoothing", "jeffreys"])
    got = json.loads(invoke(["kl", GETT, DECL, "--column", "letter", "--smoothing", "jeffreys", "--format", "json"]))
    est = got["estimate"]
    row = next(line for line in table_rows(out) if "D(P||Q) estimate" in line)
    assert row.split()[2:] == [f"{est['value']:.4g}", f"{est['stderr']:.4g}", f"[{est['ci'][0]:.4g},",
                               f"{est['ci'][1]:.4g}]", est["method"]]
    plug = next(line for line in table_rows(out) if "plug-in" in line and "D(P̂" in line)
    assert f"{got['plugin']['value']:.4g}" in plug.split()


def test_json_and_csv_are_unchanged_by_the_width(files):
    for _, args in commands(files):
        for fmt in ("json", "csv"):
            narrow = invoke(args + ["--format", fmt], env={"COLUMNS": "40"})
            wide = invoke(args + ["--format", fmt], env={"COLUMNS": "200"})
            assert narrow == wide
            if fmt == "json":
                json.loads(narrow)


def test_a_reading_under_every_table(files):
    for name, args in commands(files):
        text = invoke(args)
        # every table is followed (after its blank line) by a sentence: words, ending with a full stop
        blocks = text.split("\n\n")
        for i, block in enumerate(blocks):
            if "─" in block and i + 1 < len(blocks) and "─" not in blocks[i + 1]:
                sentence = " ".join(blocks[i + 1].split("\n")[:4])
                assert re.match(r"^[A-Z0-9'].{30,}\.", sentence), (name, sentence)


def test_drift_reading_names_the_changed_columns(files):
    text = invoke(["drift", files["ref"], files["cur"], "--permutations", "200"])
    df = ik.drift(pd.read_csv(files["ref"]), pd.read_csv(files["cur"]), n_permutations=200, rng=0)
    sentence = drift_reading(df)
    assert " ".join(sentence.split()) in " ".join(text.split())
    for col, verdict in df["verdict"].items():
        assert repr(col) in sentence
        if verdict == "drift":
            assert f"{col!r}" in sentence.split("drifted")[0]


def test_long_drift_names_are_cut_in_the_table_only(files):
    args = ["drift", files["ref"], files["cur"], "--permutations", "200"]
    text = invoke(args)
    rows = table_rows(text)
    assert not any(LONG in line for line in rows)
    cut = [line.split()[0] for line in rows if line.split()[0].startswith(LONG[:10])]
    assert cut and all(c.endswith("…") and LONG.startswith(c[:-1]) for c in cut)
    assert "in full in --format json and csv" in text
    records = json.loads(invoke(args + ["--format", "json"]))["columns"]
    assert LONG in [r["column"] for r in records]
    rows = list(csv.DictReader(io.StringIO(invoke(args + ["--format", "csv"]))))
    assert LONG in [r["column"] for r in rows]


def test_explain_with_counts_suggests_normalize():
    r = CliRunner().invoke(cli, ["explain", "--p", "3,1", "--q", "1,1"])
    assert r.exit_code == 2 and r.stdout == ""
    assert "--normalize" in r.stderr and "--p sums to 4" in r.stderr and "--q sums to 2" in r.stderr
    ok = invoke(["explain", "--p", "3,1", "--q", "1,1", "--normalize", "--format", "json"])
    # 3:1 against 1:1, by hand: D = 3/4 log2(3/2) + 1/4 log2(1/2)
    assert json.loads(ok)["kl_divergence"] == pytest.approx(0.75 * math.log2(1.5) + 0.25 * math.log2(0.5))


def test_example_fits_80_columns():
    text = invoke(["example"])
    assert max(cell_len(line) for line in text.splitlines()) <= WIDTH
    assert "Reading:" in text


# --------------------------------------------------------------------------
# the layout, on random tables
# --------------------------------------------------------------------------
_names = st.text(alphabet="abcdefghij_ PQ̂()|", min_size=1, max_size=50).map(str.strip).filter(bool)
_cells = st.one_of(st.floats(allow_nan=False, width=64), st.integers(-10**9, 10**9), st.sampled_from(["drift", ""]))


@settings(derandomize=True, max_examples=60, deadline=None)
@given(columns=st.lists(_names, min_size=2, max_size=12, unique=True), data=st.data(),
       width=st.integers(40, 140), shorten=st.booleans())
def test_layout_never_folds_a_cell(columns, data, width, shorten):
    n_rows = data.draw(st.integers(1, 5))
    rows = [[data.draw(_names)] + [data.draw(_cells) for _ in columns[1:]] for _ in range(n_rows)]
    s = Section("t", columns, rows, digits=4, reading="A sentence.", shorten_names=shorten)
    groups, cut = layout(s, width)
    assert sorted({j for g in groups for j in g}) == list(range(len(columns)))
    assert all(g[0] == 0 for g in groups)
    lines = Report({}, [s]).table_text(width, tty=False).splitlines()
    for r in rows:
        for v in r[1:]:
            assert any(cell(v, 4) in line for line in lines), v
        if cut is None:
            assert any(line.startswith("  " + r[0]) for line in lines)
    for g in groups:  # a group wider than the width holds only the name and one column (nothing to move)
        if len(g) > 2:
            head = next(line for line in lines if all(columns[j] in line for j in g))
            assert cell_len(head) <= width
