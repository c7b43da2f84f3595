"""Counting samples: the only place where raw samples are turned into counts.

The path is chosen by dtype, with no Python-level loop per sample:

* booleans and integers whose range is small compared with the sample size:
  :func:`numpy.bincount` (on several threads for large inputs);
* other integers, floats, datetimes, fixed-width strings: sorting
  (:func:`numpy.unique`);
* Python objects (strings in an object array, tuples, mixtures): hashing, with
  :class:`collections.Counter`'s C loop, then sorting the distinct outcomes.

Every path returns the observed outcomes in increasing order with their
(positive) counts, and optionally the code of each sample (its index in the
outcomes), which joint tables need.
"""

from __future__ import annotations

from collections import Counter
from itertools import repeat

import sys
from typing import Any

import numpy as np

from infokit._core.blocked import _get_pool, num_threads
from infokit.errors import InvalidArgumentError, InvalidTypeError

__all__ = ["as_samples", "count", "missing_mask", "samples_and_mask", "tally_outcomes", "MISSING_HINT"]

MISSING_HINT = "drop them first or pass dropna=True"
_PARALLEL_MIN = 1 << 20  # samples below which one thread counts


def as_samples(samples, name: str) -> np.ndarray:
    """A 1-D NumPy array of samples from a list, array, pandas/polars Series, or tensor."""
    if isinstance(samples, np.ndarray):
        arr = samples
    elif hasattr(samples, "to_numpy") and not isinstance(samples, (list, tuple)):
        try:  # pandas / polars Series (polars: nulls become None or NaN)
            arr = samples.to_numpy()
        except Exception as exc:  # pragma: no cover - exotic containers
            raise InvalidTypeError(f"'{name}' could not be converted to an array ({exc})") from None
        if arr.dtype.kind not in "biufcmMSUO":  # pandas extension dtypes
            arr = np.asarray(arr, dtype=object)
    elif isinstance(samples, (list, tuple)):
        arr = _from_sequence(samples)
    elif isinstance(samples, (str, bytes, dict, set)) or np.isscalar(samples):
        raise InvalidTypeError(
            f"'{name}' must be a 1-D sequence of samples (list, array, Series); got {type(samples).__name__}"
        )
    else:
        try:  # torch / jax / array-api arrays: via the buffer protocol / __array__
            if hasattr(samples, "detach"):
                samples = samples.detach().cpu()
            arr = np.asarray(samples)
        except Exception as exc:
            raise InvalidTypeError(
                f"'{name}' must be a 1-D sequence of samples; {type(samples).__name__} "
                f"could not be converted to an array ({exc})"
            ) from None
    if arr.ndim != 1:
        raise InvalidArgumentError(
            f"'{name}' must be 1-D (one sample per entry); got shape {arr.shape}. "
            "For several variables use ik.empirical_joint(x, y, ...)"
        )
    if arr.size == 0:
        raise InvalidArgumentError(f"'{name}' is empty: at least one sample is needed")
    if arr.dtype.kind == "c":
        raise InvalidTypeError(f"'{name}' has complex values (dtype {arr.dtype}); outcomes must be real or labels")
    return arr


def _plain_string(v) -> bool:
    """A str or bytes that NumPy's fixed-width strings hold unchanged (no trailing NUL)."""
    if isinstance(v, str):
        return not v.endswith("\x00")
    return isinstance(v, bytes) and not v.endswith(b"\x00")


def _from_sequence(seq) -> np.ndarray:
    arr = None
    if len(seq) and not isinstance(seq[0], (tuple, list, np.ndarray)):
        try:
            arr = np.asarray(seq)
        except (ValueError, TypeError):
            arr = None
    if arr is not None and arr.ndim == 1 and arr.dtype != object:
        # numpy turns [1, "a"] into strings ["1", "a"], and its fixed-width strings drop trailing NUL
        # characters ("a\x00" would be "a"): keep the objects then
        if arr.dtype.kind not in "US" or all(_plain_string(v) for v in seq):
            return arr
    return np.fromiter((tuple(v) if isinstance(v, (list, np.ndarray)) else v for v in seq), dtype=object, count=len(seq))


def _object_fill(values) -> np.ndarray:
    return np.fromiter(values, dtype=object, count=len(values))


def missing_mask(arr: np.ndarray):
    """Boolean mask of missing samples (NaN, NaT, None, pandas.NA, pandas.NaT), or None if there are none.

    The one missing-value rule: the in-memory, streamed and Dask counting all use it.
    """
    kind = arr.dtype.kind
    if kind == "f":
        m = np.isnan(arr)
    elif kind in "mM":
        m = np.isnat(arr)
    elif kind == "O":
        na, nat = _pandas_missing()
        m = np.fromiter((_is_missing(v, na, nat) for v in arr), dtype=bool, count=arr.size)
    else:
        return None
    return m if m.any() else None


def samples_and_mask(samples, name: str):
    """``(values, mask of missing samples or None)`` of a 1-D sample, by the rule of :func:`missing_mask`.

    A pandas Series of a nullable dtype (``Int64``, ``boolean``, ``Float64``, ...) keeps its
    values' NumPy dtype, with ``pandas.NA`` as the mask (``to_numpy`` would make integers with
    a missing value floats); anything else is :func:`as_samples` and :func:`missing_mask`.
    """
    dtype = getattr(samples, "dtype", None)
    numpy_dtype = getattr(dtype, "numpy_dtype", None)
    na = _pandas_missing()[0]
    if (na is not None and numpy_dtype is not None and getattr(dtype, "na_value", None) is na
            and numpy_dtype.kind in "biuf" and hasattr(samples, "isna")):
        mask = np.asarray(samples.isna(), dtype=bool)
        values = as_samples(samples.to_numpy(dtype=numpy_dtype, na_value=numpy_dtype.type(0)), name)
        if numpy_dtype.kind == "f":  # a NaN value is missing too
            mask = mask | np.isnan(values)
        return values, (mask if mask.any() else None)
    arr = as_samples(samples, name)
    return arr, missing_mask(arr)


def _pandas_missing() -> tuple:
    """pandas' missing-value singletons ``(NA, NaT)`` if pandas is already imported, else ``(None, None)``."""
    pd = sys.modules.get("pandas")
    if pd is None:
        return None, None
    return getattr(pd, "NA", None), getattr(pd, "NaT", None)


def _is_missing(v, na=None, nat=None) -> bool:
    """One value by the rule of :func:`missing_mask` (identity checks: ``pandas.NA == x`` is not a bool)."""
    return v is None or v is na or v is nat or (isinstance(v, float) and v != v)


def count(arr: np.ndarray, *, name: str, dropna: bool = False, codes: bool = False):
    """``(outcomes, counts[, codes])`` of a 1-D sample array (see the module docstring)."""
    kind = arr.dtype.kind
    if kind == "b":
        return _count_ints(arr.view(np.uint8), codes, as_bool=True)
    if kind in "iu":
        return _count_ints(arr, codes)
    if kind == "f":
        nan = np.isnan(arr)
        if nan.any():
            if not dropna:
                raise InvalidArgumentError(
                    f"'{name}' contains {int(nan.sum())} NaN value(s) (missing samples); {MISSING_HINT}"
                )
            arr = arr[~nan]
            if arr.size == 0:
                raise InvalidArgumentError(f"'{name}' has no samples left after dropping NaN")
        return _count_sorted(arr, codes)
    if kind in "mM":
        nat = np.isnat(arr)
        if nat.any():
            if not dropna:
                raise InvalidArgumentError(f"'{name}' contains {int(nat.sum())} NaT value(s); {MISSING_HINT}")
            arr = arr[~nat]
            if arr.size == 0:
                raise InvalidArgumentError(f"'{name}' has no samples left after dropping NaT")
        return _count_sorted(arr, codes)
    if kind in "US":
        return _count_sorted(arr, codes)
    return _count_objects(arr, name, dropna, codes)


_BLOCK = 1 << 18  # samples per block: min, max and bincount of a block run on cached data
_THREAD_MAX_WIDTH = 1 << 15  # counts of wider ranges on one thread (a per-thread histogram leaves L2)


def _shifted(b: np.ndarray, base: int) -> np.ndarray:
    """``b - base`` as non-negative indices for bincount (a block-sized copy unless base is 0)."""
    if b.dtype == np.uint64:
        return (b - np.uint64(base) if base else b).astype(np.int64)
    if not base:
        return b
    return np.subtract(b, base, dtype=np.int64)  # int64 arithmetic: no overflow of small dtypes


def _offset(lo: int, hi: int) -> int:
    """The value counted at index 0 of a bincount of values in ``[lo, hi]``: 0 for small non-negative values
    (counted directly, no shifted copy), else ``lo``."""
    return 0 if lo >= 0 and hi < 2 * (hi - lo + 1) else lo


def _bincount_chunk(x: np.ndarray, limit: int):
    """``(base, counts of base, base+1, ..., lo, hi)`` of a chunk, or None if its range exceeds ``limit``.

    The chunk is read once, block by block: each block's max (and min, which
    chooses the offset) and its bincount run on data already in cache.  Once
    the values are counted directly (offset 0), a block needs no min: bincount
    itself rejects negative values, and such a block takes the general path.
    ``lo`` is then an upper bound of the minimum (all samples are >= 0); ``hi``
    is exact.
    """
    n = x.size
    if n <= _BLOCK:  # one block (most calls): the same steps, without the loop's bookkeeping
        lo, hi = int(x.min()), int(x.max())
        if hi - lo + 1 > limit:
            return None
        base = _offset(lo, hi)
        return base, np.bincount(_shifted(x, base)), lo, hi
    acc: Any
    acc, base, lo, hi = None, 0, 0, 0
    i, bs = 0, _BLOCK
    while i < n:
        b = x[i:i + bs]
        i += bs
        c = None
        if acc is not None and base == 0:
            bhi = int(b.max())
            if bhi - lo + 1 > limit:
                return None
            try:
                c = np.bincount(_shifted(b, 0), minlength=acc.size)
                hi = max(hi, bhi)
            except ValueError:  # negative samples: below
                c = None
        if c is None:
            blo, bhi = int(b.min()), int(b.max())
            if acc is None:
                lo, hi = blo, bhi
                base = _offset(blo, bhi)
                acc = np.zeros(0, dtype=np.int64)
            else:
                lo, hi = min(lo, blo), max(hi, bhi)
            if hi - lo + 1 > limit:
                return None
            if lo < base:  # values below the offset: extend the counts downwards
                acc = np.concatenate([np.zeros(base - lo, dtype=np.int64), acc])
                base = lo
            c = np.bincount(_shifted(b, base), minlength=acc.size)
        if c.size > acc.size:
            c[: acc.size] += acc
            acc = c
        else:
            acc += c
        bs = max(_BLOCK, 4 * acc.size)  # keep the per-block bincount output small next to the block
    return base, acc, lo, hi


def _count_ints(x: np.ndarray, want_codes: bool, as_bool: bool = False):
    n = x.size
    limit = max(4 * n, 1 << 16)  # wider ranges are sparse labels: sorted instead
    threads = min(num_threads(), n) if n >= _PARALLEL_MIN else 1
    if threads > 1:
        head = x[:_BLOCK]
        if int(head.max()) - int(head.min()) >= _THREAD_MAX_WIDTH:
            threads = 1  # wide range: per-thread histograms cost more (memory, cache) than threads gain
    if threads == 1:
        one = _bincount_chunk(x, limit)
        if one is None:
            return _count_sorted(x, want_codes)
        base, full, _, hi = one
        length = hi - base + 1
    else:
        parts = list(_get_pool(threads).map(lambda s: _bincount_chunk(s, limit), np.array_split(x, threads)))
        if any(r is None for r in parts):
            return _count_sorted(x, want_codes)
        lo, hi = min(r[2] for r in parts), max(r[3] for r in parts)
        if hi - lo + 1 > limit:
            return _count_sorted(x, want_codes)
        base = min(r[0] for r in parts)
        length = hi - base + 1
        full = np.zeros(length, dtype=np.int64)
        for b, acc, _, _ in parts:
            full[b - base : b - base + acc.size] += acc
    idx = np.flatnonzero(full != 0)  # a boolean mask: several times faster than on the int64 counts
    counts = full[idx].astype(np.int64, copy=False)
    if as_bool:
        outcomes = (idx + base).astype(bool)
    elif base >= 2**63:  # uint64 labels above int64's range: add the offset in uint64
        outcomes = idx.astype(np.uint64) + np.uint64(base)
    else:
        outcomes = (idx + base).astype(x.dtype)
    if not want_codes:
        return outcomes, counts
    remap = np.full(length, -1, dtype=np.int64)
    remap[idx] = np.arange(idx.size)
    if not base:
        sx = x
    elif x.dtype == np.uint64:
        sx = (x - np.uint64(base)).astype(np.int64)
    else:
        sx = x.astype(np.int64) - base
    return outcomes, counts, remap[sx]


def _count_sorted(x: np.ndarray, want_codes: bool):
    if want_codes:
        outcomes, inv, counts = np.unique(x, return_inverse=True, return_counts=True)
        return outcomes, counts.astype(np.int64), inv.astype(np.int64).ravel()
    outcomes, counts = np.unique(x, return_counts=True)
    return outcomes, counts.astype(np.int64)


def tally_outcomes(tally: dict, name: str):
    """Sorted outcomes, their counts and the sorted keys of a ``{outcome: count}`` tally.

    Strings become a ``'U'`` array (unless that would change a label), Python
    ints an int64 array, anything else an object array; outcomes that cannot
    be ordered are an error naming ``name``.
    """
    keys = list(tally)
    try:
        keys.sort()
    except TypeError:
        kinds = sorted({type(k).__name__ for k in keys})
        raise InvalidTypeError(
            f"'{name}' mixes outcome types that cannot be ordered ({', '.join(kinds)}); "
            "convert the samples to one type (e.g. all str)"
        ) from None
    outcomes = _object_fill(keys) if any(isinstance(k, tuple) for k in keys[:1]) else np.array(keys, dtype=object)
    if all(map(isinstance, keys, repeat(str))):
        as_str = outcomes.astype(str)
        if as_str.tolist() == keys:  # 'U' drops trailing NULs: keep the objects then
            outcomes = as_str
    elif all(isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)) for k in keys):
        if -(2**63) <= keys[0] and keys[-1] < 2**63:  # Python ints (object Series): integer outcomes
            outcomes = np.array(keys, dtype=np.int64)
    counts = np.fromiter(map(tally.__getitem__, keys), dtype=np.int64, count=len(keys))
    return outcomes, counts, keys


def _count_objects(x: np.ndarray, name: str, dropna: bool, want_codes: bool):
    try:
        tally = Counter(x)  # C loop over the samples (hashing)
    except TypeError as exc:
        raise InvalidTypeError(
            f"'{name}' has samples that are not hashable ({exc}); outcomes must be labels"
        ) from None
    na, nat = _pandas_missing()  # looked up once: the checks below run per distinct value
    missing = [k for k in tally if _is_missing(k, na, nat)]
    if missing:
        n_missing = sum(tally[k] for k in missing)
        if not dropna:
            raise InvalidArgumentError(f"'{name}' contains {n_missing} missing value(s) (None/NaN); {MISSING_HINT}")
        for k in missing:
            del tally[k]
        if not tally:
            raise InvalidArgumentError(f"'{name}' has no samples left after dropping missing values")
    outcomes, counts, keys = tally_outcomes(tally, name)
    if not want_codes:
        return outcomes, counts
    index = {k: i for i, k in enumerate(keys)}
    return outcomes, counts, np.fromiter(map(index.__getitem__, x), dtype=np.int64, count=x.size)
