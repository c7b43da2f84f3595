"""The empirical distribution P̂ of a sample, and the exact measures of P̂.

``P̂(x) = n_x / n``: the distribution a sample *is*.  The measures here —
:func:`joint_entropy`, :func:`conditional_entropy`, :func:`mutual_information`,
:func:`conditional_mutual_information`, and the core measures applied to an
:class:`Empirical` (``ik.entropy(e)``, ``ik.kl_divergence(e, f)``) — are the
exact (plug-in) values *of P̂*.  They are biased as estimates of the true
distribution's; for estimates with standard errors use
:func:`infokit.estimate_entropy` and friends.

This module is also callable: ``infokit.empirical(x)`` is
:func:`infokit.empirical.empirical`.
"""

from infokit._lib.modules import make_callable
from infokit._samples import empirical as _impl
from infokit._samples.empirical import *  # noqa: F401,F403

__all__ = list(_impl.__all__)

make_callable(__name__, _impl.empirical)
