"""``ik.empirical`` of Dask collections: a map-reduce on a real cluster, exactly the in-memory result.

The cluster is a ``distributed.LocalCluster`` with two worker *processes*
(module-scoped, closed at teardown), so chunks really are counted in other
processes and the partial counts travel back pickled.
"""

from __future__ import annotations

import logging
import socket
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")
da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
pd = pytest.importorskip("pandas")

import dask  # noqa: E402

import infokit as ik  # noqa: E402
from infokit._samples.dask import (  # noqa: E402
    SchedulerLostError,
    SchedulerUnreachableError,
    close_client,
    compute,
    connect,
    connect_timeout,
    empirical_from_dask,
    is_dask_collection,
)
from infokit.errors import InvalidArgumentError, InvalidTypeError  # noqa: E402

UNREACHABLE = "tcp://127.0.0.1:1"


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=":0",
        silence_logs=logging.CRITICAL,
        env={"INFOKIT_NUM_THREADS": "1"},
    )
    c = distributed.Client(cluster, set_as_default=False)
    try:
        yield c
    finally:
        c.close()
        cluster.close()


def assert_same(got: ik.Empirical, want: ik.Empirical) -> None:
    assert isinstance(got, ik.Empirical)
    assert got.outcomes.dtype == want.outcomes.dtype
    assert got.outcomes.tolist() == want.outcomes.tolist()
    assert got.counts.dtype == want.counts.dtype == np.int64
    assert got.counts.tolist() == want.counts.tolist()
    assert (got.n, got.support_size, got.support_declared) == (want.n, want.support_size, want.support_declared)


def error_of(fn):
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value), str(info.value)


def on_cluster(client, x, **kw):
    """``ik.empirical(x, **kw)`` with ``client`` as the current scheduler, and the task names run."""
    with client.as_current(), distributed.get_task_stream(client) as ts:
        e = ik.empirical(x, **kw)
    return e, {t["key"][0] if isinstance(t["key"], tuple) else t["key"] for t in ts.data}


# --------------------------------------------------------------------------
# on the cluster
# --------------------------------------------------------------------------
def test_int_array_several_chunks(client):
    rng = np.random.default_rng(1)
    values = rng.integers(-5, 300, 50_000).astype(np.int32)
    x = da.from_array(values, chunks=3_000)  # 17 chunks: two levels of the tree reduction
    e, tasks = on_cluster(client, x)
    assert_same(e, ik.empirical(x.compute()))
    assert_same(e, ik.empirical(values))
    assert e.outcomes.dtype == np.int32
    assert any(k.startswith("_count_chunk") for k in tasks)  # counted on the workers
    assert any(k.startswith("_merge_parts") for k in tasks)


def test_array_generated_on_workers(client):
    x = da.random.default_rng(7).integers(0, 1000, size=400_000, chunks=50_000)
    e, _ = on_cluster(client, x)
    assert_same(e, ik.empirical(x.compute(scheduler="synchronous")))
    assert e.n == 400_000


def test_sparse_wide_ints_and_bools(client):
    rng = np.random.default_rng(2)
    wide = da.from_array(rng.integers(-(2**62), 2**62, 5_000) // 2**50, chunks=700)
    assert_same(on_cluster(client, wide)[0], ik.empirical(wide.compute()))
    b = da.from_array(rng.random(5_000) < 0.3, chunks=1_000)
    assert_same(on_cluster(client, b)[0], ik.empirical(b.compute()))


def test_string_series(client):
    rng = np.random.default_rng(3)
    words = np.array(["a", "bb", "ccc", "dddd", "word", "zz" * 9])
    # one partition holds only short words: the partitions' fixed-width dtypes differ
    values = np.concatenate([np.repeat("a", 500), rng.choice(words, 20_000)])
    s = dd.from_pandas(pd.Series(values), npartitions=9)
    e, tasks = on_cluster(client, s)
    want = ik.empirical(s.compute())
    assert_same(e, want)
    assert_same(e, ik.empirical(values))
    assert any(k.startswith("_count_chunk") for k in tasks)


def test_string_series_with_missing_dropna(client):
    rng = np.random.default_rng(4)
    values = rng.choice(np.array(["x", "yy", None, "zzz"], dtype=object), 12_000)
    values[:1500] = None  # the first partitions are all missing
    s = dd.from_pandas(pd.Series(values), npartitions=8)
    assert_same(on_cluster(client, s, dropna=True)[0], ik.empirical(s.compute(), dropna=True))
    assert error_of(lambda: on_cluster(client, s)) == error_of(lambda: ik.empirical(s.compute()))


def test_float_series_with_nan(client):
    rng = np.random.default_rng(5)
    values = rng.integers(0, 20, 30_000) / 4.0
    values[rng.random(values.size) < 0.1] = np.nan
    s = dd.from_pandas(pd.Series(values, name="v"), npartitions=6)
    assert_same(on_cluster(client, s, dropna=True)[0], ik.empirical(s.compute(), dropna=True))
    kind, msg = error_of(lambda: on_cluster(client, s))
    assert (kind, msg) == error_of(lambda: ik.empirical(s.compute()))
    assert kind is InvalidArgumentError and "NaN" in msg and "dropna=True" in msg
    # a dask array of floats with NaN, too
    x = da.from_array(values, chunks=4_000)
    assert_same(on_cluster(client, x, dropna=True)[0], ik.empirical(values, dropna=True))


def test_all_missing(client):
    s = dd.from_pandas(pd.Series([np.nan] * 100), npartitions=3)
    assert error_of(lambda: on_cluster(client, s, dropna=True)) == error_of(
        lambda: ik.empirical(s.compute(), dropna=True))


def test_support(client):
    rng = np.random.default_rng(6)
    values = rng.choice(np.array(["b", "a", "c"]), 9_000)
    s = dd.from_pandas(pd.Series(values), npartitions=5)
    support = ["c", "unseen", "a", "b"]
    e = on_cluster(client, s, support=support)[0]
    assert_same(e, ik.empirical(values, support=support))
    assert e.outcomes.tolist() == support and e.counts[1] == 0 and e.support_declared
    narrow = ["a", "b"]
    assert error_of(lambda: on_cluster(client, s, support=narrow)) == error_of(
        lambda: ik.empirical(values, support=narrow))
    x = da.from_array(rng.integers(0, 4, 5_000), chunks=1_000)
    assert_same(on_cluster(client, x, support=np.arange(6))[0], ik.empirical(x.compute(), support=np.arange(6)))


def test_object_series_types(client):
    # object dtype kept (no conversion to strings): ints in some partitions, mixed in others
    with dask.config.set({"dataframe.convert-string": False}):
        ints = dd.from_pandas(pd.Series([3, 1, 2, 1] * 50, dtype=object), npartitions=4)
        mixed = dd.from_pandas(pd.Series([1, 2, 3, 4, 0.5, 2.5] * 20, dtype=object), npartitions=3)
        bad = dd.from_pandas(pd.Series([1, 2, 3, 4] * 10 + ["a", "b"] * 20, dtype=object), npartitions=4)
    assert_same(on_cluster(client, ints)[0], ik.empirical(ints.compute()))
    assert on_cluster(client, ints)[0].outcomes.dtype == np.int64
    assert_same(on_cluster(client, mixed)[0], ik.empirical(mixed.compute()))
    kind, msg = error_of(lambda: on_cluster(client, bad))
    assert kind is InvalidTypeError
    assert (kind, msg) == error_of(lambda: ik.empirical(bad.compute()))


def test_empty_partitions(client):
    s = dd.from_pandas(pd.Series(np.arange(1_000) % 7), npartitions=10)
    filtered = s[s.index >= 800]  # most partitions empty
    assert_same(on_cluster(client, filtered)[0], ik.empirical(filtered.compute()))
    nothing = s[s > 100]
    assert error_of(lambda: on_cluster(client, nothing)) == error_of(lambda: ik.empirical(nothing.compute()))


def test_scheduler_argument_client_and_address(client):
    x = da.from_array(np.arange(2_000) % 13, chunks=300)
    want = ik.empirical(x.compute())
    assert_same(empirical_from_dask(x, scheduler=client), want)
    address = client.scheduler.address  # a client is opened for the call and closed
    assert_same(empirical_from_dask(x, scheduler=address), want)
    with connect(address) as c:  # the CLI's --scheduler ADDRESS
        assert c.status == "running"
        assert_same(ik.empirical(x), want)


# --------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------
def test_unreachable_scheduler_is_a_clear_quick_error():
    x = da.from_array(np.arange(10), chunks=5)
    for call in (lambda: empirical_from_dask(x, scheduler=UNREACHABLE),
                 lambda: connect(UNREACHABLE, timeout=2)):
        t0 = time.perf_counter()
        with pytest.raises(SchedulerUnreachableError) as info:
            call()
        assert time.perf_counter() - t0 < 10
        msg = str(info.value)
        assert UNREACHABLE in msg and "\n" not in msg
        assert isinstance(info.value, InvalidArgumentError) and isinstance(info.value, OSError)
    with pytest.raises(SchedulerUnreachableError, match="address"):
        connect("")


def test_dataframe_is_a_clear_error():
    df = dd.from_pandas(pd.DataFrame({"country": ["a", "b"], "n": [1, 2]}), npartitions=1)
    assert is_dask_collection(df)
    with pytest.raises(InvalidTypeError, match=r"select one column.*df\['country'\]"):
        ik.empirical(df)


def test_other_bad_collections():
    with pytest.raises(InvalidArgumentError, match="1-D"):
        ik.empirical(da.zeros((4, 4), chunks=2, dtype=int))
    with pytest.raises(InvalidArgumentError, match="empty"):
        ik.empirical(da.zeros(0, chunks=1, dtype=int))
    with pytest.raises(InvalidTypeError, match="Delayed"):
        ik.empirical(dask.delayed(np.arange)(3))
    with pytest.raises(InvalidArgumentError, match="repeated"):
        ik.empirical(da.arange(3, chunks=2), support=[0, 1, 1, 2])


# --------------------------------------------------------------------------
# without a cluster
# --------------------------------------------------------------------------
def test_without_cluster_synchronous_and_threads():
    rng = np.random.default_rng(8)
    x = da.from_array(rng.integers(0, 9, 3_000), chunks=250)
    want = ik.empirical(x.compute(scheduler="synchronous"))
    assert_same(empirical_from_dask(x, scheduler="synchronous"), want)
    assert_same(empirical_from_dask(x, scheduler="threads", split_every=2), want)
    with dask.config.set(scheduler="synchronous"):
        assert_same(ik.empirical(x), want)
        s = dd.from_pandas(pd.Series(rng.choice(["p", "q", None], 500)), npartitions=4)
        assert_same(ik.empirical(s, dropna=True), ik.empirical(s.compute(), dropna=True))
        assert_same(ik.empirical(s.index), ik.empirical(s.index.compute()))


def test_is_dask_collection_does_not_import_dask():
    code = (
        "import sys, numpy as np, infokit as ik\n"
        "from infokit._samples.dask import is_dask_collection\n"
        "assert not is_dask_collection(np.arange(3)) and not is_dask_collection([1, 2])\n"
        "ik.empirical([1, 2, 2])\n"
        "assert 'dask' not in sys.modules, 'dask imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert is_dask_collection(da.arange(3, chunks=2))
    assert not is_dask_collection(pd.Series([1]))


# --------------------------------------------------------------------------
# faults: every problem with the cluster ends within a known time, in one error
# --------------------------------------------------------------------------
@pytest.fixture
def silent_port():
    """A port that accepts connections (the kernel's backlog) and never answers."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(16)
    try:
        yield s.getsockname()[1]
    finally:
        s.close()


def test_silent_port_is_an_error_within_the_timeout(silent_port):
    t0 = time.perf_counter()
    with pytest.raises(SchedulerUnreachableError, match="handshake") as info:
        connect(f"tcp://127.0.0.1:{silent_port}", timeout=1.0)
    elapsed = time.perf_counter() - t0
    assert 0.5 < elapsed < 4.0  # the timeout, not distributed's unbounded wait for the handshake
    assert "\n" not in str(info.value) and f"127.0.0.1:{silent_port}" in str(info.value)


def test_timeout_from_the_environment(monkeypatch):
    monkeypatch.setenv("INFOKIT_DASK_TIMEOUT", "2.5")
    assert connect_timeout() == 2.5
    assert connect_timeout(1) == 1.0
    monkeypatch.setenv("INFOKIT_DASK_TIMEOUT", "soon")
    with pytest.raises(InvalidArgumentError, match="INFOKIT_DASK_TIMEOUT"):
        connect_timeout()
    with pytest.raises(InvalidArgumentError, match="timeout"):
        connect("tcp://127.0.0.1:1", timeout=-1)


@pytest.mark.parametrize("address, fragment", [
    ("tls://127.0.0.1:1", "TLS"),
    ("wss://127.0.0.1:1", "TLS"),
    ("foo:bar:baz", "not a Dask scheduler address"),
    ("tcp://", "no host"),
    ("tcp://127.0.0.1", "no port"),
    ("http://127.0.0.1:8786", "unknown scheme"),
    ("127.0.0.1:notaport", "not a Dask scheduler address"),
    ("tcp://127.0.0.1:8786/path", "host:port"),
])
def test_bad_addresses_fail_at_once_on_one_line(address, fragment):
    t0 = time.perf_counter()
    with pytest.raises(SchedulerUnreachableError) as info:
        connect(address, timeout=5)
    assert time.perf_counter() - t0 < 1.0  # no client is built (nor a finaliser left to time out)
    assert fragment in str(info.value) and address in str(info.value) and "\n" not in str(info.value)


_RELEASE = threading.Event()


def _held(x):
    """A task that runs until the test lets it go (or 20 s)."""
    _RELEASE.wait(20)
    return x


def _lose_cluster_mid_run(lose, monkeypatch):
    """Compute a held task; once it runs, ``lose(cluster, client)``; the error and the seconds it took."""
    monkeypatch.setenv("INFOKIT_DASK_STALL_TIMEOUT", "1")
    _RELEASE.clear()
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                       dashboard_address=None, silence_logs=logging.CRITICAL)
    client = distributed.Client(cluster, set_as_default=False, timeout=3)
    try:
        def strike():
            while not any(client.processing().values()):
                time.sleep(0.05)
            time.sleep(0.2)
            lose(cluster, client)

        threading.Thread(target=strike, daemon=True).start()
        t0 = time.perf_counter()
        with pytest.raises(SchedulerLostError) as info:
            compute(dask.delayed(_held)(1), scheduler=client)
        return info.value, time.perf_counter() - t0
    finally:
        _RELEASE.set()
        close_client(client)
        cluster.close()


def test_scheduler_lost_mid_run(monkeypatch):
    # the client's connection to the scheduler breaks, as when the scheduler is killed (a real
    # `dask scheduler` killed under the command line: benchmarks/faults_cli.py)
    def break_connection(cluster, client):
        client.loop.add_callback(client.scheduler_comm.comm.abort)

    err, elapsed = _lose_cluster_mid_run(break_connection, monkeypatch)
    assert "scheduler was lost" in str(err) and "\n" not in str(err)
    assert isinstance(err, SchedulerUnreachableError) and isinstance(err, OSError)
    assert elapsed < 10


def test_every_worker_lost_mid_run(monkeypatch):
    def lose_workers(cluster, client):
        for w in list(cluster.workers.values()):
            cluster.sync(w.close)

    err, elapsed = _lose_cluster_mid_run(lose_workers, monkeypatch)
    assert "no workers" in str(err) and "INFOKIT_DASK_STALL_TIMEOUT" in str(err)
    assert elapsed < 10  # the stall timeout (1 s here) and a few looks at the cluster


def test_task_errors_come_back_as_they_are(client):
    s = dd.from_pandas(pd.Series(["a", None, "b"]), npartitions=2)
    with pytest.raises(InvalidArgumentError, match="missing"):
        empirical_from_dask(s, scheduler=client)  # the data's error, not a lost cluster


def test_nullable_pandas_dtypes_keep_their_values(client):
    """Int64 / boolean partitions with pandas.NA count as their values (not floats), NA as missing --
    the in-memory counts of the same values with the missing ones dropped."""
    ints = pd.Series([1, None, 3, 3, None, 7] * 50, dtype="Int64")
    bools = pd.Series([True, None, False, True] * 50, dtype="boolean")
    for s, values in ((ints, [1, 3, 3, 7] * 50), (bools, [True, False, True] * 50)):
        got = empirical_from_dask(dd.from_pandas(s, npartitions=3), dropna=True, scheduler=client)
        assert_same(got, ik.empirical(np.array(values)))
        with pytest.raises(InvalidArgumentError, match="missing"):
            empirical_from_dask(dd.from_pandas(s, npartitions=3), scheduler=client)
