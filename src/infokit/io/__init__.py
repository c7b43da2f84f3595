"""Counts from CSV and Parquet files, streamed in record batches with bounded memory.

A file is read with pyarrow one record batch at a time, and only the columns
asked for; counts accumulate batch by batch, so a file larger than memory is
counted in memory proportional to one batch plus the number of distinct
values (of distinct cells, for a joint table).  The counts are exact: they
equal those of the whole column counted in memory, outcome for outcome::

    >>> import infokit.io as ikio                            # doctest: +SKIP
    >>> e = ikio.read_empirical("events.parquet", "country")  # doctest: +SKIP
    >>> ik.entropy(e, base="bits")                            # doctest: +SKIP

* :func:`iter_batches` -- the record batches of a file (the building block).
* :func:`read_empirical` -- the empirical distribution of one column.
* :func:`read_columns_empirical` -- those of several columns, in one pass.
* :func:`read_paired_counts` -- a column of two files, merged on the union of
  their values (on disk past the memory budget).
* :func:`read_joint_empirical` -- the joint table of several columns.
* :func:`read_mutual_information` -- the plug-in ``I(X; Y)`` (or ``I(X; Y | Z)``)
  of columns of a file, equal to :func:`infokit.mutual_information` of the
  columns loaded in memory.
* :func:`read_drift_counts` -- bin counts of a reference and a current file,
  for :func:`infokit.drift.drift_from_counts`.
* :func:`connect` -- a client of a Dask cluster: ``read_empirical``,
  ``read_joint_empirical`` and ``read_drift_counts`` take ``scheduler=`` (a
  client, a scheduler address or a local scheduler name) to count with Dask,
  where the data live, with the same result.

Formats, from the file name's suffix or ``format=``: Parquet (``.parquet``,
``.pq``, ``.parq``), CSV (``.csv``, ``.txt``; ``.tsv`` is tab-separated; ``.gz``,
``.bz2``, ``.zst``, ``.lz4`` suffixes are decompressed on the fly).  CSV column
types are inferred by pyarrow from the first block of the file; an empty
field and the usual markers (``NA``, ``N/A``, ``null``, ``NULL``, ``NaN``,
``nan``, ``#N/A``, ...: pyarrow's list) are missing values, in string columns
too, on every path (streamed and Dask alike); unlike :func:`pandas.read_csv`,
``None`` and ``<NA>`` are words.  The readers need regular files (they open a
file more than once); a pipe or FIFO is an error naming it -- the command
line copies ``-`` (standard input), pipes and FIFOs to a temporary file first.

Missing values (nulls, and NaN in float columns) are an error unless
``dropna=True``; a column with no values left is an error.  Bad input --
missing file, directory, empty file, unreadable or truncated Parquet, a CSV
row whose value does not fit its column's type -- raises
:class:`~infokit.errors.InvalidFileError` with one line naming the file;
unknown columns raise :class:`~infokit.errors.InvalidArgumentError` listing
the available ones.  This module only reads: it never writes or modifies a
file, so an error leaves nothing partially written.

A progress bar (``rich``) is drawn on stderr when ``progress=True``, or by
default (``progress=None``) when stderr is a terminal and the file is larger
than 64 MB; Parquet progress is counted in rows (from the file's metadata),
CSV progress in bytes of the file read.

Memory: Parquet files are opened with ``pre_buffer=False`` (pyarrow's
pre-buffering keeps every row group read cached until the file is closed,
which grows with the file); peak memory then stays flat as the file grows
(``benchmarks/bench_io.py``: about 30-60 MiB above the imports for
2.5e7 to 2e8 rows).  CSV files are read in blocks of ``INFOKIT_MEMORY_BUDGET
/ 128`` bytes (1 MiB by default).  Counts of numbers, and of one or two
columns together, are sorted int64 keys with int64 counts (16 bytes per
distinct value or pair) kept within the memory budget
``INFOKIT_MEMORY_BUDGET`` (bytes, or ``512M``, ``2GiB``; default 128 MiB):
past it, sorted runs are written to a temporary directory (``TMPDIR``) and
merged into one sorted file, and the files are removed on every exit.  The
commands read that file back a chunk at a time: the fingerprint of an
integer column's counts (``read_empirical(..., fingerprint=True)``, entropy),
the cells of two discrete columns (``read_joint_empirical(..., cells=True)``,
mutual information), two integer columns merged on the union of their
values (:func:`read_paired_counts`, KL divergence) and the bins of a numeric
drift reference, so they stay within the budget whatever the number of
distinct values.  What is not bounded by the budget: a result returned as an
:class:`Empirical` (16 bytes per distinct value or pair, more for strings),
the distinct values of each column of a joint count (about 16 bytes per
distinct number; but for the cells of two discrete columns, a column past
``INFOKIT_MEMORY_BUDGET / 512`` distinct integers or keyed strings is
counted by value, the cells then pairs of 64-bit keys spilled like the
rest, 24 bytes a pair, and its values' counts derived from the sorted
cells: a mutual information with 1e8 values in a column stays within the
budget), the counts of three or more columns together, and
categorical reference columns of :func:`read_drift_counts` other than text
(booleans, ...), which are loaded (``benchmarks/bench_memory.py`` measures
the commands).  Text columns past ``INFOKIT_MEMORY_BUDGET / 512`` distinct
strings are counted by 64-bit keys of their strings, like the integers (the
strings no longer kept; :mod:`infokit.io._spill`): for the entropy's
fingerprint, the cells of a mutual information, the KL divergence's union
and a drift's categories (:class:`~infokit._samples.binning.KeyedCategoryCounts`);
the commands say so in a note and in ``counted_by_key`` of their JSON.

Counting on a cluster: start ``dask scheduler`` on one machine and ``dask
worker tcp://HOST:8786`` on the others (each with ``pip install
'infokit[dask]'``), then::

    >>> client = ikio.connect("tcp://10.0.0.5:8786")             # doctest: +SKIP
    >>> e = ikio.read_empirical("events.parquet", "country", scheduler=client)  # doctest: +SKIP
    >>> e = ik.empirical(dask_series)     # runs on the client too  # doctest: +SKIP

``connect`` raises :class:`SchedulerUnreachableError` (an
``InvalidArgumentError`` and an ``OSError``) naming the address when it is not
an address (at once), when nothing listens there (at once), or when no Dask
scheduler answers within its timeout (3 s, ``INFOKIT_DASK_TIMEOUT``; a port
that accepts connections and never replies included).  A count on the
cluster raises :class:`SchedulerLostError` (a ``SchedulerUnreachableError``)
when the scheduler goes away, at once, or when the cluster cannot make
progress -- no workers, or a scheduler that does not answer -- for 10 s
(``INFOKIT_DASK_STALL_TIMEOUT``).

The readers live in private modules (``_format``: file names and formats,
``_arrow``: Arrow to NumPy and missing values, ``_batches``: record batches,
``_columns``/``_joint``: counts of columns and joint tables, ``_drift``: bin
counts of two files, ``_dask``: files as Dask DataFrames); this module is the
public surface.
"""

from infokit._samples.dask import SchedulerLostError, SchedulerUnreachableError, connect
from infokit.io._batches import DEFAULT_BATCH_SIZE, PROGRESS_MIN_BYTES, READ_BATCH_SIZE, iter_batches  # noqa: F401
from infokit.io._columns import read_columns_empirical, read_empirical, read_paired_counts
from infokit.io._drift import DriftCounts, read_drift_counts
from infokit.io._joint import read_joint_empirical, read_mutual_information

__all__ = [
    "iter_batches",
    "read_empirical",
    "read_columns_empirical",
    "read_paired_counts",
    "read_joint_empirical",
    "read_mutual_information",
    "read_drift_counts",
    "DriftCounts",
    "connect",
    "SchedulerUnreachableError",
    "SchedulerLostError",
    "PROGRESS_MIN_BYTES",
]
