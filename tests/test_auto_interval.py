"""The interval of ``estimate_entropy(..., method="auto")``: the hull of the bracketing kernels' intervals.

Properties only (the coverage it reaches is measured by
``benchmarks/bench_estimators.py``, never here): the interval holds the
point and the intervals of the kernels it brackets, each obtained by a
separate call of ``estimate_entropy`` with that method; its upper end is open
(``+inf`` without a declared support, ``log K`` with one) exactly when the
sample cannot bound the entropy from above, and the reading says so.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import infokit as ik
from infokit._estimators import auto as _auto
from infokit._estimators.result import Profile

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True)
TOL = 1e-9

counts_st = st.lists(st.integers(0, 30), min_size=2, max_size=15).filter(lambda c: sum(1 for v in c if v) >= 2)
interval_st = st.one_of(st.none(), st.tuples(st.floats(0, 5), st.floats(0, 5)).map(lambda t: (min(t), max(t))))


@SETTINGS
@given(counts_st, st.floats(0, 6), interval_st, interval_st, interval_st, interval_st, st.booleans())
def test_bracket_interval_is_the_hull(counts, value, own, jk, pym, cwj, declared):
    prof = Profile.from_counts(np.array(counts), 10 * len(counts) if declared else None)
    ft = _auto.Features.of(prof)
    upper = math.log(prof.k) if declared else math.inf
    lo, hi, bounded = _auto.bracket_interval(
        ft, value, own, {"jackknife": jk, "pym": pym, "chao_wang_jost": cwj}, upper=upper)
    ends = [iv for iv in (own, jk, pym, cwj) if iv is not None]
    assert lo == min([value] + [a for a, _ in ends])
    assert bounded == (pym is not None and prof.coverage >= _auto.COVERAGE_BOUNDED)
    if bounded:
        assert hi == min(max([value] + [b for _, b in ends]), upper)
    else:
        assert hi == upper


def _hull_of_separate_calls(e, used, k, ci):
    ivs = []
    for m in sorted({used, *_auto.BRACKET_KERNELS}):
        try:
            ivs.append(ik.estimate_entropy(e, m, support_size=k, ci=ci, rng=0).ci)
        except ik.errors.InvalidArgumentError:  # PYM with fewer than two repeated samples
            pass
    return min(a for a, _ in ivs), max(b for _, b in ivs)


@SETTINGS
@given(counts_st, st.one_of(st.none(), st.integers(0, 30)), st.sampled_from([0.8, 0.95]))
def test_auto_interval_holds_the_bracketing_intervals(counts, extra, ci):
    e = ik.Empirical.from_counts(counts)
    k = None if extra is None else e.n_observed + extra
    est = ik.estimate_entropy(e, "auto", support_size=k, ci=ci, rng=0)
    lo, hi = est.ci
    assert lo - TOL <= est.value <= hi + TOL
    if est.method not in _auto.BRACKETED or e.n_observed == 1:
        return
    a, b = _hull_of_separate_calls(e, est.method, k, ci)
    assert lo <= a + TOL and hi >= b - TOL  # holds every bracketing interval
    assert lo >= min(a, est.value) - TOL     # and reaches no lower than the lowest of them
    prof = Profile.from_counts(np.asarray(e.counts), k)
    open_upper = prof.coverage < _auto.COVERAGE_BOUNDED or prof.coincidences < 2
    if open_upper:
        assert hi == (math.log(k) if k is not None else math.inf)
    else:
        assert math.isfinite(hi) and hi <= b + TOL


def test_no_repeat_without_support_size_has_no_upper_bound():
    x = np.arange(60)  # 60 different values: nothing bounds the entropy from above
    est = ik.estimate_entropy(x)
    assert est.ci[1] == math.inf
    assert est.ci[0] <= est.value < math.inf
    assert _auto.NO_UPPER_BOUND in est.reading
    assert est.diagnostics["interval_note"] == _auto.NO_UPPER_BOUND
    assert "inf" in str(est)
    # the same sample with a declared support: the upper end is log K, and nothing is said
    est_k = ik.estimate_entropy(x, support_size=1000)
    assert est_k.ci[1] <= math.log(1000) + TOL
    assert "interval_note" not in est_k.diagnostics


def test_well_sampled_interval_is_bounded():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 8, size=2000)
    est = ik.estimate_entropy(x)
    assert math.isfinite(est.ci[1]) and est.ci[1] < math.log(8) + 0.1
    assert "interval_note" not in est.diagnostics


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_cli_says_no_upper_bound(fmt):
    pytest.importorskip("click")
    from click.testing import CliRunner

    if fmt == "table":
        pytest.importorskip("rich")
    from infokit.cli import cli

    data = "w\n" + "\n".join(f"word{i}" for i in range(40)) + "\n"
    r = CliRunner().invoke(cli, ["entropy", "-", "--column", "w", "--format", fmt], input=data)
    assert r.exit_code == 0, r.output
    assert _auto.NO_UPPER_BOUND in r.output
    if fmt == "json":
        import json

        out = json.loads(r.output)
        assert out["estimate"]["ci"][1] == "inf"
