"""``infokit mi PATH --x A --y B``: the mutual information of two columns of a file."""

from __future__ import annotations

import os

import numpy as np

from infokit._estimators import methods
from infokit._estimators.discrete import fingerprint_entropy
from infokit._estimators.information import CellCounts, estimate_mutual_information_of_cells
from infokit._lib.optional import require
from infokit._lib.units import resolve_base
from infokit._samples.binning import bin_column
from infokit._samples.nature import classify
from infokit.cli import COMMANDS
from infokit.cli._options import estimate_options, estimator_option, jitter_kwargs, jitter_option, sample_bins_option
from infokit.cli._report import auto_note, by_key_note, estimate_json, estimate_report, finish, plugin_json, reading
from infokit.cli._report import sample_value

click = require("click", "the command line")


@click.command("mi", short_help=COMMANDS["mi"].summary)
@click.argument("path", type=click.Path(dir_okay=True))
@click.option("--x", "x", required=True, help="Column of X.")
@click.option("--y", "y", required=True, help="Column of Y.")
@estimator_option(methods.names(methods.MUTUAL_INFORMATION),
                  help="Entropy estimator applied to H(X) + H(Y) - H(X,Y), or a continuous estimator (ksg); auto "
                       "chooses from the data (ksg for two continuous columns).")
@sample_bins_option
@jitter_option
@estimate_options()
def command(path, x, y, estimator, bins, jitter, level, seed, sources, base, fmt):
    """Mutual information I(X;Y) between two columns of a file.

    Prints the plug-in I of the sample's joint table and an estimate of the
    source's I with its interval.  Float columns with more than
    max(10, sqrt(n)) distinct values are continuous: auto uses a continuous
    estimator for them, and --bins bins them (other columns are counted as
    they are).
    """
    import infokit as ik

    discrete = methods.METHODS[estimator].data == methods.DISCRETE
    with sources:  # x == y: the table of (x, x), I(X;X) = H(X)
        # past the memory budget, the cells of two integer or label columns are read from disk chunk by chunk
        joint = sources.joint(path, [x, y], cells=bins is None and jitter is None and discrete)
    if isinstance(joint, CellCounts):
        try:
            est = estimate_mutual_information_of_cells(joint, estimator, base=base, ci=level, rng=seed)
            unit = resolve_base(base)
            plug = float(unit.convert(np.float64(joint.plugin())))
            hx, hy = (float(ik.entropy(ik.Empirical.from_counts(c), base=base)) if c is not None
                      else float(unit.convert(np.float64(fingerprint_entropy(*fp))))
                      for c, fp in ((joint.n_x, joint.x_fingerprint), (joint.n_y, joint.y_fingerprint)))
        finally:
            joint.close()
        _report(path, x, y, bins, joint.n, est, plug, hx, hy, fmt, sources.by_key)
        return
    continuous = [classify(joint.marginal(j)).continuous for j in (0, 1)]
    if bins is not None or methods.METHODS[estimator].data == methods.CONTINUOUS or any(continuous):
        # the values themselves: the continuous estimators, the bins and the rule's warning need them
        cx, cy = _joint_codes(joint, 2)
        est = ik.estimate_mutual_information(cx, cy, estimator, base=base, ci=level, rng=seed, bins=bins,
                                             **jitter_kwargs(jitter))
        if bins is not None:  # the plug-in values of the same binned table
            cx, cy = (bin_column(c, bins) if classify(c).continuous else c for c in (cx, cy))
        plug = float(ik.mutual_information(cx, cy, base=base))
        hx = float(ik.entropy(ik.empirical(cx), base=base))
        hy = float(ik.entropy(ik.empirical(cy), base=base))
    else:  # discrete columns: the joint table goes to the estimators as it is (its counts; no samples rebuilt)
        est = ik.estimate_mutual_information(joint, method=estimator, base=base, ci=level, rng=seed,
                                             **jitter_kwargs(jitter))
        plug = float(ik.mutual_information(joint, base=base))
        hx = float(ik.entropy(joint.marginal(0), base=base))
        hy = float(ik.entropy(joint.marginal(1), base=base))
    _report(path, x, y, bins, joint.n, est, plug, hx, hy, fmt)


def _report(path, x, y, bins, n, est, plug, hx, hy, fmt, by_key=()):
    d = est.diagnostics
    payload = {
        "command": "mi",
        "path": os.fspath(path),
        "x": x,
        "y": y,
        "unit": est.unit,
        "n": n,
        "plugin": plugin_json(plug, est.unit, "I of the empirical joint table"),
        "entropy_x": hx,
        "entropy_y": hy,
        "estimate": estimate_json(est),
        "counted_by_key": list(by_key),
    }
    if "k_x" in d:
        notes = [f"n = {n}; X = {x!r}: {d['k_x']} values, Y = {y!r}: {d['k_y']} values, "
                 f"{d.get('cells_observed')} observed (x, y) pairs; stderr: {d.get('stderr_method')}"]
    else:
        notes = [f"n = {n}; stderr: {d.get('stderr_method')}"]
    notes += auto_note(est)
    if by_key:
        notes.append(by_key_note(by_key, "the values cannot be listed (the estimate needs only the counts)"))
    if "binned" in d:
        notes.append(f"binned ({bins if isinstance(bins, str) else bins!r}): {', '.join(d['binned'])}")
    title = f"Mutual information of {x!r} and {y!r} in {os.path.basename(os.fspath(path))}"
    report = estimate_report(payload, title, est, plugin=("I(X;Y) plug-in", plug),
                             estimate="I(X;Y) estimate",
                             more=[("H(X) plug-in", hx), ("H(Y) plug-in", hy)], notes=notes,
                             sentence=reading("mi", f"{x!r} and {y!r}", sample_value(est, plug), est))
    finish(report, fmt)


def _joint_codes(e, n_vars: int):
    """Per-variable samples of every observation of a joint table (an ``Empirical`` of tuples).

    Adapter: :func:`infokit.estimate_mutual_information` takes paired samples,
    not a table of counts; each cell is repeated ``count`` times.  A float
    column keeps its values (the discrete/continuous rule and the continuous
    estimators need them); any other column becomes small integer codes
    (4 bytes a row), never the original labels.
    """
    cells = e.outcomes.tolist()
    counts = np.asarray(e.counts, dtype=np.int64)
    codes = []
    for j in range(n_vars):
        col = [c[j] for c in cells]
        if col and all(type(v) is float for v in col):
            codes.append(np.repeat(np.asarray(col, dtype=np.float64), counts))
            continue
        homogeneous = len({type(v) for v in col}) <= 1
        _, inv = np.unique(np.asarray(col, dtype=None if homogeneous else object), return_inverse=True)
        dtype = np.int32 if inv.max(initial=0) < 2**31 else np.int64
        codes.append(np.repeat(inv.astype(dtype), counts))
    return codes
