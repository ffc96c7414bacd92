"""A lazy-regime test: how far θ moves from its start, ‖θ(t) − θ(0)‖ / ‖θ(0)‖, at the fit and
at the end, for fig2-small (the paper's ReLU MLP on a + b mod 23) at several α. In the
kernel (lazy) regime the network fits while θ barely moves; docs/theory.md reads the table.

    python python/examples/lazy_regime.py [ALPHA ...]     (default: 1 10 100)
"""

import sys

import numpy as np

import grokflow

alphas = [float(a) for a in sys.argv[1:]] or [1.0, 10.0, 100.0]
print("| α | t_fit | t_grok | final test acc | moved at t_fit | moved at the end |")
print("|---|---|---|---|---|---|")
for alpha in alphas:
    run = grokflow.run(preset="fig2-small", alpha=alpha, snapshots_per_decade=20)
    theta0 = run.snapshots[0]  # the first record is θ(0)

    def moved(theta: np.ndarray) -> float:
        return float(np.linalg.norm(theta - theta0) / np.linalg.norm(theta0))

    at_fit = "—"
    if run.t_fit is not None:
        # The last snapshot at or before the fit.
        k = int(np.searchsorted(run.snapshot_t, run.t_fit, side="right")) - 1
        at_fit = f"{moved(run.snapshots[max(k, 0)]):.3f} (t = {run.snapshot_t[max(k, 0)]:.3g})"
    t_fit = "—" if run.t_fit is None else f"{run.t_fit:.4g}"
    t_grok = "—" if run.t_grok is None else f"{run.t_grok:.4g}"
    acc = run.summary["final_test_acc"]
    print(f"| {alpha:g} | {t_fit} | {t_grok} | {acc:.3f} | {at_fit} | {moved(run.params):.3f} |")
