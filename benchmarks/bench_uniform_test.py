"""The level of ``auto``'s uniformity test: how often it rejects samples that are uniform.

Run from the repository root (about 1 min)::

    PYTHONPATH=src python benchmarks/bench_uniform_test.py [--output benchmarks/RESULTS.md]

``method="auto"`` with a declared support size K takes the counts as uniform
(and shrinks towards uniform) unless the number of colliding pairs is too
large for a uniform sample at level 1e-3
(``infokit._estimators.auto.uniform_pairs_pvalue``).  Here uniform samples
of n over K outcomes are drawn (seed 20261202) and the rate of p-values below
1e-3, 1e-2 and 0.05 is counted, for that p-value and for the Poisson law of
the pairs that the test used at every n before (``P(Poisson(n (n - 1) / 2K) >=
pairs)``).  The p-value is a function of the pairs alone, so it is computed
once per distinct value.
"""

from __future__ import annotations

import os
import sys

import numpy as np
from scipy import special

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness as h  # noqa: E402

h.import_infokit()
from infokit._estimators import auto as _auto  # noqa: E402

CASES = ((10, 10), (10, 100), (10, 1000), (20, 60), (30, 10), (100, 25), (100, 50), (100, 100), (100, 1000),
         (300, 90), (300, 900), (1000, 100), (1000, 250), (1000, 500), (1000, 1000), (1000, 10000), (3000, 900))
LEVELS = (1e-3, 1e-2, 0.05)
SEED = 20261202


def poisson_pvalue(pairs: int, n: int, k: int) -> float:
    return 1.0 if pairs <= 0 else float(special.pdtrc(pairs - 1, n * (n - 1) / (2.0 * k)))


def main(argv=None):
    args = h.bench_parser(__doc__).parse_args(argv)
    rng = np.random.default_rng(SEED)
    rows = []
    for k, n in CASES:
        reps = int(min(400_000, 3e7 // k))
        c = rng.multinomial(n, np.full(k, 1.0 / k), size=reps)
        values, freq = np.unique((c * (c - 1) // 2).sum(axis=1), return_counts=True)
        row = [k, n, f"{2 * n / k:.2g}", reps]
        for fn in (_auto.uniform_pairs_pvalue, poisson_pvalue):
            pv = np.array([fn(int(v), n, k) for v in values])
            row += [f"{100 * freq[pv < a].sum() / reps:.3f}" for a in LEVELS]
        rows.append(row)
        print("  " + " ".join(map(str, row)), file=sys.stderr, flush=True)
    heads = ["K", "n", "2n/K", "samples"]
    heads += [f"test: % < {a:g}" for a in LEVELS] + [f"Poisson alone: % < {a:g}" for a in LEVELS]
    body = "\n".join([
        f"Uniform samples of n over K outcomes, seed {SEED}; the rate (percent) of p-values below each level, for "
        "the test `auto` uses (`auto.uniform_pairs_pvalue`: the Poisson law below n = K/2, from there on a gamma law "
        "with the pairs' exact mean, variance and third cumulant) and for the Poisson law alone.  A rate should be "
        "at most its level; the Monte Carlo error of a rate p is about sqrt(p / samples).  The counts are discrete, "
        "so at small n no p-value falls near some levels and the rate is below them.",
        "",
        h.markdown_table(heads, rows),
    ])
    h.publish(args.output, "bench_uniform_test", "The level of auto's uniformity test (bench_uniform_test.py)",
              h.machine_description(("numpy", "scipy")), body)


if __name__ == "__main__":
    main()
