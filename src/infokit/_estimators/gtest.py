"""``g_test``: the likelihood-ratio test that a sample was drawn from a known distribution."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
from scipy import special

from infokit._core.measures import kl_divergence
from infokit._dispatch import Kind, check_bool, hint, implements
from infokit._estimators.arguments import SAMPLES, EstimateOptions, as_empirical, defaults, lookup
from infokit._estimators.arguments import raw_samples, samples_hints
from infokit._estimators.result import GTestResult
from infokit._lib import backend as _backend
from infokit._lib.typing import DistributionLike, Samples
from infokit._samples.align import align
from infokit.errors import InvalidArgumentError, InvalidTypeError

__all__ = ["g_test"]


def g_test(samples_or_empirical: Samples, q: DistributionLike, *, williams: bool = True, ddof: int = 0,
           dropna: bool = False) -> GTestResult:
    """G-test (likelihood-ratio test) that a sample was drawn from the distribution ``q``.

    Parameters
    ----------
    samples_or_empirical : array_like or Empirical
        The observed sample.
    q : array_like, dict or Series
        The hypothesised distribution, aligned as in :class:`~infokit.Empirical`
        (an array indexed by integer outcome, or a dict / labelled Series by
        outcome label).  Its length K is the number of categories.
    williams : bool, optional
        Divide G by Williams' (1976) factor ``1 + (K + 1)/(6n)``, which brings
        its law closer to chi-squared for small samples. Default True.
    ddof : int, optional
        Degrees of freedom used up by parameters fitted to the data.
    dropna : bool, optional
        Drop missing samples instead of raising (raw samples only).

    Returns
    -------
    GTestResult
        ``statistic``, ``pvalue``, ``dof``, ``divergence`` (nats), ``williams``, ``n``.

    Raises
    ------
    InvalidTypeError
        ``q`` is not a known distribution over categories (an Empirical, a
        Categorical, a scipy.stats distribution), or the sample is not one.
    InvalidArgumentError
        Bad ``ddof``/``dropna``, fewer than one degree of freedom, ``q`` not a
        distribution.

    Notes
    -----
    ``G = 2 sum n_x log(n_x/(n q_x)) = 2 n D(P̂||Q)``, computed from the
    exact KL divergence; with ``williams=False`` it is
    ``scipy.stats.power_divergence(..., lambda_="log-likelihood")``.

    Examples
    --------
    >>> import infokit as ik
    >>> res = ik.g_test(ik.Empirical.from_counts([30, 14, 16]), [0.5, 0.25, 0.25], williams=False)
    >>> round(res.statistic, 6), res.dof, round(res.pvalue, 4)
    (0.133432, 2, 0.9355)
    """

    if not isinstance(williams, bool):
        raise InvalidTypeError(f"'williams' must be True or False (got {williams!r})")
    if isinstance(ddof, bool) or not isinstance(ddof, numbers.Integral) or ddof < 0:
        raise InvalidArgumentError(f"'ddof' must be a non-negative int (got {ddof!r})")
    opts = EstimateOptions("g_test", _DEFAULTS, dropna=check_bool(dropna, "dropna"))
    fn, kinds = lookup("g_test", (samples_or_empirical, q), ("samples_or_empirical", "q"))
    return fn(samples_or_empirical, q, kinds, williams, int(ddof), opts)


_DEFAULTS = defaults(g_test)


@implements("g_test", SAMPLES, {Kind.PROBS, Kind.PMF})
def _g_test(samples: Any, q: Any, kinds: tuple[Any, ...], williams: bool, ddof: int, o: EstimateOptions) -> GTestResult:
    o.only("a goodness-of-fit test of a sample against a known distribution", *raw_samples(kinds[0]))
    e = as_empirical(samples, kinds[0], o.dropna, "samples_or_empirical")
    (_, pp), (_, qq) = align([("p", e), ("q", _backend.as_numpy_float64(q, "q") if kinds[1] is Kind.PROBS else q)])
    k = np.asarray(qq).size
    dof = k - 1 - ddof
    if dof < 1:
        raise InvalidArgumentError(f"the test has {dof} degrees of freedom (K={k}, ddof={ddof}); it needs at least 1")
    d = float(kl_divergence(pp, qq))
    factor = 1.0 + (k + 1.0) / (6.0 * e.n) if williams else 1.0
    g = 2.0 * e.n * d / factor
    pvalue = float(special.chdtrc(dof, g)) if math.isfinite(g) else 0.0
    return GTestResult(statistic=g, pvalue=pvalue, dof=dof, divergence=d, williams=factor, n=e.n)


samples_hints("g_test", 0, 2, exact="ik.kl_divergence(p, q)")
hint("g_test", SAMPLES, Kind.LOGITS, text="Pass the probabilities of the Categorical: ik.g_test(x, q.probs)")
hint("g_test", SAMPLES, Kind.COUNTS, text="'q' is the hypothesised distribution, not a sample; to compare two "
     "samples estimate ik.estimate_kl(x, ik.empirical(y)) or test the contingency table of both")
hint("g_test", SAMPLES, Kind.PARAMETRIC, text="Pass its probabilities over the K categories, e.g. "
     "dist.pmf(np.arange(K)) for a discrete scipy.stats distribution")
hint("g_test", SAMPLES, Kind.MODEL, text="Pass the model's probabilities over the K categories")
