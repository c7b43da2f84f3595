"""KL divergence and cross-entropy from samples, and Monte Carlo KL of two distributions.

:func:`estimate_kl` has five call shapes, told apart by the kinds of its
arguments (:func:`infokit._dispatch.kind_of`) and the ``method``:

=================================  ==========================  =============
arguments                          estimate                    row
=================================  ==========================  =============
sample of P, known Q               ``H(P, Q) - H(P)``          ``_kl_known``
sample of P, ``ik.empirical(y)``   plug-in / Miller–Madow      ``_kl_sampled``
continuous x, y, ``method="knn"``  Wang–Kulkarni–Verdú         ``_kl_knn``
two distributions P, Q             Monte Carlo                 ``_kl_monte_carlo``
``log_p=``, ``log_q=``             Schulman's k1/k2/k3         ``_kl_log_ratio``
=================================  ==========================  =============

A sample of P is an array of outcomes or an :class:`~infokit.Empirical`; a
known Q is an array of probabilities, a :class:`~infokit.Categorical` or a
labelled pmf (dict, Series), aligned with the sample by outcome.
:func:`estimate_cross_entropy` takes the first two shapes.
"""

from __future__ import annotations

import functools
import math
import warnings
from typing import NamedTuple

import numpy as np

from infokit._core import kernels as _kernels
from infokit._core import logratio
from infokit._core.kernels import log_softmax
from infokit._core.measures import cross_entropy, kl_divergence
from infokit._dispatch import Kind, check_bool, hint, implements
from infokit._estimators import discrete, entropy, methods
from infokit._estimators.arguments import SAMPLES, EstimateOptions, as_empirical, defaults, lookup
from infokit._estimators.arguments import all_continuous, any_continuous, check_bins_method
from infokit._estimators.arguments import expand, natures
from infokit._estimators.arguments import precheck, raw_samples, sample_kind, samples_hints, warn_continuous
from infokit._estimators.methods import CONTINUOUS, CROSS_ENTROPY, DISCRETE, KL, KL_SAMPLED, METHODS
from infokit._estimators.result import ChunkedCounts, Estimate, Profile, chi2_variance, from_kernel
from infokit._estimators.result import make_estimate, unseen_mass_bound, z_score
from infokit._lib import backend as _backend
from infokit._lib.checks import check_level, check_probs, check_pseudo_count, check_rng
from infokit._lib.typing import AnyArray, Base, Bins, DistributionLike, Model, Samples, Seed
from infokit._lib.units import resolve_base
from infokit._models import parametric
from infokit._models.recognize import describe
from infokit._samples.align import align
from infokit._samples.binning import binned_pair
from infokit._samples.table import Empirical, _union
from infokit.errors import InvalidArgumentError, UnseenOutcomeWarning

__all__ = ["estimate_kl", "estimate_cross_entropy", "mc_kl_estimate"]

_PQ = ("samples_p", "q")
#: The kinds a known Q can come as.
KNOWN = frozenset({Kind.PROBS, Kind.LOGITS, Kind.PMF})
_LOG_RATIO = "estimate_kl(log_p=..., log_q=...)"
_MC_DRAWS = 100_000


def estimate_kl(
    samples_p: Samples | None = None,
    q: DistributionLike | Samples | None = None,
    method: str = "auto",
    *,
    smoothing: float | str | None = None,
    n: int | None = None,
    log_p: AnyArray | None = None,
    log_q: AnyArray | None = None,
    estimator: str = "k3",
    mask: AnyArray | None = None,
    n_neighbors: int = 3,
    jitter: float | bool | None = None,
    base: Base = "nats",
    ci: float = 0.95,
    rng: Seed = None,
    dropna: bool = False,
    bins: Bins | None = None,
) -> Estimate:
    """Estimate the KL divergence ``D(P||Q)`` from samples or by Monte Carlo.

    The call shape says what is known:

    * ``estimate_kl(samples_p, q)`` — a sample of P (discrete outcomes)
      against a known Q (array, dict or Categorical) or against a **sample** of
      Q wrapped in ``ik.empirical(samples_q)`` (the type says which);
    * ``estimate_kl(x, y, method="knn")`` — continuous samples ``x ~ P`` and
      ``y ~ Q`` (Wang, Kulkarni & Verdú 2009); ``method="auto"`` does the
      same when both look continuous (the rule of :func:`estimate_entropy`)
      and ``y`` is not a probability vector (non-negative, summing to 1),
      or when ``q`` is an ``ik.empirical`` of continuous values (a discrete
      method given such samples warns: :class:`~infokit.ContinuousDataWarning`);
    * ``estimate_kl(x, y, bins=...)`` — the samples' histograms in common bins,
      fitted once on the **pooled** sample ``x`` and ``y`` (explicit edges or
      a ``Binning`` as given), compared as a sample of P against a sample of
      Q (``"plugin"`` or ``"miller_madow"``, ``smoothing=`` as there);
    * ``estimate_kl(P, Q, n=100_000, rng=0)`` — two distributions (scipy.stats
      frozen or torch) that can sample and evaluate log-densities: Monte Carlo
      ``mean(log p(X) - log q(X))``, ``X ~ P``, for pairs with no closed form
      (``ik.kl_divergence(P, Q)`` gives the closed forms);
    * ``estimate_kl(log_p=..., log_q=..., estimator="k3")`` — log-densities of
      P and Q evaluated at samples **drawn from P** (Schulman's k1/k2/k3, as
      used in RL fine-tuning).

    Parameters
    ----------
    samples_p : array_like or Empirical, or a distribution
        A sample of P (or, for Monte Carlo, the distribution P).
    q : array_like, dict, Categorical or Empirical, or a distribution
        See above.
    method : str, optional
        Known Q: ``D = H(P, Q) - H(P)`` with ``H(P, Q)`` estimated without
        bias by the mean surprisal ``-mean(log q(x_i))`` and ``H(P)`` by the
        entropy estimator ``method`` (any of :func:`estimate_entropy`, with
        ``support_size = len(q)``; ``"auto"`` as there).  Sample of Q:
        ``"plugin"`` (``D(P̂||Q̂)``) or ``"miller_madow"`` (``"auto"``), the plug-in
        less its first-order bias ``(K_P - 1)/(2n) + sum p̂(1 - q̂)/(2 m q̂)``.
        Continuous samples: ``"knn"``.
    smoothing : None, "jeffreys", "laplace" or float, optional
        Sample of Q only: pseudo-count added to every outcome of the union
        support before estimating Q̂ (0.5 Jeffreys, 1 Laplace).  With ``None``
        (default) an outcome seen in P's sample but never in Q's makes the
        estimate ``+inf``, with an :class:`~infokit.UnseenOutcomeWarning`
        saying how many — never a silent epsilon.
    n : int, optional
        Monte Carlo only: number of draws from P (default 100 000).
    log_p, log_q : array, optional
        Log-densities ``log p(x_i)``, ``log q(x_i)`` at samples ``x_i ~ P``
        (NumPy, torch or JAX; any shape).
    estimator : {"k1", "k2", "k3"}, optional
        With ``log_p``/``log_q``; with ``r = q(x)/p(x)``: ``k1 = -log r``
        (unbiased, can be negative), ``k2 = (log r)^2 / 2`` (biased, low
        variance), ``k3 = (r - 1) - log r`` (unbiased and never negative; the
        default).
    mask : boolean array, optional
        With ``log_p``/``log_q``: the samples to average over.
    n_neighbors, jitter
        ``method="knn"`` only, as in :func:`estimate_entropy`.
    base, ci, rng, dropna
        As in :func:`estimate_entropy`; ``rng`` also seeds the Monte Carlo draws.
    bins : optional
        Bins for two samples of numbers (see the call shapes): what
        :func:`~infokit.empirical` accepts.  ``diagnostics["bins"]`` and
        ``["bin_edges"]`` say which bins were used.

    Returns
    -------
    Estimate
        ``diagnostics`` reports what the estimate rests on (for samples: ``n``,
        ``m`` (Q's sample size), the support, the smoothing and
        ``unseen_in_q``).  For discrete samples the value and the interval
        are ``>= 0`` and the interval holds the value: a bias-corrected
        value below 0 is reported as 0 (the unclipped one in
        ``diagnostics["raw_value"]``) with the interval
        ``[0, z stderr]``; a sample against itself gives 0 with an interval
        of positive width.  Width 0 only for a Q of one outcome (D = 0 exactly).
        With ``log_p``/``log_q`` from torch or JAX, ``value`` is a 0-d array of
        that library with autograd intact (``stderr`` and ``ci`` are floats).

    Raises
    ------
    InvalidArgumentError
        Unknown ``method``, an option given to a call shape it does not apply
        to (``n=`` with samples, ``smoothing=`` with ``method="knn"``, ...).
    InvalidTypeError
        Arguments of kinds no call shape takes (a sample against a scipy.stats
        distribution, a dict of counts as the sample, ...); the message names
        the kinds and the shapes that exist.

    Notes
    -----
    Direction: ``D(P||Q) = E_P[log p(X) - log q(X)]``, expectations under the
    **first** argument.  For the log-ratio estimators the samples must come
    from P: with ``x ~ P = N(0, 1)`` and ``Q = N(0.5, 1)``, ``log_p =
    norm.logpdf(x)``, ``log_q = norm.logpdf(x, 0.5)`` estimate ``D(P||Q) =
    0.125``; swapping ``log_p`` and ``log_q`` estimates neither divergence
    (the samples would have to come from Q).

    A known Q with ``q(x) = 0`` at an observed ``x`` gives ``+inf``: the
    divergence is infinite for certain.  Standard errors: against a known
    Q, the delete-one jackknife variance of the plug-in ``D(P̂||Q)`` (exact,
    one pass over the outcomes; 0-16% above the delta method's
    ``Var_P̂[log(p̂/q)]/n`` at 40-100 samples, whose 95% intervals covered
    92-93% on small Dirichlet(1) cells of
    ``benchmarks/bench_mi_kl_coverage.py``); against a sample of Q, the delta
    method ``Var_P̂[log(p̂/q̂)]/n + Var_Q̂[p̂/q̂]/m``; both plus
    the second-order spread ``df / (2 n^2)`` of ``chi2_df / (2n)``
    (``2 n D̂`` is chi-squared with ``df = K_obs - 1`` at ``P = Q``; with a
    sample of Q, ``n`` is ``n m / (n + m)`` and ``K_obs`` counts the outcomes
    either sample saw; ``df >= 1``), without which the error is 0 when P̂
    matches Q; the
    sample standard deviation over ``sqrt(n)`` for Monte Carlo and log-ratio
    estimates.

    Interval of ``"auto"`` against a known Q: the normal interval, widened by
    the entropy's bias as ``estimate_entropy`` bounds it -- down by as far as
    ``estimate_entropy(samples, support_size=K)``'s interval reaches above
    that of the entropy method chosen, up by as far as it reaches below
    (``diagnostics["interval_method"]`` gives both).  Without it the interval
    covered 0% where the entropy's bias outweighs its noise (Zipf's law over
    1000 outcomes, 10000 samples) and 68% at 50 samples over 200 outcomes;
    with it every cell of the family grid (``bench_estimators.py --measure
    kl``) covers at least 90%, at the price of being conservative (about 99%
    on average).  Explicit methods keep the normal interval.

    Examples
    --------
    >>> import numpy as np, infokit as ik
    >>> from scipy import stats
    >>> rng = np.random.default_rng(0)
    >>> x = rng.choice(3, size=20000, p=[0.5, 0.3, 0.2])
    >>> est = ik.estimate_kl(x, [1/3, 1/3, 1/3], method="miller_madow")
    >>> exact = float(ik.kl_divergence([0.5, 0.3, 0.2], [1/3, 1/3, 1/3]))
    >>> bool(abs(est.value - exact) < 3 * est.stderr)
    True
    >>> z = rng.standard_normal(100_000)                    # samples from P = N(0, 1)
    >>> k3 = ik.estimate_kl(log_p=stats.norm.logpdf(z), log_q=stats.norm.logpdf(z, 0.5))
    >>> bool(abs(k3.value - 0.125) < 3 * k3.stderr), k3.method
    (True, 'k3')
    >>> mc = ik.estimate_kl(stats.gamma(2.0), stats.lognorm(0.8), n=200_000, rng=1)
    >>> mc.method
    'monte_carlo'
    """
    opts = EstimateOptions("estimate_kl", _KL_DEFAULTS, method=method, smoothing=smoothing, n=n, estimator=estimator,
                   mask=mask, n_neighbors=n_neighbors, jitter=jitter, dropna=check_bool(dropna, "dropna"),
                   bins=bins, level=check_level(ci), unit=resolve_base(base), rng=rng, gen=check_rng(rng))
    if log_p is not None or log_q is not None:
        if samples_p is not None or q is not None:
            raise InvalidArgumentError(
                "pass either samples (samples_p, q) or log-densities (log_p=..., log_q=...), not both"
            )
        if log_p is None or log_q is None:
            raise InvalidArgumentError("'log_p' and 'log_q' must both be given (log-densities at samples from P)")
        fn, kinds = lookup(_LOG_RATIO, (log_p, log_q), ("log_p", "log_q"), samples=2)
        return fn(log_p, log_q, kinds, None, opts)
    if samples_p is None or q is None:
        raise InvalidArgumentError("estimate_kl needs samples_p and q (or log_p= and log_q=)")
    m = methods.check(method, KL, KL_SAMPLED)
    samples_p, q, m, extra = _kl_samples(samples_p, q, m, opts)
    fn, kinds = lookup(methods.table_key("estimate_kl", m), (samples_p, q), _PQ,
                       samples=2 if m.data == CONTINUOUS else 1)
    est = fn(samples_p, q, kinds, m, opts)
    est.diagnostics.update(extra)
    return est


def _kl_samples(p, q, m: methods.Method, o: EstimateOptions):
    """The arguments as the estimate takes them: binned on the pooled samples, or routed by the rule.

    Returns ``(samples_p, q, method, diagnostics to add)``.
    """
    kp, kq = sample_kind(p), sample_kind(q)
    if m.data == DISCRETE and kp in SAMPLES:
        precheck(o, f"D(P||Q) from a sample of P (method={m.name!r})", m, "smoothing", "dropna",
                 continuous=(METHODS["knn"],))
    if o.bins is not None:
        check_bins_method("estimate_kl", m)
        if kp not in SAMPLES or kq not in SAMPLES:
            raise InvalidArgumentError(
                "ik.estimate_kl: 'bins' compares two samples of numbers in common bins; 'samples_p' and 'q' must "
                f"both be samples (arrays or ik.Empirical), got {kp.value} and {kq.value}")
        ep, eq, b, fitted = binned_pair(p, q, o.bins, dropna=o.dropna)
        o.consume("bins", "dropna")
        return ep, eq, m, {"bins": b.method, "bin_edges": b.cuts.tolist(), "bins_fitted_on": "pooled samples"
                           if fitted else "given edges"}
    if m.data != DISCRETE:
        return p, q, m, {}
    fp = natures(p)
    cp = fp is not None and all_continuous(fp)
    if kq is Kind.COUNTS or (kq is Kind.PROBS and cp and not _is_pmf(q)):
        fq = natures(q)
        cq = fq is not None and all_continuous(fq)
    else:
        fq, cq = None, False
    if m.name == "auto" and cp and cq:
        why = f"continuous samples of P ({fp[0].reason}) and of Q ({fq[0].reason})"  # type: ignore[index]
        p, q = expand(p), expand(q)
        return p, q, METHODS["knn"], {"auto_reason": f"{why}: Wang-Kulkarni-Verdu k-nearest neighbours"}
    bad = ("samples_p", fp) if cp else ("q", fq) if cq and kq is Kind.COUNTS else None
    if bad is not None:
        warn_continuous(bad[0], any_continuous(bad[1]), m.name, methods.names(KL, data=CONTINUOUS), stacklevel=4)
    return p, q, m, {}


def _is_pmf(q) -> bool:
    """Whether a 1-D array could be a probability vector (non-negative, sums to 1): a known Q, not a sample."""
    try:
        a = np.asarray(q.detach().cpu() if hasattr(q, "detach") else q, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return a.ndim == 1 and bool(np.all(a >= 0)) and abs(math.fsum(a.tolist()) - 1.0) <= 1e-6


def estimate_cross_entropy(samples_p: Samples, q: DistributionLike | Samples, method: str = "auto", *,
                           smoothing: float | str | None = None, base: Base = "nats", ci: float = 0.95,
                           rng: Seed = None, dropna: bool = False) -> Estimate:
    """Estimate the cross-entropy ``H(P, Q)`` from a sample of P, against a known Q or a sample of Q.

    Parameters
    ----------
    samples_p, q, smoothing, base, ci, rng, dropna
        As in :func:`estimate_kl`.
    method : str, optional
        Known Q: the mean surprisal ``-mean(log q(x_i))`` — unbiased; the
        only method (``"auto"``/``"plugin"`` give it).  Sample of Q:
        ``"plugin"`` (``H(P̂, Q̂)``) or ``"miller_madow"`` (``"auto"``), which
        removes the first-order bias of ``log q̂``, ``sum p̂(1 - q̂)/(2 m q̂)``.

    Returns
    -------
    Estimate
        The value and the interval are ``>= 0`` and the interval holds the
        value.  Known Q: width 0 only when Q is uniform on its support (then
        ``H(P, Q) = log K`` for every P); when every sample has the same
        surprisal the interval moves the upper bound ``1 - ((1 - ci)/2)^(1/n)``
        on P's unseen mass to Q's least and most surprising outcomes.  Sample
        of Q: the standard error includes the second-order term of
        :func:`estimate_kl`.

    Raises
    ------
    InvalidArgumentError
        Unknown ``method``; ``smoothing`` with a known Q.
    InvalidTypeError
        ``q`` a model or a scipy.stats / torch distribution (the cross-entropy
        of data under a model is exact for the sample:
        ``ik.cross_entropy(data, model)``), or ``samples_p`` not a sample.

    Examples
    --------
    >>> import numpy as np, infokit as ik
    >>> rng = np.random.default_rng(1)
    >>> x = rng.choice(2, size=10000, p=[0.9, 0.1])
    >>> est = ik.estimate_cross_entropy(x, [0.5, 0.5], base="bits")
    >>> est.value, est.stderr   # every sample costs exactly 1 bit under a fair coin
    (1.0, 0.0)
    """
    m = methods.check(method, CROSS_ENTROPY)
    opts = EstimateOptions("estimate_cross_entropy", _CE_DEFAULTS, method=method, smoothing=smoothing,
                   dropna=check_bool(dropna, "dropna"), level=check_level(ci), unit=resolve_base(base), rng=rng,
                   gen=check_rng(rng))
    fn, kinds = lookup("estimate_cross_entropy", (samples_p, q), _PQ)
    if sample_kind(samples_p) in SAMPLES:
        found = natures(samples_p)
        if found is not None and all_continuous(found):
            warn_continuous("samples_p", any_continuous(found), m.name, (), stacklevel=3)
    return fn(samples_p, q, kinds, m, opts)


def mc_kl_estimate(P: Model, Q: Model, *, n: int = _MC_DRAWS, rng: Seed = None, ci: float = 0.95,
                   base: Base = "nats") -> Estimate:
    """:func:`mc_kl` as an :class:`~infokit.Estimate` (value, stderr, normal interval at level ``ci``, unit).

    Examples
    --------
    >>> from scipy import stats
    >>> from infokit.parametric import mc_kl_estimate
    >>> est = mc_kl_estimate(stats.norm(0, 1), stats.norm(1, 1), n=100_000, rng=1, base="bits")
    >>> est.method, est.unit, est.ci[0] < est.value < est.ci[1]
    ('monte_carlo', 'bits', True)
    """
    return _monte_carlo(P, Q, n, rng, check_level(ci), resolve_base(base))


_KL_DEFAULTS = defaults(estimate_kl)
_CE_DEFAULTS = defaults(estimate_cross_entropy)


# --------------------------------------------------------------------------
# the second argument, aligned with the sample of P
# --------------------------------------------------------------------------
class _Target(NamedTuple):
    """Q on the outcomes of P's sample: ``cp`` P's counts there, ``log_q`` and ``q_probs`` Q's probabilities.

    A sample of Q also has its counts ``cq``, size ``m``, pseudo-count ``a``
    and the smoothed mass ``unseen_mass_q`` of declared outcomes neither sample saw.
    """

    cp: np.ndarray
    log_q: np.ndarray
    q_probs: np.ndarray
    k: int
    cq: np.ndarray | None = None
    m: int | None = None
    a: float | None = None
    unseen_mass_q: float = 0.0

    @property
    def sampled(self) -> bool:
        return self.cq is not None


def _sampled_target(p: Empirical, q: Empirical, a: float | None) -> _Target:
    outcomes, (cp, cq) = _union([p, q])
    k = max(outcomes.size, p.support_size if p.support_declared else 0, q.support_size if q.support_declared else 0)
    q_probs, log_q = _smoothed_q(cq, q.n, a, k)
    unseen = (k - outcomes.size) * a / (q.n + a * k) if a else 0.0
    return _Target(cp, log_q, q_probs, k, cq, q.n, a, unseen)


def _smoothed_q(cq, m: int, a, k: int):
    """``(q̂, log q̂)`` of Q's counts ``cq`` (sample size ``m``), pseudo-count ``a`` on each of ``k`` outcomes."""
    if not a:
        return cq / m, _log_or_ninf(cq / m)
    total = m + a * k
    return (cq + a) / total, np.log(cq + a) - math.log(total)


def _known_target(p: Empirical, q, kind: Kind) -> _Target:
    if kind is Kind.LOGITS:
        if q.batch_shape:
            raise InvalidArgumentError("'q' must be a single distribution (1-D), not a batch")
        (_, pp), _ = align([("p", p), ("q", q)])
        log_q = np.asarray(log_softmax(np, np.asarray(q._z, dtype=np.float64)))
    else:
        if kind is Kind.PROBS:
            q = _backend.as_numpy_float64(q, "q")
            if q.ndim != 1:
                raise InvalidArgumentError(f"'q' must be a 1-D distribution, got shape {q.shape}")
        (_, pp), (_, qq) = align([("p", p), ("q", q)])
        log_q = _log_or_ninf(check_probs(np, np.asarray(qq, dtype=np.float64), "q"))
    pp = np.asarray(pp)
    return _Target(np.rint(pp * p.n).astype(np.int64), log_q, np.exp(log_q), pp.size)


def _log_or_ninf(x):
    with np.errstate(divide="ignore"):
        return np.log(x)


class _Sample(NamedTuple):
    """P's sample against Q: its size, Q aligned with it, the outcomes seen, and P̂ and log q there."""

    n: int
    t: _Target
    seen: np.ndarray
    w: np.ndarray
    lq: np.ndarray


def _row(what: str, path: str, *options: str, estimates=None, where: str = ""):
    """Wrap the body of a sample-of-P row: options of ``path`` checked, the sample counted and Q aligned.

    The body gets a :class:`_Sample` and the diagnostics so far; when an
    outcome of P's sample has ``q = 0`` it is not called: the estimate is
    ``+inf`` (with a warning).  ``estimates``, if given, are the ones whose
    ``method`` names this shape accepts.
    """
    def wrap(body):
        @functools.wraps(body)
        def row(p, q, kinds, m: methods.Method, o: EstimateOptions):
            if estimates is not None:
                methods.check(m.name, *estimates, data=DISCRETE, where=where)
            o.only(path, "method", *options, *raw_samples(kinds[0]))
            a = check_pseudo_count(o.smoothing) if kinds[1] is Kind.COUNTS else None
            e = as_empirical(p, kinds[0], o.dropna, "samples_p")
            t = _sampled_target(e, q, a) if kinds[1] is Kind.COUNTS else _known_target(e, q, kinds[1])
            seen = t.cp > 0
            diag = {"n": e.n, "k": t.k, "k_observed": int(np.count_nonzero(seen))}
            if t.sampled:
                diag.update(m=t.m, smoothing=t.a, unseen_in_q=int(np.count_nonzero(seen & (t.cq == 0))))  # type: ignore[call-overload]
            inf = _infinite(t, seen, diag, what, m.name, o)
            if inf is not None:
                return inf
            return body(_Sample(e.n, t, seen, t.cp[seen] / e.n, t.log_q[seen]), diag, m, o)

        return row

    return wrap


def _infinite(t: _Target, seen, diag, what: str, method: str, o: EstimateOptions):
    """The estimate ``+inf`` (with a warning) when an outcome of P's sample has ``q = 0``; else None."""
    return _infinite_estimate(int(np.count_nonzero(seen & np.isneginf(t.log_q))), t.sampled, diag, what, method, o)


def _infinite_estimate(bad: int, sampled: bool, diag, what: str, method: str, o: EstimateOptions):
    """The estimate ``+inf`` (with a warning) when ``bad`` outcomes of P's sample have ``q = 0``; else None."""
    if not bad:
        return None
    src = "the sample of Q" if sampled else "Q (probability 0)"
    diag["unseen_in_q"] = bad
    warnings.warn(
        f"{diag['unseen_in_q']} outcome(s) of the sample of P never occur in {src}: the {what} estimate is +inf. "
        + ("Pass smoothing='jeffreys' (or 'laplace', or a pseudo-count) for a finite estimate." if sampled else ""),
        UnseenOutcomeWarning,
        stacklevel=4,  # the caller of ik.estimate_kl / ik.estimate_cross_entropy
    )
    diag["stderr_method"] = "none (infinite)"
    return make_estimate(math.inf, math.inf, (math.inf, math.inf), o.level,
                         "plugin" if method == "auto" else method, o.unit, diag)


def _plugin_pair(s: _Sample):
    """P̂ and Q̂ as probability vectors (with the smoothed mass of unnamed declared outcomes)."""
    t = s.t
    p_hat, q = t.cp / s.n, t.q_probs
    if t.unseen_mass_q > 0:
        p_hat, q = np.append(p_hat, 0.0), np.append(q, t.unseen_mass_q)
    return p_hat, q


def _sample_of_q_terms(s: _Sample):
    """First-order bias of ``log q̂`` and the variance Q's sample adds, ``Var_Q̂[p̂/q̂]/m``."""
    t = s.t
    bias_q, var_q = _q_sample_sums(t.cp, t.q_probs, s.n, t.m + (t.a or 0.0) * t.k)  # type: ignore[operator]
    return bias_q, var_q / t.m


def _q_sample_sums(cp, q_probs, n: int, m_eff: float):
    """The sums over outcomes (or a chunk of them) of :func:`_sample_of_q_terms`: the bias and ``m Var``."""
    seen = cp > 0
    w, qh = cp[seen] / n, q_probs[seen]
    bias_q = float(np.sum(w * (1.0 - qh) / (2.0 * m_eff * qh)))
    ratio = cp / n / q_probs
    return bias_q, float(np.sum(q_probs * (ratio - 1.0) ** 2))


def _p_sample_sum(cp, log_q, n: int, plug: float) -> float:
    """``sum p̂ (log p̂ - log q̂ - D)^2`` over P's outcomes (or a chunk): ``n`` times P's delta variance."""
    seen = cp > 0
    w = cp[seen] / n
    return float(np.sum(w * (np.log(w) - log_q[seen] - plug) ** 2))


# --------------------------------------------------------------------------
# rows of the table
# --------------------------------------------------------------------------
@implements("estimate_kl", SAMPLES, KNOWN)
@_row("KL divergence", "D(P||Q) from a sample of P against a known Q", estimates=(KL,),
      where=" for a sample of P against a known Q")
def _kl_known(s: _Sample, diag, m: methods.Method, o: EstimateOptions):
    # H(P, Q) = E_P[-log q(X)], estimated without bias by the mean surprisal; H(P) by the entropy method
    ce = float(-np.sum(s.w * s.lq))  # the mean surprisal (its variance is not needed here)
    prof = Profile.from_counts(s.t.cp, s.t.k)
    h, used, reason = methods.entropy_nats(prof, m.name, o.level, o.gen)
    # the delete-one jackknife of the plug-in D(P̂||Q) = -H(P̂) + H(P̂, Q): a sample of an outcome seen c times
    # left out moves it by (log q - u(c)) / (n - 1) plus a constant; plus the chi2 spread at P = Q
    cp = s.t.cp[s.seen]
    spread = discrete.JackknifeSpread()
    spread.add(cp, s.lq - discrete.leave_one_out_term(cp))
    diag.update(stderr_method="jackknife+chi2", entropy_estimate=h.value, cross_entropy_estimate=ce)
    if reason:
        diag["auto_reason"] = reason
    diag["reference"] = METHODS[used].reference
    determined = s.t.k == 1  # Q (and so P) has one outcome: D = 0
    se = math.sqrt(spread.variance + chi2_variance(_kl_df(diag["k_observed"]), s.n))
    value, interval = ce - h.value, None
    if m.name == "auto" and not determined:
        value, interval = _widened_kl_interval(prof, h, used, value, se, o, diag)
    return make_estimate(value, se, interval, o.level, used, o.unit, diag, determined=determined)


def _widened_kl_interval(prof: Profile, h, used: str, value: float, stderr: float, o: EstimateOptions, diag):
    """``auto``'s interval of ``D(P||Q) = H(P, Q) - H(P)`` against a known Q: ``(value, interval or None)``.

    The normal interval (the jackknife's standard error: sampling noise)
    widened by as much as ``auto``'s entropy interval reaches beyond the
    chosen entropy kernel's own (:func:`~infokit._estimators.entropy.auto_widening`:
    the entropy's bias, which enters D with the opposite sign) -- down by
    what it reaches above, up by what it reaches below; ``None`` where it
    reaches no further.  Without it the interval covered 0% where the
    entropy's bias exceeds its noise (Zipf's law over 1000 outcomes, 10000
    samples: NSB 0.037 nats low, ``bench_estimators.py --measure kl``) and
    68% at 50 samples over 200 outcomes (``bench_mi_kl_coverage.py``).  The
    value is clipped at 0 first (``diagnostics["raw_value"]``).
    """
    below, above = entropy.auto_widening(prof, h, used, o.level, o.gen)
    if not (below or above):
        return value, None
    point = max(value, 0.0)
    if point != value:
        diag["raw_value"] = float(o.unit.convert(np.float64(value)))
    diag["interval_method"] = (
        f"normal interval widened by as far as auto's entropy interval reaches beyond {used}'s own "
        f"({below:.3g} below, {above:.3g} above, in nats; D = H(P,Q) - H(P))")
    z = z_score(o.level)
    return point, (point - z * stderr - above, point + z * stderr + below)


@implements("estimate_kl", SAMPLES, Kind.COUNTS)
@_row("KL divergence", "D(P||Q) from a sample of P and a sample of Q", "smoothing", estimates=(KL_SAMPLED,),
      where=" for a sample of Q")
def _kl_sampled(s: _Sample, diag, m: methods.Method, o: EstimateOptions):
    t = s.t
    plug = float(kl_divergence(*_plugin_pair(s), normalize=True))
    bias_q, var_q = _q_sample_sums(t.cp, t.q_probs, s.n, t.m + (t.a or 0.0) * t.k)  # type: ignore[operator]
    var_p = _p_sample_sum(t.cp, t.log_q, s.n, plug)
    seen_any = int(np.count_nonzero((t.cp > 0) | (t.cq > 0)))  # type: ignore[operator]
    return _kl_sampled_estimate(plug, bias_q, var_p, var_q, s.n, t.m, seen_any, diag, m, o)


def _kl_sampled_estimate(plug, bias_q, var_p_sum, var_q_sum, n, m_q, seen_any, diag, m, o):
    """The estimate of D(P||Q) from two samples, given the plug-in and the sums over outcomes."""
    used = "miller_madow" if m.name == "auto" else m.name
    value = plug - (diag["k_observed"] - 1) / (2.0 * n) - bias_q if used == "miller_madow" else plug
    # second order: 2 n m / (n + m) D(P̂||Q̂) ~ chi2 on the outcomes either sample saw, when P = Q
    n_eff = n * m_q / (n + m_q)
    diag["stderr_method"] = "delta+chi2"
    se = math.sqrt(var_p_sum / n + var_q_sum / m_q + chi2_variance(_kl_df(seen_any), n_eff))
    return make_estimate(value, se, None, o.level, used, o.unit, diag)


class PairedCounts(ChunkedCounts):
    """The counts of a sample of P and a sample of Q on the union of their outcomes, read a chunk at a time.

    ``chunks()`` returns an iterator of ``(counts in P, counts in Q)`` over
    the union (iterable more than once; each outcome once, in any order);
    ``p_values``, ``p_mult`` are the fingerprint of P's counts.  Made by
    :func:`infokit.io._columns.read_paired_counts` from counts on disk, for
    samples with more distinct values than memory holds; :meth:`close`
    removes those.
    """

    def __init__(self, chunks, p_fingerprint, close=None):
        self._chunks = chunks
        self.p_values, self.p_mult = p_fingerprint
        self._close = close
        self._plugin = {}
        n = m = k = k_observed = unseen = 0
        for cp, cq in chunks():  # one pass: the totals, and the outcomes P saw (and Q did not)
            n += int(cp.sum())
            m += int(cq.sum())
            k += cp.size
            seen = cp > 0
            k_observed += int(np.count_nonzero(seen))
            unseen += int(np.count_nonzero(seen & (cq == 0)))
        self.n, self.m, self.k = n, m, k
        #: outcomes seen in P's sample; those of them never seen in Q's
        self.k_observed, self.unseen_in_q = k_observed, unseen


    def plugin(self, a=None):
        """``(D(P̂||Q̂), H(P̂, Q̂))`` in nats, Q̂ with pseudo-count ``a`` on each outcome of the union."""
        if a not in self._plugin:
            self._plugin[a] = self._plugin_pass(a)
        return self._plugin[a]

    def _plugin_pass(self, a):
        kl, ce = [], []
        for cp, cq in self.chunks():
            q_probs, log_q = _smoothed_q(cq, self.m, a, self.k)
            p = cp / self.n
            kl.append(math.fsum(_kernels.kl_terms(np, p, q_probs).tolist()))
            seen = cp > 0
            ce.append(math.fsum((-p[seen] * log_q[seen]).tolist()))
        return math.fsum(kl), math.fsum(ce)


def estimate_kl_of_paired_counts(pc: PairedCounts, method="auto", *, smoothing=None, base="nats", ci=0.95):
    """:func:`estimate_kl` of a sample of P against a sample of Q given as :class:`PairedCounts`.

    The estimate of the two :class:`Empirical` samples (outcomes the union of
    theirs), computed a chunk of outcomes at a time; discrete methods
    (``plugin``, ``miller_madow``, ``auto``).
    """
    m = methods.check(method, KL_SAMPLED, data=DISCRETE, where=" for a sample of Q")
    opts = EstimateOptions("estimate_kl", _KL_DEFAULTS, method=method, smoothing=smoothing, level=check_level(ci),
                           unit=resolve_base(base), rng=None, gen=check_rng(None))
    a = check_pseudo_count(smoothing)
    diag = {"n": pc.n, "k": pc.k, "k_observed": pc.k_observed, "m": pc.m, "smoothing": a,
            "unseen_in_q": pc.unseen_in_q}
    # without smoothing an outcome of P that Q never saw has q̂ = 0: D is infinite
    inf = _infinite_estimate(0 if a else pc.unseen_in_q, True, diag, "KL divergence", m.name, opts)
    if inf is not None:
        return inf
    plug, _ = pc.plugin(a)
    m_eff = pc.m + (a or 0.0) * pc.k
    bias_q = var_p = var_q = 0.0
    for cp, cq in pc.chunks():
        q_probs, log_q = _smoothed_q(cq, pc.m, a, pc.k)
        b, v = _q_sample_sums(cp, q_probs, pc.n, m_eff)
        bias_q += b
        var_q += v
        var_p += _p_sample_sum(cp, log_q, pc.n, plug)
    return _kl_sampled_estimate(plug, bias_q, var_p, var_q, pc.n, pc.m, pc.k, diag, m, opts)


def _kl_df(outcomes_seen: int) -> int:
    """Degrees of freedom of the chi-square term of a KL estimate: outcomes seen - 1, at least 1.

    At least 1: a sample that saw one outcome still leaves the divergence
    uncertain (other outcomes may have mass), and its delta-method variance is 0.
    """
    return max(int(outcomes_seen) - 1, 1)


@implements("estimate_cross_entropy", SAMPLES, KNOWN)
@_row("cross-entropy", "H(P, Q) from a sample of P against a known Q")
def _ce_known(s: _Sample, diag, m: methods.Method, o: EstimateOptions):
    ce, se, interval, determined = _mean_surprisal(s, o.level)
    diag["stderr_method"] = "sample variance"
    if interval is not None:
        diag["interval_method"] = "one surprisal seen: the unseen mass's upper bound moved to the extremes of Q"
    return make_estimate(ce, se, interval, o.level, "mean_surprisal", o.unit, diag, determined=determined)


def _mean_surprisal(s: _Sample, level: float):
    """``H(P, Q)`` of a sample of P against a known Q by the mean surprisal (unbiased): ``(value, stderr,
    interval or None for the normal one, determined)``.

    ``determined``: Q uniform on its support, ``H(P, Q) = log K`` whatever P.
    A sample whose surprisals are all equal has variance 0; its interval
    moves the unseen mass's upper bound to either extreme of Q.
    """
    ce = float(-np.sum(s.w * s.lq))
    var = float(np.sum(s.w * (s.lq + ce) ** 2))
    finite = s.t.log_q[np.isfinite(s.t.log_q)]
    determined = bool(np.all(finite == finite[0]))
    interval = None
    if var == 0.0 and not determined:
        u = unseen_mass_bound(s.n, level)
        interval = (ce - u * (ce + float(np.max(finite))), ce + u * (-float(np.min(finite)) - ce))
    return ce, math.sqrt(var / s.n), interval, determined


@implements("estimate_cross_entropy", SAMPLES, Kind.COUNTS)
@_row("cross-entropy", "H(P, Q) from a sample of P and a sample of Q", "smoothing")
def _ce_sampled(s: _Sample, diag, m: methods.Method, o: EstimateOptions):
    plug = float(cross_entropy(*_plugin_pair(s), normalize=True))
    bias_q, var_q = _sample_of_q_terms(s)
    used = "miller_madow" if m.name == "auto" else m.name
    value = plug - (bias_q if used == "miller_madow" else 0.0)
    var_ce = float(np.sum(s.w * (s.lq + plug) ** 2)) / s.n
    n_eff = s.n * s.t.m / (s.n + s.t.m)  # type: ignore[operator]
    seen_any = int(np.count_nonzero((s.t.cp > 0) | (s.t.cq > 0)))  # type: ignore[operator]
    diag["stderr_method"] = "delta+chi2"
    se = math.sqrt(var_ce + var_q + chi2_variance(_kl_df(seen_any), n_eff))
    return make_estimate(value, se, None, o.level, used, o.unit, diag)


def _kl_knn(x, y, kinds, m: methods.Method, o: EstimateOptions):
    o.only(f"D(P||Q) from continuous samples of P and Q (method={m.name!r})", "method", *m.options)
    res = m.kernels[KL](x, y, **o.pick(m.options), rng=o.rng)
    return from_kernel(res, o.level, m.name, o.unit, reference=m.reference, clip=True)  # D >= 0


@implements("estimate_kl", Kind.PARAMETRIC, Kind.PARAMETRIC)
def _kl_monte_carlo(P, Q, kinds, m: methods.Method, o: EstimateOptions):
    o.only("D(P||Q) of two distributions by Monte Carlo", "n")
    return _monte_carlo(P, Q, _MC_DRAWS if o.n is None else o.n, o.rng, o.level, o.unit)


@implements(_LOG_RATIO, Kind.PROBS, Kind.PROBS)
def _kl_log_ratio(log_p, log_q, kinds, m, o: EstimateOptions):
    o.only("D(P||Q) from log-densities at samples of P (log_p=, log_q=)", "estimator", "mask")
    r = logratio.estimate(log_p, log_q, estimator=o.estimator, mask=o.mask)
    diag = {"n": r.n, "stderr_method": "sample standard deviation / sqrt(n)", "direction": "D(P||Q), samples from P"}
    return make_estimate(r.value, r.stderr, None, o.level, o.estimator, o.unit, diag, lower=-math.inf,
                         array=r.mean)


def _monte_carlo(P, Q, n, rng, level: float, unit):
    n = parametric._check_n(n)
    mean, stderr = parametric.mc_kl(P, Q, n=n, rng=rng)
    if np.ndim(mean) != 0:
        raise InvalidArgumentError(
            "a Monte Carlo Estimate needs one distribution per argument; got batched distributions "
            "(use infokit.parametric.mc_kl for per-batch means and standard errors)"
        )
    diagnostics = {
        "n": n,
        "p": describe(P),
        "q": describe(Q),
        "stderr_method": "sample standard deviation of log p(X) - log q(X), X ~ P, over sqrt(n)",
    }
    return make_estimate(mean, stderr, None, level, "monte_carlo", unit, diagnostics, lower=-math.inf)


# --------------------------------------------------------------------------
# the continuous rows, and what an undefined combination is told
# --------------------------------------------------------------------------
_ANY = frozenset(Kind)
_MC_HINT = ("Monte Carlo KL needs two distributions (scipy.stats frozen or torch); to compare samples with a "
            "distribution, pass its probabilities (discrete) or score the samples with "
            "ik.cross_entropy(samples, model)")
samples_hints("estimate_kl", 0, 2, exact="ik.kl_divergence(p, q)")
hint("estimate_kl", SAMPLES, {Kind.PARAMETRIC, Kind.MODEL}, text=_MC_HINT)
hint("estimate_kl", Kind.PARAMETRIC, _ANY - {Kind.PARAMETRIC}, text=_MC_HINT)
for _name in methods.names(KL, data=CONTINUOUS):
    _key = methods.table_key("estimate_kl", METHODS[_name])
    implements(_key, Kind.PROBS, Kind.PROBS)(_kl_knn)
    hint(_key, _ANY, _ANY, text=f"method={_name!r} takes continuous samples of P and of Q themselves (arrays of "
         "points), not an ik.Empirical or a distribution")
del _name, _key
hint(_LOG_RATIO, _ANY, _ANY, text="'log_p' and 'log_q' are arrays of log-densities log p(x_i), log q(x_i) at "
     "samples x_i drawn from P")
samples_hints("estimate_cross_entropy", 0, 2, exact="ik.cross_entropy(p, q)")
hint("estimate_cross_entropy", SAMPLES, {Kind.PARAMETRIC, Kind.MODEL}, text="The cross-entropy of data under a "
     "model is exact for the sample: ik.cross_entropy(data, model), the mean surprisal")
