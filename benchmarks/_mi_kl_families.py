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

``--all-methods``: every discrete method is also run on each sample (for
the MI from the three entropies of each method on the profiles the estimate
uses, :func:`entropy_terms`, which give the public call's value exactly:
:func:`mi_of_terms`; by the public call for shrinkage and for the KL), and
the section adds ``auto``'s RMSE over the per-cell best (item 4's goals:
geometric mean <= 1.15, worst <= 1.6, never worse than NSB alone) over the
cells whose truth is not 0.  The per-sample values, the three entropies of
every method and the sample's features (:data:`FEATURES`) go to a pickle
(``--raw``, default ``benchmarks/<measure>_<grid>_raw.pkl``), which
``--from-raw`` re-reads, so that a rule that picks methods from the
features can be scored offline.
"""

from __future__ import annotations

import multiprocessing
import os
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


def features(profs):
    """What a rule for MI may look at, per sample (``profs``: :func:`profiles`): joint and marginal Good-Turing
    coverages, observed supports, the joint table's uniformity p-value over K_X K_Y cells (``auto.Features``)."""
    from infokit._estimators import auto

    px, py, pxy = profs
    return [px.coverage, py.coverage, pxy.coverage, px.k_obs, py.k_obs, pxy.k_obs,
            auto.Features.of(pxy).uniform_pvalue() if pxy.k > 1 else 1.0]


def profiles(x, y):
    """The profiles the MI estimate uses: x and y on their observed values, the pairs on ``K_X K_Y`` cells."""
    from infokit._estimators.result import Profile

    cx, cy = np.bincount(x), np.bincount(y)
    cx, cy = cx[cx > 0], cy[cy > 0]
    _, cxy = np.unique(x.astype(np.int64) * (y.max() + 1) + y, return_counts=True)
    return Profile.from_counts(cx, cx.size), Profile.from_counts(cy, cy.size), Profile.from_counts(cxy, cx.size * cy.size)


def entropy_terms(profs, names, rng):
    """``(H(X), H(Y), H(X, Y))`` in nats by each entropy method of ``names`` on the profiles the MI estimate
    uses (:func:`profiles`: observed supports, ``K_X K_Y`` for the pairs), NaN where a method cannot answer (and for
    ``shrinkage``, whose MI is not made of three entropies): for rules that mix methods, re-analysed offline."""
    from infokit._estimators import methods as m

    out = np.full((len(names), 3), np.nan)
    for i, name in enumerate(names):
        if name == "shrinkage":
            continue
        for j, prof in enumerate(profs):
            try:
                out[i, j] = m.METHODS[name].kernels[m.ENTROPY](prof, level=0.95, rng=rng).value
            except Exception:  # noqa: BLE001 - PYM without two repeated samples
                pass
    return out


def mi_of_terms(t, ft):
    """``estimate_mutual_information``'s value from the three entropies ``t`` (:func:`entropy_terms`) and the
    :func:`features` ``ft``: 0 for a variable seen with one value, else ``H(X) + H(Y) - H(X, Y)`` clipped to
    ``[0, min(H(X), H(Y))]`` (the same as the call by name: checked on the report grid, 4860 values)."""
    hx, hy, hxy = t
    if ft[3] == 1 or ft[4] == 1:
        return 0.0
    return float(np.clip(hx + hy - hxy, 0.0, min(max(hx, 0.0), max(hy, 0.0))))


FEATURES = ("coverage_x", "coverage_y", "coverage_xy", "k_x", "k_y", "k_xy", "uniform_p_xy")


def other_methods(measure):
    """The discrete methods besides ``auto`` (the per-cell best of ``--all-methods`` is among them)."""
    from infokit._estimators import methods as m

    key = m.MUTUAL_INFORMATION if measure == "mi" else m.KL
    return [n for n in m.names(key, data=m.DISCRETE) if n != "auto"]


def run_cell(task):
    measure, case, fam, K, N, reps, seed, all_methods = task
    rng = np.random.default_rng([seed, FAMILY_CODE[fam], K, N, 7 if measure == "mi" else 8,
                                 CASES[measure].index(case)])
    hits, err, used, open_upper, t0 = 0, [], set(), 0, time.process_time()
    others = other_methods(measure) if all_methods else []
    values, truths, feats, chosen, terms = [], [], [], [], []
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
            call = lambda name: ik.estimate_mutual_information(x, y, name)  # noqa: E731
        else:
            p = clean(be.draw_p(fam, K, rng))
            other = rng.permutation(p) if fam in be.FIXED else clean(be.draw_p(fam, K, rng))
            q = 0.5 * (p + other)
            truth = float(np.sum(rel_entr(p, q)))
            x = rng.choice(K, size=N, p=p)
            est = ik.estimate_kl(x, q)
            call = lambda name: ik.estimate_kl(x, q, name)  # noqa: E731
        lo, hi = est.ci
        tol = TOL * max(1.0, abs(truth))
        hits += lo - tol <= truth <= hi + tol
        open_upper += hi == np.inf
        err.append(est.value - truth)
        used.add(est.method)
        if all_methods:
            profs = profiles(x, y) if measure == "mi" else None
            tt = entropy_terms(profs, others, rng) if profs else None
            ft = features(profs) if profs else [np.nan] * len(FEATURES)
            row = []
            for i, name in enumerate(others):
                if tt is not None and name != "shrinkage":  # the value the public call gives, from its terms
                    row.append(mi_of_terms(tt[i], ft))
                    continue
                try:
                    row.append(call(name).value)
                except Exception:  # noqa: BLE001 - a kernel that cannot answer on this sample
                    row.append(np.nan)
            values.append(row)
            truths.append(truth)
            chosen.append(est.method)
            feats.append(ft)
            if tt is not None:
                terms.append(tt)
    err = np.asarray(err)
    extra = {}
    if all_methods:
        extra = {"others": others, "values": np.asarray(values, float), "truths": np.asarray(truths, float),
                 "auto_values": np.asarray(err) + np.asarray(truths), "auto_methods": chosen,
                 "features": np.asarray(feats, float), "terms": np.asarray(terms, float)}
    return extra | {"measure": measure, "case": case, "family": fam, "K": K, "N": N, "reps": reps,
            "coverage": hits / reps, "rmse": float(np.sqrt(np.mean(err**2))), "bias": float(err.mean()),
            "open_upper": open_upper / reps, "methods": sorted(used), "cpu_s": time.process_time() - t0}


def simulate(measure, which, reps, reps_large, large_n, seed, processes, all_methods=False):
    tasks = []
    for case in CASES[measure]:
        for fam, K, N in be.grid(False, which):
            tasks.append((measure, case, fam, K, N, reps_large if N >= large_n else reps, seed, all_methods))
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


def rmse_table(results, measure):
    """Markdown: RMSE of ``auto`` and of each method over the per-cell best (``--all-methods``), and the goals.

    The cells whose truth is 0 in every sample (independent pairs; the uniform family's Q = P) are left
    out of the ratios: a method biased below 0 and clipped there is exact on them (Laplace's and Jeffreys'
    pseudo-counts over K_X K_Y cells), and wins them against any estimate that moves with the sample.  Their
    RMSEs are listed apart.
    Per-cell best: among the methods that answered on every sample of the cell (PYM needs two repeated
    samples).
    """
    others = results[0]["others"]
    names = ["auto"] + ([FORMER] if measure == "mi" else []) + others
    ratios = {m: [] for m in names}
    worse, worst_cell, zero_rows = [], {}, []
    for r in sorted(results, key=lambda r: (CASES[measure].index(r["case"]), be.FAMILIES.index(r["family"]),
                                            r["K"], r["N"])):
        err = {m: r["values"][:, j] - r["truths"] for j, m in enumerate(others)}
        err["auto"] = r["auto_values"] - r["truths"]
        if measure == "mi":
            err[FORMER] = former_mi_rule(r) - r["truths"]
        rmse = {m: float(np.sqrt(np.mean(e ** 2))) for m, e in err.items() if np.isfinite(e).all()}
        label = f"{r['family']}{', ' + r['case'] if len(CASES[measure]) > 1 else ''} K={r['K']} N={r['N']}"
        if not np.any(r["truths"]):
            zero_rows.append(rmse)
            continue
        best = min(v for m, v in rmse.items() if m not in ("auto", FORMER))
        for m in names:
            q = rmse.get(m, np.inf) / best
            ratios[m].append(q)
            if q >= max(ratios[m]):
                worst_cell[m] = label
        if rmse["auto"] > rmse.get("nsb", np.inf) * (1 + 1e-9):
            worse.append(f"{label} ({rmse['auto'] / best:.2f} vs {rmse['nsb'] / best:.2f})")

    def geo(v):
        v = np.asarray(v)
        return float(np.exp(np.mean(np.log(v)))) if np.isfinite(v).all() else np.inf

    rows = sorted(([m, f"{geo(ratios[m]):.2f}", f"{max(ratios[m]):.3g}", worst_cell.get(m, "-"),
                    int(sum(q <= 1.0 + 1e-12 for q in ratios[m])) if m not in ("auto", FORMER) else "-",
                    int(sum(np.isinf(ratios[m])))] for m in names),
                  key=lambda row: (float(row[1]), row[0]))
    tab = h.markdown_table(["method", "geo-mean ratio", "worst ratio", "worst cell", "cells won",
                            "cells not answered"], rows)
    n_cells = len(ratios["auto"])
    g, w = geo(ratios["auto"]), max(ratios["auto"])
    ok = g <= 1.15 and w <= 1.6 and not worse
    former = ""
    if FORMER in ratios:
        lost = sum(q > n * (1 + 1e-9) for q, n in zip(ratios[FORMER], ratios["nsb"]))
        former = (f"\n- the former rule (`{FORMER}`: the entropy rule on the joint table, Grassberger from coverage "
                  f"0.95): geo-mean {geo(ratios[FORMER]):.2f}, worst {max(ratios[FORMER]):.3g}, worse than NSB "
                  f"alone in {lost} of {n_cells} cells.")
    text = (f"- **auto**, over the {n_cells} cells whose truth is not 0: geo-mean {g:.2f} (goal <= 1.15), worst "
            f"{w:.3g} ({worst_cell['auto']}; goal <= 1.6), worse than NSB alone in {len(worse)} of {n_cells} cells "
            f"(goal 0): {'PASS' if ok else 'FAIL'}."
            + (f"  NSB alone: {geo(ratios['nsb']):.2f} / {max(ratios['nsb']):.3g}." if "nsb" in ratios else ""))
    text += former
    if measure == "mi":
        text += ("\n- where few samples repeat a value (N small against K) a sample of dependent x and y has the same "
                 "profile of counts as one of independent ones, so the method that wins the dependent cell there "
                 "(a plug-in-like one, far above 0) is the worst on the independent cell (the table below): no rule "
                 "that sees only the sample wins both, and the worst ratio is set by those cells.")
    if worse:
        text += "\n- auto worse than NSB: " + "; ".join(worse[:12]) + (" ..." if len(worse) > 12 else "")
    zero = ""
    if zero_rows:
        z = {m: [c.get(m, np.nan) for c in zero_rows] for m in names}
        ztab = sorted(([m, f"{np.mean(v):.3g}", f"{np.max(v):.3g}", int(np.sum(np.isnan(v)))] for m, v in z.items()),
                      key=lambda row: (float(row[1]) if row[1] != "nan" else np.inf, row[0]))
        zero = (f"\n\nThe {len(zero_rows)} cells whose truth is 0 (left out of the ratios): RMSE in nats, mean and "
                "largest over the cells (a method that cannot answer on every sample of a cell: nan)\n\n"
                + h.markdown_table(["method", "mean RMSE", "largest RMSE", "cells not answered"], ztab))
    return tab, text + zero


#: The row of the MI's former ``auto`` (before NSB for all three entropies), rebuilt from the samples' values.
FORMER = "auto, former rule"


def former_mi_rule(r):
    """The MI's former ``auto`` on each sample of a cell: the entropy rule on the joint table (K_X K_Y cells) --
    NSB where the table looks uniform (it stood in for shrinkage) or its coverage is below 0.95, Grassberger
    from 0.95 on (a single cell: 0 either way) -- from the :data:`FEATURES` and the values of NSB and
    Grassberger.  Equal to the recorded ``auto`` on the tune grid's samples simulated before the change."""
    from infokit._estimators import auto

    o, F = r["others"], r["features"]
    # 0.95: the former rule's COVERAGE_WELL_SAMPLED, removed with it
    well = (F[:, FEATURES.index("uniform_p_xy")] < auto.UNIFORM_LEVEL) & (F[:, FEATURES.index("coverage_xy")] >= 0.95)
    return np.where(well, r["values"][:, o.index("grassberger")], r["values"][:, o.index("nsb")])


def save_raw(path, results):
    """The per-sample values of every method, the truths and the features (``--all-methods``): a pickle."""
    import pickle

    with open(path, "wb") as f:
        pickle.dump(results, f)


def main(args, machine):
    which = args.grid
    seed = args.seed if args.seed is not None else (be.REPORT_SEED if which == "report" else be.TUNE_SEED)
    reps = args.reps if args.reps is not None else 100
    t0 = time.perf_counter()
    if args.from_raw:
        import pickle

        with open(args.from_raw, "rb") as f:
            results = pickle.load(f)
    else:
        results = simulate(args.measure, which, reps, args.reps_large, args.large_n, seed, args.processes,
                           args.all_methods)
    wall = time.perf_counter() - t0
    all_methods = "others" in results[0]
    if all_methods and not args.from_raw:
        raw = args.raw if args.raw != be.DEFAULT_RAW else os.path.join(be.HERE, f"{args.measure}_{which}_raw.pkl")
        save_raw(raw, results)
        print(f"wrote {raw}")
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
    if all_methods:
        tab, text = rmse_table(results, args.measure)
        emit("### RMSE ratio to the per-cell best, every method\n\n"
             "ratio = RMSE / (smallest RMSE of the methods other than auto in the cell, each called on the same "
             "samples by name); geometric mean and worst over the cells.\n\n" + tab + "\n\n" + text)
    key = f"bench_estimators_{args.measure}" + ("_report" if which == "report" else "")
    if args.output:
        title = (f"{name[0].upper()}{name[1:]}: coverage on the family grid "
                 f"(bench_estimators.py --measure {args.measure} --grid {which})")
        h.write_section(args.output, key, h.render_section(title, machine, "\n\n".join(parts)))
        print(f"wrote section '{key}' to {args.output}")
