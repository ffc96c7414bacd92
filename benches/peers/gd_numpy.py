"""The paper's gradient-descent step for a depth-2 diagonal net, written plainly in numpy.

theta = (u, v), w = u^2 - v^2, logistic loss on y_i <w, x_i>, weight decay lambda:
    u <- u (1 - eta lambda) - eta grad_u L,   v likewise.
X holds the +-1 features as float32 (what a numpy user would write; BLAS wants floats).
Prints one line per size: `numpy d n seconds_per_step`.
"""

import sys
import time

import numpy as np


def make_problem(d, n, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=(n, d))
    y = np.sign(x[:, :3].sum(axis=1)).astype(np.float32)
    alpha = np.float32(128.0)
    u = np.full(d, alpha / np.sqrt(2.0 * d), dtype=np.float32)
    return x, y, u, u.copy()


def step(x, y, u, v, eta=np.float32(0.01), lam=np.float32(1e-3)):
    n = x.shape[0]
    w = u * u - v * v
    margins = y * (x @ w)
    # d/dm log(1 + e^{-m}) = -1 / (1 + e^{m})
    slopes = -y / (1.0 + np.exp(margins)) / n
    g = x.T @ slopes
    decay = np.float32(1.0) - eta * lam
    u_new = u * decay - eta * (2.0 * u * g)
    v_new = v * decay + eta * (2.0 * v * g)
    return u_new.astype(np.float32), v_new.astype(np.float32)


def seconds_per_step(d, n, min_seconds=1.0):
    x, y, u, v = make_problem(d, n)
    for _ in range(3):
        u, v = step(x, y, u, v)
    steps, start = 0, time.perf_counter()
    while True:
        u, v = step(x, y, u, v)
        steps += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds and steps >= 5:
            return elapsed / steps


if __name__ == "__main__":
    sizes = [tuple(map(int, s.split("x"))) for s in sys.argv[1:]] or [(64, 32)]
    for d, n in sizes:
        print(f"numpy {d} {n} {seconds_per_step(d, n):.6e}", flush=True)
