"""The inputs of a command: files read through :mod:`infokit.io`, on the cluster of ``--scheduler``."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from infokit import io as ikio
from infokit._samples.dask import SchedulerUnreachableError

__all__ = ["Sources"]


class Sources:
    """The files of one command, read with the shared options (``--dropna``, ``--batch-size``,
    ``--file-format``, ``--progress``) -- streamed with pyarrow, or counted on the Dask
    cluster of ``--scheduler``, whose client is open inside ``with Sources(...)``."""

    def __init__(self, scheduler=None, *, dropna=False, batch_size=None, file_format=None, progress=None):
        self.address = scheduler
        self.client = None
        self.dropna = dropna
        self.kw = {"format": file_format, "progress": progress}
        if batch_size is not None:
            self.kw["batch_size"] = batch_size

    def __enter__(self):
        if self.address is not None:
            _refused_fast(self.address)
            self.client = ikio.connect(self.address, set_as_default=False)
        return self

    def __exit__(self, *exc):
        if self.client is not None:
            try:
                self.client.close()
            except Exception:  # noqa: BLE001 - closing must not hide the real error
                pass
        return False

    def empirical(self, path, column):
        """The empirical distribution of one column of a file."""
        return ikio.read_empirical(path, column, dropna=self.dropna, scheduler=self.client, **self.kw)

    def joint(self, path, columns):
        """The joint table of distinct ``columns`` of a file (an Empirical of tuples)."""
        return ikio.read_joint_empirical(path, list(columns), dropna=self.dropna, scheduler=self.client, **self.kw)

    def drift_counts(self, reference, current, columns, *, bins, n_bins):
        """Bin counts of both files, bins fitted on ``reference`` (:func:`infokit.io.read_drift_counts`)."""
        return ikio.read_drift_counts(reference, current, columns, bins=bins, n_bins=n_bins,
                                      scheduler=self.client, **self.kw)


def _refused_fast(address: str) -> None:
    """Fail at once when nothing listens at a ``tcp://host:port`` address (a refused connection).

    Adapter: :func:`infokit.io.connect` waits its whole timeout (5 s) even when the connection
    is refused at once; a plain socket tells immediately.  Hosts that do not answer at all still
    get the full timeout in ``connect``.
    """
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
