"""Recognising parametric distributions and models.

Never imports scipy.stats or torch: a frozen scipy.stats distribution can only
exist once ``scipy.stats`` is imported, and a torch distribution once
``torch`` is, so the probes look in ``sys.modules`` (as einops does for its
backends) and ``import infokit`` stays light.
"""

from __future__ import annotations

import sys

__all__ = ["is_distribution", "is_model", "describe", "family"]


_SCIPY_CLASSES: list = []


def _scipy_classes():
    """(rv_frozen, multi_rv_frozen, rv_generic, multi_rv_generic, rv_discrete), or None before scipy.stats loads."""
    if _SCIPY_CLASSES:
        return _SCIPY_CLASSES[0]
    if "scipy.stats" not in sys.modules:
        return None
    from scipy.stats._distn_infrastructure import rv_discrete, rv_frozen, rv_generic
    from scipy.stats._multivariate import multi_rv_frozen, multi_rv_generic

    _SCIPY_CLASSES.append((rv_frozen, multi_rv_frozen, rv_generic, multi_rv_generic, rv_discrete))
    return _SCIPY_CLASSES[0]


def torch_distributions():
    """``torch.distributions`` if torch has been imported by someone, else None (never imports torch)."""
    torch = sys.modules.get("torch")
    if torch is None:
        return None
    return getattr(torch, "distributions", None)


def is_scipy(x) -> bool:
    """A frozen scipy.stats distribution (univariate or multivariate)."""
    c = _scipy_classes()
    return c is not None and isinstance(x, (c[0], c[1]))


def is_scipy_multivariate(x) -> bool:
    c = _scipy_classes()
    return c is not None and isinstance(x, c[1])


def is_scipy_generic(x) -> bool:
    """An unfrozen scipy distribution object such as ``scipy.stats.norm``."""
    c = _scipy_classes()
    return c is not None and isinstance(x, (c[2], c[3]))


def is_scipy_discrete(x) -> bool:
    """A frozen univariate scipy.stats distribution of a discrete family."""
    c = _scipy_classes()
    return c is not None and isinstance(x, c[0]) and isinstance(x.dist, c[4])


def is_torch(x) -> bool:
    td = torch_distributions()
    return td is not None and isinstance(x, td.Distribution)


def is_distribution(x: object) -> bool:
    """Whether ``x`` is a parametric distribution infokit measures in closed form.

    True for frozen ``scipy.stats`` distributions (univariate and
    multivariate, e.g. ``scipy.stats.norm(0, 1)``,
    ``scipy.stats.multivariate_normal(mean, cov)``) and for
    ``torch.distributions.Distribution`` objects.  Never imports torch: if
    torch has not been imported, nothing can be a torch distribution.

    Examples
    --------
    >>> from scipy import stats
    >>> from infokit.parametric import is_distribution
    >>> is_distribution(stats.norm(0, 1)), is_distribution(stats.norm), is_distribution([0.5, 0.5])
    (True, False, False)
    """
    return is_scipy(x) or is_torch(x)


def is_model(x: object) -> bool:
    """Whether ``x`` can score data as a model in ``ik.cross_entropy(data, model)``.

    True for frozen scipy.stats distributions, torch.distributions
    distributions, and callables (functions, lambdas, ``functools.partial``,
    modules) that return log-probabilities.  False for arrays, classes,
    unfrozen scipy.stats distributions (``scipy.stats.norm`` itself) and
    infokit's own distribution types (:class:`~infokit.Categorical`,
    :class:`~infokit.Empirical`, which are not callable).

    Examples
    --------
    >>> from scipy import stats
    >>> from infokit.models import is_model
    >>> is_model(stats.norm(0, 1)), is_model(lambda x: -x), is_model([0.5, 0.5]), is_model(stats.norm)
    (True, True, False, False)
    """
    if is_distribution(x):
        return True
    if isinstance(x, type) or is_scipy_generic(x) or hasattr(x, "__array_namespace__") or hasattr(x, "shape"):
        return False
    return callable(x)


def family(d):
    """The registry key of a distribution object (scipy family name, or torch class)."""
    if is_scipy(d):
        if is_scipy_multivariate(d):
            return generic_name(d._dist)
        return d.dist.name
    if is_torch(d):
        return type(d)
    return None


def generic_name(gen) -> str:
    name = getattr(gen, "name", None)
    if isinstance(name, str) and name:
        return name
    cls = type(gen).__name__
    return cls[: -len("_gen")] if cls.endswith("_gen") else cls


def describe(d) -> str:
    """A short name of a distribution or model for messages (``scipy.stats.norm``)."""
    if is_scipy(d):
        return f"scipy.stats.{family(d)}"
    if is_torch(d):
        return f"torch.distributions.{type(d).__name__}"
    return type(d).__module__.split(".")[0] + "." + type(d).__qualname__
