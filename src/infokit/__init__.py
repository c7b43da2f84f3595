"""infokit: information measures done right.

The three distributions of information theory and their four quantities
(surprisal, entropy, cross-entropy, KL divergence):

* exact measures of distributions — :func:`information`, :func:`entropy`,
  :func:`cross_entropy`, :func:`kl_divergence`, :func:`js_divergence`,
  :func:`js_distance`, :func:`renyi_entropy`, :func:`renyi_divergence`,
  distributions in log space (:func:`from_logits`, :func:`from_log_probs`,
  :class:`Categorical`), :func:`decompose`; scipy.stats and torch
  distributions in closed form (:func:`register_kl`);
* the empirical distribution of samples — :func:`empirical`,
  :class:`Empirical`, :func:`empirical_joint`, :func:`joint_entropy`,
  :func:`conditional_entropy`, :func:`mutual_information`,
  :func:`conditional_mutual_information`;
* estimates of the true distribution's measures, with uncertainty —
  :func:`estimate_entropy`, :func:`estimate_kl`,
  :func:`estimate_cross_entropy`, :func:`estimate_mutual_information`,
  :func:`g_test`, returning :class:`Estimate`;
* models — ``cross_entropy(data, model)``, :func:`perplexity`, :mod:`infokit.lm`;
* data at scale — :func:`drift`, :mod:`infokit.io` (CSV/Parquet),
  dask collections in :func:`empirical`, the ``infokit`` command.

Importing infokit loads NumPy, SciPy and array-api-compat only.
"""

from infokit import decompose, drift, empirical, lm
from infokit._api.decompose import Decomposition
from infokit._api.measures import (
    cross_entropy,
    entropy,
    information,
    js_distance,
    js_divergence,
    kl_divergence,
    perplexity,
    renyi_divergence,
    renyi_entropy,
)
from infokit._core.categorical import Categorical, from_log_probs, from_logits
from infokit._estimators.divergence import estimate_cross_entropy, estimate_kl
from infokit._estimators.entropy import estimate_entropy
from infokit._estimators.gtest import g_test
from infokit._estimators.information import estimate_mutual_information
from infokit._estimators.result import Estimate, GTestResult
from infokit._models.parametric import register_kl
from infokit._samples.empirical import (
    conditional_entropy,
    conditional_mutual_information,
    empirical_joint,
    joint_entropy,
    mutual_information,
)
from infokit._samples.table import Empirical
from infokit.errors import (
    InfokitError,
    InfokitWarning,
    InvalidArgumentError,
    InvalidDistributionError,
    InvalidTypeError,
    UnseenOutcomeWarning,
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
    "lm",
    "mutual_information",
    "perplexity",
    "register_kl",
    "renyi_divergence",
    "renyi_entropy",
]
