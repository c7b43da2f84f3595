r"""Estimators of differential entropy, KL divergence and mutual information from continuous samples.

Pure functions of NumPy-convertible samples (1-D arrays of ``n`` scalars, or
2-D ``n x d`` arrays of ``n`` points in ``d`` dimensions; torch tensors are
detached and copied to the CPU).  Each returns a
:class:`~infokit._estimators.result.KernelResult` in **nats**; the public wrappers
:func:`infokit.estimate_entropy`, :func:`infokit.estimate_kl` and
:func:`infokit.estimate_mutual_information` turn it into an ``Estimate``.

* :func:`knn_entropy` — Kozachenko–Leonenko (1987), any dimension;
* :func:`spacing_entropy` — m-spacing estimators of a 1-D entropy (Vasicek,
  Ebrahimi, van Es, Correa) through :func:`scipy.stats.differential_entropy`;
* :func:`knn_kl` — Wang, Kulkarni & Verdú (2009), ``D(P||Q)`` from samples of
  both;
* :func:`ksg_mi` — Kraskov, Stögbauer & Grassberger (2004), estimator 1, on
  standardised coordinates;
* :func:`ross_mi` — Ross (2014), the mutual information between a discrete
  and a continuous variable (the estimator of scikit-learn's
  ``mutual_info_classif``).

Nearest neighbours come from :class:`scipy.spatial.cKDTree` (``workers=-1``:
all cores).  ``scipy.spatial`` and ``scipy.stats`` are imported on the first
call, not with infokit (they take a quarter of a second to load).

Standard errors
---------------
The k-NN estimates are means of per-sample terms that are *not* independent
(neighbouring points share neighbours), so ``std(terms) / sqrt(n)`` (the
"delta" error, kept as ``info["stderr_delta"]``) is too small: on Gaussians
the spread of the estimates is 1.0–1.4 times it for the entropy and KSG
estimators and 1.2–2.7 times for the KL estimator.  The reported
``stderr`` of :func:`knn_entropy`, :func:`knn_kl`, :func:`ksg_mi` and
:func:`ross_mi` comes instead from **half-sampling**: the points are split
into two halves ``A`` and ``B`` of (nearly) equal size, the estimator is
computed on each (the neighbour structure rebuilt, so the dependence between
terms is captured), and, over ``S = 10`` such splits,

.. math::

    \widehat{\mathrm{se}}^2 = \frac{1}{4S} \sum_{s=1}^S (\hat\theta_{A_s} - \hat\theta_{B_s})^2 ,

which is unbiased for the variance at ``n`` when that variance is ``c / n``
(two independent estimates at ``n/2`` differ by a variance ``4c/n``; the
biases of the halves, equal, cancel).  A delete-a-group jackknife was
measured first and overstated the spread by 1.2–1.5 times (deleting points
re-draws the neighbour distances of the points around them, a noise the
estimate itself does not have).  The intervals of the public estimates use
Student's t quantile with ``S`` degrees of freedom (``KernelResult.df``;
2.23 instead of 1.96 at 95%).  The halves are a function of the points'
values (a hash of each row, salted per split), not of their order,
so the standard error, like the value, does not depend on the order of the
samples and needs no ``rng`` (they are computed from the ranks of each
coordinate's values and of the gaps between them, so a translation or
positive rescaling leaves them unchanged too; the ranks alone would split
a 1-D sample by fixed order statistics, interleaved alike every time, and
understate the spread 1.2–1.35 times).  For :func:`knn_kl` each sample is
halved; for the paired estimators, rows.  Cost: about ``S`` full
evaluations.  With too few points for halves (``n < 2 (k + 1)``, or no
label seen twice in a half) the delta error is reported instead
(``stderr_method`` says so), and no bias is estimated.  Sums are formed
with :func:`math.fsum`, so the value does not depend on the order of the
samples.

Intervals: the bias
-------------------
The k-NN estimators are biased by an amount that shrinks slowly with ``n``
where the density has a boundary or curvature the neighbourhoods see (an
exponential, a uniform, ``d >= 2``): there the bias, not the standard
error, made a plain ``value -/+ t stderr`` miss (covering 36–87% in such
cells).  The same half-samples estimate it: with :math:`\bar\theta_{1/2}`
the mean of the ``2 S`` half-sample estimates,

.. math::

    \hat b = c \, (\bar\theta_{1/2} - \hat\theta), \qquad c = 2

(``KernelResult.bias``, ``info["bias_nats"]``): for a bias
:math:`\beta n^{-a}`, :math:`\bar\theta_{1/2} - \hat\theta` estimates
:math:`\beta n^{-a} (2^a - 1)`, so ``c = 1 / (2^a - 1)`` is a Richardson
extrapolation (``c = 1`` for ``a = 1``; ``c = 2`` for ``a = 0.58``).  The
interval of the public estimates is

.. math::

    [\hat\theta - t\,\widehat{\mathrm{se}} - \max(\hat b, 0),\;
     \hat\theta + t\,\widehat{\mathrm{se}} + \max(-\hat b, 0)]

— widened by the estimated bias on the side the truth lies, the point not
moved (so it stays inside) — then clipped to the range (MI, KL ``>= 0``)
by :func:`~infokit._estimators.result.finish_interval`
(:func:`~infokit._estimators.result.bias_widened_interval`).  It costs
nothing beyond the standard error (the half-sample estimates are already
computed).  ``c`` was chosen by simulation (``benchmarks/bench_continuous.py
--coverage --grid tune``: seed 11, n = 150, 500, 2000): among c = 0–6,
``c = 2`` raised the mean coverage over 54 cells from 0.895 to 0.928 and the
minimum from 0.46 to 0.80 for intervals 1.17 times as wide on Gaussians;
larger ``c`` gained little more coverage (0.938 at ``c = 6``) for much
wider intervals (1.49 times).  Measured on a separate grid (seed 23,
n = 100, 1000, 5000, families not tuned on; ``benchmarks/RESULTS.md``,
``--coverage``): mean coverage 0.905 over 87 cells (0.867 without the
bias term; 0.941 over the 36 Gaussian cells), intervals 1.17 times as wide
on Gaussians, the estimate inside its interval in every sample.  It
remains below 90% in 17 cells, where the bias is large against the spread
and decays slower than the extrapolation assumes: 3-D entropies of uniform
and exponential samples (0.42–0.84), KL of t(5) against N(0, 1)
(0.25–0.80: Q's light tails under P's heavy ones), a few KSG cells
(0.81–0.88) and the 3-D Gaussian entropy at n = 5000 (0.83).  There the
interval is not a 95% confidence interval for the true measure.

Ties and duplicates
-------------------
The estimators assume continuous distributions: a repeated point has a
neighbour at distance zero and ``log 0 = -inf``, and values recorded at a
finite resolution (rounded measurements) put many neighbours at exactly the
same distance.  The rule (``jitter=None``, the default): **a coordinate
(column) with a repeated value is dequantised** — every value of that
column gets independent ``Uniform(-w/2, w/2)`` noise, where ``w``, the
data's own resolution, is the smallest gap between distinct values of the
column (pooled over ``x`` and ``y`` for :func:`knn_kl`, whose samples share a
space; gaps below ``1e-12`` times the largest magnitude count as float
round-off, not resolution).  Columns without repeats are left as they are.
For data on a grid of step ``w`` this turns the rounded variable ``X`` into
``X + U``, whose density is the histogram of ``X``'s grid: its entropy is
``H(X_grid) + log w`` and its mutual information with anything is exactly
that of ``X`` (``X`` is recovered from ``X + U``), so the k-NN estimate is of
a well-defined quantity; for a rounded continuous variable the entropy it
adds is ``O(w^2)`` (measured in ``benchmarks/RESULTS.md``: far below the
standard error).  ``jitter`` = a number ``f`` in ``(0, 1]`` uses width
``f w``; ``jitter=False`` rejects repeated points with an error instead.
The noise is drawn from ``rng`` (an int seed or a Generator); without one,
from a generator seeded by a hash of the data, so that the same data always
give the same estimate: the result is a function of (data, jitter, rng
state), never of the time of the call.  Noise is drawn column by column,
``x`` before ``y``.  ``info["tie_width"]`` records the width used in
each column (0 where none), or ``None`` when there were no repeats.
A constant column is an error (its differential entropy is ``-inf``).

References
----------
P. J. McCarthy, "Pseudo-replication: half samples", Rev. Int. Statist.
Inst. 37(3), 239–264 (1969).  D. N. Politis, J. P. Romano and M. Wolf,
*Subsampling*, Springer (1999).  B. C. Ross, "Mutual information between discrete and
continuous data sets", PLoS ONE 9(2), e87357 (2014).
"""

from __future__ import annotations

import hashlib
import math
import numbers
from typing import Any

import numpy as np
from scipy import special

from infokit._estimators.result import KernelResult
from infokit._lib.checks import check_rng
from infokit._lib.typing import ArrayLike, Seed
from infokit.errors import InvalidArgumentError, InvalidTypeError

__all__ = [
    "SPACING_METHODS",
    "knn_entropy",
    "spacing_entropy",
    "knn_kl",
    "ksg_mi",
    "ross_mi",
]

#: The m-spacing estimators of :func:`spacing_entropy` (scipy.stats.differential_entropy's names) and
#: the paper of each; ``infokit._estimators.methods`` registers them as ``method=`` names.
SPACING_REFERENCES = {
    "vasicek": "O. Vasicek, A test for normality based on sample entropy, J. R. Stat. Soc. B 38 (1976) 54-59.",
    "ebrahimi": "N. Ebrahimi, K. Pflughoeft & E. S. Soofi, Two measures of sample entropy, "
    "Stat. Probab. Lett. 20 (1994) 225-234.",
    "van es": "B. van Es, Estimating functionals related to a density by a class of statistics based on "
    "spacings, Scand. J. Stat. 19 (1992) 61-72.",
    "correa": "J. C. Correa, A new estimator of entropy, Commun. Stat. Theory Methods 24 (1995) 2439-2449.",
}
#: Names accepted by :func:`spacing_entropy` (``"van_es"`` is an alias of ``"van es"``).
SPACING_METHODS = tuple(SPACING_REFERENCES)

#: Random half-sample splits behind the standard error of the k-NN estimators (module notes).
HALF_SAMPLE_SPLITS = 10

#: The bias of a k-NN estimate at ``n`` is taken as this multiple of (mean of its half-sample estimates - estimate).
BIAS_FACTOR = 2.0

#: Gaps between distinct values below this fraction of a column's largest magnitude are float round-off.
_ROUNDOFF = 1e-12


# --------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------
def _as_points(x, name: str, *, min_points: int = 2) -> np.ndarray:
    """``x`` as a C-contiguous float64 ``(n, d)`` array of finite values, ``n >= min_points``.

    A 1-D input of ``n`` scalars is ``n`` points in one dimension.
    """
    if x is None:
        raise InvalidTypeError(f"'{name}' must be an array of samples (got None)")
    if type(x).__module__.split(".")[0] == "torch":
        x = x.detach().cpu().numpy()
    try:
        a = np.asarray(x)
    except Exception as exc:  # ragged lists and the like
        raise InvalidTypeError(
            f"'{name}' must be a 1-D array of n numbers or a 2-D n x d array of points ({exc})"
        ) from None
    if a.dtype == object:
        try:
            a = a.astype(np.float64)
        except (TypeError, ValueError):
            raise InvalidTypeError(
                f"'{name}' must hold real numbers (got an object array that does not convert to float)"
            ) from None
    if a.dtype.kind not in "biuf":
        raise InvalidTypeError(
            f"'{name}' must hold real numbers (got dtype {a.dtype}); "
            "the continuous estimators take samples of a real-valued random vector"
        )
    if a.ndim == 1:
        a = a[:, None]
    elif a.ndim != 2:
        raise InvalidArgumentError(
            f"'{name}' must be 1-D (n samples) or 2-D (n points x d dimensions); got {a.ndim}-D "
            f"shape {a.shape}"
        )
    if a.shape[1] == 0:
        raise InvalidArgumentError(f"'{name}' has zero dimensions (shape {a.shape}); each point needs >= 1 coordinate")
    a = np.ascontiguousarray(a, dtype=np.float64)
    finite = np.isfinite(a)
    if not finite.all():
        bad = int(a.shape[0] - np.count_nonzero(finite.all(axis=1)))
        raise InvalidArgumentError(
            f"'{name}' has {bad} point(s) with NaN or infinite coordinates; "
            "drop or impute them before estimating"
        )
    if a.shape[0] < min_points:
        raise InvalidArgumentError(
            f"'{name}' has {a.shape[0]} point(s); this estimator needs at least {min_points} "
            "(lower n_neighbors or supply more samples)"
        )
    return a + 0.0  # a copy, with -0.0 turned into 0.0 (so that repeats are exact equalities)


def _check_k(n_neighbors) -> int:
    if isinstance(n_neighbors, bool) or not isinstance(n_neighbors, numbers.Integral):
        raise InvalidTypeError(f"'n_neighbors' must be a positive int, e.g. 3 (got {n_neighbors!r})")
    if n_neighbors < 1:
        raise InvalidArgumentError(f"'n_neighbors' must be a positive int, e.g. 3 (got {n_neighbors})")
    return int(n_neighbors)


def _check_workers(workers) -> int:
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or not (workers == -1 or workers >= 1):  # type: ignore[operator]
        raise InvalidArgumentError(
            f"'workers' must be -1 (all cores) or a positive int (got {workers!r})"
        )
    return int(workers)


def _check_jitter(jitter):
    """The fraction of the resolution used as the tie-breaking width, or ``None`` (``jitter=False``: ties raise)."""
    if jitter is None or jitter is True:
        return 1.0
    if jitter is False:
        return None
    if isinstance(jitter, bool) or not isinstance(jitter, numbers.Real) or not (0 < jitter <= 1):
        raise InvalidArgumentError(
            "'jitter' must be None (break ties at the data's resolution), False (repeated points are an error) "
            f"or a fraction of the resolution in (0, 1] (got {jitter!r})"
        )
    return float(jitter)


def _tree(points: np.ndarray):
    """A :class:`scipy.spatial.cKDTree` of ``points`` (scipy.spatial is loaded on first use)."""
    from scipy.spatial import cKDTree

    return cKDTree(points)


def _check_pair(a: np.ndarray, b: np.ndarray, *, paired: bool) -> None:
    """Paired samples (KSG, Ross) need the same number of points; samples of two distributions the same dimension."""
    axis, what, why = (0, "number of samples", "row i of x is paired with row i of y") if paired else (
        1, "dimension", "they are samples of two distributions on the same space")
    if a.shape[axis] != b.shape[axis]:
        raise InvalidArgumentError(
            f"'x' and 'y' must have the same {what} (x has {a.shape[axis]}, y has {b.shape[axis]}): {why}"
        )


def _n_repeats(a: np.ndarray) -> int:
    """Number of points equal to an earlier point (``n`` minus the number of distinct points)."""
    if a.shape[1] == 1:
        s = np.sort(a[:, 0])
        return int(np.count_nonzero(s[1:] == s[:-1]))
    return int(a.shape[0] - np.unique(a, axis=0).shape[0])


# --------------------------------------------------------------------------
# ties: dequantisation at the data's own resolution (module notes)
# --------------------------------------------------------------------------
def _break_ties(samples, names, fraction, rng, cols=None):
    """``samples`` (arrays of one space) with every column that has a repeated value dequantised.

    Returns ``(samples, widths)``: ``widths`` the noise width of each column
    (0.0 where none was added), or ``None`` when no column had a repeat.
    ``fraction`` ``None`` (``jitter=False``): nothing is changed (the caller's
    repeat check raises).
    """
    d = samples[0].shape[1]
    cols = [str(j) for j in range(d)] if cols is None else cols
    widths = np.zeros(d)
    tied = []
    for j in range(d):
        col = np.sort(np.concatenate([s[:, j] for s in samples]))
        gaps = np.diff(col)
        if gaps.size == 0 or gaps.min() > 0.0:
            continue
        top = float(np.abs(col).max())
        real = gaps[gaps > _ROUNDOFF * top]
        if real.size == 0:
            what = " and ".join(f"'{n}'" for n in names)
            raise InvalidArgumentError(
                f"coordinate {cols[j]} of {what} is constant (value {col[0]!r}): a continuous distribution has no "
                "constant coordinate (its differential entropy is -inf); drop that column"
            )
        widths[j] = float(real.min())
        tied.append(j)
    if not tied:
        return samples, None
    if fraction is None:
        return samples, None  # the repeat check raises
    if rng is None:  # no rng given: the noise is a function of the data (the same data, the same estimate)
        rng = np.random.default_rng(_data_seed(samples))
    widths *= fraction
    out = [s.copy() for s in samples]
    for j in tied:
        for s in out:
            s[:, j] += rng.uniform(-0.5 * widths[j], 0.5 * widths[j], size=s.shape[0])
    return out, widths


def _data_seed(samples) -> int:
    """A seed from the bytes of ``samples`` (BLAKE2b): tie-breaking noise without an ``rng`` is reproducible."""
    h = hashlib.blake2b(digest_size=8)
    for s in samples:
        h.update(np.ascontiguousarray(s, dtype=np.float64).tobytes())
    return int.from_bytes(h.digest(), "little")


def _prepare(samples, names, jitter, rng, checks, cols=None):
    """Break ties, then check for repeated points: ``(samples, info)``.

    ``checks(samples)`` lists ``(count, what)`` pairs of repeats that make the
    estimator undefined; any left after the tie-breaking (or, with
    ``jitter=False``, any at all) raise.
    """
    fraction = _check_jitter(jitter)
    gen = check_rng(rng) if rng is not None else None
    samples, widths = _break_ties(samples, names, fraction, gen, cols)
    found = [f"{c} {what}" for c, what in checks(samples) if c]
    if found:
        if fraction is None:
            raise InvalidArgumentError(
                "the samples have repeated points (" + "; ".join(found) + "), which put a neighbour at distance "
                "zero (log 0), and jitter=False rejects them; the default (jitter=None) breaks ties at the "
                "data's resolution"
            )
        raise InvalidArgumentError(
            "repeated points remain after breaking ties (" + "; ".join(found) + "): the resolution is below one "
            "floating-point step of the values; rescale or centre the data first"
        )
    return samples, {"tie_width": None if widths is None else [float(w) for w in widths]}


# --------------------------------------------------------------------------
# the half-sampling standard error
# --------------------------------------------------------------------------
_M1, _M2, _GOLDEN = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB), np.uint64(0x9E3779B97F4A7C15)


def _mix(h: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser (a bijection of uint64 that scrambles its bits)."""
    h = (h ^ (h >> np.uint64(30))) * _M1
    h = (h ^ (h >> np.uint64(27))) * _M2
    return h ^ (h >> np.uint64(31))


def _groups(a: np.ndarray, groups: int, salt: int = 0) -> np.ndarray:
    """Group labels ``0..groups-1`` of the rows of ``a``, of (nearly) equal sizes, a function of the values only.

    The rows are ranked by a hash (salted by ``salt``) of, per coordinate,
    the rank of the value and the rank of its gap to the next value up
    (the largest value: to the next down), and dealt out in turn, so the
    labels are as good as random for distinct rows, do not depend on the
    order of the rows, and are unchanged by a translation or a positive
    rescaling of any coordinate.  The gaps matter: in one dimension the
    ranks alone are ``0..n-1`` whatever the data, so a split by them would
    put the same order statistics in each half every time -- halves
    interleaved alike, more similar than two independent half-samples, and
    a standard error 1.2-1.35 times too small (measured on 1-D KL).
    """
    return _deal(_rank_codes(a), groups, salt)


def _rank_codes(a: np.ndarray) -> list[np.ndarray]:
    """Per coordinate of ``a``: the rank of each value and the rank of its gap (what :func:`_groups` hashes)."""
    codes = []
    for j in range(a.shape[1]):
        values, rank = np.unique(a[:, j], return_inverse=True)
        rank = rank.reshape(-1)
        gaps = np.diff(values)
        gaps = np.append(gaps, gaps[-1]) if gaps.size else np.zeros(1)
        gap_rank = np.unique(gaps, return_inverse=True)[1].reshape(-1)[rank]
        codes += [rank.astype(np.uint64) + _GOLDEN, gap_rank.astype(np.uint64) * _M1 + _GOLDEN]
    return codes


def _deal(codes: list[np.ndarray], groups: int, salt: int) -> np.ndarray:
    """Group labels from the rows' hashed ``codes`` (:func:`_rank_codes`), salted by ``salt``."""
    n = codes[0].shape[0]
    with np.errstate(over="ignore"):
        h = _mix(np.full(n, _GOLDEN * np.uint64(salt + 1), dtype=np.uint64))
        for c in codes:
            h = _mix(h ^ c)
    labels = np.empty(n, dtype=np.intp)
    labels[np.argsort(h, kind="stable")] = np.arange(n) % groups
    return labels


def _result(value: float, delta: float, estimate, samples, keys, info: dict) -> KernelResult:
    """The :class:`KernelResult` of a k-NN estimate ``value``: half-sampling error and bias (module notes).

    ``estimate(*halves)`` is the estimator on half-samples; ``keys[i]`` are
    the rows whose values decide the halves of ``samples[i]`` (the same array
    for paired samples, so that pairs stay together).  Where the halves are
    too small for the estimator (too few points, or no label seen twice),
    the delta error ``delta`` is reported and no bias is estimated.
    """
    try:
        se, half_mean = _half_sampling(estimate, samples, keys, HALF_SAMPLE_SPLITS)
    except InvalidArgumentError:
        return KernelResult(value, delta, "delta (too few points to split in halves)",
                            info={**info, "stderr_delta": delta, "bias_nats": None})
    bias = BIAS_FACTOR * (half_mean - value)
    return KernelResult(value, se, "half-sampling", df=HALF_SAMPLE_SPLITS, bias=bias,
                        info={**info, "stderr_delta": delta, "bias_nats": bias})


def _half_sampling(estimate, samples, keys, splits: int) -> tuple[float, float]:
    """``(stderr, mean)`` over ``splits`` splits of every sample into halves.

    ``stderr = sqrt(mean((t_A - t_B)^2) / 4)``; ``mean`` is the mean of the
    ``2 * splits`` half-sample estimates ``t_A``, ``t_B``.
    """
    sq, half = [], []
    codes = {id(key): _rank_codes(key) for key in keys}  # the same for every split: computed once per sample
    for s in range(splits):
        halves = [_deal(codes[id(key)], 2, s) for key in keys]
        ta = estimate(*(x[h == 0] for x, h in zip(samples, halves)))
        tb = estimate(*(x[h == 1] for x, h in zip(samples, halves)))
        sq.append((ta - tb) ** 2)
        half += [ta, tb]
    return math.sqrt(math.fsum(sq) / (4 * splits)), math.fsum(half) / len(half)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------
def _positive(dist: np.ndarray, name: str) -> None:
    """Distinct points can still be at a Euclidean distance that underflows to 0 (below ~1e-154)."""
    if not (dist > 0.0).all():
        raise InvalidArgumentError(
            f"'{name}' has distinct points closer than float64 can measure (their squared Euclidean "
            "distance underflows to 0); rescale the data (e.g. standardise each coordinate) first"
        )


def _mean_and_stderr(terms: np.ndarray) -> tuple[float, float]:
    """Order-independent mean of ``terms`` and the delta standard error ``std(terms, ddof=1)/sqrt(n)``."""
    n = terms.size
    mean = math.fsum(terms.tolist()) / n
    dev = terms - mean
    var = math.fsum((dev * dev).tolist()) / (n - 1)
    return mean, math.sqrt(var / n)


def _enough(a: np.ndarray, need: int) -> np.ndarray:
    """``a`` if it has at least ``need`` points (a half-sample), else the error that makes the caller fall back."""
    if a.shape[0] < need:
        raise InvalidArgumentError(f"a half-sample of {a.shape[0]} point(s) is too small (need {need})")
    return a


def _mean(terms: np.ndarray) -> float:
    return math.fsum(terms.tolist()) / terms.size


def _log_unit_ball(d: int) -> float:
    """``log V_d``, the log-volume of the Euclidean unit ball in ``d`` dimensions."""
    return 0.5 * d * math.log(math.pi) - float(special.gammaln(0.5 * d + 1.0))


def _standardise(a: np.ndarray) -> np.ndarray:
    """Each column divided by its standard deviation (``ddof=0``; a constant column is left as it is)."""
    sd = a.std(axis=0)
    return a / np.where(sd > 0, sd, 1.0)


def _looks_discrete(v) -> bool:
    """Whether a sample given to an explicit continuous method holds labels rather than measurements, from its type.

    Integers, booleans, strings, objects and pandas categoricals are
    discrete; floats are continuous (the caller chose a continuous method:
    a float column is taken as a measurement, its repeated values
    dequantised).  ``method="auto"`` judges samples by the one rule of
    :mod:`infokit._samples.nature` and names the discrete side itself.
    """
    dtype = getattr(v, "dtype", None)
    if dtype is not None and type(v).__module__.split(".")[0] == "torch":
        return not (v.is_floating_point() or v.is_complex())
    if dtype is not None and str(dtype) == "category":
        return True
    if dtype is None or not isinstance(dtype, np.dtype):
        try:
            dtype = np.asarray(v).dtype
        except Exception:  # ragged lists: let the conversion report it
            return False
    return dtype.kind in "biuOSU"


def _as_labels(v, name: str) -> np.ndarray:
    """Codes ``0..K-1`` of the discrete sample ``v`` (1-D; any hashable, orderable labels)."""
    if type(v).__module__.split(".")[0] == "torch":
        v = v.detach().cpu().numpy()
    a = np.asarray(v)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim != 1:
        raise InvalidArgumentError(
            f"the discrete sample '{name}' must be 1-D (one label per row); got shape {a.shape} (combine several "
            "discrete columns into one label first, e.g. with pandas' groupby(...).ngroup())"
        )
    if a.dtype.kind == "f":
        missing = np.flatnonzero(np.isnan(a)).tolist()
    elif a.dtype.kind == "O":
        missing = [i for i, t in enumerate(a.tolist()) if t is None or (isinstance(t, float) and t != t)]
    else:
        missing = []
    if missing:
        raise InvalidArgumentError(
            f"the discrete sample '{name}' has {len(missing)} missing label(s) (None or NaN, first at row "
            f"{missing[0]}); drop those rows first"
        )
    try:
        _, codes = np.unique(a, return_inverse=True)
    except TypeError:  # mixed label types that do not sort: code them in order of appearance
        first: dict[Any, int] = {}
        codes = np.array([first.setdefault(t, len(first)) for t in a.tolist()])
    return codes.reshape(-1).astype(np.intp)


# --------------------------------------------------------------------------
# entropy
# --------------------------------------------------------------------------
def _kl_entropy_terms(a: np.ndarray, k: int, workers: int) -> np.ndarray:
    """The per-sample terms ``psi(n) - psi(k) + log V_d + d log eps_i`` of the Kozachenko–Leonenko estimate."""
    n, d = a.shape
    eps = _tree(a).query(a, [k + 1], workers=workers)[0][:, 0]
    _positive(eps, "x")
    const = float(special.digamma(n) - special.digamma(k)) + _log_unit_ball(d)
    return const + d * np.log(eps)


def knn_entropy(x: ArrayLike, *, n_neighbors: int = 3, workers: int = -1, jitter: float | bool | None = None,
                rng: Seed = None) -> KernelResult:
    r"""Kozachenko–Leonenko k-nearest-neighbour estimate of differential entropy (nats).

    .. math::

        \hat H = \psi(n) - \psi(k) + \log V_d + \frac{d}{n} \sum_{i=1}^n \log \varepsilon_i

    where :math:`\varepsilon_i` is the Euclidean distance from :math:`x_i` to
    its k-th nearest neighbour among the other points, :math:`V_d =
    \pi^{d/2} / \Gamma(d/2 + 1)` the volume of the unit d-ball and
    :math:`\psi` the digamma function.  Consistent for any dimension; the
    bias grows with ``d`` for a fixed ``n``.  Differential entropy is
    unbounded below, so the value is never clipped.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, d)
        Samples of a continuous random vector; finite, ``n >= n_neighbors + 1``.
    n_neighbors : int, default 3
        ``k``.  Larger ``k``: lower variance, more bias.
    workers : int, default -1
        Threads for the k-d tree queries (-1: all cores).
    jitter : None, False or float, default None
        Ties (module notes): ``None`` dequantises every column with a repeated
        value at the data's resolution (needs ``rng``); a float ``f`` in
        ``(0, 1]`` uses ``f`` times the resolution; ``False`` rejects repeats.
    rng : numpy.random.Generator or int, optional
        Source of the tie-breaking noise.

    Returns
    -------
    KernelResult
        ``value`` (nats); ``stderr`` by half-sampling with ``df = 10``
        (``"half-sampling"``, module notes); ``info`` with ``n``,
        ``d``, ``n_neighbors``, ``tie_width``, ``stderr_delta``,
        ``bias_nats``; ``bias``: the estimated bias, which widens the public interval
        on its side (module notes, "Intervals: the bias").

    Raises
    ------
    InvalidArgumentError
        Non-finite values, too few points, repeated values without ``rng`` (or
        with ``jitter=False``), a constant column.

    References
    ----------
    L. F. Kozachenko and N. N. Leonenko, "Sample estimate of the entropy of a
    random vector", Problems Inform. Transmission 23(2), 95–101 (1987).
    T. B. Berrett, R. J. Samworth and M. Yuan, "Efficient multivariate entropy
    estimation via k-nearest neighbour distances", Ann. Statist. 47(1),
    288–318 (2019).

    Examples
    --------
    The entropy of a standard normal in two dimensions is ``log(2 pi e)``:

    >>> import math, numpy as np
    >>> from infokit.continuous import knn_entropy
    >>> x = np.random.default_rng(0).standard_normal((2000, 2))
    >>> res = knn_entropy(x)
    >>> bool(abs(res.value - math.log(2 * math.pi * math.e)) < 0.1)
    True
    """
    k = _check_k(n_neighbors)
    workers = _check_workers(workers)
    a = _as_points(x, "x", min_points=k + 1)
    (a,), info = _prepare([a], ["x"], jitter, rng, lambda s: [(_n_repeats(s[0]), "repeated point(s) in 'x'")])
    n, d = a.shape
    value, delta = _mean_and_stderr(_kl_entropy_terms(a, k, workers))
    return _result(value, delta, lambda s: _mean(_kl_entropy_terms(_enough(s, k + 1), k, workers)), [a], [a],
                   {"n": n, "d": d, "n_neighbors": k, **info})


def _vasicek_terms(s: np.ndarray, m: int) -> np.ndarray:
    """Per-sample log m-spacings ``log(n/(2m) (X_(i+m) - X_(i-m)))`` of sorted ``s`` (clamped at the ends)."""
    n = s.size
    padded = np.concatenate([np.full(m, s[0]), s, np.full(m, s[-1])])
    return np.log(n / (2.0 * m) * (padded[2 * m :] - padded[: -2 * m]))


def spacing_entropy(
    x: ArrayLike, *, method: str, window_length: int | None = None, jitter: float | bool | None = None, rng: Seed = None
) -> KernelResult:
    r"""m-spacing estimate of the differential entropy of a 1-D sample (nats).

    The value is :func:`scipy.stats.differential_entropy` with the same
    ``method`` and ``window_length``.  Vasicek's estimator, for the order
    statistics :math:`X_{(1)} \le \dots \le X_{(n)}` and window ``m``
    (:math:`X_{(j)} = X_{(1)}` for ``j < 1``, :math:`X_{(n)}` for ``j > n``), is

    .. math::

        \hat H_V = \frac1n \sum_{i=1}^n \log\Big(\frac{n}{2m}\big(X_{(i+m)} - X_{(i-m)}\big)\Big);

    ``"ebrahimi"`` corrects its boundary terms, ``"van es"`` averages
    spacings with a bias correction, ``"correa"`` replaces the spacing by a
    local linear-regression slope.  Default window:
    ``m = floor(sqrt(n) + 0.5)``.

    Standard error (``"delta"``): for every method, the sample standard
    deviation of the ``n`` Vasicek log-spacing terms above over ``sqrt(n)``.
    Each term is ``-log f(X_(i))`` plus the log of a normalised 2m-spacing,
    so their variance estimates ``Var[log f(X)]`` — the asymptotic variance
    of ``sqrt(n) (H_hat - H)`` these estimators share — plus about
    ``psi'(2m) ~ 1/(2m)``; O(n) after the sort.  It ignores the dependence
    between overlapping spacings: on N(0, 1) and Exp(1) samples of 500–5000
    the spread of the estimates is 0.9–1.3 times this standard error
    (``benchmarks/bench_continuous.py``), and the bias of ``"van es"`` with
    the default window dominates it.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, 1)
        A 1-D sample; finite, ``n > 2 * window_length``.
    method : {"vasicek", "ebrahimi", "van es", "correa"}
        ``"van_es"`` is accepted for ``"van es"``.
    window_length : int, optional
        ``m``, a positive int with ``2 m < n``.
    jitter, rng
        Tie handling as for :func:`knn_entropy`: repeated values are
        dequantised at the data's resolution (``rng`` needed), or rejected
        with ``jitter=False``.

    Returns
    -------
    KernelResult
        ``info`` has ``n``, ``window_length``, ``method``, ``tie_width``.

    References
    ----------
    O. Vasicek, "A test for normality based on sample entropy", J. R. Stat.
    Soc. B 38(1), 54–59 (1976).  N. Ebrahimi, K. Pflughoeft and E. S. Soofi,
    "Two measures of sample entropy", Stat. Probab. Lett. 20(3), 225–234
    (1994).  B. van Es, "Estimating functionals related to a density by a
    class of statistics based on spacings", Scand. J. Stat. 19(1), 61–72
    (1992).  J. C. Correa, "A new estimator of entropy", Commun. Stat. Theory
    Methods 24(10), 2439–2449 (1995).

    Examples
    --------
    An exponential with rate 2 has entropy ``1 - log 2``:

    >>> import math, numpy as np
    >>> from infokit.continuous import spacing_entropy
    >>> x = np.random.default_rng(0).exponential(scale=0.5, size=2000)
    >>> res = spacing_entropy(x, method="ebrahimi")
    >>> bool(abs(res.value - (1 - math.log(2))) < 0.1)
    True
    """
    if not isinstance(method, str):
        raise InvalidArgumentError(
            f"'method' must be one of {', '.join(repr(m) for m in SPACING_METHODS)} (got {method!r})"
        )
    key = method.strip().lower().replace("_", " ")
    if key not in SPACING_METHODS:
        raise InvalidArgumentError(
            f"'method' must be one of {', '.join(repr(m) for m in SPACING_METHODS)} (got {method!r})"
        )
    a = _as_points(x, "x", min_points=5)
    if a.shape[1] != 1:
        raise InvalidArgumentError(
            f"spacing estimators take a 1-D sample; 'x' has {a.shape[1]} dimensions "
            "(use the 'knn' estimator for multivariate samples)"
        )
    n = a.shape[0]
    if window_length is None:
        m = math.floor(math.sqrt(n) + 0.5)
    else:
        if isinstance(window_length, bool) or not isinstance(window_length, numbers.Integral):
            raise InvalidTypeError(f"'window_length' must be None or a positive int (got {window_length!r})")
        m = int(window_length)
        if not 1 <= m or not 2 * m < n:
            raise InvalidArgumentError(
                f"'window_length' must satisfy 1 <= window_length < n/2 = {n / 2:g} (got {m})"
            )
    (a,), info = _prepare([a], ["x"], jitter, rng, lambda s: [(_n_repeats(s[0]), "repeated value(s) in 'x'")])
    s = np.sort(a[:, 0])
    from scipy import stats  # loaded on first use: scipy.stats takes ~0.2 s to import

    value = float(stats.differential_entropy(s, window_length=m, method=key))
    _, se = _mean_and_stderr(_vasicek_terms(s, m))
    return KernelResult(value, se, "delta", info={"n": n, "window_length": m, "method": key, **info})


# --------------------------------------------------------------------------
# KL divergence
# --------------------------------------------------------------------------
def _shared_points(a: np.ndarray, b: np.ndarray) -> int:
    """Number of points of ``a`` that are also points of ``b``."""
    near, idx = _tree(b).query(a, 1)
    zero = np.flatnonzero(near == 0.0)
    return int(np.count_nonzero((b[idx[zero]] == a[zero]).all(axis=1)))


def _wkv_terms(a: np.ndarray, b: np.ndarray, k: int, workers: int) -> np.ndarray:
    """Per-sample terms ``d log(nu_i / rho_i) + log(m / (n - 1))`` of the Wang–Kulkarni–Verdú estimate."""
    n, d = a.shape
    m = b.shape[0]
    nu = _tree(b).query(a, [k], workers=workers)[0][:, 0]
    rho = _tree(a).query(a, [k + 1], workers=workers)[0][:, 0]
    _positive(rho, "x")
    _positive(nu, "y")
    return d * (np.log(nu) - np.log(rho)) + math.log(m / (n - 1))


def knn_kl(x: ArrayLike, y: ArrayLike, *, n_neighbors: int = 3, workers: int = -1, jitter: float | bool | None = None,
           rng: Seed = None) -> KernelResult:
    r"""Wang–Kulkarni–Verdú k-nearest-neighbour estimate of ``D(P || Q)`` (nats).

    From ``x`` (``n`` points drawn from P) and ``y`` (``m`` points drawn from Q)
    in the same ``d`` dimensions:

    .. math::

        \hat D(P\|Q) = \frac{d}{n} \sum_{i=1}^n \log\frac{\nu_k(i)}{\rho_k(i)} + \log\frac{m}{n-1}

    with :math:`\rho_k(i)` the Euclidean distance from :math:`x_i` to its k-th
    nearest neighbour among the other points of ``x`` and :math:`\nu_k(i)`
    the distance from :math:`x_i` to its k-th nearest neighbour in ``y``.
    The value returned here can be negative for finite samples;
    :func:`infokit.estimate_kl` reports it clipped at 0 (``D >= 0``; the raw
    value in ``diagnostics["raw_value"]``).

    Parameters
    ----------
    x : array_like, shape (n,) or (n, d)
        Samples of P, ``n >= n_neighbors + 1``.
    y : array_like, shape (m,) or (m, d)
        Samples of Q, ``m >= n_neighbors``, same ``d``.
    n_neighbors : int, default 3
        ``k`` (the same for both distances).
    workers : int, default -1
        Threads for the k-d tree queries (-1: all cores).
    jitter, rng
        Ties (module notes): a column with a repeated value within ``x``,
        within ``y`` or between them is dequantised in both samples at the
        resolution of the pooled values (``rng`` needed), or rejected with
        ``jitter=False``.

    Returns
    -------
    KernelResult
        ``stderr``: half-sampling, halving ``x`` and ``y`` (``"half-sampling"``,
        ``df = 10``); ``info`` with
        ``n``, ``m``, ``d``, ``n_neighbors``, ``tie_width``, ``stderr_delta``,
        ``bias_nats``; ``bias``: the estimated bias, which widens the public interval
        on its side (module notes, "Intervals: the bias").

    References
    ----------
    Q. Wang, S. R. Kulkarni and S. Verdú, "Divergence estimation for
    multidimensional densities via k-nearest-neighbor distances", IEEE Trans.
    Inf. Theory 55(5), 2392–2405 (2009).

    Examples
    --------
    ``D(N(0, 1) || N(1, 1)) = 1/2``:

    >>> import numpy as np
    >>> from infokit.continuous import knn_kl
    >>> rng = np.random.default_rng(0)
    >>> x, y = rng.standard_normal(2000), 1.0 + rng.standard_normal(2000)
    >>> res = knn_kl(x, y)
    >>> bool(abs(res.value - 0.5) < 0.1)
    True
    """
    k = _check_k(n_neighbors)
    workers = _check_workers(workers)
    a = _as_points(x, "x", min_points=k + 1)
    b = _as_points(y, "y", min_points=k)
    _check_pair(a, b, paired=False)
    (a, b), info = _prepare([a, b], ["x", "y"], jitter, rng, lambda s: [
        (_n_repeats(s[0]), "repeated point(s) in 'x'"),
        (_n_repeats(s[1]), "repeated point(s) in 'y'"),
        (_shared_points(s[0], s[1]), "point(s) of 'x' also in 'y'"),
    ])
    n, d = a.shape
    m = b.shape[0]
    value, delta = _mean_and_stderr(_wkv_terms(a, b, k, workers))
    return _result(value, delta, lambda p, q: _mean(_wkv_terms(_enough(p, k + 1), _enough(q, k), k, workers)),
                   [a, b], [a, b], {"n": n, "m": m, "d": d, "n_neighbors": k, **info})


# --------------------------------------------------------------------------
# mutual information
# --------------------------------------------------------------------------
def _dtype(v):
    dtype = getattr(v, "dtype", None)
    return dtype if dtype is not None else np.asarray(v).dtype


def _discrete_hint(name: str, v) -> str:
    return f"'{name}' holds discrete values (dtype {_dtype(v)})"


def _ksg_terms(a: np.ndarray, b: np.ndarray, k: int, workers: int) -> np.ndarray:
    """Per-sample KSG terms ``psi(k) + psi(n) - psi(n_x(i)+1) - psi(n_y(i)+1)`` on standardised ``a``, ``b``."""
    a, b = _standardise(a), _standardise(b)
    z = np.concatenate([a, b], axis=1)
    n = z.shape[0]
    eps = _tree(z).query(z, [k + 1], p=np.inf, workers=workers)[0][:, 0]
    r = np.nextafter(eps, 0.0)  # query_ball_point counts distances <= r: this makes it "< eps"
    nx = _tree(a).query_ball_point(a, r, p=np.inf, return_length=True, workers=workers) - 1
    ny = _tree(b).query_ball_point(b, r, p=np.inf, return_length=True, workers=workers) - 1
    const = float(special.digamma(k) + special.digamma(n))
    return const - special.digamma(nx + 1.0) - special.digamma(ny + 1.0)


def ksg_mi(x: ArrayLike, y: ArrayLike, *, n_neighbors: int = 3, workers: int = -1, jitter: float | bool | None = None,
           rng: Seed = None) -> KernelResult:
    r"""Kraskov–Stögbauer–Grassberger estimate of mutual information ``I(X; Y)`` (nats).

    Estimator 1 of Kraskov et al. (2004), with the max-norm
    :math:`\|(x, y)\| = \max(\|x\|_\infty, \|y\|_\infty)` in the joint space:

    .. math::

        \hat I = \psi(k) + \psi(n) - \frac1n \sum_{i=1}^n \big[\psi(n_x(i) + 1) + \psi(n_y(i) + 1)\big]

    where :math:`\varepsilon_i` is the joint-space distance from point ``i``
    to its k-th nearest neighbour and :math:`n_x(i)` (:math:`n_y(i)`) the
    number of other points whose ``x`` (``y``) lies *strictly* closer than
    :math:`\varepsilon_i` to :math:`x_i` (:math:`y_i`) in the max-norm.
    **Every coordinate of** ``x`` **and** ``y`` **is first divided by its
    standard deviation** (as Kraskov et al. advise), so the estimate does not
    depend on the units of either variable, as MI does not.  The value
    returned here can be slightly negative for independent samples;
    :func:`infokit.estimate_mutual_information` reports it clipped at 0 (the
    raw value in ``diagnostics["raw_value"]``).

    KSG needs two continuous variables: a discrete (integer, boolean, string,
    categorical) ``x`` or ``y`` is an error that names ``method="ross"``,
    the estimator for a discrete–continuous pair (:func:`ross_mi`).

    Parameters
    ----------
    x : array_like, shape (n,) or (n, dx)
    y : array_like, shape (n,) or (n, dy)
        Paired samples (row ``i`` of ``x`` with row ``i`` of ``y``), floats;
        ``n >= n_neighbors + 1``.
    n_neighbors : int, default 3
        ``k``.
    workers : int, default -1
        Threads for the k-d tree queries (-1: all cores).
    jitter, rng
        Ties (module notes): each column of ``x`` and of ``y`` with a
        repeated value is dequantised at its own resolution (``rng`` needed;
        ``x`` first), or rejected with ``jitter=False``.  For a variable on a
        grid this leaves its mutual information unchanged.

    Returns
    -------
    KernelResult
        ``stderr``: half-sampling of the rows (``"half-sampling"``,
        ``df = 10``); ``info`` with ``n``, ``dx``, ``dy``,
        ``n_neighbors``, ``tie_width`` (``x``'s columns then ``y``'s),
        ``stderr_delta``, ``bias_nats``; ``bias``: the estimated bias, which widens
        the public interval on its side (module notes, "Intervals: the bias").

    Raises
    ------
    InvalidArgumentError
        A discrete ``x`` or ``y``; repeated values without ``rng``; samples
        of different lengths.

    References
    ----------
    A. Kraskov, H. Stögbauer and P. Grassberger, "Estimating mutual
    information", Phys. Rev. E 69, 066138 (2004).

    Examples
    --------
    A bivariate normal with correlation r has ``I = -log(1 - r^2) / 2``:

    >>> import math, numpy as np
    >>> from infokit.continuous import ksg_mi
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(2000)
    >>> y = 0.6 * x + 0.8 * rng.standard_normal(2000)
    >>> res = ksg_mi(x, y)
    >>> bool(abs(res.value + 0.5 * math.log(1 - 0.6**2)) < 0.05)
    True
    """
    k = _check_k(n_neighbors)
    workers = _check_workers(workers)
    for name, v in (("x", x), ("y", y)):
        if v is not None and _looks_discrete(v):
            raise InvalidArgumentError(
                f"{_discrete_hint(name, v)}; the KSG estimator needs two continuous variables: for a discrete-"
                "continuous pair use method='ross' (ik.estimate_mutual_information(x, y, method='ross')), for "
                f"two discrete ones a discrete method (e.g. 'miller_madow'); if '{name}' is a measurement, pass "
                "it as floats"
            )
    a = _as_points(x, "x", min_points=k + 1)
    b = _as_points(y, "y", min_points=k + 1)
    _check_pair(a, b, paired=True)
    dx = a.shape[1]
    (z,), info = _prepare([np.concatenate([a, b], axis=1)], ["x", "y"], jitter, rng, lambda s: [
        (_n_repeats(s[0]), "repeated point(s) (x, y)"),
        (_n_repeats(s[0][:, :dx]), "repeated value(s) in 'x'"),
        (_n_repeats(s[0][:, dx:]), "repeated value(s) in 'y'"),
    ], cols=[f"x[:, {j}]" for j in range(dx)] + [f"y[:, {j}]" for j in range(b.shape[1])])
    a, b = z[:, :dx], z[:, dx:]
    n = z.shape[0]
    value, delta = _mean_and_stderr(_ksg_terms(a, b, k, workers))
    return _result(value, delta, lambda p, q: _mean(_ksg_terms(_enough(p, k + 1), q, k, workers)), [a, b], [z, z],
                   {"n": n, "dx": dx, "dy": b.shape[1], "n_neighbors": k, **info})


def _ross_terms(c: np.ndarray, codes: np.ndarray, k: int, workers: int):
    """Ross's per-sample terms ``psi(n) + psi(k_i) - psi(N_i) - psi(m_i)`` over the points whose label repeats.

    Returns ``(terms, n_dropped)``: points whose label occurs once carry no
    neighbour information and are left out (``n`` counts the others).
    """
    c = _standardise(c)
    counts = np.bincount(codes)
    size = counts[codes]
    keep = size > 1
    c, codes, size = c[keep], codes[keep], size[keep]
    n = c.shape[0]
    if n < 2:
        raise InvalidArgumentError(
            "every label of the discrete sample occurs only once: Ross's estimator needs at least one label "
            "seen twice (a label's k-th nearest neighbour among its own points)"
        )
    radius = np.empty(n)
    kk = np.minimum(k, size - 1)
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    for idx in np.split(order, bounds):
        kl = int(kk[idx[0]])
        pts = c[idx]
        radius[idx] = _tree(pts).query(pts, [kl + 1], p=np.inf, workers=workers)[0][:, 0]
    # m_i: points (any label, not i itself) strictly closer than the radius, plus the k-th neighbour itself
    m = _tree(c).query_ball_point(c, np.nextafter(radius, 0.0), p=np.inf, return_length=True, workers=workers)
    terms = float(special.digamma(n)) + special.digamma(kk) - special.digamma(size) - special.digamma(m)
    return terms, int(np.count_nonzero(~keep))


def ross_mi(x: ArrayLike, y: ArrayLike, *, discrete: str | None = None, n_neighbors: int = 3, workers: int = -1,
            jitter: float | bool | None = None, rng: Seed = None) -> KernelResult:
    r"""Ross's k-nearest-neighbour estimate of the mutual information of a discrete and a continuous variable (nats).

    For the continuous sample :math:`c_i` (``n`` points in ``d`` dimensions)
    and the discrete labels :math:`\ell_i`, Ross (2014, eq. 2):

    .. math::

        \hat I = \psi(n) + \langle \psi(k) \rangle - \langle \psi(N_{\ell_i}) \rangle - \langle \psi(m_i) \rangle

    where :math:`N_\ell` is the number of points with label :math:`\ell`,
    :math:`d_i` the (max-norm) distance from :math:`c_i` to its k-th nearest
    neighbour among the points with its own label, :math:`m_i` the number of
    points of *any* label within :math:`d_i` of :math:`c_i` (the k-th
    neighbour included, :math:`c_i` itself not), and :math:`\langle\cdot\rangle`
    the mean over points.  As in scikit-learn's ``mutual_info_classif``
    (which computes the same quantity for one continuous feature): a label
    seen ``N < k + 1`` times uses ``k = N - 1`` for its points, and points of a
    label seen once are left out (``n`` then counts the others;
    ``info["n_dropped"]``).  Each continuous coordinate is divided by its
    standard deviation first (it matters only for ``d > 1``, where the
    max-norm mixes the coordinates).  The value can be slightly negative;
    :func:`infokit.estimate_mutual_information` reports it clipped at 0.

    Parameters
    ----------
    x, y : array_like
        Paired samples (same length), one discrete (labels: ints, bools,
        strings, categoricals; 1-D) and one continuous (floats, ``(n,)`` or
        ``(n, d)``), in either order.
    discrete : {None, "x", "y"}, default None
        Which of ``x``, ``y`` is the discrete one; ``None`` decides from the
        types: an integer, boolean, string, object or categorical sample is
        discrete, a float one continuous (exactly one side must be discrete).
    n_neighbors : int, default 3
        ``k``.
    workers : int, default -1
        Threads for the k-d tree queries (-1: all cores).
    jitter, rng
        Ties in the continuous sample (module notes): each column with a
        repeated value is dequantised at its resolution (``rng`` needed), or
        rejected with ``jitter=False``.

    Returns
    -------
    KernelResult
        ``stderr``: half-sampling of the rows (``"half-sampling"``,
        ``df = 10``); ``info`` with ``n``, ``n_dropped``, ``d``,
        ``n_classes``, ``discrete``, ``n_neighbors``, ``tie_width``,
        ``stderr_delta``, ``bias_nats``; ``bias``: the estimated bias, which widens
        the public interval on its side (module notes, "Intervals: the bias").

    Raises
    ------
    InvalidArgumentError
        Both or neither sample discrete (with ``discrete=None``), samples of
        different lengths, missing labels, repeated continuous values without
        ``rng``.

    References
    ----------
    B. C. Ross, "Mutual information between discrete and continuous data
    sets", PLoS ONE 9(2), e87357 (2014).

    Examples
    --------
    Two classes with Gaussian features N(-1, 1) and N(1, 1):

    >>> import numpy as np
    >>> from infokit.continuous import ross_mi
    >>> rng = np.random.default_rng(0)
    >>> label = rng.integers(0, 2, 4000)
    >>> feature = rng.standard_normal(4000) + 2.0 * label - 1.0
    >>> res = ross_mi(feature, label)        # the integer side is the discrete one
    >>> bool(abs(res.value - 0.337) < 0.04)   # I = 0.337 nats (numerical integration)
    True
    """
    k = _check_k(n_neighbors)
    workers = _check_workers(workers)
    if discrete is None:
        dx, dy = (v is not None and _looks_discrete(v) for v in (x, y))
        if dx and dy:
            raise InvalidArgumentError(
                f"both 'x' and 'y' hold discrete values (dtypes {_dtype(x)}, {_dtype(y)}): Ross's estimator needs one "
                "continuous variable; for two discrete ones use a discrete method (e.g. method='miller_madow'), "
                "or pass discrete='x' or discrete='y' if the other is a measurement"
            )
        if not (dx or dy):
            raise InvalidArgumentError(
                "neither 'x' nor 'y' holds discrete values (both are floats): pass discrete='x' or discrete='y' "
                "to name the discrete one, or use method='ksg' for two continuous variables"
            )
        discrete = "x" if dx else "y"
    elif discrete not in ("x", "y"):
        raise InvalidArgumentError(f"'discrete' must be None, 'x' or 'y' (got {discrete!r})")
    (dname, dval), (cname, cval) = (("x", x), ("y", y)) if discrete == "x" else (("y", y), ("x", x))
    c = _as_points(cval, cname, min_points=2)
    if dval is None:
        raise InvalidTypeError(f"'{dname}' must be an array of labels (got None)")
    codes = _as_labels(dval, dname)
    _check_pair(c, codes[:, None], paired=True)
    (c,), info = _prepare([c], [cname], jitter, rng, lambda s: [(_n_repeats(s[0]), f"repeated value(s) in '{cname}'")])
    terms, dropped = _ross_terms(c, codes, k, workers)
    value, delta = _mean_and_stderr(terms)
    n = c.shape[0]
    key = np.concatenate([c, codes[:, None].astype(np.float64)], axis=1)
    return _result(value, delta, lambda p, q: _mean(_ross_terms(_enough(p, 2), q, k, workers)[0]), [c, codes],
                   [key, key], {"n": n - dropped, "n_dropped": dropped, "d": c.shape[1],
                                "n_classes": int(codes.max()) + 1, "discrete": discrete, "n_neighbors": k, **info})
