"""
The worked example: P, Q and H(P, Q) = H(P) + D(P‖Q)
=====================================================

A source emits A, B, C, D with true probabilities P = (1/2, 1/4, 1/8, 1/8); a
model Q believes they are equally likely.  :func:`infokit.plot.plot_distributions`
draws the two distributions and each outcome's contribution p log(p/q) to the
KL divergence; :func:`infokit.plot.plot_decomposition` the cross-entropy as
the entropy plus the excess.
"""

import matplotlib.pyplot as plt

import infokit as ik
from infokit.plot import plot_decomposition, plot_distributions

p = [0.5, 0.25, 0.125, 0.125]
q = [0.25, 0.25, 0.25, 0.25]
outcomes = ["A", "B", "C", "D"]

fig = plot_distributions(p, q, outcomes=outcomes)
plt.show()

# %%
# The decomposition, in bits: coding with a code built for Q costs 2 bits per
# symbol, 0.25 more than the 1.75 bits of the best code.

fig = plot_decomposition(p, q, outcomes=outcomes)
plt.show()

print(ik.decompose(p, q, outcomes=outcomes))
