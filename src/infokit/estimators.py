"""Estimates of the true distribution's measures, with uncertainty (public path of :mod:`infokit._estimators`)."""

from infokit._estimators.divergence import estimate_cross_entropy, estimate_kl
from infokit._estimators.entropy import estimate_entropy
from infokit._estimators.gtest import g_test
from infokit._estimators.information import estimate_mutual_information
from infokit._estimators.methods import ENTROPY_METHODS
from infokit._estimators.result import Estimate, GTestResult

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
