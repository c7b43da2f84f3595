"""``estimate_mutual_information``: the mutual information of the distribution a paired sample came from."""

from __future__ import annotations

import math

import numpy as np

from infokit._dispatch import Kind, check_bool, hint, implements
from infokit._estimators import auto, methods
from infokit._estimators.arguments import EstimateOptions, defaults, lookup
from infokit._estimators.methods import CONTINUOUS, METHODS, MUTUAL_INFORMATION
from infokit._estimators.result import Profile, from_kernel, make_estimate
from infokit._lib.checks import check_level, check_rng
from infokit._lib.units import resolve_base
from infokit._samples.empirical import _group_counts, _mi_distinct_cells, _resolve_columns, joint_pair_cells
from infokit.errors import InvalidArgumentError

__all__ = ["estimate_mutual_information"]

_XY = ("x", "y")
_CHUNK = 1 << 18  # cells per chunk of the variance sum


def estimate_mutual_information(
    x, y=None, method="auto", *, base="nats", ci=0.95, rng=None, dropna=False, n_neighbors=3, jitter=None
):
    """Estimate the mutual information ``I(X; Y)`` of the distribution a paired sample came from.

    Parameters
    ----------
    x, y : array_like
        Paired samples (same length); each may also be a 2-D array or
        DataFrame of several variables.  Or ``x`` a joint table of two
        variables (:func:`empirical_joint`,
        :func:`infokit.io.read_joint_empirical`) and ``y`` omitted (None): the
        table's counts are used as they are, without expanding them to
        samples (discrete methods only).
    method : str, optional
        An entropy estimator of :func:`estimate_entropy` (except
        ``"dirichlet"``), applied to ``H(X) + H(Y) - H(X, Y)``; ``"auto"``
        chooses it once, from the joint table, and uses it for all three.
        The support sizes are the observed ones (``K_XY = K_X K_Y`` for the
        Bayesian estimators).
        ``"ksg"``: Kraskov, Stögbauer & Grassberger (2004) estimator 1 for
        **continuous** samples (``n`` scalars or ``n x d`` arrays), with
        ``n_neighbors`` (default 3) and optional ``jitter`` (needs ``rng``)
        for repeated values; see :mod:`infokit.continuous`.
    base, ci, rng, dropna
        As in :func:`estimate_entropy`.
    n_neighbors, jitter
        ``method="ksg"`` only.

    Returns
    -------
    Estimate
        The value may be slightly negative (bias correction of a quantity near
        0); the interval is clipped at 0.

    Raises
    ------
    InvalidArgumentError
        Unknown ``method``, samples of different lengths, an option given to
        a method it does not apply to.
    InvalidTypeError
        ``x`` or ``y`` is not a sample (a dict, an Empirical, a distribution).

    Notes
    -----
    Standard error: the delta method, ``Var[log p̂(x,y)/(p̂(x)p̂(y))] / n``,
    combined with the spread ``sqrt(2 df)/(2n)``, ``df = (K_X - 1)(K_Y - 1)``,
    of the plug-in under independence (where the delta method gives 0 and
    ``2n I`` follows a chi-squared law with ``df`` degrees of freedom).

    Examples
    --------
    >>> import numpy as np, infokit as ik
    >>> rng = np.random.default_rng(0)
    >>> x = rng.integers(0, 4, 5000)
    >>> y = (x + (rng.random(5000) < 0.1)) % 4       # a noisy copy of x
    >>> est = ik.estimate_mutual_information(x, y, "miller_madow", base="bits")
    >>> bool(abs(est.value - 1.53) < 0.05), est.unit
    (True, 'bits')
    """
    m = methods.check(method, MUTUAL_INFORMATION)
    opts = EstimateOptions("estimate_mutual_information", _DEFAULTS, method=method, dropna=check_bool(dropna, "dropna"),
                   n_neighbors=n_neighbors, jitter=jitter, level=check_level(ci), unit=resolve_base(base), rng=rng,
                   gen=check_rng(rng))
    if y is None:  # a joint table
        cx, cy, counts = joint_pair_cells(x, "x")
        if m.name != "auto" and METHODS[m.name].data == CONTINUOUS:
            raise InvalidArgumentError(
                f"method={m.name!r} estimates from continuous samples; a joint table holds counts: "
                "pass the samples x and y, or a discrete method"
            )
        opts.only("the mutual information of a joint table", "method")
        return _from_cells(cx, cy, counts, m, opts)
    fn, _ = lookup(methods.table_key("estimate_mutual_information", m), (x, y), _XY, samples=2)
    return fn(x, y, m, opts)


_DEFAULTS = defaults(estimate_mutual_information)


@implements("estimate_mutual_information", Kind.PROBS, Kind.PROBS)
def _discrete(x, y, m: methods.Method, o: EstimateOptions):
    o.only(f"the mutual information of discrete samples (method={m.name!r})", "method", "dropna")
    cells, counts, (xs, ys) = _resolve_columns([x, y], o.dropna)
    inv_x, _ = _group_counts(cells[:, np.array(xs)], counts)
    inv_y, _ = _group_counts(cells[:, np.array(ys)], counts)
    del cells
    return _from_cells(inv_x, inv_y, counts, m, o)


def _from_cells(inv_x, inv_y, counts, m: methods.Method, o: EstimateOptions):
    """The estimate from the counts of distinct (x, y) cells, with codes ``inv_x``, ``inv_y`` of x and y."""
    plug, nx, ny = _mi_distinct_cells(inv_x, inv_y, counts)
    kx, ky = nx.size, ny.size
    pxy = Profile.from_counts(counts, kx * ky)
    used, reason = m.name, None
    if used == "auto":  # chosen once, from the joint table, for all three entropies
        used, reason = auto.choose(pxy)
    hx, hy, hxy = (methods.entropy_nats(prof, used, o.level, o.gen)[0]
                   for prof in (Profile.from_counts(nx, kx), Profile.from_counts(ny, ky), pxy))
    value = hx.value + hy.value - hxy.value
    n = int(counts.sum())
    # delta method: variance of log(p(x,y)/(p(x)p(y))) under P̂, by chunks of cells
    var = 0.0
    for i in range(0, counts.size, _CHUNK):
        c = counts[i:i + _CHUNK]
        with np.errstate(divide="ignore"):
            pmi = np.log(c * float(n) / (nx[inv_x[i:i + _CHUNK]].astype(float) * ny[inv_y[i:i + _CHUNK]]))
        var += float(np.sum((c / n) * (pmi - plug) ** 2))
    df = (kx - 1) * (ky - 1)
    stderr = math.sqrt(max(var, 0.0) / n + 2.0 * df / (2.0 * n) ** 2)
    diag = {
        "n": n,
        "k_x": kx,
        "k_y": ky,
        "cells_observed": int(counts.size),
        "plugin": plug,
        "stderr_method": "delta+chi2",
    }
    if reason:
        diag["auto_reason"] = reason
    diag["reference"] = METHODS[used].reference
    return make_estimate(value, stderr, None, o.level, used, o.unit, diag)


def _continuous(x, y, m: methods.Method, o: EstimateOptions):
    o.only(f"the mutual information of continuous samples (method={m.name!r})", "method", *m.options)
    res = m.kernels[MUTUAL_INFORMATION](x, y, **o.pick(m.options), rng=o.rng)
    return from_kernel(res, o.level, m.name, o.unit, reference=m.reference)


_KEYS = ["estimate_mutual_information"]
for _name in methods.names(MUTUAL_INFORMATION, data=CONTINUOUS):
    _KEYS.append(methods.table_key("estimate_mutual_information", METHODS[_name]))
    implements(_KEYS[-1], Kind.PROBS, Kind.PROBS)(_continuous)
for _key in _KEYS:
    hint(_key, frozenset(Kind), frozenset(Kind), text="'x' and 'y' are paired samples: arrays (or DataFrames) "
         "with one row per observation, row i of x paired with row i of y")
del _name, _key
