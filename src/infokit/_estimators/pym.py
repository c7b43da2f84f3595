"""The Pitman-Yor mixture (PYM) entropy estimator, for unknown or countably infinite support.

E. Archer, I. M. Park & J. W. Pillow, "Bayesian entropy estimation for
countable discrete distributions", JMLR 15 (2014) 2833-2868.

The prior on the distribution is a Pitman-Yor process PY(d, alpha)
(discount ``0 <= d < 1``, concentration ``alpha > 0``) mixed over
``(d, alpha)``.  Given counts with ``K`` distinct outcomes in ``N`` samples, the
posterior is ``(p_1..p_K, p_*) ~ Dirichlet(n_1 - d, ..., n_K - d, alpha + K d)``
with the unseen mass ``p_*`` spread as PY(d, alpha + K d), so that
``H = H_D + p_* H'``, ``H_D = -sum p_i log p_i - p_* log p_*`` and ``H'`` the
entropy of an independent PY(d, alpha + K d).

Conditional moments (all closed forms in digammas/trigammas), with
``A = alpha + N``, ``a_* = alpha + K d``::

    E[H | d, alpha] = psi(A + 1) - a_*/A psi(1 - d) - sum_i (n_i - d) psi(n_i - d + 1) / A
    Var[H | d, alpha] = Var[H_D] + 2 E[H'] Cov(H_D, p_*) + E[p_*^2] Var[H'] + Var[p_*] E[H']^2

with ``Var[H_D]`` the Dirichlet posterior variance (evaluated as in
:mod:`infokit._estimators.bayes`), ``Cov(H_D, p_*) = a_* (u - psi(a_* + 1)) / (A (A+1))``
(``u = sum_x a_x psi(a_x + 1) / A`` over the ``K + 1`` cells),
``E[H'] = psi(a_* + 1) - psi(1 - d)`` and ``E[H'^2]`` of PY(d, theta) from its
first two size-biased picks ``V_1 ~ Beta(1-d, theta+d)``, ``V_2 ~ Beta(1-d, theta+2d)``::

    E[H'^2] = E[V_1 log^2 V_1] + E[(1 - V_1) log V_1 log(1 - V_1)] + E[(1 - V_1) log V_1] E[log V_2]

The mixing prior is the default of the authors' reference implementation
(``pymPriorFactory('default')`` of github.com/pillowlab/PYMentropy): the
density in ``(alpha, d)`` is ``q(gamma) = exp(-10 / (1 - gamma))`` with
``gamma = (psi(1) - psi(1 - d)) / h``, the share of the prior mean entropy
``h = psi(alpha + 1) - psi(1 - d)`` owed to the heavy tail (``alpha > 0``,
``0 <= d < 1``).  Its published example (counts 1, 2, 2, 4: 2.1476 nats,
posterior variance 0.2715) is reproduced, to three digits, by these formulas
on the integration box that implementation uses (a Hessian-based box around
the posterior mode, ``alpha <= 13.3`` there); integrated over the whole
posterior, as here, the same counts give 2.244 nats.
The marginal likelihood of ``(d, alpha)`` is the Pitman-Yor exchangeable partition
probability::

    p(n | d, alpha) = prod_{i=1}^{K-1} (alpha + i d) Gamma(alpha + 1) / Gamma(alpha + N)
                      prod_i Gamma(n_i - d) / Gamma(1 - d)

The posterior of ``(log alpha, d)`` is integrated by tensor Gauss-Legendre
quadrature on a box that is shrunk, from a coarse grid, onto the region where
the posterior density is within e^-40 of its maximum.

For large ``alpha`` the likelihood falls as ``alpha^(K - N)`` and the prior
tends to a constant, so the posterior is proper only when ``N - K >= 2``
(at least two repeats of an outcome already seen); with fewer the estimate is
undefined, and the kernel raises an error instead.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from scipy import special

from infokit._estimators.bayes import _c, _h, _log_rising
from infokit._estimators.result import KernelResult, Profile
from infokit.errors import InvalidArgumentError

__all__ = ["pym", "py_posterior_moments", "py_prior_moments", "py_log_likelihood", "pym_log_prior"]

#: the prior's ``q(gamma) = exp(-GAMMA_SCALE / (1 - gamma))`` (the paper's default, 10)
GAMMA_SCALE = 10.0

_GL_X, _GL_W = np.polynomial.legendre.leggauss(6)
_PANELS = 6  # Gauss-Legendre panels per axis of the box
_MASS_CUT = 40.0  # log-density drop below the maximum treated as no mass
_D_MAX = 1.0 - 1e-9
_T_PANEL, _D_PANEL = 2.0, 0.1  # widest panels in log alpha and in d
_MAX_REFINE = 12  # shrinkings of the box onto the posterior mass


def _psi(x):
    return special.digamma(x)


def _tri(x):
    return special.polygamma(1, x)


def py_log_likelihood(alpha, d, values, mult):
    """``log p(counts | d, alpha)`` of the Pitman-Yor partition, broadcast over ``alpha`` and ``d`` (arrays)."""
    alpha = np.asarray(alpha, dtype=float)
    d = np.asarray(d, dtype=float)
    values = np.asarray(values, dtype=float)
    mult = np.asarray(mult, dtype=float)
    k = float(mult.sum())
    n = float(np.dot(values, mult))
    # sum_{i=1}^{K-1} log(alpha + i d) = (K-1) log(alpha + d) + D(alpha/d + 1, K-1)  (0 extra when d = 0)
    pos = d > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        x = np.where(pos, alpha / np.where(pos, d, 1.0) + 1.0, 1.0)
    tables = (k - 1.0) * np.log(alpha + d) + np.where(pos, _log_rising(x, k - 1.0), 0.0)
    # log Gamma(alpha + 1) - log Gamma(alpha + N) = -(N-1) log(alpha + 1) - D(alpha + 1, N - 1)
    seats = -(n - 1.0) * np.log1p(alpha) - _log_rising(alpha + 1.0, n - 1.0)
    om = 1.0 - d[..., None]
    counts = (mult * (special.gammaln(values - d[..., None]) - special.gammaln(om))).sum(axis=-1)
    return tables + seats + counts


def pym_log_prior(alpha, d):
    """Log density (unnormalised) of the PYM mixing prior in ``(alpha, d)``: ``log q(gamma)`` (module notes)."""
    alpha = np.asarray(alpha, dtype=float)
    d = np.asarray(d, dtype=float)
    psi_1d = _psi(1.0 - d)
    gamma = (_psi(1.0) - psi_1d) / (_psi(alpha + 1.0) - psi_1d)
    return -GAMMA_SCALE / (1.0 - gamma)


def py_prior_moments(d, theta):
    """Mean and variance of the entropy of PY(d, theta) (a priori), broadcast."""
    d = np.asarray(d, dtype=float)
    theta = np.asarray(theta, dtype=float)
    a, b = 1.0 - d, theta + d
    s = theta + 1.0  # a + b
    mean = _psi(s) - _psi(a)
    p1 = _psi(s + 1.0)
    t1 = a / s * ((_psi(a + 1.0) - p1) ** 2 + _tri(a + 1.0) - _tri(s + 1.0))
    t2 = b / s * ((_psi(a) - p1) * (_psi(b + 1.0) - p1) - _tri(s + 1.0))
    t3 = b / s * (_psi(a) - p1) * (_psi(a) - _psi(theta + d + 1.0))
    var = np.maximum(t1 + t2 + t3 - mean * mean, 0.0)
    return mean, var


def py_posterior_moments(alpha, d, values, mult):
    """Posterior mean and variance of H given counts (fingerprint ``values``/``mult``) under PY(d, alpha).

    ``alpha`` and ``d`` are 1-D arrays of the same length (one result per pair).
    """
    alpha = np.atleast_1d(np.asarray(alpha, dtype=float))
    d = np.atleast_1d(np.asarray(d, dtype=float))
    values = np.asarray(values, dtype=float)
    mult = np.asarray(mult, dtype=float)
    k = float(mult.sum())
    n = float(np.dot(values, mult))
    A = alpha + n
    a_star = alpha + k * d
    cells = np.concatenate((values[None, :] - d[:, None], a_star[:, None]), axis=1)  # (B, C+1)
    w = np.concatenate((mult, [1.0]))[None, :] * cells
    psi1 = _psi(cells + 1.0)
    u = (w * psi1).sum(axis=1) / A
    prior_mean, prior_var = py_prior_moments(d, a_star)
    mean = _psi(A + 1.0) - u + a_star / A * prior_mean
    # Dirichlet part (cancellation-free form of infokit._estimators.bayes.dirichlet_moments)
    dev = psi1 - u[:, None]
    var_d = ((w * dev * dev).sum(axis=1) + (w * _h(cells)).sum(axis=1)) / (A * (A + 1.0)) + _c(A)
    cov = a_star * (u - _psi(a_star + 1.0)) / (A * (A + 1.0))
    e2 = a_star * (a_star + 1.0) / (A * (A + 1.0))
    var_p = a_star * (A - a_star) / (A * A * (A + 1.0))
    var = var_d + 2.0 * prior_mean * cov + e2 * prior_var + var_p * prior_mean**2
    return mean, np.maximum(var, 0.0)


def _log_post(t, d, values, mult):
    """Log posterior density of ``(t = log alpha, d)`` (unnormalised)."""
    alpha = np.exp(t)
    with np.errstate(all="ignore"):
        f = py_log_likelihood(alpha, d, values, mult) + pym_log_prior(alpha, d) + t
    return np.where(np.isfinite(f), f, -np.inf)


def _rule(lo, hi, widest):
    """Gauss-Legendre nodes and weights on [lo, hi]: at least ``_PANELS`` panels, none wider than ``widest``."""
    edges = np.linspace(lo, hi, max(_PANELS, int(math.ceil((hi - lo) / widest))) + 1)
    half = 0.5 * np.diff(edges)
    mid = 0.5 * (edges[1:] + edges[:-1])
    x = (mid[:, None] + half[:, None] * _GL_X[None, :]).ravel()
    wt = (half[:, None] * _GL_W[None, :]).ravel()
    return x, wt


def _box(tt, dd, f, dt, ddl):
    """Bounding box of the points within ``_MASS_CUT`` of the maximum, widened by ``dt``/``ddl``."""
    keep = f >= f.max() - _MASS_CUT
    t_lo, t_hi = tt[keep].min() - dt, tt[keep].max() + dt
    d_lo, d_hi = max(dd[keep].min() - ddl, 0.0), min(dd[keep].max() + ddl, _D_MAX)
    return t_lo, t_hi, d_lo, d_hi


def _posterior_nodes(values, mult, n):
    """Quadrature nodes ``(alpha, d)`` and normalised weights of the posterior of ``(d, alpha)``."""
    # the density of t = log alpha falls as e^t for small alpha and as e^-(N-K-1)t for large alpha
    t_grid = np.arange(-50.0, 2.0 * math.log(n + 1.0) + 50.0, 1.0)
    d_grid = np.concatenate(([0.0], np.linspace(0.0125, 0.9875, 40)))
    tt, dd = (g.ravel() for g in np.meshgrid(t_grid, d_grid, indexing="ij"))
    f = _log_post(tt, dd, values, mult)
    box = _box(tt, dd, f, 0.5, 0.025)
    for _ in range(_MAX_REFINE):
        xt, wt = _rule(box[0], box[1], _T_PANEL)
        xd, wd = _rule(box[2], box[3], _D_PANEL)
        tt, dd = (g.ravel() for g in np.meshgrid(xt, xd, indexing="ij"))
        ww = np.outer(wt, wd).ravel()
        f = _log_post(tt, dd, values, mult)
        new = _box(tt, dd, f, min((box[1] - box[0]) / _PANELS, _T_PANEL), min((box[3] - box[2]) / _PANELS, _D_PANEL))
        shrunk = (new[1] - new[0]) < 0.7 * (box[1] - box[0]) or (new[3] - new[2]) < 0.7 * (box[3] - box[2])
        grown = new[0] < box[0] or new[1] > box[1] or (new[2] < box[2]) or (new[3] > box[3])
        if not (shrunk or grown):
            break
        box = (min(new[0], box[0]) if grown else new[0], max(new[1], box[1]) if grown else new[1],
               min(new[2], box[2]) if grown else new[2], max(new[3], box[3]) if grown else new[3])
    sel = f >= f.max() - _MASS_CUT - 5.0
    w = ww[sel] * np.exp(f[sel] - f.max())
    return np.exp(tt[sel]), dd[sel], w / w.sum()


@functools.lru_cache(maxsize=8)
def _posterior_summary(values: bytes, mult: bytes, vtype: str, mtype: str, n: int):
    """``(mean, SD, mean of d, mean of alpha)`` of the PYM posterior of the fingerprint ``(values, mult)``.

    It depends on the fingerprint alone (no support size, no randomness), so it is kept for the last few
    fingerprints: ``auto``'s intervals of a mutual information ask for it twice on each of the three
    tables (once for the widening, once for the composed interval).
    """
    v = np.frombuffer(values, dtype=vtype).astype(float)
    m = np.frombuffer(mult, dtype=mtype).astype(float)
    alpha, d, w = _posterior_nodes(v, m, n)
    mu, var = py_posterior_moments(alpha, d, v, m)
    mean = float(np.dot(w, mu))
    sd = math.sqrt(max(float(np.dot(w, var + (mu - mean) ** 2)), 0.0))
    return mean, sd, float(np.dot(w, d)), float(np.dot(w, alpha))


def pym(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Pitman-Yor mixture (PYM) posterior mean of the entropy, with the posterior SD as standard error.

    Needs no support size (a declared one is not used: the prior is on
    distributions over countably many outcomes).  The posterior over
    ``(d, alpha)`` is integrated numerically (module notes).  ``info``: the
    posterior means of ``d`` and ``alpha``.  Reference: E. Archer, I. M. Park &
    J. W. Pillow, JMLR 15 (2014) 2833-2868.

    Raises
    ------
    InvalidArgumentError
        Fewer than two coincidences (``n - k_observed < 2``): the PYM posterior
        is then improper.
    """
    if prof.coincidences < 2:
        raise InvalidArgumentError(
            f"method='pym' needs at least two repeated samples (n - k_observed >= 2, got "
            f"{prof.coincidences}): with fewer the Pitman-Yor mixture posterior is improper and the estimate "
            "undefined; use a method with a declared support_size (e.g. 'nsb') or collect more samples"
        )
    mean, sd, d_mean, alpha_mean = _posterior_summary(prof.values.tobytes(), prof.mult.tobytes(),
                                                      prof.values.dtype.str, prof.mult.dtype.str, prof.n)
    info = {"d_mean": d_mean, "alpha_mean": alpha_mean, "posterior_sd": sd}
    if prof.k_declared:
        info["support_size_used"] = False
    return KernelResult(max(mean, 0.0), sd, "posterior", None, info)
