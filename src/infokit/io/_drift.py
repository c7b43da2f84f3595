"""Bin counts of a reference and a current file, for :func:`infokit.drift.drift_from_counts`."""

from __future__ import annotations

import numbers
import os
from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from infokit._lib.optional import require
from infokit._lib.typing import Bins, StrPath
from infokit._samples.binning import (KeyedCategoryCounts, _as_float, binning_for, fit_bins_from_counts,
                                     fit_bins_from_sorted_chunks)
from infokit.errors import InfokitError, InvalidArgumentError, InvalidFileError, InvalidTypeError
from infokit.io._arrow import is_stringlike
from infokit.io._batches import READ_BATCH_SIZE, first_batch, iter_batches
from infokit.io._columns import _ColumnCounts
from infokit.io._dask import compute, computing_on, frame
from infokit.io._format import as_column_list
from infokit.io._spill import KeyCounts, key_values, memory_budget, release_memory, union_chunks, value_keys

__all__ = ["DriftCounts", "read_drift_counts"]

_CHUNK = 1 << 20  # distinct values of a reference column counted in its bins at a time


class DriftCounts(NamedTuple):
    """The result of :func:`read_drift_counts`: ``{column: ...}`` mappings, in the order of the columns."""

    #: Counts of the reference sample in each bin (int64 arrays).
    reference: dict
    #: Counts of the current sample in the same bins.
    current: dict
    #: The bins, fitted on the reference (:class:`~infokit.binning.Binning` or
    #: :class:`~infokit.binning.Categories`); their ``labels`` name the bins.
    #: A text column with more categories than the memory budget holds has a
    #: :class:`~infokit._samples.binning.KeyedCategoryCounts` here, in
    #: ``reference`` and in ``current`` alike (the same object: both samples'
    #: counts, read a chunk of bins at a time; no labels).
    bins: dict

    def close(self) -> None:
        """Remove the temporary files of the columns counted by key (idempotent; nothing for the others)."""
        for b in self.bins.values():
            if isinstance(b, KeyedCategoryCounts):
                b.close()

    @property
    def counted_by_key(self) -> list:
        """The columns whose categories were counted by the keys of their strings (no labels)."""
        return [c for c, b in self.bins.items() if isinstance(b, KeyedCategoryCounts)]


def read_drift_counts(reference: StrPath, current: StrPath, columns: str | Sequence[str] | None = None, *,
                      bins: Bins = "quantile", n_bins: int = 10, batch_size: int = READ_BATCH_SIZE,
                      format: str | None = None, progress: bool | None = None, scheduler: Any = None) -> DriftCounts:
    """Bin counts of columns of a reference file and a current file, bins fitted on the reference.

    The bins are fitted on the whole reference, as :func:`infokit.drift`
    fits them (:func:`infokit.binning.binning_for` with ``open_ended=True``):
    a numeric column of the reference is read batch by batch into the counts
    of its distinct values (within the memory budget ``INFOKIT_MEMORY_BUDGET``,
    spilled to disk past it), from which its quantiles, range and
    interquartile range are exact (:func:`infokit.binning.fit_bins_from_counts`;
    past the budget the counts are read back from disk a chunk at a time,
    twice to fit the bins and once to count the reference in them, never
    held whole).  A text column of the reference is counted batch by batch
    into the counts of its strings; past
    :func:`infokit.io._spill.string_limit` distinct strings (``budget /
    512``: 262144 at the default budget) it is counted by 64-bit keys of
    its strings instead (SipHash, :func:`infokit.io._spill.string_keys`),
    within the budget, and so is the current file's column: the bins are
    then the reference's categories by key (a
    :class:`~infokit._samples.binning.KeyedCategoryCounts`: the counts of
    both files merged on the union of their keys on disk, read a chunk at a
    time; the categories cannot be listed, and a current category the
    reference lacks still counts in the unseen bin).  Other categorical
    columns (booleans, ...) are read into memory.  The current file is
    counted batch by batch, in memory proportional to one batch.  Pass the
    result to :func:`infokit.drift.drift_from_counts` (then :meth:`close`
    it: the columns counted by key have temporary files); the drift is that
    of ``ik.drift`` of the two files loaded in memory (for a column counted
    by key: to rounding, its bins in the order of their keys).

    Parameters
    ----------
    reference, current : str or os.PathLike
        CSV or Parquet files (see :func:`iter_batches`), both with ``columns``.
    columns : str or list of str, optional
        The columns to compare (default: every column of ``reference``).
    bins : {"quantile", "uniform", "fd"} or int, optional
        Bins of numeric columns (see :func:`infokit.binning.fit_bins`), the
        outer ones open-ended; categorical columns get one bin per reference
        category, plus unseen and missing bins (a category of the current
        file that the reference lacks is counted in the unseen bin).
    n_bins : int, optional
        Number of quantile / uniform bins. Default 10.
    batch_size, format, progress
        As in :func:`iter_batches`.
    scheduler : distributed.Client or str, optional
        Read and count with Dask (as in :func:`read_empirical`): the
        reference is gathered to fit the bins, the current file is counted
        partition by partition where it lives.  Default None: pyarrow.

    Returns
    -------
    DriftCounts
        ``(reference, current, bins)``, each ``{column: ...}``.

    Raises
    ------
    InvalidFileError, InvalidArgumentError
        As :func:`iter_batches` (the message names the file); a file with no
        data rows; a column whose bins cannot be fitted.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import infokit.io as ikio
    >>> from infokit.drift import drift_from_counts
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     ref, cur = pathlib.Path(tmp, "ref.csv"), pathlib.Path(tmp, "cur.csv")
    ...     _ = ref.write_text("colour\\nred\\nred\\nblue\\n"), cur.write_text("colour\\nred\\nblue\\ngreen\\n")
    ...     c = ikio.read_drift_counts(ref, cur)
    >>> c.bins["colour"].labels, c.reference["colour"].tolist(), c.current["colour"].tolist()
    (['blue', 'red', '<unseen>', '<missing>'], [1, 2, 0, 0], [1, 1, 1, 0])
    >>> df = drift_from_counts(c.reference, c.current, bins=c.bins, base="bits", rng=0)
    >>> int(df.loc["colour", "zero_bins_ref"]), str(df.loc["colour", "verdict"])  # 3 + 3 values: no evidence
    (1, 'no drift')
    """
    cols = as_column_list(columns)
    if scheduler is not None:
        return _dask_counts(reference, current, cols, bins, n_bins, format, scheduler)
    io_kw: dict[str, Any] = {"batch_size": batch_size, "format": format, "progress": progress}
    binnings, ref_counts, keyed = _stream_fit(reference, cols, bins, n_bins, io_kw)
    cols = list(binnings)
    cur_counts: dict[str, Any] = {c: np.zeros(binnings[c].n_bins, dtype=np.int64) for c in cols if c not in keyed}
    # a column counted by key in the reference: the current one by the keys of its strings too
    share = memory_budget() // max(len(keyed), 1)
    cur_keyed = {c: _ColumnCounts(current, c, True, budget=share, hashing=True) for c in keyed}
    rows = 0
    try:
        try:
            for batch in iter_batches(current, cols, **io_kw):
                rows += batch.num_rows
                for c in cols:
                    if c in cur_keyed:
                        cur_keyed[c].add(batch.column(c))
                    else:
                        cur_counts[c] += binnings[c].counts(batch.column(c).to_numpy(zero_copy_only=False))
        except InfokitError as exc:
            raise _naming(current, exc) from None
        if rows == 0:
            raise InvalidFileError(f"{os.fspath(current)}: the file has no data rows")
        for c, counter in cur_keyed.items():
            counter._flush_dictionary()
            if counter.n and not (counter.text and counter._dtype is None):
                raise InvalidTypeError(
                    f"{os.fspath(current)}: column {c!r} does not hold text, but {os.fspath(reference)}: column "
                    f"{c!r} does; compare columns of the same kind")
            counter.to_hashes()
            counter.keys.finish()
        release_memory()
    except BaseException:
        for counter in cur_keyed.values():
            counter.close()
        for ref_counter, _ in keyed.values():
            ref_counter.close()
        raise
    for c, (ref_counter, ref_missing) in keyed.items():
        cur = cur_keyed[c]
        cur_missing = cur.rows - cur.n
        binnings[c] = ref_counts[c] = cur_counts[c] = KeyedCategoryCounts(
            _keyed_chunks(ref_counter.keys, cur.keys, ref_missing, cur_missing), ref_counter.keys.distinct,
            close=_closing(ref_counter, cur))
    return DriftCounts({c: ref_counts[c] for c in cols}, {c: cur_counts[c] for c in cols},
                       {c: binnings[c] for c in cols})


def _closing(*counters):
    def close():
        for counter in counters:
            counter.close()
    return close


def _keyed_chunks(ref: KeyCounts, cur: KeyCounts, ref_missing: int, cur_missing: int):
    """The ``chunks()`` of a :class:`KeyedCategoryCounts`: both counts on the reference's keys, unseen, missing.

    The two counts are merged on the union of their keys
    (:func:`union_chunks`); a key of the current file that the reference
    lacks adds its count to the unseen bin, yielded with the missing bin in
    the last chunk.
    """

    def chunks():
        unseen = 0
        for _, r, c in union_chunks(ref.chunks(), cur.chunks()):
            seen = r > 0
            unseen += int(c[~seen].sum())
            if seen.any():
                yield r[seen], c[seen]
        yield np.array([0, ref_missing], np.int64), np.array([unseen, cur_missing], np.int64)

    return chunks


def _fit(path, ref: dict, bins, n_bins):
    """``({column: bins}, {column: reference counts})`` of the reference columns ``ref``."""
    binnings, counts = {}, {}
    for c, values in ref.items():
        try:
            b = binning_for(values, bins, n_bins=n_bins, open_ended=True)
            counts[c] = b.counts(values)
        except InfokitError as exc:
            raise type(exc)(f"{os.fspath(path)}: column {c!r}: {exc}") from None
        binnings[c] = b
    return binnings, counts


def _stream_fit(path, columns, bins, n_bins, io_kw: dict):
    """``({column: bins}, {column: reference counts}, {column: (counts by key, missing)})``, the reference read once.

    A numeric column (integer or float dtype) is held as the counts of its
    distinct values (int64 keys of the float64 values, :class:`KeyCounts`,
    the memory budget shared between the numeric and text columns), its
    missing values counted apart; a text column as the counts of its strings
    (:class:`~infokit.io._columns._ColumnCounts`), by the keys of its strings
    past :func:`~infokit.io._spill.string_limit` -- such a column is
    returned in the third mapping (its bins and counts are made once the
    current file is counted too); a column of any other type is collected
    and fitted as :func:`binning_for` fits it.
    """
    names = None
    numeric: dict = {}  # column -> [KeyCounts, number of missing values]
    text: dict = {}  # column -> _ColumnCounts
    other: dict = {}  # column -> list of arrays
    keyed: dict = {}  # column -> (_ColumnCounts counted by key, number of missing values)
    try:
        try:
            for batch in iter_batches(path, columns, **io_kw):
                if names is None:
                    names = list(batch.schema.names)
                    kinds = {c: batch.column(c).to_numpy(zero_copy_only=False).dtype.kind for c in names}
                    num = [c for c in names if kinds[c] in "iuf"]
                    txt = [c for c in names if c not in num and _is_text(batch.schema.field(c).type)]
                    share = memory_budget() // max(len(num) + len(txt), 1)
                    numeric = {c: [KeyCounts(share), 0] for c in num}
                    text = {c: _ColumnCounts(path, c, True, budget=share, hashing=True) for c in txt}
                    other = {c: [] for c in names if c not in numeric and c not in text}
                for c in names:
                    if c in text:
                        text[c].add(batch.column(c))
                        continue
                    values = batch.column(c).to_numpy(zero_copy_only=False)
                    if c in numeric:
                        x = _as_float(values, c)
                        nan = np.isnan(x)
                        if nan.any():
                            numeric[c][1] += int(np.count_nonzero(nan))
                            x = x[~nan]
                        numeric[c][0].add(value_keys(x))
                    else:
                        other[c].append(values)
        except InfokitError as exc:
            raise _naming(path, exc) from None
        if names is None:  # no batch at all: a header without rows
            raise InvalidFileError(f"{os.fspath(path)}: the file has no data rows")
        release_memory()  # the reader's blocks
        binnings, counts = {}, {}
        for c in names:
            if c in numeric:
                kc, missing = numeric[c]
                if kc.spilled:  # past the budget: fitted and counted from the counts on disk, chunk by chunk
                    binnings[c], counts[c] = _fit_on_disk(path, c, kc, missing, bins, n_bins)
                    kc.close()
                    continue
                keys, n = kc.result()
                kc.close()
                if n.size == 0 and missing == 0:
                    raise InvalidFileError(f"{os.fspath(path)}: column {c!r} is empty (the file has no data rows)")
                values = key_values(keys, np.dtype(np.float64), overwrite=True)
                del keys
                try:
                    b = fit_bins_from_counts(values, n, bins, n_bins=n_bins, open_ended=True)
                except InfokitError as exc:
                    raise type(exc)(f"{os.fspath(path)}: column {c!r}: {exc}") from None
                counts[c] = sum((b.counts(values[i:i + _CHUNK], weights=n[i:i + _CHUNK])
                                 for i in range(0, values.size, _CHUNK)), np.zeros(b.n_bins, np.int64))
                counts[c][-1] += missing
                binnings[c] = b
                del values, n
                release_memory()  # the merge's buffers
            elif c in text:
                counter = text.pop(c)
                try:
                    b, n = _fit_text(path, c, counter, bins, n_bins)
                except BaseException:
                    counter.close()
                    raise
                if b is None:  # counted by key: the bins once the current file is counted
                    keyed[c] = (counter, counter.rows - counter.n)
                    binnings[c] = counts[c] = None
                else:
                    counter.close()
                    binnings[c], counts[c] = b, n
            else:
                parts = other.pop(c)
                values = np.concatenate(parts)
                del parts
                if values.size == 0:
                    raise InvalidFileError(f"{os.fspath(path)}: column {c!r} is empty (the file has no data rows)")
                b, n = _fit(path, {c: values}, bins, n_bins)
                binnings[c], counts[c] = b[c], n[c]
                del values
        return {c: binnings[c] for c in names}, {c: counts[c] for c in names}, keyed
    except BaseException:
        for counter, _ in keyed.values():
            counter.close()
        raise
    finally:
        for kc, _ in numeric.values():
            kc.close()
        for counter in text.values():
            counter.close()


def _is_text(t) -> bool:
    """Whether a column of Arrow type ``t`` is text (strings, or a dictionary of strings)."""
    pa = require("pyarrow", "reading files")
    if pa.types.is_dictionary(t):
        t = t.value_type
    return is_stringlike(t)


def _fit_text(path, column, counter: _ColumnCounts, bins, n_bins):
    """``(Categories, reference counts)`` of a text column counted by its strings, or ``(None, None)`` by key.

    The categories are those :func:`binning_for` fits on the whole column
    (its distinct strings, in the same order), the counts those it counts.
    A column counted by the keys of its strings (past the string limit) has
    its bins made with the current file's counts (``(None, None)``); its
    keys are merged on disk now, if they spilled.
    """
    p = os.fspath(path)
    counter._flush_dictionary()  # the counts of the last dictionary (a Parquet categorical column)
    if counter.rows == 0:
        raise InvalidFileError(f"{p}: column {column!r} is empty (the file has no data rows)")
    if counter.n == 0:
        raise InvalidArgumentError(f"{p}: column {column!r}: the reference sample has no non-missing value to "
                                   "take categories from")
    try:
        if counter.hashed:
            if not isinstance(bins, (str, numbers.Integral)):  # the error of explicit edges for categories
                binning_for(np.array(["a"], dtype=object), bins)
            counter.keys.finish()
            release_memory()
            return None, None
        e = counter.result()
        b = binning_for(e.outcomes, bins, n_bins=n_bins, open_ended=True)
    except InfokitError as exc:
        raise type(exc)(f"{p}: column {column!r}: {exc}") from None
    counts = np.zeros(b.n_bins, np.int64)
    counts[:-2] = e.counts
    counts[-1] = counter.rows - counter.n
    return b, counts


def _fit_on_disk(path, column, kc: KeyCounts, missing: int, bins, n_bins):
    """``(bins, reference counts)`` of a numeric column whose distinct values' counts spilled to disk.

    The bins are :func:`fit_bins_from_counts` of all the distinct values, bit
    for bit (:func:`infokit._samples.binning.fit_bins_from_sorted_chunks`),
    and the values are counted in them a chunk at a time: memory independent
    of the number of distinct values.
    """
    dtype = np.dtype(np.float64)

    def chunks():
        for k, n in kc.chunks():
            yield key_values(k, dtype), n

    try:
        b = fit_bins_from_sorted_chunks(chunks, bins, n_bins=n_bins, open_ended=True)
    except InfokitError as exc:
        raise type(exc)(f"{os.fspath(path)}: column {column!r}: {exc}") from None
    counts = np.zeros(b.n_bins, np.int64)
    for values, n in chunks():
        counts += b.counts(values, weights=n)
    counts[-1] += missing
    return b, counts


def _naming(path, exc: InfokitError) -> InfokitError:
    """``exc`` with the file named first (an unknown column's message names it already)."""
    p = os.fspath(path)
    if (isinstance(exc, InvalidArgumentError) and "no column" in str(exc)) or str(exc).startswith(p):
        return exc
    return type(exc)(f"{p}: {exc}")


def _dask_counts(reference, current, cols, bins, n_bins, format, scheduler) -> DriftCounts:
    """As :func:`read_drift_counts`, the files read and the current one counted by Dask."""
    dask = require("dask", "reading files with Dask (scheduler=)")
    if cols is None:
        first = first_batch(reference, format=format)
        if first is None:
            raise InvalidFileError(f"{os.fspath(reference)}: the file has no data rows")
        cols = list(first.schema.names)
    ref_ddf = frame(reference, cols, format)
    cur_ddf = frame(current, cols, format)
    with computing_on(scheduler) as get:
        (ref,) = compute(ref_ddf, scheduler=get)  # the bins are fitted on the whole reference
        binnings, ref_counts = _fit(reference, {c: ref[c].to_numpy() for c in cols}, bins, n_bins)
        del ref
        parts = [dask.delayed(_count_partition)(p, binnings) for p in cur_ddf.to_delayed()]
        if not parts:
            raise InvalidFileError(f"{os.fspath(current)}: the file has no data rows")
        (cur_counts,) = compute(dask.delayed(_add)(*parts), scheduler=get)
    return DriftCounts(ref_counts, cur_counts, binnings)


def _count_partition(part, binnings: dict) -> dict:
    return {c: b.counts(part[c].to_numpy()) for c, b in binnings.items()}


def _add(*counts: dict) -> dict:
    return {c: sum(d[c] for d in counts) for c in counts[0]}
