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

Importing infokit loads NumPy and the error classes only; each public name is imported on
first use (PEP 562), so ``import infokit`` and the command line start fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from infokit.errors import (
    ApproximationWarning,
    ContinuousDataWarning,
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
    "ContinuousDataWarning",
    "ApproximationWarning",
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

#: Where each public name lives (imported on first use).
_LAZY = {
    "Categorical": "infokit._core.categorical",
    "from_logits": "infokit._core.categorical",
    "from_log_probs": "infokit._core.categorical",
    "information": "infokit._api.measures",
    "entropy": "infokit._api.measures",
    "cross_entropy": "infokit._api.measures",
    "kl_divergence": "infokit._api.measures",
    "js_divergence": "infokit._api.measures",
    "js_distance": "infokit._api.measures",
    "renyi_entropy": "infokit._api.measures",
    "renyi_divergence": "infokit._api.measures",
    "perplexity": "infokit._api.measures",
    "Decomposition": "infokit._api.decompose",
    "Empirical": "infokit._samples.table",
    "empirical_joint": "infokit._samples.empirical",
    "joint_entropy": "infokit._samples.empirical",
    "conditional_entropy": "infokit._samples.empirical",
    "mutual_information": "infokit._samples.empirical",
    "conditional_mutual_information": "infokit._samples.empirical",
    "Estimate": "infokit._estimators.result",
    "GTestResult": "infokit._estimators.result",
    "estimate_entropy": "infokit._estimators.entropy",
    "estimate_mutual_information": "infokit._estimators.information",
    "estimate_kl": "infokit._estimators.divergence",
    "estimate_cross_entropy": "infokit._estimators.divergence",
    "g_test": "infokit._estimators.gtest",
    "register_kl": "infokit._models.parametric",
}
#: Public names that are (callable) modules of their own.
_MODULES = {"decompose", "drift", "empirical", "lm"}


if TYPE_CHECKING:  # what a type checker sees of the names imported on first use
    # ``decompose``, ``drift`` and ``empirical`` are modules that are also callable: typed as the
    # functions they call (their other names are imported from the modules, e.g. infokit.drift)
    from infokit import lm
    from infokit._api.decompose import Decomposition, decompose
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
        empirical,
        empirical_joint,
        joint_entropy,
        mutual_information,
    )
    from infokit._samples.table import Empirical
    from infokit.drift import drift


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value = importlib.import_module(f"infokit.{name}")
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'infokit' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
