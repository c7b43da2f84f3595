"""``estimate_entropy``: the entropy of the distribution a sample was drawn from."""

from __future__ import annotations

import math
import numbers

from infokit._dispatch import Kind, check_bool, hint, implements
from infokit._estimators import auto, bayes, methods
from infokit._estimators.arguments import SAMPLES, EstimateOptions, as_empirical, defaults, lookup
from infokit._estimators.arguments import all_continuous, check_bins_method, expand, natures
from infokit._estimators.arguments import precheck, raw_samples, sample_kind, samples_hints, warn_continuous
from infokit._estimators.methods import CONTINUOUS, DISCRETE, ENTROPY, METHODS
from infokit._estimators.result import Deferred, Estimate, KernelResult, Profile, finish_interval, from_kernel
from infokit._estimators.result import make_estimate, z_score
from infokit._estimators.result import one_outcome_entropy_bound
from infokit._lib.checks import check_level, check_rng
from infokit._lib.typing import Base, Bins, Samples, Seed
from infokit._lib.units import resolve_base
from infokit._samples.binning import binned_empirical
from infokit._samples.table import Empirical, _check_support_size
from infokit.errors import InfokitError, InvalidArgumentError

__all__ = ["estimate_entropy"]


def estimate_entropy(
    data: Samples,
    method: str = "auto",
    *,
    support_size: int | None = None,
    base: Base = "nats",
    ci: float = 0.95,
    rng: Seed = None,
    dropna: bool = False,
    concentration: float | None = None,
    n_neighbors: int = 3,
    jitter: float | bool | None = None,
    bins: Bins | None = None,
) -> Estimate:
    """Estimate the entropy of the distribution a sample was drawn from.

    Parameters
    ----------
    data : array_like or Empirical
        Samples (anything :func:`~infokit.empirical` accepts) or their
        :class:`~infokit.Empirical` (e.g. counts via ``Empirical.from_counts``).
    method : str, optional
        The estimator (references in Notes); default ``"auto"``.  On
        continuous samples (see *Discrete or continuous* below) ``"auto"``
        uses the k-nearest-neighbour estimator ``"knn"``; on discrete ones it
        chooses from the sample size, observed and declared support, the
        coincidences and the coverage (the rule and the simulation it was
        tuned on: ``benchmarks/bench_estimators.py``, ``benchmarks/RESULTS.md``).
    support_size : int, optional
        Number of possible outcomes K, if known.  Used by ``"shrinkage"``,
        ``"dirichlet"``, ``"nsb"`` and the pseudo-count plug-ins
        (``"laplace"``, ``"jeffreys"``, ``"minimax"``,
        ``"schurmann_grassberger"``), which otherwise take the observed
        number, and by ``"auto"``; ``"pym"``, ``"chao_wang_jost"`` and
        ``"jvhw"`` never use it.  Defaults to the support declared in an
        ``Empirical`` (``support=`` / ``support_size=``), if any.
    base : {"nats", "bits", "hartleys"} or float, optional
        Unit of the estimate. Default nats.
    ci : float, optional
        Level of the interval. Default 0.95.
    rng : None, int or numpy.random.Generator, optional
        Randomness for bootstrap standard errors (``"chao_shen"``) and for
        breaking ties in continuous samples; pass a seed for reproducible
        results.
    dropna : bool, optional
        Drop missing samples instead of raising.
    concentration : float, optional
        ``method="dirichlet"`` only: the symmetric Dirichlet prior's
        concentration ``a`` (default 0.5, Jeffreys; 1 is Laplace/Bayes,
        ``1/K`` Perks).
    n_neighbors, jitter : optional
        Continuous methods only (see below): the k of the k-nearest-neighbour
        estimator (default 3), and how ties are handled: by default
        (``jitter=None``) every coordinate with a repeated value gets uniform
        noise of the width of the data's resolution (the smallest gap between
        its distinct values), drawn from ``rng`` (without one, from a seed made
        from the data, so that the same data give the same estimate);
        ``jitter=False`` makes repeated points an error (rule and measured
        effect: :mod:`infokit.continuous`).
    bins : int, str, tuple, array_like or Binning, optional
        Estimate the entropy of the samples' bins (a histogram) with a
        discrete ``method``: an int ``N`` (equal-width, as
        :func:`numpy.histogram`; :func:`~infokit.drift` reads an int as
        quantile bins instead), ``"fd"``, ``"quantile"`` / ``("quantile",
        N)``, ``"uniform"`` / ``("uniform", N)``, explicit edges or a fitted
        ``Binning``, as in :func:`~infokit.empirical`.  The bins are the
        declared support (``K`` = their number).  ``diagnostics["bins"]``
        says which were used.

    Returns
    -------
    Estimate
        ``value``, ``stderr``, ``ci``, ``method``, ``unit`` and
        ``diagnostics``.  For discrete samples the value and the interval lie
        in ``[0, log K]`` when K is declared and in ``[0, inf]`` otherwise
        (``method="auto"``'s interval ends at ``inf`` where the sample gives no
        upper bound),
        and the interval holds the value (a bias-corrected value outside
        that range is clipped, the unclipped one kept in
        ``diagnostics["raw_value"]``).  The interval has width 0 only
        when the entropy is known exactly (a declared support of one
        outcome).

    Raises
    ------
    InvalidArgumentError
        Unknown ``method`` (the message lists the valid ones), empty data,
        ``support_size`` smaller than the observed outcomes, ``ci`` outside
        (0, 1), an option given to a method it does not apply to.
    InvalidTypeError
        ``data`` is not a sample: a dict, a distribution, a model — or an
        ``Empirical`` given to a continuous method.

    Notes
    -----
    ================  ============================================  ==================
    method            reference                                     standard error
    ================  ============================================  ==================
    ``plugin``        maximum likelihood ``H(P̂)``                   delta method
    ``miller_madow``  Miller (1955): ``H(P̂) + (K_obs - 1)/(2n)``     delta method
    ``jackknife``     Zahl (1977), delete-one jackknife             jackknife
    ``grassberger``   Grassberger (2003), eq. 35                    delta method
    ``zhang``         Zhang (2012), Neural Computation 24           delta method
    ``chao_shen``     Chao & Shen (2003), coverage-adjusted HT      bootstrap (200)
    ``shrinkage``     Hausser & Strimmer (2009), James–Stein        delta method
    ``bonachela``     Bonachela, Hinrichsen & Muñoz (2008)          delta method
    ``dirichlet``     Wolpert & Wolf (1995), Dirichlet(a) prior     posterior s.d.
    ``nsb``           Nemenman, Shafee & Bialek (2002)              posterior s.d.
    ``pym``           Archer, Park & Pillow (2014), Pitman–Yor      posterior s.d.
                      mixture, unknown/countable support (needs
                      ``n - K_obs >= 2``)
    ``chao_wang_``    Chao, Wang & Jost (2013), undetected-species  delta method
    ``jost``          entropy from ``f1``, ``f2``
    ``jvhw``          Jiao, Venkat, Han & Weissman (2015),          delta method
                      polynomial approximation for rare outcomes
    ``laplace``       ``H((n_x + a)/(n + K a))``, ``a = 1``          delta method
    ``jeffreys``      same, ``a = 1/2``                             delta method
    ``minimax``       same, ``a = sqrt(n)/K`` (Trybula 1958)        delta method
    ``schurmann_``    same, ``a = 1/K`` (Perks 1947; Schürmann &    delta method
    ``grassberger``   Grassberger 1996)
    ================  ============================================  ==================

    **Continuous samples** (differential entropy, which can be negative):
    ``method="knn"`` — Kozachenko & Leonenko (1987), any dimension (``data``
    is ``n`` scalars or an ``n x d`` array); ``"vasicek"``, ``"ebrahimi"``,
    ``"van_es"``, ``"correa"`` — m-spacing estimators of a 1-D sample
    (through :func:`scipy.stats.differential_entropy`).  See
    :mod:`infokit.continuous` for their standard errors and accuracy.

    **Discrete or continuous.** The samples are classified once, by the rule
    of :mod:`infokit._samples.nature`: integers, booleans, strings, other
    labels and categoricals are discrete; floats are discrete when they take
    at most ``max(10, sqrt(n))`` distinct values, continuous otherwise.  A
    discrete method given continuous samples warns
    (:class:`~infokit.ContinuousDataWarning`, naming the fix); ``"auto"``
    uses ``"knn"`` and says so in ``diagnostics["auto_reason"]``.

    ``diagnostics["reference"]`` names the paper of the estimator used.

    Intervals.  ``"dirichlet"`` and ``"nsb"``: the equal-tailed posterior
    interval.  ``"chao_shen"``: normal interval with the bootstrap standard
    error.  The others: the normal interval ``value -/+ z stderr`` with the
    delta-method error plus the plug-in's second-order spread,
    ``stderr^2 = Var[log p̂(X)] / n + (K_obs - 1) / (2 n^2)``; the second term
    keeps exactly balanced counts (where ``Var[log p̂] = 0``) from giving an
    interval of width 0.  ``"auto"`` choosing shrinkage widens its interval
    to NSB's posterior interval; choosing NSB, the jackknife or Chao-Shen, it
    reports the hull of that kernel's interval and those of the jackknife,
    ``"pym"`` and ``"chao_wang_jost"``, whose biases point in different
    directions on undersampled counts.  When the sample cannot bound the
    entropy from above (Good-Turing coverage below 0.6, or fewer than two
    repeated samples) that interval's upper end is ``log K`` with a declared
    support and ``inf`` without one: nothing in such a sample rules out more
    unseen outcomes, and ``diagnostics["interval_note"]`` and
    ``Estimate.reading`` say "no upper bound without a declared support size".
    All are clipped to the range above and
    hold the value; a sample that saw one outcome only gets
    ``[0, h(u) + u log(K - 1)]``, ``u = 1 - ((1 - ci)/2)^(1/n)`` the upper
    bound on the unseen mass (``h(u)`` without a declared K).

    The delta-method error ``sqrt(Var[log p̂(X)] / n)`` describes sampling
    noise only: when the sample is small compared with the support (coverage
    well below 1) the bias of every estimator can exceed it, and intervals
    undercover.  The coverage simulation in ``benchmarks/RESULTS.md`` says
    where each interval holds its level (``"auto"``'s: at least 90% in every
    cell of its grids, with or without a declared support, at the price of
    being conservative, about 98% on average).

    Examples
    --------
    >>> import infokit as ik
    >>> counts = [7, 3, 5, 8, 9, 1, 3, 3, 1, 0, 2, 5, 2, 11, 4, 23, 5, 0, 8, 0]
    >>> e = ik.Empirical.from_counts(counts)
    >>> est = ik.estimate_entropy(e, "nsb", support_size=20)
    >>> round(est.value, 5), est.unit
    (2.62363, 'nats')
    >>> round(ik.estimate_entropy(e, "plugin").value, 5)    # biased low
    2.5301
    """
    m = methods.check(method, ENTROPY)
    opts = EstimateOptions("estimate_entropy", _DEFAULTS, method=method, support_size=support_size,
                   dropna=check_bool(dropna, "dropna"), concentration=concentration, n_neighbors=n_neighbors,
                   jitter=jitter, bins=bins, level=check_level(ci), unit=resolve_base(base), rng=rng,
                   gen=check_rng(rng, deferred=True))
    data, m, extra = _samples(data, m, opts)
    fn, kinds = lookup(methods.table_key("estimate_entropy", m), (data,), ("data",))
    est = fn(data, kinds[0], m, opts)
    est.diagnostics.update(extra)
    return est


_DEFAULTS = defaults(estimate_entropy)


# --------------------------------------------------------------------------
# rows of the table
# --------------------------------------------------------------------------
@implements("estimate_entropy", SAMPLES)
def _discrete(data, kind: Kind, m: methods.Method, o: EstimateOptions):
    o.only(f"the entropy of a discrete distribution (method={m.name!r})", "method", "support_size",
           *m.options, *raw_samples(kind))
    options = {"concentration": _check_concentration(o.concentration)} if o.concentration is not None else {}
    e = as_empirical(data, kind, o.dropna, "data")
    return _from_profile(_profile(e, o.support_size), m, o, options)


def estimate_entropy_from_profile(profile: Profile, method="auto", *, support_size=None, concentration=None,
                                  base="nats", ci=0.95, rng=None):
    """:func:`estimate_entropy` of samples known by the fingerprint of their counts (a :class:`Profile`).

    The estimate of a discrete sample whose counts are too many to hold (a
    column of a file with 1e8 distinct values counted on disk,
    :func:`infokit.io._spill.count_of_counts`): every discrete estimator is a
    function of the fingerprint, and the result equals ``estimate_entropy``
    of the :class:`Empirical` of the same counts.  Discrete methods only.
    """
    m = methods.check(method, ENTROPY)
    if m.data != DISCRETE:
        raise InvalidArgumentError(
            f"method={m.name!r} estimates from continuous samples; counts known by their fingerprint "
            "take a discrete method"
        )
    opts = EstimateOptions("estimate_entropy", _DEFAULTS, method=method, support_size=support_size,
                           dropna=False, concentration=concentration, n_neighbors=None, jitter=None, bins=None,
                           level=check_level(ci), unit=resolve_base(base), rng=rng, gen=check_rng(rng, deferred=True))
    options = {"concentration": _check_concentration(concentration)} if concentration is not None else {}
    k = None if support_size is None else _check_support_size(support_size, profile.k_obs)
    prof = Profile.from_fingerprint(profile.values, profile.mult, k)
    return _from_profile(prof, m, opts, options)


def _from_profile(prof: Profile, m: methods.Method, o: EstimateOptions, options: dict):
    """The discrete estimate from the profile of the counts (the one place it is made)."""
    res, used, reason = methods.entropy_nats(prof, m.name, o.level, o.gen, **options)
    diag = {**prof.diagnostics(), "stderr_method": res.stderr_method}
    if reason:
        diag["auto_reason"] = reason
    diag.update(res.info)
    diag["reference"] = METHODS[used].reference
    upper = math.log(prof.k) if prof.k_declared else math.inf
    stderr, interval, more = _interval(prof, res, used, m.name == "auto", o.level, o.gen, upper)
    diag.update(more)
    return make_estimate(res.value, stderr, interval, o.level, used, o.unit, diag, upper=upper,
                         determined=prof.k_declared and prof.k == 1)


def _interval(prof: Profile, res: KernelResult, used: str, auto_chose: bool, level: float, rng, upper: float):
    """Standard error, interval (before :func:`finish_interval`) and diagnostics of a discrete entropy estimate.

    The kernel's own, widened for ``auto``'s choices (the docstring of
    :func:`estimate_entropy`, "Intervals"), and the one-outcome bound.
    """
    diag: dict = {}
    stderr, interval = res.stderr, res.raw_interval  # NSB's: computed when Estimate.ci is first read
    if auto_chose and used == "shrinkage":
        stderr, interval = _hedged_shrinkage_interval(prof, res, level, rng, upper)
        diag["stderr_method"] = "max(delta+chi2, NSB posterior s.d.); interval: union with NSB's"
    elif auto_chose and used in auto.BRACKETED:
        interval, bounded = _bracket(prof, res, used, level, rng, upper)
        diag["interval_method"] = ("hull of the intervals of " + ", ".join(sorted({used, *auto.BRACKET_KERNELS}))
                                   + ("" if bounded else f"; upper end {'log K' if prof.k_declared else 'open'}: "
                                      f"coverage < {auto.COVERAGE_BOUNDED} or fewer than two repeated samples"))
        if not bounded and not prof.k_declared:
            diag["interval_note"] = auto.NO_UPPER_BOUND
    if prof.k_obs == 1 and not (prof.k_declared and prof.k == 1):
        interval = _one_outcome_interval(prof, res, interval.get() if isinstance(interval, Deferred) else interval,
                                         level)
        diag["interval_method"] = "one outcome seen: [0, bound on the unseen mass's entropy]"
    return stderr, interval, diag


def auto_widening(prof: Profile, res: KernelResult, used: str, level: float, rng, *,
                  any_method: bool = False) -> tuple[float, float]:
    """How far ``auto``'s interval for the entropy of ``prof`` reaches beyond the chosen kernel's own:
    ``(below, above)``, in nats, each ``>= 0`` (``res``: that kernel's result, ``used`` its name).

    The share of the interval that answers for the kernel's bias rather than
    its sampling noise (the hull of :func:`~infokit._estimators.auto.bracket_interval`,
    the union with NSB's for shrinkage, the open or ``log K`` upper end): the
    KL divergence against a known Q widens its own interval by as much.
    ``any_method``: the hull of :data:`~infokit._estimators.auto.BRACKET_KERNELS`
    around any kernel (not only those ``auto`` brackets), for the three
    entropies of a mutual information, whose method ``auto`` chooses from the
    joint table alone.
    """
    upper = math.log(prof.k) if prof.k_declared else math.inf
    determined = prof.k_declared and prof.k == 1
    ends = []
    for auto_chose in (False, True):
        stderr, interval, _ = _interval(prof, res, used, auto_chose, level, rng, upper)
        if auto_chose and any_method and used not in auto.BRACKETED and prof.k_obs > 1:
            interval, _ = _bracket(prof, res, used, level, rng, upper)
        _, _, held, _ = finish_interval(res.value, stderr, interval, level, upper=upper, determined=determined)
        ends.append(held.get() if isinstance(held, Deferred) else held)
    (lo_own, hi_own), (lo, hi) = ends
    return max(lo_own - lo, 0.0), max(hi - hi_own, 0.0)


def auto_interval_nats(prof: Profile, level: float, rng) -> tuple[float, float, float]:
    """``(value, lo, hi)`` of ``estimate_entropy(..., method="auto")`` of the counts of ``prof``, in nats.

    The entropy intervals the mutual information and the KL divergence
    compose when their samples are too few to bound them otherwise
    (:func:`infokit._estimators.information._composed_interval`).
    """
    res, used, _ = methods.entropy_nats(prof, "auto", level, rng)
    upper = math.log(prof.k) if prof.k_declared else math.inf
    stderr, interval, _ = _interval(prof, res, used, True, level, rng, upper)
    point, _, held, _ = finish_interval(res.value, stderr, interval, level, upper=upper,
                                        determined=prof.k_declared and prof.k == 1)
    lo, hi = held.get() if isinstance(held, Deferred) else held
    return point, lo, hi


def _continuous(data, kind: Kind, m: methods.Method, o: EstimateOptions):
    o.only(f"a differential entropy from continuous samples (method={m.name!r})", "method", *m.options)
    res = m.kernels[ENTROPY](data, **o.pick(m.options), rng=o.rng)
    return from_kernel(res, o.level, m.name, o.unit, lower=-math.inf, reference=m.reference)


samples_hints("estimate_entropy", 0, 1, exact="ik.entropy(p)")
for _name in methods.names(ENTROPY, data=CONTINUOUS):
    _key = methods.table_key("estimate_entropy", METHODS[_name])
    implements(_key, Kind.PROBS)(_continuous)
    samples_hints(_key, 0, 1, exact="ik.entropy(p)")
    hint(_key, Kind.COUNTS, text="The continuous estimators take the continuous samples themselves, "
         "not an ik.Empirical of their counts")
del _name, _key


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _samples(data, m: methods.Method, o: EstimateOptions):
    """The samples as the estimate takes them: binned (``bins=``), routed by the discrete/continuous rule.

    Returns ``(data, method, diagnostics to add)``.  Discrete samples are
    counted here (so the rule reads the counts); continuous samples go to
    ``"knn"`` under ``"auto"`` and get a ContinuousDataWarning under an
    explicit discrete method.
    """
    if m.data == DISCRETE:
        precheck(o, f"the entropy of samples (method={m.name!r})", m, "support_size", "dropna",
                 continuous=(METHODS["knn"],))
    if o.bins is not None:
        check_bins_method("estimate_entropy", m)
        if sample_kind(data) not in SAMPLES:
            return data, m, {}  # the table's error for a distribution or a model
        e, b = binned_empirical(data, o.bins, dropna=o.dropna, name="data")
        o.consume("bins", "dropna")
        return e, m, {"bins": b.method, "bin_edges": b.cuts.tolist()}
    if m.data != DISCRETE:
        return data, m, {}
    kind = sample_kind(data)
    if kind not in SAMPLES:
        return data, m, {}
    if kind is Kind.PROBS:
        try:  # counted once, here: the rule reads the counts and the discrete path takes them
            data = as_empirical(data, kind, o.dropna, "data")
            o.consume("dropna")
        except InfokitError:
            if getattr(data, "ndim", 1) != 2:
                raise  # missing values, unhashable samples: the counting's own error
            # n x d points: the rule reads the columns
    found = natures(data)
    if found is None:
        return data, m, {}
    if not all_continuous(found):
        return data, m, {}
    if m.name == "auto":
        reason = found[0].reason if len(found) == 1 else f"{len(found)} continuous columns"
        o.consume("dropna")  # counting already checked the missing values; knn rejects any that remain
        data = expand(data)
        return (data, METHODS["knn"],
                {"auto_reason": f"continuous samples ({reason}): Kozachenko-Leonenko k-nearest neighbours"})
    warn_continuous("data", found[0], m.name, methods.names(ENTROPY, data=CONTINUOUS)[:1], stacklevel=4)
    return data, m, {}


def _check_concentration(concentration) -> float:
    if isinstance(concentration, bool) or not isinstance(concentration, numbers.Real) or not (
        0 < concentration < math.inf  # type: ignore[operator]  # mypy does not model arithmetic on the numbers ABCs
    ):
        raise InvalidArgumentError(
            f"'concentration' must be a positive finite number, e.g. 0.5 (Jeffreys) or 1 (Laplace) "
            f"(got {concentration!r})"
        )
    return float(concentration)


def _profile(e: Empirical, support_size) -> Profile:
    """The profile of ``e``'s counts, on the support size given, or else declared in ``e``."""
    if support_size is None:
        k = e.support_size if e.support_declared else None
    else:
        k = _check_support_size(support_size, len(e))
    return Profile.from_counts(e.counts, k)


def _one_outcome_interval(prof: Profile, res: KernelResult, interval, level: float):
    """``[0, hi]`` for a sample that saw one outcome only (every delta-method error is 0 there).

    ``hi`` is the larger of the kernel's own upper end (if any) and
    :func:`~infokit._estimators.result.one_outcome_entropy_bound`: the entropy
    of the most spread distribution whose unseen mass is at its upper
    confidence bound.
    """
    hi = one_outcome_entropy_bound(prof.n, prof.k if prof.k_declared else None, level)
    if interval is not None:
        hi = max(hi, interval[1])
    return 0.0, max(hi, res.value)


def _kernel_interval(res: KernelResult, level: float):
    """A kernel's own interval, else the normal one ``value -/+ z stderr``."""
    if res.interval is not None:
        return tuple(res.interval)
    z = z_score(level)
    return res.value - z * res.stderr, res.value + z * res.stderr


def _bracket(prof: Profile, res: KernelResult, used: str, level: float, rng, upper: float):
    """``auto``'s interval for a choice in :data:`~infokit._estimators.auto.BRACKETED`: ``(interval, bounded)``.

    Runs the kernels of :data:`~infokit._estimators.auto.BRACKET_KERNELS`
    (PYM may decline: fewer than two repeated samples) and hands their
    intervals to :func:`~infokit._estimators.auto.bracket_interval`, where the
    rule and its measurement live.
    """
    brackets = {}
    for name in auto.BRACKET_KERNELS:
        if name == used:
            brackets[name] = _kernel_interval(res, level)
            continue
        try:
            brackets[name] = _kernel_interval(METHODS[name].kernels[ENTROPY](prof, level=level, rng=rng), level)
        except InvalidArgumentError:
            brackets[name] = None
    lo, hi, bounded = auto.bracket_interval(auto.Features.of(prof), res.value, _kernel_interval(res, level),
                                            brackets, upper=upper)
    return (lo, hi), bounded


def _hedged_shrinkage_interval(prof: Profile, res: KernelResult, level: float, rng, upper: float):
    """Standard error and interval of ``auto``'s shrinkage choice, widened to NSB's posterior.

    ``auto`` shrinks toward uniform when the counts cannot be told apart from
    uniform; with few samples that test has little power and the delta-method
    interval (sampling noise only) misses the truth whenever the distribution
    is not in fact uniform.  The interval reported is the smallest one that
    holds both the shrinkage interval and NSB's posterior interval, and the
    standard error the larger of the two (``benchmarks/bench_estimators.py``
    measures the coverage of exactly this interval).
    """
    nsb = bayes.nsb(prof, level=level, rng=rng)
    z = z_score(level)
    lo_s, hi_s = max(res.value - z * res.stderr, 0.0), min(res.value + z * res.stderr, upper)
    lo_n, hi_n = nsb.interval if nsb.interval is not None else (nsb.value - z * nsb.stderr, nsb.value + z * nsb.stderr)
    return max(res.stderr, nsb.stderr), (min(lo_s, lo_n), max(hi_s, hi_n))
