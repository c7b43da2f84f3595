"""``estimate_mutual_information`` (``infokit._estimators.information``): plug-in, bias correction, KSG."""

from __future__ import annotations

import math

import numpy as np
import pytest

import infokit as ik


def test_mi_plugin_equals_exact_measure_of_empirical():
    rng = np.random.default_rng(10)
    x = rng.integers(0, 6, 3000)
    y = (x + rng.integers(0, 3, 3000)) % 6
    est = ik.estimate_mutual_information(x, y, "plugin")
    assert est.value == pytest.approx(ik.mutual_information(x, y), rel=1e-12)
    assert est.diagnostics["plugin"] == pytest.approx(est.value, rel=1e-12)

def test_mi_bias_correction_near_independence():
    rng = np.random.default_rng(12)
    vals_plug, vals_mm, covered = [], [], 0
    for _ in range(100):
        x = rng.integers(0, 8, 500)
        y = rng.integers(0, 8, 500)
        vals_plug.append(ik.estimate_mutual_information(x, y, "plugin").value)
        est = ik.estimate_mutual_information(x, y, "miller_madow")
        vals_mm.append(est.value)
        covered += est.ci[0] <= 0.0 <= est.ci[1]
    assert np.mean(vals_plug) > 0.04  # ~ 49 / (2 * 500)
    assert abs(np.mean(vals_mm)) < 0.3 * np.mean(vals_plug)
    assert covered >= 85

def test_mi_noisy_copy_close_to_truth():
    rng = np.random.default_rng(13)
    n, k, eps = 20_000, 4, 0.1
    x = rng.integers(0, k, n)
    y = np.where(rng.random(n) < eps, rng.integers(0, k, n), x)
    joint = np.full((k, k), eps / k / k) + np.eye(k) * (1 - eps) / k
    truth = float(ik.kl_divergence(joint.ravel(), np.outer(joint.sum(1), joint.sum(0)).ravel()))
    est = ik.estimate_mutual_information(x, y, "auto", base="nats")
    assert abs(est.value - truth) < 4 * est.stderr

def test_mi_errors():
    with pytest.raises(ValueError, match="lengths"):
        ik.estimate_mutual_information([0, 1, 2], [0, 1])
    with pytest.raises(ValueError, match="'method' must be one of"):
        ik.estimate_mutual_information([0, 1], [0, 1], "dirichlet")

def test_ksg_through_public_api():
    rng = np.random.default_rng(21)
    r = 0.6
    xy = rng.multivariate_normal([0, 0], [[1, r], [r, 1]], size=2000)
    mi = ik.estimate_mutual_information(xy[:, 0], xy[:, 1], "ksg")
    assert abs(mi.value + 0.5 * math.log(1 - r * r)) < 4 * mi.stderr + 0.02
    assert mi.method == "ksg" and "Kraskov" in mi.diagnostics["reference"]


def test_pandas_series_are_samples_whatever_their_index():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(14)
    x = rng.integers(0, 4, 500)
    y = (x + rng.integers(0, 2, 500)) % 4
    idx = np.arange(500) * 3 + 7  # a filtered frame's index: not 0..n-1
    a = ik.estimate_mutual_information(pd.Series(x, index=idx), pd.Series(y, index=idx), "miller_madow")
    assert a.value == ik.estimate_mutual_information(x, y, "miller_madow").value


@pytest.mark.parametrize("seed, n, k", [(1, 30, 3), (2, 60, 5), (3, 200, 4), (4, 45, 8)])
def test_mi_stderr_is_the_jackknife_of_the_plugin(seed, n, k):
    """The standard error squared is the delete-one jackknife variance of the plug-in MI, every sample
    left out in turn and the plug-in MI (ik.mutual_information of the samples) recomputed, plus the chi-square
    term df / (2 n^2)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, k, n)
    y = np.where(rng.random(n) < 0.5, x, rng.integers(0, k, n))
    loo = np.array([ik.mutual_information(np.delete(x, i), np.delete(y, i)) for i in range(n)])
    jack = (n - 1) / n * float(np.sum((loo - loo.mean()) ** 2))
    df = (np.unique(x).size - 1) * (np.unique(y).size - 1)
    est = ik.estimate_mutual_information(x, y, "plugin")
    assert est.stderr**2 == pytest.approx(jack + df / (2.0 * n * n), rel=1e-9)
    assert est.diagnostics["stderr_method"] == "jackknife+chi2"


def test_mi_interval_covers_on_dependent_tables():
    """95% intervals of the default method on small dependent tables (y = x with probability 0.6): the
    delta-method standard error covered 87.5% here (benchmarks/bench_mi_kl_coverage.py --grid tune)."""
    rng = np.random.default_rng(20261205)
    k, n, reps, hits = 4, 40, 300, 0
    for _ in range(reps):
        x, y, _, truth = _dependent_pair(rng, k, n)
        lo, hi = ik.estimate_mutual_information(x, y).ci
        hits += lo - 1e-12 <= truth <= hi + 1e-12
    assert hits / reps >= 0.90


def _dependent_pair(rng, k, n):
    px, py = rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k))
    p = 0.4 * np.outer(px, py) + 0.6 * np.diag(px)
    idx = rng.choice(k * k, size=n, p=p.ravel())
    truth = ik.kl_divergence(p.ravel(), np.outer(p.sum(axis=1), p.sum(axis=0)).ravel())  # I = D(P || P_X P_Y)
    return idx // k, idx % k, idx, truth


def test_mi_interval_when_the_joint_sample_is_too_small_is_composed_of_entropy_intervals():
    """Joint coverage 1 - f1/n below 0.6: the interval also holds H(X) + H(Y) - H(X, Y) over
    estimate_entropy's own "auto" intervals of x, y and the pairs: it starts at 0, and is open above where
    the marginals cannot bound their entropies either."""
    rng = np.random.default_rng(31)
    for k, n in ((200, 50), (200, 500)):
        x, y, pairs, _ = _dependent_pair(rng, k, n)
        est = ik.estimate_mutual_information(x, y, rng=0)
        hx, hy, hxy = (ik.estimate_entropy(v, rng=0).ci for v in (x, y, pairs))
        lo = max(0.0, hx[0] + hy[0] - hxy[1])
        hi = min(hx[1], hy[1], hx[1] + hy[1] - hxy[0])
        assert est.ci[0] == 0.0 == lo  # hxy[1] is open
        assert est.ci[1] >= hi
        assert "H(X) + H(Y) - H(X,Y)" in est.diagnostics["interval_method"]
        assert est.diagnostics["upper_bound"] >= est.ci[1] >= est.value >= 0.0
        if math.isinf(hi):
            assert est.diagnostics["interval_note"].startswith("no upper bound: the sample is too small")
    plug = ik.estimate_mutual_information(x, y, "nsb")  # an explicit method keeps its normal interval
    assert plug.ci[1] < est.ci[1] and "interval_method" not in plug.diagnostics


def _hull_reach(v, method, k):
    """How far the hull of estimate_entropy's intervals of method, the jackknife, PYM and Chao-Wang-Jost
    (support size k; upper end log k when the coverage 1 - f1/n is below 0.6 or PYM cannot run) reaches
    below and above method's own interval."""
    own = ik.estimate_entropy(v, method, support_size=k, rng=0)
    ends = [own.ci]
    pym_ran = True
    for other in ("jackknife", "pym", "chao_wang_jost"):
        try:
            ends.append(ik.estimate_entropy(v, other, support_size=k, rng=0).ci)
        except ValueError:
            pym_ran = False
    _, c = np.unique(v, return_counts=True)
    lo, hi = min(a for a, _ in ends), max(b for _, b in ends)
    if not pym_ran or 1 - np.sum(c == 1) / c.sum() < 0.6:
        hi = math.log(k)
    return max(own.ci[0] - max(lo, 0.0), 0.0), max(min(hi, math.log(k)) - own.ci[1], 0.0)


@pytest.mark.parametrize("k, n, seed", [(10, 300, 1), (30, 400, 2), (6, 40, 3)])
def test_mi_interval_is_widened_by_the_entropies_biases(k, n, seed):
    """auto's interval: the normal one, widened by how far each entropy's hull of intervals (its method's,
    the jackknife's, PYM's, Chao-Wang-Jost's) reaches beyond the method's own -- down by X's and Y's reach
    below and the pairs' above, up by the converse -- on the support sizes the estimate uses (the observed
    values of x and y, their product for the pairs)."""
    rng = np.random.default_rng(seed)
    x, y, _, _ = _dependent_pair(rng, k, n)
    est = ik.estimate_mutual_information(x, y, rng=0)
    kx, ky = np.unique(x).size, np.unique(y).size
    pairs = np.unique(x).searchsorted(x) * ky + np.unique(y).searchsorted(y)
    (bx, ax), (by, ay), (bxy, axy) = (_hull_reach(v, est.method, kk) for v, kk in ((x, kx), (y, ky), (pairs, kx * ky)))
    z = 1.959963984540054
    want = (max(est.value - z * est.stderr - (bx + by + axy), 0.0), est.value + z * est.stderr + (ax + ay + bxy))
    assert est.ci == pytest.approx(want, rel=1e-9, abs=1e-12)
    assert 0.0 <= est.ci[0] <= est.value <= est.ci[1] <= est.diagnostics["upper_bound"] + 1e-12


@pytest.mark.parametrize("k, n", [(100, 40), (150, 300)])
def test_mi_interval_covers_on_large_supports(k, n):
    """Dependent pairs over 100 and 150 values a variable: the normal interval covered 72% at K = 100,
    N = 40 (benchmarks/bench_mi_kl_coverage.py --grid tune) and 0-37.5% at K = 200; 100 repetitions here,
    other K, N and seed."""
    rng = np.random.default_rng(20261207)
    reps, hits = 100, 0
    for _ in range(reps):
        x, y, _, truth = _dependent_pair(rng, k, n)
        lo, hi = ik.estimate_mutual_information(x, y).ci
        hits += lo - 1e-12 <= truth <= hi + 1e-12
    assert hits / reps >= 0.90


def test_leave_one_out_term_against_mpmath():
    """u(c) = c log c - (c-1) log(c-1), for counts from the lookup table and above it, and for floats."""
    import mpmath as mp

    from infokit._estimators import discrete

    counts = np.array([1, 2, 3, 10, 999, 65_535, 65_536, 65_537, 10**6, 3 * 10**9], dtype=np.int64)
    mp.mp.dps = 40
    ref = [float(mp.mpf(c) * mp.log(c) - (mp.mpf(c) - 1) * mp.log(c - 1)) if c > 1 else 0.0 for c in counts.tolist()]
    for arr in (counts, counts.astype(np.float64), counts.astype(np.int32)[:7]):
        got = discrete.leave_one_out_term(arr)
        assert got == pytest.approx(ref[: arr.size], rel=1e-14, abs=1e-300)


def test_auto_mi_is_nsb_and_beats_grassberger_on_a_well_sampled_sparse_joint():
    # Dirichlet(0.01) marginals over 1000 values, y = x with probability 0.6: the joint table is well
    # covered (1 - f1/n about 0.97), where the former rule took Grassberger.  Truth: the exact MI of the
    # 1000 x 1000 joint, sum p log(p / (p_x p_y)) over its cells in logs (the product of two tiny masses
    # underflows); NSB's RMSE is the smaller (bench_estimators.py --measure mi --all-methods, tune grid:
    # 0.016 against 0.028)
    rng = np.random.default_rng(20261203)
    k, n = 1000, 10_000
    err = {"auto": [], "grassberger": []}
    for _ in range(24):
        px = rng.dirichlet(np.full(k, 0.01))
        px = np.where(px < 1e-300, 0.0, px)
        px /= px.sum()
        py = rng.dirichlet(np.full(k, 0.01))
        py = np.where(py < 1e-300, 0.0, py)
        py /= py.sum()
        joint = px[:, None] * (0.4 * py[None, :] + 0.6 * np.eye(k))
        i, j = np.nonzero(joint)
        p = joint[i, j]
        truth = float(np.sum(p * (np.log(p) - np.log(joint.sum(1)[i]) - np.log(joint.sum(0)[j]))))
        x = rng.choice(k, size=n, p=px)
        y = np.where(rng.random(n) < 0.6, x, rng.choice(k, size=n, p=py))
        auto = ik.estimate_mutual_information(x, y)
        assert auto.method == "nsb" and "NSB for H(X), H(Y) and H(X, Y)" in auto.diagnostics["auto_reason"]
        assert auto.value == ik.estimate_mutual_information(x, y, "nsb").value
        err["auto"].append(auto.value - truth)
        err["grassberger"].append(ik.estimate_mutual_information(x, y, "grassberger").value - truth)
    rmse = {m: math.sqrt(np.mean(np.square(e))) for m, e in err.items()}
    assert rmse["auto"] < 0.8 * rmse["grassberger"]
