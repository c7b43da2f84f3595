"""The click group ``infokit``: commands imported when they are run, errors mapped to exit codes."""

from __future__ import annotations

import errno
import importlib
import signal
import sys

from infokit._lib.optional import require
from infokit.cli import _errors

click = require("click", "the command line")

__all__ = ["make_group"]


class _LazyGroup(click.Group):  # type: ignore[name-defined]
    """A group whose commands are modules of ``infokit.cli.commands``, imported on demand.

    ``infokit --help`` lists the summaries of the registry and imports no
    command module; running a command imports its module only.
    """

    def __init__(self, *args, registry, **kwargs):
        super().__init__(*args, **kwargs)
        self.registry = registry

    def list_commands(self, ctx):
        return sorted(self.registry)

    def get_command(self, ctx, name):
        info = self.registry.get(name)
        if info is None:
            return None
        return importlib.import_module(f"infokit.cli.commands.{info.module}").command

    def format_commands(self, ctx, formatter):
        rows = [(name, self.registry[name].summary) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx):
        return _errors.guarded(super().invoke, ctx)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """click's ``main``, with every usage error on one line, Ctrl-C exit 130 and SIGTERM exit 143."""
        try:
            with _errors.signals_unwind():
                try:
                    rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
                    code = rv if isinstance(rv, int) and not isinstance(rv, bool) else 0
                except click.exceptions.UsageError as exc:
                    code = _errors.report_usage_error(exc)
                except click.exceptions.ClickException as exc:
                    click.echo(f"infokit: error: {_errors.one_line(exc.format_message())}", err=True)
                    code = exc.exit_code
                except click.exceptions.Abort:  # Ctrl-C while the arguments were parsed
                    code = _errors.report_signal(signal.SIGINT)
                except KeyboardInterrupt:
                    code = _errors.report_signal(signal.SIGINT)
                except _errors.Terminated as exc:
                    code = _errors.report_signal(exc.signum)
        except _errors.Terminated as exc:  # between two handlers
            code = _errors.report_signal(exc.signum)
        except OSError as exc:
            if exc.errno != errno.EPIPE:
                raise
            code = 1
        if standalone_mode:
            sys.exit(code)
        return code


def _help():
    """infokit: entropy, KL divergence and mutual information of data files, done right.

    \b
    Quick start (bundled example data):
      infokit example
      infokit demo
      infokit entropy "$(infokit data declaration_letters.csv)" --column letter
      infokit kl "$(infokit data gettysburg_letters.csv)" "$(infokit data declaration_letters.csv)" --column letter

    Exit codes: 0 success, 2 bad usage or bad input (one-line message), 1 internal error
    (set INFOKIT_DEBUG=1 for the traceback), 130 interrupted (Ctrl-C), 143 terminated.
    A PATH of - reads standard input.
    """


def make_group(registry) -> click.Group:  # type: ignore[name-defined]
    """The ``infokit`` group over ``registry`` (``{name: CommandInfo}``)."""
    with_version = click.version_option(package_name="infokit", prog_name="infokit", message="%(prog)s %(version)s")
    return click.group(cls=_LazyGroup, registry=registry, name="infokit",
                       context_settings={"help_option_names": ["-h", "--help"]})(with_version(_help))
