"""Screenshots of the built documentation and of infokit's HTML, in headless Chromium.

Run by ``make docs-check`` after ``make docs``::

    python docs/tools/screenshots.py [--html docs/_build/html] [--out docs/_build/screenshots]

Writes PNGs of the home page, an API page, a gallery page, a drift report
written by :func:`infokit.reports.drift_html`, and a page holding the
``_repr_html_`` of every result type of the package (found by scanning the
package for classes that define ``_repr_html_``, plus whatever
``ik.drift(...)`` returns), so that a person can look at them.  A result type
with ``_repr_html_`` that this script has no example of is reported and fails
the run, so a new one is not missed.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import pkgutil
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

DOCS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(DOCS.parent / "src"))

import infokit as ik  # noqa: E402
from infokit.reports import drift_html, html_document  # noqa: E402


def find_chromium() -> str:
    for name in (os.environ.get("INFOKIT_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    sys.exit("no Chromium binary: apt-get update && apt-get install -y chromium")


def shoot(chromium: str, url: str, png: Path, size=(1280, 1600)) -> None:
    with tempfile.TemporaryDirectory() as profile:
        cmd = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size={size[0]},{size[1]}",
               "--virtual-time-budget=5000", f"--screenshot={png}", url]
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    if not png.exists() or png.stat().st_size < 5000:
        sys.exit(f"no screenshot of {url}: {out.stderr[-1500:]}")
    print(f"{png}  <- {url}")


def drift_frames():
    import pandas as pd

    rng = np.random.default_rng(0)

    def month(n, shift, regions):
        return pd.DataFrame({
            "age": rng.normal(40 + shift, 12, n).round(),
            "income": rng.lognormal(10.5, 0.5, n) * (1 + shift / 20),
            "region": rng.choice(list(regions), n, p=list(regions.values())),
            "products": rng.poisson(2.0, n),
        })

    return (month(5000, 0, {"north": 0.5, "south": 0.3, "west": 0.2}),
            month(3000, 3, {"north": 0.45, "south": 0.3, "west": 0.2, "east": 0.05}))


def html_classes() -> dict[str, type]:
    """Every class of the package that defines ``_repr_html_`` itself, by qualified name."""
    found = {}
    for info in pkgutil.walk_packages(ik.__path__, "infokit."):
        if ".cli" in info.name or info.name.endswith("__main__"):
            continue
        try:
            mod = importlib.import_module(info.name)
        except ImportError:
            continue
        for _, cls in inspect.getmembers(mod, inspect.isclass):
            if cls.__module__.startswith("infokit") and "_repr_html_" in vars(cls):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return found


def _correlated(n):
    rng = np.random.default_rng(2)
    a = rng.normal(size=n)
    return a, a + rng.normal(size=n)


def repr_examples():
    """(title, object) pairs: one or more instances of every result type with ``_repr_html_``."""
    x = np.random.default_rng(0).choice(50, size=300, p=np.random.default_rng(1).dirichlet(np.ones(50)))
    ref, cur = drift_frames()
    examples = [
        ("Decomposition: ik.decompose(p, q), labelled outcomes",
         ik.decompose([0.5, 0.25, 0.125, 0.125], [0.25] * 4, outcomes=["A", "B", "C", "<D & E>"])),
        ("Estimate: ik.estimate_entropy(x, support_size=50, base='bits')",
         ik.estimate_entropy(x, support_size=50, base="bits")),
        ("Estimate: ik.estimate_mutual_information(x, y) (continuous, KSG)",
         ik.estimate_mutual_information(*_correlated(500))),
        ("Empirical: ik.empirical(letters)", ik.empirical(list("the quick brown fox jumps over the lazy dog"))),
        ("Empirical: ik.empirical_joint(x, y)", ik.empirical_joint(x % 3, x % 4)),
        ("ik.drift(ref, cur) — whatever it returns, by its _repr_html_", ik.drift(ref, cur, base="bits", rng=0)),
    ]
    return examples


def repr_page(path: Path) -> None:
    examples = repr_examples()
    covered = {type(obj) for _, obj in examples}
    missing = [name for name, cls in html_classes().items()
               if not any(issubclass(t, cls) for t in covered)]
    parts = []
    for title, obj in examples:
        body = obj._repr_html_() if hasattr(obj, "_repr_html_") else f"<pre>{obj!r}</pre> (no _repr_html_)"
        parts.append(f'<h2 style="font:600 15px sans-serif;margin:24px 0 6px">{title} '
                     f'<code style="font-weight:400">[{type(obj).__module__}.{type(obj).__qualname__}]</code></h2>'
                     f"{body}")
    for name in missing:
        parts.append(f'<p style="color:#b00">no example of {name} (add one to docs/tools/screenshots.py)</p>')
    path.write_text(html_document("".join(parts), title="infokit: _repr_html_ of every result type"),
                    encoding="utf-8")
    if missing:
        sys.exit(f"result types with _repr_html_ but no example: {', '.join(missing)}")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--html", type=Path, default=DOCS / "_build" / "html")
    ap.add_argument("--out", type=Path, default=DOCS / "_build" / "screenshots")
    args = ap.parse_args(argv)
    if not (args.html / "index.html").exists():
        sys.exit(f"{args.html}/index.html not found: run `make docs` first")
    chromium = find_chromium()
    args.out.mkdir(parents=True, exist_ok=True)

    ref, cur = drift_frames()
    report = args.out / "drift_report.html"
    report.write_text(html_document(drift_html(ik.drift(ref, cur, base="bits", rng=0)),
                                    title="Drift: current vs reference"), encoding="utf-8")
    reprs = args.out / "reprs.html"
    repr_page(reprs)

    pages = [
        ("home.png", args.html / "index.html", (1600, 1100)),
        ("api_estimate_entropy.png", args.html / "api" / "generated" / "infokit.estimate_entropy.html", (1600, 2400)),
        ("gallery_three_distributions.png", args.html / "gallery" / "plot_three_distributions.html", (1600, 2200)),
        ("gallery_index.png", args.html / "gallery" / "index.html", (1600, 1300)),
        ("howto_drift.png", args.html / "howto" / "drift.html", (1600, 3200)),
        ("api_estimate_class.png", args.html / "api" / "generated" / "infokit.Estimate.html", (1600, 2000)),
        ("drift_report.png", report, (1400, 700)),
        ("reprs.png", reprs, (1600, 3200)),
    ]
    for name, page, size in pages:
        shoot(chromium, page.resolve().as_uri(), args.out / name, size)


if __name__ == "__main__":
    main()
