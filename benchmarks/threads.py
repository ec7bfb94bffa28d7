"""Does ``isingml train --threads N`` use N threads? Busy cores of a training loop.

    python benchmarks/threads.py [--L 32] [--repeats 2]

For each setting (``--threads 1``, ``--threads 2``, no limit) a fresh process applies the CLI's
own ``configure_jax``, compiles one CNN epoch and then times three more, and reports the CPU
time (user + system) over the wall time of those three: the mean number of busy cores while
training (compilation, which LLVM spreads over threads of its own, is excluded). Settings run in
alternating rounds, since the machine's speed drifts.
"""

import argparse
import subprocess
import sys
import time
from types import SimpleNamespace

SETTINGS = (1, 2, None)


def worker(threads, L):
    from isingml.cli.options import configure_jax

    configure_jax(SimpleNamespace(threads=threads, jax_cache=None, gpus=0))
    import jax
    import jax.numpy as jnp
    import numpy as np
    import optax
    from flax import nnx

    from isingml.learning import ensemble, models, step

    graphdef, params = ensemble.stack([models.build(models.ModelSpec("cnn", L), nnx.Rngs(0))])
    tx = optax.adamw(1e-3)
    opt = jax.vmap(tx.init)(params)
    n = 64 * 60
    rng = np.random.default_rng(0)
    X = jnp.asarray(rng.choice(np.array([-1, 1], np.int8), size=(n, L, L)))
    y = jnp.asarray(rng.integers(0, 2, (1, n)).astype(np.float32))
    run_epoch = step.make_epoch(graphdef, tx, 64, False)
    key, idx = jax.random.key(0)[None], jnp.arange(n)[None]
    jax.block_until_ready(run_epoch(params, opt, key, X, y, idx))
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(3):
        jax.block_until_ready(run_epoch(params, opt, key, X, y, idx))
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    status = open("/proc/self/status").read().split("Threads:")[1].split()[0]
    print(f"{wall} {cpu} {status}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--L", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker is not None:
        worker(None if args.worker == "-" else int(args.worker), args.L)
        return
    runs = {t: [] for t in SETTINGS}
    for _ in range(args.repeats):
        for t in SETTINGS:
            cmd = [sys.executable, __file__, "--L", str(args.L), "--worker", str(t or "-")]
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            runs[t].append([float(v) for v in out.split()[-3:]])
    print(f"CNN training loop, L = {args.L}, batch 64, 3 epochs of 60 steps, {args.repeats} runs")
    print(f"{'--threads':>10}{'wall s':>9}{'CPU s':>9}{'busy cores':>12}{'threads':>9}")
    for t, rs in runs.items():
        wall, cpu = sum(r[0] for r in rs) / len(rs), sum(r[1] for r in rs) / len(rs)
        print(
            f"{t or '-':>10}{wall:>9.1f}{cpu:>9.1f}{cpu / wall:>12.2f}{max(r[2] for r in rs):>9.0f}"
        )


if __name__ == "__main__":
    main()
