"""infokit: information measures done right.

Exact measures of distributions (this release): :func:`information`,
:func:`entropy`, :func:`cross_entropy`, :func:`kl_divergence`,
:func:`js_divergence`, :func:`js_distance`, :func:`renyi_entropy`,
:func:`renyi_divergence`, distributions in log space (:func:`from_logits`,
:func:`from_log_probs`, :class:`Categorical`) and the per-outcome
:func:`decompose` of cross-entropy into entropy plus KL divergence.

Importing infokit loads NumPy, SciPy and array-api-compat only.
"""

from .categorical import Categorical, from_log_probs, from_logits
from .decompose import Decomposition, decompose
from .drift import drift
from .empirical import (
    Empirical,
    conditional_entropy,
    conditional_mutual_information,
    empirical,
    empirical_joint,
    joint_entropy,
    mutual_information,
)
from .errors import (
    InfokitError,
    InfokitWarning,
    InvalidArgumentError,
    InvalidDistributionError,
    InvalidTypeError,
    UnseenOutcomeWarning,
)
from .estimators import (
    Estimate,
    GTestResult,
    estimate_cross_entropy,
    estimate_entropy,
    estimate_kl,
    estimate_mutual_information,
    g_test,
)
from .models import perplexity
from .parametric import register_kl
from .exact import (
    cross_entropy,
    entropy,
    information,
    js_distance,
    js_divergence,
    kl_divergence,
    renyi_divergence,
    renyi_entropy,
)

__version__ = "0.1.0"

__all__ = [
    "Categorical",
    "Decomposition",
    "Empirical",
    "Estimate",
    "GTestResult",
    "InfokitError",
    "InfokitWarning",
    "InvalidArgumentError",
    "InvalidDistributionError",
    "InvalidTypeError",
    "UnseenOutcomeWarning",
    "conditional_entropy",
    "conditional_mutual_information",
    "cross_entropy",
    "decompose",
    "drift",
    "empirical",
    "empirical_joint",
    "entropy",
    "estimate_cross_entropy",
    "estimate_entropy",
    "estimate_kl",
    "estimate_mutual_information",
    "from_log_probs",
    "from_logits",
    "g_test",
    "information",
    "joint_entropy",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "mutual_information",
    "perplexity",
    "register_kl",
    "renyi_divergence",
    "renyi_entropy",
]
