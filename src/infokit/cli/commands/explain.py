"""``infokit explain --p 0.8,0.2 --q 0.5,0.5``: H(P,Q) = H(P) + D(P||Q), outcome by outcome."""

from __future__ import annotations

import math

import numpy as np

from infokit._lib.optional import require
from infokit.cli import COMMANDS
from infokit.cli._options import base_option, callback, format_option, output_option, parse_names, parse_numbers
from infokit.cli._report import TABLE_DIGITS, Report, Section, cell, finish
from infokit.errors import InvalidArgumentError

click = require("click", "the command line")

_FIELDS = ["outcome", "p", "q", "info_p", "info_q", "entropy_term", "cross_entropy_term", "kl_term"]


@click.command("explain", short_help=COMMANDS["explain"].summary)
@click.option("--p", "p", required=True, callback=callback(parse_numbers), help="True distribution P, e.g. 0.8,0.2.")
@click.option("--q", "q", required=True, callback=callback(parse_numbers), help="Model distribution Q, e.g. 0.5,0.5.")
@click.option("--labels", default=None, callback=callback(parse_names), help="Outcome labels, e.g. a,b.")
@click.option("--normalize", is_flag=True, help="Rescale P and Q to sum to 1 (e.g. counts).")
@base_option
@format_option
@output_option
def command(p, q, labels, normalize, base, fmt, output):
    """Cross-entropy H(P,Q) = H(P) + D(P||Q), outcome by outcome.

    For each outcome: its probability under P and Q, its surprisal under each,
    and its share of H(P), H(P,Q) and D(P||Q).
    """
    import infokit as ik

    if len(p) != len(q):
        raise InvalidArgumentError(f"--p has {len(p)} probabilities but --q has {len(q)}: they must match")
    if labels is not None and len(labels) != len(p):
        raise InvalidArgumentError(f"--labels has {len(labels)} names for {len(p)} outcomes")
    try:
        d = ik.decompose(p, q, base=base, outcomes=labels, normalize=normalize)
    except InvalidArgumentError:
        if normalize:
            raise
        sums = [(name, math.fsum(v)) for name, v in (("--p", p), ("--q", q))]
        off = [f"{name} sums to {total:g}" for name, total in sums if abs(total - 1) > 1e-6]
        if not off:
            raise
        raise InvalidArgumentError(
            f"{' and '.join(off)}, not 1: for counts (or other unnormalised weights) add --normalize to rescale "
            "P and Q to sum to 1") from None
    u = d.unit
    # the unit is in the title; 4 significant digits (all of them in JSON and CSV), so that it fits 80 columns
    columns = ["outcome", "p", "q", "I_p", "I_q", "p*I_p", "p*I_q", "p*log(p/q)"]
    rows = [[str(o)] + [float(v) for v in vals] for o, *vals in d.rows()]
    total = ["total", float(np.sum(d.p)), float(np.sum(d.q)), None, None, d.entropy, d.cross_entropy,
             d.kl_divergence]
    notes = [
        f"H(P)    = {cell(d.entropy)} {u}   (best average code length for P)",
        f"H(P,Q)  = {cell(d.cross_entropy)} {u}   (average code length with a code built for Q)",
        f"D(P||Q) = {cell(d.kl_divergence)} {u}   (the excess)",
        f"H(P) + D(P||Q) = {cell(d.entropy + d.kl_divergence)} {u} = H(P,Q)",
    ]
    section = Section(f"Decomposition of H(P,Q) = H(P) + D(P||Q), in {u}", columns, rows + [total], notes,
                      digits=TABLE_DIGITS, reading=_reading(d), split_after=(4,))
    payload = {
        "command": "explain",
        "unit": u,
        "outcomes": [str(o) for o in d.outcomes],
        "rows": [dict(zip(_FIELDS, r)) for r in rows],
        "entropy": d.entropy,
        "cross_entropy": d.cross_entropy,
        "kl_divergence": d.kl_divergence,
    }
    csv_rows = [r + [u] for r in rows + [total]]

    def figure(plot):
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(12, 6), layout="constrained")
        grid = fig.add_gridspec(2, 2)
        top, bottom, right = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[:, 1])
        plot.plot_distributions(p, q, outcomes=labels, base=base, normalize=normalize, ax=(top, bottom))
        plot.plot_decomposition(p, q, outcomes=labels, base=base, normalize=normalize, ax=right)
        return fig

    finish(Report(payload, [section], _FIELDS + ["unit"], csv_rows), fmt, output, figure)


def _reading(d) -> str:
    """What the decomposition means, in one sentence: the cost of coding with Q, and where the excess comes from."""
    u = d.unit
    h, hpq, kl = float(d.entropy), float(d.cross_entropy), float(d.kl_divergence)
    terms = np.asarray(d.kl_terms, dtype=float)
    names = [str(o) for o in d.outcomes]
    if not math.isfinite(kl):
        never = [n for n, t in zip(names, terms) if not math.isfinite(t)]
        return (f"Q gives probability 0 to {', '.join(repr(n) for n in never)}, which P can draw: a code built for Q "
                f"cannot code it, so H(P,Q) and D(P||Q) are infinite (the best code, built for P, costs "
                f"{cell(h, 3)} {u}).")
    if kl <= 1e-12 * max(1.0, hpq):
        return f"Q is P here: a code built for Q costs H(P) = {cell(h, 3)} {u} per outcome, the least possible."
    top = int(np.argmax(terms))
    return (f"Coding outcomes drawn from P with a code built for Q costs {cell(hpq, 3)} {u} per outcome, "
            f"{cell(kl, 3)} {u} more than the best code (built for P: {cell(h, 3)} {u}); the largest share of the "
            f"excess comes from {names[top]!r} ({cell(terms[top], 3)} {u}).")
