"""Single-core sampler speed: attempted flips per ns and ms per independent sample.

    NUMBA_NUM_THREADS=1 python benchmarks/sampler.py [--json rows.json] [--quick]

Metropolis rows count attempted single-spin flips; Wolff rows count spins flipped in clusters
(its unit of work). 'ms/indep' is the single-core time for 2 tau_int (the larger of E and |m|),
the spacing the sampler stores samples at, with tau_int from a pilot run long enough to be
reliable.
"""

import argparse
import json
import time

import numpy as np

from isingml.physics import ONSAGER_TC
from isingml.sampling import fast, kernels, sampler

TEMPERATURES = (1.5, 2.269, 3.5)


def equilibrated(L, T, algorithm):
    kernel = "reference" if algorithm == "metropolis-reference" else "split"
    algorithm = "metropolis" if algorithm == "metropolis-reference" else algorithm
    settings = sampler.SamplerSettings(
        algorithm=algorithm, n_thermalize=200, metropolis_kernel=kernel
    )
    chain = sampler.Chain.start(L, T, sampler.seed_sequence(0, L, T))
    plan = sampler.plan_chain(chain, settings)
    return chain, plan


def rate(chain, algorithm, min_seconds):
    """Work units per ns over at least ``min_seconds``."""
    L = chain.L
    work, seconds, n = 0, 0.0, 1
    black = np.empty((L, L // 2), np.int8)
    white = np.empty((L, L // 2), np.int8)
    fast.split(chain.spins, black, white)
    while seconds < min_seconds:
        t0 = time.perf_counter()
        if algorithm == "metropolis":
            fast.metropolis_sweeps_split(black, white, n, chain.t2, chain.t4, chain.stream)
            work += n * L * L
        elif algorithm == "metropolis-reference":
            kernels.metropolis_sweeps(chain.spins, n, chain.threshold, chain.state)
            work += n * L * L
        else:
            work += kernels.wolff_clusters(chain.spins, n, chain.p_add, chain.state, chain.stack)
        seconds += time.perf_counter() - t0
        n *= 2
    return work / (seconds * 1e9)


def row(L, T, algorithm, min_seconds):
    chain, plan = equilibrated(L, T, algorithm)
    r = rate(chain, algorithm, min_seconds)
    p = plan.pilot
    ns_per_sweep = L * L / r
    ms = 2 * p.tau_max * ns_per_sweep / 1e6 if abs(T - 2.269) < 1e-9 else None
    return {
        "algorithm": algorithm,
        "L": L,
        "T": T,
        "flips_per_ns": r,
        "ms_per_independent_sample": ms,
        "tau_int_sweeps": p.tau_max,
        "tau_reliable": p.reliable,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", help="also write the rows to this file as a JSON list")
    ap.add_argument("--quick", action="store_true", help="shorter timings (noisier)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[32, 64, 256])
    args = ap.parse_args()
    min_seconds = 0.2 if args.quick else 1.0
    kernels.metropolis_sweeps(
        np.ones((4, 4), np.int8),
        1,
        kernels.metropolis_threshold(2.0),
        sampler.rng_state(np.random.SeedSequence(0)),
    )
    rows = []
    for L in args.sizes:
        for T in TEMPERATURES:
            for algorithm in ("metropolis", "metropolis-reference", "wolff"):
                if algorithm.startswith("metropolis") and T == 2.269 and L > 128:
                    # tau_int ~ L^2.17 makes the pilot alone minutes long; rate only
                    chain = sampler.Chain.start(L, T, sampler.seed_sequence(0, L, T))
                    chain.record("metropolis", 1, 500)
                    r = rate(chain, algorithm, min_seconds)
                    rows.append(
                        {
                            "algorithm": algorithm,
                            "L": L,
                            "T": T,
                            "flips_per_ns": r,
                            "ms_per_independent_sample": None,
                            "tau_int_sweeps": None,
                            "tau_reliable": False,
                        }
                    )
                    continue
                rows.append(row(L, T, algorithm, min_seconds))
    print(f"{'algorithm':<21}{'L':>5}{'T':>8}{'flips/ns':>10}{'tau_int':>10}{'ms/indep':>10}")
    for r in rows:
        tau = "-" if r["tau_int_sweeps"] is None else f"{r['tau_int_sweeps']:.2f}"
        ms = r["ms_per_independent_sample"]
        ms = "-" if ms is None else f"{ms:.4f}"
        print(
            f"{r['algorithm']:<21}{r['L']:>5}{r['T']:>8.3f}{r['flips_per_ns']:>10.3f}"
            f"{tau:>10}{ms:>10}"
        )
    print(f"(T_c = {ONSAGER_TC:.6f}; tau_int in sweeps or sweep-equivalents)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
