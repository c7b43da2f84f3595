"""Estimates of the true distribution's measures, with uncertainty (public path of :mod:`infokit._estimators`)."""

from infokit._estimators.estimators import (
    ENTROPY_METHODS,
    Estimate,
    GTestResult,
    estimate_cross_entropy,
    estimate_entropy,
    estimate_kl,
    estimate_mutual_information,
    g_test,
)

__all__ = [
    "Estimate",
    "GTestResult",
    "ENTROPY_METHODS",
    "estimate_entropy",
    "estimate_mutual_information",
    "estimate_kl",
    "estimate_cross_entropy",
    "g_test",
]
