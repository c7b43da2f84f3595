"""``infokit kl P_PATH Q_PATH --column C``: the KL divergence between the values of a column in two files."""

from __future__ import annotations

import math
import os
import warnings

import numpy as np

from infokit._estimators import methods
from infokit._estimators.discrete import fingerprint_entropy
from infokit._estimators.divergence import PairedCounts, estimate_kl_of_paired_counts
from infokit._lib.checks import check_pseudo_count
from infokit._lib.optional import require
from infokit._lib.units import resolve_base
from infokit._samples.binning import binned_pair
from infokit.cli import COMMANDS
from infokit.cli._options import callback, estimate_options, estimator_option, output_option, parse_smoothing
from infokit.cli._options import jitter_kwargs, jitter_option, sample_bins_option
from infokit.cli._report import auto_note, cell, estimate_json, estimate_report, finish, plugin_json
from infokit.cli._report import by_key_note, reading, sample_value
from infokit.errors import InvalidArgumentError

click = require("click", "the command line")

#: Equal-width bins of the figure (``-o``) of two continuous columns.
FIGURE_BINS = 20


@click.command("kl", short_help=COMMANDS["kl"].summary)
@click.argument("p_path", type=click.Path(dir_okay=True))
@click.argument("q_path", type=click.Path(dir_okay=True))
@click.option("--column", "-c", required=True, help="The column (in both files).")
@click.option("--q-column", default=None, help="The column in Q_PATH, if its name differs.")
@click.option("--smoothing", "-s", default=None, callback=callback(parse_smoothing),
              help="Pseudo-count added to Q's counts: none (default; an outcome never seen in Q gives inf), "
                   "jeffreys (0.5), laplace (1) or a number.")
@estimator_option(dict.fromkeys(methods.names(methods.KL_SAMPLED) + methods.names(methods.KL, data=methods.CONTINUOUS)),
                  help="plugin D(P̂||Q̂), miller_madow (bias-corrected), or knn for continuous columns; auto "
                       "chooses (knn when both columns are continuous, else miller_madow).")
@sample_bins_option
@jitter_option
@estimate_options()
@output_option
def command(p_path, q_path, column, q_column, smoothing, estimator, bins, jitter, level, seed, sources, base, fmt,
            output):
    """KL divergence D(P||Q) between the values of a column in two files.

    P_PATH holds a sample of P, Q_PATH a sample of Q.  Prints the plug-in
    D(P̂||Q̂) of the two samples and an estimate of D(P||Q) with its interval.
    With --bins both columns are counted in common bins fitted on the pooled
    values.
    """
    import infokit as ik

    qcol = q_column or column
    discrete = methods.METHODS[estimator].data == methods.DISCRETE
    with sources:
        if discrete and bins is None and jitter is None and output is None:
            # past the memory budget, integer columns' counts are merged on disk, a chunk at a time
            pair = sources.paired(p_path, column, q_path, qcol)
        else:
            pair = sources.empirical(p_path, column), sources.empirical(q_path, qcol)
    if isinstance(pair, PairedCounts):
        try:
            _from_paired(pair, p_path, q_path, column, qcol, smoothing, estimator, level, base, fmt, sources.by_key)
        finally:
            pair.close()
        return
    p, q = pair
    _check_comparable(p, q, column, qcol)
    if bins is not None:  # the plug-in values and the estimate of the same histograms
        p, q, _, _ = binned_pair(p, q, bins)
    if methods.METHODS[estimator].data == methods.DISCRETE:
        est = ik.estimate_kl(p, q, estimator, smoothing=smoothing, base=base, ci=level, **jitter_kwargs(jitter, seed))
    else:
        est = ik.estimate_kl(np.repeat(p.outcomes, p.counts), np.repeat(q.outcomes, q.counts), estimator,
                             smoothing=smoothing, base=base, ci=level, rng=seed, **jitter_kwargs(jitter))
    d = est.diagnostics
    a = check_pseudo_count(smoothing) if smoothing is not None else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ps, qs = _plugin_pair(p, q, a, d.get("k"))  # Q̂ smoothed as the estimate's Q is
        plug = float(ik.kl_divergence(ps, qs, base=base))
        h_p = float(ik.entropy(p, base=base))
        h_pq = float(ik.cross_entropy(ps, qs, base=base))
    _report(p_path, q_path, column, qcol, smoothing, p.n, q.n, a, est, plug, h_p, h_pq, p.support_size, bins, fmt,
            output, lambda plot: _figure(plot, p, q, ps, qs, a, est, plug, base))


def _from_paired(pc, p_path, q_path, column, qcol, smoothing, estimator, level, base, fmt, by_key=()):
    """The report of two columns counted on disk, from their counts merged a chunk at a time (the same figures)."""
    est = estimate_kl_of_paired_counts(pc, estimator, smoothing=smoothing, base=base, ci=level)
    a = check_pseudo_count(smoothing) if smoothing is not None else None
    unit = resolve_base(base)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        kl, ce = pc.plugin(a)
        plug, h_pq = (float(unit.convert(np.float64(v))) for v in (kl, ce))
        h_p = float(unit.convert(np.float64(fingerprint_entropy(pc.p_values, pc.p_mult))))
    _report(p_path, q_path, column, qcol, smoothing, pc.n, pc.m, a, est, plug, h_p, h_pq, None, None, fmt, None, None,
            by_key)


def _report(p_path, q_path, column, qcol, smoothing, n_p, n_q, a, est, plug, h_p, h_pq, n_bins, bins, fmt, output,
            plot, by_key=()):
    d = est.diagnostics
    q_hat = "Q̂" if not a else f"Q̂+{cell(a)}"
    payload = {
        "command": "kl",
        "p_path": os.fspath(p_path),
        "q_path": os.fspath(q_path),
        "column": column,
        "q_column": qcol,
        "unit": est.unit,
        "n_p": n_p,
        "n_q": n_q,
        "smoothing": smoothing,
        "plugin": plugin_json(plug, est.unit, "D(P̂||Q̂) of the two samples"),
        "entropy_p_hat": h_p,
        "cross_entropy_p_hat_q_hat": h_pq,
        "estimate": estimate_json(est),
        "counted_by_key": list(by_key),
    }
    if "k" in d:
        notes = [f"n(P) = {n_p}, n(Q) = {n_q}; outcomes: {d.get('k')} in the union, "
                 f"{d.get('k_observed')} seen in P, {d.get('unseen_in_q', 0)} of them never seen in Q; "
                 f"smoothing = {_smoothing_text(d.get('smoothing', smoothing))}"]
    else:
        notes = [f"n(P) = {n_p}, n(Q) = {n_q}; stderr: {d.get('stderr_method')}"]
    notes += auto_note(est)
    if bins is not None:
        notes.append(f"binned: {n_bins} bins fitted on the pooled values of P and Q")
    if by_key:
        notes.append(by_key_note(by_key, "both files' strings by the same keys"))
    if not math.isfinite(est.value):
        notes.append("D is infinite: some outcome of P never occurs in Q's sample. "
                     "Add a pseudo-count with --smoothing jeffreys (or laplace) for a finite estimate.")
    title = (f"KL divergence D(P||Q): {column!r} of {os.path.basename(os.fspath(p_path))} (P) "
             f"vs {qcol!r} of {os.path.basename(os.fspath(q_path))} (Q)")
    report = estimate_report(payload, title, est, plugin=(f"D(P̂||{q_hat}) plug-in", plug),
                             estimate="D(P||Q) estimate",
                             more=[("H(P̂) plug-in", h_p), (f"H(P̂,{q_hat}) plug-in", h_pq)], notes=notes,
                             sentence=reading("kl", f"{column!r}", sample_value(est, plug), est))

    finish(report, fmt, output, plot)


def _figure(plot, p, q, ps, qs, a, est, plug, base):
    """The figure of ``-o``: the two samples as the table's plug-in row measures them."""
    import infokit as ik

    q_hat = "Q̂" if not a else f"Q̂+{cell(a)}"
    # the pair the table's plug-in row measures: Q̂ smoothed as the estimate's Q is
    if a:
        union = _union(p, q)
        try:  # the outcomes in order, as the unsmoothed figure shows them
            order = sorted(range(len(union)), key=lambda i: union[i])
        except TypeError:
            order = list(range(len(union)))
        order.append(len(union))
        labels = [str(union[i]) for i in order[:-1]]
        pp, qq = np.asarray(ps, dtype=float)[order], np.asarray(qs, dtype=float)[order]
        if qq[-1] > 0:  # Q̂'s pseudo-counts on declared outcomes neither sample has
            labels.append("(others)")
        else:
            pp, qq = pp[:-1], qq[:-1]
        fig = plot.plot_distributions(pp, qq, outcomes=labels, base=base)
    elif methods.METHODS[est.method].data == methods.CONTINUOUS:
        # measurements: their histograms in FIGURE_BINS common bins (one bar per distinct value would not read)
        pb, qb, _, _ = binned_pair(p, q, FIGURE_BINS)
        fig = plot.plot_distributions(pb, qb, base=base)
        d_bins = float(ik.kl_divergence(pb, qb, base=base))
        fig.axes[0].set_title(f"the samples in {FIGURE_BINS} equal-width bins: D(P̂‖Q̂) = {cell(d_bins, 4)} "
                              f"{est.unit} (the {est.method} estimate, {cell(est.value, 4)} {est.unit}, "
                              "is of the values)")
        return fig
    else:
        fig = plot.plot_distributions(p, q, base=base)
    fig.axes[0].set_title(f"the samples: D(P̂‖{q_hat}) = {cell(plug, 4)} {est.unit}")
    return fig


def _union(p, q) -> list:
    """The outcomes of P̂ then those only Q̂ has (the order of :func:`_plugin_pair`)."""
    seen = set(p.outcomes.tolist())
    return p.outcomes.tolist() + [o for o in q.outcomes.tolist() if o not in seen]


def _plugin_pair(p, q, a, k):
    """P̂ and Q̂ on the union of their outcomes (an extra cell holds Q̂'s mass on the other declared outcomes);
    Q̂ with pseudo-count ``a`` added to each of the ``k`` outcomes, as ``estimate_kl(smoothing=a)`` does."""
    if not a:
        return p, q
    cq = dict(zip(q.outcomes.tolist(), q.counts.tolist()))
    union = _union(p, q)
    k = max(int(k or 0), len(union))
    total = q.n + a * k
    cp = dict(zip(p.outcomes.tolist(), p.counts.tolist()))
    ps = [cp.get(o, 0) / p.n for o in union] + [0.0]
    qs = [(cq.get(o, 0) + a) / total for o in union] + [(k - len(union)) * a / total]
    return np.array(ps), np.array(qs)


def _smoothing_text(a) -> str:
    if a is None or a == 0:
        return "none"
    return {0.5: "0.5 (jeffreys)", 1.0: "1 (laplace)"}.get(a, cell(a)) if isinstance(a, (int, float)) else str(a)


def _check_comparable(p, q, pcol, qcol):
    """Both columns must hold values of one kind (numbers vs labels) for the outcomes to align."""
    kp, kq = p.outcomes.dtype.kind, q.outcomes.dtype.kind
    num = set("biuf")
    if (kp in num) != (kq in num) and "O" not in (kp, kq):
        raise InvalidArgumentError(
            f"column {pcol!r} of P holds {'numbers' if kp in num else 'labels'} but column {qcol!r} of Q holds "
            f"{'numbers' if kq in num else 'labels'}: the outcomes cannot be compared"
        )
