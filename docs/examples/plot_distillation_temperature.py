"""
Distillation KL against the temperature
=======================================

The distillation loss :func:`infokit.lm.kl_from_logits` between a teacher's
and a student's next-token logits, as a function of the softmax temperature
T: a high temperature flattens both distributions and the KL divergence
shrinks (the usual remedy is to multiply the loss by T², which infokit leaves
to the caller).  Both directions are drawn: D(teacher‖student) (the default,
"forward") and D(student‖teacher) ("reverse").
"""

import matplotlib.pyplot as plt
import numpy as np

import infokit as ik

rng = np.random.default_rng(0)
teacher = 4 * rng.normal(size=(8, 32, 500))              # (batch, seq, vocab)
student = teacher + 2 * rng.normal(size=teacher.shape)   # a noisy copy

temps = np.geomspace(0.5, 20, 25)
fwd = [ik.lm.kl_from_logits(student, teacher, temperature=t, base="bits") for t in temps]
rev = [ik.lm.kl_from_logits(student, teacher, temperature=t, direction="reverse", base="bits") for t in temps]

fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
ax.loglog(temps, fwd, label="D(teacher‖student)  (forward)")
ax.loglog(temps, rev, "--", label="D(student‖teacher)  (reverse)")
ax.loglog(temps, np.array(fwd) * temps**2, ":", label="forward × T²")
ax.set(xlabel="temperature T", ylabel="mean KL per position [bits]",
       title="Distillation KL on logits")
ax.legend()
plt.show()
