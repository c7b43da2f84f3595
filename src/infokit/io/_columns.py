"""Counts of single columns of a file, accumulated batch by batch."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from infokit._lib.optional import require
from infokit._lib.typing import StrPath
from infokit._samples import counting as _counting
from infokit._samples.dask import empirical_from_dask
from infokit._samples.table import Empirical, _on_support
from infokit.errors import InvalidArgumentError, InvalidFileError, InvalidTypeError
from infokit.io._arrow import is_stringlike, missing_error, missing_mask, pyarrow, to_numpy
from infokit.io._batches import READ_BATCH_SIZE, iter_batches, parquet_dictionary_columns
from infokit.io._dask import frame
from infokit.io._format import as_column_list, check_path
from infokit.io._partial import PartialCounts
from infokit._estimators.divergence import PairedCounts
from infokit._estimators.result import Profile
from infokit.io._spill import (KeyCounts, can_hash_strings, count_of_counts, key_values, release_memory,
                               string_keys, string_limit, union_chunks, value_keys)

__all__ = ["read_empirical", "read_columns_empirical", "read_paired_counts"]


def _empty_column_error(path, column, rows):
    if rows == 0:
        return InvalidFileError(f"{path}: column {column!r} is empty (the file has no data rows)")
    return InvalidFileError(f"{path}: column {column!r} has no values: all {rows} rows are missing (null or NaN)")


class _ColumnCounts:
    """Exact counts of one column, accumulated batch by batch in O(distinct) memory.

    Each batch is counted on its own (bincount / sort for numbers, Arrow's
    hash ``value_counts`` for strings, a bincount of the codes for dictionary
    arrays); the per-batch ``(outcomes, counts)`` pile up and are reduced
    with :func:`infokit._samples.counting.count` when they outgrow the distinct
    values counted so far.  The last reduction puts the outcomes in the
    order, and the dtype, that counting the whole column in memory gives.

    Without ``dropna`` a missing value is an error, raised as soon as the
    column is known to have values too; a column with nothing but missing
    values is reported as empty instead.

    With ``hashing``, a text column with more than :func:`string_limit`
    distinct strings is counted from then on by 64-bit keys of its strings
    (:func:`string_keys`) in :attr:`keys`, within the memory budget, its
    strings dropped (``hashed`` is then True): only the counts remain, for
    the callers that need nothing else (the fingerprint, :meth:`key_counts`).
    """

    def __init__(self, path, column, dropna, budget=None, hashing=False):
        self.path, self.column, self.dropna = path, column, dropna
        self.counts = PartialCounts(self._recount)
        # numbers: order-preserving int64 keys, counted within the memory budget (spilled past it);
        # text past string_limit: 64-bit keys of the strings
        self.keys = KeyCounts(budget)
        self._hashing = hashing  # pandas (for string_keys) imported only when the limit is passed
        self._limit = string_limit(budget)
        self.text = False  # some values were strings
        self.hashed = False  # the strings are counted by key in self.keys (and not kept)
        self._dtype = None  # the dtype of the numbers counted by key
        self.rows = 0  # rows seen, missing ones included
        self.n = 0  # values counted
        self.first_missing = None  # (row, what) of the first missing value
        self._dict = None  # (dictionary, dense counts over it) of the current dictionary
        self.name = f"column {column!r}"

    def add(self, arr) -> None:
        pa = pyarrow()
        offset = self.rows
        self.rows += len(arr)
        missing, what = missing_mask(arr)
        if missing is not None:
            if self.first_missing is None:
                self.first_missing = (offset + int(np.argmax(missing)), what)
            if not self.dropna and (self.n or not missing.all()):
                raise missing_error(self.path, self.column, *self.first_missing)
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
        if is_stringlike(t):
            pc = require("pyarrow.compute", "reading files")
            vc = pc.value_counts(arr)
            self._push(to_numpy(vc.field("values")), to_numpy(vc.field("counts")).astype(np.int64), text=True)
            return
        values = to_numpy(arr)
        if values.ndim != 1:
            raise InvalidTypeError(f"{self.path}: column {self.column!r} of type {t} is not 1-D data")
        keys = value_keys(values) if self._dtype in (None, values.dtype) else None
        if keys is not None:
            self._dtype = values.dtype
            self._got_values(values.size)
            self.keys.add(keys)
            return
        try:
            o, c = _counting.count(values, name=self.name, dropna=False)
        except (InvalidArgumentError, InvalidTypeError) as exc:
            raise type(exc)(f"{self.path}: {exc}") from None
        self._push(o, c)

    def _add_dictionary(self, arr) -> None:
        dictionary = arr.dictionary
        codes = to_numpy(arr.indices)
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
        nz = np.flatnonzero(dense != 0)
        if nz.size:
            self._push(to_numpy(dictionary)[nz], dense[nz], counted=True, text=is_stringlike(dictionary.type))

    def _got_values(self, k: int) -> None:
        self.n += k
        if k and self.first_missing is not None and not self.dropna:
            raise missing_error(self.path, self.column, *self.first_missing)

    def _push(self, outcomes: np.ndarray, counts: np.ndarray, counted=False, text=False) -> None:
        if not counted:
            self._got_values(int(counts.sum()))
        self.text = self.text or text
        if self.hashed and text:
            self.keys.add(string_keys(outcomes), counts)
            return
        self.counts.add(outcomes, counts)
        parts = self.counts
        # past the limit (checked when the unmerged strings are many): counted by key from here on
        if text and self._hashing and parts.pending > self._limit // 2 and parts.held > self._limit:
            parts.reduce()
            if parts.held > self._limit:
                if can_hash_strings():
                    self.to_hashes()
                else:  # pragma: no cover - without pandas the strings are kept
                    self._hashing = False

    def to_hashes(self) -> None:
        """Count a text column by the 64-bit keys of its strings from now on (the strings counted so far too)."""
        if self.hashed:
            return
        if self._dtype is not None:
            raise InvalidTypeError(f"{self.path}: column {self.column!r} holds numbers, not text")
        merged = self.counts.reduce()
        self.counts = PartialCounts(self._recount)
        self.hashed = True
        if merged is not None:
            self.keys.add(string_keys(merged[0]), merged[1])

    def _recount(self, o, c):
        try:
            uo, _, codes = _counting.count(o, name=self.name, dropna=False, codes=True)
        except (InvalidArgumentError, InvalidTypeError) as exc:
            raise type(exc)(f"{self.path}: {exc}") from None
        uc = np.zeros(uo.size, dtype=np.int64)
        np.add.at(uc, codes, c)
        return uo, uc

    def close(self) -> None:
        self.keys.close()

    def key_counts(self):
        """The :class:`KeyCounts` of an integer column, or of a text column counted by hash, by key alone; else None."""
        self._flush_dictionary()
        if self.n == 0 or self.counts.parts:
            return None
        if self.hashed or (self._dtype is not None and self._dtype.kind in "iu"):
            return self.keys
        return None

    def result(self, support=None, fingerprint=False):
        """The counts as an :class:`Empirical`, or with ``fingerprint`` past the memory budget a :class:`Profile`.

        ``fingerprint=True``: an integer or boolean column counted by key
        (always discrete) whose counts spilled to disk, or a text column
        counted by the keys of its strings, is returned as the fingerprint
        of its counts (``Profile.from_fingerprint``), streamed from the
        merged counts, without holding the counts.
        """
        self._flush_dictionary()
        if self.n == 0:
            self.close()
            raise _empty_column_error(self.path, self.column, self.rows)
        if self.hashed:
            if not fingerprint or support is not None:  # pragma: no cover - hashing is asked for with fingerprint
                raise InvalidArgumentError(f"{self.path}: column {self.column!r} was counted without its strings")
            values, mult = count_of_counts(self.keys.chunks())
            self.close()
            return Profile.from_fingerprint(values, mult)
        if (fingerprint and support is None and self._dtype is not None and self._dtype.kind in "biu"
                and not self.counts.parts and self.keys.spilled):
            values, mult = count_of_counts(self.keys.chunks())
            self.close()
            return Profile.from_fingerprint(values, mult)
        if self._dtype is not None:
            keys, counts = self.keys.result()
            self.close()
            if not self.counts.parts:  # keys are in the order of the values: counted as in memory
                uo, uc = key_values(keys, self._dtype, overwrite=True), counts
                return self._on_support(uo, uc, support)
            self.counts.add(key_values(keys, self._dtype), counts)
            del keys, counts
        # one more pass through the counting module (also for a single batch):
        # the order and dtype of counting the whole column at once
        uo, uc = self._recount(*self.counts.reduce())
        return self._on_support(uo, uc, support)

    def _on_support(self, uo, uc, support) -> Empirical:
        if support is None:
            return Empirical(uo, uc)
        try:
            return _on_support(uo, uc, support)
        except (InvalidArgumentError, InvalidTypeError) as exc:
            raise type(exc)(f"{self.path}, column {self.column!r}: {exc}") from None


def read_columns_empirical(path: StrPath, columns: str | Sequence[str], *, batch_size: int = READ_BATCH_SIZE,
                           format: str | None = None, dropna: bool = False, progress: bool | None = None,
                           support: Mapping[str, Sequence[Any]] | None = None, fingerprint: bool = False) -> dict[str, Any]:
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
    fingerprint : bool, optional
        Return an integer or boolean column whose counts outgrew the memory
        budget (``INFOKIT_MEMORY_BUDGET``) as the fingerprint of its counts, a
        :class:`~infokit._estimators.result.Profile` (what the entropy
        estimators need, O(distinct counts) memory), streamed from the counts
        on disk, instead of an :class:`Empirical` of 16 bytes per distinct
        value.  A text column with more distinct strings than the budget
        keeps (``budget / 512``: 262144 at the default 128 MiB) is then
        counted by 64-bit keys of its strings (SipHash, see
        :func:`infokit.io._spill.string_keys`) and returned as a ``Profile``
        too: its strings are not kept (no outcomes to list), and two
        distinct strings share a key with probability about ``d**2 / 2**65``
        for ``d`` distinct strings (2.7e-4 at 1e8).  Default False.

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
    path = check_path(path)
    cols = as_column_list(columns)
    if cols is None:
        raise InvalidArgumentError("'columns' must name at least one column")
    if support is not None and not isinstance(support, dict):
        raise InvalidTypeError("'support' must be a dict {column: support} in read_columns_empirical()")
    return _read_columns(path, cols, batch_size, format, dropna, progress, support, fingerprint)[0]


def _read_columns(path, cols, batch_size, format, dropna, progress, support, fingerprint):
    """``({column: Empirical or Profile}, [the text columns counted by the keys of their strings])``."""
    hashing = {c: fingerprint and c not in (support or {}) for c in cols}
    counters = _count_columns(path, cols, batch_size, format, dropna, progress, hashing)
    try:
        by_key = [c for c in cols if counters[c].hashed]
        out = {c: counters[c].result((support or {}).get(c), fingerprint) for c in cols}
        release_memory()  # the merge's buffers
        return out, by_key
    finally:  # temporary files removed on every exit
        for counter in counters.values():
            counter.close()


def read_column_noting_keys(path: StrPath, column: str, **kw) -> tuple:
    """``(read_empirical(path, column, **kw), whether the column was counted by the keys of its strings)``.

    Streamed with pyarrow (no ``scheduler``); the second item is True for a
    text column whose distinct strings outgrew the memory budget (with
    ``fingerprint=True``), which is returned as a ``Profile`` without its
    strings.
    """
    if not isinstance(column, str):
        raise InvalidTypeError(f"'column' must be a column name (str), got {column!r}")
    path = check_path(path)
    support = kw.pop("support", None)
    sup = None if support is None else {column: support}
    out, by_key = _read_columns(path, [column], kw.pop("batch_size", READ_BATCH_SIZE), kw.pop("format", None),
                                kw.pop("dropna", False), kw.pop("progress", None), sup, kw.pop("fingerprint", False))
    if kw:
        raise InvalidArgumentError(f"unknown arguments {sorted(kw)}")
    return out[column], bool(by_key)


def _count_columns(path, cols, batch_size, format, dropna, progress, hashing=None) -> dict:
    """``{column: _ColumnCounts}`` of a file read once (their temporary files removed on errors).

    ``hashing``: ``{column: bool}``, whether a text column may be counted by
    the keys of its strings past :func:`string_limit` (default: none).
    """
    pyarrow()
    counters = {c: _ColumnCounts(path, c, dropna, hashing=bool((hashing or {}).get(c))) for c in cols}
    try:
        dict_cols = parquet_dictionary_columns(path, cols, format)
        for batch in iter_batches(path, cols, batch_size=batch_size, format=format, progress=progress,
                                  read_dictionary=dict_cols):
            for c in cols:
                counters[c].add(batch.column(c))
    except BaseException:
        for counter in counters.values():
            counter.close()
        raise
    release_memory()  # the reader's blocks
    return counters


def read_paired_counts(p_path: StrPath, p_column: str, q_path: StrPath, q_column: str, *,
                       batch_size: int = READ_BATCH_SIZE, p_format: str | None = None, q_format: str | None = None,
                       dropna: bool = False, progress: bool | None = None) -> Any:
    """A column of two files (samples of P and Q): :class:`PairedCounts` past the memory budget, else two Empiricals.

    When both columns are integers counted by key and the counts of either
    outgrew the memory budget (``INFOKIT_MEMORY_BUDGET``), or both are text
    and either has more distinct strings than the budget keeps
    (:func:`infokit.io._spill.string_limit`: both are then counted by the
    64-bit keys of their strings, the strings not kept), the result is a
    :class:`~infokit._estimators.divergence.PairedCounts`: the two counts on
    disk merged on the union of their values a chunk at a time
    (:func:`infokit.io._spill.union_chunks`), for
    ``estimate_kl_of_paired_counts``; its ``close()`` removes the files.
    Otherwise ``(read_empirical(p_path, p_column), read_empirical(q_path,
    q_column))``, as they are read in memory.

    Examples
    --------
    >>> from infokit.demo import data_path
    >>> from infokit.io import read_paired_counts
    >>> p, q = read_paired_counts(data_path("gettysburg_letters.csv"), "letter",
    ...                           data_path("declaration_letters.csv"), "letter")
    >>> p.n, q.n                                  # small files: two Empiricals, read in memory
    (1149, 1653)
    """
    path_p, path_q = check_path(p_path), check_path(q_path)
    if not isinstance(p_column, str) or not isinstance(q_column, str):
        raise InvalidTypeError(f"the columns must be column names (str), got {p_column!r} and {q_column!r}")
    cp = _count_columns(path_p, [p_column], batch_size, p_format, dropna, progress, {p_column: True})[p_column]
    cq = None
    try:
        if cp.keys.spilled:  # P's counts past the budget: all of them to disk before Q is read
            cp.keys.finish()
            release_memory()
        cq = _count_columns(path_q, [q_column], batch_size, q_format, dropna, progress, {q_column: True})[q_column]
        if cp.hashed or cq.hashed:  # text counted by key on one side: the other's strings by key too
            for c, other in ((cp, cq), (cq, cp)):
                if c.n == 0:
                    raise _empty_column_error(c.path, c.column, c.rows)
                if not (c.text and c._dtype is None):
                    raise InvalidTypeError(
                        f"{c.path}: column {c.column!r} does not hold text, but {other.path}: column "
                        f"{other.column!r} does; compare columns of the same kind")
                c.to_hashes()
    except BaseException:
        cp.close()
        if cq is not None:
            cq.close()
        raise
    kp, kq = cp.key_counts(), cq.key_counts()
    if kp is None or kq is None or not (kp.spilled or kq.spilled or cp.hashed):
        try:
            return cp.result(), cq.result()
        finally:
            cp.close()
            cq.close()

    def close():
        cp.close()
        cq.close()

    def chunks():
        for _, a, b in union_chunks(kp.chunks(), kq.chunks()):
            yield a, b

    try:
        pc = PairedCounts(chunks, count_of_counts(kp.chunks()), close=close)
        #: the columns counted by the keys of their strings (both or neither)
        pc.counted_by_key = [p_column, q_column] if cp.hashed else []
        return pc
    except BaseException:
        close()
        raise


def read_empirical(path: StrPath, column: str, *, batch_size: int = READ_BATCH_SIZE, format: str | None = None,
                   dropna: bool = False, progress: bool | None = None, support: Sequence[Any] | None = None,
                   scheduler: Any = None, fingerprint: bool = False) -> Any:
    """The empirical distribution of one column of a CSV or Parquet file, streamed.

    Counts accumulate batch by batch, in memory proportional to one batch
    plus the number of distinct values; the result is exactly
    ``ik.empirical(whole_column)`` (same outcomes, order, dtype and counts).
    With ``scheduler``, the column is counted with Dask instead, partition
    by partition where the data live (:func:`infokit.empirical` of a Dask
    Series), with the same result.

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
    scheduler : distributed.Client or str, optional
        Count with Dask: a client, a scheduler address (``"tcp://host:8786"``;
        a client is opened for the call and closed after it, see
        :func:`connect`) or a local scheduler name (``"threads"``,
        ``"processes"``, ``"synchronous"``).  ``batch_size`` and ``progress``
        do not apply then.  Default None: streamed with pyarrow.
    fingerprint : bool, optional
        Past the memory budget, an integer or boolean column comes back as the
        fingerprint of its counts (see :func:`read_columns_empirical`).
        Ignored with ``scheduler``.

    Returns
    -------
    Empirical
        (or a :class:`~infokit._estimators.result.Profile`, with ``fingerprint``)

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
        pyarrow (or, with ``scheduler``, dask) is not installed.
    SchedulerUnreachableError
        ``scheduler`` is an address where no scheduler answers.

    Notes
    -----
    Parquet string columns are read as dictionaries and counted by code;
    dictionary-encoded columns (e.g. pandas categoricals) are counted by code
    too.  Only reads the file.
    """
    if not isinstance(column, str):
        raise InvalidTypeError(f"'column' must be a column name (str), got {column!r}")
    if scheduler is not None:
        series = frame(path, [column], format)[column]
        return empirical_from_dask(series, support=support, dropna=dropna, scheduler=scheduler)
    sup = None if support is None else {column: support}
    return read_columns_empirical(path, [column], batch_size=batch_size, format=format, dropna=dropna,
                                  progress=progress, support=sup, fingerprint=fingerprint)[column]
