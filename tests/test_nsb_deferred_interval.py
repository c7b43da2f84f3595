"""NSB's posterior interval is computed when first read; the log-likelihood of beta term by term.

References:

* the deferred interval against the same interval computed at once (the
  kernel's interval forced, then clipped and converted by ``make_estimate``):
  equal bit for bit, in every unit and level, with and without the finer
  nodes large supports need;
* the two forms of the NSB log-likelihood of beta (the sum of ``log1p`` terms
  for small counts, ``gammaln`` / Stirling for large ones) against mpmath's
  ``loggamma`` at 40 digits.
"""

from __future__ import annotations

import copy
import dataclasses
import math
import pickle

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mpmath import mp, mpf

import infokit as ik
import infokit._estimators.bayes as bayes
from infokit._estimators.result import Deferred, make_estimate
from infokit._estimators.result import Profile
from infokit._lib.units import resolve_base


def _counts(k, n, seed, a=0.5):
    rng = np.random.default_rng(seed)
    return rng.multinomial(n, rng.dirichlet(np.full(k, a)))


def _eager(counts, k, level, base):
    """The estimate with the interval computed at once: the kernel's interval forced, then finished."""
    prof = Profile.from_counts(counts, k)
    res = bayes.nsb(prof, level=level, rng=np.random.default_rng(0))
    interval = res.interval  # forces it
    assert isinstance(interval, tuple)
    return make_estimate(res.value, res.stderr, interval, level, "nsb", resolve_base(base), {}, upper=math.log(k))


def _lazy(counts, k, level, base):
    return ik.estimate_entropy(ik.Empirical.from_counts(counts, support_size=k), method="nsb", ci=level, base=base)


# (10, 10) and (100, 10): wide posteriors of log beta; (10**4, 1000): the interval needs the midpoints
@pytest.mark.parametrize("k,n,seed", [(10, 10, 1), (100, 10, 2), (1000, 1000, 3), (10**4, 1000, 4), (300, 10**5, 5)])
@pytest.mark.parametrize("base", ["nats", "bits"])
def test_deferred_interval_equals_the_eager_one_bit_for_bit(k, n, seed, base):
    counts = _counts(k, n, seed)
    lazy, eager = _lazy(counts, k, 0.95, base), _eager(counts, k, 0.95, base)
    assert isinstance(lazy.raw_ci, Deferred)
    assert lazy.value == eager.value and lazy.stderr == eager.stderr
    assert lazy.ci == eager.ci
    assert eager.ci[0] <= eager.value <= eager.ci[1]


@settings(max_examples=25, derandomize=True, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=2, max_size=30), st.integers(0, 200),
       st.sampled_from([0.5, 0.9, 0.95, 0.99]), st.sampled_from(["nats", "bits", 10.0]))
def test_deferred_interval_equals_the_eager_one_on_any_counts(counts, extra, level, base):
    counts = np.array(counts)
    counts[:2] = np.maximum(counts[:2], 1)  # two outcomes seen (one seen only has an interval of its own)
    k = counts.size + extra
    lazy, eager = _lazy(counts, k, level, base), _eager(counts, k, level, base)
    assert (lazy.value, lazy.stderr, lazy.ci) == (eager.value, eager.stderr, eager.ci)


def test_interval_is_computed_once_and_only_when_read(monkeypatch):
    calls = []
    inner = bayes._mixture_interval

    def counted(*a, **kw):
        calls.append(1)
        return inner(*a, **kw)

    monkeypatch.setattr(bayes, "_mixture_interval", counted)
    est = _lazy(_counts(100, 30, 7), 100, 0.95, "nats")
    _ = est.value, est.stderr, est.diagnostics["posterior_sd"], float(est)
    assert calls == []
    lo, hi = est.ci
    assert calls and lo < est.value < hi
    done = len(calls)
    assert est.ci == (lo, hi) and str(est) and est.reading
    assert len(calls) == done
    assert est.raw_ci == (lo, hi)  # kept once computed


def test_deferred_estimate_behaves_as_a_plain_one():
    counts = _counts(50, 40, 8)
    eager = _eager(counts, 50, 0.95, "nats")

    def fresh():
        est = _lazy(counts, 50, 0.95, "nats")
        assert isinstance(est.raw_ci, Deferred)
        return est

    assert fresh() == eager  # == reads ci
    assert repr(fresh()) == repr(eager) and str(fresh()) == str(eager)
    assert hash(fresh()) == hash(eager)
    back = pickle.loads(pickle.dumps(fresh()))
    assert back == eager and back.raw_ci == eager.ci and not isinstance(back.raw_ci, Deferred)
    assert copy.deepcopy(fresh()).ci == eager.ci and copy.copy(fresh()).ci == eager.ci
    assert dataclasses.replace(fresh(), method="x").ci == eager.ci
    assert dataclasses.asdict(fresh())["ci"] == eager.ci
    with pytest.raises(dataclasses.FrozenInstanceError):
        fresh().ci = (0.0, 1.0)
    assert type(eager)(**fresh().__dict__) == eager  # rebuilt from its fields' entries, Deferred or not


def test_auto_and_kernel_readers_get_the_interval():
    # auto's hull reads NSB's interval from the kernel result: a tuple, not the Deferred
    counts = _counts(200, 60, 9)
    res = bayes.nsb(Profile.from_counts(counts, 200), level=0.9, rng=np.random.default_rng(0))
    assert isinstance(res.raw_interval, Deferred)
    lo, hi = res.interval
    assert lo < res.value < hi
    est = ik.estimate_entropy(ik.Empirical.from_counts(counts, support_size=200))
    assert est.ci[0] <= est.value <= est.ci[1]


def _like_mpmath(values, mult, beta):
    mp.dps = 40
    b = mpf(beta)
    return float(sum(int(m) * (mp.loggamma(b + int(v)) - mp.loggamma(b) - int(v) * mp.log(b))
                     for v, m in zip(values, mult)))


@pytest.mark.parametrize("term_by_term", [True, False])
@pytest.mark.parametrize("k,n,seed", [(10, 10, 1), (100, 300, 2), (30, 2000, 3)])
def test_log_likelihood_of_beta_matches_mpmath(monkeypatch, term_by_term, k, n, seed):
    counts = _counts(k, n, seed)
    prof = Profile.from_counts(counts, k)
    monkeypatch.setattr(bayes, "_RISING_TERMS", 10**9 if term_by_term else 0)
    lp = bayes._LogPost(prof)
    assert (lp.terms_j is not None) == term_by_term
    t = np.linspace(-45.0, 45.0, 31)
    terms = bayes._TTerms(t, k, prof.n, moments=False)
    like = lp(t, terms) - terms.base
    ref = np.array([_like_mpmath(prof.values, prof.mult, b) for b in terms.beta])
    assert np.all(np.abs(like - ref) <= 1e-13 * np.maximum(1.0, np.abs(ref)))


@pytest.mark.parametrize("k,n,seed", [(10, 10, 1), (100, 10, 2), (1000, 100, 3), (300, 30, 4), (30, 3, 5)])
def test_columns_kept_on_the_cached_grid_change_nothing(monkeypatch, k, n, seed):
    # wide posteriors: psi(n_x + beta + 1) and h(n_x + beta) are kept per count on the cached grid of (k, n);
    # the estimate, its SD and its interval are those computed without them, bit for bit
    counts = _counts(k, n, seed)
    prof = Profile.from_counts(counts, k)
    assert bayes._class_columns(bayes._nsb_posterior(prof)[0], prof.values.astype(float)) is not None
    kept = [bayes.nsb(prof, level=0.95, rng=np.random.default_rng(0)) for _ in range(2)]  # computes, then reuses
    monkeypatch.setattr(bayes, "_class_columns", lambda tt, values: None)
    fresh = bayes.nsb(prof, level=0.95, rng=np.random.default_rng(0))
    for r in kept:
        assert (r.value, r.stderr, r.interval) == (fresh.value, fresh.stderr, fresh.interval)
