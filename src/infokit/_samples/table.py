"""The empirical distribution ``P̂(x) = n_x / n`` as a type: :class:`Empirical` and its checks."""

from __future__ import annotations

import math
import numbers
import operator

from collections.abc import Sequence
from typing import Any

import numpy as np

from infokit._core.measures import entropy as _core_entropy
from infokit._lib import html
from infokit._lib.checks import check_counts as _check_counts
from infokit._lib.typing import ArrayLike
from infokit._samples import counting as _counting
from infokit.errors import InvalidArgumentError, InvalidTypeError

__all__ = ["Empirical", "empirical_html", "joint_outcomes"]


def _readonly(a: np.ndarray) -> np.ndarray:
    a = a.view()
    a.flags.writeable = False
    return a


class Empirical:
    """Counts of outcomes in a sample: the empirical distribution ``P̂(x) = n_x / n``.

    Build one with :func:`empirical` (from samples), :meth:`from_counts` or
    :func:`empirical_joint`; combine chunks with :meth:`merge`.  An
    ``Empirical`` is accepted wherever a distribution is
    (``ik.entropy(e)``, ``ik.kl_divergence(e, q)``), see *Alignment* below.

    Attributes
    ----------
    outcomes : ndarray
        The outcomes, each once: the observed ones in increasing order, or the
        declared support in the order given.
    counts : ndarray of int64
        ``counts[i]`` samples were ``outcomes[i]`` (0 for declared, unseen outcomes).
    n : int
        Sample size.
    probs : ndarray of float64
        ``counts / n``.
    support_size : int
        Number of possible outcomes K: ``len(outcomes)`` unless a larger
        support was declared (``support_size=`` in :meth:`from_counts`), in
        which case the others are unseen and unnamed.
    support_declared : bool
        Whether the support was declared (``support=`` or ``support_size=``)
        rather than taken as the observed outcomes.

    Notes
    -----
    Alignment with other distributions.  Two ``Empirical`` objects (or an
    ``Empirical`` and a ``dict`` mapping outcomes to probabilities) are
    aligned on the union of their outcomes.  With an array ``q`` (or a
    :class:`~infokit.Categorical`): if the outcomes are integers, ``q[i]`` is
    the probability of outcome ``i`` (every outcome must index ``q``);
    otherwise ``q`` lists the probabilities of ``outcomes`` in order.

    Examples
    --------
    >>> import infokit as ik
    >>> e = ik.empirical(["a", "b", "a", "c", "a", "b"])
    >>> e
    Empirical(n=6, outcomes=3, support_size=3)
    >>> e.outcomes, e.counts
    (array(['a', 'b', 'c'], dtype='<U1'), array([3, 2, 1]))
    >>> float(ik.entropy(e, base="bits"))  # the entropy of P̂ = (1/2, 1/3, 1/6)
    1.459147917027
    """

    __slots__ = ("_out", "_counts", "_n", "_support_size", "_declared", "_joint")

    def __init__(self, outcomes: np.ndarray | None, counts: np.ndarray, *, support_size: int | None = None,
                 declared: bool = False, _joint: Any = None) -> None:
        # a joint table may leave its outcomes (tuples) to be built on first use, from ``_joint``
        self._out = None if outcomes is None else _readonly(outcomes)
        self._counts = _readonly(counts)
        self._n = int(counts.sum())
        self._support_size = int(support_size) if support_size is not None else int(counts.size)
        self._declared = bool(declared)
        self._joint = _joint

    @property
    def _outcomes(self) -> np.ndarray:
        if self._out is None:
            self._out = _readonly(joint_outcomes(*self._joint))
        return self._out

    # -- constructors -------------------------------------------------------
    @classmethod
    def from_counts(cls, counts: ArrayLike, outcomes: ArrayLike | Sequence[Any] | None = None,
                    support_size: int | None = None) -> Empirical:
        """An empirical distribution from counts.

        Parameters
        ----------
        counts : array_like of int
            Non-negative integer counts (integral floats are accepted), 1-D,
            not all zero.
        outcomes : array_like, optional
            The outcome of each count (distinct); default ``0, 1, ..., len(counts) - 1``.
        support_size : int, optional
            Number of possible outcomes K, at least ``len(counts)``; the
            ``K - len(counts)`` others are unseen (count 0).  Estimators of the
            true entropy use it (:func:`~infokit.estimate_entropy`).

        Returns
        -------
        Empirical

        Raises
        ------
        InvalidArgumentError
            Negative, non-integer or non-finite counts, all counts zero,
            ``outcomes`` of the wrong length or with repeats, ``support_size``
            smaller than the number of outcomes.

        Examples
        --------
        >>> import infokit as ik
        >>> e = ik.Empirical.from_counts([5, 3, 2], support_size=10)
        >>> e.n, e.support_size, e.probs
        (10, 10, array([0.5, 0.3, 0.2]))
        """
        c = _check_counts(counts, "counts")
        if outcomes is None:
            out = np.arange(c.size)
        else:
            out = _counting.as_samples(outcomes, "outcomes") if not isinstance(outcomes, np.ndarray) else outcomes
            if out.ndim != 1 or out.size != c.size:
                raise InvalidArgumentError(
                    f"'outcomes' must be 1-D with one outcome per count: got shape {out.shape} for {c.size} counts"
                )
            _check_distinct(out, "outcomes")
        k = _check_support_size(support_size, c.size)
        return cls(out, c, support_size=k, declared=support_size is not None)

    # -- attributes ---------------------------------------------------------
    @property
    def outcomes(self) -> np.ndarray:
        return self._outcomes

    @property
    def counts(self) -> np.ndarray:
        return self._counts

    @property
    def n(self) -> int:
        return self._n

    @property
    def probs(self) -> np.ndarray:
        return self._counts / self._n

    @property
    def support_size(self) -> int:
        return self._support_size

    @property
    def support_declared(self) -> bool:
        return self._declared

    @property
    def n_observed(self) -> int:
        """Number of outcomes seen at least once."""
        return int(np.count_nonzero(self._counts))

    def __len__(self) -> int:
        return self._counts.size

    def __repr__(self) -> str:
        return f"Empirical(n={self._n}, outcomes={self._counts.size}, support_size={self._support_size})"

    def _repr_html_(self) -> str:
        return empirical_html(self)

    def to_dict(self) -> dict[Any, int]:
        """``{outcome: count}`` (outcomes as Python objects)."""
        return dict(zip(self._outcomes.tolist(), self._counts.tolist()))

    def marginal(self, variable: int) -> Empirical:
        """The empirical distribution of one variable of a joint table (:func:`empirical_joint`)."""
        if self._joint is None:
            raise InvalidArgumentError("marginal() needs a joint table from ik.empirical_joint(...)")
        cells, var_outcomes = self._joint
        d = len(var_outcomes)
        try:
            i = operator.index(variable)
        except TypeError:
            raise InvalidTypeError(f"'variable' must be an int in [0, {d}) (got {variable!r})") from None
        if not -d <= i < d:
            raise InvalidArgumentError(f"'variable' must be in [-{d}, {d}) (got {variable})")
        c = np.zeros(var_outcomes[i].size, dtype=np.int64)
        np.add.at(c, cells[:, i], self._counts)
        return Empirical(var_outcomes[i], c)

    # -- combining ----------------------------------------------------------
    def merge(self, other: Empirical) -> Empirical:
        """Counts of both samples together (exact: merging chunks equals counting the whole).

        Outcomes are aligned on their union; a declared support is kept (the
        union must stay within it), ``support_size`` is the larger of the two.

        Examples
        --------
        >>> import infokit as ik
        >>> a, b = ik.empirical([1, 2, 2]), ik.empirical([2, 3])
        >>> m = a.merge(b)
        >>> m.outcomes, m.counts
        (array([1, 2, 3]), array([1, 3, 1]))
        """
        if not isinstance(other, Empirical):
            raise InvalidTypeError(f"'other' must be an ik.Empirical (got {type(other).__name__})")
        if self._joint is not None or other._joint is not None:
            raise InvalidArgumentError("merge() of joint tables is not supported; merge the samples instead")
        first, second = (other, self) if other._declared and not self._declared else (self, other)
        outcomes, (ca, cb) = _union([first, second])  # a declared support first: its order is kept
        for d, what in ((self, "'other' has outcomes outside this distribution's"),
                        (other, "this distribution has outcomes outside 'other' and its")):
            if d._declared and outcomes.size > d._outcomes.size and d._outcomes.size == d._support_size:
                known = set(d._outcomes.tolist())
                extra = [o for o in outcomes.tolist() if o not in known][:5]
                raise InvalidArgumentError(f"{what} declared support: {extra}")
        k = max(self._support_size, other._support_size, outcomes.size)
        return Empirical(outcomes, ca + cb, support_size=k, declared=self._declared or other._declared)

    __add__ = merge


def joint_outcomes(cells: np.ndarray, var_outcomes) -> np.ndarray:
    """The outcomes of a joint table: an object array of tuples ``(v1, v2, ...)``, one per row of ``cells``."""
    columns = [var_outcomes[j][cells[:, j]].tolist() for j in range(len(var_outcomes))]
    return np.fromiter(zip(*columns), dtype=object, count=cells.shape[0])


# --------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------
def _check_support_size(support_size, n_outcomes: int) -> int:
    if support_size is None:
        return n_outcomes
    if isinstance(support_size, bool) or not isinstance(support_size, numbers.Integral):
        if isinstance(support_size, float) and support_size == math.inf:
            raise InvalidArgumentError(
                "'support_size' must be a finite int; for an unknown or infinite support leave it None"
            )
        raise InvalidTypeError(f"'support_size' must be an int (got {support_size!r})")
    if support_size < n_outcomes:
        raise InvalidArgumentError(
            f"'support_size' ({support_size}) is smaller than the number of outcomes ({n_outcomes}); "
            "it counts every possible outcome, the observed ones included"
        )
    return int(support_size)


def _check_distinct(out: np.ndarray, name: str) -> None:
    try:
        distinct = len(set(out.tolist()))
    except TypeError:
        raise InvalidTypeError(f"'{name}' must hold hashable labels") from None
    if distinct != out.size:
        raise InvalidArgumentError(f"'{name}' has repeated outcomes; each outcome must appear once")


def union_labels(label_lists, *, keep_order: bool = False):
    """The union of several outcome lists, and each label's position in it.

    The one ordering rule for aligned outcomes: sorted when the labels are
    comparable (and no list is a declared support, ``keep_order``), otherwise
    in order of first appearance.
    """
    merged: list[Any] = []
    index: dict[Any, int] = {}
    for labels in label_lists:
        for o in labels:
            if o not in index:
                index[o] = len(merged)
                merged.append(o)
    if not keep_order:
        try:
            merged = sorted(merged)
            index = {o: i for i, o in enumerate(merged)}
        except TypeError:
            pass  # incomparable outcomes: keep first-seen order
    return merged, index


def _union(dists):
    """Outcomes of several Empirical objects on their union, and their counts there."""
    first = dists[0]._outcomes
    if all(d._outcomes.shape == first.shape and d._outcomes.dtype == first.dtype
           and np.array_equal(d._outcomes, first) for d in dists[1:]):
        return first, [d._counts for d in dists]
    if (not any(d._declared for d in dists) and first.dtype.kind in "biufmM"
            and all(d._outcomes.dtype == first.dtype for d in dists)):
        # numbers of one dtype: the sorted union of union_labels, in NumPy (no Python object per outcome)
        outcomes = first
        for d in dists[1:]:
            outcomes = np.union1d(outcomes, d._outcomes)
        counts = []
        for d in dists:
            c = np.zeros(outcomes.size, dtype=np.int64)
            c[np.searchsorted(outcomes, d._outcomes)] = d._counts
            counts.append(c)
        return outcomes, counts
    merged, index = union_labels([d._outcomes.tolist() for d in dists],
                                 keep_order=any(d._declared for d in dists))
    outcomes = _as_outcome_array(merged, first)
    counts = []
    for d in dists:
        c = np.zeros(len(merged), dtype=np.int64)
        c[[index[o] for o in d._outcomes.tolist()]] = d._counts
        counts.append(c)
    return outcomes, counts


def _as_outcome_array(values: list, like: np.ndarray) -> np.ndarray:
    if like.dtype != object:
        try:
            arr = np.asarray(values, dtype=np.result_type(like.dtype, np.asarray(values).dtype))
            if arr.tolist() == values:  # no label changed (1 vs "1", ints rounded to float)
                return arr
        except (TypeError, ValueError, OverflowError):
            pass
    return np.fromiter(values, dtype=object, count=len(values))


def _on_support(outcomes, counts, support) -> Empirical:
    sup = support if isinstance(support, np.ndarray) else _counting.as_samples(support, "support")
    if sup.ndim != 1:
        raise InvalidArgumentError(f"'support' must be 1-D, got shape {sup.shape}")
    _check_distinct(sup, "support")
    index = {o: i for i, o in enumerate(sup.tolist())}
    missing = [o for o in outcomes.tolist() if o not in index]
    if missing:
        raise InvalidArgumentError(
            f"'samples' has {len(missing)} outcome(s) outside the declared 'support', e.g. {missing[:5]}; "
            "extend the support or drop those samples"
        )
    c = np.zeros(sup.size, dtype=np.int64)
    c[[index[o] for o in outcomes.tolist()]] = counts
    return Empirical(sup, c, declared=True)


def empirical_html(e: Empirical, *, top: int = 20) -> str:
    """HTML summary of an :class:`~infokit.Empirical` and its ``top`` most frequent outcomes.

    Examples
    --------
    >>> import infokit as ik
    >>> from infokit.reports import empirical_html
    >>> h = empirical_html(ik.empirical(["a", "b", "a", "<c>"]))
    >>> "&lt;c&gt;" in h and "H(P̂) [bits]" in h
    True
    """
    if not isinstance(e, Empirical):
        raise InvalidTypeError(f"empirical_html() takes an ik.Empirical (got {type(e).__name__})")
    if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1:
        raise InvalidArgumentError(f"'top' must be a positive int (got {top!r})")
    h = float(_core_entropy(e._counts / e._n)) / math.log(2)
    summary = [
        ["samples n", html.num(e.n)],
        ["outcomes listed", html.num(len(e))],
        ["outcomes observed", html.num(e.n_observed)],
        ["support size", html.num(e.support_size) + (" (declared)" if e.support_declared else " (observed)")],
        ["H(P̂) [bits]", html.num(h) + " (plug-in: the entropy of the sample's distribution)"],
    ]
    parts = [html.table("Empirical distribution", ["", "value"], summary)]
    counts = np.asarray(e.counts)
    order = np.argsort(-counts, kind="stable")[:top]
    outcomes = e.outcomes
    rows = [[html.label(outcomes[i]), html.num(int(counts[i])),
             html.num(counts[i] / e.n)] for i in order.tolist()]
    parts.append(html.table(f"Top {min(top, len(e))} outcomes by count", ["outcome", "count", "proportion"], rows))
    if len(e) > top:
        rest = int(e.n - counts[order].sum())
        parts.append(html.note(f"… and {len(e) - top} more outcomes ({rest} samples)"))
    return html.div(*parts, cls="empirical")


