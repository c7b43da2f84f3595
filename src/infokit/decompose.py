"""Per-outcome decomposition ``H(P, Q) = H(P) + D(P||Q)`` (public path of :mod:`infokit._api.decompose`).

This module is also callable: ``infokit.decompose(p, q)`` is :func:`infokit.decompose.decompose`.
"""

from infokit._api.decompose import Decomposition, decompose
from infokit._lib.modules import make_callable

__all__ = ["Decomposition", "decompose"]

make_callable(__name__, decompose)
