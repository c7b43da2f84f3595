"""python -m infokit: the worked example, end to end through the interpreter."""

import subprocess
import sys


def run(*args):
    return subprocess.run([sys.executable, "-m", "infokit", *args], capture_output=True, text=True)


def test_demo_prints_the_worked_example_in_bits():
    out = run()
    assert out.returncode == 0, out.stderr
    text = out.stdout
    # closed forms for P = (1/2, 1/4, 1/8, 1/8), Q uniform on 4 symbols
    assert "H(P)      = 1.75 bits" in text
    assert "H(P,Q)    = 2 bits" in text
    assert "D(P||Q)   = 0.25 bits" in text
    assert "Identity H(P,Q) = H(P) + D(P||Q): holds" in text
    assert "I_p [bits]" in text


def test_demo_in_nats_and_bad_base():
    assert "1.21301 nats" in run("--base", "nats").stdout  # 1.75 ln 2
    bad = run("--base", "furlongs")
    assert bad.returncode == 2 and "'base' must be" in bad.stderr and "Traceback" not in bad.stderr
