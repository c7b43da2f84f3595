"""``infokit mi PATH --x A --y B``: the mutual information of two columns of a file."""

from __future__ import annotations

import os

from infokit._lib.optional import require
from infokit.cli import COMMANDS
from infokit.cli._options import entropy_methods, estimate_options
from infokit.cli._report import auto_note, estimate_json, estimate_report, finish, plugin_json

click = require("click", "the command line")


@click.command("mi", short_help=COMMANDS["mi"].summary)
@click.argument("path", type=click.Path(dir_okay=True))
@click.option("--x", "x", required=True, help="Column of X.")
@click.option("--y", "y", required=True, help="Column of Y.")
@click.option("--estimator", "-e", default="auto", show_default=True,
              type=click.Choice([m for m in entropy_methods() if m != "dirichlet"]),
              help="Entropy estimator applied to H(X) + H(Y) - H(X,Y).")
@estimate_options()
def command(path, x, y, estimator, level, seed, sources, base, fmt):
    """Mutual information I(X;Y) between two columns of a file.

    Prints the plug-in I of the sample's joint table and an estimate of the
    source's I with its interval.
    """
    import infokit as ik

    with sources:
        joint = sources.joint(path, [x, y])  # x == y: the table of (x, x), I(X;X) = H(X)
    # the joint table goes to the estimators as it is (its counts; no samples rebuilt)
    est = ik.estimate_mutual_information(joint, method=estimator, base=base, ci=level, rng=seed)
    plug = float(ik.mutual_information(joint, base=base))
    hx = float(ik.entropy(joint.marginal(0), base=base))
    hy = float(ik.entropy(joint.marginal(1), base=base))
    d = est.diagnostics
    payload = {
        "command": "mi",
        "path": os.fspath(path),
        "x": x,
        "y": y,
        "unit": est.unit,
        "n": joint.n,
        "plugin": plugin_json(plug, est.unit, "I of the empirical joint table"),
        "entropy_x": hx,
        "entropy_y": hy,
        "estimate": estimate_json(est),
    }
    notes = [f"n = {joint.n}; X = {x!r}: {d.get('k_x')} values, Y = {y!r}: {d.get('k_y')} values, "
             f"{d.get('cells_observed')} observed (x, y) pairs; stderr: {d.get('stderr_method')}", *auto_note(est)]
    title = f"Mutual information of {x!r} and {y!r} in {os.path.basename(os.fspath(path))}"
    report = estimate_report(payload, title, est, plugin=("I(X;Y) plug-in (of the sample)", plug),
                             estimate="I(X;Y) estimate (of the source)",
                             more=[("H(X) plug-in", hx), ("H(Y) plug-in", hy)], notes=notes)
    finish(report, fmt)
