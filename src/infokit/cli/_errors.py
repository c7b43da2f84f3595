"""What the command line does with errors and warnings: the exit-code policy, in one place.

* exit 2, ``infokit: error: <one line>`` -- bad usage or bad input: an
  :class:`~infokit.errors.InfokitError` (missing or unreadable file, unknown
  column, bad values, unreachable scheduler, ...), an ``OSError``, a file
  pyarrow or pandas cannot parse, or a plain ``ValueError`` raised inside the
  library or a reader;
* exit 1, ``infokit: internal error: <type>: <one line>`` -- anything else
  (a bug), with the traceback when ``INFOKIT_DEBUG=1``;
* exit 2, ``infokit CMD: error: <click's message>. Try 'infokit CMD --help'.`` --
  a usage error (missing argument or option, bad option value, unknown
  command), on one line;
* exit 130, ``infokit: interrupted`` -- Ctrl-C (SIGINT); exit 143,
  ``infokit: terminated`` -- SIGTERM (SIGHUP: 129).  Either unwinds the command
  like an exception, so that a figure being written (a temporary file) and a
  spooled standard input are removed: nothing partial is left;
* warnings become one ``infokit: warning:`` line each, repeated ones once.

Library messages speak Python (``dropna=True``); :func:`cli_spelling` gives
the options' spelling (``--dropna``).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import traceback
import warnings
from pathlib import Path

from infokit._lib.optional import require
from infokit.errors import InfokitError

click = require("click", "the command line")

__all__ = ["DEBUG_ENV", "Terminated", "guarded", "report_exception", "report_signal", "report_usage_error",
           "signals_unwind", "is_bad_input", "cli_spelling"]

DEBUG_ENV = "INFOKIT_DEBUG"

_CLI_DIR = os.path.dirname(os.path.abspath(__file__))
_PACKAGE_DIR = os.path.dirname(_CLI_DIR)
_READERS = ("pandas", "pyarrow", "dask")

_SPELLINGS = (
    ("dropna=True", "--dropna"),
    ("normalize=True", "--normalize"),
    ("smoothing='jeffreys' (or 'laplace', or a pseudo-count)", "--smoothing jeffreys (or laplace, or a pseudo-count)"),
    ("smoothing='jeffreys'", "--smoothing jeffreys"),
)


def one_line(exc) -> str:
    """A message on one line (the exception's type when it has none).  (Here, not from infokit.io:
    ``infokit --help`` imports this module and nothing of the data layers.)"""
    return " ".join(str(exc).split()) or type(exc).__name__


def cli_spelling(msg: str) -> str:
    """Library messages speak Python; the command line spells the options."""
    for py, opt in _SPELLINGS:
        msg = msg.replace(py, opt)
    return msg


def is_bad_input(exc: BaseException) -> bool:
    """Whether ``exc`` means bad input or usage (exit 2) rather than a bug (exit 1)."""
    if isinstance(exc, InfokitError):
        return True
    if isinstance(exc, OSError):  # missing/unreadable files, a directory, a full disk, ...
        return True
    pa = sys.modules.get("pyarrow")
    if pa is not None and isinstance(exc, pa.ArrowException):  # a file pyarrow cannot read
        return True
    pd_errors = sys.modules.get("pandas.errors")
    if pd_errors is not None and isinstance(exc, (pd_errors.ParserError, pd_errors.EmptyDataError)):
        return True
    # a plain ValueError raised while infokit or a reader handles the data is bad input (a value that
    # does not convert, ...); raised by the command line itself it is a bug.  A plain TypeError is a
    # bug: infokit reports bad types with InvalidTypeError (an InfokitError).
    if isinstance(exc, ValueError):
        return _raised_in_library(exc)
    return False


def _raised_in_library(exc: BaseException) -> bool:
    """Whether the innermost frame of ``exc``'s traceback is in infokit outside ``infokit.cli``, or in a
    reader (pandas/pyarrow/dask parsing a file)."""
    tb = exc.__traceback__
    if tb is None:
        return False
    while tb.tb_next is not None:
        tb = tb.tb_next
    fname = os.path.abspath(tb.tb_frame.f_code.co_filename)
    if fname.startswith(_CLI_DIR + os.sep):
        return False
    if fname.startswith(_PACKAGE_DIR + os.sep):
        return True
    return any(p in _READERS for p in Path(fname).parts)


def _error_message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return cli_spelling(one_line(exc))


def report_exception(exc: BaseException) -> int:
    """Print the one-line message (and the traceback with INFOKIT_DEBUG=1); return the exit code."""
    debug = os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")
    if debug:
        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    if is_bad_input(exc):
        click.echo(f"infokit: error: {_error_message(exc)}", err=True)
        return 2
    hint = "" if debug else f" (rerun with {DEBUG_ENV}=1 for the traceback)"
    click.echo(f"infokit: internal error: {type(exc).__name__}: {one_line(exc)}{hint}", err=True)
    return 1


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived (raised in the main thread, so that ``finally`` blocks run)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


_SIGNAL_WORDS = {signal.SIGINT: "interrupted"}


def report_signal(signum: int) -> int:
    """Print ``infokit: interrupted`` (SIGINT) or ``infokit: terminated`` and return 128 + the signal."""
    click.echo(f"infokit: {_SIGNAL_WORDS.get(signum, 'terminated')}", err=True)  # type: ignore[call-overload]
    return 128 + int(signum)


@contextlib.contextmanager
def signals_unwind():
    """While the command runs: SIGTERM and SIGHUP raise :class:`Terminated` (the handlers are restored after).

    Only in the main thread (signal handlers cannot be set elsewhere).
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Terminated(signum)

    sigs = [signal.SIGTERM] + ([signal.SIGHUP] if hasattr(signal, "SIGHUP") else [])
    old = {}
    try:
        for sig in sigs:
            old[sig] = signal.signal(sig, handler)
        yield
    finally:
        for sig, h in old.items():
            signal.signal(sig, h)


def report_usage_error(exc) -> int:
    """Print a click usage error on one line and return its exit code (2).

    ``infokit kl: error: missing argument 'Q_PATH'. Try 'infokit kl --help'.``
    """
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx is not None else "infokit"
    msg = one_line(exc.format_message()).rstrip(".")
    if msg[:1].isupper() and not msg[1:2].isupper():  # "Missing option" -> "missing option" (not "PATH")
        msg = msg[0].lower() + msg[1:]
    hint = ""
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        hint = f" Try '{command} --help'."
    click.echo(f"{command}: error: {msg}.{hint}", err=True)
    return exc.exit_code


def _flush_warnings(caught) -> None:
    seen = set()
    for w in caught:
        msg = cli_spelling(one_line(w.message))
        if msg in seen or issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning)):
            continue
        seen.add(msg)
        click.echo(f"infokit: warning: {msg}", err=True)
    caught.clear()


def guarded(invoke, ctx):
    """``invoke(ctx)`` with its warnings turned into one-line notes and its errors into exit codes."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            rv = invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except KeyboardInterrupt:
            ctx.exit(report_signal(signal.SIGINT))
        except Terminated as exc:
            ctx.exit(report_signal(exc.signum))
        except Exception as exc:  # noqa: BLE001 - mapped to exit codes 2 / 1
            _flush_warnings(caught)
            ctx.exit(report_exception(exc))
    _flush_warnings(caught)
    return rv
