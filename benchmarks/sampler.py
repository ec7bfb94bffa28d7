"""Single-core sampler speed: attempted flips per ns and ms per independent sample.

    NUMBA_NUM_THREADS=1 python benchmarks/sampler.py [--quick] [--sizes 32 64 128 256]
        [--lattices square triangular honeycomb anisotropic cubic] [--json rows.json]
        [--concurrency]

Rows, per lattice (``--lattices``; ``anisotropic`` is the square with (J_x, J_y) = (1, 0.5)):
- ``metropolis``: the vectorised split-lattice kernel (``split_metropolis.py``), the default;
- ``metropolis-reference``: the plain checkerboard kernel it is validated against;
- ``multispin``: 64 independent replicas in bit-packed words (``sampling/multispin.py``); its
  flips count every replica's spins;
- ``wolff``: spins flipped in clusters (its unit of work).
Every lattice but the square with unit couplings runs the general kernels on its neighbour
table (``sampling/general.py``, ``multispin_general.py``; no reference row). ``bonds/ns`` is
flips/ns times the lattice's neighbours per site (z = 3, 4, 6): the work per flip grows with z,
so it compares the kernels across lattices more fairly. The temperatures are the square's
(1.5, 2.269, 3.5) scaled by the lattice's T_c / Onsager's (the cubic lattice's reference T_c,
4.5115, for want of an exact one; ``--sizes`` are then L of L^3 sites); ``ms/indep`` is given at
the middle one, T_c. The per-spin costs of each lattice's cost model (``lattices.*.cost``) come
from here.

``flips/ns`` is the best of ``REPEATS`` timed runs (the median is shown too: this is a shared
virtual machine and its speed drifts). ``ms/indep`` (T = 2.269, L <= 128) is the single-core time
for 2 tau_int, the spacing the sampler stores samples at, with tau_int (the larger of E and |m|)
from a run 500 tau_int long; for multispin it is per replica, i.e. the time of
2 tau_int Metropolis sweeps of all 64 replicas divided by 64. Metropolis, its reference and the
multi-spin kernel share one tau_int: they are the same Markov chain.

``--concurrency`` runs each kernel alone and then as two processes at once, and prints the rate
each of the two keeps as a fraction of the single-process rate.
"""

import argparse
import json
import math
import multiprocessing as mp
import time

import numpy as np

from isingml import lattices, seeds
from isingml.physics import ONSAGER_TC
from isingml.sampling import general, metropolis, multispin, plan, split_metropolis, wolff
from isingml.sampling.chain import Chain
from isingml.sampling.sampler import SamplerSettings, shard_key

TEMPERATURES = (1.5, 2.269, 3.5)
ALGORITHMS = ("metropolis", "metropolis-reference", "multispin", "wolff")
GENERAL_ALGORITHMS = ("metropolis", "multispin", "wolff")
MODELS = {
    "square": lattices.SQUARE,
    "triangular": lattices.get("triangular"),
    "honeycomb": lattices.get("honeycomb"),
    "anisotropic": lattices.get("square", (1.0, 0.5)),
    "cubic": lattices.get("cubic"),
}
REPEATS = 5
LONG_TAUS = 500
MAX_TAU_L = 128  # Metropolis tau_int ~ L^2.17 makes pilots at T_c minutes long above this


class Runner:
    """One kernel on an equilibrated-enough lattice; ``run(n)`` returns the work done."""

    def __init__(self, L, T, algorithm, lattice=lattices.SQUARE):
        self.L, self.algorithm, self.N = L, algorithm, lattice.n_sites(L)
        chain = Chain.start(L, T, _sequence(L, T, lattice), lattice=lattice)
        if algorithm == "wolff":
            chain.thermalize_wolff(200)
        else:
            chain.record("metropolis", 1, 200)
        self.chain = chain
        if algorithm == "metropolis" and chain.table is None:
            self.split = split_metropolis.SplitLattice(chain.spins)
        if algorithm == "multispin":
            chain.start_replicas(200)
        self.run(1)  # compile / load the kernel

    def run(self, n):
        c, L = self.chain, self.L
        if c.table is not None:
            return self.run_general(n)
        if self.algorithm == "metropolis":
            self.split.sweep(n, c.t2, c.t4, c.stream)
            return n * L * L
        if self.algorithm == "metropolis-reference":
            metropolis.metropolis_sweeps(c.spins, n, c.threshold, c.state)
            return n * L * L
        if self.algorithm == "multispin":
            c.replicas.sweep(n)
            return n * L * L * multispin.REPLICAS
        return wolff.wolff_clusters(c.spins, n, c.p_add, c.stream, c.stack)

    def run_general(self, n):
        c, k = self.chain, self.chain.table
        if self.algorithm == "metropolis":
            flat = c.spins.reshape(-1)
            general.metropolis_sweeps_table(flat, k.nb, k.weight, k.order, k.threshold, n, c.state)
            return n * self.N
        if self.algorithm == "multispin":
            c.replicas.sweep(n)
            return n * self.N * multispin.REPLICAS
        return k.wolff_clusters(c.spins, n, c.stream)

    def size(self, seconds):
        """Updates per run for runs of roughly ``seconds``."""
        n = 1
        while True:
            t0 = time.perf_counter()
            self.run(n)
            if time.perf_counter() - t0 > seconds / 4:
                return 2 * n
            n *= 2

    def rates(self, seconds, repeats=REPEATS):
        """Work per ns of ``repeats`` runs of about ``seconds`` each."""
        n = self.size(seconds)
        out = []
        for _ in range(repeats):
            t0 = time.perf_counter()
            work = self.run(n)
            out.append(work / ((time.perf_counter() - t0) * 1e9))
        return out


def _sequence(L, T, lattice):
    return seeds.sequence(0, shard_key(L, T, SamplerSettings(lattice=lattice)))


def pilot_tau(L, T, algorithm, lattice=lattices.SQUARE):
    """tau_int from a run of ``LONG_TAUS`` tau_int after the sampler's own pilot (which stops at
    100 tau_int, where the estimate still scatters by about 20 per cent)."""
    settings = SamplerSettings(algorithm=algorithm, n_thermalize=200, lattice=lattice)
    chain = Chain.start(L, T, _sequence(L, T, lattice), lattice=lattice)
    p = plan.plan_chain(chain, settings).pilot
    records = math.ceil(LONG_TAUS * p.tau_max / p.sweeps_per_record)
    return plan.run_pilot(chain, algorithm, p.per_record, max(records, p.records), L, settings)


def table(sizes, seconds, models=("square",)):
    rows = []
    for name in models:
        rows += lattice_table(name, sizes, seconds)
    return rows


def critical_temperature(lattice):
    """The exact T_c, or the reference value where none is known (the cubic lattice)."""
    return lattice.exact.T_c or lattice.exact.reference_T_c


def lattice_table(name, sizes, seconds):
    lattice = MODELS[name]
    scale = 1.0 if lattice.specialised else critical_temperature(lattice) / ONSAGER_TC
    algorithms = ALGORITHMS if lattice.specialised else GENERAL_ALGORITHMS
    rows = []
    for L in sizes:
        N = lattice.n_sites(L)
        for k, T in enumerate(t * scale for t in TEMPERATURES):
            critical = k == 1
            pilots = {}
            if L <= MAX_TAU_L or not critical:
                pilots = {a: pilot_tau(L, T, a, lattice) for a in ("metropolis", "wolff")}
            for algorithm in algorithms:
                rates = Runner(L, T, algorithm, lattice).rates(seconds)
                best = max(rates)
                p = pilots.get("wolff" if algorithm == "wolff" else "metropolis")
                ms = None
                if p is not None and critical:
                    # best-rate time of 2 tau_int sweeps; multispin's rate counts 64 replicas
                    # but one replica's sample needs only N of its flips
                    ms = 2 * p.tau_max * N / best / 1e6
                rows.append(
                    {
                        "lattice": name,
                        "algorithm": algorithm,
                        "L": L,
                        "T": T,
                        "flips_per_ns": best,
                        "bonds_per_ns": best * lattice.degree,
                        "flips_per_ns_median": float(np.median(rates)),
                        "ms_per_independent_sample": ms,
                        "tau_int_sweeps": None if p is None else p.tau_max,
                        "tau_reliable": None if p is None else p.reliable,
                    }
                )
                print_row(rows[-1])
    return rows


def print_header():
    print(
        f"{'lattice':<12}{'algorithm':<21}{'L':>5}{'T':>8}{'flips/ns':>10}{'median':>9}"
        f"{'bonds/ns':>10}{'tau_int':>10}{'ms/indep':>10}",
        flush=True,
    )


def print_row(r):
    tau = "-" if r["tau_int_sweeps"] is None else f"{r['tau_int_sweeps']:.2f}"
    ms = r["ms_per_independent_sample"]
    ms = "-" if ms is None else f"{ms:.4f}"
    print(
        f"{r['lattice']:<12}{r['algorithm']:<21}{r['L']:>5}{r['T']:>8.3f}"
        f"{r['flips_per_ns']:>10.3f}{r['flips_per_ns_median']:>9.3f}{r['bonds_per_ns']:>10.3f}"
        f"{tau:>10}{ms:>10}",
        flush=True,
    )


def _serve(conn, L, T, algorithm, seconds):
    runner = Runner(L, T, algorithm)
    n = runner.size(seconds)
    conn.send("ready")
    while conn.recv():
        t0 = time.perf_counter()
        work = runner.run(n)
        conn.send(work / ((time.perf_counter() - t0) * 1e9))


def concurrency(seconds, rounds=7):
    """Two worker processes; each round times worker 1 alone, then both at once. Rounds
    alternate so that drifts in the machine's speed hit both conditions alike. Prints medians
    over rounds and the fraction of the alone rate that the slower of the pair keeps."""
    cases = [(64, 2.269, "metropolis"), (256, 2.269, "metropolis"), (256, 2.269, "multispin")]
    cases += [(64, 2.269, "wolff")]
    ctx = mp.get_context("spawn")
    print(f"\n{'algorithm':<12}{'L':>5}{'alone':>9}{'job 1':>9}{'job 2':>9}{'kept':>8}")
    rows = []
    for L, T, algorithm in cases:
        pipes = [ctx.Pipe() for _ in range(2)]
        procs = [
            ctx.Process(target=_serve, args=(child, L, T, algorithm, seconds)) for _, child in pipes
        ]
        for p in procs:
            p.start()
        conns = [parent for parent, _ in pipes]
        for c in conns:
            c.recv()
        alone, pair = [], [[], []]
        for _ in range(rounds):
            conns[0].send(True)
            alone.append(conns[0].recv())
            for c in conns:
                c.send(True)
            for k, c in enumerate(conns):
                pair[k].append(c.recv())
        for c in conns:
            c.send(False)
        for p in procs:
            p.join()
        a = float(np.median(alone))
        b = [float(np.median(x)) for x in pair]
        kept = min(b) / a
        rows.append({"algorithm": algorithm, "L": L, "alone": a, "pair": b, "kept": kept})
        print(f"{algorithm:<12}{L:>5}{a:>9.3f}{b[0]:>9.3f}{b[1]:>9.3f}{kept:>8.0%}", flush=True)
    return rows


def calibrated_costs(rows):
    """Per-spin costs (ns) of every other lattice's kernels, measured here against the square's:
    the square's calibrated ``cost_ns`` (which include its jobs' overheads) times the ratio of
    the square's rate to the lattice's, both at T_c and the largest size of this run. Only the
    ratios steer 'auto', so scaling by the square keeps every lattice on the square's footing."""
    at_tc = {}
    for r in rows:
        if abs(r["T"] - critical_temperature(MODELS[r["lattice"]])) < 0.01:
            at_tc[r["lattice"], r["algorithm"], r["L"]] = r["flips_per_ns"]
    out = {}
    for name in {r["lattice"] for r in rows} - {"square"}:
        sizes = [L for (n, a, L) in at_tc if n == name and (("square", a, L) in at_tc)]
        if not sizes:
            continue
        L = max(sizes)
        out[name] = {
            "L": L,
            "cost_ns": {
                a: lattices.SQUARE.cost.cost_ns[a]
                * at_tc["square", a, L]
                / at_tc[name, a, L]  # fmt: skip
                for a in GENERAL_ALGORITHMS
            },
        }
    return out


def print_costs(costs):
    if not costs:
        return
    print(
        f"\nper-spin costs, ns (the square's cost_ns x the square's rate / the lattice's, "
        f"at T_c)\n{'lattice':<12}{'L':>5}" + "".join(f"{a:>12}" for a in GENERAL_ALGORITHMS)
    )
    for name, c in sorted(costs.items()):
        print(f"{name:<12}{c['L']:>5}"
              + "".join(f"{c['cost_ns'][a]:>12.3f}" for a in GENERAL_ALGORITHMS))  # fmt: skip


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--json", help="also write the rows to this file as a JSON list")
    ap.add_argument("--quick", action="store_true", help="shorter timings (noisier)")
    ap.add_argument("--sizes", type=int, nargs="+", default=[32, 64, 128, 256])
    ap.add_argument("--lattices", nargs="+", choices=list(MODELS), default=["square"])
    ap.add_argument(
        "--concurrency", action="store_true", help="also run two processes at once (2 cores)"
    )
    args = ap.parse_args()
    seconds = 0.1 if args.quick else 0.4
    print_header()
    rows = table(args.sizes, seconds, args.lattices)
    tcs = ", ".join(f"{n} {critical_temperature(MODELS[n]):.6f}"
                    + (" (reference)" if MODELS[n].exact.T_c is None else "")
                    for n in args.lattices)  # fmt: skip
    print(f"(T_c: {tcs}; tau_int in sweeps or sweep-equivalents)")
    result = {"rows": rows}
    if "square" in args.lattices:
        result["cost_ns"] = calibrated_costs(rows)
        print_costs(result["cost_ns"])
    if args.concurrency:
        result["concurrency"] = concurrency(seconds)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)


if __name__ == "__main__":
    main()
