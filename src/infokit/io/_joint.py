"""Joint counts of several columns of a file, accumulated batch by batch, and measures of them."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from infokit._lib.units import resolve_base
from infokit._samples import counting as _counting
from infokit._samples.empirical import _cmi_cells, group_rows
from infokit._samples.table import Empirical
from infokit.errors import InvalidArgumentError, InvalidFileError, InvalidTypeError
from infokit.io._arrow import is_stringlike, missing_rows, pyarrow, to_numpy
from infokit.io._batches import READ_BATCH_SIZE, iter_batches, parquet_dictionary_columns
from infokit.io._dask import compute, computing_on, frame
from infokit.io._format import as_column_list, check_path
from infokit.io._partial import PartialCounts

__all__ = ["read_joint_empirical", "read_mutual_information"]


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
        pa = pyarrow()
        if pa.types.is_dictionary(arr.type) or is_stringlike(arr.type):
            if not pa.types.is_dictionary(arr.type):
                arr = arr.dictionary_encode()
            dictionary = arr.dictionary
            if self._dict is None or not (self._dict[0] is dictionary or self._dict[0].equals(dictionary)):
                vals = to_numpy(dictionary)
                self._dict = (dictionary, self._ids_of(vals) if vals.size else np.zeros(0, np.int64))
            return self._dict[1][to_numpy(arr.indices)]
        values = to_numpy(arr)
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


class _JointCounts:
    """Exact joint counts of several columns, accumulated batch by batch."""

    def __init__(self, path, cols, dropna):
        self.path, self.cols, self.dropna = path, cols, dropna
        self.encoders = [_Encoder(path, c) for c in cols]
        self.counts = PartialCounts(self._merge)  # (cells (m, d) of global ids, counts)
        self.rows = 0

    def _sizes(self):
        return [len(e.index) for e in self.encoders]

    def add(self, batch) -> None:
        offset = self.rows
        self.rows += batch.num_rows
        drop = missing_rows(self.path, batch, self.cols, offset, self.dropna)
        if drop is not None:
            batch = batch.filter(pyarrow().array(~drop))
        if batch.num_rows == 0:
            return
        ids = [e.encode(batch.column(c), f"column {c!r}") for e, c in zip(self.encoders, self.cols)]
        cells, counts = _group(ids, self._sizes())
        self.counts.add(cells, counts)

    def _merge(self, cells, counts):
        return _group([cells[:, j] for j in range(cells.shape[1])], self._sizes(), counts)

    def cells(self):
        """``(cell codes (m, d), counts, per-column outcomes)`` as ``empirical_joint`` builds them in memory."""
        merged = self.counts.reduce()
        if merged is None:
            what = ", ".join(repr(c) for c in self.cols)
            if self.rows == 0:
                raise InvalidFileError(f"{self.path}: columns {what} are empty (the file has no data rows)")
            raise InvalidFileError(
                f"{self.path}: no row has a value in every one of the columns {what} "
                f"(all {self.rows} rows have a missing value)"
            )
        cells, counts = merged
        finals = [e.final() for e in self.encoders]
        ranked = [rank[cells[:, j]] for j, (_, rank) in enumerate(finals)]
        return _sorted_cells(ranked, counts, [o for o, _ in finals])


def _sorted_cells(ranked, counts, var_outcomes):
    """``(cell codes (m, d), counts, var_outcomes)`` with the cells in increasing order, as in-memory
    counting sorts them; ``ranked[j]`` holds the rank of each cell's value among ``var_outcomes[j]``."""
    cell_codes, cell_counts = _group(ranked, [o.size for o in var_outcomes], counts)
    return cell_codes, cell_counts, var_outcomes


def _joint_empirical(cell_codes, cell_counts, var_outcomes) -> Empirical:
    """The joint table of sorted cells: outcomes are tuples, :meth:`Empirical.marginal` works."""
    columns = [var_outcomes[j][cell_codes[:, j]].tolist() for j in range(len(var_outcomes))]
    outcomes = np.fromiter(zip(*columns), dtype=object, count=cell_counts.size)
    return Empirical(outcomes, cell_counts, _joint=(cell_codes, var_outcomes))


def _group(ids: Sequence[np.ndarray], sizes, weights=None):
    """Distinct rows of the columns ``ids`` (codes < ``sizes``) in lexicographic order, with their counts."""
    cells, counts, _ = group_rows(ids, sizes, weights)
    return cells, counts


def _joint_counts(path, cols, batch_size, format, dropna, progress) -> _JointCounts:
    path = check_path(path)
    pyarrow()
    dict_cols = parquet_dictionary_columns(path, cols, format)
    acc = _JointCounts(path, cols, dropna)
    for batch in iter_batches(path, cols, batch_size=batch_size, format=format, progress=progress,
                              read_dictionary=dict_cols):
        acc.add(batch)
    return acc


def read_joint_empirical(path, columns, *, batch_size=READ_BATCH_SIZE, format=None, dropna=False,
                         progress=None, scheduler=None) -> Empirical:
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
        The columns (at least one).
    batch_size, format, progress
        As in :func:`iter_batches`.
    dropna : bool, optional
        Drop the rows where any of the columns is missing (null or NaN).
    scheduler : distributed.Client or str, optional
        Count with Dask (as in :func:`read_empirical`); default None: streamed
        with pyarrow.

    Returns
    -------
    Empirical

    Notes
    -----
    Memory is proportional to one batch plus the number of distinct cells.
    """
    cols = as_column_list(columns)
    if cols is None:
        raise InvalidArgumentError("'columns' must name at least one column")
    if scheduler is not None:
        return _joint_empirical(*_dask_cells(path, cols, format, dropna, scheduler))
    return _joint_empirical(*_joint_counts(path, cols, batch_size, format, dropna, progress).cells())


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
    xs = as_column_list(x, "x")
    ys = as_column_list(y, "y")
    zs = as_column_list(given, "given") or []
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
