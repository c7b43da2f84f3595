"""The Jiao-Venkat-Han-Weissman (JVHW) minimax-rate entropy estimator for large alphabets.

J. Jiao, K. Venkat, Y. Han & T. Weissman, "Minimax estimation of functionals
of discrete distributions", IEEE Trans. Inf. Theory 61 (2015) 2835-2885.

Each observed outcome contributes an estimate of ``-p log p`` from its count
``X`` (``p_hat = X / n``):

* small ``p_hat`` (``p_hat <= Delta / 2``): the unbiased estimate of the best
  polynomial approximation of ``-p log p`` on ``[0, Delta]``,
  ``Delta = C log(n) / n``.  With ``P_L(y) ~ -y log y`` on ``[0, 1]`` of degree
  ``L``, ``-p log p ~ Delta P_L(p / Delta) - p log Delta``, and ``p^i`` is
  estimated without bias by ``(X)_i / (n)_i`` (falling factorials);
* large ``p_hat`` (``p_hat >= Delta``): the bias-corrected plug-in
  ``-p_hat log p_hat + 1/(2n)``;
* in between, the linear blend of the two (the smooth switch of the authors'
  practical implementation, which uses the whole sample for both the choice
  and the estimate instead of splitting it).

Choices (of the authors' practical implementation unless said):
``L = min(4 + ceil(1.2 log n), 22)``; a negative contribution is set to 0;
unseen outcomes contribute nothing (no support size is needed).  Departures:
``P_L`` is the Chebyshev interpolant of ``-y log y`` on ``[0, 1]`` (within a
small factor of the best uniform approximation, whose Remez coefficients the
reference code tabulates), and ``C`` is the fixed :data:`THRESHOLD_C` instead
of the reference code's fitted ``4 c_1(n / f1)``.  Samples smaller than ``L``
get the bias-corrected plug-in only.

Numerics: the monomial coefficients of ``P_L`` grow like ``5.8^L`` and cancel,
so the polynomial part is summed in exact rational arithmetic (``fractions``),
once per distinct count below the threshold (at most ``C log n`` of them).

Kernel signature as in :mod:`infokit._estimators.result`; values in nats.
Standard error: the delta-method one of the plug-in.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

import numpy as np
from scipy.special import xlogy

from infokit._estimators.discrete import _delta_stderr, _plugin_value
from infokit._estimators.result import KernelResult, Profile

__all__ = ["jvhw", "THRESHOLD_C", "degree", "poly_coefficients", "poly_estimate"]

#: ``Delta = THRESHOLD_C log(n) / n``: where the polynomial estimate hands over to the plug-in.
#: Chosen among 1, 2, 4 on the tuning grid of ``benchmarks/bench_new_estimators.py --tune`` (K = 1e4,
#: seed 1); 1 lets the polynomial's variance explode (worst RMSE 10 nats), 4 is 30% worse than 2.
THRESHOLD_C = 2.0
_MAX_DEGREE = 22


def degree(n: int) -> int:
    """Degree ``L = min(4 + ceil(1.2 log n), 22)`` of the polynomial approximation."""
    return min(4 + math.ceil(1.2 * math.log(n)), _MAX_DEGREE)


@functools.lru_cache(maxsize=None)
def poly_coefficients(L: int) -> tuple:
    """Exact monomial coefficients ``a_0..a_L`` (Fractions) of the degree-``L`` Chebyshev interpolant of ``-y log y`` on [0, 1]."""
    # Chebyshev coefficients on [-1, 1] of f(t) = -y log y, y = (t + 1) / 2 (floats, then exact)
    cheb = np.polynomial.chebyshev.chebinterpolate(lambda t: -xlogy((t + 1.0) / 2.0, (t + 1.0) / 2.0), L)
    # T_j(2y - 1) in powers of y, exactly: T_0 = 1, T_1 = 2y - 1, T_{j+1} = 2 (2y - 1) T_j - T_{j-1}
    prev, cur = [1], [-1, 2]
    rows = [prev, cur]
    for _ in range(2, L + 1):
        nxt = [0] * (len(cur) + 1)
        for i, c in enumerate(cur):
            nxt[i] -= 2 * c
            nxt[i + 1] += 4 * c
        for i, c in enumerate(prev):
            nxt[i] -= c
        prev, cur = cur, nxt
        rows.append(cur)
    a = [Fraction(0)] * (L + 1)
    for j in range(L + 1):
        cj = Fraction(float(cheb[j]))
        for i, t in enumerate(rows[j]):
            a[i] += cj * t
    return tuple(a)


def poly_estimate(x: int, n: int, delta: float, L: int) -> float:
    """Unbiased estimate, from a count ``x`` of ``n``, of ``Delta P_L(p / Delta) - p log Delta`` (exact sum)."""
    a = poly_coefficients(L)
    d = Fraction(delta)
    total = Fraction(0)
    ratio = Fraction(1)  # (x)_i / ((n)_i Delta^i)
    for i in range(L + 1):
        if i > 0:
            if x - (i - 1) <= 0:
                break
            ratio *= Fraction(x - (i - 1), (n - (i - 1))) / d
        total += a[i] * ratio
    return float(d * total) - x / n * math.log(delta)


def jvhw(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Jiao-Venkat-Han-Weissman entropy estimator: polynomial approximation for rare outcomes, corrected plug-in otherwise.

    Needs no support size.  ``info``: the degree ``L`` and the threshold
    ``Delta``.  Reference: J. Jiao, K. Venkat, Y. Han & T. Weissman, IEEE
    Trans. Inf. Theory 61 (2015) 2835-2885 (module notes for the choices).
    """
    n = prof.n
    L = degree(n)
    v = prof.values.astype(np.float64)
    p = v / n
    mle = -xlogy(p, p) + 0.5 / n
    if n < L or n < 2:
        delta = 0.0
        out = mle
    else:
        delta = THRESHOLD_C * math.log(n) / n
        ratio = np.clip(2.0 * p / delta - 1.0, 0.0, 1.0)
        poly = np.zeros_like(p)
        for i in np.nonzero(ratio < 1.0)[0]:
            poly[i] = poly_estimate(int(prof.values[i]), n, delta, L)
        out = ratio * mle + (1.0 - ratio) * poly
    out = np.maximum(out, 0.0)
    value = float(np.sum(prof.mult * out))
    se = _delta_stderr(prof, _plugin_value(prof))
    info = {"degree": L, "threshold": delta}
    if prof.k_declared:
        info["support_size_used"] = False
    return KernelResult(value, se, "delta", info=info)
