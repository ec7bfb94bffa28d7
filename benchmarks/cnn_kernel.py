"""The CNNs' evaluation on the CPU: the Numba kernels of ``learning/cnn_cpu.py`` against XLA's
convolutions, side by side in one run, in two and three dimensions.

    python benchmarks/cnn_kernel.py [--channels 4 8] [--networks 2] [--repeats 3]
                                    [--square 16 32] [--cubic 6 8 12 16 24] [--sites 2000000]

What the ``features`` job does: an ensemble of CNNs on shared int8 configurations, XLA's path
being the members in turn through one compiled function (``members="loop"``, the CPU's choice,
``backend.MEASURED_MEMBERS``), the kernel's ``members="kernel"``. Random +-1 configurations
(the cost does not depend on them), about ``--sites`` sites per size. Each rate is the best of
``--repeats`` timed passes after one untimed (compilation) pass, in million sites per second
per network; ``ratio`` is the kernel's over XLA's. The threads are what the process is given
(NUMBA_NUM_THREADS, and NPROC for XLA: set both to the features job's threads).
"""

import argparse
import os
import platform
import time

import numpy as np
from flax import nnx

from isingml.learning import ensemble, models, predict


def rate(graphdef, stacked, spins, members, networks, repeats):
    predict.member_outputs(graphdef, stacked, spins[:64], members=members)  # compile
    best = min(_timed(graphdef, stacked, spins, members) for _ in range(repeats))
    return networks * spins[0].size * spins.shape[0] / best / 1e6  # each network saw them all


def _timed(graphdef, stacked, spins, members):
    t = time.perf_counter()
    predict.member_outputs(graphdef, stacked, spins, members=members)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--channels", type=int, nargs="+", default=[4, 8])
    ap.add_argument("--networks", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--square", type=int, nargs="*", default=[16, 32])
    ap.add_argument("--cubic", type=int, nargs="*", default=[6, 8, 12, 16, 24])
    ap.add_argument("--sites", type=int, default=2_000_000)
    a = ap.parse_args()
    env = {k: os.environ.get(k, "all") for k in ("NUMBA_NUM_THREADS", "NPROC")}
    print(
        f"{platform.processor() or platform.machine()}, "
        + ", ".join(f"{k}={v}" for k, v in env.items())
        + f", CNN {a.channels}, {a.networks} networks; million sites per second per network"
    )
    print(f"{'lattice':>8} {'L':>4} {'configs':>8} {'XLA':>8} {'kernel':>8} {'ratio':>6}")
    rng = np.random.default_rng(0)
    for dim, sizes in ((2, a.square), (3, a.cubic)):
        spec = models.ModelSpec("cnn", L=8, channels=tuple(a.channels), dim=dim)
        nets = [models.build(spec, nnx.Rngs(k)) for k in range(a.networks)]
        graphdef, stacked = ensemble.stack(nets)
        for L in sizes:
            n = max(64, a.sites // L**dim)
            spins = rng.choice(np.array([-1, 1], np.int8), size=(n, *(L,) * dim))
            xla = rate(graphdef, stacked, spins, "loop", a.networks, a.repeats)
            kernel = rate(graphdef, stacked, spins, "kernel", a.networks, a.repeats)
            name = "square" if dim == 2 else "cubic"
            print(f"{name:>8} {L:>4} {n:>8} {xla:>8.2f} {kernel:>8.2f} {kernel / xla:>6.1f}")


if __name__ == "__main__":
    main()
