"""Estimators of differential entropy, KL divergence and mutual information from continuous samples.

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
* :func:`ksg_mi` — Kraskov, Stögbauer & Grassberger (2004), estimator 1.

Nearest neighbours come from :class:`scipy.spatial.cKDTree` (``workers=-1``:
all cores).  ``scipy.spatial`` and ``scipy.stats`` are imported on the first
call, not with infokit (they take a quarter of a second to load).

Standard errors
---------------
Every estimate here is a mean ``(1/n) sum_i t_i`` of per-sample terms (plus a
constant).  The reported standard error is the *delta* one,
``std(t_i) / sqrt(n)`` (``stderr_method="delta"``), which treats the terms as
independent.  They are not (neighbouring points share neighbours), and the
per-sample terms also carry the noise of the k-th neighbour distance, so this
is a rough guide, not an exact asymptotic variance.  On Gaussians
(``benchmarks/bench_continuous.py``, ``benchmarks/RESULTS.md``) the spread of
the estimates is 1.0–1.4 times the reported standard error for the entropy and
KSG estimators and 1.2–2.7 times for the KL estimator, and for d >= 5 the bias
exceeds it, so ``value +- 1.96 stderr`` covers the truth well below 95% there.  Sums are formed with :func:`math.fsum`, so the
value does not depend on the order of the samples.

Ties and duplicates
-------------------
The estimators assume continuous distributions: a repeated point has a
neighbour at distance zero and ``log 0 = -inf``.  Repeated points are
detected (exactly equal rows, ``-0.0 == 0.0``) and, by default, rejected with
an :class:`~infokit.errors.InvalidArgumentError` that says how many there are.
The following count as repeats: within ``x`` (all estimators); within ``y``
and between ``x`` and ``y`` (``knn_kl``); within the joint sample and within
each marginal (``ksg_mi``, whose neighbour counts assume continuous
marginals).  Pass ``jitter=1e-10`` and an explicit ``rng`` to break ties
reproducibly: every coordinate of every point then gets independent
``Normal(0, jitter * scale_j)`` noise drawn from ``rng`` (``scale_j`` the
standard deviation of column ``j``, or ``max |x_j|`` — 1 if that is 0 — for a
constant column); the noise is added whether or not there are repeats, ``x``
first then ``y``, so the result is a function of (data, jitter, rng state).
Nothing here is random without an explicit ``rng``.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from scipy import special

from infokit._estimators.result import KernelResult
from infokit._lib.checks import check_rng
from infokit.errors import InvalidArgumentError, InvalidTypeError

__all__ = [
    "SPACING_METHODS",
    "knn_entropy",
    "spacing_entropy",
    "knn_kl",
    "ksg_mi",
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

_JITTER_HINT = (
    "pass jitter=1e-10 with an explicit rng (e.g. rng=np.random.default_rng(0)) to break ties "
    "reproducibly, or remove the repeated points"
)


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
    if isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or not (workers == -1 or workers >= 1):
        raise InvalidArgumentError(
            f"'workers' must be -1 (all cores) or a positive int (got {workers!r})"
        )
    return int(workers)


def _check_jitter(jitter, rng):
    """(jitter, Generator) or (None, None)."""
    if jitter is None:
        return None, None
    if isinstance(jitter, bool) or not isinstance(jitter, numbers.Real) or not (
        math.isfinite(jitter) and jitter > 0
    ):
        raise InvalidArgumentError(f"'jitter' must be None or a positive finite number, e.g. 1e-10 (got {jitter!r})")
    if rng is None:
        raise InvalidArgumentError(
            "'jitter' needs an explicit 'rng' (a numpy.random.Generator or an int seed), "
            "e.g. rng=np.random.default_rng(0); infokit never draws random numbers without one"
        )
    return float(jitter), check_rng(rng)


def _tree(points: np.ndarray):
    """A :class:`scipy.spatial.cKDTree` of ``points`` (scipy.spatial is loaded on first use)."""
    from scipy.spatial import cKDTree

    return cKDTree(points)


def _two_samples(x, y, k: int, jitter, gen, *, paired: bool):
    """``x`` and ``y`` as point arrays of one space, jittered (``x`` first) when ``jitter`` is set.

    Paired samples (KSG) need the same number of points; samples of two
    distributions (KL) the same dimension.
    """
    a = _as_points(x, "x", min_points=k + 1)
    b = _as_points(y, "y", min_points=k + 1 if paired else k)
    axis, what, why = (0, "number of samples", "row i of x is paired with row i of y") if paired else (
        1, "dimension", "they are samples of two distributions on the same space")
    if a.shape[axis] != b.shape[axis]:
        raise InvalidArgumentError(
            f"'x' and 'y' must have the same {what} (x has {a.shape[axis]}, y has {b.shape[axis]}): {why}"
        )
    if jitter is not None:
        a = _jitter(a, jitter, gen)
        b = _jitter(b, jitter, gen)
    return a, b


def _n_repeats(a: np.ndarray) -> int:
    """Number of points equal to an earlier point (``n`` minus the number of distinct points)."""
    if a.shape[1] == 1:
        s = np.sort(a[:, 0])
        return int(np.count_nonzero(s[1:] == s[:-1]))
    return int(a.shape[0] - np.unique(a, axis=0).shape[0])


def _jitter(a: np.ndarray, jitter: float, rng: np.random.Generator) -> np.ndarray:
    scale = a.std(axis=0)
    const = ~(scale > 0)
    if const.any():
        top = np.abs(a).max(axis=0)
        scale = np.where(const, np.where(top > 0, top, 1.0), scale)
    return a + rng.normal(0.0, 1.0, size=a.shape) * (jitter * scale)


def _no_repeats(checks, jittered: bool) -> None:
    """Raise if any ``(count, what)`` in ``checks`` has a positive count."""
    found = [f"{c} {what}" for c, what in checks if c]
    if not found:
        return
    if jittered:
        raise InvalidArgumentError(
            "repeated points remain after jittering (" + "; ".join(found) + "): 'jitter' is too small "
            "relative to the magnitude of the values (below one floating-point step); increase it"
        )
    raise InvalidArgumentError(
        "the samples have repeated points (" + "; ".join(found) + "), which put a neighbour at distance "
        "zero (log 0); the estimator assumes a continuous distribution: " + _JITTER_HINT
    )


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


def _log_unit_ball(d: int) -> float:
    """``log V_d``, the log-volume of the Euclidean unit ball in ``d`` dimensions."""
    return 0.5 * d * math.log(math.pi) - float(special.gammaln(0.5 * d + 1.0))


# --------------------------------------------------------------------------
# entropy
# --------------------------------------------------------------------------
def knn_entropy(x, *, n_neighbors: int = 3, workers: int = -1, jitter: float | None = None, rng=None) -> KernelResult:
    r"""Kozachenko–Leonenko k-nearest-neighbour estimate of differential entropy (nats).

    .. math::

        \hat H = \psi(n) - \psi(k) + \log V_d + \frac{d}{n} \sum_{i=1}^n \log \varepsilon_i

    where :math:`\varepsilon_i` is the Euclidean distance from :math:`x_i` to
    its k-th nearest neighbour among the other points, :math:`V_d =
    \pi^{d/2} / \Gamma(d/2 + 1)` the volume of the unit d-ball and
    :math:`\psi` the digamma function.  Consistent for any dimension; the
    bias grows with ``d`` for a fixed ``n``.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, d)
        Samples of a continuous random vector; finite, ``n >= n_neighbors + 1``.
    n_neighbors : int, default 3
        ``k``.  Larger ``k``: lower variance, more bias.
    workers : int, default -1
        Threads for the k-d tree queries (-1: all cores).
    jitter : float, optional
        Tie-breaking noise, relative to each column's spread (see the module
        notes); needs ``rng``.  Without it, repeated points raise.
    rng : numpy.random.Generator or int, optional
        Source of the jitter.

    Returns
    -------
    KernelResult
        ``value`` (nats); ``stderr`` = ``std(t_i)/sqrt(n)`` of the per-sample
        terms ``t_i = psi(n) - psi(k) + log V_d + d log eps_i``
        (``"delta"``; ignores their dependence); ``info`` with ``n``, ``d``,
        ``n_neighbors``, ``jitter``.

    Raises
    ------
    InvalidArgumentError
        Non-finite values, too few points, repeated points without ``jitter``,
        ``jitter`` without ``rng``.

    References
    ----------
    L. F. Kozachenko and N. N. Leonenko, "Sample estimate of the entropy of a
    random vector", Problems Inform. Transmission 23(2), 95–101 (1987).

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
    jitter, gen = _check_jitter(jitter, rng)
    a = _as_points(x, "x", min_points=k + 1)
    if jitter is not None:
        a = _jitter(a, jitter, gen)
    _no_repeats([(_n_repeats(a), "repeated point(s) in 'x'")], jitter is not None)
    n, d = a.shape
    eps = _tree(a).query(a, [k + 1], workers=workers)[0][:, 0]
    _positive(eps, "x")
    const = float(special.digamma(n) - special.digamma(k)) + _log_unit_ball(d)
    terms = const + d * np.log(eps)
    value, se = _mean_and_stderr(terms)
    return KernelResult(value, se, "delta", info={"n": n, "d": d, "n_neighbors": k, "jitter": jitter})


def _vasicek_terms(s: np.ndarray, m: int) -> np.ndarray:
    """Per-sample log m-spacings ``log(n/(2m) (X_(i+m) - X_(i-m)))`` of sorted ``s`` (clamped at the ends)."""
    n = s.size
    padded = np.concatenate([np.full(m, s[0]), s, np.full(m, s[-1])])
    return np.log(n / (2.0 * m) * (padded[2 * m :] - padded[: -2 * m]))


def spacing_entropy(
    x, *, method: str, window_length: int | None = None, jitter: float | None = None, rng=None
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
        Tie handling as for :func:`knn_entropy`; repeated values raise
        without ``jitter``.

    Returns
    -------
    KernelResult
        ``info`` has ``n``, ``window_length``, ``method``, ``jitter``.

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
    jitter, gen = _check_jitter(jitter, rng)
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
    if jitter is not None:
        a = _jitter(a, jitter, gen)
    _no_repeats([(_n_repeats(a), "repeated value(s) in 'x'")], jitter is not None)
    s = np.sort(a[:, 0])
    from scipy import stats  # loaded on first use: scipy.stats takes ~0.2 s to import

    value = float(stats.differential_entropy(s, window_length=m, method=key))
    _, se = _mean_and_stderr(_vasicek_terms(s, m))
    return KernelResult(value, se, "delta", info={"n": n, "window_length": m, "method": key, "jitter": jitter})


# --------------------------------------------------------------------------
# KL divergence
# --------------------------------------------------------------------------
def knn_kl(
    x, y, *, n_neighbors: int = 3, workers: int = -1, jitter: float | None = None, rng=None
) -> KernelResult:
    r"""Wang–Kulkarni–Verdú k-nearest-neighbour estimate of ``D(P || Q)`` (nats).

    From ``x`` (``n`` points drawn from P) and ``y`` (``m`` points drawn from Q)
    in the same ``d`` dimensions:

    .. math::

        \hat D(P\|Q) = \frac{d}{n} \sum_{i=1}^n \log\frac{\nu_k(i)}{\rho_k(i)} + \log\frac{m}{n-1}

    with :math:`\rho_k(i)` the Euclidean distance from :math:`x_i` to its k-th
    nearest neighbour among the other points of ``x`` and :math:`\nu_k(i)`
    the distance from :math:`x_i` to its k-th nearest neighbour in ``y``.
    It can be negative for finite samples.

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
        Tie handling (see the module notes): repeated points within ``x``,
        within ``y`` or shared by both raise without ``jitter``.

    Returns
    -------
    KernelResult
        ``stderr`` = ``std(t_i)/sqrt(n)`` of ``t_i = d log(nu_i/rho_i) +
        log(m/(n-1))`` (``"delta"``); ``info`` with ``n``, ``m``, ``d``,
        ``n_neighbors``, ``jitter``.

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
    jitter, gen = _check_jitter(jitter, rng)
    a, b = _two_samples(x, y, k, jitter, gen, paired=False)
    n, d = a.shape
    m = b.shape[0]
    # nearest and k-th nearest point of y to each x_i: the first finds points shared by x and y
    near, idx = _tree(b).query(a, sorted({1, k}), workers=workers)
    zero = np.flatnonzero(near[:, 0] == 0.0)
    shared = int(np.count_nonzero((b[idx[zero, 0]] == a[zero]).all(axis=1)))
    _no_repeats(
        [
            (_n_repeats(a), "repeated point(s) in 'x'"),
            (_n_repeats(b), "repeated point(s) in 'y'"),
            (shared, "point(s) of 'x' also in 'y'"),
        ],
        jitter is not None,
    )
    nu = near[:, -1]
    rho = _tree(a).query(a, [k + 1], workers=workers)[0][:, 0]
    _positive(rho, "x")
    _positive(nu, "y")
    terms = d * (np.log(nu) - np.log(rho)) + math.log(m / (n - 1))
    value, se = _mean_and_stderr(terms)
    return KernelResult(value, se, "delta", info={"n": n, "m": m, "d": d, "n_neighbors": k, "jitter": jitter})


# --------------------------------------------------------------------------
# mutual information
# --------------------------------------------------------------------------
def ksg_mi(
    x, y, *, n_neighbors: int = 3, workers: int = -1, jitter: float | None = None, rng=None
) -> KernelResult:
    r"""Kraskov–Stögbauer–Grassberger estimate of mutual information ``I(X; Y)`` (nats).

    Estimator 1 of Kraskov et al. (2004), with the max-norm
    :math:`\|(x, y)\| = \max(\|x\|_\infty, \|y\|_\infty)` in the joint space:

    .. math::

        \hat I = \psi(k) + \psi(n) - \frac1n \sum_{i=1}^n \big[\psi(n_x(i) + 1) + \psi(n_y(i) + 1)\big]

    where :math:`\varepsilon_i` is the joint-space distance from point ``i``
    to its k-th nearest neighbour and :math:`n_x(i)` (:math:`n_y(i)`) the
    number of other points whose ``x`` (``y``) lies *strictly* closer than
    :math:`\varepsilon_i` to :math:`x_i` (:math:`y_i`) in the max-norm.  The
    estimate can be slightly negative for independent samples.  The max-norm
    mixes the scales of ``x`` and ``y``; the estimator is not invariant to
    rescaling one of them (MI is), so rescale coordinates of very different
    spread first (Kraskov et al. standardise to unit variance).

    Parameters
    ----------
    x : array_like, shape (n,) or (n, dx)
    y : array_like, shape (n,) or (n, dy)
        Paired samples (row ``i`` of ``x`` with row ``i`` of ``y``);
        ``n >= n_neighbors + 1``.
    n_neighbors : int, default 3
        ``k``.
    workers : int, default -1
        Threads for the k-d tree queries (-1: all cores).
    jitter, rng
        Tie handling (see the module notes): repeated joint points and
        repeated values within either marginal raise without ``jitter``
        (``x`` and ``y`` are jittered separately, ``x`` first).

    Returns
    -------
    KernelResult
        ``stderr`` = ``std(t_i)/sqrt(n)`` of ``t_i = psi(k) + psi(n) -
        psi(n_x(i)+1) - psi(n_y(i)+1)`` (``"delta"``; ignores the strong
        dependence between the terms); ``info`` with ``n``, ``dx``, ``dy``,
        ``n_neighbors``, ``jitter``.

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
    jitter, gen = _check_jitter(jitter, rng)
    a, b = _two_samples(x, y, k, jitter, gen, paired=True)
    z = np.concatenate([a, b], axis=1)
    _no_repeats(
        [
            (_n_repeats(z), "repeated point(s) (x, y)"),
            (_n_repeats(a), "repeated value(s) in 'x'"),
            (_n_repeats(b), "repeated value(s) in 'y'"),
        ],
        jitter is not None,
    )
    n = z.shape[0]
    eps = _tree(z).query(z, [k + 1], p=np.inf, workers=workers)[0][:, 0]
    r = np.nextafter(eps, 0.0)  # query_ball_point counts distances <= r: this makes it "< eps"
    nx = _tree(a).query_ball_point(a, r, p=np.inf, return_length=True, workers=workers) - 1
    ny = _tree(b).query_ball_point(b, r, p=np.inf, return_length=True, workers=workers) - 1
    const = float(special.digamma(k) + special.digamma(n))
    terms = const - special.digamma(nx + 1.0) - special.digamma(ny + 1.0)
    value, se = _mean_and_stderr(terms)
    return KernelResult(
        value, se, "delta", info={"n": n, "dx": a.shape[1], "dy": b.shape[1], "n_neighbors": k, "jitter": jitter}
    )
