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
from .errors import InfokitError, InvalidArgumentError, InvalidDistributionError, InvalidTypeError
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
    "InfokitError",
    "InvalidArgumentError",
    "InvalidDistributionError",
    "InvalidTypeError",
    "cross_entropy",
    "decompose",
    "entropy",
    "from_log_probs",
    "from_logits",
    "information",
    "js_distance",
    "js_divergence",
    "kl_divergence",
    "renyi_divergence",
    "renyi_entropy",
]
