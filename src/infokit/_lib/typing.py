"""Type aliases of the public signatures, in one place.

infokit takes arrays of any array library (NumPy, PyTorch, JAX, CuPy, any
array-API array) and gives results back in the caller's library, so most
arguments and results are typed by what they *mean* rather than by one class.
An alias of ``Any`` here is named for the documentation: a type checker
accepts anything there, and the name says what the function expects.

Where the type is the same whatever the backend (a NumPy result of NumPy or
list input, an :class:`~infokit.Estimate`, a ``str``), the signatures say so
exactly.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, TypeAlias

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "AnyArray",
    "ArrayLike",
    "Base",
    "Bins",
    "DistributionLike",
    "Model",
    "NDArray",
    "NumPyProbs",
    "NumPyResult",
    "OptionalBase",
    "Result",
    "Samples",
    "Seed",
    "StrPath",
]

#: The unit of a result: a logarithm base (2, e, 10, any positive number other than 1)
#: or its name, ``"bits"``, ``"nats"``, ``"hartleys"`` (``"bans"``, ``"dits"``).
Base: TypeAlias = float | str
#: A unit, or None for the function's documented default.
OptionalBase: TypeAlias = float | str | None

#: An array of any array library: NumPy, torch, JAX, CuPy, an array-API array, or nested
#: Python sequences of numbers.
AnyArray: TypeAlias = Any
#: Anything a measure takes as a distribution: probabilities of any array library,
#: a :class:`~infokit.Categorical`, an :class:`~infokit.Empirical`, a labelled pmf
#: (``dict`` or pandas Series), a scipy.stats frozen or torch distribution.
DistributionLike: TypeAlias = Any
#: A model: a callable returning ``log q(x)``, or a scipy.stats / torch distribution.
Model: TypeAlias = Any
#: Samples as users hold them: a sequence, a NumPy / torch / JAX array, a pandas or polars
#: Series, a DataFrame (rows are joint outcomes), a dask collection.
Samples: TypeAlias = Any
#: A result in the caller's array library: a NumPy scalar or array for NumPy input, a
#: tensor for torch input, and so on.
Result: TypeAlias = Any

#: How continuous values are binned: a rule name (``"quantile"``, ``"uniform"``, ...), a
#: number of bins, bin edges, or a fitted :class:`~infokit.binning.Binning`.
Bins: TypeAlias = Any

#: Probabilities given as NumPy arrays or nested Python sequences of numbers.
NumPyProbs: TypeAlias = NDArray[Any] | Sequence[float] | Sequence[Sequence[float]]
#: The result of a measure of NumPy input: a NumPy scalar for one distribution, an array
#: for a batch (in the input's floating dtype).
NumPyResult: TypeAlias = np.floating[Any] | NDArray[np.floating[Any]]

#: A source of randomness: None, an int seed, a SeedSequence / BitGenerator or a Generator
#: (a legacy RandomState is accepted as it is).
Seed: TypeAlias = (
    int | np.random.Generator | np.random.SeedSequence | np.random.BitGenerator | np.random.RandomState | None
)

#: A file path.
StrPath: TypeAlias = str | os.PathLike[str]
