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

from typing import Any

from infokit._api.decompose import decomposition_html
from infokit._estimators.result import estimate_html
from infokit._lib.units import resolve_base
from infokit._lib.typing import Base
from infokit._lib.html import (
    _VERDICT_COLOURS,
    div as _div,
    esc as _esc,
    html_document,
    note as _note,
    num as _num,
    table as _table,
)
from infokit._samples.table import empirical_html
from infokit.errors import InvalidArgumentError, InvalidTypeError

__all__ = ["decomposition_html", "estimate_html", "empirical_html", "drift_html", "html_document"]


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
    ("kl_ref_cur", "KL(ref‖cur)", "unit"),
    ("kl_cur_ref", "KL(cur‖ref)", "unit"),
    ("hellinger", "Hellinger", None),
    ("smoothing", "smoothing", None),
    ("verdict", "verdict", None),
)


def drift_html(df: Any, *, base: Base = "bits") -> str:
    """HTML report of a drift DataFrame (:func:`infokit.drift`): units in the headers, verdicts coloured.

    Parameters
    ----------
    df : pandas.DataFrame
        As returned by :func:`infokit.drift` or :func:`infokit.drift_from_counts`
        (in whatever unit it was computed: its ``unit`` column says which).
    base : {"bits", "nats", "hartleys"} or float, optional
        Unit of the JS and KL columns in the report.  Default bits (a report is
        read by people); PSI is always in nats.

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
    target = resolve_base(base)
    unit = _esc(target.name)
    factors = [resolve_base(u).log_base / target.log_base for u in df["unit"].tolist()]
    header = ["column"]
    for _, title, kind in _DRIFT_COLUMNS:
        header.append(f"{_esc(title)} [{unit if kind == 'unit' else kind}]" if kind else _esc(title))
    kind_of_column = {c: kind for c, _, kind in _DRIFT_COLUMNS}
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
            elif kind_of_column[c] == "unit":
                cells.append(_num(v * factors[j], 4))
            else:
                cells.append(_num(v, 4))
        rows.append(cells)
    thresholds = attrs.get("thresholds", (0.1, 0.25))
    alpha = attrs.get("alpha", 0.05)
    n_perm = attrs.get("n_permutations")
    caption = f"Drift of {len(rows)} column(s), reference vs current"
    psi_a = attrs.get("psi_smoothing")
    note = (
        f"Verdict: no drift unless p-value &lt; {_num(alpha)}"
        + (f" ({_num(n_perm)} permutations)" if n_perm else (" (chi-square approximation)" if n_perm == 0 else ""))
        + f"; then PSI &lt; {_num(thresholds[0])} minor, &lt; {_num(thresholds[1])} moderate, otherwise drift. "
        "JS null q95: the JS divergence above which p-value &lt; 0.05. PSI is in nats"
        + (f", with {_num(psi_a)} added to every bin of both samples" if psi_a else "")
        + "; an infinite KL means a bin is empty on one side (see the empty-bin counts)."
    )
    return _div(_table(caption, header, rows, row_styles=styles), _note(note), cls="drift")
