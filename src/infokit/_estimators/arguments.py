"""The arguments of the estimate functions: kinds through the one table, options per path, samples.

Every estimate function checks the options that are valid on every path
(``base``, ``ci``, ``rng``, ``dropna``, the ``method`` name), looks up the
kinds of its arguments in :mod:`infokit._dispatch`'s table, and the row it
finds declares with :meth:`EstimateOptions.only` which of the remaining options its
path takes — so an option that does not apply (``n=`` with samples,
``smoothing=`` with ``method="knn"``) is an error naming it, raised before
any work.

The samples rule
----------------
Where an estimate takes data, :func:`~infokit._dispatch.kind_of`'s
"probabilities" (an array, a list, a tensor, a DataFrame) are the samples
and an :class:`~infokit.Empirical` is counted samples.  A pandas Series in a
samples position is samples whatever its index (the index labels rows, not
outcomes), although elsewhere a Series with a meaningful index is a labelled
pmf.
"""

from __future__ import annotations

import inspect
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from infokit import _dispatch
from infokit._dispatch import Kind
from infokit._lib.backend import is_series
from infokit._samples import nature as _nature
from infokit._samples.empirical import count_samples
from infokit._samples.table import Empirical
from infokit.errors import ContinuousDataWarning, InfokitError, InvalidArgumentError

__all__ = ["SAMPLES", "EstimateOptions", "defaults", "lookup", "as_empirical", "raw_samples", "COUNTS_HINT",
           "samples_hints", "sample_kind", "natures", "all_continuous", "any_continuous", "expand", "warn_continuous", "precheck", "check_bins_method"]

#: The kinds a sample of a discrete distribution can come as: the samples, or their counts.
SAMPLES = frozenset({Kind.PROBS, Kind.COUNTS})

#: Where each option applies (the error says it when an option is given on another path).
_APPLIES = {
    "method": "selects an estimator from samples",
    "support_size": "applies to the discrete estimators only",
    "concentration": "applies to method='dirichlet' only",
    "n_neighbors": "applies to the k-nearest-neighbour estimators only (method='knn', 'ksg' or 'ross')",
    "jitter": "applies to the continuous estimators only",
    "discrete": "applies to method='ross' only (it names the discrete one of x and y)",
    "dropna": "applies to raw discrete samples only (an ik.Empirical has no missing values; continuous "
              "samples must be finite)",
    "smoothing": "applies to a sampled 'q' (an ik.Empirical) only; a known distribution is used as given",
    "n": "(Monte Carlo draws) applies to two distributions P and Q only",
    "estimator": "applies to log_p=/log_q= estimates only",
    "mask": "applies to log_p=/log_q= estimates only",
    "bins": "applies to numeric samples and the discrete estimators only (a histogram of the samples)",
}


def defaults(fn) -> dict:
    """The defaults of ``fn``'s options that :class:`EstimateOptions` tracks (read from its signature)."""
    return {n: p.default for n, p in inspect.signature(fn).parameters.items() if n in _APPLIES}


def _is_default(value, default) -> bool:
    if default is None or isinstance(default, bool):
        return value is default
    if isinstance(value, bool):
        return False
    try:
        return bool(value == default)  # 3 and numpy.int64(3) alike
    except (TypeError, ValueError):  # an array, say
        return False


class EstimateOptions:
    """The options of one estimate call; :meth:`only` rejects those given where they do not apply."""

    if TYPE_CHECKING:  # the options are attributes set from ``values``

        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...

    def __init__(self, measure: str, defaults: dict, **values: Any) -> None:
        self.measure = measure
        self.__dict__.update(values)
        self._given = {n: v for n, v in values.items() if n in defaults and not _is_default(v, defaults[n])}

    def only(self, path: str, *names: str) -> None:
        """Raise if an option other than ``names`` was given: this call estimates ``path``."""
        bad = [n for n in self._given if n not in names]
        if bad:
            said = "; ".join(f"'{n}' {_APPLIES[n]} (got {n}={self._given[n]!r})" for n in bad)
            raise InvalidArgumentError(f"ik.{self.measure}: {said}; this call estimates {path}")

    def consume(self, *names: str) -> None:
        """Forget that ``names`` were given: they have been applied (the samples binned, missing values dropped)."""
        for n in names:
            self._given.pop(n, None)

    def pick(self, names) -> dict:
        """The values of ``names`` as keywords (for a kernel that takes them)."""
        return {n: getattr(self, n) for n in names}


def raw_samples(kind: Kind) -> tuple:
    """``("dropna",)`` where the samples are raw (missing values can be dropped), else nothing."""
    return ("dropna",) if kind is Kind.PROBS else ()


def lookup(measure: str, args: tuple, names: tuple, *, samples: int = 1):
    """:func:`infokit._dispatch.lookup` with the first ``samples`` arguments in samples positions."""
    return _dispatch.lookup(measure, args, names, samples=samples)


def as_empirical(data, kind: Kind, dropna: bool, name: str = "samples") -> Empirical:
    """Counted samples: an Empirical as it is, samples (the argument called ``name``) counted."""
    return data if kind is Kind.COUNTS else count_samples(data, name, dropna=dropna)


#: The hint for a dict (a labelled pmf) where samples belong.
COUNTS_HINT = ("A sample is an array of outcomes or an ik.Empirical; for counts use "
               "ik.Empirical.from_counts(...)")


def samples_hints(measure: str, position: int, arity: int, *, exact: str) -> None:
    """Register the hints for a distribution or a model in the samples position ``position`` of ``measure``.

    Register these before more specific hints for the same measure (a later hint for the same kinds wins).
    """
    def at(kind):
        return tuple(kind if i == position else frozenset(Kind) for i in range(arity))

    _dispatch.hint(measure, *at(Kind.PMF), text=COUNTS_HINT)
    _dispatch.hint(measure, *at(frozenset({Kind.LOGITS, Kind.PARAMETRIC})),
                   text=f"The measures of a known distribution are exact: {exact}")
    _dispatch.hint(measure, *at(Kind.MODEL), text="To score samples under a model use ik.cross_entropy(data, model)")



# --------------------------------------------------------------------------
# discrete or continuous (the rule of infokit._samples.nature)
# --------------------------------------------------------------------------
def sample_kind(x) -> Kind:
    """The kind of an argument in a samples position (a pandas Series is samples whatever its index)."""
    return Kind.PROBS if is_series(x) else _dispatch.kind_of(x)


def natures(x) -> list | None:
    """The :class:`~infokit._samples.nature.Nature` of each column of samples ``x`` (raw or an Empirical).

    None where ``x`` is not a sample, or one the rule cannot read (the estimate itself then reports it).
    """
    kind = sample_kind(x)
    if kind not in SAMPLES:
        return None
    try:
        return [_nature.classify(x)] if kind is Kind.COUNTS else _nature.classify_columns(x)
    except InfokitError:
        return None


def all_continuous(found) -> bool:
    return bool(found) and all(c.continuous for c in found)


def any_continuous(found):
    """The first continuous column's Nature, or None."""
    return next((c for c in found or () if c.continuous), None)


def expand(x):
    """Samples themselves: an Empirical's outcomes, each repeated by its count; anything else as it is."""
    return np.repeat(x.outcomes, x.counts) if isinstance(x, Empirical) else x


def warn_continuous(argument: str, nature, method: str, continuous: tuple, *, stacklevel: int = 3) -> None:
    """The :class:`~infokit.ContinuousDataWarning` of a discrete ``method`` given continuous-looking samples."""
    if continuous:
        alt = " or ".join(f"method={c!r}" for c in continuous)
        fix = (f"Pass bins= (e.g. bins='fd' or bins=10) to estimate from a histogram, or use a continuous "
               f"estimator ({alt}; method='auto' chooses it)")
    else:  # no continuous estimator of this quantity
        fix = ("Bin the values first (e.g. ik.empirical(values, bins='fd')), or score the data under a density "
               "model with ik.cross_entropy(data, model)")
    warnings.warn(
        f"'{argument}' looks continuous ({nature.reason}), but method={method!r} counts each distinct value as "
        f"an outcome: the estimate describes the ties of the measurement, not its distribution. {fix}",
        ContinuousDataWarning,
        stacklevel=stacklevel,
    )


def precheck(o: EstimateOptions, path: str, method, *names: str, continuous: tuple = ()) -> None:
    """Reject, before any work, the options that no path this call may take accepts.

    ``names`` are those of the discrete path (with ``method``'s own); under
    ``"auto"``, which may choose one of the ``continuous`` methods, theirs too.
    The path finally taken checks its own options again (:meth:`EstimateOptions.only`).
    """
    allowed = {"method", "bins", *names, *method.options}
    if method.name == "auto":
        for m in continuous:
            allowed.update(m.options)
    o.only(path, *allowed)


def check_bins_method(measure: str, method) -> None:
    """``bins=`` turns samples into bin counts: only a discrete method estimates from them."""
    if method.data != "discrete":
        raise InvalidArgumentError(
            f"ik.{measure}: 'bins' applies to the discrete estimators (a histogram of the samples), but "
            f"method={method.name!r} takes the continuous samples themselves; drop bins= or pick a discrete method"
        )
