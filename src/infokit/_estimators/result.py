"""Sufficient statistics of a sample for entropy estimation.

Every entropy estimator of this package is a function of the count vector only
through its *profile* (fingerprint): which counts occur and how many outcomes
have each.  A :class:`Profile` holds that, so estimators cost O(distinct counts)
rather than O(outcomes), plus the raw positive counts for the few that need
them (plug-in via the exact kernels, shrinkage).

Estimator kernels (``_entropy_estimators``, ``_bayes``) share one contract::

    kernel(profile, *, level: float, rng: numpy.random.Generator) -> KernelResult

returning values in **nats**.  Kernels never validate (the public wrapper has
already checked counts, support size and level) and never convert units.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["Profile", "KernelResult"]


@dataclass(frozen=True)
class Profile:
    """Fingerprint of a vector of counts.

    Attributes
    ----------
    counts : ndarray of int64
        The positive counts (unseen outcomes dropped), in no particular order.
    values : ndarray of int64
        The distinct positive counts, increasing.
    mult : ndarray of int64
        ``mult[i]`` outcomes were seen exactly ``values[i]`` times.
    n : int
        Sample size, ``sum(counts)``.
    k_obs : int
        Number of outcomes seen at least once.
    k : int
        Support size used by estimators that need one: the declared support
        size when one was given, otherwise ``k_obs``.
    k_declared : bool
        Whether ``k`` was declared by the user (True) or is ``k_obs`` (False).
    """

    counts: np.ndarray
    values: np.ndarray
    mult: np.ndarray
    n: int
    k_obs: int
    k: int
    k_declared: bool

    @classmethod
    def from_counts(cls, counts, support_size: int | None = None) -> "Profile":
        c = np.asarray(counts, dtype=np.int64).ravel()
        c = c[c > 0]
        values, mult = np.unique(c, return_counts=True)
        k_obs = int(c.size)
        declared = support_size is not None
        return cls(
            counts=c,
            values=values.astype(np.int64),
            mult=mult.astype(np.int64),
            n=int(c.sum()),
            k_obs=k_obs,
            k=int(support_size) if declared else k_obs,
            k_declared=declared,
        )

    def f(self, j: int) -> int:
        """Number of outcomes seen exactly ``j`` times (``f(1)``: singletons)."""
        hit = np.nonzero(self.values == j)[0]
        return int(self.mult[hit[0]]) if hit.size else 0

    @property
    def coverage(self) -> float:
        """Good–Turing sample coverage ``1 - f1/n`` (probability mass of the seen outcomes)."""
        return 1.0 - self.f(1) / self.n

    @property
    def coincidences(self) -> int:
        """``n - k_obs``: samples that repeat an outcome already seen."""
        return self.n - self.k_obs


@dataclass(frozen=True)
class KernelResult:
    """What an estimator kernel returns (all in nats).

    ``interval`` is ``None`` when the wrapper should use the normal interval
    ``value -/+ z * stderr``; a kernel with a better one (a posterior, a
    bootstrap) returns its own ``(low, high)`` at the requested level.
    ``stderr_method`` names where the standard error comes from (shown in
    ``Estimate.diagnostics``): "delta", "jackknife", "bootstrap", "posterior".
    """

    value: float
    stderr: float
    stderr_method: str
    interval: tuple[float, float] | None = None
    info: dict = field(default_factory=dict)
