"""``infokit demo``: the story end to end on bundled data (:func:`infokit.demo.run_demo`)."""

from __future__ import annotations

import numpy as np

from infokit._lib.optional import require
from infokit.cli import COMMANDS
from infokit.cli._options import base_option, callback, format_option, output_option, parse_sizes
from infokit.cli._report import Report, Section, cell, finish, interval

click = require("click", "the command line")


@click.command("demo", short_help=COMMANDS["demo"].summary)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random samples.")
@click.option("--sizes", default="10,100,1000,10000", show_default=True, callback=callback(parse_sizes),
              help="Sample sizes n.")
@click.option("--repeats", type=click.IntRange(min=0), default=100, show_default=True,
              help="Samples per n for the estimators-vs-truth table (0 skips it).")
@base_option
@format_option
@output_option
def command(seed, sizes, repeats, base, fmt, output):
    """The story end to end on bundled data: truth, samples, a fitted model, estimators.

    P is the letter distribution of the opening of the US Declaration of
    Independence (bundled).  Samples of n letters are drawn from it; the
    empirical P̂ converges to P; a Zipf model Q is fitted by minimum
    cross-entropy; H(P̂,Q) = H(P̂) + D(P̂||Q) is checked; and entropy
    estimators are compared with the truth.
    """
    from infokit.demo import run_demo

    r = run_demo(base, seed=seed, sizes=sizes, repeats=repeats)
    finish(_report(r), fmt, output, lambda plot: _figure(plot, r))


def _report(r) -> Report:
    sections = [_truth(r), _samples(r), _model(r)]
    if r.estimators:
        sections.append(_estimators(r))
    return Report({"command": "demo", **r.to_dict()}, sections, *_csv(r))


def _truth(r) -> Section:
    u, m = r.unit, r.model
    top = ", ".join(f"{a}={p:.3f}" for p, a in sorted(zip(r.p, r.alphabet), reverse=True)[:6])
    return Section(
        "1. The truth", [], [],
        [f"P = letter frequencies of the Declaration of Independence's opening "
         f"({len(r.alphabet)} letters; most frequent: {top}, ...)",
         f"H(P) = {cell(r.entropy)} {u}  (a uniform code over 26 letters costs "
         f"log 26 = {cell(m['uniform_cross_entropy'])} {u})"],
        name="truth")


def _samples(r) -> Section:
    u = r.unit
    rows = []
    for s in r.samples:
        est = s["estimate"]
        rows.append([s["n"], s["observed_letters"], s["plugin_entropy"], est["value"],
                     interval(est["ci"], 4), est["method"], s["kl_to_truth"], s["kl_expected"]])
    return Section(
        f"2. Samples of n letters drawn from P (seed {r.seed}): P̂ converges to P (values in {u})",
        ["n", "letters seen", "H(P̂)", "estimate", "95% interval", "estimator", "D(P̂||P)", "(K-1)/2n"],
        rows,
        [f"truth: H(P) = {cell(r.entropy)} {u}. The plug-in H(P̂) is exact for the sample but biased low for "
         "small n; the estimate corrects for that bias and gives an interval (auto picks the estimator from the "
         "data). With n far below K no estimator is reliable: see table 4.",
         "D(P̂||P) shrinks to 0; for large n its expected value is (K-1)/(2n) nats (here in "
         f"{u}; K = {len(r.alphabet)})."],
        name="samples", digits=4, reading=_samples_reading(r), split_after=(5,))


def _model(r) -> Section:
    u, m = r.unit, r.model
    ident_ok = abs(m["identity_gap"]) <= 1e-12 * max(1.0, abs(m["cross_entropy"]))
    return Section(
        f"3. A model Q fitted by minimum cross-entropy on the n = {m['fitted_on_n']} sample", [], [],
        [f"Q_θ(r) ∝ r^-θ over letters ranked by their frequency in P̂ (a Zipf law); "
         f"argmin_θ H(P̂, Q_θ): θ = {m['theta']:.4f}",
         f"H(P̂,Q) = {cell(m['cross_entropy'])} {u}",
         f"H(P̂)   = {cell(m['entropy'])} {u}",
         f"D(P̂||Q) = {cell(m['kl'])} {u}",
         f"H(P̂) + D(P̂||Q) = {cell(m['entropy'] + m['kl'])} {u} = H(P̂,Q)  "
         f"(identity {'holds' if ident_ok else 'FAILS'}: difference {m['identity_gap']:.2g} {u})",
         f"Against the truth: H(P,Q) = {cell(m['true_cross_entropy'])} {u} = H(P) {cell(m['true_entropy'])} "
         f"+ D(P||Q) {cell(m['true_kl'])} {u}: coding letters with the model costs "
         f"{cell(m['true_kl'], 3)} {u} per letter more than the best code."],
        name="model")


def _estimators(r) -> Section:
    u = r.unit
    sizes = list(dict.fromkeys(e["n"] for e in r.estimators))
    methods = list(dict.fromkeys(e["method"] for e in r.estimators))
    by = {(e["method"], e["n"]): e for e in r.estimators}
    rows = [[m] + [f"{cell(by[m, n]['rmse'], 3)} ({by[m, n]['coverage']:.0%})" for n in sizes] for m in methods]
    return Section(
        f"4. Entropy estimators vs the truth H(P) = {cell(r.entropy)} {u}: RMSE [{u}] "
        f"(coverage of the 95% intervals) over {r.repeats} samples per n",
        ["estimator"] + [f"n = {n}" for n in sizes],
        rows,
        ["auto is the default of infokit entropy; the bias of each estimator is in --format json/csv."],
        name="estimators", reading=_estimators_reading(r))


def _samples_reading(r) -> str:
    """Table 2 in a sentence: how far the plug-in and the estimate are from the truth, smallest and largest n."""
    u, first, last = r.unit, r.samples[0], r.samples[-1]

    def off(v):
        gap = v - r.entropy
        return f"{cell(abs(gap), 2)} {u} {'below' if gap < 0 else 'above'}"

    return (f"With n = {first['n']} letters the plug-in H(P̂) is {off(first['plugin_entropy'])} the truth and the "
            f"estimate {off(first['estimate']['value'])}; with n = {last['n']} they are {off(last['plugin_entropy'])} "
            f"and {off(last['estimate']['value'])}: both converge to H(P) = {cell(r.entropy, 4)} {u}.")


def _estimators_reading(r) -> str:
    """Table 4 in a sentence: the best estimator at the smallest n, and the worst error at the largest."""
    u = r.unit
    sizes = list(dict.fromkeys(e["n"] for e in r.estimators))
    small = [e for e in r.estimators if e["n"] == sizes[0]]
    large = [e for e in r.estimators if e["n"] == sizes[-1]]
    best = min(small, key=lambda e: e["rmse"])
    plug = next((e for e in small if e["method"] == "plugin"), None)
    text = (f"At n = {sizes[0]} the smallest error is {best['method']}'s (RMSE {cell(best['rmse'], 2)} {u}"
            + (f", the plug-in's {cell(plug['rmse'], 2)} {u}" if plug is not None and plug is not best else "")
            + ")")
    if len(sizes) > 1:
        text += f"; at n = {sizes[-1]} every estimator is within {cell(max(e['rmse'] for e in large), 2)} {u} (RMSE)"
    return text + "."


def _csv(r):
    """CSV: one long table of every number."""
    u, m = r.unit, r.model
    columns = ["section", "n", "quantity", "value", "ci_low", "ci_high", "unit", "method"]
    rows = [["truth", None, "H(P)", r.entropy, None, None, u, "exact"]]
    for s in r.samples:
        est = s["estimate"]
        rows += [
            ["samples", s["n"], "H(P̂)", s["plugin_entropy"], None, None, u, "plugin"],
            ["samples", s["n"], "H(P) estimate", est["value"], est["ci"][0], est["ci"][1], u, est["method"]],
            ["samples", s["n"], "D(P̂||P)", s["kl_to_truth"], None, None, u, "exact"],
            ["samples", s["n"], "(K-1)/2n", s["kl_expected"], None, None, u, "asymptotic"],
        ]
    n_fit = m["fitted_on_n"]
    rows += [
        ["model", n_fit, "theta", m["theta"], None, None, "", "min cross-entropy"],
        ["model", n_fit, "H(P̂,Q)", m["cross_entropy"], None, None, u, "exact"],
        ["model", n_fit, "H(P̂)", m["entropy"], None, None, u, "exact"],
        ["model", n_fit, "D(P̂||Q)", m["kl"], None, None, u, "exact"],
        ["model", None, "H(P,Q)", m["true_cross_entropy"], None, None, u, "exact"],
        ["model", None, "D(P||Q)", m["true_kl"], None, None, u, "exact"],
    ]
    for e in r.estimators:
        rows += [["estimators", e["n"], k, e[k], None, None, "" if k == "coverage" else u, e["method"]]
                 for k in ("mean", "bias", "rmse", "coverage")]
    return columns, rows


def _figure(plot, r):
    """Left: the fitted model Q against the sample P̂ it was fitted on, with per-letter KL
    contributions; right: entropy estimators against n (fresh seeded samples) with the truth."""
    import matplotlib.pyplot as plt

    m = r.model
    fig = plt.figure(figsize=(13, 6), layout="constrained")
    grid = fig.add_gridspec(2, 2)
    top, bottom, right = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[:, 1])
    plot.plot_distributions(m["p_hat"], m["q"], outcomes=list(r.alphabet), base=r.unit, ax=(top, bottom))
    top.set_title(f"P̂ (n = {m['fitted_on_n']}) vs the fitted Zipf model Q (θ = {m['theta']:.3f}): "
                  f"D(P̂||Q) = {m['kl']:.3g} {r.unit}")
    sizes = [s["n"] for s in r.samples]
    plot.plot_estimates(np.asarray(r.p), sizes, methods=("plugin", "miller_madow", "nsb"), truth=r.entropy,
                        rng=r.seed, base=r.unit, ax=right)
    return fig
