"""Frequentist estimators of the Shannon entropy of a discrete distribution.

Each kernel estimates ``H = -sum_x p_x log p_x`` (nats) from a sample of size
``n`` summarised by its :class:`~infokit._estimators.result.Profile`, and has the
signature shared by all estimator kernels::

    kernel(prof, *, level, rng) -> KernelResult

Kernels never validate (the public wrapper has checked ``n >= 1`` and
``k >= k_obs``).  They work on the fingerprint (distinct counts ``values``
with multiplicities ``mult``), so they cost O(distinct counts), except the
plug-in value, which goes through the exact kernel :func:`infokit.exact.entropy`
on the positive counts (O(k_obs)), and the Chao–Shen bootstrap.

Numerics
--------
The bias-corrected estimators are all written as *plug-in + correction*:

* Miller–Madow: ``(k_obs - 1) / (2n)``;
* jackknife: ``w(n) - sum_x p_x w(n_x)`` with ``w(c) = -(c-1) log(1 - 1/c)``;
* Zhang: ``sum_x p_x L(n_x) - L(n)`` with ``L(x) = log x - psi(x)``;
* Grassberger: ``sum_x p_x [L(n_x) - (-1)^n_x (psi((n_x+1)/2) - psi(n_x/2)) / 2]``;

so the plug-in value is computed once, by the exact kernel, and each
correction is a small quantity computed without subtracting nearly equal
large numbers (``L`` by its asymptotic series for large arguments).  This
keeps the estimates accurate for ``n`` up to 1e9 and more.

Standard errors are the delta-method (asymptotic) one of the plug-in
estimator, ``sqrt(Var_p[log p] / n)``, with the second-order term
``(k_obs - 1) / (2 n^2)`` (:func:`~infokit._estimators.result.chi2_variance`)
added to the variance (:func:`_delta_stderr`; without it the error is 0 on
exactly balanced counts, where the estimate is still random), except the
jackknife (its own jackknife standard error, with the same second-order term)
and Chao–Shen (bootstrap, as in the paper).  The public functions finish the
interval (:func:`~infokit._estimators.result.finish_interval`): the normal
interval around the point, clipped to ``[0, log K]`` (``[0, inf)`` without a
declared K).
"""

from __future__ import annotations

import functools
import math
from typing import Any

import numpy as np
from scipy.special import digamma, xlogy

from infokit._estimators.result import KernelResult, Profile, chi2_variance
from infokit._core.measures import entropy as _exact_entropy

__all__ = [
    "plugin",
    "miller_madow",
    "jackknife",
    "grassberger",
    "zhang",
    "chao_shen",
    "shrinkage",
    "bonachela",
]  # (shrinkage_mi, the shrinkage estimate of a mutual information, is not an entropy kernel)

# Chao–Shen bootstrap: replicates, and the largest number of (replicate,
# outcome) cells drawn in total (above it the delta method is used) and at once.
_BOOT_REPLICATES = 200
_BOOT_MAX_CELLS = 20_000_000
_BOOT_CHUNK_CELLS = 2_000_000

# log x - psi(x) by its asymptotic series for x >= _SERIES_MIN:
#   1/(2x) + sum_k B_2k / (2k x^2k), k = 1..8
# (next term < 1e-15 relative at x = 10).
_SERIES_MIN = 10.0
_SERIES = (
    1.0 / 12.0,
    -1.0 / 120.0,
    1.0 / 252.0,
    -1.0 / 240.0,
    1.0 / 132.0,
    -691.0 / 32760.0,
    1.0 / 12.0,
    -3617.0 / 8160.0,
)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _log_minus_digamma(x) -> np.ndarray:
    """``L(x) = log x - psi(x)`` (positive, ~ 1/(2x)) without cancellation for large ``x``."""
    x = np.asarray(x, dtype=np.float64)
    small = x < _SERIES_MIN
    xs = np.where(small, x, 1.0)  # direct formula, used where x is small
    xl = np.where(small, _SERIES_MIN, x)  # series, used where x is large
    y = 1.0 / (xl * xl)
    acc = np.zeros_like(y)
    for coef in reversed(_SERIES):
        acc = coef + y * acc
    series = 0.5 / xl + y * acc
    return np.where(small, np.log(xs) - digamma(xs), series)


def _half_digamma_step(x) -> np.ndarray:
    """``psi(x + 1/2) - psi(x)`` (~ 1/(2x)), accurate for large ``x`` too."""
    x = np.asarray(x, dtype=np.float64)
    small = x < _SERIES_MIN
    xs = np.where(small, x, 1.0)
    xl = np.where(small, _SERIES_MIN, x)
    large = _log_minus_digamma(xl) - _log_minus_digamma(xl + 0.5) + np.log1p(0.5 / xl)
    return np.where(small, digamma(xs + 0.5) - digamma(xs), large)


def _jackknife_w(c) -> np.ndarray:
    """``w(c) = c log c - (c-1) log(c-1) - log c = -(c-1) log(1 - 1/c)``; ``w(1) = 0``, increasing to 1."""
    c = np.asarray(c, dtype=np.float64)
    cs = np.where(c > 1.0, c, 2.0)
    return np.where(c > 1.0, -(cs - 1.0) * np.log1p(-1.0 / cs), 0.0)


def leave_one_out_term(c) -> np.ndarray:
    """``u(c) = c log c - (c-1) log(c-1) = log c + w(c)``: with one sample of an outcome seen ``c`` times left
    out, a plug-in entropy of ``n`` samples becomes ``log(n-1) - (sum_x n_x log n_x - u(c)) / (n-1)``
    (the terms of the delete-one jackknife).

    Integer counts below :data:`_LOO_TABLE` are looked up (the MI's standard
    error takes three per cell of a table that may hold 1e8 of them); the
    rest, and float counts, are computed.
    """
    c = np.asarray(c)
    if c.dtype.kind not in "iu":
        return _leave_one_out_formula(c)
    out = _leave_one_out_table().take(np.minimum(c, _LOO_TABLE - 1))
    big = c >= _LOO_TABLE
    if big.any():
        out[big] = _leave_one_out_formula(c[big])
    return out


_LOO_TABLE = 1 << 16


def _leave_one_out_formula(c) -> np.ndarray:
    c = np.asarray(c, dtype=np.float64)
    return np.log(c) + _jackknife_w(c)


@functools.cache
def _leave_one_out_table() -> np.ndarray:
    """:func:`leave_one_out_term` of the counts ``0 .. _LOO_TABLE - 1`` (0 at 0, never looked up: counts are
    positive), read-only."""
    table = np.zeros(_LOO_TABLE)
    table[1:] = _leave_one_out_formula(np.arange(1, _LOO_TABLE))
    table.flags.writeable = False
    return table


class JackknifeSpread:
    """The delete-one jackknife variance of a plug-in quantity whose left-out values are ``const + t / (n - 1)``,
    ``t`` a term of the left-out sample's outcome (or cell), accumulated chunk by chunk.

    ``add(weights, t)`` takes the outcomes' counts (the samples with that
    term) and their terms; :attr:`variance` is ``(n-1)/n sum_i (v_(-i) -
    mean)^2 = sum_x n_x (t_x - t_bar)^2 / (n (n-1))``.  Chunks are combined
    by their means and sums of squares about them (Chan, Golub & LeVeque
    1979), so a long table loses no precision to cancellation.

    >>> import numpy as np
    >>> from infokit._estimators.discrete import JackknifeSpread
    >>> a, b = JackknifeSpread(), JackknifeSpread()
    >>> a.add([3, 1], np.array([0.0, 2.0]))                 # in one piece ...
    >>> b.add([3], np.array([0.0])); b.add([1], np.array([2.0]))   # ... or in two chunks
    >>> bool(np.isclose(a.variance, b.variance)), round(a.variance, 4)   # 3 (0.5)^2 + (1.5)^2 = 3, / (4 * 3)
    (True, 0.25)
    """

    def __init__(self):
        self.n, self.mean, self.m2 = 0.0, 0.0, 0.0

    def add(self, weights, t) -> None:
        w = np.asarray(weights, dtype=np.float64)
        nb = float(w.sum())
        if nb <= 0:
            return
        mb = float(np.dot(w, t)) / nb
        m2b = float(np.dot(w, (t - mb) ** 2))
        total = self.n + nb
        delta = mb - self.mean
        self.m2 += m2b + delta * delta * self.n * nb / total
        self.mean += delta * nb / total
        self.n = total

    @property
    def variance(self) -> float:
        return self.m2 / (self.n * (self.n - 1.0)) if self.n > 1 else 0.0


def _plugin_value(prof: Profile) -> float:
    """The maximum-likelihood entropy ``H(n_x / n)``, by the exact kernel."""
    if prof.k_obs == 1:
        return 0.0
    if prof.counts is None:  # fingerprint only: sum_v mult_v (v/n) log(n/v), non-negative terms, fsum
        return fingerprint_entropy(prof.values, prof.mult)
    return float(_exact_entropy(prof.counts.astype(np.float64), normalize=True))


def fingerprint_entropy(values, mult) -> float:
    """The plug-in entropy (nats) of counts given by their fingerprint: ``mult[i]`` outcomes seen ``values[i]`` times.

    ``sum_i mult_i (v_i / n) log(n / v_i)``: non-negative terms, summed with
    ``math.fsum`` (no cancellation, whatever the number of outcomes).
    """
    v = np.asarray(values, dtype=np.float64)
    m = np.asarray(mult, dtype=np.float64)
    if v.size == 0:
        return 0.0
    n = float(np.dot(np.asarray(values, np.int64), np.asarray(mult, np.int64)))
    return math.fsum((m * (v / n) * np.log(n / v)).tolist())


def _delta_stderr(prof: Profile, h_plugin: float) -> float:
    """Delta-method standard error of the plug-in, with its second-order term.

    ``sqrt(sum_x p_x (log p_x + H)^2 / n + (k_obs - 1) / (2 n^2))``: the first
    term is ``Var_p[log p] / n`` written as a sum of non-negative terms (no
    cancellation), ``p = n_x / n``, ``H`` the plug-in estimate; it is 0 when
    all observed counts are equal, where the second,
    :func:`~infokit._estimators.result.chi2_variance` with ``k_obs - 1``
    degrees of freedom, is the spread of the plug-in.  0 only with a single
    observed outcome.
    """
    n = prof.n
    var = 0.0
    if prof.values.size > 1:
        p = prof.values / n
        var = max(float(np.sum(prof.mult * p * (np.log(p) + h_plugin) ** 2)), 0.0) / n
    return float(np.sqrt(var + chi2_variance(prof.k_obs - 1, n)))


def _chao_shen_terms(pa: np.ndarray, n: int) -> np.ndarray:
    """``-pa log pa / (1 - (1 - pa)^n)`` elementwise (0 where ``pa == 0``)."""
    with np.errstate(divide="ignore"):  # log1p(-1) = -inf when pa == 1: then la = 1
        la = -np.expm1(n * np.log1p(-pa))
    seen = pa > 0
    return np.where(seen, -xlogy(pa, pa) / np.where(seen, la, 1.0), 0.0)


def _coverage(f1, n: int):
    """Chao–Shen coverage ``1 - f1/n``, with ``f1 = n - 1`` when every sample is a singleton."""
    f1 = np.where(f1 == n, n - 1, f1)
    return 1.0 - f1 / n


# --------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------
def plugin(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Plug-in (maximum-likelihood) estimator ``H(p_hat)``, ``p_hat_x = n_x / n``.

    Biased downwards by about ``(K - 1) / (2n)``.  Computed by the exact kernel
    :func:`infokit.exact.entropy`.  Reference: C. E. Shannon, Bell System
    Technical Journal 27 (1948); bias: G. A. Miller (1955), L. Paninski,
    Neural Computation 15 (2003).
    """
    h = _plugin_value(prof)
    return KernelResult(h, _delta_stderr(prof, h), "delta+chi2")


def miller_madow(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Miller–Madow estimator ``H(p_hat) + (k_obs - 1) / (2n)``.

    Reference: G. A. Miller, "Note on the bias of information estimates",
    Information Theory in Psychology II-B (1955) 95–100.
    """
    h = _plugin_value(prof)
    corr = (prof.k_obs - 1) / (2.0 * prof.n)
    return KernelResult(h + corr, _delta_stderr(prof, h), "delta+chi2", info={"correction": corr})


def jackknife(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Delete-one jackknife ``H_J = n H - (n-1)/n sum_i H_(-i)``.

    ``H_(-i)`` is the plug-in estimate without sample ``i``; it depends only on
    the count ``c`` of that sample's outcome, and the sum reduces exactly to
    ``H_J = H + w(n) - sum_x p_x w(n_x)``, ``w(c) = -(c-1) log(1 - 1/c)``
    (``w`` increases, so ``H_J >= H``).  Standard error: the jackknife one,
    ``sqrt((n-1)/n sum_i (H_(-i) - mean)^2) = sqrt(sum_x n_x (u_x - u_bar)^2 / (n(n-1)))``
    with ``u_x = log n_x + w(n_x)`` (0 when ``n = 1``: nothing to delete),
    with the second-order variance ``(k_obs - 1) / (2 n^2)`` added (the
    jackknife variance is 0 on exactly balanced counts).
    References: S. Zahl, Ecology 58 (1977) 907–913; B. Efron & C. Stein,
    Annals of Statistics 9 (1981) 586–596.
    """
    h = _plugin_value(prof)
    n = prof.n
    p = prof.values / n
    wv = _jackknife_w(prof.values)
    corr = float(_jackknife_w(n) - np.sum(prof.mult * p * wv))
    spread = JackknifeSpread()
    if prof.values.size > 1:
        spread.add(prof.mult * prof.values, leave_one_out_term(prof.values))
    se = float(np.sqrt(spread.variance + chi2_variance(prof.k_obs - 1, n)))
    return KernelResult(h + corr, se, "jackknife+chi2", info={"correction": corr})


def grassberger(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Grassberger (2003) estimator ``log n - (1/n) sum_x n_x G(n_x)``.

    ``G(m) = psi(m) + (-1)^m (psi((m+1)/2) - psi(m/2)) / 2`` (eq. 35).  Not
    always non-negative: a single outcome seen an even number ``m`` of times
    gives ``log m - G(m) < 0`` (-0.0365 at ``m = 2``).  Computed as
    ``H(p_hat) + sum_x p_x [L(n_x) - (-1)^n_x (psi((n_x+1)/2) - psi(n_x/2)) / 2]``,
    ``L = log - psi``.  Reference: P. Grassberger, "Entropy estimates from
    insufficient samplings", arXiv:physics/0307138 (2003).
    """
    h = _plugin_value(prof)
    v = prof.values.astype(np.float64)
    sign = np.where(prof.values % 2 == 0, 1.0, -1.0)
    d = _log_minus_digamma(v) - 0.5 * sign * _half_digamma_step(0.5 * v)
    corr = float(np.sum(prof.mult * (v / prof.n) * d))
    return KernelResult(h + corr, _delta_stderr(prof, h), "delta+chi2", info={"correction": corr})


def zhang(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Zhang (2012) estimator in Turing's perspective.

    ``H_z = sum_{v=1}^{n-1} 1/v sum_x p_x prod_{j=0}^{v-1} (1 - (n_x - 1)/(n - 1 - j))``,
    which equals in closed form ``sum_x p_x (psi(n) - psi(n_x))``
    (``= sum_x p_x (H_{n-1} - H_{n_x - 1})``, harmonic numbers): the inner sum
    over ``v`` is ``sum_{v=1}^{n-n_x} C(n-1-v, n_x-1) / (v C(n-1, n_x-1))``.
    Computed as ``H(p_hat) + sum_x p_x L(n_x) - L(n)``, ``L = log - psi``
    (so ``H_z >= H(p_hat)``).  Reference: Z. Zhang, "Entropy estimation in
    Turing's perspective", Neural Computation 24 (2012) 1368–1389.
    """
    h = _plugin_value(prof)
    p = prof.values / prof.n
    corr = float(np.sum(prof.mult * p * _log_minus_digamma(prof.values)) - _log_minus_digamma(prof.n))
    return KernelResult(h + corr, _delta_stderr(prof, h), "delta+chi2", info={"correction": corr})


def _chao_shen_value(prof: Profile) -> tuple[float, float]:
    n = prof.n
    cov = float(_coverage(prof.f(1), n))
    pa = cov * (prof.values / n)
    return float(np.sum(prof.mult * _chao_shen_terms(pa, n))), cov


def chao_shen(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Chao–Shen coverage-adjusted Horvitz–Thompson estimator.

    ``H = -sum_x p_a log p_a / (1 - (1 - p_a)^n)``, ``p_a = C n_x / n``,
    ``C = 1 - f1/n`` (``f1`` singletons; ``f1 = n - 1`` when ``f1 = n``, as in
    the R package entropy).  Standard error: bootstrap, as in the paper:
    ``B = 200`` multinomial resamples of size ``n`` from ``p_hat`` (drawn with
    ``rng``), SE = their standard deviation; when ``B * k_obs`` exceeds 2e7
    (``k_obs > 1e5``) the delta-method SE of the plug-in is used instead
    (``info["stderr_fallback"]``).  The resamples are drawn on the counts in
    increasing order, so a seed gives one SE whatever the outcomes' order.  Reference: A. Chao & T.-J. Shen,
    Environmental and Ecological Statistics 10 (2003) 429–443.
    """
    n = prof.n
    value, cov = _chao_shen_value(prof)
    info: dict[str, Any] = {"coverage": cov}
    if prof.k_obs * _BOOT_REPLICATES > _BOOT_MAX_CELLS:
        info["stderr_fallback"] = "delta (too many outcomes for the bootstrap)"
        return KernelResult(value, _delta_stderr(prof, _plugin_value(prof)), "delta+chi2", info=info)
    # the counts in increasing order: the same seed gives the same standard error whatever the order of
    # the outcomes (and from the fingerprint alone)
    phat = np.repeat(prof.values, prof.mult) / n
    chunk = max(1, _BOOT_CHUNK_CELLS // prof.k_obs)
    reps = []
    done = 0
    while done < _BOOT_REPLICATES:
        b = min(chunk, _BOOT_REPLICATES - done)
        x = rng.multinomial(n, phat, size=b)
        f1 = np.count_nonzero(x == 1, axis=1)
        pa = _coverage(f1, n)[:, None] * (x / n)
        reps.append(_chao_shen_terms(pa, n).sum(axis=1))
        done += b
    boot = np.concatenate(reps)
    info["bootstrap_replicates"] = _BOOT_REPLICATES
    return KernelResult(value, float(np.std(boot, ddof=1)), "bootstrap", info=info)


def shrinkage(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """James–Stein shrinkage estimator ``H(lambda t + (1 - lambda) p_hat)``.

    Target ``t = 1/k`` on all ``k = prof.k`` outcomes (the ``k - k_obs`` unseen
    ones have ``p_hat = 0``), intensity
    ``lambda = (1 - sum p_hat^2) / ((n - 1) sum (t - p_hat)^2)`` clipped to
    ``[0, 1]`` (1 when ``n = 1`` or ``p_hat = t``), ``info["lambda"]``.
    (The mutual information uses :func:`shrinkage_mi`, which shrinks the
    joint table.)  Reference: J. Hausser & K. Strimmer, "Entropy inference and the James–Stein
    estimator", JMLR 10 (2009) 1469–1484, eqs. 5–8.
    """
    n, k = prof.n, prof.k
    t = 1.0 / k
    unseen = k - prof.k_obs
    p = prof.values / n
    mult = prof.mult
    denom = float(np.sum(mult * (t - p) ** 2) + unseen * t * t)
    if n == 1 or denom == 0.0:
        lam = 1.0
    else:
        num = 1.0 - float(np.sum(mult * p * p))
        lam = min(1.0, max(0.0, num / ((n - 1) * denom)))
    q = lam * t + (1.0 - lam) * p
    q0 = lam * t
    value = 0.0 - float(np.sum(mult * xlogy(q, q))) - unseen * float(xlogy(q0, q0))  # 0.0 -: no -0.0
    h = _plugin_value(prof)
    return KernelResult(value, _delta_stderr(prof, h), "delta+chi2", info={"lambda": lam, "target": t})


def bonachela(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Bonachela–Hinrichsen–Muñoz "balanced" estimator.

    ``H = 1/(n+2) sum_x (n_x + 1) sum_{j=n_x+2}^{n+2} 1/j
    = 1/(n+2) sum_x (n_x + 1) (psi(n+3) - psi(n_x+2))``; each term is the
    mean of ``-p log p`` under Beta(n_x + 1, n - n_x + 1).  The sum runs over
    the observed outcomes, as in common implementations, so the estimate does
    not depend on ``k`` (summing over all ``k`` outcomes would add
    ``(psi(n+3) - psi(2)) / (n+2)`` per unseen one).  Reference: J. A. Bonachela, H. Hinrichsen & M. A. Muñoz,
    "Entropy estimates of small data sets", J. Phys. A 41 (2008) 202001.
    """
    n = prof.n
    v = prof.values.astype(np.float64)
    # psi(n+3) - psi(v+2) = log((n+3)/(v+2)) + L(v+2) - L(n+3): two non-negative parts
    d = np.log1p((n + 1.0 - v) / (v + 2.0)) + (_log_minus_digamma(v + 2.0) - _log_minus_digamma(n + 3.0))
    value = float(np.sum(prof.mult * (v + 1.0) * d) / (n + 2.0))
    h = _plugin_value(prof)
    return KernelResult(value, _delta_stderr(prof, h), "delta+chi2")


def shrinkage_mi(counts, inv_x, inv_y, kx: int, ky: int, target: str = "grid") -> tuple[float, float, float, float]:
    """James–Stein shrinkage estimate of the mutual information from a joint table.

    As in Hausser & Strimmer (2009, section 4.1) the *joint* cell frequencies
    are shrunk, ``q = lambda t + (1 - lambda) p_hat`` with the intensity of
    :func:`shrinkage`, and the mutual information is that of ``q`` and its own
    marginals, ``sum q log(q / (q_x q_y))``: never negative and at most
    ``min(H(q_x), H(q_y))``.  The target ``t`` is uniform over all
    ``K_X K_Y`` pairs of the observed values (``target="grid"``, the paper's),
    which is the independent table: with few samples (``lambda`` near 1) the
    estimate is shrunk towards 0 -- 0 for a perfectly dependent pair of 5
    values each seen once (``lambda = 1``), 0.31 nats (log 5 = 1.61) with each
    seen twice, 1.21 with ten each.  ``target="observed"`` (uniform over the
    observed cells only) gives log 5 there but was measured far worse on
    independent and partly dependent pairs (``benchmarks/RESULTS.md``, section
    ``bench_intervals``) and is kept only for that comparison.

    ``counts[c]`` is the count of cell ``c``, the pair ``(inv_x[c], inv_y[c])``.
    Returns ``(mi, H(q_x), H(q_y), lambda)`` in nats.
    """
    counts = np.asarray(counts, dtype=np.float64)
    n = float(counts.sum())
    p = counts / n
    cells = kx * ky if target == "grid" else counts.size
    unseen = cells - counts.size
    t = 1.0 / cells
    denom = float(np.sum((t - p) ** 2)) + unseen * t * t
    if n <= 1 or denom == 0.0:
        lam = 1.0
    else:
        lam = min(1.0, max(0.0, (1.0 - float(np.sum(p * p))) / ((n - 1.0) * denom)))
    q = lam * t + (1.0 - lam) * p  # the observed cells; each unseen one has q0 = lam t
    q0 = lam * t if unseen else 0.0
    qx = np.bincount(inv_x, weights=q, minlength=kx) + q0 * (ky - np.bincount(inv_x, minlength=kx))
    qy = np.bincount(inv_y, weights=q, minlength=ky) + q0 * (kx - np.bincount(inv_y, minlength=ky))
    lqx, lqy = np.log(qx), np.log(qy)
    mi = float(np.sum(q * (np.log(q) - lqx[inv_x] - lqy[inv_y])))
    if q0 > 0.0:  # the unseen cells: the sum over all pairs less the seen ones
        lq0 = math.log(q0)
        mi += q0 * float(kx * ky * lq0 - ky * np.sum(lqx) - kx * np.sum(lqy))
        mi -= q0 * float(np.sum(lq0 - lqx[inv_x] - lqy[inv_y]))
    hx = 0.0 - float(np.sum(xlogy(qx, qx)))
    hy = 0.0 - float(np.sum(xlogy(qy, qy)))
    return max(mi, 0.0), hx, hy, lam
