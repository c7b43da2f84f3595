"""The ``infokit`` command line (``pip install 'infokit[cli]'``; also ``python -m infokit``).

Commands::

    infokit entropy PATH --column C [--estimator auto] [--support-size K]
    infokit kl P_PATH Q_PATH --column C [--smoothing jeffreys] [--estimator auto]
    infokit mi PATH --x A --y B [--estimator auto]
    infokit drift REF CUR [--columns a,b] [--bins quantile|uniform|fd|N]
    infokit explain --p 0.8,0.2 --q 0.5,0.5 [--labels a,b]
    infokit example [--base nats]  # the worked example: H(P,Q) = H(P) + D(P||Q) for four symbols
    infokit demo [--seed 0] [--repeats 100]
    infokit data [NAME]          # the bundled example files (or the path of one)

Every command takes ``--base`` (unit, default bits); all but ``example`` take
``--format table|json|csv``; ``kl``, ``drift``, ``explain`` and ``demo`` take
``--output FILE.png`` (a matplotlib figure; ``infokit[plot]``); ``entropy``,
``kl``, ``mi`` and ``drift`` take ``--scheduler ADDRESS`` to count on a Dask
cluster (``infokit[dask]``; :func:`infokit.io.connect`).  CSV and Parquet
files are streamed in record batches (:mod:`infokit.io`).

Exit codes: 0 success; 2 bad usage or bad input (missing file, unknown column,
unreadable file, bad values, unreachable or lost scheduler, ...), with a
one-line message on stderr (a usage error: ``infokit kl: error: missing
argument 'Q_PATH'. Try 'infokit kl --help'.``); 1 an internal error (a
one-line message; set ``INFOKIT_DEBUG=1`` for the traceback); 130 Ctrl-C
(SIGINT, ``infokit: interrupted``); 143 SIGTERM (129 SIGHUP,
``infokit: terminated``).  Nothing is written partially: a figure is written
to a temporary file and renamed into place only once the command has
succeeded (an error or a signal removes the temporary file), and the results
are printed only after that.

Inputs: a path, or ``-`` for standard input; standard input, pipes and FIFOs
(``/dev/stdin``, ``<(zcat f.csv.gz)``, ``mkfifo``) are read once, to their
end, into a temporary file removed afterwards (format from the name, else
``--file-format``, else sniffed: Parquet, compressed CSV, TSV, CSV).  With
``--scheduler`` the workers open the files by their paths, so a spooled
stream is readable by workers on this machine only.

Dask (``--scheduler``): the command gives up on a scheduler that does not
answer 3 s after it started reading its inputs (``INFOKIT_DASK_TIMEOUT``,
seconds), at once on a malformed address, a ``tls://`` address without TLS
settings in the Dask configuration, or a refused connection; a scheduler lost
while counting ends the command at once, a cluster without workers (or a
scheduler that stopped answering) after 10 s (``INFOKIT_DASK_STALL_TIMEOUT``);
each with one line and exit 2 (distributed's own log lines are silenced).

Tables (``--format table``, the default) are laid out for ``COLUMNS``, else
the terminal's width, else 80 columns (a pipe or a file): a table too wide
continues in another below it, repeating its first column; numbers and
headers are never folded, and only a long name is cut short with an ellipsis
(``_report.layout``).  A sentence under each table says what it means.

JSON output (``--format json``) is one object; non-finite numbers are the
strings ``"inf"``, ``"-inf"``, ``"nan"`` (JSON has no infinity).  CSV output
is one header line and one row per result.

Layout (as pip's ``commands/``): :data:`COMMANDS` names each command's module
under ``infokit.cli.commands`` and its one-line summary, so ``infokit --help``
imports no command; ``_errors`` maps exceptions to exit codes, ``_options``
parses options, ``_report`` renders tables/JSON/CSV and figures, ``_sources``
reads the inputs (through :mod:`infokit.io`).  Commands call the library
through ``import infokit as ik`` when they run.
"""

from __future__ import annotations

import functools
import sys
from typing import NamedTuple

from infokit.errors import MissingDependencyError

__all__ = ["main", "cli"]


class CommandInfo(NamedTuple):
    module: str  # the module under infokit.cli.commands that defines ``command``
    summary: str  # the line ``infokit --help`` shows


#: The commands, imported on demand.
COMMANDS = {
    "data": CommandInfo("data", "The bundled example files, or the path of one."),
    "demo": CommandInfo("demo", "The story end to end on bundled data: truth, samples, model, estimators."),
    "drift": CommandInfo("drift", "Drift of each column between a reference file and a current file."),
    "entropy": CommandInfo("entropy", "Entropy of a column of a CSV or Parquet file."),
    "example": CommandInfo("example", "The worked example: H(P,Q) = H(P) + D(P||Q) for four symbols."),
    "explain": CommandInfo("explain", "Cross-entropy H(P,Q) = H(P) + D(P||Q), outcome by outcome."),
    "kl": CommandInfo("kl", "KL divergence D(P||Q) between the values of a column in two files."),
    "mi": CommandInfo("mi", "Mutual information I(X;Y) between two columns of a file."),
}

#: What to install when click is missing (from PyPI, or from a source checkout).
INSTALL_HINT = "pip install 'infokit[cli]' (from a source checkout: pip install -e '.[cli]')"


def has_click() -> bool:
    """Whether the command line can run (click is installed)."""
    try:
        _the_group()
    except MissingDependencyError:
        return False
    return True


@functools.cache
def _the_group():
    from infokit.cli._group import make_group  # needs click

    return make_group(COMMANDS)


def __getattr__(name):
    if name == "cli":  # the click group, built on first use (click is an optional dependency)
        return _the_group()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main(argv=None) -> int:
    """Run the command line; returns the exit code (the console script exits with it).

    With no arguments, prints the help.  Without click installed, prints the
    install hint on one line and returns 2.
    """
    try:
        group = _the_group()
    except MissingDependencyError:
        sys.stderr.write(f"infokit: error: the command line needs the 'cli' extra: {INSTALL_HINT}\n")
        return 2
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        group.main(args=args or ["--help"], prog_name="infokit", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        sys.stderr.write(f"{code}\n")
        return 1
    return 0
