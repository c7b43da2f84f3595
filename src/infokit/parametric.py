"""Exact measures between parametric distributions (public path of :mod:`infokit._models.parametric`)."""

from infokit._estimators.divergence import mc_kl_estimate
from infokit._models import parametric as _impl
from infokit._models.parametric import *  # noqa: F401,F403

__all__ = [*_impl.__all__, "mc_kl_estimate"]
