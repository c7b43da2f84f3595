"""High-precision reference implementations for the accuracy tests.

Every function takes NumPy (or array-like) float inputs and interprets them
*exactly*: each float is converted without rounding via ``mpf(float(x))``
(float16/float32 values are exactly representable as float64, so they are
covered too), and a probability vector ``p`` stands for the exact distribution
``p / sum(p)``, with the sum and the division carried out in mpmath.
Logit vectors ``z`` stand for the exact distribution ``softmax(z)``.

All arithmetic is done with ``mp.workdps(DPS)`` (DPS = 80 decimal digits), so
the returned ``mpf`` values are correct to far more digits than any float64
result can have.  Results are in nats.  Conventions:

* ``0 * log 0 = 0`` and ``0 * log(0/q) = 0`` (terms with p_i = 0 vanish);
* ``kl`` / ``cross_entropy`` are ``mpmath.inf`` when some p_i > 0 has q_i = 0.

Note on speed: sums over elements are computed over the *distinct* values
(or distinct (p_i, q_i) pairs) weighted by their multiplicity.  This is an
exact rewrite of the plain sum; it only makes references for million-element
vectors with repeated values affordable.

Always compare against these values with :func:`rel_err` (or inside
``mp.workdps(DPS)``): arithmetic on the returned mpf values at mpmath's
default 15 digits would round them.
"""

import numpy as np
from mpmath import mp, mpf

DPS = 80

__all__ = [
    "DPS",
    "entropy",
    "cross_entropy",
    "kl",
    "js",
    "renyi_entropy",
    "renyi_divergence",
    "entropy_logits",
    "kl_logits",
    "cross_entropy_logits",
    "rel_err",
]


# --------------------------------------------------------------------------
# input handling
# --------------------------------------------------------------------------
def _as_float64(a):
    a = np.asarray(a)
    if a.dtype.kind not in "fiu":
        raise TypeError(f"expected a real float array, got dtype {a.dtype}")
    a = a.astype(np.float64).ravel()  # exact for float16/float32/float64
    if a.size == 0:
        raise ValueError("empty input")
    if not np.all(np.isfinite(a)):
        raise ValueError("non-finite input")
    return a


def _grouped(*arrays):
    """Distinct tuples ``(a[i], b[i], ...)`` as mpf, with multiplicities.

    ``sum_i f(a[i], b[i])`` equals ``sum_g count_g * f(g)`` over the groups.
    """
    cols = [_as_float64(a) for a in arrays]
    n = cols[0].size
    if any(c.size != n for c in cols):
        raise ValueError("inputs have different sizes")
    for c in cols:
        if np.any(c < 0):
            raise ValueError("negative probability")
    if len(cols) == 1:
        vals, counts = np.unique(cols[0], return_counts=True)
        rows = vals[:, None]
    else:
        rows, counts = np.unique(np.stack(cols, axis=1), axis=0, return_counts=True)
    return [(tuple(mpf(float(x)) for x in row), int(c)) for row, c in zip(rows, counts)]


def _total(groups, k):
    """Exact-ish sum of column k over all elements (mp.fsum is exact on mpf)."""
    s = mp.fsum(c * g[k] for g, c in groups)
    if s == 0:
        raise ValueError("all-zero probability vector")
    return s


def _alpha(alpha):
    a = float(alpha)
    if np.isnan(a) or a < 0:
        raise ValueError("alpha must be >= 0")
    return mp.inf if np.isinf(a) else mpf(a)


def _normalised_pairs(p, q):
    """[(p~_i, q~_i, count)] with p~ = p/sum(p), q~ = q/sum(q) exactly."""
    g = _grouped(p, q)
    sp, sq = _total(g, 0), _total(g, 1)
    return [(x / sp, y / sq, c) for (x, y), c in g]


def _normalised(p):
    g = _grouped(p)
    s = _total(g, 0)
    return [(x / s, c) for (x,), c in g]


# --------------------------------------------------------------------------
# probability-space references
# --------------------------------------------------------------------------
def entropy(p):
    """Shannon entropy H(p~) = -sum p~ log p~ (nats)."""
    with mp.workdps(DPS):
        return -mp.fsum(c * a * mp.log(a) for a, c in _normalised(p) if a != 0)


def cross_entropy(p, q):
    """Cross-entropy H(p~, q~) = -sum p~ log q~ (nats)."""
    with mp.workdps(DPS):
        terms = []
        for a, b, c in _normalised_pairs(p, q):
            if a == 0:
                continue
            if b == 0:
                return mp.inf
            terms.append(c * a * mp.log(b))
        return -mp.fsum(terms)


def kl(p, q):
    """Kullback-Leibler divergence D(p~ || q~) = sum p~ log(p~/q~) (nats)."""
    with mp.workdps(DPS):
        return _kl_pairs(_normalised_pairs(p, q))


def _kl_pairs(pairs):
    terms = []
    for a, b, c in pairs:
        if a == 0:
            continue
        if b == 0:
            return mp.inf
        terms.append(c * a * mp.log(a / b))
    return mp.fsum(terms)


def js(p, q):
    """Jensen-Shannon divergence, m = (p~ + q~)/2, JS = (D(p~||m) + D(q~||m))/2."""
    with mp.workdps(DPS):
        terms = []
        for a, b, c in _normalised_pairs(p, q):
            m = (a + b) / 2
            if a != 0:
                terms.append(c * a * mp.log(a / m))
            if b != 0:
                terms.append(c * b * mp.log(b / m))
        return mp.fsum(terms) / 2


def renyi_entropy(p, alpha):
    """Renyi entropy of order alpha (nats).

    alpha = 0: log |supp p|;  alpha = 1: Shannon;  alpha = inf: -log max p~;
    otherwise log(sum p~^alpha) / (1 - alpha).
    """
    with mp.workdps(DPS):
        al = _alpha(alpha)
        probs = [(a, c) for a, c in _normalised(p) if a != 0]
        if al == 0:
            return mp.log(sum(c for _, c in probs))
        if al == 1:
            return -mp.fsum(c * a * mp.log(a) for a, c in probs)
        if al == mp.inf:
            return -mp.log(max(a for a, _ in probs))
        return mp.log(mp.fsum(c * a**al for a, c in probs)) / (1 - al)


def renyi_divergence(p, q, alpha):
    """Renyi divergence D_alpha(p~ || q~) (nats).

    alpha = 0: -log q~(supp p);  alpha = 1: KL;  alpha = inf: log max_{p>0} p~/q~;
    otherwise log(sum p~^alpha q~^(1-alpha)) / (alpha - 1), terms with p~ = 0
    vanish; for alpha > 1 any p~ > 0 with q~ = 0 gives inf.
    """
    with mp.workdps(DPS):
        al = _alpha(alpha)
        pairs = _normalised_pairs(p, q)
        if al == 1:
            return _kl_pairs(pairs)
        if al == 0:
            return -mp.log(mp.fsum(c * b for a, b, c in pairs if a != 0))
        mismatch = any(a != 0 and b == 0 for a, b, _ in pairs)
        if al == mp.inf:
            if mismatch:
                return mp.inf
            return mp.log(max(a / b for a, b, _ in pairs if a != 0))
        if al > 1 and mismatch:
            return mp.inf
        s = mp.fsum(c * a**al * b ** (1 - al) for a, b, c in pairs if a != 0 and b != 0)
        return mp.log(s) / (al - 1)  # s == 0 (alpha < 1, disjoint) -> +inf


# --------------------------------------------------------------------------
# log-space references: the distribution is softmax(z), computed exactly
# --------------------------------------------------------------------------
def _log_softmax(z):
    zs = [mpf(float(v)) for v in _as_float64(z)]
    lse = mp.log(mp.fsum(mp.exp(v) for v in zs))
    return [v - lse for v in zs]


def entropy_logits(z):
    """H(softmax(z)) (nats)."""
    with mp.workdps(DPS):
        return -mp.fsum(mp.exp(l) * l for l in _log_softmax(z))


def kl_logits(zp, zq):
    """D(softmax(zp) || softmax(zq)) (nats)."""
    with mp.workdps(DPS):
        lp, lq = _log_softmax(zp), _log_softmax(zq)
        if len(lp) != len(lq):
            raise ValueError("inputs have different sizes")
        return mp.fsum(mp.exp(a) * (a - b) for a, b in zip(lp, lq))


def cross_entropy_logits(zp, zq):
    """H(softmax(zp), softmax(zq)) (nats)."""
    with mp.workdps(DPS):
        lp, lq = _log_softmax(zp), _log_softmax(zq)
        if len(lp) != len(lq):
            raise ValueError("inputs have different sizes")
        return -mp.fsum(mp.exp(a) * b for a, b in zip(lp, lq))


# --------------------------------------------------------------------------
# comparison
# --------------------------------------------------------------------------
def rel_err(got, ref):
    """|got - ref| / |ref| as a float, evaluated at DPS digits.

    ``got`` is a float (or 0-d array / NumPy scalar), converted exactly.
    If ``ref`` is 0 or inf the result is 0.0 on exact agreement, else inf.
    NaN ``got`` gives NaN.
    """
    with mp.workdps(DPS):
        g = mpf(float(got))
        if mp.isnan(g):
            return float("nan")
        if ref == 0 or mp.isinf(ref):
            return 0.0 if g == ref else float("inf")
        return float(abs(g - ref) / abs(ref))
