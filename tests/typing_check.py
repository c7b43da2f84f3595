"""What a type checker infers for a user's calls (checked by mypy in `make typecheck`).

Not a pytest module: mypy reads it, and ``assert_type`` is a no-op when it runs (pytest's
doctest collection imports it). Each line states the type a user's checker sees, as the
docstrings describe the results: NumPy in, a NumPy scalar or array out; other backends
give their own arrays (typed ``Any``); estimates are ``Estimate``.
"""

from __future__ import annotations

from typing import Any, assert_type

import numpy as np
from numpy.typing import NDArray

import infokit as ik
from infokit.binning import Binning, fit_bins
from infokit.decompose import Decomposition
from infokit.drift import drift_from_counts
from infokit.estimators import Estimate, GTestResult

NumPyResult = np.floating[Any] | NDArray[np.floating[Any]]

p = [0.5, 0.25, 0.25]
q = [0.25, 0.25, 0.5]
a = np.array(q)

assert_type(ik.entropy(p), NumPyResult)
assert_type(ik.entropy(q, base="bits"), NumPyResult)
# NumPy's arrays are typed ``ndarray[tuple[Any, ...], ...]``; an Any inside an argument's type
# makes mypy answer Any where two overloads match (pyright picks the NumPy one)
assert_type(ik.entropy(a), Any)
assert_type(ik.cross_entropy(p, q), NumPyResult)
assert_type(ik.kl_divergence(p, q, base=2), NumPyResult)
assert_type(ik.js_distance(p, q), NumPyResult)
assert_type(ik.renyi_entropy(p, 2.0), NumPyResult)
assert_type(ik.perplexity(p), NumPyResult)
assert_type(ik.information(p), NDArray[np.floating[Any]])
assert_type(ik.entropy({"a": 0.5, "b": 0.5}), NumPyResult)
# a Categorical keeps its logits' library (NumPy, torch, JAX): the checker cannot know which
assert_type(ik.entropy(ik.from_logits(a)), Any)
assert_type(float(ik.entropy(p)), float)

e = ik.empirical(["a", "b", "b"])
assert_type(e, ik.Empirical)
assert_type(ik.entropy(e), NumPyResult)
assert_type(e.counts, np.ndarray)
assert_type(ik.mutual_information([0, 1, 1], [0, 1, 0]), float)
assert_type(ik.empirical_joint([0, 1], [1, 0]), ik.Empirical)

est = ik.estimate_entropy([0, 1, 1, 2], method="miller_madow", base="bits")
assert_type(est, Estimate)
assert_type(est.value, float)
assert_type(est.ci, tuple[float, float])
assert_type(ik.estimate_kl([0, 1, 1], [0.5, 0.5]), Estimate)
assert_type(ik.estimate_mutual_information([0, 1, 1, 0], [0, 1, 1, 1]), Estimate)
assert_type(ik.g_test([0, 1, 1], [0.5, 0.5]), GTestResult)

assert_type(ik.decompose(p, q), Decomposition)
assert_type(ik.from_log_probs(np.log(a)), ik.Categorical)
assert_type(fit_bins(np.arange(10.0), n_bins=3), Binning)
# the callable modules (ik.drift, ik.empirical, ik.decompose) are typed as their functions;
# their other names are imported from the module
assert_type(drift_from_counts({"x": [100, 200]}, {"x": [200, 100]}, n_permutations=0), Any)
