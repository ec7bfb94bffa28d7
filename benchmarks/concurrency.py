"""Where do concurrent sampling jobs spend their time? K `isingml simulate` jobs started at
once, as Snakemake starts them on a K-core machine, from an empty Numba cache ("cold": every job
compiles the kernels itself) and after `isingml compile` filled it ("compiled": what the
workflow's compile_kernels job does), with each job's breakdown from its log.

    python benchmarks/concurrency.py [--jobs 4] [--L 64] [--T 2.275] [--samples 2000]

Stages (seconds, logged by every `isingml simulate`): imports (Python, NumPy, Numba, h5py),
kernels (compiling, or loading from the cache, every kernel the job may run), plan
(thermalisation and pilots), sampling, finish (tau_int of the stored series, writing).
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGES = ("imports", "kernels", "plan", "sampling", "finish")


def launch(k, args, cache, folder):
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "NUMBA_NUM_THREADS": "1"}
    exe = Path(sys.executable).parent / "isingml"
    procs, t0 = [], time.perf_counter()
    for i in range(k):
        cmd = [
            str(exe),
            "simulate",
            "--L",
            str(args.L),
            "--T",
            str(args.T),
            "--samples",
            str(args.samples),
            "--seed",
            str(i),
            "--out",
            str(folder / f"job{i}.h5"),
        ]
        procs.append(subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True))
    rows = []
    for p in procs:
        err = p.communicate()[1]
        if p.returncode:
            raise SystemExit(err[-2000:])
        m = re.search(r"stages \(s\): (.*)", err)
        parts = dict(
            zip(m.group(1).split()[::2], map(float, m.group(1).split()[1::2]), strict=True)
        )
        rows.append(parts)
    return rows, time.perf_counter() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--jobs", type=int, default=4)
    ap.add_argument("--L", type=int, default=64)
    ap.add_argument("--T", type=float, default=2.275)
    ap.add_argument("--samples", type=int, default=2000)
    args = ap.parse_args()
    print(f"{args.jobs} concurrent jobs of L = {args.L}, T = {args.T}, {args.samples} samples on "
          f"{os.cpu_count()} cores")  # fmt: skip
    print(f"{'mode':<10}{'wall s':>8}" + "".join(f"{s:>10}" for s in STAGES) + "  (mean per job)")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for mode in ("cold", "compiled"):
            cache = tmp / f"cache-{mode}"
            cache.mkdir()
            extra = ""
            if mode == "compiled":
                t0 = time.perf_counter()
                env = {**os.environ, "NUMBA_CACHE_DIR": str(cache)}
                subprocess.run([str(Path(sys.executable).parent / "isingml"), "compile"],
                               env=env, check=True, capture_output=True)  # fmt: skip
                extra = f"  (+ isingml compile once: {time.perf_counter() - t0:.1f} s)"
            rows, wall = launch(args.jobs, args, cache, tmp)
            means = [statistics.mean(r[s] for r in rows) for s in STAGES]
            print(f"{mode:<10}{wall:>8.1f}" + "".join(f"{m:>10.2f}" for m in means) + extra)


if __name__ == "__main__":
    main()
