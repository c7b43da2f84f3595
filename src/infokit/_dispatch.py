"""What kind of thing an argument is, and which implementation serves which kinds.

:func:`kind_of` classifies an argument once, by one rule; public functions look
up ``(measure, kinds)`` in one table (:func:`implements` registers a row,
:func:`lookup` finds it).  A combination the table does not hold raises one
:class:`~infokit.InvalidTypeError` that names the measure, the kinds received
and the kinds accepted — and, where the user probably meant another call,
names it.

The kinds
---------
========== ==============================================================
PROBS      probabilities: NumPy / torch / JAX / CuPy / array-API arrays,
           nested lists, a pandas Series with a default (0..n-1) index
LOGITS     :class:`~infokit.Categorical` (logits or log-probabilities)
COUNTS     :class:`~infokit.Empirical` (counted samples)
PMF        a labelled pmf: a ``dict`` ``{outcome: p}`` or a pandas Series
           whose index holds outcome labels (``value_counts(normalize=True)``)
PARAMETRIC a frozen scipy.stats distribution or a torch distribution
MODEL      a callable returning log q(x) for an array of data x
========== ==============================================================

The order of the tests is the rule: infokit's own types first, then labelled
pmfs, then parametric distributions, then callables; anything else is
probabilities (whose own checks report what is wrong with it).
"""

from __future__ import annotations

import enum
import itertools
import sys
from typing import Callable, NamedTuple

from infokit._core.categorical import Categorical
from infokit._lib.backend import is_series
from infokit._lib.checks import check_int
from infokit._lib.units import Unit, resolve_base
from infokit._models import recognize
from infokit._samples.table import Empirical
from infokit.errors import InvalidArgumentError, InvalidTypeError

__all__ = [
    "Kind",
    "DISCRETE",
    "kind_of",
    "implements",
    "hint",
    "lookup",
    "Options",
    "check_options",
    "check_bool",
    "rows",
]


class Kind(enum.Enum):
    PROBS = "probabilities (an array or nested list)"
    LOGITS = "an ik.Categorical (logits / log-probabilities)"
    COUNTS = "an ik.Empirical (counted samples)"
    PMF = "a labelled pmf (a dict or a pandas Series indexed by outcome)"
    PARAMETRIC = "a parametric distribution (scipy.stats frozen or torch.distributions)"
    MODEL = "a model (a callable returning log q(x))"

    __hash__ = object.__hash__  # members are singletons: identity hashing, without a Python call


#: The kinds that are distributions over a finite set of outcomes.
DISCRETE = frozenset({Kind.PROBS, Kind.LOGITS, Kind.COUNTS, Kind.PMF})

_FAST_PROBS = (list, tuple)


def _is_labelled_series(x) -> bool:
    """A pandas Series whose index carries outcome labels (not the default 0..n-1 positions)."""
    if not is_series(x):
        return False
    pd = sys.modules["pandas"]
    idx = x.index
    if isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1:
        return False
    return True


def kind_of(x) -> Kind:
    """The kind of one argument (see the module docstring for the rule).

    >>> import numpy as np, infokit as ik
    >>> from infokit._dispatch import kind_of
    >>> [kind_of(v).name for v in (np.ones(2) / 2, ik.from_logits([0.0, 1.0]), {"a": 1.0}, ik.empirical([1, 2]))]
    ['PROBS', 'LOGITS', 'PMF', 'COUNTS']
    """
    t = type(x)
    if t in _FAST_PROBS or t.__module__ == "numpy" or hasattr(t, "__dlpack__"):
        return Kind.PROBS  # lists, NumPy, torch, JAX, CuPy arrays
    if isinstance(x, Categorical):
        return Kind.LOGITS
    if isinstance(x, Empirical):
        return Kind.COUNTS
    if isinstance(x, dict) or _is_labelled_series(x):
        return Kind.PMF
    if recognize.is_distribution(x):
        return Kind.PARAMETRIC
    if recognize.is_model(x):
        return Kind.MODEL
    return Kind.PROBS


# --------------------------------------------------------------------------
# options
# --------------------------------------------------------------------------
def check_bool(value, name: str) -> bool:
    """A ``True``/``False`` option (NumPy bools too); anything else is an error naming ``name``."""
    if value is True or value is False:
        return value
    if type(value).__name__ == "bool_":
        return bool(value)
    raise InvalidArgumentError(f"'{name}' must be True or False (got {value!r})")


class Options(NamedTuple):
    """The checked options of one call of a measure."""

    unit: Unit
    axis: int
    keepdims: bool
    normalize: bool

    def require_defaults(self, kind: Kind, measure: str) -> None:
        """Options that only apply to arrays must keep their defaults for other kinds."""
        given = [n for n, v, d in (("axis", self.axis, -1), ("keepdims", self.keepdims, False),
                                   ("normalize", self.normalize, False)) if v != d]
        if given:
            raise InvalidArgumentError(
                f"ik.{measure}: {', '.join(repr(g) for g in given)} apply to probability arrays and "
                f"Categoricals only; {kind.value} takes none of them (leave them at their defaults)"
            )


def check_options(*, base="nats", axis=-1, keepdims=False, normalize=False) -> Options:
    """Check every option of an exact measure, whatever the kinds of its arguments."""
    if type(base) is str and base == "nats" and type(axis) is int and axis == -1 and keepdims is False \
            and normalize is False:
        return _DEFAULT_OPTIONS  # the defaults, checked once
    return Options(resolve_base(base), check_int(axis, "axis"), check_bool(keepdims, "keepdims"),
                   check_bool(normalize, "normalize"))


_DEFAULT_OPTIONS = Options(resolve_base("nats"), -1, False, False)


# --------------------------------------------------------------------------
# the table
# --------------------------------------------------------------------------
_TABLE: dict[tuple, Callable] = {}
_ROWS: dict[str, list[tuple]] = {}
_HINTS: dict[tuple, str] = {}


def _as_set(k) -> frozenset:
    return frozenset({k}) if isinstance(k, Kind) else frozenset(k)


def implements(measure: str, *kinds):
    """Register the decorated function for ``measure`` on arguments of ``kinds`` (a Kind or a set per position)."""
    sets = tuple(_as_set(k) for k in kinds)

    def deco(fn):
        _ROWS.setdefault(measure, []).append(sets)
        for combo in itertools.product(*sets):
            _TABLE[(measure, combo)] = fn
        return fn

    return deco


def hint(measure: str, *kinds, text: str) -> None:
    """The suggestion shown when ``measure`` gets arguments of ``kinds`` (an undefined combination)."""
    for combo in itertools.product(*(_as_set(k) for k in kinds)):
        _HINTS[(measure, combo)] = text


def rows(measure: str | None = None):
    """The registered ``(measure, kinds)`` rows (for documentation and the kinds × measures test)."""
    if measure is None:
        return {m: list(r) for m, r in _ROWS.items()}
    return list(_ROWS.get(measure, ()))


def _describe_set(s: frozenset) -> str:
    if s == DISCRETE:
        return "a discrete distribution"
    return " or ".join(sorted(k.name.lower() for k in s))


_AS_SAMPLES = {Kind.PROBS: "samples (an array, list or Series of outcomes)"}


def lookup(measure: str, args: tuple, names: tuple, *, called: str | None = None, samples: int = 0):
    """``(implementation, kinds)`` for ``measure`` on ``args``, or the one InvalidTypeError.

    ``called`` is the public name to show when a function uses another
    measure's rows (``perplexity`` those of ``entropy`` and ``cross_entropy``).
    The first ``samples`` arguments take data: there an array is samples
    (PROBS) and a pandas Series is samples whatever its index (the index
    labels rows, not outcomes); the message calls them samples.
    """
    if samples:
        kinds = tuple(Kind.PROBS if i < samples and is_series(a) else kind_of(a) for i, a in enumerate(args))
    else:
        kinds = (kind_of(args[0]), kind_of(args[1])) if len(args) == 2 else tuple(map(kind_of, args))
    fn = _TABLE.get((measure, kinds))
    if fn is not None:
        return fn, kinds
    got = ", ".join(f"'{n}' is {_AS_SAMPLES.get(k, k.value) if i < samples else k.value}"
                    for i, (n, k) in enumerate(zip(names, kinds)))
    accepted = "; ".join("(" + ", ".join(_describe_set(s) for s in row) + ")" for row in _ROWS.get(measure, ()))
    msg = f"ik.{called or measure} is not defined for these kinds of argument: {got}. It accepts {accepted}"
    extra = _HINTS.get((measure, kinds))
    if extra:
        msg += f". {extra}"
    raise InvalidTypeError(msg)
