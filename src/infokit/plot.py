"""Pictures of the measures (matplotlib, the ``plot`` extra: ``pip install 'infokit[plot]'``).

* :func:`plot_distributions` — P and Q side by side, and each outcome's
  contribution ``p log(p/q)`` to ``D(P||Q)``;
* :func:`plot_decomposition` — the cross-entropy as a stacked bar,
  ``H(P, Q) = H(P) + D(P||Q)``;
* :func:`plot_estimates` — entropy estimators against the sample size,
  with their intervals and the truth;
* :func:`plot_drift` — the JS divergence of each column of a drift
  DataFrame against its no-drift null, or one column's binned distributions.

Every function returns the :class:`matplotlib.figure.Figure` it drew on
(``fig.savefig("plot.png")``), and names the unit on its axes.  Every
categorical axis is labelled with its outcomes (or columns), legends sit
outside the axes (to their right, or in headroom kept free above the bars),
and where colour means something a legend says what.  The numbers
come from infokit's own functions (:func:`infokit.decompose`,
:func:`infokit.estimate_entropy`, :func:`infokit.drift`); nothing is
recomputed here.  matplotlib is imported when a function is called, not when
infokit is; pick the backend as usual (``matplotlib.use("Agg")`` for files
only).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from infokit._api.decompose import decompose
from infokit._api.measures import entropy
from infokit._estimators.entropy import estimate_entropy
from infokit._estimators.methods import METHODS
from infokit._lib.checks import check_rng
from infokit._lib.fmt import format_number
from infokit._lib.optional import require
from infokit._lib.typing import Base, DistributionLike, Samples, Seed
from infokit._lib.units import resolve_base
from infokit.errors import InvalidArgumentError, InvalidTypeError

__all__ = ["plot_distributions", "plot_decomposition", "plot_estimates", "plot_drift"]

_P_COLOUR, _Q_COLOUR, _KL_COLOUR, _H_COLOUR = "#1f77b4", "#ff7f0e", "#d62728", "#2ca02c"
_VERDICT_COLOURS = {"no drift": "#2ca02c", "minor": "#98df8a", "moderate": "#ff9f1c", "drift": "#d62728"}


def _plt():
    require("matplotlib", "plots")
    import matplotlib.pyplot as plt

    return plt


def _new_axes(ax, nrows=1, **kw):
    """(figure, axes) — new ones when ``ax`` is None, else the given axes and their figure."""
    if ax is None:
        plt = _plt()
        fig, axes = plt.subplots(nrows, 1, squeeze=False, **kw)
        axes = list(axes[:, 0])
        return fig, axes
    axes = list(ax) if isinstance(ax, (list, tuple, np.ndarray)) else [ax]
    if not all(hasattr(a, "bar") and hasattr(a, "figure") for a in axes):
        raise InvalidTypeError("'ax' must be a matplotlib Axes (or a pair of them)")
    return axes[0].figure, axes


def _legend_outside(axis: Any, handles: list[Any] | None = None, labels: list[str] | None = None,
                    **kw: Any) -> Any:
    """A legend to the right of ``axis``, outside it, so that it never covers the data."""
    opts = dict(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, fontsize="small", frameon=False)
    opts.update(kw)
    if handles is None:
        return axis.legend(**opts)
    return axis.legend(handles, labels, **opts)


#: Tick labels longer than this are cut short with an ellipsis (as the command line's tables cut names).
_LABEL_CHARS = 24


def _short_label(text: str) -> str:
    return text if len(text) <= _LABEL_CHARS else text[: _LABEL_CHARS - 1].rstrip() + "…"


def _label_categories(axis: Any, labels: Sequence[Any], *, xlabel: str | None = None) -> None:
    """Ticks at 0..k-1 labelled with ``labels`` (turned when many or long), also on a shared x axis."""
    texts = [_short_label(str(v)) for v in labels]
    widest = max((len(v) for v in texts), default=0)
    long = len(texts) > 12 or sum(len(v) for v in texts) > 60
    axis.set_xticks(np.arange(len(texts)))
    if widest <= 1 and len(texts) <= 40:
        axis.set_xticklabels(texts)
    elif len(texts) > 12 and widest <= 3:
        axis.set_xticklabels(texts, rotation=90)
    elif long or widest > 10:
        axis.set_xticklabels(texts, rotation=30, ha="right", rotation_mode="anchor")
    else:
        axis.set_xticklabels(texts)
    axis.tick_params(axis="x", labelbottom=True)  # shown even where the x axis is shared
    if xlabel:
        axis.set_xlabel(xlabel)


def _finite_or(values, fill):
    v = np.asarray(values, dtype=float)
    return np.where(np.isfinite(v), v, fill)


def plot_distributions(p: DistributionLike, q: DistributionLike, *, outcomes: Sequence[Any] | None = None,
                       base: Base = "bits", ax: Any = None, normalize: bool = False) -> Any:
    """P and Q side by side, with each outcome's contribution to ``D(P||Q)``.

    Parameters
    ----------
    p, q : array_like, Empirical, dict or Categorical
        Two distributions over the same outcomes (as :func:`infokit.decompose`
        takes them).
    outcomes : sequence, optional
        Labels of the outcomes.
    base : {"bits", "nats", "hartleys"} or float, optional
        Unit of the contributions. Default bits.
    ax : matplotlib Axes or a pair of them, optional
        Where to draw: a pair (top: the distributions, bottom: the
        contributions), or one Axes (the contributions on a twin y axis).
        Default: a new figure with two panels.
    normalize : bool, optional
        As in :func:`infokit.decompose`.

    Returns
    -------
    matplotlib.figure.Figure

    Notes
    -----
    The contributions are ``p(x) log(p(x)/q(x))`` from
    :func:`infokit.decompose`: they may be negative (where ``q > p``) and
    sum to ``D(P||Q)``.  An infinite one (``p > 0 = q``) is drawn as a bar to
    the top of the axis marked "∞".
    """

    d = decompose(p, q, base=base, outcomes=outcomes, normalize=normalize)
    fig, axes = _new_axes(ax, 2, figsize=(min(max(6.0, 0.45 * len(d.outcomes) + 2), 18.0), 6.0), sharex=True)
    if len(axes) == 1:
        top, bottom = axes[0], axes[0].twinx()
    else:
        top, bottom = axes[0], axes[1]
    single = len(axes) == 1
    x = np.arange(len(d.outcomes))
    w = 0.27 if single else 0.4
    top.bar(x - (w if single else w / 2), d.p, w, label="P", color=_P_COLOUR)
    top.bar(x + (0.0 if single else w / 2), d.q, w, label="Q", color=_Q_COLOUR)
    top.set_ylabel("probability")
    top.set_title(f"D(P‖Q) = {_fmt(d.kl_divergence)} {d.unit}")

    terms = np.asarray(d.kl_terms, dtype=float)
    finite = terms[np.isfinite(terms)]
    span = max(float(np.max(np.abs(finite))) if finite.size else 0.0, 1e-12)
    inf = ~np.isfinite(terms)
    shown = _finite_or(terms, 1.1 * span)
    xk = x + (w if single else 0.0)
    bars = bottom.bar(xk, shown, w if single else 0.6, color=_KL_COLOUR, alpha=0.8, label="p·log(p/q)")
    for xi in np.flatnonzero(inf):
        bars[xi].set_hatch("//")
        bottom.annotate("∞", (xk[xi], 1.1 * span), ha="center", va="bottom", color=_KL_COLOUR)
    if inf.any():
        bottom.set_ylim(top=1.35 * span)
    bottom.axhline(0.0, color="black", linewidth=0.8)
    bottom.set_ylabel(f"p·log(p/q) [{d.unit}]")
    labels = [str(o) for o in d.outcomes]
    if single:  # one legend; the zero of the contributions level with probability 0
        _label_categories(top, labels, xlabel="outcome")
        h1, l1 = top.get_legend_handles_labels()
        h2, l2 = bottom.get_legend_handles_labels()
        _legend_outside(top, h1 + h2, l1 + l2, bbox_to_anchor=(1.12, 1.0))  # beyond the twin axis' labels
        b_lo, b_hi = bottom.get_ylim()
        t_hi = top.get_ylim()[1]
        if b_lo < 0 < b_hi:
            top.set_ylim(b_lo / b_hi * t_hi, t_hi)
        elif b_hi <= 0:
            bottom.set_ylim(b_lo, -b_lo)
            top.set_ylim(-t_hi, t_hi)
    else:
        _label_categories(top, labels)
        _label_categories(bottom, labels, xlabel="outcome")
        _legend_outside(top)
        bottom.set_title("contribution of each outcome to D(P‖Q)")
    if ax is None:
        fig.tight_layout()
    return fig


def _fmt(v) -> str:
    return format_number(float(v), 4, inf="∞")


def plot_decomposition(p: DistributionLike, q: DistributionLike, *, outcomes: Sequence[Any] | None = None,
                       base: Base = "bits", ax: Any = None, normalize: bool = False) -> Any:
    """The cross-entropy as a stacked bar: ``H(P, Q) = H(P) + D(P||Q)``.

    Parameters
    ----------
    p, q, outcomes, base, normalize
        As in :func:`plot_distributions`.
    ax : matplotlib Axes, optional
        Where to draw; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        Two bars: ``H(P)`` with ``D(P||Q)`` stacked on it, and ``H(P, Q)``
        computed on its own (the two have the same height), in the unit of
        ``base``.
    """

    d = decompose(p, q, base=base, outcomes=outcomes, normalize=normalize)
    fig, (axis,) = _new_axes(ax, 1, figsize=(5.0, 4.5))
    h, kl, hpq = float(d.entropy), float(d.kl_divergence), float(d.cross_entropy)
    axis.bar([0], [h], 0.6, color=_H_COLOUR, label=f"H(P) = {_fmt(h)} {d.unit}")
    if math.isfinite(kl):
        axis.bar([0], [kl], 0.6, bottom=[h], color=_KL_COLOUR, label=f"D(P‖Q) = {_fmt(kl)} {d.unit}")
        axis.bar([1], [hpq], 0.6, color="#7f7f7f", label=f"H(P, Q) = {_fmt(hpq)} {d.unit}")
    else:
        # no bar can be infinite: say so above the bars, in headroom kept for it
        axis.annotate("D(P‖Q) = ∞", (0, h), xytext=(0, 6), textcoords="offset points", ha="center", va="bottom",
                      color=_KL_COLOUR)
        axis.annotate("H(P, Q) = ∞", (1, h), xytext=(0, 6), textcoords="offset points", ha="center",
                      va="bottom", color="#7f7f7f")
    axis.set_xlim(-0.6, 1.6)
    axis.set_xticks([0, 1])
    axis.set_xticklabels(["H(P) + D(P‖Q)", "H(P, Q)"])
    axis.set_ylabel(f"[{d.unit}]")
    axis.set_title("cross-entropy = entropy + KL divergence")
    axis.set_ylim(0, (1.1 if math.isfinite(kl) else 1.25) * max(h + (kl if math.isfinite(kl) else 0.0), 1e-12))
    _legend_outside(axis)
    if ax is None:
        fig.tight_layout()
    return fig


def _is_distribution(a: np.ndarray) -> bool:
    return (
        a.ndim == 1 and a.dtype.kind == "f" and a.size > 0 and bool(np.all(np.isfinite(a)))
        and bool(np.all(a >= 0)) and abs(float(a.sum()) - 1.0) <= 1e-9
    )


def plot_estimates(
    samples_or_dist: Samples | DistributionLike,
    sizes: Sequence[int],
    *,
    methods: Sequence[str] = ("plugin", "miller_madow", "nsb"),
    truth: float | None = None,
    rng: Seed = None,
    base: Base = "bits",
    ci: float = 0.95,
    kind: str | None = None,
    ax: Any = None,
) -> Any:
    """Entropy estimators against the sample size, with their intervals.

    For each size ``n`` one sample is taken — drawn from the distribution,
    or drawn without replacement from the given samples — and each method
    of :func:`infokit.estimate_entropy` estimates the entropy from it, with
    its interval.

    Parameters
    ----------
    samples_or_dist : array_like
        A distribution (1-D probabilities summing to 1, or a dict
        ``{outcome: probability}``) or samples (anything else, or
        ``kind="samples"``).
    sizes : sequence of int
        Sample sizes (at most the number of samples given).
    methods : sequence of str, optional
        Estimators (``ik.estimate_entropy(method=...)``). Default plugin,
        Miller–Madow and NSB.
    truth : float, optional
        The true entropy, drawn as a line; default the entropy of the
        distribution when one is given (none for samples).
    rng : None, int or numpy.random.Generator, optional
        Randomness of the draws; a seed makes the figure reproducible.
    base : optional
        Unit. Default bits.
    ci : float, optional
        Level of the intervals. Default 0.95.
    kind : {None, "dist", "samples"}, optional
        Force how ``samples_or_dist`` is read; default: a float array of
        non-negative values summing to 1 (within 1e-9) is a distribution.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        An interval without an upper end (``"auto"`` on a sample that does
        not bound the entropy from above, no support size declared) is drawn
        as an upward caret at its point, labelled "no upper bound".
    """

    unit = resolve_base(base)
    gen = check_rng(rng)
    if isinstance(methods, str):
        methods = (methods,)
    methods = tuple(methods)
    if not methods:
        raise InvalidArgumentError("'methods' is empty")
    try:
        sizes = [int(s) for s in sizes]
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"'sizes' must be a sequence of positive ints (got {sizes!r})") from None
    if not sizes or any(s < 1 for s in sizes):
        raise InvalidArgumentError(f"'sizes' must be a non-empty sequence of positive ints (got {sizes!r})")
    if kind not in (None, "dist", "samples"):
        raise InvalidArgumentError(f"'kind' must be None, 'dist' or 'samples' (got {kind!r})")

    support_size = None
    if isinstance(samples_or_dist, dict):
        outcomes = np.asarray(list(samples_or_dist.keys()), dtype=object)
        probs = np.asarray(list(samples_or_dist.values()), dtype=float)
        is_dist = True
    else:
        arr = np.asarray(samples_or_dist)
        is_dist = kind == "dist" or (kind is None and _is_distribution(arr))
        if is_dist:
            probs, outcomes = arr.astype(float), np.arange(arr.size)
    if is_dist:
        probs = probs / probs.sum()
        support_size = probs.size
        if truth is None:
            truth = float(entropy(probs, base=base, normalize=True))

        def draw(n):
            return outcomes[gen.choice(probs.size, size=n, p=probs)]
    else:
        if arr.ndim != 1:
            raise InvalidArgumentError(f"samples must be 1-D (got shape {arr.shape})")
        if max(sizes) > arr.size:
            raise InvalidArgumentError(f"a size ({max(sizes)}) is larger than the number of samples ({arr.size})")

        def draw(n):
            return arr[gen.choice(arr.size, size=n, replace=False)]

    results: dict[str, list[Any]] = {m: [] for m in methods}
    for n in sizes:
        x = draw(n)
        for m in methods:
            uses_k = m in METHODS and METHODS[m].uses_support_size  # the registry says which take K
            est = estimate_entropy(x, method=m, base=base, ci=ci, rng=gen,
                                   support_size=support_size if uses_k else None)
            results[m].append(est)

    fig, (axis,) = _new_axes(ax, 1, figsize=(7.0, 4.5))
    sizes_a = np.asarray(sizes, dtype=float)
    k = len(methods)
    for i, m in enumerate(methods):
        shift = 1.0 + 0.04 * (i - (k - 1) / 2)  # spread the methods a little on the log axis
        vals = np.array([e.value for e in results[m]])
        lo = np.array([e.ci[0] for e in results[m]])
        hi = np.array([e.ci[1] for e in results[m]])
        yerr = np.vstack([np.clip(vals - lo, 0, None), np.clip(hi - vals, 0, None)])
        yerr = np.where(np.isfinite(yerr), yerr, 0.0)
        name = results[m][0].method if m == "auto" else m
        bars = axis.errorbar(sizes_a * shift, vals, yerr=yerr, marker="o", capsize=3, label=name)
        open_upper = np.isposinf(hi)
        if open_upper.any():  # an interval without an upper end: a caret, not a bar that stops at the point
            axis.plot(sizes_a[open_upper] * shift, vals[open_upper], linestyle="none", marker=6, markersize=11,
                      color=bars.lines[0].get_color(), label=f"{name}: no upper bound")
    if truth is not None:
        axis.axhline(float(truth), color="black", linestyle="--", linewidth=1.0,
                     label=f"truth = {_fmt(truth)} {unit.name}")
    axis.set_xscale("log")
    axis.set_xlabel("sample size n")
    axis.set_ylabel(f"entropy [{unit.name}]")
    axis.set_title(f"entropy estimates with {ci:.0%} intervals")
    _legend_outside(axis)
    if ax is None:
        fig.tight_layout()
    return fig


def _verdict_handles(verdicts: Sequence[str]) -> tuple[list[Any], list[str]]:
    """Legend patches of the verdict colours, in their order of severity (every verdict, those seen marked)."""
    from matplotlib.patches import Patch

    seen = set(verdicts)
    names = list(_VERDICT_COLOURS) + sorted(seen - set(_VERDICT_COLOURS))
    handles = [Patch(color=_VERDICT_COLOURS.get(v, "#7f7f7f")) for v in names]
    return handles, [v if v in seen else f"{v} (none)" for v in names]


def plot_drift(drift_df: Any, column: str | None = None, *, ax: Any = None) -> Any:
    """A drift DataFrame (:func:`infokit.drift`) as a picture.

    Parameters
    ----------
    drift_df : pandas.DataFrame
        The result of :func:`infokit.drift` / :func:`infokit.drift_from_counts`.
    column : optional
        Without it: the JS divergence of every column as a bar coloured by
        its verdict, with a tick at the 95th percentile of its no-drift null
        (``js_null_q95``).  With it: that column's binned reference and
        current distributions side by side (from ``drift_df.attrs["bin_counts"]``).
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    need = ("js_divergence", "js_null_q95", "verdict", "unit")
    if not hasattr(drift_df, "columns") or any(c not in drift_df.columns for c in need):
        raise InvalidTypeError("plot_drift() takes the DataFrame returned by ik.drift")
    units = sorted({str(u) for u in drift_df["unit"].tolist()})
    unit = "/".join(units)
    if column is not None:
        counts = (getattr(drift_df, "attrs", {}) or {}).get("bin_counts", {})
        if column not in counts:
            raise InvalidArgumentError(
                f"no bin counts for column {column!r} in drift_df.attrs['bin_counts'] "
                "(they are kept by ik.drift; operations on the DataFrame may drop them)"
            )
        info = counts[column]
        r = np.asarray(info["reference"], dtype=float)
        c = np.asarray(info["current"], dtype=float)
        labels = list(info["labels"])
        fig, (axis,) = _new_axes(ax, 1, figsize=(max(6.0, 0.5 * len(labels) + 2) + 2.0, 4.5))
        x = np.arange(len(labels))
        axis.bar(x - 0.2, r / r.sum(), 0.4, label=f"reference (n={int(r.sum())})", color=_P_COLOUR)
        axis.bar(x + 0.2, c / c.sum(), 0.4, label=f"current (n={int(c.sum())})", color=_Q_COLOUR)
        _label_categories(axis, labels, xlabel="bin")
        axis.set_ylabel("proportion")
        row = drift_df.loc[column]
        axis.set_title(
            f"{column}: JS = {_fmt(row['js_divergence'])} {row['unit']}, "
            + (f"PSI = {_fmt(row['psi'])} nats, " if "psi" in drift_df.columns else "")
            + f"{row['verdict']}"
        )
        _legend_outside(axis)
    else:
        names = [str(i) for i in drift_df.index]
        # room for the legend on the right and for turned tick labels below
        turned = max(len(_short_label(n)) for n in names) > 10 or len(names) > 12
        fig, (axis,) = _new_axes(ax, 1, figsize=(max(6.0, 0.6 * len(names) + 2) + 2.5, 4.5 + (1.5 if turned else 0)))
        x = np.arange(len(names))
        js = _finite_or(drift_df["js_divergence"], 0.0)
        colours = [_VERDICT_COLOURS.get(str(v), "#7f7f7f") for v in drift_df["verdict"]]
        axis.bar(x, js, 0.6, color=colours)
        q95 = np.asarray(drift_df["js_null_q95"], dtype=float)
        ok = np.isfinite(q95)
        handles, texts = _verdict_handles([str(v) for v in drift_df["verdict"]])
        if ok.any():
            handles.append(axis.scatter(x[ok], q95[ok], marker="_", s=400, color="black", zorder=3))
            texts.append("no-drift null, 95th percentile")
        _legend_outside(axis, handles, texts, title="bar colour: verdict", alignment="left")
        _label_categories(axis, names, xlabel="column")
        axis.set_ylabel(f"JS divergence [{unit}]")
        axis.set_title("drift by column: JS divergence of reference vs current")
    if ax is None:
        fig.tight_layout()
    return fig
