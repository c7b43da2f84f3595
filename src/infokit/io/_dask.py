"""Files as Dask DataFrames, for the readers' ``scheduler=`` (counting where the data live).

The file is opened with pyarrow first (one row), so that a missing file, an
unknown column or an unreadable file is reported at once, with the message
the streamed readers give, before any work is sent to a cluster.

A CSV file is parsed as the pyarrow streams parse it: the same missing-value
fields (:data:`~infokit.io._format.CSV_NULL_VALUES`, not pandas' longer list)
and the column types pyarrow infers from the first block (integers and
booleans as pandas' nullable dtypes, so that a missing value does not turn
integers into floats; dates and timestamps parsed as ISO 8601), so that the
Dask path counts what the streamed path counts.
"""

from __future__ import annotations

import contextlib
import os

from infokit._lib.optional import require
from infokit._samples.dask import _scheduler, close_client, compute
from infokit.io._arrow import pyarrow
from infokit.io._batches import READ_BATCH_SIZE, first_batch, iter_batches
from infokit.io._format import CSV_NULL_VALUES, format_of

__all__ = ["frame", "computing_on", "compute"]

# pandas' names of the compressions infokit.io reads (it has none for lz4)
_PANDAS_COMPRESSION = {"gzip": "gzip", "bz2": "bz2", "zstd": "zstd"}


def _csv_schema(path, columns, format):
    """The Arrow schema of ``columns`` of a CSV file as the streamed readers infer it (from the same
    first block), or None for a header without rows."""
    it = iter_batches(path, columns, batch_size=READ_BATCH_SIZE, format=format, progress=False)
    try:
        batch = next(iter(it), None)
    finally:
        it.close()
    return None if batch is None else batch.schema


def _pandas_dtypes(schema):
    """``(dtype=, date columns)`` for ``read_csv`` from the types pyarrow inferred."""
    pa = pyarrow()
    dtypes, dates = {}, []
    for field in schema:
        t = field.type
        if pa.types.is_integer(t):
            dtypes[field.name] = "UInt64" if pa.types.is_unsigned_integer(t) else "Int64"
        elif pa.types.is_boolean(t):
            dtypes[field.name] = "boolean"
        elif pa.types.is_floating(t):
            dtypes[field.name] = "float64"
        else:
            dtypes[field.name] = "object"
            if pa.types.is_date(t) or pa.types.is_timestamp(t):
                dates.append(field.name)
    return dtypes, dates


def frame(path, columns, format):
    """A Dask DataFrame of ``columns`` of a CSV or Parquet file, once the file is known to be readable."""
    first_batch(path, columns, format=format)
    dd = require("dask.dataframe", "reading files with Dask (scheduler=)")
    path = os.fspath(path)
    kind, compression, delimiter = format_of(path, format)
    if kind == "parquet":
        return dd.read_parquet(path, columns=list(columns))
    schema = _csv_schema(path, columns, format)
    kwargs = {"usecols": list(columns), "sep": delimiter, "keep_default_na": False,
              "na_values": list(CSV_NULL_VALUES)}
    dates = []
    if schema is not None:
        kwargs["dtype"], dates = _pandas_dtypes(schema)
    if compression in _PANDAS_COMPRESSION:
        kwargs.update(compression=_PANDAS_COMPRESSION[compression], blocksize=None)
    ddf = dd.read_csv(path, **kwargs)
    for c in dates:
        ddf[c] = dd.to_datetime(ddf[c], format="ISO8601")
    return ddf


@contextlib.contextmanager
def computing_on(scheduler):
    """What to pass as :func:`infokit._samples.dask.compute`'s ``scheduler=`` for a reader's
    ``scheduler=``: a client is opened for an address and closed afterwards (see
    :func:`infokit.io.connect`)."""
    get, client = _scheduler(scheduler)
    try:
        yield get
    finally:
        if client is not None:
            close_client(client)
