"""The worked example (``infokit example``, ``python -m infokit example``), in bits by default.

A source emits four symbols with true distribution P; a model Q believes
they are equally likely.  The table shows each symbol's information content
under P and under Q and its contribution to H(P), H(P, Q) and D(P||Q), then
checks the identity H(P, Q) = H(P) + D(P||Q).

No click is needed here: without the ``cli`` extra, ``python -m infokit
example`` runs :func:`main` (argparse) instead of the click command.
"""

from __future__ import annotations

import argparse
import sys
import textwrap

from infokit.cli._options import parse_base
from infokit.errors import InvalidArgumentError

__all__ = ["P", "Q", "worked_example", "main"]

P = {"A": 1 / 2, "B": 1 / 4, "C": 1 / 8, "D": 1 / 8}
Q = {"A": 1 / 4, "B": 1 / 4, "C": 1 / 4, "D": 1 / 4}
#: The width the example's sentences are wrapped to (a terminal's 80 columns).
WIDTH = 80


def worked_example(base="bits") -> tuple[str, bool]:
    """The example's text in unit ``base``, and whether the identity H(P,Q) = H(P) + D(P||Q) held."""
    import infokit as ik

    p, q, labels = list(P.values()), list(Q.values()), list(P)
    d = ik.decompose(p, q, base=base, outcomes=labels)
    u = d.unit
    h, hpq = ik.entropy(p, base=base), ik.cross_entropy(p, q, base=base)
    kl = ik.kl_divergence(p, q, base=base)
    ok = abs((h + kl) - hpq) <= 1e-12 * max(1.0, abs(hpq))  # type: ignore[call-overload]
    text = (
        f"infokit {ik.__version__}: information content, entropy, cross-entropy and KL divergence\n\n"
        + "True distribution P:  " + ", ".join(f"P({k})={v:g}" for k, v in P.items()) + "\n"
        + "Model distribution Q: " + ", ".join(f"Q({k})={v:g}" for k, v in Q.items()) + "\n\n"
        + f"{d}\n\n"
        + textwrap.fill(
            f"Reading: coding symbols from P with a code built for Q costs H(P,Q) = {hpq:.6g} {u} per symbol; "
            f"the best possible code (built for P) costs H(P) = {h:.6g} {u}; the excess is D(P||Q) = {kl:.6g} {u}.",
            WIDTH, break_long_words=False, break_on_hyphens=False) + "\n"
        + textwrap.fill(f"Identity H(P,Q) = H(P) + D(P||Q): {'holds' if ok else 'FAILS'} "
                        f"({hpq:.17g} vs {h + kl:.17g}).", WIDTH, break_long_words=False) + "\n"
    )
    return text, ok


def main(argv=None) -> int:
    """``python -m infokit example [--base B]`` without click: print the example; the exit code."""
    ap = argparse.ArgumentParser(prog="python -m infokit example", description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="bits", help='unit: "bits" (default), "nats", "hartleys", or 2, e, 10')
    args = ap.parse_args(argv)
    try:
        text, ok = worked_example(parse_base(args.base))
    except InvalidArgumentError as exc:
        sys.stderr.write(f"infokit: error: --base: {exc}\n")
        return 2
    sys.stdout.write(text)
    return 0 if ok else 1
