"""Numbers as text, one rule for every table infokit prints."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

__all__ = ["format_number"]


def format_number(v: Any, digits: int = 6, *, inf: str = "inf") -> str:
    """A number as text: ``digits`` significant digits, integers exact, ``inf``/``-inf``/``nan`` spelled out.

    ``inf`` is the spelling of positive infinity (``"∞"`` in a plain-text table).

    >>> format_number(0.123456789), format_number(3), format_number(float("-inf"), inf="∞")
    ('0.123457', '3', '-∞')
    """
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, numbers.Integral):
        return str(int(v))
    try:
        f = float(v)
    except (TypeError, ValueError):
        return str(v)
    if f == 0:
        return "0"
    if math.isnan(f):
        return "nan"
    if math.isinf(f):
        return inf if f > 0 else "-" + inf
    return f"{f:.{digits}g}"
