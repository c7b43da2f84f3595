"""Tests of infokit.reports: the HTML of Decomposition, Estimate, Empirical and drift results.

Every fragment is parsed with :mod:`html.parser` (well-formed: tags balanced,
attributes quoted; the text holds the values and the units; labels are
escaped).  When a Chromium binary is found the fragments are also rendered
headless and the rendered DOM is checked (skipped otherwise; install with
``apt-get install chromium``).
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pytest

import infokit as ik
from infokit.errors import InvalidArgumentError, InvalidTypeError
from infokit.reports import decomposition_html, drift_html, empirical_html, estimate_html, html_document

VOID = {"br", "hr", "img", "meta", "input", "link", "col", "wbr"}


class Checker(HTMLParser):
    """Collects the text, each table's cells, and checks that every tag is closed in order."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.text = [], [], []
        self.tables, self.cell, self.styles = [], None, []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
            self.styles.append(dict(attrs).get("style", ""))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1] if self.stack else 'nothing'}")
            return
        self.stack.pop()
        if tag in ("td", "th"):
            self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)


def parse(fragment: str) -> Checker:
    c = Checker()
    c.feed(fragment)
    c.close()
    assert not c.errors, c.errors
    assert not c.stack, f"unclosed tags: {c.stack}"
    return c


def text_of(fragment: str) -> str:
    return " ".join(parse(fragment).text)


# --------------------------------------------------------------------------
# Decomposition
# --------------------------------------------------------------------------
def test_decomposition_html_values_units_and_escaping():
    d = ik.decompose([0.5, 0.25, 0.25], [0.25, 0.25, 0.5], outcomes=["<script>x</script>", "a & b", 'q"'])
    frag = decomposition_html(d)
    assert "<script>" not in frag
    c = parse(frag)
    rows = c.tables[0]
    assert rows[0] == ["outcome", "p", "q", "I_p [bits]", "I_q [bits]", "p·I_p [bits]", "p·I_q [bits]",
                       "p·log(p/q) [bits]"]
    assert rows[1][0] == "<script>x</script>" and rows[2][0] == "a & b" and rows[3][0] == 'q"'
    assert [float(v) for v in rows[1][1:]] == pytest.approx([0.5, 0.25, 1, 2, 0.5, 1, 0.5])
    totals = {r[0]: r[1] for r in c.tables[1][1:]}
    assert totals["H(P)"] == "1.5 bits"
    assert totals["D(P‖Q)"] == "0.25 bits"
    assert totals["H(P, Q) = H(P) + D(P‖Q)"] == "1.75 bits"
    assert d._repr_html_() == frag


def test_decomposition_html_infinite_and_long():
    d = ik.decompose([0.5, 0.5], [1.0, 0.0], base="nats")
    c = parse(decomposition_html(d))
    assert "inf nats" in " ".join(c.text) and "[nats]" in c.tables[0][0][3]
    long = ik.decompose(np.full(120, 1 / 120), np.full(120, 1 / 120))
    c = parse(decomposition_html(long, max_rows=10))
    assert len(c.tables[0]) == 11 and "110 more outcomes" in " ".join(c.text)


# --------------------------------------------------------------------------
# Estimate
# --------------------------------------------------------------------------
def test_estimate_html():
    est = ik.estimate_entropy([0, 0, 1, 1, 2, 3], method="miller_madow", base="bits")
    frag = estimate_html(est)
    c = parse(frag)
    rows = {r[0]: r[1] for r in c.tables[0][1:]}
    assert rows["estimate"] == f"{est.value:.6g} bits"
    assert rows["standard error"] == f"{est.stderr:.6g} bits"
    assert rows["95% interval"] == f"[{est.ci[0]:.6g}, {est.ci[1]:.6g}] bits"
    assert rows["method"] == "miller_madow"
    diag = {r[0]: r[1] for r in c.tables[1][1:]}
    assert diag["n"] == "6" and diag["k_observed"] == "4"
    assert est._repr_html_() == frag


# --------------------------------------------------------------------------
# Empirical
# --------------------------------------------------------------------------
def test_empirical_html_top_outcomes_and_summary():
    samples = [f"w{i}" for i in range(30) for _ in range(30 - i)] + ["<b>"] * 40
    e = ik.empirical(samples)
    frag = empirical_html(e)
    assert "&lt;b&gt;" in frag and "<b>" not in frag
    c = parse(frag)
    summary = {r[0]: r[1] for r in c.tables[0][1:]}
    assert summary["samples n"] == str(e.n)
    assert summary["outcomes listed"] == "31"
    assert summary["H(P̂) [bits]"].startswith(f"{float(ik.entropy(e, base='bits')):.6g}")
    top = c.tables[1]
    assert top[0] == ["outcome", "count", "proportion"]
    assert len(top) == 21
    assert top[1] == ["<b>", "40", f"{40 / e.n:.6g}"]
    assert top[2][:2] == ["w0", "30"] and top[20][:2] == ["w18", "12"]
    assert "11 more outcomes" in " ".join(c.text)
    assert e._repr_html_() == frag


def test_empirical_html_blank_and_spaced_labels_are_quoted():
    # a space, a trailing space and a tab would read as blank or as another label: shown as repr
    e = ik.empirical([" "] * 3 + ["a "] * 2 + ["\t"] + ["a"])
    rows = {r[0]: r[1] for r in parse(empirical_html(e)).tables[1][1:]}
    assert rows == {"' '": "3", "'a '": "2", "'\\t'": "1", "a": "1"}


def test_empirical_html_joint_and_errors():
    j = ik.empirical_joint([0, 0, 1], ["a", "b", "b"])
    assert "(0, &#x27;a&#x27;)" in empirical_html(j)
    with pytest.raises(InvalidArgumentError):
        empirical_html(ik.empirical([1]), top=0)
    with pytest.raises(InvalidTypeError):
        empirical_html([1, 2])
    with pytest.raises(InvalidTypeError):
        estimate_html(1.0)
    with pytest.raises(InvalidTypeError):
        decomposition_html("x")


# --------------------------------------------------------------------------
# drift
# --------------------------------------------------------------------------
def drift_inputs():
    pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    ref = {"x <1>": rng.normal(0, 1, 2000), "y": rng.normal(0, 1, 2000)}
    cur = {"x <1>": rng.normal(1, 1, 2000), "y": rng.normal(0, 1, 2000)}
    return ref, cur


def drift_frame():
    return ik.drift(*drift_inputs(), rng=0)


def test_drift_html_units_and_verdict_colours():
    df = drift_frame()
    frag = drift_html(df)
    c = parse(frag)
    header = c.tables[0][0]
    assert "JS divergence [bits]" in header and "PSI [nats]" in header and "KL(ref‖cur) [bits]" in header
    rows = {r[0]: dict(zip(header, r)) for r in c.tables[0][1:]}
    assert rows["x <1>"]["verdict"] == "drift" and rows["y"]["verdict"] == "no drift"
    # the frame is in nats (the library default); the report is in bits
    assert df.loc["x <1>", "unit"] == "nats"
    js_bits = ik.drift(*drift_inputs(), base="bits", rng=0).loc["x <1>", "js_divergence"]
    assert rows["x <1>"]["JS divergence [bits]"] == f"{js_bits:.4g}"
    nats = parse(drift_html(df, base="nats")).tables[0]
    assert "JS divergence [nats]" in nats[0]
    assert rows["x <1>"]["n ref"] == "2000"
    assert any("#f8d7da" in s for s in c.styles) and any("#d4edda" in s for s in c.styles)
    assert "x &lt;1&gt;" in frag
    assert "p-value &lt; 0.05" in frag


def test_drift_html_minor_verdict_and_the_rule_in_the_note():
    from infokit.drift import drift_from_counts

    # a significant change with PSI below 0.1 (PSI ≈ 0.1 ln 1.5 ≈ 0.041): "minor", never "no drift" beside p < 0.05
    df = drift_from_counts({"x": [5000, 5000]}, {"x": [6000, 4000]}, rng=0)
    c = parse(drift_html(df))
    header, row = c.tables[0][0], c.tables[0][1]
    cells = dict(zip(header, row))
    assert cells["verdict"] == "minor" and float(cells["p-value"]) < 0.05
    assert float(cells["JS divergence [bits]"]) > float(cells["JS null q95 [bits]"])
    assert "PSI for verdict [nats]" not in header  # PSI is finite by default: one PSI column
    frag = drift_html(df)
    assert "no drift unless p-value &lt; 0.05" in frag and "0.5 added to every bin" in frag


def test_drift_html_rejects_other_tables():
    pd = pytest.importorskip("pandas")
    with pytest.raises(InvalidArgumentError, match="missing"):
        drift_html(pd.DataFrame({"a": [1]}))
    with pytest.raises(InvalidTypeError):
        drift_html([1, 2])


# --------------------------------------------------------------------------
# rendering in a real browser
# --------------------------------------------------------------------------
def find_chromium():
    env = os.environ.get("INFOKIT_CHROMIUM")
    if env:
        return env
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "headless_shell"):
        path = shutil.which(name)
        if path:
            return path
    return None


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium binary (apt-get install chromium)")
def test_renders_in_headless_chromium(tmp_path):
    d = ik.decompose([0.5, 0.25, 0.25], [0.25, 0.25, 0.5], outcomes=["<a&b>", "b", "c"])
    est = ik.estimate_entropy([0, 0, 1, 2], method="plugin", base="bits")
    e = ik.empirical(list("abracadabra"))
    parts = [d._repr_html_(), est._repr_html_(), e._repr_html_()]
    try:
        parts.append(drift_html(drift_frame()))
    except pytest.skip.Exception:
        pass
    page = tmp_path / "report.html"
    page.write_text(html_document("".join(parts)), encoding="utf-8")
    base = [find_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            f"--user-data-dir={tmp_path / 'profile'}"]
    out = subprocess.run(base + ["--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    dom = out.stdout
    c = parse(dom[dom.index("<body>") + 6: dom.rindex("</body>")])
    text = " ".join(c.text)
    assert "<a&b>" in text  # escaped in the source, the literal label once rendered
    assert "1.5 bits" in text and "0.25 bits" in text and "I_p [bits]" in text
    assert f"{est.value:.6g} bits" in text
    assert "abracadabra" not in text and "0.454545" in text  # a: 5 of 11
    assert len(c.tables) >= 5
    shot = tmp_path / "report.png"
    subprocess.run(base + [f"--screenshot={shot}", "--window-size=1200,1400", page.as_uri()],
                   capture_output=True, text=True, timeout=120)
    assert shot.exists() and shot.stat().st_size > 10_000


def test_document_wrapper_is_well_formed():
    doc = html_document(decomposition_html(ik.decompose([1.0], [1.0])), title="<t>")
    assert doc.startswith("<!DOCTYPE html>")
    assert "<title>&lt;t&gt;</title>" in doc
    parse(doc.split("\n", 1)[1])
    assert html.unescape("&lt;t&gt;") == "<t>"
