"""Joint counts of several columns of a file, accumulated batch by batch, and measures of them."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from infokit._lib.units import resolve_base
from infokit._lib.typing import Base, StrPath
from infokit._samples import counting as _counting
from infokit._samples.empirical import _cmi_cells, _mi_distinct_cells, group_rows
from infokit._samples.table import Empirical
from infokit.errors import InvalidArgumentError, InvalidFileError, InvalidTypeError
from infokit.io._arrow import is_stringlike, missing_rows, pyarrow, to_numpy
from infokit.io._batches import READ_BATCH_SIZE, iter_batches, parquet_dictionary_columns
from infokit.io._dask import compute, computing_on, frame
from infokit.io._format import as_column_list, check_path
from infokit.io._partial import PartialCounts
from infokit._estimators.information import CellCounts
from infokit.io._spill import KeyCounts, PairCounts, SortedCounts, add_fingerprint as _add_fingerprint
from infokit.io._spill import can_hash_strings, release_memory, sum_runs
from infokit.io._spill import string_keys, string_limit

__all__ = ["read_joint_empirical", "read_mutual_information"]


class _Encoder:
    """Global integer ids for the values of one column, assigned as values are first seen.

    With ``hashing``, a text column with more than :func:`string_limit`
    distinct strings is switched to the 64-bit keys of its strings
    (:func:`string_keys`), held as the numbers are (16 bytes a value, no
    Python objects); ``hashed`` is then True and :meth:`final` unavailable
    (the strings are not kept).
    """

    def __init__(self, path, column, hashing=False, budget=None):
        self.path, self.column = path, column
        self._hashing = hashing  # pandas (for string_keys) imported only when the limit is passed
        self._keyed = hashing  # may count by value past the limit (to_keys)
        self._limit = string_limit(budget)
        self.hashed = False
        self.by_value = False  # ids are the values' own int64 keys (to_keys): no table of values kept
        self.index: dict = {}  # labels (and booleans): value -> id
        self.values: list[np.ndarray] = []  # new labels, batch by batch, in id order
        self._dict = None  # (dictionary, ids of its values) of the last dictionary
        # numbers: the distinct values seen, increasing, and their ids (16 bytes a value, no Python objects)
        self._known: np.ndarray | None = None
        self._known_ids: np.ndarray | None = None

    @property
    def size(self) -> int:
        """Number of distinct values seen (ids are ``0..size-1``); not tracked once counted by value."""
        return len(self.index) if self._known is None else int(self._known.size)

    def integer_like(self) -> bool:
        """Whether the ids stand for integers or labels (not floats or datetimes, whose values the rules read)."""
        return self._known is None or self._known.dtype.kind in "iu"

    def wants_keys(self) -> bool:
        """Past :func:`string_limit` distinct values, whether the column can be counted by its values' keys.

        Integers (up to int64) by their values, text by the 64-bit keys of
        their strings (already ``hashed``): see :meth:`to_keys`.
        """
        if not self._keyed or self.by_value or self.size <= self._limit:
            return False
        known = self._known
        return known is not None and (self.hashed or known.dtype.kind == "i"
                                      or (known.dtype.kind == "u" and known.dtype.itemsize < 8))

    def to_keys(self) -> np.ndarray:
        """Count by value from now on: later batches' ids are the values' int64 keys (integers' own values,
        the 64-bit keys of strings).  Returns the key of each id given so far (their table is dropped)."""
        known, ids = self._known, self._known_ids
        assert known is not None and ids is not None
        keys = np.empty(known.size, dtype=np.int64)
        keys[ids] = known.astype(np.int64, copy=False)  # increasing values or string keys: int64 already
        if self._dict is not None:
            self._dict = (self._dict[0], keys[self._dict[1]])
        self._known = self._known_ids = None
        self.by_value = True
        return keys

    def _ids_of_numbers(self, values: np.ndarray, name: str) -> np.ndarray:
        try:  # a bincount for compact integers, a sort otherwise
            u, _, inv = _counting.count(values, name=name, dropna=False, codes=True)
        except (InvalidArgumentError, InvalidTypeError) as exc:
            raise type(exc)(f"{self.path}: {exc}") from None
        if self._known is None:
            self._known, self._known_ids = u, np.arange(u.size, dtype=np.int64)
            return inv
        known, ids = self._known, self._known_ids
        pos = np.searchsorted(known, u)
        hit = pos < known.size
        hit[hit] = known[pos[hit]] == u[hit]
        out = np.empty(u.size, dtype=np.int64)
        out[hit] = ids[pos[hit]]  # type: ignore[index]
        new = ~hit
        k = int(np.count_nonzero(new))
        if k:
            out[new] = np.arange(known.size, known.size + k, dtype=np.int64)
            self._known = np.insert(known, pos[new], u[new])
            self._known_ids = np.insert(ids, pos[new], out[new])  # type: ignore[arg-type]
        return out[inv]

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
        pa = pyarrow()
        if pa.types.is_dictionary(arr.type) or is_stringlike(arr.type):
            if not pa.types.is_dictionary(arr.type):
                arr = arr.dictionary_encode()
            dictionary = arr.dictionary
            if self._dict is None or not (self._dict[0] is dictionary or self._dict[0].equals(dictionary)):
                vals = to_numpy(dictionary)
                text = is_stringlike(dictionary.type)
                if self.by_value:
                    ids = string_keys(vals) if vals.size else np.zeros(0, np.int64)
                elif self.hashed and text:
                    ids = self._ids_of_numbers(string_keys(vals), name) if vals.size else np.zeros(0, np.int64)
                else:
                    ids = self._ids_of(vals) if vals.size else np.zeros(0, np.int64)
                    if text and self._hashing and len(self.index) > self._limit:
                        if can_hash_strings():
                            self._to_hashes()
                        else:  # pragma: no cover - without pandas the strings are kept
                            self._hashing = False
                self._dict = (dictionary, ids)
            return self._dict[1][to_numpy(arr.indices)]
        values = to_numpy(arr)
        if self.by_value:
            return values.astype(np.int64, copy=False)
        if values.dtype.kind in "iufmM" and values.ndim == 1 and not self.index:
            return self._ids_of_numbers(values, name)
        try:
            o, _, codes = _counting.count(values, name=name, dropna=False, codes=True)
        except (InvalidArgumentError, InvalidTypeError) as exc:
            raise type(exc)(f"{self.path}: {exc}") from None
        return self._ids_of(o)[codes]

    def _to_hashes(self) -> None:
        """The ids of the strings seen so far kept by the 64-bit keys of the strings; the strings dropped."""
        labels = np.empty(len(self.index), dtype=object)
        labels[:] = list(self.index)
        ids = np.fromiter(self.index.values(), dtype=np.int64, count=len(self.index))
        keys = string_keys(labels)
        del labels
        order = np.argsort(keys)
        self._known, self._known_ids = keys[order], ids[order]
        if np.any(self._known[1:] == self._known[:-1]):  # pragma: no cover - p ~ d**2 / 2**65
            raise InvalidArgumentError(f"{self.path}: two distinct strings of column {self.column!r} have the "
                                       "same 64-bit key; raise INFOKIT_MEMORY_BUDGET to count them by string")
        self.index, self.values, self.hashed = {}, [], True

    def final(self):
        """(outcomes sorted as in-memory counting orders them, rank of each global id)."""
        if self.hashed:  # pragma: no cover - the cells of hashed columns are read by cell_counts()
            raise InvalidArgumentError(f"{self.path}: column {self.column!r} was counted without its strings")
        if self._known is not None:
            rank = np.empty(self._known.size, dtype=_code_dtype(self._known.size))
            rank[self._known_ids] = np.arange(self._known.size, dtype=rank.dtype)
            return self._known, rank
        vals = np.concatenate(self.values) if len(self.values) > 1 else self.values[0]
        outcomes, _, rank = _counting.count(vals, name=f"column {self.column!r}", dropna=False, codes=True)
        return outcomes, rank.astype(_code_dtype(outcomes.size))


def _code_dtype(size: int):
    """int32 codes for up to 2**31 values (half the memory per cell), else int64."""
    return np.int32 if size < 2**31 else np.int64


_ID_BITS = 31  # two columns' ids packed into one int64 key: up to 2**31 distinct values each


class _JointCounts:
    """Exact joint counts of several columns, accumulated batch by batch.

    Each column's values get integer ids (:class:`_Encoder`); for one or two
    columns the ids of a row are packed into one int64 key, counted by
    :class:`~infokit.io._spill.KeyCounts` within the memory budget (16 bytes
    per distinct cell, spilled to disk and merged past the budget).  Three
    or more columns keep their (m, d) cells in memory.  For the cells of a
    mutual information (``hashing``), a column past :func:`string_limit`
    distinct integers or keyed strings is counted by value instead
    (:meth:`_Encoder.to_keys`, :meth:`_to_pairs`; the other too once it
    passes the limit).
    """

    def __init__(self, path, cols, dropna, budget=None, hashing=False):
        self.path, self.cols, self.dropna = path, cols, dropna
        self.keyed = len(cols) <= 2
        hashing = hashing and len(cols) == 2  # text columns counted by key: for cell_counts() only
        self.encoders = [_Encoder(path, c, hashing, budget) for c in cols]
        if self.keyed:
            self.keys = KeyCounts(budget)
        else:
            self.counts = PartialCounts(self._merge)  # (cells (m, d) of global ids, counts)
        self.rows = 0
        self.budget = budget
        # past the limit, one of two columns counted by value (_Encoder.to_keys): the cells are then pairs
        # (that column's key, the other's id) in PairCounts, the counted column first
        self.by_value: int | None = None
        self.pairs: PairCounts | None = None
        self.both_by_value = False  # the other column past the limit too: its ids became keys as well

    def _sizes(self):
        return [e.size for e in self.encoders]

    def add(self, batch) -> None:
        offset = self.rows
        self.rows += batch.num_rows
        drop = missing_rows(self.path, batch, self.cols, offset, self.dropna)
        if drop is not None:
            batch = batch.filter(pyarrow().array(~drop))
        if batch.num_rows == 0:
            return
        ids = [e.encode(batch.column(c), f"column {c!r}") for e, c in zip(self.encoders, self.cols)]
        if len(ids) == 2 and not self.both_by_value:
            self._to_pairs(ids)
        if self.pairs is not None and self.by_value is not None:
            j = self.by_value
            self.pairs.add(ids[j], ids[1 - j])
            return
        if not self.keyed:
            cells, counts = _group(ids, self._sizes())
            self.counts.add(cells, counts)
            return
        if len(ids) == 1:
            self.keys.add(ids[0])
            return
        if max(self._sizes()) >= 2**_ID_BITS:  # pragma: no cover - 2e9 distinct values
            raise InvalidArgumentError(f"{self.path}: more than 2**31 distinct values in one of the columns "
                                       f"{self.cols}; the joint counts cannot be held")
        self.keys.add((ids[0] << _ID_BITS) | ids[1])

    def _to_pairs(self, ids) -> None:
        """Past the limit of one column (:meth:`_Encoder.wants_keys`), the cells counted as pairs of it by value
        and the other by id (when the other holds integers or labels): the counts so far moved, ``ids`` too."""
        e = self.encoders
        if self.pairs is not None and self.by_value is not None:  # the second column past the limit too
            j = 1 - self.by_value
            if not e[j].wants_keys():
                return
            keys_of, old = e[j].to_keys(), self.pairs
            pairs = PairCounts(self.budget)
            try:
                for hi, lo, c in old.chunks():
                    pairs.add(hi, keys_of[lo], c)
            except BaseException:
                pairs.close()
                raise
            old.close()
            ids[j] = keys_of[ids[j]]
            self.pairs, self.both_by_value = pairs, True
            return
        for j in (0, 1):
            if e[j].wants_keys() and e[1 - j].integer_like():
                break
        else:
            return
        keys_of = e[j].to_keys()
        pairs = PairCounts(self.budget)
        mask = (1 << _ID_BITS) - 1
        try:
            for k, c in self.keys.chunks():
                cells = (k >> _ID_BITS, k & mask)
                pairs.add(keys_of[cells[j]], cells[1 - j], c)
        except BaseException:
            pairs.close()
            raise
        self.keys.close()
        ids[j] = keys_of[ids[j]]
        self.by_value, self.pairs = j, pairs
        self._to_pairs(ids)  # the other column may be past the limit already

    def close(self) -> None:
        if self.pairs is not None:
            self.pairs.close()
        if self.keyed:
            self.keys.close()

    def _merge(self, cells, counts):
        return _group([cells[:, j] for j in range(cells.shape[1])], self._sizes(), counts)

    def _no_rows(self):
        what = ", ".join(repr(c) for c in self.cols)
        if self.rows == 0:
            return InvalidFileError(f"{self.path}: columns {what} are empty (the file has no data rows)")
        return InvalidFileError(
            f"{self.path}: no row has a value in every one of the columns {what} "
            f"(all {self.rows} rows have a missing value)"
        )

    def ranked(self):
        """``(per-column ranks of each distinct cell, counts, per-column outcomes)``, cells in no set order.

        A cell's rank in column ``j`` is the index of its value among
        ``outcomes[j]`` (sorted as in-memory counting sorts them).
        """
        if self.keyed:
            keys, counts = self.keys.result()
            self.keys.close()
            if counts.size == 0:
                raise self._no_rows()
            finals = [e.final() for e in self.encoders]
            if len(self.cols) == 1:
                ranked = [finals[0][1][keys]]
            else:  # one column at a time: one key-sized temporary
                ranked = [finals[0][1][keys >> _ID_BITS], finals[1][1][keys & ((1 << _ID_BITS) - 1)]]
            del keys
            release_memory()  # the merge's buffers
        else:
            merged = self.counts.reduce()
            if merged is None:
                raise self._no_rows()
            cells, counts = merged
            finals = [e.final() for e in self.encoders]
            ranked = [rank[cells[:, j]] for j, (_, rank) in enumerate(finals)]
            del cells
        return ranked, counts, [o for o, _ in finals]

    def cell_counts(self):
        """The cells of two discrete columns whose counts spilled to disk, as :class:`CellCounts`; else None.

        Read from the counts on disk a chunk at a time (``KeyCounts.chunks``):
        the values' counts ``n_x``, ``n_y`` and the fingerprint of the cells'
        counts in one pass, the cells again for each later pass.  Not for
        float columns (the discrete/continuous rule needs their values).
        Also the cells of a text column counted by the keys of its strings
        (spilled or not: its strings are gone).
        """
        hashed = [e for e in self.encoders if e.hashed]
        if self.pairs is not None:
            return self._pair_cell_counts(hashed)
        if not (self.keyed and len(self.cols) == 2 and (self.keys.spilled or hashed)):
            return None
        floats = [e for e in self.encoders if e._known is not None and e._known.dtype.kind not in "iu"]
        if floats and hashed:
            raise InvalidArgumentError(
                f"{self.path}: column {hashed[0].column!r} has more distinct strings than the memory budget keeps "
                f"(counted by key, the strings not kept) and column {floats[0].column!r} holds floats, whose "
                f"values the estimate needs; raise INFOKIT_MEMORY_BUDGET, or bin {floats[0].column!r}")
        if floats:
            return None
        keys, mask = self.keys, (1 << _ID_BITS) - 1
        if keys.distinct == 0:
            raise self._no_rows()

        def chunks():
            for k, c in keys.chunks():
                yield k >> _ID_BITS, k & mask, c

        kx, ky = (e.size for e in self.encoders)
        n_x, n_y = np.zeros(kx, np.int64), np.zeros(ky, np.int64)
        values, mult = np.zeros(0, np.int64), np.zeros(0, np.int64)
        for cx, cy, c in chunks():  # float64 weights are exact: a chunk's counts sum to less than 2**53
            n_x += np.bincount(cx, weights=c, minlength=kx).astype(np.int64)
            n_y += np.bincount(cy, weights=c, minlength=ky).astype(np.int64)
            values, mult = _add_fingerprint(values, mult, c)
        out = CellCounts(n_x, n_y, values, mult, chunks, close=self.close)
        out.counted_by_key = [e.column for e in hashed]  # text columns counted by the keys of their strings
        return out

    def _pair_cell_counts(self, hashed):
        """:meth:`cell_counts` of cells counted as pairs (one column by value, ``a``): its values' counts summed
        from the pairs, sorted by it, in one pass (kept as :class:`SortedCounts`), the other's (``b``) by id in
        memory -- or, with ``b`` by value too, the cells re-sorted by ``b`` carrying their ``a`` counts
        (a second :class:`PairCounts`) and ``b``'s counts summed from them in the same way."""
        pairs, j = self.pairs, self.by_value
        assert pairs is not None and j is not None
        if pairs.distinct == 0:
            raise self._no_rows()
        both = self.both_by_value
        kd = 0 if both else self.encoders[1 - j].size
        n_d = np.zeros(kd, np.int64)
        values, mult = np.zeros(0, np.int64), np.zeros(0, np.int64)
        opened: list[Any] = []

        def close():
            for o in opened:
                o.close()
            self.close()

        try:
            for hi, lo, c in pairs.chunks():  # float64 weights are exact: a chunk's counts sum to less than 2**53
                if not both:
                    n_d += np.bincount(lo, weights=c, minlength=kd).astype(np.int64)
                values, mult = _add_fingerprint(values, mult, c)
            margin_a = _sorted_margin(((hi, c) for hi, _, c in pairs.chunks()), self.budget)
            opened.append(margin_a)
            if both:  # the cells by (b, a), each with its count and the count of its a
                by_b = PairCounts(self.budget, width=2)
                opened.append(by_b)
                counts_of = margin_a.lookup()
                for hi, lo, c in pairs.chunks():
                    by_b.add(lo, hi, np.column_stack([c, counts_of(hi)]))
                pairs.close()
                margin_b = _sorted_margin(((hi, c[:, 0]) for hi, _, c in by_b.chunks()), self.budget)
                opened.append(margin_b)
        except BaseException:
            close()
            raise

        if both:
            def joined():  # (counts, counts of their x, counts of their y), chunk by chunk
                counts_of = margin_b.lookup()
                for hi, _, c in by_b.chunks():
                    n_b = counts_of(hi)
                    yield (c[:, 0], c[:, 1], n_b) if j == 0 else (c[:, 0], n_b, c[:, 1])

            def chunks():  # (x keys, y keys, counts)
                for hi, lo, c in by_b.chunks():
                    yield (lo, hi, c[:, 0]) if j == 0 else (hi, lo, c[:, 0])

            margins = [(None, (m.values, m.mult), m.size) for m in (margin_a, margin_b)]
        else:
            def joined():
                counts_of = margin_a.lookup()
                for hi, lo, c in pairs.chunks():
                    by_value, by_id = counts_of(hi), n_d[lo]
                    yield (c, by_value, by_id) if j == 0 else (c, by_id, by_value)

            def chunks():  # (x keys or ids, y keys or ids, counts)
                for hi, lo, c in pairs.chunks():
                    yield (hi, lo, c) if j == 0 else (lo, hi, c)

            margins = [(None, (margin_a.values, margin_a.mult), margin_a.size), (n_d, None, kd)]
        out = CellCounts.of_margins(margins if j == 0 else margins[::-1], values, mult, chunks, joined, close)
        out.counted_by_key = [e.column for e in hashed]  # text columns counted by the keys of their strings
        return out

    def cells(self):
        """``(cell codes (m, d), counts, per-column outcomes)`` as ``empirical_joint`` builds them in memory."""
        ranked, counts, outcomes = self.ranked()
        return _sorted_cells(ranked, counts, outcomes)


def _sorted_margin(chunks, budget) -> SortedCounts:
    """The counts of the values of ``chunks`` of ``(keys, counts)``, keys nondecreasing (cells sorted by them):
    the counts of equal keys summed, a key's run going on across chunks."""
    margin = SortedCounts(budget)
    try:
        last, total = None, 0  # the key whose cells may go on in the next chunk, and its count so far
        for keys, c in chunks:
            idx, sums = sum_runs((keys,), c)
            k = keys[idx]
            if last is not None:
                if k[0] == last:
                    sums[0] += total
                else:
                    margin.append(np.array([last], np.int64), np.array([total], np.int64))
            margin.append(k[:-1], sums[:-1])
            last, total = int(k[-1]), int(sums[-1])
        if last is not None:
            margin.append(np.array([last], np.int64), np.array([total], np.int64))
    except BaseException:
        margin.close()
        raise
    return margin


def _sorted_cells(ranked, counts, var_outcomes):
    """``(cell codes (m, d), counts, var_outcomes)`` with the distinct cells in increasing order, as
    in-memory counting sorts them; ``ranked[j]`` holds the rank of each cell's value among ``var_outcomes[j]``."""
    sizes = [max(o.size, 1) for o in var_outcomes]
    if len(ranked) == 1:
        order = np.argsort(ranked[0])
    elif math.prod(sizes) < 2**62:
        flat = np.ravel_multi_index(ranked, sizes)
        order = np.argsort(flat)  # the cells are distinct: no ties, any sort will do
        del flat
    else:  # pragma: no cover - astronomically many possible cells
        order = np.lexsort(ranked[::-1])
    dtype = np.result_type(*[r.dtype for r in ranked])
    cells = np.empty((order.size, len(ranked)), dtype=dtype)
    for j in range(len(ranked)):
        cells[:, j] = ranked[j][order]
        ranked[j] = None  # freed as it is copied
    return cells, np.asarray(counts)[order], var_outcomes


def _joint_empirical(cell_codes, cell_counts, var_outcomes) -> Empirical:
    """The joint table of sorted cells: outcomes are tuples (built on first use), :meth:`Empirical.marginal` works."""
    return Empirical(None, cell_counts, _joint=(cell_codes, var_outcomes))


def _group(ids: Sequence[np.ndarray], sizes, weights=None):
    """Distinct rows of the columns ``ids`` (codes < ``sizes``) in lexicographic order, with their counts."""
    cells, counts, _ = group_rows(ids, sizes, weights)
    return cells, counts


def _joint_counts(path, cols, batch_size, format, dropna, progress, hashing=False) -> _JointCounts:
    path = check_path(path)
    pyarrow()
    dict_cols = parquet_dictionary_columns(path, cols, format)
    acc = _JointCounts(path, cols, dropna, hashing=hashing)
    try:
        for batch in iter_batches(path, cols, batch_size=batch_size, format=format, progress=progress,
                                  read_dictionary=dict_cols):
            acc.add(batch)
    except BaseException:
        acc.close()  # temporary files removed on errors and interrupts too
        raise
    release_memory()  # the reader's blocks
    return acc


def read_joint_empirical(path: StrPath, columns: Sequence[str], *, batch_size: int = READ_BATCH_SIZE,
                         format: str | None = None, dropna: bool = False, progress: bool | None = None,
                         scheduler: Any = None, cells: bool = False) -> Any:
    """The joint empirical distribution of several columns of a file, streamed.

    Equal to ``ik.empirical_joint(col1, col2, ...)`` of the columns loaded in
    memory: outcomes are tuples ``(v1, v2, ...)`` of the observed
    combinations in increasing order, and :meth:`Empirical.marginal` works.
    With ``scheduler``, the rows are grouped and counted with Dask instead
    (a ``groupby(columns).size()`` where the data live), with the same result.

    Parameters
    ----------
    path : str or os.PathLike
        A CSV or Parquet file.
    columns : list of str
        The columns (at least one); a column named twice is read once and
        is two variables of the table (``["a", "a"]``: the table of (a, a)).
    batch_size, format, progress
        As in :func:`iter_batches`.
    dropna : bool, optional
        Drop the rows where any of the columns is missing (null or NaN).
    scheduler : distributed.Client or str, optional
        Count with Dask (as in :func:`read_empirical`); default None: streamed
        with pyarrow.
    cells : bool, optional
        Two distinct integer or label columns whose counts outgrew the memory
        budget come back as :class:`~infokit._estimators.information.CellCounts`
        (the cells read from the counts on disk a chunk at a time, for
        ``estimate_mutual_information_of_cells``) instead of a table held in
        memory.  A text column with more distinct strings than the budget
        keeps (``budget / 512``: 262144 at the default 128 MiB) is then
        counted by 64-bit keys of its strings (SipHash,
        :func:`infokit.io._spill.string_keys`; two distinct strings share a
        key with probability about ``d**2 / 2**65`` for ``d`` of them) and
        its cells come back the same way, the strings not kept.  A
        column past the same number of distinct integers (or of strings
        counted by key), beside a column of integers or labels, is then
        counted by value: the cells are pairs of its int64 value (key) and
        the other column's id (or value, when it passes the limit too;
        :class:`~infokit.io._spill.PairCounts`), its values' counts derived
        from the cells and read chunk by chunk (its ``n_x`` or ``n_y`` is
        None: see :class:`~infokit._estimators.information.CellCounts`), so
        no table of its values is held.  Default False.  Ignored with ``scheduler``.

    Returns
    -------
    Empirical
        A joint table: pass it to :func:`infokit.mutual_information` or
        :func:`infokit.estimate_mutual_information` as it is (``y`` omitted).
        (Or, with ``cells``, a ``CellCounts``: call its ``close()`` to remove
        its temporary files, else they go when it is garbage-collected.)

    Notes
    -----
    Memory: one batch, each column's distinct values, and the counts.  With
    one or two distinct columns the counts are int64 keys (16 bytes per
    distinct cell) held within the memory budget ``INFOKIT_MEMORY_BUDGET``
    (default 128 MiB) and spilled to temporary files, merged at the end,
    past it; the table itself then holds about 24 bytes per distinct cell
    (its tuples of values are built only if ``outcomes`` is read).
    """
    distinct = as_column_list(columns)
    if distinct is None:
        raise InvalidArgumentError("'columns' must name at least one column")
    cols = [columns] if isinstance(columns, str) else list(columns)
    if scheduler is not None:
        ids, counts, outcomes = _dask_cells(path, distinct, format, dropna, scheduler)
    else:
        hashing = cells and len(distinct) == 2 and distinct == cols
        acc = _joint_counts(path, distinct, batch_size, format, dropna, progress, hashing)
        try:
            streamed = acc.cell_counts() if cells and len(distinct) == 2 and distinct == cols else None
        except BaseException:
            acc.close()
            raise
        if streamed is not None:  # its close() removes the counts on disk
            return streamed
        ids, counts, outcomes = acc.cells()
    if distinct != cols:  # repeated columns: one variable per use
        pos = {c: i for i, c in enumerate(distinct)}
        use = [pos[c] for c in cols]
        ids, outcomes = ids[:, use], [outcomes[i] for i in use]
    return _joint_empirical(ids, counts, outcomes)


def _dask_cells(path, cols, format, dropna, scheduler):
    """As :meth:`_JointCounts.cells`, the rows grouped and counted by Dask."""
    ddf = frame(path, cols, format)
    with computing_on(scheduler) as get:
        (sizes,) = compute(ddf.groupby(cols, dropna=False).size(), scheduler=get)
    path, what = os.fspath(path), ", ".join(repr(c) for c in cols)
    if len(sizes) == 0:
        raise InvalidFileError(f"{path}: columns {what} are empty (the file has no data rows)")
    pairs = [_counting.samples_and_mask(sizes.index.get_level_values(j), f"column {c!r}") for j, c in enumerate(cols)]
    values = [v for v, _ in pairs]
    counts = sizes.to_numpy().astype(np.int64)
    masks = [m for _, m in pairs if m is not None]
    if masks:
        missing = np.logical_or.reduce(masks)
        if not dropna:
            raise InvalidArgumentError(
                f"{path}: {int(counts[missing].sum())} row(s) have a missing value in columns {what}; "
                "pass dropna=True to drop them"
            )
        values, counts = [v[~missing] for v in values], counts[~missing]
        if counts.size == 0:
            raise InvalidFileError(f"{path}: no row has a value in every one of the columns {what}")
    finals = [_counting.count(v, name=f"column {c!r}", dropna=False, codes=True) for v, c in zip(values, cols)]
    return _sorted_cells([k for _, _, k in finals], counts, [o for o, _, _ in finals])


def read_mutual_information(path: StrPath, x: str | Sequence[str], y: str | Sequence[str], *,
                            given: str | Sequence[str] | None = None, base: Base = "nats",
                            batch_size: int = READ_BATCH_SIZE, format: str | None = None, dropna: bool = False,
                            progress: bool | None = None) -> float:
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
    xs = as_column_list(x, "x")
    ys = as_column_list(y, "y")
    zs = as_column_list(given, "given") or []
    if xs is None or ys is None:
        raise InvalidArgumentError("'x' and 'y' must name columns")
    groups = [xs, ys, zs]
    cols = list(dict.fromkeys(xs + ys + zs))  # a column used twice is read once
    acc = _joint_counts(path, cols, batch_size, format, dropna, progress)
    if len(xs) == 1 and len(ys) == 1 and not zs:  # the distinct cells as they are, no sort
        ranked, counts, _ = acc.ranked()
        cx, cy = ranked[0], ranked[-1]  # x == y: one column, I(X; X) = H(X)
        return np.float64(unit.convert(np.float64(_mi_distinct_cells(cx, cy, counts)[0])))
    cells, counts, _ = acc.cells()
    # one column per use, as the in-memory functions see them (x and y may share columns)
    pos = {c: i for i, c in enumerate(cols)}
    used = [pos[c] for g in groups for c in g]
    full = cells[:, used]
    idx = np.cumsum([0] + [len(g) for g in groups])
    gx, gy, gz = (list(range(idx[k], idx[k + 1])) for k in range(3))
    return np.float64(unit.convert(np.float64(_cmi_cells(full, counts, gx, gy, gz))))
