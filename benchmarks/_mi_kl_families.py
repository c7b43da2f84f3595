"""The family grid of ``bench_estimators.py`` for the mutual information and the KL divergence (``--measure``).

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_estimators.py --measure mi --grid tune --output benchmarks/RESULTS.md
    PYTHONPATH=src python benchmarks/bench_estimators.py --measure kl --grid report --output benchmarks/RESULTS.md

The cells are those of the entropy grids (``bench_estimators.grid``: the
nine families x K x N/K, N >= 10), with the seeds of the grid (tune 20240601,
report 20251202) and their own stream per measure and case.  For each
repetition:

* ``mi``: ``p_X``, ``p_Y`` drawn from the family over K values (a new pair per
  repetition for the random families; equal for Zipf, geometric and uniform);
  N pairs: *independent* (``y ~ p_Y``) or *dependent* (``y = x`` with
  probability 0.6, else ``y ~ p_Y``).  Truth: the exact MI of that joint
  (computed in O(K)).  ``ik.estimate_mutual_information(x, y)``.
* ``kl``: P drawn from the family, Q = (P + P') / 2 with P' another draw (a
  random permutation of P for the fixed families, so Q = P for the uniform one:
  D = 0); N samples of P, Q given.  Truth: the exact ``D(P||Q)`` (at most
  log 2).  ``ik.estimate_kl(x, q)``: the support size is Q's, always known.

Coverage: the fraction of repetitions whose interval ``est.ci`` holds the
truth (an open upper end covers); RMSE and bias of ``est.value``.  The
default method throughout.
"""

from __future__ import annotations

import multiprocessing
import time

import numpy as np
from scipy.special import rel_entr, xlogy

import _harness as h
import bench_estimators as be

ik = be.infokit
TOL = 1e-9
CASES = {"mi": ("independent", "dependent"), "kl": ("P vs (P + P')/2",)}
FAMILY_CODE = {f: i for i, f in enumerate(be.FAMILIES)}


def mi_truth(px, py, dependent):
    """The exact MI of ``p(x, y) = p_x(x) (0.4 p_y(y) + 0.6 [y = x])`` (dependent) or ``p_x p_y`` (0): O(K)."""
    if not dependent:
        return 0.0
    my = 0.4 * py + 0.6 * px  # the marginal of y
    with np.errstate(divide="ignore"):
        log_my = np.log(my)
    seen = my > 0
    off = np.zeros_like(my)  # the terms y != x of each row, summed over all y, then corrected
    off[seen] = xlogy(0.4 * py[seen], 0.4 * py[seen]) - 0.4 * py[seen] * log_my[seen]
    rows = px > 0  # my >= 0.6 p_x > 0 there
    diag = xlogy(0.4 * py[rows] + 0.6, 0.4 * py[rows] + 0.6) - (0.4 * py[rows] + 0.6) * log_my[rows]
    return float(np.sum(px[rows] * (off.sum() - off[rows] + diag)))


def clean(p):
    """``p`` without the subnormal masses a tiny Dirichlet concentration leaves (renormalised): half of one
    would round to 0 in ``Q = (P + P')/2`` and make the truth infinite."""
    p = np.where(p < 1e-300, 0.0, p)
    return p / p.sum()


def run_cell(task):
    measure, case, fam, K, N, reps, seed = task
    rng = np.random.default_rng([seed, FAMILY_CODE[fam], K, N, 7 if measure == "mi" else 8,
                                 CASES[measure].index(case)])
    hits, err, used, open_upper, t0 = 0, [], set(), 0, time.process_time()
    for _ in range(reps):
        if measure == "mi":
            px = clean(be.draw_p(fam, K, rng))
            py = px if fam in be.FIXED else clean(be.draw_p(fam, K, rng))
            x = rng.choice(K, size=N, p=px)
            y = rng.choice(K, size=N, p=py)
            dependent = case == "dependent"
            if dependent:
                y = np.where(rng.random(N) < 0.6, x, y)
            truth = mi_truth(px, py, dependent)
            est = ik.estimate_mutual_information(x, y)
        else:
            p = clean(be.draw_p(fam, K, rng))
            other = rng.permutation(p) if fam in be.FIXED else clean(be.draw_p(fam, K, rng))
            q = 0.5 * (p + other)
            truth = float(np.sum(rel_entr(p, q)))
            x = rng.choice(K, size=N, p=p)
            est = ik.estimate_kl(x, q)
        lo, hi = est.ci
        tol = TOL * max(1.0, abs(truth))
        hits += lo - tol <= truth <= hi + tol
        open_upper += hi == np.inf
        err.append(est.value - truth)
        used.add(est.method)
    err = np.asarray(err)
    return {"measure": measure, "case": case, "family": fam, "K": K, "N": N, "reps": reps,
            "coverage": hits / reps, "rmse": float(np.sqrt(np.mean(err**2))), "bias": float(err.mean()),
            "open_upper": open_upper / reps, "methods": sorted(used), "cpu_s": time.process_time() - t0}


def simulate(measure, which, reps, reps_large, large_n, seed, processes):
    tasks = []
    for case in CASES[measure]:
        for fam, K, N in be.grid(False, which):
            tasks.append((measure, case, fam, K, N, reps_large if N >= large_n else reps, seed))
    tasks.sort(key=lambda t: -t[4] * t[5])  # the longest first: the pool finishes together
    if processes > 1:
        with multiprocessing.Pool(processes) as pool:
            return list(pool.imap_unordered(run_cell, tasks))
    return [run_cell(t) for t in tasks]


def _pct(x):
    return f"{100 * x:.0f}"


def tables(results, measure):
    """Markdown: coverage and RMSE per (family, case) x (K, N); summaries by N/K and by family; the goals."""
    keys = sorted({(r["K"], r["N"]) for r in results})
    by = {(r["family"], r["case"], r["K"], r["N"]): r for r in results}
    rows_c, rows_e = [], []
    for case in CASES[measure]:
        for fam in be.FAMILIES:
            label = fam if len(CASES[measure]) == 1 else f"{fam}, {case}"
            cells = [by.get((fam, case, k, n)) for k, n in keys]
            rows_c.append([label] + [_pct(c["coverage"]) + ("*" if c["open_upper"] > 0.5 else "") if c else "-"
                                     for c in cells])
            rows_e.append([label] + [f"{c['rmse']:.3g} ({c['bias']:+.2g})" if c else "-" for c in cells])
    head = ["family" if len(CASES[measure]) == 1 else "family, case"] + [f"K={k} N={n}" for k, n in keys]
    cov = np.array([r["coverage"] for r in results])
    grid_ratios = be.REPORT_RATIOS + be.RATIOS

    def ratio(r):  # N is rounded from N/K: the grid's ratio
        return min(grid_ratios, key=lambda q: abs(np.log(r["N"] / r["K"] / q)))

    by_ratio = [[f"{q:g}", len(sel), f"{100 * np.mean(sel):.1f}%", f"{100 * np.min(sel):.1f}%",
                 int(np.sum(np.array(sel) < 0.9))]
                for q in sorted({ratio(r) for r in results})
                for sel in [[r["coverage"] for r in results if ratio(r) == q]]]
    low = sorted((r for r in results if r["coverage"] < 0.9), key=lambda r: r["coverage"])
    text = [f"- coverage: mean {100 * cov.mean():.1f}%, min {100 * cov.min():.1f}% over {cov.size} cells; "
            f"{int((cov < 0.9).sum())} below 90% (goals: >= 90% in every cell, mean 93-97%)."]
    if low:
        text.append("- below 90%: " + "; ".join(
            f"{r['family']} {r['case'] if len(CASES[measure]) > 1 else ''} K={r['K']} N={r['N']}: "
            f"{100 * r['coverage']:.0f}% (bias {r['bias']:+.3g}, {', '.join(r['methods'])})".replace("  ", " ")
            for r in low))
    return (h.markdown_table(head, rows_c), h.markdown_table(head, rows_e),
            h.markdown_table(["N/K", "cells", "mean coverage", "min", "cells < 90%"], by_ratio), "\n".join(text))


def main(args, machine):
    which = args.grid
    seed = args.seed if args.seed is not None else (be.REPORT_SEED if which == "report" else be.TUNE_SEED)
    reps = args.reps if args.reps is not None else 100
    t0 = time.perf_counter()
    results = simulate(args.measure, which, reps, args.reps_large, args.large_n, seed, args.processes)
    wall = time.perf_counter() - t0
    emit, parts = h.collector()
    name = {"mi": "mutual information", "kl": "KL divergence against a known Q"}[args.measure]
    emit("\n".join([
        f"- {which} grid (the cells of the entropy's {which} grid), seed {seed}; {reps} repetitions a cell "
        f"({args.reps_large} where N >= {args.large_n}); default method (`auto`); values in nats.",
        "- " + (" ".join(__doc__.split("* ``mi``:")[1].split("* ``kl``:")[0].split()) if args.measure == "mi"
                else " ".join(__doc__.split("* ``kl``:")[1].split("Coverage:")[0].split())),
        "- " + ("the intervals' rule was chosen on `bench_mi_kl_coverage.py --grid tune` (Dirichlet(1)/(10), K "
                "<= 100) and is only scored here; this grid is never tuned on." if which == "report" else
                "the rule was chosen on `bench_mi_kl_coverage.py --grid tune`; this grid scores it on the "
                "families; the figures to quote are the report grid's."),
        f"- wall time {wall:.0f} s on {args.processes} process(es); "
        f"`bench_estimators.py --measure {args.measure} --grid {which} --reps {reps} --reps-large "
        f"{args.reps_large}`.",
    ]))
    cov_t, err_t, ratio_t, text = tables(results, args.measure)
    emit(f"### Coverage of the 95% interval of the {name} (percent; * = upper end open in most samples)\n\n"
         + cov_t + "\n\n" + text)
    emit("### By N/K\n\n" + ratio_t)
    emit("### RMSE (bias) of the value, nats\n\n" + err_t)
    key = f"bench_estimators_{args.measure}" + ("_report" if which == "report" else "")
    if args.output:
        title = (f"{name[0].upper()}{name[1:]}: coverage on the family grid "
                 f"(bench_estimators.py --measure {args.measure} --grid {which})")
        h.write_section(args.output, key, h.render_section(title, machine, "\n\n".join(parts)))
        print(f"wrote section '{key}' to {args.output}")
