"""Independent reference for `tests/tests/file_data.rs`: a small data set and the paper's GD
trajectory on it, computed with numpy in float64.

Run from the repository root: `python3 tests/data/make_gd_reference.py` (numpy >= 1.20).
It writes gd_reference.npz (training X, y), gd_reference_test.csv (test set, header y,x0..)
and gd_reference_trajectory.csv (step, t, train_loss, test_loss, param_norm every step).
"""

import csv
import pathlib

import numpy as np

HERE = pathlib.Path(__file__).parent
N_TRAIN, N_TEST, D = 16, 12, 10
ALPHA, LAMBDA, LR, STEPS = 2.0, 0.05, 0.05, 400


def main() -> None:
    rng = np.random.default_rng(20261128)
    # float32 values, so that grokflow (which stores features in f32) sees the same numbers.
    x = rng.standard_normal((N_TRAIN + N_TEST, D)).astype(np.float32)
    w_star = np.zeros(D)
    w_star[[1, 6]] = [1.0, -1.0]
    y = np.where(x.astype(np.float64) @ w_star >= 0.0, 1.0, -1.0)
    x_train, y_train = x[:N_TRAIN], y[:N_TRAIN]
    x_test, y_test = x[N_TRAIN:], y[N_TRAIN:]
    np.savez(HERE / "gd_reference.npz", X=x_train, y=y_train)
    with open(HERE / "gd_reference_test.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["y"] + [f"x{j}" for j in range(D)])
        for row, label in zip(x_test, y_test):
            out.writerow([int(label)] + [repr(float(v)) for v in row])

    xtr, xte = x_train.astype(np.float64), x_test.astype(np.float64)
    # Diagonal net, depth 2: w = u^2 - v^2, u = v = alpha / sqrt(2d), logistic loss,
    # theta <- theta (1 - lr*lambda) - lr * grad L(theta).
    u = np.full(D, ALPHA / np.sqrt(2 * D))
    v = u.copy()

    def logistic(margins: np.ndarray) -> float:
        return float(np.mean(np.logaddexp(0.0, -margins)))

    rows = []
    for step in range(STEPS + 1):
        w = u * u - v * v
        f = xtr @ w
        rows.append(
            (
                step,
                step * LR,
                logistic(y_train * f),
                logistic(y_test * (xte @ w)),
                float(np.sqrt(np.sum(u * u) + np.sum(v * v))),
            )
        )
        slopes = -y_train / (1.0 + np.exp(y_train * f)) / N_TRAIN
        g = xtr.T @ slopes
        u, v = u * (1 - LR * LAMBDA) - LR * 2 * u * g, v * (1 - LR * LAMBDA) + LR * 2 * v * g

    with open(HERE / "gd_reference_trajectory.csv", "w", newline="") as f:
        out = csv.writer(f)
        out.writerow(["step", "t", "train_loss", "test_loss", "param_norm"])
        for r in rows:
            out.writerow([r[0]] + [repr(v) for v in r[1:]])


if __name__ == "__main__":
    main()
