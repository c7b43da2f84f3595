"""Tests of infokit.plot: each figure renders to a PNG (Agg backend) and names its unit.

The numbers drawn come from infokit's own functions; the tests check that the
bars hold those numbers (read back from the matplotlib artists).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import infokit as ik  # noqa: E402
from infokit.errors import InvalidArgumentError, InvalidTypeError  # noqa: E402
from infokit.plot import plot_decomposition, plot_distributions, plot_drift, plot_estimates  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def save(fig, tmp_path, name):
    path = tmp_path / f"{name}.png"
    fig.savefig(path, dpi=60)
    assert path.exists() and path.stat().st_size > 5_000
    with open(path, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    return path


def bar_heights(ax):
    return [p.get_height() for p in ax.patches]


def test_plot_distributions_two_panels(tmp_path):
    p, q = [0.5, 0.3, 0.2], [0.25, 0.5, 0.25]
    fig = plot_distributions(p, q, outcomes=["a", "b", "c"], base="bits")
    top, bottom = fig.axes
    assert bottom.get_ylabel() == "p·log(p/q) [bits]"
    assert top.get_ylabel() == "probability"
    assert bar_heights(top) == pytest.approx(p + q)
    d = ik.decompose(p, q, base="bits")
    assert bar_heights(bottom) == pytest.approx(list(d.kl_terms))
    assert f"{d.kl_divergence:.4g} bits" in top.get_title()
    assert [t.get_text() for t in bottom.get_xticklabels()] == ["a", "b", "c"]
    save(fig, tmp_path, "dist")


def test_plot_distributions_on_one_axes_and_infinite_terms(tmp_path):
    fig, ax = plt.subplots()
    out = plot_distributions([0.5, 0.5], [1.0, 0.0], ax=ax, base="nats")
    assert out is fig
    twin = [a for a in fig.axes if a is not ax][0]
    assert twin.get_ylabel() == "p·log(p/q) [nats]"
    assert any(t.get_text() == "∞" for t in twin.texts)
    assert "∞ nats" in ax.get_title()
    save(fig, tmp_path, "dist_inf")


def test_plot_decomposition(tmp_path):
    p, q = [0.5, 0.25, 0.25], [0.25, 0.25, 0.5]
    fig = plot_decomposition(p, q, base="bits")
    (ax,) = fig.axes
    assert ax.get_ylabel() == "[bits]"
    h, kl, hpq = bar_heights(ax)
    assert h == pytest.approx(1.5) and kl == pytest.approx(0.25) and hpq == pytest.approx(1.75)
    assert ax.patches[1].get_y() == pytest.approx(1.5)  # D stacked on H
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["H(P) = 1.5 bits", "D(P‖Q) = 0.25 bits", "H(P, Q) = 1.75 bits"]
    save(fig, tmp_path, "decomposition")
    inf = plot_decomposition([0.5, 0.5], [1.0, 0.0], base="nats")
    assert any("∞" in t.get_text() for t in inf.axes[0].texts)


def test_plot_estimates_from_a_distribution(tmp_path):
    dist = np.full(20, 1 / 20)
    fig = plot_estimates(dist, [10, 100, 1000], methods=("plugin", "miller_madow"), rng=0, base="bits")
    (ax,) = fig.axes
    assert ax.get_ylabel() == "entropy [bits]" and ax.get_xscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels[0] == f"truth = {math.log2(20):.4g} bits"
    assert labels[1:] == ["plugin", "miller_madow"]
    save(fig, tmp_path, "estimates")
    again = plot_estimates(dist, [10, 100, 1000], methods=("plugin", "miller_madow"), rng=0, base="bits")
    assert np.array_equal(again.axes[0].lines[0].get_ydata(), ax.lines[0].get_ydata())  # rng reproducible


def test_plot_estimates_from_samples():
    rng = np.random.default_rng(1)
    samples = rng.integers(0, 8, size=500)
    fig = plot_estimates(samples, [20, 200], methods="plugin", rng=2, base="nats")
    ax = fig.axes[0]
    assert ax.get_ylabel() == "entropy [nats]"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["plugin"]  # no truth for samples
    with pytest.raises(InvalidArgumentError, match="larger"):
        plot_estimates(samples, [1000])
    with pytest.raises(InvalidArgumentError, match="sizes"):
        plot_estimates(samples, [0])


def test_plot_estimates_open_interval_is_a_caret():
    samples = np.arange(400)  # no value repeats: auto's interval has no upper end without a declared support
    est = ik.estimate_entropy(samples[:50], base="bits")
    assert est.ci[1] == math.inf
    fig = plot_estimates(samples, [50], methods="auto", rng=0, base="bits")
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"{est.method}: no upper bound" in labels
    carets = [ln for ln in ax.lines if ln.get_marker() == 6]
    assert len(carets) == 1 and np.isfinite(carets[0].get_ydata()).all()


def test_plot_drift(tmp_path):
    pytest.importorskip("pandas")
    from infokit.drift import drift

    rng = np.random.default_rng(3)
    ref = {"a": rng.normal(0, 1, 1000), "b": rng.choice(["u", "v"], 1000)}
    cur = {"a": rng.normal(1, 1, 1000), "b": rng.choice(["u", "v"], 1000)}
    df = drift(ref, cur, rng=0, base="bits")
    fig = plot_drift(df)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "JS divergence [bits]"
    assert bar_heights(ax) == pytest.approx(df["js_divergence"].tolist())
    save(fig, tmp_path, "drift")
    one = plot_drift(df, "a")
    ax = one.axes[0]
    assert ax.get_ylabel() == "proportion"
    counts = df.attrs["bin_counts"]["a"]
    assert bar_heights(ax)[: len(counts["labels"])] == pytest.approx(
        (np.array(counts["reference"]) / 1000).tolist()
    )
    assert "bits" in ax.get_title()
    save(one, tmp_path, "drift_a")
    with pytest.raises(InvalidArgumentError, match="bin counts"):
        plot_drift(df, "zzz")
    with pytest.raises(InvalidTypeError):
        plot_drift([1, 2])
