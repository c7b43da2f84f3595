"""The empirical distribution P̂ of a sample, and the exact measures of P̂ (public path of
:mod:`infokit._samples.empirical`).

This module is also callable: ``infokit.empirical(x)`` is
:func:`infokit.empirical.empirical`.
"""

from infokit._lib.modules import make_callable
from infokit._samples import empirical as _impl
from infokit._samples.empirical import *  # noqa: F401,F403

__all__ = list(_impl.__all__)

make_callable(__name__, _impl.empirical)
