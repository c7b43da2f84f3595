"""What the estimators compute on and what they return.

Every entropy estimator of this package is a function of the count vector only
through its *profile* (fingerprint): which counts occur and how many outcomes
have each.  A :class:`Profile` holds that, so estimators cost O(distinct counts)
rather than O(outcomes), plus the raw positive counts for the few that need
them (plug-in via the exact kernels, shrinkage).

Estimator kernels (:mod:`~infokit._estimators.discrete`,
:mod:`~infokit._estimators.bayes`) share one contract::

    kernel(profile, *, level: float, rng: numpy.random.Generator) -> KernelResult

returning values in **nats** (``rng`` is used only by ``chao_shen``'s
bootstrap and ``level`` only by the Bayesian kernels' intervals; the others
take both and ignore them).  Kernels never validate (the public wrapper has
already checked counts, support size and level) and never convert units.

:func:`make_estimate` turns nats into the :class:`Estimate` a public function
returns: the one place units are converted and intervals finished.

Intervals that hold
-------------------
Every discrete estimate's point and interval are finished in one place,
:func:`finish_interval` (called by :func:`make_estimate`), from the
quantity's range ``[lower, upper]``:

* the point is clipped into the range; when clipping changed it, the
  unclipped value is kept in ``diagnostics["raw_value"]`` (in the
  estimate's unit);
* the interval is the kernel's own (a posterior interval, a bootstrap) or,
  when the kernel has none, the normal interval ``point -/+ z stderr``
  centred on the *clipped* point (so a bias-corrected value below 0 gives
  ``[0, z stderr]``, not an empty ``[0, 0]``); it is clipped to the range and
  widened, if needed, to hold the point;
* an interval of width zero is given only for a quantity the data determine
  exactly (``determined=True``: an entropy with one possible outcome, a KL
  divergence against a Q of one outcome, a mutual information whose
  variables' estimated entropies bound it to 0).

Ranges: entropy ``[0, log K]`` with K declared, ``[0, inf)`` otherwise;
mutual information ``[0, min(H_X, H_Y)]`` with the estimator's own
marginal entropies; KL divergence and cross-entropy ``[0, inf)``.

A standard error that vanishes where the estimate is still random (the delta
method ``Var[log p]/n`` is 0 on a uniform distribution, where the plug-in's
spread is of second order) is avoided by adding :func:`chi2_variance`, the
variance of the ``chi2_df / (2n)`` term every plug-in quantity of counts
carries (the coverage this gives is measured in ``benchmarks/RESULTS.md``,
section ``bench_intervals``).

A new kernel needs nothing more than to return its ``KernelResult`` (with an
``interval`` if it has a better one than the normal interval, and a
``stderr`` that includes :func:`chi2_variance` if it is a delta-method one);
the public functions pass the range and :func:`make_estimate` does the rest.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from collections.abc import Callable
from typing import Any, ClassVar
from dataclasses import dataclass, field

import array_api_compat
import numpy as np
from scipy import special

from infokit._lib import html
from infokit._lib.backend import is_numpy
from infokit._lib.typing import ArrayLike
from infokit._samples import counting as _counting
from infokit.errors import InvalidTypeError

__all__ = ["Profile", "Deferred", "KernelResult", "Estimate", "GTestResult", "make_estimate", "from_kernel", "interval_sum",
           "estimate_html",
           "z_score", "t_score", "chi2_variance", "finish_interval", "bias_widened_interval", "unseen_mass_bound",
           "one_outcome_entropy_bound"]


@dataclass(frozen=True)
class Profile:
    """Fingerprint of a vector of counts.

    Attributes
    ----------
    counts : ndarray of int64 or None
        The positive counts (unseen outcomes dropped), in no particular order;
        None for a profile made from the fingerprint alone
        (:meth:`from_fingerprint`), whose users rebuild what they need from
        ``values`` and ``mult``.
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

    _counts: np.ndarray | None  # the counts given, zeros (unseen outcomes) perhaps among them: see counts
    values: np.ndarray
    mult: np.ndarray
    n: int
    k_obs: int
    k: int
    k_declared: bool

    @property
    def counts(self) -> np.ndarray:
        """The positive counts, dropped from the counts given on first read (most estimators read the
        fingerprint only, and dropping the zeros of a large declared support costs more than counting)."""
        c = self._counts
        if c is not None and c.size != self.k_obs:
            c = np.compress(c > 0, c)  # faster than boolean indexing
            object.__setattr__(self, "_counts", c)
        return c  # type: ignore[return-value]  # None on a fingerprint's profile, never read there

    @classmethod
    def from_counts(cls, counts: ArrayLike, support_size: int | None = None) -> Profile:
        c = np.asarray(counts, dtype=np.int64).ravel()
        low = int(c.min()) if c.size else 1
        if low <= 0:
            # mostly unseen outcomes (a large declared support): dropped first, the counting then reads the
            # rest only; mostly seen ones: counted with the zeros, whose class is dropped (a compress of a
            # mixed mask costs more than the counting); negative ones (not from an Empirical) dropped too
            pos = c > 0
            if low < 0 or 2 * int(np.count_nonzero(pos)) < c.size:
                c = np.compress(pos, c)  # faster than boolean indexing
        # the distinct counts: a bincount for the usual small counts, no sorted copy; the zeros' class dropped
        values, mult = _counting.count(c, name="counts") if c.size else (c, c)
        if values.size and values[0] == 0:
            values, mult = values[1:], mult[1:]
        k_obs = int(mult.sum())
        declared = support_size is not None
        return cls(
            _counts=c,
            values=values.astype(np.int64, copy=False),
            mult=mult.astype(np.int64, copy=False),
            n=int(c.sum()),
            k_obs=k_obs,
            k=int(support_size) if support_size is not None else k_obs,
            k_declared=declared,
        )

    @classmethod
    def from_fingerprint(cls, values: ArrayLike, mult: ArrayLike, support_size: int | None = None) -> "Profile":
        """The profile of counts known only by their fingerprint: ``mult[i]`` outcomes seen ``values[i]`` times.

        ``values`` are the distinct positive counts, increasing.  For counts too
        many to hold (a column of a file with 1e8 distinct values, counted on
        disk): every estimator works on the fingerprint.
        """
        values = np.asarray(values, dtype=np.int64)
        mult = np.asarray(mult, dtype=np.int64)
        k_obs = int(mult.sum())
        declared = support_size is not None
        return cls(
            _counts=None,  # never read on a fingerprint's profile
            values=values,
            mult=mult,
            n=int(np.dot(values, mult)) if values.size else 0,
            k_obs=k_obs,
            k=int(support_size) if support_size is not None else k_obs,
            k_declared=declared,
        )

    def f(self, j: int) -> int:
        """Number of outcomes seen exactly ``j`` times (``f(1)``: singletons)."""
        hit = np.nonzero(self.values == j)[0]
        return int(self.mult[hit[0]]) if hit.size else 0

    @property
    def coverage(self) -> float:
        """Good–Turing sample coverage ``1 - f1/n`` (probability mass of the seen outcomes; 0 when empty)."""
        return self._coverage(self.f(1))

    def _coverage(self, f1: int) -> float:
        return 1.0 - f1 / self.n if self.n > 0 else 0.0

    @property
    def coincidences(self) -> int:
        """``n - k_obs``: samples that repeat an outcome already seen."""
        return self.n - self.k_obs

    def diagnostics(self) -> dict:
        """What an estimate from this profile rests on (the head of ``Estimate.diagnostics``)."""
        f1 = self.f(1)
        return {
            "n": self.n,
            "k_observed": self.k_obs,
            "k": self.k,
            "k_declared": self.k_declared,
            "f1": f1,
            "f2": self.f(2),
            "coverage": self._coverage(f1),
            "n_over_k": self.n / self.k,
            "coincidences": self.coincidences,
        }


class Deferred:
    """A value computed on first use and kept: a kernel's interval that costs more than its estimate.

    ``Deferred(fn).get()`` calls ``fn()`` once and returns its result from then on.  NSB's
    posterior interval (a root-finding over a mixture of normals) takes about as long as its
    estimate; :class:`KernelResult` and :class:`Estimate` hold it as a ``Deferred``, so that it is
    computed when ``interval`` / ``ci`` is first read (or the estimate printed, compared, pickled),
    and never by a caller that reads only the value and the standard error.  The number is the one
    an eager computation gives: the same function on the same arrays.
    """

    __slots__ = ("_fn", "_value")

    def __init__(self, fn: Callable[[], Any]) -> None:
        self._fn: Callable[[], Any] | None = fn
        self._value: Any = None

    def get(self) -> Any:
        fn = self._fn
        if fn is not None:  # the value is stored before fn is dropped: a concurrent reader sees one or the other
            self._value = fn()
            self._fn = None
        return self._value

    def then(self, fn: Callable[[Any], Any]) -> "Deferred":
        """The deferred ``fn(value)``."""
        return Deferred(lambda: fn(self.get()))


def _forced(v: Any) -> Any:
    return v.get() if isinstance(v, Deferred) else v


def _deferrable(cls: type, name: str) -> type:
    """Make the dataclass field ``name`` of ``cls`` accept a :class:`Deferred`, forced on first read.

    The field stays a field (constructor, ``==``, ``hash``, ``repr``, :func:`dataclasses.replace`
    and :func:`dataclasses.asdict` read it through the attribute, so they see the value); a
    property in front of the instance's ``__dict__`` entry of the same name (which holds the
    ``Deferred`` until it is read) computes it, and ``raw_name`` gives what is stored without
    computing it.  Pickles and copies hold the value.
    """

    def get(self: Any) -> Any:
        v = self.__dict__[name]
        if isinstance(v, Deferred):
            v = v.get()
            self.__dict__[name] = v
        return v

    def put(self: Any, v: Any) -> None:  # only the dataclass's __init__ gets here (a frozen instance refuses assignment first)
        self.__dict__[name] = v

    def state(self: Any) -> dict:
        out = dict(self.__dict__)
        out[name] = _forced(out[name])
        return out

    setattr(cls, name, property(get, put, doc=f"``{name}`` (computed on first read when deferred)"))
    setattr(cls, "raw_" + name, property(
        lambda self: self.__dict__[name], doc=f"``{name}`` as stored: a :class:`Deferred` not yet computed, or the value"))
    setattr(cls, "__getstate__", state)
    return cls


@dataclass(frozen=True)
class KernelResult:
    """What an estimator kernel returns (all in nats).

    ``interval`` is ``None`` when the wrapper should use the normal interval
    ``value -/+ z * stderr``; a kernel with a better one (a posterior, a
    bootstrap) returns its own ``(low, high)`` at the requested level.
    ``stderr_method`` names where the standard error comes from (shown in
    ``Estimate.diagnostics``): "delta", "jackknife", "bootstrap", "posterior".
    ``df``, when set, is the degrees of freedom of a standard error estimated
    from few replicates (a delete-a-group jackknife): the normal interval
    then uses Student's t quantile with ``df`` degrees of freedom instead of
    the normal one.  ``interval`` may be given as a :class:`Deferred`
    (computed when first read; ``raw_interval`` is what was given), which
    :func:`make_estimate` passes on to ``Estimate.ci`` uncomputed.
    ``bias``, when set, is an estimate of ``value``'s bias
    (``E[value] - truth``, nats): the normal interval is then widened by
    ``|bias|`` on the side the truth lies (:func:`bias_widened_interval`).
    """

    value: float
    stderr: float
    stderr_method: str
    interval: tuple[float, float] | None = None  # or a Deferred, forced on first read (see _deferrable)
    raw_interval: ClassVar[tuple[float, float] | Deferred | None]  # (a property: see _deferrable)
    info: dict = field(default_factory=dict)
    df: float | None = None
    bias: float | None = None


_deferrable(KernelResult, "interval")


# --------------------------------------------------------------------------
# the Estimate
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class Estimate:
    """An estimate with its uncertainty.

    Attributes
    ----------
    value : float
        The estimate, in ``unit``.
    stderr : float
        Its standard error (or posterior standard deviation), in ``unit``.
    ci : tuple of float
        The interval ``(low, high)`` at level ``level``, in ``unit``; it holds
        ``value``, and for the discrete estimates both lie in the quantity's
        range (entropy ``[0, log K]`` or ``[0, inf]``, the upper end ``inf``
        where the sample does not bound it, mutual information
        ``[0, min(H_X, H_Y)]``, KL divergence ``[0, inf)``); width 0 only for
        a quantity the data determine exactly.  NSB's (``method="nsb"``), a
        root-finding that costs about as much as the estimate, is computed
        when ``ci`` is first read (or the estimate printed, compared or
        pickled) and kept: the same numbers as computed at once.
    level : float
        Level of ``ci`` (e.g. 0.95).
    method : str
        The estimator used (for ``"auto"``, the one it chose).
    unit : str
        "nats", "bits", "hartleys", ...
    diagnostics : dict
        What the estimate rests on: sample size ``n``, observed outcomes
        ``k_observed``, the support size used ``k`` and whether it was
        declared, singletons ``f1``, doubletons ``f2``, Good–Turing coverage
        ``1 - f1/n``, ``n_over_k``, where the standard error comes from
        (``stderr_method``), the estimator's ``reference``, for ``"auto"``
        the reason for its choice (and how its interval was made,
        ``interval_method``; ``interval_note`` when its upper end is open),
        and ``raw_value`` when the
        estimator's value fell outside the range and was clipped.

    Examples
    --------
    >>> import infokit as ik
    >>> est = ik.estimate_entropy([0, 0, 1, 1, 2, 3], method="miller_madow", base="bits")
    >>> round(est.value, 5), est.unit, est.method
    (2.27897, 'bits', 'miller_madow')
    """

    value: float
    stderr: float
    ci: tuple[float, float]
    level: float
    method: str
    unit: str
    diagnostics: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __float__(self) -> float:
        return float(self.value)

    def __str__(self) -> str:
        lo, hi = self.ci
        return (
            f"{float(self.value):.6g} {self.unit} ± {self.stderr:.3g} (standard error); "
            f"{self.level:.0%} interval [{lo:.6g}, {hi:.6g}] {self.unit}; method={self.method}"
        )

    def _repr_html_(self) -> str:
        return estimate_html(self)

    @property
    def reading(self) -> str:
        """One sentence for a person: what was estimated from how much data, with which method, and how sure.

        >>> import infokit as ik
        >>> ik.estimate_entropy([0, 0, 1, 2], method="plugin", base="bits").reading.split(":")[0]
        'Estimated from 4 samples with plugin'
        """
        n = self.diagnostics.get("n")
        lo, hi = self.ci
        head = f"Estimated from {n} samples" if isinstance(n, int) else "Estimated"
        head += f" with {self.method}"
        text = (f"{head}: {_short(self.value)} {self.unit} ({self.level:.0%} interval {_short(lo)} to {_short(hi)} "
                f"{self.unit})")
        note = self.diagnostics.get("interval_note")
        if isinstance(note, str) and note:
            text += f"; {note}"
        raw = self.diagnostics.get("raw_value")
        if isinstance(raw, (int, float)) and raw != self.value:
            text += (f"; the method's raw value, {_short(raw)} {self.unit}, lay outside the quantity's range and is "
                     "reported at its bound")
        return text + "."


_deferrable(Estimate, "ci")  # an NSB estimate's interval is computed when first read


def _short(v: Any) -> str:
    """3 significant digits for a sentence."""
    v = float(v)
    return "0" if v == 0 else (f"{v:.3g}" if math.isfinite(v) else ("infinity" if v > 0 else "-infinity"))


def estimate_html(est: Estimate) -> str:
    """HTML table of an :class:`~infokit.Estimate`: value, standard error, interval, diagnostics.

    Examples
    --------
    >>> import infokit as ik
    >>> from infokit.reports import estimate_html
    >>> h = estimate_html(ik.estimate_entropy([0, 0, 1, 2], method="plugin", base="bits"))
    >>> "1.5 bits" in h and "plugin" in h
    True
    """
    if not isinstance(est, Estimate):
        raise InvalidTypeError(f"estimate_html() takes an ik.Estimate (got {type(est).__name__})")
    u = html.esc(est.unit)
    lo, hi = est.ci
    rows = [
        ["estimate", f"{html.num(float(est.value))} {u}"],
        ["standard error", f"{html.num(est.stderr)} {u}"],
        [f"{html.esc(format(est.level, '.0%'))} interval", f"[{html.num(lo)}, {html.num(hi)}] {u}"],
        ["method", html.esc(est.method)],
    ]
    parts = [html.note(html.esc(est.reading)),
             html.table(f"Estimate ({html.esc(est.method)}) [{u}]", ["", "value"], rows)]
    diag = dict(est.diagnostics or {})
    if diag:
        drows = [[html.esc(k), html.diag_value(v)] for k, v in diag.items()]
        parts.append(html.table("Diagnostics", ["", "value"], drows))
    return html.div(*parts, cls="estimate")


def z_score(level: float) -> float:
    """``z`` of the two-sided normal interval at ``level``: ``Phi^-1(1/2 + level/2)`` (1.96 at 0.95)."""
    return float(special.ndtri(0.5 + 0.5 * float(level)))


def t_score(level: float, df: float) -> float:
    """Student's t quantile of the two-sided interval at ``level`` with ``df`` degrees of freedom (2.09 at 0.95, 19)."""
    return float(special.stdtrit(float(df), 0.5 + 0.5 * float(level)))


def _foreign(array: object) -> bool:
    """A 0-d array of a library other than NumPy (torch, JAX)."""
    return array_api_compat.is_array_api_obj(array) and not is_numpy(array_api_compat.array_namespace(array))


def chi2_variance(df: float, n: float) -> float:
    """``df / (2 n^2)``: the variance of ``chi2_df / (2 n)``, the second-order term of a plug-in quantity.

    The plug-in entropy is ``H - sum_x (n_x/n - p_x)^2 / (2 p_x) + ...`` to
    second order, and ``n sum_x (n_x/n - p_x)^2 / p_x`` is Pearson's
    chi-square, ``chi2_{K-1}`` asymptotically; likewise ``2 n D(P̂||Q)`` at
    ``P = Q`` and ``2 n I(X̂; Ŷ)`` under independence.  Where the first-order
    (delta-method) variance vanishes -- a uniform distribution, two samples of
    the same distribution, independent variables -- this term is the leading
    one; elsewhere it is ``O(1/n^2)`` against ``O(1/n)``.  0 when ``df <= 0``.
    """
    return max(float(df), 0.0) / (2.0 * float(n) * float(n)) if n > 0 else 0.0


def unseen_mass_bound(n: int, level: float) -> float:
    """Upper confidence bound ``1 - ((1 - level)/2)^(1/n)`` on the mass of the outcomes a sample of ``n`` never saw.

    The exact binomial bound for zero sightings at one-sided level
    ``(1 + level) / 2`` (about ``3.7 / n`` at 0.95: the "rule of three" of a
    two-sided 95% interval).
    """
    return float(-math.expm1(math.log(0.5 * (1.0 - float(level))) / float(n)))


def one_outcome_entropy_bound(n: int, k: int | None, level: float) -> float:
    """Upper end of the entropy interval of a sample of ``n`` that saw one outcome only.

    With ``u`` = :func:`unseen_mass_bound`, the largest entropy of a
    distribution whose observed outcome has probability ``1 - u`` and the
    rest spread over the other ``k - 1`` outcomes: ``h(u) + u log(k - 1)``,
    ``h`` the binary entropy; ``k`` None (support not declared) counts the
    unseen mass as one more outcome, ``h(u)``.  Capped at ``log k``.
    """
    u = unseen_mass_bound(n, level)
    h = float(-special.xlogy(u, u) - special.xlog1py(1.0 - u, -u))
    if k is None:
        return h
    if k <= 1:
        return 0.0
    return min(h + u * math.log(k - 1.0), math.log(k))



class ChunkedCounts:
    """Counts read a chunk at a time, ``chunks()``, from a source that ``close()`` releases.

    The base of :class:`~infokit._estimators.divergence.PairedCounts` and
    :class:`~infokit._estimators.information.CellCounts`: ``_chunks`` makes a
    fresh iterator of chunks (the counts may be read more than once);
    ``_close``, if any, removes what they are read from (files on disk).
    """

    _chunks: Any
    _close: Any = None
    #: The text columns counted by 64-bit keys of their strings (their labels not kept), where a reader says so.
    counted_by_key: Any = ()

    def chunks(self) -> Iterator[Any]:
        return self._chunks()

    def close(self) -> None:
        """Release what the chunks are read from; idempotent."""
        close, self._close = self._close, None
        if close is not None:
            close()


def finish_interval(value: float, stderr: float, interval: Any, level: float, *, lower: float = 0.0,
                    upper: float = math.inf, determined: bool = False
                    ) -> tuple[float, float, tuple[float, float] | Deferred, dict[str, Any]]:
    """Point, standard error, interval and diagnostics of an estimate on the range ``[lower, upper]``.

    The one place the rules of the module notes ("Intervals that hold") are
    applied: the point is clipped into the range (``info["raw_value"]``
    holds the value before, in nats), ``interval`` ``None`` means the normal
    interval around the clipped point, every interval is clipped to the range
    and holds the point, and ``determined=True`` gives ``stderr`` 0 and the
    interval ``(point, point)``.  An interval that lies wholly outside the
    range keeps its width, against the edge it crossed (the quantity is not
    fixed by the data, so the interval is not a point).  Non-finite values pass through (an infinite
    KL divergence keeps ``(inf, inf)``).  Returns ``(point, stderr, (lo, hi), info)``; an ``interval``
    given as a :class:`Deferred` gives ``(lo, hi)`` as a ``Deferred`` (the same rules, applied when
    it is computed).
    """
    info: dict[str, Any] = {}
    value = float(value)
    stderr = float(stderr)
    if math.isnan(value):
        return value, stderr, (math.nan, math.nan), info
    point = min(max(value, lower), upper)
    if point != value and math.isfinite(value):
        info["raw_value"] = value
    if determined:
        return point, 0.0, (point, point), info
    if isinstance(interval, Deferred):
        return point, stderr, interval.then(lambda iv: _held_interval(point, stderr, iv, level, lower, upper)), info
    return point, stderr, _held_interval(point, stderr, interval, level, lower, upper), info


def _held_interval(point: float, stderr: float, interval: Any, level: float, lower: float,
                   upper: float) -> tuple[float, float]:
    """:func:`finish_interval`'s interval about the placed ``point`` (the rules of the module notes)."""
    if interval is None:
        if math.isfinite(point) and math.isfinite(stderr):
            z = z_score(level)
            interval = (point - z * stderr, point + z * stderr)
        else:
            interval = (point, point) if not math.isfinite(point) else (lower, upper)
    raw_lo, raw_hi = (float(v) for v in interval)
    lo = min(max(raw_lo, lower), upper, point)
    hi = max(min(raw_hi, upper), lower, point)
    width = raw_hi - raw_lo
    if hi <= lo and width > 0 and math.isfinite(width):
        # The whole interval fell outside the range: the data do not fix the
        # quantity, so keep the interval's width, against the edge it crossed.
        if raw_hi <= lower:
            hi = min(lower + width, upper)
        else:
            lo = max(upper - width, lower)
    return lo, hi


def make_estimate(value: float, stderr: float, interval: Any, level: float, method: str, unit: Any,
                  diagnostics: dict[str, Any], *, lower: float = 0.0, upper: float = math.inf, array: Any = None,
                  determined: bool = False) -> Estimate:
    """The :class:`Estimate` of a value in nats: convert to ``unit`` and finish the interval.

    :func:`finish_interval` places the point and the interval in the range
    ``[lower, upper]`` (``interval`` ``None``: the normal interval
    ``point -/+ z stderr``; ``determined``: a quantity the data fix exactly,
    interval of width 0).  ``array``, the same value as a 0-d torch or JAX
    array, becomes ``Estimate.value`` (converted in its own library, so
    gradients flow; it is not clipped); ``stderr`` and ``ci`` are floats.  An ``interval`` given
    as a :class:`Deferred` makes ``Estimate.ci`` one, computed (clipped, converted) when first read.
    """
    point, stderr, held, info = finish_interval(value, stderr, interval, level, lower=lower, upper=upper,
                                                determined=determined)
    conv = unit.convert

    def converted(iv: Any) -> tuple[float, float]:
        return float(conv(np.float64(iv[0]))), float(conv(np.float64(iv[1])))

    if info:
        diagnostics = {**diagnostics, "raw_value": float(conv(np.float64(info["raw_value"])))}
    return Estimate(
        value=conv(array) if array is not None and _foreign(array) else float(conv(np.float64(point))),
        stderr=float(conv(np.float64(stderr))),
        # a Deferred stays one (forced on first read, see _deferrable)
        ci=held.then(converted) if isinstance(held, Deferred) else converted(held),  # type: ignore[arg-type]
        level=level,
        method=method,
        unit=unit.name,
        diagnostics=diagnostics,
    )


def interval_sum(terms: Any) -> tuple[float, float]:
    """The interval of ``sum(sign * t)`` for quantities ``t`` in the intervals ``(lo, hi)`` of ``terms``
    (``(sign, (lo, hi))`` pairs, sign +1 or -1): each term at the end that moves the sum down, then up.

    The ends may be infinite (an entropy without an upper bound); the lower
    ends must be finite, so the sum is never ``inf - inf``.
    """
    lo = sum(a if sign > 0 else -b for sign, (a, b) in terms)
    hi = sum(b if sign > 0 else -a for sign, (a, b) in terms)
    return float(lo), float(hi)


def bias_widened_interval(value: float, stderr: float, q: float, bias: float | None) -> tuple[float, float]:
    """``value -/+ q stderr``, widened by ``|bias|`` on the side the bias points to.

    An estimate biased upwards (``bias > 0``: ``E[value] > truth``) has the
    truth below it, so the lower end moves down by ``bias``; ``bias < 0``
    moves the upper end up.  The point is not moved, so it stays inside.
    ``bias`` ``None`` (or not finite) gives the plain interval.
    """
    lo, hi = value - q * stderr, value + q * stderr
    if bias is None or not math.isfinite(bias):
        return lo, hi
    return lo - max(bias, 0.0), hi + max(-bias, 0.0)


def from_kernel(res: KernelResult, level: float, method: str, unit: Any, *, lower: float = 0.0, upper: float = math.inf,
                reference: str = "", clip: bool = False) -> Estimate:
    """:func:`make_estimate` of a :class:`KernelResult`: diagnostics ``stderr_method``, its ``info``, ``reference``.

    The interval is ``value -/+ q stderr`` (``q`` the t quantile when the
    kernel gives ``df``, else the normal one) unless the kernel gives its own.
    ``clip=True`` (a measure that cannot leave ``[lower, upper]``, such as a
    mutual information or a KL divergence, >= 0): a value outside is moved to
    the nearest end and the kernel's value kept as ``diagnostics["raw_value"]`` (in ``unit``);
    the interval, formed around the raw value, is clipped to the same range,
    so it still holds the reported value.
    """
    diag = {"stderr_method": res.stderr_method, **res.info, "reference": reference}
    value, interval = res.value, res.raw_interval
    if interval is None and res.df is not None and math.isfinite(value) and math.isfinite(res.stderr):
        q = t_score(level, res.df)
        interval = bias_widened_interval(value, res.stderr, q, res.bias)
        diag["stderr_df"] = res.df
    elif interval is None and res.bias is not None and math.isfinite(value) and math.isfinite(res.stderr):
        interval = bias_widened_interval(value, res.stderr, z_score(level), res.bias)
    if clip and not lower <= value <= upper:
        diag["raw_value"] = float(unit.convert(np.float64(value)))  # in the estimate's unit, as finish_interval's
        value = min(max(value, lower), upper)
    return make_estimate(value, res.stderr, interval, level, method, unit, diag, lower=lower, upper=upper)


# --------------------------------------------------------------------------
# the G-test's result
# --------------------------------------------------------------------------
@dataclass(frozen=True)
class GTestResult:
    """Result of :func:`~infokit.g_test`.

    Attributes
    ----------
    statistic : float
        ``G = 2 n D(P̂||Q)`` (D in nats), divided by Williams' factor when
        ``williams=True``.
    pvalue : float
        ``P(chi2_dof >= statistic)``.
    dof : int
        Degrees of freedom ``K - 1 - ddof``.
    divergence : float
        ``D(P̂||Q)`` in nats.
    williams : float
        Williams' correction factor ``1 + (K + 1)/(6 n)`` (1.0 when not applied).
    n : int
        Sample size.
    """

    statistic: float
    pvalue: float
    dof: int
    divergence: float
    williams: float
    n: int

    def __iter__(self) -> Iterator[float]:  # statistic, pvalue = ik.g_test(...)
        return iter((self.statistic, self.pvalue))
