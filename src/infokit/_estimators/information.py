"""``estimate_mutual_information``: the mutual information of the distribution a paired sample came from."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from infokit._dispatch import Kind, check_bool, hint, implements
from infokit._estimators import auto, discrete, entropy, methods
from infokit._estimators.arguments import EstimateOptions, all_continuous, any_continuous, check_bins_method
from infokit._estimators.arguments import defaults, lookup, natures, precheck, warn_continuous
from infokit._estimators.methods import CONTINUOUS, DISCRETE, METHODS, MUTUAL_INFORMATION
from infokit._estimators.result import ChunkedCounts, Estimate, Profile, chi2_variance, from_kernel, interval_sum
from infokit._estimators.result import make_estimate, one_outcome_entropy_bound, z_score
from infokit._lib.checks import check_level, check_rng
from infokit._lib.typing import Base, Bins, Samples, Seed
from infokit._lib.units import resolve_base
from infokit._samples import counting as _counting
from infokit._samples.binning import bin_column
from infokit._samples.nature import of_counts
from infokit._samples.empirical import _group_counts, _kl_to_product_chunks, _resolve_columns, _sum_by, _variables
from infokit._samples.empirical import joint_pair_cells
from infokit.errors import InvalidArgumentError

__all__ = ["estimate_mutual_information"]

_XY = ("x", "y")
_CHUNK = 1 << 18  # cells per chunk of the variance sum


def estimate_mutual_information(
    x: Samples, y: Samples | None = None, method: str = "auto", *, base: Base = "nats", ci: float = 0.95,
    rng: Seed = None, dropna: bool = False, n_neighbors: int = 3, jitter: float | bool | None = None,
    discrete: str | None = None, bins: Bins | None = None
) -> Estimate:
    """Estimate the mutual information ``I(X; Y)`` of the distribution a paired sample came from.

    Parameters
    ----------
    x, y : array_like
        Paired samples (same length); each may also be a 2-D array or
        DataFrame of several variables.  Or ``x`` a joint table of two
        variables (:func:`empirical_joint`,
        :func:`infokit.io.read_joint_empirical`) and ``y`` omitted (None): the
        table's counts are used as they are, without expanding them to
        samples (discrete methods only).
    method : str, optional
        An entropy estimator of :func:`estimate_entropy` (except
        ``"dirichlet"``), applied to ``H(X) + H(Y) - H(X, Y)``; ``"auto"``
        uses NSB for all three -- for discrete samples (the most accurate
        single estimator of the mutual information on the simulation grid
        of ``benchmarks/bench_estimators.py --measure mi --all-methods``;
        ``benchmarks/RESULTS.md``, sections ``bench_estimators_mi*``).
        For continuous ones (the rule of :func:`estimate_entropy`, column
        by column) ``"auto"`` uses ``"ksg"``
        when every column of ``x`` and ``y`` is continuous, and ``"ross"``
        (the mixed k-NN estimator) when one side is all continuous and the
        other all discrete, where that method is available;
        ``diagnostics["auto_reason"]`` says which and why.  A discrete method
        given a continuous column warns (:class:`~infokit.ContinuousDataWarning`);
        continuous samples with repeated values are an error under ``"auto"``
        (pass ``bins=``, or ``jitter=`` with an ``rng``).
        The support sizes are the observed ones (``K_XY = K_X K_Y`` for the
        Bayesian estimators).  ``"shrinkage"`` instead shrinks the joint
        table towards uniform on all ``K_X K_Y`` pairs of observed values and
        takes the mutual information of the shrunk table with its own
        marginals (Hausser & Strimmer 2009, section 4.1): the target is the
        independent table, so with few samples the estimate is pulled
        towards 0 (a perfectly dependent pair of 5 values seen once each
        gives 0).
        ``"ksg"``: Kraskov, Stögbauer & Grassberger (2004) estimator 1 for
        two **continuous** samples (``n`` floats or ``n x d`` arrays; each
        coordinate standardised first), with ``n_neighbors`` (default 3).
        ``"ross"``: Ross (2014), the estimator of scikit-learn's
        ``mutual_info_classif``, for one **discrete** sample (labels: ints,
        bools, strings, categoricals) and one **continuous** one, in either
        order (``discrete=`` names the discrete one, else it is told by the
        types).  Both break ties in continuous values at the data's
        resolution (needs ``rng``) and report a jackknife standard error; see
        :mod:`infokit.continuous`.
    base, ci, rng, dropna
        As in :func:`estimate_entropy`.
    n_neighbors, jitter
        ``method="ksg"`` or ``"ross"`` only (``jitter=False`` rejects repeated
        values instead of breaking ties).
    discrete : {None, "x", "y"}, optional
        ``method="ross"`` only: which argument is the discrete one.
    bins : optional
        Bin every **continuous** column of ``x`` and ``y`` (each on its own
        values; explicit edges or a ``Binning`` apply to each) and estimate
        from the bins with a discrete ``method``; discrete columns (a class
        label) are counted as they are.  Accepts what :func:`~infokit.empirical`
        does.  ``diagnostics["binned"]`` names the columns binned.

    Returns
    -------
    Estimate
        Discrete samples: the value and the interval lie in
        ``[0, min(H_X, H_Y)]``, with ``H_X``, ``H_Y`` the method's own
        estimates of the marginal entropies (``diagnostics["upper_bound"]``;
        the entropies of the shrunk marginals for ``"shrinkage"``).  A
        bias-corrected value outside the range is clipped, the unclipped one
        kept in ``diagnostics["raw_value"]``.  ``"auto"``: the interval may
        reach beyond, to the bounds of the entropy intervals (Notes).  A
        variable that took one value in the sample: the value 0 and the
        interval ``[0, h(u)]``, the upper bound on that variable's entropy
        from its unseen mass ``u = 1 - ((1 - ci)/2)^(1/n)`` (unseen values
        may exist: not a width of 0).
        A continuous method's negative value is reported as 0 (the raw value
        in ``diagnostics["raw_value"]``), and its interval, formed around the
        raw value, clipped at 0.

    Raises
    ------
    InvalidArgumentError
        Unknown ``method``, samples of different lengths, an option given to
        a method it does not apply to.
    InvalidTypeError
        ``x`` or ``y`` is not a sample (a dict, an Empirical, a distribution).

    Notes
    -----
    Standard error (discrete): the delete-one jackknife of the plug-in
    information, exact in O(cells) (a sample of the cell ``(x, y)`` left out
    changes the three entropies through the counts ``n_xy``, ``n_x``,
    ``n_y`` only), combined with the spread ``sqrt(2 df)/(2n)``, ``df =
    (K_X - 1)(K_Y - 1)``, of the plug-in under independence (where the
    first-order variance vanishes and ``2n I`` follows a chi-squared law with
    ``df`` degrees of freedom).  On dependent tables the jackknife's standard
    error is 11-19% larger than the delta method's used before at 40-100
    samples, 4-14% at 500 (medians per cell; last column of
    ``benchmarks/bench_mi_kl_coverage.py``); the delta method's intervals
    covered 87.5-92% on its tuning grid (``--grid tune``; now 92-95%) with 4
    and 10 values a variable.  Not with many values against the sample: at
    K_X = K_Y = 100 and 40 samples a dependent pair's interval covers 72%,
    at 200 values 0-37.5% (the three entropy estimates' biases do not cancel;
    the estimate itself is off by about 1 nat there).
    Interval (discrete): the normal interval around the clipped value,
    clipped to the range above.  ``"auto"`` widens it by the three
    entropies' biases as :func:`estimate_entropy` bounds them: on each side by
    as far as the hull of the intervals of the method, the jackknife, PYM and
    Chao-Wang-Jost (on the support sizes the estimate uses, upper end
    ``log K`` where the sample cannot bound the entropy) reaches beyond the
    method's own, each entropy with its sign in ``H(X) + H(Y) - H(X, Y)``
    (on the family grid of ``benchmarks/bench_estimators.py --measure mi``
    this took the cells below 90% from 48 to 12 of 234).  And when the joint
    sample cannot bound the joint entropy (Good-Turing coverage ``1 - f1/n``
    below 0.6, the rule of :func:`estimate_entropy`'s interval) it also holds
    ``[max(0, lo_X + lo_Y - hi_XY), min(hi_X, hi_Y, hi_X + hi_Y - lo_XY)]``
    over ``estimate_entropy``'s ``"auto"`` intervals of x, y and the pairs
    (no support declared; ``hi_XY`` is open there, so the interval starts at
    0), open above when x or y cannot bound its entropy either
    (``diagnostics["interval_note"]``); ``diagnostics["upper_bound"]`` is its
    upper end.  With it the dependent pairs above cover 100%, and every cell
    of ``bench_mi_kl_coverage.py``'s report grid at least 90%.
    The price is time: these intervals run the jackknife, PYM and
    Chao-Wang-Jost on each table, about 3 times the cost of
    ``method="nsb"`` on small samples (20 values, 50 pairs: 38 against
    13-15 ms a call); pass ``method="nsb"`` for the same value with the
    normal interval only.

    Examples
    --------
    >>> import numpy as np, infokit as ik
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 4, 5000)
    >>> y = (x + (rng.random(5000) < 0.1)) % 4       # a noisy copy of x
    >>> est = ik.estimate_mutual_information(x, y, "miller_madow", base="bits")
    >>> bool(abs(est.value - 1.53) < 0.05), est.unit
    (True, 'bits')
    """
    m = methods.check(method, MUTUAL_INFORMATION)
    opts = EstimateOptions("estimate_mutual_information", _DEFAULTS, method=method, dropna=check_bool(dropna, "dropna"),
                   n_neighbors=n_neighbors, jitter=jitter, discrete=discrete, bins=bins, level=check_level(ci),
                   unit=resolve_base(base), rng=rng, gen=check_rng(rng))
    if y is None:  # a joint table
        cx, cy, counts = joint_pair_cells(x, "x")
        if m.name != "auto" and METHODS[m.name].data == CONTINUOUS:
            raise InvalidArgumentError(
                f"method={m.name!r} estimates from continuous samples; a joint table holds counts: "
                "pass the samples x and y, or a discrete method"
            )
        opts.only("the mutual information of a joint table", "method")
        return _from_cells(cx, cy, counts, m, opts)
    x, y, m, extra = _samples(x, y, m, opts)
    fn, _ = lookup(methods.table_key("estimate_mutual_information", m), (x, y), _XY, samples=2)
    est = fn(x, y, m, opts)
    est.diagnostics.update(extra)
    return est


_DEFAULTS = defaults(estimate_mutual_information)

#: The entropy estimator ``method="auto"`` takes for ``H(X)``, ``H(Y)`` and ``H(X, Y)`` of discrete samples.
#: On the family grid of ``benchmarks/bench_estimators.py --measure mi --all-methods`` (tune grid, 40
#: samples a cell) NSB alone had a smaller RMSE than the former rule (the entropy rule on the joint table,
#: with Grassberger once its coverage reached 0.95 and NSB where it looked uniform) in 17 of the 117 cells
#: whose truth is not 0 and lost none by more than 4%; on the independent pairs (truth 0) the former
#: rule's RMSE was up to 4 times NSB's.  Mixing methods -- another estimator for the joint table, or for
#: the marginals, by the joint coverage -- lowered the geometric-mean ratio to the per-cell best from 2.44
#: to 2.06-2.3 at best, while losing to NSB alone in 24-38 cells: not taken.
AUTO_MI = "nsb"
AUTO_MI_REASON = ("NSB for H(X), H(Y) and H(X, Y), on the observed values of x and y and their K_X K_Y pairs "
                  "(the most accurate single estimator of the mutual information on the simulation grid)")


@implements("estimate_mutual_information", Kind.PROBS, Kind.PROBS)
def _discrete(x, y, m: methods.Method, o: EstimateOptions):
    o.only(f"the mutual information of discrete samples (method={m.name!r})", "method", "dropna")
    cells, counts, (xs, ys) = _resolve_columns([x, y], o.dropna)
    inv_x, _ = _group_counts(cells[:, np.array(xs)], counts)
    inv_y, _ = _group_counts(cells[:, np.array(ys)], counts)
    del cells
    return _from_cells(inv_x, inv_y, counts, m, o)


class CellCounts(ChunkedCounts):
    """The distinct (x, y) cells of a joint table, read a chunk at a time: what the MI estimate needs.

    ``n_x``, ``n_y``: the counts of the values of X and Y (indexed by the
    codes the cells use), or None for a variable whose values are too many
    to hold (:meth:`of_margins`: only the fingerprint of its counts is kept,
    ``x_fingerprint`` / ``y_fingerprint``, and :meth:`joined` pairs each cell
    with its value's count); ``k_x``, ``k_y``: the number of values of each;
    ``values``, ``mult``: the fingerprint of the cells' counts (None when the
    arrays are held); ``chunks()``: ``(x codes, y codes, counts)`` of the
    distinct cells, chunk by chunk (iterable more than once; each cell once,
    in any order).  Made from arrays in memory (:meth:`of_arrays`), or from
    counts on disk by :func:`infokit.io.read_joint_empirical` (``cells=True``)
    for tables of more cells than memory holds; :meth:`close` removes those.
    """

    x_fingerprint: Any = None
    y_fingerprint: Any = None
    _joined: Any = None

    def __init__(self, n_x, n_y, values, mult, chunks, arrays=None, close=None):
        self.n_x, self.n_y = n_x, n_y
        self._close = close
        self.values, self.mult = values, mult
        self._chunks = chunks
        self._arrays = arrays
        self.k_x = 0 if n_x is None else int(n_x.size)
        self.k_y = 0 if n_y is None else int(n_y.size)
        self.n = int(n_x.sum()) if n_x is not None else int(np.dot(values, mult)) if values.size else 0
        self.size = int(mult.sum()) if arrays is None else int(arrays[2].size)

    @classmethod
    def of_arrays(cls, inv_x, inv_y, counts):
        """The cells of codes ``inv_x``, ``inv_y`` (codes ``0..K-1``) and their ``counts``, in memory."""
        n_x, n_y = _sum_by(inv_x, counts), _sum_by(inv_y, counts)

        def chunks():
            for i in range(0, counts.size, _CHUNK):
                yield inv_x[i:i + _CHUNK], inv_y[i:i + _CHUNK], counts[i:i + _CHUNK]

        return cls(n_x, n_y, None, None, chunks, (inv_x, inv_y, counts))

    @classmethod
    def of_margins(cls, margins, values, mult, chunks, joined, close=None):
        """The cells of a table whose margins are each ``(counts, None, k)`` (held, indexed by code) or
        ``(None, (values, mult), k)`` (only the fingerprint of the ``k`` values' counts): ``joined()`` yields
        ``(counts, counts of their x, counts of their y)`` of the cells chunk by chunk, ``chunks()`` their
        ``(x, y, counts)`` (keys or codes), ``values``, ``mult`` the fingerprint of the cells' counts."""
        (n_x, fx, kx), (n_y, fy, ky) = margins
        out = cls(n_x, n_y, values, mult, chunks, close=close)
        out.x_fingerprint, out.y_fingerprint, out.k_x, out.k_y = fx, fy, int(kx), int(ky)
        out._joined = joined
        return out

    def joined(self):
        """``(counts, n_x of their x, n_y of their y)`` of the cells, chunk by chunk (in the order of chunks())."""
        if self._joined is not None:
            return self._joined()
        return ((c, self.n_x[cx], self.n_y[cy]) for cx, cy, c in self.chunks())

    def marginal_profile(self, j: int) -> Profile:
        """The profile of the counts of X (``j`` 0) or Y (1) on their ``k_x`` (``k_y``) values."""
        counts, fp, k = (self.n_x, self.x_fingerprint, self.k_x) if j == 0 else (self.n_y, self.y_fingerprint, self.k_y)
        if counts is not None:
            return Profile.from_counts(counts, k)
        values, mult = fp
        return Profile.from_fingerprint(values, mult, k)

    def marginal_counts(self, j: int) -> np.ndarray:
        """The counts of the values of X (``j`` 0) or Y (1), increasing (from the fingerprint where not held)."""
        prof = self.marginal_profile(j)
        return np.sort(prof.counts) if prof.counts is not None else np.repeat(prof.values, prof.mult)

    def profile(self, support_size: int) -> Profile:
        """The profile of the cells' counts on ``support_size`` cells (with the counts, when held)."""
        if self._arrays is not None:
            return Profile.from_counts(self._arrays[2], support_size)
        return Profile.from_fingerprint(self.values, self.mult, support_size)

    def arrays(self):
        """``(x codes, y codes, counts)`` of all the cells (held in memory; the shrinkage estimate needs them)."""
        if self._arrays is not None:
            return self._arrays
        parts = list(self.chunks())
        out = [np.concatenate([p[j] for p in parts]) for j in range(3)]
        del parts
        for j, held in enumerate((self.n_x, self.n_y)):
            if held is None:  # keys of values: codes 0..k-1
                out[j] = np.unique(out[j], return_inverse=True)[1].ravel()
        return tuple(out)

    def plugin(self) -> float:
        """``I(X; Y)`` of the table, in nats (:func:`infokit._samples.empirical._kl_to_product_chunks`)."""
        n_z = np.array([self.n], dtype=np.int64)
        return _kl_to_product_chunks(((c, ax, ay, np.zeros(c.size, np.int64)) for c, ax, ay in self.joined()), n_z)


def estimate_mutual_information_of_cells(cells: CellCounts, method="auto", *, base="nats", ci=0.95, rng=None):
    """:func:`estimate_mutual_information` of a joint table given as :class:`CellCounts` (discrete methods).

    The same estimate as of the :class:`Empirical` joint table of the same
    cells, computed a chunk of cells at a time (the counts of a table of
    1e8 cells read from disk).
    """
    m = methods.check(method, MUTUAL_INFORMATION)
    if m.name != "auto" and METHODS[m.name].data == CONTINUOUS:
        raise InvalidArgumentError(
            f"method={m.name!r} estimates from continuous samples; a joint table holds counts: "
            "pass the samples x and y, or a discrete method"
        )
    opts = EstimateOptions("estimate_mutual_information", _DEFAULTS, method=method, dropna=False, n_neighbors=None,
                           jitter=None, discrete=None, bins=None, level=check_level(ci), unit=resolve_base(base),
                           rng=rng, gen=check_rng(rng))
    return _from_cell_counts(cells, m, opts)


def _from_cells(inv_x, inv_y, counts, m: methods.Method, o: EstimateOptions):
    """The estimate from the counts of distinct (x, y) cells, with codes ``inv_x``, ``inv_y`` of x and y."""
    return _from_cell_counts(CellCounts.of_arrays(inv_x, inv_y, counts), m, o)


def _from_cell_counts(cells: CellCounts, m: methods.Method, o: EstimateOptions):
    """The estimate from the cells of a joint table (the one place it is made)."""
    plug = cells.plugin()
    kx, ky = cells.k_x, cells.k_y
    pxy = cells.profile(kx * ky)
    used, reason = m.name, None
    if used == "auto":
        used, reason = AUTO_MI, AUTO_MI_REASON
    n = cells.n
    diag = {"n": n, "k_x": kx, "k_y": ky, "cells_observed": cells.size}
    if used == "shrinkage":  # the joint table shrunk, the MI of it and its marginals
        inv_x, inv_y, counts = cells.arrays()
        value, hx, hy, lam = discrete.shrinkage_mi(counts, inv_x, inv_y, kx, ky)
        del inv_x, inv_y, counts
        diag.update(**{"lambda": lam, "target": "uniform over the K_X K_Y pairs"})
    else:
        profiles = (cells.marginal_profile(0), cells.marginal_profile(1), pxy)
        results = [methods.entropy_nats(prof, used, o.level, o.gen)[0] for prof in profiles]
        hx, hy, hxy = (r.value for r in results)
        value = hx + hy - hxy
    # the delete-one jackknife of the plug-in, by chunks of cells (a sample of cell (x, y) left out moves
    # the three entropies by their counts' leave-one-out terms), plus the chi2 spread under independence
    spread, loo = discrete.JackknifeSpread(), discrete.leave_one_out_term
    for c, ax, ay in cells.joined():
        spread.add(c, loo(ax) + loo(ay) - loo(c))
    stderr = math.sqrt(spread.variance + chi2_variance((kx - 1) * (ky - 1), n))
    # the range [0, min(H(X), H(Y))] with the estimator's own marginal entropies (0 for a constant sample)
    upper = min(max(hx, 0.0) if kx > 1 else 0.0, max(hy, 0.0) if ky > 1 else 0.0)
    diag.update(plugin=plug, stderr_method="jackknife+chi2")
    if reason:
        diag["auto_reason"] = reason
    diag["reference"] = METHODS[used].reference
    interval = None
    if kx == 1 or ky == 1:  # a variable seen with one value: I = 0 in the sample, at most H of that variable
        value, upper = 0.0, one_outcome_entropy_bound(n, None, o.level)
        interval = (0.0, upper)
        diag["interval_method"] = ("one value of " + ("x" if kx == 1 else "y") + " seen: [0, the upper bound on "
                                   "its entropy from the unseen mass]")
    elif m.name == "auto" and upper > 0.0:
        value, interval, upper = _auto_interval(cells, profiles, results, used, value, stderr, upper, o, diag)
    diag["upper_bound"] = float(o.unit.convert(np.float64(upper)))
    return make_estimate(value, stderr, interval, o.level, used, o.unit, diag, upper=upper, determined=n == 0)


#: ``Estimate.reading``'s sentence for an interval of the mutual information without an upper end.
NO_UPPER_BOUND = "no upper bound: the sample is too small to bound the entropy of x or of y"


def _auto_interval(cells: CellCounts, profiles, results, used: str, value: float, stderr: float, upper: float,
                   o: EstimateOptions, diag: dict):
    """``auto``'s interval of ``I = H(X) + H(Y) - H(X, Y)``: ``(value, interval, upper end of the range)``.

    The normal interval (the jackknife: sampling noise) widened by the three
    entropies' biases as ``estimate_entropy`` bounds them
    (:func:`~infokit._estimators.entropy.auto_widening` of each, on the
    support sizes the estimate uses): down by how far the hulls of X's and
    Y's reach below their method's intervals and that of the pairs above,
    up by the converse.  And when the joint sample cannot bound its entropy
    at all (coverage below :data:`~infokit._estimators.auto.COVERAGE_BOUNDED`)
    the interval also holds ``[max(0, lo_X + lo_Y - hi_XY), min(hi_X, hi_Y,
    hi_X + hi_Y - lo_XY)]`` over ``auto``'s entropy intervals of the three,
    support sizes not declared: ``hi_XY`` is open there, so the lower end is
    0, and the upper end is open (``diagnostics["interval_note"]``) when a
    marginal sample cannot bound its entropy either.  The value is clipped to
    the estimator's range first (``diagnostics["raw_value"]``); the range's
    upper end becomes the interval's.
    """
    (bx, ax), (by, ay), (bxy, axy) = (entropy.auto_widening(p, r, used, o.level, o.gen, any_method=True)
                                      for p, r in zip(profiles, results))
    down, up = bx + by + axy, ax + ay + bxy
    point = min(max(value, 0.0), upper)
    z = z_score(o.level)
    lo, hi = point - z * stderr - down, point + z * stderr + up
    how = [f"normal interval widened by the entropies' biases as auto bounds them ({down:.3g} below, "
           f"{up:.3g} above, in nats)"]
    pxy = profiles[2]
    if not auto.bounds_entropy(pxy):
        (_, lo_x, hi_x), (_, lo_y, hi_y), (_, lo_xy, hi_xy) = (
            entropy.auto_interval_nats(Profile.from_fingerprint(p.values, p.mult), o.level, o.gen)
            for p in profiles)
        c_lo, c_hi = interval_sum([(1, (lo_x, hi_x)), (1, (lo_y, hi_y)), (-1, (lo_xy, hi_xy))])
        lo, hi = min(lo, max(c_lo, 0.0)), max(hi, min(c_hi, hi_x, hi_y))
        how.append("I = H(X) + H(Y) - H(X,Y) over auto's entropy intervals of the three (joint coverage "
                   f"1 - f1/n = {pxy.coverage:.3g} < {auto.COVERAGE_BOUNDED}: the joint entropy has no upper bound)")
    if not (down or up or len(how) > 1):
        return value, None, upper
    if point != value:
        diag["raw_value"] = float(o.unit.convert(np.float64(value)))
    diag["interval_method"] = "hull of the " + " and ".join(how) if len(how) > 1 else how[0]
    if math.isinf(hi):
        diag["interval_note"] = NO_UPPER_BOUND
    return point, (lo, hi), max(upper, hi)


def _continuous(x, y, m: methods.Method, o: EstimateOptions):
    o.only(f"the mutual information of continuous samples (method={m.name!r})", "method", *m.options)
    res = m.kernels[MUTUAL_INFORMATION](x, y, **o.pick(m.options), rng=o.rng)
    return from_kernel(res, o.level, m.name, o.unit, reference=m.reference, clip=True)  # I >= 0


#: The mixed discrete/continuous k-NN estimator "auto" routes one continuous and one discrete side to.
MIXED = "ross"


def _samples(x, y, m: methods.Method, o: EstimateOptions):
    """``x``, ``y`` and the method as the estimate takes them: binned, or routed by the discrete/continuous rule.

    Returns ``(x, y, method, diagnostics to add)``.
    """
    if o.bins is not None:
        check_bins_method("estimate_mutual_information", m)
    if m.data != DISCRETE:
        return x, y, m, {}  # a continuous method takes the samples as they are
    precheck(o, f"the mutual information of samples (method={m.name!r})", m, "dropna",
             continuous=tuple(METHODS[n] for n in methods.names(MUTUAL_INFORMATION, data=CONTINUOUS)))
    (x, fx), (y, fy) = _judged(x, "x"), _judged(y, "y")
    if fx is None or fy is None:
        return x, y, m, {}
    if o.bins is not None:
        o.consume("bins")
        bx, binned_x = _bin_columns(x, fx, o.bins, "x")
        by, binned_y = _bin_columns(y, fy, o.bins, "y")
        binned = binned_x + binned_y
        if not binned:
            raise InvalidArgumentError(
                "ik.estimate_mutual_information: bins= bins the continuous columns, and no column of x or y looks "
                f"continuous (x: {fx[0].reason}; y: {fy[0].reason}); drop bins=, or bin a column yourself "
                "(ik.empirical(values, bins=...) shows the bins)")
        return bx, by, m, {"binned": binned, "bins": o.bins if isinstance(o.bins, (str, int, tuple)) else "edges"}
    cx, cy = all_continuous(fx), all_continuous(fy)
    if m.name == "auto":
        if cx and cy:
            why = f"continuous x ({_why(fx)}) and y ({_why(fy)})"
            return x, y, METHODS["ksg"], {"auto_reason": f"{why}: Kraskov-Stogbauer-Grassberger k-nearest "
                                          "neighbours"}
        mixed = cx and not any_continuous(fy) or cy and not any_continuous(fx)
        if mixed:
            cont, disc = (x, y) if cx else (y, x)
            o.discrete = "y"  # the rule has judged the sides: the continuous one goes first
            return cont, disc, METHODS[MIXED], {
                "auto_reason": f"continuous {'x' if cx else 'y'} ({_why(fx if cx else fy)}) and discrete "
                               f"{'y' if cx else 'x'}: the mixed k-nearest-neighbour estimator {MIXED!r}"}
    for name, found in (("x", fx), ("y", fy)):
        c = any_continuous(found)
        if c is not None:
            alt = methods.names(MUTUAL_INFORMATION, data=CONTINUOUS)
            warn_continuous(name, c, m.name, alt, stacklevel=4)
            break
    return x, y, m, {}


def _judged(v, name: str):
    """``(v, its columns' Natures)``; a 1-D float sample is judged from its counts and, when discrete,
    replaced by the codes of its values (the estimate depends only on the counts: one sort, not two)."""
    if isinstance(v, np.ndarray) and v.ndim == 1 and v.dtype.kind == "f" and v.size and not np.isnan(v).any():
        outcomes, _, codes = _counting.count(v, name=name, codes=True)
        found = of_counts(outcomes.size, v.size)
        return (v if found.continuous else codes), [found]
    return v, natures(v)


def _why(found) -> str:
    return found[0].reason if len(found) == 1 else f"{len(found)} continuous columns"


def _bin_columns(v, found, bins, name: str):
    """``v`` with each continuous column replaced by its bin codes; and the names of the columns binned."""
    cols = _variables((v,), name)
    binned, out = [], []
    for j, (col, nat) in enumerate(zip(cols, found)):
        label = name if len(cols) == 1 else f"{name}[{j}]"
        if nat.continuous:
            col = bin_column(col, bins, label)  # missing values stay NaN: dropna= applies as to the raw column
            binned.append(label)
        out.append(col)
    if len(out) == 1:
        return out[0], binned
    table = np.empty((out[0].size, len(out)), dtype=object)
    for j, col in enumerate(out):
        table[:, j] = col
    return table, binned


_KEYS = ["estimate_mutual_information"]
for _name in methods.names(MUTUAL_INFORMATION, data=CONTINUOUS):
    _KEYS.append(methods.table_key("estimate_mutual_information", METHODS[_name]))
    implements(_KEYS[-1], Kind.PROBS, Kind.PROBS)(_continuous)
for _key in _KEYS:
    hint(_key, frozenset(Kind), frozenset(Kind), text="'x' and 'y' are paired samples: arrays (or DataFrames) "
         "with one row per observation, row i of x paired with row i of y")
del _name, _key
