"""Training throughput of the networks: configurations per second through a training step.

    python benchmarks/train.py [--sizes 16 32 64] [--batch 64] [--steps 50]

Random +-1 lattices (throughput does not depend on the data). Reports the JAX backend and device,
so that CPU and GPU runs can be told apart; compile time is excluded and printed separately.
"""

import argparse
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from isingml.learning import models, train


def measure(name, L, batch, steps, use_scan):
    spec = models.ModelSpec(name, L)
    model = models.build(spec, nnx.Rngs(0))
    graphdef, params = nnx.split(model)
    tx = optax.adamw(1e-3)
    opt = tx.init(params)
    n = batch * steps
    rng = np.random.default_rng(0)
    X = jnp.asarray(rng.choice(np.array([-1, 1], np.int8), size=(n, L, L)))
    y = jnp.asarray(rng.integers(0, 2, n).astype(np.float32))
    idx = jnp.arange(n)
    epoch = train.make_epoch(graphdef, tx, batch, False, use_scan=use_scan)
    key = jax.random.key(0)
    t0 = time.perf_counter()
    jax.block_until_ready(epoch(params, opt, key, X, y, idx))
    compile_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    jax.block_until_ready(epoch(params, opt, key, X, y, idx))
    seconds = time.perf_counter() - t0
    return n / seconds, compile_s


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[16, 32, 64])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=50)
    args = ap.parse_args()
    print(f"backend {jax.default_backend()}, device {jax.devices()[0]}")
    print(f"{'model':<6}{'L':>5}{'epoch loop':>12}{'configs/s':>12}{'first (s)':>11}")
    for name in models.MODELS:
        for L in args.sizes:
            for use_scan in (False, True):
                rate, first = measure(name, L, args.batch, args.steps, use_scan)
                loop = "lax.scan" if use_scan else "python"
                print(f"{name:<6}{L:>5}{loop:>12}{rate:>12.0f}{first:>11.2f}")


if __name__ == "__main__":
    main()
