"""
Drift of each column against its no-drift null
==============================================

Two months of a customer table: the current month has older customers,
higher incomes and a new region; the number of products did not change.
:func:`infokit.drift` compares each column's binned distributions, and
:func:`infokit.plot.plot_drift` draws each JS divergence next to the 95th
percentile of its permutation null — a bar above its marker is drift that
chance does not explain.
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

import infokit as ik
from infokit.plot import plot_drift

rng = np.random.default_rng(0)


def month(n, income_scale, age_shift, regions):
    return pd.DataFrame({
        "age": rng.normal(40 + age_shift, 12, n).round(),
        "income": rng.lognormal(10.5, 0.5, n) * income_scale,
        "region": rng.choice(list(regions), n, p=list(regions.values())),
        "products": rng.poisson(2.0, n),
    })


ref = month(5000, 1.0, 0, {"north": 0.5, "south": 0.3, "west": 0.2})
cur = month(3000, 1.15, 3, {"north": 0.45, "south": 0.3, "west": 0.2, "east": 0.05})
result = ik.drift(ref, cur, base="bits", rng=0)

fig = plot_drift(result)
plt.show()

# %%
# One column's binned distributions: reference and current income.

fig = plot_drift(result, "income")
plt.show()

print(result[["js_divergence", "js_null_q95", "psi", "p_value", "verdict"]])
