"""HTML building blocks: escaped text, numbers, tables, notes and documents (inline styles, no script)."""

from __future__ import annotations

import html
import numbers
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from infokit._lib.fmt import format_number

__all__ = ["esc", "label", "num", "table", "div", "note", "html_document", "diag_value"]

_TABLE = 'style="border-collapse: collapse; margin: 0.25em 0 0.75em 0; font-size: 0.9em"'
_CAPTION = 'style="caption-side: top; text-align: left; font-weight: bold; padding: 0.25em 0"'
_TH = 'style="text-align: right; padding: 0.15em 0.6em; border-bottom: 1px solid #888"'
_TH_LEFT = 'style="text-align: left; padding: 0.15em 0.6em; border-bottom: 1px solid #888"'
_TD = 'style="text-align: right; padding: 0.15em 0.6em; font-variant-numeric: tabular-nums"'
_TD_LEFT = 'style="text-align: left; padding: 0.15em 0.6em"'
_VERDICT_COLOURS = {"no drift": "#d4edda", "minor": "#dce9f7", "moderate": "#fff3cd", "drift": "#f8d7da"}


# --------------------------------------------------------------------------
# building blocks
# --------------------------------------------------------------------------
def _esc(x: object) -> str:
    return html.escape(str(x), quote=True)


def _label(x: object) -> str:
    """An outcome as escaped text; one that would read as blank or hide its spaces is shown quoted (``repr``)."""
    text = str(x)
    if isinstance(x, str) and (not text.strip() or text != text.strip() or not text.isprintable()):
        text = repr(str(x))
    return _esc(text)


def _num(v: object, digits: int = 6) -> str:
    """A number as escaped text (:func:`~infokit._lib.fmt.format_number`)."""
    return _esc(format_number(v, digits))


def _table(caption: str, header: Sequence[str] | None, rows: Iterable[Sequence[str]], *, left_cols: int = 1,
           row_styles: Mapping[tuple[int, int], str] | None = None) -> str:
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




def _diag_value(v: object) -> str:
    if isinstance(v, (numbers.Number, np.generic)) and not isinstance(v, (str, bytes)):
        return _num(v)
    text = str(v)
    if len(text) > 200:
        text = text[:197] + "..."
    return _esc(text)


esc, label, num, table, div, note, diag_value = _esc, _label, _num, _table, _div, _note, _diag_value
