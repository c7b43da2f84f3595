"""Record batches of CSV and Parquet files, streamed with pyarrow, with an optional progress bar."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from infokit._lib.checks import check_positive_int
from infokit._lib.optional import require
from infokit._lib.typing import StrPath
from infokit.errors import InvalidArgumentError, InvalidFileError
from infokit.io._arrow import is_stringlike, pyarrow
from infokit.io._format import CSV_NULL_VALUES, as_column_list, check_columns, check_path, format_of, one_line
from infokit.io._spill import csv_block_size, memory_budget

__all__ = ["iter_batches", "first_batch", "parquet_dictionary_columns", "PROGRESS_MIN_BYTES",
           "DEFAULT_BATCH_SIZE", "READ_BATCH_SIZE"]

PROGRESS_MIN_BYTES = 64 * 10**6  # progress=None: a bar for files larger than this, on a terminal
DEFAULT_BATCH_SIZE = 65536  # iter_batches
READ_BATCH_SIZE = 1 << 18  # read_*: fewer, larger batches (per-batch overhead), still a few MB


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


def iter_batches(path: StrPath, columns: str | Sequence[str] | None = None, *, batch_size: int = DEFAULT_BATCH_SIZE,
                 format: str | None = None, progress: bool | None = None, block_size: int | None = None,
                 read_dictionary: Sequence[str] | None = None) -> Iterator[Any]:
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
        CSV only: bytes parsed per block.  Default: the column types are
        inferred from the first ``max(32 * batch_size, 1 MiB)`` bytes, and the
        file is read in blocks of ``INFOKIT_MEMORY_BUDGET / 128`` (1 MiB for
        the default 128 MiB budget; pyarrow's reader holds a few dozen
        blocks' worth of memory) where that is smaller.  Given: the types are
        inferred from the first block, and every block has this size.
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
    path = check_path(path)
    kind, compression, delimiter = format_of(path, format)
    cols = as_column_list(columns)
    bs = check_positive_int(batch_size, "batch_size")
    pyarrow()
    if progress is True:
        require("rich.progress", "a progress bar")
    elif progress is not None and progress is not False:
        raise InvalidArgumentError(f"'progress' must be True, False or None (got {progress!r})")
    if kind == "parquet":
        return _parquet_batches(path, cols, bs, progress, read_dictionary)
    return _csv_batches(path, cols, bs, progress, compression, delimiter, block_size)


def open_parquet(path, read_dictionary=None):
    pq = require("pyarrow.parquet", "reading Parquet files")
    pa = pyarrow()
    try:
        # pre_buffer=False: pyarrow's pre-buffering keeps every row group it has
        # read cached until the file is closed, so memory would grow with the file
        return pq.ParquetFile(path, read_dictionary=read_dictionary or None, pre_buffer=False)
    except (pa.ArrowException, OSError, ValueError) as exc:
        raise InvalidFileError(f"{path}: not a readable Parquet file ({one_line(exc)})") from None


def _parquet_batches(path, cols, batch_size, progress, read_dictionary):
    pf = open_parquet(path, read_dictionary)
    try:
        check_columns(path, cols, pf.schema_arrow.names)
    except BaseException:
        pf.close()
        raise
    return _parquet_gen(path, pf, cols, batch_size, progress)


def _parquet_gen(path, pf, cols, batch_size, progress):
    pa = pyarrow()
    try:
        bar = _make_progress(progress, path, pf.metadata.num_rows, "rows")
        try:
            for batch in pf.iter_batches(batch_size=batch_size, columns=cols, use_threads=True):
                bar.advance(batch.num_rows)
                yield batch
        except (pa.ArrowException, OSError) as exc:
            raise InvalidFileError(f"{path}: corrupt or truncated Parquet data ({one_line(exc)})") from None
        finally:
            bar.close()
    finally:
        pf.close()


def _csv_options(path, cols, compression, delimiter, block_size, column_types=None, skip_rows=0):
    pacsv = require("pyarrow.csv", "reading CSV files")
    read = pacsv.ReadOptions(block_size=block_size, skip_rows_after_names=skip_rows)
    parse = pacsv.ParseOptions(delimiter=delimiter)
    convert = pacsv.ConvertOptions(include_columns=cols or [], strings_can_be_null=True,
                                   null_values=list(CSV_NULL_VALUES), column_types=column_types or {})
    return pacsv, read, parse, convert


def _open_csv_stream(path, compression):
    pa = pyarrow()
    raw = pa.OSFile(path, "rb")
    stream = pa.CompressedInputStream(raw, compression) if compression else raw
    return raw, stream


def _csv_reader(path, cols, compression, delimiter, block_size, column_types=None, skip_rows=0):
    pa = pyarrow()
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
            check_columns(path, cols, names)
        if isinstance(exc, (pa.ArrowException, OSError, EOFError)):
            raise InvalidFileError(f"{path}: not a readable CSV file ({one_line(exc)})") from None
        raise
    return raw, stream, reader


def _csv_types(path, cols, compression, delimiter, block_size):
    """``{column: type}`` as pyarrow infers them from the first ``block_size`` bytes of a CSV file, or None.

    The bytes are read here and parsed from memory: a reader opened on the
    file itself would go on reading ahead on its own thread after it is
    closed (another file opened then can get the same descriptor, and lose
    data).  None when the file is no longer than that (read it in one block
    as it is) or anything is amiss (the reader on the file reports it).
    """
    pa = pyarrow()
    try:
        raw, stream = _open_csv_stream(path, compression)
        try:
            data = stream.read(block_size)
        finally:
            stream.close()
            raw.close()
        if len(data) < block_size:
            return None
        data = bytes(data)
        end = data.rfind(b"\n")
        if end <= 0:
            return None
        pacsv, read, parse, convert = _csv_options(path, cols, compression, delimiter, end + 2)
        reader = pacsv.open_csv(pa.BufferReader(data[:end + 1]), read_options=read, parse_options=parse,
                                convert_options=convert)
        return {f.name: f.type for f in reader.schema}
    except Exception:  # noqa: BLE001 - the reader on the file raises the right error
        return None


def _csv_header(path, compression, delimiter) -> list[str]:
    pa = pyarrow()
    pacsv = require("pyarrow.csv", "reading CSV files")
    raw, stream = _open_csv_stream(path, compression)
    try:
        reader = pacsv.open_csv(stream, read_options=pacsv.ReadOptions(block_size=1 << 20),
                                parse_options=pacsv.ParseOptions(delimiter=delimiter))
        return list(reader.schema.names)
    except (pa.ArrowException, OSError, EOFError) as exc:
        raise InvalidFileError(f"{path}: not a readable CSV file ({one_line(exc)})") from None
    finally:
        stream.close()
        raw.close()


def _csv_batches(path, cols, batch_size, progress, compression, delimiter, block_size):
    if block_size is None:
        block_size = max(32 * batch_size, 1 << 20)  # the types are inferred from this many bytes
        read_block = min(block_size, csv_block_size(memory_budget()))
    else:
        block_size = read_block = check_positive_int(block_size, "block_size")
    types = _csv_types(path, cols, compression, delimiter, block_size) if read_block < block_size else None
    if types is not None:
        # pyarrow's reader holds a few dozen blocks' worth of memory: the file is read in smaller
        # blocks, with the types inferred from the first ``block_size`` bytes
        raw, stream, reader = _csv_reader(path, cols, compression, delimiter, read_block, column_types=types)
    else:
        raw, stream, reader = _csv_reader(path, cols, compression, delimiter, block_size)
    return _csv_gen(path, raw, stream, reader, batch_size, progress, compression, delimiter, block_size)


def _csv_gen(path, raw, stream, reader, batch_size, progress, compression, delimiter, block_size):
    pa = pyarrow()
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
                        f"{path}: bad CSV data {where}({one_line(exc)}; column types are inferred from "
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
    pa = pyarrow()
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


def parquet_dictionary_columns(path, cols, format):
    """String columns of a Parquet file, read as dictionaries (codes, not one string per row)."""
    kind, _, _ = format_of(path, format)
    if kind != "parquet":
        return None
    pf = open_parquet(path)
    try:
        schema = pf.schema_arrow
        check_columns(path, cols, schema.names)
        return [c for c in cols if is_stringlike(schema.field(c).type)] or None
    finally:
        pf.close()


def first_batch(path, columns=None, *, format=None):
    """The first row of a file as a record batch (None for a header without rows), the file closed again.

    Checks the file opens and has ``columns`` (raising as :func:`iter_batches`
    does) -- e.g. before work is sent to a cluster.
    """
    it = iter_batches(path, columns, batch_size=1, format=format, progress=False)
    try:
        return next(iter(it), None)
    finally:
        it.close()
