"""Standard input, pipes and FIFOs as files: each read once, to its end, into a temporary file.

The readers need a file they can open more than once (a first look before
Dask, Parquet's footer, the row of a bad CSV value), which a pipe is not;
:func:`spooled` copies a stream -- ``-`` (standard input), a FIFO,
``/dev/stdin``, ``/dev/fd/N`` of a process substitution -- into a temporary
file, as it arrives, and removes it afterwards.  A regular file is read where
it is.  Reading blocks until the writer closes its end (as any reader of a
FIFO does) and ends when it has.

The format is the name's (``data.csv`` made with ``mkfifo``), else the one
given, else sniffed from the first bytes: Parquet's ``PAR1``, the magic
numbers of gzip, bzip2, zstd and lz4 (compressed CSV), tab-separated when the
first line has tabs and no commas, CSV otherwise.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import stat
import sys
import tempfile

from infokit.errors import InvalidArgumentError
from infokit.io._format import format_of

__all__ = ["STDIN", "is_stream", "spooled"]

#: The path that means standard input.
STDIN = "-"

_CHUNK = 1 << 20
_MAGIC = ((b"PAR1", ".parquet"), (b"\x1f\x8b", ".csv.gz"), (b"BZh", ".csv.bz2"),
          (b"\x28\xb5\x2f\xfd", ".csv.zst"), (b"\x04\x22\x4d\x18", ".csv.lz4"))


def is_stream(path) -> bool:
    """Whether ``path`` is ``-`` or names a pipe, FIFO, socket or character device (not a regular file)."""
    p = os.fspath(path)
    if p == STDIN:
        return True
    try:
        mode = os.stat(p).st_mode
    except (OSError, ValueError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISSOCK(mode)


def _suffix(name: str, head: bytes, format) -> str:
    """The suffix that tells the readers the format of the spooled bytes."""
    if name != STDIN:
        try:
            kind, compression, delimiter = format_of(name, format)
        except InvalidArgumentError:
            pass
        else:
            if format is None:  # the name's own suffix says it all
                return "." + os.path.basename(name).split(".", 1)[1]
            base = ".parquet" if kind == "parquet" else (".tsv" if delimiter == "\t" else ".csv")
            return base + _compression_suffix(head)
    if format is not None:
        kind = str(format).lower()
        if kind == "parquet":
            return ".parquet"
        return (".tsv" if kind == "tsv" else ".csv") + _compression_suffix(head)
    for magic, suffix in _MAGIC:
        if head.startswith(magic):
            return suffix
    first = head.split(b"\n", 1)[0]
    return ".tsv" if b"\t" in first and b"," not in first else ".csv"


def _compression_suffix(head: bytes) -> str:
    for magic, suffix in _MAGIC[1:]:
        if head.startswith(magic):
            return suffix[len(".csv"):]
    return ""


@contextlib.contextmanager
def spooled(path, format=None):
    """``(path to read, format)`` of an input: a stream is copied to a temporary file first.

    Parameters
    ----------
    path : str or os.PathLike
        ``-`` for standard input, a pipe or FIFO, or a file.
    format : {"csv", "tsv", "parquet"}, optional
        The format of a stream whose name does not tell it (default: sniffed).

    Yields
    ------
    tuple
        ``(path, format)`` to give the readers; for a regular file, ``path``
        and ``format`` unchanged.  The temporary file is removed on leaving
        (also on an error or an interrupt).
    """
    p = os.fspath(path)
    if not is_stream(p):
        yield p, format
        return
    tmpdir = None
    try:
        # named before it exists, so that a signal at any point (unwinding as an exception) finds it
        while True:
            tmpdir = os.path.join(tempfile.gettempdir(), f"infokit-stream-{secrets.token_hex(8)}")
            try:
                os.mkdir(tmpdir, 0o700)
                break
            except FileExistsError:
                continue
        src = sys.stdin.buffer if p == STDIN else open(p, "rb")  # noqa: SIM115 - closed below
        try:
            head = src.read(_CHUNK) or b""
            name = "stdin" if p == STDIN else (os.path.basename(p) or "stream")
            target = os.path.join(tmpdir, name.split(".", 1)[0] + _suffix(p, head, format))
            with open(target, "wb") as out:
                out.write(head)
                shutil.copyfileobj(src, out, _CHUNK)
        finally:
            if src is not sys.stdin.buffer:
                src.close()
        yield target, format
    finally:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
