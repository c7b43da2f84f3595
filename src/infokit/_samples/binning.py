"""Bins fitted on a reference sample, for comparing two samples bin by bin.

Drift detection (:func:`infokit.drift`) and the command line compare a
*reference* sample with a *current* one through their counts in common bins.
The bins are fitted on the reference only, then every sample — the reference
itself, the current sample, or a file read batch by batch — is counted in
them:

* :func:`fit_bins` — numeric columns: half-open intervals ``[a, b)`` from
  the reference's quantiles (default), equal widths, the Freedman–Diaconis
  rule or explicit edges, plus an explicit **underflow** bin (below the
  reference's range), an **overflow** bin (above it) and a **missing** bin
  (NaN, None); with ``open_ended=True`` the first and last intervals
  extend to ``-inf`` and ``+inf`` instead (:class:`OpenEndedBinning`), so
  that no bin is empty in the reference by construction;
* :func:`fit_categories` — categorical columns: one bin per category of the
  reference, an **unseen** bin (values the reference never had) and a
  **missing** bin;
* :func:`binning_for` — one or the other, from the column's type.

Nothing is ever dropped: every value of the current sample lands in exactly
one bin, so a shift out of the reference's range, a new category or a change
in the rate of missing values shows up in the counts.  Counting is
*mergeable* — ``counts(a) + counts(b) == counts(concatenate(a, b))`` — so a
file larger than memory is counted batch by batch and the counts summed.

Missing values (NaN, None, ``pandas.NA``, NaT) are counted in the missing bin
rather than rejected: in drift monitoring a change in the missing rate is
itself a change of distribution.  ``±inf`` are numbers and fall in the
underflow / overflow bins; the edges are fitted on the finite values.

Examples
--------
>>> import numpy as np
>>> from infokit.binning import fit_bins, fit_categories
>>> b = fit_bins([1.0, 2.0, 3.0, 4.0, 5.0], "uniform", n_bins=2)
>>> b.labels
['(-inf, 1)', '[1, 3)', '[3, 5]', '(5, inf)', '<missing>']
>>> b.counts([0.5, 1.0, 3.0, 5.0, 7.0, np.nan]).tolist()
[1, 1, 2, 1, 1]
>>> c = fit_categories(["a", "b", "a"])
>>> c.labels
['a', 'b', '<unseen>', '<missing>']
>>> c.counts(["a", "z", None, "b", "a"]).tolist()
[2, 1, 1, 1]
"""

from __future__ import annotations

import math
import numbers
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

from infokit._lib.typing import ArrayLike, Bins
from infokit._samples import counting as _counting
from infokit._samples import table as _table
from infokit._samples.table import _as_outcome_array
from infokit.errors import InvalidArgumentError, InvalidTypeError

__all__ = [
    "Binning", "OpenEndedBinning", "Categories", "fit_bins", "fit_bins_from_counts", "fit_categories", "binning_for", "MISSING", "UNSEEN",
    "MAX_BINS", "KeyedCategoryCounts",
]

#: Label of the bin that counts missing values (NaN, None, pandas.NA, NaT).
MISSING = "<missing>"
#: Label of the bin of a :class:`Categories` that counts values the reference never had.
UNSEEN = "<unseen>"

#: The Freedman–Diaconis rule can ask for absurd numbers of bins (heavy tails, a tiny IQR).
MAX_FD_BINS = 1000
#: Most quantile / uniform bins :func:`fit_bins` fits (``n_bins`` or an int ``bins``).
MAX_BINS = 100_000


# --------------------------------------------------------------------------
# converting a column
# --------------------------------------------------------------------------
def _is_empty(values) -> bool:
    try:
        return len(values) == 0
    except TypeError:
        return False


def _as_array(values, name: str) -> np.ndarray:
    """A 1-D NumPy array (pyarrow arrays converted, nulls kept as None / NaN)."""
    mod = type(values).__module__.split(".")[0]
    if mod == "pyarrow" and hasattr(values, "to_numpy"):
        try:
            values = values.to_numpy(zero_copy_only=False)
        except TypeError:  # ChunkedArray.to_numpy has no zero_copy_only
            values = values.to_numpy()
    return _counting.as_samples(values, name)


def _as_float(values, name: str) -> np.ndarray:
    """Numbers as float64 (missing values as NaN); InvalidTypeError for anything else."""
    arr = _as_array(values, name)
    kind = arr.dtype.kind
    if kind in "iufb":
        return arr.astype(np.float64, copy=False)
    if kind in "mM":
        raise InvalidTypeError(
            f"'{name}' holds dates/times (dtype {arr.dtype}); convert them to numbers first "
            "(e.g. seconds since an origin) to bin them as a numeric column"
        )
    if kind != "O":
        raise InvalidTypeError(
            f"'{name}' holds {arr.dtype} values, not numbers; categorical columns are binned by fit_categories"
        )
    out = np.empty(arr.size, dtype=np.float64)
    na, nat = _counting._pandas_missing()
    for i, v in enumerate(arr.tolist()):
        if _counting._is_missing(v, na, nat):
            out[i] = np.nan
        elif isinstance(v, (str, bytes, bool, np.bool_)) or not isinstance(v, numbers.Real):
            raise InvalidTypeError(
                f"'{name}' has the non-numeric value {v!r} (of type {type(v).__name__}); a numeric column "
                "must hold numbers or missing values"
            )
        else:
            out[i] = float(v)
    return out


def _is_numeric(arr: np.ndarray) -> bool:
    """Whether a column is binned as numbers: int/float dtypes, or objects that are all numbers."""
    kind = arr.dtype.kind
    if kind in "iuf":
        return True
    if kind != "O":
        return False
    seen = False
    na, nat = _counting._pandas_missing()
    for v in arr.tolist():
        if _counting._is_missing(v, na, nat):
            continue
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
            return False
        seen = True
    return seen


def _fmt_numbers(values) -> list[str]:
    """Shortest ``%g`` formatting (at least 4 significant digits) that keeps distinct values distinct."""
    values = [float(v) for v in values]
    distinct = len(set(values))
    for digits in range(4, 18):
        out = [f"{v:.{digits}g}" for v in values]
        if len(set(out)) == distinct:
            return out
    return [repr(v) for v in values]  # pragma: no cover - 17 digits always distinguish doubles


# --------------------------------------------------------------------------
# numeric bins
# --------------------------------------------------------------------------
class Binning:
    """Bins of a numeric column: underflow, intervals, overflow, missing.

    Build one with :func:`fit_bins` (or :func:`binning_for`).

    Attributes
    ----------
    cuts : ndarray of float64
        Strictly increasing boundaries ``c_0 < c_1 < ... < c_k``.  Bin 0
        (underflow) is ``x < c_0``; bin ``i`` (``1 <= i <= k``) is
        ``c_{i-1} <= x < c_i``; bin ``k + 1`` (overflow) is ``x >= c_k``; the
        last bin counts missing values.  When the last interval is closed
        (``[a, max]``, as in :func:`numpy.histogram`), ``c_k`` is the double
        just above ``max``.
    labels : list of str
        ``"(-inf, c_0)"``, ``"[c_0, c_1)"``, ..., ``"[c_{k-1}, max]"``,
        ``"(max, inf)"``, ``"<missing>"``.
    n_bins : int
        ``len(labels)`` (``k + 3``).
    method : str
        How the bins were fitted ("quantile", "uniform", "fd", "edges").
    kind : str
        ``"numeric"``.
    """

    kind = "numeric"
    #: Whether the outer intervals extend to ``-inf`` / ``+inf`` (:class:`OpenEndedBinning`).
    open_ended = False
    __slots__ = ("_cuts", "_closed_last", "_method", "_labels")

    def __init__(self, cuts: ArrayLike, *, closed_last: bool = True, method: str = "edges") -> None:
        cuts = np.array(cuts, dtype=np.float64)
        if cuts.ndim != 1 or cuts.size < 2 or not np.all(np.isfinite(cuts)) or np.any(np.diff(cuts) <= 0):
            raise InvalidArgumentError("bin cuts must be at least 2 finite, strictly increasing numbers")
        cuts.flags.writeable = False
        self._cuts = cuts
        self._closed_last = bool(closed_last)
        self._method = method
        self._labels = self._make_labels()

    def _make_labels(self) -> list[str]:
        c = self._cuts.tolist()
        top = math.nextafter(c[-1], -math.inf) if self._closed_last else c[-1]
        text = _fmt_numbers(c[:-1] + [top])
        low, top_s = text[:-1], text[-1]
        labels = [f"(-inf, {low[0]})"]
        for i in range(len(low) - 1):
            labels.append(f"[{low[i]}, {low[i + 1]})")
        if self._closed_last:
            labels.append(f"[{low[-1]}, {top_s}]")
            labels.append(f"({top_s}, inf)")
        else:
            labels.append(f"[{low[-1]}, {top_s})")
            labels.append(f"[{top_s}, inf)")
        labels.append(MISSING)
        return labels

    @property
    def cuts(self) -> np.ndarray:
        return self._cuts

    @property
    def labels(self) -> list[str]:
        return list(self._labels)

    @property
    def n_bins(self) -> int:
        return len(self._labels)

    @property
    def method(self) -> str:
        return self._method

    def __len__(self) -> int:
        return self.n_bins

    def __repr__(self) -> str:
        return f"Binning(method={self._method!r}, n_bins={self.n_bins}, labels={self._labels!r})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Binning):
            return NotImplemented
        return self._closed_last == other._closed_last and np.array_equal(self._cuts, other._cuts)

    __hash__ = None  # type: ignore[assignment]  # unhashable, as typeshed spells it

    def counts(self, values: ArrayLike, weights: ArrayLike | None = None) -> np.ndarray:
        """Counts of ``values`` in each bin (int64, length :attr:`n_bins`).

        Every value is counted once (``weights[i]`` times with ``weights``:
        the counts of distinct values): below the reference's range in the
        underflow bin, above it in the overflow bin, NaN/None in the missing
        bin.  An empty input gives zeros, so batches of a file can be counted
        one at a time and summed.

        Raises
        ------
        InvalidTypeError
            Values that are not numbers (strings, dates).
        """
        out = np.zeros(self.n_bins, dtype=np.int64)
        if _is_empty(values):
            return out
        x = _as_float(values, "values")
        w = None if weights is None else np.asarray(weights, dtype=np.int64)
        if w is not None and w.shape != x.shape:
            raise InvalidArgumentError(f"'weights' must have the shape of 'values' ({x.shape}; got {w.shape})")
        nan = np.isnan(x)
        n_nan = int(np.count_nonzero(nan)) if w is None else int(w[nan].sum())
        if nan.any():
            x = x[~nan]
            w = None if w is None else w[~nan]
        idx = np.searchsorted(self._separators(), x, side="right")
        if w is None:
            out[:-1] = np.bincount(idx, minlength=self.n_bins - 1)
        else:
            np.add.at(out, idx, w)  # exact int64 sums (bincount's weights are float64)
        out[-1] = n_nan
        return out

    def _separators(self) -> np.ndarray:
        """The boundaries that separate bins: all cuts (underflow and overflow bins outside them)."""
        return self._cuts


class OpenEndedBinning(Binning):
    """Bins of a numeric column whose outer intervals are open-ended: intervals, missing.

    Fitted like :class:`Binning` (``fit_bins(..., open_ended=True)``), but the
    first interval is ``(-inf, c_1)`` and the last ``[c_{k-1}, inf)``: there
    are no underflow and overflow bins.  Every bin of the fitted reference
    then holds reference values (for quantile bins, about the same number),
    and a value of another sample beyond the reference's range is counted in
    the outermost interval on its side.

    Attributes
    ----------
    cuts : ndarray of float64
        The fitted boundaries ``c_0 < c_1 < ... < c_k`` (``c_0`` and ``c_k``
        span the reference's range, as in :class:`Binning`); only the inner
        ones ``c_1 .. c_{k-1}`` separate bins.  Bin ``i`` (``0 <= i < k``) is
        ``c_i <= x < c_{i+1}`` with ``c_0 = -inf`` and ``c_k = +inf``; the
        last bin counts missing values.
    labels : list of str
        ``"(-inf, c_1)"``, ``"[c_1, c_2)"``, ..., ``"[c_{k-1}, inf)"``, ``"<missing>"``.
    n_bins : int
        ``len(labels)`` (``k + 1``).
    """

    open_ended = True
    __slots__ = ()

    def _make_labels(self) -> list[str]:
        inner = _fmt_numbers(self._cuts[1:-1].tolist())
        bounds = ["-inf"] + inner + ["inf"]
        labels = [f"[{bounds[i]}, {bounds[i + 1]})" for i in range(len(bounds) - 1)]
        labels[0] = "(" + labels[0][1:]
        return labels + [MISSING]

    def __repr__(self) -> str:
        return f"OpenEndedBinning(method={self._method!r}, n_bins={self.n_bins}, labels={self._labels!r})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Binning):
            return NotImplemented
        return other.open_ended and np.array_equal(self._cuts, other._cuts)

    __hash__ = None

    def _separators(self) -> np.ndarray:
        """The inner cuts only: the outer intervals reach to -inf and +inf."""
        return self._cuts[1:-1]


def _check_n_bins(n_bins) -> int:
    if isinstance(n_bins, bool) or not isinstance(n_bins, numbers.Integral) or n_bins < 1:
        raise InvalidArgumentError(f"'n_bins' must be a positive int (got {n_bins!r})")
    if n_bins > MAX_BINS:  # type: ignore[operator]  # mypy does not model arithmetic on the numbers ABCs
        raise InvalidArgumentError(
            f"'n_bins' (or an int 'bins') must be at most {MAX_BINS} (got {n_bins!r}); more bins than that "
            "leave most of them nearly empty"
        )
    return int(n_bins)


def _close(edges: np.ndarray) -> np.ndarray:
    """Edges whose last interval is closed, as half-open cuts (the last edge nudged up one ulp)."""
    cuts = np.array(edges, dtype=np.float64)
    cuts[-1] = np.nextafter(cuts[-1], np.inf)
    return cuts


def fit_bins(reference_values: ArrayLike, bins: Bins = "quantile", *, n_bins: int = 10,
             open_ended: bool = False) -> Binning:
    """Fit bins for a numeric column on a reference sample.

    Parameters
    ----------
    reference_values : array_like
        The reference sample (numbers; NaN/None are ignored for fitting;
        infinities are ignored for fitting and later fall in the
        underflow/overflow bins).
    bins : {"quantile", "uniform", "fd"}, int or array_like, optional
        * ``"quantile"`` (default): ``n_bins`` equal-frequency bins, edges at
          the reference's quantiles (repeated edges merged, so ties give
          fewer bins).  When the reference has at most ``n_bins`` distinct
          values, each distinct value gets its own bin (a 0/1 flag gets the
          bins ``[0, 1)`` and ``[1, 1]``).
        * an int ``N``: ``N`` quantile bins (the same as ``"quantile"`` with
          ``n_bins=N``): the convention of drift monitoring, where the
          population stability index is taken over deciles of the reference
          (every bin then holds reference mass).  Note that ``bins=N`` of the
          estimators and of :func:`infokit.empirical` means ``N``
          *equal-width* bins instead, as :func:`numpy.histogram`.
        * ``"uniform"``: ``n_bins`` equal-width bins over ``[min, max]``.
        * ``"fd"``: NumPy's Freedman–Diaconis edges
          (:func:`numpy.histogram_bin_edges` with ``bins="fd"``); an error if
          the rule asks for more than 1000 bins.
        * an array of edges: at least 2 finite, strictly increasing numbers.

        In every case the intervals are ``[a, b)`` except the last, which is
        closed, as in :func:`numpy.histogram`.
    n_bins : int, optional
        Number of bins for ``"quantile"`` and ``"uniform"``, at most
        :data:`MAX_BINS` (100 000). Default 10.
    open_ended : bool, optional
        Bins fitted on the reference (``"quantile"``, ``"uniform"``, ``"fd"``,
        an int) get open-ended outer intervals ``(-inf, c_1)`` and
        ``[c_{k-1}, inf)`` instead of underflow and overflow bins
        (:class:`OpenEndedBinning`): no bin is then empty in the reference
        by construction.  Explicit edges are fixed in advance and keep their
        underflow and overflow bins, and so does a reference with a single
        distinct value (its value is the only boundary there is).  Default
        False.

    Returns
    -------
    Binning
        The intervals plus underflow, overflow and missing bins (or an
        :class:`OpenEndedBinning`: the intervals and the missing bin).

    Raises
    ------
    InvalidArgumentError
        Unknown ``bins``, bad edges, more than :data:`MAX_BINS` bins, a
        reference with no finite value.
    InvalidTypeError
        A reference that is not numeric.

    Examples
    --------
    >>> from infokit.binning import fit_bins
    >>> fit_bins([0, 0, 1, 1, 1]).labels
    ['(-inf, 0)', '[0, 1)', '[1, 1]', '(1, inf)', '<missing>']
    >>> fit_bins(range(100), n_bins=4).labels
    ['(-inf, 0)', '[0, 24.75)', '[24.75, 49.5)', '[49.5, 74.25)', '[74.25, 99]', '(99, inf)', '<missing>']
    >>> fit_bins([5.0, 7.0], [0, 10]).counts([-1, 0, 10, 10.5]).tolist()
    [1, 2, 1, 0]
    >>> b = fit_bins(range(100), n_bins=4, open_ended=True)
    >>> b.labels
    ['(-inf, 24.75)', '[24.75, 49.5)', '[49.5, 74.25)', '[74.25, inf)', '<missing>']
    >>> b.counts([-1000.0, 50.0, 1000.0]).tolist()
    [1, 0, 1, 1, 0]
    """
    if not isinstance(bins, str) and not (isinstance(bins, numbers.Integral) and not isinstance(bins, bool)):
        try:
            edges = np.asarray(bins, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                f"'bins' must be 'quantile', 'uniform', 'fd', an int or an array of edges (got {bins!r})"
            ) from None
        if edges.ndim != 1 or edges.size < 2 or not np.all(np.isfinite(edges)) or np.any(np.diff(edges) <= 0):
            raise InvalidArgumentError(
                "explicit bin edges must be at least 2 finite, strictly increasing numbers "
                "(underflow and overflow bins are added automatically)"
            )
        if not _is_empty(reference_values):
            _as_float(reference_values, "reference")  # the column must still be numeric
        return Binning(_close(edges), method="edges")
    rule, n_bins = _fitted_rule(bins, n_bins)
    if _is_empty(reference_values):
        raise InvalidArgumentError("the reference sample is empty: bins are fitted on the reference")
    x = _as_float(reference_values, "reference")
    x = x[np.isfinite(x)]
    if x.size == 0:
        return _fit_counted(x, x, rule, n_bins, open_ended)  # its error
    # no sort: min, max and np.quantile (a partition), the same numbers as the sorted route of
    # _fit_counted bit for bit (``+ 0.0`` turns -0.0 into 0.0, as there); the distinct values are
    # needed (and sorted) only when tied quantiles leave fewer than n_bins bins
    lo, hi = float(x.min()) + 0.0, float(x.max()) + 0.0
    return _fit(lo, hi, x.size, lambda qs: np.quantile(x, qs) + 0.0, lambda: np.unique(x) + 0.0,
                rule, n_bins, open_ended)


def _fitted_rule(bins, n_bins) -> tuple[str, int]:
    """``(rule, n_bins)`` of a ``bins=`` that is fitted on the reference (not explicit edges), checked."""
    if isinstance(bins, numbers.Integral):
        n_bins, bins = _check_n_bins(bins), "quantile"
    n_bins = _check_n_bins(n_bins)
    if bins not in ("quantile", "uniform", "fd"):
        raise InvalidArgumentError(
            f"'bins' must be 'quantile', 'uniform', 'fd', an int or an array of edges (got {bins!r})"
        )
    return bins, n_bins


def fit_bins_from_counts(values: ArrayLike, counts: ArrayLike, bins: Bins = "quantile", *, n_bins: int = 10,
                         open_ended: bool = False) -> Binning:
    """:func:`fit_bins` on a reference given as its distinct values and their counts.

    The bins are those :func:`fit_bins` fits on the reference in which each
    ``values[i]`` occurs ``counts[i]`` times, bit for bit (:func:`fit_bins`
    itself counts its reference's distinct values and calls this), so a
    reference too large for memory can be fitted from its streamed counts.

    Parameters
    ----------
    values : array_like of float
        The reference's distinct values, strictly increasing.  Non-finite
        values (NaN, ``±inf``) are ignored, as :func:`fit_bins` ignores them.
    counts : array_like of int
        How many times each value occurs (positive).
    bins : {"quantile", "uniform", "fd"} or int, optional
        As in :func:`fit_bins` (explicit edges need no reference: use
        :func:`fit_bins`).
    n_bins, open_ended
        As in :func:`fit_bins`.

    Returns
    -------
    Binning

    Raises
    ------
    InvalidArgumentError
        Unknown ``bins``; ``values`` not strictly increasing or ``counts``
        not positive integers of the same length; no finite value.

    Examples
    --------
    >>> from infokit.binning import fit_bins, fit_bins_from_counts
    >>> fit_bins_from_counts([0.0, 1.0, 2.5], [3, 1, 4], n_bins=2) == fit_bins([0, 0, 0, 1, 2.5, 2.5, 2.5, 2.5], n_bins=2)
    True
    """
    rule, n_bins = _fitted_rule(bins, n_bins)
    v = np.asarray(values, dtype=np.float64)
    c = np.asarray(counts)
    if v.ndim != 1 or c.shape != v.shape:
        raise InvalidArgumentError(
            f"'values' and 'counts' must be 1-D arrays of the same length (got shapes {v.shape} and {c.shape})")
    if c.size and (c.dtype.kind not in "iu" or int(c.min()) < 1):
        raise InvalidArgumentError("'counts' must be positive integers (how many times each value occurs)")
    finite = np.isfinite(v)
    v, c = v[finite], c[finite].astype(np.int64, copy=False)
    if v.size > 1 and np.any(v[1:] <= v[:-1]):
        raise InvalidArgumentError("'values' must be strictly increasing (the distinct values, sorted)")
    return _fit_counted(v, c, rule, n_bins, open_ended)


def _order_statistics(values: np.ndarray, cumulative: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """The ``ranks``-th smallest values (0-based) of the sample whose sorted distinct values have these cumulative counts."""
    return values[np.searchsorted(cumulative, ranks, side="right")]


def _counted_quantiles(values: np.ndarray, cumulative: np.ndarray, qs: np.ndarray) -> np.ndarray:
    """``numpy.quantile(sample, qs)`` (method "linear") from the sorted distinct values and cumulative counts.

    The same floating-point operations as NumPy's: the virtual index
    ``(n - 1) q``, the order statistics at its floor and the next rank (the
    last one past the end), and the interpolation ``a + (b - a) g``, or
    ``b - (b - a)(1 - g)`` where ``g >= 0.5``, so the result is the same bit
    for bit.
    """
    n = int(cumulative[-1])
    below_rank, above_rank, gamma = _quantile_ranks(n, qs)
    a = _order_statistics(values, cumulative, below_rank)
    b = _order_statistics(values, cumulative, above_rank)
    with np.errstate(over="ignore", invalid="ignore"):  # b - a beyond the doubles: cuts that Binning rejects
        diff = b - a
        out = a + diff * gamma
        upper = gamma >= 0.5
        out[upper] = (b - diff * (1 - gamma))[upper]
    return out


def _quantile_ranks(n: int, qs):
    """``(rank below, rank above, weight)`` of NumPy's linear quantiles ``qs`` of ``n`` sorted values."""
    qs = np.asarray(qs, dtype=np.float64)
    virtual = (n - 1) * qs
    below = np.floor(virtual)
    at_end = virtual >= n - 1
    below_rank = np.where(at_end, n - 1, below).astype(np.intp)
    above_rank = np.where(at_end, n - 1, below + 1).astype(np.intp)
    # the weight is taken against the rank -1 where NumPy indexes the last value from the end
    gamma = virtual - np.where(at_end, -1, below_rank)
    return below_rank, above_rank, gamma


def _rule_quantiles(rule: str, n_bins: int) -> np.ndarray:
    """The quantiles of the reference a fitted rule reads (besides its minimum and maximum)."""
    if rule == "quantile":
        return np.linspace(0.0, 1.0, n_bins + 1)
    if rule == "fd":
        return np.array([0.25, 0.75])
    return np.zeros(0)


def fit_bins_from_sorted_chunks(chunks, bins="quantile", *, n_bins: int = 10, open_ended: bool = False) -> Binning:
    """:func:`fit_bins_from_counts` of a reference given as chunks of its sorted distinct values and counts.

    ``chunks()`` returns an iterator of ``(values, counts)`` (float values,
    increasing within and across chunks; each value once); it is iterated
    twice and never held whole: the first pass counts the finite values
    ``n``, the second keeps only the values at the ranks the rule reads
    (its quantiles, the minimum and the maximum) and the first ``n_bins + 1``
    values, with counts that keep their cumulative counts.  The bins are
    those of :func:`fit_bins_from_counts` of all the values, bit for bit, in
    memory independent of the number of distinct values.
    """
    rule, n_bins = _fitted_rule(bins, n_bins)
    n = 0
    for v, c in chunks():
        finite = np.isfinite(v)
        n += int(np.asarray(c)[finite].sum())
    if n == 0:
        return fit_bins_from_counts(np.zeros(0), np.zeros(0, np.int64), rule, n_bins=n_bins, open_ended=open_ended)
    below, above, _ = _quantile_ranks(n, _rule_quantiles(rule, n_bins))
    ranks = np.unique(np.concatenate([below, above, [0, n - 1]]).astype(np.int64))
    kept_v, kept_cum = [], []
    seen = 0  # finite values before this chunk
    first = n_bins + 1  # distinct values still kept from the start
    for v, c in chunks():
        v = np.asarray(v, dtype=np.float64)
        c = np.asarray(c, dtype=np.int64)
        finite = np.isfinite(v)
        v, c = v[finite], c[finite]
        if not v.size:
            continue
        cum = seen + np.cumsum(c)
        # the value of rank r is the first whose cumulative count exceeds r
        lo, hi = np.searchsorted(ranks, [seen, cum[-1]])
        idx = np.searchsorted(cum, ranks[lo:hi], side="right")
        if first > 0:
            idx = np.concatenate([idx, np.arange(min(first, v.size))])
            first -= min(first, v.size)
        idx = np.unique(idx)
        kept_v.append(v[idx])
        kept_cum.append(cum[idx])
        seen = int(cum[-1])
    values = np.concatenate(kept_v)
    counts = np.diff(np.concatenate(kept_cum), prepend=0)
    return fit_bins_from_counts(values, counts, rule, n_bins=n_bins, open_ended=open_ended)


def _fit_counted(values: np.ndarray, counts: np.ndarray, bins: str, n_bins: int, open_ended: bool) -> Binning:
    """The bins of a checked rule on sorted, distinct, finite ``values`` occurring ``counts`` times."""
    if values.size == 0:
        raise InvalidArgumentError("the reference sample has no finite value to fit bins on (all missing or infinite)")
    zero = int(np.searchsorted(values, 0.0))
    if zero < values.size and values[zero] == 0.0 and np.signbit(values[zero]):
        values = values.copy()  # -0.0 as 0.0 (there is at most one zero among distinct values)
        values[zero] = 0.0
    cumulative = np.cumsum(counts, dtype=np.int64)
    return _fit(float(values[0]), float(values[-1]), int(cumulative[-1]),
                lambda qs: _counted_quantiles(values, cumulative, qs), lambda: values, bins, n_bins, open_ended)


def _fit(lo: float, hi: float, n: int, quantiles, distinct, bins: str, n_bins: int, open_ended: bool) -> Binning:
    """The bins of a checked rule on a reference of ``n`` finite values from ``lo`` to ``hi``.

    ``quantiles(qs)``: :func:`numpy.quantile` of the reference (method
    "linear"); ``distinct()``: its sorted distinct values (asked for only when
    tied quantiles leave fewer than ``n_bins`` bins).
    """
    if lo == hi:
        return Binning([lo, math.nextafter(lo, math.inf)], method=bins)  # one bin: [lo, lo]
    if bins == "quantile":
        edges = np.unique(quantiles(np.linspace(0.0, 1.0, n_bins + 1)))
        edges[0], edges[-1] = lo, hi
        if edges.size <= n_bins:  # tied quantiles: few distinct values?
            values = distinct()
            if values.size <= n_bins:
                # one bin per distinct value: [u_0, u_1), ..., [u_last, u_last]
                cuts = np.append(values, math.nextafter(hi, math.inf))
                return (OpenEndedBinning if open_ended else Binning)(cuts, method="quantile")
    elif bins == "uniform":
        edges = np.linspace(lo, hi, n_bins + 1)
    else:
        # Freedman–Diaconis, as numpy.histogram_bin_edges(bins="fd"): width 2 IQR n^(-1/3) over [min, max]
        q25, q75 = quantiles(np.array([0.25, 0.75]))
        width = 2.0 * float(q75 - q25) * n ** (-1.0 / 3.0)
        wanted = (hi - lo) / width if width > 0 else 1.0
        if wanted > MAX_FD_BINS:
            raise InvalidArgumentError(
                f"the Freedman–Diaconis rule asks for {math.ceil(wanted)} bins on this reference (more than "
                f"{MAX_FD_BINS}: heavy tails or a tiny interquartile range); use bins='quantile' or an int"
            )
        edges = np.linspace(lo, hi, (int(np.ceil((hi - lo) / width)) if width else 1) + 1)
    return (OpenEndedBinning if open_ended else Binning)(_close(edges), method=bins)


# --------------------------------------------------------------------------
# categorical bins
# --------------------------------------------------------------------------
class Categories:
    """Bins of a categorical column: the reference's categories, unseen, missing.

    Build one with :func:`fit_categories` (or :func:`binning_for`).

    Attributes
    ----------
    categories : ndarray
        The reference's distinct (non-missing) values, in increasing order.
    labels : list of str
        ``str`` of each category, then ``"<unseen>"`` (values absent from the
        reference) and ``"<missing>"``.
    n_bins : int
        ``len(categories) + 2``.
    kind : str
        ``"categorical"``.
    """

    kind = "categorical"
    __slots__ = ("_categories", "_index")

    def __init__(self, categories: ArrayLike | Sequence[Any]) -> None:
        cats = np.asarray(categories) if not isinstance(categories, np.ndarray) else categories
        cats = cats.view()
        cats.flags.writeable = False
        keys = cats.tolist()
        index = {}
        for i, k in enumerate(keys):
            if k in index:
                raise InvalidArgumentError(f"categories must be distinct; {k!r} is repeated")
            index[k] = i
        self._categories = cats
        self._index = index

    @property
    def categories(self) -> np.ndarray:
        return self._categories

    @property
    def labels(self) -> list[str]:
        return [str(c) for c in self._categories.tolist()] + [UNSEEN, MISSING]

    @property
    def n_bins(self) -> int:
        return self._categories.size + 2

    @property
    def method(self) -> str:
        return "categories"

    def __len__(self) -> int:
        return self.n_bins

    def __repr__(self) -> str:
        return f"Categories(n_categories={self._categories.size}, labels={self.labels[:12]!r})"

    def __eq__(self, other) -> bool:
        if not isinstance(other, Categories):
            return NotImplemented
        return self._categories.tolist() == other._categories.tolist()

    __hash__ = None  # type: ignore[assignment]  # unhashable, as typeshed spells it

    def counts(self, values: ArrayLike | Sequence[Any]) -> np.ndarray:
        """Counts of ``values`` in each bin (int64, length :attr:`n_bins`).

        A value the reference never had is counted in the unseen bin
        (second to last); missing values in the missing bin (last).  An
        empty input gives zeros; counts of batches sum to the counts of the
        whole.
        """
        out = np.zeros(self.n_bins, dtype=np.int64)
        if _is_empty(values):
            return out
        arr = _as_array(values, "values")
        miss = _counting.missing_mask(arr)
        if miss is not None:
            out[-1] = int(np.count_nonzero(miss))
            arr = arr[~miss]
        if arr.size == 0:
            return out
        keys, cnt = _tally(arr)
        unseen = self.n_bins - 2
        idx = np.fromiter((self._index.get(k, unseen) for k in keys), dtype=np.int64, count=len(keys))
        np.add.at(out, idx, cnt)
        return out


class KeyedCategoryCounts:
    """The counts of a reference and a current sample in categorical bins identified by key, a chunk at a time.

    The bins of :class:`Categories` -- one per category of the reference,
    then the unseen and missing bins -- for a text column with more distinct
    values than the memory budget holds: each category is known by a 64-bit
    key of its string (:func:`infokit.io._spill.string_keys`), its string
    not kept, so the categories cannot be listed (:attr:`labels` is None).
    Made by :func:`infokit.io.read_drift_counts`; what
    :func:`infokit.drift.drift_from_counts` computes from them equals what it
    computes from the two count vectors in memory, ordered by key.

    ``chunks()`` returns a fresh iterator of ``(reference counts, current
    counts)`` (int64 arrays of equal length) over consecutive bins: the
    categories in key order, then the unseen and missing bins in the last
    chunk.  :meth:`close` removes what the counts are read from (files on
    disk past the memory budget); idempotent.

    Attributes
    ----------
    n_categories : int
        The reference's distinct (non-missing) values.
    n_bins : int
        ``n_categories + 2``.
    """

    kind = "categorical"
    method = "categories by key"
    labels = None

    def __init__(self, chunks: Callable[[], Iterator[tuple[np.ndarray, np.ndarray]]], n_categories: int,
                 close: Callable[[], None] | None = None) -> None:
        self._chunks = chunks
        self.n_categories = int(n_categories)
        self._close = close

    @property
    def n_bins(self) -> int:
        return self.n_categories + 2

    def chunks(self) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """A fresh iterator of ``(reference counts, current counts)`` of consecutive bins (see the class)."""
        return self._chunks()

    def close(self) -> None:
        """Remove what the counts are read from (idempotent)."""
        close, self._close = self._close, None
        if close is not None:
            close()

    def __repr__(self) -> str:
        return f"KeyedCategoryCounts(n_categories={self.n_categories})"


def _tally(arr: np.ndarray):
    """Distinct values (as Python objects) and their counts, in no particular order (no sorting of mixed types)."""
    if arr.dtype.kind != "O":
        outcomes, cnt = np.unique(arr, return_counts=True)
        return outcomes.tolist(), cnt.astype(np.int64)
    try:
        tally = Counter(arr.tolist())
    except TypeError as exc:
        raise InvalidTypeError(
            f"'values' has values that are not hashable ({exc}); categories must be labels"
        ) from None
    return list(tally), np.fromiter(tally.values(), dtype=np.int64, count=len(tally))


def fit_categories(reference_values: ArrayLike | Sequence[Any],
                   current_values: ArrayLike | Sequence[Any] | None = None) -> Categories:
    """One bin per category of a reference sample, plus unseen and missing bins.

    Parameters
    ----------
    reference_values : array_like
        The reference sample (strings, bools, ints, any hashable labels);
        missing values are ignored for fitting.
    current_values : array_like, optional
        A second sample whose categories are added after the reference's:
        the two samples are then aligned on the union of their categories,
        each new category in a bin of its own (what :func:`infokit.drift`
        does with both samples in memory).

    Returns
    -------
    Categories

    Raises
    ------
    InvalidArgumentError
        A reference that is empty or entirely missing.

    Notes
    -----
    Values of another sample that are not among the categories are counted
    together in the ``"<unseen>"`` bin, which is empty in the reference by
    construction: any such value makes ``D(current || reference)`` infinite
    (unless smoothed) and shows in ``zero_bins_ref`` of :func:`infokit.drift`.
    Categories are matched by equality of Python values (``1 == 1.0``,
    ``1 != "1"``).

    Examples
    --------
    >>> from infokit.binning import fit_categories
    >>> c = fit_categories(["red", "green", "red", None])
    >>> c.labels
    ['green', 'red', '<unseen>', '<missing>']
    >>> c.counts(["red", "blue", "blue"]).tolist()
    [0, 1, 2, 0]
    >>> fit_categories(["red", "green"], ["blue", "red"]).labels
    ['green', 'red', 'blue', '<unseen>', '<missing>']
    """
    if _is_empty(reference_values):
        raise InvalidArgumentError("the reference sample is empty: categories are taken from the reference")
    ref = _distinct(reference_values, "reference")
    if ref is None:
        raise InvalidArgumentError("the reference sample has no non-missing value to take categories from")
    if current_values is None or _is_empty(current_values):
        return Categories(ref)
    cur = _distinct(current_values, "current")
    if cur is None:
        return Categories(ref)
    known = set(ref.tolist())
    new = [v for v in cur.tolist() if v not in known]
    if not new:
        return Categories(ref)

    return Categories(_as_outcome_array(ref.tolist() + new, ref))


def _distinct(values, name: str):
    """Distinct non-missing values in increasing order, or None if there are none."""
    arr = _as_array(values, name)
    miss = _counting.missing_mask(arr)
    if miss is not None:
        arr = arr[~miss]
    if arr.size == 0:
        return None
    try:
        return _counting.count(arr, name=name)[0]  # sorted
    except InvalidTypeError:
        _tally(arr)  # raises for unhashable values
        keys = list(dict.fromkeys(arr.tolist()))  # labels of types that cannot be ordered: first-seen order
        return np.fromiter(keys, dtype=object, count=len(keys))


def binning_for(reference_values: ArrayLike | Sequence[Any], bins: Bins = "quantile", *, n_bins: int = 10,
                current_values: ArrayLike | Sequence[Any] | None = None,
                open_ended: bool = False) -> Binning | Categories:
    """Bins for a column of either type: :func:`fit_bins` for numbers, :func:`fit_categories` otherwise.

    Parameters
    ----------
    reference_values : array_like
        The reference sample.  Integer and float columns (and object columns
        holding only numbers and missing values) are numeric; strings,
        booleans, categoricals and other labels are categorical.
    bins, n_bins, open_ended
        As in :func:`fit_bins`; used for numeric columns only.  Explicit
        edges for a categorical column are an error.

    Returns
    -------
    Binning or Categories

    Examples
    --------
    >>> from infokit.binning import binning_for
    >>> binning_for([1.5, 2.5, 3.5]).kind, binning_for(["a", "b"]).kind
    ('numeric', 'categorical')
    """
    if _is_empty(reference_values):
        raise InvalidArgumentError("the reference sample is empty: bins are fitted on the reference")
    arr = _as_array(reference_values, "reference")
    if _is_numeric(arr):
        return fit_bins(arr, bins, n_bins=n_bins, open_ended=open_ended)
    if not isinstance(bins, (str, numbers.Integral)):
        raise InvalidArgumentError(
            f"explicit bin edges were given for a categorical column (dtype {arr.dtype}); "
            "categorical columns get one bin per reference category"
        )
    return fit_categories(arr, current_values)


# --------------------------------------------------------------------------
# bins= of the estimators and of ik.empirical
# --------------------------------------------------------------------------
#: Number of bins of ``bins="quantile"`` / ``bins="uniform"`` without a count (as :func:`fit_bins`).
DEFAULT_SAMPLE_BINS = 10

BINS_HELP = ("'bins' must be a number of equal-width bins (an int), 'fd', 'quantile', 'uniform', "
             "('quantile', N), ('uniform', N), an increasing array of edges, or a Binning from "
             "infokit.binning.fit_bins")


def sample_binning(bins, reference) -> tuple[Binning, bool]:
    """The :class:`Binning` that ``bins=`` of an estimate asks for, and whether it was fitted on ``reference``.

    ``bins`` (as :func:`infokit.empirical` and the estimators take it):

    * an int ``N``: ``N`` equal-width bins over ``[min, max]`` of the
      reference, as :func:`numpy.histogram` with ``bins=N`` (note: in
      :func:`infokit.drift` an int means quantile bins);
    * ``"fd"``: the Freedman–Diaconis edges of :func:`numpy.histogram_bin_edges`;
    * ``"quantile"`` / ``("quantile", N)``: ``N`` (default 10) equal-frequency
      bins at the reference's quantiles (tied edges merged);
    * ``"uniform"`` / ``("uniform", N)``: ``N`` (default 10) equal-width bins;
    * an increasing array of edges: intervals ``[a, b)``, the last closed,
      as in :func:`numpy.histogram`; values outside fall in an underflow or
      an overflow bin (never dropped);
    * a :class:`Binning` (from :func:`fit_bins`, fitted on other data): used as it is.

    Returns ``(binning, fitted)``: ``fitted`` is True when the edges were
    fitted on ``reference`` (which then lies inside them).
    """
    if isinstance(bins, Binning):
        return bins, False
    if isinstance(bins, Categories):
        raise InvalidArgumentError("bins= takes numeric bins (infokit.binning.fit_bins); a categorical column "
                                   "is counted as it is, without bins")
    if isinstance(bins, bool):
        raise InvalidArgumentError(f"{BINS_HELP} (got {bins!r})")
    if isinstance(bins, numbers.Integral):
        return fit_bins(reference, "uniform", n_bins=_check_n_bins(bins)), True
    if isinstance(bins, str):
        if bins not in ("fd", "quantile", "uniform"):
            raise InvalidArgumentError(f"{BINS_HELP} (got {bins!r})")
        return fit_bins(reference, bins, n_bins=DEFAULT_SAMPLE_BINS), True
    if isinstance(bins, tuple) and len(bins) == 2 and isinstance(bins[0], str):
        rule, count = bins
        if rule not in ("quantile", "uniform") or isinstance(count, bool) or not isinstance(count, numbers.Integral):
            raise InvalidArgumentError(f"{BINS_HELP} (got {bins!r})")
        return fit_bins(reference, rule, n_bins=_check_n_bins(count)), True
    try:
        edges = np.asarray(bins, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{BINS_HELP} (got {bins!r})") from None
    if edges.ndim != 1:
        raise InvalidArgumentError(f"{BINS_HELP} (got an array of shape {edges.shape})")
    return fit_bins(reference, edges), False


def _numbers(values, name: str):
    """``(floats, weights)`` of a sample or of an Empirical's outcomes (weights its counts, else None)."""
    if isinstance(values, _table.Empirical):
        return _as_float(values.outcomes, name), np.asarray(values.counts, dtype=np.int64)
    return _as_float(values, name), None


def _finite_numbers(values, name: str, dropna: bool):
    x, w = _numbers(values, name)
    nan = np.isnan(x)
    if nan.any():
        if not dropna:
            raise InvalidArgumentError(
                f"'{name}' contains {int(nan.sum())} NaN value(s) (missing samples); {_counting.MISSING_HINT}")
        x = x[~nan]
        w = w[~nan] if w is not None else None
        if x.size == 0:
            raise InvalidArgumentError(f"'{name}' has no samples left after dropping NaN")
    return x, w


def reference_values(values, name: str, dropna: bool = False) -> np.ndarray:
    """The finite-or-infinite numbers of a sample (an Empirical's outcomes repeated by their counts)."""
    x, w = _finite_numbers(values, name, dropna)
    return x if w is None else np.repeat(x, w)


def bin_codes(values, binning: Binning, name: str = "samples") -> np.ndarray:
    """The bin of each sample (float64: 0 underflow, ``1..k`` the intervals, ``k + 1`` overflow; NaN missing).

    Missing values stay NaN, so the counting that follows applies its own
    missing-value rule (an error, or ``dropna=True``).
    """
    x = _as_float(values, name)
    codes = np.searchsorted(binning.cuts, x, side="right").astype(np.float64)
    codes[np.isnan(x)] = np.nan
    return codes


def bin_column(values, bins, name: str = "samples") -> np.ndarray:
    """:func:`bin_codes` of a column in the bins ``bins=`` asks for, fitted on the column itself (NaN ignored)."""
    b, _ = sample_binning(bins, reference_values(values, name, dropna=True))
    return bin_codes(values, b, name)


def binned_empirical(values, bins, *, dropna: bool = False, name: str = "samples", binning: Binning | None = None,
                     fitted: bool = False):
    """The :class:`~infokit.Empirical` of a sample's bin counts, and the :class:`Binning` used.

    The outcomes are the bins' labels (``"[0.1, 0.35)"``, ...), in bin order,
    declared as the support: the intervals, plus the underflow and overflow
    bins when the edges were not fitted on data holding this sample (explicit
    edges, a given ``Binning``), since values can then fall outside them.
    ``binning=`` with ``fitted=True`` is a binning fitted on data that
    includes this sample (the pooled samples of a divergence).  ``values`` may
    be an Empirical of numbers (binned with its counts).  Missing values are an
    error unless ``dropna``.
    """
    x, w = _finite_numbers(values, name, dropna)
    if binning is None:
        binning, fitted = sample_binning(bins, x if w is None else np.repeat(x, w))
    k = binning.cuts.size - 1
    idx = np.searchsorted(binning.cuts, x, side="right")
    counts = np.bincount(idx, weights=w, minlength=k + 2).astype(np.int64)
    labels = np.array(binning.labels[:-1])  # every bin but the missing one
    keep = slice(1, k + 1) if fitted and counts[0] == 0 and counts[-1] == 0 else slice(0, k + 2)
    e = _table.Empirical(labels[keep], counts[keep], declared=True)
    return e, binning


def binned_pair(p, q, bins, *, dropna: bool = False, names=("samples_p", "q")):
    """Two samples counted in common bins, fitted once on the **pooled** samples (or as given).

    Returns ``(Empirical of p, Empirical of q, binning, fitted)``, the two
    Empiricals on the same declared support (see :func:`binned_empirical`).
    Pooling makes the bins symmetric in the two samples and puts every value
    of both inside them.
    """
    pooled = np.concatenate([reference_values(p, names[0], dropna=True), reference_values(q, names[1], dropna=True)])
    b, fitted = sample_binning(bins, pooled)
    ep, _ = binned_empirical(p, None, dropna=dropna, name=names[0], binning=b, fitted=fitted)
    eq, _ = binned_empirical(q, None, dropna=dropna, name=names[1], binning=b, fitted=fitted)
    return ep, eq, b, fitted
