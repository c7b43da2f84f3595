"""python -m infokit: the command line, and the worked example (``example``) with and without click."""

import importlib.util
import math
import subprocess
import sys

import pytest

# python -m infokit, with click hidden (as if the cli extra were not installed)
WITHOUT_CLICK = (
    "import runpy, sys\n"
    "sys.modules['click'] = None\n"
    "sys.argv = ['infokit'] + sys.argv[1:]\n"
    "runpy.run_module('infokit', run_name='__main__', alter_sys=True)\n"
)


def run(*args):
    return subprocess.run([sys.executable, "-m", "infokit", *args], capture_output=True, text=True)


def run_without_click(*args):
    return subprocess.run([sys.executable, "-c", WITHOUT_CLICK, *args], capture_output=True, text=True)


def assert_worked_example_in_bits(text):
    # closed forms for P = (1/2, 1/4, 1/8, 1/8), Q uniform on 4 symbols
    assert "H(P)      = 1.75 bits" in text
    assert "H(P,Q)    = 2 bits" in text
    assert "D(P||Q)   = 0.25 bits" in text
    assert "Identity H(P,Q) = H(P) + D(P||Q): holds" in text
    assert "I_p [bits]" in text


def test_example_prints_the_worked_example_in_bits():
    pytest.importorskip("click")
    out = run("example")
    assert out.returncode == 0, out.stderr
    assert_worked_example_in_bits(out.stdout)


def test_example_in_nats_and_bad_base():
    pytest.importorskip("click")
    assert f"{1.75 * math.log(2):.6g} nats" == "1.21301 nats"
    assert "1.21301 nats" in run("example", "--base", "nats").stdout  # 1.75 ln 2
    bad = run("example", "--base", "furlongs")
    assert bad.returncode == 2 and "'base' must be" in bad.stderr and "Traceback" not in bad.stderr


def test_no_arguments_prints_the_help():
    pytest.importorskip("click")
    out = run()
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("Usage: infokit")
    for command in ("data", "demo", "drift", "entropy", "example", "explain", "kl", "mi"):
        assert f"\n  {command} " in out.stdout


def test_example_without_click_runs_on_its_own():
    out = run_without_click("example")
    assert out.returncode == 0, out.stderr
    assert_worked_example_in_bits(out.stdout)
    if importlib.util.find_spec("click") is not None:  # the same text as the click command's
        assert out.stdout == run("example").stdout
    nats = run_without_click("example", "--base", "nats")
    assert nats.returncode == 0 and "1.21301 nats" in nats.stdout
    bad = run_without_click("example", "--base", "furlongs")
    assert bad.returncode == 2 and "'base' must be" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.parametrize("args", [(), ("--help",), ("entropy", "x.csv", "--column", "a")])
def test_other_commands_without_click_print_the_install_hint(args):
    out = run_without_click(*args)
    assert out.returncode == 2
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in out.stderr
    assert "pip install -e '.[cli]'" in lines[0] and "infokit[cli]" in lines[0]
