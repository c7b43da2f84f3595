"""``infokit entropy PATH --column C``: the entropy of a column, of the sample and estimated for the source."""

from __future__ import annotations

import os

import numpy as np

from infokit._estimators import methods
from infokit._estimators.discrete import fingerprint_entropy
from infokit._estimators.entropy import estimate_entropy_from_profile
from infokit._estimators.result import Profile
from infokit._lib.optional import require
from infokit._lib.units import resolve_base
from infokit.cli import COMMANDS
from infokit.cli._options import estimate_options, estimator_option, jitter_kwargs, jitter_option, sample_bins_option
from infokit.cli._report import auto_note, cell, estimate_json, estimate_report, finish, plugin_json
from infokit.cli._report import by_key_note, reading, sample_value

click = require("click", "the command line")


@click.command("entropy", short_help=COMMANDS["entropy"].summary)
@click.argument("path", type=click.Path(dir_okay=True))
@click.option("--column", "-c", required=True, help="The column whose values are the samples.")
@estimator_option(methods.names(methods.ENTROPY),
                  help="Entropy estimator: a discrete one, or a continuous one (knn, vasicek, ...: differential "
                       "entropy); auto chooses from the data (knn for a continuous column).")
@click.option("--support-size", "-k", type=click.IntRange(min=1), default=None,
              help="Number of possible outcomes K, if known.")
@sample_bins_option
@jitter_option
@estimate_options()
def command(path, column, estimator, support_size, bins, jitter, level, seed, sources, base, fmt):
    """Entropy of a column of a CSV or Parquet file.

    Prints the plug-in entropy H(P̂) of the sample (exact for the sample,
    biased low as an estimate) and an estimate of the entropy of the source
    with its standard error and interval.  A continuous column (floats with
    more than max(10, sqrt(n)) distinct values) is estimated with a
    continuous estimator under auto, or from a histogram with --bins.
    """
    import infokit as ik

    discrete = methods.METHODS[estimator].data == methods.DISCRETE
    with sources:  # past the memory budget an integer column's counts are read as their fingerprint
        e = sources.empirical(path, column, fingerprint=bins is None and jitter is None and discrete)
    if isinstance(e, Profile):
        _from_fingerprint(e, path, column, estimator, support_size, level, seed, base, fmt, sources.by_key)
        return
    if bins is not None:
        e = ik.empirical(e, bins=bins)  # the plug-in and the estimate of the same histogram
    data = e if methods.METHODS[estimator].data == methods.DISCRETE else np.repeat(e.outcomes, e.counts)
    est = ik.estimate_entropy(data, estimator, support_size=support_size, base=base, ci=level, rng=seed,
                              **jitter_kwargs(jitter))
    plug = float(ik.entropy(e, base=base))
    payload = {
        "command": "entropy",
        "path": os.fspath(path),
        "column": column,
        "unit": est.unit,
        "n": e.n,
        "observed_outcomes": e.n_observed,
        "plugin": plugin_json(plug, est.unit, "H(P̂), the entropy of the empirical distribution"),
        "estimate": estimate_json(est),
        "counted_by_key": [],
    }
    notes = [_diagnostics_line(est.diagnostics), *auto_note(est)]
    if bins is not None:
        notes.append(f"binned: {e.support_size} bins ({bins if isinstance(bins, str) else bins!r})")
    _report(payload, path, column, est, plug, notes, fmt)


def _from_fingerprint(prof, path, column, estimator, support_size, level, seed, base, fmt, by_key=()):
    """The report of a column counted on disk, from the fingerprint of its counts (the same figures)."""
    est = estimate_entropy_from_profile(prof, estimator, support_size=support_size, base=base, ci=level, rng=seed)
    plug = float(resolve_base(base).convert(np.float64(fingerprint_entropy(prof.values, prof.mult))))
    payload = {
        "command": "entropy",
        "path": os.fspath(path),
        "column": column,
        "unit": est.unit,
        "n": prof.n,
        "observed_outcomes": prof.k_obs,
        "plugin": plugin_json(plug, est.unit, "H(P̂), the entropy of the empirical distribution"),
        "estimate": estimate_json(est),
        "counted_by_key": list(by_key),
    }
    notes = [_diagnostics_line(est.diagnostics), *auto_note(est)]
    if by_key:
        notes.append(by_key_note(by_key, "its values cannot be listed (the estimate needs only their counts)"))
    _report(payload, path, column, est, plug, notes, fmt)


def _report(payload, path, column, est, plug, notes, fmt):
    report = estimate_report(payload, f"Entropy of {column!r} in {os.path.basename(os.fspath(path))}", est,
                             plugin=("H(P̂) plug-in", plug),
                             estimate="H(P) estimate", notes=notes,
                             sentence=reading("entropy", f"{column!r} in {_shown(path)}", sample_value(est, plug),
                                              est))
    finish(report, fmt)


def _diagnostics_line(d: dict) -> str:
    parts = []
    if "n" in d:
        parts.append(f"n = {d['n']}")
    if "k_observed" in d:
        parts.append(f"observed outcomes = {d['k_observed']}")
    if d.get("k") is not None and d.get("k_declared"):
        parts.append(f"K = {d['k']} (declared)")
    if "f1" in d:
        parts.append(f"singletons = {d['f1']}")
    if "coverage" in d:
        parts.append(f"coverage = {cell(d['coverage'], 4)}")
    if "n_over_k" in d:
        parts.append(f"n/K = {cell(d['n_over_k'], 4)}")
    if "stderr_method" in d:
        parts.append(f"stderr: {d['stderr_method']}")
    return "; ".join(parts)


def _shown(path) -> str:
    """The input's name in a sentence: the file's name, or "standard input" for ``-``."""
    return "standard input" if os.fspath(path) == "-" else os.path.basename(os.fspath(path))
