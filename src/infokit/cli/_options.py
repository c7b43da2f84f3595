"""The command line's options: text parsers, and the click options shared by the commands.

The parsers (``parse_*``) take the option's text and return its value, or
raise :class:`~infokit.errors.InvalidArgumentError`; :func:`callback` makes
one a click callback (a bad value is then click's usage error, exit 2, the
message naming the option).  They need no click, so ``python -m infokit
example`` parses ``--base`` without it too.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path

from infokit._lib.optional import require
from infokit._lib.units import resolve_base
from infokit.cli._sources import Sources
from infokit.errors import InvalidArgumentError
from infokit.io._format import FORMATS as FILE_FORMATS, one_line

__all__ = [
    "OUTPUT_FORMATS", "FIGURE_SUFFIXES", "parse_base", "parse_numbers", "parse_names", "parse_bins", "parse_smoothing",
    "parse_sizes", "parse_figure", "callback", "format_option", "base_option", "output_option", "file_options",
    "estimate_options", "level_option", "seed_option", "entropy_methods", "parse_sample_bins", "sample_bins_option",
    "estimator_option", "jitter_option", "jitter_kwargs",
]

OUTPUT_FORMATS = ("table", "json", "csv")
FIGURE_SUFFIXES = (".png", ".pdf", ".svg", ".jpg", ".jpeg", ".tif", ".tiff", ".webp", ".eps", ".ps")


def parse_base(text):
    """``--base``: a unit name, or a log base (``e`` is Euler's number).

    >>> parse_base("bits"), parse_base("10"), round(parse_base("e"), 3)
    ('bits', 10.0, 2.718)
    """
    text = str(text).strip()
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
        raise InvalidArgumentError(one_line(exc)) from None
    return base


def parse_numbers(text) -> list[float]:
    """``--p 0.8,0.2``: comma-separated numbers."""
    try:
        return [float(s.strip()) for s in text.split(",")]
    except ValueError:
        raise InvalidArgumentError(f"expected comma-separated numbers such as 0.8,0.2 (got {text!r})") from None


def parse_names(text) -> list[str]:
    """``--labels a,b``: comma-separated names, none empty."""
    items = [s.strip() for s in text.split(",")]
    if not all(items):
        raise InvalidArgumentError(f"expected comma-separated names such as a,b (got {text!r})")
    return items


def parse_bins(text):
    """``--bins``: quantile, uniform, fd, or a number of quantile bins."""
    t = str(text).strip().lower()
    if t in ("quantile", "uniform", "fd"):
        return t
    try:
        n = int(t)
    except ValueError:
        raise InvalidArgumentError(f"must be quantile, uniform, fd or a number of bins (got {text!r})") from None
    if n < 1:
        raise InvalidArgumentError(f"the number of bins must be at least 1 (got {n})")
    return n


def parse_sample_bins(text):
    """``--bins`` of ``entropy``, ``mi`` and ``kl``: as ``bins=`` of the estimators.

    ``N`` (N equal-width bins, as numpy.histogram), ``fd``, ``quantile`` or
    ``quantile:N``, ``uniform`` or ``uniform:N``.

    >>> parse_sample_bins("12"), parse_sample_bins("fd"), parse_sample_bins("quantile:5")
    (12, 'fd', ('quantile', 5))
    """
    t = str(text).strip().lower()
    rule, _, count = t.partition(":")
    if rule in ("fd", "quantile", "uniform") and not count:
        return rule
    try:
        n = int(count if rule in ("quantile", "uniform") else t)
    except ValueError:
        raise InvalidArgumentError(
            f"must be a number of equal-width bins, fd, quantile, quantile:N, uniform or uniform:N (got {text!r})"
        ) from None
    if n < 1:
        raise InvalidArgumentError(f"the number of bins must be at least 1 (got {n})")
    return (rule, n) if rule in ("quantile", "uniform") else n


def parse_smoothing(text):
    """``--smoothing``: none, jeffreys, laplace or a positive pseudo-count (None for none)."""
    t = str(text).strip().lower()
    if t in ("none", "off", "0"):
        return None
    if t in ("jeffreys", "laplace"):
        return t
    try:
        a = float(t)
    except ValueError:
        raise InvalidArgumentError(
            f"must be none, jeffreys (0.5), laplace (1) or a pseudo-count (got {text!r})"
        ) from None
    if not (a > 0 and math.isfinite(a)):
        raise InvalidArgumentError(f"a pseudo-count must be positive (got {text!r})")
    return a


def parse_sizes(text) -> list[int]:
    """``--sizes 10,100``: comma-separated positive sample sizes."""
    try:
        sizes = [int(s.strip()) for s in str(text).split(",")]
    except ValueError:
        raise InvalidArgumentError(
            f"expected comma-separated sample sizes such as 10,100,1000 (got {text!r})"
        ) from None
    if not sizes or min(sizes) < 1:
        raise InvalidArgumentError(f"sample sizes must be positive (got {text!r})")
    return sizes


def parse_figure(text) -> Path:
    """``--output``: a figure file whose directory exists and whose suffix matplotlib writes."""
    path = Path(text)
    if path.suffix.lower() not in FIGURE_SUFFIXES:
        raise InvalidArgumentError(
            f"{text!r}: the file name must end in one of {', '.join(FIGURE_SUFFIXES)} (the figure's format)"
        )
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InvalidArgumentError(f"{text!r}: the directory {str(parent)!r} does not exist")
    if path.is_dir():
        raise InvalidArgumentError(f"{text!r} is a directory")
    return path


def callback(parse):
    """A click callback of a parser: None stays None; a bad value is a usage error naming the option."""
    click = _click()

    def cb(ctx, param, value):
        if value is None:
            return None
        try:
            return parse(value)
        except InvalidArgumentError as exc:
            raise click.BadParameter(str(exc)) from None

    return cb


def _click():
    return require("click", "the command line")


def format_option(f):
    click = _click()
    return click.option(
        "--format", "fmt", type=click.Choice(OUTPUT_FORMATS), default="table", show_default=True,
        help="table (for people), json or csv (for programs).",
    )(f)


def base_option(f):
    return _click().option(
        "--base", default="bits", show_default=True, callback=callback(parse_base),
        help="Unit: bits, nats, hartleys, or a log base (2, e, 10, ...).",
    )(f)


def output_option(f):
    click = _click()
    return click.option(
        "--output", "-o", type=click.Path(dir_okay=False), default=None, callback=callback(parse_figure),
        help="Also write a figure (PNG, PDF, SVG, ...; needs infokit[plot]). Written only on success.",
    )(f)


def level_option(f):
    click = _click()
    return click.option(
        "--ci", "level", type=click.FloatRange(0, 1, min_open=True, max_open=True), default=0.95,
        show_default=True, help="Level of the interval.",
    )(f)


def seed_option(what: str = "bootstrap intervals"):
    return _click().option("--seed", type=int, default=0, show_default=True, help=f"Seed of {what}.")


def file_options(*, dropna: bool = True):
    """The options of a command that reads files, given to it as one ``sources`` argument.

    ``--dropna`` (unless ``dropna=False``), ``--progress``, ``--file-format``,
    ``--batch-size`` and ``--scheduler`` become a :class:`~infokit.cli._sources.Sources`.
    """
    click = _click()

    def decorate(f):
        @functools.wraps(f)
        def command(*args, progress, file_format, batch_size, scheduler, dropna=False, **kwargs):
            sources = Sources(scheduler, dropna=dropna, batch_size=batch_size, file_format=file_format,
                              progress=progress)
            return f(*args, sources=sources, **kwargs)

        options = [
            click.option("--progress/--no-progress", default=None,
                         help="Progress bar on stderr (default: on a terminal, for files over 64 MB)."),
            click.option("--file-format", type=click.Choice(FILE_FORMATS), default=None,
                         help="File format (default: from the suffix: .csv, .tsv, .parquet, .csv.gz, ...)."),
            click.option("--batch-size", type=click.IntRange(min=1), default=None,
                         help="Rows per record batch when streaming a file (default: infokit.io's)."),
            click.option("--scheduler", default=None, metavar="ADDRESS",
                         help="Count on a Dask cluster, e.g. tcp://10.0.0.5:8786 (needs infokit[dask])."),
        ]
        if dropna:
            options.insert(0, click.option("--dropna", is_flag=True,
                                           help="Drop missing values (empty cells, NA, NaN) instead of failing."))
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def estimate_options(*, seed: bool = True):
    """The options of a command that estimates a measure from files: ``--ci``, ``--seed`` (of
    bootstrap intervals; unless ``seed=False``), the :func:`file_options`, ``--base``, ``--format``."""
    decorators = [level_option, *([seed_option()] if seed else []), file_options(), base_option, format_option]

    def decorate(f):
        for d in reversed(decorators):
            f = d(f)
        return f

    return decorate


def sample_bins_option(f):
    """``--bins``: count the column's numbers in bins and estimate from the histogram (a discrete estimator)."""
    return _click().option(
        "--bins", "bins", default=None, callback=callback(parse_sample_bins), metavar="BINS",
        help="Estimate from a histogram of a numeric column: N equal-width bins (as numpy.histogram; "
             "drift's --bins N are quantile bins), fd (Freedman-Diaconis), quantile[:N] or uniform[:N] "
             "(10 bins unless N).",
    )(f)


def jitter_option(f):
    """``--jitter``: the continuous estimators' tie-breaking noise scale (seeded by ``--seed``)."""
    return _click().option(
        "--jitter", type=_click().FloatRange(min=0, max=1, min_open=True), default=None,
        help="Continuous estimators (knn, ksg, ross) break ties between repeated values at the data's own "
             "resolution w (the smallest gap between a column's distinct values: uniform noise of width w, "
             "drawn from --seed); --jitter F in (0, 1] uses width F x w instead.  When many values repeat "
             "(a rounded measurement), --bins may suit better.",
    )(f)


def jitter_kwargs(jitter, seed=None) -> dict:
    """``jitter=`` (and ``rng=seed`` where given) for an estimate, only when ``--jitter`` was given:
    a discrete estimator rejects the option."""
    if jitter is None:
        return {}
    return {"jitter": jitter} if seed is None else {"jitter": jitter, "rng": seed}


def estimator_option(names, help: str):
    """``--estimator`` / ``-e`` / ``--method``: one of ``names`` (read from the method registry), default auto."""
    click = _click()
    return click.option("--estimator", "-e", "--method", "estimator", default="auto", show_default=True,
                        type=click.Choice(list(names)), help=help)


def entropy_methods() -> list[str]:
    """The names ``--estimator`` accepts for entropy (those of :func:`infokit.estimate_entropy`)."""
    from infokit.estimators import ENTROPY_METHODS

    return list(ENTROPY_METHODS)
