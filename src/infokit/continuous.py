"""Estimators for continuous samples (public path of :mod:`infokit._estimators.continuous`)."""

from infokit._estimators.continuous import SPACING_METHODS, knn_entropy, knn_kl, ksg_mi, ross_mi, spacing_entropy

__all__ = ["SPACING_METHODS", "knn_entropy", "spacing_entropy", "knn_kl", "ksg_mi", "ross_mi"]
