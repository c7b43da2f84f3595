"""Time and accuracy of the PYM, Chao-Wang-Jost, JVHW and pseudo-count entropy kernels.

Timing (default):

Sample: ``n`` draws (default 1e5) from a Zipf(1) distribution on ``k`` outcomes
(default 2e4; about 1.3e4 of them observed), seeded.  Every kernel runs on the
same :class:`~infokit._estimators.result.Profile`, round-robin with the
existing kernels as peers (``plugin``, ``grassberger``, ``nsb``), and through
``ik.estimate_entropy`` on the raw samples (counting included).  Goal: each new
estimator well under a second.

    python benchmarks/bench_new_estimators.py [--n 100000] [--k 20000] [--reps 5] [--output benchmarks/RESULTS.md]

Accuracy (``--accuracy``): RMSE against the true entropy over a grid of
families (uniform, Zipf(1), Zipf(1.5), a Dirichlet(1/2) draw) x sizes
``n = K/4, K, 4K``, ``--samples`` samples a cell.  ``--tune`` runs JVHW's
threshold constant ``C`` in {1, 2, 4} on the tuning grid (K = 1e4, seed 1);
``C = 2`` was chosen there.  The reported grid uses K = 3000 and 30000 and
seed 2 (support size declared for the methods that use one).
"""

from __future__ import annotations

import argparse

import numpy as np

import _harness as h

ik = h.import_infokit()
from infokit._estimators.methods import ENTROPY_KERNELS  # noqa: E402
from infokit._estimators.result import Profile  # noqa: E402

NEW = ("pym", "chao_wang_jost", "jvhw", "laplace", "jeffreys", "minimax", "schurmann_grassberger")
PEERS = ("plugin", "grassberger", "nsb")


FAMILIES = ("uniform", "zipf1", "zipf1.5", "dirichlet0.5")
ACCURACY = ("plugin", "miller_madow", "grassberger", "chao_shen", "nsb", "pym", "chao_wang_jost", "jvhw",
            "laplace", "jeffreys", "minimax", "schurmann_grassberger")


def family(name, k, rng):
    if name == "uniform":
        p = np.ones(k)
    elif name.startswith("zipf"):
        p = np.arange(1, k + 1, dtype=float) ** -float(name[4:])
    else:
        p = rng.dirichlet(np.full(k, 0.5))
    return p / p.sum()


def rmse_grid(ks, seed, samples, methods, setup=lambda m: None):
    rng = np.random.default_rng(seed)
    rows = {}
    for k in ks:
        for fam in FAMILIES:
            p = family(fam, k, rng)
            truth = float(-(p[p > 0] * np.log(p[p > 0])).sum())
            for n in (k // 4, k, 4 * k):
                profs = [Profile.from_counts(rng.multinomial(n, p), k) for _ in range(samples)]
                for m in methods:
                    setup(m)
                    kern = ENTROPY_KERNELS[m if m in ENTROPY_KERNELS else "jvhw"]
                    err = [kern(pr, level=0.95, rng=rng).value - truth for pr in profs]
                    rows.setdefault((k, fam, n), {})[m] = float(np.sqrt(np.mean(np.square(err))))
    return rows


def accuracy(args):
    from infokit._estimators import jvhw

    out = []
    if args.tune:
        cs = {f"C={c:g}": c for c in (1.0, 2.0, 4.0)}
        grid = rmse_grid([10_000], 1, args.samples, list(cs), setup=lambda m: setattr(jvhw, "THRESHOLD_C", cs[m]))
        jvhw.THRESHOLD_C = 2.0
        geo = {m: float(np.exp(np.mean([np.log(r[m]) for r in grid.values()]))) for m in cs}
        out += ["Tuning grid (K = 1e4, seed 1): geometric-mean RMSE of JVHW by threshold constant", "",
                h.markdown_table(["C", "geo-mean RMSE", "worst RMSE"],
                                 [[m, f"{geo[m]:.4f}", f"{max(r[m] for r in grid.values()):.4f}"] for m in cs]), ""]
    grid = rmse_grid([3000, 30_000], 2, args.samples, ACCURACY)
    rows = []
    for (k, fam, n), r in grid.items():
        best = min(r.values())
        rows.append([f"{fam} K={k} n={n}"] + [f"{r[m]:.3f}" + ("*" if r[m] == best else "") for m in ACCURACY])
    geo = {m: float(np.exp(np.mean([np.log(r[m] / min(r.values())) for r in grid.values()]))) for m in ACCURACY}
    rows.append(["geo-mean RMSE / best"] + [f"{geo[m]:.2f}" for m in ACCURACY])
    out += [f"Report grid (K = 3000, 30000; seed 2; {args.samples} samples a cell): RMSE in nats "
            "(* = best in the row)", "", h.markdown_table(["cell"] + list(ACCURACY), rows)]
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--k", type=int, default=20_000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--output")
    ap.add_argument("--accuracy", action="store_true")
    ap.add_argument("--tune", action="store_true")
    ap.add_argument("--samples", type=int, default=20)
    args = ap.parse_args()
    if args.accuracy:
        text = accuracy(args)
        print(text)
        if args.output:
            h.write_section(args.output, "bench_new_estimators_accuracy",
                            h.render_section("Accuracy of the PYM, Chao-Wang-Jost, JVHW and pseudo-count estimators "
                                             "(bench_new_estimators.py --accuracy)",
                                             h.machine_description(("numpy", "scipy")), text))
        return
    rng = np.random.default_rng(args.seed)
    p = 1.0 / np.arange(1, args.k + 1)
    p /= p.sum()
    x = rng.choice(args.k, size=args.n, p=p)
    prof = Profile.from_counts(np.bincount(x, minlength=args.k), args.k)
    gen = np.random.default_rng(0)
    kernels = {m: (lambda m=m: ENTROPY_KERNELS[m](prof, level=0.95, rng=gen)) for m in NEW + PEERS}
    times = h.summarize(h.interleave(kernels, args.reps), args.n)
    public = {m: (lambda m=m: ik.estimate_entropy(x, m, support_size=args.k, rng=0)) for m in NEW}
    ptimes = h.summarize(h.interleave(public, args.reps), args.n)
    truth = float(-(p * np.log(p)).sum())
    rows = []
    for m in NEW + PEERS:
        res = ENTROPY_KERNELS[m](prof, level=0.95, rng=gen)
        rows.append([m, f"{times[m]['ms']:.1f}", f"{ptimes[m]['ms']:.1f}" if m in ptimes else "—",
                     f"{times[m]['ms'] / times['nsb']['ms']:.2f}", f"{res.value:.4f}", f"{res.value - truth:+.4f}"])
    text = "\n".join([
        f"Zipf(1) on k = {args.k} outcomes, n = {args.n} draws (seed {args.seed}): {prof.k_obs} outcomes observed, "
        f"{prof.values.size} distinct counts; true entropy {truth:.4f} nats; median of {args.reps} runs.", "",
        h.markdown_table(["method", "kernel ms", "estimate_entropy ms", "kernel / nsb", "estimate (nats)",
                          "error (nats)"], rows),
    ])
    print(text)
    if args.output:
        machine = h.machine_description(("numpy", "scipy"))
        h.write_section(args.output, "bench_new_estimators",
                        h.render_section("PYM, Chao-Wang-Jost, JVHW and pseudo-count kernels (bench_new_estimators.py)",
                                         machine, text))


if __name__ == "__main__":
    main()
