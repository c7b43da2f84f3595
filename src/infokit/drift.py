"""Distribution drift between a reference sample and a current one, column by column.

:func:`drift` bins each column on the reference (:mod:`infokit.binning`),
counts both samples in those bins, and compares the two binned
distributions ``P`` (reference) and ``Q`` (current) with the exact measures of
the core.  :func:`drift_from_counts` starts from bin counts, so that files
read batch by batch (the command line) give exactly the in-memory result.

Each row of the result
----------------------
``n_ref``, ``n_cur``
    Sample sizes (missing values included: they have their own bin).
``n_bins``
    Bins compared: the bins where at least one of the two samples has a
    value.  A bin empty in *both* samples carries no evidence and is left
    out (otherwise results would depend on how many unused bins the binning
    has, e.g. an unused missing bin).
``zero_bins_ref``, ``zero_bins_cur``
    Among those, the bins empty in the reference (so ``D(Q||P) = inf`` and
    ``PSI = inf`` without smoothing) and empty in the current sample
    (``D(P||Q) = inf``).
``smoothing``
    The pseudo-count added to every compared bin of **both** samples before
    any measure is computed (0 = none; ``"jeffreys"`` = 0.5, ``"laplace"`` =
    1, or a number).  There is never a hidden epsilon: without smoothing an
    empty bin makes the KL divergences and PSI infinite — the exact value of
    the binned distributions — and the zero-bin counts say why.
``js_divergence``, ``js_distance``
    ``JS(P, Q)`` (:func:`infokit.js_divergence`, in ``unit``, at most 1 bit)
    and its square root (:func:`infokit.js_distance`, a metric).  Finite even
    with empty bins.
``kl_ref_cur``, ``kl_cur_ref``
    ``D(P||Q)`` and ``D(Q||P)`` (:func:`infokit.kl_divergence`, in ``unit``).
``psi``
    Population stability index ``sum (q - p) ln(q / p) = D(P||Q) + D(Q||P)``,
    computed as exactly that sum of the two KL divergences, **always in nats**
    (natural logarithms, as PSI is conventionally defined, so that the usual
    thresholds apply whatever ``base`` is).
``hellinger``
    Hellinger distance ``sqrt(1 - sum sqrt(p q))`` in [0, 1], evaluated as
    ``sqrt(sum (sqrt p - sqrt q)^2 / 2)`` (no cancellation when ``P ≈ Q``).
``js_null_q95``, ``p_value``, ``null_method``
    What the JS divergence looks like when nothing drifted.  The pooled
    counts are split again at random into samples of sizes ``n_ref`` and
    ``n_cur`` — an exact permutation test, drawn on the bin counts with a
    multivariate hypergeometric, so it costs nothing per row of data — and
    the JS divergence recomputed (with the same smoothing) ``n_permutations``
    times.  ``js_null_q95`` is the null's 95th percentile, ``p_value`` is
    ``(1 + #{null >= observed}) / (1 + n_permutations)``.  Bins that are
    empty in the reference *by construction* — the underflow and overflow
    bins of bins fitted on the reference's range, the unseen bin of
    categories — cannot be reproduced by re-splitting (without this the test
    rejects identical distributions about twice as often as it should), so
    the test merges underflow and overflow into the neighbouring interval
    and leaves the unseen bin out (unless one sample has nothing else); the
    statistic it tests equals ``js_divergence`` whenever those bins are
    empty.  With 10⁹ or more
    pooled values NumPy's hypergeometric sampler does not apply and the null
    is a parametric bootstrap from the pooled distribution
    (``null_method = "bootstrap"``).
``verdict_psi``, ``verdict``
    The verdict compares PSI with the thresholds of the credit-scoring
    convention (Siddiqi 2006; Yurdakul 2018): PSI < 0.1 "no drift",
    0.1 <= PSI < 0.25 "moderate", PSI >= 0.25 "drift" — **and** demands
    ``p_value < 0.05``, so a small sample whose PSI is large by chance alone
    is "no drift".  ``verdict_psi`` is the PSI the verdict used: ``psi``
    itself when finite; when ``psi`` is infinite (an empty bin, no
    smoothing) the PSI with Jeffreys smoothing (0.5 on every compared bin of
    both samples), because "infinite" says only that a bin is empty on one
    side, not how much mass moved.  The reported ``psi`` stays infinite.
``unit``
    Unit of the JS and KL columns (``base``).

``df.attrs`` holds the settings (``unit``, ``psi_unit``, ``thresholds``,
``alpha``, ``n_permutations``, ``smoothing``) and the per-column bins and
counts (``bin_counts``: ``{column: {"labels", "reference", "current"}}``)
that :func:`infokit.plot.plot_drift` draws.

Results are a plain :class:`pandas.DataFrame`, which Jupyter renders as a
table; :func:`infokit.reports.drift_html` gives a report with the units in
the headers and the verdicts coloured.

References
----------
N. Siddiqi, *Credit Risk Scorecards*, Wiley (2006) — the 0.1 / 0.25 PSI rule.
B. Yurdakul, *Statistical Properties of Population Stability Index*, PhD
thesis, Western Michigan University (2018).
J. Lin, "Divergence measures based on the Shannon entropy", IEEE Trans.
Information Theory 37 (1991).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from infokit._api import measures as exact
from infokit._lib.checks import check_counts, check_pseudo_count, check_rng
from infokit._lib.modules import make_callable
from infokit._lib.optional import require
from infokit._lib.units import resolve_base
from infokit._samples.binning import Binning, Categories, binning_for
from infokit._samples.table import Empirical, _union
from infokit.errors import InfokitError, InvalidArgumentError, InvalidTypeError

__all__ = ["drift", "drift_from_counts", "PSI_THRESHOLDS", "ALPHA", "COLUMNS"]

#: PSI below the first is "no drift", from the first to the second "moderate", above "drift".
PSI_THRESHOLDS = (0.1, 0.25)
#: Significance level the permutation p-value must beat for a verdict other than "no drift".
ALPHA = 0.05
#: Columns of the DataFrame returned by :func:`drift` and :func:`drift_from_counts`.
COLUMNS = (
    "n_ref", "n_cur", "n_bins", "zero_bins_ref", "zero_bins_cur", "smoothing",
    "js_divergence", "js_distance", "kl_ref_cur", "kl_cur_ref", "psi", "hellinger",
    "js_null_q95", "p_value", "null_method", "verdict_psi", "verdict", "unit",
)

_HYPERGEOMETRIC_MAX = 10**9  # numpy's multivariate_hypergeometric needs fewer pooled values
_NULL_CELLS = 1 << 22  # permuted tables are drawn in chunks of at most this many cells


# --------------------------------------------------------------------------
# options
# --------------------------------------------------------------------------
def _check_smoothing(smoothing) -> float:
    """The pseudo-count added to every bin of both sides (0.0 for none)."""
    a = check_pseudo_count(smoothing)
    return 0.0 if a is None else a


def _check_n_permutations(n) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise InvalidArgumentError(f"'n_permutations' must be an int >= 0 (got {n!r})")
    return int(n)


def _check_thresholds(thresholds, alpha):
    try:
        t1, t2 = (float(t) for t in thresholds)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"'thresholds' must be two numbers (moderate, drift) (got {thresholds!r})") from None
    if not 0 <= t1 <= t2 < math.inf:
        raise InvalidArgumentError(f"'thresholds' must satisfy 0 <= moderate <= drift < inf (got {thresholds!r})")
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not 0 < alpha <= 1:
        raise InvalidArgumentError(f"'alpha' must be in (0, 1] (got {alpha!r})")
    return (t1, t2), float(alpha)


# --------------------------------------------------------------------------
# one column
# --------------------------------------------------------------------------
def _psi_nats(pw, qw):
    """``(D(P||Q), D(Q||P), PSI = their sum)`` in nats, from the core's KL divergence of the weights."""
    kl_pq = float(exact.kl_divergence(pw, qw, normalize=True))
    kl_qp = float(exact.kl_divergence(qw, pw, normalize=True))
    return kl_pq, kl_qp, kl_pq + kl_qp


def _test_map(binning, k: int):
    """The bin of the permutation test each bin goes to (-1: left out), or None (the same bins).

    A bin that is empty in the reference *by construction* cannot be
    reproduced by re-splitting the pooled counts: the underflow and overflow
    bins of bins fitted on the reference (its range defines them) and the
    unseen bin of categories.  The test merges underflow and overflow into
    the neighbouring interval and leaves the unseen bin out.
    """
    if isinstance(binning, Binning) and binning.method != "edges":
        group = np.arange(k)
        group[0], group[k - 2] = 1, k - 3  # underflow -> first interval, overflow -> last interval
    elif isinstance(binning, Categories):
        group = np.where(np.arange(k) == k - 2, -1, np.arange(k))  # unseen: out of the test
    else:
        return None
    return group


def _regroup(counts: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Counts summed into the test's bins (bins mapped to -1 are left out; bins that get nothing stay 0)."""
    keep = group >= 0
    out = np.zeros(int(group.max()) + 1 if keep.any() else 0, dtype=np.int64)
    np.add.at(out, group[keep], counts[keep])
    return out


def _permutation_test(r, c, a, base, n_perm, rng):
    """(p-value, 95th percentile of the null, method) of the JS divergence of two count vectors."""
    keep = (r + c) > 0
    r, c = r[keep], c[keep]
    m_r, m_c = int(r.sum()), int(c.sum())
    observed = float(exact.js_divergence(r + a, c + a, base=base, normalize=True))
    total = r + c
    exact_null = m_r + m_c < _HYPERGEOMETRIC_MAX
    pooled = total / total.sum()
    chunk = max(1, _NULL_CELLS // total.size)  # bounded memory for many bins
    parts = []
    for start in range(0, n_perm, chunk):
        size = min(chunk, n_perm - start)
        if exact_null:  # re-split the pooled values: an exact permutation of the rows
            rp = rng.multivariate_hypergeometric(total, m_r, size=size)
            cp = total - rp
        else:
            rp = rng.multinomial(m_r, pooled, size=size)
            cp = rng.multinomial(m_c, pooled, size=size)
        parts.append(np.asarray(exact.js_divergence(rp + a, cp + a, base=base, normalize=True), dtype=float))
    null = np.concatenate(parts)
    p_value = (1 + int(np.count_nonzero(null >= observed * (1 - 1e-9)))) / (1 + n_perm)
    return p_value, float(np.quantile(null, 0.95)), ("permutation" if exact_null else "bootstrap")


def _row(r, c, a, base, unit, n_perm, rng, thresholds, alpha, test_map) -> dict:
    keep = (r + c) > 0
    rk, ck = r[keep], c[keep]
    n_r, n_c = int(rk.sum()), int(ck.sum())
    pw, qw = rk + a, ck + a  # weights; the core normalises them exactly (normalize=True)
    js = float(exact.js_divergence(pw, qw, base=base, normalize=True))
    jsd = float(exact.js_distance(pw, qw, base=base, normalize=True))
    kl_pq, kl_qp, psi = _psi_nats(pw, qw)
    p, q = pw / pw.sum(), qw / qw.sum()
    hell = min(1.0, math.sqrt(0.5 * math.fsum(((np.sqrt(p) - np.sqrt(q)) ** 2).tolist())))

    if n_perm:
        rt, ct = (_regroup(r, test_map), _regroup(c, test_map)) if test_map is not None else (r, c)
        if rt.sum() == 0 or ct.sum() == 0:  # one sample all in structural bins: test the bins as they are
            rt, ct = r, c
        p_value, q95, method = _permutation_test(rt, ct, a, base, n_perm, rng)
    else:
        p_value, q95, method = math.nan, math.nan, "none"

    verdict_psi = psi if math.isfinite(psi) else _psi_nats(rk + 0.5, ck + 0.5)[2]
    t1, t2 = thresholds
    verdict = "no drift" if verdict_psi < t1 else ("moderate" if verdict_psi < t2 else "drift")
    if n_perm and not p_value < alpha:
        verdict = "no drift"
    return {
        "n_ref": n_r,
        "n_cur": n_c,
        "n_bins": int(keep.sum()),
        "zero_bins_ref": int(np.count_nonzero(rk == 0)),
        "zero_bins_cur": int(np.count_nonzero(ck == 0)),
        "smoothing": float(a),
        "js_divergence": js,
        "js_distance": jsd,
        "kl_ref_cur": float(unit.convert(np.float64(kl_pq))),
        "kl_cur_ref": float(unit.convert(np.float64(kl_qp))),
        "psi": psi,
        "hellinger": hell,
        "js_null_q95": q95,
        "p_value": p_value,
        "null_method": method,
        "verdict_psi": verdict_psi,
        "verdict": verdict,
        "unit": unit.name,
    }


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------
def drift_from_counts(
    reference_counts,
    current_counts,
    *,
    bins=None,
    labels=None,
    base="nats",
    smoothing=None,
    n_permutations: int = 1000,
    rng=None,
    thresholds=PSI_THRESHOLDS,
    alpha: float = ALPHA,
):
    """Drift of each column from its bin counts in the reference and current samples.

    Parameters
    ----------
    reference_counts, current_counts : mapping
        ``{column: counts}``, the same columns in both.  Counts are 1-D
        integer arrays of the same length for one column (bins aligned, e.g.
        from :meth:`infokit.binning.Binning.counts` of both samples, summed
        over batches), or two :class:`~infokit.Empirical` objects (aligned on
        the union of their outcomes).
    bins : mapping, optional
        ``{column: Binning or Categories}``: the bins the counts were taken
        in (:mod:`infokit.binning`).  Gives the labels, and tells the
        permutation test which bins are empty in the reference by
        construction (see ``p_value`` in :mod:`infokit.drift`).  Without it,
        every bin is taken as fixed in advance.
    labels : mapping, optional
        ``{column: bin labels}`` (default: from ``bins``, else ``0..k-1``),
        kept in ``df.attrs["bin_counts"]``.
    base : {"nats", "bits", "hartleys"} or float, optional
        Unit of the JS and KL columns. Default nats, like every library
        function (the ``infokit drift`` command and its reports print bits).
        PSI is always in nats.
    smoothing : None, "jeffreys", "laplace" or float, optional
        Pseudo-count added to every compared bin of both samples. Default None.
    n_permutations : int, optional
        Random splits of the pooled counts for the null distribution of the
        JS divergence. Default 1000; 0 skips the test (the verdict then rests
        on PSI alone; below 19 no p-value can be under 0.05).
    rng : None, int or numpy.random.Generator, optional
        Randomness of the permutations; a seed makes ``p_value`` reproducible.
    thresholds : (float, float), optional
        PSI thresholds (moderate, drift). Default (0.1, 0.25).
    alpha : float, optional
        Level the p-value must be below for a verdict other than "no drift". Default 0.05.

    Returns
    -------
    pandas.DataFrame
        One row per column (index: the column names); columns as described in
        :mod:`infokit.drift`.

    Raises
    ------
    InvalidArgumentError
        Columns that differ between the two mappings, counts of different
        lengths, negative counts, an empty sample, bad options.

    Examples
    --------
    >>> from infokit.drift import drift_from_counts
    >>> df = drift_from_counts({"x": [50, 50, 0]}, {"x": [30, 60, 10]}, rng=0)
    >>> row = df.loc["x"]
    >>> int(row.zero_bins_ref), float(row.psi), float(row.kl_ref_cur) < float("inf"), row.verdict
    (1, inf, True, 'drift')
    >>> round(float(df.loc["x", "js_divergence"]), 4), df.loc["x", "unit"]
    (0.0496, 'nats')
    """
    pd = require("pandas", "ik.drift")
    unit = resolve_base(base)
    a = _check_smoothing(smoothing)
    n_perm = _check_n_permutations(n_permutations)
    thresholds, alpha = _check_thresholds(thresholds, alpha)
    gen = check_rng(rng)
    if not hasattr(reference_counts, "keys") or not hasattr(current_counts, "keys"):
        raise InvalidTypeError("'reference_counts' and 'current_counts' must be mappings {column: counts}")
    cols = list(reference_counts.keys())
    missing = [k for k in cols if k not in current_counts]
    extra = [k for k in current_counts.keys() if k not in reference_counts]
    if missing or extra:
        raise InvalidArgumentError(
            f"the reference and current counts must have the same columns (only in reference: {missing}; "
            f"only in current: {extra})"
        )
    if not cols:
        raise InvalidArgumentError("no columns to compare")
    binnings = dict(bins or {})
    labels = dict(labels or {})
    for col, b in binnings.items():
        if col not in reference_counts:
            raise InvalidArgumentError(f"'bins' names column {col!r} that has no counts")
        if not hasattr(b, "labels") or not hasattr(b, "counts"):
            raise InvalidTypeError(f"'bins' of column {col!r} must be an infokit.binning Binning or Categories")
        labels.setdefault(col, b.labels)
    rows, bin_counts = [], {}
    for col in cols:
        r, c, lab = _aligned(reference_counts[col], current_counts[col], col, labels.get(col))
        b = binnings.get(col)
        if b is not None and b.n_bins != r.size:
            raise InvalidArgumentError(f"column {col!r}: {r.size} counts for the {b.n_bins} bins of 'bins'")
        test_map = _test_map(b, r.size) if b is not None else None
        if r.sum() == 0:
            raise InvalidArgumentError(f"column {col!r}: the reference sample is empty (all counts zero)")
        if c.sum() == 0:
            raise InvalidArgumentError(f"column {col!r}: the current sample is empty (all counts zero)")
        rows.append(_row(r, c, a, base, unit, n_perm, gen, thresholds, alpha, test_map))
        bin_counts[col] = {"labels": lab, "reference": r.tolist(), "current": c.tolist()}
    df = pd.DataFrame(rows, index=pd.Index(cols, name="column"), columns=list(COLUMNS))
    df.attrs.update(
        unit=unit.name,
        psi_unit="nats",
        thresholds=tuple(thresholds),
        alpha=alpha,
        n_permutations=n_perm,
        smoothing=a,
        bin_counts=bin_counts,
    )
    return df


def _aligned(r, c, col, lab):
    if isinstance(r, Empirical) or isinstance(c, Empirical):
        if not (isinstance(r, Empirical) and isinstance(c, Empirical)):
            raise InvalidTypeError(f"column {col!r}: pass both counts as arrays or both as ik.Empirical")
        outcomes, (ra, ca) = _union([r, c])
        return ra, ca, (list(lab) if lab is not None else [str(o) for o in outcomes.tolist()])
    ra = check_counts(r, f"reference[{col!r}]", allow_all_zero=True)
    ca = check_counts(c, f"current[{col!r}]", allow_all_zero=True)
    if ra.size != ca.size:
        raise InvalidArgumentError(
            f"column {col!r}: {ra.size} reference bins but {ca.size} current bins; counts must be in the same bins"
        )
    if lab is None:
        lab = [str(i) for i in range(ra.size)]
    elif len(lab) != ra.size:
        raise InvalidArgumentError(f"column {col!r}: {len(lab)} labels for {ra.size} bins")
    return ra, ca, [str(x) for x in lab]


def _table(obj, name: str):
    """``{column: values}`` of a DataFrame, a dict of arrays, or None for a single column."""
    if isinstance(obj, dict):
        return dict(obj)
    if hasattr(obj, "columns") and not isinstance(obj, np.ndarray):
        try:
            return {c: obj[c] for c in list(obj.columns)}
        except Exception as exc:  # pragma: no cover - exotic frames
            raise InvalidTypeError(f"'{name}' could not be read column by column ({exc})") from None
    if isinstance(obj, np.ndarray) and obj.ndim == 2:
        return {i: obj[:, i] for i in range(obj.shape[1])}
    return None


def drift(
    reference,
    current,
    columns=None,
    *,
    bins="quantile",
    n_bins: int = 10,
    base="nats",
    smoothing=None,
    n_permutations: int = 1000,
    rng=None,
    thresholds=PSI_THRESHOLDS,
    alpha: float = ALPHA,
):
    """Drift between a reference sample and a current one, one row per column.

    Each column is binned on the reference (:func:`infokit.binning.binning_for`:
    quantile bins plus underflow, overflow and missing bins for numbers; for
    labels one bin per category of the two samples — the reference's, then
    the current's new ones — plus unseen and missing bins),
    both samples are counted in those bins, and the binned distributions
    ``P`` (reference) and ``Q`` (current) are compared
    (:func:`drift_from_counts`).

    Parameters
    ----------
    reference, current : DataFrame, dict of arrays, Series or array
        The two samples (pandas or polars DataFrames, ``{column: values}``,
        2-D arrays, or a single column as a Series / 1-D array / list).
    columns : str or list, optional
        Columns to compare; default every column of ``reference`` (each must
        be in ``current``).
    bins : {"quantile", "uniform", "fd"}, int, array of edges, or dict, optional
        Binning of numeric columns (:func:`infokit.binning.fit_bins`);
        a dict ``{column: bins}`` sets it per column ("quantile" for the
        others). Default "quantile".
    n_bins : int, optional
        Number of quantile / uniform bins. Default 10.
    base : {"nats", "bits", "hartleys"} or float, optional
        Unit of the JS and KL columns. Default nats, like every library
        function (the ``infokit drift`` command and its reports print bits).
        PSI is always in nats.
    smoothing : None, "jeffreys", "laplace" or float, optional
        Pseudo-count added to every compared bin of *both* samples. Default
        None: empty bins give infinite KL divergences and PSI, reported as
        such, with ``zero_bins_ref`` / ``zero_bins_cur`` saying why.
    n_permutations, rng, thresholds, alpha
        As in :func:`drift_from_counts`.

    Returns
    -------
    pandas.DataFrame
        One row per column; the columns are described in :mod:`infokit.drift`.

    Raises
    ------
    InvalidArgumentError
        Unknown columns, empty samples, a reference column with no value to
        fit bins on, bad options.
    InvalidTypeError
        A current column whose values do not fit the reference's type
        (e.g. strings in a numeric column).

    Examples
    --------
    >>> import numpy as np
    >>> from infokit.drift import drift
    >>> rng = np.random.default_rng(0)
    >>> ref = {"x": rng.normal(0, 1, 5000), "y": rng.choice(["a", "b"], 5000)}
    >>> cur = {"x": rng.normal(1, 1, 5000), "y": rng.choice(["a", "b"], 5000)}
    >>> drift(ref, cur, rng=1)["verdict"].tolist()
    ['drift', 'no drift']
    """
    require("pandas", "ik.drift")
    ref_t, cur_t = _table(reference, "reference"), _table(current, "current")
    if (ref_t is None) != (cur_t is None):
        raise InvalidArgumentError(
            "'reference' and 'current' must both be tables (DataFrame, dict of columns) or both single columns"
        )
    if ref_t is None:
        name = getattr(reference, "name", None)
        name = "value" if name is None else name
        ref_t, cur_t = {name: reference}, {name: current}
    if columns is None:
        cols = list(ref_t)
    elif isinstance(columns, (str, int)) and not isinstance(columns, bool):
        cols = [columns]
    else:
        cols = list(columns)
    if not cols:
        raise InvalidArgumentError("no columns to compare")
    for which, t in (("reference", ref_t), ("current", cur_t)):
        unknown = [c for c in cols if c not in t]
        if unknown:
            raise InvalidArgumentError(f"column(s) {unknown} not in the {which} (it has {list(t)[:20]})")
    per_column = dict(bins) if isinstance(bins, dict) else None
    if per_column is not None:
        unknown = [c for c in per_column if c not in cols]
        if unknown:
            raise InvalidArgumentError(f"'bins' names column(s) {unknown} that are not compared")
    ref_counts, cur_counts, binnings = {}, {}, {}
    for col in cols:
        spec = per_column.get(col, "quantile") if per_column is not None else bins
        try:
            b = binning_for(ref_t[col], spec, n_bins=n_bins, current_values=cur_t[col])
            ref_counts[col] = b.counts(ref_t[col])
            cur_counts[col] = b.counts(cur_t[col])
        except InfokitError as exc:
            raise type(exc)(f"column {col!r}: {exc}") from None
        binnings[col] = b
    return drift_from_counts(
        ref_counts, cur_counts, bins=binnings, base=base, smoothing=smoothing,
        n_permutations=n_permutations, rng=rng, thresholds=thresholds, alpha=alpha,
    )


make_callable(__name__, drift)
