"""The one place where ``base=`` is resolved into a divisor and a unit name."""

from __future__ import annotations

import math
import numbers

import array_api_compat
import numpy as np

from infokit.errors import InvalidArgumentError

_NAMED = {
    "nats": (1.0, "nats"),
    "nat": (1.0, "nats"),
    "bits": (math.log(2.0), "bits"),
    "bit": (math.log(2.0), "bits"),
    "shannons": (math.log(2.0), "bits"),
    "hartleys": (math.log(10.0), "hartleys"),
    "hartley": (math.log(10.0), "hartleys"),
    "bans": (math.log(10.0), "hartleys"),
    "dits": (math.log(10.0), "hartleys"),
}
_VALID = '2, e, 10 (or any positive number other than 1), or one of "bits", "nats", "hartleys", "bans", "dits"'


# ln 2 and ln 10 as double-doubles (hi = the float64 nearest, lo = the rest),
# so converting from nats rounds once instead of inheriting ln's rounding.
_LOG_LO = {math.log(2.0): 2.3190468138462996e-17, math.log(10.0): -2.1707562233822494e-16}


class Unit:
    """A resolved logarithm base: ``log_base`` is ln(base), ``name`` is printable."""

    __slots__ = ("log_base", "name", "_lo")

    def __init__(self, log_base: float, name: str):
        self.log_base = log_base
        self.name = name
        self._lo = _LOG_LO.get(log_base, 0.0) / log_base

    def __repr__(self) -> str:
        return f"Unit({self.name!r})"

    def convert(self, nats):
        """Convert a value in nats to this unit (a no-op for nats)."""
        if self.log_base == 1.0:
            return nats
        v = nats / self.log_base
        if not self._lo:
            return v
        if isinstance(v, (float, np.generic)):  # a scalar stays a scalar of its type
            return v - v * self._lo if math.isfinite(v) else v
        xp = array_api_compat.array_namespace(v) if array_api_compat.is_array_api_obj(v) else np
        with np.errstate(invalid="ignore"):
            return xp.where(xp.isfinite(v), v - v * self._lo, v)


_RESOLVED: dict = {}


def resolve_base(base: object) -> Unit:
    """Resolve a ``base=`` argument (resolved units are kept: a Unit is immutable in use).

    >>> resolve_base("bits").name
    'bits'
    >>> resolve_base(10).name
    'hartleys'
    """
    if type(base) is str or type(base) is float or type(base) is int:
        unit = _RESOLVED.get(base)
        if unit is None:
            unit = _resolve(base)
            if len(_RESOLVED) < 64:
                _RESOLVED[base] = unit
        return unit
    return _resolve(base)


def _resolve(base: object) -> Unit:
    if isinstance(base, str):
        key = base.strip().lower()
        if key in _NAMED:
            lb, name = _NAMED[key]
            return Unit(lb, name)
        if key.startswith("log-base-") and key.endswith(" units"):  # a Unit's own name reads back
            try:
                return _resolve(float(key[len("log-base-"):-len(" units")]))
            except ValueError:
                pass
        raise InvalidArgumentError(f"'base' must be {_VALID} (got {base!r})")
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise InvalidArgumentError(f"'base' must be {_VALID} (got {base!r} of type {type(base).__name__})")
    b = float(base)
    if not math.isfinite(b) or b <= 0.0 or b == 1.0:
        raise InvalidArgumentError(f"'base' must be {_VALID} (got {base!r})")
    if b == 2.0:
        return Unit(math.log(2.0), "bits")
    if b == math.e:
        return Unit(1.0, "nats")
    if b == 10.0:
        return Unit(math.log(10.0), "hartleys")
    return Unit(math.log(b), f"log-base-{b:g} units")
