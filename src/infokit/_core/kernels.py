"""The formulas, written once against the array API.

Every kernel takes the namespace ``xp`` and validated, broadcast arrays whose
event axis is the last one, and returns values in nats.  Kernels never
validate and never convert units.

Accuracy notes (the reasons for the shapes of these formulas):

* Probabilities are taken as the exact distributions ``p / sum(p)``; the
  normalising sums are folded in at the end (``*_finish``) instead of dividing
  every element, which would round every element.
* Every summed term is non-negative, so sums do not cancel:
  ``-p log p``, ``-p log q`` and, for KL, ``p log(p/q) - p + q``.
* The KL term ``p log(p/q) - p + q`` cancels catastrophically when p ~ q.  With
  ``v = (p - q) / (p + q)`` it equals ``(p - q) v + 2 p (v^3/3 + v^5/5 + ...)``,
  whose terms are all small and of known sign; it is used for ``|v| < 0.05``.
* In log space, ``lp - lq`` for nearly identical logits is computed without the
  rounding of two separate log-sum-exps (see :func:`_log_ratio`).
"""

from __future__ import annotations

import math

__all__ = [
    "KL_SERIES_V",
    "kl_series_terms",
    "kl_finish",
    "entropy_finish",
    "cross_entropy_finish",
    "entropy_probs",
    "cross_entropy_probs",
    "kl_terms",
    "kl_probs",
    "js_terms",
    "js_probs",
    "log_softmax",
    "entropy_logits",
    "cross_entropy_logits",
    "kl_logits",
    "h_terms",
    "js_logits",
    "renyi_entropy_logits",
    "renyi_divergence_logits",
]

#: |v| = |p - q| / (p + q) below which the KL term is evaluated by its series.
KL_SERIES_V = 0.05
# 2 * atanh(v) - 2 v = 2 v^3 (1/3 + v^2/5 + ...): coefficients up to v^15.
_ATANH_COEFFS = tuple(1.0 / k for k in range(3, 17, 2))
# h(d) = d - 1 + exp(-d) = sum_{k>=2} (-d)^k / k!  (d^2 factored out).
_H_COEFFS = tuple((-1.0) ** k / math.factorial(k) for k in range(2, 19))
_H_SERIES_D = 0.5


def _horner(x, coeffs):
    acc = coeffs[-1]
    for c in reversed(coeffs[:-1]):
        acc = c + x * acc
    return acc


def _fill(xp, x, value):
    return xp.full_like(x, value)


class _Scalars:
    """The few namespace functions the ``*_finish`` kernels use, on Python floats.

    A single distribution's statistics are scalars; evaluating the same
    formulas on floats instead of 0-d arrays costs nanoseconds, not
    microseconds per operation.
    """

    where = staticmethod(lambda cond, a, b: a if cond else b)
    abs = staticmethod(abs)
    zeros_like = staticmethod(lambda x: 0.0)

    @staticmethod
    def log(x):
        return math.log(x) if x > 0 else (-math.inf if x == 0 else math.nan)

    @staticmethod
    def log1p(x):
        return math.log1p(x) if x > -1 else (-math.inf if x == -1 else math.nan)


#: A namespace for the ``*_finish`` kernels on Python floats.
SCALAR = _Scalars()


# --------------------------------------------------------------------------
# probabilities
# --------------------------------------------------------------------------
def kl_series_terms(xp, p, q):
    """``p log(p/q) - p + q`` for ``p, q > 0`` with ``|p - q| < 0.05 (p + q)``.

    No cancellation: ``(p - q) v >= 0`` dominates and the odd series in ``v``
    is a relative correction of at most ``2|v|/3``.
    """
    d = p - q
    v = d / (p + q)
    v2 = v * v
    return d * v + (2.0 * p) * (v * v2) * _horner(v2, _ATANH_COEFFS)


def kl_finish(xp, a, sp, sq_minus_sp):
    """D(p/sp || q/sq) from ``a = sum(p log(p/q) - p + q)``, ``sp`` and ``sum(q - p)``.

    D = a/sp - psi(r) with r = sq/sp - 1 and psi(r) = r - log1p(r) >= 0.
    ``sum(q - p)`` is summed from the (exact, when p ~ q) differences, not as
    ``sq - sp``: for nearly identical distributions D ~ 1e-21 is comparable
    with the rounding of r^2.
    """
    r = sq_minus_sp / sp
    small = xp.abs(r) < 1e-4
    rs = xp.where(small, r, xp.zeros_like(r))
    psi_series = rs * rs * (0.5 - rs * (1.0 / 3.0 - rs * 0.25))
    rl = xp.where(small, xp.zeros_like(r), r)
    psi = xp.where(small, psi_series, rl - xp.log1p(rl))
    d = a / sp - psi
    return xp.where(d < 0, xp.zeros_like(d), d)


def entropy_finish(xp, t, s):
    """H(p/s) from ``t = sum(-p log p)``: t/s + log s."""
    return t / s + xp.log(s)


def cross_entropy_finish(xp, t, sp, sq):
    """H(p/sp, q/sq) from ``t = sum(-p log q)``: t/sp + log sq."""
    return t / sp + xp.log(sq)


def entropy_probs(xp, p):
    pz = p == 0
    ps = xp.where(pz, xp.ones_like(p), p)
    t = xp.where(pz, xp.zeros_like(p), -ps * xp.log(ps))
    return entropy_finish(xp, xp.sum(t, axis=-1), xp.sum(p, axis=-1))


def cross_entropy_probs(xp, p, q):
    pz, qz = p == 0, q == 0
    qs = xp.where(qz, xp.ones_like(q), q)
    t = -p * xp.log(qs)
    t = xp.where(pz, xp.zeros_like(t), xp.where(qz, _fill(xp, t, math.inf), t))
    return cross_entropy_finish(xp, xp.sum(t, axis=-1), xp.sum(p, axis=-1), xp.sum(q, axis=-1))


def kl_terms(xp, p, q):
    """Elementwise ``p log(p/q) - p + q >= 0`` (q where p = 0, inf where q = 0 < p)."""
    pz, qz = p == 0, q == 0
    one = xp.ones_like(p)
    ps, qs = xp.where(pz, one, p), xp.where(qz, one, q)
    ratio = ps / qs  # overflows (q subnormal) or loses digits (subnormal ratio) at the extremes
    safe = (ratio > 1e-300) & (ratio < 1e300)
    log_ratio = xp.where(safe, xp.log(xp.where(safe, ratio, one)), xp.log(ps) - xp.log(qs))
    direct = ps * log_ratio - (ps - qs)
    small = xp.abs(ps - qs) < KL_SERIES_V * (ps + qs)
    t = xp.where(small, kl_series_terms(xp, ps, qs), direct)
    return xp.where(pz, q, xp.where(qz, _fill(xp, t, math.inf), t))


# g(v) = (1+v) log(1+v) + (1-v) log(1-v) = sum_k v^(2k) / (k (2k-1)), divided by v^2.
_G_COEFFS = tuple(1.0 / (k * (2 * k - 1)) for k in range(1, 13))


def js_terms(xp, p, q):
    """Elementwise ``(p log(2p/(p+q)) + q log(2q/(p+q))) / 2 >= 0``.

    With s = p + q and v = (p - q)/s this is ``s/4 * g(v)``, even in v, a
    series for |v| < 0.1 (no cancellation for nearly equal p, q) and the
    closed form otherwise; at v = +-1 (one of p, q zero) it is ``s log(2)/2``.
    """
    s = p + q
    sz = s == 0
    ss = xp.where(sz, xp.ones_like(s), s)
    v = (p - q) / ss
    small = xp.abs(v) < 0.1
    vs = xp.where(small, v, xp.zeros_like(v))
    v2 = vs * vs
    series = v2 * _horner(v2, _G_COEFFS)
    vl = xp.where(small, xp.full_like(v, 0.5), v)
    vl = xp.where(xp.abs(vl) == 1.0, xp.full_like(v, 0.5), vl)
    closed = (1.0 + vl) * xp.log1p(vl) + (1.0 - vl) * xp.log1p(-vl)
    g = xp.where(small, series, xp.where(xp.abs(v) == 1.0, _fill(xp, v, 2.0 * math.log(2.0)), closed))
    return xp.where(sz, xp.zeros_like(s), 0.25 * ss * g)


def js_probs(xp, p, q):
    """JS of p/sum(p) and q/sum(q) (each renormalised elementwise)."""
    pn = p / xp.sum(p, axis=-1, keepdims=True)
    qn = q / xp.sum(q, axis=-1, keepdims=True)
    return xp.sum(js_terms(xp, pn, qn), axis=-1)


def kl_probs(xp, p, q):
    t = kl_terms(xp, p, q)
    return kl_finish(xp, xp.sum(t, axis=-1), xp.sum(p, axis=-1), xp.sum(q - p, axis=-1))


# --------------------------------------------------------------------------
# log space
# --------------------------------------------------------------------------
def log_softmax(xp, z):
    """``z - logsumexp(z)`` along the last axis; -inf logits stay -inf."""
    m = xp.max(z, axis=-1, keepdims=True)
    zm = z - m
    return zm - xp.log(xp.sum(xp.exp(zm), axis=-1, keepdims=True))


def _logsumexp(xp, x):
    m = xp.max(x, axis=-1, keepdims=True)
    m = xp.where(xp.isfinite(m), m, xp.zeros_like(m))
    return xp.squeeze(m, axis=-1) + xp.log(xp.sum(xp.exp(x - m), axis=-1))


def entropy_logits(xp, z):
    lp = log_softmax(xp, z)
    pz = lp == -math.inf
    # -lp = (max z - z) + log(sum exp(z - max z)) >= 0: non-negative terms
    return xp.sum(xp.exp(lp) * xp.where(pz, xp.zeros_like(lp), -lp), axis=-1)


def cross_entropy_logits(xp, zp, zq):
    lp, lq = log_softmax(xp, zp), log_softmax(xp, zq)
    pz, qz = lp == -math.inf, lq == -math.inf
    t = xp.exp(lp) * xp.where(qz, xp.zeros_like(lq), -lq)
    t = xp.where(pz, xp.zeros_like(t), xp.where(qz, _fill(xp, t, math.inf), t))
    return xp.sum(t, axis=-1)


def _unoffset(xp, z):
    """``z`` minus its largest logit where that exceeds 2^10 in magnitude (rows left alone elsewhere)."""
    m = xp.max(z, axis=-1, keepdims=True)
    return z - xp.where(xp.abs(m) > 1024.0, m, xp.zeros_like(m))


def _log_ratio(xp, zp, zq, lp, lq):
    """``lp - lq`` where both logits are finite, accurate when zp ~ zq.

    With w = exp(zq - max zq), Delta = zp - zq (exact when close) and a
    reference index r among the largest weights, the ratio of normalisers is
    log(sum e^zp / sum e^zq) = Delta_r + log1p(sum w expm1(Delta - Delta_r) / sum w),
    so lp - lq = (Delta - Delta_r) - log1p(...) without subtracting two large
    log-sum-exps.  Rows where this would overflow use ``lp - lq``.
    """
    ninf = -math.inf
    # a row whose largest logit exceeds 2^10 in magnitude (logits of 1e17) would swallow the other row's
    # logits in zp - zq: it is shifted by its largest logit first (exact for the entries that carry
    # its mass, Sterbenz).  Other rows are left alone: their differences must stay exact when zp ~ zq.
    zp, zq = _unoffset(xp, zp), _unoffset(xp, zq)
    fin = xp.isfinite(zp) & xp.isfinite(zq)
    qfin = xp.isfinite(zq)
    zero = xp.zeros_like(zq)
    delta = xp.where(fin, zp - zq, zero)
    zq_fin = xp.where(fin, zq, _fill(xp, zq, ninf))
    ref = fin & (zq_fin == xp.max(zq_fin, axis=-1, keepdims=True))
    delta_ref = xp.max(xp.where(ref, delta, _fill(xp, zq, ninf)), axis=-1, keepdims=True)
    ok_ref = xp.isfinite(delta_ref)
    eta = delta - xp.where(ok_ref, delta_ref, xp.zeros_like(delta_ref))
    w = xp.exp(xp.where(qfin, zq - xp.max(zq, axis=-1, keepdims=True), _fill(xp, zq, ninf)))
    g = xp.where(fin, xp.expm1(xp.where(eta > 600.0, _fill(xp, eta, 600.0), eta)), _fill(xp, eta, -1.0))
    g = xp.where(qfin, g, zero)
    sw = xp.sum(w, axis=-1, keepdims=True)
    x = xp.sum(w * g, axis=-1, keepdims=True) / sw
    # log1p(x) cancels as x -> -1 (p puts its mass where q has little): there
    # log(sum w e^eta) - log(sum w) is the accurate form.
    e = xp.where(fin, xp.exp(xp.where(eta > 600.0, _fill(xp, eta, 600.0), eta)), zero)
    far = xp.log(xp.sum(w * e, axis=-1, keepdims=True)) - xp.log(sw)
    c = xp.where(x < -0.5, far, xp.log1p(xp.where(x < -0.5, xp.zeros_like(x), x)))
    accurate = eta - c
    use = ok_ref & (xp.max(xp.where(fin, eta, zero), axis=-1, keepdims=True) <= 600.0)
    plain = xp.where(fin, lp - lq, zero)
    return xp.where(use, accurate, plain)


def h_terms(xp, d):
    """``h(d) = d - 1 + exp(-d) >= 0``: the power series for ``|d| < 0.5``, ``d + expm1(-d)`` beyond.

    The function behind the log-space KL term (``p h(log p - log q)``), the
    k3 log-ratio estimator and the parametric closed forms (``expm1(t) - t =
    h(-t)``); tiny ``d`` keep full relative accuracy (``h(1e-10) = 5e-21``).
    """
    small = xp.abs(d) < _H_SERIES_D
    ds = xp.where(small, d, xp.zeros_like(d))
    series = ds * ds * _horner(ds, _H_COEFFS)
    dl = xp.where(small, xp.ones_like(d), d)
    return xp.where(small, series, dl + xp.expm1(-dl))


def kl_logits(xp, zp, zq):
    """D(softmax zp || softmax zq) as a sum of non-negative terms.

    With d = lp - lq: term = p (d - 1 + e^{-d}) = q (1 + e^d (d - 1)) >= 0,
    the first form for d >= -1 (series for |d| < 0.5), the second below.
    """
    lp, lq = log_softmax(xp, zp), log_softmax(xp, zq)
    pz, qz = lp == -math.inf, lq == -math.inf
    d = _log_ratio(xp, zp, zq, lp, lq)
    dp = xp.where(d < -1.0, _fill(xp, d, -1.0), d)
    t_pos = xp.exp(lp) * h_terms(xp, dp)
    dn = xp.where(d < -1.0, d, _fill(xp, d, -1.0))
    t_neg = xp.exp(lq) * (1.0 + xp.exp(dn) * (dn - 1.0))
    t = xp.where(d >= -1.0, t_pos, t_neg)
    t = xp.where(pz, xp.exp(lq), xp.where(qz, _fill(xp, t, math.inf), t))
    return xp.sum(t, axis=-1)


def js_logits(xp, zp, zq):
    """Jensen-Shannon divergence from logits: mean of KL to the mixture."""
    lp, lq = log_softmax(xp, zp), log_softmax(xp, zq)
    lm = xp.logaddexp(lp, lq) - math.log(2.0)
    return 0.5 * (kl_logits(xp, lp, lm) + kl_logits(xp, lq, lm))


def _log_power_sum(xp, lw, base_l, k):
    """log sum exp(base_l) * exp(k * lw) over the last axis (masked: base_l=-inf).

    Computed two ways and the accurate one chosen: the plain log-sum-exp is
    accurate unless the result is near 0, where log1p(sum e^base_l expm1(k lw))
    (the form that tends smoothly to Shannon/KL as alpha -> 1) is used.
    """
    mask = base_l == -math.inf
    zero = xp.zeros_like(lw)
    lwz = xp.where(mask, zero, lw)
    arg = k * lwz
    big = arg > 700.0
    argc = xp.where(big, _fill(xp, arg, 700.0), arg)
    blz = xp.where(mask, zero, base_l)
    term = xp.where(big, xp.exp(blz + arg) - xp.exp(blz), xp.exp(blz) * xp.expm1(argc))
    term = xp.where(mask, zero, term)
    near = xp.log1p(xp.sum(term, axis=-1))
    far = _logsumexp(xp, xp.where(mask, _fill(xp, lw, -math.inf), base_l + arg))
    return xp.where(xp.abs(far) > 0.25, far, near)


def renyi_entropy_logits(xp, z, alpha: float):
    lp = log_softmax(xp, z)
    pz = lp == -math.inf
    if alpha == 0:
        return xp.log(xp.sum(xp.where(pz, xp.zeros_like(lp), xp.ones_like(lp)), axis=-1))
    if alpha == math.inf:
        return -xp.max(lp, axis=-1)
    # sum p^alpha = sum p * p^(alpha-1)
    return _log_power_sum(xp, lp, lp, alpha - 1.0) / (1.0 - alpha)


def renyi_divergence_logits(xp, zp, zq, alpha: float):
    lp, lq = log_softmax(xp, zp), log_softmax(xp, zq)
    pz, qz = lp == -math.inf, lq == -math.inf
    if alpha == 0:  # -log Q(supp P), from whichever of the two masses is accurate
        q = xp.exp(lq)
        outside = xp.sum(xp.where(pz, q, xp.zeros_like(q)), axis=-1)
        inside = xp.sum(xp.where(pz, xp.zeros_like(q), q), axis=-1)
        return xp.where(inside < 0.5, -xp.log(inside), -xp.log1p(-outside))
    inf = _fill(xp, lp, math.inf)
    d = xp.where(qz, inf, lp - xp.where(qz, xp.zeros_like(lq), lq))
    if alpha == math.inf:
        return xp.max(xp.where(pz, -inf, d), axis=-1)
    # sum p^alpha q^(1-alpha) = sum p * (p/q)^(alpha-1)
    return _log_power_sum(xp, d, xp.where(pz, -inf, lp), alpha - 1.0) / (alpha - 1.0)
