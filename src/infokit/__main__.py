"""``python -m infokit``: the ``infokit`` command line (``python -m infokit --help``).

``python -m infokit example`` prints the worked example (H(P,Q) = H(P) + D(P||Q)
for four symbols), with or without the ``cli`` extra: without click it runs
on its own; any other command then prints the install hint and exits 2.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from infokit import cli


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["example"] and not cli.has_click():
        from infokit.cli import _example  # here: --help need not import numpy

        return _example.main(args[1:])
    return cli.main(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
