"""Discrete or continuous: the one rule that says how a sample is to be estimated from.

A sample is **discrete** — its distinct values are the outcomes, counted by
the discrete estimators — or **continuous** — a measurement whose distinct
values are mostly unique, for which counting values estimates nothing
useful (every value seen once: the "entropy" is ``log n``, the mutual
information with anything is about 0, two groups never share a value).
:func:`classify` decides, once, for every estimate that takes samples:

* booleans, integers, strings, bytes, dates, Python objects (labels, tuples,
  nullable pandas integers) and categoricals (pandas ``category``, polars
  ``Categorical``/``Enum``, whatever their categories) are discrete;
* floats (NaN ignored) are discrete when they take few distinct values
  relative to the sample size, ``distinct <= max(10, sqrt(n))``, and
  continuous otherwise.  The same holds for an object column whose values
  are all floats (pandas' nullable ``Float64``) and for the outcomes of an
  :class:`~infokit.Empirical` counted from floats.

Why ``max(10, sqrt(n))``: a discrete estimator is reliable when each outcome
is seen many times; with at most ``sqrt(n)`` distinct values the sample
averages at least ``sqrt(n)`` observations per value, while a continuous
measurement has close to ``n`` distinct values.  Ten lets a coded scale
(a 1–10 rating, counts 0–9) stay discrete in small samples.  On
scikit-learn's bundled tables every float feature of ``load_iris`` (22 to
43 distinct values in 150 rows, bound 12.2), ``load_wine`` (at least 39 in
178, bound 13.3), ``load_breast_cancer`` (at least 411 in 569, bound 23.9)
and ``load_diabetes`` (at least 56 in 442, bound 21.0) is continuous, except
diabetes' ``sex`` (2 values), which is discrete; Likert answers stored as
floats (1.0..5.0) and small counts stored as floats are discrete.

A 2-D sample (an ``n x d`` array, a DataFrame) is judged column by column
(:func:`classify_columns`).  The rule is cheap for continuous data: the
first ``64 * max(10, sqrt(n))`` values usually settle it without sorting
the whole sample.  :func:`of_counts` judges a float sample already counted
(its number of distinct values and its size), at no further cost.
"""

from __future__ import annotations

import functools
import math
import numbers
from typing import NamedTuple

import numpy as np

from infokit._samples import counting as _counting
from infokit._samples.table import Empirical

__all__ = ["DISCRETE", "CONTINUOUS", "Nature", "max_discrete_values", "classify", "classify_columns",
           "is_continuous", "of_counts"]

DISCRETE, CONTINUOUS = "discrete", "continuous"


class Nature(NamedTuple):
    """What :func:`classify` decided about one sample (or one column of a sample).

    ``kind`` is ``"discrete"`` or ``"continuous"``; ``reason`` says why in
    words (e.g. ``"412 distinct float values in 442 samples (more than
    max(10, sqrt(n)) = 21.0)"``); ``n`` is the number of non-missing values
    and ``distinct`` the number of distinct ones (a lower bound, ``"at least"``
    in ``reason``, when a prefix of the sample settled the question), or
    ``None`` when the type alone decided.
    """

    kind: str
    reason: str
    n: int
    distinct: int | None = None

    @property
    def continuous(self) -> bool:
        return self.kind == CONTINUOUS


def max_discrete_values(n: int) -> float:
    """The most distinct float values a sample of ``n`` can have and be discrete: ``max(10, sqrt(n))``."""
    return max(10.0, math.sqrt(n))


def _categorical(values) -> bool:
    """A pandas ``category`` or polars ``Categorical``/``Enum`` column (checked before conversion,
    which turns float categories into plain floats)."""
    dtype = getattr(values, "dtype", None)
    if dtype is None or isinstance(values, np.ndarray):
        return False
    text = str(dtype)
    return text == "category" or text.startswith(("Categorical", "Enum"))


def of_counts(distinct: int, n: int) -> Nature:
    """The rule for a float sample of size ``n`` with ``distinct`` distinct values (already counted)."""
    return _by_count(int(distinct), int(n), exact=True)


def _by_count(distinct: int, n: int, exact: bool) -> Nature:
    bound = max_discrete_values(n)
    said = "" if exact else "at least "
    if distinct <= bound:
        return Nature(DISCRETE, f"{distinct} distinct float values in {n} samples (at most max(10, sqrt(n)) = "
                                f"{bound:.1f})", n, distinct)
    return Nature(CONTINUOUS, f"{said}{distinct} distinct float values in {n} samples (more than "
                              f"max(10, sqrt(n)) = {bound:.1f})", n, distinct)


def _floats(arr: np.ndarray) -> Nature:
    x = arr[~np.isnan(arr)] if arr.dtype.kind == "f" else arr
    n = int(x.size)
    if n == 0:
        return Nature(DISCRETE, "no non-missing values", 0, 0)
    bound = max_discrete_values(n)
    head = int(64 * bound)
    if head < n:  # a prefix with more distinct values than the bound settles it without sorting everything
        seen = np.unique(x[:head]).size
        if seen > bound:
            return _by_count(seen, n, exact=False)
    return _by_count(int(np.unique(x).size), n, exact=True)


def _object_floats(arr: np.ndarray):
    """The floats of an object column whose non-missing values are all floats, else None."""
    na, nat = _counting._pandas_missing()
    out = []
    for v in arr.tolist():
        if _counting._is_missing(v, na, nat):
            continue
        if isinstance(v, (bool, np.bool_, numbers.Integral)) or not isinstance(v, numbers.Real):
            return None
        out.append(float(v))
    return np.asarray(out, dtype=np.float64) if out else None


@functools.lru_cache(maxsize=32)
def _counted(dtype: np.dtype) -> str:
    """The reason for an Empirical of labels of ``dtype`` (formatted once per dtype: every estimate reads it)."""
    return f"counted outcomes of dtype {dtype}"


def classify(values, name: str = "samples") -> Nature:
    """Whether a 1-D sample is discrete or continuous, by the module's rule, and why.

    Parameters
    ----------
    values : array_like or Empirical
        A 1-D sample (anything :func:`infokit.empirical` takes), or an
        :class:`~infokit.Empirical` (judged by its outcomes and counts).
    name : str, optional
        The argument's name, for errors.

    Returns
    -------
    Nature

    Examples
    --------
    >>> import numpy as np
    >>> from infokit._samples.nature import classify
    >>> classify([1, 2, 2, 3]).kind, classify(["a", "b"]).kind
    ('discrete', 'discrete')
    >>> classify(np.random.default_rng(0).normal(size=400)).reason
    '400 distinct float values in 400 samples (more than max(10, sqrt(n)) = 20.0)'
    >>> classify(np.array([1.0, 2.0, 1.0, 5.0])).kind
    'discrete'
    """
    if isinstance(values, Empirical):
        kind = values.outcomes.dtype.kind
        if kind == "f" or (kind == "O" and _object_floats(values.outcomes[:64]) is not None):
            return _by_count(int(values.outcomes.size), values.n, exact=True)
        return Nature(DISCRETE, _counted(values.outcomes.dtype), values.n)
    if _categorical(values):
        return Nature(DISCRETE, "a categorical column", len(values))
    arr = _counting.as_samples(values, name)
    kind = arr.dtype.kind
    if kind == "f":
        return _floats(arr)
    if kind == "O":
        floats = _object_floats(arr)
        if floats is not None:
            return _floats(floats)
        return Nature(DISCRETE, "labels (Python objects)", int(arr.size))
    what = {"b": "booleans", "i": "integers", "u": "integers", "U": "strings", "S": "bytes",
            "m": "time deltas", "M": "dates"}.get(kind, str(arr.dtype))
    return Nature(DISCRETE, what, int(arr.size))


def classify_columns(values, name: str = "samples") -> list[Nature]:
    """:func:`classify` of each column of a 2-D sample (an ``n x d`` array or a DataFrame); of a 1-D one, one item.

    Examples
    --------
    >>> import numpy as np
    >>> from infokit._samples.nature import classify_columns
    >>> x = np.column_stack([np.arange(100) % 3, np.linspace(0, 1, 100)])
    >>> [c.kind for c in classify_columns(x)]
    ['discrete', 'continuous']
    """
    if hasattr(values, "columns") and hasattr(values, "__getitem__") and not isinstance(values, np.ndarray):
        return [classify(values[c], f"column {c!r}") for c in values.columns]
    if isinstance(values, np.ndarray) and values.ndim == 2:
        return [classify(values[:, j], f"{name}[:, {j}]") for j in range(values.shape[1])]
    if type(values).__module__.split(".")[0] in ("torch", "jax", "jaxlib") and getattr(values, "ndim", 1) == 2:
        arr = np.asarray(values.detach().cpu() if hasattr(values, "detach") else values)
        return [classify(arr[:, j], f"{name}[:, {j}]") for j in range(arr.shape[1])]
    return [classify(values, name)]


def is_continuous(values) -> bool:
    """Whether :func:`classify` calls every column of ``values`` continuous."""
    return all(c.continuous for c in classify_columns(values))
