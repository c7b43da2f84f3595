"""Accuracy and speed of the continuous-sample estimators (``infokit.continuous``).

Run from the repository root::

    PYTHONPATH=src python benchmarks/bench_continuous.py --quick    # smoke run, ~10 s
    PYTHONPATH=src python benchmarks/bench_continuous.py            # full: d in {1,2,5,10}, n in {500..5000}
    PYTHONPATH=src python benchmarks/bench_continuous.py --output benchmarks/RESULTS.md
    PYTHONPATH=src python benchmarks/bench_continuous.py --coverage --output benchmarks/RESULTS.md

Validation against closed forms, ``--reps`` seeded samples per cell
(default 100), k = 3 neighbours:

* k-NN (Kozachenko–Leonenko) entropy of N(0, Sigma), Sigma equicorrelated
  (rho = 0.3): H = (d log(2 pi e) + log det Sigma) / 2;
* k-NN (Wang–Kulkarni–Verdú) KL divergence D(P || Q), P = N(0, I_d),
  Q = N(0.5 * 1, 1.5^2 I_d), m = n samples of each:
  D = d (log 1.5 + (1 + 0.25) / (2 * 2.25) - 1/2);
* KSG mutual information between x (the first floor(d/2) coordinates) and
  y (the rest) of a d-dimensional Gaussian where x_j and y_j are correlated
  with r = 0.6 (floor(d/2) pairs; for odd d the last y coordinate is
  independent): I = -floor(d/2) log(1 - r^2) / 2;
* the 1-D spacing estimators (Vasicek, Ebrahimi, van Es, Correa; default
  window m = floor(sqrt(n) + 0.5)) on N(0, 1) (H = log(2 pi e) / 2) and on
  Exp(1) (H = 1).

Reported per cell: bias (mean error), RMSE, standard deviation of the
estimates, the mean reported standard error (half-sampling for the k-NN
estimators, the delta one for the spacing estimators) and the empirical
coverage of value +- 1.96 stderr.

``--coverage``: the calibration of the k-NN standard errors — coverage of the
95% interval the public estimates report (value +- t_10 stderr) for k-NN
entropy, k-NN KL, KSG and Ross on Gaussians (d = 1..3, n = 100, 1000, 10000)
and on families the rule was not tuned on (exponential, Student t,
lognormal/cube, exponential classes), next to the coverage of the former
delta error; and the shift the tie rule adds to the entropy of rounded
Gaussian samples, against the standard error.
Timing: one call at n = 5000, d = 10 (all cores and one worker).
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import _harness as h  # noqa: E402

ik = h.import_infokit()
from infokit import continuous as C  # noqa: E402

K = 3
R = 0.6
RHO = 0.3
Z95 = 1.959963984540054


def equicorrelated(d, rho=RHO):
    return (1 - rho) * np.eye(d) + rho * np.ones((d, d))


# --------------------------------------------------------------------------
# problems: (sampler(rng, n, d) -> args, estimator(*args) -> KernelResult, truth(d))
# --------------------------------------------------------------------------
def entropy_problem(d):
    cov = equicorrelated(d)
    chol = np.linalg.cholesky(cov)
    truth = 0.5 * (d * math.log(2 * math.pi * math.e) + np.linalg.slogdet(cov)[1])
    return (lambda rng, n: (rng.standard_normal((n, d)) @ chol.T,)), (lambda x: C.knn_entropy(x, n_neighbors=K)), truth


def kl_problem(d):
    truth = d * (math.log(1.5) + (1 + 0.25) / (2 * 2.25) - 0.5)

    def sample(rng, n):
        return rng.standard_normal((n, d)), 0.5 + 1.5 * rng.standard_normal((n, d))

    return sample, (lambda x, y: C.knn_kl(x, y, n_neighbors=K)), truth


def mi_problem(d):
    pairs = d // 2
    truth = -0.5 * pairs * math.log(1 - R * R)

    def sample(rng, n):
        x = rng.standard_normal((n, pairs))
        y = rng.standard_normal((n, d - pairs))
        y[:, :pairs] = R * x + math.sqrt(1 - R * R) * y[:, :pairs]
        return x, y

    return sample, (lambda x, y: C.ksg_mi(x, y, n_neighbors=K)), truth


def spacing_problem(method, dist):
    if dist == "N(0,1)":
        sample, truth = (lambda rng, n: (rng.standard_normal(n),)), 0.5 * math.log(2 * math.pi * math.e)
    else:
        sample, truth = (lambda rng, n: (rng.exponential(size=n),)), 1.0
    return sample, (lambda x: C.spacing_entropy(x, method=method)), truth


def run_cell(problem, n, reps, seed_key):
    sample, estimate, truth = problem
    vals, ses = np.empty(reps), np.empty(reps)
    for rep in range(reps):
        rng = np.random.default_rng([*seed_key, n, rep])
        res = estimate(*sample(rng, n))
        vals[rep], ses[rep] = res.value, res.stderr
    err = vals - truth
    return {
        "truth": truth,
        "bias": float(err.mean()),
        "bias_mcse": float(err.std(ddof=1) / math.sqrt(reps)),
        "rmse": float(math.sqrt(np.mean(err**2))),
        "sd": float(vals.std(ddof=1)),
        "se": float(ses.mean()),
        "coverage": float(np.mean(np.abs(err) <= Z95 * ses)),
    }


def row(name, dist, d, n, s):
    ROWSTATS.append((name, dist, d, n, s))
    return [
        name, dist, d, n, f"{s['truth']:.4f}", f"{s['bias']:+.4f}", f"{s['rmse']:.4f}",
        f"{s['sd']:.4f}", f"{s['se']:.4f}", f"{s['sd'] / s['se']:.2f}", f"{s['coverage']:.2f}",
    ]


ROWSTATS: list = []


def summary(label, stats):
    """One generated sentence per table: the worst bias, the coverage range, the SE calibration."""
    def cell(r):
        return f"{r[0]}, {r[1]}, d={r[2]}, n={r[3]}" if r[0] in C.SPACING_METHODS else f"d={r[2]}, n={r[3]}"

    worst = max(stats, key=lambda r: abs(r[4]["bias"]) / max(r[4]["truth"], 1.0))
    cov = [r[4]["coverage"] for r in stats]
    ratio = [r[4]["sd"] / r[4]["se"] for r in stats]
    low = [cell(r) for r in stats if r[4]["coverage"] < 0.85]
    text = (
        f"- {label}: largest bias {worst[4]['bias']:+.3f} nats ({cell(worst)}, truth {worst[4]['truth']:.3f}); "
        f"coverage {min(cov):.2f}–{max(cov):.2f} (median {np.median(cov):.2f}); sd/stderr "
        f"{min(ratio):.2f}–{max(ratio):.2f} (median {np.median(ratio):.2f})"
    )
    if low:
        text += f"; coverage below 0.85 in {len(low)} of {len(stats)} cells: " + "; ".join(low)
    return text + "."


HEADERS = ["estimator", "distribution", "d", "n", "truth (nats)", "bias", "RMSE", "sd", "mean stderr",
           "sd / stderr", "coverage 95%"]


def timing(reps):
    rng = np.random.default_rng(12345)
    n, d = 5000, 10
    x = rng.standard_normal((n, d))
    y = 0.5 + 1.5 * rng.standard_normal((n, d))
    mx, my = mi_problem(d)[0](rng, n)
    x1 = rng.standard_normal(n)
    contenders = {
        "knn_entropy (d=10)": lambda: C.knn_entropy(x),
        "knn_entropy (d=10), workers=1": lambda: C.knn_entropy(x, workers=1),
        "knn_kl (d=10, m=n)": lambda: C.knn_kl(x, y),
        "knn_kl (d=10, m=n), workers=1": lambda: C.knn_kl(x, y, workers=1),
        "ksg_mi (5 + 5 dims)": lambda: C.ksg_mi(mx, my),
        "ksg_mi (5 + 5 dims), workers=1": lambda: C.ksg_mi(mx, my, workers=1),
    }
    for m in C.SPACING_METHODS:
        contenders[f"spacing_entropy {m} (d=1)"] = lambda m=m: C.spacing_entropy(x1, method=m)
    stats = h.summarize(h.interleave(contenders, reps), n)
    rows = [[name, f"{s['ms']:.1f}", f"{s['min_ms']:.1f}", f"{s['ns_per_el'] / 1e3:.1f}"] for name, s in stats.items()]
    return h.markdown_table(["call (n = 5000)", "ms (median)", "ms (min)", "µs/sample"], rows)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="smoke run: d in {1, 2, 5}, n in {500, 1000}, 5 reps")
    ap.add_argument("--reps", type=int, default=None, help="samples per cell (default 100, quick 5)")
    ap.add_argument("--timing-reps", type=int, default=None, help="timed calls per contender (default 7, quick 2)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--output", metavar="PATH", help="write this benchmark's section into PATH (e.g. benchmarks/RESULTS.md)")
    ap.add_argument("--coverage", action="store_true",
                    help="calibration of the standard errors (d = 1-3, n = 100, 1000, 10000) and the tie rule")
    args = ap.parse_args(argv)
    if args.coverage:
        return coverage_main(args)
    reps = args.reps or (5 if args.quick else 100)
    treps = args.timing_reps or (2 if args.quick else 7)
    dims = (1, 2, 5) if args.quick else (1, 2, 5, 10)
    sizes = (500, 1000) if args.quick else (500, 1000, 2000, 5000)

    machine = h.machine_description(("numpy", "scipy"))
    machine["infokit"] = f"{getattr(ik, '__version__', 'unknown')} ({os.path.dirname(ik.__file__)})"
    print("\n".join(f"{k}: {v}" for k, v in machine.items()), end="\n\n")
    t_start = time.perf_counter()

    tables = {}
    summaries = []
    for label, make, key in (("k-NN entropy (Kozachenko–Leonenko)", entropy_problem, 1),
                             ("k-NN KL divergence (Wang–Kulkarni–Verdú)", kl_problem, 2),
                             ("KSG mutual information (Kraskov et al., estimator 1)", mi_problem, 3)):
        rows = []
        for d in dims:
            if make is mi_problem and d < 2:
                continue
            problem = make(d)
            dist = {1: "N(0, Sigma)", 2: "P=N(0,I), Q=N(.5,2.25 I)", 3: f"{d // 2} pairs r=0.6"}[key]
            for n in sizes:
                t0 = time.perf_counter()
                s = run_cell(problem, n, reps, (args.seed, key, d))
                rows.append(row(label.split(" (")[0], dist, d, n, s))
                print(f"{label}: d={d} n={n}: bias {s['bias']:+.4f} rmse {s['rmse']:.4f} "
                      f"cov {s['coverage']:.2f} ({time.perf_counter() - t0:.1f} s)", flush=True)
        tables[label] = rows
        summaries.append(summary(label, ROWSTATS[-len(rows):]))

    rows = []
    for dist in ("N(0,1)", "Exp(1)"):
        for m in C.SPACING_METHODS:
            for n in sizes:
                s = run_cell(spacing_problem(m, dist), n, reps, (args.seed, 4, C.SPACING_METHODS.index(m), len(dist)))
                rows.append(row(m, dist, 1, n, s))
    print("spacing estimators done", flush=True)
    tables["1-D spacing estimators (scipy.stats.differential_entropy)"] = rows
    summaries.append(summary("1-D spacing estimators", ROWSTATS[-len(rows):]))
    elapsed_acc = time.perf_counter() - t_start

    ttable = timing(treps)
    print(ttable)

    body = [
        f"k = {K} neighbours, {reps} seeded samples per cell, {time.perf_counter() - t_start:.0f} s in all "
        f"({elapsed_acc:.0f} s of simulation).  bias = mean(estimate - truth) (its Monte Carlo standard error is "
        f"sd / sqrt({reps})); sd = standard deviation of the estimates; mean stderr = the reported "
        "standard error (half-sampling; delta for the spacing estimators); sd / stderr > 1 means the reported error is "
        "too small; coverage = fraction of samples with |estimate - truth| <= 1.96 stderr (nominal 0.95; "
        f"Monte Carlo error about {math.sqrt(0.95 * 0.05 / reps):.2f}).",
        "",
    ]
    body += ["Summary (generated from the tables below):", "", *summaries, "", NOTES, ""]
    for label, rs in tables.items():
        body += [f"### {label}", "", h.markdown_table(HEADERS, rs), ""]
    body += ["### Time per call", "", ttable, ""]
    text = "\n".join(body)
    print(text)
    if args.output:
        section = h.render_section("Continuous-sample estimators: accuracy and coverage (bench_continuous.py)",
                                   machine, text)
        h.write_section(args.output, "bench_continuous", section)
        print(f"wrote section 'bench_continuous' to {args.output}")


# --------------------------------------------------------------------------
# --coverage: calibration of the standard errors (half-sampling) and the tie rule
# --------------------------------------------------------------------------
def _t_entropy(nu):
    """Differential entropy of Student's t with nu degrees of freedom (closed form)."""
    from scipy import special

    return float((nu + 1) / 2 * (special.digamma((nu + 1) / 2) - special.digamma(nu / 2))
                 + math.log(math.sqrt(nu)) + special.betaln(nu / 2, 0.5))


def _mixture_mi(classes, shift):
    """I(L; C), L uniform on 0..classes-1, C | L ~ N(shift * L, 1): H(mixture) - H(N(0, 1)), by quadrature."""
    from scipy import integrate, stats

    def f(t):
        return np.mean([stats.norm.pdf(t, shift * c) for c in range(classes)], axis=0)

    lo, hi = -12.0, shift * (classes - 1) + 12.0
    h = integrate.quad(lambda t: -f(t) * math.log(f(t)), lo, hi, limit=200, epsabs=1e-12)[0]
    return h - 0.5 * math.log(2 * math.pi * math.e)


def coverage_problems():
    """(family, estimator, d, sampler(rng, n) -> args, estimate(*args) -> KernelResult, truth, gaussian)."""
    out = []
    for d in (1, 2, 3):
        chol = np.linalg.cholesky(equicorrelated(d))
        out.append(("N(0, Sigma)", "knn entropy", d, lambda rng, n, d=d, c=chol: (rng.standard_normal((n, d)) @ c.T,),
                    lambda x: C.knn_entropy(x), 0.5 * (d * math.log(2 * math.pi * math.e)
                                                     + np.linalg.slogdet(equicorrelated(d))[1])))
        out.append(("P=N(0,I), Q=N(.5,2.25 I)", "knn KL", d,
                    lambda rng, n, d=d: (rng.standard_normal((n, d)), 0.5 + 1.5 * rng.standard_normal((n, d))),
                    lambda x, y: C.knn_kl(x, y), d * (math.log(1.5) + 1.25 / 4.5 - 0.5)))
    for d in (2, 3, 4):
        out.append((f"{d // 2} pairs r=0.6 ({d // 2}+{d - d // 2} dims)", "KSG", d,
                    lambda rng, n, d=d: mi_problem(d)[0](rng, n), lambda x, y: C.ksg_mi(x, y), mi_problem(d)[2]))
    mi3 = _mixture_mi(3, 1.0)
    for d in (1, 2, 3):
        def sample(rng, n, d=d):
            lab = rng.integers(0, 3, n)
            c = rng.standard_normal((n, d))
            c[:, 0] += lab
            return c, lab
        out.append(("3 classes, N(label, 1) + (d-1) noise dims", "Ross", d, sample, lambda c, lab: C.ross_mi(c, lab),
                    mi3))
    out = [(*p, True) for p in out]
    # families the standard error was not tuned on
    out.append(("Exp(1)", "knn entropy", 1, lambda rng, n: (rng.exponential(size=n),), lambda x: C.knn_entropy(x), 1.0))
    out.append(("t(5)", "knn entropy", 1, lambda rng, n: (rng.standard_t(5, size=n),), lambda x: C.knn_entropy(x),
                _t_entropy(5)))
    out.append(("Exp(1)^3", "knn entropy", 3, lambda rng, n: (rng.exponential(size=(n, 3)),),
                lambda x: C.knn_entropy(x), 3.0))
    out.append(("P=Exp(1), Q=Exp(rate 2)", "knn KL", 1,
                lambda rng, n: (rng.exponential(size=n), rng.exponential(0.5, size=n)),
                lambda x, y: C.knn_kl(x, y), math.log(0.5) + 2.0 - 1.0))

    def lognormal_cube(rng, n):
        x, y = mi_problem(2)[0](rng, n)
        return np.exp(x), y ** 3  # monotone maps keep I = -log(1 - r^2)/2

    out.append(("(exp X, Y^3), r=0.6", "KSG", 2, lognormal_cube, lambda x, y: C.ksg_mi(x, y), mi_problem(2)[2]))

    def exp_classes(rng, n):
        lab = rng.integers(0, 2, n)
        return rng.exponential(1.0 + lab), lab  # scale 1 or 2
    out.append(("2 classes, Exp(scale 1 or 2)", "Ross", 1, exp_classes, lambda c, lab: C.ross_mi(c, lab),
                _exp_mixture_mi()))
    return [p if len(p) == 7 else (*p, False) for p in out]


def _exp_mixture_mi():
    """I(L; C), L uniform on {0, 1}, C | L ~ Exp(scale 1 + L), by quadrature."""
    from scipy import integrate

    def f(t):
        return 0.5 * math.exp(-t) + 0.25 * math.exp(-t / 2)

    h = integrate.quad(lambda t: -f(t) * math.log(f(t)), 0, 80, limit=200, epsabs=1e-12)[0]
    return h - 0.5 * (1.0 + (1.0 + math.log(2.0)))


def coverage_cell(sample, estimate, truth, n, reps, key):
    from infokit._estimators.result import t_score

    vals, ses, hits, hits_delta, inside = [], [], 0, 0, 0
    for rep in range(reps):
        res = estimate(*sample(np.random.default_rng([*key, n, rep]), n))
        q = t_score(0.95, res.df) if res.df else Z95
        vals.append(res.value)
        ses.append(res.stderr)
        hits += abs(res.value - truth) <= q * res.stderr
        hits_delta += abs(res.value - truth) <= Z95 * res.info["stderr_delta"]
    vals = np.array(vals)
    return {"bias": float(vals.mean() - truth), "sd": float(vals.std(ddof=1)), "se": float(np.mean(ses)),
            "cov": hits / reps, "cov_delta": hits_delta / reps}


def tie_bias(reps, seed):
    """Rounded N(0, 1) data, dequantised by the tie rule: entropy error against the closed form."""
    rows = []
    h = 0.5 * math.log(2 * math.pi * math.e)
    for n in (1000, 10000):
        for step in (0.05, 0.2, 0.5):
            err_raw, err_tied, ses = [], [], []
            for rep in range(reps):
                rng = np.random.default_rng([seed, 9, n, int(step * 100), rep])
                x = rng.standard_normal(n)
                r = C.knn_entropy(np.round(x / step) * step, rng=rng)
                err_tied.append(r.value - h)
                ses.append(r.stderr)
                err_raw.append(C.knn_entropy(x).value - h)
            diff = np.array(err_tied) - np.array(err_raw)
            rows.append([n, step, f"{np.mean(err_raw):+.4f}", f"{np.mean(err_tied):+.4f}",
                         f"{diff.mean():+.4f} ± {diff.std(ddof=1) / math.sqrt(reps):.4f}", f"{np.mean(ses):.4f}",
                         f"{abs(diff.mean()) / np.mean(ses):.2f}"])
    return h, rows


def coverage_main(args):
    sizes = (100, 1000) if args.quick else (100, 1000, 10000)
    reps_for = {100: 200, 1000: 100, 10000: 40} if not args.quick else {100: 20, 1000: 10}
    machine = h.machine_description(("numpy", "scipy"))
    t0 = time.perf_counter()
    rows, cells = [], []
    for fam, est, d, sample, estimate, truth, tuned in coverage_problems():
        for n in sizes:
            reps = args.reps or reps_for[n]
            t = time.perf_counter()
            s = coverage_cell(sample, estimate, truth, n, reps, (args.seed, hash_key(fam, est), d))
            cells.append((fam, est, d, n, s, tuned))
            rows.append([est, fam, d, n, reps, f"{truth:.4f}", f"{s['bias']:+.4f}", f"{s['sd']:.4f}",
                         f"{abs(s['bias']) / s['sd']:.2f}", f"{s['se']:.4f}", f"{s['sd'] / s['se']:.2f}",
                         f"{s['cov']:.3f}", f"{s['cov_delta']:.3f}"])
            print(" | ".join(map(str, rows[-1])), f"({time.perf_counter() - t:.0f} s)", flush=True)
    tie_h, tie_rows = tie_bias(args.reps or (10 if args.quick else 50), args.seed)
    cov = np.array([c[4]["cov"] for c in cells])
    gauss = np.array([c[4]["cov"] for c in cells if c[5]])
    other = np.array([c[4]["cov"] for c in cells if not c[5]])
    ratio = np.array([c[4]["sd"] / c[4]["se"] for c in cells])
    low = [f"{c[1]} {c[0]} d={c[2]} n={c[3]} ({c[4]['cov']:.2f}, |bias|/sd {abs(c[4]['bias']) / c[4]['sd']:.2f})"
           for c in cells if c[4]["cov"] < 0.90]
    body = [
        f"Seed {args.seed} (the half-sampling rule was chosen on a separate grid: seed 7, n = 500, d = 1, 2, "
        f"Gaussians only); {time.perf_counter() - t0:.0f} s in all.  k = {K}.  coverage = fraction of samples "
        "whose 95% interval value ± t_10 · stderr (the interval the public estimates report) holds the truth; "
        "coverage (delta) = the same with the former delta error std(terms)/sqrt(n) and 1.96.  Monte Carlo "
        "error of a coverage: about 0.015 at 200 samples, 0.022 at 100, 0.034 at 40.  Truths: closed forms; the "
        "Ross mixtures by numerical quadrature (scipy.integrate.quad).  The last rows of each estimator (Exp, "
        "t(5), lognormal/cube, exponential classes) are families the rule was not tuned on.",
        "",
        f"Summary: mean coverage {gauss.mean():.3f} over the {gauss.size} Gaussian-family cells (min "
        f"{gauss.min():.2f}), {other.mean():.3f} over the {other.size} cells of the other families (min "
        f"{other.min():.2f}), {cov.mean():.3f} over all; sd / stderr {np.min(ratio):.2f}–{np.max(ratio):.2f} "
        f"(median {np.median(ratio):.2f}).  Cells below 0.90 (|bias| / sd > 0.5 means the bias, not the standard "
        "error, makes the interval miss): " + ("; ".join(low) if low else "none") + ".",
        "",
        h.markdown_table(["estimator", "family", "d", "n", "samples", "truth (nats)", "bias", "sd", "|bias| / sd",
                          "mean stderr", "sd / stderr", "coverage", "coverage (delta)"], rows),
        "",
        f"Ties: N(0, 1) samples rounded to a grid of step w, dequantised by the tie rule (uniform noise of width "
        f"w), against the unrounded sample of the same draw (truth {tie_h:.4f} nats).  The shift the rule adds is "
        "err(tied) - err(raw), with its Monte Carlo error; the last column is |shift| / stderr.",
        "",
        h.markdown_table(["n", "step w", "err (raw)", "err (rounded + rule)", "shift", "mean stderr",
                          "|shift| / stderr"], tie_rows),
        "",
    ]
    text = "\n".join(body)
    print(text)
    if args.output:
        section = h.render_section("Continuous estimators: standard-error calibration and ties "
                                   "(bench_continuous.py --coverage)", machine, text)
        h.write_section(args.output, "bench_continuous_coverage", section)
        print(f"wrote section 'bench_continuous_coverage' to {args.output}")


def hash_key(*parts) -> int:
    return int.from_bytes("|".join(parts).encode()[:8].ljust(8, b"\0"), "little") % (2**31)


NOTES = """\
What the standard error means: the k-NN estimators report a half-sampling error (10 splits of
the sample into halves; infokit.continuous module notes); the spacing estimators the delta error
std(terms) / sqrt(n) of the Vasicek log-spacing terms, for all four methods.  Coverage mixes two
failures: a miscalibrated stderr (sd / stderr far from 1) and bias that does not shrink with n as
fast as the stderr does (bias / stderr grows like sqrt(n)); in high dimension the second
dominates, so value +- 1.96 stderr is not a confidence interval for the true measure there."""


if __name__ == "__main__":
    main()
