"""Counts from CSV and Parquet files, streamed in record batches with bounded memory.

A file is read with pyarrow one record batch at a time, and only the columns
asked for; counts accumulate batch by batch, so a file larger than memory is
counted in memory proportional to one batch plus the number of distinct
values (of distinct cells, for a joint table).  The counts are exact: they
equal those of the whole column counted in memory, outcome for outcome::

    >>> import infokit.io as ikio                            # doctest: +SKIP
    >>> e = ikio.read_empirical("events.parquet", "country")  # doctest: +SKIP
    >>> ik.entropy(e, base="bits")                            # doctest: +SKIP

* :func:`iter_batches` -- the record batches of a file (the building block).
* :func:`read_empirical` -- the empirical distribution of one column.
* :func:`read_columns_empirical` -- those of several columns, in one pass.
* :func:`read_joint_empirical` -- the joint table of several columns.
* :func:`read_mutual_information` -- the plug-in ``I(X; Y)`` (or ``I(X; Y | Z)``)
  of columns of a file, equal to :func:`infokit.mutual_information` of the
  columns loaded in memory.

Formats, from the file name's suffix or ``format=``: Parquet (``.parquet``,
``.pq``, ``.parq``), CSV (``.csv``, ``.txt``; ``.tsv`` is tab-separated; ``.gz``,
``.bz2``, ``.zst``, ``.lz4`` suffixes are decompressed on the fly).  CSV column
types are inferred by pyarrow from the first block of the file; an empty
field and the usual markers (``NA``, ``null``, ``NaN``, ...) are missing
values, in string columns too (as in :func:`pandas.read_csv`).

Missing values (nulls, and NaN in float columns) are an error unless
``dropna=True``; a column with no values left is an error.  Bad input --
missing file, directory, empty file, unreadable or truncated Parquet, a CSV
row whose value does not fit its column's type -- raises
:class:`~infokit.errors.InvalidFileError` with one line naming the file;
unknown columns raise :class:`~infokit.errors.InvalidArgumentError` listing
the available ones.  This module only reads: it never writes or modifies a
file, so an error leaves nothing partially written.

A progress bar (``rich``) is drawn on stderr when ``progress=True``, or by
default (``progress=None``) when stderr is a terminal and the file is larger
than 64 MB; Parquet progress is counted in rows (from the file's metadata),
CSV progress in bytes of the file read.

Memory: Parquet files are opened with ``pre_buffer=False`` (pyarrow's
pre-buffering keeps every row group read cached until the file is closed,
which grows with the file); peak memory then stays flat as the file grows
(``benchmarks/bench_io.py``: about 30-60 MiB above the imports for
2.5e7 to 2e8 rows).
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterator, Sequence

import numpy as np

from infokit._samples import counting as _counting
from infokit._lib.optional import require
from infokit._lib.units import resolve_base
from infokit._samples.empirical import Empirical, _cmi_cells, _on_support
from infokit.errors import InvalidArgumentError, InvalidFileError, InvalidTypeError

__all__ = [
    "iter_batches",
    "read_empirical",
    "read_columns_empirical",
    "read_joint_empirical",
    "read_mutual_information",
    "PROGRESS_MIN_BYTES",
]

PROGRESS_MIN_BYTES = 64 * 10**6  # progress=None: a bar for files larger than this, on a terminal
DEFAULT_BATCH_SIZE = 65536  # iter_batches
READ_BATCH_SIZE = 1 << 18  # read_*: fewer, larger batches (per-batch overhead), still a few MB

_PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
_CSV_SUFFIXES = (".csv", ".tsv", ".txt")
_COMPRESSION_SUFFIXES = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd", ".lz4": "lz4"}


# --------------------------------------------------------------------------
# files, formats, columns
# --------------------------------------------------------------------------
def _pa():
    return require("pyarrow", "reading files")


def _check_path(path) -> str:
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
        size = os.path.getsize(p)
        with open(p, "rb"):
            pass
    except OSError as exc:
        raise InvalidFileError(f"{p}: cannot be opened ({exc.strerror or exc})") from None
    if size == 0:
        raise InvalidFileError(f"{p}: the file is empty")
    return p


def _format_of(path: str, format) -> tuple[str, str | None, str]:
    """``(kind, compression, delimiter)``: kind 'parquet' or 'csv'."""
    name = os.path.basename(path).lower()
    compression = None
    stem = name
    for suffix, codec in _COMPRESSION_SUFFIXES.items():
        if name.endswith(suffix):
            compression, stem = codec, name[: -len(suffix)]
            break
    delimiter = "\t" if stem.endswith(".tsv") else ","
    if format is not None:
        if not isinstance(format, str) or format.lower() not in ("csv", "tsv", "parquet"):
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


def _as_column_list(columns, what="columns") -> list[str] | None:
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


def _check_columns(path: str, wanted: list[str] | None, available: list[str]) -> None:
    if wanted is None:
        return
    unknown = [c for c in wanted if c not in available]
    if unknown:
        shown = ", ".join(repr(c) for c in available[:50])
        more = f", ... ({len(available)} in all)" if len(available) > 50 else ""
        raise InvalidArgumentError(
            f"{path}: no column {', '.join(repr(c) for c in unknown)}; available columns: {shown}{more}"
        )


def _one_line(exc) -> str:
    msg = " ".join(str(exc).split())
    return msg or type(exc).__name__


def _batch_size(batch_size) -> int:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidArgumentError(f"'batch_size' must be a positive int (got {batch_size!r})")
    return batch_size


# --------------------------------------------------------------------------
# progress
# --------------------------------------------------------------------------
class _NoProgress:
    def advance(self, amount):
        pass

    def update_to(self, completed):
        pass

    def close(self):
        pass


class _RichProgress:
    def __init__(self, path: str, total: int, unit: str):
        progress_mod = require("rich.progress", "a progress bar")
        console_mod = require("rich.console", "a progress bar")
        cols = [
            progress_mod.TextColumn("[progress.description]{task.description}"),
            progress_mod.BarColumn(),
            progress_mod.TaskProgressColumn(),
            progress_mod.DownloadColumn() if unit == "bytes" else progress_mod.MofNCompleteColumn(),
            progress_mod.TimeElapsedColumn(),
            progress_mod.TimeRemainingColumn(),
        ]
        self._progress = progress_mod.Progress(*cols, console=console_mod.Console(stderr=True), transient=False)
        label = os.path.basename(path) + (" (rows)" if unit == "rows" else "")
        self._task = self._progress.add_task(label, total=max(total, 1))
        self._progress.start()

    def advance(self, amount):
        self._progress.advance(self._task, amount)

    def update_to(self, completed):
        self._progress.update(self._task, completed=completed)

    def close(self):
        self._progress.stop()


def _make_progress(progress, path: str, total: int, unit: str):
    if progress is None:
        try:
            on_terminal = sys.stderr is not None and sys.stderr.isatty()
        except (AttributeError, ValueError):
            on_terminal = False
        if not on_terminal or os.path.getsize(path) <= PROGRESS_MIN_BYTES:
            return _NoProgress()
        try:
            return _RichProgress(path, total, unit)
        except ImportError:  # no rich: no bar unless asked for
            return _NoProgress()
    if progress is True:
        return _RichProgress(path, total, unit)
    if progress is False:
        return _NoProgress()
    raise InvalidArgumentError(f"'progress' must be True, False or None (got {progress!r})")


# --------------------------------------------------------------------------
# reading batches
# --------------------------------------------------------------------------
def iter_batches(path, columns=None, *, batch_size=DEFAULT_BATCH_SIZE, format=None, progress=None,
                 block_size=None, read_dictionary=None) -> Iterator:
    """The record batches of a CSV or Parquet file, streamed.

    Parameters
    ----------
    path : str or os.PathLike
        The file.
    columns : str or list of str, optional
        The columns to read (default all); each batch holds just those.
    batch_size : int, optional
        Rows per batch at most (fewer at Parquet row-group ends and CSV
        block ends).
    format : {"csv", "tsv", "parquet"}, optional
        The format; default from the file name's suffix (``.parquet``/``.pq``,
        ``.csv``, ``.tsv``, optionally with ``.gz``/``.bz2``/``.zst``/``.lz4``).
    progress : bool or None, optional
        Draw a progress bar on stderr (needs ``rich``).  None (default): only
        when stderr is a terminal and the file is larger than 64 MB.
    block_size : int, optional
        CSV only: bytes parsed per block (default ``max(32 * batch_size, 1 MiB)``).
        Column types are inferred from the first block.
    read_dictionary : list of str, optional
        Parquet only: columns read as dictionary arrays (codes + distinct
        values), which avoids building a string per row.

    Yields
    ------
    pyarrow.RecordBatch

    Raises
    ------
    InvalidFileError
        Missing file, a directory, an empty file, an unreadable or truncated
        Parquet file, a CSV row that cannot be parsed or whose value does not
        fit its column's type (the message gives the row).
    InvalidArgumentError
        Unknown columns (the message lists the available ones), an unknown format.
    MissingDependencyError
        pyarrow (or, for ``progress=True``, rich) is not installed.

    Notes
    -----
    The file is only read; errors are raised as they are met, possibly after
    earlier batches were yielded.
    """
    path = _check_path(path)
    kind, compression, delimiter = _format_of(path, format)
    cols = _as_column_list(columns)
    bs = _batch_size(batch_size)
    _pa()
    if progress is True:
        require("rich.progress", "a progress bar")
    elif progress is not None and progress is not False:
        raise InvalidArgumentError(f"'progress' must be True, False or None (got {progress!r})")
    if kind == "parquet":
        return _parquet_batches(path, cols, bs, progress, read_dictionary)
    return _csv_batches(path, cols, bs, progress, compression, delimiter, block_size)


def _open_parquet(path, read_dictionary=None):
    pq = require("pyarrow.parquet", "reading Parquet files")
    pa = _pa()
    try:
        # pre_buffer=False: pyarrow's pre-buffering keeps every row group it has
        # read cached until the file is closed, so memory would grow with the file
        return pq.ParquetFile(path, read_dictionary=read_dictionary or None, pre_buffer=False)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InvalidFileError(f"{path}: not a readable Parquet file ({_one_line(exc)})") from None


def _parquet_batches(path, cols, batch_size, progress, read_dictionary):
    pf = _open_parquet(path, read_dictionary)
    try:
        _check_columns(path, cols, pf.schema_arrow.names)
    except BaseException:
        pf.close()
        raise
    return _parquet_gen(path, pf, cols, batch_size, progress)


def _parquet_gen(path, pf, cols, batch_size, progress):
    pa = _pa()
    try:
        bar = _make_progress(progress, path, pf.metadata.num_rows, "rows")
        try:
            for batch in pf.iter_batches(batch_size=batch_size, columns=cols, use_threads=True):
                bar.advance(batch.num_rows)
                yield batch
        except (pa.ArrowException, OSError) as exc:
            raise InvalidFileError(f"{path}: corrupt or truncated Parquet data ({_one_line(exc)})") from None
        finally:
            bar.close()
    finally:
        pf.close()


def _csv_options(path, cols, compression, delimiter, block_size, column_types=None, skip_rows=0):
    pacsv = require("pyarrow.csv", "reading CSV files")
    read = pacsv.ReadOptions(block_size=block_size, skip_rows_after_names=skip_rows)
    parse = pacsv.ParseOptions(delimiter=delimiter)
    convert = pacsv.ConvertOptions(include_columns=cols or [], strings_can_be_null=True,
                                   column_types=column_types or {})
    return pacsv, read, parse, convert


def _open_csv_stream(path, compression):
    pa = _pa()
    raw = pa.OSFile(path, "rb")
    stream = pa.CompressedInputStream(raw, compression) if compression else raw
    return raw, stream


def _csv_reader(path, cols, compression, delimiter, block_size, column_types=None, skip_rows=0):
    pa = _pa()
    pacsv, read, parse, convert = _csv_options(path, cols, compression, delimiter, block_size,
                                               column_types, skip_rows)
    raw, stream = _open_csv_stream(path, compression)
    try:
        reader = pacsv.open_csv(stream, read_options=read, parse_options=parse, convert_options=convert)
    except BaseException as exc:
        stream.close()
        raw.close()
        if isinstance(exc, KeyError) and cols:
            names = _csv_header(path, compression, delimiter)
            _check_columns(path, cols, names)
        if isinstance(exc, (pa.ArrowException, OSError, EOFError)):
            raise InvalidFileError(f"{path}: not a readable CSV file ({_one_line(exc)})") from None
        raise
    return raw, stream, reader


def _csv_header(path, compression, delimiter) -> list[str]:
    pa = _pa()
    pacsv = require("pyarrow.csv", "reading CSV files")
    raw, stream = _open_csv_stream(path, compression)
    try:
        reader = pacsv.open_csv(stream, read_options=pacsv.ReadOptions(block_size=1 << 20),
                                parse_options=pacsv.ParseOptions(delimiter=delimiter))
        return list(reader.schema.names)
    except (pa.ArrowException, OSError, EOFError) as exc:
        raise InvalidFileError(f"{path}: not a readable CSV file ({_one_line(exc)})") from None
    finally:
        stream.close()
        raw.close()


def _csv_batches(path, cols, batch_size, progress, compression, delimiter, block_size):
    if block_size is None:
        block_size = max(32 * batch_size, 1 << 20)
    elif isinstance(block_size, bool) or not isinstance(block_size, int) or block_size < 1:
        raise InvalidArgumentError(f"'block_size' must be a positive int (got {block_size!r})")
    raw, stream, reader = _csv_reader(path, cols, compression, delimiter, block_size)
    return _csv_gen(path, raw, stream, reader, batch_size, progress, compression, delimiter, block_size)


def _csv_gen(path, raw, stream, reader, batch_size, progress, compression, delimiter, block_size):
    pa = _pa()
    schema = reader.schema
    total = os.path.getsize(path)
    rows = 0
    try:
        bar = _make_progress(progress, path, total, "bytes")
        try:
            while True:
                try:
                    batch = reader.read_next_batch()
                except StopIteration:
                    break
                except (pa.ArrowException, OSError, EOFError) as exc:
                    where = _locate_csv_error(path, schema, rows, compression, delimiter, block_size)
                    raise InvalidFileError(
                        f"{path}: bad CSV data {where}({_one_line(exc)}; column types are inferred from "
                        f"the first {block_size} bytes)"
                    ) from None
                bar.update_to(raw.tell())
                for start in range(0, batch.num_rows, batch_size):
                    yield batch.slice(start, batch_size)
                rows += batch.num_rows
            bar.update_to(total)
        finally:
            bar.close()
    finally:
        stream.close()
        raw.close()


def _locate_csv_error(path, schema, rows_before, compression, delimiter, block_size) -> str:
    """Where a CSV conversion error is: 'at data row R (line L), column C, value V ' or ''.

    pyarrow's streaming reader does not report the row of a value that does
    not fit the type inferred from the first block; the rows after the last
    good batch are read again as strings and cast, to find it.
    """
    pa = _pa()
    pc = require("pyarrow.compute", "reading files")
    typed = [f for f in schema if not (pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
                                       or pa.types.is_null(f.type))]
    if not typed:
        return f"after data row {rows_before} "
    types = {f.name: pa.string() for f in typed}
    try:
        raw, stream, reader = _csv_reader(path, [f.name for f in typed], compression, delimiter,
                                          block_size, column_types=types, skip_rows=rows_before)
    except Exception:
        return f"after data row {rows_before} "
    try:
        offset = rows_before
        for _ in range(4):  # the bad value is in the next block; look a little further at most
            try:
                batch = reader.read_next_batch()
            except Exception:
                break
            for f in typed:
                col = batch.column(f.name)
                bad = _first_bad_cast(pc, col, f.type)
                if bad is not None:
                    row = offset + bad + 1
                    value = col[bad].as_py()
                    return (f"at data row {row} (line {row + 1} if no field spans lines), "
                            f"column {f.name!r}: {value!r} is not {f.type} ")
            offset += batch.num_rows
    finally:
        stream.close()
        raw.close()
    return f"after data row {rows_before} "


def _first_bad_cast(pc, col, target):
    """Index of the first value of a string array that does not cast to ``target``, or None."""
    def ok(a):
        try:
            pc.cast(a, target)
            return True
        except Exception:
            return False

    if ok(col):
        return None
    lo, hi = 0, len(col)  # the first bad value is in [lo, hi)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if ok(col.slice(lo, mid - lo)):
            lo = mid
        else:
            hi = mid
    return lo


# --------------------------------------------------------------------------
# counting one column
# --------------------------------------------------------------------------
def _is_stringlike(pa, t) -> bool:
    return (pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_binary(t)
            or pa.types.is_large_binary(t) or getattr(pa.types, "is_string_view", lambda _: False)(t)
            or getattr(pa.types, "is_binary_view", lambda _: False)(t))


def _to_numpy(arr) -> np.ndarray:
    """A NumPy array of an Arrow array: zero-copy views of numbers and bits where possible.

    (``Array.to_numpy`` imports pandas on its first call; these paths do not.)
    Strings become an object array of ``str`` (only used for arrays of
    distinct values: dictionaries, per-batch value counts).
    """
    pa = _pa()
    t = arr.type
    if arr.null_count == 0:
        if pa.types.is_integer(t) or pa.types.is_floating(t):
            kind = "f" if pa.types.is_floating(t) else ("i" if pa.types.is_signed_integer(t) else "u")
            dt = np.dtype(f"{kind}{t.bit_width // 8}")
            return np.frombuffer(arr.buffers()[1], dtype=dt, count=len(arr), offset=arr.offset * dt.itemsize)
        if pa.types.is_boolean(t):
            bits = np.frombuffer(arr.buffers()[1], dtype=np.uint8)
            return np.unpackbits(bits, count=arr.offset + len(arr), bitorder="little")[arr.offset:].astype(bool)
        if _is_stringlike(pa, t):
            return np.fromiter(arr.to_pylist(), dtype=object, count=len(arr))
    return arr.to_numpy(zero_copy_only=False)


def _missing_error(path, column, row, what) -> InvalidArgumentError:
    where = f" at data row {row + 1}" if row is not None else ""
    return InvalidArgumentError(
        f"{path}: column {column!r} has a missing value ({what}){where}; "
        "pass dropna=True to drop missing values"
    )


def _missing_mask(arr):
    """``(mask of missing rows or None, what)`` of an Arrow array: nulls, and NaN in float columns."""
    pa = _pa()
    m, what = None, "null"
    if arr.null_count:
        m = ~_to_numpy(arr.is_valid())
    t = arr.type.value_type if pa.types.is_dictionary(arr.type) else arr.type
    if pa.types.is_floating(t):
        vals = arr.dictionary_decode() if pa.types.is_dictionary(arr.type) else arr
        if arr.null_count:
            vals = vals.fill_null(0.0)
        nan = np.isnan(_to_numpy(vals))
        if nan.any():
            m = nan if m is None else (m | nan)
            what = "NaN" if not arr.null_count else "null or NaN"
    return (m if m is not None and m.any() else None), what


def _empty_column_error(path, column, rows):
    if rows == 0:
        return InvalidFileError(f"{path}: column {column!r} is empty (the file has no data rows)")
    return InvalidFileError(f"{path}: column {column!r} has no values: all {rows} rows are missing (null or NaN)")


class _ColumnCounts:
    """Exact counts of one column, accumulated batch by batch in O(distinct) memory.

    Each batch is counted on its own (bincount / sort for numbers, Arrow's
    hash ``value_counts`` for strings, a bincount of the codes for dictionary
    arrays); the per-batch ``(outcomes, counts)`` pile up and are reduced
    with :func:`infokit._counting.count` when they outgrow the distinct
    values counted so far.  The last reduction puts the outcomes in the
    order, and the dtype, that counting the whole column in memory gives.

    Without ``dropna`` a missing value is an error, raised as soon as the
    column is known to have values too; a column with nothing but missing
    values is reported as empty instead.
    """

    def __init__(self, path, column, dropna):
        self.path, self.column, self.dropna = path, column, dropna
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []
        self.pending = 0
        self.acc_size = 0
        self.rows = 0  # rows seen, missing ones included
        self.n = 0  # values counted
        self.first_missing = None  # (row, what) of the first missing value
        self._dict = None  # (dictionary, dense counts over it) of the current dictionary
        self.name = f"column {column!r}"

    # -- adding a batch -------------------------------------------------------
    def add(self, arr) -> None:
        pa = _pa()
        offset = self.rows
        self.rows += len(arr)
        missing, what = _missing_mask(arr)
        if missing is not None:
            if self.first_missing is None:
                self.first_missing = (offset + int(np.argmax(missing)), what)
            if not self.dropna and (self.n or not missing.all()):
                raise _missing_error(self.path, self.column, *self.first_missing)
            arr = arr.filter(pa.array(~missing)) if arr.null_count != len(arr) else arr.slice(0, 0)
        if len(arr) == 0:
            return
        t = arr.type
        if pa.types.is_dictionary(t) and arr.dictionary.null_count == 0:
            self._add_dictionary(arr)
            return
        if pa.types.is_dictionary(t):
            arr = arr.dictionary_decode()
            t = arr.type
        if _is_stringlike(pa, t):
            pc = require("pyarrow.compute", "reading files")
            vc = pc.value_counts(arr)
            self._push(_to_numpy(vc.field("values")), _to_numpy(vc.field("counts")).astype(np.int64))
            return
        values = _to_numpy(arr)
        if values.ndim != 1:
            raise InvalidTypeError(f"{self.path}: column {self.column!r} of type {t} is not 1-D data")
        try:
            o, c = _counting.count(values, name=self.name, dropna=False)
        except (InvalidArgumentError, InvalidTypeError) as exc:
            raise type(exc)(f"{self.path}: {exc}") from None
        self._push(o, c)

    def _add_dictionary(self, arr) -> None:
        dictionary = arr.dictionary
        codes = _to_numpy(arr.indices)
        if self._dict is not None and (self._dict[0] is dictionary or self._dict[0].equals(dictionary)):
            dense = self._dict[1]
            dense += np.bincount(codes, minlength=dense.size)[: dense.size]
        else:
            self._flush_dictionary()
            self._dict = (dictionary, np.bincount(codes, minlength=len(dictionary)).astype(np.int64))
        self._got_values(codes.size)

    def _flush_dictionary(self) -> None:
        if self._dict is None:
            return
        dictionary, dense = self._dict
        self._dict = None
        nz = np.flatnonzero(dense)
        if nz.size:
            self._push(_to_numpy(dictionary)[nz], dense[nz], counted=True)

    def _got_values(self, k: int) -> None:
        self.n += k
        if k and self.first_missing is not None and not self.dropna:
            raise _missing_error(self.path, self.column, *self.first_missing)

    def _push(self, outcomes: np.ndarray, counts: np.ndarray, counted=False) -> None:
        if not counted:
            self._got_values(int(counts.sum()))
        self.parts.append((outcomes, counts))
        self.pending += outcomes.size
        if self.pending > max(2 * self.acc_size, 1 << 16):
            self._reduce()

    def _reduce(self) -> None:
        if len(self.parts) > 1:
            o = np.concatenate([p[0] for p in self.parts])
            c = np.concatenate([p[1] for p in self.parts])
            self.parts = [self._recount(o, c)]
        self.acc_size = self.parts[0][0].size if self.parts else 0
        self.pending = 0

    def _recount(self, o, c):
        try:
            uo, _, codes = _counting.count(o, name=self.name, dropna=False, codes=True)
        except (InvalidArgumentError, InvalidTypeError) as exc:
            raise type(exc)(f"{self.path}: {exc}") from None
        uc = np.zeros(uo.size, dtype=np.int64)
        np.add.at(uc, codes, c)
        return uo, uc

    # -- result -----------------------------------------------------------------
    def result(self, support=None) -> Empirical:
        self._flush_dictionary()
        if self.n == 0:
            raise _empty_column_error(self.path, self.column, self.rows)
        self._reduce()
        # one more pass through the counting module (also for a single batch):
        # the order and dtype of counting the whole column at once
        uo, uc = self._recount(*self.parts[0])
        if support is None:
            return Empirical(uo, uc)
        try:
            return _on_support(uo, uc, support)
        except (InvalidArgumentError, InvalidTypeError) as exc:
            raise type(exc)(f"{self.path}, column {self.column!r}: {exc}") from None


def _parquet_dictionary_columns(path, cols, format):
    """String columns of a Parquet file, read as dictionaries (codes, not one string per row)."""
    kind, _, _ = _format_of(path, format)
    if kind != "parquet":
        return None
    pa = _pa()
    pf = _open_parquet(path)
    try:
        schema = pf.schema_arrow
        _check_columns(path, cols, schema.names)
        return [c for c in cols if _is_stringlike(pa, schema.field(c).type)] or None
    finally:
        pf.close()


def read_columns_empirical(path, columns, *, batch_size=READ_BATCH_SIZE, format=None, dropna=False,
                           progress=None, support=None) -> dict:
    """The empirical distribution of each of several columns of a file, read in one pass.

    Parameters
    ----------
    path : str or os.PathLike
        A CSV or Parquet file (see :func:`iter_batches`).
    columns : list of str
        The columns.
    batch_size, format, progress
        As in :func:`iter_batches`.
    dropna : bool, optional
        Drop each column's missing values (nulls; NaN in float columns) --
        column by column, so the columns may end with different ``n``.
        Default: a missing value is an error.
    support : dict, optional
        ``{column: declared support}`` for some columns (see :func:`infokit.empirical`).

    Returns
    -------
    dict
        ``{column: Empirical}``, in the order of ``columns``; each equal
        (outcomes, counts, their order and dtype) to ``ik.empirical`` of the
        whole column loaded in memory.

    Raises
    ------
    InvalidFileError, InvalidArgumentError
        As :func:`iter_batches`; also a missing value without ``dropna``,
        and a column with no values (empty file or all missing).
    """
    path = _check_path(path)
    cols = _as_column_list(columns)
    if cols is None:
        raise InvalidArgumentError("'columns' must name at least one column")
    if support is not None and not isinstance(support, dict):
        raise InvalidTypeError("'support' must be a dict {column: support} in read_columns_empirical()")
    _pa()
    counters = {c: _ColumnCounts(path, c, dropna) for c in cols}
    dict_cols = _parquet_dictionary_columns(path, cols, format)
    for batch in iter_batches(path, cols, batch_size=batch_size, format=format, progress=progress,
                              read_dictionary=dict_cols):
        for c in cols:
            counters[c].add(batch.column(c))
    return {c: counters[c].result((support or {}).get(c)) for c in cols}


def read_empirical(path, column, *, batch_size=READ_BATCH_SIZE, format=None, dropna=False,
                   progress=None, support=None) -> Empirical:
    """The empirical distribution of one column of a CSV or Parquet file, streamed.

    Counts accumulate batch by batch, in memory proportional to one batch
    plus the number of distinct values; the result is exactly
    ``ik.empirical(whole_column)`` (same outcomes, order, dtype and counts).

    Parameters
    ----------
    path : str or os.PathLike
        A CSV or Parquet file (format from the suffix or ``format=``).
    column : str
        The column.
    batch_size : int, optional
        Rows per record batch (default 262144: a few MB per column).
    format : {"csv", "tsv", "parquet"}, optional
        See :func:`iter_batches`.
    dropna : bool, optional
        Drop missing values (nulls, NaN) instead of raising.
    progress : bool or None, optional
        Progress bar on stderr; None: on a terminal for files over 64 MB.
    support : array_like, optional
        The declared support (see :func:`infokit.empirical`).

    Returns
    -------
    Empirical

    Raises
    ------
    InvalidFileError
        Missing, directory, empty, unreadable or truncated file; a CSV value
        that does not fit its column's type (with its row); a column with no
        values.
    InvalidArgumentError
        Unknown column (the available ones are listed); a missing value
        without ``dropna`` (with its row).
    MissingDependencyError
        pyarrow is not installed.

    Notes
    -----
    Parquet string columns are read as dictionaries and counted by code;
    dictionary-encoded columns (e.g. pandas categoricals) are counted by code
    too.  Only reads the file.
    """
    if not isinstance(column, str):
        raise InvalidTypeError(f"'column' must be a column name (str), got {column!r}")
    sup = None if support is None else {column: support}
    return read_columns_empirical(path, [column], batch_size=batch_size, format=format, dropna=dropna,
                                  progress=progress, support=sup)[column]


# --------------------------------------------------------------------------
# joint tables
# --------------------------------------------------------------------------
class _Encoder:
    """Global integer ids for the values of one column, assigned as values are first seen."""

    def __init__(self, path, column):
        self.path, self.column = path, column
        self.index: dict = {}
        self.values: list[np.ndarray] = []  # new values, batch by batch, in id order
        self._dict = None  # (dictionary, ids of its values) of the last dictionary

    def _ids_of(self, distinct: np.ndarray) -> np.ndarray:
        ids = np.empty(distinct.size, dtype=np.int64)
        new = []
        index = self.index
        for i, v in enumerate(distinct.tolist()):
            j = index.get(v)
            if j is None:
                j = index[v] = len(index)
                new.append(i)
            ids[i] = j
        if new:
            self.values.append(distinct[np.asarray(new, dtype=np.intp)])
        return ids

    def encode(self, arr, name) -> np.ndarray:
        """Global ids of a batch's values (no missing values left)."""
        pa = _pa()
        if pa.types.is_dictionary(arr.type) or _is_stringlike(pa, arr.type):
            if not pa.types.is_dictionary(arr.type):
                arr = arr.dictionary_encode()
            dictionary = arr.dictionary
            if self._dict is None or not (self._dict[0] is dictionary or self._dict[0].equals(dictionary)):
                vals = _to_numpy(dictionary)
                self._dict = (dictionary, self._ids_of(vals) if vals.size else np.zeros(0, np.int64))
            return self._dict[1][_to_numpy(arr.indices)]
        values = _to_numpy(arr)
        try:
            o, _, codes = _counting.count(values, name=name, dropna=False, codes=True)
        except (InvalidArgumentError, InvalidTypeError) as exc:
            raise type(exc)(f"{self.path}: {exc}") from None
        return self._ids_of(o)[codes]

    def final(self):
        """(outcomes sorted as in-memory counting orders them, rank of each global id)."""
        vals = np.concatenate(self.values) if len(self.values) > 1 else self.values[0]
        outcomes, _, rank = _counting.count(vals, name=f"column {self.column!r}", dropna=False, codes=True)
        return outcomes, rank


def _missing_rows(path, batch, cols, offset, dropna):
    """Mask of the rows where a column is missing (null or NaN), or None; raises without dropna."""
    mask = None
    for c in cols:
        m, what = _missing_mask(batch.column(c))
        if m is not None:
            if not dropna:
                raise _missing_error(path, c, offset + int(np.argmax(m)), what)
            mask = m if mask is None else (mask | m)
    return mask


class _JointCounts:
    """Exact joint counts of several columns, accumulated batch by batch."""

    def __init__(self, path, cols, dropna):
        self.path, self.cols, self.dropna = path, cols, dropna
        self.encoders = [_Encoder(path, c) for c in cols]
        self.parts: list[tuple[np.ndarray, np.ndarray]] = []  # (cells (m, d) of global ids, counts)
        self.pending = 0
        self.acc_size = 0
        self.rows = 0
        self.dropped = 0

    def _sizes(self):
        return [len(e.index) for e in self.encoders]

    def add(self, batch) -> None:
        offset = self.rows
        self.rows += batch.num_rows
        drop = _missing_rows(self.path, batch, self.cols, offset, self.dropna)
        if drop is not None:
            self.dropped += int(drop.sum())
            batch = batch.filter(_pa().array(~drop))
        if batch.num_rows == 0:
            return
        ids = [e.encode(batch.column(c), f"column {c!r}") for e, c in zip(self.encoders, self.cols)]
        cells, counts = _group(ids, self._sizes())
        self.parts.append((cells, counts))
        self.pending += counts.size
        if self.pending > max(2 * self.acc_size, 1 << 16):
            self._reduce()

    def _reduce(self) -> None:
        if len(self.parts) > 1:
            cells = np.concatenate([p[0] for p in self.parts])
            counts = np.concatenate([p[1] for p in self.parts])
            self.parts = [_group([cells[:, j] for j in range(cells.shape[1])], self._sizes(), counts)]
        self.acc_size = self.parts[0][1].size if self.parts else 0
        self.pending = 0

    def cells(self):
        """``(cell codes (m, d), counts, per-column outcomes)`` as ``empirical_joint`` builds them in memory."""
        if not self.parts:
            what = ", ".join(repr(c) for c in self.cols)
            if self.rows == 0:
                raise InvalidFileError(f"{self.path}: columns {what} are empty (the file has no data rows)")
            raise InvalidFileError(
                f"{self.path}: no row has a value in every one of the columns {what} "
                f"(all {self.rows} rows have a missing value)"
            )
        self._reduce()
        cells, counts = self.parts[0]
        finals = [e.final() for e in self.encoders]
        var_outcomes = [o for o, _ in finals]
        ranked = [finals[j][1][cells[:, j]] for j in range(len(finals))]
        sizes = [o.size for o in var_outcomes]
        cell_codes, cell_counts = _group(ranked, sizes, counts)  # sorted, as in-memory counting sorts
        return cell_codes, cell_counts, var_outcomes

    def result(self) -> Empirical:
        cell_codes, cell_counts, var_outcomes = self.cells()
        columns = [var_outcomes[j][cell_codes[:, j]].tolist() for j in range(len(var_outcomes))]
        outcomes = np.fromiter(zip(*columns), dtype=object, count=cell_counts.size)
        return Empirical(outcomes, cell_counts, _joint=(cell_codes, var_outcomes))


def _group(ids: Sequence[np.ndarray], sizes, weights=None):
    """Distinct rows of the columns ``ids`` (codes < ``sizes``) in lexicographic order, with their counts."""
    if math.prod(max(int(s), 1) for s in sizes) < 2**62:
        flat = np.ravel_multi_index(ids, sizes) if len(ids) > 1 else np.asarray(ids[0], dtype=np.int64)
        if weights is None:
            keys, counts = _counting.count(flat, name="cells")
        else:
            keys, _, inv = _counting.count(flat, name="cells", codes=True)
            counts = np.zeros(keys.size, dtype=np.int64)
            np.add.at(counts, inv, weights)
        cells = np.stack(np.unravel_index(keys, sizes), axis=1) if len(ids) > 1 else keys[:, None]
        return cells.astype(np.int64), counts.astype(np.int64)
    stacked = np.stack(ids, axis=1)  # pragma: no cover - astronomically many possible cells
    cells, inv = np.unique(stacked, axis=0, return_inverse=True)
    counts = np.zeros(cells.shape[0], dtype=np.int64)
    np.add.at(counts, inv.ravel(), 1 if weights is None else weights)
    return cells.astype(np.int64), counts


def _joint_counts(path, cols, batch_size, format, dropna, progress) -> _JointCounts:
    path = _check_path(path)
    _pa()
    dict_cols = _parquet_dictionary_columns(path, cols, format)
    acc = _JointCounts(path, cols, dropna)
    for batch in iter_batches(path, cols, batch_size=batch_size, format=format, progress=progress,
                              read_dictionary=dict_cols):
        acc.add(batch)
    return acc


def read_joint_empirical(path, columns, *, batch_size=READ_BATCH_SIZE, format=None, dropna=False,
                         progress=None) -> Empirical:
    """The joint empirical distribution of several columns of a file, streamed.

    Equal to ``ik.empirical_joint(col1, col2, ...)`` of the columns loaded in
    memory: outcomes are tuples ``(v1, v2, ...)`` of the observed
    combinations in increasing order, and :meth:`Empirical.marginal` works.

    Parameters
    ----------
    path : str or os.PathLike
        A CSV or Parquet file.
    columns : list of str
        The columns (at least one).
    batch_size, format, progress
        As in :func:`iter_batches`.
    dropna : bool, optional
        Drop the rows where any of the columns is missing (null or NaN).

    Returns
    -------
    Empirical

    Notes
    -----
    Memory is proportional to one batch plus the number of distinct cells.
    """
    cols = _as_column_list(columns)
    if cols is None:
        raise InvalidArgumentError("'columns' must name at least one column")
    return _joint_counts(path, cols, batch_size, format, dropna, progress).result()


def read_mutual_information(path, x, y, *, given=None, base="nats", batch_size=READ_BATCH_SIZE,
                            format=None, dropna=False, progress=None):
    """Plug-in mutual information ``I(X; Y)`` (or ``I(X; Y | Z)``) of columns of a file, streamed.

    Equal (to rounding, in practice bit for bit) to
    ``ik.mutual_information(df[x], df[y])`` (``ik.conditional_mutual_information``
    with ``given``) of the columns loaded in memory: the joint counts are
    accumulated batch by batch and the measure is computed from them exactly
    as in memory.

    Parameters
    ----------
    path : str or os.PathLike
        A CSV or Parquet file.
    x, y : str or list of str
        The column(s) of X and of Y (several columns: the variable is their tuple).
    given : str or list of str, optional
        The column(s) of Z: the conditional mutual information.
    base : {"nats", "bits", "hartleys"} or float, optional
        Unit of the result.
    batch_size, format, progress
        As in :func:`iter_batches`.
    dropna : bool, optional
        Drop rows where any of the columns is missing.

    Returns
    -------
    numpy.float64
    """
    unit = resolve_base(base)
    xs = _as_column_list(x, "x")
    ys = _as_column_list(y, "y")
    zs = _as_column_list(given, "given") or []
    if xs is None or ys is None:
        raise InvalidArgumentError("'x' and 'y' must name columns")
    groups = [xs, ys, zs]
    cols = list(dict.fromkeys(xs + ys + zs))  # a column used twice is read once
    cells, counts, _ = _joint_counts(path, cols, batch_size, format, dropna, progress).cells()
    # one column per use, as the in-memory functions see them (x and y may share columns)
    pos = {c: i for i, c in enumerate(cols)}
    used = [pos[c] for g in groups for c in g]
    full = cells[:, used]
    idx = np.cumsum([0] + [len(g) for g in groups])
    gx, gy, gz = (list(range(idx[k], idx[k + 1])) for k in range(3))
    return np.float64(unit.convert(np.float64(_cmi_cells(full, counts, gx, gy, gz))))
