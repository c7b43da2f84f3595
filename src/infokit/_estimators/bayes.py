"""Bayesian estimators of the Shannon entropy of a discrete distribution from counts.

Kernels (contract of :mod:`infokit._estimators.result`)::

    kernel(profile, *, level, rng) -> KernelResult      # nats

* :func:`dirichlet` -- posterior mean and SD of H under a symmetric
  Dirichlet(a) prior on the ``k`` outcomes (Wolpert & Wolf 1995).
* :func:`nsb` -- Nemenman-Shafee-Bialek: a mixture of Dirichlet(beta) priors
  weighted so that the prior on H is nearly flat (NSB 2002; Nemenman, Bialek &
  de Ruyter van Steveninck 2004).

(The Pitman-Yor mixture of Archer, Park & Pillow 2014 is in
:mod:`infokit._estimators.pym`.)

Everything is computed on the fingerprint of the counts (distinct counts and
their multiplicities, with the ``k - k_obs`` unseen outcomes as one class of
count 0), so a call costs O(distinct counts) whatever ``k`` is.

Numerical notes
---------------
* The posterior variance of H under a Dirichlet is evaluated in a
  cancellation-free form (derived from the closed-form second moment of
  Wolpert & Wolf 1995 / Archer, Park & Pillow 2013)::

      Var = [sum_x w_x (psi(alpha_x+1) - u)^2 + sum_x w_x h(alpha_x)] / (A (A+1)) + c(A)

  with ``w_x = alpha_x``, ``u = sum_x w_x psi(alpha_x+1) / A``,
  ``h(x) = (x+1) psi'(x+2) + 1/(x+1) - 1`` and
  ``c(A) = A/(A+1)^2 - psi'(A+2)``; ``h`` and ``c`` are evaluated by their
  asymptotic series for large arguments (they are differences of O(1) terms
  that are O(1/x) and O(1/x^2)).  ``E[H^2] = Var + E[H]^2`` reproduces the
  published second moment exactly.
* The NSB log-posterior of ``t = log beta`` is written with the log rising
  factorial relative to its large-argument limit,
  ``D(x, n) = ln Gamma(x+n) - ln Gamma(x) - n ln x`` (Stirling for ``x >= 10``),
  so that ``ln p(t | n) = t + ln xi'(beta) + sum_x D(beta, n_x) - D(k beta, n)``
  stays O(n) instead of O(k beta) and does not lose all its digits when
  ``k beta`` is 1e20.
* With 256 or more distinct counts of at least 64 (large samples over large
  alphabets) the sums over those counts are Chebyshev series in beta, fitted
  at 14 nodes (:class:`_LargeCounts`), instead of sums over the classes at
  every node in ``t``; the log-posterior is then kept less the constant
  ``sum m ln Gamma(v)`` of those counts.
* The NSB integrals over ``t`` are trapezoid sums on equally spaced nodes
  (:func:`_nsb_posterior`); the interval's CDF is the same sum, on nodes
  interpolated finer where the Dirichlet mean moves by more than a fraction
  of its SD from node to node (:func:`_mixture_interval`).
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import special

from infokit._estimators.result import Deferred, KernelResult, Profile, z_score

__all__ = [
    "dirichlet",
    "nsb",
    "dirichlet_moments",
]


# --------------------------------------------------------------------------- #
# small special-function helpers                                                #
# --------------------------------------------------------------------------- #

_SERIES_X = 1.0e3  # above this, c and xi' use their asymptotic series


_TRIGAMMA_SERIES_X = 10.0  # psi'(x) by its asymptotic series from here on
# asymptotic series psi'(x) ~ 1/x + 1/(2x^2) + sum_j B_2j / x^(2j+1), as coefficients of r^(2j+1), r = 1/x
_TRIGAMMA_B = (1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6)


def _trigamma(x):
    """``psi'(x)`` for ``x > 0``, elementwise (relative error about 1e-15).

    For ``x >= 10`` the asymptotic series to ``x^-15`` (relative error below
    1e-16); otherwise the recurrence ``psi'(x) = sum_{i<10} 1/(x+i)^2 +
    psi'(x + 10)`` (positive terms, no cancellation) lifts the argument past 10
    first, for the whole array at once.  A few array operations: about 10x
    faster than ``scipy.special.polygamma(1, x)`` on the arrays NSB evaluates.
    """
    return _by_series_above(np.asarray(x, dtype=float), _TRIGAMMA_SERIES_X, _trigamma_series, _lifted_trigamma)


def _lifted_trigamma(x):
    r = 1.0 / (x[..., None] + _SHIFTS)
    return np.einsum("...i,...i->...", r, r) + _trigamma_series(x + _TRIGAMMA_SERIES_X)


_SHIFTS = np.arange(int(_TRIGAMMA_SERIES_X), dtype=float)


def _bernoulli_sum(r):
    """``sum_j B_2j r^2j`` over the Bernoulli numbers of :data:`_TRIGAMMA_B` (Horner in ``r^2``)."""
    r2 = r * r
    series = 0.0
    for b in reversed(_TRIGAMMA_B):
        series = r2 * (b + series)
    return series


def _trigamma_series(x):
    r = 1.0 / x
    return r * (1.0 + r * 0.5 + _bernoulli_sum(r))


def _stirling_tail(z):
    """``ln Gamma(z) - [(z - 1/2) ln z - z + ln(2 pi)/2]`` for ``z >= 10``."""
    r = 1.0 / z
    r2 = r * r
    return r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680 + r2 / 1188))))


def _log_rising(x, n):
    """``D(x, n) = ln Gamma(x + n) - ln Gamma(x) - n ln x`` for ``x > 0, n >= 0``.

    Equals ``sum_{j<n} log1p(j / x)``: 0 for n <= 1, ~ n(n-1)/(2x) for large x.
    Stirling's series for ``x >= 10`` (no cancellation of the large terms),
    ``gammaln`` below; an array on one side of 10 evaluates one branch only.
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    if x.size == 0:
        return np.zeros(np.broadcast_shapes(x.shape, n.shape))
    if x.min() >= 10.0:
        return _stirling_rising(x, n)
    if x.max() < 10.0:
        return special.gammaln(x + n) - special.gammaln(x) - n * np.log(x)
    big = x >= 10.0
    xs = np.where(big, x, 10.0)
    xm = np.where(big, 1.0, x)
    direct = special.gammaln(xm + n) - special.gammaln(xm) - n * np.log(xm)
    return np.where(big, _stirling_rising(xs, n), direct)


def _stirling_rising(x, n):
    """``D(x, n)`` by Stirling's series, ``x >= 10``."""
    return (x + n - 0.5) * np.log1p(n / x) - n + (_stirling_tail(x + n) - _stirling_tail(x))


def _by_series_above(x, threshold, series, direct):
    """``series(x)`` (an asymptotic series) where ``x >= threshold``, ``direct(x)`` below it."""
    x = np.asarray(x, dtype=float)
    big = x >= threshold
    n_big = int(np.count_nonzero(big))
    if n_big == 0:
        return direct(x)
    if n_big == x.size:
        return series(x)
    out = np.empty_like(x)
    out[big] = series(x[big])
    small = ~big
    out[small] = direct(x[small])
    return out


def _h(alpha):
    """``x psi'(x) - 1`` with ``x = alpha + 1`` (``= x psi'(x + 1) + 1/x - 1``; >= 0, ~ 1/(2x)).

    For ``x >= 20`` its asymptotic series ``r/2 + sum_j B_2j r^2j``
    (``r = 1/x``; relative error below 1e-18 there); below, ``psi'(x)`` with
    the argument lifted past 20 by the recurrence (``x psi'(x) ~ 1 + 1/(2x)``
    loses at most 1.6 digits to the subtraction).
    """
    return _by_series_above(np.asarray(alpha, dtype=float) + 1.0, _H_SERIES_X, _h_series, _h_lifted)


_H_SERIES_X = 20.0
_H_SHIFTS = np.arange(_H_SERIES_X)


def _h_series(x):
    r = 1.0 / x
    return r * 0.5 + _bernoulli_sum(r)


def _h_lifted(x):
    r = 1.0 / (x[..., None] + _H_SHIFTS)
    return x * (np.einsum("...i,...i->...", r, r) + _trigamma_series(x + _H_SERIES_X)) - 1.0


def _c(A):
    """``A/(A+1)^2 - psi'(A+2)`` (~ -1/(2 (A+1)^2))."""
    return _by_series_above(np.asarray(A, dtype=float) + 1.0, _SERIES_X, _c_series,
                            lambda x: (x - 1.0) / (x * x) - _trigamma(x + 1.0))


def _c_series(x):
    """:func:`_c` of ``A = x - 1`` by its asymptotic series in ``r = 1/x``."""
    r = 1.0 / x
    return -r * r * (0.5 + r * (1.0 / 6 + r * (-1.0 / 30 * r + r * r * r / 42)))


def _log_dxi(beta, k):
    """``ln d/dbeta [psi(k beta + 1) - psi(beta + 1)]`` (the NSB prior weight), k >= 2."""
    beta = np.asarray(beta, dtype=float)
    k = float(k)
    if beta.size and beta.max() < _SERIES_X:
        return _log_dxi_direct(beta, k)
    big = beta >= _SERIES_X
    bs = np.where(big, beta, _SERIES_X)
    r = 1.0 / bs
    ik = 1.0 / k
    c2 = (1.0 - ik) / 2.0
    c3 = (1.0 - ik**2) / 6.0
    c5 = (1.0 - ik**4) / 30.0
    c7 = (1.0 - ik**6) / 42.0
    bracket = c2 - r * (c3 - r * r * (c5 - r * r * c7))
    ser = -2.0 * np.log(bs) + np.log(bracket)
    if beta.min() >= _SERIES_X:
        return ser
    return np.where(big, ser, _log_dxi_direct(np.where(big, 1.0, beta), k))


def _log_dxi_direct(beta, k):
    """``ln(k psi'(k beta + 1) - psi'(beta + 1))`` for ``beta < _SERIES_X``."""
    # apart: each argument is then most often on one side of the series' threshold (one branch)
    return np.log(k * _trigamma(k * beta + 1.0) - _trigamma(beta + 1.0))


# --------------------------------------------------------------------------- #
# Dirichlet posterior moments on a fingerprint                                 #
# --------------------------------------------------------------------------- #


def _classes(prof: Profile):
    """Count classes ``(values, mult)`` as floats, the unseen outcomes as count 0."""
    values = prof.values.astype(float)
    mult = prof.mult.astype(float)
    unseen = prof.k - prof.k_obs
    if unseen > 0:
        values = np.concatenate(([0.0], values))
        mult = np.concatenate(([float(unseen)], mult))
    return values, mult


def dirichlet_moments(values, mult, a, n=None, k=None):
    """Posterior mean and variance of H under Dirichlet(a) given a fingerprint.

    ``values[c]`` (count, 0 allowed) occurs ``mult[c]`` times; ``a`` is a scalar or
    a 1-D array of concentrations (one result per entry).  Returns
    ``(mean, var)`` as arrays of ``a``'s shape (``var >= 0``).

    Mean: ``psi(A+1) - sum_x (n_x+a)/A psi(n_x+a+1)``, ``A = n + k a``.
    Second moment (Wolpert & Wolf 1995; Archer, Park & Pillow 2013)::

        E[H^2] = sum_{i != j} a_i a_j/(A(A+1)) [(psi(a_i+1)-psi(A+2))(psi(a_j+1)-psi(A+2)) - psi'(A+2)]
               + sum_i a_i(a_i+1)/(A(A+1)) [(psi(a_i+2)-psi(A+2))^2 + psi'(a_i+2) - psi'(A+2)]

    with ``a_i = n_i + a``; its fingerprint form is rearranged (module notes)
    into ``E[H]^2 +`` a sum of non-negative terms.
    """
    values = np.asarray(values, dtype=float)
    mult = np.asarray(mult, dtype=float)
    a_arr = np.atleast_1d(np.asarray(a, dtype=float))
    if n is None:
        n = float(np.dot(values, mult))
    if k is None:
        k = float(mult.sum())
    A = float(n) + float(k) * a_arr  # (B,)
    mean, var = _moments(values, mult, a_arr, A, special.digamma(A + 1.0), _c(A))
    shape = np.shape(a)
    return mean.reshape(shape), var.reshape(shape)


def _moments(values, mult, a, A, psi_A1, c_A, unseen=0.0, psi_a1=None, h_a=None, columns=None, large=None):
    """:func:`dirichlet_moments` from its parts: ``psi(A+1)`` and ``c(A)`` given, ``a`` a 1-D array.

    ``unseen`` more outcomes of count 0 may be left out of ``values`` and
    given by ``psi(a+1)`` and ``h(a)`` (``psi_a1``, ``h_a``): what depends on
    ``a``, ``n`` and ``k`` only can then be computed once for many profiles.
    ``columns``, if given, is ``(psi(alpha + 1), h(alpha))`` at ``alpha =
    values + a`` (``(B, C)`` each), computed before.  ``large``, if given, is
    a :class:`_LargeCounts` holding more classes, left out of ``values``
    (every ``a`` within its reach).
    """
    alpha = values[None, :] + a[:, None]  # (B, C)
    w = mult[None, :] * alpha
    psi1 = special.digamma(alpha + 1.0) if columns is None else columns[0]
    su = (w * psi1).sum(axis=1)
    if large is not None:
        cl, s0, t1, t2, t3 = large.moment_parts(a)
        su += t1 + cl * s0
    if unseen:
        w0 = unseen * a
        su += w0 * psi_a1
    u = su / A
    dev = psi1 - u[:, None]
    s = (w * (dev * dev + (_h(alpha) if columns is None else columns[1]))).sum(axis=1)
    if large is not None:  # sum m alpha ((psi - c) - (u - c))^2 + sum m alpha h
        e = u - cl
        s += t2 - 2.0 * e * t1 + e * e * s0 + t3
    if unseen:
        d0 = psi_a1 - u
        s += w0 * (d0 * d0 + h_a)
    var = s / (A * (A + 1.0)) + c_A
    return psi_A1 - u, np.maximum(var, 0.0)


def dirichlet(prof: Profile, *, level: float, rng: np.random.Generator, concentration: float = 0.5) -> KernelResult:
    """Posterior mean of H under a symmetric Dirichlet(``concentration``) prior.

    ``concentration`` 0.5 is the Krichevsky-Trofimov / Jeffreys prior, 1 Laplace.
    The standard error is the posterior SD; the interval is
    ``mean -/+ z sd`` clipped to ``[0, log k]``.
    """
    a = float(concentration)
    k = prof.k
    logk = math.log(k)
    if k <= 1:
        return KernelResult(0.0, 0.0, "posterior", (0.0, 0.0), {"concentration": a, "posterior_sd": 0.0})
    values, mult = _classes(prof)
    mean, var = dirichlet_moments(values, mult, a, n=prof.n, k=k)
    mean = float(min(max(float(mean), 0.0), logk))
    sd = math.sqrt(float(var))
    z = z_score(level)
    lo = min(max(mean - z * sd, 0.0), logk)
    hi = min(max(mean + z * sd, 0.0), logk)
    return KernelResult(mean, sd, "posterior", (lo, hi), {"concentration": a, "posterior_sd": sd})


# --------------------------------------------------------------------------- #
# NSB                                                                           #
# --------------------------------------------------------------------------- #

_COARSE_STEP = 1.0  # spacing of the grid in t = log beta that brackets the mode
_DROP = 40.0  # log-posterior drop below the peak treated as zero mass (e^-40 ~ 4e-18)
# trapezoid nodes per posterior SD of t: the relative error on a Gaussian is 2 exp(-2 pi^2 (sd/step)^2),
# 1e-19 at 1.5 steps per SD
_STEPS_PER_SD = 1.5
_STEPS_PER_SD_COARSE = 3.0  # the same where that SD is the coarse stencil's (a skewed posterior's) estimate
_COARSE_SD = 0.3  # narrower than this (in t), the coarse grid's parabola is refined
_PRESCAN_CLASSES = 64  # from this many distinct counts, the coarse grid is first evaluated every ...
_PRESCAN_STEP = 4  # ... this many points
_HALF_WIDTH = 12.0  # the nodes reach at least this many SDs of t either side of the mode


_RISING_TERMS = 128  # up to this largest count, sum_x m_x D(beta, n_x) is summed term by term

# Counts from _LARGE_COUNT up are summed by interpolation in beta (_LargeCounts) once there are _LARGE_CLASSES
# distinct ones; on beta in [0, min(smallest such count / _LARGE_REACH, 10)], with _LARGE_NODES Chebyshev nodes.
_LARGE_COUNT = 64
_LARGE_CLASSES = 256
_LARGE_REACH = 8.0
_LARGE_NODES = 14


class _LargeCounts:
    """The sums over the outcomes seen ``_LARGE_COUNT`` times or more, as functions of beta, by interpolation.

    A count class ``v`` enters the NSB log-likelihood as ``ln Gamma(v + beta)``
    and the Dirichlet moments as ``alpha psi(alpha + 1)``,
    ``alpha psi(alpha + 1)^2`` and ``alpha h(alpha)`` (``alpha = v + beta``).
    Each is analytic in beta except at ``beta = -v - 1`` and below, so on
    ``[0, b]`` with ``b = min(v_min / 8, 10)`` the sum over the classes is
    interpolated at 14 Chebyshev nodes to about ``(17 + sqrt(17^2 - 1))^-14``
    ~ 4e-22 of its size (Bernstein's ellipse of the interval reaches to
    ``-v_min``), below rounding: what a sample with many distinct large
    counts costs no longer grows with the nodes in beta at which NSB
    evaluates them (about 100 for the posterior, 30 for the moments), only
    with these 14.  The log-likelihood's part is kept as
    ``sum m [D(v, beta) + beta ln v]`` (``= ln Gamma(v + beta) - ln Gamma(v)``
    without the cancellation of the two), less the constant
    ``sum m ln Gamma(v)``; the moments' parts are centred on the classes' mean
    ``c`` of ``psi(v + 1)`` so that :func:`_moments` recombines them without
    cancellation.
    """

    def __init__(self, values, mult):
        self.values, self.mult = values, mult
        self.cap = min(float(values[0]) / _LARGE_REACH, 10.0)
        self.nodes = 0.5 * self.cap * (_CHEB_X + 1.0)
        self.const = float(special.gammaln(values) @ mult)
        self.s0_const, self.s0_slope = float(values @ mult), float(mult.sum())
        self._like_coef = self._moment_coef = None  # Chebyshev coefficients, computed when first needed

    def _basis(self, beta):
        """``T_j(x)`` at ``x = 2 beta / cap - 1``, ``(B, nodes)`` (every beta in ``[0, cap]``)."""
        x = np.clip(2.0 * np.asarray(beta, dtype=float) / self.cap - 1.0, -1.0, 1.0)
        return np.cos(np.multiply.outer(np.arccos(x), _CHEB_J))

    def log_gamma(self, beta):
        """``sum_x m_x ln Gamma(v_x + beta)`` over the large classes, less its value at 0 (``const``).

        The log-posterior is kept less ``const`` wherever the large counts
        are summed this way (:class:`_LogPost`): a sum of ``ln Gamma`` of the
        large counts is as large as ``n ln n``, and rounding it would add
        noise of ``n ln n`` ulps to the log-weights near the mode.
        """
        if self._like_coef is None:
            b = self.nodes[:, None]
            at_nodes = (_stirling_rising(self.values[None, :], b) + b * np.log(self.values)[None, :]) @ self.mult
            self._like_coef = _CHEB_FIT @ at_nodes
        return self._basis(beta) @ self._like_coef

    def moment_parts(self, beta):
        """``(c, S0, T1, T2, T3)``: ``S0 = sum m alpha``, ``T1 = sum m alpha (psi - c)``,
        ``T2 = sum m alpha (psi - c)^2``, ``T3 = sum m alpha h(alpha)``, with ``psi = psi(alpha + 1)``."""
        if self._moment_coef is None:
            alpha = self.values[None, :] + self.nodes[:, None]
            w = self.mult * alpha
            psi = special.digamma(alpha + 1.0)
            c = float((self.mult * self.values) @ special.digamma(self.values + 1.0)) / self.s0_const
            dev = psi - c
            at_nodes = np.stack([(w * dev).sum(axis=1), (w * dev * dev).sum(axis=1), (w * _h(alpha)).sum(axis=1)],
                                axis=1)
            self._moment_coef = c, _CHEB_FIT @ at_nodes
        c, coef = self._moment_coef
        beta = np.asarray(beta, dtype=float)
        t1, t2, t3 = (self._basis(beta) @ coef).T
        return c, self.s0_const + self.s0_slope * beta, t1, t2, t3


# Chebyshev points of the first kind on [-1, 1], and the matrix taking values there to Chebyshev coefficients
_CHEB_J = np.arange(_LARGE_NODES, dtype=float)
_CHEB_X = np.cos(np.pi * (_CHEB_J + 0.5) / _LARGE_NODES)
_CHEB_FIT = (2.0 / _LARGE_NODES) * np.cos(np.pi * np.outer(_CHEB_J, _CHEB_J + 0.5) / _LARGE_NODES)
_CHEB_FIT[0] *= 0.5


def _large_counts(values, mult):
    """``(small values, small mult, _LargeCounts)`` when enough distinct counts are large, else ``None``."""
    first = int(np.searchsorted(values, _LARGE_COUNT))
    if values.size - first < _LARGE_CLASSES:
        return None
    return values[:first], mult[:first], _LargeCounts(values[first:], mult[first:])


class _LogPost:
    """Log posterior density of ``t = log beta`` (up to a constant), vectorised in t.

    ``t + ln xi'(beta) + sum_x m_x D(beta, n_x) - D(k beta, n)``.  When the
    largest count is at most ``_RISING_TERMS``, the sum over the distinct
    counts is ``sum_{j >= 1} r_j log1p(j / beta)``, ``r_j`` the number of
    outcomes seen more than ``j`` times (``D(x, n) = sum_{j<n} log1p(j/x)``:
    positive terms, one ``log1p`` on a matrix of ``max count - 1`` columns).
    Otherwise, with ``sum_x m_x n_x = n``, it is ``sum_x m_x ln Gamma(beta +
    n_x) - k_obs ln Gamma(beta) - n ln beta`` for ``beta < 10`` (one
    ``gammaln`` on the matrix) and Stirling's form of ``D`` above (no
    cancellation of the large terms); the ``t`` given must be increasing, so
    that the two are two blocks of rows.  The terms that depend on ``k``,
    ``n`` and ``t`` only are :class:`_TTerms`.
    """

    def __init__(self, prof: Profile):
        self.k = prof.k
        self.n = prof.n
        self.values = prof.values.astype(float)
        self.mult = prof.mult.astype(float)
        top = int(prof.values[-1]) if prof.values.size else 0
        self.terms_j = None
        self.large = None
        if top <= _RISING_TERMS:
            # r_j = outcomes seen more than j times, j = 1 .. top - 1
            self.terms_j = np.arange(1.0, top)
            above = np.cumsum(self.mult[::-1])[::-1]  # above[i]: outcomes seen values[i] times or more
            self.r = above[np.searchsorted(self.values, self.terms_j, side="right")] if top > 1 else self.terms_j
            return
        # ln Gamma(beta) as the column of count 0, weight -k_obs
        self.values0 = np.concatenate(([0.0], self.values))
        self.mult0 = np.concatenate(([-float(prof.k_obs)], self.mult))
        split = _large_counts(self.values, self.mult)
        if split is not None:
            small_v, small_m, self.large = split
            self.small_values0 = np.concatenate(([0.0], small_v))
            self.small_mult0 = np.concatenate(([-float(prof.k_obs)], small_m))

    def __call__(self, t, terms=None):
        """``ln p(t)`` at the increasing ``t``; ``terms``: the :class:`_TTerms` there, if known."""
        t = np.asarray(t, dtype=float)
        if terms is None:
            terms = _TTerms(t, self.k, self.n, moments=False)
        beta = terms.beta
        if self.terms_j is not None:
            return terms.base + np.log1p(np.multiply.outer(1.0 / beta, self.terms_j)) @ self.r
        m = int(np.searchsorted(beta, 10.0))
        like = np.empty_like(beta)
        # the rows beta <= cap sum the large counts by interpolation (_LargeCounts), less its constant
        q = int(np.searchsorted(beta[:m], self.large.cap, side="right")) if self.large is not None else 0
        if q:
            bq = beta[:q]
            like[:q] = (special.gammaln(bq[:, None] + self.small_values0) @ self.small_mult0
                        + self.large.log_gamma(bq) - self.n * np.log(bq))
        if q < m:
            br = beta[q:m]
            like[q:m] = special.gammaln(br[:, None] + self.values0) @ self.mult0 - self.n * np.log(br)
        if m < beta.size:
            like[m:] = _stirling_rising(beta[m:, None], self.values) @ self.mult
        if self.large is not None:
            like[q:] -= self.large.const  # the same constant off every row
        return terms.base + like


class _TTerms:
    """What the NSB posterior and moments need at the nodes ``t`` that depends on ``k`` and ``n`` only.

    ``base = t + ln xi'(beta) - D(k beta, n)`` (the prior and the likelihood's
    denominator), and for the moments ``psi(A + 1)``, ``c(A)`` (``A = n + k
    beta``), ``psi(beta + 1)`` and ``h(beta)`` (the unseen outcomes' class).
    """

    __slots__ = ("t", "beta", "base", "psi_A1", "c_A", "psi_b1", "h_b", "source", "columns")
    _ARRAYS = ("t", "beta", "base", "psi_A1", "c_A", "psi_b1", "h_b")

    def __init__(self, t, k, n, moments=True, prior=None, posterior=True):
        self.t = t
        self.beta = beta = np.exp(t)
        kb = k * beta
        if posterior:
            base = t + _log_dxi(beta, k) if prior is None else prior.copy()
            m = int(np.searchsorted(kb, 10.0))
            if m:
                base[:m] -= special.gammaln(kb[:m] + n) - special.gammaln(kb[:m]) - n * np.log(kb[:m])
            if m < kb.size:
                base[m:] -= _stirling_rising(kb[m:], float(n))
            self.base = base
        if moments:
            A = n + kb
            self.psi_A1, self.c_A = special.digamma(A + 1.0), _c(A)
            self.psi_b1, self.h_b = special.digamma(beta + 1.0), _h(beta)

    def __getitem__(self, sl):
        out = object.__new__(_TTerms)
        for name in self._ARRAYS:
            v = getattr(self, name, None)
            if v is not None:
                setattr(out, name, v[sl])
        root = getattr(self, "source", None)
        if root is not None and isinstance(sl, slice) and sl.step is None:
            # a run of a cached grid's nodes: where it starts there (for the columns kept on the grid)
            out.source = (root[0], root[1] + range(self.t.size)[sl].start)
        return out

    def freeze(self):
        """Make the arrays read-only (the terms of a cached grid); its runs can then use :func:`_class_columns`."""
        for name in self._ARRAYS:
            v = getattr(self, name, None)
            if v is not None:
                v.flags.writeable = False
        self.source, self.columns = (self, 0), {}
        return self


def _class_columns(tt: _TTerms, values):
    """``(psi(alpha + 1), h(alpha))`` at ``alpha = values + beta`` on the nodes of ``tt``, ``(B, C)`` each, or None.

    When ``tt`` is a run of a cached grid's nodes (:func:`_fine_terms`,
    :func:`_mid_terms`: wide posteriors), each count's two columns are
    computed once on the whole grid and kept there, for every profile with the
    same ``k`` and ``n`` (the small counts recur); counts up to
    ``_RISING_TERMS`` only.  The same functions on the same numbers as
    :func:`_moments` computes itself.  None otherwise.
    """
    src = getattr(tt, "source", None)
    if src is None or values.size == 0 or values[-1] > _RISING_TERMS:
        return None
    root, lo = src
    hi = lo + tt.t.size
    kept = root.columns
    psi, h = [], []
    for v in values.tolist():
        col = kept.get(v)
        if col is None:
            alpha = v + root.beta
            col = kept[v] = (special.digamma(alpha + 1.0), _h(alpha))
            col[0].flags.writeable = col[1].flags.writeable = False
        psi.append(col[0][lo:hi])
        h.append(col[1][lo:hi])
    return np.stack(psi, axis=1), np.stack(h, axis=1)


@functools.lru_cache(maxsize=64)
def _hard_grid(k: int, n: int):
    """Grid (step 1) in t over a range that holds all the posterior mass, and the prior on it.

    For ``k beta << 1`` the posterior of t falls as ``beta^k_obs``, for
    ``beta >> n^2`` as ``1/beta`` (the likelihood is flat there).  Returns
    ``(grid, prior)``, the prior being ``t + ln xi'(e^t)`` (it depends on k
    only); cached per ``(k, n)``.
    """
    t_min = -math.log(k) - 50.0
    t_max = 2.0 * math.log(n + 1.0) + 55.0
    grid = np.arange(t_min, t_max + _COARSE_STEP, _COARSE_STEP)
    prior = grid + _log_dxi(np.exp(grid), k)
    grid.flags.writeable = prior.flags.writeable = False
    return grid, prior


@functools.lru_cache(maxsize=64)
def _grid_terms(k: int, n: int):
    """The :class:`_TTerms` (posterior part) on the hard grid; cached per ``(k, n)``."""
    grid, prior = _hard_grid(k, n)
    return _TTerms(grid, k, n, moments=False, prior=prior).freeze()


@functools.lru_cache(maxsize=64)
def _fine_terms(k: int, n: int, m: int):
    """The :class:`_TTerms` on the points ``grid[i] + j/m`` (``j = 0 .. m-1``, the hard grid's last point too).

    The nodes of a wide posterior are a run of them (:func:`_nsb_posterior`);
    cached per ``(k, n, m)``.
    """
    grid = _hard_grid(k, n)[0]
    pts = np.append((grid[:-1, None] + (np.arange(m) / m)[None, :]).ravel(), grid[-1])
    return _TTerms(pts, k, n).freeze()


@functools.lru_cache(maxsize=64)
def _mid_terms(k: int, n: int, m: int):
    """The :class:`_TTerms` at the midpoints of :func:`_fine_terms`' points; cached per ``(k, n, m)``."""
    t = _fine_terms(k, n, m).t
    return _TTerms(0.5 * (t[1:] + t[:-1]), k, n).freeze()


def _parabola(t, f, s):
    """Vertex and width ``1/sqrt(-f'')`` of the parabola through ``(t-s, t, t+s)`` (width inf if not concave)."""
    d2 = (f[0] - 2.0 * f[1] + f[2]) / (s * s)
    if not d2 < 0.0:
        return t, math.inf
    vertex = t - (f[2] - f[0]) / (2.0 * s * d2)
    return min(max(vertex, t - s), t + s), 1.0 / math.sqrt(-d2)


def _mode(logpost, grid, fg, i):
    """Mode and SD (from the curvature) of the log-posterior, zooming in on it from the coarse grid.

    Returns ``(t0, sigma, f0)``.  The coarse grid's 3-point parabola is kept
    when it is wider than 2.5 half-steps; otherwise 25-point stencils
    (9-point ones with ``_PRESCAN_CLASSES`` distinct counts or more) at a
    third of the current width estimate (at least 1/1024 of the previous
    spacing, 1/64 for 9 points) follow the maximum until their spacing is at most half the
    width they measure (the coarse estimate is most often within 20% of it:
    one stencil).
    """
    t0, f0 = float(grid[i]), float(fg[i])
    if not 0 < i < grid.size - 1:
        return t0, 1.0, f0
    vertex, sigma = _parabola(t0, fg[i - 1 : i + 2], _COARSE_STEP)
    if sigma >= _COARSE_SD:  # the posterior is wide enough for the coarse stencil to measure it
        return vertex, sigma, f0
    s = _COARSE_STEP
    centre = vertex
    # few distinct counts: a point costs little next to a call, and a wide stencil seldom has to follow the peak
    wide = logpost.values.size < _PRESCAN_CLASSES
    stencil, zoom = (_STENCIL, _ZOOM) if wide else (_STENCIL_NARROW, _ZOOM_NARROW)
    s_next = min(max(sigma / 3.0, s / zoom), s / 2.0)
    for _ in range(40):
        pts = centre + s_next * stencil
        fp = logpost(pts)
        j = int(np.argmax(fp))
        if fp[j] > f0:
            t0, f0 = float(pts[j]), float(fp[j])
        if j in (0, stencil.size - 1):  # the maximum is past the stencil: follow it at the same spacing
            centre = float(pts[j])
            continue
        s = s_next
        centre, sigma = _parabola(float(pts[j]), fp[j - 1 : j + 2], s)
        sigma = min(sigma, _COARSE_STEP)
        if s <= sigma / 2.0:
            break
        s_next = min(max(sigma / 3.0, s / zoom), s / 2.0)
    return centre, sigma, f0


_STENCIL = np.arange(-12.0, 13.0)  # the points of a zoom step, in units of its spacing ...
_STENCIL_NARROW = np.arange(-4.0, 5.0)  # ... with many distinct counts
_ZOOM = 1024.0  # a zoom step's spacing is at least this fraction of the previous one (64 for 9 points)
_ZOOM_NARROW = 64.0


def _nsb_posterior(prof: Profile):
    """Nodes, normalised weights and the step of the trapezoid rule over t = log beta for NSB.

    The integrand is analytic in a strip around the real t axis and decays
    exponentially, so the trapezoid rule converges exponentially in 1/step:
    the step is ``sigma / 1.5``, ``sigma`` the SD of t from the curvature at
    the mode, and the nodes reach where the log-posterior has fallen by
    ``_DROP`` (and at least ``12 sigma``) on both sides.  A posterior wider
    than ``_COARSE_SD`` (small samples; its shape is less Gaussian) gets a
    step of ``1/m <= min(0.5, sigma / 3)`` on the coarse grid, which it
    reuses, what depends on ``k``, ``n`` and t only cached per ``(k, n, m)``.
    Returns ``(terms, weights, log weights, t0, sigma, log posterior, its max, mids)``: the
    :class:`_TTerms` at the nodes (``terms.t``, increasing and equally spaced) and, for a wide
    posterior, at the midpoints between them (cached; ``None`` otherwise).
    """
    logpost = _LogPost(prof)
    k, n = prof.k, prof.n
    gt = _grid_terms(k, n)
    grid = gt.t
    if prof.values.size >= _PRESCAN_CLASSES:
        # many distinct counts (a large sample): every 4th grid point, then the points next to the
        # best of them (the log-posterior is unimodal in t); the rest only if the posterior is wide
        fg = np.full(grid.size, -np.inf)
        every = np.arange(0, grid.size, _PRESCAN_STEP)
        fg[every] = logpost(grid[every], gt[every])
        j = int(every[np.argmax(fg[every])])
        near = np.arange(max(j - 2 * _PRESCAN_STEP + 1, 0), min(j + 2 * _PRESCAN_STEP, grid.size))
        near = near[near % _PRESCAN_STEP != 0]
        fg[near] = logpost(grid[near], gt[near])
    else:
        fg = logpost(grid, gt)
    i = int(np.argmax(fg))
    t0, sigma, f0 = _mode(logpost, grid, fg, i)
    if sigma >= _COARSE_SD and np.isinf(fg).any():
        rest = np.nonzero(np.isinf(fg))[0]
        fg[rest] = logpost(grid[rest], gt[rest])
        i = int(np.argmax(fg))
        t0, sigma, f0 = _mode(logpost, grid, fg, i)
    fmax = max(f0, float(fg[i]))
    keep = np.nonzero(fg >= fmax - _DROP)[0]
    resolved = keep.size > 0
    if not resolved:  # a peak so narrow that no grid point holds mass
        keep = np.array([i])
    mids = None
    if sigma >= _COARSE_SD:
        # the grid's points and m - 1 points between each two, m = 2 for a wide posterior (step 0.5)
        m = max(2, int(math.ceil(_STEPS_PER_SD_COARSE * _COARSE_STEP / sigma)))
        a = max(int(keep[0]) - 1, 0) * m
        b = min(int(keep[-1]) + 1, grid.size - 1) * m + 1
        terms = _fine_terms(k, n, m)[a:b]
        f = logpost(terms.t, terms)
        fmax = max(fmax, float(f.max()))
        mids = (_mid_terms(k, n, m), a)
    else:
        h = sigma / _STEPS_PER_SD
        # the grid's points that hold mass, and 12 sigma about the mode; the loop below extends skewed tails
        lo, hi = t0 - _HALF_WIDTH * sigma, t0 + _HALF_WIDTH * sigma
        if resolved:
            lo, hi = min(lo, float(grid[keep[0]])), max(hi, float(grid[keep[-1]]))
        nodes = t0 + h * np.arange(math.floor((lo - t0) / h), math.ceil((hi - t0) / h) + 1)
        f = logpost(nodes)
        fmax = max(fmax, float(f.max()))
        for _ in range(20):  # the mass reaches past the ends (a skewed posterior): extend them
            left, right = f[0] >= fmax - _DROP, f[-1] >= fmax - _DROP
            if not (left or right):
                break
            m = int(math.ceil(_HALF_WIDTH * sigma / h))
            add_l = nodes[0] - h * np.arange(m, 0, -1) if left else nodes[:0]
            add_r = nodes[-1] + h * np.arange(1, m + 1) if right else nodes[:0]
            fl, fr = logpost(add_l) if left else f[:0], logpost(add_r) if right else f[:0]
            nodes, f = np.concatenate((add_l, nodes, add_r)), np.concatenate((fl, f, fr))
            fmax = max(fmax, float(f.max()))
    sel = f >= fmax - _DROP - 5.0
    lo_i, hi_i = int(np.argmax(sel)), int(sel.size - np.argmax(sel[::-1]))  # a contiguous run of nodes
    f = f[lo_i:hi_i]
    if mids is None:
        terms = _TTerms(nodes[lo_i:hi_i], float(k), float(n), posterior=False)
    else:
        terms = terms[lo_i:hi_i]
        mids = mids[0][mids[1] + lo_i: mids[1] + hi_i - 1]
    logw = f - fmax
    w = np.exp(logw)
    w /= w.sum()
    return terms, w, logw, t0, sigma, logpost, fmax, mids


_RESOLVE = 0.8  # largest step of mu between trapezoid nodes, in units of the Dirichlet SD there
_MAX_REFINE = 256


def _mixture_interval(logw, mu, sd, mean, total_sd, level, lo_clip, hi_clip, start=None):
    """Equal-tailed interval of the posterior of H from its trapezoid nodes in t (equally spaced).

    The posterior of H is ``int p(t) N(H; mu(t), sd(t)^2) dt`` (the Dirichlet
    posterior at ``beta = e^t`` taken as normal); its CDF is integrated by the
    same trapezoid rule as the moments, ``logw`` being the log weights.  That
    rule is exact to rounding while ``Phi((x - mu(t))/sd(t))`` is smooth on
    the scale of the step, i.e. while mu moves by less than ``_RESOLVE`` sd
    from node to node.  Where it moves by more (large k, where the Dirichlet
    posterior is narrow) the sum would be a staircase whose quantiles move
    with the nodes; there ``log w``, ``mu`` and ``log sd`` are interpolated
    (8-point Lagrange) on a grid up to ``_MAX_REFINE`` times finer, fine
    enough to resolve it.  Only the cells whose values of mu come near a
    quantile matter (elsewhere Phi is 0 or 1 across the cell): without
    ``start`` the quantiles are found on the nodes and returned with the
    refinement those cells need; :func:`nsb` then halves the step and calls
    again with ``start``, the quantiles found, and the interpolation is done.
    Both quantiles are found together by Newton's method, started at
    ``start`` or at the Cornish-Fisher quantiles (moment-matched normal and
    skewness); a quantile Newton does not settle (to about 1e-12 of the
    spread) is found by Brent's method instead.  Returns ``(interval,
    refinement)``.
    """
    sd = np.maximum(sd, 1e-15 * np.maximum(1.0, np.abs(mu)))
    q = 0.5 * (1.0 - float(level))
    targets = (q, 1.0 - q)
    r = _refinement(logw, mu, sd, start) if start is not None else 1
    if r > 1:
        x = _near_quantiles(logw, mu, sd, r, targets, list(start), mean, total_sd)
        if x is not None:
            return tuple(min(max(v, lo_clip), hi_clip) for v in x), None
        basis = _lagrange(r)
        logw, mu, sd = (_windows(v) @ basis for v in (logw, mu, np.log(sd)))
        logw, mu, sd = logw.ravel(), mu.ravel(), np.exp(sd.ravel())
    w = np.exp(logw - logw.max())
    w /= w.sum()
    mix = _NormalMixture(w, mu, sd)
    if start is None:
        # start: the Cornish-Fisher quantiles (normal + skewness term) of the mixture
        dev = mu - mean
        skew = float(w @ (dev * (dev * dev + 3.0 * sd * sd))) / total_sd**3 if total_sd > 0 else 0.0
        z = z_score(level)
        shift = min(max(skew * (z * z - 1.0) / 6.0, -0.5 * z), 0.5 * z)
        x = [mean + total_sd * (-z + shift), mean + total_sd * (z + shift)]
    else:
        x = list(start)
    x, done = _newton(mix, targets, x, mean, total_sd)
    if not (done[0] and done[1]):
        x = _brent_quantiles(mix, targets, x, done)
    r = _refinement(logw, mu, sd, x) if start is None else 1
    return tuple(min(max(v, lo_clip), hi_clip) for v in x), (x if r > 1 else None)


def _newton(mix, targets, x, mean, total_sd, offsets=(0.0, 0.0)):
    """Both quantiles of ``mix`` (its CDF plus ``offsets``) by Newton's method from ``x``: ``(x, done)``."""
    done = [False, False]
    for _ in range(30):
        cdf, dens = mix(x)
        for j in (0, 1):
            if done[j]:
                continue
            step = (cdf[j] + offsets[j] - targets[j]) / dens[j] if dens[j] > 0 else math.inf
            if abs(step) < 4.0 * total_sd + 1e-300:
                x[j] -= step
            else:  # past the mass (a start beyond log k, say): halfway back to the mean
                x[j] = 0.5 * (x[j] + mean)
                continue
            # Newton's error after a step of size e is ~ e^2 / (spread): 1e-12 of it here
            done[j] = abs(step) <= 1e-6 * total_sd or abs(step) <= 1e-13 * max(1.0, abs(x[j]))
        if done[0] and done[1]:
            break
    return x, done


_FAR = 10.0  # a cell whose mu stays this many sd from both starts is left at its weight (Phi = 0 or 1) ...
_STILL_FAR = 8.5  # ... if it still is this far from the quantiles found (Phi(-8.5) ~ 1e-17)


def _near_quantiles(logw, mu, sd, r, targets, start, mean, total_sd):
    """The quantiles on the grid ``r`` times finer, interpolating mu and sd only in the cells near ``start``.

    A cell whose values of mu stay ``_FAR`` sd from both quantiles has
    ``Phi = 0`` or ``1`` across it: it adds its (interpolated) weight to the
    CDF below it, a constant, and only the cells near a quantile enter
    Newton's iterations.  ``None`` when Newton does not settle or a quantile
    found comes within ``_STILL_FAR`` sd of a cell left out (the caller then
    interpolates every cell).
    """
    if mu.size < 2 * _HALF_STENCIL + 1:
        return None
    basis = _lagrange(r)
    h = _HALF_STENCIL
    lw = _windows(logw) @ basis  # (cells, r); cell i spans the nodes i + 3, i + 4
    lw -= lw.max()
    wt = np.exp(lw)
    total = float(wt.sum())
    cell_w = wt.sum(axis=1) / total
    a, b = mu[h - 1 : -h], mu[h : mu.size - h + 1]
    s = np.minimum(sd[h - 1 : -h], sd[h : sd.size - h + 1])
    top, bottom = np.maximum(a, b), np.minimum(a, b)
    near = np.zeros(top.size, dtype=bool)
    for x in start:
        near |= (bottom - _FAR * s <= x) & (x <= top + _FAR * s)
    far = ~near
    offsets = [float(cell_w[far & (top < x)].sum()) for x in start]
    sel = np.nonzero(near)[0]
    mu_n = (_windows(mu)[sel] @ basis).ravel()
    sd_n = np.exp(_windows(np.log(sd))[sel] @ basis).ravel()
    mix = _NormalMixture((wt[sel] / total).ravel(), mu_n, sd_n)
    x, done = _newton(mix, targets, list(start), mean, total_sd, offsets)
    if not (done[0] and done[1]):
        return None
    for x0, xj in zip(start, x):
        below = far & (top + _STILL_FAR * s < xj)
        above = far & (bottom - _STILL_FAR * s > xj)
        if not np.array_equal(below | above, far) or not np.array_equal(below, far & (top < x0)):
            return None
    return x


def _refinement(logw, mu, sd, xs) -> int:
    """How many times finer than the step mu(t) must be sampled, near the points ``xs``, to move by ``_RESOLVE`` sd.

    A cell (two neighbouring nodes) counts if it holds mass (an unresolved
    cell moves the CDF by at most its mass: below e^-20 of the heaviest
    node's, a quantile by less than ~1e-7 SD) and its values of mu come
    within 10 sd of one of ``xs`` (farther, Phi is 0 or 1 across it).
    """
    if mu.size < 4 * _HALF_STENCIL:
        return 1
    a, b = mu[1:], mu[:-1]
    s = np.minimum(sd[1:], sd[:-1])
    lo, hi = np.minimum(a, b) - 10.0 * s, np.maximum(a, b) + 10.0 * s
    live = np.minimum(logw[1:], logw[:-1]) > -20.0
    near = np.zeros_like(live)
    for x in xs:
        near |= (lo <= x) & (x <= hi)
    live &= near
    if not live.any():
        return 1
    jumps = np.abs(a - b)[live] / s[live]
    return int(min(math.ceil(float(jumps.max()) / _RESOLVE), _MAX_REFINE))


def _windows(v):
    """Rows ``v[j-3 : j+5]`` for the intervals ``(j, j+1)``, ``j = 3 .. len(v) - 5``."""
    return np.lib.stride_tricks.as_strided(v, shape=(v.size - 2 * _HALF_STENCIL + 1, 2 * _HALF_STENCIL),
                                           strides=(v.strides[0], v.strides[0]), writeable=False)


_HALF_STENCIL = 4  # the interpolating polynomial of degree 7 through 8 nodes, 4 either side of the interval


@functools.lru_cache(maxsize=16)
def _lagrange(r: int) -> np.ndarray:
    """(8, r) weights of the polynomial through nodes -3 .. 4 at the offsets ``0, 1/r, .., (r-1)/r``."""
    u = np.arange(r) / r
    xs = np.arange(1 - _HALF_STENCIL, _HALF_STENCIL + 1, dtype=float)
    basis = np.ones((xs.size, r))
    for i, xi in enumerate(xs):
        for xj in xs:
            if xj != xi:
                basis[i] *= (u - xj) / (xi - xj)
    basis.flags.writeable = False
    return basis


class _NormalMixture:
    """CDF and density of ``sum_i w_i N(mu_i, sd_i^2)`` at two points at once."""

    _RT2PI = 1.0 / math.sqrt(2.0 * math.pi)

    def __init__(self, w, mu, sd):
        self.inv = 1.0 / sd
        self.shift = mu * self.inv
        self.w = w
        self.dw = w * self.inv * self._RT2PI
        self.mu, self.sd = mu, sd

    def bracket(self):
        """``(lo, hi)``: where the mixture's mass lies (12 SDs past every component)."""
        return float(np.min(self.mu - 12.0 * self.sd)), float(np.max(self.mu + 12.0 * self.sd))

    def __call__(self, x):
        z = np.multiply.outer(np.asarray(x, dtype=float), self.inv) - self.shift
        return (special.ndtr(z) @ self.w).tolist(), (np.exp(-0.5 * z * z) @ self.dw).tolist()


def _brent_quantiles(mix, targets, out, done):
    """The quantiles Newton did not settle, by Brent's method on a bracket that holds them."""
    from scipy import optimize  # loaded on first use (~0.1 s)

    def cdf(x, target):
        return mix([x])[0][0] - target

    a, b = mix.bracket()
    for j, target in enumerate(targets):
        if done[j]:
            continue
        fa, fb = cdf(a, target), cdf(b, target)
        if fa >= 0.0:
            out[j] = a
        elif fb <= 0.0:
            out[j] = b
        else:
            out[j] = optimize.brentq(cdf, a, b, args=(target,), xtol=1e-13, rtol=1e-15, maxiter=200)
    return out


def _interleave(a, b):
    """``a[0], b[0], a[1], b[1], ..., a[-1]`` (``b`` one shorter than ``a``)."""
    out = np.empty(a.size + b.size)
    out[0::2], out[1::2] = a, b
    return out


def nsb(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Nemenman-Shafee-Bialek entropy estimate (posterior mean of H) and posterior SD.

    Prior: Dirichlet(beta) mixed with weight ``d xi / d beta``,
    ``xi(beta) = psi(k beta + 1) - psi(beta + 1)``.  The posterior of
    ``t = log beta`` is integrated by the trapezoid rule (exponentially
    convergent for this analytic, exponentially decaying integrand; see
    :func:`_nsb_posterior`) out to where the density has fallen by e^-40.
    The interval is the equal-tailed interval of the posterior of H, the
    mixture over beta of normals with the Dirichlet posterior mean and SD at
    that beta (:func:`_mixture_interval`), clipped to ``[0, log k]``.
    ``diagnostics["log_beta_sd"]`` is the posterior SD of ``log beta``.
    """
    k = prof.k
    if k <= 1:
        return KernelResult(
            0.0, 0.0, "posterior", (0.0, 0.0), {"beta_map": None, "log_beta_sd": None, "posterior_sd": 0.0, "nodes": 0},
        )
    logk = math.log(k)
    terms, w, logw, t0, sigma, logpost, fmax, mid_terms = _nsb_posterior(prof)
    nodes = terms.t
    values, mult = prof.values.astype(float), prof.mult.astype(float)
    unseen = float(k - prof.k_obs)

    large = logpost.large
    if large is not None:
        cut = values.size - large.values.size

    def moments(tt):
        if large is not None and float(tt.beta[-1]) <= large.cap:  # the large counts by interpolation
            return _moments(values[:cut], mult[:cut], tt.beta, prof.n + k * tt.beta, tt.psi_A1, tt.c_A, unseen,
                            tt.psi_b1, tt.h_b, None, large)
        return _moments(values, mult, tt.beta, prof.n + k * tt.beta, tt.psi_A1, tt.c_A, unseen, tt.psi_b1, tt.h_b,
                        _class_columns(tt, values))

    mu, var = moments(terms)
    mean = float(np.dot(w, mu))
    dev = mu - mean
    sd = math.sqrt(max(float(np.dot(w, var + dev * dev)), 0.0))

    def interval():
        iv, start = _mixture_interval(logw, mu, np.sqrt(var), mean, sd, level, 0.0, logk)
        if start is None:
            return iv
        # mu(t) outruns the Dirichlet SD between nodes near a quantile (large k): the interval
        # interpolates between nodes; halve the step first (the midpoints added), so that the
        # interpolation is exact to ~1e-8 SD
        mids = mid_terms if mid_terms is not None else _TTerms(0.5 * (nodes[1:] + nodes[:-1]), float(k),
                                                               float(prof.n))
        mu_m, var_m = moments(mids)
        logw2, mu2, var2 = (_interleave(a, b) for a, b in
                            ((logw, logpost(mids.t, mids) - fmax), (mu, mu_m), (var, var_m)))
        w2 = np.exp(logw2)
        w2 /= w2.sum()
        mean2 = float(np.dot(w2, mu2))
        dev2 = mu2 - mean2
        sd2 = math.sqrt(max(float(np.dot(w2, var2 + dev2 * dev2)), 0.0))
        return _mixture_interval(logw2, mu2, np.sqrt(var2), mean2, sd2, level, 0.0, logk, start)[0]

    t_mean = float(np.dot(w, nodes))
    info: dict[str, object] = {
        "beta_map": math.exp(t0),
        "log_beta_sd": math.sqrt(max(float(np.dot(w, (nodes - t_mean) ** 2)), 0.0)),
        "posterior_sd": sd,
        "nodes": int(nodes.size),
    }
    if prof.n == prof.k_obs:
        info["warning"] = "no coincidences: the NSB estimate is dominated by the prior"
    # the interval costs about as much as the rest: computed when first read (Estimate.ci)
    return KernelResult(min(max(mean, 0.0), logk), sd, "posterior",
                        Deferred(interval), info)  # type: ignore[arg-type]  # (forced on first read: _deferrable)
