"""The registry of estimator names (``infokit._estimators.methods``): every list of names is read from it."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import infokit as ik
import infokit.continuous
import infokit.estimators
import infokit.demo
from infokit._estimators import bayes, continuous, cwj, discrete, jvhw, methods, pseudocount, pym
from infokit._estimators.methods import (
    CONTINUOUS,
    CROSS_ENTROPY,
    DISCRETE,
    ENTROPY,
    ENTROPY_KERNELS,
    ENTROPY_METHODS,
    KL,
    KL_SAMPLED,
    METHODS,
    MUTUAL_INFORMATION,
    names,
)
from infokit._estimators.result import KernelResult, Profile


def test_entropy_methods_are_auto_and_the_discrete_kernels():
    assert ENTROPY_METHODS == ("auto", "plugin", "miller_madow", "jackknife", "grassberger", "zhang", "chao_shen",
                               "shrinkage", "bonachela", "dirichlet", "nsb", "pym", "chao_wang_jost", "jvhw", "laplace",
                               "jeffreys", "minimax", "schurmann_grassberger")
    assert infokit.estimators.ENTROPY_METHODS == ENTROPY_METHODS
    assert tuple(ENTROPY_KERNELS) == ENTROPY_METHODS[1:]
    for name, kernel in ENTROPY_KERNELS.items():
        assert kernel.__module__ in (discrete.__name__, bayes.__name__, pym.__name__, cwj.__name__,
                                     jvhw.__name__, pseudocount.__name__) and kernel.__name__ == name


def test_every_method_has_a_reference_and_its_kernels():
    for m in METHODS.values():
        assert m.data in (DISCRETE, CONTINUOUS) and m.estimates
        if m.name != "auto":
            assert m.reference and m.kernels
        if m.data == CONTINUOUS:
            assert set(m.kernels) == set(m.estimates)  # each continuous estimate has its own kernel
        else:
            assert set(m.kernels) <= {ENTROPY}  # the discrete estimates are built from entropies


def test_names_per_estimate():
    cont = ("knn", "vasicek", "ebrahimi", "van_es", "correa")
    assert names(ENTROPY) == ENTROPY_METHODS + cont
    assert names(ENTROPY, data=CONTINUOUS) == cont
    assert names(MUTUAL_INFORMATION) == tuple(m for m in ENTROPY_METHODS if m != "dirichlet") + ("ksg", "ross")
    assert names(KL) == ENTROPY_METHODS + ("knn",)
    assert names(KL_SAMPLED) == names(CROSS_ENTROPY) == ("auto", "plugin", "miller_madow")


def test_spacing_methods_are_registered_under_one_spelling():
    assert infokit.continuous.SPACING_METHODS == continuous.SPACING_METHODS == ("vasicek", "ebrahimi", "van es",
                                                                                  "correa")
    for key in continuous.SPACING_METHODS:
        m = METHODS[key.replace(" ", "_")]
        assert m.kernels[ENTROPY].keywords == {"method": key} and m.reference == continuous.SPACING_REFERENCES[key]


def test_options_are_the_kernels_keywords():
    for m in METHODS.values():
        for kernel in m.kernels.values():
            params = inspect.signature(kernel).parameters
            assert all(o in params for o in m.options), (m.name, m.options)


def test_kernels_follow_the_contract():
    prof = Profile.from_counts([5, 3, 2, 1, 1], 8)
    for name, kernel in ENTROPY_KERNELS.items():
        res = kernel(prof, level=0.9, rng=np.random.default_rng(0))
        assert isinstance(res, KernelResult) and np.isfinite(res.value), name


def test_check_lists_the_valid_names():
    assert methods.check("nsb", ENTROPY) is METHODS["nsb"]
    with pytest.raises(ik.InvalidArgumentError, match="'method' must be one of 'auto', 'plugin', 'miller_madow' "
                       "for a sample of Q \\(got 'nsb'\\)"):
        methods.check("nsb", KL_SAMPLED, where=" for a sample of Q")
    with pytest.raises(ik.InvalidArgumentError, match="got 3"):
        methods.check(3, ENTROPY)


def test_table_keys():
    assert methods.table_key("estimate_entropy", METHODS["nsb"]) == "estimate_entropy"
    assert methods.table_key("estimate_entropy", METHODS["knn"]) == "estimate_entropy(method='knn')"


def test_other_lists_of_names_are_registered_names():
    assert set(infokit.demo.DEMO_ESTIMATORS) <= set(ENTROPY_METHODS)


def test_uses_support_size_is_what_the_estimates_do():
    """A method marked ``uses_support_size`` gives another estimate when K is declared; the others ignore K."""
    counts = np.array([5, 3, 2, 1, 1, 1, 0, 0, 0, 0])  # seen 6 of 10 declared outcomes; unseen ones matter
    for name in methods.ENTROPY_METHODS:
        m = methods.METHODS[name]
        without = ik.estimate_entropy(ik.Empirical.from_counts(counts[counts > 0]), name, rng=0).value
        with_k = ik.estimate_entropy(ik.Empirical.from_counts(counts[counts > 0]), name, support_size=40, rng=0).value
        changed = not np.isclose(with_k, without, rtol=1e-12, atol=0)
        if name == "auto":  # the rule may pick the same kernel either way; it reads K to decide
            assert m.uses_support_size
            continue
        assert changed == m.uses_support_size, (name, without, with_k)
    assert methods.SUPPORT_SIZE_METHODS == tuple(n for n, m in methods.METHODS.items() if m.uses_support_size)
