"""The inputs of a command: files read through :mod:`infokit.io`, on the cluster of ``--scheduler``."""

from __future__ import annotations

import contextlib
import logging
import os
import time

from infokit import io as ikio
from infokit._samples.dask import close_client, connect_timeout
from infokit.errors import InfokitError
from infokit.io._columns import read_column_noting_keys
from infokit.io._stream import STDIN, spooled

__all__ = ["Sources", "STDIN_NAME"]

#: How messages name standard input (the path ``-``).
STDIN_NAME = "<stdin>"
#: Seconds the connection gets at least, however long the command took to start (importing Dask, ...).
MIN_CONNECT_WAIT = 1.0


@contextlib.contextmanager
def _quiet_logging():
    """No log records while a cluster is used: distributed's (and tornado's, asyncio's) log lines
    would add to the command's one-line messages; the errors they describe reach the command."""
    previous = logging.root.manager.disable
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        logging.disable(previous)


class Sources:
    """The files of one command, read with the shared options (``--dropna``, ``--batch-size``,
    ``--file-format``, ``--progress``) -- streamed with pyarrow, or counted on the Dask
    cluster of ``--scheduler``, whose client is open inside ``with Sources(...)``.

    ``-`` is standard input, and a pipe or FIFO (``/dev/stdin``, ``<(cat f)``) is read as a
    stream: each is copied once, to its end, into a temporary file that is removed on leaving
    (:func:`infokit.io._stream.spooled`); messages name it as given (``<stdin>`` for ``-``).
    """

    def __init__(self, scheduler=None, *, dropna=False, batch_size=None, file_format=None, progress=None):
        self.address = scheduler
        self.client = None
        self.dropna = dropna
        self.format = file_format
        self.kw = {"progress": progress}
        if batch_size is not None:
            self.kw["batch_size"] = batch_size
        self._started = time.monotonic()
        self._stack = None
        self._local = {}  # path as given -> (path to read, format)
        self._names = {}  # path read -> how messages name it
        #: The columns read so far that were counted by the 64-bit keys of their strings (past the memory
        #: budget: the strings not kept), each once, in the order read.
        self.by_key: list = []

    def _note_keys(self, columns) -> None:
        for c in columns:
            if c not in self.by_key:
                self.by_key.append(c)

    def __enter__(self):
        self._stack = contextlib.ExitStack()
        try:
            if self.address is not None:
                self._stack.enter_context(_quiet_logging())
                # the command gives up on the scheduler within the timeout of its start, not of the
                # moment Dask is imported (seconds on a busy machine)
                budget = connect_timeout() - (time.monotonic() - self._started)
                self.client = ikio.connect(self.address, set_as_default=False,
                                           timeout=max(budget, MIN_CONNECT_WAIT))
                self._stack.callback(close_client, self.client)
        except BaseException:
            self._stack.close()
            raise
        return self

    def __exit__(self, *exc):
        stack, self._stack = self._stack, None
        self.client = None
        self._local.clear()
        self._names.clear()
        if stack is not None:
            stack.close()  # closing must not hide the real error: close_client is quiet
        return False

    def _read(self, path):
        """``(path to read, format)`` of an input as given (a stream spooled once per command)."""
        key = os.fspath(path)
        if key not in self._local:
            if self._stack is None:
                raise RuntimeError("Sources must be used inside 'with sources:'")
            local, fmt = self._stack.enter_context(spooled(key, self.format))
            self._local[key] = (local, fmt)
            if local != key:
                self._names[local] = STDIN_NAME if key == STDIN else key
        return self._local[key]

    @contextlib.contextmanager
    def _named(self):
        """Messages name the inputs as given, not their spooled copies."""
        try:
            yield
        except InfokitError as exc:
            msg = str(exc)
            renamed = msg
            for local, name in self._names.items():
                renamed = renamed.replace(local, name)
            if renamed == msg:
                raise
            try:
                new = type(exc)(renamed)
            except Exception:  # noqa: BLE001 - an error class with another signature: keep it
                raise exc from None
            raise new from None

    def empirical(self, path, column, fingerprint=False):
        """The empirical distribution of one column of a file (with ``fingerprint``, past the memory budget,
        the fingerprint of an integer column's counts: :func:`infokit.io.read_empirical`)."""
        local, fmt = self._read(path)
        with self._named():
            if fingerprint and self.client is None:
                out, by_key = read_column_noting_keys(local, column, dropna=self.dropna, format=fmt, fingerprint=True,
                                                      **self.kw)
                if by_key:
                    self._note_keys([column])
                return out
            return ikio.read_empirical(local, column, dropna=self.dropna, scheduler=self.client, format=fmt,
                                       **self.kw)

    def paired(self, p_path, p_column, q_path, q_column):
        """A column of two files: past the memory budget, integer columns' counts merged on disk
        (:func:`infokit.io.read_paired_counts`); else the two empirical distributions."""
        if self.client is not None:
            return self.empirical(p_path, p_column), self.empirical(q_path, q_column)
        (lp, fp), (lq, fq) = self._read(p_path), self._read(q_path)
        with self._named():
            out = ikio.read_paired_counts(lp, p_column, lq, q_column, p_format=fp, q_format=fq, dropna=self.dropna,
                                          **self.kw)
        self._note_keys(getattr(out, "counted_by_key", ()))
        return out

    def joint(self, path, columns, cells=False):
        """The joint table of distinct ``columns`` of a file (an Empirical of tuples; with ``cells``, past the
        memory budget, the cells of two discrete columns read from disk: :func:`infokit.io.read_joint_empirical`)."""
        local, fmt = self._read(path)
        kw = {"cells": True} if cells and self.client is None else {}
        with self._named():
            out = ikio.read_joint_empirical(local, list(columns), dropna=self.dropna, scheduler=self.client,
                                            format=fmt, **self.kw, **kw)
        self._note_keys(getattr(out, "counted_by_key", ()))
        return out

    def drift_counts(self, reference, current, columns, *, bins, n_bins):
        """Bin counts of both files, bins fitted on ``reference`` (:func:`infokit.io.read_drift_counts`)."""
        (ref, fmt), (cur, _) = self._read(reference), self._read(current)
        with self._named():
            out = ikio.read_drift_counts(ref, cur, columns, bins=bins, n_bins=n_bins, scheduler=self.client,
                                         format=fmt, **self.kw)
        self._note_keys(out.counted_by_key)
        return out
