"""HTML views of infokit's results, for Jupyter and reports.

Each function returns an HTML fragment (a ``<div>`` holding tables; inline
styles only, no script), with every label escaped and the unit in the
headers:

* :func:`decomposition_html` — a :class:`~infokit.Decomposition`, outcome
  by outcome, and ``H(P) + D(P||Q) = H(P, Q)``;
* :func:`estimate_html` — an :class:`~infokit.Estimate`: value, standard
  error, interval, method and diagnostics;
* :func:`empirical_html` — an :class:`~infokit.Empirical`: a summary and
  the 20 most frequent outcomes;
* :func:`drift_html` — the DataFrame of :func:`infokit.drift`, verdicts
  coloured.

``Decomposition``, ``Estimate`` and ``Empirical`` render in Jupyter through
their ``_repr_html_``, which calls these.  :func:`infokit.drift` returns a
plain :class:`pandas.DataFrame`, which Jupyter already renders as a table;
for the report, ``IPython.display.HTML(infokit.reports.drift_html(df))``.

Checking the rendering by hand
------------------------------
The tests parse every fragment with :mod:`html.parser` and, when a Chromium
binary is installed (``apt-get install chromium``), render it headless.  The
same check by hand::

    python -c "import infokit as ik; from infokit.reports import html_document; \\
        open('/tmp/ik.html', 'w').write(html_document(ik.decompose([.5, .5], [.9, .1])._repr_html_()))"
    chromium --headless --no-sandbox --disable-gpu --dump-dom file:///tmp/ik.html
    chromium --headless --no-sandbox --disable-gpu --window-size=1000,700 \\
        --screenshot=/tmp/ik.png file:///tmp/ik.html
"""

from __future__ import annotations

import html
import math
import numbers

import numpy as np

from .errors import InvalidArgumentError, InvalidTypeError

__all__ = ["decomposition_html", "estimate_html", "empirical_html", "drift_html", "html_document"]

_TABLE = 'style="border-collapse: collapse; margin: 0.25em 0 0.75em 0; font-size: 0.9em"'
_CAPTION = 'style="caption-side: top; text-align: left; font-weight: bold; padding: 0.25em 0"'
_TH = 'style="text-align: right; padding: 0.15em 0.6em; border-bottom: 1px solid #888"'
_TH_LEFT = 'style="text-align: left; padding: 0.15em 0.6em; border-bottom: 1px solid #888"'
_TD = 'style="text-align: right; padding: 0.15em 0.6em; font-variant-numeric: tabular-nums"'
_TD_LEFT = 'style="text-align: left; padding: 0.15em 0.6em"'
_VERDICT_COLOURS = {"no drift": "#d4edda", "moderate": "#fff3cd", "drift": "#f8d7da"}


# --------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------
def _esc(x) -> str:
    return html.escape(str(x), quote=True)


def _num(v, digits: int = 6) -> str:
    """A number as text: 6 significant digits, ``inf``/``-inf``/``nan`` spelled out."""
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, numbers.Integral):
        return str(int(v))
    try:
        f = float(v)
    except (TypeError, ValueError):
        return _esc(v)
    if f == 0:
        return "0"
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return "inf" if f > 0 else "-inf"
    return f"{f:.{digits}g}"


def _table(caption: str, header, rows, *, left_cols=1, row_styles=None) -> str:
    """A table; ``header`` and cells are already-escaped HTML; the first ``left_cols`` columns align left."""
    out = [f"<table {_TABLE}>"]
    if caption:
        out.append(f"<caption {_CAPTION}>{caption}</caption>")
    if header:
        out.append("<thead><tr>")
        out += [f"<th {_TH_LEFT if i < left_cols else _TH}>{h}</th>" for i, h in enumerate(header)]
        out.append("</tr></thead>")
    out.append("<tbody>")
    for j, row in enumerate(rows):
        out.append("<tr>")
        for i, cell in enumerate(row):
            style = (row_styles or {}).get((j, i))
            base = _TD_LEFT if i < left_cols else _TD
            if style:
                base = base[:-1] + f"; {style}" + '"'
            out.append(f"<td {base}>{cell}</td>")
        out.append("</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def _div(*parts: str, cls: str) -> str:
    return f'<div class="infokit {cls}">' + "".join(parts) + "</div>"


def _note(text: str) -> str:
    return f'<p style="margin: 0.25em 0; font-size: 0.85em; color: #555">{text}</p>'


def html_document(fragment: str, title: str = "infokit") -> str:
    """A complete HTML5 document around a fragment (for a browser or a file).

    >>> html_document("<p>hi</p>").startswith("<!DOCTYPE html>")
    True
    """
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_esc(title)}</title></head><body>{fragment}</body></html>\n"
    )


# --------------------------------------------------------------------------
# results
# --------------------------------------------------------------------------
def decomposition_html(d, *, max_rows: int = 50) -> str:
    """HTML table of a :class:`~infokit.Decomposition` and its totals.

    Parameters
    ----------
    d : Decomposition
    max_rows : int, optional
        Outcomes shown (the first ones, in order); the totals always cover all. Default 50.

    Returns
    -------
    str

    Examples
    --------
    >>> import infokit as ik
    >>> from infokit.reports import decomposition_html
    >>> h = decomposition_html(ik.decompose([0.5, 0.5], [0.25, 0.75], outcomes=["<a>", "b"]))
    >>> "&lt;a&gt;" in h and "I_p [bits]" in h
    True
    """
    from .decompose import Decomposition

    if not isinstance(d, Decomposition):
        raise InvalidTypeError(f"decomposition_html() takes an ik.Decomposition (got {type(d).__name__})")
    u = _esc(d.unit)
    header = ["outcome", "p", "q", f"I_p [{u}]", f"I_q [{u}]", f"p·I_p [{u}]", f"p·I_q [{u}]",
              f"p·log(p/q) [{u}]"]
    all_rows = d.rows()
    rows = [[_esc(o)] + [_num(v) for v in vals] for o, *vals in all_rows[:max_rows]]
    parts = [_table(f"H(P, Q) = H(P) + D(P‖Q), outcome by outcome [{u}]", header, rows)]
    if len(all_rows) > max_rows:
        parts.append(_note(f"… and {len(all_rows) - max_rows} more outcomes (included in the totals)"))
    totals = [
        ["H(P)", f"{_num(d.entropy)} {u}"],
        ["D(P‖Q)", f"{_num(d.kl_divergence)} {u}"],
        ["H(P, Q) = H(P) + D(P‖Q)", f"{_num(d.cross_entropy)} {u}"],
    ]
    parts.append(_table("Totals", ["quantity", f"value [{u}]"], totals))
    return _div(*parts, cls="decomposition")


def estimate_html(est) -> str:
    """HTML table of an :class:`~infokit.Estimate`: value, standard error, interval, diagnostics.

    Examples
    --------
    >>> import infokit as ik
    >>> from infokit.reports import estimate_html
    >>> h = estimate_html(ik.estimate_entropy([0, 0, 1, 2], method="plugin", base="bits"))
    >>> "1.5 bits" in h and "plugin" in h
    True
    """
    from .estimators import Estimate

    if not isinstance(est, Estimate):
        raise InvalidTypeError(f"estimate_html() takes an ik.Estimate (got {type(est).__name__})")
    u = _esc(est.unit)
    lo, hi = est.ci
    rows = [
        ["estimate", f"{_num(est.value)} {u}"],
        ["standard error", f"{_num(est.stderr)} {u}"],
        [f"{_esc(format(est.level, '.0%'))} interval", f"[{_num(lo)}, {_num(hi)}] {u}"],
        ["method", _esc(est.method)],
    ]
    parts = [_table(f"Estimate ({_esc(est.method)}) [{u}]", ["", "value"], rows)]
    diag = dict(est.diagnostics or {})
    if diag:
        drows = [[_esc(k), _diag_value(v)] for k, v in diag.items()]
        parts.append(_table("Diagnostics", ["", "value"], drows))
    return _div(*parts, cls="estimate")


def _diag_value(v) -> str:
    if isinstance(v, (numbers.Number, np.generic)) and not isinstance(v, (str, bytes)):
        return _num(v)
    text = str(v)
    if len(text) > 200:
        text = text[:197] + "..."
    return _esc(text)


def empirical_html(e, *, top: int = 20) -> str:
    """HTML summary of an :class:`~infokit.Empirical` and its ``top`` most frequent outcomes.

    Examples
    --------
    >>> import infokit as ik
    >>> from infokit.reports import empirical_html
    >>> h = empirical_html(ik.empirical(["a", "b", "a", "<c>"]))
    >>> "&lt;c&gt;" in h and "H(P̂) [bits]" in h
    True
    """
    from .empirical import Empirical
    from .exact import entropy

    if not isinstance(e, Empirical):
        raise InvalidTypeError(f"empirical_html() takes an ik.Empirical (got {type(e).__name__})")
    if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1:
        raise InvalidArgumentError(f"'top' must be a positive int (got {top!r})")
    h = float(entropy(e, base="bits"))
    summary = [
        ["samples n", _num(e.n)],
        ["outcomes listed", _num(len(e))],
        ["outcomes observed", _num(e.n_observed)],
        ["support size", _num(e.support_size) + (" (declared)" if e.support_declared else " (observed)")],
        ["H(P̂) [bits]", _num(h) + " (plug-in: the entropy of the sample's distribution)"],
    ]
    parts = [_table("Empirical distribution", ["", "value"], summary)]
    counts = np.asarray(e.counts)
    order = np.argsort(-counts, kind="stable")[:top]
    outcomes = e.outcomes
    rows = [[_esc(outcomes[i]), _num(int(counts[i])),
             _num(counts[i] / e.n)] for i in order.tolist()]
    parts.append(_table(f"Top {min(top, len(e))} outcomes by count", ["outcome", "count", "proportion"], rows))
    if len(e) > top:
        rest = int(e.n - counts[order].sum())
        parts.append(_note(f"… and {len(e) - top} more outcomes ({rest} samples)"))
    return _div(*parts, cls="empirical")


_DRIFT_COLUMNS = (
    ("n_ref", "n ref", None),
    ("n_cur", "n cur", None),
    ("n_bins", "bins", None),
    ("zero_bins_ref", "empty bins ref", None),
    ("zero_bins_cur", "empty bins cur", None),
    ("js_divergence", "JS divergence", "unit"),
    ("js_null_q95", "JS null q95", "unit"),
    ("p_value", "p-value", None),
    ("psi", "PSI", "nats"),
    ("verdict_psi", "PSI for verdict", "nats"),
    ("kl_ref_cur", "KL(ref‖cur)", "unit"),
    ("kl_cur_ref", "KL(cur‖ref)", "unit"),
    ("hellinger", "Hellinger", None),
    ("smoothing", "smoothing", None),
    ("verdict", "verdict", None),
)


def drift_html(df) -> str:
    """HTML report of a drift DataFrame (:func:`infokit.drift`): units in the headers, verdicts coloured.

    Parameters
    ----------
    df : pandas.DataFrame
        As returned by :func:`infokit.drift` or :func:`infokit.drift_from_counts`.

    Returns
    -------
    str

    Examples
    --------
    >>> from infokit.drift import drift_from_counts
    >>> from infokit.reports import drift_html
    >>> h = drift_html(drift_from_counts({"x": [90, 10]}, {"x": [10, 90]}, rng=0))
    >>> "JS divergence [bits]" in h and "PSI [nats]" in h and ">drift<" in h
    True
    """
    need = [c for c, _, _ in _DRIFT_COLUMNS] + ["unit"]
    cols = getattr(df, "columns", None)
    if cols is None or not hasattr(df, "iterrows"):
        raise InvalidTypeError(f"drift_html() takes the DataFrame of ik.drift (got {type(df).__name__})")
    missing = [c for c in need if c not in cols]
    if missing:
        raise InvalidArgumentError(f"drift_html() needs the columns of ik.drift; missing {missing}")
    attrs = getattr(df, "attrs", {}) or {}
    units = sorted({str(u) for u in df["unit"].tolist()})
    unit = _esc(attrs.get("unit", units[0] if len(units) == 1 else "/".join(units)))
    header = ["column"]
    for _, title, kind in _DRIFT_COLUMNS:
        header.append(f"{_esc(title)} [{unit if kind == 'unit' else kind}]" if kind else _esc(title))
    rows, styles = [], {}
    for j, (name, row) in enumerate(df.iterrows()):
        cells = [_esc(name)]
        for i, (c, _, _) in enumerate(_DRIFT_COLUMNS, start=1):
            v = row[c]
            if c == "verdict":
                colour = _VERDICT_COLOURS.get(str(v))
                if colour:
                    styles[(j, i)] = f"background-color: {colour}; font-weight: bold; text-align: center"
                cells.append(_esc(v))
            else:
                cells.append(_num(v, 4))
        rows.append(cells)
    thresholds = attrs.get("thresholds", (0.1, 0.25))
    alpha = attrs.get("alpha", 0.05)
    n_perm = attrs.get("n_permutations")
    caption = f"Drift of {len(rows)} column(s), reference vs current"
    note = (
        f"Verdict: PSI &lt; {_num(thresholds[0])} no drift, &lt; {_num(thresholds[1])} moderate, "
        f"otherwise drift — and only if p-value &lt; {_num(alpha)}"
        + (f" ({_num(n_perm)} permutations)" if n_perm is not None else "")
        + ". PSI is in nats; an infinite PSI or KL means a bin is empty on one side (see the empty-bin counts)."
    )
    return _div(_table(caption, header, rows, row_styles=styles), _note(note), cls="drift")
