"""Pseudo-count (add-``a``) plug-in estimators of the Shannon entropy of a discrete distribution.

Each kernel is the entropy of the smoothed frequencies

    ``q_x = (n_x + a) / (n + k a)``  over all ``k`` outcomes,

the unseen ``k - k_obs`` outcomes getting ``a / (n + k a)`` each, with the
pseudo-count ``a`` of its name (J. Hausser & K. Strimmer, JMLR 10 (2009)
1469-1484, Table 1):

=========================  ==========================  =============================================
method                     ``a``                       reference
=========================  ==========================  =============================================
``laplace``                1                           Laplace (1814); Bayes-Laplace prior
``jeffreys``               1/2                         Jeffreys (1946); Krichevsky & Trofimov (1981)
``minimax``                ``sqrt(n) / k``             Trybula (1958): minimax risk for ``p``
``schurmann_grassberger``  ``1 / k``                   Perks (1947); Schurmann & Grassberger (1996)
=========================  ==========================  =============================================

The pseudo-counts 1 and 1/2 are the ones ``smoothing="laplace"`` /
``smoothing="jeffreys"`` add elsewhere in the package
(:data:`infokit._lib.checks.PSEUDO_COUNTS`); the two that depend on ``n`` and
``k`` are defined here only (:data:`PSEUDO_COUNT_RULES`).

``k`` is the profile's support size: the declared ``support_size`` when one
was given, otherwise the number of outcomes observed (then nothing is added
for unseen outcomes and the estimate is that of the observed ones only; the
estimate's diagnostics say ``k_declared=False``).  Kernel signature as in
:mod:`infokit._estimators.result`; values in nats.  The estimate is a function
of the fingerprint, so a call costs O(distinct counts).  Standard error: the
delta-method one of the plug-in (as for ``shrinkage``).
"""

from __future__ import annotations

import math
from typing import Callable

import numpy as np
from scipy.special import xlogy

from infokit._estimators.discrete import _delta_stderr, _plugin_value
from infokit._estimators.result import KernelResult, Profile
from infokit._lib.checks import PSEUDO_COUNTS

__all__ = ["PSEUDO_COUNT_RULES", "pseudo_count", "smoothed_entropy", "laplace", "jeffreys", "minimax",
           "schurmann_grassberger"]

#: name -> ``a(n, k)``: the pseudo-count added to each of ``k`` outcomes for a sample of size ``n``.
PSEUDO_COUNT_RULES: dict[str, Callable[[int, int], float]] = {
    "laplace": lambda n, k: PSEUDO_COUNTS["laplace"],
    "jeffreys": lambda n, k: PSEUDO_COUNTS["jeffreys"],
    "minimax": lambda n, k: math.sqrt(n) / k,
    "schurmann_grassberger": lambda n, k: 1.0 / k,
}


def pseudo_count(name: str, n: int, k: int) -> float:
    """The pseudo-count of the estimator ``name`` for ``n`` samples on ``k`` outcomes.

    >>> pseudo_count("jeffreys", 10, 4), pseudo_count("minimax", 16, 8), pseudo_count("schurmann_grassberger", 5, 4)
    (0.5, 0.5, 0.25)
    """
    return float(PSEUDO_COUNT_RULES[name](n, k))


def smoothed_entropy(prof: Profile, a: float) -> float:
    """``H(q)``, ``q_x = (n_x + a) / (n + k a)`` on the ``k = prof.k`` outcomes (nats), from the fingerprint."""
    k = prof.k
    if k <= 1:
        return 0.0
    total = prof.n + k * a
    q = (prof.values + a) / total
    q0 = a / total
    unseen = k - prof.k_obs
    return 0.0 - float(np.sum(prof.mult * xlogy(q, q))) - unseen * float(xlogy(q0, q0))  # 0.0 -: no -0.0


def _kernel(prof: Profile, name: str) -> KernelResult:
    a = pseudo_count(name, prof.n, prof.k)
    value = smoothed_entropy(prof, a)
    se = _delta_stderr(prof, _plugin_value(prof))
    return KernelResult(value, se, "delta", info={"pseudo_count": a})


def laplace(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Plug-in entropy of the add-one (Laplace) frequencies ``(n_x + 1) / (n + k)``.

    Reference: P. S. Laplace, Essai philosophique sur les probabilites (1814);
    J. Hausser & K. Strimmer, JMLR 10 (2009) 1469-1484, Table 1.
    """
    return _kernel(prof, "laplace")


def jeffreys(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Plug-in entropy of the add-1/2 (Jeffreys, Krichevsky-Trofimov) frequencies ``(n_x + 1/2) / (n + k/2)``.

    Reference: H. Jeffreys, Proc. R. Soc. A 186 (1946) 453-461; R. E. Krichevsky
    & V. K. Trofimov, IEEE Trans. Inf. Theory 27 (1981) 199-207.
    """
    return _kernel(prof, "jeffreys")


def minimax(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Plug-in entropy of the frequencies with pseudo-count ``a = sqrt(n) / k`` (Trybula's minimax estimate of p).

    The add-``sqrt(n)/k`` frequencies minimise the maximum squared-error risk
    of estimating ``p`` (not of the entropy).  Reference: S. Trybula,
    Zastosowania Matematyki 3 (1958) 271-291; J. Hausser & K. Strimmer,
    JMLR 10 (2009) 1469-1484, Table 1.
    """
    return _kernel(prof, "minimax")


def schurmann_grassberger(prof: Profile, *, level: float, rng: np.random.Generator) -> KernelResult:
    """Plug-in entropy of the frequencies with pseudo-count ``a = 1 / k`` (Perks; Schurmann & Grassberger).

    Reference: W. Perks, J. Inst. Actuaries 73 (1947) 285-334; T. Schurmann &
    P. Grassberger, Entropy estimation of symbol sequences, Chaos 6 (1996)
    414-427.
    """
    return _kernel(prof, "schurmann_grassberger")
