"""The Chao-Wang-Jost estimator of the Shannon entropy (species accumulation curve).

A. Chao, Y. T. Wang & L. Jost, "Entropy and the species accumulation curve: a
novel entropy estimator via discovery rates of new species", Methods in
Ecology and Evolution 4 (2013) 1091-1100, eq. 7::

    H = sum_{1 <= n_x <= n-1} (n_x / n) sum_{j=n_x}^{n-1} 1/j
        + (f1 / n) (1 - A)^(1-n) [-log A - sum_{r=1}^{n-1} (1 - A)^r / r]

with ``A = 2 f2 / ((n-1) f1 + 2 f2)`` when ``f2 > 0``,
``A = 2 / ((n-1)(f1-1) + 2)`` when ``f2 = 0 < f1``, and ``A = 1`` (the second
term is then 0) when ``f1 = f2 = 0``.

The first sum is Zhang's (2012) estimator, ``sum_x p_x (psi(n) - psi(n_x))``,
computed by :func:`infokit._estimators.discrete.zhang`.  The second term, the
entropy of the part of the distribution not yet discovered, is evaluated
without the cancellation of its printed form: since ``-log A = sum_{r>=1}
(1-A)^r / r``, with ``B = 1 - A`` it equals

    ``(f1 / n) sum_{j>=1} B^j / (n - 1 + j) = (f1 / n) int_0^inf e^{-(n-1)s} B e^{-s} / (1 - B e^{-s}) ds``

(``1 / m = int_0^inf e^{-m s} ds``), a sum of positive terms integrated by
adaptive quadrature with ``1 - B e^{-s} = -expm1(-s) + A e^{-s}``.

Kernel signature as in :mod:`infokit._estimators.result`; values in nats; it
needs no support size.  Standard error: the delta-method one of the plug-in
(sampling noise of the observed frequencies only; the paper's bootstrap over
an estimated assemblage is not provided).
"""

from __future__ import annotations

import math

import numpy as np

from infokit._estimators.discrete import _delta_stderr, _plugin_value, zhang
from infokit._estimators.result import KernelResult, Profile

__all__ = ["chao_wang_jost", "undetected_entropy", "discovery_a"]


def discovery_a(n: int, f1: int, f2: int) -> float:
    """The paper's ``A`` (the estimated probability that the next singleton is not re-seen): see module notes."""
    if f2 > 0:
        return 2.0 * f2 / ((n - 1.0) * f1 + 2.0 * f2)
    if f1 > 0:
        return 2.0 / ((n - 1.0) * (f1 - 1.0) + 2.0)
    return 1.0


def _tail_sum(m: float, a: float) -> float:
    """``sum_{j>=1} B^j / (m + j)``, ``B = 1 - a``, ``0 < a <= 1``, ``m >= 0``."""
    if a >= 1.0:
        return 0.0
    from scipy import integrate  # loaded on first use

    b = 1.0 - a

    def f(s):
        e = math.exp(-s)
        return math.exp(-m * s) * b * e / (-math.expm1(-s) + a * e)

    # the integrand falls like e^-(m+1)s, and like 1/(a + s) over [0, 1]: break at both scales
    top = 60.0 / (m + 1.0)
    brk = sorted({min(a, top / 2), min(1.0 / (m + 1.0), top / 2)})
    val, _ = integrate.quad(f, 0.0, top, points=brk, epsabs=0.0, epsrel=1e-12, limit=200)
    return float(val)


def undetected_entropy(n: int, f1: int, f2: int) -> float:
    """The second term of the estimator: the entropy contributed by the undetected outcomes (nats, >= 0)."""
    if f1 == 0:
        return 0.0
    return f1 / n * _tail_sum(n - 1.0, discovery_a(n, f1, f2))


def chao_wang_jost(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Chao-Wang-Jost (2013) entropy estimator: Zhang's sum plus the entropy of the undetected outcomes.

    Uses the singletons ``f1`` and doubletons ``f2`` (module notes for the
    formula and its evaluation); ignores the support size.
    ``info``: ``A`` and the undetected part ``undetected``.  Reference: A. Chao,
    Y. T. Wang & L. Jost, Methods in Ecology and Evolution 4 (2013) 1091-1100.
    """
    n, f1, f2 = prof.n, prof.f(1), prof.f(2)
    first = zhang(prof, level=level, rng=rng).value
    second = undetected_entropy(n, f1, f2)
    se = _delta_stderr(prof, _plugin_value(prof))
    info = {"A": discovery_a(n, f1, f2), "undetected": second}
    if prof.k_declared:
        info["support_size_used"] = False
    return KernelResult(first + second, se, "delta", info=info)
