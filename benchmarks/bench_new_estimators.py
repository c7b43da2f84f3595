"""Time of the PYM, Chao-Wang-Jost and pseudo-count entropy kernels on a large sample.

Sample: ``n`` draws (default 1e5) from a Zipf(1) distribution on ``k`` outcomes
(default 2e4; about 1.3e4 of them observed), seeded.  Every kernel runs on the
same :class:`~infokit._estimators.result.Profile`, round-robin with the
existing kernels as peers (``plugin``, ``grassberger``, ``nsb``), and through
``ik.estimate_entropy`` on the raw samples (counting included).  Goal: each new
estimator well under a second.

    python benchmarks/bench_new_estimators.py [--n 100000] [--k 20000] [--reps 5] [--output benchmarks/RESULTS.md]
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--k", type=int, default=20_000)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--seed", type=int, default=20261202)
    ap.add_argument("--output")
    args = ap.parse_args()
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
                        h.render_section("PYM, Chao-Wang-Jost and pseudo-count kernels (bench_new_estimators.py)",
                                         machine, text))


if __name__ == "__main__":
    main()
