"""Drift test: false-alarm rate at alpha = 0.05 and power, on simulated columns and real tables.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_drift.py
    PYTHONPATH=src python benchmarks/bench_drift.py --output benchmarks/RESULTS.md
    PYTHONPATH=src python benchmarks/bench_drift.py --quick      # smoke run, fewer replicates

Every figure is the fraction of replicates whose ``ik.drift`` p-value is
below 0.05 (default bins: 10 quantile bins with open-ended outer intervals,
fitted on the reference; ``n_permutations`` as printed).

* **False alarms** — both samples from one distribution: simulated columns
  (standard normal, exponential, Poisson(3) counts, a 4-category label) with
  ``n`` values per side; and real tables split at random into two halves
  (scikit-learn's ``load_diabetes`` and ``load_breast_cancer``, statsmodels'
  ``fair`` and ``randhie``), reported per column type: continuous (no tied
  values), many values with ties (more distinct values than bins), few
  values (at most 10 distinct values: one bin each).  Target: 4–6 %.
  The same replicates with ``n_permutations=0`` (chi-square approximation)
  are shown beside.
* **Power** — reference ``N(0, 1)``; current ``N(d, 1)`` (mean shift ``d`` in
  units of sigma), ``N(0, s^2)`` (scale change) or ``N(0, 1)`` with 2 % of its
  values replaced by ``5 + 5 U`` (far outliers, 5–10 sigma beyond the mean,
  on one side).  Beside it, the power of the two-sample Kolmogorov–Smirnov
  test (``scipy.stats.ks_2samp``) on the same replicates, for reference.

The standard error of a rate ``r`` over ``R`` replicates is
``sqrt(r (1 - r) / R)`` (about 0.6 points for 5 % over 1500).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

import numpy as np
import scipy.stats

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness as h  # noqa: E402

ik = h.import_infokit()
from infokit.drift import drift  # noqa: E402
from infokit.errors import ApproximationWarning  # noqa: E402

SEED = 20261202
ALPHA = 0.05
SIZES = (200, 1000, 5000)


def _simulated(rng, n):
    return {
        "normal": rng.normal(size=n),
        "exponential": rng.exponential(size=n),
        "poisson(3)": rng.poisson(3.0, size=n).astype(float),
        "4 labels": rng.choice(np.array(["a", "b", "c", "d"]), size=n, p=[0.4, 0.3, 0.2, 0.1]),
    }


def false_alarms_simulated(reps, n_perm, seed):
    rng = np.random.default_rng(seed)
    rows = []
    for n in SIZES:
        hits = {}
        for i in range(reps):
            ref, cur = _simulated(rng, n), _simulated(rng, n)
            perm = drift(ref, cur, n_permutations=n_perm, rng=rng)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ApproximationWarning)
                asym = drift(ref, cur, n_permutations=0)
            for col in ref:
                h_ = hits.setdefault(col, [0, 0])
                h_[0] += perm.loc[col, "p_value"] < ALPHA
                h_[1] += asym.loc[col, "p_value"] < ALPHA
        for col, (a, b) in hits.items():
            rows.append([col, n, reps, _pct(a / reps, reps), _pct(b / reps, reps)])
    return rows


def _tables():
    from sklearn.datasets import load_breast_cancer, load_diabetes
    import statsmodels.api as sm

    out = {
        "diabetes (sklearn)": load_diabetes(as_frame=True).data,
        "breast_cancer (sklearn)": load_breast_cancer(as_frame=True).data,
        "fair (statsmodels)": sm.datasets.fair.load_pandas().data,
        "randhie (statsmodels)": sm.datasets.randhie.load_pandas().data,
    }
    return out


def _column_type(values, n_bins=10):
    v = np.asarray(values, dtype=float)
    distinct = np.unique(v).size
    if distinct <= n_bins:
        return "few values (<= 10)"
    if distinct == v.size:
        return "continuous (no ties)"
    return "many values, ties"


def false_alarms_real(splits, n_perm, seed):
    rng = np.random.default_rng(seed + 1)
    rows, by_type = [], {}
    for name, df in _tables().items():
        types = {c: _column_type(df[c]) for c in df.columns}
        hits = {c: 0 for c in df.columns}
        n = len(df)
        for _ in range(splits):
            idx = rng.permutation(n)
            ref, cur = df.iloc[idx[: n // 2]], df.iloc[idx[n // 2:]]
            res = drift(ref, cur, n_permutations=n_perm, rng=rng)
            for c in df.columns:
                hits[c] += res.loc[c, "p_value"] < ALPHA
        per_type = {}
        for c, k in hits.items():
            t = per_type.setdefault(types[c], [0, 0])
            t[0] += k
            t[1] += splits
            b = by_type.setdefault(types[c], [0, 0])
            b[0] += k
            b[1] += splits
        for t, (k, tot) in sorted(per_type.items()):
            ncols = tot // splits
            rows.append([name, f"{n} ({n // 2} + {n - n // 2})", t, ncols, splits, _pct(k / tot, tot)])
    for t, (k, tot) in sorted(by_type.items()):
        rows.append(["all four tables", "", t, tot // splits, splits, _pct(k / tot, tot)])
    return rows


SCENARIOS = (
    ("mean shift 0.1 sigma", lambda rng, n: rng.normal(0.1, 1.0, n)),
    ("mean shift 0.25 sigma", lambda rng, n: rng.normal(0.25, 1.0, n)),
    ("mean shift 0.5 sigma", lambda rng, n: rng.normal(0.5, 1.0, n)),
    ("scale x1.2", lambda rng, n: rng.normal(0.0, 1.2, n)),
    ("scale x1.5", lambda rng, n: rng.normal(0.0, 1.5, n)),
    ("2% far outliers (5-10 sigma)", None),
)


def _outliers(rng, n):
    x = rng.normal(size=n)
    k = max(1, round(0.02 * n))
    x[rng.choice(n, k, replace=False)] = 5.0 + 5.0 * rng.random(k)
    return x


def power(reps, n_perm, seed):
    rng = np.random.default_rng(seed + 2)
    rows = []
    for n in SIZES:
        hits = {name: [0, 0, 0] for name, _ in SCENARIOS}
        psis = {name: [] for name, _ in SCENARIOS}
        for _ in range(reps):
            ref = rng.normal(size=n)
            cur = {name: (gen(rng, n) if gen is not None else _outliers(rng, n)) for name, gen in SCENARIOS}
            res = drift({k: ref for k in cur}, cur, n_permutations=n_perm, rng=rng)
            for name in cur:
                hits[name][0] += res.loc[name, "p_value"] < ALPHA
                hits[name][1] += res.loc[name, "verdict"] in ("moderate", "drift")
                hits[name][2] += scipy.stats.ks_2samp(ref, cur[name]).pvalue < ALPHA
                psis[name].append(res.loc[name, "psi"])
        for name, (a, v, k) in hits.items():
            rows.append([name, n, reps, _pct(a / reps, reps), f"{np.median(psis[name]):.3f}", _pct(v / reps, reps),
                         _pct(k / reps, reps)])
    return rows


def _pct(rate, reps):
    se = np.sqrt(max(rate * (1 - rate), 1e-12) / reps)
    return f"{100 * rate:.1f} ± {100 * se:.1f}"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="fewer replicates (smoke run)")
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--output", help="markdown file to write the dated section into (e.g. benchmarks/RESULTS.md)")
    args = ap.parse_args(argv)
    reps_null, splits, reps_power, n_perm = (200, 40, 60, 200) if args.quick else (1500, 250, 400, 500)

    c0 = time.process_time()
    t0 = time.perf_counter()
    sim = false_alarms_simulated(reps_null, n_perm, args.seed)
    t1 = time.perf_counter()
    real = false_alarms_real(splits, n_perm, args.seed)
    t2 = time.perf_counter()
    pw = power(reps_power, n_perm, args.seed)
    t3 = time.perf_counter()
    cpu = time.process_time() - c0

    body = [
        f"Seed {args.seed}; alpha = {ALPHA}; `ik.drift` defaults (10 quantile bins, open-ended outer "
        f"intervals, missing bin) with n_permutations = {n_perm}. Rates in % ± one standard error. "
        f"Wall time: {t1 - t0:.0f} s simulated nulls, {t2 - t1:.0f} s real tables, {t3 - t2:.0f} s power "
        f"({cpu:.0f} s of CPU in all; the machine was shared).",
        "",
        "### False-alarm rate, simulated columns (target 4–6 %)",
        "",
        h.markdown_table(["column", "n per side", "replicates", "p < 0.05: permutation [%]",
                          "p < 0.05: chi-square, n_permutations=0 [%]"], sim),
        "",
        "### False-alarm rate, real tables split at random into halves (target 4–6 %)",
        "",
        h.markdown_table(["table", "rows (ref + cur)", "column type", "columns", "splits", "p < 0.05 [%]"], real),
        "",
        "### Power against N(0, 1) reference",
        "",
        h.markdown_table(["current sample", "n per side", "replicates", "p < 0.05 [%]", "median PSI [nats]",
                          "verdict moderate or drift [%]", "KS test p < 0.05 [%] (scipy, same data)"], pw),
        "",
        "A significant change whose PSI is below 0.1 is the verdict \"minor\": with 5000 values per side a "
        "0.25 sigma shift is detected every time but graded minor by the PSI thresholds.",
        "",
        "Reading: against a location shift the binned test is weaker than KS (which uses the full ordering); "
        "against a scale change it is stronger. Far outliers are counted in the open-ended top bin, a tenth "
        "of the reference: 2 % more mass there is within that bin's sampling noise at 200 per side, detected "
        "about one time in ten at 1000 and about half the time at 5000 (more bins, e.g. `n_bins=20`, would "
        "give the tails more weight; not measured here).",
    ]
    text = "\n".join(body)
    print(text)
    if args.output:
        machine = h.machine_description(("numpy", "scipy", "pandas"))
        h.write_section(args.output, "bench_drift",
                        h.render_section("Drift test: false alarms and power (bench_drift.py)", machine, text))


if __name__ == "__main__":
    main()
