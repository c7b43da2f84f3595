"""The story of the three distributions end to end, on the bundled letter data (``infokit demo``).

1. **The truth.** P is the letter distribution of the opening of the US
   Declaration of Independence (1653 letters, 26 outcomes; bundled with the
   package, see ``infokit/data/README.txt``).  Its entropy H(P) is exact.
2. **Samples.** For growing n (10, 100, 1000, 10000) we draw n letters from P
   with a seeded generator.  The empirical distribution P̂ converges to P:
   D(P̂||P) shrinks, and the plug-in entropy H(P̂) — exact for P̂ but biased
   low as an estimate of H(P) — approaches H(P).  ``estimate_entropy`` gives
   a corrected value with an interval.
3. **A model.** Q_θ(r) ∝ r^-θ over the letters ranked by their frequency in
   P̂ (a Zipf law, one parameter), fitted by minimum cross-entropy
   H(P̂, Q_θ) — the same as maximum likelihood, since H(P̂) does not depend
   on θ.  The identity H(P̂, Q) = H(P̂) + D(P̂||Q) is checked with numbers,
   and the model's true cost H(P, Q) = H(P) + D(P||Q) is reported too.
4. **Estimators vs the truth.** Over repeated samples at each n, the bias
   and root-mean-square error of several entropy estimators, and how often
   their 95% intervals cover H(P).

Everything is computed by :func:`run_demo` (a :class:`DemoResult` of plain
numbers); ``infokit demo`` renders it.

>>> p = data_path("declaration_letters.csv")
>>> p.name, p.is_file()
('declaration_letters.csv', True)
>>> letters("gettysburg")[:4].tolist()
['f', 'o', 'u', 'r']
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

import infokit as ik
from infokit._lib.units import resolve_base
from infokit._lib.typing import Base
from infokit.errors import InvalidArgumentError

__all__ = [
    "DATA_FILES",
    "data_path",
    "letters",
    "true_distribution",
    "zipf_model",
    "fit_zipf",
    "run_demo",
    "DemoResult",
]

#: The files shipped in ``infokit/data`` (see its README.txt).
DATA_FILES = (
    "declaration.txt",
    "gettysburg.txt",
    "declaration_letters.csv",
    "gettysburg_letters.csv",
    "README.txt",
)

ALPHABET = tuple("abcdefghijklmnopqrstuvwxyz")

#: Estimators compared with the truth in step 4.
DEMO_ESTIMATORS = ("plugin", "miller_madow", "grassberger", "chao_shen", "shrinkage", "nsb", "auto")


def data_path(name: str) -> Path:
    """Path of a bundled data file, e.g. ``data_path("declaration_letters.csv")``.

    Files: ``declaration.txt``, ``gettysburg.txt`` (the texts),
    ``declaration_letters.csv``, ``gettysburg_letters.csv`` (one row per
    letter: ``letter``, ``next``, ``word_length``) and ``README.txt``.

    Raises
    ------
    InvalidArgumentError
        For a name that is not one of the bundled files.
    """

    if name not in DATA_FILES:
        raise InvalidArgumentError(
            f"no bundled data file {name!r}; the files are: {', '.join(DATA_FILES)}"
        )
    res = resources.files("infokit").joinpath("data", name)
    if isinstance(res, Path):
        return res
    # a zipped install: extract once into a private temporary directory
    import atexit
    import shutil
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="infokit-data-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)
    out = tmp / name
    out.write_bytes(res.read_bytes())
    return out


def letters(text: str = "declaration", column: str = "letter") -> np.ndarray:
    """One column of a bundled letter table as a NumPy array (``text``: "declaration" or "gettysburg")."""

    if text not in ("declaration", "gettysburg"):
        raise InvalidArgumentError(f"'text' must be 'declaration' or 'gettysburg' (got {text!r})")
    with open(data_path(f"{text}_letters.csv"), newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if column not in (reader.fieldnames or ()):
            raise InvalidArgumentError(f"no column {column!r}; the columns are {reader.fieldnames}")
        values = [row[column] for row in reader]
    if column == "word_length":
        return np.asarray(values, dtype=np.int64)
    return np.asarray(values, dtype=str)


def true_distribution(text: str = "declaration") -> tuple[list[str], np.ndarray]:
    """The letter distribution of a bundled text: ``(alphabet, probabilities)`` over a..z."""

    e = ik.empirical(letters(text), support=list(ALPHABET))
    return list(ALPHABET), np.asarray(e.probs, dtype=np.float64)


def zipf_model(theta: float, ranks: np.ndarray) -> np.ndarray:
    """``q(r) ∝ r^-θ`` evaluated at each outcome's rank (1 = most frequent)."""
    w = np.asarray(ranks, dtype=np.float64) ** (-float(theta))
    return w / w.sum()


def _ranks(p: np.ndarray) -> np.ndarray:
    """Rank of each outcome by decreasing probability (ties: alphabetical order), 1-based."""
    order = np.lexsort((np.arange(p.size), -p))
    ranks = np.empty(p.size, dtype=np.int64)
    ranks[order] = np.arange(1, p.size + 1)
    return ranks


def fit_zipf(p_hat: np.ndarray, *, base: Base = "bits", bounds: tuple[float, float] = (0.0, 5.0)
             ) -> tuple[float, np.ndarray, np.ndarray]:
    """Fit ``Q_θ(r) ∝ r^-θ`` to ``p_hat`` by minimum cross-entropy ``H(P̂, Q_θ)``.

    Returns ``(theta, q, ranks)``: the fitted exponent, the model's
    probabilities in the order of ``p_hat`` and the ranks used.

    >>> import numpy as np
    >>> ranks = np.arange(1, 11)
    >>> theta, q, _ = fit_zipf(zipf_model(1.3, ranks))
    >>> round(theta, 3)
    1.3
    """
    from scipy.optimize import minimize_scalar


    p_hat = np.asarray(p_hat, dtype=np.float64)
    ranks = _ranks(p_hat)
    res = minimize_scalar(
        lambda t: float(ik.cross_entropy(p_hat, zipf_model(t, ranks), base=base)),
        bounds=bounds,
        method="bounded",
        options={"xatol": 1e-10},
    )
    theta = float(res.x)
    return theta, zipf_model(theta, ranks), ranks


@dataclass
class DemoResult:
    """All numbers of the demo (in ``unit``), ready to render or serialise (:meth:`to_dict`)."""

    unit: str
    seed: int
    source: str
    alphabet: list
    p: list
    entropy: float
    samples: list = field(default_factory=list)
    model: dict = field(default_factory=dict)
    estimators: list = field(default_factory=list)
    repeats: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


def run_demo(base: Base = "bits", *, seed: int = 0, sizes: Sequence[int] = (10, 100, 1000, 10000), repeats: int = 100,
             estimators: Sequence[str] = DEMO_ESTIMATORS, level: float = 0.95) -> DemoResult:
    """Compute the demo's numbers (see the module docstring); deterministic for a given ``seed``.

    Parameters
    ----------
    base : str or float
        Unit of every quantity (default bits).
    seed : int
        Seed of the NumPy generator that draws the samples.
    sizes : sequence of int
        Sample sizes n.
    repeats : int
        Samples per n for the estimator comparison (0 skips it).
    estimators : sequence of str
        Methods of :func:`infokit.estimate_entropy` to compare.
    level : float
        Level of the intervals.

    >>> r = run_demo(sizes=(50, 500), repeats=0)
    >>> r.unit, [s["n"] for s in r.samples]
    ('bits', [50, 500])
    >>> m = r.model
    >>> abs(m["cross_entropy"] - (m["entropy"] + m["kl"])) < 1e-12
    True
    """

    unit = resolve_base(base).name
    sizes = [int(n) for n in sizes]
    if not sizes or min(sizes) < 1:
        raise InvalidArgumentError(f"'sizes' must be positive sample sizes (got {sizes})")
    if isinstance(repeats, bool) or int(repeats) < 0:
        raise InvalidArgumentError(f"'repeats' must be a non-negative int (got {repeats!r})")
    alphabet, p = true_distribution("declaration")
    k = len(alphabet)
    h_true = float(ik.entropy(p, base=base))
    rng = np.random.default_rng(seed)
    out = DemoResult(unit=unit, seed=int(seed), source="declaration_letters.csv (letter)",
                     alphabet=alphabet, p=[float(v) for v in p], entropy=h_true, repeats=int(repeats))

    # 2. one growing sample: P̂ converging
    last: Any = None
    for n in sizes:
        codes = rng.choice(k, size=n, p=p)
        sample = np.asarray(alphabet)[codes]
        e = ik.empirical(sample, support=alphabet)
        p_hat = np.asarray(e.probs, dtype=np.float64)
        est = ik.estimate_entropy(e, "auto", base=base, ci=level, rng=seed)
        out.samples.append({
            "n": n,
            "observed_letters": int(np.count_nonzero(p_hat)),
            "plugin_entropy": float(ik.entropy(p_hat, base=base)),
            "estimate": {"value": est.value, "stderr": est.stderr, "ci": list(est.ci), "level": est.level,
                         "method": est.method},
            "kl_to_truth": float(ik.kl_divergence(p_hat, p, base=base)),
            # large-n expectation of D(P̂||P): (K - 1) / (2n) nats
            "kl_expected": float(resolve_base(base).convert(np.float64((k - 1) / (2.0 * n)))),
            "total_variation": float(0.5 * np.abs(p_hat - p).sum()),
        })
        last = p_hat

    # 3. a model fitted by minimum cross-entropy on the largest sample
    theta, q, ranks = fit_zipf(last, base=base)
    h_hat = float(ik.entropy(last, base=base))
    hpq = float(ik.cross_entropy(last, q, base=base))
    kl = float(ik.kl_divergence(last, q, base=base))
    out.model = {
        "family": "q(r) ∝ r^-theta over letters ranked by frequency in the sample",
        "fitted_on_n": sizes[-1],
        "p_hat": [float(v) for v in last],
        "theta": theta,
        "q": [float(v) for v in q],
        "ranks": [int(r) for r in ranks],
        "entropy": h_hat,
        "cross_entropy": hpq,
        "kl": kl,
        "identity_gap": hpq - (h_hat + kl),
        "true_entropy": h_true,
        "true_cross_entropy": float(ik.cross_entropy(p, q, base=base)),
        "true_kl": float(ik.kl_divergence(p, q, base=base)),
        "uniform_cross_entropy": float(ik.cross_entropy(p, np.full(k, 1.0 / k), base=base)),
    }

    # 4. estimators vs the truth over repeated samples
    if repeats:
        for n in sizes:
            vals: dict[str, list[float]] = {m: [] for m in estimators}
            covered = {m: 0 for m in estimators}
            for _ in range(int(repeats)):
                e = ik.empirical(np.asarray(alphabet)[rng.choice(k, size=n, p=p)], support=alphabet)
                for m in estimators:
                    est = ik.estimate_entropy(e, m, base=base, ci=level, rng=rng)
                    vals[m].append(est.value)
                    covered[m] += est.ci[0] <= h_true <= est.ci[1]
            for m in estimators:
                v = np.asarray(vals[m])
                out.estimators.append({
                    "n": n,
                    "method": m,
                    "mean": float(v.mean()),
                    "bias": float(v.mean() - h_true),
                    "rmse": float(math.sqrt(np.mean((v - h_true) ** 2))),
                    "coverage": covered[m] / int(repeats),
                })
    return out
