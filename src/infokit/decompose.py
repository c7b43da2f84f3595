"""Per-outcome decomposition of cross-entropy into entropy plus KL divergence.

For each outcome x: surprisal under P and under Q, and its contribution to
H(P) = sum p I_p, to H(P, Q) = sum p I_q and to D(P||Q) = sum p (I_q - I_p);
so that H(P, Q) = H(P) + D(P||Q) can be read off line by line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import exact
from .categorical import Categorical
from ._units import resolve_base
from .errors import InvalidDistributionError

__all__ = ["Decomposition", "decompose"]


@dataclass(frozen=True)
class Decomposition:
    """The result of :func:`decompose` (NumPy arrays, one entry per outcome).

    Attributes
    ----------
    outcomes : list
        Labels of the outcomes (``0..n-1`` unless given).
    p, q : ndarray
        The two distributions.
    info_p, info_q : ndarray
        Surprisal ``-log p(x)`` and ``-log q(x)`` in ``unit``.
    entropy_terms, cross_entropy_terms, kl_terms : ndarray
        ``p I_p``, ``p I_q`` and ``p (I_q - I_p)`` (0 where ``p = 0``).
    entropy, cross_entropy, kl_divergence : float
        H(P), H(P, Q), D(P||Q), each computed by the exact function of the same name.
    unit : str
    """

    outcomes: list
    p: np.ndarray
    q: np.ndarray
    info_p: np.ndarray
    info_q: np.ndarray
    entropy_terms: np.ndarray
    cross_entropy_terms: np.ndarray
    kl_terms: np.ndarray
    entropy: float
    cross_entropy: float
    kl_divergence: float
    unit: str

    def rows(self):
        """Table rows ``(outcome, p, q, I_p, I_q, p*I_p, p*I_q, p*log(p/q))``."""
        return list(
            zip(
                self.outcomes, self.p, self.q, self.info_p, self.info_q,
                self.entropy_terms, self.cross_entropy_terms, self.kl_terms,
            )
        )

    def __str__(self) -> str:
        u = self.unit
        head = ("outcome", "p", "q", f"I_p [{u}]", f"I_q [{u}]", "p*I_p", "p*I_q", "p*log(p/q)")
        body = [
            (str(o),) + tuple(_fmt(v) for v in vals) for o, *vals in self.rows()
        ]
        widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
        line = lambda r: "  ".join(c.rjust(w) for c, w in zip(r, widths))  # noqa: E731
        out = [line(head), "  ".join("-" * w for w in widths)]
        out += [line(r) for r in body]
        out += [
            "",
            f"H(P)      = {_fmt(self.entropy)} {u}",
            f"H(P,Q)    = {_fmt(self.cross_entropy)} {u}",
            f"D(P||Q)   = {_fmt(self.kl_divergence)} {u}",
            f"H(P) + D(P||Q) = {_fmt(self.entropy + self.kl_divergence)} {u} = H(P,Q)",
        ]
        return "\n".join(out)

    def __repr__(self) -> str:
        return f"Decomposition(unit={self.unit!r})\n" + str(self)

    def _repr_html_(self) -> str:
        from .reports import decomposition_html

        return decomposition_html(self)


def _fmt(v) -> str:
    v = float(v)
    if v == 0:
        return "0"
    if not np.isfinite(v):
        return "inf" if v > 0 else ("-inf" if v < 0 else "nan")
    return f"{v:.6g}"


def decompose(p, q, *, base="bits", outcomes=None, normalize=False) -> Decomposition:
    """Decompose ``H(P, Q) = H(P) + D(P||Q)`` outcome by outcome.

    Parameters
    ----------
    p, q : array_like, Categorical, Empirical or dict
        One distribution each (1-D); an :class:`~infokit.Empirical` or a dict
        ``{outcome: probability}`` is aligned as in the other measures and
        labels the rows with its outcomes.
    base : {"bits", "nats", "hartleys"} or float, optional
        Unit. Default bits (this is a report for people).
    outcomes : sequence, optional
        Labels for the outcomes; default ``0..n-1``.
    normalize : bool, optional
        As in :func:`infokit.entropy`.

    Returns
    -------
    Decomposition
        Prints as a table; fields hold the arrays and totals.

    Raises
    ------
    InvalidDistributionError
        As :func:`infokit.kl_divergence`, or if the inputs are not single
        distributions or ``outcomes`` has the wrong length.

    Examples
    --------
    >>> import infokit as ik
    >>> d = ik.decompose([0.5, 0.25, 0.125, 0.125], [0.25] * 4, outcomes="abcd")
    >>> print(d)  # doctest: +NORMALIZE_WHITESPACE
    outcome      p     q  I_p [bits]  I_q [bits]  p*I_p  p*I_q  p*log(p/q)
    -------  -----  ----  ----------  ----------  -----  -----  ----------
          a    0.5  0.25           1           2    0.5      1         0.5
          b   0.25  0.25           2           2    0.5    0.5           0
          c  0.125  0.25           3           2  0.375   0.25      -0.125
          d  0.125  0.25           3           2  0.375   0.25      -0.125
    <BLANKLINE>
    H(P)      = 1.75 bits
    H(P,Q)    = 2 bits
    D(P||Q)   = 0.25 bits
    H(P) + D(P||Q) = 2 bits = H(P,Q)
    """
    from .empirical import align_with_labels

    unit = resolve_base(base)
    aligned, labels = align_with_labels([("p", p), ("q", q)])
    (_, p), (_, q) = aligned
    if outcomes is None and labels is not None:
        outcomes = labels
    (pa, ip), (qa, iq) = (_probs_and_surprisal(x, base, normalize) for x in (p, q))
    if pa.ndim != 1 or qa.ndim != 1:
        raise InvalidDistributionError(
            f"decompose takes a single distribution for 'p' and 'q' (1-D); got shapes {pa.shape} and {qa.shape}"
        )
    h = float(exact.entropy(p, base=base, normalize=normalize))
    hpq = float(exact.cross_entropy(p, q, base=base, normalize=normalize))
    d = float(exact.kl_divergence(p, q, base=base, normalize=normalize))
    labels = list(range(len(pa))) if outcomes is None else list(outcomes)
    if len(labels) != len(pa):
        raise InvalidDistributionError(f"'outcomes' has {len(labels)} labels for {len(pa)} outcomes")
    pos = pa > 0
    ip_, iq_ = np.where(pos, ip, 0.0), np.where(pos, iq, 0.0)
    ent, ce = pa * ip_, pa * iq_
    with np.errstate(invalid="ignore"):
        kl = np.where(pos, pa * (iq_ - ip_), 0.0)
    return Decomposition(labels, pa, qa, ip, iq, ent, ce, kl, h, hpq, d, unit.name)


def _probs_and_surprisal(x, base, normalize):
    """Probabilities and surprisal as float64 NumPy arrays (validated by the caller's measures)."""
    if isinstance(x, Categorical):
        return np.asarray(x.probs, dtype=float), np.asarray(exact.information(x, base=base), dtype=float)
    a = np.asarray(x, dtype=float)
    if normalize and a.ndim and a.sum() > 0:
        a = a / a.sum()
    if a.ndim != 1:
        return a, a
    return a, np.asarray(exact.information(a, base=base), dtype=float)
