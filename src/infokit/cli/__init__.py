"""The ``infokit`` command line (``pip install 'infokit[cli]'``; also ``python -m infokit.cli``).

Commands::

    infokit entropy PATH --column C [--estimator auto] [--support-size K]
    infokit kl P_PATH Q_PATH --column C [--smoothing jeffreys] [--estimator auto]
    infokit mi PATH --x A --y B [--estimator auto]
    infokit drift REF CUR [--columns a,b] [--bins quantile|uniform|fd|N]
    infokit explain --p 0.8,0.2 --q 0.5,0.5 [--labels a,b]
    infokit demo [--seed 0] [--repeats 100]
    infokit data [NAME]          # the bundled example files (or the path of one)

Every command takes ``--base`` (unit, default bits) and ``--format
table|json|csv``; ``kl``, ``drift``, ``explain`` and ``demo`` take ``--output
FILE.png`` (a matplotlib figure; ``infokit[plot]``); ``entropy``, ``kl``,
``mi`` and ``drift`` take ``--scheduler ADDRESS`` to count on a Dask cluster
(``infokit[dask]``).  CSV and Parquet files are streamed in record batches
(:mod:`infokit.io`).

Exit codes: 0 success; 2 bad usage or bad input (missing file, unknown column,
unreadable file, bad values, unreachable scheduler, ...), with a one-line
message on stderr; 1 an internal error (a one-line message; set
``INFOKIT_DEBUG=1`` for the traceback).  Nothing is written partially: a
figure is written to a temporary file and renamed into place only once the
command has succeeded, and the results are printed only after that.

JSON output (``--format json``) is one object; non-finite numbers are the
strings ``"inf"``, ``"-inf"``, ``"nan"`` (JSON has no infinity).  CSV output
is one header line and one row per result.
"""

from __future__ import annotations

import io as _stdio
import json
import math
import os
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np

try:
    import click
except ImportError:  # pragma: no cover - the cli extra is not installed
    click = None

__all__ = ["main", "cli"]

DEBUG_ENV = "INFOKIT_DEBUG"
FORMATS = ("table", "json", "csv")
FIGURE_SUFFIXES = (".png", ".pdf", ".svg", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".eps", ".ps")


# ==========================================================================
# without click: a one-line install hint instead of an ImportError traceback
# ==========================================================================
if click is None:  # pragma: no cover - exercised only without the cli extra

    class _Stub:
        """Stands in for click (and for the commands) so that this module imports without it."""

        Group = object
        ParamType = object

        def __call__(self, *args, **kwargs):
            return self

        def __getattr__(self, name):
            return self

    click = _Stub()
    _HAVE_CLICK = False
else:
    _HAVE_CLICK = True


# ==========================================================================
# errors and exit codes
# ==========================================================================
def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _is_bad_input(exc: BaseException) -> bool:
    """Whether ``exc`` means bad input or usage (exit 2) rather than a bug (exit 1)."""
    from infokit.errors import InfokitError

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
    # does not convert, ...); raised by this module it is a bug.  A plain TypeError is a bug: infokit
    # reports bad types with InvalidTypeError (an InfokitError).
    if isinstance(exc, ValueError):
        return _raised_in_library(exc)
    return False


def _raised_in_library(exc: BaseException) -> bool:
    """Whether the innermost frame of ``exc``'s traceback is in infokit (outside this module) or in
    a reader (pandas/pyarrow/dask parsing a file)."""
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    if last is None:
        return False
    fname = os.path.abspath(last.tb_frame.f_code.co_filename)
    here = os.path.abspath(__file__)
    pkg = os.path.dirname(here)
    if fname == here:
        return False
    if fname.startswith(pkg + os.sep):
        return True
    parts = Path(fname).parts
    return any(p in ("pandas", "pyarrow", "dask") for p in parts)


def _error_message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename is not None and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return _cli_spelling(_one_line(str(exc)) or type(exc).__name__)


def _cli_spelling(msg: str) -> str:
    """Library messages speak Python; the command line spells the options."""
    for py, opt in (("dropna=True", "--dropna"), ("normalize=True", "--normalize"),
                    ("smoothing='jeffreys' (or 'laplace', or a pseudo-count)",
                     "--smoothing jeffreys (or laplace, or a pseudo-count)"),
                    ("smoothing='jeffreys'", "--smoothing jeffreys")):
        msg = msg.replace(py, opt)
    return msg


def _report_exception(exc: BaseException) -> int:
    """Print the one-line message (and the traceback with INFOKIT_DEBUG=1); return the exit code."""
    debug = os.environ.get(DEBUG_ENV, "").strip() not in ("", "0")
    if debug:
        import traceback

        traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
    if _is_bad_input(exc):
        click.echo(f"infokit: error: {_error_message(exc)}", err=True)
        return 2
    hint = "" if debug else f" (rerun with {DEBUG_ENV}=1 for the traceback)"
    click.echo(f"infokit: internal error: {type(exc).__name__}: {_one_line(str(exc))}{hint}", err=True)
    return 1


class _Group(click.Group):
    """Runs a command with its warnings turned into one-line notes and its errors into exit codes."""

    def invoke(self, ctx):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                rv = super().invoke(ctx)
            except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
                raise
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # noqa: BLE001 - mapped to exit codes 2 / 1
                _flush_warnings(caught)
                ctx.exit(_report_exception(exc))
        _flush_warnings(caught)
        return rv


def _flush_warnings(caught) -> None:
    seen = set()
    for w in caught:
        msg = _cli_spelling(_one_line(str(w.message)))
        if msg in seen or issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning)):
            continue
        seen.add(msg)
        click.echo(f"infokit: warning: {msg}", err=True)
    caught.clear()


# ==========================================================================
# option parsing
# ==========================================================================
def _parse_base(ctx, param, value):
    from infokit._lib.units import resolve_base

    if value is None:
        return "bits"
    text = str(value).strip()
    base = text
    if text.lower() == "e":
        base = math.e
    else:
        try:
            base = float(text)
        except ValueError:
            base = text
    try:
        resolve_base(base)
    except ValueError as exc:
        raise click.BadParameter(_one_line(str(exc))) from None
    return base


def _parse_floats(ctx, param, value):
    if value is None:
        return None
    items = [s.strip() for s in value.split(",")]
    try:
        out = [float(s) for s in items]
    except ValueError:
        raise click.BadParameter(f"expected comma-separated numbers such as 0.8,0.2 (got {value!r})") from None
    return out


def _parse_list(ctx, param, value):
    if value is None:
        return None
    items = [s.strip() for s in value.split(",")]
    if not all(items):
        raise click.BadParameter(f"expected comma-separated names such as a,b (got {value!r})")
    return items


def _parse_bins(ctx, param, value):
    text = str(value).strip().lower()
    if text in ("quantile", "uniform", "fd"):
        return text
    try:
        n = int(text)
    except ValueError:
        raise click.BadParameter(f"must be quantile, uniform, fd or a number of bins (got {value!r})") from None
    if n < 1:
        raise click.BadParameter(f"the number of bins must be at least 1 (got {n})")
    return n


def _parse_smoothing(ctx, param, value):
    if value is None:
        return None
    text = str(value).strip().lower()
    if text in ("none", "off", "0"):
        return None
    if text in ("jeffreys", "laplace"):
        return text
    try:
        a = float(text)
    except ValueError:
        raise click.BadParameter(
            f"must be none, jeffreys (0.5), laplace (1) or a pseudo-count (got {value!r})"
        ) from None
    if not (a > 0 and math.isfinite(a)):
        raise click.BadParameter(f"a pseudo-count must be positive (got {value!r})")
    return a


def _parse_sizes(ctx, param, value):
    items = [s.strip() for s in str(value).split(",")]
    try:
        sizes = [int(s) for s in items]
    except ValueError:
        raise click.BadParameter(f"expected comma-separated sample sizes such as 10,100,1000 (got {value!r})") from None
    if not sizes or min(sizes) < 1:
        raise click.BadParameter(f"sample sizes must be positive (got {value!r})")
    return sizes


def _check_output(ctx, param, value):
    """--output: a figure file whose directory exists and whose suffix matplotlib writes."""
    if value is None:
        return None
    path = Path(value)
    if path.suffix.lower() not in FIGURE_SUFFIXES:
        raise click.BadParameter(
            f"{value!r}: the file name must end in one of {', '.join(FIGURE_SUFFIXES)} (the figure's format)"
        )
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise click.BadParameter(f"{value!r}: the directory {str(parent)!r} does not exist")
    if path.is_dir():
        raise click.BadParameter(f"{value!r} is a directory")
    return path


def _entropy_methods():
    from infokit._estimators.estimators import ENTROPY_METHODS

    return list(ENTROPY_METHODS)


def _format_option(f):
    return click.option(
        "--format", "fmt", type=click.Choice(FORMATS), default="table", show_default=True,
        help="table (for people), json or csv (for programs).",
    )(f)


def _base_option(f):
    return click.option(
        "--base", default="bits", show_default=True, callback=_parse_base,
        help='Unit: bits, nats, hartleys, or a log base (2, e, 10, ...).',
    )(f)


def _output_option(f):
    return click.option(
        "--output", "-o", type=click.Path(dir_okay=False), default=None, callback=_check_output,
        help="Also write a figure (PNG, PDF, SVG, ...; needs infokit[plot]). Written only on success.",
    )(f)


def _scheduler_option(f):
    return click.option(
        "--scheduler", default=None, metavar="ADDRESS",
        help="Count on a Dask cluster, e.g. tcp://10.0.0.5:8786 (needs infokit[dask]).",
    )(f)


def _read_options(f):
    f = click.option("--dropna", is_flag=True, help="Drop missing values (empty cells, NA, NaN) instead of failing.")(f)
    f = click.option("--progress/--no-progress", default=None,
                     help="Progress bar on stderr (default: on a terminal, for files over 64 MB).")(f)
    f = click.option("--file-format", type=click.Choice(["csv", "tsv", "parquet"]), default=None,
                     help="File format (default: from the suffix: .csv, .tsv, .parquet, .csv.gz, ...).")(f)
    f = _batch_option(f)
    return f


def _batch_option(f):
    return click.option("--batch-size", type=click.IntRange(min=1), default=None,
                        help="Rows per record batch when streaming a file (default: infokit.io's).")(f)


def _io_kwargs(batch_size, file_format, progress) -> dict:
    kw = {"format": file_format, "progress": progress}
    if batch_size is not None:
        kw["batch_size"] = batch_size
    return kw


# ==========================================================================
# output: tables, JSON, CSV and figures
# ==========================================================================
def _jsonable(v):
    if isinstance(v, dict):
        return {str(k): _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return [_jsonable(x) for x in v.tolist()]
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if math.isfinite(f):
            return f
        return "nan" if math.isnan(f) else ("inf" if f > 0 else "-inf")
    if isinstance(v, (int, str)) or v is None:
        return v
    if hasattr(v, "item"):
        try:
            return _jsonable(v.item())
        except (TypeError, ValueError):
            pass
    return str(v)


def _fmt(v, digits: int = 6) -> str:
    """A number for a table: 6 significant digits, inf/nan spelled out, '' for None."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, (bool, np.bool_)):
        return str(bool(v))
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    f = float(v)
    if not math.isfinite(f):
        return "nan" if math.isnan(f) else ("inf" if f > 0 else "-inf")
    if f == 0:
        return "0"
    return f"{f:.{digits}g}"


def _interval(ci, digits: int = 6) -> str:
    if ci is None:
        return ""
    lo, hi = ci
    return f"[{_fmt(lo, digits)}, {_fmt(hi, digits)}]"


def _estimate_json(est) -> dict:
    return {
        "value": est.value,
        "stderr": est.stderr,
        "ci": list(est.ci),
        "level": est.level,
        "method": est.method,
        "unit": est.unit,
        "diagnostics": dict(est.diagnostics),
    }


class _Section:
    """One table of a report: a title, columns, rows of raw values and notes under it."""

    def __init__(self, title, columns, rows, notes=(), name=None, digits=6):
        self.digits = digits
        self.title = title
        self.columns = list(columns)
        self.rows = [list(r) for r in rows]
        self.notes = list(notes)
        self.name = name or "result"


class _Report:
    """What a command prints: sections (tables) for people and CSV, and a payload for JSON."""

    def __init__(self, payload: dict, sections, csv_columns=None, csv_rows=None):
        self.payload = payload
        self.sections = list(sections)
        self.csv_columns = csv_columns
        self.csv_rows = csv_rows

    def render(self, fmt: str) -> str:
        if fmt == "json":
            return json.dumps(_jsonable(self.payload), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        if fmt == "csv":
            return self._csv()
        return self._table()

    def _csv(self) -> str:
        import csv

        buf = _stdio.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        if self.csv_columns is not None:
            w.writerow(self.csv_columns)
            for r in self.csv_rows:
                w.writerow([_csv_cell(v) for v in r])
            return buf.getvalue()
        # several sections: one long table with a 'section' column
        if len(self.sections) == 1:
            s = self.sections[0]
            w.writerow(s.columns)
            for r in s.rows:
                w.writerow([_csv_cell(v) for v in r])
            return buf.getvalue()
        columns = []
        for s in self.sections:
            for c in s.columns:
                if c not in columns:
                    columns.append(c)
        w.writerow(["section"] + columns)
        for s in self.sections:
            for r in s.rows:
                d = dict(zip(s.columns, r))
                w.writerow([s.name] + [_csv_cell(d.get(c)) for c in columns])
        return buf.getvalue()

    def _table(self) -> str:
        from infokit._lib.optional import require

        require("rich", "table output")
        from rich import box
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        stdout = sys.stdout
        tty = bool(getattr(stdout, "isatty", lambda: False)())
        width = shutil.get_terminal_size((120, 24)).columns if tty else 120
        buf = _stdio.StringIO()
        console = Console(file=buf, width=max(width, 80), force_terminal=tty, no_color=not tty,
                          highlight=False, emoji=False, soft_wrap=False)
        for i, s in enumerate(self.sections):
            if i:
                console.print()
            if s.columns:
                t = Table(title=Text(s.title, style="bold"), box=box.SIMPLE_HEAD, title_justify="left")
                for j, c in enumerate(s.columns):
                    t.add_column(Text(c), justify="left" if j == 0 else "right", overflow="fold")
                for r in s.rows:
                    t.add_row(*[Text(_fmt(v, s.digits)) for v in r])
                console.print(t)
            elif s.title:
                console.print(Text(s.title, style="bold"))
            for note in s.notes:
                console.print(Text(note))
        return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def _csv_cell(v):
    if isinstance(v, (float, np.floating)):
        f = float(v)
        if math.isnan(f):
            return "nan"
        if math.isinf(f):
            return "inf" if f > 0 else "-inf"
        return repr(f)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (list, tuple)):
        return json.dumps(_jsonable(v))
    return "" if v is None else v


def _new_file_mode(path: Path) -> int:
    """The mode an ordinary new file would get (0666 less the umask), or the existing file's mode."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _save_figure(fig, path: Path) -> None:
    """Write ``fig`` to a temporary file next to ``path`` and rename it into place."""
    import matplotlib.pyplot as plt

    fmt = path.suffix.lower().lstrip(".")
    fmt = {"jpg": "jpeg", "tif": "tiff"}.get(fmt, fmt)
    parent = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=parent)
    os.close(fd)
    try:
        fig.savefig(tmp, format=fmt, bbox_inches="tight", dpi=120)
        os.chmod(tmp, _new_file_mode(path))  # mkstemp makes 0600; give the file the usual mode
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    finally:
        plt.close(fig)


def _plot_module():
    from infokit._lib.optional import require

    require("matplotlib", "--output (figures)")
    import matplotlib

    matplotlib.use("Agg", force=True)
    try:
        from infokit import plot
    except ImportError as exc:  # pragma: no cover - plot module absent in this build
        from infokit.errors import MissingDependencyError

        if isinstance(exc, MissingDependencyError):
            raise
        raise MissingDependencyError(f"figures are not available in this build of infokit ({exc})") from None
    return plot


def _finish(report: _Report, fmt: str, output, make_figure=None) -> None:
    """Render, write the figure (atomically), then print: nothing is printed or written on failure."""
    text = report.render(fmt)
    if output is not None and make_figure is not None:
        fig = make_figure(_plot_module())
        _save_figure(fig, output)
    click.echo(text, nl=False)
    if output is not None:
        click.echo(f"infokit: figure written to {output}", err=True)


# ==========================================================================
# reading data
# ==========================================================================
def _ikio():
    from infokit._lib.optional import require

    require("pyarrow", "reading CSV and Parquet files")
    from infokit import io as ikio

    return ikio


def _validate_file(path, columns, file_format):
    """Check the file opens and has ``columns`` before sending work to a cluster."""
    it = _ikio().iter_batches(path, columns, batch_size=1, format=file_format, progress=False)
    try:
        next(iter(it), None)
    finally:
        close = getattr(it, "close", None)
        if close is not None:
            close()


def _file_kind(path: str, file_format):
    """``(kind, compression, delimiter)`` of a file, as infokit.io reads it (suffix or --file-format)."""
    name = os.path.basename(path).lower()
    compression = None
    for suffix, codec in ((".gz", "gzip"), (".bz2", "bz2"), (".zst", "zstd"), (".lz4", "lz4")):
        if name.endswith(suffix):
            compression, name = codec, name[: -len(suffix)]
            break
    delimiter = "\t" if name.endswith(".tsv") or file_format == "tsv" else ","
    if file_format == "parquet" or (file_format is None and name.endswith((".parquet", ".pq", ".parq"))):
        return "parquet", None, ","
    return "csv", compression, delimiter


def _dask_frame(path, columns, file_format):
    """A Dask DataFrame of ``columns`` of a CSV or Parquet file."""
    from infokit._lib.optional import require

    dd = require("dask.dataframe", "--scheduler")
    kind, compression, delimiter = _file_kind(os.fspath(path), file_format)
    if kind == "parquet":
        return dd.read_parquet(os.fspath(path), columns=list(columns))
    comp = {"gzip": "gzip", "bz2": "bz2", "zstd": "zstd", "lz4": None}.get(compression) if compression else None
    kwargs = {"usecols": list(columns), "sep": delimiter, "keep_default_na": True}
    if comp:
        kwargs.update(compression=comp, blocksize=None)
    return dd.read_csv(os.fspath(path), **kwargs)


def _refused_fast(address: str) -> None:
    """Fail at once when nothing listens at a ``tcp://host:port`` address (a refused connection).

    Adapter: :func:`infokit._dask.connect` waits its whole timeout (5 s) even when the connection
    is refused at once; a plain socket tells immediately.  Hosts that do not answer at all still
    get the full timeout in ``connect``.
    """
    import socket
    from urllib.parse import urlsplit

    from infokit._samples.dask import SchedulerUnreachableError

    text = address.strip()
    if "://" not in text:
        text = "tcp://" + text
    try:
        parts = urlsplit(text)
        host, port = parts.hostname, parts.port
    except ValueError:
        return  # let connect() report a malformed address
    if parts.scheme != "tcp" or not host or port is None:
        return
    try:
        with socket.create_connection((host, port), timeout=2.0):
            return
    except ConnectionRefusedError:
        raise SchedulerUnreachableError(
            f"cannot reach the Dask scheduler at {address!r}: connection refused (nothing listens on "
            f"{host}:{port}); check the address printed by `dask scheduler` and that it is running"
        ) from None
    except OSError:
        return  # timeouts, unknown hosts, ...: connect() decides, within its timeout


class _Cluster:
    """The Dask client of ``--scheduler`` (or nothing), closed at exit."""

    def __init__(self, address):
        self.address = address
        self.client = None

    def __enter__(self):
        if self.address is not None:
            from infokit._samples.dask import connect

            _refused_fast(self.address)
            self.client = connect(self.address, set_as_default=False)
        return self

    def __exit__(self, *exc):
        if self.client is not None:
            try:
                self.client.close()
            except Exception:  # noqa: BLE001 - closing must not hide the real error
                pass
        return False


def _read_empirical(path, column, *, dropna, io_kw: dict, cluster: _Cluster):
    """The empirical distribution of one column: streamed with pyarrow, or counted on a Dask cluster."""
    if cluster.client is None:
        return _ikio().read_empirical(path, column, dropna=dropna, **io_kw)
    from infokit._samples.dask import empirical_from_dask

    _validate_file(path, [column], io_kw["format"])
    ddf = _dask_frame(path, [column], io_kw["format"])
    return empirical_from_dask(ddf[column], dropna=dropna, scheduler=cluster.client)


def _joint_codes(e, n_vars: int):
    """Per-variable integer codes of every observation of a joint table (an ``Empirical`` of tuples).

    Adapter: :func:`infokit.estimate_mutual_information` takes paired samples,
    not a table of counts; the estimate depends only on the counts, so each
    cell is repeated ``count`` times as small integer codes (8 bytes a row
    for two variables), never as the original values.
    """
    cells = e.outcomes.tolist()
    counts = np.asarray(e.counts, dtype=np.int64)
    codes = []
    for j in range(n_vars):
        col = [c[j] for c in cells]
        _, inv = np.unique(np.asarray(col, dtype=object if not _homogeneous(col) else None),
                           return_inverse=True)
        dtype = np.int32 if inv.max(initial=0) < 2**31 else np.int64
        codes.append(np.repeat(inv.astype(dtype), counts))
    return codes


def _homogeneous(values) -> bool:
    return len({type(v) for v in values}) <= 1


def _read_joint(path, columns, *, dropna, io_kw: dict, cluster: _Cluster):
    """Joint counts of distinct ``columns`` as an Empirical of tuples (streamed, or on the cluster)."""
    if cluster.client is None:
        return _ikio().read_joint_empirical(path, list(columns), dropna=dropna, **io_kw)
    import pandas as pd

    from infokit._samples.empirical import Empirical
    from infokit.errors import InvalidArgumentError, InvalidFileError

    cols = list(columns)
    _validate_file(path, cols, io_kw["format"])
    ddf = _dask_frame(path, cols, io_kw["format"])
    counts = ddf.groupby(cols, dropna=False).size().compute(scheduler=cluster.client)
    what = ", ".join(repr(c) for c in cols)
    if len(counts) == 0:
        raise InvalidFileError(f"{path}: columns {what} are empty (the file has no data rows)")
    cells = [c if isinstance(c, tuple) else (c,) for c in counts.index.tolist()]
    values = counts.to_numpy().astype(np.int64)
    missing = np.array([any(bool(pd.isna(v)) for v in c) for c in cells])
    if missing.any():
        if not dropna:
            raise InvalidArgumentError(
                f"{path}: {int(values[missing].sum())} row(s) have a missing value in columns {what}; "
                "pass --dropna to drop them"
            )
        cells = [c for c, m in zip(cells, missing) if not m]
        values = values[~missing]
        if not cells:
            raise InvalidFileError(f"{path}: no row has a value in every one of the columns {what}")
    outcomes = np.empty(len(cells), dtype=object)
    outcomes[:] = cells
    return Empirical.from_counts(values, outcomes=outcomes)


# ==========================================================================
# the command group
# ==========================================================================
@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="infokit", prog_name="infokit", message="%(prog)s %(version)s")
def cli():
    """infokit: entropy, KL divergence and mutual information of data files, done right.

    \b
    Quick start (bundled example data):
      infokit demo
      infokit entropy "$(infokit data declaration_letters.csv)" --column letter
      infokit kl "$(infokit data gettysburg_letters.csv)" "$(infokit data declaration_letters.csv)" --column letter

    Exit codes: 0 success, 2 bad usage or bad input (one-line message), 1 internal error
    (set INFOKIT_DEBUG=1 for the traceback).
    """


# --------------------------------------------------------------------------
# entropy
# --------------------------------------------------------------------------
@cli.command()
@click.argument("path", type=click.Path(dir_okay=True))
@click.option("--column", "-c", required=True, help="The column whose values are the samples.")
@click.option("--estimator", "-e", default="auto", show_default=True, type=click.Choice(_entropy_methods()),
              help="Entropy estimator (auto chooses from the data).")
@click.option("--support-size", "-k", type=click.IntRange(min=1), default=None,
              help="Number of possible outcomes K, if known.")
@click.option("--ci", "level", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95,
              show_default=True, help="Level of the interval.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of bootstrap intervals.")
@_read_options
@_scheduler_option
@_base_option
@_format_option
def entropy(path, column, estimator, support_size, level, seed, dropna, progress, file_format, batch_size,
            scheduler, base, fmt):
    """Entropy of a column of a CSV or Parquet file.

    Prints the plug-in entropy H(P̂) of the sample (exact for the sample,
    biased low as an estimate) and an estimate of the entropy of the source
    with its standard error and interval.
    """
    import infokit as ik

    with _Cluster(scheduler) as cluster:
        e = _read_empirical(path, column, dropna=dropna, io_kw=_io_kwargs(batch_size, file_format, progress),
                            cluster=cluster)
    est = ik.estimate_entropy(e, estimator, support_size=support_size, base=base, ci=level, rng=seed)
    plug = float(ik.entropy(e, base=base))
    d = est.diagnostics
    unit = est.unit
    payload = {
        "command": "entropy",
        "path": os.fspath(path),
        "column": column,
        "unit": unit,
        "n": e.n,
        "observed_outcomes": e.n_observed,
        "plugin": {"value": plug, "unit": unit, "method": "plugin",
                   "description": "H(P̂), the entropy of the empirical distribution"},
        "estimate": _estimate_json(est),
    }
    rows = [
        ["H(P̂) plug-in (of the sample)", plug, None, None, None, unit, "plugin"],
        ["H(P) estimate (of the source)", est.value, est.stderr, est.ci[0], est.ci[1], unit, est.method],
    ]
    cols = ["quantity", "value", "stderr", "ci_low", "ci_high", "unit", "method"]
    notes = [_diag_line(d)]
    if d.get("auto_reason"):
        notes.append(f"auto chose {est.method}: {d['auto_reason']}")
    if e.n_observed == e.n and e.n > 20:
        notes.append("every value occurs once: the column looks continuous; its discrete entropy is log n. "
                     "Bin it first, or use ik.estimate_entropy(values, method='knn') in Python.")
    table_rows = [[r[0], r[1], r[2], _interval((r[3], r[4])) if r[3] is not None else "", r[5], r[6]]
                  for r in rows]
    section = _Section(f"Entropy of {column!r} in {os.path.basename(os.fspath(path))}",
                       ["quantity", f"value [{unit}]", "± stderr", f"{est.level:.0%} interval", "unit", "method"],
                       table_rows, notes)
    _finish(_Report(payload, [section], cols, rows), fmt, None)


def _diag_line(d: dict) -> str:
    parts = []
    if "n" in d:
        parts.append(f"n = {d['n']}")
    if "k_observed" in d:
        parts.append(f"observed outcomes = {d['k_observed']}")
    if d.get("k") is not None and d.get("k_declared"):
        parts.append(f"K = {d['k']} (declared)")
    if "f1" in d:
        parts.append(f"singletons = {d['f1']}")
    if "coverage" in d:
        parts.append(f"coverage = {_fmt(d['coverage'], 4)}")
    if "n_over_k" in d:
        parts.append(f"n/K = {_fmt(d['n_over_k'], 4)}")
    if "stderr_method" in d:
        parts.append(f"stderr: {d['stderr_method']}")
    return "; ".join(parts)


# --------------------------------------------------------------------------
# kl
# --------------------------------------------------------------------------
@cli.command()
@click.argument("p_path", type=click.Path(dir_okay=True))
@click.argument("q_path", type=click.Path(dir_okay=True))
@click.option("--column", "-c", required=True, help="The column (in both files).")
@click.option("--q-column", default=None, help="The column in Q_PATH, if its name differs.")
@click.option("--smoothing", "-s", default=None, callback=_parse_smoothing,
              help="Pseudo-count added to Q's counts: none (default; an outcome never seen in Q gives inf), "
                   "jeffreys (0.5), laplace (1) or a number.")
@click.option("--estimator", "-e", default="auto", show_default=True,
              type=click.Choice(["auto", "plugin", "miller_madow"]),
              help="plugin D(P̂||Q̂), or miller_madow (bias-corrected; auto).")
@click.option("--ci", "level", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95,
              show_default=True, help="Level of the interval.")
@_read_options
@_scheduler_option
@_base_option
@_format_option
@_output_option
def kl(p_path, q_path, column, q_column, smoothing, estimator, level, dropna, progress, file_format, batch_size,
       scheduler, base, fmt, output):
    """KL divergence D(P||Q) between the values of a column in two files.

    P_PATH holds a sample of P, Q_PATH a sample of Q.  Prints the plug-in
    D(P̂||Q̂) of the two samples and an estimate of D(P||Q) with its interval.
    """
    import infokit as ik

    qcol = q_column or column
    io_kw = _io_kwargs(batch_size, file_format, progress)
    with _Cluster(scheduler) as cluster:
        p = _read_empirical(p_path, column, dropna=dropna, io_kw=io_kw, cluster=cluster)
        q = _read_empirical(q_path, qcol, dropna=dropna, io_kw=io_kw, cluster=cluster)
    _check_comparable(p, q, column, qcol)
    est = ik.estimate_kl(p, q, estimator, smoothing=smoothing, base=base, ci=level)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plug = float(ik.kl_divergence(p, q, base=base))
        h_p = float(ik.entropy(p, base=base))
        h_pq = float(ik.cross_entropy(p, q, base=base))
    unit = est.unit
    d = est.diagnostics
    payload = {
        "command": "kl",
        "p_path": os.fspath(p_path),
        "q_path": os.fspath(q_path),
        "column": column,
        "q_column": qcol,
        "unit": unit,
        "n_p": p.n,
        "n_q": q.n,
        "smoothing": smoothing,
        "plugin": {"value": plug, "unit": unit, "method": "plugin", "description": "D(P̂||Q̂) of the two samples"},
        "entropy_p_hat": h_p,
        "cross_entropy_p_hat_q_hat": h_pq,
        "estimate": _estimate_json(est),
    }
    cols = ["quantity", "value", "stderr", "ci_low", "ci_high", "unit", "method"]
    rows = [
        ["D(P̂||Q̂) plug-in (of the samples)", plug, None, None, None, unit, "plugin"],
        ["D(P||Q) estimate", est.value, est.stderr, est.ci[0], est.ci[1], unit, est.method],
        ["H(P̂) plug-in", h_p, None, None, None, unit, "plugin"],
        ["H(P̂,Q̂) plug-in", h_pq, None, None, None, unit, "plugin"],
    ]
    notes = [f"n(P) = {p.n}, n(Q) = {q.n}; outcomes: {d.get('k')} in the union, "
             f"{d.get('k_observed')} seen in P, {d.get('unseen_in_q', 0)} of them never seen in Q; "
             f"smoothing = {_smoothing_text(d.get('smoothing', smoothing))}"]
    if not math.isfinite(est.value):
        notes.append("D is infinite: some outcome of P never occurs in Q's sample. "
                     "Add a pseudo-count with --smoothing jeffreys (or laplace) for a finite estimate.")
    table_rows = [[r[0], r[1], r[2], _interval((r[3], r[4])) if r[3] is not None else "", r[5], r[6]]
                  for r in rows]
    section = _Section(
        f"KL divergence D(P||Q): {column!r} of {os.path.basename(os.fspath(p_path))} (P) "
        f"vs {qcol!r} of {os.path.basename(os.fspath(q_path))} (Q)",
        ["quantity", f"value [{unit}]", "± stderr", f"{est.level:.0%} interval", "unit", "method"],
        table_rows, notes)

    def figure(plot):
        return plot.plot_distributions(p, q, base=base)

    _finish(_Report(payload, [section], cols, rows), fmt, output, figure)


def _smoothing_text(a) -> str:
    if a is None or a == 0:
        return "none"
    return {0.5: "0.5 (jeffreys)", 1.0: "1 (laplace)"}.get(a, _fmt(a)) if isinstance(a, (int, float)) else str(a)


def _check_comparable(p, q, pcol, qcol):
    """Both columns must hold values of one kind (numbers vs labels) for the outcomes to align."""
    from infokit.errors import InvalidArgumentError

    kp, kq = p.outcomes.dtype.kind, q.outcomes.dtype.kind
    num = set("biuf")
    if (kp in num) != (kq in num) and "O" not in (kp, kq):
        raise InvalidArgumentError(
            f"column {pcol!r} of P holds {'numbers' if kp in num else 'labels'} but column {qcol!r} of Q holds "
            f"{'numbers' if kq in num else 'labels'}: the outcomes cannot be compared"
        )


# --------------------------------------------------------------------------
# mi
# --------------------------------------------------------------------------
@cli.command()
@click.argument("path", type=click.Path(dir_okay=True))
@click.option("--x", "x", required=True, help="Column of X.")
@click.option("--y", "y", required=True, help="Column of Y.")
@click.option("--estimator", "-e", default="auto", show_default=True,
              type=click.Choice([m for m in _entropy_methods() if m != "dirichlet"]),
              help="Entropy estimator applied to H(X) + H(Y) - H(X,Y).")
@click.option("--ci", "level", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95,
              show_default=True, help="Level of the interval.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of bootstrap intervals.")
@_read_options
@_scheduler_option
@_base_option
@_format_option
def mi(path, x, y, estimator, level, seed, dropna, progress, file_format, batch_size, scheduler, base, fmt):
    """Mutual information I(X;Y) between two columns of a file.

    Prints the plug-in I of the sample's joint table and an estimate of the
    source's I with its interval.
    """
    import infokit as ik

    columns = [x] if x == y else [x, y]
    with _Cluster(scheduler) as cluster:
        joint = _read_joint(path, columns, dropna=dropna, io_kw=_io_kwargs(batch_size, file_format, progress),
                            cluster=cluster)
    codes = _joint_codes(joint, len(columns))
    cx, cy = codes[0], codes[-1]  # I(X;X) = H(X)
    est = ik.estimate_mutual_information(cx, cy, estimator, base=base, ci=level, rng=seed)
    plug = float(ik.mutual_information(cx, cy, base=base))
    hx = float(ik.entropy(ik.empirical(cx), base=base))
    hy = float(ik.entropy(ik.empirical(cy), base=base))
    unit = est.unit
    d = est.diagnostics
    payload = {
        "command": "mi",
        "path": os.fspath(path),
        "x": x,
        "y": y,
        "unit": unit,
        "n": joint.n,
        "plugin": {"value": plug, "unit": unit, "method": "plugin", "description": "I of the empirical joint table"},
        "entropy_x": hx,
        "entropy_y": hy,
        "estimate": _estimate_json(est),
    }
    cols = ["quantity", "value", "stderr", "ci_low", "ci_high", "unit", "method"]
    rows = [
        ["I(X;Y) plug-in (of the sample)", plug, None, None, None, unit, "plugin"],
        ["I(X;Y) estimate (of the source)", est.value, est.stderr, est.ci[0], est.ci[1], unit, est.method],
        ["H(X) plug-in", hx, None, None, None, unit, "plugin"],
        ["H(Y) plug-in", hy, None, None, None, unit, "plugin"],
    ]
    notes = [f"n = {joint.n}; X = {x!r}: {d.get('k_x')} values, Y = {y!r}: {d.get('k_y')} values, "
             f"{d.get('cells_observed')} observed (x, y) pairs; stderr: {d.get('stderr_method')}"]
    if d.get("auto_reason"):
        notes.append(f"auto chose {est.method}: {d['auto_reason']}")
    table_rows = [[r[0], r[1], r[2], _interval((r[3], r[4])) if r[3] is not None else "", r[5], r[6]]
                  for r in rows]
    section = _Section(f"Mutual information of {x!r} and {y!r} in {os.path.basename(os.fspath(path))}",
                       ["quantity", f"value [{unit}]", "± stderr", f"{est.level:.0%} interval", "unit", "method"],
                       table_rows, notes)
    _finish(_Report(payload, [section], cols, rows), fmt, None)


# --------------------------------------------------------------------------
# drift
# --------------------------------------------------------------------------
@cli.command()
@click.argument("ref_path", metavar="REF", type=click.Path(dir_okay=True))
@click.argument("cur_path", metavar="CUR", type=click.Path(dir_okay=True))
@click.option("--columns", default=None, callback=_parse_list,
              help="Columns to compare, e.g. a,b (default: every column of REF).")
@click.option("--bins", default="quantile", show_default=True, callback=_parse_bins,
              help="Bins of numeric columns, fitted on REF: quantile, uniform, fd, or N quantile bins.")
@click.option("--n-bins", type=click.IntRange(min=1), default=10, show_default=True,
              help="Number of bins for quantile and uniform.")
@click.option("--smoothing", "-s", default=None, callback=_parse_smoothing,
              help="Pseudo-count added to every bin of both samples: none (default), jeffreys, laplace or a number.")
@click.option("--permutations", type=click.IntRange(min=0), default=1000, show_default=True,
              help="Permutations for the p-value (0: none).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the permutations.")
@click.option("--progress/--no-progress", default=None,
              help="Progress bar on stderr (default: on a terminal, for files over 64 MB).")
@click.option("--file-format", type=click.Choice(["csv", "tsv", "parquet"]), default=None,
              help="File format (default: from the suffix).")
@_batch_option
@_scheduler_option
@_base_option
@_format_option
@_output_option
def drift(ref_path, cur_path, columns, bins, n_bins, smoothing, permutations, seed, progress, file_format,
          batch_size, scheduler, base, fmt, output):
    """Drift of each column between a reference file REF and a current file CUR.

    Numeric columns are binned on REF (quantile bins by default, plus
    underflow, overflow and missing bins); categorical ones get one bin per
    REF category plus unseen and missing bins.  Per column: JS divergence and
    distance, PSI (in nats), KL both ways, Hellinger, a permutation p-value
    and a verdict (PSI 0.1 / 0.25 thresholds, and p < 0.05).

    The compared columns of REF are loaded in memory to fit the bins; CUR is
    counted batch by batch (bounded memory).
    """
    from infokit.drift import drift_from_counts

    with _Cluster(scheduler) as cluster:
        ref_counts, cur_counts, labels, binnings = _drift_counts(
            ref_path, cur_path, columns, bins, n_bins, _io_kwargs(batch_size, file_format, progress), cluster
        )
    df = drift_from_counts(ref_counts, cur_counts, bins=binnings, labels=labels, base=base, smoothing=smoothing,
                           n_permutations=permutations, rng=seed)
    unit = df.attrs.get("unit", str(base))
    records = []
    for col, row in df.iterrows():
        rec = {"column": col}
        rec.update({k: _py(v) for k, v in row.items()})
        records.append(rec)
    payload = {
        "command": "drift",
        "reference": os.fspath(ref_path),
        "current": os.fspath(cur_path),
        "unit": unit,
        "psi_unit": df.attrs.get("psi_unit", "nats"),
        "thresholds": list(df.attrs.get("thresholds", ())),
        "alpha": df.attrs.get("alpha"),
        "n_permutations": df.attrs.get("n_permutations"),
        "smoothing": df.attrs.get("smoothing"),
        "columns": records,
        "bins": df.attrs.get("bin_counts", {}),
    }
    t_cols = ["column", "n_ref", "n_cur", "bins", f"JS [{unit}]", "PSI [nats]", f"KL r→c [{unit}]",
              f"KL c→r [{unit}]", "Hellinger", "p-value", "verdict"]
    t_rows = [[r["column"], r["n_ref"], r["n_cur"], r["n_bins"], r["js_divergence"], r["psi"], r["kl_ref_cur"],
               r["kl_cur_ref"], r["hellinger"], r["p_value"], r["verdict"]] for r in records]
    lo, hi = payload["thresholds"] or (0.1, 0.25)
    notes = [f"KL r→c = D(REF||CUR), KL c→r = D(CUR||REF). Verdict: PSI < {_fmt(lo)} no drift, "
             f"< {_fmt(hi)} moderate, else drift; and only if the permutation p-value "
             f"({payload['n_permutations']} permutations) < {_fmt(payload['alpha'])}."]
    for r in records:
        if r["zero_bins_ref"] or r["zero_bins_cur"]:
            notes.append(
                f"{r['column']!r}: {r['zero_bins_ref']} bin(s) empty in REF, {r['zero_bins_cur']} empty in CUR "
                f"(infinite KL/PSI without --smoothing; the verdict used PSI = {_fmt(r['verdict_psi'])})")
    section = _Section(
        f"Drift from {os.path.basename(os.fspath(ref_path))} (REF) to {os.path.basename(os.fspath(cur_path))} (CUR)",
        t_cols, t_rows, notes, digits=4)
    csv_cols = ["column"] + list(df.columns)
    csv_rows = [[r["column"]] + [r[c] for c in df.columns] for r in records]

    def figure(plot):
        return plot.plot_drift(df)

    _finish(_Report(payload, [section], csv_cols, csv_rows), fmt, output, figure)


def _py(v):
    if isinstance(v, np.generic):
        return v.item()
    return v


def _column_arrays(path, columns, io_kw: dict):
    """``{column: numpy array}`` of ``columns`` (default all) of a file, read in record batches."""
    ikio = _ikio()
    parts: dict = {}
    names = None
    for batch in ikio.iter_batches(path, columns, **io_kw):
        if names is None:
            names = list(batch.schema.names)
            parts = {c: [] for c in names}
        for c in names:
            parts[c].append(batch.column(c).to_numpy(zero_copy_only=False))
    if names is None:  # no batch at all: a header without rows
        from infokit.errors import InvalidFileError

        raise InvalidFileError(f"{path}: the file has no data rows")
    out = {}
    for c in names:
        out[c] = np.concatenate(parts[c]) if parts[c] else np.array([])
        if out[c].size == 0:
            from infokit.errors import InvalidFileError

            raise InvalidFileError(f"{path}: column {c!r} is empty (the file has no data rows)")
    return out


def _drift_counts(ref_path, cur_path, columns, bins, n_bins, io_kw, cluster):
    """Bin counts of REF and CUR per column: bins fitted on REF (in memory), CUR counted batch by batch."""
    from infokit._samples.binning import binning_for
    from infokit.errors import InfokitError, InvalidArgumentError

    if cluster.client is not None:
        return _drift_counts_dask(ref_path, cur_path, columns, bins, n_bins, io_kw["format"], cluster)
    ref = _column_arrays(ref_path, columns, io_kw)
    cols = list(ref) if columns is None else list(columns)
    binnings, ref_counts, labels = {}, {}, {}
    for c in cols:
        try:
            b = binning_for(ref[c], bins, n_bins=n_bins)
            ref_counts[c] = b.counts(ref[c])
        except InfokitError as exc:
            raise type(exc)(f"{ref_path}: column {c!r}: {exc}") from None
        binnings[c], labels[c] = b, b.labels
    del ref
    cur_counts = {c: np.zeros(binnings[c].n_bins, dtype=np.int64) for c in cols}
    rows = 0
    try:
        for batch in _ikio().iter_batches(cur_path, cols, **io_kw):
            rows += batch.num_rows
            for c in cols:
                cur_counts[c] += binnings[c].counts(batch.column(c).to_numpy(zero_copy_only=False))
    except InfokitError as exc:
        if isinstance(exc, InvalidArgumentError) and "no column" in str(exc):
            raise
        raise type(exc)(f"{cur_path}: {exc}") if not str(exc).startswith(os.fspath(cur_path)) else exc from None
    if rows == 0:
        from infokit.errors import InvalidFileError

        raise InvalidFileError(f"{cur_path}: the file has no data rows")
    return ref_counts, cur_counts, labels, binnings


def _drift_counts_dask(ref_path, cur_path, columns, bins, n_bins, file_format, cluster):
    """As :func:`_drift_counts`, the reading and counting done on the Dask cluster."""
    import dask

    from infokit._samples.binning import binning_for
    from infokit.errors import InfokitError

    if columns is None:
        it = _ikio().iter_batches(ref_path, None, batch_size=1, format=file_format, progress=False)
        first = next(iter(it), None)
        getattr(it, "close", lambda: None)()
        if first is None:
            from infokit.errors import InvalidFileError

            raise InvalidFileError(f"{ref_path}: the file has no data rows")
        columns = list(first.schema.names)
    cols = list(columns)
    _validate_file(ref_path, cols, file_format)
    _validate_file(cur_path, cols, file_format)
    ref_ddf = _dask_frame(ref_path, cols, file_format)
    cur_ddf = _dask_frame(cur_path, cols, file_format)
    ref = cluster.client.compute(ref_ddf).result()  # bins are fitted on the whole reference
    binnings, ref_counts, labels = {}, {}, {}
    for c in cols:
        try:
            b = binning_for(ref[c].to_numpy(), bins, n_bins=n_bins)
            ref_counts[c] = b.counts(ref[c].to_numpy())
        except InfokitError as exc:
            raise type(exc)(f"{ref_path}: column {c!r}: {exc}") from None
        binnings[c], labels[c] = b, b.labels
    del ref

    def count_partition(part, bs=binnings, names=tuple(cols)):
        return {c: bs[c].counts(part[c].to_numpy()) for c in names}

    def add(*dicts):
        out = {}
        for d in dicts:
            for c, v in d.items():
                out[c] = out[c] + v if c in out else v
        return out

    parts = [dask.delayed(count_partition)(p) for p in cur_ddf.to_delayed()]
    total = dask.delayed(add)(*parts) if parts else None
    if total is None:
        from infokit.errors import InvalidFileError

        raise InvalidFileError(f"{cur_path}: the file has no data rows")
    cur_counts = cluster.client.compute(total).result()
    return ref_counts, cur_counts, labels, binnings


# --------------------------------------------------------------------------
# explain
# --------------------------------------------------------------------------
@cli.command()
@click.option("--p", "p", required=True, callback=_parse_floats, help="True distribution P, e.g. 0.8,0.2.")
@click.option("--q", "q", required=True, callback=_parse_floats, help="Model distribution Q, e.g. 0.5,0.5.")
@click.option("--labels", default=None, callback=_parse_list, help="Outcome labels, e.g. a,b.")
@click.option("--normalize", is_flag=True, help="Rescale P and Q to sum to 1 (e.g. counts).")
@_base_option
@_format_option
@_output_option
def explain(p, q, labels, normalize, base, fmt, output):
    """Cross-entropy H(P,Q) = H(P) + D(P||Q), outcome by outcome.

    For each outcome: its probability under P and Q, its surprisal under each,
    and its share of H(P), H(P,Q) and D(P||Q).
    """
    import infokit as ik
    from infokit.errors import InvalidArgumentError

    if len(p) != len(q):
        raise InvalidArgumentError(f"--p has {len(p)} probabilities but --q has {len(q)}: they must match")
    if labels is not None and len(labels) != len(p):
        raise InvalidArgumentError(f"--labels has {len(labels)} names for {len(p)} outcomes")
    d = ik.decompose(p, q, base=base, outcomes=labels, normalize=normalize)
    u = d.unit
    columns = ["outcome", "p", "q", f"I_p [{u}]", f"I_q [{u}]", "p*I_p", "p*I_q", "p*log(p/q)"]
    rows = [[str(o)] + [float(v) for v in vals] for o, *vals in d.rows()]
    total = ["total", float(np.sum(d.p)), float(np.sum(d.q)), None, None, d.entropy, d.cross_entropy,
             d.kl_divergence]
    notes = [
        f"H(P)    = {_fmt(d.entropy)} {u}   (best average code length for P)",
        f"H(P,Q)  = {_fmt(d.cross_entropy)} {u}   (average code length with a code built for Q)",
        f"D(P||Q) = {_fmt(d.kl_divergence)} {u}   (the excess)",
        f"H(P) + D(P||Q) = {_fmt(d.entropy + d.kl_divergence)} {u} = H(P,Q)",
    ]
    section = _Section(f"Decomposition of H(P,Q) = H(P) + D(P||Q), in {u}", columns, rows + [total], notes)
    payload = {
        "command": "explain",
        "unit": u,
        "outcomes": [str(o) for o in d.outcomes],
        "rows": [dict(zip(["outcome", "p", "q", "info_p", "info_q", "entropy_term", "cross_entropy_term",
                           "kl_term"], r)) for r in rows],
        "entropy": d.entropy,
        "cross_entropy": d.cross_entropy,
        "kl_divergence": d.kl_divergence,
    }
    csv_cols = ["outcome", "p", "q", "info_p", "info_q", "entropy_term", "cross_entropy_term", "kl_term", "unit"]
    csv_rows = [r + [u] for r in rows + [total]]

    def figure(plot):
        import matplotlib.pyplot as plt

        fig = plt.figure(figsize=(12, 6), layout="constrained")
        grid = fig.add_gridspec(2, 2)
        top, bottom, right = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[:, 1])
        plot.plot_distributions(p, q, outcomes=labels, base=base, normalize=normalize, ax=(top, bottom))
        plot.plot_decomposition(p, q, outcomes=labels, base=base, normalize=normalize, ax=right)
        return fig

    _finish(_Report(payload, [section], csv_cols, csv_rows), fmt, output, figure)


# --------------------------------------------------------------------------
# demo
# --------------------------------------------------------------------------
@cli.command()
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random samples.")
@click.option("--sizes", default="10,100,1000,10000", show_default=True, callback=_parse_sizes,
              help="Sample sizes n.")
@click.option("--repeats", type=click.IntRange(min=0), default=100, show_default=True,
              help="Samples per n for the estimators-vs-truth table (0 skips it).")
@_base_option
@_format_option
@_output_option
def demo(seed, sizes, repeats, base, fmt, output):
    """The story end to end on bundled data: truth, samples, a fitted model, estimators.

    P is the letter distribution of the opening of the US Declaration of
    Independence (bundled).  Samples of n letters are drawn from it; the
    empirical P̂ converges to P; a Zipf model Q is fitted by minimum
    cross-entropy; H(P̂,Q) = H(P̂) + D(P̂||Q) is checked; and entropy
    estimators are compared with the truth.
    """
    from infokit.demo import run_demo

    r = run_demo(base, seed=seed, sizes=sizes, repeats=repeats)
    _finish(_demo_report(r), fmt, output, lambda plot: _demo_figure(plot, r))


def _demo_report(r) -> _Report:
    u = r.unit
    m = r.model
    sections = []
    top = ", ".join(f"{a}={p:.3f}" for p, a in sorted(zip(r.p, r.alphabet), reverse=True)[:6])
    sections.append(_Section(
        "1. The truth", [], [],
        [f"P = letter frequencies of the Declaration of Independence's opening "
         f"({len(r.alphabet)} letters; most frequent: {top}, ...)",
         f"H(P) = {_fmt(r.entropy)} {u}  (a uniform code over 26 letters costs "
         f"log 26 = {_fmt(m['uniform_cross_entropy'])} {u})"],
        name="truth"))
    rows = []
    for s in r.samples:
        est = s["estimate"]
        rows.append([s["n"], s["observed_letters"], s["plugin_entropy"], est["value"],
                     _interval(est["ci"], 4), est["method"], s["kl_to_truth"], s["kl_expected"]])
    sections.append(_Section(
        f"2. Samples of n letters drawn from P (seed {r.seed}): P̂ converges to P (values in {u})",
        ["n", "letters seen", "H(P̂)", "estimate", "95% interval", "estimator", "D(P̂||P)", "(K-1)/2n"],
        rows,
        [f"truth: H(P) = {_fmt(r.entropy)} {u}. The plug-in H(P̂) is exact for the sample but biased low for "
         "small n; the estimate corrects for that bias and gives an interval (auto picks the estimator from the "
         "data). With n far below K no estimator is reliable: see table 4.",
         "D(P̂||P) shrinks to 0; for large n its expected value is (K-1)/(2n) nats (here in "
         f"{u}; K = {len(r.alphabet)})."],
        name="samples", digits=4))
    ident_ok = abs(m["identity_gap"]) <= 1e-12 * max(1.0, abs(m["cross_entropy"]))
    sections.append(_Section(
        f"3. A model Q fitted by minimum cross-entropy on the n = {m['fitted_on_n']} sample", [], [],
        [f"Q_θ(r) ∝ r^-θ over letters ranked by their frequency in P̂ (a Zipf law); "
         f"argmin_θ H(P̂, Q_θ): θ = {m['theta']:.4f}",
         f"H(P̂,Q) = {_fmt(m['cross_entropy'])} {u}",
         f"H(P̂)   = {_fmt(m['entropy'])} {u}",
         f"D(P̂||Q) = {_fmt(m['kl'])} {u}",
         f"H(P̂) + D(P̂||Q) = {_fmt(m['entropy'] + m['kl'])} {u} = H(P̂,Q)  "
         f"(identity {'holds' if ident_ok else 'FAILS'}: difference {m['identity_gap']:.2g} {u})",
         f"Against the truth: H(P,Q) = {_fmt(m['true_cross_entropy'])} {u} = H(P) {_fmt(m['true_entropy'])} "
         f"+ D(P||Q) {_fmt(m['true_kl'])} {u}: coding letters with the model costs "
         f"{_fmt(m['true_kl'], 3)} {u} per letter more than the best code."],
        name="model"))
    if r.estimators:
        sizes = list(dict.fromkeys(e["n"] for e in r.estimators))
        methods = list(dict.fromkeys(e["method"] for e in r.estimators))
        cell = {(e["method"], e["n"]): e for e in r.estimators}
        rows = [[m_] + [f"{_fmt(cell[m_, n]['rmse'], 3)} ({cell[m_, n]['coverage']:.0%})" for n in sizes]
                for m_ in methods]
        sections.append(_Section(
            f"4. Entropy estimators vs the truth H(P) = {_fmt(r.entropy)} {u}: RMSE [{u}] "
            f"(coverage of the 95% intervals) over {r.repeats} samples per n",
            ["estimator"] + [f"n = {n}" for n in sizes],
            rows,
            ["auto is the default of infokit entropy; the bias of each estimator is in --format json/csv."],
            name="estimators"))
    payload = {"command": "demo", **r.to_dict()}
    # CSV: one long table
    csv_cols = ["section", "n", "quantity", "value", "ci_low", "ci_high", "unit", "method"]
    csv_rows = [["truth", None, "H(P)", r.entropy, None, None, u, "exact"]]
    for s in r.samples:
        est = s["estimate"]
        csv_rows += [
            ["samples", s["n"], "H(P̂)", s["plugin_entropy"], None, None, u, "plugin"],
            ["samples", s["n"], "H(P) estimate", est["value"], est["ci"][0], est["ci"][1], u, est["method"]],
            ["samples", s["n"], "D(P̂||P)", s["kl_to_truth"], None, None, u, "exact"],
            ["samples", s["n"], "(K-1)/2n", s["kl_expected"], None, None, u, "asymptotic"],
        ]
    n_fit = m["fitted_on_n"]
    csv_rows += [
        ["model", n_fit, "theta", m["theta"], None, None, "", "min cross-entropy"],
        ["model", n_fit, "H(P̂,Q)", m["cross_entropy"], None, None, u, "exact"],
        ["model", n_fit, "H(P̂)", m["entropy"], None, None, u, "exact"],
        ["model", n_fit, "D(P̂||Q)", m["kl"], None, None, u, "exact"],
        ["model", None, "H(P,Q)", m["true_cross_entropy"], None, None, u, "exact"],
        ["model", None, "D(P||Q)", m["true_kl"], None, None, u, "exact"],
    ]
    for e in r.estimators:
        csv_rows += [["estimators", e["n"], f"{k}", e[k], None, None, "" if k == "coverage" else u, e["method"]]
                     for k in ("mean", "bias", "rmse", "coverage")]
    return _Report(payload, sections, csv_cols, csv_rows)


def _demo_figure(plot, r):
    """Left: the fitted model Q against the sample P̂ it was fitted on, with per-letter KL
    contributions; right: entropy estimators against n (fresh seeded samples) with the truth."""
    import matplotlib.pyplot as plt

    m = r.model
    fig = plt.figure(figsize=(13, 6), layout="constrained")
    grid = fig.add_gridspec(2, 2)
    top, bottom, right = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[:, 1])
    plot.plot_distributions(m["p_hat"], m["q"], outcomes=list(r.alphabet), base=r.unit, ax=(top, bottom))
    top.set_title(f"P̂ (n = {m['fitted_on_n']}) vs the fitted Zipf model Q (θ = {m['theta']:.3f}): "
                  f"D(P̂||Q) = {m['kl']:.3g} {r.unit}")
    sizes = [s["n"] for s in r.samples]
    plot.plot_estimates(np.asarray(r.p), sizes, methods=("plugin", "miller_madow", "nsb"), truth=r.entropy,
                        rng=r.seed, base=r.unit, ax=right)
    return fig


# --------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------
_DATA_DESCRIPTIONS = {
    "declaration_letters.csv": "one row per letter of the Declaration of Independence's opening (1776)",
    "gettysburg_letters.csv": "one row per letter of the Gettysburg Address, Bliss copy (1863)",
    "declaration.txt": "the text: Declaration of Independence, first two paragraphs",
    "gettysburg.txt": "the text: Gettysburg Address, Bliss copy",
    "README.txt": "sources, columns (letter, next, word_length) and normalisation",
}


@cli.command("data")
@click.argument("name", required=False)
@_format_option
def data_cmd(name, fmt):
    """The bundled example files, or the path of one (NAME), for use in other commands.

    \b
    Example:
      infokit entropy "$(infokit data declaration_letters.csv)" --column letter
    """
    from infokit.demo import DATA_FILES, data_path

    if name is not None:
        click.echo(str(data_path(name)))
        return
    rows = [[f, _DATA_DESCRIPTIONS.get(f, ""), str(data_path(f))] for f in DATA_FILES]
    payload = {"command": "data", "files": [dict(zip(["name", "description", "path"], r)) for r in rows]}
    notes = []
    for f, desc, path in rows:
        notes += [f"{f}: {desc}", f"    {path}"]
    section = _Section("Bundled example data (public-domain texts; see README.txt)", [], [], notes)
    _finish(_Report(payload, [section], ["name", "description", "path"], rows), fmt, None)


# ==========================================================================
# entry point
# ==========================================================================
def main(argv=None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    if not _HAVE_CLICK:  # pragma: no cover
        sys.stderr.write("infokit: error: the command line needs the 'cli' extra: pip install 'infokit[cli]'\n")
        return 2
    try:
        cli.main(args=argv, prog_name="infokit", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        if code is None:
            return 0
        if isinstance(code, int):
            return code
        click.echo(str(code), err=True)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
