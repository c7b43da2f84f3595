"""File paths, formats and column names: checked before a byte of data is read.

:func:`format_of` is the one rule that tells a file's format from its name
(or ``format=``); every reader -- the pyarrow streams and the Dask frames --
asks it.
"""

from __future__ import annotations

import os
import stat

from infokit.errors import InvalidArgumentError, InvalidFileError, InvalidTypeError

__all__ = ["FORMATS", "CSV_NULL_VALUES", "check_path", "format_of", "as_column_list", "check_columns", "one_line"]

#: Values of ``format=`` (and of the command line's ``--file-format``).
FORMATS = ("csv", "tsv", "parquet")

#: The CSV fields that are missing values, in every column (strings too): the one list both the
#: pyarrow streams and the Dask frames use.  (pandas' list also has ``None`` and ``<NA>``; here
#: those are words.)
CSV_NULL_VALUES = ("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN",
                   "N/A", "NA", "NULL", "NaN", "n/a", "nan", "null")

_PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
_COMPRESSION_SUFFIXES = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd", ".lz4": "lz4"}


def check_path(path) -> str:
    """``path`` as a str, after checking it names a non-empty file that can be opened."""
    try:
        p = os.fspath(path)
    except TypeError:
        raise InvalidTypeError(f"'path' must be a file path (str or os.PathLike), got {type(path).__name__}") from None
    if isinstance(p, bytes):
        p = os.fsdecode(p)
    if not os.path.exists(p):
        raise InvalidFileError(f"{p}: no such file")
    if os.path.isdir(p):
        raise InvalidFileError(f"{p}: is a directory, not a file")
    try:
        mode = os.stat(p).st_mode
    except OSError:
        mode = stat.S_IFREG
    if not stat.S_ISREG(mode):  # a FIFO, pipe, socket or device: opening one may block, its size means nothing
        raise InvalidFileError(
            f"{p}: is a pipe or device, not a regular file; the readers open a file more than once, so copy "
            "the stream to a file first (the command line does this for -, pipes and FIFOs)"
        )
    try:
        size = os.path.getsize(p)
        with open(p, "rb"):
            pass
    except OSError as exc:
        raise InvalidFileError(f"{p}: cannot be opened ({exc.strerror or exc})") from None
    if size == 0:
        raise InvalidFileError(f"{p}: the file is empty")
    return p


def format_of(path: str, format) -> tuple[str, str | None, str]:
    """``(kind, compression, delimiter)`` of a file: kind ``"parquet"`` or ``"csv"``.

    From ``format`` when given, else from the suffix (``.parquet``/``.pq``/``.parq``;
    ``.csv``/``.txt``, ``.tsv`` tab-separated; a ``.gz``/``.bz2``/``.zst``/``.lz4``
    suffix on a CSV file is its compression).

    >>> format_of("events.tsv.gz", None), format_of("x.data", "parquet")
    (('csv', 'gzip', '\\t'), ('parquet', None, ','))
    """
    name = os.path.basename(path).lower()
    compression = None
    stem = name
    for suffix, codec in _COMPRESSION_SUFFIXES.items():
        if name.endswith(suffix):
            compression, stem = codec, name[: -len(suffix)]
            break
    delimiter = "\t" if stem.endswith(".tsv") else ","
    if format is not None:
        if not isinstance(format, str) or format.lower() not in FORMATS:
            raise InvalidArgumentError(f"'format' must be 'csv', 'tsv' or 'parquet' (got {format!r})")
        kind = format.lower()
        if kind == "tsv":
            kind, delimiter = "csv", "\t"
        if kind == "parquet" and compression is not None:
            compression = None  # a Parquet file compresses its own pages; the suffix means nothing
        return kind, compression, delimiter
    if stem.endswith(_PARQUET_SUFFIXES) and compression is None:
        return "parquet", None, ","
    if stem.endswith(_CSV_SUFFIXES):
        return "csv", compression, delimiter
    raise InvalidArgumentError(
        f"{path}: cannot tell the format from the file name; use a .csv, .csv.gz, .tsv or .parquet "
        "suffix or pass format='csv' or format='parquet'"
    )


def as_column_list(columns, what="columns") -> list[str] | None:
    """``columns`` (a name or names) as a list of distinct str, or None for all columns."""
    if columns is None:
        return None
    if isinstance(columns, str):
        columns = [columns]
    try:
        cols = list(columns)
    except TypeError:
        raise InvalidTypeError(f"'{what}' must be a column name or a list of names (got {columns!r})") from None
    if not cols:
        raise InvalidArgumentError(f"'{what}' is empty: name at least one column")
    for c in cols:
        if not isinstance(c, str):
            raise InvalidTypeError(f"column names must be str (got {c!r} in '{what}')")
    return list(dict.fromkeys(cols))  # read each once


def check_columns(path: str, wanted: list[str] | None, available: list[str]) -> None:
    """Raise, listing the available columns, if some of ``wanted`` are not in the file."""
    if wanted is None:
        return
    unknown = [c for c in wanted if c not in available]
    if unknown:
        shown = ", ".join(repr(c) for c in available[:50])
        more = f", ... ({len(available)} in all)" if len(available) > 50 else ""
        raise InvalidArgumentError(
            f"{path}: no column {', '.join(repr(c) for c in unknown)}; available columns: {shown}{more}"
        )


def one_line(exc) -> str:
    """An exception's message on one line (its type's name if it has none)."""
    msg = " ".join(str(exc).split())
    return msg or type(exc).__name__

