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
"""

from __future__ import annotations

import math

import numpy as np
from scipy import special

from infokit._estimators.result import KernelResult, Profile, z_score

__all__ = [
    "dirichlet",
    "nsb",
    "dirichlet_moments",
]


# --------------------------------------------------------------------------- #
# small special-function helpers                                                #
# --------------------------------------------------------------------------- #

_SERIES_X = 1.0e3  # above this, h, c and xi' use their asymptotic series


_TRIGAMMA_SERIES_X = 10.0  # psi'(x) by its asymptotic series from here on
# asymptotic series psi'(x) ~ 1/x + 1/(2x^2) + sum_j B_2j / x^(2j+1), as coefficients of r^(2j+1), r = 1/x
_TRIGAMMA_B = (1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6)


def _trigamma(x):
    """``psi'(x)`` for ``x > 0``, elementwise (relative error about 1e-15).

    For ``x >= 10`` the asymptotic series to ``x^-15`` (relative error below
    1e-16); below, the recurrence ``psi'(x) = 1/x^2 + psi'(x + 1)`` lifts the
    argument past 10 first.  A few array operations: about 10x faster than
    ``scipy.special.polygamma(1, x)`` on the arrays NSB evaluates.
    """
    x = np.asarray(x, dtype=float)
    small = x < _TRIGAMMA_SERIES_X
    if not small.any():
        return _trigamma_series(x)
    out = np.empty_like(x)
    big = ~small
    out[big] = _trigamma_series(x[big])
    y = x[small]
    lead = np.zeros_like(y)
    for _ in range(int(_TRIGAMMA_SERIES_X)):
        lead += 1.0 / (y * y)
        y = y + 1.0
    out[small] = lead + _trigamma_series(y)
    return out


def _trigamma_series(x):
    r = 1.0 / x
    r2 = r * r
    series = 0.0
    for b in reversed(_TRIGAMMA_B):
        series = r2 * (b + series)
    return r * (1.0 + r * 0.5 + series)


def _stirling_tail(z):
    """``ln Gamma(z) - [(z - 1/2) ln z - z + ln(2 pi)/2]`` for ``z >= 10``."""
    r = 1.0 / z
    r2 = r * r
    return r * (1.0 / 12 + r2 * (-1.0 / 360 + r2 * (1.0 / 1260 + r2 * (-1.0 / 1680 + r2 / 1188))))


def _log_rising(x, n):
    """``D(x, n) = ln Gamma(x + n) - ln Gamma(x) - n ln x`` for ``x > 0, n >= 0``.

    Equals ``sum_{j<n} log1p(j / x)``: 0 for n <= 1, ~ n(n-1)/(2x) for large x.
    """
    x = np.asarray(x, dtype=float)
    n = np.asarray(n, dtype=float)
    big = x >= 10.0
    xs = np.where(big, x, 10.0)
    stir = (xs + n - 0.5) * np.log1p(n / xs) - n + (_stirling_tail(xs + n) - _stirling_tail(xs))
    xm = np.where(big, 1.0, x)
    direct = special.gammaln(xm + n) - special.gammaln(xm) - n * np.log(xm)
    return np.where(big, stir, direct)


def _two_regimes(x, series, direct):
    """``series(1/x)`` for ``x >= _SERIES_X`` (an asymptotic series), ``direct(x)`` below it."""
    big = x >= _SERIES_X
    with np.errstate(all="ignore"):
        return np.where(big, series(1.0 / np.where(big, x, _SERIES_X)), direct(np.where(big, 1.0, x)))


def _h(alpha):
    """``(x) psi'(x + 1) + 1/x - 1`` with ``x = alpha + 1`` (>= 0, ~ 1/(2x))."""
    return _two_regimes(
        np.asarray(alpha, dtype=float) + 1.0,
        lambda r: r * (0.5 + r * (1.0 / 6 + r * r * (-1.0 / 30 + r * r * (1.0 / 42 - r * r / 30)))),
        lambda x: x * _trigamma(x + 1.0) + 1.0 / x - 1.0,
    )


def _c(A):
    """``A/(A+1)^2 - psi'(A+2)`` (~ -1/(2 (A+1)^2))."""
    return _two_regimes(
        np.asarray(A, dtype=float) + 1.0,
        lambda r: -r * r * (0.5 + r * (1.0 / 6 + r * (-1.0 / 30 * r + r * r * r / 42))),
        lambda x: (x - 1.0) / (x * x) - _trigamma(x + 1.0),
    )


def _log_dxi(beta, k):
    """``ln d/dbeta [psi(k beta + 1) - psi(beta + 1)]`` (the NSB prior weight), k >= 2."""
    beta = np.asarray(beta, dtype=float)
    k = float(k)
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
    bm = np.where(big, 1.0, beta)
    tg = _trigamma(np.concatenate((k * bm + 1.0, bm + 1.0)))
    direct = np.log(k * tg[: bm.size] - tg[bm.size :])
    return np.where(big, ser, direct)


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
    alpha = values[None, :] + a_arr[:, None]  # (B, C)
    A = float(n) + float(k) * a_arr  # (B,)
    w = mult[None, :] * alpha
    psi1 = special.digamma(alpha + 1.0)
    u = (w * psi1).sum(axis=1) / A
    mean = special.digamma(A + 1.0) - u
    dev = psi1 - u[:, None]
    s = (w * dev * dev).sum(axis=1) + (w * _h(alpha)).sum(axis=1)
    var = s / (A * (A + 1.0)) + _c(A)
    var = np.maximum(var, 0.0)
    shape = np.shape(a)
    return mean.reshape(shape), var.reshape(shape)


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

# Gauss-Legendre rule used on every panel of the log-beta grid.
_GL_X, _GL_W = np.polynomial.legendre.leggauss(16)
_COARSE_STEP = 1.0
_MASS_CUT = 50.0  # log-posterior drop below the mode treated as zero mass
_MAX_PANEL = 4.0  # widest panel in t: far from the mode the log-posterior is nearly linear in t


def _nsb_logpost(t, obs_values, obs_mult, n, k):
    """Log posterior density of ``t = log beta`` (up to a constant), vectorised in t."""
    t = np.atleast_1d(np.asarray(t, dtype=float))
    beta = np.exp(t)
    # sum_x D(beta, n_x) - D(k beta, n) as one matrix: the last column is (k beta, n) with weight -1
    x = np.empty((beta.size, obs_values.size + 1))
    x[:, :-1] = beta[:, None]
    x[:, -1] = k * beta
    counts = np.append(obs_values, n)
    weights = np.append(obs_mult, -1.0)
    like = _log_rising(x, counts[None, :]) @ weights
    return t + _log_dxi(beta, k) + like


def _panels(t0, sigma, lo, hi):
    """Panel edges on [lo, hi]: geometric widths from the mode t0, capped at ``_MAX_PANEL``."""

    def side(length):
        edges = [0.0]
        w = sigma / 2.0
        while edges[-1] < length:
            edges.append(edges[-1] + w)
            w = min(2.0 * w, _MAX_PANEL)
        return np.array(edges)

    right = t0 + side(max(hi - t0, 0.0))
    left = t0 - side(max(t0 - lo, 0.0))
    edges = np.unique(np.concatenate((left, right)))
    a, b = edges[:-1], edges[1:]
    half = 0.5 * (b - a)
    mid = 0.5 * (a + b)
    nodes = (mid[:, None] + half[:, None] * _GL_X[None, :]).ravel()
    weights = (half[:, None] * _GL_W[None, :]).ravel()
    return nodes, weights


def _mixture_interval(w, mu, sd, level, lo_clip, hi_clip):
    """Equal-tailed interval of the mixture ``sum_i w_i N(mu_i, sd_i^2)`` (w normalised).

    Both quantiles are found together by Newton's method on the mixture CDF,
    started at the quantiles of the moment-matched normal; a quantile Newton
    does not settle to 1e-13 is found by Brent's method instead.
    """
    sd = np.maximum(sd, 1e-15 * np.maximum(1.0, np.abs(mu)))
    q = 0.5 * (1.0 - float(level))
    targets = np.array([q, 1.0 - q])
    m = float(np.dot(w, mu))
    s = math.sqrt(max(float(np.dot(w, sd * sd + (mu - m) ** 2)), 0.0))
    x = m + s * special.ndtri(targets)
    done = np.zeros(2, bool)
    with np.errstate(all="ignore"):
        for _ in range(20):
            z = (x[:, None] - mu[None, :]) / sd[None, :]
            gap = special.ndtr(z) @ w - targets
            dens = (np.exp(-0.5 * z * z) / sd[None, :]) @ w * (1.0 / math.sqrt(2.0 * math.pi))
            step = np.where(dens > 0, gap / dens, np.inf)
            x = x - np.where(np.abs(step) < 4.0 * s + 1e-300, step, 0.0)
            done = np.abs(step) <= 1e-13 * np.maximum(1.0, np.abs(x))
            if done.all():
                break
    out = [float(v) for v in x]
    if not done.all():
        out = _brent_quantiles(w, mu, sd, targets, out, done)
    lo = min(max(out[0], lo_clip), hi_clip)
    hi = min(max(out[1], lo_clip), hi_clip)
    return lo, hi


def _brent_quantiles(w, mu, sd, targets, out, done):
    """The mixture quantiles Newton did not settle, by Brent's method on a bracket that holds them."""
    from scipy import optimize  # loaded on first use (~0.1 s)

    a = float(np.min(mu - 12.0 * sd))
    b = float(np.max(mu + 12.0 * sd))

    def cdf(x, target):
        return float(np.dot(w, special.ndtr((x - mu) / sd))) - target

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


def _nsb_posterior(prof: Profile):
    """Nodes, normalised weights and log-posterior of t = log beta for NSB."""
    k = float(prof.k)
    n = float(prof.n)
    ov = prof.values.astype(float)
    om = prof.mult.astype(float)

    def logpost(t):
        return _nsb_logpost(t, ov, om, n, k)

    # Hard range holding all the mass: for k beta << 1 the posterior of t falls as
    # beta^k_obs, for beta >> n^2 as 1/beta (the likelihood is flat there).
    t_min = -math.log(k) - 50.0
    t_max = 2.0 * math.log(n + 1.0) + 55.0
    grid = np.arange(t_min, t_max + _COARSE_STEP, _COARSE_STEP)
    fg = logpost(grid)
    i = int(np.argmax(fg))
    t0, f0 = float(grid[i]), float(fg[i])
    # mode and width of the log-posterior from parabolas through 3 points: the coarse grid's,
    # then (when the posterior is narrower than the grid step) a stencil matched to its width;
    # the panels need them only roughly (their widths adapt to sigma)
    # mode and width of the log-posterior by Newton steps on 3-point stencils, the first the coarse
    # grid's, then stencils matched to the width, the mode kept inside the coarse bracket; the
    # panels need the width only roughly (they adapt to it) but must be centred on the mode
    sigma = 1.0
    if 0 < i < grid.size - 1:
        lo_b, hi_b = float(grid[i - 1]), float(grid[i + 1])
        h, fp = _COARSE_STEP, fg[i - 1 : i + 2]
        for _ in range(10):
            d2 = (fp[0] - 2.0 * fp[1] + fp[2]) / (h * h)
            if not d2 < 0.0:
                break
            sigma = min(1.0 / math.sqrt(-d2), 1.0)
            target = min(max(t0 - (fp[2] - fp[0]) / (2.0 * h * d2), lo_b), hi_b)
            move, t0 = target - t0, target
            if abs(move) <= 0.01 * sigma and h <= sigma / 2.0:
                break
            h = min(h, sigma / 4.0)
            fp = logpost(np.array([t0 - h, t0, t0 + h]))
            f0 = max(f0, float(fp[1]))
    fmax = max(f0, float(fg.max()))
    keep = np.nonzero(fg >= fmax - _MASS_CUT)[0]
    lo = grid[keep[0]] - _COARSE_STEP if keep.size else t0
    hi = grid[keep[-1]] + _COARSE_STEP if keep.size else t0
    lo = min(lo, t0 - 12.0 * sigma)
    hi = max(hi, t0 + 12.0 * sigma)
    nodes, gw = _panels(t0, sigma, lo, hi)
    f = logpost(nodes)
    fmax = max(fmax, float(f.max()))
    sel = f >= fmax - 45.0
    nodes, gw, f = nodes[sel], gw[sel], f[sel]
    w = gw * np.exp(f - fmax)
    w = w / w.sum()
    return nodes, w, t0, sigma


def nsb(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Nemenman-Shafee-Bialek entropy estimate (posterior mean of H) and posterior SD.

    Prior: Dirichlet(beta) mixed with weight ``d xi / d beta``,
    ``xi(beta) = psi(k beta + 1) - psi(beta + 1)``.  The posterior of
    ``t = log beta`` is integrated with Gauss-Legendre panels centred on its
    mode, geometric in width out to the region where the density has fallen by
    e^-50.  The interval is the equal-tailed interval of the posterior of H
    approximated by a mixture of normals (one per node, with the Dirichlet
    posterior mean and SD at that beta), clipped to ``[0, log k]``.
    """
    k = prof.k
    if k <= 1:
        return KernelResult(
            0.0, 0.0, "posterior", (0.0, 0.0), {"beta_map": None, "log_beta_sd": None, "posterior_sd": 0.0, "nodes": 0},
        )
    logk = math.log(k)
    nodes, w, t0, sigma = _nsb_posterior(prof)
    values, mult = _classes(prof)
    mu, var = dirichlet_moments(values, mult, np.exp(nodes), n=prof.n, k=k)
    mean = float(np.dot(w, mu))
    tot_var = float(np.dot(w, var + (mu - mean) ** 2))
    sd = math.sqrt(max(tot_var, 0.0))
    mean = min(max(mean, 0.0), logk)
    interval = _mixture_interval(w, mu, np.sqrt(var), level, 0.0, logk)
    info = {
        "beta_map": math.exp(t0),
        "log_beta_sd": sigma,
        "posterior_sd": sd,
        "nodes": int(nodes.size),
    }
    if prof.n == prof.k_obs:
        info["warning"] = "no coincidences: the NSB estimate is dominated by the prior"
    return KernelResult(mean, sd, "posterior", interval, info)
