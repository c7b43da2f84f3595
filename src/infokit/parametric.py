"""Exact measures between parametric distributions (public path of :mod:`infokit._models.parametric`)."""

from infokit._estimators.divergence import mc_kl_estimate
from infokit._models.parametric import (
    MonteCarloKL,
    dist_cross_entropy,
    dist_entropy,
    dist_kl,
    mc_kl,
    register_kl,
)
from infokit._models.recognize import is_distribution

__all__ = [
    "register_kl",
    "is_distribution",
    "dist_entropy",
    "dist_kl",
    "dist_cross_entropy",
    "mc_kl",
    "mc_kl_estimate",
    "MonteCarloKL",
]
