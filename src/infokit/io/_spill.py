"""Counts of int64 keys within a memory budget: sorted runs in memory, spilled to disk and merged.

The streamed counts of a file hold each distinct value (or pair of values) as
one int64 key with an int64 count -- 16 bytes, kept as two sorted arrays.
Batches' keys pile up in a small buffer (1/16 of the budget), are counted (a
sort), and merged into the sorted run in memory; when that run outgrows a
third of the memory budget it is written to a temporary directory and a new
run starts.  At the end the runs on disk are merged once, chunk by chunk (a
k-way merge reading each run sequentially), into one sorted file of distinct
keys and counts.

The result is then read back a chunk at a time (:meth:`KeyCounts.chunks`,
``budget / 512`` keys a chunk: 262144 at the default budget), as many times
as a computation needs passes, so neither the counting nor what is computed
from the counts holds them whole: the fingerprint of the counts
(:func:`count_of_counts`, what the entropy estimators need), the cells of a
joint table (the mutual information), two counts merged on the union of
their keys (:func:`union_chunks`, the KL divergence), the order statistics of
a drift reference.  :meth:`KeyCounts.result` gathers everything in memory
instead (16 bytes per distinct key) for the callers that need the values.

The budget is ``INFOKIT_MEMORY_BUDGET`` (bytes, or with a unit: ``512M``,
``2GiB``; default 128 MiB: with the interpreter, the imports and the CSV
reader, the ``entropy``, ``mi``, ``kl`` and ``drift`` commands peak at about
350 MiB on a 3 GB file whatever the number of distinct values or pairs, up
to the 1e8 measured, ``benchmarks/bench_memory.py``).  Past it the disk
holds 16 bytes per distinct key of each run (about twice the distinct keys
while the runs are merged).  The temporary files live in a
:class:`tempfile.TemporaryDirectory` (under ``TMPDIR``), removed when the
counts are closed, on errors and on interrupts.

Text columns are counted by their strings while they have at most
:func:`string_limit` distinct values (``budget / 512``: 262144 at the
default budget); past it, where the caller needs only the counts (the
fingerprint for an entropy, the cells for a mutual information, the two
samples' counts on the union of their values for a KL divergence or in the
categories of a drift reference), each
string becomes a 64-bit key (:func:`string_keys`) counted like the integers,
and the strings themselves are no longer kept.  Two distinct strings share
a key with probability about ``d**2 / 2**65`` for ``d`` distinct strings in
all (1e-7 at 1e6, 2.7e-4 at 1e8): merging two outcomes seen ``a`` and ``b``
times changes a plug-in entropy by ``(a + b) / n * h(a / (a + b))``, at most
``(a + b) / n * log 2`` nats (a mutual information or KL divergence by a few
terms of that order), which for outcomes seen a few times in a large sample
is far below the standard error.  (``entropy``, ``mi``, ``kl`` and
``drift`` stay within about 340-410 MiB on 3 GB files of text columns with
1e7 or 1e8 distinct strings: ``benchmarks/bench_memory.py --text``.)

The cells of a mutual information whose one column passes the same limit
(``budget / 512`` distinct integers, or strings already counted by key) are
counted by that column's own int64 value (its string's key) and the other
column's id: pairs of int64 keys, :class:`PairCounts` (24 bytes a distinct
pair, runs spilled and merged as above, read back in lexicographic order),
so no table of that column's values is kept; its values' counts are summed
from the cells in that order into a :class:`SortedCounts` (16 bytes a value,
on disk past a sixteenth of the budget) and joined back to the cells chunk by
chunk (``benchmarks/bench_memory.py``, ``mi r x``).  When the other column
passes the limit too it is counted by value as well, and the cells are
sorted a second time, by it, each carrying the first column's count (a
:class:`PairCounts` of ``width`` 2), from which its counts are summed the
same way.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import sys
import tempfile
from typing import Any

import numpy as np

from infokit._lib.optional import require
from infokit._samples import counting as _counting
from infokit.errors import InvalidArgumentError

__all__ = ["KeyCounts", "PairCounts", "SortedCounts", "sum_runs", "count_of_counts", "add_fingerprint", "union_chunks", "memory_budget", "csv_block_size",
           "value_keys", "key_values", "string_keys", "string_limit", "can_hash_strings", "release_memory",
           "DEFAULT_MEMORY_BUDGET", "BUDGET_ENV"]

BUDGET_ENV = "INFOKIT_MEMORY_BUDGET"
DEFAULT_MEMORY_BUDGET = 128 * 2**20
_MIN_BUDGET = 1 << 12  # bytes: tiny budgets are for tests (every batch spills)
_UNITS = {"": 1, "b": 1, "k": 10**3, "kb": 10**3, "kib": 2**10, "m": 10**6, "mb": 10**6, "mib": 2**20,
          "g": 10**9, "gb": 10**9, "gib": 2**30, "t": 10**12, "tb": 10**12, "tib": 2**40}
_KEY = np.dtype(np.int64)
_ITEM = 16  # bytes per distinct key: the key and its count


def memory_budget(budget=None) -> int:
    """The memory budget for counts, in bytes: ``budget``, else ``$INFOKIT_MEMORY_BUDGET``, else 128 MiB.

    Parameters
    ----------
    budget : int or str, optional
        Bytes, or a string with a unit (``"512M"``, ``"2GiB"``; K/M/G/T are
        powers of 1000, KiB/MiB/GiB/TiB powers of 1024).  Below about 16 MiB
        the runs on disk get many and small (the merge then reads at least
        1024 keys of each at a time); tiny budgets are for tests.

    Raises
    ------
    InvalidArgumentError
        A value that is not a positive size.
    """
    name = "budget"
    if budget is None:
        budget = os.environ.get(BUDGET_ENV)
        name = BUDGET_ENV
        if budget is None or not str(budget).strip():
            return DEFAULT_MEMORY_BUDGET
    if isinstance(budget, (int, np.integer)) and not isinstance(budget, bool):
        value = int(budget)
    else:
        m = re.fullmatch(r"\s*(\d+(?:\.\d*)?)\s*([a-zA-Z]*)\s*", str(budget))
        unit = _UNITS.get(m.group(2).lower()) if m else None
        if unit is None:
            raise InvalidArgumentError(
                f"{name} must be a size in bytes, optionally with a unit (e.g. 268435456, 512M, 2GiB); "
                f"got {budget!r}"
            )
        value = int(float(m.group(1)) * unit)  # type: ignore[union-attr]
    if value <= 0:
        raise InvalidArgumentError(f"{name} must be a positive size in bytes; got {budget!r}")
    return max(value, _MIN_BUDGET)


def csv_block_size(budget: int) -> int:
    """Bytes of CSV text parsed per block for a memory budget: ``budget / 128`` within 256 KiB..16 MiB.

    pyarrow's streaming CSV reader holds a few dozen blocks' worth of memory
    (blocks read ahead and parsed: about 40 MiB of its pool at 1 MiB blocks,
    180 MiB at 8 MiB); the default 128 MiB budget gives 1 MiB blocks, read as
    fast as larger ones.
    """
    return int(min(max(budget // 128, 1 << 18), 1 << 24))


def release_memory() -> None:
    """Hand memory freed by a finished read back to the system: pyarrow's pool, and glibc's heap.

    After a file is read, pyarrow's allocator keeps the pages of its blocks and
    glibc keeps freed NumPy buffers below its mmap threshold (which grows up to
    32 MiB), about 100 MiB in all for a large file, that the next steps (the
    estimators) would otherwise add to.  Best effort: nothing where these are
    not available.
    """
    pa = sys.modules.get("pyarrow")
    if pa is not None:
        try:
            pa.default_memory_pool().release_unused()
        except Exception:  # noqa: BLE001 - older pyarrow, other pools
            pass
    global _LIBC
    if _LIBC is None:
        try:
            _LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
            _LIBC.malloc_trim  # glibc only
        except (OSError, AttributeError):
            _LIBC = False
    if _LIBC:
        _LIBC.malloc_trim(0)


_LIBC: Any = None
_FLIP = np.int64(0x7FFFFFFFFFFFFFFF)


def value_keys(values: np.ndarray):
    """Order-preserving int64 keys of numbers (no missing values), or None for a dtype without them.

    Integers (up to int64, and uint64 below 2**63), booleans, floats (-0.0
    as 0.0: equal values, one key), datetimes and durations: ``a < b``
    exactly when ``key(a) < key(b)``; :func:`key_values` inverts it.
    """
    kind = values.dtype.kind
    if kind in "bi" or (kind == "u" and values.dtype.itemsize < 8):
        return values.astype(np.int64, copy=False)
    if kind == "u":
        return values.view(np.int64) if values.size == 0 or int(values.max()) < 2**63 else None
    if kind in "mM":
        return values.view(np.int64)
    if kind == "f":
        bits = (values.astype(np.float64, copy=False) + 0.0).view(np.int64)  # + 0.0: -0.0 becomes 0.0
        return np.where(bits < 0, bits ^ _FLIP, bits)
    return None


def key_values(keys: np.ndarray, dtype: np.dtype, *, overwrite: bool = False) -> np.ndarray:
    """The numbers of ``dtype`` whose :func:`value_keys` are ``keys`` (decoded in place with ``overwrite``)."""
    kind = dtype.kind
    if kind == "b":
        return keys.astype(bool)
    if kind in "iu":
        return keys.astype(dtype, copy=not overwrite)
    if kind in "mM":
        return keys.view(dtype) if overwrite else keys.copy().view(dtype)
    bits = keys if overwrite else keys.copy()
    np.bitwise_xor(bits, _FLIP, out=bits, where=bits < 0)
    return bits.view(np.float64).astype(dtype, copy=False)


# the SipHash key of string_keys: fixed, so that equal strings get equal keys in every file and run
_STRING_HASH_KEY = "infokit.strings1"


def string_keys(values: np.ndarray) -> np.ndarray:
    """64-bit int64 keys of strings (an object array of ``str`` or ``bytes``, no missing values).

    SipHash-2-4 of each value's UTF-8 bytes under a fixed key
    (:func:`pandas.util.hash_array`, vectorised; requires pandas): equal
    strings get equal keys in every file and run; two distinct strings get
    the same key with probability ``2**-64`` (see the module docstring for
    what that means for the estimates).
    """
    pd = require("pandas", "counting text columns with more distinct values than the memory budget holds")
    h = pd.util.hash_array(np.asarray(values, dtype=object), encoding="utf8", hash_key=_STRING_HASH_KEY,
                           categorize=False)
    return h.view(np.int64)


def can_hash_strings() -> bool:
    """Whether :func:`string_keys` is available (pandas is installed)."""
    try:
        require("pandas", "counting text columns")
    except ImportError:
        return False
    return True


def string_limit(budget=None) -> int:
    """Distinct strings a text column keeps before it is counted by :func:`string_keys`: ``budget / 512``, at least 16.

    A string held in the counts costs about 100-200 bytes (the Python
    object, its slot in the arrays of outcomes, the merges' temporaries).
    """
    return max(memory_budget(budget) // 512, 16)


def _count_sorted_keys(keys: np.ndarray, counts=None):
    """``(distinct keys, their counts)`` of an int64 array, keys increasing."""
    if counts is None:
        if keys.size:  # a bincount for compact keys (at most 4 counters per key), a sort otherwise
            return _counting.count(keys, name="keys")
        keys = np.sort(keys)
    else:
        order = np.argsort(keys, kind="stable")
        keys, counts = keys[order], counts[order]
    if keys.size == 0:
        return keys, np.zeros(0, np.int64)
    idx, c = sum_runs((keys,), counts)
    return keys[idx], c


def sum_runs(columns: tuple[np.ndarray, ...], counts=None):
    """``(first index of each run, its total count)`` of the runs of equal rows in sorted, non-empty ``columns``.

    A row is the tuple of the columns' entries (one column: keys; two: pairs in lexicographic order); the
    count of a run is the sum of its ``counts`` (along the first axis), or its length when ``counts`` is None.
    """
    n = columns[0].size
    start = np.empty(n, dtype=bool)
    start[0] = True
    np.not_equal(columns[0][1:], columns[0][:-1], out=start[1:])
    for col in columns[1:]:
        start[1:] |= col[1:] != col[:-1]
    idx = np.flatnonzero(start)
    if counts is None:
        return idx, np.diff(np.append(idx, n)).astype(np.int64)
    return idx, np.add.reduceat(counts, idx, axis=0).astype(np.int64)


def _merge_runs(a, ca, b, cb):
    """Merge two sorted runs of distinct keys (``b`` small next to ``a`` or not), counts added."""
    if a.size == 0:
        return b, cb
    if b.size == 0:
        return a, ca
    pos = np.searchsorted(a, b)
    hit = pos < a.size
    hit[hit] = a[pos[hit]] == b[hit]
    if hit.any():
        ca = ca.copy() if not ca.flags.writeable else ca
        ca[pos[hit]] += cb[hit]
    new = ~hit
    if not new.any():
        return a, ca
    at = pos[new]
    return np.insert(a, at, b[new]), np.insert(ca, at, cb[new])


def count_of_counts(chunks):
    """``(values, mult)``: the fingerprint of the counts of ``chunks`` of ``(keys, counts)`` (:meth:`KeyCounts.chunks`).

    ``mult[i]`` keys have the count ``values[i]``, ``values`` increasing: what
    the entropy estimators need of the counts, held in O(distinct counts).
    """
    values, mult = np.zeros(0, np.int64), np.zeros(0, np.int64)
    for _, c in chunks:
        values, mult = add_fingerprint(values, mult, c)
    return values, mult


def add_fingerprint(values, mult, counts):
    """The fingerprint ``(values, mult)`` with the counts ``counts`` added to it."""
    if not counts.size:
        return values, mult
    v, m = _counting.count(counts, name="counts")
    return _merge_runs(values, mult, v.astype(np.int64), m.astype(np.int64))


def union_chunks(a, b):
    """``(keys, counts in a, counts in b)`` on the union of two streams of sorted ``(keys, counts)`` chunks.

    ``a`` and ``b`` are iterators such as :meth:`KeyCounts.chunks` gives (keys
    increasing across chunks); a key missing from one side has count 0
    there.  Keys increase across the chunks yielded; memory: a few chunks.
    """
    a, b = iter(a), iter(b)
    ka = ca = kb = cb = np.zeros(0, np.int64)
    a_done = b_done = False
    while True:
        if not ka.size and not a_done:
            ka, ca = next(a, (None, None))
            if ka is None:
                a_done, ka, ca = True, np.zeros(0, np.int64), np.zeros(0, np.int64)
            continue
        if not kb.size and not b_done:
            kb, cb = next(b, (None, None))
            if kb is None:
                b_done, kb, cb = True, np.zeros(0, np.int64), np.zeros(0, np.int64)
            continue
        if not ka.size and not kb.size:
            return
        # everything up to the smaller of the two buffers' last keys is complete on both sides
        if ka.size and kb.size:
            bound = min(int(ka[-1]), int(kb[-1]))
        else:
            bound = int(ka[-1]) if ka.size else int(kb[-1])
        ja = int(np.searchsorted(ka, bound, side="right"))
        jb = int(np.searchsorted(kb, bound, side="right"))
        keys = np.union1d(ka[:ja], kb[:jb])
        out_a = np.zeros(keys.size, np.int64)
        out_b = np.zeros(keys.size, np.int64)
        out_a[np.searchsorted(keys, ka[:ja])] = ca[:ja]
        out_b[np.searchsorted(keys, kb[:jb])] = cb[:jb]
        ka, ca, kb, cb = ka[ja:], ca[ja:], kb[jb:], cb[jb:]
        yield keys, out_a, out_b


class _SpilledRuns:
    """What :class:`KeyCounts` and :class:`PairCounts` share: sorted runs written to a temporary
    directory, merged once into one run on disk (counts of equal items added), removed on :meth:`close`.

    A subclass sets ``_prefix`` (of the directory's name), ``_item`` (bytes per distinct item: the
    keys and the count), ``_kdtype`` and ``_cdtype`` (of the items and the counts), and gives
    :meth:`_reduce` (distinct items and summed counts of merged items) and :meth:`_bound` (the
    largest item every buffered reader can merge up to now).
    """

    _prefix = "infokit-counts-"
    _item = _ITEM
    _kdtype: np.dtype = _KEY
    _cdtype: np.dtype = _KEY

    def _init_runs(self, budget, tmpdir, *, pending_item: int) -> None:
        self.budget = memory_budget(budget)
        self._tmpdir = tmpdir
        # items buffered before a sort: 1/16 of the budget at ``pending_item`` bytes each
        self._pending: list[tuple[np.ndarray, np.ndarray | None]] = []
        self._pending_n = 0
        self._pending_max = max(self.budget // (16 * pending_item), 1)
        self._dir: tempfile.TemporaryDirectory | None = None
        self._runs: list[tuple[str, int]] = []  # (file stem, length) of the runs on disk

    def _write_run(self, items: np.ndarray, counts: np.ndarray) -> None:
        """Write one sorted run (items, counts) to the temporary directory."""
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix=self._prefix, dir=self._tmpdir)
        stem = os.path.join(self._dir.name, f"run{len(self._runs):05d}")
        items.tofile(stem + ".keys")
        counts.tofile(stem + ".counts")
        self._runs.append((stem, items.size))

    def _reduce(self, items: np.ndarray, counts: np.ndarray):
        raise NotImplementedError

    def _bound(self, live: list) -> Any:
        raise NotImplementedError

    def _merge_disk(self) -> None:
        """The k-way merge of the runs on disk into one run (counts of equal items added), written as it goes."""
        runs = self._runs
        assert self._dir is not None  # runs exist only with their directory
        stem = os.path.join(self._dir.name, "merged")
        # items read ahead from all runs together: 1/16 of the budget (each round briefly holds ~4x that)
        chunk = max(self.budget // (16 * self._item * len(runs)), 1024)
        readers = [_RunReader(s, n, chunk, self._kdtype, self._cdtype) for s, n in runs]
        m = 0
        with open(stem + ".keys", "wb") as fk, open(stem + ".counts", "wb") as fc:
            while True:
                live = [r for r in readers if r.buffered]
                if not live:
                    break
                bound = self._bound(live)
                ks, cs = [], []
                for r in live:
                    k, c = r.take_upto(bound)
                    ks.append(k)
                    cs.append(c)
                k, c = self._reduce(np.concatenate(ks), np.concatenate(cs))
                del ks, cs
                k.tofile(fk)
                c.tofile(fc)
                m += k.size
        for s, _ in runs:
            os.remove(s + ".keys")
            os.remove(s + ".counts")
        self._runs = [(stem, m)]

    def _read_back(self, size: int):
        """The merged run on disk, ``(items, counts)`` a chunk of ``size`` at a time."""
        stem, m = self._runs[0]
        reader = _RunReader(stem, m, size, self._kdtype, self._cdtype)
        while reader.buffered:
            k, c = reader.k, reader.c
            reader.k, reader.c = np.zeros(0, self._kdtype), np.zeros(0, self._cdtype)
            reader._fill()
            yield k, c

    def _enqueue(self, items: np.ndarray, counts) -> None:
        """Buffer items (weighted by ``counts``, or once each) until a sort of the buffer is due."""
        self._pending.append((items, None if counts is None else np.asarray(counts, dtype=np.int64)))
        self._pending_n += items.size
        if self._pending_n >= self._pending_max:
            self._flush_pending()

    # -- what a subclass holds in memory, and the runs read back
    def _held(self) -> tuple[np.ndarray, np.ndarray]:
        """The sorted run in memory: ``(items, counts)``."""
        raise NotImplementedError

    def _flush_pending(self) -> None:
        raise NotImplementedError

    def _spill(self) -> None:
        raise NotImplementedError

    def _finish(self) -> bool:
        """Count the items still buffered; past the budget, merge everything into one run on disk.

        Returns whether the counts are on disk (else they are in memory).
        """
        self._flush_pending()
        if not self._runs:
            return False
        if self._held()[0].size:
            self._spill()
        if len(self._runs) > 1:
            self._merge_disk()
        return True

    @property
    def distinct(self) -> int:
        """Number of distinct items counted (all batches merged: the runs on disk are merged first)."""
        return self._runs[0][1] if self._finish() else int(self._held()[0].size)

    def chunk_size(self) -> int:
        """Items per chunk of ``chunks``: ``budget / (32 x bytes per item)``, at least 1024.

        262144 keys of :class:`KeyCounts` or 174762 pairs of :class:`PairCounts` at the default
        128 MiB.
        """
        return max(self.budget // (32 * self._item), 1024)

    def _item_chunks(self, size: int | None):
        """``(items, counts)`` of every item counted, a chunk of at most ``size`` at a time, in order."""
        size = self.chunk_size() if size is None else max(int(size), 1)
        if not self._finish():
            items, counts = self._held()
            for i in range(0, items.size, size):
                yield items[i:i + size], counts[i:i + size]
            return
        yield from self._read_back(size)

    def _remove_runs(self) -> None:
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        raise NotImplementedError


class KeyCounts(_SpilledRuns):
    """Counts of int64 keys within a memory budget (bytes); see the module docstring.

    Use as a context manager (or call :meth:`close`): the temporary files are
    removed on leaving it.  ``add(keys)`` counts keys (``counts`` weights
    them); :meth:`result` merges everything into ``(keys, counts)``, keys
    increasing and distinct.
    """

    def __init__(self, budget=None, *, tmpdir=None):
        # raw keys buffered before a sort: 1/16 of the budget (sorting them takes ~3x that)
        self._init_runs(budget, tmpdir, pending_item=_KEY.itemsize)
        # the sorted run in memory: 1/3 of the budget (a merge briefly holds two)
        self._run_max = max(self.budget // (3 * _ITEM), 1)
        self._keys = np.zeros(0, np.int64)
        self._counts = np.zeros(0, np.int64)
        self.total = 0
        self._spills = 0

    # -- accumulation -------------------------------------------------------
    def add(self, keys: np.ndarray, counts: np.ndarray | None = None) -> None:
        keys = np.asarray(keys, dtype=np.int64)
        if keys.size == 0:
            return
        self._enqueue(keys, counts)

    def _flush_pending(self) -> None:
        if not self._pending:
            return
        parts, self._pending, self._pending_n = self._pending, [], 0
        keys = np.concatenate([k for k, _ in parts]) if len(parts) > 1 else parts[0][0]
        if all(c is None for _, c in parts):
            counts = None
        else:
            counts = np.concatenate([np.ones(k.size, np.int64) if c is None else c for k, c in parts])
        del parts
        k, c = _count_sorted_keys(keys, counts)
        del keys, counts
        self.total += int(c.sum())
        self._keys, self._counts = _merge_runs(self._keys, self._counts, k, c)
        if self._keys.size > self._run_max:
            self._spill()

    def _spill(self) -> None:
        self._write_run(self._keys, self._counts)
        self._spills += 1
        self._keys, self._counts = np.zeros(0, np.int64), np.zeros(0, np.int64)

    @property
    def spilled(self) -> int:
        """Number of runs written to disk so far."""
        return self._spills

    # -- the result ---------------------------------------------------------
    def result(self):
        """``(keys, counts)``: every key counted, increasing and distinct, and its total count.

        Holds all of them in memory (16 bytes per distinct key); :meth:`chunks`
        reads them a chunk at a time instead.
        """
        if not self._finish():
            return self._keys, self._counts
        try:
            stem, m = self._runs[0]
            out_k = np.empty(m, dtype=np.int64)
            out_c = np.empty(m, dtype=np.int64)
            i = 0
            for k, c in self.chunks():
                out_k[i:i + k.size] = k
                out_c[i:i + k.size] = c
                i += k.size
            return out_k, out_c
        finally:
            self.close()

    def chunks(self, size: int | None = None):
        """``(keys, counts)`` of every key counted, a chunk of at most ``size`` keys at a time.

        Keys increase within and across chunks, each in one chunk; the counts
        are those of :meth:`result`.  Can be iterated again (until
        :meth:`close`): past the budget the runs on disk are merged once into
        one sorted file, read sequentially on each pass, so memory stays about
        ``32 * size`` bytes whatever the number of distinct keys.
        """
        yield from self._item_chunks(size)

    def finish(self) -> None:
        """Merge the counts into one run on disk now, if they spilled (else nothing): frees their memory."""
        self._finish()

    def _held(self):
        return self._keys, self._counts

    def _bound(self, live):
        return min(r.last for r in live)

    def _reduce(self, keys, counts):
        return _count_sorted_keys(keys, counts)

    def close(self) -> None:
        """Remove the temporary files (idempotent); the counts are gone then."""
        self._remove_runs()
        if self._runs:
            self._runs = []
            self._keys, self._counts = np.zeros(0, np.int64), np.zeros(0, np.int64)


class _RunReader:
    """A sorted run on disk, read sequentially ``chunk`` keys at a time (plain reads, not a memory map)."""

    def __init__(self, stem, n, chunk, dtype=_KEY, cdtype=_KEY):
        self.stem, self.n, self.chunk, self.dtype, self.cdtype = stem, n, chunk, np.dtype(dtype), np.dtype(cdtype)
        self.pos = 0  # keys read from the file
        self.k = np.zeros(0, self.dtype)
        self.c = np.zeros(0, self.cdtype)
        self._fill()

    def _fill(self) -> None:
        if self.k.size or self.pos >= self.n:
            return
        count = min(self.chunk, self.n - self.pos)
        self.k = np.fromfile(self.stem + ".keys", dtype=self.dtype, count=count, offset=self.pos * self.dtype.itemsize)
        self.c = np.fromfile(self.stem + ".counts", dtype=self.cdtype, count=count, offset=self.pos * self.cdtype.itemsize)
        self.pos += count

    @property
    def buffered(self) -> bool:
        return self.k.size > 0

    @property
    def last(self) -> int:
        return int(self.k[-1])

    def take_upto(self, bound: Any):
        """The buffered keys ``<= bound`` (and their counts), removed from the buffer."""
        j = int(np.searchsorted(self.k, bound, side="right").ravel()[0])
        k, c = self.k[:j], self.c[:j]
        self.k, self.c = self.k[j:], self.c[j:]
        self._fill()
        return k, c


# -- pairs of int64 keys ------------------------------------------------------
_PAIR = np.dtype([("hi", "<i8"), ("lo", "<i8")])
_PAIR_ITEM = 24  # bytes per distinct pair: the two keys and the count


def _reduce_pairs(pairs: np.ndarray, counts):
    """``(distinct pairs, their counts)`` of pairs sorted lexicographically (``counts`` None: each pair once)."""
    if pairs.size == 0:
        return pairs, np.zeros(0, np.int64) if counts is None else counts[:0]
    idx, c = sum_runs((pairs["hi"], pairs["lo"]), counts)
    return pairs[idx], c


class PairCounts(_SpilledRuns):
    """Counts of pairs ``(hi, lo)`` of int64 keys within a memory budget, pairs in lexicographic order.

    As :class:`KeyCounts` for keys that do not fit in one int64 (two 64-bit
    keys: the values of two columns, or the 64-bit keys of their strings):
    24 bytes per distinct pair, sorted runs in memory (an eighth of the
    budget), spilled to a temporary directory and merged once, chunk by
    chunk, into one sorted file; :meth:`chunks` reads ``(hi, lo, counts)``
    back a chunk at a time (``budget / 768`` pairs: 174762 at the default
    budget), as many times as needed.  Use as a context manager (or call
    :meth:`close`): the temporary files are removed on leaving it.

    With ``width`` above 1 each pair carries ``width`` int64 numbers
    (``counts`` of shape ``(m, width)``, summed column by column over equal
    pairs; ``total`` is the sum of the first): the counts of distinct cells
    with numbers of their own, re-sorted by another key.
    """

    _prefix = "infokit-pairs-"
    _item = _PAIR_ITEM
    _kdtype = _PAIR

    def __init__(self, budget=None, *, tmpdir=None, width: int = 1):
        self._init_runs(budget, tmpdir, pending_item=_PAIR_ITEM)
        self.width = int(width)
        self._cdtype = _KEY if self.width == 1 else np.dtype((np.int64, (self.width,)))
        # the sorted run in memory: 1/8 of the budget (merging a buffer into it takes ~2.5x that, see _flush_pending)
        self._run_max = max(self.budget // (8 * _PAIR_ITEM), 1)
        self._pairs = np.zeros(0, _PAIR)
        self._counts = np.zeros(0, self._cdtype)
        self.total = 0

    def add(self, hi: np.ndarray, lo: np.ndarray, counts: np.ndarray | None = None) -> None:
        """Count the pairs ``(hi[i], lo[i])`` (weighted by ``counts``)."""
        hi = np.asarray(hi, dtype=np.int64)
        if hi.size == 0:
            return
        pairs = np.empty(hi.size, _PAIR)
        pairs["hi"] = hi
        pairs["lo"] = lo
        self._enqueue(pairs, counts)

    def _flush_pending(self) -> None:
        if not self._pending:
            return
        parts, self._pending, self._pending_n = self._pending, [], 0
        pairs = np.concatenate([p for p, _ in parts]) if len(parts) > 1 else parts[0][0]
        counts = None
        if any(c is not None for _, c in parts):
            counts = np.concatenate([np.ones(p.size, np.int64) if c is None else c for p, c in parts])
        del parts
        order = np.lexsort((pairs["lo"], pairs["hi"]))
        p, c = _reduce_pairs(pairs[order], None if counts is None else counts[order])
        del pairs, counts, order
        self.total += int(c.sum() if c.ndim == 1 else c[:, 0].sum())
        if self._pairs.size:  # two sorted runs: a stable sort of their concatenation merges them
            both, self._pairs = np.concatenate([self._pairs, p]), np.zeros(0, _PAIR)
            counts, self._counts = np.concatenate([self._counts, c]), np.zeros(0, self._cdtype)
            del p, c
            order = np.argsort(both, kind="stable")
            both = both[order]
            counts = counts[order]
            del order
            p, c = _reduce_pairs(both, counts)  # about 57 bytes a pair at the peak
            del both, counts
        self._pairs, self._counts = p, c
        if self._pairs.size > self._run_max:
            self._spill()

    def _spill(self) -> None:
        self._write_run(self._pairs, self._counts)
        self._pairs, self._counts = np.zeros(0, _PAIR), np.zeros(0, self._cdtype)

    @property
    def spilled(self) -> int:
        """Number of runs written to disk so far."""
        return len(self._runs)

    def chunks(self, size: int | None = None):
        """``(hi, lo, counts)`` of every pair counted, a chunk at a time, pairs in lexicographic order.

        Each pair once; can be iterated again until :meth:`close`.
        """
        for p, c in self._item_chunks(size):
            yield np.ascontiguousarray(p["hi"]), np.ascontiguousarray(p["lo"]), c

    def _held(self):
        return self._pairs, self._counts

    def _bound(self, live):
        bound = min((r.k[-1] for r in live), key=lambda v: (int(v["hi"]), int(v["lo"])))
        return np.array([bound], dtype=_PAIR)

    def _reduce(self, pairs, counts):
        order = np.argsort(pairs, kind="stable")  # runs sorted: the stable sort merges them
        return _reduce_pairs(pairs[order], counts[order])

    def close(self) -> None:
        """Remove the temporary files (idempotent); the counts are gone then."""
        self._remove_runs()
        self._runs = []
        self._pending, self._pending_n = [], 0
        self._pairs, self._counts = np.zeros(0, _PAIR), np.zeros(0, self._cdtype)


class SortedCounts:
    """Distinct int64 keys and their counts, written in increasing order and read back a chunk at a time.

    The counts of the values of a column derived from cells sorted by that
    column (:class:`PairCounts`): appended in order, held in memory up to a
    sixteenth of the budget, then in a temporary file.  :meth:`lookup` gives the
    counts of a stream of increasing keys in one sequential pass.
    """

    def __init__(self, budget=None, *, tmpdir=None):
        self.budget = memory_budget(budget)
        self._tmpdir = tmpdir
        self._keys: list[np.ndarray] = []
        self._counts: list[np.ndarray] = []
        self._held = 0
        self._dir: tempfile.TemporaryDirectory | None = None
        self._stem: str | None = None
        self.size = 0
        self.values, self.mult = np.zeros(0, np.int64), np.zeros(0, np.int64)  # the fingerprint of the counts

    def append(self, keys: np.ndarray, counts: np.ndarray) -> None:
        """Add keys (increasing, each above those added before) with their counts."""
        if keys.size == 0:
            return
        keys, counts = np.asarray(keys, np.int64), np.asarray(counts, np.int64)
        self.size += keys.size
        self.values, self.mult = add_fingerprint(self.values, self.mult, counts)
        self._keys.append(keys)
        self._counts.append(counts)
        self._held += keys.size
        if self._held * 16 > self.budget // 16:
            self._write()

    def _write(self) -> None:
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="infokit-margin-", dir=self._tmpdir)
            self._stem = os.path.join(self._dir.name, "margin")
        assert self._stem is not None
        with open(self._stem + ".keys", "ab") as fk, open(self._stem + ".counts", "ab") as fc:
            for k, c in zip(self._keys, self._counts):
                k.tofile(fk)
                c.tofile(fc)
        self._keys, self._counts, self._held = [], [], 0

    def chunks(self, size: int = 1 << 18):
        """``(keys, counts)``, keys increasing, about ``size`` keys at a time."""
        if self._stem is None:
            yield from zip(self._keys, self._counts)
            return
        if self._keys:
            self._write()
        reader = _RunReader(self._stem, self.size, size)
        while reader.buffered:
            k, c = reader.k, reader.c
            reader.k = reader.c = np.zeros(0, np.int64)
            reader._fill()
            yield k, c

    def lookup(self):
        """A function of increasing key arrays (each key present) returning their counts, one pass over the keys."""
        it = self.chunks()
        state = {"k": np.zeros(0, np.int64), "c": np.zeros(0, np.int64)}

        def counts_of(keys: np.ndarray) -> np.ndarray:
            if keys.size == 0:
                return np.zeros(0, np.int64)
            k, c = state["k"], state["c"]
            i = int(np.searchsorted(k, keys[0]))
            k, c = k[i:], c[i:]
            while not k.size or k[-1] < keys[-1]:
                nk, nc = next(it, (None, None))
                if nk is None:
                    break
                k, c = np.concatenate([k, nk]), np.concatenate([c, nc])
            state["k"], state["c"] = k, c
            pos = np.searchsorted(k, keys)
            if pos.size and (int(pos[-1]) >= k.size or not np.array_equal(k[pos], keys)):  # pragma: no cover
                raise RuntimeError("a key missing from the sorted counts")
            return c[pos]

        return counts_of

    def close(self) -> None:
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None
        self._stem = None
        self._keys, self._counts, self._held, self.size = [], [], 0, 0
