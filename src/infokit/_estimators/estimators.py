"""Estimates of the *true* distribution's measures from samples, with uncertainty.

The plug-in measures of the empirical distribution (``ik.entropy(ik.empirical(x))``)
are exact for P̂ but biased as estimates of P's: entropy is underestimated,
mutual information and KL divergence overestimated, badly so when the sample
is small compared with the number of outcomes.  The functions here return an
:class:`Estimate` — a value, a standard error, an interval and diagnostics —
from bias-corrected estimators:

* :func:`estimate_entropy` — ten estimators and ``"auto"``;
* :func:`estimate_mutual_information` — through the entropy estimators;
* :func:`estimate_kl` and :func:`estimate_cross_entropy` — from samples of P
  against a known Q or against samples of Q;
* :func:`g_test` — the likelihood-ratio goodness-of-fit test, ``G = 2 n D(P̂||Q)``.

Each estimator is a function of the counts only (see ``infokit._profile``),
so chunked and distributed counting (:meth:`Empirical.merge`) feeds them
without change.
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass, field

import numpy as np
from scipy import special, stats

from infokit._core import logratio as _logratio
from infokit._core.categorical import Categorical
from infokit._core.kernels import log_softmax
from infokit._core.measures import cross_entropy, kl_divergence
from infokit._estimators import auto as _auto, bayes as _bayes, continuous, discrete as _entropy_estimators
from infokit._estimators.result import Profile
from infokit._lib.backend import is_numpy
from infokit._lib.checks import check_probs
from infokit._models.recognize import is_distribution
from infokit._samples.align import align
from infokit._samples.empirical import _cmi_cells, _group_counts
from infokit._samples.table import _check_support_size, _union
from infokit._lib import html
from infokit._models import parametric as _parametric
from infokit._models.recognize import describe
from infokit._lib.units import resolve_base
from infokit._samples.empirical import Empirical, _resolve_columns, empirical
from infokit.errors import InvalidArgumentError, InvalidTypeError, UnseenOutcomeWarning

__all__ = [
    "Estimate",
    "GTestResult",
    "ENTROPY_METHODS",
    "estimate_entropy",
    "estimate_mutual_information",
    "estimate_kl",
    "estimate_cross_entropy",
    "g_test",
]


# --------------------------------------------------------------------------
# the result type
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Estimate:
    """An estimate with its uncertainty.

    Attributes
    ----------
    value : float
        The estimate, in ``unit``.
    stderr : float
        Its standard error (or posterior standard deviation), in ``unit``.
    ci : tuple of float
        The interval ``(low, high)`` at level ``level``, in ``unit``.
    level : float
        Level of ``ci`` (e.g. 0.95).
    method : str
        The estimator used (for ``"auto"``, the one it chose).
    unit : str
        "nats", "bits", "hartleys", ...
    diagnostics : dict
        What the estimate rests on: sample size ``n``, observed outcomes
        ``k_observed``, the support size used ``k`` and whether it was
        declared, singletons ``f1``, doubletons ``f2``, Good–Turing coverage
        ``1 - f1/n``, ``n_over_k``, where the standard error comes from
        (``stderr_method``), and for ``"auto"`` the reason for its choice.

    Examples
    --------
    >>> import infokit as ik
    >>> est = ik.estimate_entropy([0, 0, 1, 1, 2, 3], method="miller_madow", base="bits")
    >>> round(est.value, 5), est.unit, est.method
    (2.27897, 'bits', 'miller_madow')
    """

    value: float
    stderr: float
    ci: tuple
    level: float
    method: str
    unit: str
    diagnostics: dict = field(default_factory=dict, compare=False, repr=False)

    def __float__(self) -> float:
        return float(self.value)

    def __str__(self) -> str:
        lo, hi = self.ci
        return (
            f"{self.value:.6g} {self.unit} ± {self.stderr:.3g} (standard error); "
            f"{self.level:.0%} interval [{lo:.6g}, {hi:.6g}] {self.unit}; method={self.method}"
        )

    def _repr_html_(self) -> str:
        return estimate_html(self)


def estimate_html(est) -> str:
    """HTML table of an :class:`~infokit.Estimate`: value, standard error, interval, diagnostics.

    Examples
    --------
    >>> import infokit as ik
    >>> from infokit.reports import estimate_html
    >>> h = estimate_html(ik.estimate_entropy([0, 0, 1, 2], method="plugin", base="bits"))
    >>> "1.5 bits" in h and "plugin" in h
    True
    """
    if not isinstance(est, Estimate):
        raise InvalidTypeError(f"estimate_html() takes an ik.Estimate (got {type(est).__name__})")
    u = html.esc(est.unit)
    lo, hi = est.ci
    rows = [
        ["estimate", f"{html.num(est.value)} {u}"],
        ["standard error", f"{html.num(est.stderr)} {u}"],
        [f"{html.esc(format(est.level, '.0%'))} interval", f"[{html.num(lo)}, {html.num(hi)}] {u}"],
        ["method", html.esc(est.method)],
    ]
    parts = [html.table(f"Estimate ({html.esc(est.method)}) [{u}]", ["", "value"], rows)]
    diag = dict(est.diagnostics or {})
    if diag:
        drows = [[html.esc(k), html.diag_value(v)] for k, v in diag.items()]
        parts.append(html.table("Diagnostics", ["", "value"], drows))
    return html.div(*parts, cls="estimate")


def _make_estimate(value, stderr, interval, level, method, unit, diagnostics, *, lower=0.0, upper=math.inf):
    """Convert nats to ``unit`` and build the Estimate (the one place intervals are finished)."""
    if interval is None:
        if math.isfinite(value) and math.isfinite(stderr):
            z = stats.norm.ppf(0.5 + level / 2.0)
            interval = (value - z * stderr, value + z * stderr)
        else:
            interval = (value, value) if not math.isfinite(value) else (lower, upper)
    lo, hi = interval
    lo = min(max(lo, lower), upper)  # the interval stays in the feasible range [lower, upper]
    hi = max(min(hi, upper), lower)
    conv = unit.convert
    return Estimate(
        value=float(conv(np.float64(value))),
        stderr=float(conv(np.float64(stderr))),
        ci=(float(conv(np.float64(lo))), float(conv(np.float64(hi)))),
        level=level,
        method=method,
        unit=unit.name,
        diagnostics=diagnostics,
    )


# --------------------------------------------------------------------------
# option checks (every option is checked where it is received)
# --------------------------------------------------------------------------
def _kernels():

    table = dict(_entropy_estimators.KERNELS)
    table.update(_bayes.KERNELS)
    return table


#: Names accepted by ``estimate_entropy(method=...)``: "auto" and every kernel.
ENTROPY_METHODS = ("auto",) + tuple(_kernels())


def _check_method(method, valid, name="method"):
    if not isinstance(method, str) or method not in valid:
        raise InvalidArgumentError(f"'{name}' must be one of {', '.join(repr(v) for v in valid)} (got {method!r})")
    return method


def _check_level(ci):
    if isinstance(ci, bool) or not isinstance(ci, numbers.Real) or not 0.0 < float(ci) < 1.0:
        raise InvalidArgumentError(f"'ci' must be a probability in (0, 1), e.g. 0.95 (got {ci!r})")
    return float(ci)


def _rng(rng):
    try:
        return np.random.default_rng(rng)
    except (TypeError, ValueError):
        raise InvalidTypeError(
            f"'rng' must be None, an int seed or a numpy.random.Generator (got {type(rng).__name__})"
        ) from None


def _as_empirical(data, name, dropna=False) -> Empirical:
    if isinstance(data, Empirical):
        return data
    if isinstance(data, dict):
        raise InvalidTypeError(
            f"'{name}' must be samples or an ik.Empirical; for counts use ik.Empirical.from_counts(...)"
        )
    return empirical(data, dropna=dropna)


def _profile(e: Empirical, support_size) -> Profile:

    if support_size is None:
        k = e.support_size if e.support_declared else None
    else:
        k = _check_support_size(support_size, len(e))
    return Profile.from_counts(e.counts, k)


def _diagnostics(prof: Profile) -> dict:
    return {
        "n": prof.n,
        "k_observed": prof.k_obs,
        "k": prof.k,
        "k_declared": prof.k_declared,
        "f1": prof.f(1),
        "f2": prof.f(2),
        "coverage": prof.coverage,
        "n_over_k": prof.n / prof.k,
        "coincidences": prof.coincidences,
    }


# --------------------------------------------------------------------------
# auto
# --------------------------------------------------------------------------
def _choose(prof: Profile) -> tuple[str, str]:
    """The estimator ``"auto"`` uses for this sample, and why (the rule: :mod:`infokit._auto`)."""

    return _auto.choose(prof)


def _entropy_nats(prof: Profile, method: str, level: float, rng, concentration=None):
    """Run one entropy kernel (or ``auto``) on a profile: (KernelResult, method used, reason)."""
    reason = None
    if method == "auto":
        method, reason = _auto.choose(prof)
    kernel = _kernels()[method]
    if concentration is not None:
        return kernel(prof, level=level, rng=rng, concentration=concentration), method, reason
    return kernel(prof, level=level, rng=rng), method, reason


def _check_concentration(concentration, method):
    if concentration is None:
        return None
    if method != "dirichlet":
        raise InvalidArgumentError(f"'concentration' applies to method='dirichlet' only (got method={method!r})")
    if isinstance(concentration, bool) or not isinstance(concentration, numbers.Real) or not (
        0 < concentration < math.inf
    ):
        raise InvalidArgumentError(
            f"'concentration' must be a positive finite number, e.g. 0.5 (Jeffreys) or 1 (Laplace) "
            f"(got {concentration!r})"
        )
    return float(concentration)


#: Estimators of a differential entropy from continuous samples (``infokit.continuous``).
CONTINUOUS_ENTROPY_METHODS = ("knn", "vasicek", "ebrahimi", "van_es", "correa")


def _continuous_options(n_neighbors, jitter, method, continuous):
    if not continuous and (n_neighbors != 3 or jitter is not None):
        raise InvalidArgumentError(
            f"'n_neighbors' and 'jitter' apply to the continuous estimators only (got method={method!r})"
        )


def estimate_entropy(
    data,
    method="auto",
    *,
    support_size=None,
    base="nats",
    ci=0.95,
    rng=None,
    dropna=False,
    concentration=None,
    n_neighbors=3,
    jitter=None,
):
    """Estimate the entropy of the distribution a sample was drawn from.

    Parameters
    ----------
    data : array_like or Empirical
        Samples (anything :func:`~infokit.empirical` accepts) or their
        :class:`~infokit.Empirical` (e.g. counts via ``Empirical.from_counts``).
    method : str, optional
        The estimator (references in Notes); default ``"auto"``, which
        chooses from the sample size, observed and declared support, the
        coincidences and the coverage (the rule and the simulation it was
        tuned on: ``benchmarks/bench_estimators.py``, ``benchmarks/RESULTS.md``).
    support_size : int, optional
        Number of possible outcomes K, if known.  Used by ``"shrinkage"``,
        ``"dirichlet"`` and ``"nsb"`` (which otherwise take the observed
        number) and by ``"auto"``.  Defaults to the support declared in an
        ``Empirical`` (``support=`` / ``support_size=``), if any.
    base : {"nats", "bits", "hartleys"} or float, optional
        Unit of the estimate. Default nats.
    ci : float, optional
        Level of the interval. Default 0.95.
    rng : None, int or numpy.random.Generator, optional
        Randomness for bootstrap standard errors (``"chao_shen"``); pass a
        seed for reproducible intervals.
    dropna : bool, optional
        Drop missing samples instead of raising.
    concentration : float, optional
        ``method="dirichlet"`` only: the symmetric Dirichlet prior's
        concentration ``a`` (default 0.5, Jeffreys; 1 is Laplace/Bayes,
        ``1/K`` Perks).
    n_neighbors, jitter : optional
        Continuous methods only (see below): the k of the k-nearest-neighbour
        estimator (default 3), and the scale of the noise that breaks ties
        between repeated points (default None: repeated points are an error;
        jitter needs an explicit ``rng``).

    Returns
    -------
    Estimate
        ``value``, ``stderr``, ``ci`` (clipped to ``[0, log K]`` when K is
        declared), ``method``, ``unit`` and ``diagnostics``.

    Raises
    ------
    InvalidArgumentError
        Unknown ``method`` (the message lists the valid ones), empty data,
        ``support_size`` smaller than the observed outcomes, ``ci`` outside (0, 1).

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
    ================  ============================================  ==================

    **Continuous samples** (differential entropy, which can be negative):
    ``method="knn"`` — Kozachenko & Leonenko (1987), any dimension (``data``
    is ``n`` scalars or an ``n x d`` array); ``"vasicek"``, ``"ebrahimi"``,
    ``"van_es"``, ``"correa"`` — m-spacing estimators of a 1-D sample
    (through :func:`scipy.stats.differential_entropy`).  See
    :mod:`infokit.continuous` for their standard errors and accuracy.

    The delta-method error ``sqrt(Var[log p̂(X)] / n)`` describes sampling
    noise only: when the sample is small compared with the support (coverage
    well below 1) the bias of every estimator can exceed it, and intervals
    undercover.  The coverage simulation in ``benchmarks/RESULTS.md`` says
    where each interval holds its level.

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
    unit = resolve_base(base)
    _check_method(method, ENTROPY_METHODS + CONTINUOUS_ENTROPY_METHODS)
    continuous = method in CONTINUOUS_ENTROPY_METHODS
    _continuous_options(n_neighbors, jitter, method, continuous)
    if continuous:
        if support_size is not None or concentration is not None:
            raise InvalidArgumentError(f"'support_size'/'concentration' do not apply to method={method!r}")
        return _continuous_entropy(data, method, n_neighbors, jitter, unit, _check_level(ci), rng)
    conc = _check_concentration(concentration, method)
    level = _check_level(ci)
    gen = _rng(rng)
    e = _as_empirical(data, "data", dropna)
    prof = _profile(e, support_size)
    res, used, reason = _entropy_nats(prof, method, level, gen, conc)
    diag = _diagnostics(prof)
    diag["stderr_method"] = res.stderr_method
    if reason:
        diag["auto_reason"] = reason
    diag.update(res.info)
    upper = math.log(prof.k) if prof.k_declared else math.inf
    stderr, interval = res.stderr, res.interval
    if method == "auto" and used == "shrinkage":
        stderr, interval = _hedged_shrinkage_interval(prof, res, level, gen, upper)
        diag["stderr_method"] = "max(delta, NSB posterior s.d.); interval: union with NSB's"
    return _make_estimate(res.value, stderr, interval, level, used, unit, diag, upper=upper)


def _hedged_shrinkage_interval(prof: Profile, res, level: float, rng, upper: float):
    """Standard error and interval of ``auto``'s shrinkage choice, widened to NSB's posterior.

    ``auto`` shrinks toward uniform when the counts cannot be told apart from
    uniform; with few samples that test has little power and the delta-method
    interval (sampling noise only) misses the truth whenever the distribution
    is not in fact uniform.  The interval reported is the smallest one that
    holds both the shrinkage interval and NSB's posterior interval, and the
    standard error the larger of the two (``benchmarks/bench_estimators.py``
    measures the coverage of exactly this interval).
    """
    nsb = _kernels()["nsb"](prof, level=level, rng=rng)
    z = stats.norm.ppf(0.5 + level / 2.0)
    lo_s, hi_s = max(res.value - z * res.stderr, 0.0), min(res.value + z * res.stderr, upper)
    lo_n, hi_n = nsb.interval if nsb.interval is not None else (nsb.value - z * nsb.stderr, nsb.value + z * nsb.stderr)
    return max(res.stderr, nsb.stderr), (min(lo_s, lo_n), max(hi_s, hi_n))


def _continuous_entropy(data, method, n_neighbors, jitter, unit, level, rng):

    if isinstance(data, Empirical):
        raise InvalidTypeError(f"method={method!r} needs continuous samples, not an ik.Empirical (counts)")
    if method == "knn":
        res = continuous.knn_entropy(data, n_neighbors=n_neighbors, jitter=jitter, rng=rng)
    else:
        if n_neighbors != 3:
            raise InvalidArgumentError(f"'n_neighbors' applies to method='knn', not {method!r}")
        res = continuous.spacing_entropy(data, method=method.replace("_", " "), jitter=jitter, rng=rng)
    diag = {"stderr_method": res.stderr_method, **res.info}
    return _make_estimate(res.value, res.stderr, res.interval, level, method, unit, diag, lower=-math.inf)


# --------------------------------------------------------------------------
# mutual information
# --------------------------------------------------------------------------
_MI_METHODS = tuple(m for m in ENTROPY_METHODS if m not in ("dirichlet",))


def estimate_mutual_information(
    x, y, method="auto", *, base="nats", ci=0.95, rng=None, dropna=False, n_neighbors=3, jitter=None
):
    """Estimate the mutual information ``I(X; Y)`` of the distribution a paired sample came from.

    Parameters
    ----------
    x, y : array_like
        Paired samples (same length); each may also be a 2-D array or
        DataFrame of several variables.
    method : str, optional
        An entropy estimator of :func:`estimate_entropy` (except
        ``"dirichlet"``), applied to ``H(X) + H(Y) - H(X, Y)``; ``"auto"``
        chooses it once, from the joint table, and uses it for all three.
        The support sizes are the observed ones (``K_XY = K_X K_Y`` for the
        Bayesian estimators).
        ``"ksg"``: Kraskov, Stögbauer & Grassberger (2004) estimator 1 for
        **continuous** samples (``n`` scalars or ``n x d`` arrays), with
        ``n_neighbors`` (default 3) and optional ``jitter`` (needs ``rng``)
        for repeated values; see :mod:`infokit.continuous`.
    base, ci, rng, dropna
        As in :func:`estimate_entropy`.
    n_neighbors, jitter
        ``method="ksg"`` only.

    Returns
    -------
    Estimate
        The value may be slightly negative (bias correction of a quantity near
        0); the interval is clipped at 0.

    Notes
    -----
    Standard error: the delta method, ``Var[log p̂(x,y)/(p̂(x)p̂(y))] / n``,
    combined with the spread ``sqrt(2 df)/(2n)``, ``df = (K_X - 1)(K_Y - 1)``,
    of the plug-in under independence (where the delta method gives 0 and
    ``2n I`` follows a chi-squared law with ``df`` degrees of freedom).

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
    unit = resolve_base(base)
    _check_method(method, _MI_METHODS + ("ksg",))
    _continuous_options(n_neighbors, jitter, method, method == "ksg")
    level = _check_level(ci)
    if method == "ksg":

        res = continuous.ksg_mi(x, y, n_neighbors=n_neighbors, jitter=jitter, rng=rng)
        diag = {"stderr_method": res.stderr_method, **res.info}
        return _make_estimate(res.value, res.stderr, res.interval, level, "ksg", unit, diag)
    gen = _rng(rng)
    cells, counts, (xs, ys) = _resolve_columns([x, y], dropna)

    inv_x, nx = _group_counts(cells[:, np.array(xs)], counts)
    inv_y, ny = _group_counts(cells[:, np.array(ys)], counts)
    kx, ky = nx.size, ny.size
    pxy = Profile.from_counts(counts, kx * ky)
    reason = None
    if method == "auto":
        method, reason = _choose(pxy)
    px = Profile.from_counts(nx, kx)
    py = Profile.from_counts(ny, ky)
    hx, _, _ = _entropy_nats(px, method, level, gen)
    hy, _, _ = _entropy_nats(py, method, level, gen)
    hxy, _, _ = _entropy_nats(pxy, method, level, gen)
    value = hx.value + hy.value - hxy.value
    plug = _cmi_cells(cells, counts, xs, ys, [])
    n = int(counts.sum())
    # delta method: variance of log(p(x,y)/(p(x)p(y))) under P̂
    with np.errstate(divide="ignore"):
        pmi = np.log(counts * float(n) / (nx[inv_x].astype(float) * ny[inv_y]))
    w = counts / n
    var = float(np.sum(w * (pmi - plug) ** 2))
    df = (kx - 1) * (ky - 1)
    stderr = math.sqrt(max(var, 0.0) / n + 2.0 * df / (2.0 * n) ** 2)
    diag = {
        "n": n,
        "k_x": kx,
        "k_y": ky,
        "cells_observed": int(counts.size),
        "plugin": plug,
        "stderr_method": "delta+chi2",
    }
    if reason:
        diag["auto_reason"] = reason
    return _make_estimate(value, stderr, None, level, method, unit, diag)


# --------------------------------------------------------------------------
# KL divergence and cross-entropy from samples
# --------------------------------------------------------------------------
from infokit._lib.checks import check_pseudo_count as _check_smoothing  # noqa: E402


class _Target:
    """The second argument of estimate_kl / estimate_cross_entropy, aligned with the sample of P."""

    def __init__(self, p: Empirical, q, smoothing):

        self.sampled = isinstance(q, Empirical)
        if self.sampled:
            self.a = _check_smoothing(smoothing)

            outcomes, (cp, cq) = _union([p, q])
            k = max(outcomes.size, p.support_size if p.support_declared else 0,
                    q.support_size if q.support_declared else 0)
            self.outcomes, self.cp, self.cq, self.k = outcomes, cp, cq, k
            self.m = q.n
            a = self.a or 0.0
            self.log_q = np.log(cq + a) - math.log(q.n + a * k) if a else _log_or_ninf(cq / q.n)
            self.q_probs = (cq + a) / (q.n + a * k)
            self.unseen_mass_q = (k - outcomes.size) * a / (q.n + a * k) if a else 0.0
        else:
            if smoothing is not None:
                raise InvalidArgumentError(
                    "'smoothing' applies to a sampled 'q' (an ik.Empirical); a known distribution is used as given"
                )

            if isinstance(q, Categorical):
                (_, pp), (_, qq) = align([("p", p), ("q", q)])

                log_q = np.asarray(log_softmax(np, np.asarray(q._z, dtype=np.float64)))
                if log_q.ndim != 1:
                    raise InvalidArgumentError("'q' must be a single distribution (1-D), not a batch")
            else:
                if not isinstance(q, dict):
                    qa = np.asarray(q, dtype=np.float64) if not hasattr(q, "detach") else q.detach().cpu().numpy()
                    if qa.ndim != 1:
                        raise InvalidArgumentError(f"'q' must be a 1-D distribution, got shape {qa.shape}")
                    q = qa
                (_, pp), (_, qq) = align([("p", p), ("q", q)])

                qq = check_probs(np, np.asarray(qq, dtype=np.float64), "q")
                log_q = _log_or_ninf(qq)
            pp = np.asarray(pp)
            self.cp = np.rint(pp * p.n).astype(np.int64)
            self.cq = None
            self.log_q = log_q
            self.q_probs = np.exp(log_q)
            self.k = pp.size
            self.m = None
            self.a = None
            self.unseen_mass_q = 0.0


def _log_or_ninf(x):
    with np.errstate(divide="ignore"):
        return np.log(x)


def _two_sample_terms(t: _Target, n: int):
    """Plug-in cross-entropy and KL (nats) of P̂ against Q̂ (or Q), with what their errors need."""

    seen = t.cp > 0
    if np.any(np.isneginf(t.log_q[seen])):
        return None
    p_hat = t.cp / n
    q = t.q_probs
    if t.unseen_mass_q > 0:  # pseudo-counts on declared but unnamed outcomes
        p_hat = np.append(p_hat, 0.0)
        q = np.append(q, t.unseen_mass_q)
    ce = float(cross_entropy(p_hat, q, normalize=True))
    kl = float(kl_divergence(p_hat, q, normalize=True))
    return ce, kl


def _unseen_warning(t: _Target, what: str):
    seen = t.cp > 0
    bad = int(np.count_nonzero(seen & np.isneginf(t.log_q)))
    src = "the sample of Q" if t.sampled else "Q (probability 0)"
    warnings.warn(
        f"{bad} outcome(s) of the sample of P never occur in {src}: the {what} estimate is +inf. "
        + ("Pass smoothing='jeffreys' (or 'laplace', or a pseudo-count) for a finite estimate." if t.sampled else ""),
        UnseenOutcomeWarning,
        stacklevel=3,
    )
    return bad


_KL_METHODS = ("auto", "plugin", "miller_madow") + tuple(m for m in ENTROPY_METHODS if m not in ("auto", "plugin", "miller_madow"))


def estimate_kl(
    samples_p=None,
    q=None,
    method="auto",
    *,
    smoothing=None,
    n=None,
    log_p=None,
    log_q=None,
    estimator="k3",
    mask=None,
    n_neighbors=3,
    jitter=None,
    base="nats",
    ci=0.95,
    rng=None,
    dropna=False,
):
    """Estimate the KL divergence ``D(P||Q)`` from samples or by Monte Carlo.

    The call shape says what is known:

    * ``estimate_kl(samples_p, q)`` — a sample of P (discrete outcomes)
      against a known Q (array, dict or Categorical) or against a **sample** of
      Q wrapped in ``ik.empirical(samples_q)`` (the type says which);
    * ``estimate_kl(x, y, method="knn")`` — continuous samples ``x ~ P`` and
      ``y ~ Q`` (Wang, Kulkarni & Verdú 2009);
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

    Returns
    -------
    Estimate
        ``diagnostics`` reports what the estimate rests on (for samples: ``n``,
        ``m`` (Q's sample size), the support, the smoothing and
        ``unseen_in_q``).  A bias-corrected value can fall slightly below 0.
        With ``log_p``/``log_q`` from torch or JAX, ``value`` is a 0-d array of
        that library with autograd intact (``stderr`` and ``ci`` are floats).

    Notes
    -----
    Direction: ``D(P||Q) = E_P[log p(X) - log q(X)]``, expectations under the
    **first** argument.  For the log-ratio estimators the samples must come
    from P: with ``x ~ P = N(0, 1)`` and ``Q = N(0.5, 1)``, ``log_p =
    norm.logpdf(x)``, ``log_q = norm.logpdf(x, 0.5)`` estimate ``D(P||Q) =
    0.125``; swapping ``log_p`` and ``log_q`` estimates neither divergence
    (the samples would have to come from Q).

    A known Q with ``q(x) = 0`` at an observed ``x`` gives ``+inf``: the
    divergence is infinite for certain.  Standard errors: delta method,
    ``Var_P̂[log(p̂/q)]/n`` (plus ``Var_Q̂[p̂/q̂]/m`` for a sample of Q); the
    sample standard deviation over ``sqrt(n)`` for Monte Carlo and log-ratio
    estimates.

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
    level = _check_level(ci)
    if log_p is not None or log_q is not None:
        if samples_p is not None or q is not None:
            raise InvalidArgumentError(
                "pass either samples (samples_p, q) or log-densities (log_p=..., log_q=...), not both"
            )
        if log_p is None or log_q is None:
            raise InvalidArgumentError("'log_p' and 'log_q' must both be given (log-densities at samples from P)")
        return _log_ratio_estimate(log_p, log_q, estimator, mask, resolve_base(base), level)
    if estimator != "k3" or mask is not None:
        raise InvalidArgumentError("'estimator' and 'mask' apply to log_p=/log_q= estimates only")
    if samples_p is None or q is None:
        raise InvalidArgumentError("estimate_kl needs samples_p and q (or log_p= and log_q=)")

    if is_distribution(samples_p) or is_distribution(q):
        if not (is_distribution(samples_p) and is_distribution(q)):
            raise InvalidTypeError(
                "Monte Carlo KL needs two distributions (scipy.stats frozen or torch); to compare samples "
                "with a distribution, pass its probabilities (discrete) or score the samples with "
                "ik.cross_entropy(samples, model)"
            )
        return mc_kl_estimate(samples_p, q, n=100_000 if n is None else n, rng=rng, ci=level, base=base)
    if n is not None:
        raise InvalidArgumentError("'n' (Monte Carlo draws) applies to two distributions P and Q only")
    _continuous_options(n_neighbors, jitter, method, method == "knn")
    if method == "knn":
        if smoothing is not None:
            raise InvalidArgumentError("'smoothing' does not apply to method='knn'")

        res = continuous.knn_kl(samples_p, q, n_neighbors=n_neighbors, jitter=jitter, rng=rng)
        diag = {"stderr_method": res.stderr_method, **res.info}
        return _make_estimate(res.value, res.stderr, res.interval, level, "knn", resolve_base(base), diag,
                              lower=-math.inf)
    return _estimate_divergence(samples_p, q, method, smoothing, base, level, rng, dropna, "kl")


def _log_ratio_estimate(log_p, log_q, estimator, mask, unit, level):
    import dataclasses

    import array_api_compat

    r = _logratio.estimate(log_p, log_q, estimator=estimator, mask=mask)
    diag = {"n": r.n, "stderr_method": "sample standard deviation / sqrt(n)", "direction": "D(P||Q), samples from P"}
    est = _make_estimate(r.value, r.stderr, None, level, estimator, unit, diag, lower=-math.inf)
    mean = r.mean
    if array_api_compat.is_array_api_obj(mean) and not isinstance(mean, (float, np.generic)):
        xp = array_api_compat.array_namespace(mean)
        if not is_numpy(xp):  # keep the caller's differentiable scalar
            est = dataclasses.replace(est, value=unit.convert(mean))
    return est


def estimate_cross_entropy(samples_p, q, method="auto", *, smoothing=None, base="nats", ci=0.95, rng=None,
                           dropna=False):
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

    Examples
    --------
    >>> import numpy as np, infokit as ik
    >>> rng = np.random.default_rng(1)
    >>> x = rng.choice(2, size=10000, p=[0.9, 0.1])
    >>> est = ik.estimate_cross_entropy(x, [0.5, 0.5], base="bits")
    >>> est.value, est.stderr   # every sample costs exactly 1 bit under a fair coin
    (1.0, 0.0)
    """
    return _estimate_divergence(samples_p, q, method, smoothing, base, _check_level(ci), rng, dropna,
                                "cross_entropy")


def _estimate_divergence(samples_p, q, method, smoothing, base, level, rng, dropna, what):
    unit = resolve_base(base)
    gen = _rng(rng)
    p = _as_empirical(samples_p, "samples_p", dropna)
    sampled = isinstance(q, Empirical)
    valid = ("auto", "plugin", "miller_madow") if sampled or what == "cross_entropy" else _KL_METHODS
    _check_method(method, valid)
    t = _Target(p, q, smoothing)
    n = p.n
    seen = t.cp > 0
    diag = {"n": n, "k": t.k, "k_observed": int(np.count_nonzero(seen))}
    if sampled:
        diag.update(m=t.m, smoothing=t.a, unseen_in_q=int(np.count_nonzero(seen & (t.cq == 0))))
    label = "KL divergence" if what == "kl" else "cross-entropy"
    if np.any(np.isneginf(t.log_q[seen])):
        diag["unseen_in_q"] = _unseen_warning(t, label)
        diag["stderr_method"] = "none (infinite)"
        return _make_estimate(math.inf, math.inf, (math.inf, math.inf), level,
                              "plugin" if method == "auto" else method, unit, diag)
    w = t.cp[seen] / n
    lq = t.log_q[seen]
    if not sampled:
        # known Q: H(P, Q) = E_P[-log q(X)], estimated without bias by the mean surprisal
        ce = float(-np.sum(w * lq))
        var_ce = float(np.sum(w * (lq + ce) ** 2))
        if what == "cross_entropy":
            diag["stderr_method"] = "sample variance"
            return _make_estimate(ce, math.sqrt(var_ce / n), None, level, "mean_surprisal", unit, diag)
        prof = Profile.from_counts(t.cp, t.k)
        h, used, reason = _entropy_nats(prof, method, level, gen)
        value = ce - h.value
        log_ratio = np.log(w) - lq
        plug = float(np.sum(w * log_ratio))
        var = float(np.sum(w * (log_ratio - plug) ** 2))
        diag.update(stderr_method="delta", entropy_estimate=h.value, cross_entropy_estimate=ce)
        if reason:
            diag["auto_reason"] = reason
        return _make_estimate(value, math.sqrt(var / n), None, level, used, unit, diag, lower=-math.inf)
    # sample of Q
    ce_plug, kl_plug = _two_sample_terms(t, n)
    m = t.m + (t.a or 0.0) * t.k
    qh = t.q_probs[seen]
    bias_q = float(np.sum(w * (1.0 - qh) / (2.0 * m * qh)))
    used = "miller_madow" if method == "auto" else method
    log_ratio = np.log(w) - lq
    var_p = float(np.sum(w * (log_ratio - kl_plug) ** 2)) / n
    ratio = t.cp / n / t.q_probs
    var_q = float(np.sum(t.q_probs * (ratio - 1.0) ** 2)) / t.m
    if what == "kl":
        value = kl_plug
        if used == "miller_madow":
            value = kl_plug - (diag["k_observed"] - 1) / (2.0 * n) - bias_q
        stderr = math.sqrt(var_p + var_q)
        lower = -math.inf
    else:
        value = ce_plug - (bias_q if used == "miller_madow" else 0.0)
        var_ce = float(np.sum(w * (lq + ce_plug) ** 2)) / n
        stderr = math.sqrt(var_ce + var_q)
        lower = 0.0
    diag["stderr_method"] = "delta"
    return _make_estimate(value, stderr, None, level, used, unit, diag, lower=lower)


# --------------------------------------------------------------------------
# G-test
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class GTestResult:
    """Result of :func:`g_test`.

    Attributes
    ----------
    statistic : float
        ``G = 2 n D(P̂||Q)`` (D in nats), divided by Williams' factor when
        ``williams=True``.
    pvalue : float
        ``P(chi2_dof >= statistic)``.
    dof : int
        Degrees of freedom ``K - 1 - ddof``.
    divergence : float
        ``D(P̂||Q)`` in nats.
    williams : float
        Williams' correction factor ``1 + (K + 1)/(6 n)`` (1.0 when not applied).
    n : int
        Sample size.
    """

    statistic: float
    pvalue: float
    dof: int
    divergence: float
    williams: float
    n: int

    def __iter__(self):  # statistic, pvalue = ik.g_test(...)
        return iter((self.statistic, self.pvalue))


def g_test(samples_or_empirical, q, *, williams=True, ddof=0, dropna=False) -> GTestResult:
    """G-test (likelihood-ratio test) that a sample was drawn from the distribution ``q``.

    Parameters
    ----------
    samples_or_empirical : array_like or Empirical
        The observed sample.
    q : array_like or dict
        The hypothesised distribution, aligned as in :class:`~infokit.Empirical`
        (an array indexed by integer outcome, or a dict).  Its length K is the
        number of categories.
    williams : bool, optional
        Divide G by Williams' (1976) factor ``1 + (K + 1)/(6n)``, which brings
        its law closer to chi-squared for small samples. Default True.
    ddof : int, optional
        Degrees of freedom used up by parameters fitted to the data.

    Returns
    -------
    GTestResult
        ``statistic``, ``pvalue``, ``dof``, ``divergence`` (nats), ``williams``, ``n``.

    Notes
    -----
    ``G = 2 sum n_x log(n_x/(n q_x)) = 2 n D(P̂||Q)``, computed from the
    exact KL divergence; with ``williams=False`` it is
    ``scipy.stats.power_divergence(..., lambda_="log-likelihood")``.

    Examples
    --------
    >>> import infokit as ik
    >>> res = ik.g_test(ik.Empirical.from_counts([30, 14, 16]), [0.5, 0.25, 0.25], williams=False)
    >>> round(res.statistic, 6), res.dof, round(res.pvalue, 4)
    (0.133432, 2, 0.9355)
    """

    if not isinstance(williams, bool):
        raise InvalidTypeError(f"'williams' must be True or False (got {williams!r})")
    if isinstance(ddof, bool) or not isinstance(ddof, numbers.Integral) or ddof < 0:
        raise InvalidArgumentError(f"'ddof' must be a non-negative int (got {ddof!r})")
    e = _as_empirical(samples_or_empirical, "samples_or_empirical", dropna)
    if isinstance(q, Empirical):
        raise InvalidTypeError("'q' must be a known distribution (array or dict), not an ik.Empirical")

    (_, pp), (_, qq) = align([("p", e), ("q", q if isinstance(q, dict) else np.asarray(q, dtype=np.float64))])
    k = np.asarray(qq).size
    dof = k - 1 - int(ddof)
    if dof < 1:
        raise InvalidArgumentError(f"the test has {dof} degrees of freedom (K={k}, ddof={ddof}); it needs at least 1")
    d = float(kl_divergence(pp, qq))
    g = 2.0 * e.n * d
    factor = 1.0 + (k + 1.0) / (6.0 * e.n) if williams else 1.0
    g /= factor
    pvalue = float(special.chdtrc(dof, g)) if math.isfinite(g) else 0.0
    return GTestResult(statistic=g, pvalue=pvalue, dof=dof, divergence=d, williams=factor, n=e.n)


def mc_kl_estimate(P, Q, *, n=100_000, rng=None, ci=0.95, base="nats"):
    """:func:`mc_kl` as an :class:`~infokit.Estimate` (value, stderr, normal interval at level ``ci``, unit).

    Examples
    --------
    >>> from scipy import stats
    >>> from infokit.parametric import mc_kl_estimate
    >>> est = mc_kl_estimate(stats.norm(0, 1), stats.norm(1, 1), n=100_000, rng=1, base="bits")
    >>> est.method, est.unit, est.ci[0] < est.value < est.ci[1]
    ('monte_carlo', 'bits', True)
    """
    unit = resolve_base(base)
    level = _check_level(ci)
    mean, stderr = _parametric.mc_kl(P, Q, n=n, rng=rng)
    if np.ndim(mean) != 0:
        raise InvalidArgumentError(
            "a Monte Carlo Estimate needs one distribution per argument; got batched distributions "
            "(use infokit.parametric.mc_kl for per-batch means and standard errors)"
        )
    diagnostics = {
        "n": _parametric._check_n(n),
        "p": describe(P),
        "q": describe(Q),
        "stderr_method": "sample standard deviation of log p(X) - log q(X), X ~ P, over sqrt(n)",
    }
    return _make_estimate(mean, stderr, None, level, "monte_carlo", unit, diagnostics, lower=-math.inf)
