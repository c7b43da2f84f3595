"""Aligning discrete distributions on their outcomes.

Two :class:`~infokit.Empirical` objects, labelled pmfs (``dict``, a pandas
Series with a meaningful index) and probability arrays are turned into arrays
over one outcome axis before an exact measure sees them: labels are matched
by label, never by position; integer outcomes of an Empirical index an array.
"""

from __future__ import annotations

import numpy as np

from infokit._core.categorical import Categorical
from infokit._lib.backend import is_series
from infokit._samples.table import Empirical, _union, union_labels
from infokit.errors import InvalidDistributionError, InvalidTypeError

__all__ = ["align", "align_with_labels"]


def _is_int_outcomes(e: Empirical) -> bool:
    return e._outcomes.dtype.kind in "iu"


def _labelled(v) -> bool:
    return isinstance(v, (Empirical, dict)) or is_series(v)


def align(named):
    """Replace Empirical / labelled-pmf arguments of a measure by aligned probability arrays."""
    if len(named) == 1 and isinstance(named[0][1], Empirical):  # ik.entropy(e): no labels to build
        e = named[0][1]
        return [(named[0][0], e._counts / e._n)]
    return align_with_labels(named)[0]


def align_with_labels(named):
    """:func:`align`, and the outcome labels of the aligned axis (None when there is nothing to align)."""
    emp = [(i, v) for i, (_, v) in enumerate(named) if _labelled(v)]
    if not emp:
        return named, None
    names = [n for n, _ in named]
    values = [v for _, v in named]
    dicts_as_emp = {}
    for i, v in emp:
        if not isinstance(v, Empirical):
            dicts_as_emp[i] = _dict_pmf(v, names[i])
    others = [i for i in range(len(values)) if i not in dict(emp)]
    if not others:  # all Empirical / dict: union of outcomes
        dists = [dicts_as_emp.get(i, values[i]) for i in range(len(values))]
        if all(isinstance(d, Empirical) for d in dists):
            outcomes, counts = _union(dists)
            return [(names[i], c / c.sum()) for i, c in enumerate(counts)], list(outcomes.tolist())
        labels, probs = _union_pmfs(dists)
        return [(names[i], p) for i, p in enumerate(probs)], labels
    for i, (keys, _) in dicts_as_emp.items():
        if not all(isinstance(k, (int, np.integer)) and not isinstance(k, (bool, np.bool_)) for k in keys):
            what = "labelled Series" if is_series(values[i]) else "dict"
            raise InvalidTypeError(
                f"'{names[i]}' is a {what} keyed by labels {keys[:3]}..., which can only be combined with an "
                "ik.Empirical or another labelled pmf (a dict, a Series indexed by outcome); an array has no "
                "labels to match. Pass the array argument as a dict too (integer keys index an array)"
            )
    ref = values[others[0]]
    z = ref._z if isinstance(ref, Categorical) else None
    if z is not None:
        length = z.shape[-1]
    else:
        arr = ref if hasattr(ref, "shape") else np.asarray(ref)
        if arr.ndim == 0:
            return named, None  # the core reports the scalar
        length = arr.shape[-1]
    out = list(named)
    labels = None
    for i, e in emp:
        e = dicts_as_emp.get(i, e)
        p = _dense_probs(e, length, names[i], names[others[0]])
        out[i] = (names[i], _like(p, ref))
        if labels is None:
            labels = list(range(length)) if isinstance(e, tuple) or _is_int_outcomes(e) else list(e._outcomes.tolist())
    return out, labels


def _dense_probs(e, length: int, name: str, other: str) -> np.ndarray:
    """An Empirical or an integer-keyed ``(keys, probs)`` pmf as a dense vector indexed by outcome."""
    if isinstance(e, tuple):
        o, w = np.asarray(e[0], dtype=np.int64), e[1]
    elif _is_int_outcomes(e):
        o, w = e._outcomes, e._counts / e._n
    else:
        o = None
    if o is not None:
        if o.size and (o.min() < 0 or o.max() >= length):
            bad = o[(o < 0) | (o >= length)][:5].tolist()
            raise InvalidDistributionError(
                f"'{name}' has integer outcomes {bad} with no entry in '{other}' (outcomes 0..{length - 1}); "
                f"the array '{other}' is indexed by outcome. Pass a dict or an ik.Empirical to align labels"
            )
        p = np.zeros(length)
        p[o] = w
        return p
    if e._outcomes.size != length:
        raise InvalidDistributionError(
            f"'{name}' has {e._outcomes.size} outcomes but '{other}' has {length} entries; "
            f"an array is matched to the outcomes {e._outcomes[:5].tolist()}... in order. "
            "Pass a dict {outcome: probability} to align by label"
        )
    return e._counts / e._n


def _like(p: np.ndarray, ref):
    arr = ref._z if isinstance(ref, Categorical) else ref
    if isinstance(arr, (np.ndarray, list, tuple)) or not hasattr(arr, "shape"):
        return p
    import array_api_compat

    xp = array_api_compat.array_namespace(arr)
    dtype = arr.dtype if xp.isdtype(arr.dtype, "real floating") else None
    return xp.asarray(p, dtype=dtype, device=array_api_compat.device(arr))


def _dict_pmf(d, name: str):
    """``(labels, probabilities)`` of a dict or a labelled pandas Series."""
    if is_series(d):
        keys, values = d.index.tolist(), d.to_numpy()
        if len(set(keys)) != len(keys):
            raise InvalidDistributionError(f"'{name}' is a Series with repeated index labels; each outcome must appear once")
    else:
        keys, values = list(d), list(d.values())
    what = "Series" if is_series(d) else "dict"
    if not keys:
        raise InvalidDistributionError(f"'{name}' is an empty {what}; it must map outcomes to probabilities")
    if any(isinstance(v, (str, bytes)) for v in values) or getattr(values, "dtype", np.dtype(float)).kind not in "iufb":
        raise InvalidTypeError(f"'{name}' must map outcomes to numbers (probabilities); got non-numeric values")
    try:
        vals = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidTypeError(f"'{name}' must map outcomes to numbers (probabilities)") from None
    return (keys, vals)


def _union_pmfs(dists):
    """Probability vectors on the union of outcomes of Empirical objects and (keys, probs) pmfs."""
    merged, index = union_labels(
        [d._outcomes.tolist() if isinstance(d, Empirical) else d[0] for d in dists],
        keep_order=any(isinstance(d, Empirical) and d._declared for d in dists),
    )
    out = []
    for d in dists:
        p = np.zeros(len(merged))
        if isinstance(d, Empirical):
            p[[index[k] for k in d._outcomes.tolist()]] = d._counts / d._n
        else:
            p[[index[k] for k in d[0]]] = d[1]
        out.append(p)
    return merged, out
