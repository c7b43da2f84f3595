"""Checks of arguments and options, shared by every public function.

Distributions: a check receives reductions along the event axis (sums, minima, finiteness)
and raises :class:`~infokit.errors.InvalidDistributionError` with a message
naming the argument, what is wrong and how to fix it.  The generic path
computes those reductions with ``xp``; the blocked NumPy path computes them
while it evaluates the measure, and falls back to :func:`check_probs` on
anything it cannot certify, so the messages come from one place.

Options: :func:`check_level`, :func:`check_rng`, :func:`check_positive_int`,
:func:`check_pseudo_count` — each names the argument and the accepted values.
"""

from __future__ import annotations

import math
import numbers
import operator

import numpy as np

from infokit._lib.backend import np_dtype
from infokit.errors import InvalidArgumentError, InvalidDistributionError, InvalidTypeError


def sum_tolerance(dtype) -> float:
    """How far from 1 a sum of probabilities may be: sqrt(machine epsilon)."""
    if isinstance(dtype, np.dtype):  # NumPy dtypes are kept (other libraries' dtypes compare oddly)
        tol = _TOLERANCES.get(dtype)
        if tol is None:
            tol = _TOLERANCES[dtype] = math.sqrt(float(np.finfo(dtype).eps))
        return tol
    return math.sqrt(float(np.finfo(np_dtype(dtype)).eps))


_TOLERANCES: dict = {}


def _concrete(flag):
    """``bool(flag)``, or ``None`` for traced values (e.g. inside ``jax.jit``)."""
    try:
        return bool(flag)
    except Exception:  # jax ConcretizationTypeError and friends
        return None


def check_int(value, name: str, what: str = "an integer") -> int:
    """An integer option (NumPy integers too; not a bool), or an error naming ``name``."""
    if not isinstance(value, bool):
        try:
            return operator.index(value)
        except TypeError:
            pass
    raise InvalidArgumentError(f"'{name}' must be {what} (got {value!r})")


def normalize_axis(axis, ndim: int) -> int:
    ax = check_int(axis, "axis")
    if not -ndim <= ax < ndim:
        raise InvalidArgumentError(
            f"'axis' {axis} is out of range for an array with {ndim} dimension(s); "
            f"use a value in [{-ndim}, {ndim - 1}]"
        )
    return ax % ndim


def check_event_axis(x, name: str) -> None:
    """The event axis (last) must exist and be non-empty."""
    if x.ndim == 0:
        raise InvalidDistributionError(
            f"'{name}' must have at least one dimension (a vector of probabilities); got a scalar"
        )
    if x.shape[-1] == 0:
        raise InvalidDistributionError(f"'{name}' is empty: a distribution needs at least one outcome")


def check_stats(xp, name: str, dtype, *, sums=None, minimum=None, finite=None, normalize=False, values=None) -> None:
    """Raise if the reductions of ``name`` show it is not a distribution.

    ``values``, when given, is the array itself: a sum off 1 then says whether
    it looks like samples or counts (whole numbers, values above 1) rather
    than unnormalised weights.
    """
    if finite is not None and _concrete(finite) is False:
        raise InvalidDistributionError(
            f"'{name}' contains NaN or infinite values; probabilities must be finite numbers in [0, 1]"
        )
    if minimum is not None and _concrete(minimum < 0) is True:
        raise InvalidDistributionError(
            f"'{name}' contains negative values (smallest {float(minimum):.6g}); probabilities must be >= 0"
        )
    if sums is None:
        return
    if normalize:
        if _concrete(xp.any(sums <= 0)) is True:
            raise InvalidDistributionError(
                f"'{name}' has a distribution whose probabilities are all zero; it cannot be normalised"
            )
        return
    tol = sum_tolerance(dtype)
    bad = _concrete(xp.any(xp.abs(sums - 1) > tol))
    if bad is None:
        return
    if _concrete(xp.all(xp.isfinite(sums))) is False:
        if values is not None and _concrete(xp.all(xp.isfinite(values))) is True:
            raise InvalidDistributionError(
                f"'{name}' does not sum to 1 along the event axis (its sum overflows {np_dtype(dtype)}); "
                f"{_not_summing_hint(xp, values, name)}"
            )
        raise InvalidDistributionError(
            f"'{name}' contains NaN or infinite values; probabilities must be finite numbers in [0, 1]"
        )
    if bad:
        lo, hi = float(xp.min(sums)), float(xp.max(sums))
        rng = f"{lo:.17g}" if lo == hi else f"from {lo:.17g} to {hi:.17g}"
        raise InvalidDistributionError(
            f"'{name}' does not sum to 1 along the event axis (sum {rng}; the tolerance for "
            f"{np_dtype(dtype)} is {tol:.2g}); {_not_summing_hint(xp, values, name)}"
        )


def _not_summing_hint(xp, values, name: str) -> str:
    """What to do about a sum off 1: samples and counts are counted, weights renormalised."""
    renormalise = "pass normalize=True to renormalise explicitly"
    if values is None or _concrete(xp.all(xp.isfinite(values))) is not True:
        return renormalise
    whole = _concrete(xp.all(values == xp.floor(values)))
    above_one = _concrete(xp.any(values > 1))
    if whole:
        return (f"these look like samples or counts, not probabilities: for samples use ik.empirical({name}), "
                f"for counts ik.Empirical.from_counts({name})")
    if above_one:
        return (f"it has values above 1, so it is not a probability vector; if these are samples use "
                f"ik.empirical({name}); if they are unnormalised weights, {renormalise}")
    return renormalise


def check_probs(xp, x, name: str, *, normalize: bool = False, sums: bool = True, tol_dtype=None):
    """Validate probabilities with the event axis last; return ``x`` (renormalised if asked).

    ``tol_dtype`` is the dtype whose tolerance applies to the sums (the
    argument's own dtype when it was promoted for the computation).
    """
    check_event_axis(x, name)
    if math.prod(x.shape) == 0:
        return x
    finite = xp.all(xp.isfinite(x))
    check_stats(xp, name, x.dtype, finite=finite, minimum=xp.min(x))
    if not sums:
        if _concrete(xp.any(x > 1)) is True:
            raise InvalidDistributionError(
                f"'{name}' contains values greater than 1 (largest {float(xp.max(x)):.6g}); probabilities must lie in [0, 1]"
            )
        return x
    s = xp.sum(x, axis=-1, keepdims=True)
    check_stats(xp, name, x.dtype if tol_dtype is None else tol_dtype, sums=s, normalize=normalize, values=x)
    if normalize:
        if _concrete(xp.all(xp.isfinite(s))) is False:  # finite values whose sum overflows: scale by the largest first
            x = x / xp.max(x, axis=-1, keepdims=True)
            s = xp.sum(x, axis=-1, keepdims=True)
        return x / s
    return x


def logits_error(name: str, problem: str, where: str = "distribution") -> InvalidDistributionError:
    """The one message for invalid logits: ``problem`` is ``"nan_inf"`` or ``"all_ninf"``."""
    if problem == "nan_inf":
        return InvalidDistributionError(f"'{name}' contains NaN or +inf logits; logits must be real numbers or -inf")
    return InvalidDistributionError(f"'{name}' has a {where} whose logits are all -inf (every probability zero)")


def check_logits(xp, z, name: str, *, where: str = "distribution"):
    """Logits may be any reals or -inf (zero probability); NaN/+inf and all -inf rows are errors."""
    check_event_axis(z, name)
    if _concrete(xp.any(xp.isnan(z) | (z == xp.inf))) is True:
        raise logits_error(name, "nan_inf")
    if math.prod(z.shape) and _concrete(xp.any(xp.all(z == -xp.inf, axis=-1))) is True:
        raise logits_error(name, "all_ninf", where)
    return z


def check_same_outcomes(a, b, name_a: str, name_b: str) -> None:
    if a.shape[-1] != b.shape[-1]:
        raise InvalidDistributionError(
            f"'{name_a}' and '{name_b}' must have the same number of outcomes along the event axis "
            f"(got {a.shape[-1]} and {b.shape[-1]})"
        )


#: Named pseudo-counts accepted by ``smoothing=``.
PSEUDO_COUNTS = {"jeffreys": 0.5, "laplace": 1.0}


def check_pseudo_count(smoothing):
    """A ``smoothing=`` option as a pseudo-count: None, "jeffreys" (0.5), "laplace" (1) or a positive number.

    >>> check_pseudo_count("jeffreys"), check_pseudo_count(None), check_pseudo_count(2)
    (0.5, None, 2.0)
    """
    if smoothing is None:
        return None
    if isinstance(smoothing, str):
        if smoothing not in PSEUDO_COUNTS:
            raise InvalidArgumentError(
                f"'smoothing' must be None, 'jeffreys' (0.5), 'laplace' (1) or a positive pseudo-count "
                f"(got {smoothing!r})"
            )
        return PSEUDO_COUNTS[smoothing]
    if isinstance(smoothing, bool) or not isinstance(smoothing, numbers.Real) or not 0 < smoothing < math.inf:
        raise InvalidArgumentError(f"'smoothing' must be a positive finite pseudo-count (got {smoothing!r})")
    return float(smoothing)


def check_level(level, name: str = "ci") -> float:
    """A confidence level in (0, 1).

    >>> check_level(0.9)
    0.9
    """
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0.0 < float(level) < 1.0:
        raise InvalidArgumentError(f"'{name}' must be a probability in (0, 1), e.g. 0.95 (got {level!r})")
    return float(level)


def check_rng(rng, name: str = "rng", *, deferred: bool = False):
    """``None``, an int seed, a SeedSequence/BitGenerator or a Generator, as a ``numpy.random.Generator``.

    A legacy ``numpy.random.RandomState`` is accepted as it is (it draws the same way).
    With ``deferred``, ``None`` gives a :class:`DeferredGenerator`, which seeds
    itself from fresh entropy when first drawn from (a call that draws nothing
    then never pays for making a Generator, ~15 us); a seed or a Generator is
    taken as without it, so seeded results are the same.
    """
    if isinstance(rng, (np.random.Generator, np.random.RandomState)):
        return rng
    if rng is None and deferred:
        return DeferredGenerator()
    if isinstance(rng, bool):
        raise InvalidTypeError(f"'{name}' must be None, an int seed or a numpy.random.Generator (got {rng!r})")
    try:
        return np.random.default_rng(rng)
    except (TypeError, ValueError):
        raise InvalidTypeError(
            f"'{name}' must be None, an int seed or a numpy.random.Generator (got {type(rng).__name__})"
        ) from None


class DeferredGenerator:
    """Stands for ``numpy.random.default_rng()`` (fresh entropy), made on the first attribute looked up."""

    __slots__ = ("_gen",)

    def __init__(self) -> None:
        self._gen: np.random.Generator | None = None

    def __getattr__(self, name: str):
        if name == "_gen":  # not set (a copy made without __init__)
            raise AttributeError(name)
        if self._gen is None:
            self._gen = np.random.default_rng()
        return getattr(self._gen, name)


def check_positive_int(value, name: str, *, minimum: int = 1, allow_none: bool = False):
    """An integer >= ``minimum`` (``None`` passes through when ``allow_none``).

    >>> check_positive_int(3, "n"), check_positive_int(None, "n", allow_none=True)
    (3, None)
    """
    if value is None and allow_none:
        return None
    what = f"an integer >= {minimum}" + (" or None" if allow_none else "")
    v = check_int(value, name, what)
    if v < minimum:
        raise InvalidArgumentError(f"'{name}' must be {what} (got {value!r})")
    return v


def check_counts(counts, name: str, *, allow_all_zero: bool = False) -> np.ndarray:
    """A 1-D array of non-negative integer counts (integer-valued floats accepted) as int64.

    ``name`` is quoted in the messages; all-zero counts are an error unless ``allow_all_zero``.
    """
    try:
        c = np.asarray(counts)
    except (ValueError, TypeError) as exc:
        raise InvalidTypeError(f"'{name}' must be a 1-D array of counts ({exc})") from None
    if c.ndim != 1:
        raise InvalidArgumentError(f"'{name}' must be 1-D, got shape {c.shape}")
    if c.size == 0:
        raise InvalidArgumentError(f"'{name}' is empty: at least one count is needed")
    if c.dtype.kind == "b" or c.dtype.kind not in "iuf":
        raise InvalidTypeError(f"'{name}' must hold integer counts, got dtype {c.dtype}")
    if c.dtype.kind == "f":
        if not np.all(np.isfinite(c)):
            raise InvalidArgumentError(f"'{name}' has non-finite values; counts must be finite integers")
        if np.any(c != np.round(c)):
            bad = c[c != np.round(c)][:3].tolist()
            raise InvalidArgumentError(f"'{name}' must hold integers; got non-integer counts such as {bad}")
        if np.any(np.abs(c) > 2.0**53):
            raise InvalidArgumentError(f"'{name}' has counts above 2**53, which floats cannot hold exactly")
    if np.any(c < 0):
        bad = c[c < 0][:3].tolist()
        raise InvalidArgumentError(f"'{name}' must be non-negative; got {bad}")
    c = c.astype(np.int64)
    if not allow_all_zero and not c.any():
        raise InvalidArgumentError(f"'{name}' are all zero: an empirical distribution needs at least one sample")
    return c
