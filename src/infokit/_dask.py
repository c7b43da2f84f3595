"""Deprecated path: Dask counting now lives in :mod:`infokit.io` (``infokit.io.connect``)."""

from infokit._samples.dask import SchedulerUnreachableError, connect, empirical_from_dask, is_dask_collection

__all__ = ["is_dask_collection", "empirical_from_dask", "connect", "SchedulerUnreachableError"]
