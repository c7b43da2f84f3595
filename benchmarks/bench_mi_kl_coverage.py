"""Coverage of the 95% interval of the default method (``"auto"``) of the mutual information and the KL divergence.

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_mi_kl_coverage.py --reps 200 --output benchmarks/RESULTS.md

Design (``--grid report``, the default: K in {5, 20, 200}, N in {50, 500},
seed 20251203; ``--grid tune``: K in {4, 10, 100}, N in {40, 100}, seed
20261204; every cell has its own seed from the grid's, so the cells of the
smaller K are those of the grids before K = 100 and 200 joined them):

* mutual information: ``K_X = K_Y = K``; a new
  joint ``p(x, y)`` per repetition: *independent* (marginals drawn from
  Dirichlet(1), ``p = p_x p_y``) or *dependent* (``y = x`` with probability
  0.6, else ``y`` drawn from its own Dirichlet(1) marginal).  The sample is
  ``N`` pairs drawn from ``p``; truth: the exact MI of ``p``.
  ``ik.estimate_mutual_information(x, y)``.
* KL of a sample against a known Q: ``P``, ``Q`` ~ Dirichlet(a) over ``K``
  outcomes, a in {1, 10}, new per repetition; ``N`` samples of ``P``; truth:
  the exact ``D(P||Q)``.  ``ik.estimate_kl(samples, q)``.

Coverage: the fraction of repetitions whose reported interval ``est.ci``
contains the truth.  Changes to the intervals are chosen on the tune grid;
the report grid is only scored.
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np
from scipy.special import rel_entr, xlogy

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness as h  # noqa: E402

ik = h.import_infokit()

#: (K values, N values, seed) of each grid: "report" gives the figures to quote and is never tuned on;
#: "tune" (other K, N and seed) is where a change to the intervals is chosen.
GRIDS = {"report": ([5, 20, 200], [50, 500], 20251203), "tune": ([4, 10, 100], [40, 100], 20261204)}
TOL = 1e-9


def mi_of(p):
    px, py = p.sum(1), p.sum(0)
    return float(np.sum(xlogy(p, p)) - np.sum(xlogy(px, px)) - np.sum(xlogy(py, py)))


def delta_stderr(x, y, plug):
    """The delta-method standard error the MI had before the jackknife (plus the same chi-square term), for
    the ratio column: ``sqrt(sum (c/n) (log(c n / (n_x n_y)) - I)^2 / n + df / (2 n^2))``."""
    _, cx = np.unique(x, return_inverse=True)
    _, cy = np.unique(y, return_inverse=True)
    c = np.zeros((cx.max() + 1, cy.max() + 1))
    np.add.at(c, (cx, cy), 1.0)
    n = c.sum()
    ax, ay = np.broadcast_arrays(c.sum(axis=1, keepdims=True), c.sum(axis=0, keepdims=True))
    seen = c > 0
    pmi = np.log(c[seen] * n / (ax[seen] * ay[seen]))
    var = float(np.sum(c[seen] / n * (pmi - plug) ** 2)) / n
    return float(np.sqrt(var + (c.shape[0] - 1) * (c.shape[1] - 1) / (2.0 * n * n)))


def mi_cell(kind, K, N, reps, seed):
    rng = np.random.default_rng([seed, 0, 0 if kind == "independent" else 1, K, N])
    hits, err, methods, ratio = 0, [], set(), []
    for _ in range(reps):
        px, py = rng.dirichlet(np.ones(K)), rng.dirichlet(np.ones(K))
        p = np.outer(px, py)
        if kind == "dependent":
            p = 0.4 * p + 0.6 * np.diag(px)
        idx = rng.choice(K * K, size=N, p=p.ravel())
        x, y = idx // K, idx % K
        truth = mi_of(p)
        est = ik.estimate_mutual_information(x, y)
        methods.add(est.method)
        hits += est.ci[0] - TOL <= truth <= est.ci[1] + TOL
        err.append(est.value - truth)
        delta = delta_stderr(x, y, est.diagnostics["plugin"])
        if delta > 0:
            ratio.append(est.stderr / delta)
    err = np.array(err)
    return (hits / reps, float(np.sqrt(np.mean(err**2))), float(err.mean()), sorted(methods),
            f"{np.median(ratio):.2f}" if ratio else "-")


def kl_delta_stderr(x, q):
    """The delta-method standard error the KL against a known Q had before the jackknife (plus the same
    chi-square term), for the ratio column: ``sqrt(sum p̂ (log(p̂/q) - D̂)^2 / n + (seen - 1) / (2 n^2))``."""
    n = x.size
    w = np.bincount(x, minlength=q.size) / n
    seen = w > 0
    lr = np.log(w[seen] / q[seen])
    plug = float(np.sum(w[seen] * lr))
    return float(np.sqrt(np.sum(w[seen] * (lr - plug) ** 2) / n + max(int(seen.sum()) - 1, 1) / (2.0 * n * n)))


def kl_cell(a, K, N, reps, seed):
    rng = np.random.default_rng([seed, 1, int(a), K, N])
    hits, err, methods, ratio = 0, [], set(), []
    for _ in range(reps):
        p, q = rng.dirichlet(np.full(K, a)), rng.dirichlet(np.full(K, a))
        truth = float(np.sum(rel_entr(p, q)))
        x = rng.choice(K, size=N, p=p)
        est = ik.estimate_kl(x, q)
        methods.add(est.method)
        hits += est.ci[0] - TOL <= truth <= est.ci[1] + TOL
        err.append(est.value - truth)
        ratio.append(est.stderr / kl_delta_stderr(x, q))
    err = np.array(err)
    return (hits / reps, float(np.sqrt(np.mean(err**2))), float(err.mean()), sorted(methods),
            f"{np.median(ratio):.2f}")


def main(argv=None):
    ap = h.bench_parser(__doc__, reps=200)
    ap.add_argument("--grid", choices=sorted(GRIDS), default="report")
    ap.add_argument("--seed", type=int, default=None, help="default: the grid's")
    args = ap.parse_args(argv)
    KS, NS, seed = GRIDS[args.grid]
    args.seed = seed if args.seed is None else args.seed
    machine = h.machine_description(("numpy", "scipy"))
    emit, parts = h.collector()
    t0 = time.perf_counter()
    rows = []
    for kind in ("independent", "dependent"):
        for K in KS:
            for N in NS:
                cov, rmse, bias, ms, ratio = mi_cell(kind, K, N, args.reps, args.seed)
                rows.append(["MI", kind, K, N, f"{100 * cov:.1f}%", f"{rmse:.4f}", f"{bias:+.4f}", ", ".join(ms),
                             ratio])
    for a in (1.0, 10.0):
        for K in KS:
            for N in NS:
                cov, rmse, bias, ms, ratio = kl_cell(a, K, N, args.reps, args.seed)
                rows.append(["KL vs known Q", f"P, Q ~ Dir({a:g})", K, N, f"{100 * cov:.1f}%", f"{rmse:.4f}",
                             f"{bias:+.4f}", ", ".join(ms), ratio])
    covs = np.array([float(r[4][:-1]) for r in rows])
    emit("\n".join([
        f"- {args.grid} grid: {args.reps} repetitions a cell, seed {args.seed}; values in nats; default method "
        "(`auto`); " + ("changes to the intervals are chosen on the tune grid (`--grid tune`: other K, N and seed) "
                        "and only scored here." if args.grid == "report" else "the grid changes are chosen on."),
        "- MI: K_X = K_Y = K, marginals ~ Dirichlet(1), new per repetition; dependent: y = x with "
        "probability 0.6, else independent.  KL: P, Q ~ Dirichlet(a), N samples of P, Q given.",
        f"- wall time {time.perf_counter() - t0:.0f} s.",
        "- last column: the reported standard error (the delete-one jackknife of the plug-in, plus the chi-square "
        "term) over the delta-method one the MI and the KL had before, both from the same sample; median over the "
        "samples.",
    ]))
    emit(h.markdown_table(["estimate", "case", "K", "N", "95% coverage", "RMSE", "bias", "method(s) used",
                           "stderr / delta-method stderr (median)"], rows))
    emit(f"- coverage: mean {covs.mean():.1f}%, min {covs.min():.1f}% (goal: >= 90% in every cell, mean 93-97%); "
         f"{int((covs < 90).sum())} of {covs.size} cells below 90%.")
    key = "bench_mi_kl_coverage" + ("" if args.grid == "report" else "_tune")
    h.publish(args.output, key, f"Mutual information and KL: coverage of the default method (bench_mi_kl_coverage.py, "
              f"{args.grid} grid)", machine, "\n\n".join(parts))


if __name__ == "__main__":
    main()
