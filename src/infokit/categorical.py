"""Distributions given by logits or log-probabilities (public path of :mod:`infokit._core.categorical`)."""

from infokit._core import categorical as _impl
from infokit._core.categorical import *  # noqa: F401,F403

__all__ = list(_impl.__all__)
