"""``python -m infokit``: the worked example of the mission, in bits.

A source emits four symbols with true distribution P; a model Q believes
they are equally likely.  The table shows each symbol's information content
under P and under Q and its contribution to H(P), H(P, Q) and D(P||Q), then
checks the identity H(P, Q) = H(P) + D(P||Q).
"""

from __future__ import annotations

import argparse
import sys

from infokit import __version__, cross_entropy, entropy, kl_divergence
from infokit._api.decompose import decompose

P = {"A": 1 / 2, "B": 1 / 4, "C": 1 / 8, "D": 1 / 8}
Q = {"A": 1 / 4, "B": 1 / 4, "C": 1 / 4, "D": 1 / 4}


def demo(base: str = "bits", out=None) -> int:
    out = out or sys.stdout
    p, q, labels = list(P.values()), list(Q.values()), list(P)
    d = decompose(p, q, base=base, outcomes=labels)
    u = d.unit
    w = out.write
    w(f"infokit {__version__}: information content, entropy, cross-entropy and KL divergence\n\n")
    w("True distribution P:  " + ", ".join(f"P({k})={v:g}" for k, v in P.items()) + "\n")
    w("Model distribution Q: " + ", ".join(f"Q({k})={v:g}" for k, v in Q.items()) + "\n\n")
    w(str(d) + "\n\n")
    h, hpq, kl = entropy(p, base=base), cross_entropy(p, q, base=base), kl_divergence(p, q, base=base)
    w(f"Reading: coding symbols from P with a code built for Q costs H(P,Q) = {hpq:.6g} {u} per symbol;\n")
    w(f"the best possible code (built for P) costs H(P) = {h:.6g} {u}; the excess is D(P||Q) = {kl:.6g} {u}.\n")
    ok = abs((h + kl) - hpq) <= 1e-12 * max(1.0, abs(hpq))
    w(f"Identity H(P,Q) = H(P) + D(P||Q): {'holds' if ok else 'FAILS'} ({hpq:.17g} vs {h + kl:.17g}).\n")
    return 0 if ok else 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m infokit", description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="bits", help='unit: "bits" (default), "nats", "hartleys", or 2, e, 10')
    args = ap.parse_args(argv)
    base = args.base
    try:
        base = float(base) if base.replace(".", "", 1).isdigit() else base
        return demo(base)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
