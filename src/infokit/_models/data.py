"""Data under a model: the average surprisal (cross-entropy) of samples under Q(x; θ).

Training a probabilistic model minimises the *cross-entropy of the data under
the model*

    H(P̂, Q) = -(1/n) Σ_i log q(x_i)  =  H(P̂) + D(P̂‖Q),

the negative log-likelihood per sample.  Since ``H(P̂)`` does not depend on
the model, minimising it over θ minimises ``D(P̂‖Q_θ)`` and maximises the
likelihood: the minimum-cross-entropy fit *is* the maximum-likelihood fit.

* :func:`data_cross_entropy` — ``H(P̂, Q)`` for samples (or an
  :class:`~infokit.Empirical`) under a scipy.stats frozen distribution, a
  ``torch.distributions.Distribution`` (the result keeps autograd, so it can
  be minimised), an :class:`~infokit.Categorical`, or a callable returning
  log-probabilities.  ``ik.cross_entropy(data, model)`` routes here.

Examples
--------
The decomposition ``H(P̂, Q) = H(P̂) + D(P̂‖Q)`` for a discrete model, and the
maximum-likelihood fit as the minimum of the cross-entropy:

>>> import numpy as np, infokit as ik
>>> from scipy import stats, optimize
>>> from infokit.models import data_cross_entropy
>>> x = stats.poisson(3.0).rvs(size=1000, random_state=np.random.default_rng(0))
>>> q = stats.poisson(3.0)
>>> h_pq = data_cross_entropy(x, q)                     # H(P̂, Q): NLL per sample
>>> e = ik.empirical(x)
>>> h_p = ik.entropy(e)                                 # H(P̂)
>>> d_pq = ik.kl_divergence(e, q.pmf(np.arange(60)))    # D(P̂‖Q), Q's pmf indexed by outcome
>>> bool(np.isclose(h_pq, h_p + d_pq, rtol=1e-12))
True
>>> fit = optimize.minimize_scalar(lambda lam: data_cross_entropy(x, stats.poisson(lam)),
...                                bounds=(0.5, 10.0), method="bounded", options={"xatol": 1e-9})
>>> bool(abs(fit.x - x.mean()) < 1e-6)                  # the MLE of a Poisson rate is the sample mean
True
"""

from __future__ import annotations

import math

import numpy as np

from infokit._lib import backend as _backend
from infokit._lib.typing import Base, Model, Result, Samples
from infokit._models import parametric, recognize
from infokit._lib.units import resolve_base
from infokit._core.categorical import Categorical
from infokit._samples.empirical import Empirical, empirical
from infokit.errors import InvalidArgumentError, InvalidDistributionError, InvalidTypeError

__all__ = ["data_cross_entropy"]

is_model = recognize.is_model

_ACCEPTED = (
    "a frozen scipy.stats distribution (e.g. scipy.stats.poisson(3.0)), a torch.distributions.Distribution, "
    "an ik.Categorical, or a callable returning log-probabilities (log q(x) for an array of data x)"
)


# --------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------
class _Data:
    """Data as points ``x`` (sample axis first) with optional ``counts`` (``None``: one each) and size ``n``."""

    __slots__ = ("x", "counts", "n")

    def __init__(self, x, counts, n):
        self.x = x
        self.counts = counts
        self.n = n


def _check_data_type(data):
    if isinstance(data, Categorical) or isinstance(data, dict) or recognize.is_distribution(data) or (
        callable(data) and not hasattr(data, "shape")
    ):
        raise InvalidTypeError(
            f"'data' must be samples (a list, array, tensor or Series; n×d for a multivariate model) or an "
            f"ik.Empirical; got {type(data).__name__}. For two distributions use ik.cross_entropy(P, Q) "
            f"with both as distributions"
        )


def _from_empirical(e: Empirical) -> _Data:
    keep = e.counts > 0
    outcomes = e.outcomes[keep]
    if outcomes.dtype == object and outcomes.size and isinstance(outcomes[0], tuple):
        outcomes = np.asarray(outcomes.tolist())  # joint outcomes (x, y, ...) as rows
    return _Data(outcomes, e.counts[keep], e.n)


def _counted(data, name="data") -> _Data:
    if isinstance(data, Empirical):
        return _from_empirical(data)
    if hasattr(data, "ndim") and data.ndim != 1:
        raise InvalidArgumentError(
            f"'{name}' must be a 1-D array of samples for a univariate model; got shape {tuple(data.shape)}"
        )
    e = empirical(data)
    return _Data(e.outcomes, e.counts, e.n)


def _points(data, ndim: int) -> tuple:
    """``(x, counts, n)``: an Empirical's distinct outcomes (float64) and counts, or samples one each."""
    if isinstance(data, Empirical):
        d = _from_empirical(data)
        return np.asarray(d.x, dtype=np.float64), d.counts, d.n
    x = _samples(data, ndim)
    return x, None, x.shape[0]


def _samples(data, ndim: int, name="data") -> np.ndarray:
    """Data as a float64 NumPy array with ``ndim`` dimensions (samples first), or an error."""
    if isinstance(data, Empirical):
        return _from_empirical(data).x
    if hasattr(data, "detach"):
        data = data.detach().cpu().numpy()
    elif hasattr(data, "to_numpy") and not isinstance(data, np.ndarray):
        data = data.to_numpy()
    try:
        x = np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidTypeError(f"'{name}' must hold numbers for this model ({exc})") from None
    if x.ndim != ndim:
        what = "a 1-D array of samples for a univariate model" if ndim == 1 else (
            "an n×d array (one row per sample) for a multivariate model")
        raise InvalidArgumentError(f"'{name}' must be {what}; got shape {x.shape}")
    if x.shape[0] == 0:
        raise InvalidArgumentError(f"'{name}' is empty: at least one sample is needed")
    return x


# --------------------------------------------------------------------------
# log q at the data, per kind of model
# --------------------------------------------------------------------------
def _scipy_logq(data, model) -> tuple:
    if recognize.is_scipy_multivariate(model):
        x, counts, n = _points(data, 2)
        dim = _scipy_dim(model)
        if x.ndim != 2 or (dim is not None and x.shape[1] != dim):
            raise InvalidArgumentError(
                f"'data' must be an n×{dim if dim is not None else 'd'} array (one row per sample) for "
                f"{recognize.describe(model)}; got shape {x.shape}"
            )
        lp = parametric._log_density(model, x)
        return lp, counts, n
    shapes, loc, scale = parametric._params(model, "model")
    batch = np.broadcast_shapes(*(np.shape(a) for a in (*shapes, loc, scale)))
    if batch != ():
        raise InvalidArgumentError(
            f"the model {recognize.describe(model)} has batched parameters (batch shape {batch}); "
            f"data_cross_entropy scores data under one scipy distribution — loop over the parameters, or use a "
            f"torch distribution whose batch shape matches the data"
        )
    if recognize.is_scipy_discrete(model):
        d = _counted(data)
        try:
            x = np.asarray(d.x, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidTypeError(
                f"'data' must hold numbers for the discrete model {recognize.describe(model)}; "
                f"got outcomes of dtype {np.asarray(d.x).dtype}"
            ) from None
        lp = parametric._log_density(model, x)
        _check_univariate_lp(lp, x, model)
        return lp, d.counts, d.n
    x, counts, n = _points(data, 1)
    lp = parametric._log_density(model, x)
    _check_univariate_lp(lp, x, model)
    return lp, counts, n


def _check_univariate_lp(lp, x, model):
    if lp.shape != x.shape:  # pragma: no cover - batched parameters are rejected before
        raise InvalidArgumentError(
            f"the model {recognize.describe(model)} returned log-densities of shape {lp.shape} "
            f"for data of shape {x.shape}"
        )


def _scipy_dim(model):
    for attr in ("dim", "mean", "alpha", "p"):
        v = getattr(model, attr, None)
        if v is None or callable(v):
            continue
        if attr == "dim":
            return int(v)
        return int(np.size(v))
    return None  # pragma: no cover


def _torch_logq(data, model) -> tuple:
    import torch

    dtype = parametric._float_dtype_of(model)
    event = tuple(model.event_shape)
    discrete = bool(getattr(model.support, "is_discrete", False))
    device = _torch_device(model)
    if discrete and not event and not tuple(model.batch_shape) and (
        isinstance(data, Empirical) or (not torch.is_tensor(data) or data.ndim == 1)
    ):
        d = _counted(data)
        try:
            x = torch.as_tensor(np.asarray(d.x, dtype=np.float64), dtype=dtype, device=device)
        except (TypeError, ValueError):
            raise InvalidTypeError(
                f"'data' must hold numbers for the discrete model {recognize.describe(model)}"
            ) from None
        counts, n = d.counts, d.n
    else:
        if isinstance(data, Empirical):
            d = _from_empirical(data)
            x = torch.as_tensor(np.asarray(d.x, dtype=np.float64), dtype=dtype, device=device)
            counts, n = d.counts, d.n
        else:
            if torch.is_tensor(data):
                x = data.detach().to(dtype=dtype, device=device)
            else:
                x = torch.as_tensor(_as_numeric(data), dtype=dtype, device=device)
            counts = None
            n = x.shape[0] if x.ndim else 0
        if x.ndim < len(event) + 1 or tuple(x.shape[x.ndim - len(event):]) != event:
            raise InvalidArgumentError(
                f"'data' must have shape (n, {', '.join(map(str, event)) + ', ' if event else ''}...) — one "
                f"sample per row with the model's event shape {event} last — for {recognize.describe(model)}; "
                f"got shape {tuple(x.shape)}"
            )
        if n == 0:
            raise InvalidArgumentError("'data' is empty: at least one sample is needed")
    inside = model.support.check(x)
    try:
        if bool(torch.all(inside)):
            lp = model.log_prob(x)
        else:  # outside the support: log q = -inf (computed without torch's validation, then masked)
            lp = parametric._unchecked_log_prob(model, x)
            lp = torch.where(inside, lp, torch.full_like(lp, -math.inf))
    except (RuntimeError, ValueError) as exc:
        raise InvalidArgumentError(
            f"'data' of shape {tuple(x.shape)} could not be scored by {recognize.describe(model)} "
            f"(batch shape {tuple(model.batch_shape)}, event shape {event}): {exc}"
        ) from None
    return lp, counts, n


def _torch_device(model):
    import torch

    for v in vars(model).values():
        if isinstance(v, torch.Tensor):
            return v.device
    return None


def _as_numeric(data):
    if hasattr(data, "to_numpy") and not isinstance(data, np.ndarray):
        data = data.to_numpy()
    try:
        return np.asarray(data, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise InvalidTypeError(f"'data' must hold numbers for this model ({exc})") from None


def _categorical_logq(data, model: Categorical) -> tuple:
    import array_api_compat

    if model.batch_shape:
        raise InvalidArgumentError(
            f"an ik.Categorical model must be a single distribution (batch shape (), one log-probability per "
            f"outcome); got batch shape {model.batch_shape}"
        )
    d = _counted(data)
    o = np.asarray(d.x)
    if o.dtype.kind == "b":
        o = o.astype(np.int64)
    if o.dtype.kind not in "iuf":
        raise InvalidTypeError(
            f"an ik.Categorical model is indexed by integer outcomes 0..{model.n_outcomes - 1}; 'data' has "
            f"outcomes of dtype {o.dtype} (map labels to integers first, or score an ik.Empirical with "
            f"ik.cross_entropy(empirical, q) where q lists the probabilities of its outcomes)"
        )
    k = model.n_outcomes
    valid = (o >= 0) & (o < k) & (o == np.floor(o))
    idx = np.where(valid, o, 0).astype(np.int64)
    logp = model.log_probs
    xp = array_api_compat.array_namespace(logp)
    dev = array_api_compat.device(logp)
    sel = xp.take(logp, xp.asarray(idx, device=dev), axis=0)
    if not np.all(valid):
        sel = xp.where(xp.asarray(valid, device=dev), sel, xp.full_like(sel, -math.inf))
    return sel, d.counts, d.n


def _callable_logq(data, model, name="model") -> tuple:
    if isinstance(data, Empirical):
        d = _from_empirical(data)
        x, counts, n = d.x, d.counts, d.n
    else:
        if isinstance(data, (list, tuple)) or (hasattr(data, "to_numpy") and not isinstance(data, np.ndarray)):
            data = _as_numeric(data) if not isinstance(data, (list, tuple)) else np.asarray(data)
        x, counts = data, None
        if not hasattr(x, "shape") or len(x.shape) == 0:
            raise InvalidArgumentError(
                f"'data' must be an array of samples (sample axis first); got {type(data).__name__}"
            )
        n = x.shape[0]
        if n == 0:
            raise InvalidArgumentError("'data' is empty: at least one sample is needed")
    m = x.shape[0]
    try:
        lp = model(x)
    except Exception:  # a scalar function: evaluated point by point below
        lp = None
    if lp is not None:
        shape = tuple(np.shape(lp)) if not hasattr(lp, "shape") else tuple(lp.shape)
        if shape != (m,):
            raise InvalidArgumentError(
                f"'{name}' (a model callable) must return one log-probability per data point; given an array of "
                f"{m} points it returned shape {shape}"
            )
    else:
        try:
            vals = [model(x[i]) for i in range(m)]
            lp = _stack(vals)
        except Exception as exc:
            raise InvalidArgumentError(
                f"'{name}' (a model callable) must return log q(x): one log-probability per data point when "
                f"given an array of {m} points (or a number for one point); calling it failed or returned "
                f"something else ({type(exc).__name__}: {exc})"
            ) from None
        if tuple(lp.shape) != (m,):
            raise InvalidArgumentError(
                f"'{name}' (a model callable) must return one log-probability per data point; got shape "
                f"{tuple(lp.shape)} for {m} points"
            )
    return lp, counts, n


def _check_no_nan(data, name: str) -> None:
    """Numeric data with NaN: an error naming the data (NaN is a missing sample, not a point to score)."""
    if isinstance(data, Empirical):
        return
    arr = data.detach().cpu().numpy() if hasattr(data, "detach") else data
    try:
        arr = np.asarray(arr)
    except (TypeError, ValueError):
        return  # ragged or exotic data: the scoring path reports it
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise InvalidArgumentError(
            f"'{name}' contains {int(np.isnan(arr).sum())} NaN value(s) (missing samples); drop them before "
            "scoring the data under a model"
        )


def _check_log_probs(lp, name: str) -> None:
    """The model's log-probabilities: numbers, never NaN or +inf (-inf, an impossible point, is allowed)."""
    if hasattr(lp, "detach"):
        arr = lp.detach().cpu().numpy()
    else:
        try:
            arr = np.asarray(lp, dtype=np.float64)
        except (TypeError, ValueError):
            raise InvalidTypeError(
                f"'{name}' (the model) returned log-probabilities that are not numbers ({type(lp).__name__})"
            ) from None
    if arr.dtype.kind not in "fiub":
        raise InvalidTypeError(f"'{name}' (the model) returned log-probabilities of dtype {arr.dtype}, not numbers")
    bad = np.isnan(arr) | (arr == np.inf)
    if bad.any():
        raise InvalidDistributionError(
            f"'{name}' (the model) returned {'NaN' if np.isnan(arr).any() else '+inf'} log-probabilities for "
            f"{int(bad.sum())} data point(s); log q(x) must be a number or -inf"
        )


def _stack(vals):
    if vals and hasattr(vals[0], "detach"):
        import torch

        return torch.stack([torch.as_tensor(v).reshape(()) for v in vals])
    return np.asarray([float(np.asarray(v).reshape(())) for v in vals], dtype=np.float64)


def _mean_surprisal(lp, counts, n):
    """``-(1/n) Σ counts·lp`` (or ``-mean(lp)`` along axis 0) in ``lp``'s array library, in nats."""
    import array_api_compat

    if isinstance(lp, (list, tuple)) or not array_api_compat.is_array_api_obj(lp) or isinstance(lp, np.generic):
        lp = np.asarray(lp, dtype=np.float64)
    xp = array_api_compat.array_namespace(lp)
    if not xp.isdtype(lp.dtype, "real floating"):
        lp = xp.astype(lp, xp.float64)
    if counts is None:
        return -xp.sum(lp, axis=0) / n
    c = xp.asarray(np.asarray(counts, dtype=np.float64), dtype=lp.dtype, device=array_api_compat.device(lp))
    c = xp.reshape(c, (c.shape[0],) + (1,) * (lp.ndim - 1))
    return -xp.sum(c * lp, axis=0) / n


def data_cross_entropy(data: Samples, model: Model, *, base: Base = "nats") -> Result:
    """Cross-entropy of data under a model, ``H(P̂, Q) = -(1/n) Σ_i log q(x_i)``.

    The average surprisal of the samples under ``Q`` — the negative
    log-likelihood per sample, the loss minimised to fit ``Q``.  It equals
    ``H(P̂) + D(P̂‖Q)`` (for a discrete model), so its minimiser over θ is the
    maximum-likelihood fit.  ``ik.cross_entropy(data, model)`` calls this.

    Parameters
    ----------
    data : array_like or Empirical
        Samples: 1-D for a univariate model, ``n × d`` for a multivariate one
        (``n × event_shape`` for torch), or an :class:`~infokit.Empirical`
        (its outcomes weighted by their counts).
    model : scipy.stats frozen distribution, torch.distributions.Distribution, Categorical or callable
        * scipy.stats: ``logpmf`` for discrete distributions (the samples are
          counted first, so the cost is O(#distinct outcomes) evaluations),
          ``logpdf`` for continuous ones (one evaluation per sample);
        * torch: ``log_prob``; the result is a 0-d tensor with autograd
          intact, so it can be minimised over the model's parameters.  A
          batched model (``batch_shape (n,)``, one distribution per sample, as
          in a classifier's output) scores data of shape ``(n,)``;
        * :class:`~infokit.Categorical` (a single distribution): its
          log-probabilities indexed by integer outcome ``0..K-1``;
        * a callable ``f`` with ``f(x)`` = ``log q(x)``: called once with the
          array of data points (the distinct outcomes of an Empirical),
          returning one log-probability per point; a function of a single
          point is called point by point.
    base : {"nats", "bits", "hartleys"} or float, optional
        Unit of the result. Default nats.

    Returns
    -------
    numpy.float64 or torch.Tensor
        A NumPy scalar (or a tensor / array in the model's library for torch
        models, a Categorical or a callable returning tensors).  ``+inf`` when
        some sample lies outside the model's support (probability or density
        0: infinitely surprising) — not an error.  For a continuous model it
        is the differential cross-entropy (it can be negative).

    Raises
    ------
    InvalidTypeError
        ``model`` is not one of the accepted kinds (the message lists them),
        or ``data`` is not samples / an Empirical.
    InvalidArgumentError
        Data of the wrong shape for the model, or empty.

    Examples
    --------
    >>> import numpy as np, infokit as ik
    >>> from scipy import stats
    >>> from infokit.models import data_cross_entropy
    >>> x = [0, 1, 1, 2, 3]
    >>> h = data_cross_entropy(x, stats.poisson(1.4))
    >>> bool(np.isclose(h, -np.mean(stats.poisson(1.4).logpmf(x))))
    True
    >>> float(data_cross_entropy([0, 1, 1, 3], ik.from_log_probs(np.log([0.5, 0.25, 0.125, 0.125])), base=2))
    2.0
    >>> float(data_cross_entropy([0.5, 2.0], stats.uniform(0, 1)))   # 2.0 is impossible under Q
    inf
    """
    return score(data, model, "model", resolve_base(base))


def score(data, model, name: str, unit=None, data_name: str = "data"):
    """:func:`data_cross_entropy` with the model argument called ``name`` and the data ``data_name`` in
    messages (nats unless ``unit``)."""
    unit = unit or resolve_base("nats")
    _check_data_type(data)
    _check_no_nan(data, data_name)
    if isinstance(model, Categorical):
        lp, counts, n = _categorical_logq(data, model)
    elif recognize.is_scipy(model):
        lp, counts, n = _scipy_logq(data, model)
    elif recognize.is_torch(model):
        lp, counts, n = _torch_logq(data, model)
    elif is_model(model):
        lp, counts, n = _callable_logq(data, model, name)
    else:
        hint = ""
        if recognize.is_scipy_generic(model):
            hint = " — this is an unfrozen scipy.stats distribution: freeze it with its parameters, e.g. stats.norm(0, 1)"
        elif isinstance(model, type):
            hint = f" — this is the class {model.__qualname__}: pass an instance"
        raise InvalidTypeError(f"'{name}' must be {_ACCEPTED}; got {type(model).__name__}{hint}")
    with np.errstate(all="ignore"):
        _check_log_probs(lp, name)
        nats = _mean_surprisal(lp, counts, n)
        value = unit.convert(nats)
    return _backend.to_result(np, value) if isinstance(value, np.ndarray) else value
