"""Exact information measures of distributions (public path; the implementation is :mod:`infokit._api.measures`)."""

from infokit._api import measures as _impl
from infokit._api.measures import *  # noqa: F401,F403  (the public measures)

__all__ = [name for name in _impl.__all__ if name != "perplexity"]
