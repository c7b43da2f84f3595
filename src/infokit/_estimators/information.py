"""``estimate_mutual_information``: the mutual information of the distribution a paired sample came from."""

from __future__ import annotations

import math

import numpy as np

from infokit._dispatch import Kind, check_bool, hint, implements
from infokit._estimators import auto, discrete, methods
from infokit._estimators.arguments import EstimateOptions, defaults, lookup
from infokit._estimators.methods import CONTINUOUS, METHODS, MUTUAL_INFORMATION
from infokit._estimators.result import Profile, chi2_variance, from_kernel, make_estimate
from infokit._lib.checks import check_level, check_rng
from infokit._lib.units import resolve_base
from infokit._samples.empirical import _cmi_cells, _group_counts, _resolve_columns

__all__ = ["estimate_mutual_information"]

_XY = ("x", "y")


def estimate_mutual_information(
    x, y, method="auto", *, base="nats", ci=0.95, rng=None, dropna=False, n_neighbors=3, jitter=None
):
    """Estimate the mutual information ``I(X; Y)`` of the distribution a paired sample came from.

    Parameters
    ----------
    x, y : array_like
        Paired samples (same length); each may also be a 2-D array or
        DataFrame of several variables.
    method : str, optional
        An entropy estimator of :func:`estimate_entropy` (except
        ``"dirichlet"``), applied to ``H(X) + H(Y) - H(X, Y)``; ``"auto"``
        chooses it once, from the joint table, and uses it for all three.
        The support sizes are the observed ones (``K_XY = K_X K_Y`` for the
        Bayesian estimators).  ``"shrinkage"`` instead shrinks the joint
        table towards uniform on all ``K_X K_Y`` pairs of observed values and
        takes the mutual information of the shrunk table with its own
        marginals (Hausser & Strimmer 2009, section 4.1): the target is the
        independent table, so with few samples the estimate is pulled
        towards 0 (a perfectly dependent pair of 5 values seen once each
        gives 0).  ``"auto"`` uses NSB where the entropy rule would shrink.
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
        Discrete samples: the value and the interval lie in
        ``[0, min(H_X, H_Y)]``, with ``H_X``, ``H_Y`` the method's own
        estimates of the marginal entropies (``diagnostics["upper_bound"]``;
        the entropies of the shrunk marginals for ``"shrinkage"``, 0 for a
        variable that took one value in the sample, which makes the estimate
        exactly 0 with an interval of width 0).  A bias-corrected value
        outside the range is clipped, the unclipped one kept in
        ``diagnostics["unclipped_value"]``.

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
    Interval (discrete): the normal interval around the clipped value,
    clipped to the range above.

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
    fn, _ = lookup(methods.table_key("estimate_mutual_information", m), (x, y), _XY, samples=2)
    return fn(x, y, m, opts)


_DEFAULTS = defaults(estimate_mutual_information)


@implements("estimate_mutual_information", Kind.PROBS, Kind.PROBS)
def _discrete(x, y, m: methods.Method, o: EstimateOptions):
    o.only(f"the mutual information of discrete samples (method={m.name!r})", "method", "dropna")
    cells, counts, (xs, ys) = _resolve_columns([x, y], o.dropna)
    inv_x, nx = _group_counts(cells[:, np.array(xs)], counts)
    inv_y, ny = _group_counts(cells[:, np.array(ys)], counts)
    kx, ky = nx.size, ny.size
    pxy = Profile.from_counts(counts, kx * ky)
    used, reason = m.name, None
    if used == "auto":  # chosen once, from the joint table, for all three entropies
        used, reason = auto.choose(pxy)
        if used == "shrinkage":  # a joint table that looks uniform: NSB (bench_intervals measures why)
            used, reason = "nsb", reason.replace("James-Stein shrinkage towards uniform", "NSB") + (
                " (for a mutual information NSB: shrinkage towards the uniform joint table shrinks towards "
                "independence)")
    n = int(counts.sum())
    diag = {"n": n, "k_x": kx, "k_y": ky, "cells_observed": int(counts.size)}
    if used == "shrinkage":  # the joint table shrunk, the MI of it and its marginals
        value, hx, hy, lam = discrete.shrinkage_mi(counts, inv_x, inv_y, kx, ky)
        diag.update(**{"lambda": lam, "target": "uniform over the K_X K_Y pairs"})
    else:
        hx, hy, hxy = (methods.entropy_nats(prof, used, o.level, o.gen)[0].value
                       for prof in (Profile.from_counts(nx, kx), Profile.from_counts(ny, ky), pxy))
        value = hx + hy - hxy
    plug = _cmi_cells(cells, counts, xs, ys, [])
    # delta method: variance of log(p(x,y)/(p(x)p(y))) under P̂, plus the chi2 spread under independence
    with np.errstate(divide="ignore"):
        pmi = np.log(counts * float(n) / (nx[inv_x].astype(float) * ny[inv_y]))
    w = counts / n
    var = float(np.sum(w * (pmi - plug) ** 2))
    stderr = math.sqrt(max(var, 0.0) / n + chi2_variance((kx - 1) * (ky - 1), n))
    # the range [0, min(H(X), H(Y))] with the estimator's own marginal entropies (0 for a constant sample)
    upper = min(max(hx, 0.0) if kx > 1 else 0.0, max(hy, 0.0) if ky > 1 else 0.0)
    diag.update(plugin=plug, upper_bound=float(o.unit.convert(np.float64(upper))), stderr_method="delta+chi2")
    if reason:
        diag["auto_reason"] = reason
    diag["reference"] = METHODS[used].reference
    return make_estimate(value, stderr, None, o.level, used, o.unit, diag, upper=upper, determined=upper == 0.0)


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
