"""Bins fitted from counts of distinct values, and the drift of files whose reference is streamed.

References: NumPy itself (``numpy.quantile`` with its default "linear"
method, ``numpy.histogram_bin_edges(bins="fd")``, ``numpy.linspace``) run on
the full array, side by side with the counts-based fit; and ``ik.drift`` of
the same tables loaded in memory.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infokit import io
from infokit._samples import binning as _binning
from infokit.binning import OpenEndedBinning, binning_for, fit_bins, fit_bins_from_counts
from infokit.drift import drift, drift_from_counts
from infokit.errors import InvalidArgumentError

pd = pytest.importorskip("pandas")
pa_csv = pytest.importorskip("pyarrow.csv")

SETTINGS = settings(derandomize=True, max_examples=150, deadline=None)


def _bits(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float64).view(np.int64)


# --------------------------------------------------------------------------
# the counts-based fit against NumPy on the full array
# --------------------------------------------------------------------------
def numpy_bins(x, rule, n_bins):
    """The cuts of ``rule`` from NumPy on the whole array ``x`` (the fit as it reads with the sample in memory)."""
    x = np.asarray(x, dtype=np.float64) + 0.0
    x = x[np.isfinite(x)]
    lo, hi = float(x.min()), float(x.max())
    if lo == hi:
        return np.array([lo, math.nextafter(lo, math.inf)])
    if rule == "quantile":
        edges = np.unique(np.quantile(x, np.linspace(0.0, 1.0, n_bins + 1)))
        edges[0], edges[-1] = lo, hi
        distinct = np.unique(x)
        if edges.size <= n_bins and distinct.size <= n_bins:
            return np.append(distinct, math.nextafter(hi, math.inf))
    elif rule == "uniform":
        edges = np.linspace(lo, hi, n_bins + 1)
    else:
        q25, q75 = np.percentile(x, [25.0, 75.0])
        width = 2.0 * float(q75 - q25) * x.size ** (-1.0 / 3.0)
        if width > 0 and (hi - lo) / width > 1000:
            return None  # more Freedman-Diaconis bins than fit_bins fits
        edges = np.histogram_bin_edges(x, bins="fd")
    edges = np.array(edges, dtype=np.float64)
    edges[-1] = np.nextafter(edges[-1], np.inf)
    return edges


FINITE = st.floats(allow_nan=False, allow_infinity=False, width=64)
TIED = st.sampled_from([-2.5, -0.0, 0.0, 0.1, 0.3, 1.0, 1e-300, 7.0, 1e15])
MODERATE = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
SAMPLES = st.one_of(
    st.lists(st.one_of(TIED, MODERATE), min_size=1, max_size=60),
    st.lists(TIED, min_size=1, max_size=60),
    st.lists(st.integers(-50, 50).map(float), min_size=1, max_size=80),
    st.lists(st.integers(-(2**62), 2**62).map(float), min_size=1, max_size=20),
)


@SETTINGS
@given(st.lists(FINITE, min_size=1, max_size=50),
       st.lists(st.floats(0.0, 1.0), min_size=1, max_size=12))
def test_counted_quantiles_are_numpys_bit_for_bit(x, qs):
    x = np.array(x)
    values, counts = np.unique(x + 0.0, return_counts=True)
    qs = np.array(qs)
    got = _binning._counted_quantiles(values, np.cumsum(counts), qs)
    with np.errstate(over="ignore", invalid="ignore"):
        want = np.quantile(x + 0.0, qs)
    assert np.array_equal(got, want, equal_nan=True)  # NaN only where b - a overflows, in both
    finite = np.isfinite(want)
    assert np.array_equal(_bits(got[finite]), _bits(want[finite]))


@SETTINGS
@given(SAMPLES, st.sampled_from(["quantile", "uniform", "fd"]), st.integers(1, 12), st.booleans())
def test_fit_from_counts_is_numpys_fit(x, rule, n_bins, open_ended):
    x = np.array(x)
    values, counts = np.unique(x, return_counts=True)
    try:
        want = numpy_bins(x, rule, n_bins)
        want_error = None
    except ValueError as exc:  # numpy: "Too many bins for data range"
        want, want_error = None, exc
    try:
        got = fit_bins_from_counts(values, counts, rule, n_bins=n_bins, open_ended=open_ended)
    except InvalidArgumentError:
        # more than 1000 Freedman-Diaconis bins, or edges that are not increasing: numpy's own error
        # or cuts that Binning rejects
        if want is not None:
            assert not (np.all(np.isfinite(want)) and np.all(np.diff(want) > 0))
        return
    assert want_error is None and want is not None
    assert np.array_equal(_bits(got.cuts), _bits(want))
    single = want.size == 2 and want[1] == math.nextafter(want[0], math.inf) and values.size == 1
    assert isinstance(got, OpenEndedBinning) == (open_ended and not single)
    fitted = fit_bins(x, rule, n_bins=n_bins, open_ended=open_ended)  # np.quantile on the array, no sort
    assert fitted == got and np.array_equal(_bits(fitted.cuts), _bits(got.cuts))


@SETTINGS
@given(SAMPLES, st.integers(1, 12))
def test_fit_from_counts_ignores_what_fit_bins_ignores(x, n_bins):
    x = np.array(x + [np.inf, -np.inf])
    values, counts = np.unique(x, return_counts=True)
    got = fit_bins_from_counts(np.append(values, np.nan), np.append(counts, 3), n_bins=n_bins)
    assert got == fit_bins(np.append(x, np.nan), n_bins=n_bins)


def test_counts_in_bins_with_weights_are_the_counts_of_the_repeated_values():
    rng = np.random.default_rng(3)
    x = np.round(rng.normal(size=500), 1)
    x[::37] = np.nan
    b = fit_bins(x, n_bins=6, open_ended=True)
    values, counts = np.unique(x, return_counts=True, equal_nan=False)
    assert np.array_equal(b.counts(values, weights=counts), b.counts(x))


def test_fit_from_counts_checks_its_input():
    with pytest.raises(InvalidArgumentError, match="strictly increasing"):
        fit_bins_from_counts([2.0, 1.0], [1, 1])
    with pytest.raises(InvalidArgumentError, match="positive integers"):
        fit_bins_from_counts([1.0, 2.0], [1, 0])
    with pytest.raises(InvalidArgumentError, match="same length"):
        fit_bins_from_counts([1.0, 2.0], [1])
    with pytest.raises(InvalidArgumentError, match="no finite value"):
        fit_bins_from_counts([np.inf], [4])
    with pytest.raises(InvalidArgumentError, match="'bins'"):
        fit_bins_from_counts([1.0, 2.0], [1, 1], "sturges")


# --------------------------------------------------------------------------
# read_drift_counts: the reference streamed, against ik.drift in memory
# --------------------------------------------------------------------------
def _tables():
    """Real tables split into a reference (first rows) and a current sample (the rest)."""
    from sklearn.datasets import load_breast_cancer, load_diabetes

    out = []
    d = load_diabetes(as_frame=True, scaled=False).frame  # 442 rows; age, sex, bp: ties; target int-valued
    d["target"] = d["target"].astype(np.int64)
    d["bmi"] = d["bmi"].where(np.arange(len(d)) % 9 != 0)  # a column with missing values
    d["tied"] = np.round(d["s5"], 1)  # floats with many ties
    out.append(("diabetes", d[["age", "sex", "bmi", "bp", "s5", "tied", "target"]], 300))
    bc = load_breast_cancer(as_frame=True).frame
    out.append(("breast_cancer", bc[["mean radius", "mean texture", "worst area", "target"]], 350))
    return out


def _write(df, path):
    if path.suffix == ".csv":
        df.to_csv(path, index=False)
    else:
        df.to_parquet(path, row_group_size=64)


@pytest.mark.filterwarnings("ignore::infokit.errors.ApproximationWarning")
@pytest.mark.parametrize("budget", [None, "4096"])
@pytest.mark.parametrize("fmt", ["csv", "parquet"])
@pytest.mark.parametrize("rule", ["quantile", "fd", "uniform"])
def test_streamed_drift_equals_drift_in_memory(tmp_path, monkeypatch, budget, fmt, rule):
    if budget is not None:
        monkeypatch.setenv("INFOKIT_MEMORY_BUDGET", budget)
        monkeypatch.setattr(io._drift, "_CHUNK", 7)  # the distinct values counted in their bins 7 at a time
    spills = []
    real_spill = io._spill.KeyCounts._spill
    monkeypatch.setattr(io._spill.KeyCounts, "_spill", lambda self: (spills.append(1), real_spill(self))[1])
    for name, df, cut in _tables():
        ref_path, cur_path = tmp_path / f"{name}_ref.{fmt}", tmp_path / f"{name}_cur.{fmt}"
        _write(df.iloc[:cut], ref_path)
        _write(df.iloc[cut:], cur_path)
        # the tables as the same reader gives them back (CSV text parsed once, by pyarrow)
        read = (lambda p: pa_csv.read_csv(p).to_pandas()) if fmt == "csv" else pd.read_parquet
        ref, cur = read(ref_path), read(cur_path)
        n_bins = 7
        try:
            want = drift(ref, cur, bins=rule, n_bins=n_bins, base="bits", smoothing="jeffreys", n_permutations=0)
        except InvalidArgumentError:
            assert rule == "fd"
            continue
        c = io.read_drift_counts(ref_path, cur_path, bins=rule, n_bins=n_bins, batch_size=50)
        for col in df.columns:
            assert c.bins[col] == binning_for(ref[col].to_numpy(), rule, n_bins=n_bins, open_ended=True)
            assert np.array_equal(c.reference[col], c.bins[col].counts(ref[col].to_numpy()))
            assert np.array_equal(c.current[col], c.bins[col].counts(cur[col].to_numpy()))
        got = drift_from_counts(c.reference, c.current, bins=c.bins, base="bits", smoothing="jeffreys",
                                n_permutations=0)
        for col in df.columns:
            for key in ("n_ref", "n_cur", "n_bins", "zero_bins_ref"):
                assert got.loc[col, key] == want.loc[col, key], (name, col, key)
            for key in ("js_divergence", "psi", "kl_ref_cur", "hellinger"):
                assert got.loc[col, key] == want.loc[col, key], (name, col, key)
    assert (len(spills) > 0) == (budget is not None)  # the tiny budget spills the reference's counts to disk


def test_streamed_reference_with_a_categorical_and_an_all_missing_column(tmp_path):
    ref = pd.DataFrame({"v": [1.0, 2.0, 2.0, np.nan], "k": ["a", "b", "a", None], "gone": [np.nan] * 4})
    ref.to_parquet(tmp_path / "ref.parquet")
    ref.to_parquet(tmp_path / "cur.parquet")
    c = io.read_drift_counts(tmp_path / "ref.parquet", tmp_path / "cur.parquet", ["v", "k"], batch_size=1)
    assert c.reference["v"].tolist() == [1, 2, 1] and c.reference["k"].tolist() == [2, 1, 0, 1]
    with pytest.raises(InvalidArgumentError, match="'gone'.*no finite value"):
        io.read_drift_counts(tmp_path / "ref.parquet", tmp_path / "cur.parquet", ["gone"])
