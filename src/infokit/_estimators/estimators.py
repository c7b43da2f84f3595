"""The old private path of the estimate functions, for modules that still import it.

``infokit.reports`` (``estimate_html``) and ``infokit.cli`` (``ENTROPY_METHODS``)
import from here; new code imports from :mod:`infokit.estimators` or the
modules of :mod:`infokit._estimators`.  Delete this file once they do.
"""

from infokit._estimators.divergence import estimate_cross_entropy, estimate_kl, mc_kl_estimate
from infokit._estimators.entropy import estimate_entropy
from infokit._estimators.gtest import g_test
from infokit._estimators.information import estimate_mutual_information
from infokit._estimators.methods import ENTROPY_METHODS
from infokit._estimators.result import Estimate, GTestResult, estimate_html

__all__ = [
    "Estimate",
    "GTestResult",
    "ENTROPY_METHODS",
    "estimate_entropy",
    "estimate_mutual_information",
    "estimate_kl",
    "estimate_cross_entropy",
    "g_test",
    "mc_kl_estimate",
    "estimate_html",
]
