"""
Rényi entropies and divergences across α
========================================

The Rényi entropy H_α(P) falls from log K (α = 0, the number of outcomes) to
−log max p (α = ∞); α = 1 is the Shannon entropy, exactly.  The Rényi
divergence D_α(P‖Q) rises with α, through the KL divergence at α = 1.  Drawn
with matplotlib from :func:`infokit.renyi_entropy` and
:func:`infokit.renyi_divergence`.
"""

import matplotlib.pyplot as plt
import numpy as np

import infokit as ik

p = np.array([0.5, 0.25, 0.125, 0.125])
q = np.full(4, 0.25)
alphas = np.concatenate([np.linspace(0, 0.95, 20), np.linspace(1.05, 10, 60)])

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
ax1.plot(alphas, [ik.renyi_entropy(p, a, base="bits") for a in alphas], label="H_α(P)")
ax1.plot([1], [ik.entropy(p, base="bits")], "o", label="Shannon H(P), α = 1")
ax1.axhline(ik.renyi_entropy(p, np.inf, base="bits"), ls=":", c="gray", label="α = ∞: −log max p")
ax1.set(xlabel="α", ylabel="bits", title="Rényi entropy")
ax1.legend()

ax2.plot(alphas, [ik.renyi_divergence(p, q, a, base="bits") for a in alphas], label="D_α(P‖Q)")
ax2.plot([1], [ik.kl_divergence(p, q, base="bits")], "o", label="KL D(P‖Q), α = 1")
ax2.set(xlabel="α", ylabel="bits", title="Rényi divergence")
ax2.legend()
plt.show()
