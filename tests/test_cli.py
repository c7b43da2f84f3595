"""The ``infokit`` command line: values against the library, output formats, exit codes, bad input.

End-to-end cases run the real entry point (``python -m infokit`` in a
subprocess); the rest use click's CliRunner on the same command group.  Data
files are CSV and Parquet written here with pandas / pyarrow.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import pytest
import scipy.stats

pytest.importorskip("click")
pytest.importorskip("rich")
pd = pytest.importorskip("pandas")
pytest.importorskip("pyarrow")

from click.testing import CliRunner  # noqa: E402

import infokit as ik  # noqa: E402
from infokit.cli import cli, main  # noqa: E402
from infokit.demo import data_path  # noqa: E402

DECL = str(data_path("declaration_letters.csv"))
GETT = str(data_path("gettysburg_letters.csv"))
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


# --------------------------------------------------------------------------
# helpers and data
# --------------------------------------------------------------------------
def run_cli(*args):
    """CliRunner on the command group; returns the Result (stdout and stderr separate)."""
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def run_module(*args, env=None, timeout=60):
    """The real entry point, in a fresh interpreter."""
    full_env = dict(os.environ)
    full_env.pop("INFOKIT_DEBUG", None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "infokit", *[str(a) for a in args]],
                          capture_output=True, text=True, timeout=timeout, env=full_env)


def assert_bad_input(result, *fragments):
    """Exit 2, nothing on stdout, one line on stderr containing the fragments, no traceback."""
    stderr = result.stderr
    stdout = result.stdout
    code = result.exit_code if hasattr(result, "exit_code") else result.returncode
    assert code == 2, (code, stdout, stderr)
    assert stdout == ""
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("infokit: error: ")
    assert "Traceback" not in stderr
    for f in fragments:
        assert f in lines[0], (f, lines[0])


def assert_usage_error(result, prefix, *fragments):
    """Exit 2, nothing on stdout, one line on stderr: '<command>: error: <message>. Try '<command> --help'.'"""
    code = result.exit_code if hasattr(result, "exit_code") else result.returncode
    assert code == 2, (code, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(prefix), lines[0]
    assert lines[0].endswith("--help'.") and "Traceback" not in result.stderr
    for f in fragments:
        assert f in lines[0], (f, lines[0])


def as_json(result):
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def letter_values(path=DECL, column="letter"):
    return pd.read_csv(path, keep_default_na=False)[column].to_numpy()


@pytest.fixture(scope="module")
def frames():
    rng = np.random.default_rng(7)
    n = 3000
    x = rng.integers(0, 6, n)
    ref = pd.DataFrame({
        "x": x,
        "y": np.where(rng.random(n) < 0.8, x % 3, rng.integers(0, 3, n)),  # depends on x
        "colour": rng.choice(["red", "green", "blue"], n, p=[0.5, 0.3, 0.2]),
        "amount": rng.normal(10.0, 2.0, n),
    })
    m = 2500
    cur = pd.DataFrame({
        "x": rng.integers(0, 6, m),
        "y": rng.integers(0, 3, m),
        "colour": rng.choice(["red", "green", "blue", "violet"], m, p=[0.3, 0.3, 0.3, 0.1]),
        "amount": rng.normal(11.0, 2.0, m),
    })
    return ref, cur


@pytest.fixture(scope="module")
def files(frames, tmp_path_factory):
    d = tmp_path_factory.mktemp("cli-data")
    ref, cur = frames
    paths = {
        "ref_csv": d / "ref.csv",
        "ref_parquet": d / "ref.parquet",
        "cur_csv": d / "cur.csv",
        "cur_parquet": d / "cur.parquet",
    }
    ref.to_csv(paths["ref_csv"], index=False)
    ref.to_parquet(paths["ref_parquet"])
    cur.to_csv(paths["cur_csv"], index=False)
    cur.to_parquet(paths["cur_parquet"])
    # bad inputs
    good = paths["ref_parquet"].read_bytes()
    (d / "truncated.parquet").write_bytes(good[: len(good) // 2])
    (d / "garbage.parquet").write_bytes(b"this is not parquet at all" * 10)
    (d / "header_only.csv").write_text("a,b\n")
    (d / "all_missing.csv").write_text("a,b\n1,\n2,\n3,\n")
    (d / "some_missing.csv").write_text("a,b\n1,x\n2,\n3,y\n")
    # a numeric column with a bad value past the first block (types are inferred from the first block)
    with open(d / "bad_row.csv", "w") as f:
        f.write("k,v\n")
        f.writelines(f"{i % 5},{i}\n" for i in range(150_000))
        f.write("3,not-a-number\n")
    paths.update({k: d / f for k, f in [
        ("truncated", "truncated.parquet"), ("garbage", "garbage.parquet"), ("header_only", "header_only.csv"),
        ("all_missing", "all_missing.csv"), ("some_missing", "some_missing.csv"), ("bad_row", "bad_row.csv"),
    ]})
    paths["dir"] = d
    return paths


# --------------------------------------------------------------------------
# the real entry point
# --------------------------------------------------------------------------
def test_module_entry_point_entropy_json_matches_library():
    r = run_module("entropy", DECL, "--column", "letter", "--format", "json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    est = ik.estimate_entropy(letter_values(), base="bits", rng=0)
    assert out["estimate"]["value"] == pytest.approx(est.value, rel=1e-12)
    assert out["estimate"]["ci"] == pytest.approx(list(est.ci), rel=1e-12)
    assert out["estimate"]["method"] == est.method
    assert out["unit"] == "bits" and out["estimate"]["unit"] == "bits"
    assert out["plugin"]["value"] == pytest.approx(float(ik.entropy(ik.empirical(letter_values()), base="bits")))
    assert out["n"] == 1653


def test_module_entry_point_bad_input_exit_2_one_line(tmp_path):
    r = run_module("entropy", tmp_path / "missing.csv", "--column", "letter")
    assert r.returncode == 2
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1
    assert "missing.csv" in r.stderr and "Traceback" not in r.stderr
    r = run_module("entropy", DECL, "--column", "nope")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "'nope'" in r.stderr and "'letter'" in r.stderr  # the available columns are listed


def test_module_entry_point_usage_error_exit_2():
    r = run_module("entropy", DECL)  # --column missing
    assert r.returncode == 2
    assert "--column" in r.stderr and "Traceback" not in r.stderr
    r = run_module("nosuchcommand")
    assert r.returncode == 2


def test_module_entry_point_unreachable_scheduler_exit_2_quickly():
    pytest.importorskip("distributed")
    t0 = time.perf_counter()
    r = run_module("entropy", DECL, "--column", "letter", "--scheduler", "tcp://127.0.0.1:1")
    elapsed = time.perf_counter() - t0
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1
    assert "127.0.0.1:1" in r.stderr and "Traceback" not in r.stderr
    assert elapsed < 20


def test_internal_error_exit_1_with_debug_hint():
    code = (
        "import sys, infokit\n"
        "from infokit import cli\n"
        "def boom(*a, **k):\n"
        "    raise RuntimeError('simulated bug')\n"
        "infokit.estimate_entropy = boom\n"
        f"sys.exit(cli.main(['entropy', {DECL!r}, '--column', 'letter']))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "INFOKIT_DEBUG"}
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 1
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in r.stderr
    assert "internal error" in lines[0] and "simulated bug" in lines[0] and "INFOKIT_DEBUG=1" in lines[0]
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**env, "INFOKIT_DEBUG": "1"})
    assert r.returncode == 1
    assert "Traceback" in r.stderr and "simulated bug" in r.stderr


def test_internal_error_through_runner(monkeypatch):
    def boom(*a, **k):
        raise KeyError("bug")

    monkeypatch.delenv("INFOKIT_DEBUG", raising=False)
    monkeypatch.setattr(ik, "estimate_entropy", boom)
    r = run_cli("entropy", DECL, "--column", "letter")
    assert r.exit_code == 1
    assert "internal error: KeyError" in r.stderr and "INFOKIT_DEBUG=1" in r.stderr
    assert r.stdout == ""


def test_main_returns_exit_code(capsys):
    assert main(["explain", "--p", "0.5,0.5", "--q", "0.5,0.5", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["kl_divergence"] == 0
    assert main(["explain", "--p", "0.5,0.6", "--q", "0.5,0.5"]) == 2
    assert "sum to 1" in capsys.readouterr().err


# --------------------------------------------------------------------------
# entropy
# --------------------------------------------------------------------------
def test_entropy_csv_and_parquet_match_library(files, frames):
    ref, _ = frames
    expected = ik.estimate_entropy(ref["colour"].to_numpy(), base="bits", rng=0)
    for key in ("ref_csv", "ref_parquet"):
        out = as_json(run_cli("entropy", files[key], "--column", "colour", "--format", "json"))
        assert out["estimate"]["value"] == pytest.approx(expected.value, rel=1e-12)
        assert out["estimate"]["stderr"] == pytest.approx(expected.stderr, rel=1e-12)
        assert out["estimate"]["diagnostics"]["n"] == len(ref)
        assert out["plugin"]["value"] == pytest.approx(float(ik.entropy(ik.empirical(ref["colour"]), base="bits")))


@pytest.mark.parametrize("method", ["plugin", "miller_madow", "nsb", "chao_shen"])
def test_entropy_estimator_base_and_support_size(files, frames, method):
    ref, _ = frames
    out = as_json(run_cli("entropy", files["ref_parquet"], "--column", "x", "--estimator", method,
                          "--base", "nats", "--support-size", "8", "--format", "json"))
    expected = ik.estimate_entropy(ref["x"].to_numpy(), method, support_size=8, base="nats", rng=0)
    assert out["unit"] == "nats"
    assert out["estimate"]["method"] == method
    assert out["estimate"]["value"] == pytest.approx(expected.value, rel=1e-10)
    assert out["estimate"]["ci"] == pytest.approx(list(expected.ci), rel=1e-10)


def test_entropy_table_shows_unit_and_interval():
    r = run_cli("entropy", DECL, "--column", "letter")
    assert r.exit_code == 0
    assert "bits" in r.stdout and "95% interval" in r.stdout
    assert "H(P̂) plug-in" in r.stdout and "H(P) estimate" in r.stdout
    est = ik.estimate_entropy(letter_values(), base="bits", rng=0)
    assert f"{est.value:.4g}" in r.stdout
    assert f"[{est.ci[0]:.4g}, {est.ci[1]:.4g}]" in r.stdout


def test_entropy_csv_format_parses():
    r = run_cli("entropy", DECL, "--column", "letter", "--format", "csv", "--base", "hartleys")
    assert r.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["method"] for row in rows][0] == "plugin"
    est = ik.estimate_entropy(letter_values(), base="hartleys", rng=0)
    assert float(rows[1]["value"]) == pytest.approx(est.value, rel=1e-12)
    assert float(rows[1]["ci_low"]) == pytest.approx(est.ci[0], rel=1e-12)
    assert {row["unit"] for row in rows} == {"hartleys"}


def test_entropy_dropna(files):
    assert_bad_input(run_cli("entropy", files["some_missing"], "--column", "b"), "missing", "--dropna")
    out = as_json(run_cli("entropy", files["some_missing"], "--column", "b", "--dropna", "--format", "json"))
    assert out["n"] == 2


# --------------------------------------------------------------------------
# kl, mi
# --------------------------------------------------------------------------
def test_kl_matches_library_with_smoothing():
    out = as_json(run_cli("kl", DECL, GETT, "--column", "letter", "--smoothing", "jeffreys", "--format", "json"))
    p, q = ik.empirical(letter_values(DECL)), ik.empirical(letter_values(GETT))
    expected = ik.estimate_kl(p, q, smoothing="jeffreys", base="bits")
    assert out["estimate"]["value"] == pytest.approx(expected.value, rel=1e-12)
    assert out["estimate"]["diagnostics"]["unseen_in_q"] == 3  # j, x, z never occur at Gettysburg
    # --smoothing changes every row it affects: the plug-in is D(P̂||Q̂+0.5) over the 26 letters seen
    letters = sorted(set(p.outcomes.tolist()) | set(q.outcomes.tolist()))
    cp, cq = dict(zip(p.outcomes.tolist(), p.counts.tolist())), dict(zip(q.outcomes.tolist(), q.counts.tolist()))
    pp = np.array([cp.get(c, 0) for c in letters], float) / p.n
    qq = (np.array([cq.get(c, 0) for c in letters], float) + 0.5) / (q.n + 0.5 * len(letters))
    assert out["plugin"]["value"] == pytest.approx(scipy.stats.entropy(pp, qq, base=2), rel=1e-12)
    assert out["cross_entropy_p_hat_q_hat"] == pytest.approx(scipy.stats.entropy(pp, base=2)
                                                             + scipy.stats.entropy(pp, qq, base=2), rel=1e-12)
    assert "differ by" in out["reading"] and "bits" in out["reading"]
    assert out["n_p"] == 1653 and out["n_q"] == 1149


def test_kl_infinite_without_smoothing_is_reported(recwarn):
    r = run_cli("kl", DECL, GETT, "--column", "letter", "--format", "json")
    out = as_json(r)
    assert out["estimate"]["value"] == "inf"
    warn_lines = r.stderr.strip().splitlines()
    assert len(warn_lines) == 1 and warn_lines[0].startswith("infokit: warning:")
    assert "--smoothing jeffreys" in warn_lines[0]
    table = run_cli("kl", DECL, GETT, "--column", "letter")
    assert "inf" in table.stdout and "--smoothing jeffreys" in table.stdout


def test_kl_finite_direction_and_plugin():
    out = as_json(run_cli("kl", GETT, DECL, "--column", "letter", "--estimator", "plugin", "--format", "json"))
    p, q = ik.empirical(letter_values(GETT)), ik.empirical(letter_values(DECL))
    assert out["plugin"]["value"] == pytest.approx(float(ik.kl_divergence(p, q, base="bits")), rel=1e-12)
    assert out["estimate"]["value"] == pytest.approx(out["plugin"]["value"], rel=1e-12)


def test_kl_between_csv_and_parquet(files, frames):
    ref, cur = frames
    out = as_json(run_cli("kl", files["ref_csv"], files["cur_parquet"], "--column", "x", "--format", "json"))
    expected = ik.estimate_kl(ik.empirical(ref["x"]), ik.empirical(cur["x"]), base="bits")
    assert out["estimate"]["value"] == pytest.approx(expected.value, rel=1e-12)


def test_mi_matches_library(files, frames):
    ref, _ = frames
    out = as_json(run_cli("mi", files["ref_parquet"], "--x", "x", "--y", "y", "--format", "json"))
    expected = ik.estimate_mutual_information(ref["x"].to_numpy(), ref["y"].to_numpy(), base="bits", rng=0)
    assert out["estimate"]["value"] == pytest.approx(expected.value, rel=1e-10)
    assert out["estimate"]["stderr"] == pytest.approx(expected.stderr, rel=1e-10)
    assert out["plugin"]["value"] == pytest.approx(float(ik.mutual_information(ref["x"], ref["y"], base="bits")),
                                                   rel=1e-10)
    # string columns, bundled data
    out = as_json(run_cli("mi", DECL, "--x", "letter", "--y", "next", "--estimator", "miller_madow",
                          "--format", "json"))
    df = pd.read_csv(DECL, keep_default_na=False)
    expected = ik.estimate_mutual_information(df["letter"].to_numpy(), df["next"].to_numpy(), "miller_madow",
                                              base="bits")
    assert out["estimate"]["value"] == pytest.approx(expected.value, rel=1e-10)


def test_mi_of_a_column_with_itself_is_its_entropy():
    out = as_json(run_cli("mi", DECL, "--x", "letter", "--y", "letter", "--format", "json"))
    assert out["plugin"]["value"] == pytest.approx(float(ik.entropy(ik.empirical(letter_values()), base="bits")))


def test_mi_dropna(files):
    assert_bad_input(run_cli("mi", files["some_missing"], "--x", "a", "--y", "b"), "missing", "--dropna")
    out = as_json(run_cli("mi", files["some_missing"], "--x", "a", "--y", "b", "--dropna", "--format", "json"))
    assert out["n"] == 2


# --------------------------------------------------------------------------
# drift
# --------------------------------------------------------------------------
def test_drift_matches_library(files, frames):
    from infokit.drift import drift

    ref, cur = frames
    out = as_json(run_cli("drift", files["ref_csv"], files["cur_parquet"], "--columns", "x,colour,amount",
                          "--format", "json"))
    expected = drift(ref, cur, ["x", "colour", "amount"], base="bits", rng=0)
    got = {r["column"]: r for r in out["columns"]}
    assert list(got) == ["x", "colour", "amount"]
    for col in got:
        for key in ("n_ref", "n_cur", "n_bins", "zero_bins_ref", "zero_bins_cur"):
            assert got[col][key] == int(expected.loc[col, key])
        for key in ("js_divergence", "hellinger", "kl_ref_cur"):
            assert got[col][key] == pytest.approx(float(expected.loc[col, key]), rel=1e-9, abs=1e-15)
        assert got[col]["verdict"] == expected.loc[col, "verdict"]
    # 'violet' is unseen in the reference: an infinite KL, reported; PSI adds 0.5 per bin and is finite
    assert got["colour"]["kl_cur_ref"] == "inf" and got["colour"]["zero_bins_ref"] == 1
    assert got["colour"]["psi"] == pytest.approx(float(expected.loc["colour", "psi"]), rel=1e-9)
    assert out["psi_smoothing"] == 0.5
    assert got["amount"]["verdict"] != "no drift"
    assert out["unit"] == "bits" and out["psi_unit"] == "nats"


@pytest.mark.parametrize("bins", ["uniform", "fd", "5"])
def test_drift_bins_and_csv_output(files, frames, bins):
    from infokit.drift import drift

    ref, cur = frames
    r = run_cli("drift", files["ref_parquet"], files["cur_csv"], "--columns", "amount", "--bins", bins,
                "--smoothing", "jeffreys", "--format", "csv", "--permutations", "50")
    assert r.exit_code == 0, r.stderr
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 1 and rows[0]["column"] == "amount"
    spec = int(bins) if bins.isdigit() else bins
    expected = drift(ref, cur, ["amount"], bins=spec, base="bits", smoothing="jeffreys", n_permutations=50, rng=0)
    assert float(rows[0]["psi"]) == pytest.approx(float(expected.loc["amount", "psi"]), rel=1e-9)
    assert int(rows[0]["n_bins"]) == int(expected.loc["amount", "n_bins"])


def test_drift_table_and_default_columns(files):
    r = run_cli("drift", files["ref_csv"], files["cur_csv"], "--permutations", "50")
    assert r.exit_code == 0, r.stderr
    for col in ("x", "y", "colour", "amount"):
        assert col in r.stdout
    assert "PSI [nats]" in r.stdout and "JS [bits]" in r.stdout and "verdict" in r.stdout


# --------------------------------------------------------------------------
# explain
# --------------------------------------------------------------------------
def test_explain_table_json_csv():
    r = run_cli("explain", "--p", "0.8,0.2", "--q", "0.5,0.5", "--labels", "a,b")
    assert r.exit_code == 0
    assert "I_p" in r.stdout and ", in bits" in r.stdout and "H(P) + D(P||Q)" in r.stdout
    d = ik.decompose([0.8, 0.2], [0.5, 0.5], base="bits")
    out = as_json(run_cli("explain", "--p", "0.8,0.2", "--q", "0.5,0.5", "--labels", "a,b", "--format", "json"))
    assert out["outcomes"] == ["a", "b"]
    assert out["kl_divergence"] == pytest.approx(d.kl_divergence)
    assert out["cross_entropy"] == pytest.approx(d.entropy + d.kl_divergence)
    assert [row["kl_term"] for row in out["rows"]] == pytest.approx(list(d.kl_terms))
    r = run_cli("explain", "--p", "0.8,0.2", "--q", "0.5,0.5", "--base", "nats", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert [row["outcome"] for row in rows] == ["0", "1", "total"]
    assert float(rows[-1]["kl_term"]) == pytest.approx(float(ik.kl_divergence([0.8, 0.2], [0.5, 0.5])))
    assert rows[0]["unit"] == "nats"


def test_explain_normalize_and_infinite():
    out = as_json(run_cli("explain", "--p", "8,2", "--q", "1,1", "--normalize", "--format", "json"))
    assert out["kl_divergence"] == pytest.approx(float(ik.kl_divergence([0.8, 0.2], [0.5, 0.5], base="bits")))
    out = as_json(run_cli("explain", "--p", "0.5,0.5", "--q", "1,0", "--format", "json"))
    assert out["kl_divergence"] == "inf"


# --------------------------------------------------------------------------
# --output: a figure only on success, never partial
# --------------------------------------------------------------------------
def test_output_png_written_on_success(tmp_path, files):
    pytest.importorskip("matplotlib")
    targets = {
        "explain": ["explain", "--p", "0.8,0.2", "--q", "0.5,0.5"],
        "kl": ["kl", GETT, DECL, "--column", "letter"],
        "drift": ["drift", files["ref_parquet"], files["cur_parquet"], "--columns", "x,amount",
                  "--permutations", "20"],
    }
    for name, args in targets.items():
        png = tmp_path / f"{name}.png"
        r = run_cli(*args, "--output", png)
        assert r.exit_code == 0, r.stderr
        assert png.read_bytes()[:8] == PNG_MAGIC
    assert sorted(p.name for p in tmp_path.iterdir()) == ["drift.png", "explain.png", "kl.png"]  # no temp files


def test_output_not_written_on_failure(tmp_path, files):
    pytest.importorskip("matplotlib")
    png = tmp_path / "fig.png"
    assert_bad_input(run_cli("explain", "--p", "0.8,0.3", "--q", "0.5,0.5", "--output", png), "sum to 1")
    assert_bad_input(run_cli("kl", files["truncated"], DECL, "--column", "letter", "--output", png))
    assert_bad_input(run_cli("drift", files["ref_csv"], files["cur_csv"], "--columns", "nope", "--output", png),
                     "'nope'")
    assert list(tmp_path.iterdir()) == []
    # an existing file is left as it was when the command fails
    png.write_bytes(b"old")
    assert_bad_input(run_cli("kl", DECL, tmp_path / "missing.csv", "--column", "letter", "--output", png))
    assert png.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig.png"]


def test_output_bad_target_is_usage_error(tmp_path):
    r = run_cli("explain", "--p", "0.8,0.2", "--q", "0.5,0.5", "--output", tmp_path / "fig.txt")
    assert r.exit_code == 2 and "--output" in r.stderr
    r = run_cli("explain", "--p", "0.8,0.2", "--q", "0.5,0.5", "--output", tmp_path / "no" / "fig.png")
    assert r.exit_code == 2 and "does not exist" in r.stderr
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------
# bad input: each a one-line message and exit 2
# --------------------------------------------------------------------------
def test_missing_file(tmp_path):
    missing = tmp_path / "nope.parquet"
    assert_bad_input(run_cli("entropy", missing, "--column", "a"), "nope.parquet")
    assert_bad_input(run_cli("kl", DECL, missing, "--column", "letter"), "nope.parquet")
    assert_bad_input(run_cli("mi", missing, "--x", "a", "--y", "b"), "nope.parquet")
    assert_bad_input(run_cli("drift", missing, DECL), "nope.parquet")
    assert_bad_input(run_cli("drift", DECL, missing), "nope.parquet")


def test_directory_instead_of_file(files):
    assert_bad_input(run_cli("entropy", files["dir"], "--column", "a"), "directory")


def test_unknown_column(files):
    assert_bad_input(run_cli("entropy", files["ref_parquet"], "--column", "nope"), "'nope'", "'colour'")
    assert_bad_input(run_cli("entropy", files["ref_csv"], "--column", "nope"), "'nope'", "'colour'")
    assert_bad_input(run_cli("mi", files["ref_csv"], "--x", "x", "--y", "nope"), "'nope'")
    assert_bad_input(run_cli("kl", files["ref_csv"], files["cur_csv"], "--column", "x", "--q-column", "nope"),
                     "'nope'")
    assert_bad_input(run_cli("drift", files["ref_csv"], files["cur_csv"], "--columns", "x,nope"), "'nope'")


def test_truncated_and_unreadable_parquet(files):
    assert_bad_input(run_cli("entropy", files["truncated"], "--column", "x"), "truncated.parquet")
    assert_bad_input(run_cli("entropy", files["garbage"], "--column", "x"), "garbage.parquet")
    assert_bad_input(run_cli("mi", files["truncated"], "--x", "x", "--y", "y"), "truncated.parquet")
    assert_bad_input(run_cli("drift", files["ref_parquet"], files["truncated"]), "truncated.parquet")


def test_csv_row_with_wrong_type(files):
    # column v is int64 in the first block; row 150001 holds a word
    assert_bad_input(run_cli("entropy", files["bad_row"], "--column", "v", "--batch-size", "1024"),
                     "bad_row.csv", "not-a-number")
    assert_bad_input(run_cli("drift", files["bad_row"], files["bad_row"], "--columns", "v", "--batch-size", "1024"),
                     "bad_row.csv")


def test_empty_columns(files):
    assert_bad_input(run_cli("entropy", files["header_only"], "--column", "a"), "empty")
    assert_bad_input(run_cli("entropy", files["all_missing"], "--column", "b"), "no values")
    assert_bad_input(run_cli("entropy", files["all_missing"], "--column", "b", "--dropna"), "no values")
    assert_bad_input(run_cli("drift", files["header_only"], files["ref_csv"]), "header_only.csv")
    assert_bad_input(run_cli("mi", files["header_only"], "--x", "a", "--y", "b"), "empty")


def test_empty_file(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert_bad_input(run_cli("entropy", empty, "--column", "a"), "empty")


def test_bad_options_are_usage_errors():
    for args in (
        ["entropy", DECL, "--column", "letter", "--estimator", "bogus"],
        ["entropy", DECL, "--column", "letter", "--base", "7x"],
        ["entropy", DECL, "--column", "letter", "--format", "xml"],
        ["entropy", DECL, "--column", "letter", "--support-size", "0"],
        ["drift", DECL, DECL, "--bins", "many"],
        ["drift", DECL, DECL, "--bins", "0"],
        ["kl", DECL, GETT, "--column", "letter", "--smoothing", "-1"],
        ["explain", "--p", "0.8,x", "--q", "0.5,0.5"],
    ):
        r = run_cli(*args)
        assert_usage_error(r, f"infokit {args[0]}: error: ")


def test_bad_values_exit_2():
    assert_bad_input(run_cli("explain", "--p", "0.8,0.2", "--q", "0.5,0.3,0.2"), "--q")
    assert_bad_input(run_cli("explain", "--p", "0.8,0.2", "--q", "0.5,0.5", "--labels", "a,b,c"), "--labels")
    assert_bad_input(run_cli("explain", "--p", "0.8,0.3", "--q", "0.5,0.5"), "--normalize")
    assert_bad_input(run_cli("entropy", DECL, "--column", "letter", "--support-size", "3"), "support")
    # labels in P, numbers in Q
    assert_bad_input(run_cli("kl", DECL, DECL, "--column", "letter", "--q-column", "word_length"), "cannot be compared")


def test_version_and_help():
    r = run_cli("--version")
    assert r.exit_code == 0 and ik.__version__ in r.stdout
    r = run_cli("--help")
    assert r.exit_code == 0
    for command in ("entropy", "kl", "mi", "drift", "explain", "demo", "example", "data"):
        assert command in r.stdout


def test_registry_names_every_command_and_its_summary():
    import click

    from infokit.cli import COMMANDS

    ctx = click.Context(cli)
    assert cli.list_commands(ctx) == sorted(COMMANDS)
    help_text = run_cli("--help").stdout
    for name, info in COMMANDS.items():
        command = cli.get_command(ctx, name)
        assert command.name == name and command.short_help == info.summary
        assert " ".join(info.summary.split()) in " ".join(help_text.split())
    assert cli.get_command(ctx, "nosuchcommand") is None


def test_help_imports_no_command_and_no_data_library():
    code = (
        "import sys, infokit.cli\n"
        "code = infokit.cli.main(['--help'])\n"
        "heavy = {'pandas', 'pyarrow', 'dask', 'distributed', 'matplotlib', 'rich'}\n"
        "loaded = {m for m in sys.modules if m.split('.')[0] in heavy or m.startswith('infokit.cli.commands.')}\n"
        "print(code, sorted(loaded), file=sys.stderr)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stderr.strip() == "0 []", r.stderr
    assert "Commands:" in r.stdout


def test_example_closed_forms():
    r = run_cli("example")
    assert r.exit_code == 0, r.stderr
    # P = (1/2, 1/4, 1/8, 1/8), Q uniform: H(P) = 1.75 bits, H(P,Q) = 2 bits, D(P||Q) = 0.25 bits
    for line in ("H(P)      = 1.75 bits", "H(P,Q)    = 2 bits", "D(P||Q)   = 0.25 bits"):
        assert line in r.stdout
    r = run_cli("example", "--base", "hartleys")
    assert f"D(P||Q)   = {0.25 * math.log10(2):.6g} hartleys" in r.stdout
    assert run_cli("example", "--base", "0").exit_code == 2


def test_labels_are_printed_as_given():
    r = run_cli("explain", "--p", "0.5,0.5", "--q", "0.5,0.5", "--labels", "1.50,x")
    assert r.exit_code == 0
    assert "1.50" in r.stdout  # a label is text, not a number to reformat


def test_drift_in_nats_is_the_library_drift_in_nats(files, frames):
    from infokit.drift import drift

    ref, cur = frames
    out = as_json(run_cli("drift", files["ref_parquet"], files["cur_parquet"], "--columns", "x,amount",
                          "--base", "nats", "--permutations", "0", "--format", "json"))
    expected = drift(ref, cur, ["x", "amount"], base="nats", n_permutations=0)
    assert out["unit"] == "nats"
    for r in out["columns"]:
        assert r["js_divergence"] == pytest.approx(float(expected.loc[r["column"], "js_divergence"]), rel=1e-9)


# --------------------------------------------------------------------------
# Dask
# --------------------------------------------------------------------------
def test_scheduler_gives_the_in_memory_result(files):
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("dask.dataframe")
    cases = [
        ["entropy", files["ref_parquet"], "--column", "colour"],
        ["entropy", DECL, "--column", "letter"],
        ["kl", GETT, DECL, "--column", "letter"],
        ["mi", files["ref_csv"], "--x", "x", "--y", "y"],
        ["drift", files["ref_csv"], files["cur_parquet"], "--permutations", "50"],
    ]
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        for args in cases:
            local = run_cli(*args, "--format", "json")
            remote = run_cli(*args, "--format", "json", "--scheduler", cluster.scheduler_address)
            assert remote.exit_code == 0, (args, remote.stderr)
            assert json.loads(remote.stdout) == json.loads(local.stdout), args
        assert_bad_input(run_cli("entropy", files["ref_csv"], "--column", "nope", "--scheduler",
                                 cluster.scheduler_address), "'nope'")
        for command in (["entropy", files["some_missing"], "--column", "b"],
                        ["mi", files["some_missing"], "--x", "a", "--y", "b"]):
            assert_bad_input(run_cli(*command, "--scheduler", cluster.scheduler_address), "missing", "--dropna")
            local = run_cli(*command, "--dropna", "--format", "json")
            remote = run_cli(*command, "--dropna", "--format", "json", "--scheduler", cluster.scheduler_address)
            assert json.loads(remote.stdout) == json.loads(local.stdout)
        assert_bad_input(run_cli("entropy", files["truncated"], "--column", "x", "--scheduler",
                                 cluster.scheduler_address), "truncated.parquet")


def test_unreachable_scheduler_runner():
    pytest.importorskip("distributed")
    t0 = time.perf_counter()
    for args in (["entropy", DECL, "--column", "letter"], ["drift", DECL, GETT]):
        assert_bad_input(run_cli(*args, "--scheduler", "tcp://127.0.0.1:1"), "Dask scheduler", "127.0.0.1:1")
    assert time.perf_counter() - t0 < 10


def test_json_has_no_bare_infinities():
    r = run_cli("kl", DECL, GETT, "--column", "letter", "--format", "json")
    json.loads(r.stdout, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    assert not any(math.isinf(v) for v in _numbers(json.loads(r.stdout)))


def _numbers(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _numbers(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _numbers(v)
    elif isinstance(obj, float):
        yield obj


# --------------------------------------------------------------------------
# faults: usage errors, signals, streams, scheduler problems
# --------------------------------------------------------------------------
def test_usage_errors_are_one_line():
    assert_usage_error(run_module("kl", DECL), "infokit kl: error: missing argument 'Q_PATH'.")
    assert_usage_error(run_cli("entropy", DECL), "infokit entropy: error: missing option '--column'")
    assert_usage_error(run_cli("nosuchcommand"), "infokit: error: no such command 'nosuchcommand'.")
    assert_usage_error(run_cli("example", "extra"), "infokit example: error: got unexpected extra argument")
    assert_usage_error(run_cli("entropy", DECL, "--column", "letter", "--no-such-option"),
                       "infokit entropy: error: no such option '--no-such-option'")


def test_help_and_version_still_exit_0():
    r = run_cli("--help")
    assert r.exit_code == 0 and "Commands" in r.stdout
    r = run_cli("--version")
    assert r.exit_code == 0 and r.stdout.startswith("infokit ")


def _started(args, **kw):
    env = {k: v for k, v in os.environ.items() if k != "INFOKIT_DEBUG"}
    env["PYTHONPATH"] = os.pathsep.join([os.path.join(os.path.dirname(__file__), "..", "src"),
                                         env.get("PYTHONPATH", "")])
    env.update(kw.pop("env", {}))
    return subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, **kw)


def _fifo_reader_is_waiting(fifo):
    """Open the FIFO's writing end once the command has opened its reading end (then it waits on read)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            return os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        except OSError:  # ENXIO: no reader yet
            time.sleep(0.05)
    pytest.fail("the command never opened the FIFO")


def test_sigint_exits_130_and_leaves_nothing(tmp_path):
    import signal

    fifo = tmp_path / "input.csv"
    os.mkfifo(fifo)
    spool = tmp_path / "tmp"
    spool.mkdir()
    proc = _started([sys.executable, "-m", "infokit", "entropy", str(fifo), "--column", "letter"],
                    env={"TMPDIR": str(spool)})
    w = _fifo_reader_is_waiting(fifo)
    try:
        time.sleep(0.2)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        os.close(w)
    assert proc.returncode == 130, err
    assert err.strip() == "infokit: interrupted" and out == ""
    assert list(spool.iterdir()) == []  # the spooled copy of the stream is gone too


SLOW_SAVE = """
import sys, time
from matplotlib.figure import Figure
def slow_save(self, fname, *a, **k):   # a figure written part way, then a long write
    with open(fname, "wb") as f:
        f.write(b"\\x89PNG partial")
        f.flush()
        time.sleep(60)
Figure.savefig = slow_save
from infokit.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_sigterm_while_a_figure_is_written_leaves_nothing(tmp_path):
    pytest.importorskip("matplotlib")
    import signal

    fig = tmp_path / "fig.png"
    proc = _started([sys.executable, "-c", SLOW_SAVE, "kl", GETT, DECL, "--column", "letter", "--output", str(fig)])
    deadline = time.monotonic() + 60
    while not any(p.name.endswith(".part") for p in tmp_path.iterdir()):
        assert time.monotonic() < deadline and proc.poll() is None, proc.stderr.read() if proc.poll() else ""
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 143, err
    assert err.strip() == "infokit: terminated" and out == ""
    assert list(tmp_path.iterdir()) == []


def test_standard_input_is_read_as_dash(files):
    want = as_json(run_cli("entropy", DECL, "--column", "letter", "--format", "json"))
    with open(DECL, "rb") as f:
        data = f.read()
    r = CliRunner().invoke(cli, ["entropy", "-", "--column", "letter", "--format", "json"], input=data)
    got = as_json(r)
    assert got.pop("path") == "-"
    want.pop("path")
    assert "in standard input" in got.pop("reading") and "declaration_letters.csv" in want.pop("reading")
    assert got == want
    # Parquet on standard input is recognised by its magic number; TSV by --file-format
    want = as_json(run_cli("mi", files["ref_parquet"], "--x", "x", "--y", "y", "--format", "json"))
    got = as_json(CliRunner().invoke(cli, ["mi", "-", "--x", "x", "--y", "y", "--format", "json"],
                                     input=files["ref_parquet"].read_bytes()))
    assert got["estimate"] == want["estimate"] and got["n"] == want["n"]
    tsv = pd.read_csv(DECL, keep_default_na=False).to_csv(sep="\t", index=False).encode()
    got = as_json(CliRunner().invoke(cli, ["entropy", "-", "--column", "letter", "--format", "json",
                                           "--file-format", "tsv"], input=tsv))
    assert got["plugin"] == as_json(run_cli("entropy", DECL, "--column", "letter", "--format", "json"))["plugin"]
    # both files of kl from one standard input: read once
    r = CliRunner().invoke(cli, ["kl", "-", "-", "--column", "letter", "--format", "json"], input=data)
    assert as_json(r)["plugin"]["value"] == 0.0


def test_empty_standard_input_and_messages_name_the_stream():
    assert_bad_input(CliRunner().invoke(cli, ["entropy", "-", "--column", "a"], input=b""),
                     "<stdin>: the file is empty")
    with open(DECL, "rb") as f:
        data = f.read()
    assert_bad_input(CliRunner().invoke(cli, ["entropy", "-", "--column", "nope"], input=data),
                     "<stdin>: no column 'nope'", "'letter'")


def test_fifo_and_pipe_are_read_as_streams(tmp_path):
    import threading

    with open(DECL, "rb") as f:
        data = f.read()
    want = as_json(run_cli("entropy", DECL, "--column", "letter", "--format", "json"))["plugin"]

    def feed(path_or_fd):
        with open(path_or_fd, "wb") as w:
            for i in range(0, len(data), 4096):  # in pieces, as a pipe delivers them
                w.write(data[i:i + 4096])

    fifo = tmp_path / "letters"  # no suffix: the format is sniffed
    os.mkfifo(fifo)
    t = threading.Thread(target=feed, args=(str(fifo),))
    t.start()
    got = as_json(run_cli("entropy", fifo, "--column", "letter", "--format", "json"))["plugin"]
    t.join(10)
    assert got == want
    r, w = os.pipe()  # /dev/fd/N: what <(cat file) passes
    t = threading.Thread(target=feed, args=(w,))
    t.start()
    try:
        got = as_json(run_cli("entropy", f"/dev/fd/{r}", "--column", "letter", "--format", "json"))["plugin"]
    finally:
        t.join(10)
        os.close(r)
    assert got == want


def test_scheduler_faults_end_on_one_line_within_the_timeout():
    pytest.importorskip("distributed")
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)  # accepts connections (the kernel's backlog), never answers
    port = s.getsockname()[1]
    addresses = [f"tcp://127.0.0.1:{port}", f"tls://127.0.0.1:{port}", "foo:bar:baz"]
    code = (
        "import sys, time\n"
        "import distributed\n"
        "from infokit.cli import main\n"
        # imports first (seconds on a busy machine; not the wait under test): a local run
        f"assert main(['entropy', {DECL!r}, '--column', 'letter', '--format', 'json']) == 0\n"
        f"for a in {addresses!r}:\n"
        "    t = time.monotonic()\n"
        f"    rc = main(['entropy', {DECL!r}, '--column', 'letter', '--scheduler', a])\n"
        "    print(rc, round(time.monotonic() - t, 2))\n"
    )
    try:
        t0 = time.monotonic()
        proc = _started([sys.executable, "-c", code], env={"INFOKIT_DASK_TIMEOUT": "1.5"})
        out, err = proc.communicate(timeout=60)
        total = time.monotonic() - t0
    finally:
        s.close()
    results = [line.split() for line in out.strip().splitlines()[-3:]]
    assert [rc for rc, _ in results] == ["2", "2", "2"], (out, err)
    silent, tls, malformed = (float(t) for _, t in results)
    assert silent < 1.5 + 1.5  # the timeout (from the command's start) and a little
    assert tls < 1.0 and malformed < 1.0
    lines = err.strip().splitlines()
    assert len(lines) == 3, err  # one line each, and no Client.__del__ traceback at exit
    assert "handshake" in lines[0] and "TLS" in lines[1] and "not a Dask scheduler address" in lines[2]
    assert all(line.startswith("infokit: error: ") for line in lines)
    assert total < 30


def test_scheduler_gives_the_local_answer_on_every_column_type(tmp_path):
    """The Dask path parses and drops missing values as the streamed path does, column type by column type.

    The words ``None`` and ``<NA>`` are values (pandas alone would read them as missing): with
    --dropna the string column keeps 3 of its 4 equally frequent words, H = log2 3.
    """
    distributed = pytest.importorskip("distributed")
    pytest.importorskip("dask.dataframe")
    import logging

    n = 1200
    k = np.arange(n)
    path = tmp_path / "types.csv"
    table = {
        "s": np.array(["None", "<NA>", "x", ""])[k % 4],
        "i": np.where(k % 7 == 0, "", (k % 5).astype(str)),
        "f": np.where(k % 11 == 0, "NaN", ((k % 6) / 4).astype(str)),
        "b": np.where(k % 13 == 0, "", np.where(k % 3 > 0, "true", "false")),
        "d": np.where(k % 17 == 0, "", np.char.add("2024-01-0", (1 + k % 4).astype(str))),
        "t": np.where(k % 19 == 0, "null", np.char.add(np.char.add("2024-01-01 0", (k % 3).astype(str)), ":00:00")),
    }
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(list(table))
        w.writerows(zip(*table.values()))
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None,
                                  silence_logs=logging.CRITICAL) as cluster:
        on = ["--scheduler", cluster.scheduler_address]
        for c in table:
            base = ["entropy", path, "--column", c, "--format", "json"]
            assert run_cli(*base).exit_code == run_cli(*base, *on).exit_code == 2  # missing values
            local = as_json(run_cli(*base, "--dropna"))
            assert as_json(run_cli(*base, "--dropna", *on)) == local, c
            if c == "s":
                assert local["n"] == 3 * n // 4
                assert local["plugin"]["value"] == pytest.approx(math.log2(3), rel=1e-12)
        for x, y in (("s", "i"), ("b", "d"), ("i", "f"), ("t", "s")):
            args = ["mi", path, "--x", x, "--y", y, "--dropna", "--format", "json"]
            assert as_json(run_cli(*args, *on)) == as_json(run_cli(*args)), (x, y)


def test_readings_say_what_was_estimated(tmp_path):
    """The sentence under a table: the sample's value and the estimate for discrete columns; for a continuous
    column (iris petal length, 43 values in 150 rows) the k-NN estimate alone, never the values counted as
    categories."""
    sklearn = pytest.importorskip("sklearn.datasets")
    frame = sklearn.load_iris(as_frame=True).frame
    path = tmp_path / "iris.csv"
    frame.to_csv(path, index=False)
    out = as_json(run_cli("mi", path, "--x", "petal length (cm)", "--y", "target", "--format", "json"))
    assert out["estimate"]["method"] == "ross"
    assert "from the values as measurements" in out["reading"] and "in this sample" not in out["reading"]
    lo, hi = out["estimate"]["ci"]
    assert f"{lo:.3g} to {hi:.3g}" in out["reading"]
    out = as_json(run_cli("mi", path, "--x", "target", "--y", "target", "--format", "json"))
    assert "in this sample" in out["reading"] and f"{out['plugin']['value']:.3g} bits" in out["reading"]
