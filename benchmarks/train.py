"""Training throughput: configurations per second through the training step, per device.

    python benchmarks/train.py [--models cnn fcn] [--sizes 16 32 64] [--batches 64 256]
                               [--loops python scan] [--channels 4 8] [--steps 50]
                               [--ensemble 1 5 10] [--json FILE] [--device-name NAME]

Random +-1 lattices (throughput does not depend on the data), through ``step.make_epoch``:
the step the pipeline runs, with its spin-flip augmentation and AdamW, for an ensemble of N
members trained as one program (``--ensemble``; N = 1 is one network). Each member trains on
its own indices into the shared data, as in the pipeline. ``samples/s`` is per member, so
N x that is the ensemble's throughput; ``gain`` is the per-member rate against N = 1 at the
same model, size, batch and loop. Compile time is excluded and printed separately; each rate is
the best of ``--repeats`` timed epochs. With ``--json`` the rows are written to FILE as well, so
a GPU run can be committed under benchmarks/results/.
"""

import argparse
import json
import platform
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from isingml.learning import ensemble, models, step


def measure(name, L, batch, steps, loop, channels, repeats, members=1, axis="vmap"):
    """(samples/s per member, compile seconds, parameters) of an ensemble of ``members``."""
    spec = models.ModelSpec(name, L, channels=tuple(channels) if name == "cnn" else None)
    nets = [models.build(spec, nnx.Rngs(k)) for k in range(members)]
    graphdef, params = ensemble.stack(nets)
    tx = optax.adamw(1e-3)
    opt = jax.vmap(tx.init)(params)
    n = batch * steps
    rng = np.random.default_rng(0)
    X = jnp.asarray(rng.choice(np.array([-1, 1], np.int8), size=(n, L, L)))
    y = jnp.asarray(rng.integers(0, 2, (members, n)).astype(np.float32))
    idx = jnp.asarray(np.stack([rng.permutation(n) for _ in range(members)]))
    run_epoch = step.make_epoch(graphdef, tx, batch, False, loop, axis)
    keys = jax.vmap(jax.random.key)(jnp.arange(members, dtype=jnp.uint32))
    t0 = time.perf_counter()
    jax.block_until_ready(run_epoch(params, opt, keys, X, y, idx))
    compile_s = time.perf_counter() - t0
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        jax.block_until_ready(run_epoch(params, opt, keys, X, y, idx))
        best = min(best, time.perf_counter() - t0)
    return n / best, compile_s, models.count_params(nets[0])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--models", nargs="+", default=["cnn", "fcn"])
    ap.add_argument("--sizes", type=int, nargs="+", default=[16, 32, 64])
    ap.add_argument("--batches", type=int, nargs="+", default=[64])
    ap.add_argument("--loops", nargs="+", default=["python", "scan"])
    ap.add_argument(
        "--channels",
        type=int,
        nargs="+",
        action="append",
        help="CNN widths, repeatable (default: the config schema's)",
    )
    ap.add_argument("--steps", type=int, default=50)
    ap.add_argument(
        "--ensemble",
        type=int,
        nargs="+",
        default=[1],
        help="ensemble sizes N: members trained together in one program",
    )
    ap.add_argument(
        "--members",
        nargs="+",
        default=["vmap", "loop"],
        choices=["vmap", "loop"],
        help="how the members share a step: one vmapped program, or in turn (N > 1 only)",
    )
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", help="also write the rows here")
    ap.add_argument("--device-name", help="the card's name, recorded in the JSON")
    args = ap.parse_args()
    device = jax.devices()[0]
    widths = args.channels or [list(models.ModelSpec("cnn", 8).channels)]
    print(f"jax {jax.__version__}, backend {jax.default_backend()}, device {device}")
    print(
        f"{'model':<6}{'channels':>10}{'L':>5}{'batch':>7}{'loop':>8}{'N':>4}{'members':>8}"
        f"{'samples/s':>12}{'gain':>7}{'compile s':>11}"
    )
    rows = []
    cases = [
        (name, ch, L, batch, loop)
        for name in args.models
        for ch in (widths if name == "cnn" else [None])
        for L in args.sizes
        for batch in args.batches
        for loop in args.loops
    ]
    for name, ch, L, batch, loop in cases:
        single = None
        runs = [(n, a) for n in args.ensemble for a in (["vmap"] if n == 1 else args.members)]
        for members, axis in runs:
            rate, first, n_params = measure(
                name, L, batch, args.steps, loop, ch, args.repeats, members, axis
            )
            single = rate if members == 1 else single
            gain = "" if single is None else f"{rate / single:.2f}"
            label = "-" if ch is None else "x".join(map(str, ch))
            print(
                f"{name:<6}{label:>10}{L:>5}{batch:>7}{loop:>8}{members:>4}{axis:>8}{rate:>12.0f}"
                f"{gain:>7}{first:>11.2f}",
                flush=True,
            )
            rows.append(
                {
                    "device": str(device),
                    "device_kind": device.device_kind,
                    "backend": jax.default_backend(),
                    "model": name,
                    "channels": ch,
                    "n_params": n_params,
                    "L": L,
                    "batch": batch,
                    "loop": loop,
                    "ensemble": members,
                    "members": axis,
                    "samples_per_s_per_member": rate,
                    "samples_per_s": rate * members,
                    "compile_s": first,
                }
            )
    if args.json:
        meta = {
            "jax": jax.__version__,
            "host": platform.node(),
            "card": args.device_name,
            "steps": args.steps,
            "repeats": args.repeats,
        }
        with open(args.json, "w") as f:
            json.dump({"meta": meta, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
