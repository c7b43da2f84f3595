"""Array-namespace dispatch, done once at the edge of every public function.

Kernels receive ``xp`` (an array-API namespace) and plain arrays; they never
look at types themselves.  Python lists, tuples and other array-likes (pandas
objects) become NumPy arrays; integer and boolean arrays become the default
floating dtype of their library.
"""

from __future__ import annotations

import sys

import array_api_compat
import numpy as np

from infokit.errors import InvalidTypeError

__all__ = ["namespace", "as_float_array", "is_numpy", "to_result", "numpy_namespace", "as_array", "to_library", "shape_of"]

_NUMPY: list = []


def numpy_namespace():
    """The array-API namespace of NumPy arrays (what ``namespace`` returns for them), loaded on first use."""
    if not _NUMPY:
        _NUMPY.append(array_api_compat.array_namespace(np.empty(0)))
    return _NUMPY[0]


def is_numpy(xp) -> bool:
    """True when ``xp`` is NumPy (wrapped by array-api-compat or not)."""
    return array_api_compat.is_numpy_namespace(xp)


def is_series(x) -> bool:
    """A pandas Series (never imports pandas: none can exist before it is imported)."""
    pd = sys.modules.get("pandas")
    return pd is not None and isinstance(x, pd.Series)


def is_torch(xp) -> bool:
    """True when ``xp`` is PyTorch's namespace (wrapped by array-api-compat or not)."""
    return array_api_compat.is_torch_namespace(xp)


def np_dtype(dtype):
    """The NumPy dtype of the same name as ``dtype`` of any array library (bfloat16 as float32)."""
    name = str(dtype).rsplit(".", 1)[-1]
    return np.dtype({"bfloat16": "float32"}.get(name, name))


def as_float_array(x, name: str):
    """Return ``x`` as a floating array of its own library.

    Native arrays (NumPy, PyTorch, JAX, CuPy, array-api-strict, ...) stay in
    their library; anything else goes through :func:`numpy.asarray`.
    """
    if isinstance(x, np.ma.MaskedArray):
        if np.ma.getmaskarray(x).any():
            raise InvalidTypeError(
                f"'{name}' is a masked array with masked entries; infokit does not guess what a mask means: "
                f"drop them ({name}.compressed()) or fill them ({name}.filled(0)) first"
            )
        x = np.ma.getdata(x)
    if not array_api_compat.is_array_api_obj(x) or isinstance(x, np.generic):
        try:
            x = np.asarray(x)
        except (ValueError, TypeError) as exc:  # ragged lists and the like
            raise InvalidTypeError(
                f"'{name}' must be an array of probabilities or an ik.Categorical; "
                f"it could not be converted to an array ({exc})"
            ) from None
        if x.dtype == object:
            raise InvalidTypeError(
                f"'{name}' must be an array of numbers; got an array of Python objects "
                f"(ragged nested lists or mixed types?)"
            )
    xp = array_api_compat.array_namespace(x)
    dt = x.dtype
    if xp.isdtype(dt, "complex floating"):
        raise InvalidTypeError(f"'{name}' must be real-valued, got dtype {dt}")
    if not xp.isdtype(dt, "real floating"):
        if not (xp.isdtype(dt, "integral") or xp.isdtype(dt, "bool")):
            raise InvalidTypeError(f"'{name}' must have a numeric dtype, got {dt}")
        x = xp.astype(x, _default_float(xp, x))
    return x


def as_numpy_float64(x, name: str) -> np.ndarray:
    """``x`` (any array library, a list) as a float64 NumPy array, checked like :func:`as_float_array`."""
    x = as_float_array(x, name)
    if hasattr(x, "detach"):  # torch
        x = x.detach().cpu()
    return np.asarray(x, dtype=np.float64)


def _default_float(xp, x):
    if array_api_compat.is_torch_namespace(xp):
        import torch

        return torch.get_default_dtype()
    try:
        return xp.__array_namespace_info__().default_dtypes(device=array_api_compat.device(x))["real floating"]
    except Exception:  # pragma: no cover - namespaces without the inspection API
        return xp.float64


def namespace(*arrays, names=None):
    """The common array namespace of ``arrays`` (a clear error naming them, ``names``, if they disagree)."""
    try:
        return array_api_compat.array_namespace(*arrays)
    except TypeError:
        def lib(a):
            return type(a).__module__.split(".")[0] + "." + type(a).__name__

        if names:
            got = ", ".join(f"'{n}' is {lib(a)}" for n, a in zip(names, arrays))
        else:
            got = "got " + ", ".join(sorted({lib(a) for a in arrays}))
        raise InvalidTypeError(
            f"all distribution arguments must come from the same array library ({got}); "
            "convert them to one library first"
        ) from None


def to_result(xp, value):
    """Hand a result back: NumPy 0-d arrays become NumPy scalars, like SciPy."""
    if type(value) is np.ndarray and value.ndim == 0 and is_numpy(xp):
        return value[()]
    return value


def shape_of(x) -> tuple:
    """``x.shape`` as a tuple of Python ints (torch sizes and JAX shapes alike)."""
    return tuple(int(s) for s in x.shape)


def as_array(x):
    """``x`` as an array of its own library: arrays stay, anything else goes through :func:`numpy.asarray`.

    >>> as_array([1, 2]).dtype.kind
    'i'
    """
    if not array_api_compat.is_array_api_obj(x) or isinstance(x, np.generic):
        return np.asarray(x)
    return x


def to_library(x, xp, like):
    """``x`` (an array or array-like, e.g. a mask or labels) as an array of ``xp`` on ``like``'s device.

    An array of ``xp`` (or NumPy input when ``xp`` is NumPy) is returned as it is;
    lists and arrays of another library (a NumPy mask with torch logits, torch
    labels with JAX logits) are copied through NumPy, torch tensors detached first.

    >>> to_library([True, False], namespace(np.zeros(2)), np.zeros(2)).tolist()
    [True, False]
    """
    x = as_array(x)
    xxp = array_api_compat.array_namespace(x)
    if xxp is xp or (is_numpy(xxp) and is_numpy(xp)):
        return x
    if array_api_compat.is_torch_array(x):
        x = x.detach().cpu()
    return xp.asarray(np.asarray(x), device=array_api_compat.device(like))
