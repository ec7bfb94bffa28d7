"""How much of each vectorised Metropolis kernel's time is random-number generation.

    NUMBA_NUM_THREADS=1 python benchmarks/generator_share.py [--sizes 64 256]

Times the split-lattice and multi-spin kernels as they are, and copies of them whose generator
is replaced by a trivial one (the split kernel's two-round hash by one multiply, the multi-spin
kernel's xoshiro256++ by a counter). The copies are physically wrong and exist only here: the
rate of a copy bounds what the kernel could reach with a free generator, which is the profile
behind the speed targets (this machine has no hardware counters). Flips/ns at T = 2.269, best of
``REPEATS`` runs.
"""

import argparse
import importlib.util
import inspect
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from isingml.sampling import multispin, split_metropolis

REPEATS = 7
T = 2.269

# (module, the generator's source text, its trivial replacement)
SUBSTITUTIONS = [
    (
        split_metropolis,
        "        return _h32(builder, builder.xor(_h32(builder, x), k1))",
        "        return builder.mul(builder.xor(x, k1), ir.Constant(_I32, 0x9E3779B9))",
    ),
    (
        multispin,
        "    out = rotl(s0 + s3, 23) + s0\n    s0, s1, s2, s3 = xoshiro_advance(s0, s1, s2, s3)",
        "    s0 = s0 + s3\n    out = s0",
    ),
]


def trivial_copy(module, old, new, folder):
    """Import a copy of ``module`` with ``old`` replaced by ``new`` (which must occur once)."""
    source = inspect.getsource(module)
    if source.count(old) != 1:
        raise SystemExit(f"{module.__name__}: the generator's source changed; update this script")
    path = Path(folder) / f"{module.__name__.rsplit('.', 1)[1]}_trivial.py"
    path.write_text(source.replace(old, new))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    copy = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = copy
    spec.loader.exec_module(copy)
    return copy


def best(run):
    run()
    rates = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        work = run()
        rates.append(work / ((time.perf_counter() - t0) * 1e9))
    return max(rates)


def split_run(module, L):
    t2, t4 = module.thresholds32(T)
    spins = np.random.default_rng(0).choice(np.array([-1, 1], np.int8), (L, L))
    lattice = module.SplitLattice(spins)
    stream = np.array([1234, 0], np.uint64)
    n = max(1, int(3e7 / L**2))
    return lambda: (lattice.sweep(n, t2, t4, stream), n * L * L)[1]


def multispin_run(module, L):
    spins = np.random.default_rng(0).choice(np.array([-1, 1], np.int8), (64, L, L))
    replicas = module.Replicas(spins, T, module.lane_states(np.random.SeedSequence(1), L))
    n = max(1, int(2e8 / (64 * L * L)))
    return lambda: (replicas.sweep(n), n * 64 * L * L)[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[64, 256])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        split_t, multispin_t = (trivial_copy(m, old, new, folder) for m, old, new in SUBSTITUTIONS)
        print(f"{'kernel':<12}{'L':>5}{'as is':>9}{'trivial':>9}{'generator share':>17}")
        for L in args.sizes:
            for name, make, real, trivial in (
                ("metropolis", split_run, split_metropolis, split_t),
                ("multispin", multispin_run, multispin, multispin_t),
            ):
                a, b = best(make(real, L)), best(make(trivial, L))
                print(f"{name:<12}{L:>5}{a:>9.3f}{b:>9.3f}{1 - a / b:>17.0%}", flush=True)


if __name__ == "__main__":
    main()
