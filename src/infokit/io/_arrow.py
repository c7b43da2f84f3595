"""Arrow arrays as NumPy arrays, and their missing values.

A value is missing when Arrow marks it null, or when it is missing by the
rule in-memory counting applies to the values
(:func:`infokit._samples.counting.missing_mask`: NaN in a float column).
"""

from __future__ import annotations

import numpy as np

from infokit._lib.optional import require
from infokit._samples.counting import missing_mask as _values_missing
from infokit.errors import InvalidArgumentError

__all__ = ["pyarrow", "is_stringlike", "to_numpy", "missing_mask", "missing_rows", "missing_error"]


def pyarrow():
    """pyarrow, or :class:`~infokit.errors.MissingDependencyError` naming the extra."""
    return require("pyarrow", "reading files")


def is_stringlike(t) -> bool:
    """Whether the Arrow type ``t`` holds strings or bytes."""
    pa = pyarrow()
    return (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t)
            or pa.types.is_large_binary(t) or getattr(pa.types, "is_string_view", lambda _: False)(t)
            or getattr(pa.types, "is_binary_view", lambda _: False)(t))


def to_numpy(arr) -> np.ndarray:
    """A NumPy array of an Arrow array: zero-copy views of numbers and bits where possible.

    (``Array.to_numpy`` imports pandas on its first call; these paths do not.)
    Strings become an object array of ``str`` (only used for arrays of
    distinct values: dictionaries, per-batch value counts).
    """
    pa = pyarrow()
    t = arr.type
    if arr.null_count == 0:
        if pa.types.is_integer(t) or pa.types.is_floating(t):
            kind = "f" if pa.types.is_floating(t) else ("i" if pa.types.is_signed_integer(t) else "u")
            dt = np.dtype(f"{kind}{t.bit_width // 8}")
            return np.frombuffer(arr.buffers()[1], dtype=dt, count=len(arr), offset=arr.offset * dt.itemsize)
        if pa.types.is_boolean(t):
            bits = np.frombuffer(arr.buffers()[1], dtype=np.uint8)
            return np.unpackbits(bits, count=arr.offset + len(arr), bitorder="little")[arr.offset:].astype(bool)
        if is_stringlike(t):
            return np.fromiter(arr.to_pylist(), dtype=object, count=len(arr))
    return arr.to_numpy(zero_copy_only=False)


def missing_mask(arr):
    """``(mask of missing rows or None, what)`` of an Arrow array: nulls, and NaN in float columns."""
    pa = pyarrow()
    m, what = None, "null"
    if arr.null_count:
        m = ~to_numpy(arr.is_valid())
    t = arr.type.value_type if pa.types.is_dictionary(arr.type) else arr.type
    if pa.types.is_floating(t):  # the only Arrow values that can also be missing by value
        vals = arr.dictionary_decode() if pa.types.is_dictionary(arr.type) else arr
        if arr.null_count:
            vals = vals.fill_null(0.0)
        nan = _values_missing(to_numpy(vals))
        if nan is not None:
            m = nan if m is None else (m | nan)
            what = "NaN" if not arr.null_count else "null or NaN"
    return (m if m is not None and m.any() else None), what


def missing_error(path, column, row, what) -> InvalidArgumentError:
    where = f" at data row {row + 1}" if row is not None else ""
    return InvalidArgumentError(
        f"{path}: column {column!r} has a missing value ({what}){where}; "
        "pass dropna=True to drop missing values"
    )


def missing_rows(path, batch, cols, offset, dropna):
    """Mask of the rows of ``batch`` where one of ``cols`` is missing, or None; raises without ``dropna``."""
    mask = None
    for c in cols:
        m, what = missing_mask(batch.column(c))
        if m is not None:
            if not dropna:
                raise missing_error(path, c, offset + int(np.argmax(m)), what)
            mask = m if mask is None else (mask | m)
    return mask
