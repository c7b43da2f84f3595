"""``infokit drift REF CUR``: the drift of each column from a reference file to a current file."""

from __future__ import annotations

import os

import numpy as np

from infokit._lib.optional import require
from infokit.cli import COMMANDS
from infokit.cli._options import (
    base_option,
    callback,
    file_options,
    format_option,
    output_option,
    parse_bins,
    parse_names,
    parse_smoothing,
    seed_option,
)
from infokit.cli._report import Report, Section, by_key_note, cell, finish

click = require("click", "the command line")


@click.command("drift", short_help=COMMANDS["drift"].summary)
@click.argument("ref_path", metavar="REF", type=click.Path(dir_okay=True))
@click.argument("cur_path", metavar="CUR", type=click.Path(dir_okay=True))
@click.option("--columns", default=None, callback=callback(parse_names),
              help="Columns to compare, e.g. a,b (default: every column of REF).")
@click.option("--bins", default="quantile", show_default=True, callback=callback(parse_bins),
              help="Bins of numeric columns, fitted on REF: quantile, uniform, fd, or N quantile bins (a number N "
                   "means N equal-frequency bins of REF, the PSI convention; --bins N of entropy, mi and kl "
                   "means N equal-width bins).")
@click.option("--n-bins", type=click.IntRange(min=1), default=10, show_default=True,
              help="Number of bins for quantile and uniform.")
@click.option("--smoothing", "-s", default=None, callback=callback(parse_smoothing),
              help="Pseudo-count added to every bin of both samples: none (default), jeffreys, laplace or a number.")
@click.option("--permutations", type=click.IntRange(min=0), default=1000, show_default=True,
              help="Permutations for the p-value (0: the chi-square approximation, for large samples).")
@seed_option("the permutations")
@file_options(dropna=False)
@base_option
@format_option
@output_option
def command(ref_path, cur_path, columns, bins, n_bins, smoothing, permutations, seed, sources, base, fmt,
            output):
    """Drift of each column between a reference file REF and a current file CUR.

    Numeric columns are binned on REF (quantile bins by default, the outer
    ones open-ended so that values beyond REF's range count in them, plus a
    missing bin); categorical ones get one bin per REF category plus unseen
    and missing bins.  Per column: JS divergence and distance, PSI (in nats),
    KL both ways, Hellinger, the permutation p-value of the JS divergence and
    a verdict (no drift unless p < 0.05; then PSI < 0.1 minor, < 0.25
    moderate, else drift).

    Both files are read batch by batch: numeric columns of REF as the counts
    of their distinct values, text columns as the counts of their strings --
    past the memory budget (INFOKIT_MEMORY_BUDGET) by 64-bit keys of the
    strings, CUR's too (noted; the categories then cannot be listed); CUR is
    counted in the bins.
    """
    from infokit.drift import drift_from_counts, reading as drift_reading

    with sources:
        counts = sources.drift_counts(ref_path, cur_path, columns, bins=bins, n_bins=n_bins)
    try:
        df = drift_from_counts(counts.reference, counts.current, bins=counts.bins, base=base, smoothing=smoothing,
                               n_permutations=permutations, rng=seed)
    finally:
        close = getattr(counts, "close", None)  # the temporary files of the columns counted by key
        if close is not None:
            close()
    by_key = list(df.attrs.get("counted_by_key", []))
    unit = df.attrs["unit"]
    records = [{"column": col, **{k: _py(v) for k, v in row.items()}} for col, row in df.iterrows()]
    payload = {
        "command": "drift",
        "reference": os.fspath(ref_path),
        "current": os.fspath(cur_path),
        "unit": unit,
        "psi_unit": df.attrs.get("psi_unit", "nats"),
        "thresholds": list(df.attrs.get("thresholds", ())),
        "alpha": df.attrs.get("alpha"),
        "n_permutations": df.attrs.get("n_permutations"),
        "smoothing": df.attrs.get("smoothing"),
        "psi_smoothing": df.attrs.get("psi_smoothing"),
        "columns": records,
        "bins": df.attrs.get("bin_counts", {}),
        "counted_by_key": by_key,
    }
    # the answer first (JS, PSI, p-value, verdict), the detail after: at 80 columns the detail moves to a
    # second table below; long column names are cut short with an ellipsis (in full in JSON and CSV)
    t_cols = ["column", f"JS [{unit}]", "PSI [nats]", "p-value", "verdict", "n_ref", "n_cur", "bins",
              f"KL r→c [{unit}]", f"KL c→r [{unit}]", "Hellinger"]
    t_rows = [[r["column"], r["js_divergence"], r["psi"], r["p_value"], r["verdict"], r["n_ref"], r["n_cur"],
               r["n_bins"], r["kl_ref_cur"], r["kl_cur_ref"], r["hellinger"]] for r in records]
    same_n = len({(r["n_ref"], r["n_cur"]) for r in records}) == 1
    if same_n:  # the sample sizes once, under the table, rather than in every row
        t_cols = t_cols[:5] + t_cols[7:]
        t_rows = [r[:5] + r[7:] for r in t_rows]
    lo, hi = payload["thresholds"] or (0.1, 0.25)
    n_perm = payload["n_permutations"]
    test = f"the permutation p-value ({n_perm} permutations)" if n_perm else "the chi-square p-value"
    notes = [f"n_ref = {records[0]['n_ref']}, n_cur = {records[0]['n_cur']} in every column (missing values "
             "included)."] if same_n else []
    notes += [f"KL r→c = D(REF||CUR), KL c→r = D(CUR||REF). Verdict: no drift unless {test} < "
             f"{cell(payload['alpha'])}; then PSI < {cell(lo)} minor, < {cell(hi)} moderate, else drift. "
             f"PSI adds {cell(df.attrs.get('psi_smoothing'))} to every bin of both samples."]
    for r in records:
        if r["zero_bins_ref"] or r["zero_bins_cur"]:
            notes.append(
                f"{r['column']!r}: {r['zero_bins_ref']} bin(s) empty in REF, {r['zero_bins_cur']} empty in CUR "
                "(infinite KL without --smoothing)")
    if by_key:
        whose = "its" if len(by_key) == 1 else "their"
        notes.append(by_key_note(by_key, f"{whose} categories cannot be listed (no per-bin counts)"))
    section = Section(
        f"Drift from {os.path.basename(os.fspath(ref_path))} (REF) to {os.path.basename(os.fspath(cur_path))} (CUR)",
        t_cols, t_rows, notes, digits=4, reading=drift_reading(df), shorten_names=True,
        split_after=(4,))
    csv_cols = ["column"] + list(df.columns)
    csv_rows = [[r["column"]] + [r[c] for c in df.columns] for r in records]
    finish(Report(payload, [section], csv_cols, csv_rows), fmt, output, lambda plot: plot.plot_drift(df))


def _py(v):
    return v.item() if isinstance(v, np.generic) else v
