"""Coverage and shape of the intervals of the discrete estimates (entropy, mutual information, KL), by simulation.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_intervals.py --quick            # smoke run, ~20 s
    PYTHONPATH=src python benchmarks/bench_intervals.py --seed 1 --reps 200 --output benchmarks/RESULTS.md

Options: ``--reps N`` (samples per cell, default 200), ``--seed S`` (default 1),
``--quick`` (30 samples a cell, a smaller grid), ``--label TEXT`` (a name for the
run in the tables, e.g. "before"), ``--json PATH`` (per-cell coverage, to
compare two runs), ``--compare PATH`` (a JSON of an earlier run, e.g. of the
code before a change, shown next to this run), ``--output PATH`` (write or
replace the ``bench_intervals`` section of a markdown file).

Only the public functions are called, so the same script measures any version
of the package (``PYTHONPATH`` pointing at it).

Design
------
True distributions ``p`` over ``K`` outcomes: ``unif`` (``1/K``), ``zipf``
(``p_i ~ 1/i``), ``dir0.5`` and ``dir1`` (symmetric Dirichlet, a new ``p`` per
sample).  Grids (``--grid``): ``tune`` (the one the constructions were chosen
on), K in {3, 10, 100} x n in {30, 300, 3000}; ``report`` (the one results
are reported on, with another seed), K in {5, 20, 200} x n in {50, 500, 2000}.

* Entropy: ``estimate_entropy(Empirical.from_counts(counts), method,
  support_size=K)`` for every discrete method; truth ``H(p)``.
* Mutual information: ``X ~ p`` (K <= 20), ``Y = X`` with probability
  1/2 and else an independent uniform draw (``dep``), or ``Y`` independent
  of ``X`` (``indep``, truth 0: the boundary of the range); every discrete
  method; truth from the joint table.
* KL divergence: a sample of ``p`` against the known uniform Q (truth
  ``log K - H(p)``, 0 for ``unif``), every discrete method; and a sample of
  ``p`` against a second sample of ``p`` of the same size
  (``ik.empirical(y)``, ``smoothing="jeffreys"``; truth 0), ``plugin`` and
  ``miller_madow``.

``--from-json NAME=AFTER.json:BEFORE.json,...`` renders saved runs (each
with the run it is compared with) into one section, without simulating;
``--targets-table FILE`` adds a saved ``--shrinkage-targets`` table to it.

``--shrinkage-targets`` instead compares the two targets of the shrinkage
mutual information (uniform on all ``K_X K_Y`` pairs, the default, and
uniform on the observed cells) on the MI part of the grid: coverage of the
normal interval with the method's standard error, and RMSE.

Reported per method: coverage of the nominal 95% interval (share of samples
with ``lo <= truth <= hi``), the share of intervals of width 0, and the share
of estimates outside their own interval or below 0.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness as h  # noqa: E402

ik = h.import_infokit()

ENTROPY_METHODS = ["plugin", "miller_madow", "jackknife", "grassberger", "zhang", "chao_shen", "shrinkage",
                   "bonachela", "dirichlet", "nsb", "auto"]
MI_METHODS = [m for m in ENTROPY_METHODS if m != "dirichlet"]
KL_SAMPLED_METHODS = ["plugin", "miller_madow"]
FAMILIES = ["unif", "zipf", "dir0.5", "dir1"]


def draw_p(fam, K, rng):
    if fam == "unif":
        return np.full(K, 1.0 / K)
    if fam == "zipf":
        w = 1.0 / np.arange(1, K + 1)
        return w / w.sum()
    a = float(fam[3:])
    return rng.dirichlet(np.full(K, a))


def entropy_of(p):
    p = p[p > 0]
    return float(-np.sum(p * np.log(p)))


class Tally:
    """Per (measure, method, cell): covered, zero width, point outside its interval or below 0."""

    def __init__(self):
        self.cells = {}

    def add(self, key, est, truth):
        lo, hi = est.ci
        v = float(est.value)
        c = self.cells.setdefault(key, [0, 0, 0, 0])
        c[0] += 1
        c[1] += bool(lo - 1e-12 * max(1.0, abs(truth)) <= truth <= hi + 1e-12 * max(1.0, abs(truth)))
        c[2] += bool(hi - lo <= 0.0)
        c[3] += bool(not (lo <= v <= hi) or v < 0 or lo < 0)


GRIDS = {
    "tune": ([3, 10, 100], [30, 300, 3000]),
    "report": ([5, 20, 200], [50, 500, 2000]),
    "quick": ([3, 10], [30, 300]),
}
MI_MAX_K = 20


def run(reps, seed, grid):
    rng = np.random.default_rng(seed)
    tally = Tally()
    ks, ns = GRIDS[grid]
    for fam in FAMILIES:
        for K in ks:
            for n in ns:
                cell = (fam, K, n)
                for _ in range(reps):
                    p = draw_p(fam, K, rng)
                    counts = rng.multinomial(n, p)
                    e = ik.Empirical.from_counts(counts)
                    truth = entropy_of(p)
                    seed_b = int(rng.integers(2**31))
                    for m in ENTROPY_METHODS:
                        tally.add(("entropy", m, cell), ik.estimate_entropy(e, m, support_size=K, rng=seed_b), truth)
                    # KL against the known uniform Q, and against a second sample of p
                    kl_truth = max(math.log(K) - truth, 0.0)
                    x = np.repeat(np.arange(K), counts)
                    for m in ENTROPY_METHODS:
                        tally.add(("kl_known", m, cell), ik.estimate_kl(x, np.full(K, 1.0 / K), m, rng=seed_b),
                                  kl_truth)
                    y = np.repeat(np.arange(K), rng.multinomial(n, p))
                    for m in KL_SAMPLED_METHODS:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            est = ik.estimate_kl(x, ik.empirical(y), m, smoothing="jeffreys")
                        tally.add(("kl_sampled", m, cell), est, 0.0)
                    if K > MI_MAX_K:
                        continue
                    for dep in ("dep", "indep"):
                        eps = 0.5 if dep == "dep" else 1.0
                        joint = (1.0 - eps) * np.diag(p) + eps * np.outer(p, np.full(K, 1.0 / K))
                        py = joint.sum(axis=0)
                        mi_truth = max(entropy_of(p) + entropy_of(py) - entropy_of(joint.ravel()), 0.0)
                        cells = rng.multinomial(n, joint.ravel())
                        idx = np.repeat(np.arange(K * K), cells)
                        xs, ys = idx // K, idx % K
                        for m in MI_METHODS:
                            est = ik.estimate_mutual_information(xs, ys, m, rng=seed_b)
                            tally.add((f"mi_{dep}", m, cell), est, mi_truth)
    return tally


def shrinkage_targets(reps, seed, grid):
    """Coverage and RMSE of the shrinkage MI with each target, on the MI cells of ``grid``."""
    from infokit._estimators import discrete
    from infokit._samples.empirical import _group_counts, _resolve_columns
    from scipy import special

    z = float(special.ndtri(0.975))
    rng = np.random.default_rng(seed)
    ks, ns = GRIDS[grid]
    rows = []
    for dep in ("dep", "indep"):
        for K in [k for k in ks if k <= MI_MAX_K]:
            for n in ns:
                acc = {t: [0, 0.0] for t in ("grid", "observed")}
                for _ in range(reps):
                    fam = FAMILIES[int(rng.integers(len(FAMILIES)))]
                    p = draw_p(fam, K, rng)
                    eps = 0.5 if dep == "dep" else 1.0
                    joint = (1.0 - eps) * np.diag(p) + eps * np.outer(p, np.full(K, 1.0 / K))
                    truth = max(entropy_of(p) + entropy_of(joint.sum(axis=0)) - entropy_of(joint.ravel()), 0.0)
                    idx = np.repeat(np.arange(K * K), rng.multinomial(n, joint.ravel()))
                    xs, ys = idx // K, idx % K
                    se = ik.estimate_mutual_information(xs, ys, "shrinkage").stderr
                    cells, counts, (a, b) = _resolve_columns([xs, ys], False)
                    inv_x, nx = _group_counts(cells[:, np.array(a)], counts)
                    inv_y, ny = _group_counts(cells[:, np.array(b)], counts)
                    for t in acc:
                        v = discrete.shrinkage_mi(counts, inv_x, inv_y, nx.size, ny.size, t)[0]
                        acc[t][0] += max(v - z * se, 0.0) <= truth <= v + z * se
                        acc[t][1] += (v - truth) ** 2
                rows.append([dep, K, n] + [x for t in ("grid", "observed")
                                           for x in (pct(acc[t][0], reps), f"{math.sqrt(acc[t][1] / reps):.3f}")])
    return h.markdown_table(["pair", "K", "n", "grid: coverage %", "grid: RMSE", "observed: coverage %",
                             "observed: RMSE"], rows)


def summarize(tally):
    """{measure: {method: {group: [n, covered, zero, outside]}}} with groups 'all', 'fam=..', 'n=..'."""
    out = {}
    for (measure, m, (fam, K, n)), c in tally.cells.items():
        d = out.setdefault(measure, {}).setdefault(m, {})
        for g in ("all", f"fam={fam}", f"n={n}", f"K={K}"):
            acc = d.setdefault(g, [0, 0, 0, 0])
            for i in range(4):
                acc[i] += c[i]
    return out


def pct(x, tot):
    return f"{100.0 * x / tot:.0f}" if tot else "-"


def render(summary, label, previous=None, prev_label="before"):
    lines = []
    for measure, by_m in summary.items():
        groups = ["all"] + sorted({g for d in by_m.values() for g in d if g != "all"},
                                  key=lambda g: (g.split("=")[0], _num(g.split("=")[1])))
        lines.append(f"### {measure}: coverage of 95% intervals (percent of samples)")
        lines.append("")
        if previous and measure in previous:
            lines.append(f"Each entry: {label} ({prev_label}).")
            lines.append("")
        rows = []
        for m, d in by_m.items():
            row = [m]
            for g in groups:
                a = d.get(g)
                s = pct(a[1], a[0]) if a else "-"
                if previous and measure in previous and m in previous[measure] and g in previous[measure][m]:
                    b = previous[measure][m][g]
                    s += f" ({pct(b[1], b[0])})"
                row.append(s)
            a = d["all"]
            zero = pct(a[2], a[0])
            out = pct(a[3], a[0])
            if previous and measure in previous and m in previous[measure]:
                b = previous[measure][m]["all"]
                zero += f" ({pct(b[2], b[0])})"
                out += f" ({pct(b[3], b[0])})"
            rows.append(row + [zero, out])
        lines.append(h.markdown_table(["method", *groups, "width 0 %", "outside %"], rows))
        lines.append("")
    return "\n".join(lines)


def _num(s):
    try:
        return float(s)
    except ValueError:
        return math.inf


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=None)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--grid", choices=sorted(GRIDS), default="tune")
    ap.add_argument("--label", default="this run")
    ap.add_argument("--json", default=None)
    ap.add_argument("--compare", default=None)
    ap.add_argument("--compare-label", default="before")
    ap.add_argument("--output", default=None)
    ap.add_argument("--note", default="")
    ap.add_argument("--shrinkage-targets", action="store_true")
    ap.add_argument("--from-json", default=None)
    ap.add_argument("--targets-table", default=None)
    args = ap.parse_args()
    if args.from_json:
        parts = []
        for item in args.from_json.split(","):
            name, files = item.split("=")
            after, before = files.split(":")
            with open(after) as f:
                a = json.load(f)
            with open(before) as f:
                b = json.load(f)
            ks, ns = GRIDS[name]
            parts += [f"## Grid {name!r}: K in {ks} x n in {ns}, {a['reps']} samples a cell, seed {a['seed']}", ""]
            parts.append(render(a["summary"], args.label, b["summary"], args.compare_label).replace("### ", "#### "))
        text = "\n".join([args.note, ""] + parts) if args.note else "\n".join(parts)
        if args.targets_table:
            with open(args.targets_table) as f:
                text += "\n" + f.read()
        text = text.replace("\n## Grid", "\n### Grid")
        print(text)
        if args.output:
            section = h.render_section("Intervals of the discrete estimates: coverage (bench_intervals.py)",
                                       h.machine_description(("numpy", "scipy")), text)
            h.write_section(args.output, "bench_intervals", section)
        return
    if args.shrinkage_targets:
        print(shrinkage_targets(args.reps or 200, args.seed, "quick" if args.quick else args.grid))
        return
    reps = args.reps or (30 if args.quick else 200)
    t0 = time.perf_counter()
    tally = run(reps, args.seed, "quick" if args.quick else args.grid)
    secs = time.perf_counter() - t0
    summary = summarize(tally)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"reps": reps, "seed": args.seed, "summary": summary}, f)
    previous = None
    if args.compare:
        with open(args.compare) as f:
            previous = json.load(f)["summary"]
    grid = "quick" if args.quick else args.grid
    ks, ns = GRIDS[grid]
    body = [f"Grid {grid!r}: K in {ks} x n in {ns} x families unif, zipf, Dirichlet(0.5), Dirichlet(1) "
            f"(MI at K <= {MI_MAX_K}); {reps} samples a cell, seed {args.seed}, {secs:.0f} s. 'width 0 %': "
            "intervals of width 0; 'outside %': the estimate outside its own interval, or the estimate or the "
            "lower end below 0.", ""]
    if args.note:
        body += [args.note, ""]
    body.append(render(summary, args.label, previous, args.compare_label))
    text = "\n".join(body)
    print(text)
    if args.output:
        section = h.render_section("Intervals of the discrete estimates: coverage (bench_intervals.py)",
                                   h.machine_description(("numpy", "scipy")), text)
        h.write_section(args.output, "bench_intervals", section)


if __name__ == "__main__":
    main()
