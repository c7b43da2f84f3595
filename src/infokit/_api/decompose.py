"""Per-outcome decomposition of cross-entropy into entropy plus KL divergence.

For each outcome x: surprisal under P and under Q, and its contribution to
H(P) = sum p I_p, to H(P, Q) = sum p I_q and to D(P||Q) = sum p (I_q - I_p);
so that H(P, Q) = H(P) + D(P||Q) can be read off line by line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from infokit._core import measures as core
from infokit._core.categorical import Categorical
from infokit._dispatch import DISCRETE, check_bool, implements, lookup
from infokit._lib import backend as _backend, html
from infokit._lib.fmt import format_number
from infokit._lib.typing import Base, DistributionLike, NDArray, OptionalBase
from infokit._lib.units import resolve_base
from infokit._samples.align import align_with_labels
from infokit.errors import InvalidDistributionError, InvalidTypeError

__all__ = ["Decomposition", "decompose", "decomposition_html"]


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
        The unit of the fields (nats unless ``base`` was given).
    display_unit : str
        The unit of the printed table (bits unless ``base`` was given).
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
    display_unit: str = field(default="bits", repr=False)

    def rows(self) -> list[tuple[Any, ...]]:
        """Table rows ``(outcome, p, q, I_p, I_q, p*I_p, p*I_q, p*log(p/q))``."""
        return list(
            zip(
                self.outcomes, self.p, self.q, self.info_p, self.info_q,
                self.entropy_terms, self.cross_entropy_terms, self.kl_terms,
            )
        )

    def in_unit(self, base: Base) -> Decomposition:
        """The same decomposition with every surprisal and total in ``base`` (printed in it too)."""
        unit = resolve_base(base)
        to_nats = resolve_base(self.unit).log_base
        ip, iq = (unit.convert(getattr(self, k) * to_nats if to_nats != 1.0 else getattr(self, k))
                  for k in ("info_p", "info_q"))
        conv = dict(zip(("info_p", "info_q", "entropy_terms", "cross_entropy_terms", "kl_terms"),
                        (ip, iq, *_terms(self.p, ip, iq))))
        conv.update({k: float(unit.convert(getattr(self, k) * to_nats))
                     for k in ("entropy", "cross_entropy", "kl_divergence")})
        return replace(self, unit=unit.name, display_unit=unit.name, **conv)

    def __str__(self) -> str:
        d = self if self.display_unit == self.unit else self.in_unit(self.display_unit)
        u = d.unit
        head = ("outcome", "p", "q", f"I_p [{u}]", f"I_q [{u}]", "p*I_p", "p*I_q", "p*log(p/q)")
        body = [(str(o),) + tuple(format_number(float(v)) for v in vals) for o, *vals in d.rows()]
        widths = [max(len(r[i]) for r in [head, *body]) for i in range(len(head))]
        line = lambda r: "  ".join(c.rjust(w) for c, w in zip(r, widths))  # noqa: E731
        out = [line(head), "  ".join("-" * w for w in widths)]
        out += [line(r) for r in body]
        fmt = lambda v: format_number(float(v))  # noqa: E731
        out += [
            "",
            f"H(P)      = {fmt(d.entropy)} {u}",
            f"H(P,Q)    = {fmt(d.cross_entropy)} {u}",
            f"D(P||Q)   = {fmt(d.kl_divergence)} {u}",
            f"H(P) + D(P||Q) = {fmt(d.entropy + d.kl_divergence)} {u} = H(P,Q)",
        ]
        return "\n".join(out)

    def __repr__(self) -> str:
        return f"Decomposition(unit={self.unit!r})\n" + str(self)

    def _repr_html_(self) -> str:
        return decomposition_html(self)


def decompose(p: DistributionLike, q: DistributionLike, *, base: OptionalBase = None,
              outcomes: Sequence[Any] | None = None, normalize: bool = False) -> Decomposition:
    """Decompose ``H(P, Q) = H(P) + D(P||Q)`` outcome by outcome.

    Parameters
    ----------
    p, q : array_like, Categorical, Empirical, dict or Series
        One discrete distribution each (1-D); an :class:`~infokit.Empirical`
        or a labelled pmf (``dict`` ``{outcome: probability}``, a pandas
        Series indexed by outcome) is aligned as in the other measures and
        labels the rows with its outcomes.
    base : {"nats", "bits", "hartleys"} or float, optional
        Unit of the fields.  Default nats, like every library function; the
        printed table (``str``, the notebook view) is then in bits, because it
        is read by people.  An explicit ``base`` is used for both.
    outcomes : sequence, optional
        Labels for the outcomes; default ``0..n-1``.
    normalize : bool, optional
        As in :func:`infokit.entropy`.

    Returns
    -------
    Decomposition
        Prints as a table (naming its unit); fields hold the arrays and
        totals; :meth:`Decomposition.in_unit` converts.

    Raises
    ------
    InvalidTypeError
        Arguments that are not discrete distributions (scipy.stats or torch
        distributions, models) — the message names the kinds.
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
    >>> d.unit, round(d.kl_divergence, 12), d.in_unit("bits").kl_divergence
    ('nats', 0.173286795140, 0.25)
    """
    unit = None if base is None else resolve_base(base)
    normalize = check_bool(normalize, "normalize")
    fn, kinds = lookup("decompose", (p, q), ("p", "q"))
    out = fn((p, q), kinds, outcomes, normalize)
    if unit is None:
        return out
    return out.in_unit(unit.name)


@implements("decompose", DISCRETE, DISCRETE)
def _decompose_discrete(args: tuple[Any, Any], kinds: tuple[Any, ...], outcomes: Sequence[Any] | None,
                        normalize: bool) -> Decomposition:
    aligned, labels = align_with_labels([("p", args[0]), ("q", args[1])])
    (_, p), (_, q) = aligned
    if outcomes is None and labels is not None:
        outcomes = labels
    shapes = [_backend.shape_of(x.probs if isinstance(x, Categorical) else _backend.as_float_array(x, name))
              for x, name in ((p, "p"), (q, "q"))]
    if len(shapes[0]) != 1 or len(shapes[1]) != 1:
        raise InvalidDistributionError(
            f"decompose takes a single distribution for 'p' and 'q' (1-D); got shapes {shapes[0]} and {shapes[1]}"
        )
    # the measures before the table: they validate p and q, each under its own name
    h = _float(core.entropy(p, normalize=normalize))
    hpq = _float(core.cross_entropy(p, q, normalize=normalize))
    d = _float(core.kl_divergence(p, q, normalize=normalize))
    (pa, ip), (qa, iq) = (_probs_and_surprisal(x, name, normalize) for x, name in ((p, "p"), (q, "q")))
    labels = list(range(len(pa))) if outcomes is None else list(outcomes)
    if len(labels) != len(pa):
        raise InvalidDistributionError(f"'outcomes' has {len(labels)} labels for {len(pa)} outcomes")
    return Decomposition(labels, pa, qa, ip, iq, *_terms(pa, ip, iq), h, hpq, d, "nats", "bits")


def _terms(pa: NDArray[Any], ip: NDArray[Any], iq: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any]]:
    """``p I_p``, ``p I_q`` and ``p (I_q - I_p)``, 0 where ``p = 0``."""
    pos = pa > 0
    ip_, iq_ = np.where(pos, ip, 0.0), np.where(pos, iq, 0.0)
    with np.errstate(invalid="ignore"):
        return pa * ip_, pa * iq_, np.where(pos, pa * (iq_ - ip_), 0.0)


def _float(x: Any) -> float:
    """A 0-d result as a Python float (tensors leave autograd: a report holds plain numbers)."""
    return float(x.detach()) if hasattr(x, "detach") else float(x)


def _probs_and_surprisal(x: Any, name: str, normalize: bool) -> tuple[NDArray[Any], NDArray[Any]]:
    """Probabilities and surprisal (nats) as float64 NumPy arrays (validated by the caller's measures)."""
    if isinstance(x, Categorical):
        return _backend.as_numpy_float64(x.probs, name), _backend.as_numpy_float64(core.information(x), name)
    a = _backend.as_numpy_float64(x, name)
    if normalize and a.ndim and a.sum() > 0:
        a = a / a.sum()
    if a.ndim != 1:
        return a, a
    return a, np.asarray(core.information(a), dtype=float)


def decomposition_html(d: Decomposition, *, max_rows: int = 50) -> str:
    """HTML table of a :class:`~infokit.Decomposition` and its totals.

    Parameters
    ----------
    d : Decomposition
    max_rows : int, optional
        Outcomes shown (the first ones, in order); the totals always cover all. Default 50.

    Returns
    -------
    str

    Examples
    --------
    >>> import infokit as ik
    >>> from infokit.reports import decomposition_html
    >>> h = decomposition_html(ik.decompose([0.5, 0.5], [0.25, 0.75], outcomes=["<a>", "b"]))
    >>> "&lt;a&gt;" in h and "I_p [bits]" in h
    True
    """
    if not isinstance(d, Decomposition):
        raise InvalidTypeError(f"decomposition_html() takes an ik.Decomposition (got {type(d).__name__})")
    if d.display_unit != d.unit:
        d = d.in_unit(d.display_unit)
    u = html.esc(d.unit)
    header = ["outcome", "p", "q", f"I_p [{u}]", f"I_q [{u}]", f"p·I_p [{u}]", f"p·I_q [{u}]",
              f"p·log(p/q) [{u}]"]
    all_rows = d.rows()
    rows = [[html.label(o)] + [html.num(v) for v in vals] for o, *vals in all_rows[:max_rows]]
    parts = [html.table(f"H(P, Q) = H(P) + D(P‖Q), outcome by outcome [{u}]", header, rows)]
    if len(all_rows) > max_rows:
        parts.append(html.note(f"… and {len(all_rows) - max_rows} more outcomes (included in the totals)"))
    totals = [
        ["H(P)", f"{html.num(d.entropy)} {u}"],
        ["D(P‖Q)", f"{html.num(d.kl_divergence)} {u}"],
        ["H(P, Q) = H(P) + D(P‖Q)", f"{html.num(d.cross_entropy)} {u}"],
    ]
    parts.append(html.table("Totals", ["quantity", f"value [{u}]"], totals))
    return html.div(*parts, cls="decomposition")


