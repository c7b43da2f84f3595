"""High-precision accuracy tests for infokit.

Source of truth: the mpmath references in ``tests/_mpref.py``, evaluated with
80 significant decimal digits (``mp.workdps``).  The references interpret the
input floats *exactly*: every float (float32 included) is converted to an mpf
without rounding, a probability vector ``p`` denotes the exact rational
distribution ``p / sum(p)`` and a logit vector ``z`` denotes the exact
``softmax(z)``.  That is what infokit promises to compute, so the tolerances
below bound infokit's own error, not the error of the test data.

Every test draws its data from ``numpy.random.default_rng`` with a fixed seed.
Errors are relative: ``|got - ref| / |ref|``.  The largest error measured per
case is collected in ``MEASURED`` (handy for reports).
"""

import functools
import math
import os
import sys

import numpy as np
import pytest
from mpmath import mp

import infokit as ik

try:  # tests/ as a package
    from . import _mpref as ref
except ImportError:  # rootdir-relative ("prepend"/"importlib") import modes
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import _mpref as ref


MEASURED = {}  # case name -> largest relative error seen

EPS_SWEEP = [1e-2, 1e-4, 1e-6, 1e-8, 1e-10]
ALPHAS = [0.0, 0.5, 0.999999, 1.0, 1.000001, 2.0, 5.0, np.inf]


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _record(case, err):
    old = MEASURED.get(case)
    if old is None or err != err or (old == old and err > old):
        MEASURED[case] = err


def check(case, got, expected, tol):
    """Assert rel. error of scalar ``got`` vs mpf ``expected`` is <= tol."""
    err = ref.rel_err(got, expected)
    _record(case, err)
    with mp.workdps(20):
        ref_str = mp.nstr(expected, 20)
    assert err <= tol, (
        f"{case}: relative error {err:.3e} > {tol:.0e} "
        f"(got {float(got)!r}, reference {ref_str})"
    )


def assert_scalar(got, dtype=np.float64):
    assert isinstance(got, (np.ndarray, np.generic)), type(got)
    assert np.ndim(got) == 0, np.shape(got)
    assert np.asarray(got).dtype == dtype, np.asarray(got).dtype


def normalised(x):
    x = np.asarray(x, dtype=np.float64)
    return x / x.sum(axis=-1, keepdims=True)


def log_softmax64(z):
    m = z.max()
    return z - (m + np.log(np.exp(z - m).sum()))


# --------------------------------------------------------------------------
# 1. KL of nearly identical distributions
# --------------------------------------------------------------------------
def _nearly_identical(eps, noise, seed, n=1000):
    rng = np.random.default_rng(seed)
    p = normalised(rng.dirichlet(np.ones(n)))
    if noise == "uniform":
        d = rng.uniform(-1.0, 1.0, n)
    else:
        d = rng.standard_normal(n)
    q = normalised(p * (1.0 + eps * d))
    return p, q


@pytest.mark.parametrize("noise", ["uniform", "normal"])
@pytest.mark.parametrize("eps", EPS_SWEEP)
def test_kl_nearly_identical(eps, noise):
    p, q = _nearly_identical(eps, noise, seed=1234)
    got = ik.kl_divergence(p, q)
    assert_scalar(got)
    check(f"KL nearly identical eps={eps:g} ({noise})", got, ref.kl(p, q), 1e-12)


def test_kl_nearly_identical_vs_scipy():
    """Documentation only: scipy.stats.entropy is far off here, infokit is not.

    scipy's error is recorded in MEASURED but never asserted.
    """
    stats = pytest.importorskip("scipy.stats")
    p, q = _nearly_identical(1e-8, "uniform", seed=1234)
    expected = ref.kl(p, q)
    _record("scipy.stats.entropy KL eps=1e-8 (info only)",
            ref.rel_err(stats.entropy(p, q), expected))
    check("KL nearly identical eps=1e-08 (vs scipy)", ik.kl_divergence(p, q), expected, 1e-12)


# --------------------------------------------------------------------------
# 2. probabilities spanning 1e-300 .. 1, subnormals and exact zeros
# --------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _wide_range_data():
    rng = np.random.default_rng(2024)
    n = 1000
    p = 10.0 ** (-300.0 * rng.uniform(size=n))
    q = 10.0 ** (-300.0 * rng.uniform(size=n))
    p[6:9] = 1.0  # large p where q will be subnormal -> log(p/q) ~ 700
    p, q = normalised(p), normalised(q)
    # inserted after normalising (they change the sums by < 1e-299):
    p[0:3] = [5e-324, 1e-310, 2.5e-320]  # subnormal p
    p[3:6] = 0.0  # exact zeros in p ...
    q[3] = 0.0  # ... one also zero in q (0 * log(0/0) = 0)
    q[4] = 5e-324
    q[6:9] = [5e-324, 1e-310, 1e-300]  # q tiny where p is large
    q[9:12] = [4e-320, 1e-315, 2.2250738585072014e-308]
    assert np.all(q[p > 0] > 0)
    return p, q


@pytest.mark.parametrize("func", ["entropy", "cross_entropy", "kl_divergence"])
def test_wide_dynamic_range(func):
    p, q = _wide_range_data()
    if func == "entropy":
        got, expected = ik.entropy(p), ref.entropy(p)
    elif func == "cross_entropy":
        got, expected = ik.cross_entropy(p, q), ref.cross_entropy(p, q)
    else:
        got, expected = ik.kl_divergence(p, q), ref.kl(p, q)
    assert_scalar(got)
    case = f"{func} range 1e-300..1 + subnormals/zeros"
    _record(case, ref.rel_err(got, expected))
    assert np.isfinite(got), f"{case}: got {got!r}, reference {mp.nstr(expected, 20)}"
    check(case, got, expected, 1e-13)


# --------------------------------------------------------------------------
# 3. one-million-element vectors
# --------------------------------------------------------------------------
N_BIG = 10**6


@functools.lru_cache(maxsize=None)
def _big_data():
    # Entries are drawn (with repetition) from pools of 200 random values
    # spanning six decades, so the exact reference can sum over the distinct
    # (p_i, q_i) pairs (<= 40000) instead of 10**6 mpmath logs; the vectors
    # themselves are ordinary random 10**6-entry distributions.
    rng = np.random.default_rng(777)
    pool_p = 10.0 ** (-6.0 * rng.uniform(size=200))
    pool_q = 10.0 ** (-6.0 * rng.uniform(size=200))
    p = normalised(pool_p[rng.integers(0, 200, N_BIG)])
    q = normalised(pool_q[rng.integers(0, 200, N_BIG)])
    return p, q


@functools.lru_cache(maxsize=None)
def _big_ref(func):
    p, q = _big_data()
    if func == "entropy":
        return ref.entropy(p)
    if func == "cross_entropy":
        return ref.cross_entropy(p, q)
    return ref.kl(p, q)


@pytest.mark.parametrize("func", ["entropy", "cross_entropy", "kl_divergence"])
def test_million_entries(func):
    p, q = _big_data()
    if func == "entropy":
        got = ik.entropy(p)
    else:
        got = getattr(ik, func)(p, q)
    assert_scalar(got)
    check(f"{func} n=1e6", got, _big_ref(func), 1e-13)


# --------------------------------------------------------------------------
# 4. logits with spreads of thousands (softmax underflows in float64)
# --------------------------------------------------------------------------
def _wide_logits(kind, seed, n=500):
    rng = np.random.default_rng(seed)
    if kind == "uniform3000":
        return rng.uniform(-3000.0, 3000.0, n), rng.uniform(-3000.0, 3000.0, n)
    return rng.normal(0.0, 1000.0, n), rng.normal(0.0, 1000.0, n)


@pytest.mark.parametrize("func", ["entropy", "cross_entropy", "kl_divergence"])
@pytest.mark.parametrize("kind", ["uniform3000", "normal1000"])
def test_wide_logits(kind, func):
    zp, zq = _wide_logits(kind, seed=99)
    cp, cq = ik.from_logits(zp), ik.from_logits(zq)
    assert isinstance(cp, ik.Categorical)
    if func == "entropy":
        got, expected = ik.entropy(cp), ref.entropy_logits(zp)
    elif func == "cross_entropy":
        got, expected = ik.cross_entropy(cp, cq), ref.cross_entropy_logits(zp, zq)
    else:
        got, expected = ik.kl_divergence(cp, cq), ref.kl_logits(zp, zq)
    assert_scalar(got)
    case = f"{func} from_logits {kind}"
    _record(case, ref.rel_err(got, expected))
    assert np.isfinite(got), f"{case}: got {got!r}, reference {mp.nstr(expected, 20)}"
    check(case, got, expected, 1e-12)


@pytest.mark.parametrize("noise", ["uniform", "normal"])
def test_kl_nearly_identical_logits(noise):
    rng = np.random.default_rng(31337)
    n = 1000
    zp = rng.normal(0.0, 3.0, n)
    d = rng.uniform(-1.0, 1.0, n) if noise == "uniform" else rng.standard_normal(n)
    zq = zp + 1e-9 * d
    got = ik.kl_divergence(ik.from_logits(zp), ik.from_logits(zq))
    assert_scalar(got)
    check(f"KL from_logits zq=zp+1e-9*noise ({noise})", got, ref.kl_logits(zp, zq), 1e-9)


@pytest.mark.parametrize("func", ["entropy", "kl_divergence"])
def test_from_log_probs(func):
    # float64 log-probabilities; the exact distribution is exp(lp), which sums
    # to 1 within ~1e-16, so softmax(lp) is an adequate reference at 1e-12.
    rng = np.random.default_rng(4242)
    n = 1000
    lp = log_softmax64(rng.normal(0.0, 3.0, n))
    lq = log_softmax64(rng.normal(0.0, 3.0, n))
    cp, cq = ik.from_log_probs(lp), ik.from_log_probs(lq)
    if func == "entropy":
        got, expected = ik.entropy(cp), ref.entropy_logits(lp)
    else:
        got, expected = ik.kl_divergence(cp, cq), ref.kl_logits(lp, lq)
    assert_scalar(got)
    check(f"{func} from_log_probs", got, expected, 1e-12)


# --------------------------------------------------------------------------
# 5. float32 inputs
# --------------------------------------------------------------------------
@pytest.mark.parametrize(
    "case", ["entropy", "cross_entropy", "kl_divergence", "kl_nearly_identical_1e-2"]
)
def test_float32(case):
    rng = np.random.default_rng(3232)
    n = 10000
    p = normalised(rng.dirichlet(np.ones(n)))
    if case == "kl_nearly_identical_1e-2":
        q = normalised(p * (1.0 + 1e-2 * rng.uniform(-1.0, 1.0, n)))
    else:
        q = normalised(rng.dirichlet(np.ones(n)))
    p32, q32 = p.astype(np.float32), q.astype(np.float32)
    if case == "entropy":
        got, expected = ik.entropy(p32), ref.entropy(p32)
    elif case == "cross_entropy":
        got, expected = ik.cross_entropy(p32, q32), ref.cross_entropy(p32, q32)
    else:
        got, expected = ik.kl_divergence(p32, q32), ref.kl(p32, q32)
    assert_scalar(got, np.float32)
    check(f"float32 {case}", got, expected, 5e-6)


# --------------------------------------------------------------------------
# 6. Renyi, Jensen-Shannon
# --------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def _renyi_data():
    rng = np.random.default_rng(555)
    n = 500
    p = rng.dirichlet(np.full(n, 0.5))
    p[rng.choice(n, 20, replace=False)] = 0.0  # support size 480
    q = rng.dirichlet(np.full(n, 0.5))
    return normalised(p), normalised(q)


@pytest.mark.parametrize("alpha", ALPHAS)
def test_renyi_entropy(alpha):
    p, _ = _renyi_data()
    got = ik.renyi_entropy(p, alpha)
    assert_scalar(got)
    expected = ref.renyi_entropy(p, alpha)
    if alpha == 0:
        with mp.workdps(ref.DPS):
            assert expected == mp.log(int(np.count_nonzero(p)))
    check(f"renyi_entropy alpha={alpha:g}", got, expected, 1e-12)


@pytest.mark.parametrize("alpha", ALPHAS)
def test_renyi_divergence(alpha):
    p, q = _renyi_data()
    got = ik.renyi_divergence(p, q, alpha)
    assert_scalar(got)
    check(f"renyi_divergence alpha={alpha:g}", got, ref.renyi_divergence(p, q, alpha), 1e-12)


@functools.lru_cache(maxsize=None)
def _js_data():
    rng = np.random.default_rng(606)
    n = 1000
    p = rng.dirichlet(np.ones(n))
    q = rng.dirichlet(np.ones(n))
    p[:10] = 0.0  # zeros in p only,
    q[10:20] = 0.0  # in q only,
    p[20:25] = q[20:25] = 0.0  # and in both
    return normalised(p), normalised(q)


def test_js_divergence():
    p, q = _js_data()
    got = ik.js_divergence(p, q)
    assert_scalar(got)
    check("js_divergence", got, ref.js(p, q), 1e-12)


def test_js_distance():
    p, q = _js_data()
    got = ik.js_distance(p, q)
    assert_scalar(got)
    with mp.workdps(ref.DPS):
        expected = mp.sqrt(ref.js(p, q))
    check("js_distance = sqrt(js)", got, expected, 1e-12)


def test_js_nearly_identical():
    p, q = _nearly_identical(1e-6, "uniform", seed=1234)
    check("js_divergence nearly identical eps=1e-6", ik.js_divergence(p, q), ref.js(p, q), 1e-12)


# --------------------------------------------------------------------------
# 7. units
# --------------------------------------------------------------------------
_UNIT_FUNCS = {
    "entropy": (lambda p, q, **kw: ik.entropy(p, **kw), lambda p, q: ref.entropy(p)),
    "cross_entropy": (ik.cross_entropy, ref.cross_entropy),
    "kl_divergence": (ik.kl_divergence, ref.kl),
    "js_divergence": (ik.js_divergence, ref.js),
    "renyi_entropy(2)": (
        lambda p, q, **kw: ik.renyi_entropy(p, 2.0, **kw),
        lambda p, q: ref.renyi_entropy(p, 2.0),
    ),
    "renyi_divergence(0.5)": (
        lambda p, q, **kw: ik.renyi_divergence(p, q, 0.5, **kw),
        lambda p, q: ref.renyi_divergence(p, q, 0.5),
    ),
}


@pytest.mark.parametrize("base", [2, "bits", 10, "nats"])
@pytest.mark.parametrize("name", list(_UNIT_FUNCS))
def test_base(name, base):
    rng = np.random.default_rng(808)
    n = 300
    p = normalised(rng.dirichlet(np.ones(n)))
    q = normalised(rng.dirichlet(np.ones(n)))
    f, fref = _UNIT_FUNCS[name]
    got = f(p, q, base=base)
    assert_scalar(got)
    with mp.workdps(ref.DPS):
        divisor = {2: mp.log(2), "bits": mp.log(2), 10: mp.log(10), "nats": mp.mpf(1)}[base]
        expected = fref(p, q) / divisor
    check(f"{name} base={base}", got, expected, 1e-12)


# --------------------------------------------------------------------------
# 8. axis / batches
# --------------------------------------------------------------------------
_BATCH_FUNCS = {
    "entropy": (lambda p, q, **kw: ik.entropy(p, **kw), lambda p, q: ref.entropy(p)),
    "cross_entropy": (ik.cross_entropy, ref.cross_entropy),
    "kl_divergence": (ik.kl_divergence, ref.kl),
    "js_divergence": (ik.js_divergence, ref.js),
    "renyi_entropy(2)": (
        lambda p, q, **kw: ik.renyi_entropy(p, 2.0, **kw),
        lambda p, q: ref.renyi_entropy(p, 2.0),
    ),
    "renyi_divergence(2)": (
        lambda p, q, **kw: ik.renyi_divergence(p, q, 2.0, **kw),
        lambda p, q: ref.renyi_divergence(p, q, 2.0),
    ),
}


@pytest.mark.parametrize("name", list(_BATCH_FUNCS))
def test_batch_axis(name):
    rng = np.random.default_rng(717)
    p = normalised(rng.dirichlet(np.ones(300), size=7))
    q = normalised(rng.dirichlet(np.ones(300), size=7))
    f, fref = _BATCH_FUNCS[name]
    rows = f(p, q)
    cols = f(p.T, q.T, axis=0)
    kept = f(p, q, keepdims=True)
    assert isinstance(rows, np.ndarray) and rows.shape == (7,) and rows.dtype == np.float64
    assert isinstance(cols, np.ndarray) and cols.shape == (7,)
    assert np.shape(kept) == (7, 1)
    for i in range(7):
        expected = fref(p[i], q[i])
        check(f"{name} batch (7,300) axis=-1", rows[i], expected, 1e-12)
        check(f"{name} batch transpose axis=0", cols[i], expected, 1e-12)
        check(f"{name} batch keepdims", kept[i, 0], expected, 1e-12)


# --------------------------------------------------------------------------
# 9. normalize=True uses the exact p / sum(p)
# --------------------------------------------------------------------------
@pytest.mark.parametrize("func", ["entropy", "cross_entropy", "kl_divergence"])
def test_normalize_true(func):
    rng = np.random.default_rng(9090)
    n = 1000
    p = rng.uniform(0.0, 10.0, n)  # sums to ~5000: not a distribution as is
    q = rng.uniform(0.0, 3.0, n)
    if func == "entropy":
        got, expected = ik.entropy(p, normalize=True), ref.entropy(p)
    elif func == "cross_entropy":
        got, expected = ik.cross_entropy(p, q, normalize=True), ref.cross_entropy(p, q)
    else:
        got, expected = ik.kl_divergence(p, q, normalize=True), ref.kl(p, q)
    assert_scalar(got)
    check(f"{func} normalize=True", got, expected, 1e-12)


# --------------------------------------------------------------------------
# 10. support mismatch
# --------------------------------------------------------------------------
def test_kl_infinite_on_support_mismatch():
    p = normalised(np.array([0.5, 0.25, 0.25]))
    q = normalised(np.array([0.5, 0.5, 0.0]))
    assert ref.kl(p, q) == mp.inf
    got = ik.kl_divergence(p, q)
    assert_scalar(got)
    assert np.isposinf(got)
    assert math.isfinite(float(ik.kl_divergence(q, p)))
