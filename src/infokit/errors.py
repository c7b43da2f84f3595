"""Exceptions raised by infokit.

Every error infokit raises for bad input is a subclass of a built-in
exception, so ``except ValueError`` / ``except TypeError`` keep working.
"""

__all__ = [
    "InfokitError",
    "InvalidDistributionError",
    "InvalidArgumentError",
    "InvalidTypeError",
    "InfokitWarning",
    "UnseenOutcomeWarning",
    "ContinuousDataWarning",
    "ApproximationWarning",
    "InvalidFileError",
    "MissingDependencyError",
]


class InfokitError(Exception):
    """Base class of every error raised by infokit."""


class InvalidArgumentError(InfokitError, ValueError):
    """An option (``base``, ``axis``, ``alpha``, ...) has an invalid value."""


class InvalidDistributionError(InvalidArgumentError):
    """An array does not describe a probability distribution.

    Raised for negative, NaN or infinite probabilities, for arrays that do
    not sum to one (pass ``normalize=True`` to renormalise explicitly), for
    empty inputs and for shapes that do not broadcast.
    """


class InvalidTypeError(InfokitError, TypeError):
    """An argument has a type infokit cannot interpret."""


class InfokitWarning(UserWarning):
    """Base class of infokit's warnings."""


class UnseenOutcomeWarning(InfokitWarning):
    """An estimate is infinite because an outcome of one sample never occurs in the other.

    Raised (as a warning) by :func:`~infokit.estimate_kl` and
    :func:`~infokit.estimate_cross_entropy` when ``smoothing=None``; pass
    ``smoothing="jeffreys"`` (or ``"laplace"``, or a pseudo-count) to estimate
    a finite value instead.
    """


class ApproximationWarning(InfokitWarning):
    """A result rests on an approximation that the data at hand make poor.

    Raised (as a warning) by :func:`infokit.drift` with ``n_permutations=0``
    when the chi-square approximation of the p-value meets expected counts
    below 5; use permutations instead.
    """


class InvalidFileError(InvalidArgumentError):
    """A file cannot be read as data: missing, unreadable, truncated, wrong format, bad rows."""


class MissingDependencyError(InfokitError, ImportError):
    """An optional dependency (an extra such as ``infokit[data]``) is not installed."""


class ContinuousDataWarning(InfokitWarning):
    """A discrete estimator was given a sample that looks continuous.

    A discrete estimator counts each distinct value as an outcome; for a
    measurement whose values are almost all distinct that estimates the ties
    of the measurement, not its distribution (an "entropy" near ``log n``, a
    mutual information near 0, a divergence of ``inf``).  Raised (as a
    warning) by :func:`~infokit.estimate_entropy`,
    :func:`~infokit.estimate_mutual_information`, :func:`~infokit.estimate_kl`
    and :func:`~infokit.estimate_cross_entropy` when a discrete ``method`` gets
    floats with more than ``max(10, sqrt(n))`` distinct values (the rule of
    ``infokit._samples.nature``).  Pass ``bins=`` to estimate from a histogram,
    or use a continuous method (``method="knn"``, ``"ksg"``; ``"auto"`` picks
    one).
    """
