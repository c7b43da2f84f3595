"""
Letters of two texts
====================

The letter distributions of the Gettysburg Address (P) and of the opening of
the Declaration of Independence (Q), both bundled with infokit, and the
letters that carry the KL divergence D(P‖Q).  The counts are smoothed with
half a count per letter (Jeffreys), as ``infokit kl --smoothing jeffreys``
does, so that every letter has a finite contribution.
"""

import matplotlib.pyplot as plt
import numpy as np

import infokit as ik
from infokit.demo import letters
from infokit.plot import plot_distributions

P = ik.empirical(letters("gettysburg"))
Q = ik.empirical(letters("declaration"))
alphabet = sorted(set(P.outcomes) | set(Q.outcomes))


def smoothed(e):
    counts = dict(zip(e.outcomes, e.counts))
    c = np.array([counts.get(a, 0) for a in alphabet], dtype=float) + 0.5
    return c / c.sum()


p, q = smoothed(P), smoothed(Q)
fig = plot_distributions(p, q, outcomes=alphabet)
fig.set_size_inches(10, 6)
fig.tight_layout()  # lay the figure out again at its new size
plt.show()

print(f"D(P||Q) = {ik.kl_divergence(p, q, base='bits'):.4f} bits, "
      f"JS = {ik.js_divergence(p, q, base='bits'):.4f} bits")
