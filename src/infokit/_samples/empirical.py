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
from collections.abc import Sequence
from typing import Any

import numpy as np

from infokit._core import kernels as _kernels
from infokit._core.measures import entropy as _core_entropy
from infokit._samples import binning as _binning, counting as _counting, dask as _dask
from infokit._samples.table import Empirical, _on_support
from infokit._lib.typing import Base, Bins, Samples
from infokit._lib.units import resolve_base
from infokit.errors import InvalidArgumentError, InvalidTypeError

__all__ = [
    "Empirical",
    "empirical",
    "empirical_joint",
    "joint_entropy",
    "conditional_entropy",
    "mutual_information",
    "conditional_mutual_information",
]


# --------------------------------------------------------------------------
# building empirical distributions
# --------------------------------------------------------------------------
def empirical(samples: Samples, *, support: Sequence[Any] | None = None, dropna: bool = False,
              bins: Bins | None = None) -> Empirical:
    """The empirical distribution of a sample, ``P̂(x) = n_x / n``.

    Parameters
    ----------
    samples : array_like
        A 1-D sample: a NumPy array of ints, floats, strings, bools or
        datetimes, a list of hashable values (strings, tuples, ...), a pandas
        or polars Series, or a 1-D tensor.  A 1-D dask array or dask
        dataframe Series is counted on its cluster, exactly (see
        :mod:`infokit.io`, ``infokit.io.connect``).
    support : array_like, optional
        The declared set of possible outcomes, in the order wanted: unseen
        outcomes get count 0, and a sample outside it is an error.
    dropna : bool, optional
        Drop missing samples (NaN, NaT, None, pandas.NA) instead of raising.
    bins : int, str, tuple, array_like or Binning, optional
        Count numeric samples in bins instead of by value: an int ``N``
        (``N`` equal-width bins, as :func:`numpy.histogram`; in
        :func:`infokit.drift` an int means quantile bins, the PSI
        convention), ``"fd"``
        (Freedman–Diaconis), ``"quantile"`` or ``("quantile", N)``
        (equal-frequency; 10 bins by default), ``"uniform"`` or
        ``("uniform", N)``, an increasing array of edges, or a ``Binning``
        fitted elsewhere (:func:`infokit.binning.fit_bins`).  The outcomes
        are then the bins' labels (``"[0.1, 0.35)"``) in bin order, declared
        as the support; with explicit edges (or a ``Binning``) the support
        also has an underflow and an overflow bin, so no sample is dropped.

    Returns
    -------
    Empirical
        The observed outcomes (sorted) and their counts; with ``support``, every
        declared outcome in the order given; with ``bins``, the bins.

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
    >>> b = ik.empirical([0.1, 0.2, 0.25, 0.9], bins=2)
    >>> b.outcomes.tolist(), b.counts.tolist()
    (['[0.1, 0.5)', '[0.5, 0.9]'], [3, 1])
    """
    if bins is not None:
        if support is not None:
            raise InvalidArgumentError("pass either 'bins' (count numbers in bins) or 'support' (declared "
                                       "outcomes), not both: with bins the support is the bins")
        if _dask.is_dask_collection(samples):
            raise InvalidArgumentError("'bins' is not available for dask collections; compute the bin counts "
                                       "with infokit.io.read_drift_counts or bin the values first")
        return _binning.binned_empirical(samples, bins, dropna=dropna)[0]
    return count_samples(samples, "samples", support=support, dropna=dropna)


def count_samples(samples: Samples, name: str, *, support: Sequence[Any] | None = None,
                  dropna: bool = False) -> Empirical:
    """:func:`empirical` of the argument called ``name`` (the name its messages use)."""
    if _dask.is_dask_collection(samples):
        return _dask.empirical_from_dask(samples, support=support, dropna=dropna)
    arr = _counting.as_samples(samples, name)
    outcomes, counts = _counting.count(arr, name=name, dropna=dropna)
    if support is None:
        return Empirical(outcomes, counts)
    return _on_support(outcomes, counts, support)


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


def _cells(cols, dropna: bool, names=None):
    """Joint counts: (cell codes (m, d), counts (m,), per-variable outcomes, per-sample cell index).

    ``names``: each column's argument name in messages (default ``variables[i]``)."""
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
        o, _, k = _counting.count(c, name=names[i] if names else f"variables[{i}]", codes=True)
        var_outcomes.append(o)
        codes.append(k)
    cell_codes, counts, inverse = group_rows(codes, [o.size for o in var_outcomes])
    return cell_codes, counts, var_outcomes, inverse


def group_rows(ids, sizes, weights=None):
    """The distinct rows of integer code columns ``ids`` (codes ``< sizes``), in lexicographic order.

    Returns ``(cells (k, d), totals (k,), inverse (m,))``: the distinct rows,
    how many rows (or how much ``weights``) each has, and each row's index
    among them.  Rows are flattened to one integer and counted by
    :func:`infokit._samples.counting.count` (a bincount for compact codes).
    The one grouping behind joint tables, their marginals and the streamed
    joint counts.
    """
    ids = [np.asarray(c, dtype=np.int64) for c in ids]
    if math.prod(max(int(s), 1) for s in sizes) < 2**62:
        flat = np.ravel_multi_index(ids, sizes) if len(ids) > 1 else ids[0]
        keys, counts, inverse = _counting.count(flat, name="cells", codes=True)
        cells = np.stack(np.unravel_index(keys, sizes), axis=1) if len(ids) > 1 else keys[:, None]
    else:  # pragma: no cover - astronomically many possible cells
        cells, inverse, counts = np.unique(np.stack(ids, axis=1), axis=0, return_inverse=True, return_counts=True)
        inverse = inverse.ravel()
    if weights is not None:
        counts = np.zeros(cells.shape[0], dtype=np.int64)
        np.add.at(counts, inverse, weights)
    return cells.astype(np.int64), counts.astype(np.int64), inverse


def empirical_joint(*variables: Samples, dropna: bool = False) -> Empirical:
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
    return Empirical(None, counts, _joint=(cell_codes, var_outcomes))


# --------------------------------------------------------------------------
# exact measures of P̂ for several variables
# --------------------------------------------------------------------------
def _entropy_of_counts(counts, unit):
    return np.float64(unit.convert(np.float64(_core_entropy(counts / counts.sum()))))


def _group_counts(codes: np.ndarray, weights: np.ndarray):
    """Sum ``weights`` over equal rows of ``codes`` (m, d): (group index per row, group totals)."""
    if codes.shape[1] == 0:
        return np.zeros(codes.shape[0], dtype=np.int64), np.array([weights.sum()], dtype=np.int64)
    _, totals, inverse = group_rows(list(codes.T), codes.max(axis=0) + 1, weights)
    return inverse, totals


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
    all_cols = list(xs) + list(ys) + list(zs)
    inv_xyz, n_xyz = _group_counts(cells[:, np.array(all_cols)], counts)
    inv_xz, n_xz = _group_counts(cells[:, np.array(list(xs) + list(zs))], counts)
    inv_yz, n_yz = _group_counts(cells[:, np.array(list(ys) + list(zs))], counts)
    inv_z, n_z = _group_counts(cells[:, np.array(list(zs), dtype=int)], counts)
    g_xz = np.empty(n_xyz.size, np.int64)
    g_yz = np.empty(n_xyz.size, np.int64)
    g_z = np.empty(n_xyz.size, np.int64)
    g_xz[inv_xyz], g_yz[inv_xyz], g_z[inv_xyz] = inv_xz, inv_yz, inv_z
    return _kl_to_product(n_xyz, n_xz[g_xz], n_yz[g_yz], g_z, n_z)


def _mi_distinct_cells(cx, cy, counts):
    """``(I(X; Y) in nats, n_x, n_y)`` of the counts of distinct (x, y) cells with codes ``cx``, ``cy``.

    The cells must be distinct (as a joint table's are); codes are indices
    ``0..K-1`` of the variables' outcomes.  Same value as :func:`_cmi_cells`
    without regrouping the cells: 8 bytes of work space per cell and variable.
    """
    n_x = _sum_by(cx, counts)
    n_y = _sum_by(cy, counts)
    n = int(n_x.sum())
    chunks = ((counts[i:i + _FSUM_CHUNK], n_x[cx[i:i + _FSUM_CHUNK]], n_y[cy[i:i + _FSUM_CHUNK]],
               np.zeros(min(_FSUM_CHUNK, counts.size - i), np.int64)) for i in range(0, counts.size, _FSUM_CHUNK))
    value = _kl_to_product_chunks(chunks, np.array([n], dtype=np.int64))
    return value, n_x, n_y


def _sum_by(codes, counts):
    """Exact integer totals of ``counts`` per code (codes ``0..K-1``)."""
    k = int(codes.max()) + 1 if codes.size else 0
    total = np.zeros(k, dtype=np.int64)
    for i in range(0, codes.size, _FSUM_CHUNK):  # by chunks: no per-cell copy of codes or counts
        # float64 weights are exact: a chunk's counts sum to less than 2**53
        total += np.bincount(codes[i:i + _FSUM_CHUNK], weights=counts[i:i + _FSUM_CHUNK], minlength=k).astype(np.int64)
    return total


_FSUM_CHUNK = 1 << 18  # cells per chunk: kl_terms holds ~15 chunk-sized temporaries


def _fsum(terms: np.ndarray) -> float:
    """``math.fsum`` of a float array, in chunks of 2**20 terms (no Python list of all of them)."""
    if terms.size <= _FSUM_CHUNK:
        return math.fsum(terms.tolist())
    return math.fsum(math.fsum(terms[i:i + _FSUM_CHUNK].tolist()) for i in range(0, terms.size, _FSUM_CHUNK))


def _kl_to_product(n_xyz, a_xz, a_yz, g_z, n_z):
    """The KL divergence of the observed cells from the product of their marginals, in nats.

    ``n_xyz`` are the cells' counts, ``a_xz``/``a_yz`` the counts of their
    (x, z) and (y, z) margins, ``g_z`` the index of their z in ``n_z``, the
    counts of z.  The observed cells' terms ``p log(p/q) - p + q`` plus the
    mass of the product on unobserved cells, ``sum_z (n_z^2 - sum n_xz n_yz) /
    (n_z n)``, from exact integers.
    """
    chunks = (tuple(a[i:i + _FSUM_CHUNK] for a in (n_xyz, a_xz, a_yz, g_z)) for i in range(0, n_xyz.size, _FSUM_CHUNK))
    return _kl_to_product_chunks(chunks, n_z)


def _kl_to_product_chunks(chunks, n_z):
    """:func:`_kl_to_product` of the cells given by chunks ``(n_xyz, a_xz, a_yz, g_z)`` (a few
    chunk-sized temporaries, never one per cell)."""
    n = int(n_z.sum())
    exact = n < 3_037_000_499  # n^2 < 2^63: the products and their sums are exact in int64
    s_z = np.zeros(n_z.size, dtype=np.int64) if exact else [0] * n_z.size  # sum of n_xz n_yz per z
    parts = []
    for c, ax, ay, gz in chunks:
        p = c / n
        # q = p * (n_xz n_yz) / (n_xyz n_z): exactly p where the integers say the cell is a product
        q = p * ((ax.astype(np.float64) * ay) / (c.astype(np.float64) * n_z[gz]))
        parts.append(math.fsum(_kernels.kl_terms(np, p, q).tolist()))
        if exact:
            np.add.at(s_z, gz, ax.astype(np.int64) * ay)
        else:  # pragma: no cover - more than 3e9 observations: Python integers
            for z, a, b in zip(gz.tolist(), ax.tolist(), ay.tolist()):
                s_z[z] += int(a) * int(b)
    observed = math.fsum(parts) if len(parts) != 1 else parts[0]
    if exact:
        nz = n_z.astype(np.int64)
        missing = _fsum((nz * nz - s_z) / (nz.astype(np.float64) * n))
    else:  # pragma: no cover
        missing = math.fsum((int(nz) * int(nz) - sz) / (int(nz) * n) for nz, sz in zip(n_z.tolist(), s_z))
    return max(observed + missing, 0.0)


def _resolve_columns(groups, dropna, names=("x", "y")):
    """Flatten groups of variables (argument ``names[i]`` each) into one column list with their indices."""
    cols, index, col_names = [], [], []
    for g, name in zip(groups, names):
        vs = _variables((g,), name) if _is_table(g) else [_counting.as_samples(g, name)]
        index.append(list(range(len(cols), len(cols) + len(vs))))
        cols.extend(vs)
        col_names.extend([name] * len(vs) if len(vs) == 1 else [f"{name}[{j}]" for j in range(len(vs))])
    sizes = [c.size for c in cols]
    if len(set(sizes)) > 1:
        detail = ", ".join(f"{n}: {k}" for n, k in zip(col_names, sizes))
        raise InvalidArgumentError(
            f"{' and '.join(repr(n) for n in names[:len(groups)])} must have one sample per observation "
            f"(the same length); got lengths {detail}"
        )
    cells, counts, _, _ = _cells(cols, dropna, col_names)
    return cells, counts, index


def _is_table(v) -> bool:
    return (isinstance(v, np.ndarray) and v.ndim == 2) or (hasattr(v, "columns") and not isinstance(v, np.ndarray))


def joint_entropy(*variables: Samples, base: Base = "nats", dropna: bool = False) -> float:
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


def conditional_entropy(x: Samples, *, given: Samples, base: Base = "nats", dropna: bool = False) -> float:
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
    cells, counts, (xs, zs) = _resolve_columns([x, given], dropna, ("x", "given"))
    return np.float64(unit.convert(np.float64(_conditional_entropy_cells(cells, counts, xs, zs))))


def mutual_information(x: Samples, y: Samples | None = None, *, base: Base = "nats", dropna: bool = False) -> float:
    """Mutual information ``I(X; Y) = D(P̂_XY || P̂_X P̂_Y)`` of the empirical distribution.

    Parameters
    ----------
    x, y : array_like
        Samples observed together (same length), each a 1-D sample or a 2-D
        array / DataFrame of several variables.  Or ``x`` a joint table of two
        variables (an :class:`Empirical` from :func:`empirical_joint` or
        :func:`infokit.io.read_joint_empirical`) and ``y`` omitted: its counts
        are used as they are.
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
    if y is None:
        cx, cy, counts = joint_pair_cells(x, "x")
        return np.float64(unit.convert(np.float64(_mi_distinct_cells(cx, cy, counts)[0])))
    cells, counts, (xs, ys) = _resolve_columns([x, y], dropna)
    return np.float64(unit.convert(np.float64(_cmi_cells(cells, counts, xs, ys, []))))


def joint_pair_cells(table, name: str):
    """``(x codes, y codes, counts)`` of the distinct cells of a joint table of two variables.

    Raises
    ------
    InvalidTypeError, InvalidArgumentError
        ``table`` is not a joint table (:func:`empirical_joint`) of exactly two variables.
    """
    joint = getattr(table, "_joint", None) if isinstance(table, Empirical) else None
    if joint is None:
        raise InvalidTypeError(
            f"'{name}' without 'y' must be a joint table of two variables (ik.empirical_joint(x, y) or "
            f"infokit.io.read_joint_empirical); got {type(table).__name__}. Or pass the paired samples x and y"
        )
    cells, var_outcomes = joint
    if len(var_outcomes) != 2:
        raise InvalidArgumentError(
            f"'{name}' is a joint table of {len(var_outcomes)} variable(s); the mutual information of a "
            "table needs exactly two (X, Y)"
        )
    return cells[:, 0], cells[:, 1], np.asarray(table.counts)


def conditional_mutual_information(x: Samples, y: Samples, *, given: Samples, base: Base = "nats",
                                   dropna: bool = False) -> float:
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
    cells, counts, (xs, ys, zs) = _resolve_columns([x, y, given], dropna, ("x", "y", "given"))
    return np.float64(unit.convert(np.float64(_cmi_cells(cells, counts, xs, ys, zs))))


