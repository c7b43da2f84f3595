"""Distributions given by logits or log-probabilities (public path of :mod:`infokit._core.categorical`)."""

from infokit._core.categorical import Categorical, from_log_probs, from_logits

__all__ = ["Categorical", "from_logits", "from_log_probs"]
