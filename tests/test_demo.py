"""The bundled data (texts, letter tables, the script that makes them) and ``infokit demo``."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import numpy as np
import pytest

import infokit as ik
from infokit import demo
from infokit.data import make_letters
from infokit.errors import InvalidArgumentError


# --------------------------------------------------------------------------
# bundled data
# --------------------------------------------------------------------------
def test_bundled_files_exist():
    for name in demo.DATA_FILES:
        p = demo.data_path(name)
        assert p.is_file() and p.stat().st_size > 0, name
    with pytest.raises(InvalidArgumentError, match="declaration_letters.csv"):
        demo.data_path("nope.csv")


def test_texts_are_the_expected_ones():
    gettysburg = demo.data_path("gettysburg.txt").read_text(encoding="utf-8")
    declaration = demo.data_path("declaration.txt").read_text(encoding="utf-8")
    assert gettysburg.startswith("Four score and seven years ago")
    assert gettysburg.rstrip().endswith("shall not perish from the earth.")
    assert declaration.startswith("When in the Course of human events")
    assert declaration.rstrip().endswith("let Facts be submitted to a candid world.")
    assert len(make_letters.normalise_words(gettysburg)) in range(268, 276)  # ~272 words in the Bliss copy
    assert "README.txt" in demo.DATA_FILES
    readme = demo.data_path("README.txt").read_text(encoding="utf-8")
    assert "public domain" in readme and "Bliss" in readme


@pytest.mark.parametrize("stem", ["gettysburg", "declaration"])
def test_committed_csvs_are_what_the_script_makes(stem, tmp_path):
    out = tmp_path / f"{stem}.csv"
    n = make_letters.write_csv(demo.data_path(f"{stem}.txt"), out)
    committed = demo.data_path(make_letters.TEXTS[stem])
    assert out.read_bytes() == committed.read_bytes()
    rows = list(csv.DictReader(io.StringIO(committed.read_text(encoding="utf-8"))))
    assert len(rows) == n
    text = demo.data_path(f"{stem}.txt").read_text(encoding="utf-8").lower()
    assert n == sum(ch.isascii() and ch.isalpha() for ch in text)
    for r in rows:
        assert len(r["letter"]) == 1 and "a" <= r["letter"] <= "z"
        assert r["next"] == "_" or "a" <= r["next"] <= "z"
        assert int(r["word_length"]) >= 1


def test_letter_rows_semantics():
    rows = make_letters.rows(make_letters.normalise_words("Nature's God, self-evident."))
    assert [r[0] for r in rows] == list("naturesgodselfevident")
    assert rows[6] == ("s", "_", 7)  # the apostrophe is dropped: "natures"
    assert rows[-1] == ("t", "_", 7)
    assert rows[10] == ("s", "e", 4)
    assert rows[13] == ("f", "_", 4)  # "self"-"evident": the hyphen is a word boundary


def test_letters_and_true_distribution():
    x = demo.letters("declaration")
    assert x.shape == (1653,) and x.dtype.kind == "U"
    alphabet, p = demo.true_distribution()
    assert alphabet == list("abcdefghijklmnopqrstuvwxyz")
    assert p.sum() == pytest.approx(1.0) and np.all(p > 0)  # all 26 letters occur in the Declaration
    e = ik.empirical(x)
    assert np.allclose(p, e.probs)
    lengths = demo.letters("gettysburg", "word_length")
    assert lengths.dtype.kind == "i" and lengths.min() >= 1
    with pytest.raises(InvalidArgumentError):
        demo.letters("hamlet")
    with pytest.raises(InvalidArgumentError, match="column"):
        demo.letters("declaration", "nope")


def test_fit_zipf_recovers_exponent_and_minimises_cross_entropy():
    ranks = np.arange(1, 27)
    for theta in (0.5, 1.0, 1.7):
        got, q, used = demo.fit_zipf(demo.zipf_model(theta, ranks))
        assert got == pytest.approx(theta, abs=1e-6)
    _, p = demo.true_distribution()
    theta, q, ranks = demo.fit_zipf(p)
    h = float(ik.cross_entropy(p, q, base="bits"))
    for other in (theta - 0.05, theta + 0.05):
        assert float(ik.cross_entropy(p, demo.zipf_model(other, ranks), base="bits")) > h
    assert ranks[np.argmax(p)] == 1  # 'e' is rank 1


# --------------------------------------------------------------------------
# run_demo
# --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def result():
    return demo.run_demo(seed=3, sizes=(10, 100, 1000, 10000), repeats=10)


def test_demo_story_numbers(result):
    r = result
    assert r.unit == "bits"
    _, p = demo.true_distribution()
    assert r.entropy == pytest.approx(float(ik.entropy(p, base="bits")))
    kls = [s["kl_to_truth"] for s in r.samples]
    assert kls[-1] < kls[0] and kls[-1] < 0.01  # P̂ converges to P
    assert abs(r.samples[-1]["plugin_entropy"] - r.entropy) < 0.05
    for s in r.samples:
        assert s["plugin_entropy"] <= np.log2(26) + 1e-12
        lo, hi = s["estimate"]["ci"]
        assert lo <= s["estimate"]["value"] <= hi
        assert s["kl_expected"] == pytest.approx(25 / (2 * s["n"]) / np.log(2))
    m = r.model
    assert m["cross_entropy"] == pytest.approx(m["entropy"] + m["kl"], abs=1e-12)  # the identity
    assert m["true_cross_entropy"] == pytest.approx(m["true_entropy"] + m["true_kl"], abs=1e-12)
    assert 0 < m["theta"] < 5
    assert 0 < m["true_kl"] < m["uniform_cross_entropy"] - r.entropy  # the fitted model beats uniform
    assert len(r.estimators) == 4 * len(demo.DEMO_ESTIMATORS)
    plugin_small = next(e for e in r.estimators if e["n"] == 10 and e["method"] == "plugin")
    assert plugin_small["bias"] < 0  # the plug-in is biased low


def test_demo_deterministic_and_units():
    a = demo.run_demo(seed=1, sizes=(20, 200), repeats=2)
    b = demo.run_demo(seed=1, sizes=(20, 200), repeats=2)
    assert a.to_dict() == b.to_dict()
    n = demo.run_demo("nats", seed=1, sizes=(20, 200), repeats=0)
    assert n.unit == "nats" and n.estimators == []
    assert n.entropy == pytest.approx(a.entropy * np.log(2))
    with pytest.raises(InvalidArgumentError):
        demo.run_demo(sizes=(0, 10))


# --------------------------------------------------------------------------
# infokit demo
# --------------------------------------------------------------------------
def _runner():
    pytest.importorskip("click")
    pytest.importorskip("rich")
    from click.testing import CliRunner

    return CliRunner()


def test_cli_demo_prints_the_identity_with_its_unit():
    from infokit.cli import cli

    r = _runner().invoke(cli, ["demo", "--repeats", "5"], catch_exceptions=False)
    assert r.exit_code == 0, r.stderr
    out = r.stdout
    for heading in ("1. The truth", "2. Samples", "3. A model", "4. Entropy estimators"):
        assert heading in out
    assert "H(P̂) + D(P̂||Q) =" in out and "bits = H(P̂,Q)" in out
    assert "identity holds" in out
    res = demo.run_demo(seed=0, repeats=5)
    assert f"H(P) = {res.entropy:.6g} bits" in out
    assert f"θ = {res.model['theta']:.4f}" in out


def test_cli_demo_formats(tmp_path):
    from infokit.cli import cli

    runner = _runner()
    r = runner.invoke(cli, ["demo", "--repeats", "2", "--sizes", "10,100", "--base", "nats", "--format", "json"])
    assert r.exit_code == 0, r.stderr
    data = json.loads(r.stdout)
    assert data["unit"] == "nats" and [s["n"] for s in data["samples"]] == [10, 100]
    m = data["model"]
    assert m["cross_entropy"] == pytest.approx(m["entropy"] + m["kl"], abs=1e-12)
    r = runner.invoke(cli, ["demo", "--repeats", "2", "--sizes", "10,100", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert {row["section"] for row in rows} == {"truth", "samples", "model", "estimators"}
    model = {row["quantity"]: float(row["value"]) for row in rows if row["section"] == "model"}
    assert model["H(P̂,Q)"] == pytest.approx(model["H(P̂)"] + model["D(P̂||Q)"], abs=1e-12)
    assert runner.invoke(cli, ["demo", "--sizes", "10,x"]).exit_code == 2


def test_cli_demo_output_png(tmp_path):
    pytest.importorskip("matplotlib")
    from infokit.cli import cli

    png = tmp_path / "demo.png"
    r = _runner().invoke(cli, ["demo", "--repeats", "0", "--sizes", "10,100,1000", "--output", str(png)])
    assert r.exit_code == 0, r.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["demo.png"]


def test_demo_through_the_module_entry_point():
    pytest.importorskip("click")
    r = subprocess.run([sys.executable, "-m", "infokit.cli", "demo", "--repeats", "3", "--sizes", "10,1000"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "= H(P̂,Q)" in r.stdout and "bits" in r.stdout
    assert "Traceback" not in r.stderr


def test_cli_data_lists_and_locates_bundled_files():
    from infokit.cli import cli

    runner = _runner()
    r = runner.invoke(cli, ["data", "declaration_letters.csv"])
    assert r.exit_code == 0
    assert r.stdout.strip() == str(demo.data_path("declaration_letters.csv"))
    r = runner.invoke(cli, ["data", "--format", "json"])
    assert [f["name"] for f in json.loads(r.stdout)["files"]] == list(demo.DATA_FILES)
    r = runner.invoke(cli, ["data", "nope.csv"])
    assert r.exit_code == 2 and r.stdout == "" and "nope.csv" in r.stderr
