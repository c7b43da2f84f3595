"""base= resolution: names, numbers, and the conversion from nats."""

import math

import mpmath
import numpy as np
import pytest

import infokit as ik
from infokit._lib.units import resolve_base

P = [0.5, 0.25, 0.125, 0.125]
Q = [0.25] * 4


@pytest.mark.parametrize(
    "base, name",
    [("bits", "bits"), (2, "bits"), ("BITS", "bits"), ("nats", "nats"), (math.e, "nats"),
     ("hartleys", "hartleys"), ("bans", "hartleys"), ("dits", "hartleys"), (10, "hartleys")],
)
def test_named_units(base, name):
    assert resolve_base(base).name == name


@pytest.mark.parametrize("base, expected", [("bits", 1.75), (2, 1.75), (4, 0.875)])
def test_entropy_of_dyadic_distribution_in_closed_form(base, expected):
    # H = 1/2*1 + 1/4*2 + 2 * 1/8*3 = 1.75 bits exactly
    assert float(ik.entropy(P, base=base)) == expected


def test_conversion_rounds_once():
    # D(P||Q) = 1/4 bit exactly; in nats it is ln(2)/4.  The bits value must be
    # the float nearest 0.25 although ln 2 itself is rounded.
    with mpmath.workdps(50):
        assert float(ik.kl_divergence(P, Q, base="nats")) == pytest.approx(float(mpmath.log(2) / 4), rel=2e-16)
    assert float(ik.cross_entropy(P, Q, base="bits")) == 2.0
    assert float(ik.entropy([0.1] * 10, base=10)) == pytest.approx(1.0, rel=2e-16)


@pytest.mark.parametrize("bad", ["bytes", "", 1, 1.0, 0, -2, math.inf, math.nan, True, None, [2]])
def test_bad_base_is_a_clear_error(bad):
    with pytest.raises(ik.InvalidArgumentError, match="'base' must be"):
        ik.entropy(P, base=bad)


def test_every_measure_takes_base():
    nats = np.array([f(P, Q) for f in (ik.cross_entropy, ik.kl_divergence, ik.js_divergence)])
    bits = np.array([f(P, Q, base="bits") for f in (ik.cross_entropy, ik.kl_divergence, ik.js_divergence)])
    np.testing.assert_allclose(bits, nats / math.log(2), rtol=1e-15)
    assert ik.renyi_entropy(P, 2, base=2) == pytest.approx(-math.log2(sum(x * x for x in P)), rel=1e-15)
