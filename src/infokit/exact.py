"""Exact information measures of distributions (public path; the implementation is :mod:`infokit._api.measures`)."""

from infokit._api.measures import (
    cross_entropy,
    entropy,
    information,
    js_distance,
    js_divergence,
    kl_divergence,
    renyi_divergence,
    renyi_entropy,
)

__all__ = [
    "information",
    "entropy",
    "cross_entropy",
    "kl_divergence",
    "js_divergence",
    "js_distance",
    "renyi_entropy",
    "renyi_divergence",
]
