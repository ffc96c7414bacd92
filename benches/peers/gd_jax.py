"""The same gradient-descent step as gd_numpy.py in JAX: the whole loop of K steps is one
`jit`-compiled `lax.fori_loop`, the fastest way JAX offers to run it on a CPU.

Prints one line per size: `jax d n seconds_per_step` (compile time excluded).
"""

import sys
import time

import jax
import jax.numpy as jnp
import numpy as np

from gd_numpy import make_problem


def loss(u, v, x, y):
    w = u * u - v * v
    return jnp.mean(jnp.logaddexp(0.0, -y * (x @ w)))


@jax.jit
def run(u, v, x, y, steps):
    eta, lam = jnp.float32(0.01), jnp.float32(1e-3)
    grad = jax.grad(loss, argnums=(0, 1))

    def body(_, uv):
        u, v = uv
        gu, gv = grad(u, v, x, y)
        return (u * (1 - eta * lam) - eta * gu, v * (1 - eta * lam) - eta * gv)

    return jax.lax.fori_loop(0, steps, body, (u, v))


def time_per_step(run_steps, min_seconds):
    """Seconds per step of `run_steps(k)` (compiled once first), with k grown until a call
    takes `min_seconds`."""
    jax.block_until_ready(run_steps(2))  # compile
    steps = 16
    while True:
        start = time.perf_counter()
        jax.block_until_ready(run_steps(steps))
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / steps
        steps *= 4


def seconds_per_step(d, n, min_seconds=1.0):
    x, y, u, v = (jnp.asarray(a) for a in make_problem(d, n))
    return time_per_step(lambda steps: run(u, v, x, y, steps), min_seconds)


if __name__ == "__main__":
    sizes = [tuple(map(int, s.split("x"))) for s in sys.argv[1:]] or [(64, 32)]
    for d, n in sizes:
        print(f"jax {d} {n} {seconds_per_step(d, n):.6e}", flush=True)
