"""The blocked, threaded NumPy path agrees with exact references on every layout.

NumPy inputs go through ``infokit._core.blocked`` (cache-sized blocks, threads,
fused validation).  These tests exercise its layouts — rows spanning many
blocks, many short rows per block, broadcast and strided views, zeros, and
rows that need the exact recomputation — against references computed with
``math.fsum`` on the exactly normalised inputs (and the generic array-API
kernel, which has its own mpmath tests).
"""

import math

import numpy as np
import pytest

import infokit as ik
from infokit._core import blocked as _blocked
from infokit._core import kernels as _kernels


def ref_kl(p, q):
    sp, sq = math.fsum(p), math.fsum(q)
    return math.fsum(a / sp * math.log((a / sp) / (b / sq)) for a, b in zip(p, q) if a > 0)


def ref_entropy(p):
    s = math.fsum(p)
    return -math.fsum(a / s * math.log(a / s) for a in p if a > 0)


def ref_ce(p, q):
    sp, sq = math.fsum(p), math.fsum(q)
    return -math.fsum(a / sp * math.log(b / sq) for a, b in zip(p, q) if a > 0)


def dist(rng, *shape, dtype=np.float64):
    x = rng.random(shape)
    return (x / x.sum(axis=-1, keepdims=True)).astype(dtype)


@pytest.fixture(params=[1, 2], ids=["1thread", "2threads"])
def threads(request, monkeypatch):
    monkeypatch.setenv("INFOKIT_NUM_THREADS", str(request.param))
    monkeypatch.setattr(_blocked, "_MIN_PARALLEL", 1)  # thread even small inputs
    return request.param


def test_long_row_spans_many_blocks(threads):
    rng = np.random.default_rng(1)
    n = 3 * _blocked.BLOCK + 17
    p, q = dist(rng, n), dist(rng, n)
    p[[5, n - 1]] = 0  # zeros inside and in the last partial block
    p /= p.sum()
    assert ik.kl_divergence(p, q) == pytest.approx(ref_kl(p, q), rel=1e-14)
    assert ik.entropy(p) == pytest.approx(ref_entropy(p), rel=1e-14)
    assert ik.cross_entropy(p, q) == pytest.approx(ref_ce(p, q), rel=1e-14)


def test_many_short_rows(threads):
    rng = np.random.default_rng(2)
    p, q = dist(rng, 5000, 7), dist(rng, 5000, 7)
    got = ik.kl_divergence(p, q)
    want = np.array([ref_kl(a, b) for a, b in zip(p, q)])
    np.testing.assert_allclose(got, want, rtol=1e-13)
    np.testing.assert_allclose(ik.entropy(p), [ref_entropy(a) for a in p], rtol=1e-13)


def test_broadcast_and_strided_views(threads):
    rng = np.random.default_rng(3)
    p = dist(rng, 4, 6, 300)
    q = dist(rng, 300)
    want = np.array([[ref_kl(p[i, j], q) for j in range(6)] for i in range(4)])
    np.testing.assert_allclose(ik.kl_divergence(p, q), want, rtol=1e-13)
    # the same data with the event axis first and in a transposed (non-contiguous) layout
    pt = np.moveaxis(p, -1, 0)
    assert not pt.flags.c_contiguous
    np.testing.assert_allclose(ik.kl_divergence(pt, q[:, None, None], axis=0), want, rtol=1e-13)
    np.testing.assert_allclose(ik.kl_divergence(p[:, ::2], q), want[:, ::2], rtol=1e-13)


def test_nearly_identical_rows_are_recomputed_exactly(threads):
    rng = np.random.default_rng(4)
    n = 2000
    p = dist(rng, 6, n)
    q = p.copy()
    eps = [0.0, 1e-12, 1e-8, 1e-4, 1e-1, None]
    for i, e in enumerate(eps):
        if e is None:
            q[i] = dist(rng, n)  # an unrelated row in the same block
        else:
            q[i] = p[i] * (1 + e * rng.uniform(-1, 1, n))
    q /= q.sum(axis=-1, keepdims=True)
    got = ik.kl_divergence(p, q)
    generic = _kernels.kl_probs(np, p, q)  # elementwise series kernel, no fast path
    assert got[0] == 0.0
    np.testing.assert_allclose(got[1:], generic[1:], rtol=1e-12)
    # the naive sum loses every digit on the 1e-8 row; infokit does not
    naive = np.sum(p[2] * np.log(p[2] / q[2]))
    assert abs(naive - got[2]) > 0.1 * got[2]


def test_float32_stays_float32_and_is_accurate(threads):
    rng = np.random.default_rng(5)
    p, q = dist(rng, 3, 70000, dtype=np.float32), dist(rng, 3, 70000, dtype=np.float32)
    got = ik.kl_divergence(p, q)
    assert got.dtype == np.float32
    want = [ref_kl(a.astype(float), b.astype(float)) for a, b in zip(p, q)]
    np.testing.assert_allclose(got, want, rtol=2e-6)
    assert ik.entropy(p).dtype == np.float32


def test_empty_batch_and_single_outcome():
    assert ik.kl_divergence(np.ones((0, 3)) / 3, np.ones((0, 3)) / 3).shape == (0,)
    assert ik.entropy([1.0]) == 0.0 and ik.kl_divergence([1.0], [1.0]) == 0.0


def test_fused_validation_finds_a_bad_value_deep_inside(threads):
    rng = np.random.default_rng(6)
    p, q = dist(rng, 3, 100_000), dist(rng, 3, 100_000)
    bad = p.copy()
    bad[2, 77_777] = -bad[2, 77_777]
    with pytest.raises(ik.InvalidDistributionError, match="'p' contains negative"):
        ik.kl_divergence(bad, q)
    qbad = q.copy()
    qbad[1, 99_999] = np.nan
    with pytest.raises(ik.InvalidDistributionError, match="'q' contains NaN"):
        ik.cross_entropy(p, qbad)
    # a negative q hidden behind p = 0, where 0 * log q would not be NaN
    p0, q0 = p.copy(), q.copy()
    p0[0, 10], q0[0, 10] = 0.0, -q0[0, 10]
    with pytest.raises(ik.InvalidDistributionError, match="'q' contains negative"):
        ik.kl_divergence(p0 / p0.sum(-1, keepdims=True), q0)
