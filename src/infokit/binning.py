"""Bins fitted on a reference sample (public path of :mod:`infokit._samples.binning`)."""

from infokit._samples import binning as _impl
from infokit._samples.binning import *  # noqa: F401,F403

__all__ = list(_impl.__all__)
