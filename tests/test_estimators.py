"""The result types of the estimators (``infokit._estimators.result``) and the public path ``infokit.estimators``.

Each estimate's own tests are in test_estimate_entropy.py,
test_estimate_information.py, test_estimate_divergence.py and test_g_test.py;
the kernels' in test_entropy_estimators.py, test_bayes.py and test_continuous.py.
"""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from scipy import stats

import infokit as ik
import infokit.estimators
from infokit._estimators.result import Profile, make_estimate, z_score
from infokit._lib.units import resolve_base


def test_public_path():
    assert infokit.estimators.ENTROPY_METHODS[0] == "auto"
    for name in infokit.estimators.__all__:
        if name != "ENTROPY_METHODS":
            assert getattr(infokit.estimators, name) is getattr(ik, name)


@pytest.mark.parametrize("method", ["plugin", "miller_madow", "grassberger", "nsb", "jackknife"])
def test_units_are_converted_consistently(method):
    x = [0, 0, 1, 2, 2, 2, 3, 4, 4]
    nats = ik.estimate_entropy(x, method, support_size=6)
    bits = ik.estimate_entropy(x, method, support_size=6, base="bits")
    assert bits.unit == "bits"
    assert bits.value == pytest.approx(nats.value / math.log(2), rel=1e-14)
    assert bits.stderr == pytest.approx(nats.stderr / math.log(2), rel=1e-14)
    assert bits.ci[1] == pytest.approx(nats.ci[1] / math.log(2), rel=1e-14)

def test_ci_level_widens_interval():
    x = np.random.default_rng(1).integers(0, 8, 400)
    e90 = ik.estimate_entropy(x, "miller_madow", ci=0.90)
    e99 = ik.estimate_entropy(x, "miller_madow", ci=0.99)
    assert e99.ci[0] < e90.ci[0] < e90.value < e90.ci[1] < e99.ci[1]
    z = stats.norm.ppf(0.95)
    assert e90.ci[1] - e90.value == pytest.approx(z * e90.stderr, rel=1e-12)


def test_make_estimate_converts_once_and_clips():
    bits = resolve_base("bits")
    est = make_estimate(1.0, 0.5, None, 0.95, "m", bits, {"n": 3}, upper=1.2)
    z = z_score(0.95)
    assert z == pytest.approx(stats.norm.ppf(0.975), rel=1e-15)
    assert est.value == pytest.approx(1 / math.log(2), rel=1e-15) and est.unit == "bits"
    assert est.ci == (pytest.approx((1 - z * 0.5) / math.log(2)), pytest.approx(1.2 / math.log(2)))
    inf = make_estimate(math.inf, math.inf, None, 0.9, "m", bits, {})
    assert inf.ci == (math.inf, math.inf)
    nan_se = make_estimate(0.3, math.nan, None, 0.9, "m", bits, {}, lower=0.0, upper=2.0)
    assert nan_se.ci == (0.0, pytest.approx(2.0 / math.log(2)))


def test_estimate_str_and_html():
    est = ik.estimate_entropy([0, 0, 1, 2], method="plugin", base="bits")
    assert "1.5 bits" in str(est) and "method=plugin" in str(est)
    h = est._repr_html_()
    assert "Diagnostics" in h and "reference" in h and "Shannon" in h


def test_profile_diagnostics():
    prof = Profile.from_counts([3, 1, 1, 0, 2], 6)
    d = prof.diagnostics()
    assert (d["n"], d["k_observed"], d["k"], d["k_declared"], d["f1"], d["f2"]) == (7, 4, 6, True, 2, 1)
    assert d["coverage"] == pytest.approx(1 - 2 / 7) and d["coincidences"] == 3
    assert Profile.from_counts([0, 0]).coverage == 0.0


def test_g_test_result_unpacks():
    res = ik.g_test(ik.Empirical.from_counts([5, 5]), [0.5, 0.5])
    stat, p = res
    assert (stat, p) == (res.statistic, res.pvalue) and isinstance(res, ik.GTestResult)


def test_import_does_not_load_scipy_stats():
    code = ("import sys, infokit; "
            "print(sorted(m for m in sys.modules if m.startswith(('scipy.stats', 'scipy.spatial'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]", f"import infokit loaded {out.strip()}; import them where they are used"


def test_estimate_reading_says_data_method_value_and_interval():
    est = ik.estimate_entropy([0, 0, 1, 2, 2, 2], method="miller_madow", base="bits")
    lo, hi = est.ci
    assert est.reading == (f"Estimated from 6 samples with miller_madow: {est.value:.3g} bits (95% interval "
                           f"{lo:.3g} to {hi:.3g} bits).")
    assert est.reading in est._repr_html_()
    # a bias-corrected KL of a sample against itself is negative before it is clipped at 0: the reading says so
    same = ik.empirical(list("aabbc"))
    kl = ik.estimate_kl(same, same, "miller_madow")
    assert kl.value == 0 and kl.diagnostics["raw_value"] < 0
    assert f"raw value, {kl.diagnostics['raw_value']:.3g} nats" in kl.reading
