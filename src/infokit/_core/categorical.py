"""Categorical distributions given in log space.

A :class:`Categorical` carries the meaning of its array in its type: its
values are logits (or log-probabilities), never probabilities.  Every measure
accepts it wherever it accepts an array of probabilities, and then works in log
space, so distributions whose probabilities underflow (logits spread over
thousands) keep finite, accurate measures.
"""

from __future__ import annotations

from typing import Any

from infokit._lib import backend as _backend
from infokit._core import kernels as _kernels
from infokit._lib.checks import check_logits, normalize_axis, sum_tolerance, _concrete
from infokit._lib.typing import AnyArray
from infokit.errors import InvalidDistributionError

__all__ = ["Categorical", "from_logits", "from_log_probs"]


class Categorical:
    """A batch of categorical distributions, ``softmax(logits)`` along ``axis``.

    Build one with :func:`from_logits` or :func:`from_log_probs`.

    Attributes
    ----------
    logits : array
        The logits, in the caller's array library, with the event axis at ``axis``.
    axis : int
        The (non-negative) axis of ``logits`` that indexes outcomes.
    """

    __slots__ = ("_z", "axis")

    def __init__(self, logits: AnyArray, *, axis: int = -1, _name: str = "logits") -> None:
        z = _backend.as_float_array(logits, _name)
        if z.ndim == 0:
            raise InvalidDistributionError(f"'{_name}' must have at least one dimension; got a scalar")
        xp = _backend.namespace(z)
        ax = normalize_axis(axis, z.ndim)
        if ax != z.ndim - 1:
            z = xp.moveaxis(z, ax, -1)
        self._z = check_logits(xp, z, _name)
        self.axis = ax

    def _out(self, a: Any) -> Any:
        if self.axis == a.ndim - 1:
            return a
        return _backend.namespace(a).moveaxis(a, -1, self.axis)

    @property
    def logits(self) -> AnyArray:
        return self._out(self._z)

    @property
    def log_probs(self) -> AnyArray:
        """Normalised log-probabilities ``z - logsumexp(z)``."""
        return self._out(_kernels.log_softmax(_backend.namespace(self._z), self._z))

    @property
    def probs(self) -> AnyArray:
        """Probabilities ``softmax(z)`` (may underflow to 0; measures never use them)."""
        xp = _backend.namespace(self._z)
        return self._out(xp.exp(_kernels.log_softmax(xp, self._z)))

    @property
    def n_outcomes(self) -> int:
        return self._z.shape[-1]

    @property
    def batch_shape(self) -> tuple[int, ...]:
        return tuple(self._z.shape[:-1])

    def __repr__(self) -> str:
        lib = type(self._z).__module__.split(".")[0]
        return (
            f"Categorical(n_outcomes={self.n_outcomes}, batch_shape={self.batch_shape}, "
            f"axis={self.axis}, dtype={self._z.dtype}, array={lib})"
        )


def from_logits(z: AnyArray, *, axis: int = -1) -> Categorical:
    """Categorical distribution(s) ``softmax(z)`` from unnormalised logits.

    Parameters
    ----------
    z : array_like
        Real logits (``-inf`` marks an impossible outcome); any array-API array.
    axis : int, optional
        The axis of ``z`` that indexes outcomes. Default -1.

    Returns
    -------
    Categorical
        Accepted by every measure wherever ``p`` or ``q`` is.

    Raises
    ------
    InvalidDistributionError
        If ``z`` has NaN or ``+inf`` entries, or a distribution with every logit ``-inf``.

    Notes
    -----
    Measures of a Categorical are computed in log space and never form the
    probabilities, so logits spread over thousands (where ``softmax``
    underflows to 0 and ``scipy.stats.entropy`` returns ``inf``) give finite,
    accurate values.

    Examples
    --------
    >>> import infokit as ik
    >>> p = ik.from_logits([0.0, 0.0, 2000.0, 2000.0])
    >>> float(ik.entropy(p, base="bits"))
    1.0
    >>> float(ik.kl_divergence(p, ik.from_logits([0.0, 1.0, 2.0, 3.0]), base="bits"))  # doctest: +ELLIPSIS
    0.3564...
    """
    return Categorical(z, axis=axis, _name="z")


def from_log_probs(lp: AnyArray, *, axis: int = -1, normalize: bool = False) -> Categorical:
    """Categorical distribution(s) from log-probabilities.

    Parameters
    ----------
    lp : array_like
        Natural-log probabilities (``-inf`` for probability 0).
    axis : int, optional
        The axis of ``lp`` that indexes outcomes. Default -1.
    normalize : bool, optional
        If False (default), ``logsumexp(lp)`` must be 0 within the dtype's
        tolerance (``sqrt(eps)``); if True any finite total is accepted and
        renormalised (``from_logits`` does the same).

    Returns
    -------
    Categorical

    Raises
    ------
    InvalidDistributionError
        If ``lp`` does not normalise (and ``normalize`` is False), has NaN or
        ``+inf`` entries, or a distribution whose entries are all ``-inf``.

    Examples
    --------
    >>> import numpy as np, infokit as ik
    >>> q = ik.from_log_probs(np.log([0.5, 0.25, 0.25]))
    >>> float(ik.entropy(q, base=2))
    1.5
    """
    c = Categorical(lp, axis=axis, _name="lp")
    if not normalize:
        xp = _backend.namespace(c._z)
        lse = _kernels._logsumexp(xp, c._z)
        tol = sum_tolerance(c._z.dtype)
        if _concrete(xp.any(xp.abs(lse) > tol)) is True:
            worst = float(xp.max(xp.abs(lse)))
            raise InvalidDistributionError(
                f"'lp' are not normalised log-probabilities: logsumexp along the event axis is off by "
                f"up to {worst:.3g} (tolerance {tol:.2g}); use ik.from_logits for unnormalised values "
                f"or pass normalize=True"
            )
    return c
