"""Exceptions raised by infokit.

Every error infokit raises for bad input is a subclass of a built-in
exception, so ``except ValueError`` / ``except TypeError`` keep working.
"""

__all__ = ["InfokitError", "InvalidDistributionError", "InvalidArgumentError", "InvalidTypeError"]


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
