"""What a configuration costs before it runs: a model of every job's seconds and memory.

Used by ``isingml plan`` (the whole configuration's cost per stage, with nothing sampled) and by
the workflow's resource functions (every job's ``runtime`` and ``mem_mb`` for the scheduler).

Sampling is modelled like the sampler's own planner (``sampling.plan``): per-spin costs
``COST_NS``, samples 2 tau_int apart, the multi-spin burn-in, pilots, thermalisation, and the
cheapest algorithm under ``auto``; what the planner measures in a pilot is modelled here from
the physics instead: tau_int ~ a L_eff^z with L_eff = (1/xi + 1/L)^-1, xi the model's exact
correlation length (``lattice.exact``; where none is known, the isotropic square's at the same
T / T_c, T_c exact or else the published reference, or the critical point's where neither is
known), z = 2.17 for Metropolis and 0.25
for Wolff (in sweep-equivalents), a and the per-spin costs the model's (``lattice.cost``).
Networks: seconds per (sample x site) of one epoch per member, per backend, measured with
``benchmarks/train.py`` and the default run's job times, scaled by the convolutions' width.
Every constant was calibrated on the project's 2-core machine (AMD EPYC Zen 3) on 2026-11-30
from the per-job records of a default run (``results/benchmarks/``); ``benchmarks/plan_check.py``
compares the model with any run's records.
"""

import math
from dataclasses import dataclass, fields

from isingml.lattices import SQUARE
from isingml.physics import ONSAGER_TC
from isingml.sampling.multispin import REPLICAS
from isingml.sampling.plan import BURN_IN_TAUS  # the planner's own, one home
from isingml.sampling.sampler import SamplerSettings

# a pilot runs >= 100 tau_int (doubled once on average) and >= the sampler's floor
PILOT_TAUS = 200
PILOT_MIN_SWEEPS = next(f.default for f in fields(SamplerSettings) if f.name == "pilot_min_sweeps")
PROCESS_S = 0.9  # start-up of a sampling job with Numba's cache warm (imports, cache loads)
COLD_COMPILE_S = 15.0  # compiling every sampling kernel from an empty Numba cache, once (14.5 s)
JAX_START_S = 6.0  # imports, model construction and compilation of a network job on the CPU
# seconds per (sample x site) of one training epoch for one member, CNN of width 4 x 8 (its
# FLOPs per site scale with sum of c_in c_out = 36) or the FCN; forward only is a third.
TRAIN_SITE_S = {"cpu": {"cnn": 3.0e-7, "fcn": 1.2e-8}, "gpu": {"cnn": 2.6e-9, "fcn": 2.0e-10}}
CNN_WIDTH_REF = 36
# In three dimensions a 3 x 3 x 3 filter costs ``CNN_DIM_FACTOR`` ** (dim - 2) times a 3 x 3 one
# per site and channel pair: 3 by the operation count, 8 measured (XLA's 3D convolutions on the
# CPU are less efficient than its 2D ones): the cubic configuration's run of 9c72928 trained its
# CNNs at L = 8 in 195 and 221 s against 73 s modelled with 3, and evaluated them in 942 s (two
# threads) against 498 s (benchmarks/results/lattices/cubic/run_record_9c72928.txt).
CNN_DIM_FACTOR = 8.0
# The CPU kernels (learning/cnn_cpu.py) against XLA, per lattice dimension: on the square the
# features job's 60 s -> 24 s; on the cube benchmarks/cnn_kernel.py's 9.4-12.7x at L = 8-12 on
# two threads (7.0 at L = 6, 16.0 at L = 16; benchmarks/results/cnn_kernel.txt), the sizes the
# cubic configuration evaluates, rounded down to 10 for what a job adds to the convolutions.
CNN_KERNEL_SPEEDUP = {2: 2.5, 3: 10.0}
PCA_SITE_S = 4.0e-10  # per (configuration x site) of one power-iteration matvec
# per (configuration x site x replica) of the jackknife refits, which step all 64 replicas in one
# matrix product (41 s -> 6.1 s at L = 64 measured side by side, so 0.15 of the matvec rate)
PCA_REPLICA_SITE_S = 6.0e-11
EARLY_STOP = 0.8  # epochs run over the maximum, in the default run (early stopping)
PYTHON_MB = 350  # resident size of a job before its data (Python, NumPy, h5py; JAX adds more)
JAX_MB = 300
SAFETY_TIME, SAFETY_MEM = 3.0, 1.5  # what a job asks the scheduler for, over the model
MIN_RUNTIME_MIN, MIN_MEM_MB = 5, 1000


def correlation_length(T, lattice=SQUARE):
    """The model's exact correlation length of the infinite lattice (lattice units); where none
    is known, the isotropic square lattice's at the same T / T_c, T_c the exact one or else the
    published reference (the cube's: a model of the cost only, which no estimator sees); inf
    where neither is known. T None: a Binder-grid shard the scan is yet to place, modelled at
    the critical point."""
    ex = lattice.exact
    if ex.correlation_length is not None:
        return ex.correlation_length(T)
    T_c = ex.T_c if ex.T_c is not None else ex.reference_T_c
    if T is None or T_c is None:
        return math.inf
    return SQUARE.exact.correlation_length(T * ONSAGER_TC / T_c)


def tau_int(algorithm, L, T, lattice=SQUARE):
    """Modelled tau_int (the larger of E and |m|) in sweeps (Wolff: sweep-equivalents)."""
    c = lattice.cost
    l_eff = 1.0 / (1.0 / correlation_length(T, lattice) + 1.0 / L)
    return max(0.5, c.tau_prefactor[algorithm] * l_eff ** c.z[algorithm])


def sampling_seconds(algorithm, L, T, n, lattice=SQUARE):
    """Modelled seconds of the stored samples of one job (no pilot, no start-up)."""
    N, cost_ns = lattice.n_sites(L), lattice.cost.cost_ns
    if algorithm == "multispin":
        tau = tau_int("metropolis", L, T, lattice)
        sweeps = BURN_IN_TAUS * tau + math.ceil(n / REPLICAS) * max(2 * tau, 1)
        return sweeps * N * REPLICAS * cost_ns["multispin"] * 1e-9
    tau = tau_int(algorithm, L, T, lattice)
    return n * max(2 * tau, 1) * N * cost_ns[algorithm] * 1e-9


@dataclass(frozen=True)
class Estimate:
    """One job's model: seconds on ``threads`` cores (or one GPU), peak memory in MB."""

    rule: str
    what: str
    seconds: float
    mem_mb: float
    gpu: bool = False
    algorithm: str = ""

    @property
    def runtime_min(self):
        """What the job asks the scheduler for: SAFETY_TIME x the model, and a floor."""
        return max(MIN_RUNTIME_MIN, math.ceil(SAFETY_TIME * (self.seconds + COLD_COMPILE_S) / 60))

    @property
    def request_mb(self):
        return max(MIN_MEM_MB, int(math.ceil(SAFETY_MEM * self.mem_mb / 100) * 100))


def simulate(L, T, n, algorithm="auto", thermalize=1000, spins=None, lattice=SQUARE):
    """A sampling job: the cheapest algorithm under ``auto`` as the planner would choose it."""
    options = ("metropolis", "wolff", "multispin") if algorithm == "auto" else (algorithm,)
    costs = {a: sampling_seconds(a, L, T, n, lattice) for a in options}
    best = min(costs, key=costs.get)
    N, cost_ns = lattice.n_sites(L), lattice.cost.cost_ns
    pilots = sum(
        max(PILOT_TAUS * tau_int(a, L, T, lattice), PILOT_MIN_SWEEPS) * N * cost_ns[a] * 1e-9
        for a in (
            {"metropolis", "wolff"}
            if algorithm == "auto"
            else {best.replace("multispin", "metropolis")}
        )
    )
    warm = thermalize * N * (cost_ns["wolff"] + cost_ns["metropolis"]) * 1e-9
    kept = n if spins is None else min(spins, n)
    mem = PYTHON_MB + (N * 64 + 2 * N * min(kept, 4096)) / 2**20 + n * 16 / 2**20
    where = "auto" if T is None else f"{T:.4f}"
    return Estimate("simulate", f"L={L} T={where} n={n}", PROCESS_S + warm + pilots + costs[best],
                    mem, algorithm=best)  # fmt: skip


# The scan (binder.temperatures: auto) measured against the per-job model, on the default
# scan (60 points, 64,000 samples, 12 s; 2026-12-06, the same machine): each point costs
# SCAN_POINT_S in-process (plan, pilot, thermalisation at L = 8) and its sampling at L = 16 and
# 32 runs SCAN_SAMPLING_FACTOR times the modelled sweeps (the model's tau_int was calibrated on
# the Binder grid's shards, not on multi-spin chains of L = 16-32 across the transition).
SCAN_POINT_S, SCAN_SAMPLING_FACTOR = 0.045, 4.5


def scan(sizes, temperatures, n, thermalize, lattice=SQUARE):
    """The scan that places the Binder grid (``binder.temperatures: auto``): one job sampling
    every (L, T) in memory with the multi-spin kernel (spins not kept)."""
    points = [simulate(L, T, n, "multispin", thermalize, 0, lattice)
              for L in sizes for T in temperatures]  # fmt: skip
    sampling = sum(p.seconds - PROCESS_S for p in points)
    seconds = PROCESS_S + len(points) * SCAN_POINT_S + SCAN_SAMPLING_FACTOR * sampling
    mem = max(p.mem_mb for p in points) + 2 * 16 * n / 2**20  # one point's E, M twice
    what = f"scan {len(sizes)} L x {len(temperatures)} T"
    return Estimate("binder_grid", what, seconds, mem, algorithm="multispin")


def cnn_width(channels):
    c = [1, *channels]
    return sum(a * b for a, b in zip(c[:-1], c[1:], strict=False))


def site_seconds(model, backend, channels=(4, 8), dim=2):
    """Seconds per (sample x site) of one training epoch of one member; a CNN's filters on a
    ``dim``-dimensional lattice cost ``CNN_DIM_FACTOR`` more per added dimension."""
    s = TRAIN_SITE_S[backend]["cnn" if model != "fcn" else "fcn"]
    if model == "fcn":
        return s
    return s * cnn_width(channels) / CNN_WIDTH_REF * CNN_DIM_FACTOR ** (dim - 2)


def network_data_mb(n, L, channels, batch=1024, lattice=SQUARE):
    """The int8 configurations on the host and on the device, and a batch's float32 activations
    (evaluation batches of up to ``batch``, every channel, forward and backward)."""
    N = lattice.n_sites(L)
    return (2 * n * N + 4 * batch * N * max(channels, default=1) * 3) / 2**20


def train(model, L, n_train, n_eval, members, epochs, channels=(4, 8), backend="cpu",
          lattice=SQUARE):  # fmt: skip
    """An ensemble's training job: members x epochs over n_train, then every sample evaluated;
    the networks' work is per site of ``lattice`` at size L."""
    per_site = site_seconds(model, backend, channels, lattice.dim)
    work = members * (EARLY_STOP * epochs * n_train + n_eval / 3) * lattice.n_sites(L) * per_site
    mem = PYTHON_MB + JAX_MB + network_data_mb(n_eval, L, channels, lattice=lattice)
    return Estimate("train", f"{model} L={L} x{members}", JAX_START_S + work, mem, backend == "gpu")


def features(site_evals, networks, channels=(4, 8), backend="cpu", spins_bytes=0, dim=2):
    """Every network's order parameter on the Binder grid: ``site_evals`` sites per network;
    ``spins_bytes``: the largest shard's int8 spins (the job holds one shard at a time);
    ``dim``: the lattice's dimension (on the CPU the Numba kernels, ``CNN_KERNEL_SPEEDUP``)."""
    forward = site_seconds("cnn", backend, channels, dim) / 3
    if backend == "cpu":  # the Numba kernels (learning/cnn_cpu.py), not XLA's
        forward /= CNN_KERNEL_SPEEDUP[dim]
    work = networks * site_evals * forward
    mem = PYTHON_MB + JAX_MB + 4 * spins_bytes / 2**20
    return Estimate("features", f"{networks} networks", JAX_START_S + work, mem, backend == "gpu")


def confusion(L, n_train, proposals, epochs, seeds, channels=(4, 8), backend="cpu",
              lattice=SQUARE):  # fmt: skip
    sites = n_train * lattice.n_sites(L)
    work = seeds * proposals * epochs * sites * site_seconds("cnn", backend, channels, lattice.dim)
    mem = PYTHON_MB + JAX_MB + network_data_mb(n_train, L, channels, lattice=lattice)
    return Estimate("confusion", f"L={L} x{seeds}", JAX_START_S + work, mem, backend == "gpu")


def analysis(rule, seconds, mem_mb=PYTHON_MB):
    return Estimate(rule, rule, seconds, mem_mb)
