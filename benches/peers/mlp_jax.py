"""The paper's modular-addition MLP step in JAX, for comparison with grokflow's
`mlp_paper_gd_step` bench: a + b mod p, inputs one-hot(a) ‖ one-hot(b), a two-layer ReLU
network with a first-layer bias and no output bias, cross-entropy, full-batch gradient
descent with weight decay, 40% of the pairs for training. The first layer is a gather of
two rows of W₁ (as grokflow computes it); the whole loop of K steps is one `jit`-compiled
`lax.fori_loop`.

Prints one line per size: `jax-mlp p width seconds_per_step` (compile time excluded).
"""

import sys

import jax
import jax.numpy as jnp
import numpy as np

from gd_jax import time_per_step


def make_problem(p, width, fraction=0.4, seed=0):
    rng = np.random.default_rng(seed)
    pairs = np.array([(a, b) for a in range(p) for b in range(p)], dtype=np.int32)
    train = rng.permutation(len(pairs))[: int(round(fraction * len(pairs)))]
    a, b = pairs[train, 0], pairs[train, 1]
    labels = (a + b) % p
    w1 = rng.normal(0.0, np.sqrt(2.0 / (2 * p)), (2 * p, width)).astype(np.float32)
    b1 = np.zeros(width, np.float32)
    w2 = rng.normal(0.0, np.sqrt(2.0 / width), (p, width)).astype(np.float32)
    return a, b, labels, (w1, b1, w2)


def loss(params, a, b, labels, p):
    w1, b1, w2 = params
    hidden = jax.nn.relu(w1[a] + w1[p + b] + b1)
    logits = hidden @ w2.T
    return -jnp.mean(jax.nn.log_softmax(logits)[jnp.arange(labels.shape[0]), labels])


def make_run(p):
    @jax.jit
    def run(params, a, b, labels, steps):
        eta, lam = jnp.float32(0.1), jnp.float32(1e-3)
        grad = jax.grad(loss)

        def body(_, params):
            g = grad(params, a, b, labels, p)
            return jax.tree.map(lambda x, gx: x * (1 - eta * lam) - eta * gx, params, g)

        return jax.lax.fori_loop(0, steps, body, params)

    return run


def seconds_per_step(p, width, min_seconds=2.0):
    a, b, labels, params = make_problem(p, width)
    a, b, labels = jnp.asarray(a), jnp.asarray(b), jnp.asarray(labels)
    params = tuple(jnp.asarray(x) for x in params)
    run = make_run(p)
    return time_per_step(lambda steps: run(params, a, b, labels, steps), min_seconds)


if __name__ == "__main__":
    sizes = [tuple(map(int, s.split("x"))) for s in sys.argv[1:]] or [(97, 1024)]
    for p, width in sizes:
        print(f"jax-mlp {p} {width} {seconds_per_step(p, width):.6e}", flush=True)
