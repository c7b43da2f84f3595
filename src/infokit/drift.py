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
    Among those, the bins empty in the reference (so ``D(Q||P) = inf``
    without smoothing) and empty in the current sample (``D(P||Q) = inf``).
    Bins fitted on a numeric reference have open-ended outer intervals, so
    none is empty in the reference by construction; the bin of a category
    the reference never had is.
``smoothing``
    The pseudo-count added to every compared bin of **both** samples before
    the JS, KL and Hellinger columns are computed (0 = none; ``"jeffreys"``
    = 0.5, ``"laplace"`` = 1, or a number).  Without smoothing an empty bin
    makes a KL divergence infinite — the exact value of the binned
    distributions — and the zero-bin counts say why.
``js_divergence``, ``js_distance``
    ``JS(P, Q)`` (:func:`infokit.js_divergence`, in ``unit``, at most 1 bit)
    and its square root (:func:`infokit.js_distance`, a metric).  Finite even
    with empty bins.
``kl_ref_cur``, ``kl_cur_ref``
    ``D(P||Q)`` and ``D(Q||P)`` (:func:`infokit.kl_divergence`, in ``unit``).
``psi``
    Population stability index ``sum (q - p) ln(q / p) = D(P||Q) + D(Q||P)``,
    **always in nats** (natural logarithms, as PSI is conventionally
    defined, so that the usual thresholds apply whatever ``base`` is), of
    the counts plus ``smoothing`` — or, when ``smoothing`` is None, plus
    :data:`PSI_PSEUDO_COUNT` = 0.5 (Jeffreys) on every compared bin of both
    samples, so that PSI is always finite.  A pseudo-count rather than a
    floor on probabilities (such as 1e-4): its weight shrinks as the samples
    grow, so the PSI of large samples is that of their distributions, and it
    does not depend on an arbitrary epsilon.  The exact PSI (infinite when a
    bin is empty on one side) is ``(kl_ref_cur + kl_cur_ref)`` in nats.
``hellinger``
    Hellinger distance ``sqrt(1 - sum sqrt(p q))`` in [0, 1], evaluated as
    ``sqrt(sum (sqrt p - sqrt q)^2 / 2)`` (no cancellation when ``P ≈ Q``).
``js_null_q95``, ``p_value``, ``null_method``
    The test of "no drift" — of the very statistic shown, ``js_divergence``
    on the compared bins with the same smoothing.  The pooled counts are
    split again at random into samples of sizes ``n_ref`` and ``n_cur`` — a
    permutation test, drawn on the bin counts with a multivariate
    hypergeometric, so it costs nothing per row of data — and the JS
    divergence recomputed ``n_permutations`` times; ``p_value`` is
    ``(1 + #{null >= observed}) / (1 + n_permutations)``.  ``js_null_q95`` is
    the null's 95th percentile in the sense of the test:
    ``js_divergence > js_null_q95`` exactly when ``p_value < 0.05`` (the
    ``k + 1``-th largest null value, ``k`` the most null values that may
    reach the statistic for ``p < 0.05``; ``inf`` if fewer than 20
    permutations).  With 10⁹ or more pooled values NumPy's hypergeometric
    sampler does not apply and the null is a parametric bootstrap from the
    pooled distribution (``null_method = "bootstrap"``).  With
    ``n_permutations=0`` the p-value is the chi-square approximation
    ``8 JS n_ref n_cur / (n_ref + n_cur) ~ chi2(n_bins - 1)`` (JS in nats;
    Pearson's two-sample statistic to second order), ``null_method =
    "asymptotic"``, with an :class:`~infokit.errors.ApproximationWarning`
    when an expected count is below 5.  Bins fitted on the reference are
    themselves random, yet re-splitting their counts stays a sound test: the
    reference's count in a quantile bin is fixed, but the true mass of the
    bin varies about as much as that count would in a bin fixed in advance,
    so to first order the two errors match.  ``benchmarks/bench_drift.py``
    measures the false-alarm rate at 0.05 on simulated columns and on random
    halves of real tables.
``verdict_psi``, ``verdict``
    "no drift" when ``p_value >= alpha`` (no evidence of a change);
    otherwise PSI grades the change with the thresholds of the
    credit-scoring convention (Siddiqi 2006; Yurdakul 2018): PSI < 0.1
    "minor" (detectable, but small), 0.1 <= PSI < 0.25 "moderate", PSI >=
    0.25 "drift".  So a small sample whose PSI is large by chance alone is
    "no drift", and "no drift" never stands beside a significant p-value.
    ``verdict_psi`` is the PSI the verdict used, always ``psi`` (kept so
    that tables read before keep their columns).
``unit``
    Unit of the JS and KL columns (``base``).

``df.attrs`` holds the settings (``unit``, ``psi_unit``, ``thresholds``,
``alpha``, ``n_permutations``, ``smoothing``, ``psi_smoothing``) and the per-column bins and
counts (``bin_counts``: ``{column: {"labels", "reference", "current"}}``)
that :func:`infokit.plot.plot_drift` draws.  A text column counted by the
64-bit keys of its strings (past the memory budget of
:func:`infokit.io.read_drift_counts`: its categories cannot be listed) has
no ``bin_counts`` entry and is named in ``counted_by_key``.

Results are a :class:`DriftFrame`, a :class:`pandas.DataFrame` (every
DataFrame operation works on it, and derived frames are plain DataFrames)
whose printed and notebook forms show :data:`SUMMARY` -- JS divergence, PSI,
p-value, verdict -- first, with a one-sentence :func:`reading` above the
table in a notebook; its columns keep the order of :data:`COLUMNS`.
:func:`infokit.reports.drift_html` gives a report with the units in the
headers and the verdicts coloured.

References
----------
N. Siddiqi, *Credit Risk Scorecards*, Wiley (2006) — the 0.1 / 0.25 PSI rule.
B. Yurdakul, *Statistical Properties of Population Stability Index*, PhD
thesis, Western Michigan University (2018).
J. Lin, "Divergence measures based on the Shannon entropy", IEEE Trans.
Information Theory 37 (1991).
"""

from __future__ import annotations

import functools
import math
import numbers
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy import special

from infokit._api import measures as exact
from infokit._lib import html
from infokit._lib.checks import check_counts, check_pseudo_count, check_rng
from infokit._lib.modules import make_callable
from infokit._lib.optional import require
from infokit._lib.typing import ArrayLike, Base, Bins, Samples, Seed
from infokit._lib.units import resolve_base
from infokit._core import kernels as _kernels
from infokit._samples.binning import KeyedCategoryCounts, binning_for
from infokit._samples.table import Empirical, _union
from infokit.errors import ApproximationWarning, InfokitError, InvalidArgumentError, InvalidTypeError

__all__ = [
    "drift", "drift_from_counts", "reading", "DriftFrame", "PSI_THRESHOLDS", "ALPHA", "COLUMNS", "SUMMARY",
    "PSI_PSEUDO_COUNT", "MAX_PERMUTATIONS", "MAX_NULL_CELLS",
]

#: PSI below the first is "no drift", from the first to the second "moderate", above "drift".
PSI_THRESHOLDS = (0.1, 0.25)
#: Significance level the p-value must be below for a verdict other than "no drift".
ALPHA = 0.05
#: Columns of the DataFrame returned by :func:`drift` and :func:`drift_from_counts`.
COLUMNS = (
    "n_ref", "n_cur", "n_bins", "zero_bins_ref", "zero_bins_cur", "smoothing",
    "js_divergence", "js_distance", "kl_ref_cur", "kl_cur_ref", "psi", "hellinger",
    "js_null_q95", "p_value", "null_method", "verdict_psi", "verdict", "unit",
)
#: The columns a drift result shows first when printed or displayed in a notebook: the answer, then the detail.
SUMMARY = ("js_divergence", "psi", "p_value", "verdict")

#: Pseudo-count PSI adds to every compared bin of both samples when ``smoothing`` is None (Jeffreys).
PSI_PSEUDO_COUNT = 0.5
#: Most permutations :func:`drift` draws per column.
MAX_PERMUTATIONS = 1_000_000
#: Most null table cells (permutations times compared bins) :func:`drift` computes per column.
MAX_NULL_CELLS = 100_000_000

_Q95_LEVEL = 0.05  # js_null_q95 is the critical value of the test at this level
_HYPERGEOMETRIC_MAX = 10**9  # numpy's multivariate_hypergeometric needs fewer pooled values
_NULL_CELLS = 1 << 22  # permuted tables are drawn in chunks of at most this many cells


# --------------------------------------------------------------------------
# options
# --------------------------------------------------------------------------
def _check_smoothing(smoothing) -> float:
    """The pseudo-count added to every bin of both sides (0.0 for none)."""
    a = check_pseudo_count(smoothing)
    return 0.0 if a is None else a


def _check_n_permutations(n, alpha: float) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 0:
        raise InvalidArgumentError(f"'n_permutations' must be an int >= 0 (got {n!r})")
    if n > MAX_PERMUTATIONS:  # type: ignore[operator]  # mypy does not model arithmetic on the numbers ABCs
        raise InvalidArgumentError(
            f"'n_permutations' must be at most {MAX_PERMUTATIONS} (got {n!r}); 10 000 already pin a p-value "
            "of 0.05 to +-0.005"
        )
    level = min(alpha, _Q95_LEVEL)
    if n and not 1 / (1 + n) < level:  # type: ignore[operator]  # mypy does not model arithmetic on the numbers ABCs
        need = _critical_rank_min(level)
        raise InvalidArgumentError(
            f"'n_permutations' must be 0 (chi-square approximation) or at least {need} so that a p-value "
            f"can be below {level:g} (got {n!r}; the smallest permutation p-value is 1 / (1 + n_permutations))"
        )
    return int(n)


def _critical_rank_min(level: float) -> int:
    """The fewest permutations whose smallest p-value, ``1 / (1 + n)``, is below ``level``."""
    n = max(1, math.floor(1 / level) - 1)
    while not 1 / (1 + n) < level:
        n += 1
    return n


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


def _hellinger_sum(p, q) -> float:
    """``sum (sqrt p_i - sqrt q_i)^2`` of normalised probabilities (twice the squared Hellinger distance)."""
    return math.fsum(((np.sqrt(p) - np.sqrt(q)) ** 2).tolist())


def _critical_rank(n_perm: int, level: float) -> int:
    """How many null values may reach the statistic for ``p < level``: the largest ``K >= -1`` with
    ``(1 + K) / (1 + n_perm) < level`` (evaluated as the p-value is, in floating point)."""
    k = max(-1, math.ceil(level * (1 + n_perm)) - 2)
    while k + 1 <= n_perm and (2 + k) / (1 + n_perm) < level:
        k += 1
    while k >= 0 and not (1 + k) / (1 + n_perm) < level:
        k -= 1
    return k


def _permutation_test(r, c, a, base, n_perm, rng, observed):
    """(p-value, critical value at 0.05, method) of the JS divergence of two count vectors.

    ``r`` and ``c`` are the compared bins (those with a value on either
    side) and ``observed`` is the JS divergence shown for them; the null is
    that same statistic on random re-splits of the pooled counts.
    """
    m_r, m_c = int(r.sum()), int(c.sum())
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
    # a null table equal to the observed one may give a JS a few ulps away: such values count as ties
    null[np.abs(null - observed) <= 1e-9 * observed] = observed
    p_value = (1 + int(np.count_nonzero(null >= observed))) / (1 + n_perm)
    k = _critical_rank(n_perm, _Q95_LEVEL)
    # p < 0.05  <=>  at most k null values >= observed  <=>  observed > the (k+1)-th largest null value
    q95 = math.inf if k < 0 else float(np.partition(null, n_perm - 1 - k)[n_perm - 1 - k])
    return p_value, q95, ("permutation" if exact_null else "bootstrap")


def _asymptotic_test(r, c, unit, observed, stacklevel=4):
    """(p-value, critical value at 0.05, "asymptotic") from ``8 JS n_r n_c / (n_r + n_c) ~ chi2(k - 1)``.

    Second order in ``P - Q``, ``JS(P, Q) = sum (p_i - q_i)^2 / (8 m_i)`` (in
    nats), and under equal distributions ``sum (p_i - q_i)^2 / m_i`` is
    ``(1/n_r + 1/n_c)`` times a chi-square with ``k - 1`` degrees of freedom
    (``k`` compared bins): Pearson's two-sample statistic.
    """
    smallest = int((r + c).min()) if r.size else 0
    return _chi2_test(r.size, int(r.sum()), int(c.sum()), smallest, unit, observed, stacklevel + 1)


def _chi2_test(k, n_r, n_c, smallest, unit, observed, stacklevel):
    """:func:`_asymptotic_test` from the number of compared bins, the sample sizes and the smallest pooled count."""
    n_r, n_c = float(n_r), float(n_c)
    scale = 8.0 * n_r * n_c / (n_r + n_c) * unit.log_base  # JS in `unit` -> the chi-square statistic
    if k < 2:
        return 1.0, 0.0, "asymptotic"
    expected = min(n_r, n_c) * (smallest / (n_r + n_c))  # the smallest of the expected counts
    if expected < 5:
        warnings.warn(
            f"the chi-square approximation of the p-value (n_permutations=0) is poor with expected counts "
            f"below 5 (smallest {expected:.3g}); use n_permutations >= 1000 or fewer bins",
            ApproximationWarning, stacklevel=stacklevel,
        )
    p_value = float(special.chdtrc(k - 1, observed * scale))
    q95 = float(special.chdtri(k - 1, _Q95_LEVEL)) / scale
    if (observed > q95) != (p_value < _Q95_LEVEL):  # rounding at the boundary: the p-value decides
        q95 = math.nextafter(observed, -math.inf) if p_value < _Q95_LEVEL else observed
    return p_value, q95, "asymptotic"


def _row(r, c, a, base, unit, n_perm, rng, thresholds, alpha) -> dict:
    keep = (r + c) > 0
    rk, ck = r[keep], c[keep]
    n_r, n_c = int(rk.sum()), int(ck.sum())
    pw, qw = rk + a, ck + a  # weights; the core normalises them exactly (normalize=True)
    js = float(exact.js_divergence(pw, qw, base=base, normalize=True))
    jsd = float(exact.js_distance(pw, qw, base=base, normalize=True))
    kl_pq, kl_qp, _ = _psi_nats(pw, qw)
    a_psi = a if a > 0 else PSI_PSEUDO_COUNT
    psi = _psi_nats(rk + a_psi, ck + a_psi)[2]
    p, q = pw / pw.sum(), qw / qw.sum()
    hell = min(1.0, math.sqrt(0.5 * _hellinger_sum(p, q)))

    if n_perm:
        p_value, q95, method = _permutation_test(rk, ck, a, base, n_perm, rng, js)
    else:
        p_value, q95, method = _asymptotic_test(rk, ck, unit, js)

    return _row_dict(n_r, n_c, int(keep.sum()), int(np.count_nonzero(rk == 0)), int(np.count_nonzero(ck == 0)),
                     a, js, jsd, kl_pq, kl_qp, psi, hell, q95, p_value, method, unit, thresholds, alpha)


def _row_dict(n_r, n_c, k, zr, zc, a, js, jsd, kl_pq, kl_qp, psi, hell, q95, p_value, method, unit, thresholds,
              alpha) -> dict:
    """One row of the result (the verdict from the p-value and PSI); KL divergences given in nats."""
    t1, t2 = thresholds
    if not p_value < alpha:
        verdict = "no drift"
    else:
        verdict = "minor" if psi < t1 else ("moderate" if psi < t2 else "drift")
    return {
        "n_ref": n_r,
        "n_cur": n_c,
        "n_bins": k,
        "zero_bins_ref": zr,
        "zero_bins_cur": zc,
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
        "verdict_psi": psi,
        "verdict": verdict,
        "unit": unit.name,
    }


def _keyed_totals(kc: KeyedCategoryCounts):
    """``(n_ref, n_cur, compared bins, empty in ref, empty in cur, smallest pooled count)`` of one pass."""
    n_r = n_c = k = zr = zc = 0
    smallest = None
    for r, c in kc.chunks():
        keep = (r + c) > 0
        rk, ck = r[keep], c[keep]
        n_r += int(rk.sum())
        n_c += int(ck.sum())
        k += int(rk.size)
        zr += int(np.count_nonzero(rk == 0))
        zc += int(np.count_nonzero(ck == 0))
        if rk.size:
            m = int((rk + ck).min())
            smallest = m if smallest is None else min(smallest, m)
    return n_r, n_c, k, zr, zc, smallest or 0


def _keyed_row(kc: KeyedCategoryCounts, totals, a, base, unit, n_perm, rng, thresholds, alpha) -> dict:
    """:func:`_row` of counts read a chunk of bins at a time (a column counted by key).

    With permutations the compared bins' counts are gathered (at most
    :data:`MAX_NULL_CELLS` / ``n_permutations`` of them, checked before) and
    :func:`_row` computes everything; without, the divergences are sums over
    the chunks of the core's elementwise terms (``js_terms``, ``kl_terms``),
    the weights normalised by their totals, known from the first pass, and
    the p-value the chi-square approximation -- the values of :func:`_row`
    on the same counts, to rounding.
    """
    n_r, n_c, k, zr, zc, smallest = totals
    if n_perm:
        rs, cs = [], []
        for r, c in kc.chunks():
            keep = (r + c) > 0
            rs.append(r[keep])
            cs.append(c[keep])
        return _row(np.concatenate(rs), np.concatenate(cs), a, base, unit, n_perm, rng, thresholds, alpha)
    a_psi = a if a > 0 else PSI_PSEUDO_COUNT
    sp, sq = n_r + a * k, n_c + a * k
    sp2, sq2 = n_r + a_psi * k, n_c + a_psi * k
    js_t, kl_pq_t, kl_qp_t, psi_pq_t, psi_qp_t, hell_t = [], [], [], [], [], []
    for r, c in kc.chunks():
        keep = (r + c) > 0
        rk, ck = r[keep], c[keep]
        p, q = (rk + a) / sp, (ck + a) / sq
        js_t.append(math.fsum(_kernels.js_terms(np, p, q).tolist()))
        kl_pq_t.append(math.fsum(_kernels.kl_terms(np, p, q).tolist()))
        kl_qp_t.append(math.fsum(_kernels.kl_terms(np, q, p).tolist()))
        hell_t.append(_hellinger_sum(p, q))
        p2, q2 = (rk + a_psi) / sp2, (ck + a_psi) / sq2
        psi_pq_t.append(math.fsum(_kernels.kl_terms(np, p2, q2).tolist()))
        psi_qp_t.append(math.fsum(_kernels.kl_terms(np, q2, p2).tolist()))
    js = float(unit.convert(np.float64(math.fsum(js_t))))
    kl_pq, kl_qp = math.fsum(kl_pq_t), math.fsum(kl_qp_t)
    psi = math.fsum(psi_pq_t) + math.fsum(psi_qp_t)
    hell = min(1.0, math.sqrt(0.5 * math.fsum(hell_t)))
    p_value, q95, method = _chi2_test(k, n_r, n_c, smallest, unit, js, 5)
    return _row_dict(n_r, n_c, k, zr, zc, a, js, math.sqrt(js), kl_pq, kl_qp, psi, hell, q95, p_value, method,
                     unit, thresholds, alpha)


# --------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------
def drift_from_counts(
    reference_counts: Mapping[str, ArrayLike],
    current_counts: Mapping[str, ArrayLike],
    *,
    bins: Mapping[str, Any] | None = None,
    labels: Mapping[str, Sequence[Any]] | None = None,
    base: Base = "nats",
    smoothing: float | str | None = None,
    n_permutations: int = 1000,
    rng: Seed = None,
    thresholds: tuple[float, float] = PSI_THRESHOLDS,
    alpha: float = ALPHA,
) -> Any:
    """Drift of each column from its bin counts in the reference and current samples.

    Parameters
    ----------
    reference_counts, current_counts : mapping
        ``{column: counts}``, the same columns in both.  Counts are 1-D
        integer arrays of the same length for one column (bins aligned, e.g.
        from :meth:`infokit.binning.Binning.counts` of both samples, summed
        over batches), or two :class:`~infokit.Empirical` objects (aligned on
        the union of their outcomes), or -- for a text column too large for
        memory -- one :class:`~infokit._samples.binning.KeyedCategoryCounts`
        (both samples' counts, read a chunk of bins at a time, from
        :func:`infokit.io.read_drift_counts`), the same object on both
        sides: without permutations its divergences are sums over the
        chunks and its p-value the chi-square approximation; with
        permutations the compared bins' counts are gathered (at most
        :data:`MAX_NULL_CELLS` / ``n_permutations`` of them).  Its
        categories cannot be listed (no labels, no ``bin_counts`` entry;
        ``df.attrs["counted_by_key"]`` names such columns).
    bins : mapping, optional
        ``{column: Binning or Categories}``: the bins the counts were taken
        in (:mod:`infokit.binning`); gives the labels.
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
        JS divergence. Default 1000; at most :data:`MAX_PERMUTATIONS`
        (10⁶), and at most :data:`MAX_NULL_CELLS` (10⁸) times the compared
        bins of a column; at least enough for a p-value below ``alpha`` and
        0.05 (20 for ``alpha=0.05``).  0: no permutations, the chi-square
        approximation of the p-value (large samples only).
    rng : None, int or numpy.random.Generator, optional
        Randomness of the permutations; a seed makes ``p_value`` reproducible.
    thresholds : (float, float), optional
        PSI thresholds (moderate, drift). Default (0.1, 0.25).
    alpha : float, optional
        Level the p-value must be below for a verdict other than "no drift". Default 0.05.

    Returns
    -------
    DriftFrame
        A :class:`pandas.DataFrame`, one row per column (index: the column
        names); columns as described in :mod:`infokit.drift`.  Printed, and
        in a notebook, it shows :data:`SUMMARY` first.

    Raises
    ------
    InvalidArgumentError
        Columns that differ between the two mappings, counts of different
        lengths, negative counts, an empty sample, bad options.

    Warns
    -----
    ApproximationWarning
        ``n_permutations=0`` with an expected count below 5.

    Examples
    --------
    >>> from infokit.drift import drift_from_counts
    >>> df = drift_from_counts({"x": [50, 50, 0]}, {"x": [30, 60, 10]}, rng=0)
    >>> row = df.loc["x"]
    >>> int(row.zero_bins_ref), float(row.kl_cur_ref), round(float(row.psi), 3), row.verdict
    (1, inf, 0.417, 'drift')
    >>> bool((row.js_divergence > row.js_null_q95) == (row.p_value < 0.05))
    True
    >>> round(float(df.loc["x", "js_divergence"]), 4), df.loc["x", "unit"]
    (0.0496, 'nats')
    """
    pd = require("pandas", "ik.drift")
    unit = resolve_base(base)
    a = _check_smoothing(smoothing)
    thresholds, alpha = _check_thresholds(thresholds, alpha)
    n_perm = _check_n_permutations(n_permutations, alpha)
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
        if isinstance(b, KeyedCategoryCounts):
            continue
        if not hasattr(b, "labels") or not hasattr(b, "counts"):
            raise InvalidTypeError(f"'bins' of column {col!r} must be an infokit.binning Binning or Categories")
        labels.setdefault(col, b.labels)
    rows, bin_counts, by_key = [], {}, []
    for col in cols:
        if isinstance(reference_counts[col], KeyedCategoryCounts) or isinstance(current_counts[col],
                                                                                KeyedCategoryCounts):
            rows.append(_keyed_column(col, reference_counts[col], current_counts[col], binnings.get(col), a, base,
                                      unit, n_perm, gen, thresholds, alpha))
            by_key.append(col)
            continue
        r, c, lab = _aligned(reference_counts[col], current_counts[col], col, labels.get(col))
        b = binnings.get(col)
        if b is not None and b.n_bins != r.size:
            raise InvalidArgumentError(f"column {col!r}: {r.size} counts for the {b.n_bins} bins of 'bins'")
        if r.sum() == 0:
            raise InvalidArgumentError(f"column {col!r}: the reference sample is empty (all counts zero)")
        if c.sum() == 0:
            raise InvalidArgumentError(f"column {col!r}: the current sample is empty (all counts zero)")
        _check_null_cells(col, n_perm, int(np.count_nonzero(r + c)))
        rows.append(_row(r, c, a, base, unit, n_perm, gen, thresholds, alpha))
        bin_counts[col] = {"labels": lab, "reference": r.tolist(), "current": c.tolist()}
    df = _frame_class()(rows, index=pd.Index(cols, name="column"), columns=list(COLUMNS))
    df.attrs.update(
        unit=unit.name,
        psi_unit="nats",
        thresholds=tuple(thresholds),
        alpha=alpha,
        n_permutations=n_perm,
        smoothing=a,
        psi_smoothing=a if a > 0 else PSI_PSEUDO_COUNT,
        bin_counts=bin_counts,
        counted_by_key=by_key,
    )
    return df


def _check_null_cells(col, n_perm: int, k: int) -> None:
    if n_perm * k > MAX_NULL_CELLS:
        raise InvalidArgumentError(
            f"column {col!r}: 'n_permutations' ({n_perm}) times its {k} compared bins exceeds "
            f"{MAX_NULL_CELLS} null table cells; lower n_permutations (or the number of bins), or pass "
            "n_permutations=0 for the chi-square approximation"
        )


def _keyed_column(col, ref, cur, b, a, base, unit, n_perm, gen, thresholds, alpha) -> dict:
    """The row of a column whose counts are a :class:`KeyedCategoryCounts` (the same for both samples)."""
    if ref is not cur or (b is not None and b is not ref):
        raise InvalidArgumentError(
            f"column {col!r}: counts by key (KeyedCategoryCounts) hold both samples: pass the same object as the "
            "reference counts, the current counts and (if any) the bins")
    totals = _keyed_totals(ref)
    if totals[0] == 0:
        raise InvalidArgumentError(f"column {col!r}: the reference sample is empty (all counts zero)")
    if totals[1] == 0:
        raise InvalidArgumentError(f"column {col!r}: the current sample is empty (all counts zero)")
    _check_null_cells(col, n_perm, totals[2])
    return _keyed_row(ref, totals, a, base, unit, n_perm, gen, thresholds, alpha)


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
    reference: Samples,
    current: Samples,
    columns: str | Sequence[str] | None = None,
    *,
    bins: Bins = "quantile",
    n_bins: int = 10,
    base: Base = "nats",
    smoothing: float | str | None = None,
    n_permutations: int = 1000,
    rng: Seed = None,
    thresholds: tuple[float, float] = PSI_THRESHOLDS,
    alpha: float = ALPHA,
) -> Any:
    """Drift between a reference sample and a current one, one row per column.

    Each column is binned on the reference (:func:`infokit.binning.binning_for`
    with ``open_ended=True``: for numbers quantile bins whose outer intervals
    extend to ``-inf`` and ``+inf``, so that values beyond the reference's
    range count in them, plus a missing bin; for labels one bin per category
    of the two samples — the reference's, then the current's new ones — plus
    unseen and missing bins),
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
        Binning of numeric columns (:func:`infokit.binning.fit_bins`, with
        open-ended outer intervals; explicit edges keep their underflow and
        overflow bins); a dict ``{column: bins}`` sets it per column
        ("quantile" for the others). Default "quantile".  An int ``N`` means
        ``N`` *quantile* (equal-frequency) bins of the reference, the
        convention of the population stability index (deciles of the
        reference, each holding a tenth of it) -- unlike ``bins=N`` of the
        estimators and :func:`infokit.empirical`, which means ``N``
        equal-width bins as :func:`numpy.histogram`.
    n_bins : int, optional
        Number of quantile / uniform bins, at most
        :data:`infokit.binning.MAX_BINS`. Default 10.
    base : {"nats", "bits", "hartleys"} or float, optional
        Unit of the JS and KL columns. Default nats, like every library
        function (the ``infokit drift`` command and its reports print bits).
        PSI is always in nats.
    smoothing : None, "jeffreys", "laplace" or float, optional
        Pseudo-count added to every compared bin of *both* samples. Default
        None: empty bins give infinite KL divergences, reported as such, with
        ``zero_bins_ref`` / ``zero_bins_cur`` saying why; PSI then uses 0.5
        per bin (see ``psi`` in :mod:`infokit.drift`).
    n_permutations, rng, thresholds, alpha
        As in :func:`drift_from_counts`.

    Returns
    -------
    DriftFrame
        A :class:`pandas.DataFrame`, one row per column; the columns are
        described in :mod:`infokit.drift`.  Printed, and in a notebook, it
        shows :data:`SUMMARY` first (:class:`DriftFrame`).

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
            b = binning_for(ref_t[col], spec, n_bins=n_bins, current_values=cur_t[col], open_ended=True)
            ref_counts[col] = b.counts(ref_t[col])
            cur_counts[col] = b.counts(cur_t[col])
        except InfokitError as exc:
            raise type(exc)(f"column {col!r}: {exc}") from None
        binnings[col] = b
    return drift_from_counts(
        ref_counts, cur_counts, bins=binnings, base=base, smoothing=smoothing,
        n_permutations=n_permutations, rng=rng, thresholds=thresholds, alpha=alpha,
    )


# --------------------------------------------------------------------------
# the result
# --------------------------------------------------------------------------
def _quoted(names: list[Any]) -> str:
    names = [repr(str(n)) for n in names]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def reading(df: Any) -> str:
    """One sentence saying what a drift result means, for a person: which columns changed, and how much.

    Parameters
    ----------
    df : pandas.DataFrame
        The result of :func:`drift` or :func:`drift_from_counts` (its
        ``verdict`` column, and the ``thresholds`` and ``alpha`` of its
        ``attrs``).

    Returns
    -------
    str

    Examples
    --------
    >>> from infokit.drift import drift_from_counts, reading
    >>> reading(drift_from_counts({"x": [90, 10], "y": [50, 50]}, {"x": [10, 90], "y": [52, 48]}, rng=0))
    "1 of 2 columns changed: 'x' drifted (PSI >= 0.25); 'y' shows no evidence of a change (p >= 0.05)."
    """
    if not hasattr(df, "columns") or "verdict" not in df.columns:
        raise InvalidTypeError(f"reading() takes the DataFrame of ik.drift (got {type(df).__name__})")
    attrs = getattr(df, "attrs", {}) or {}
    t1, t2 = attrs.get("thresholds", PSI_THRESHOLDS)
    alpha = attrs.get("alpha", ALPHA)
    by: dict[str, list[Any]] = {}
    for name, v in zip(df.index, df["verdict"]):
        by.setdefault(str(v), []).append(name)
    quiet = by.pop("no drift", [])
    what = {"drift": f"drifted (PSI >= {t2:g})", "moderate": f"changed moderately ({t1:g} <= PSI < {t2:g})",
            "minor": f"changed a little (a significant change, but PSI < {t1:g})"}
    changed = [f"{_quoted(by[v])} {what[v]}" for v in ("drift", "moderate", "minor") if v in by]
    changed += [f"{_quoted(names)}: {v}" for v, names in by.items() if v not in what]
    n, k = len(df), len(df) - len(quiet)
    calm = f"shows no evidence of a change (p >= {alpha:g})" if len(quiet) == 1 else \
        f"show no evidence of a change (p >= {alpha:g})"
    if not changed:
        return (f"No column shows evidence of a change between the two samples (every p >= {alpha:g})." if n > 1
                else f"{_quoted(quiet)} {calm}.")
    head = "" if n == 1 else (f"All {n} columns changed: " if k == n else f"{k} of {n} columns changed: ")
    return head + ", ".join(changed) + (f"; {_quoted(quiet)} {calm}" if quiet else "") + "."


@functools.cache
def _frame_class() -> Any:
    """:class:`DriftFrame`, built on first use (pandas is an optional dependency)."""
    pd = require("pandas", "ik.drift")

    class DriftFrame(pd.DataFrame):  # type: ignore[name-defined]  # pandas is optional: a class built at run time
        """The result of :func:`drift`: a :class:`pandas.DataFrame` that shows the answer first.

        It is a DataFrame in every way (its columns, in the order of
        :data:`COLUMNS`, its ``attrs``, every method; a frame derived from it
        is a plain DataFrame); only its printed form and its notebook form
        differ: they show :data:`SUMMARY` -- ``js_divergence``, ``psi``,
        ``p_value``, ``verdict`` -- first (the printed form those four, then
        the names of the others; the notebook form every column, under the
        one-sentence :func:`reading`).  :meth:`summary` is that table,
        :meth:`to_frame` a plain DataFrame.

        Examples
        --------
        >>> import numpy as np, pandas as pd, infokit as ik
        >>> rng = np.random.default_rng(0)
        >>> ref = pd.DataFrame({"x": rng.normal(size=2000)})
        >>> cur = pd.DataFrame({"x": rng.normal(1.0, 1.0, size=2000)})
        >>> result = ik.drift(ref, cur, rng=0)
        >>> list(result.summary().columns[:4])
        ['js_divergence', 'psi', 'p_value', 'verdict']
        >>> result.loc["x", "verdict"]
        'drift'
        """

        _metadata: list = []

        @property
        def _constructor(self):
            return pd.DataFrame

        def to_frame(self):
            """A plain :class:`pandas.DataFrame` of the same rows, columns and ``attrs``."""
            out = pd.DataFrame(self, copy=True)
            out.attrs.update(self.attrs)
            return out

        def summary(self):
            """The same frame with the columns of :data:`SUMMARY` first (a plain DataFrame)."""
            first = [c for c in SUMMARY if c in self.columns]
            return pd.DataFrame(self)[first + [c for c in self.columns if c not in first]]

        def reading(self) -> str:
            """:func:`infokit.drift.reading` of this result."""
            return reading(self)

        def __repr__(self) -> str:
            first = [c for c in SUMMARY if c in self.columns]
            rest = [str(c) for c in self.columns if c not in first]
            # the four in full whatever the width (pandas would hide middle columns behind "...")
            text = pd.DataFrame(self)[first].to_string(max_rows=pd.get_option("display.max_rows"),
                                                       min_rows=pd.get_option("display.min_rows"))
            if rest:
                text += f"\n(and {len(rest)} more columns: {', '.join(rest)}; all of them: .summary(), .to_frame())"
            return text

        def _repr_html_(self):
            table = self.summary()._repr_html_()
            if table is None:
                return None
            try:
                sentence = reading(self)
            except Exception:  # a frame edited beyond recognition still shows its table
                return table
            return html.div(html.note(html.esc(sentence)), table, cls="drift")

    DriftFrame.__module__ = __name__
    DriftFrame.__qualname__ = "DriftFrame"
    return DriftFrame


def __getattr__(name: str) -> Any:
    if name == "DriftFrame":  # built on first use: pandas is optional (pickle finds the class here too)
        return _frame_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


make_callable(__name__, drift)
