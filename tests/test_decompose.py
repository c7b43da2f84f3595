"""decompose(): the per-outcome table behind H(P,Q) = H(P) + D(P||Q)."""

import math

import numpy as np
import pytest

import infokit as ik

P = [0.5, 0.25, 0.125, 0.125]
Q = [0.25] * 4


def test_default_unit_is_nats_and_the_table_prints_bits():
    d = ik.decompose(P, Q, outcomes="ABCD")
    assert d.unit == "nats" and d.display_unit == "bits"
    assert d.kl_divergence == pytest.approx(0.25 * np.log(2), rel=1e-15)
    assert "I_p [bits]" in str(d) and "D(P||Q)   = 0.25 bits" in str(d)
    h = ik.decompose(P, Q, base="hartleys")
    assert h.unit == h.display_unit == "hartleys" and "[hartleys]" in str(h)


def test_worked_example_closed_form():
    d = ik.decompose(P, Q, outcomes="ABCD", base="bits")
    np.testing.assert_array_equal(d.info_p, [1, 2, 3, 3])
    np.testing.assert_array_equal(d.info_q, [2, 2, 2, 2])
    np.testing.assert_array_equal(d.kl_terms, [0.5, 0, -0.125, -0.125])
    assert (d.entropy, d.cross_entropy) == (1.75, 2.0)
    assert d.kl_divergence == pytest.approx(0.25, rel=2.3e-16)  # within 1 ulp
    assert d.unit == "bits"
    assert d.outcomes == list("ABCD")


def test_terms_sum_to_totals_and_identity():
    rng = np.random.default_rng(7)
    p, q = rng.dirichlet(np.ones(12)), rng.dirichlet(np.ones(12))
    d = ik.decompose(p, q, base="nats")
    assert math.fsum(d.entropy_terms) == pytest.approx(d.entropy, rel=1e-13)
    assert math.fsum(d.cross_entropy_terms) == pytest.approx(d.cross_entropy, rel=1e-13)
    assert math.fsum(d.kl_terms) == pytest.approx(d.kl_divergence, rel=1e-12)
    assert d.entropy + d.kl_divergence == pytest.approx(d.cross_entropy, rel=1e-14)


def test_zero_probabilities_and_infinity():
    d = ik.decompose([0.5, 0.5, 0.0], [0.5, 0.0, 0.5])
    assert d.kl_divergence == math.inf and d.cross_entropy == math.inf
    assert d.kl_terms[2] == 0 and d.entropy_terms[2] == 0  # 0 log 0 = 0
    assert d.kl_terms[1] == math.inf
    assert "inf" in str(d)


def test_repr_is_a_readable_table_with_units():
    text = repr(ik.decompose(P, Q, base="nats"))
    assert "I_p [nats]" in text and "D(P||Q)" in text and "nats" in text.splitlines()[-1]


def test_categorical_and_normalize():
    d1 = ik.decompose(ik.from_logits(np.log(P)), ik.from_logits(np.zeros(4)), base="bits")
    assert d1.kl_divergence == pytest.approx(0.25, rel=1e-15)
    d2 = ik.decompose([2, 1, 0.5, 0.5], [1, 1, 1, 1], normalize=True, base="bits")
    np.testing.assert_allclose(d2.p, P)
    assert d2.kl_divergence == pytest.approx(0.25, rel=1e-15)


def test_bad_input():
    with pytest.raises(ik.InvalidDistributionError, match="single distribution"):
        ik.decompose([[0.5, 0.5]] * 2, [[0.5, 0.5]] * 2)
    with pytest.raises(ik.InvalidDistributionError, match="'outcomes'"):
        ik.decompose(P, Q, outcomes="AB")
    with pytest.raises(ik.InvalidDistributionError, match="'q'"):
        ik.decompose(P, [0.5, 0.5, 0.5, 0.5])


def test_any_base_prints_and_converts():
    d = ik.decompose(P, Q, base=2.5)
    assert d.unit == d.display_unit == "log-base-2.5 units"
    assert "D(P||Q)" in str(d) and "log-base-2.5 units" in str(d)
    assert d.in_unit("bits").kl_divergence == pytest.approx(0.25, rel=1e-15)
    assert d.kl_divergence == pytest.approx(0.25 * np.log(2) / np.log(2.5), rel=1e-15)
