"""The rule behind ``estimate_entropy(..., method="auto")``.

:func:`choose` looks only at the sample (its :class:`~infokit._estimators.result.Profile`),
never at the distribution, and returns an estimator name and a one-line reason::

    support size K declared (K >= 2):
      1. the counts are consistent with a uniform distribution over the K
         outcomes                                   -> "shrinkage"
      2. else                                        -> "nsb"
    support size not declared:
      1. a single outcome observed                   -> "miller_madow" (0)
      2. coverage 1 - f1/n >= 0.90                   -> "jackknife"
      3. else                                        -> "chao_shen"

The interval.  ``estimate_entropy`` reports for a choice of NSB, the
jackknife or Chao-Shen (:data:`BRACKETED`) the smallest interval holding the
chosen kernel's own and those of the jackknife, PYM and Chao-Wang-Jost
(:data:`BRACKET_KERNELS`; :func:`bracket_interval`): undersampled, these are
biased in opposite directions (the jackknife low, PYM high on light tails),
and the truth lies between them far more often than inside any one of them.
When the sample cannot bound the entropy from above -- Good-Turing coverage
below :data:`COVERAGE_BOUNDED` or fewer than two repeated samples (where PYM's
posterior is improper) -- the upper end is ``log K`` with a declared support
and ``+inf`` without one (``diagnostics["interval_note"]``: "no upper bound
without a declared support size"; ``Estimate.reading`` and the command line
say it).  A shrinkage choice keeps its union with NSB's interval; a sample
that saw one outcome gets ``[0, bound on the unseen mass's entropy]``.  The
point estimate is the chosen kernel's, unchanged.

(Without a declared support, with a single outcome seen m times,
Grassberger's estimate is not 0 but -0.036 at m = 2 and +0.37 at m = 3; 0 is
the natural answer.  With a declared support NSB answers instead: its
posterior interval keeps some room above 0, and over the simulation grid a
zero-width interval at 0 misses the truth in the sparse Dirichlet cells.)

"Consistent with uniform" is a test on the number of colliding pairs
``P = sum_x C(n_x, 2)`` (Pearson's chi-square statistic in another form): under
the uniform distribution on K outcomes ``P`` has mean ``lam = n (n - 1) / (2 K)``;
it is close to Poisson(lam) while ``n << K``, and more skewed than that once
samples fall three to an outcome (:func:`uniform_pairs_pvalue`: Poisson below
``n = K/2``, a gamma law with the exact first three cumulants from there on).
The counts are taken as uniform unless that p-value is below 1e-3.  With no
repeated outcome at all (``P = 0``) the sample cannot tell the distribution
from uniform, so the rule then answers with the maximum-entropy-leaning
shrinkage estimate (which is log K when every outcome is seen at most once).
(The Poisson law on its own, used at every ``n`` before, rejected up to 0.65% of
uniform samples at that level; with the calibrated test the tune grid's
geometric-mean ratio went from 1.49 to 1.47 and the report grid's from 1.30
to 1.28, the uniform cells K = 100, N = 100 and 1000 (tune) and K = 300,
N = 900 (report) from 1.9-2.5 to 1.00.  Levels 1e-2, 3e-3, 3e-4 and 1e-4 on
the tune grid: 1.61, 1.49, 1.47, 1.48.)

Why these estimators (``benchmarks/bench_estimators.py``; results in
``benchmarks/RESULTS.md``, section ``bench_estimators``): over 117 cells
(9 families of distributions, K = 10..1e4, N/K = 0.01..10, 200 samples each)
James-Stein shrinkage towards uniform is the most accurate estimator by far on
uniform and nearly uniform distributions and poor elsewhere; NSB is the best
single estimator when the sample is undersampled and not uniform-looking; once
coverage is high the cheap bias-corrected estimators (Grassberger, jackknife)
are as good as NSB or better (NSB is biased on long-tailed distributions such
as Zipf at N/K = 10).  Without K, NSB, shrinkage and the Dirichlet posterior
lose their footing and Chao-Shen's coverage adjustment is the best of the
estimators that need no support size.

With a declared support the rule was simplified (tuned on the tune grid of
``bench_estimators.py``, seed 20240601, 100 samples a cell, 17 kernels): the
former steps "single outcome -> Miller-Madow" and "coverage >= 0.95 ->
Grassberger" cost coverage of the 95% interval (28 of 117 cells below 90%,
against 15 without them) and made ``auto`` less accurate than NSB alone in 61
cells (24 without them), for a geometric-mean RMSE ratio of 1.45 instead of
1.50.  Figures on a second grid never tuned on: ``benchmarks/RESULTS.md``,
section ``bench_estimators_report``.  Chao-Wang-Jost in place of NSB once the
coverage is at least 0.95 (its interval in the hull) was tried and not kept:
on the tune grid it took the geometric-mean ratio from 1.47 to 1.41 (Zipf at
N/K = 10 up to 6x more accurate), at the same coverage; scored once on the
report grid, it left the ratio there at 1.28 and made ``auto`` less accurate
than NSB alone in 25 of 54 cells instead of 9 (Dirichlet(0.1), K = 3000,
N = 9000: 1.14 against NSB's 1.00).

Former measurement, with the former rule (200 samples a cell; ratio = the rule's RMSE over the smallest RMSE
of any kernel in that cell): geometric mean 1.28 over the 117 cells, 1.16
over the 90 cells where a uniform sample would repeat an outcome
(n(n-1)/2K >= 1); NSB alone 1.83 and 1.62.  Against the best kernel other than
shrinkage and the Dirichlet posterior: 0.76 (NSB alone 1.09).  Without K,
against the best kernel that needs none: 1.12.  The worst cell ratio is 8.4,
and no rule that sees only the sample can do much better (about 7.9 at best):
samples without a repeated outcome look the same whatever the distribution,
and in those cells the best kernel is whichever fixed target (uniform for
shrinkage, the Dirichlet(1/2) prior mean) happens to match the family.

Without a declared support the rule was changed from "coverage >= 0.95 ->
Grassberger" to "coverage >= 0.90 -> jackknife" (tuned on the tune grid, seed
20240601, 100 samples a cell; nine kernels that need no support size compared:
Miller-Madow, jackknife, Grassberger, Zhang, Chao-Shen, Bonachela, PYM,
Chao-Wang-Jost, JVHW).  The jackknife's interval covers more often than
Grassberger's once the sample is well covered (pooled over the samples with
coverage 0.90-0.95: 77% against 67%; 0.95-0.99: 93% against 90%), at the same
accuracy.  Coverage of the 95% interval over the 117 tune cells: mean 67.4% ->
69.1%, cells below 90% 74 -> 69, RMSE over the best kernel that needs no K
1.22 -> 1.21 (geometric mean); on a fresh grid of the same shape (seed
20261203) 67.2% -> 69.4%, 72 -> 67 cells, 1.22 -> 1.21.  On the report grid
(seed 20251202, 54 cells, 200 samples): 65.9% -> 71.8%, cells below 90% 43 ->
29, and the benchmark's own ratio (against the best of its K-free set, which
has the plug-in and not Chao-Wang-Jost or JVHW) 1.28 -> 1.13 (tune grid: 1.16
-> 1.15); ``benchmarks/RESULTS.md``, section ``bench_estimators_report``.  No choice
of a single kernel's interval comes near the goal of 90% in every cell without K: even the per-cell
best of the nine covers 87% on average with 25 of 117 cells below 90%; those
samples are so sparse that every estimator's bias exceeds its spread.  PYM,
the widest, raises the mean to 79% but at 1.73 times the best RMSE (25 times in
the worst cell, on light-tailed distributions), so its point is not used; its
interval is, in the hull described under "The interval" above.

The cheaper estimator is preferred where their accuracy ties: Grassberger's
correction and the jackknife are O(distinct counts) and need no K; NSB (a 1-D integral) is used
only where it is clearly better.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special

from infokit._estimators.result import Profile

__all__ = ["Features", "decide", "choose", "uniform_pairs_pvalue", "uniform_pairs_cumulants", "UNIFORM_LEVEL",
           "COVERAGE_JACKKNIFE", "BRACKETED", "BRACKET_KERNELS", "COVERAGE_BOUNDED",
           "NO_UPPER_BOUND", "bracket_interval", "bounds_entropy"]

#: Level of the collision test of uniformity: the counts are treated as uniform
#: unless :func:`uniform_pairs_pvalue` ``< UNIFORM_LEVEL``.
UNIFORM_LEVEL = 1e-3
#: Good-Turing coverage from which, without a declared support, the jackknife is used
#: (below it, Chao-Shen's coverage adjustment).
COVERAGE_JACKKNIFE = 0.90
#: The choices whose interval ``estimate_entropy`` widens to the hull of the
#: intervals of :data:`BRACKET_KERNELS` (:func:`bracket_interval`).
BRACKETED = frozenset({"nsb", "jackknife", "chao_shen"})
#: Kernels whose intervals bracket the entropy together: the jackknife (biased
#: low when undersampled), the Pitman-Yor mixture posterior (high on light
#: tails, built for unknown support) and Chao-Wang-Jost (the undetected
#: outcomes' entropy from f1 and f2).
BRACKET_KERNELS = ("jackknife", "pym", "chao_wang_jost")
#: Good-Turing coverage below which the sample is taken not to bound the
#: entropy from above: the interval's upper end is then log K (declared) or
#: +inf (not declared).
COVERAGE_BOUNDED = 0.6



def bounds_entropy(prof: Profile) -> bool:
    """Whether the sample of ``prof`` bounds its entropy from above: Good-Turing coverage at least
    :data:`COVERAGE_BOUNDED` (the rule of :func:`bracket_interval`, which the mutual information and the
    KL divergence follow too)."""
    return prof.coverage >= COVERAGE_BOUNDED


#: The sentence ``Estimate.reading`` and the command line add to an interval without an upper end.
NO_UPPER_BOUND = "no upper bound without a declared support size"


@dataclass(frozen=True)
class Features:
    """The sample statistics the rule looks at: a :class:`~infokit._estimators.result.Profile`
    and ``pairs = sum_x n_x (n_x - 1) / 2`` (colliding pairs of samples).

    ``n``, ``k_obs``, ``k``, ``k_declared``, ``coverage`` and ``coincidences``
    are the profile's; ``f1``/``f2`` its outcomes seen once/twice.
    """

    profile: Profile
    pairs: int

    @classmethod
    def of(cls, prof: Profile) -> "Features":
        """The features of a profile (O(distinct counts))."""
        # exact integers: v (v - 1) / 2 <= 4.6e18 for counts up to ~3e9
        pairs = sum(int(a) * (int(b) * (int(b) - 1) // 2) for a, b in zip(prof.mult, prof.values))
        return cls(prof, pairs)

    n = property(lambda self: self.profile.n)
    k_obs = property(lambda self: self.profile.k_obs)
    k = property(lambda self: self.profile.k)
    k_declared = property(lambda self: self.profile.k_declared)
    f1 = property(lambda self: self.profile.f(1))
    f2 = property(lambda self: self.profile.f(2))
    coverage = property(lambda self: self.profile.coverage)
    coincidences = property(lambda self: self.profile.coincidences)

    @property
    def expected_pairs_uniform(self) -> float:
        """``n (n - 1) / (2 k)``: colliding pairs expected under the uniform distribution."""
        return uniform_pairs_cumulants(self.n, self.k)[0]

    def uniform_pvalue(self) -> float:
        """``P(pairs' >= pairs)`` for ``pairs'`` the colliding pairs of ``n`` samples from the uniform
        distribution on the ``k`` outcomes (:func:`uniform_pairs_pvalue`)."""
        return uniform_pairs_pvalue(self.pairs, self.n, self.k)


def uniform_pairs_cumulants(n: int, k: int) -> tuple[float, float, float]:
    """Mean, variance and third cumulant of the colliding pairs of ``n`` samples, uniform on ``k`` outcomes.

    ``pairs = sum_{i<j} [x_i = x_j]`` is a sum of ``M = C(n, 2)`` indicators
    of probability ``q = 1/k``.  Under the uniform distribution two pairs that
    share one sample are independent (``P(x_i = x_j = x_l) = q^2``), so the
    variance is ``M q (1 - q)``; of the joint third cumulants only those of a
    pair with itself and of the three pairs of a triangle ``{i, j, l}`` are not
    zero, giving ``M q (1 - q)(1 - 2q) + 6 C(n, 3) q^2 (1 - q)``.  The triangles
    make the distribution more skewed than Poisson(``M q``) by the factor
    ``1 + 2 (n - 2)/k`` (for ``n >> k``, ``pairs`` is Pearson's chi-square on
    ``k - 1`` degrees of freedom in another form).

    >>> from infokit._estimators.auto import uniform_pairs_cumulants
    >>> uniform_pairs_cumulants(3, 2)      # 3 samples on 2 outcomes: pairs is 1 (p = 3/4) or 3 (p = 1/4)
    (1.5, 0.75, 0.75)
    """
    q = 1.0 / k
    m = n * (n - 1) / 2.0
    triangles = n * (n - 1) * (n - 2) / 6.0
    return m * q, m * q * (1.0 - q), m * q * (1.0 - q) * (1.0 - 2.0 * q) + 6.0 * triangles * q * q * (1.0 - q)


def uniform_pairs_pvalue(pairs: int, n: int, k: int) -> float:
    """``P(pairs' >= pairs)`` under the uniform distribution on ``k`` outcomes (``n`` samples).

    While ``n < k/2`` (few triangles: the skewness is within a factor 2 of
    Poisson's) the Poisson law with the exact mean ``n (n - 1) / (2k)``;
    from ``n = k/2`` on, the gamma law with the exact mean, variance and third
    cumulant (:func:`uniform_pairs_cumulants`; Pearson type III), with a
    continuity correction of 1/2.  The Poisson law alone, used from ``n = k/2``
    on, rejects a uniform sample far more often than its level says: at level
    1e-3, 0.60-0.65% of the time for ``k = 10``, ``n = 100`` or 1000, and
    0.2-0.26% for ``k = 100``-300 at ``n/k = 3``-10; the gamma law 0.08-0.16%
    on the same cases and the others from ``n = k/2`` on.  Below ``n = k/2``
    the Poisson law is at 0.10-0.14%, except where the samples are so few that
    the p-value takes few values and three samples on one outcome (three
    pairs at once) are common: 0.32% for ``k = 30``, ``n = 10``.  Measured by simulation:
    ``benchmarks/bench_uniform_test.py`` (``benchmarks/RESULTS.md``, section
    ``bench_uniform_test``); ``tests/test_auto.py`` checks the level on five
    of its cases.

    >>> from infokit._estimators.auto import uniform_pairs_pvalue
    >>> round(uniform_pairs_pvalue(520, 100, 10), 4)    # 495 pairs expected, SD about 21
    0.1249
    >>> uniform_pairs_pvalue(0, 100, 10)                # no colliding pair: nothing against uniform
    1.0
    """
    if pairs <= 0:
        return 1.0
    mean, var, k3 = uniform_pairs_cumulants(n, k)
    if 2 * n < k or var <= 0.0 or k3 <= 0.0:
        return float(special.pdtrc(pairs - 1, mean))
    scale = k3 / (2.0 * var)
    shape = var / (scale * scale)
    x = (pairs - 0.5 - (mean - shape * scale)) / scale
    return float(special.gammaincc(shape, max(x, 0.0)))


_ONE_OUTCOME = "a single outcome observed: Miller-Madow (here the plug-in value, 0)"


def decide(ft: Features) -> tuple[str, str]:
    """The rule on precomputed :class:`Features`: ``(method, reason)``.

    (The mutual information's ``auto`` does not use this rule: it takes NSB
    for its three entropies, :data:`infokit._estimators.information.AUTO_MI`.)
    """
    cov = f"coverage 1 - f1/n = {ft.coverage:.3g}"
    if ft.k_declared:
        if ft.k <= 1:
            return "plugin", "a single possible outcome: the entropy is 0"
        pval = ft.uniform_pvalue()
        if pval >= UNIFORM_LEVEL:
            return "shrinkage", (
                f"counts consistent with uniform over the declared {ft.k} outcomes "
                f"({ft.pairs} colliding pairs, {ft.expected_pairs_uniform:.3g} expected, p = {pval:.2g}): "
                "James-Stein shrinkage towards uniform"
            )
        return "nsb", (
            f"counts not consistent with uniform over the declared {ft.k} outcomes (p = {pval:.2g}), "
            f"support size declared ({cov}): NSB"
        )
    if ft.k_obs <= 1:
        return "miller_madow", _ONE_OUTCOME
    if ft.coverage >= COVERAGE_JACKKNIFE:
        return "jackknife", (
            f"well sampled ({cov} >= {COVERAGE_JACKKNIFE}) and no declared support size: jackknife")
    return "chao_shen", (
        f"undersampled ({cov} < {COVERAGE_JACKKNIFE}) and no declared support size: "
        "coverage-adjusted Chao-Shen"
    )


def bracket_interval(ft: Features, value: float, own, brackets, *, upper: float) -> tuple[float, float, bool]:
    """The interval of ``auto``'s choice in :data:`BRACKETED`: ``(lo, hi, bounded)``.

    ``own`` is the chosen kernel's interval (``None`` where it has none) and
    ``brackets`` maps each of :data:`BRACKET_KERNELS` to its interval at the
    same level, ``None`` where it could not run (PYM needs two repeated
    samples).  The interval is the smallest holding all of them and
    ``value``.  Its upper end is ``upper`` (``log K`` with a declared
    support, else ``+inf``; ``bounded`` False) when the sample cannot bound
    the entropy from above: Good-Turing coverage below
    :data:`COVERAGE_BOUNDED` (more than 40% of the sample seen once), or PYM
    could not run (fewer than two repeated samples).

    Why: once the sample is small against the support every estimator's bias
    exceeds its spread, and no single interval holds its level; but the
    jackknife is biased low where PYM (whose prior favours heavy tails) is
    biased high, so the truth mostly lies between them.  Over the 117 cells
    of the tune grid of ``benchmarks/bench_estimators.py`` (seed 20240601,
    200 samples a cell) this takes the coverage of the 95% interval without a
    declared support from a mean of 69.2% (71 cells below 90%, worst 0%) to
    98.4% (none below 90%, worst 92%), and with one from 91.9% (19 cells
    below 90%, Zipf at large K; worst 0%) to 98.4% (none, worst 92%).
    Chao-Wang-Jost joins the hull for the well-sampled Dirichlet(10) cell
    K = 1e4, N = 1e5, where both the jackknife and PYM miss (without K 91% ->
    99%).  The coverage threshold 0.6 (against 0.5 or none) closes the Zipf
    cells K = 1e3 and 1e4 at N = 100.  The price is width: the mean coverage
    exceeds the 95% asked for (the intervals are conservative), most where
    the sample gives no upper bound at all.  Figures on the report grid,
    never tuned on: ``benchmarks/RESULTS.md``, section
    ``bench_estimators_report``.
    """
    ends = [iv for iv in (own, *brackets.values())
            if iv is not None and not (math.isnan(iv[0]) or math.isnan(iv[1]))]
    lo = min([value, *(float(a) for a, _ in ends)])
    hi = max([value, *(float(b) for _, b in ends)])
    bounded = brackets.get("pym") is not None and bounds_entropy(ft.profile)
    if not bounded:
        hi = upper
    return lo, min(hi, upper), bounded


def choose(prof: Profile) -> tuple[str, str]:
    """The estimator ``method="auto"`` uses for this profile, and a one-line reason."""
    return decide(Features.of(prof))
