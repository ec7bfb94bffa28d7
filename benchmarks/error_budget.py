"""Where the Binder estimate's error comes from: its T_c(infinity) error with all samples, and
with the samples of one lattice size halved (the first half of every replica's series), from
the Binder-grid shards of a finished run.

    python benchmarks/error_budget.py [--data data/critical]

If size L contributes v_L to sigma^2 = sum of v_L, and each v_L falls as 1 / (its samples),
halving L's samples adds v_L: the increase of sigma^2 measures that size's share. The table
prints sigma, the increase of sigma^2 and that increase as a share of sigma^2 with all samples:
set against each size's sampling cost (results/benchmarks/simulate/critical/), it says where
more samples buy the most error bar per core-second.
"""

import argparse
import dataclasses
from pathlib import Path


def thinned(shard, keep):
    """The shard's E and M series cut to their first ``keep`` fraction of sampling times (the
    series is time-major over its replicas, so every replica keeps the same share)."""
    R = int(shard.attrs.get("n_replicas", 1))
    n = (int(shard.energy.size * keep) // R) * R
    return dataclasses.replace(
        shard, energy=shard.energy[:n], magnetization=shard.magnetization[:n]
    )


def sigma(shards):
    from isingml.analysis import binder, extrapolate

    temps = [s.T for s in shards]
    pairs = binder.magnetization_analysis(shards, (min(temps), max(temps))).pairs
    result = extrapolate.crossing_result("binder", extrapolate.replicas_json("binder", pairs))
    return result["T_c"], result["T_c_err_stat"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="data/critical", help="the Binder grid's shard folders")
    args = ap.parse_args()
    from isingml.io import shards as io

    paths = sorted(Path(args.data).glob("L*/T*.h5"))
    if not paths:
        raise SystemExit(f"{args.data}: no Binder-grid shards (L*/T*.h5); run the workflow first")
    loaded = [io.read_shard(p, spins=False) for p in paths]
    sizes = sorted({s.L for s in loaded})
    T_c, full = sigma(loaded)
    print(f"all samples: T_c = {T_c:.5f} +- {full:.5f}")
    print(f"{'halved':>8}{'sigma':>10}{'d sigma^2':>12}{'share':>8}")
    for L in sizes:
        _, err = sigma([thinned(s, 0.5) if s.L == L else s for s in loaded])
        grow = err**2 - full**2
        print(f"{'L=' + str(L):>8}{err:>10.5f}{grow:>12.2e}{grow / full**2:>8.0%}")


if __name__ == "__main__":
    main()
