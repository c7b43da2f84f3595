"""Counting Dask collections: ``ik.empirical(dask_array_or_series)`` as a map-reduce.

``ik.empirical(x)`` with a 1-D :class:`dask.array.Array` or a
:class:`dask.dataframe.Series` (or ``Index``) counts each chunk / partition
where it lives (on the workers of a distributed cluster), merges the counts
in a tree reduction, and brings back only the table of distinct outcomes.
The result is *exactly* ``ik.empirical(x.compute())``: the same outcomes in
the same order, with the same dtype, and the same counts (merging counts is
exact, see :meth:`infokit.Empirical.merge`).  ``support=`` and ``dropna=``
mean what they mean for in-memory samples; missing values are reported with
their total over all partitions.

Which scheduler runs it
-----------------------
* ``ik.empirical(x)`` uses Dask's current scheduler: the active
  :class:`distributed.Client` if there is one, else Dask's default for the
  collection (threads).
* :func:`empirical_from_dask` takes ``scheduler=``: a ``distributed.Client``,
  a scheduler address such as ``"tcp://10.0.0.5:8786"`` (a client is opened
  for the call and closed after it), or a local scheduler name
  (``"threads"``, ``"processes"``, ``"synchronous"``).
* :func:`connect` opens a client on a scheduler address (the command line's
  ``--scheduler ADDRESS``); an address that cannot be reached raises
  :class:`SchedulerUnreachableError` (an ``InvalidArgumentError`` and an
  ``OSError``) with one line naming the address: at once for a malformed
  address, a ``tls://`` address without TLS settings, or a refused
  connection; within ``timeout`` seconds (5 by default,
  ``$INFOKIT_DASK_TIMEOUT``) for a host or port that does not answer --
  also one that accepts connections and never replies, which distributed
  alone waits on for ever.

Faults while counting
---------------------
On a :class:`distributed.Client`, :func:`compute` (which every count here
goes through) watches the work: a scheduler that goes away (its connection
closed: killed, restarted) ends the count at once in
:class:`SchedulerLostError` (a ``SchedulerUnreachableError``); a cluster that
cannot make progress -- every worker lost (or none started), or a scheduler
that does not answer -- ends it after :data:`STALL_TIMEOUT` seconds (10,
``$INFOKIT_DASK_STALL_TIMEOUT``).  Errors of the tasks themselves (a missing
value, ...) come back as they are.

Missing values are found by the one rule of in-memory counting
(:func:`infokit._samples.counting.samples_and_mask`, that is
:func:`~infokit._samples.counting.missing_mask`, with ``pandas.NA`` of
nullable integer and boolean partitions as their mask), partition by
partition.

Pointing it at a real cluster
-----------------------------
Start a scheduler on one machine and workers on the others (each worker
needs infokit, numpy and pandas installed, ``pip install 'infokit[dask]'``)::

    dask scheduler                        # prints: Scheduler at tcp://10.0.0.5:8786
    dask worker tcp://10.0.0.5:8786       # on each worker machine

then, from Python::

    import distributed, dask.dataframe as dd, infokit as ik
    with distributed.Client("tcp://10.0.0.5:8786"):
        col = dd.read_parquet("s3://bucket/events/*.parquet", columns=["country"])["country"]
        e = ik.empirical(col, dropna=True)      # counted on the cluster

or ``ik.empirical(col, ...)`` after ``infokit.io.connect("tcp://10.0.0.5:8786")``,
or from the command line with ``--scheduler tcp://10.0.0.5:8786``.  On one
machine, ``distributed.LocalCluster(n_workers=4, threads_per_worker=1)`` gives
a cluster of worker processes.

Threads.  Each chunk is counted with infokit's own threads for large integer
chunks (``INFOKIT_NUM_THREADS``, default all usable cores).  When a machine
runs one Dask worker thread per core, set ``INFOKIT_NUM_THREADS=1`` in the
workers' environment (``dask worker ...`` or ``LocalCluster(env=...)``) so
that the two kinds of parallelism do not oversubscribe the cores.

Dask is imported only when a Dask collection is passed: :func:`is_dask_collection`
looks at ``sys.modules`` and never imports it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import math
import os
import socket
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from infokit._samples import counting as _counting
from infokit._samples.table import Empirical, _check_distinct, _on_support
from infokit._lib.optional import require
from infokit.errors import InvalidArgumentError, InvalidTypeError

__all__ = ["is_dask_collection", "empirical_from_dask", "connect", "compute", "close_client",
           "SchedulerUnreachableError", "SchedulerLostError"]

#: Scheduler names Dask runs in this process (not addresses).
_LOCAL_SCHEDULERS = frozenset(
    {"sync", "synchronous", "single-threaded", "threads", "threading", "processes", "multiprocessing"}
)
#: Partial counts merged per task of the tree reduction.
SPLIT_EVERY = 8
#: Seconds to wait for a scheduler before giving up.
CONNECT_TIMEOUT = 3.0


class SchedulerUnreachableError(InvalidArgumentError, OSError):
    """A Dask scheduler address that cannot be reached (or is not an address)."""


class SchedulerLostError(SchedulerUnreachableError):
    """The Dask scheduler, or every worker of its cluster, went away while a count was running."""


# --------------------------------------------------------------------------
# recognising Dask collections
# --------------------------------------------------------------------------
def _kind(x) -> str | None:
    """'array', 'series', 'index', 'dataframe', 'other' (another Dask collection) or None."""
    if "dask" not in sys.modules:  # a Dask collection cannot exist before dask is imported
        return None
    da = sys.modules.get("dask.array")
    if da is not None and isinstance(x, da.Array):
        return "array"
    dd = sys.modules.get("dask.dataframe")
    if dd is not None:
        if isinstance(x, dd.Series):
            return "series"
        if isinstance(x, dd.DataFrame):
            return "dataframe"
        if isinstance(x, dd.Index):
            return "index"
    if not isinstance(x, type) and hasattr(type(x), "__dask_graph__"):
        return "other"  # bag, delayed, ...: reported by empirical_from_dask
    return None


def is_dask_collection(x) -> bool:
    """Whether ``x`` is a Dask collection (array, Series, DataFrame, ...); never imports dask.

    >>> is_dask_collection([1, 2, 3])
    False
    """
    return _kind(x) is not None


# --------------------------------------------------------------------------
# map: one chunk -> partial counts; reduce: merge partial counts exactly
# --------------------------------------------------------------------------
# A partial result is (outcomes, counts, n_missing, kind): outcomes/counts as
# returned by _counting.count (None when the chunk had no samples left),
# n_missing the number of missing samples dropped, kind the dtype kind of the
# samples where missing values were found (for the error message).


def _count_chunk(chunk, dropna: bool):
    if len(chunk) == 0:
        return None, None, 0, None
    arr, missing = _counting.samples_and_mask(chunk, "samples")  # the one missing-value rule
    if missing is None:
        outcomes, counts = _counting.count(arr, name="samples")
        return outcomes, counts, 0, None
    # missing values are dropped here and reported (or not) once all chunks are counted
    n_missing, kind = int(missing.sum()), arr.dtype.kind
    kept = arr[~missing]
    if kept.size == 0:
        return None, None, n_missing, kind
    outcomes, counts = _counting.count(kept, name="samples")
    return outcomes, counts, n_missing, kind


def _merge_parts(*parts):
    """Merge partial counts in order: as if the chunks' samples had been counted together."""
    missing = sum(p[2] for p in parts)
    kind = next((p[3] for p in parts if p[3] is not None), None)
    full = [(o, c) for o, c, _, _ in parts if o is not None]
    if not full:
        return None, None, missing, kind
    if len(full) == 1:
        return full[0][0], full[0][1], missing, kind
    outcomes, counts = _merge_counts(full)
    return outcomes, counts, missing, kind


def _merge_counts(full):
    dtypes = [o.dtype for o, _ in full]
    kinds = {d.kind for d in dtypes}
    k0 = dtypes[0].kind
    if len(kinds) == 1 and k0 in "biufmMUS" and (k0 in "US" or all(d == dtypes[0] for d in dtypes)):
        # same dtype (strings: any width): sort the union, as counting the samples would
        allo = np.concatenate([o for o, _ in full])
        outcomes, inv = np.unique(allo, return_inverse=True)
        counts = np.zeros(outcomes.size, dtype=np.int64)
        np.add.at(counts, inv.ravel(), np.concatenate([c for _, c in full]))
        return outcomes, counts
    # Python objects (or mixed dtypes): a tally keyed like collections.Counter, the first
    # chunk's key kept for equal keys (1 == 1.0 == True), then _counting's ordering/typing
    tally: dict = {}
    for o, c in full:
        for key, n in zip(o.tolist(), c.tolist()):
            tally[key] = tally.get(key, 0) + n
    return _outcome_array(tally)


def _outcome_array(tally: dict):
    """Sorted outcomes and counts of a tally, typed as :func:`infokit._counting.count` types them."""
    outcomes, counts, _ = _counting.tally_outcomes(tally, "samples")
    return outcomes, counts


def _missing_error(kind: str, n_missing: int, left: bool) -> InvalidArgumentError:
    """The error ``ik.empirical`` raises in memory for missing samples (``left``: some remain)."""
    what = {"f": "NaN", "m": "NaT", "M": "NaT"}.get(kind)
    if left:
        if kind == "f":
            detail = f"{n_missing} NaN value(s) (missing samples)"
        elif what == "NaT":
            detail = f"{n_missing} NaT value(s)"
        else:
            detail = f"{n_missing} missing value(s) (None/NaN)"
        return InvalidArgumentError(f"'samples' contains {detail}; {_counting.MISSING_HINT}")
    return InvalidArgumentError(f"'samples' has no samples left after dropping {what or 'missing values'}")


# --------------------------------------------------------------------------
# schedulers
# --------------------------------------------------------------------------
#: Environment variable that overrides :data:`CONNECT_TIMEOUT` (seconds).
TIMEOUT_ENV = "INFOKIT_DASK_TIMEOUT"
#: Seconds a computation waits while the cluster cannot make progress (no workers, or a
#: scheduler that does not answer) before giving up.
STALL_TIMEOUT = 10.0
#: Environment variable that overrides :data:`STALL_TIMEOUT` (seconds).
STALL_TIMEOUT_ENV = "INFOKIT_DASK_STALL_TIMEOUT"
_POLL = 0.25  # seconds between two looks at a running computation
_SOCKET_SCHEMES = frozenset({"tcp", "tls", "ws", "wss"})
_TLS_SCHEMES = frozenset({"tls", "wss"})
_ADDRESS_HINT = "check the address printed by `dask scheduler` (e.g. tcp://10.0.0.5:8786) and that it is running"


def _seconds(value, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (value > 0 and math.isfinite(value)):
        raise InvalidArgumentError(f"{what} must be a positive number of seconds (got {value!r})")
    return float(value)


def _env_seconds(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        return _seconds(float(text), f"the environment variable {name}")
    except (ValueError, InvalidArgumentError):
        raise InvalidArgumentError(
            f"the environment variable {name} must be a positive number of seconds (got {text!r})"
        ) from None


def connect_timeout(timeout=None) -> float:
    """Seconds :func:`connect` waits: ``timeout``, else ``$INFOKIT_DASK_TIMEOUT``, else 3."""
    if timeout is None:
        return _env_seconds(TIMEOUT_ENV, CONNECT_TIMEOUT)
    return _seconds(timeout, "'timeout'")


def _unreachable(address, why: str) -> SchedulerUnreachableError:
    return SchedulerUnreachableError(f"cannot reach the Dask scheduler at {address!r}: {why}; {_ADDRESS_HINT}")


def _split_address(address):
    """``(address, scheme, (host, port) or None)``: the address checked, with ``tcp://`` when it has no scheme."""
    if not isinstance(address, str) or not address.strip():
        raise SchedulerUnreachableError(
            f"a Dask scheduler address must be a string such as 'tcp://host:8786' (got {address!r})"
        )
    text = address.strip()
    scheme, sep, loc = text.rpartition("://")
    scheme = scheme.lower() if sep else "tcp"

    def bad(why):
        return SchedulerUnreachableError(
            f"{address!r} is not a Dask scheduler address ({why}); expected e.g. tcp://10.0.0.5:8786, "
            "as `dask scheduler` prints it"
        )

    if scheme == "inproc":  # a scheduler in this process (LocalCluster(processes=False))
        return text, scheme, None
    if scheme not in _SOCKET_SCHEMES:
        raise bad(f"unknown scheme {scheme + '://'!r}; use tcp:// (or tls:// with TLS settings)")
    try:
        parts = urlsplit("//" + loc)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise bad(" ".join(str(exc).split())) from None
    if not host:
        raise bad("no host")
    if port is None or port == 0:
        raise bad("no port")
    if parts.path or parts.query or parts.fragment or parts.username is not None:
        raise bad("only scheme://host:port")
    return f"{scheme}://{loc}", scheme, (host, port)


def _security(distributed, address: str, scheme: str):
    """The client's security settings from the Dask configuration (TLS certificates for ``tls://``)."""
    try:
        security = distributed.Security()
        ssl_context = security.get_connection_args("client")["ssl_context"]
    except Exception as exc:  # a configured certificate that cannot be read, ...
        raise _unreachable(address, f"the TLS settings cannot be used ({' '.join(str(exc).split())})") from None
    if scheme in _TLS_SCHEMES and ssl_context is None:
        raise SchedulerUnreachableError(
            f"cannot connect to the Dask scheduler at {address!r}: a {scheme}:// address needs the client's TLS "
            "certificates and none are configured; set distributed.comm.tls.ca-file, "
            "distributed.comm.tls.client.cert and distributed.comm.tls.client.key in the Dask configuration "
            "(or the DASK_DISTRIBUTED__COMM__TLS__CA_FILE, ...__CLIENT__CERT, ...__CLIENT__KEY variables)"
        )
    return security


def _s(seconds: float) -> str:
    """Seconds for a message: ``5 s``, ``2.5 s``."""
    return f"{seconds:.1f}".rstrip("0").rstrip(".") + " s"


def _probe(address: str, hostport, security, timeout: float, left: float) -> None:
    """Within ``left`` seconds: a TCP connection to ``hostport``, then Dask's handshake with the scheduler
    (``timeout``: the whole connect's, for the messages).

    distributed's own connect retries a refused connection until its timeout, and waits for the
    scheduler's handshake without any (a port that accepts and never answers hangs it); here the
    refusal is reported at once and the whole exchange is bounded.
    """
    deadline = time.monotonic() + left
    host, port = hostport
    try:
        with socket.create_connection((host, port), timeout=left):
            pass
    except ConnectionRefusedError:
        raise _unreachable(address, f"connection refused (nothing listens on {host}:{port})") from None
    except socket.gaierror:
        raise _unreachable(address, f"unknown host {host!r}") from None
    except (socket.timeout, TimeoutError):
        raise _unreachable(address, f"no answer from {host}:{port} within {_s(timeout)}") from None
    except OSError as exc:
        raise _unreachable(address, exc.strerror or " ".join(str(exc).split()) or type(exc).__name__) from None
    comm = require("distributed.comm", "connecting to a Dask scheduler")
    args = security.get_connection_args("client")

    async def handshake():
        left = max(deadline - time.monotonic(), 0.05)
        c = await asyncio.wait_for(comm.connect(address, timeout=left, **args), left)
        await c.close()

    try:  # in a thread of its own: the caller may be running an event loop (Jupyter)
        with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="infokit-probe") as pool:
            pool.submit(asyncio.run, handshake()).result()
    except (asyncio.TimeoutError, TimeoutError):
        raise _unreachable(
            address, f"{host}:{port} accepted the connection but sent no Dask handshake within {_s(timeout)} "
            "(is it a Dask scheduler? a TLS scheduler needs a tls:// address)"
        ) from None
    except Exception as exc:  # closed by the other side, TLS failures, ...
        raise _unreachable(address, " ".join(str(exc).split()) or type(exc).__name__) from None


def _discard_failed_client(distributed, exc: BaseException) -> None:
    """Mark the half-built client of a failed ``Client(...)`` closed, so that its finaliser does not
    try (for twice its timeout) to close a connection that never opened and print a traceback."""
    tb = exc.__traceback__
    while tb is not None:
        obj = tb.tb_frame.f_locals.get("self")
        if isinstance(obj, distributed.Client):
            obj.status = "closed"
            with contextlib.suppress(Exception):
                obj._loop_runner.stop()
            return
        tb = tb.tb_next


def connect(address: str, *, timeout: float | None = None, set_as_default: bool = True) -> Any:
    """A :class:`distributed.Client` connected to the Dask scheduler at ``address``, within ``timeout``.

    Parameters
    ----------
    address : str
        The scheduler's address, as ``dask scheduler`` prints it
        (``"tcp://10.0.0.5:8786"``; ``"10.0.0.5:8786"`` means tcp).  A
        ``tls://`` address uses the TLS certificates of the Dask configuration
        (``distributed.comm.tls.*``).
    timeout : float, optional
        Seconds to wait for the scheduler (default ``$INFOKIT_DASK_TIMEOUT``,
        else 3).  The client keeps it as its own timeout: a lost connection is
        given up after as long.
    set_as_default : bool, optional
        Make the client Dask's default, so that ``ik.empirical(dask_series)``
        runs on it (default True).  Close it with ``client.close()``, or use
        it as a context manager: ``with connect(addr): ...``.

    Raises
    ------
    SchedulerUnreachableError
        (an :class:`~infokit.errors.InvalidArgumentError` and an ``OSError``)
        ``address`` is not an address, or a ``tls://`` address without TLS
        settings (at once); nothing listens there (at once: a refused
        connection); or no Dask scheduler answered within ``timeout`` seconds
        (a host that does not answer, a port that accepts connections and
        never replies).
    MissingDependencyError
        ``distributed`` is not installed (``pip install 'infokit[dask]'``).
    """
    started = time.monotonic()
    wait = connect_timeout(timeout)
    address, scheme, hostport = _split_address(address)
    distributed = require("distributed", "connecting to a Dask scheduler")  # (can take a second or two)
    security = _security(distributed, address, scheme)
    if hostport is not None:
        _probe(address, hostport, security, wait, max(wait - (time.monotonic() - started), 0.5))
    try:
        return distributed.Client(address, timeout=wait, set_as_default=set_as_default, security=security)
    except Exception as exc:  # OSError (refused, timed out), ValueError (bad address), ...
        _discard_failed_client(distributed, exc)
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise _unreachable(address, f"no connection within {_s(wait)} ({reason})") from None


def _scheduler(scheduler):
    """(what to pass to :func:`compute`, client to close afterwards or None)."""
    if scheduler is None:
        return None, None
    if isinstance(scheduler, str):
        if scheduler.strip().lower() in _LOCAL_SCHEDULERS:
            return scheduler.strip().lower(), None
        client = connect(scheduler, set_as_default=False)
        return client, client
    return scheduler, None  # a distributed.Client, or a get function


def close_client(client) -> None:
    """Close a client quickly and quietly, also when its scheduler has gone (closing must not hide
    the error that ended the work, nor wait twice the client's timeout)."""
    with contextlib.suppress(Exception):
        client.close(timeout=min(getattr(client, "_timeout", CONNECT_TIMEOUT), CONNECT_TIMEOUT))


def _client_address(client) -> str:
    try:
        return str(client.scheduler.address)
    except Exception:  # noqa: BLE001 - only for a message
        return "?"


def _lost(client, why: str) -> SchedulerLostError:
    return SchedulerLostError(f"the Dask cluster at {_client_address(client)!r} {why}; the count was abandoned, "
                              "rerun it once the cluster is up again")


def _n_workers(client, timeout: float):
    """Workers the scheduler knows of, or None when it does not answer within ``timeout`` (busy or gone)."""
    try:
        return len(client.nthreads(callback_timeout=timeout))
    except Exception:  # noqa: BLE001 - no answer (a busy scheduler, unpickling a graph, answers later)
        return None


def _cancelled_by_loss(exc: BaseException) -> bool:
    return isinstance(exc, asyncio.CancelledError) or "CancelledError" in type(exc).__name__


def compute(*collections, scheduler=None):
    """``dask.compute(*collections, scheduler=scheduler)``, watched when ``scheduler`` is a client.

    On a :class:`distributed.Client` the work is submitted and waited for in
    short steps, each of which looks at the cluster: a lost scheduler (its
    connection closed) ends in :class:`SchedulerLostError` at once, and so
    does a cluster that cannot make progress -- no workers, or a scheduler
    that does not answer -- for :data:`STALL_TIMEOUT` seconds (10;
    ``$INFOKIT_DASK_STALL_TIMEOUT``), rather than a wait without end.
    Errors raised by the tasks themselves come back as they are.
    """
    dask = require("dask", "counting a Dask collection")
    distributed = sys.modules.get("distributed")
    if distributed is None or not isinstance(scheduler, distributed.Client):
        return dask.compute(*collections, scheduler=scheduler)
    client = scheduler
    stall = _env_seconds(STALL_TIMEOUT_ENV, STALL_TIMEOUT)
    try:
        futures = client.compute(list(collections))
        stalled_since, why = None, ""
        pause, looked = 0.01, time.monotonic()
        while not all(f.done() for f in futures):
            time.sleep(pause)
            pause = min(2 * pause, _POLL)
            if time.monotonic() - looked < 4 * _POLL:
                continue
            if client.status not in ("running", "connecting"):
                raise _lost(client, "closed the connection (the scheduler was lost)")
            n = _n_workers(client, min(stall, 4 * _POLL))
            looked = time.monotonic()
            if n:
                stalled_since = None
                continue
            why = ("has had no workers" if n == 0 else "has not answered") + f" for {_s(stall)}"
            if stalled_since is None:
                stalled_since = looked
            elif looked - stalled_since > stall:
                detail = "all workers were lost, or none started" if n == 0 else "the scheduler was lost"
                raise _lost(client, f"{why} ({detail}; ${STALL_TIMEOUT_ENV} sets how long to wait)")
        return tuple(client.gather(futures))
    except SchedulerLostError:
        raise
    except (Exception, asyncio.CancelledError) as exc:
        if _cancelled_by_loss(exc) or client.status != "running":
            raise _lost(client, "closed the connection (the scheduler was lost)") from None
        if type(exc).__name__ == "KilledWorker":
            raise _lost(client, f"lost the workers running a task several times ({' '.join(str(exc).split())})") \
                from None
        raise


# --------------------------------------------------------------------------
# the map-reduce
# --------------------------------------------------------------------------
def empirical_from_dask(x, *, support=None, dropna=False, scheduler=None, split_every=SPLIT_EVERY):
    """``ik.empirical`` of a Dask array or Series, counted as a map-reduce where the data live.

    Parameters
    ----------
    x : dask.array.Array or dask.dataframe.Series
        A 1-D sample (a Series or Index; for a DataFrame select a column, ``df["col"]``).
    support, dropna
        As in :func:`infokit.empirical`.
    scheduler : distributed.Client, str or None, optional
        ``None``: Dask's current scheduler (the active distributed client if
        any).  A scheduler address (``"tcp://host:8786"``): a client is
        connected for this call (:func:`connect`) and closed after it.  A
        local scheduler name: ``"threads"``, ``"processes"``, ``"synchronous"``.
    split_every : int, optional
        Partial counts merged per task of the tree reduction (default 8).

    Returns
    -------
    Empirical
        Exactly ``ik.empirical(x.compute(), support=support, dropna=dropna)``.

    Raises
    ------
    InvalidArgumentError, InvalidTypeError
        As :func:`infokit.empirical` for the same samples; a DataFrame, a
        Dask collection other than an array or Series, an array that is not 1-D.
    SchedulerUnreachableError
        ``scheduler`` is an address where no scheduler answers.
    """
    kind = _kind(x)
    if kind == "dataframe":
        cols = list(x.columns)
        hint = f"ik.empirical(df[{cols[0]!r}])" if len(cols) else "ik.empirical(df['column'])"
        raise InvalidTypeError(
            f"'samples' is a Dask DataFrame with {len(cols)} column(s); select one column, e.g. {hint}"
        )
    if kind not in ("array", "series", "index"):
        raise InvalidTypeError(
            f"'samples' is a Dask {type(x).__name__}; ik.empirical accepts a 1-D dask.array.Array or a "
            "dask.dataframe Series (convert it, e.g. bag.to_dataframe()['col'])"
        )
    if kind == "array":
        if x.ndim != 1:
            raise InvalidArgumentError(
                f"'samples' must be 1-D (one sample per entry); got shape {x.shape}. "
                "For several variables use ik.empirical_joint(x, y, ...)"
            )
        if x.dtype.kind == "c":
            raise InvalidTypeError(
                f"'samples' has complex values (dtype {x.dtype}); outcomes must be real or labels"
            )
        if x.shape[0] == 0:
            raise InvalidArgumentError("'samples' is empty: at least one sample is needed")
    if isinstance(split_every, bool) or not isinstance(split_every, int) or split_every < 2:
        raise InvalidArgumentError(f"'split_every' must be an int >= 2 (got {split_every!r})")
    sup = None
    if support is not None:  # checked before any work is sent to the cluster
        sup = support if isinstance(support, np.ndarray) else _counting.as_samples(support, "support")
        if sup.ndim != 1:
            raise InvalidArgumentError(f"'support' must be 1-D, got shape {sup.shape}")
        _check_distinct(sup, "support")

    dask = require("dask", "counting a Dask collection")
    count_chunk = dask.delayed(_count_chunk, pure=True)
    merge = dask.delayed(_merge_parts, pure=True)
    parts = x.to_delayed().ravel().tolist() if kind == "array" else list(x.to_delayed())
    level = [count_chunk(part, bool(dropna)) for part in parts]
    if not level:
        raise InvalidArgumentError("'samples' is empty: at least one sample is needed")
    while len(level) > 1:  # tree reduction, partitions kept in order
        level = [merge(*level[i:i + split_every]) for i in range(0, len(level), split_every)]
    get, client = _scheduler(scheduler)
    try:
        (result,) = compute(level[0], scheduler=get)
    finally:
        if client is not None:
            close_client(client)
    outcomes, counts, n_missing, missing_kind = result
    if n_missing and not dropna:  # as in memory: missing values are reported before anything else
        raise _missing_error(missing_kind, n_missing, left=True)
    if outcomes is None:
        if n_missing:
            raise _missing_error(missing_kind, n_missing, left=False)
        raise InvalidArgumentError("'samples' is empty: at least one sample is needed")
    if sup is None:
        return Empirical(outcomes, counts)
    return _on_support(outcomes, counts, sup)
