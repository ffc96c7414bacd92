"""The paper's fig. 1a from Python: train and test accuracy against log t, with the measured
t_grok and the predicted ln α / λ marked.

    python python/examples/fig1a.py [OUT.png]     (needs matplotlib)
"""

import sys

import matplotlib

matplotlib.use("Agg")  # no window needed; in a notebook, leave this out and plt.show()
import matplotlib.pyplot as plt

import grokflow

run = grokflow.run(preset="fig1a-small")  # α = 128, λ = 10⁻³, to t = 10⁴
trajectory = run.trajectory
t = trajectory["t"][1:]  # a log axis: from the first step on

fig, ax = plt.subplots(figsize=(8, 4.5))
ax.semilogx(t, trajectory["train_acc"][1:], color="tab:blue", label="train accuracy")
ax.semilogx(t, trajectory["test_acc"][1:], color="tab:orange", label="test accuracy")
ax.axvline(run.t_grok, color="black", linestyle="--", label=f"t_grok = {run.t_grok:.0f}")
ax.axvline(run.t_predicted, color="grey", linestyle=":",
           label=f"ln α / λ = {run.t_predicted:.0f}")
ax.set_xlabel("t (gradient-flow time)")
ax.set_ylabel("accuracy")
ax.set_ylim(0.3, 1.05)
ax.set_title("fig1a-small: fits at once, generalises near t = ln α / λ")
# Between the train line (1.0) and the test plateau (0.58), clear of every curve.
ax.legend(loc="upper left", bbox_to_anchor=(0.02, 0.9))
fig.tight_layout()
out = sys.argv[1] if len(sys.argv) > 1 else "fig1a.png"
fig.savefig(out, dpi=100)
print(f"{run}\nwrote {out}")
