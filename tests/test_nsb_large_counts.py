"""NSB on samples with many distinct large counts: the sums over those counts by interpolation in beta.

From 256 distinct counts of 64 or more (the tests lower this to 32 to keep the references cheap), :class:`infokit._estimators.bayes._LargeCounts`
sums them as functions of beta interpolated at 14 Chebyshev nodes instead
of at every node of the posterior.  Checked here against mpmath (the sums
themselves, and the whole NSB posterior mean and SD integrated at 30 digits)
and against the term-by-term path on the same counts.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from mpmath import mp, mpf

from infokit._estimators import bayes
from infokit._estimators.result import Profile


def _large_at(seed, classes, where):
    """A random fingerprint of large counts, its :class:`_LargeCounts` and a beta at ``where`` of its reach."""
    rng = np.random.default_rng(seed)
    values = np.unique(rng.integers(64, 200_000, size=classes)).astype(float)
    mult = rng.integers(1, 6, size=values.size).astype(float)
    large = bayes._LargeCounts(values, mult)
    return values, mult, large, where * large.cap


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), classes=st.integers(32, 120), where=st.floats(0.0, 1.0))
def test_log_gamma_sum_matches_mpmath(seed, classes, where):
    values, mult, large, beta = _large_at(seed, classes, where)
    got = float(large.log_gamma(np.array([beta]))[0])
    with mp.workdps(30):
        b = mpf(beta)
        ref = sum(mpf(m) * (mp.loggamma(mpf(v) + b) - mp.loggamma(mpf(v))) for v, m in zip(values, mult))
        const = sum(mpf(m) * mp.loggamma(mpf(v)) for v, m in zip(values, mult))
    assert got == pytest.approx(float(ref), rel=1e-13, abs=1e-11)
    assert large.const == pytest.approx(float(const), rel=1e-15)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), classes=st.integers(32, 80), where=st.floats(0.0, 1.0))
def test_moment_sums_match_mpmath(seed, classes, where):
    values, mult, large, beta = _large_at(seed, classes, where)
    c, s0, t1, t2, t3 = (float(np.asarray(x).ravel()[0]) for x in large.moment_parts(np.array([beta])))
    with mp.workdps(30):
        b = mpf(beta)
        rows = []
        for v, m in zip(values, mult):
            a = mpf(v) + b
            psi = mp.digamma(a + 1)
            h = (a + 1) * mp.psi(1, a + 2) + 1 / (a + 1) - 1
            rows.append((mpf(m) * a, psi, h))
        r0 = sum(w for w, _, _ in rows)
        r1 = [w * (p - c) for w, p, _ in rows]
        r2 = sum(w * (p - c) ** 2 for w, p, _ in rows)
        r3 = sum(w * h for w, _, h in rows)
    assert s0 == pytest.approx(float(r0), rel=1e-15)
    # T1 is a centred sum (terms of both signs): compared on the scale of its terms
    assert abs(t1 - float(sum(r1))) <= 1e-14 * float(sum(abs(x) for x in r1))
    assert t2 == pytest.approx(float(r2), rel=1e-13)
    assert t3 == pytest.approx(float(r3), rel=1e-13)


def _zipf_counts(k, n, seed):
    w = 1.0 / np.arange(1, k + 1)
    return np.random.default_rng(seed).multinomial(n, w / w.sum())


def _nsb_mpmath(prof, t0, sigma, dps=30):
    """NSB posterior mean and SD of H: trapezoid over t = log beta (step sigma/2, +-13 sigma), at ``dps`` digits.

    Written on the fingerprint from the formulas (NSB 2002; Wolpert & Wolf 1995), not from infokit's code;
    infokit's mode and SD of t only place the nodes (the ends are checked to hold no mass).
    """
    with mp.workdps(dps):
        K, N = mpf(prof.k), mpf(prof.n)
        cls = [(mpf(int(v)), mpf(int(m))) for v, m in zip(prof.values, prof.mult)]
        kobs, unseen = mpf(prof.k_obs), mpf(prof.k - prof.k_obs)

        def logpost(t):
            b = mp.e**t
            s = mp.loggamma(K * b) - mp.loggamma(K * b + N) + t + mp.log(K * mp.psi(1, K * b + 1) - mp.psi(1, b + 1))
            return s + sum(m * mp.loggamma(v + b) for v, m in cls) - kobs * mp.loggamma(b)

        def moments(t):
            b = mp.e**t
            A = N + K * b
            rows = [(m * (v + b), mp.digamma(v + b + 1), v + b) for v, m in cls] + [
                (unseen * b, mp.digamma(b + 1), b)]
            u = sum(w * p for w, p, _ in rows) / A
            s = sum(w * ((p - u) ** 2 + (a + 1) * mp.psi(1, a + 2) + 1 / (a + 1) - 1) for w, p, a in rows)
            return mp.digamma(A + 1) - u, s / (A * (A + 1)) + A / (A + 1) ** 2 - mp.psi(1, A + 2)

        ts = [mpf(t0) + mpf(sigma) / 2 * j for j in range(-26, 27)]
        f = [logpost(t) for t in ts]
        top = max(f)
        assert f[0] - top < -40 and f[-1] - top < -40
        w = [mp.e ** (x - top) for x in f]
        mom = [moments(t) for t in ts]
        z = sum(w)
        mean = sum(wi * m[0] for wi, m in zip(w, mom)) / z
        second = sum(wi * (m[1] + m[0] ** 2) for wi, m in zip(w, mom)) / z
        return float(mean), float(mp.sqrt(second - mean**2))


def test_nsb_with_many_large_counts_matches_mpmath(monkeypatch):
    # the interpolated path from 32 large classes (the library takes it from 256, where it starts to pay)
    monkeypatch.setattr(bayes, "_LARGE_CLASSES", 32)
    prof = Profile.from_counts(_zipf_counts(3000, 300_000, 4), 3000)
    assert bayes._LogPost(prof).large is not None  # the interpolated path
    res = bayes.nsb(prof, level=0.95, rng=None)
    mean, sd = _nsb_mpmath(prof, np.log(res.info["beta_map"]), res.info["log_beta_sd"])
    assert res.value == pytest.approx(mean, rel=1e-13)
    assert res.stderr == pytest.approx(sd, rel=1e-9)


def test_the_library_takes_the_interpolated_path_from_256_large_classes():
    assert bayes._LogPost(Profile.from_counts(_zipf_counts(100_000, 1_000_000, 2), 100_000)).large is not None
    assert bayes._LogPost(Profile.from_counts(_zipf_counts(10_000, 100_000, 4), 10_000)).large is None


@pytest.mark.parametrize("family,k,n,seed", [
    ("zipf", 3000, 300_000, 1), ("zipf", 100_000, 1_000_000, 2), ("dirichlet", 1000, 1_000_000, 3),
    ("dirichlet", 100, 100_000, 4), ("zipf", 300, 30_000, 5),
])
def test_interpolated_path_equals_the_term_by_term_one(monkeypatch, family, k, n, seed):
    rng = np.random.default_rng(seed)
    if family == "zipf":
        counts = _zipf_counts(k, n, seed)
    else:
        counts = rng.multinomial(n, rng.dirichlet(np.full(k, 0.5)))
    prof = Profile.from_counts(counts, k)
    monkeypatch.setattr(bayes, "_LARGE_CLASSES", 32)
    assert bayes._LogPost(prof).large is not None
    new = bayes.nsb(prof, level=0.95, rng=None)
    monkeypatch.setattr(bayes, "_LARGE_CLASSES", 10**9)
    assert bayes._LogPost(prof).large is None
    old = bayes.nsb(prof, level=0.95, rng=None)
    assert new.value == pytest.approx(old.value, rel=1e-13)
    assert new.stderr == pytest.approx(old.stderr, rel=1e-9)
    for a, b in zip(new.interval, old.interval):
        assert abs(a - b) <= 1e-8 * old.stderr
