"""The two-point lower bound of ``benchmarks/bench_auto_bound.py`` against closed forms.

The bound says that no estimator reading the sample's profile can have
``w MSE1 + (1 - w) MSE2`` below ``(H1 - H2)^2 sum_phi w P1 (1-w) P2 / (w P1 + (1-w) P2)``;
these tests check the profile frequencies it rests on against exact
probabilities, the sum against its closed form, and that the Bayes rule of
the pair attains it (so the bound is the least such risk, not a loose one).
"""

from __future__ import annotations

import math
import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "benchmarks"))
bound = pytest.importorskip("bench_auto_bound")


def _pair_probability(p):
    """P(a sample of 2 repeats an outcome) = sum p^2."""
    return float(np.sum(np.asarray(p) ** 2))


@pytest.mark.parametrize("p", [[1 / 3, 1 / 3, 1 / 3], [0.7, 0.2, 0.1], [0.5, 0.5]])
def test_profile_frequencies_match_the_exact_probabilities(p):
    p = np.asarray(p)
    draws = 40_000
    hist = bound.profile_histogram(p, 2, draws, np.random.default_rng(5))
    # N = 2: the profile is either "one outcome twice" (f_2 = 1) or "two singletons" (no f_2)
    twice = hist[np.array([1], dtype=np.int32).tobytes()] / draws
    q = _pair_probability(p)
    assert set(hist) <= {np.array([1], dtype=np.int32).tobytes(), b""}
    assert twice == pytest.approx(q, abs=4 * math.sqrt(q * (1 - q) / draws))


def _fixed(hist, H):
    """Profile statistics of a fixed distribution of entropy ``H`` from a histogram of counts."""
    return {k: (c, c * H, c * H * H) for k, c in hist.items()}


def test_identical_profiles_give_w_times_one_minus_w():
    hist = {b"a": 30, b"b": 70}
    w = bound.WEIGHTS
    B = bound.two_point(*bound.pair_terms(_fixed(hist, 1.0), _fixed(hist, 3.0)), w)
    np.testing.assert_allclose(B, 4.0 * w * (1 - w), rtol=1e-14)


def test_disjoint_profiles_give_zero():
    B = bound.two_point(*bound.pair_terms(_fixed({b"a": 5}, 1.0), _fixed({b"b": 5}, 2.0)), bound.WEIGHTS)
    assert np.all(B == 0)


def test_random_truths_lower_the_difference_by_its_noise():
    # one profile, truths drawn around 1 and 1.5 with SD 0.1: the estimated (m1 - m2)^2 is lowered by the
    # noise of the two means, so on average it is the true 0.25, not 0.25 + 2 * 0.01 / c
    rng = np.random.default_rng(9)
    est = []
    for _ in range(400):
        h1, h2 = rng.normal(1.0, 0.1, 5), rng.normal(1.5, 0.1, 5)
        s1 = {b"x": (5, h1.sum(), (h1 * h1).sum())}
        s2 = {b"x": (5, h2.sum(), (h2 * h2).sum())}
        est.append(bound.pair_terms(s1, s2)[2][0])
    assert np.mean(est) == pytest.approx(0.25, abs=0.01)


def test_bayes_rule_attains_the_bound_exactly():
    # two distributions on 3 outcomes, samples of 2: the profile's law is known in closed form
    p1, p2 = np.full(3, 1 / 3), np.array([0.7, 0.2, 0.1])
    h1, h2 = (float(-np.sum(p * np.log(p))) for p in (p1, p2))
    q1, q2 = _pair_probability(p1), _pair_probability(p2)
    P1 = {b"twice": q1, b"apart": 1 - q1}
    P2 = {b"twice": q2, b"apart": 1 - q2}
    w = np.array([0.25, 0.5, 0.8])
    B = bound.two_point(np.array([P1[b"twice"], P1[b"apart"]]), np.array([P2[b"twice"], P2[b"apart"]]),
                        np.full(2, (h1 - h2) ** 2), w)
    for wi, bi in zip(w, B):
        # the Bayes rule for the weights (wi, 1 - wi): the posterior mean of H at each profile
        risk = 0.0
        for key in P1:
            a, b = wi * P1[key], (1 - wi) * P2[key]
            t = (a * h1 + b * h2) / (a + b)
            risk += a * (t - h1) ** 2 + b * (t - h2) ** 2
        assert risk == pytest.approx(bi, rel=1e-12)
        # and any other rule does worse: a constant, and the truth of one cell
        for t in (h1, h2, 0.5 * (h1 + h2)):
            other = sum(wi * P1[k] * (t - h1) ** 2 + (1 - wi) * P2[k] * (t - h2) ** 2 for k in P1)
            assert other >= bi * (1 - 1e-12)


def test_least_product_is_one_without_overlap_and_matches_the_constant_rules_at_full_overlap():
    w = bound.WEIGHTS
    assert bound.least_product(np.zeros_like(w), 0.1, 0.1) == 1.0
    # full overlap, Delta^2 = 1: only constant rules t matter, with MSEs t^2 and (1 - t)^2 (a convex frontier,
    # so the weighted constraints describe it exactly); with b1 = b2 = 0.1 the least product of the ratios
    # max(t / b, 1) max((1 - t) / b, 1) over t is 9, at t = 0.1
    assert bound.least_product(w * (1 - w), 0.1, 0.1) == pytest.approx(9.0, rel=0.02)
    assert bound.least_product(0.01 * w * (1 - w), 0.1, 0.1) == pytest.approx(1.0, abs=0.02)


def test_uniform_atom_bayes_factor_matches_mpmath():
    # benchmarks/bench_uniform_atom.py: NSB's evidence over the uniform distribution's, from the posterior's
    # trapezoid sum, against the integral of the Dirichlet-multinomial likelihood over NSB's prior
    from mpmath import mp

    atom = pytest.importorskip("bench_uniform_atom")
    from infokit._estimators.result import Profile

    counts = [3, 1, 0, 0, 2, 5, 0, 1]
    k, n = len(counts), sum(counts)

    def integrand(t):
        beta = mp.e**t
        log_dm = mp.loggamma(k * beta) - mp.loggamma(k * beta + n) + sum(
            mp.loggamma(c + beta) - mp.loggamma(beta) for c in counts)
        prior = (k * mp.psi(1, k * beta + 1) - mp.psi(1, beta + 1)) / mp.log(k)
        return mp.e**log_dm * prior * beta

    with mp.workdps(30):
        ref = mp.log(mp.quad(integrand, [-40, -5, 0, 5, 40])) + n * mp.log(k)
    assert atom.log_bayes_factor(Profile.from_counts(np.array(counts), k)) == pytest.approx(float(ref), abs=1e-8)
