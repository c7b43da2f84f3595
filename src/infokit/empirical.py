"""The empirical distribution P̂ of a sample, and the exact measures of P̂.

``P̂(x) = n_x / n``: the distribution a sample *is*.  The measures here —
:func:`joint_entropy`, :func:`conditional_entropy`, :func:`mutual_information`,
:func:`conditional_mutual_information`, and the core measures applied to an
:class:`Empirical` (``ik.entropy(e)``, ``ik.kl_divergence(e, f)``) — are the
exact (plug-in) values *of P̂*.  They are biased as estimates of the true
distribution's; for estimates with standard errors use
:func:`infokit.estimate_entropy` and friends.
"""

from __future__ import annotations

import math
import numbers
import operator

import numpy as np

from . import _counting
from ._units import resolve_base
from .errors import InvalidArgumentError, InvalidDistributionError, InvalidTypeError

__all__ = [
    "Empirical",
    "empirical",
    "empirical_joint",
    "joint_entropy",
    "conditional_entropy",
    "mutual_information",
    "conditional_mutual_information",
]


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

    __slots__ = ("_outcomes", "_counts", "_n", "_support_size", "_declared", "_joint")

    def __init__(self, outcomes, counts, *, support_size=None, declared=False, _joint=None):
        self._outcomes = _readonly(outcomes)
        self._counts = _readonly(counts)
        self._n = int(counts.sum())
        self._support_size = int(support_size) if support_size is not None else int(outcomes.size)
        self._declared = bool(declared)
        self._joint = _joint

    # -- constructors -------------------------------------------------------
    @classmethod
    def from_counts(cls, counts, outcomes=None, support_size=None) -> "Empirical":
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
        return self._outcomes.size

    def __repr__(self) -> str:
        return f"Empirical(n={self._n}, outcomes={self._outcomes.size}, support_size={self._support_size})"

    def _repr_html_(self) -> str:
        from .reports import empirical_html

        return empirical_html(self)

    def to_dict(self) -> dict:
        """``{outcome: count}`` (outcomes as Python objects)."""
        return dict(zip(self._outcomes.tolist(), self._counts.tolist()))

    def marginal(self, variable: int) -> "Empirical":
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
    def merge(self, other: "Empirical") -> "Empirical":
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


# --------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------
def _check_counts(counts, name: str) -> np.ndarray:
    try:
        c = np.asarray(counts)
    except (ValueError, TypeError) as exc:
        raise InvalidTypeError(f"'{name}' must be a 1-D array of counts ({exc})") from None
    if c.ndim != 1:
        raise InvalidArgumentError(f"'{name}' must be 1-D, got shape {c.shape}")
    if c.size == 0:
        raise InvalidArgumentError(f"'{name}' is empty: at least one count is needed")
    if c.dtype.kind == "b" or c.dtype.kind not in "iuf":
        raise InvalidTypeError(f"'{name}' must hold integer counts, got dtype {c.dtype}")
    if c.dtype.kind == "f":
        if not np.all(np.isfinite(c)):
            raise InvalidArgumentError(f"'{name}' has non-finite values; counts must be finite integers")
        if np.any(c != np.round(c)):
            bad = c[c != np.round(c)][:3].tolist()
            raise InvalidArgumentError(f"'{name}' must hold integers; got non-integer counts such as {bad}")
        if np.any(np.abs(c) > 2.0**53):
            raise InvalidArgumentError(f"'{name}' has counts above 2**53, which floats cannot hold exactly")
    if np.any(c < 0):
        bad = c[c < 0][:3].tolist()
        raise InvalidArgumentError(f"'{name}' must be non-negative; got {bad}")
    c = c.astype(np.int64)
    if not c.any():
        raise InvalidArgumentError(f"'{name}' are all zero: an empirical distribution needs at least one sample")
    return c


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


def _union(dists):
    """Outcomes of several Empirical objects on their union, and their counts there."""
    first = dists[0]._outcomes
    if all(d._outcomes.shape == first.shape and d._outcomes.dtype == first.dtype
           and np.array_equal(d._outcomes, first) for d in dists[1:]):
        return first, [d._counts for d in dists]
    merged = list(first.tolist())
    index = {o: i for i, o in enumerate(merged)}
    for d in dists[1:]:
        for o in d._outcomes.tolist():
            if o not in index:
                index[o] = len(merged)
                merged.append(o)
    try:
        order = sorted(range(len(merged)), key=merged.__getitem__)
        if all(not d._declared for d in dists):
            merged = [merged[i] for i in order]
            index = {o: i for i, o in enumerate(merged)}
    except TypeError:
        pass  # incomparable outcomes: keep first-seen order
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


# --------------------------------------------------------------------------
# building empirical distributions
# --------------------------------------------------------------------------
def empirical(samples, *, support=None, dropna=False) -> Empirical:
    """The empirical distribution of a sample, ``P̂(x) = n_x / n``.

    Parameters
    ----------
    samples : array_like
        A 1-D sample: a NumPy array of ints, floats, strings, bools or
        datetimes, a list of hashable values (strings, tuples, ...), a pandas
        or polars Series, or a 1-D tensor.  A 1-D dask array or dask
        dataframe Series is counted on its cluster, exactly (see
        :mod:`infokit._dask`).
    support : array_like, optional
        The declared set of possible outcomes, in the order wanted: unseen
        outcomes get count 0, and a sample outside it is an error.
    dropna : bool, optional
        Drop missing samples (NaN, NaT, None, pandas.NA) instead of raising.

    Returns
    -------
    Empirical

    Raises
    ------
    InvalidArgumentError
        Empty sample, missing values (without ``dropna``), a sample outside
        ``support``, a support with repeats, samples that are not 1-D.
    InvalidTypeError
        Unhashable samples or a mixture of types that cannot be ordered.

    Notes
    -----
    Counting costs no Python work per sample: booleans and integers with a
    compact range go through :func:`numpy.bincount` (threaded for large
    inputs), other numbers and fixed-width strings through sorting, Python
    objects through hashing.  Observed outcomes are returned in increasing
    order.

    Examples
    --------
    >>> import infokit as ik
    >>> e = ik.empirical([3, 1, 3, 3, 2])
    >>> e.outcomes, e.counts, e.probs
    (array([1, 2, 3]), array([1, 1, 3]), array([0.2, 0.2, 0.6]))
    >>> ik.empirical(["H", "H", "T"], support=["H", "T", "edge"]).counts
    array([2, 1, 0])
    """
    # -- dask hook: dask arrays / Series are counted as a map-reduce (infokit._dask) --
    from ._dask import empirical_from_dask, is_dask_collection

    if is_dask_collection(samples):
        return empirical_from_dask(samples, support=support, dropna=dropna)
    # -- end dask hook --
    arr = _counting.as_samples(samples, "samples")
    outcomes, counts = _counting.count(arr, name="samples", dropna=dropna)
    if support is None:
        return Empirical(outcomes, counts)
    return _on_support(outcomes, counts, support)


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


def _variables(variables, name="variables"):
    """1-D sample arrays from ``x, y, ...`` or a single 2-D array / DataFrame."""
    if len(variables) == 1:
        v = variables[0]
        if hasattr(v, "columns") and hasattr(v, "__getitem__") and not isinstance(v, np.ndarray):
            return [_counting.as_samples(v[c], f"column {c!r}") for c in v.columns]
        if isinstance(v, np.ndarray) and v.ndim == 2:
            return [v[:, j] for j in range(v.shape[1])]
    cols = [_counting.as_samples(v, f"{name}[{i}]") for i, v in enumerate(variables)]
    sizes = {c.size for c in cols}
    if len(sizes) > 1:
        raise InvalidArgumentError(
            f"the {name} must have one sample each per observation; got lengths {[c.size for c in cols]}"
        )
    return cols


def _cells(cols, dropna: bool):
    """Joint counts: (cell codes (m, d), counts (m,), per-variable outcomes, per-sample cell index)."""
    if dropna:
        drop = None
        for c in cols:
            m = _counting.missing_mask(c)
            if m is not None:
                drop = m if drop is None else drop | m
        if drop is not None:
            cols = [c[~drop] for c in cols]
            if cols[0].size == 0:
                raise InvalidArgumentError("no observations left after dropping missing values")
    var_outcomes, codes = [], []
    for i, c in enumerate(cols):
        o, _, k = _counting.count(c, name=f"variables[{i}]", codes=True)
        var_outcomes.append(o)
        codes.append(k)
    sizes = [o.size for o in var_outcomes]
    if math.prod(sizes) < 2**62:
        flat = np.ravel_multi_index(codes, sizes) if len(codes) > 1 else codes[0]
        cell_outcomes, counts, inverse = _counting.count(flat, name="cells", codes=True)
        cell_codes = np.stack(np.unravel_index(cell_outcomes, sizes), axis=1)
    else:  # pragma: no cover - astronomically many possible cells
        stacked = np.stack(codes, axis=1)
        cell_codes, inverse, counts = np.unique(stacked, axis=0, return_inverse=True, return_counts=True)
        counts = counts.astype(np.int64)
    return cell_codes.astype(np.int64), counts, var_outcomes, inverse


def empirical_joint(*variables, dropna=False) -> Empirical:
    """The joint empirical distribution of several variables observed together.

    Parameters
    ----------
    *variables : array_like
        Samples of each variable, all of the same length (observation ``i`` is
        ``(x[i], y[i], ...)``); or a single 2-D array (one column per
        variable) or DataFrame.
    dropna : bool, optional
        Drop observations where any variable is missing.

    Returns
    -------
    Empirical
        Outcomes are tuples ``(x, y, ...)`` of the observed combinations, in
        increasing order; :meth:`Empirical.marginal` gives each variable's.

    Examples
    --------
    >>> import infokit as ik
    >>> j = ik.empirical_joint([0, 0, 1, 1], ["a", "b", "b", "b"])
    >>> j.outcomes.tolist(), j.counts.tolist()
    ([(0, 'a'), (0, 'b'), (1, 'b')], [1, 1, 2])
    >>> j.marginal(1).counts
    array([1, 3])
    """
    if not variables:
        raise InvalidArgumentError("empirical_joint() needs at least one variable")
    cols = _variables(variables)
    cell_codes, counts, var_outcomes, _ = _cells(cols, dropna)
    columns = [var_outcomes[j][cell_codes[:, j]].tolist() for j in range(len(var_outcomes))]
    outcomes = np.fromiter(zip(*columns), dtype=object, count=counts.size)
    return Empirical(outcomes, counts, _joint=(cell_codes, var_outcomes))


# --------------------------------------------------------------------------
# exact measures of P̂ for several variables
# --------------------------------------------------------------------------
def _entropy_of_counts(counts, unit):
    from .exact import entropy

    return np.float64(unit.convert(np.float64(entropy(counts / counts.sum()))))


def _group_counts(codes: np.ndarray, weights: np.ndarray):
    """Sum ``weights`` over equal rows of ``codes`` (m, d): (group index per row, group totals)."""
    if codes.shape[1] == 0:
        return np.zeros(codes.shape[0], dtype=np.int64), np.array([weights.sum()], dtype=np.int64)
    sizes = codes.max(axis=0) + 1
    if math.prod(int(s) for s in sizes) < 2**62:
        flat = np.ravel_multi_index(codes.T, sizes) if codes.shape[1] > 1 else codes[:, 0]
        uniq, inv = np.unique(flat, return_inverse=True)
    else:  # pragma: no cover
        uniq, inv = np.unique(codes, axis=0, return_inverse=True)
    inv = inv.ravel()
    totals = np.zeros(uniq.shape[0], dtype=np.int64)
    np.add.at(totals, inv, weights)
    return inv, totals


def _conditional_entropy_cells(cells, counts, target_cols, given_cols):
    """H(X | Z) of the joint counts, in nats: sum over cells of (n_xz/n) log(n_z/n_xz) >= 0."""
    keep = np.array(sorted(set(target_cols) | set(given_cols)))
    inv_xz, n_xz = _group_counts(cells[:, keep], counts)
    inv_z, n_z = _group_counts(cells[:, np.array(given_cols, dtype=int)], counts)
    # each (x, z) group maps to one z group
    z_of_xz = np.empty(n_xz.size, dtype=np.int64)
    z_of_xz[inv_xz] = inv_z
    n = counts.sum()
    terms = (n_xz / n) * np.log(n_z[z_of_xz] / n_xz)
    return math.fsum(terms.tolist())


def _cmi_cells(cells, counts, xs, ys, zs):
    """I(X; Y | Z) of joint counts in nats, as a KL divergence with non-negative terms.

    D(P(x,y,z) || P(x,z) P(y,z) / P(z)) over the observed (x, y, z) cells,
    plus the mass the product puts on unobserved cells (computed from exact
    integers).  ``zs`` may be empty (mutual information).
    """
    from ._kernels import kl_terms

    all_cols = list(xs) + list(ys) + list(zs)
    inv_xyz, n_xyz = _group_counts(cells[:, np.array(all_cols)], counts)
    inv_xz, n_xz = _group_counts(cells[:, np.array(list(xs) + list(zs))], counts)
    inv_yz, n_yz = _group_counts(cells[:, np.array(list(ys) + list(zs))], counts)
    inv_z, n_z = _group_counts(cells[:, np.array(list(zs), dtype=int)], counts)
    g_xz = np.empty(n_xyz.size, np.int64)
    g_yz = np.empty(n_xyz.size, np.int64)
    g_z = np.empty(n_xyz.size, np.int64)
    g_xz[inv_xyz], g_yz[inv_xyz], g_z[inv_xyz] = inv_xz, inv_yz, inv_z
    n = int(counts.sum())
    a_xz, a_yz, a_z = n_xz[g_xz], n_yz[g_yz], n_z[g_z]
    p = n_xyz / n
    # q = p * (n_xz n_yz) / (n_xyz n_z): exactly p where the integers say the cell is a product
    q = p * ((a_xz.astype(np.float64) * a_yz) / (n_xyz.astype(np.float64) * a_z))
    observed = math.fsum(kl_terms(np, p, q).tolist())
    # unobserved mass of the product, per z: (n_z^2 - sum_obs n_xz n_yz) / (n_z n), exact integers
    prod = [int(a) * int(b) for a, b in zip(a_xz.tolist(), a_yz.tolist())]
    s_z = [0] * n_z.size
    for z, v in zip(g_z.tolist(), prod):
        s_z[z] += v
    missing = math.fsum((int(nz) * int(nz) - s) / (int(nz) * n) for nz, s in zip(n_z.tolist(), s_z))
    return max(observed + missing, 0.0)


def _resolve_columns(groups, dropna):
    """Flatten named groups of variables into one column list with their indices."""
    cols, index = [], []
    for g in groups:
        vs = _variables((g,)) if _is_table(g) else [_counting.as_samples(g, "x")]
        index.append(list(range(len(cols), len(cols) + len(vs))))
        cols.extend(vs)
    sizes = {c.size for c in cols}
    if len(sizes) > 1:
        raise InvalidArgumentError(
            f"all variables must have one sample per observation; got lengths {[c.size for c in cols]}"
        )
    cells, counts, _, _ = _cells(cols, dropna)
    return cells, counts, index


def _is_table(v) -> bool:
    return (isinstance(v, np.ndarray) and v.ndim == 2) or (hasattr(v, "columns") and not isinstance(v, np.ndarray))


def joint_entropy(*variables, base="nats", dropna=False):
    """Joint entropy ``H(X, Y, ...)`` of the empirical distribution of observations.

    Parameters
    ----------
    *variables : array_like
        Samples of each variable (same length), or one 2-D array / DataFrame.
    base : {"nats", "bits", "hartleys"} or float, optional
        Unit of the result. Default nats.
    dropna : bool, optional
        Drop observations with a missing value.

    Returns
    -------
    float
        The plug-in entropy of the joint table ``H(P̂_XY...)``.

    Examples
    --------
    >>> import infokit as ik
    >>> float(ik.joint_entropy([0, 0, 1, 1], [0, 1, 0, 1], base="bits"))
    2.0
    """
    unit = resolve_base(base)
    if not variables:
        raise InvalidArgumentError("joint_entropy() needs at least one variable")
    cols = _variables(variables)
    _, counts, _, _ = _cells(cols, dropna)
    return _entropy_of_counts(counts, unit)


def conditional_entropy(x, *, given, base="nats", dropna=False):
    """Conditional entropy ``H(X | Y) = H(X, Y) - H(Y)`` of the empirical distribution.

    Parameters
    ----------
    x : array_like
        Samples of X (or a 2-D array / DataFrame of several variables).
    given : array_like
        Samples of Y observed with them (or several variables as a 2-D array / DataFrame).
    base, dropna
        As in :func:`joint_entropy`.

    Notes
    -----
    Evaluated as ``sum_xy p(x,y) log(p(y)/p(x,y))``, a sum of non-negative
    terms (no cancellation between two entropies).

    Examples
    --------
    >>> import infokit as ik
    >>> x = [0, 1, 0, 1]; y = [0, 0, 1, 1]
    >>> float(ik.conditional_entropy(x, given=y, base="bits"))   # independent: H(X)
    1.0
    >>> float(ik.conditional_entropy(x, given=x, base="bits"))
    0.0
    """
    unit = resolve_base(base)
    cells, counts, (xs, zs) = _resolve_columns([x, given], dropna)
    return np.float64(unit.convert(np.float64(_conditional_entropy_cells(cells, counts, xs, zs))))


def mutual_information(x, y, *, base="nats", dropna=False):
    """Mutual information ``I(X; Y) = D(P̂_XY || P̂_X P̂_Y)`` of the empirical distribution.

    Parameters
    ----------
    x, y : array_like
        Samples observed together (same length), each a 1-D sample or a 2-D
        array / DataFrame of several variables.
    base, dropna
        As in :func:`joint_entropy`.

    Returns
    -------
    float
        The plug-in mutual information ``>= 0`` (biased upwards as an estimate
        of the true one: see :func:`~infokit.estimate_mutual_information`).

    Notes
    -----
    Evaluated as a KL divergence with non-negative terms
    (``p log(p/q) - p + q`` over observed cells plus the mass of the product
    on unobserved ones, from exact integer counts), so it is accurate even
    for nearly independent variables where ``H(X) + H(Y) - H(X,Y)`` cancels.

    Examples
    --------
    >>> import infokit as ik
    >>> float(ik.mutual_information([0, 0, 1, 1], [0, 0, 1, 1], base="bits"))
    1.0
    >>> float(ik.mutual_information([0, 1, 0, 1], [0, 0, 1, 1]))
    0.0
    """
    unit = resolve_base(base)
    cells, counts, (xs, ys) = _resolve_columns([x, y], dropna)
    return np.float64(unit.convert(np.float64(_cmi_cells(cells, counts, xs, ys, []))))


def conditional_mutual_information(x, y, *, given, base="nats", dropna=False):
    """Conditional mutual information ``I(X; Y | Z)`` of the empirical distribution.

    ``I(X; Y | Z) = sum_z p(z) I(X; Y | Z = z) = D(P̂_XYZ || P̂_XZ P̂_YZ / P̂_Z)``.

    Parameters
    ----------
    x, y, given : array_like
        Samples observed together (same length).
    base, dropna
        As in :func:`joint_entropy`.

    Examples
    --------
    >>> import infokit as ik
    >>> z = [0, 0, 0, 0, 1, 1, 1, 1]
    >>> x = [0, 1, 0, 1, 0, 0, 1, 1]
    >>> float(ik.conditional_mutual_information(x, x, given=z, base="bits"))  # = H(X|Z)
    1.0
    """
    unit = resolve_base(base)
    cells, counts, (xs, ys, zs) = _resolve_columns([x, y, given], dropna)
    return np.float64(unit.convert(np.float64(_cmi_cells(cells, counts, xs, ys, zs))))


# --------------------------------------------------------------------------
# alignment with other distributions (used by infokit._resolve)
# --------------------------------------------------------------------------
def _is_int_outcomes(e: Empirical) -> bool:
    return e._outcomes.dtype.kind in "iu"


def align(named):
    """Replace Empirical / dict arguments of a measure by aligned probability arrays."""
    if len(named) == 1 and isinstance(named[0][1], Empirical):  # ik.entropy(e): no labels to build
        e = named[0][1]
        return [(named[0][0], e._counts / e._n)]
    return align_with_labels(named)[0]


def align_with_labels(named):
    """:func:`align`, and the outcome labels of the aligned axis (None when there is nothing to align)."""
    from .categorical import Categorical

    emp = [(i, v) for i, (_, v) in enumerate(named) if isinstance(v, (Empirical, dict))]
    if not emp:
        return named, None
    names = [n for n, _ in named]
    values = [v for _, v in named]
    dicts_as_emp = {}
    for i, v in emp:
        if isinstance(v, dict):
            dicts_as_emp[i] = _dict_pmf(v, names[i])
    others = [i for i in range(len(values)) if i not in dict(emp)]
    if not others:  # all Empirical / dict: union of outcomes
        dists = [dicts_as_emp.get(i, values[i]) for i in range(len(values))]
        if all(isinstance(d, Empirical) for d in dists):
            outcomes, counts = _union(dists)
            return [(names[i], c / c.sum()) for i, c in enumerate(counts)], list(outcomes.tolist())
        labels, probs = _union_pmfs(dists)
        return [(names[i], p) for i, p in enumerate(probs)], labels
    if dicts_as_emp:
        which = names[next(iter(dicts_as_emp))]
        raise InvalidTypeError(
            f"'{which}' is a dict (probabilities keyed by outcome), which can only be combined with "
            "an ik.Empirical or another dict; pass the array argument as a dict too"
        )
    ref = values[others[0]]
    z = ref._z if isinstance(ref, Categorical) else None
    if z is not None:
        length = z.shape[-1]
    else:
        arr = ref if hasattr(ref, "shape") else np.asarray(ref)
        if arr.ndim == 0:
            return named, None  # the core reports the scalar
        length = arr.shape[-1]
    out = list(named)
    labels = None
    for i, e in emp:
        p = _dense_probs(e, length, names[i], names[others[0]])
        out[i] = (names[i], _like(p, ref))
        if labels is None:
            labels = list(range(length)) if _is_int_outcomes(e) else list(e._outcomes.tolist())
    return out, labels


def _dense_probs(e: Empirical, length: int, name: str, other: str) -> np.ndarray:
    if _is_int_outcomes(e):
        o = e._outcomes
        if o.size and (o.min() < 0 or o.max() >= length):
            bad = o[(o < 0) | (o >= length)][:5].tolist()
            raise InvalidDistributionError(
                f"'{name}' has integer outcomes {bad} with no entry in '{other}' (outcomes 0..{length - 1}); "
                f"the array '{other}' is indexed by outcome. Pass a dict or an ik.Empirical to align labels"
            )
        p = np.zeros(length)
        p[o] = e._counts / e._n
        return p
    if e._outcomes.size != length:
        raise InvalidDistributionError(
            f"'{name}' has {e._outcomes.size} outcomes but '{other}' has {length} entries; "
            f"an array is matched to the outcomes {e._outcomes[:5].tolist()}... in order. "
            "Pass a dict {outcome: probability} to align by label"
        )
    return e._counts / e._n


def _like(p: np.ndarray, ref):
    from .categorical import Categorical

    arr = ref._z if isinstance(ref, Categorical) else ref
    if isinstance(arr, (np.ndarray, list, tuple)) or not hasattr(arr, "shape"):
        return p
    import array_api_compat

    xp = array_api_compat.array_namespace(arr)
    dtype = arr.dtype if xp.isdtype(arr.dtype, "real floating") else None
    return xp.asarray(p, dtype=dtype, device=array_api_compat.device(arr))


def _dict_pmf(d: dict, name: str):
    if not d:
        raise InvalidDistributionError(f"'{name}' is an empty dict; it must map outcomes to probabilities")
    keys = list(d)
    try:
        vals = np.asarray(list(d.values()), dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidTypeError(f"'{name}' must map outcomes to numbers (probabilities)") from None
    return (keys, vals)


def _union_pmfs(dists):
    """Probability vectors on the union of outcomes of Empirical objects and (keys, probs) pmfs."""
    merged, index = [], {}
    for d in dists:
        keys = d._outcomes.tolist() if isinstance(d, Empirical) else d[0]
        for k in keys:
            if k not in index:
                index[k] = len(merged)
                merged.append(k)
    out = []
    for d in dists:
        p = np.zeros(len(merged))
        if isinstance(d, Empirical):
            p[[index[k] for k in d._outcomes.tolist()]] = d._counts / d._n
        else:
            p[[index[k] for k in d[0]]] = d[1]
        out.append(p)
    return merged, out
