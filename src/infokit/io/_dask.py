"""Files as Dask DataFrames, for the readers' ``scheduler=`` (counting where the data live).

The file is opened with pyarrow first (one row), so that a missing file, an
unknown column or an unreadable file is reported at once, with the message
the streamed readers give, before any work is sent to a cluster.
"""

from __future__ import annotations

import contextlib
import os

from infokit._lib.optional import require
from infokit._samples.dask import _scheduler
from infokit.io._batches import first_batch
from infokit.io._format import format_of

__all__ = ["frame", "computing_on"]

# pandas' names of the compressions infokit.io reads (it has none for lz4)
_PANDAS_COMPRESSION = {"gzip": "gzip", "bz2": "bz2", "zstd": "zstd"}


def frame(path, columns, format):
    """A Dask DataFrame of ``columns`` of a CSV or Parquet file, once the file is known to be readable."""
    first_batch(path, columns, format=format)
    dd = require("dask.dataframe", "reading files with Dask (scheduler=)")
    path = os.fspath(path)
    kind, compression, delimiter = format_of(path, format)
    if kind == "parquet":
        return dd.read_parquet(path, columns=list(columns))
    kwargs = {"usecols": list(columns), "sep": delimiter, "keep_default_na": True}
    if compression in _PANDAS_COMPRESSION:
        kwargs.update(compression=_PANDAS_COMPRESSION[compression], blocksize=None)
    return dd.read_csv(path, **kwargs)


@contextlib.contextmanager
def computing_on(scheduler):
    """What to pass as ``compute(scheduler=...)`` for a reader's ``scheduler=``: a client is
    opened for an address and closed afterwards (see :func:`infokit.io.connect`)."""
    get, client = _scheduler(scheduler)
    try:
        yield get
    finally:
        if client is not None:
            client.close()
