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


# --------------------------------------------------------------------------
# readable figures: outcome labels on every categorical axis, legends clear of the data, colour explained
# --------------------------------------------------------------------------
def tick_texts(ax):
    return [t.get_text() for t in ax.get_xticklabels() if t.get_visible()]


def bars(ax):
    from matplotlib.patches import Rectangle

    return [p for p in ax.patches if isinstance(p, Rectangle) and p.get_height() != 0]


def assert_legends_clear(fig):
    """No legend's box overlaps a bar, an error bar or a line of any axes (in pixels, after drawing)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = [ax.get_legend() for ax in fig.axes if ax.get_legend() is not None]
    assert legends
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            for bar in bars(ax):
                assert not box.overlaps(bar.get_window_extent(renderer)), (legend, bar)
            assert not box.overlaps(ax.get_window_extent(renderer)) or legend.axes is not ax or \
                box.y0 >= max((b.get_window_extent(renderer).y1 for b in bars(ax)), default=-math.inf)


def test_both_panels_carry_the_outcome_labels():
    labels = ["a", "b", "c"]
    fig = plot_distributions([0.5, 0.3, 0.2], [0.25, 0.5, 0.25], outcomes=labels)
    assert [tick_texts(ax) for ax in fig.axes] == [labels, labels]
    fig2 = plt.figure()
    top, bottom = fig2.subplots(2, 1)  # axes that share nothing, as the command line's figures pass them
    plot_distributions([0.5, 0.3, 0.2], [0.25, 0.5, 0.25], outcomes=labels, ax=(top, bottom))
    assert tick_texts(top) == labels and tick_texts(bottom) == labels
    assert [t.get_position()[0] for t in top.get_xticklabels()] == [0, 1, 2]
    # the letters of the bundled texts: 26 labels, each on its bar
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    p = np.arange(1, 27) / np.arange(1, 27).sum()
    fig3 = plot_distributions(p, p[::-1], outcomes=letters)
    assert [tick_texts(ax) for ax in fig3.axes] == [letters, letters]


def test_legends_sit_clear_of_the_bars():
    # the tallest bar at the right, where a legend 'upper right' would sit
    p, q = [0.05, 0.05, 0.9], [0.3, 0.3, 0.4]
    assert_legends_clear(plot_distributions(p, q, outcomes=["x", "y", "z"]))
    fig, ax = plt.subplots()
    plot_distributions(p, q, outcomes=["x", "y", "z"], ax=ax)
    assert_legends_clear(fig)
    assert_legends_clear(plot_decomposition(p, q))
    assert_legends_clear(plot_decomposition([0.5, 0.5], [1.0, 0.0]))


def test_drift_chart_has_a_colour_legend_and_its_columns_as_labels():
    pytest.importorskip("pandas")
    from infokit.drift import drift

    rng = np.random.default_rng(3)
    long = "a_column_name_longer_than_any_tick_should_be"
    ref = {"a": rng.normal(0, 1, 1000), "b": rng.choice(["u", "v"], 1000), long: rng.normal(0, 1, 1000)}
    cur = {"a": rng.normal(1, 1, 1000), "b": rng.choice(["u", "v"], 1000), long: rng.normal(0.1, 1, 1000)}
    df = drift(ref, cur, rng=0, base="bits")
    fig = plot_drift(df)
    ax = fig.axes[0]
    ticks = tick_texts(ax)
    assert ticks[:2] == ["a", "b"]
    assert ticks[2].endswith("…") and long.startswith(ticks[2][:-1])
    legend = ax.get_legend()
    assert "verdict" in legend.get_title().get_text()
    entries = {t.get_text().split(" (")[0]: h for t, h in zip(legend.get_texts(), legend.legend_handles)}
    assert {"no drift", "minor", "moderate", "drift"} <= set(entries)
    # each bar's colour is the legend's colour of its verdict
    for bar, verdict in zip(ax.patches, df["verdict"]):
        assert matplotlib.colors.same_color(bar.get_facecolor(), entries[verdict].get_facecolor())
    assert_legends_clear(fig)
    one = plot_drift(df, "b")
    labels = df.attrs["bin_counts"]["b"]["labels"]
    assert tick_texts(one.axes[0]) == [str(v) for v in labels]
    assert_legends_clear(one)


def test_estimates_take_the_support_size_where_the_registry_says():
    # jeffreys with the declared K: the entropy of (n_x + 1/2) / (n + K/2) over all K outcomes, by hand
    k, n = 40, 30
    dist = np.full(k, 1 / k)
    fig = plot_estimates(dist, [n], methods=("jeffreys", "plugin"), rng=5, base="nats")
    x = np.random.default_rng(5).choice(k, size=n, p=dist)
    counts = np.bincount(x, minlength=k)
    w = (counts + 0.5) / (n + k / 2)
    by_hand = float(-(w * np.log(w)).sum())
    drawn = {c.get_label(): c.lines[0].get_ydata()[0] for c in fig.axes[0].containers}
    assert drawn["jeffreys"] == pytest.approx(by_hand, rel=1e-12)
    # the plug-in takes no K: the entropy of the counts themselves
    seen = counts[counts > 0] / n
    assert drawn["plugin"] == pytest.approx(float(-(seen * np.log(seen)).sum()), rel=1e-12)


def test_every_command_figure(tmp_path, monkeypatch):
    """The figures of -o: labels on every categorical axis, legends clear of the bars, a colour legend."""
    pytest.importorskip("click")
    pd = pytest.importorskip("pandas")
    from click.testing import CliRunner

    from infokit.cli import _report, cli
    from infokit.demo import data_path

    figures = {}
    monkeypatch.setattr(_report, "_save_figure", lambda fig, path: figures.__setitem__(path.stem, fig))
    rng = np.random.default_rng(0)
    pd.DataFrame({"x": rng.normal(0, 1, 300), "c": rng.choice(list("pq"), 300)}).to_csv(tmp_path / "r.csv")
    pd.DataFrame({"x": rng.normal(1, 1, 300), "c": rng.choice(list("pq"), 300)}).to_csv(tmp_path / "c.csv")
    decl, gett = str(data_path("declaration_letters.csv")), str(data_path("gettysburg_letters.csv"))
    runs = {
        "explain": ["explain", "--p", "0.1,0.2,0.7", "--q", "0.4,0.4,0.2", "--labels", "lo,mid,hi"],
        "demo": ["demo", "--repeats", "0", "--sizes", "10,100"],
        "kl": ["kl", gett, decl, "--column", "letter", "--smoothing", "jeffreys"],
        "drift": ["drift", str(tmp_path / "r.csv"), str(tmp_path / "c.csv"), "--columns", "x,c",
                  "--permutations", "50"],
        "kl_continuous": ["kl", str(tmp_path / "r.csv"), str(tmp_path / "c.csv"), "--column", "x"],
    }
    for name, args in runs.items():
        r = CliRunner().invoke(cli, args + ["-o", str(tmp_path / f"{name}.png")], catch_exceptions=False)
        assert r.exit_code == 0, r.stderr
    letters = [chr(c) for c in range(ord("a"), ord("z") + 1)]
    top, bottom, _ = figures["explain"].axes[:3]
    assert tick_texts(top) == tick_texts(bottom) == ["lo", "mid", "hi"]
    top, bottom = figures["demo"].axes[:2]
    assert tick_texts(top) == tick_texts(bottom) == letters
    top, bottom = figures["kl"].axes[:2]
    assert sorted(tick_texts(top)) == letters and tick_texts(top) == tick_texts(bottom)
    assert tick_texts(figures["drift"].axes[0]) == ["x", "c"]
    # measurements: a histogram in common bins, not one bar per distinct value
    top = figures["kl_continuous"].axes[0]
    assert len(tick_texts(top)) == 20 and "20 equal-width bins" in top.get_title()
    heights = [p.get_height() for p in top.patches]
    counts = np.histogram(pd.read_csv(tmp_path / "r.csv")["x"], bins=np.histogram_bin_edges(
        np.concatenate([pd.read_csv(tmp_path / f)["x"] for f in ("r.csv", "c.csv")]), 20))[0]
    assert heights[:20] == pytest.approx((counts / 300).tolist())
    assert "verdict" in figures["drift"].axes[0].get_legend().get_title().get_text()
    for fig in figures.values():
        assert_legends_clear(fig)
