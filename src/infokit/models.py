"""Data under a model: the average surprisal (cross-entropy) of samples under Q(x; θ).

Public path of :mod:`infokit._models.data` (:func:`data_cross_entropy`),
:func:`is_model` and :func:`perplexity`.
"""

from infokit._api.measures import perplexity
from infokit._models.data import data_cross_entropy
from infokit._models.recognize import is_model

__all__ = ["is_model", "data_cross_entropy", "perplexity"]
