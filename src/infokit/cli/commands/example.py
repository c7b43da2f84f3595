"""``infokit example``: the worked example, H(P,Q) = H(P) + D(P||Q) for four symbols (:mod:`infokit.cli._example`)."""

from __future__ import annotations

from infokit._lib.optional import require
from infokit.cli import COMMANDS
from infokit.cli._example import worked_example
from infokit.cli._options import base_option

click = require("click", "the command line")


@click.command("example", short_help=COMMANDS["example"].summary)
@base_option
def command(base):
    """The worked example: H(P,Q) = H(P) + D(P||Q) for four symbols, in bits.

    A source emits A, B, C, D with P = (1/2, 1/4, 1/8, 1/8); a model Q
    believes they are equally likely.  The table shows each symbol's
    information content under P and under Q and its share of H(P), H(P,Q)
    and D(P||Q); the identity H(P,Q) = H(P) + D(P||Q) is checked (exit 1 if
    it fails).
    """
    text, ok = worked_example(base)
    click.echo(text, nl=False)
    if not ok:
        raise click.exceptions.Exit(1)
