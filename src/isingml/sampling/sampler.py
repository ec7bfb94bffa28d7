"""Sample Ising configurations of one (L, T): the public entry point of ``isingml.sampling``.

The protocol for one (L, T):

1. Start ordered, with a random global sign, at every temperature (``lattice``).
2-4. Thermalise, measure tau_int in a pilot run, fix the spacing of stored samples, and under
   'auto' choose the algorithm (``plan``).
5. Collect, yielding chunks so that memory does not grow with the number of samples.

``shard_attributes`` turns a plan into the provenance attributes of the shard it fills.
No file I/O here.
"""

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from isingml import config, seeds
from isingml.errors import UserError
from isingml.lattices import SQUARE, Lattice
from isingml.resources import require_memory
from isingml.sampling import GRIDS, multispin
from isingml.sampling.chain import Chain
from isingml.sampling.lattice import check_lattice
from isingml.sampling.plan import Plan, plan_chain
from isingml.statistics import tau_int

ALGORITHMS = ("metropolis", "wolff", "multispin", "auto")
# Metropolis implementations: "split" (split_metropolis.py, vectorised, the default) and
# "reference" (metropolis.metropolis_sweeps, the plain checkerboard loop it is validated against).
METROPOLIS_KERNELS = ("split", "reference")
CHUNK_SITES = 1 << 24  # spins per chunk of configurations, at most (16 MiB of int8)
# Bytes per site of one chain's arrays: int8 lattice, uint64 start words and Wolff stack, the
# split layout (~3 L^2), and for multi-spin 64 int8 replicas twice plus their uint64 words.
WORK_BYTES_PER_SITE = 170
# The general kernels (every model but the square with unit couplings) add per site their int64
# neighbour table and its construction's copy (16 bytes a neighbour), the visiting order, the
# colouring it is sorted from and the sort's work space (24): 120 bytes on the cubic lattice.
TABLE_BYTES_PER_NEIGHBOUR, TABLE_BYTES_PER_SITE = 16, 24


@dataclass(frozen=True)
class SamplerSettings:
    """How to sample, and what: ``lattice`` is the model (``isingml.lattices``); (L, T) and the
    seed are passed separately."""

    algorithm: str = "auto"
    # sweeps before the pilot run; the default is the config schema's ``thermalize``
    n_thermalize: int = field(default_factory=lambda: config.defaults()["thermalize"])
    pilot_records: int = 1000  # first pilot length, in records of about one sweep
    pilot_min_sweeps: int = 4000  # floor of a trusted pilot series
    max_pilot_sweeps: int = 200_000
    min_interval: int = 1  # sweeps (Wolff: sweep-equivalents) between samples, at least
    chunk: int = 512  # samples per yielded chunk
    metropolis_kernel: str = "split"
    grid: str = "network"  # which grid the shard belongs to: its seed stream (seeds.shard_key)
    lattice: Lattice = SQUARE

    def __post_init__(self):
        if self.algorithm not in ALGORITHMS:
            raise UserError(f"algorithm must be one of {ALGORITHMS}, got {self.algorithm!r}")
        if self.grid not in GRIDS:
            raise UserError(f"grid must be one of {GRIDS}, got {self.grid!r}")
        if self.metropolis_kernel not in METROPOLIS_KERNELS:
            raise UserError(f"metropolis_kernel must be one of {METROPOLIS_KERNELS}")
        for name in (
            "n_thermalize",
            "pilot_records",
            "pilot_min_sweeps",
            "max_pilot_sweeps",
            "chunk",
        ):
            if getattr(self, name) < (0 if name == "n_thermalize" else 1):
                raise UserError(f"{name} must be positive, got {getattr(self, name)}")


@dataclass
class Chunk:
    spins: np.ndarray  # int8 (k, *lattice.shape(L))
    energy: np.ndarray  # float64 (k,), per site
    magnetization: np.ndarray  # float64 (k,), signed, per site


@dataclass
class RunStats:
    n_samples: int = 0
    work: int = 0
    seconds: float = 0.0


def collect(chain: Chain, plan: Plan, n_samples: int, chunk: int, stats: RunStats | None = None):
    """Yield ``n_samples`` configurations, ``plan.updates_per_sample`` updates apart, in chunks."""
    stats = stats if stats is not None else RunStats()
    done = 0
    while done < n_samples:
        k = min(chunk, n_samples - done)
        t0 = time.perf_counter()
        e, m, snaps, work = chain.record(plan.algorithm, k, plan.updates_per_sample, True)
        stats.seconds += time.perf_counter() - t0
        stats.work += work
        stats.n_samples += k
        done += k
        yield Chunk(snaps, e, m)


def chunk_size(L, settings):
    """Configurations per chunk: ``settings.chunk``, fewer for large L (at most CHUNK_SITES)."""
    return max(1, min(settings.chunk, CHUNK_SITES // settings.lattice.n_sites(L)))


def memory_needed(L, settings):
    """Bytes a sampling job of size L holds at once: the lattice and its work arrays (random
    words, Wolff stack, split layout; 64 replicas and their words for multi-spin; the general
    kernels' neighbour table) and a chunk of configurations, with a margin for copies."""
    lattice = settings.lattice
    per_site = WORK_BYTES_PER_SITE + 2 * chunk_size(L, settings)
    if not lattice.specialised:
        per_site += TABLE_BYTES_PER_NEIGHBOUR * lattice.degree + TABLE_BYTES_PER_SITE
    return lattice.n_sites(L) * per_site


def check_memory(L, settings):
    """Refuse, before anything is allocated, a job of size L that the machine has no memory
    for (``memory_needed``), naming the size and the option or key that sets it."""
    lattice = settings.lattice
    require_memory(
        memory_needed(L, settings),
        f"sampling the {lattice.describe()} lattice ({lattice.n_sites(L):,} sites) at L = {L}",
        "choose a smaller L (--L, or lattice_sizes in the config) or a machine with more memory",
    )


def sample(L, T, n_samples, seed, settings=SamplerSettings()) -> tuple[Plan, Iterator[Chunk]]:
    """Plan a chain for (L, T) of ``settings.lattice`` from the root ``seed`` and return
    (plan, chunk iterator)."""
    check_lattice(L, T, settings.lattice)
    if n_samples < 1:
        raise UserError(f"samples must be >= 1, got {n_samples}")
    check_memory(L, settings)
    seq = seeds.sequence(seed, shard_key(L, T, settings))
    chain = Chain.start(L, T, seq, settings.metropolis_kernel, settings.lattice)
    plan = plan_chain(chain, settings, n_samples)
    return plan, collect(chain, plan, n_samples, chunk_size(L, settings))


KERNEL_CHECK = (8, 2.27, 64)  # L, T, samples of the tiny run that compiles or loads the kernels


def shard_key(L, T, settings):
    """The spawn key of the shard of (L, T) on ``settings``' grid and lattice."""
    return seeds.shard_key(L, T, settings.grid, settings.lattice.name)


def warm_kernels(algorithms=("metropolis", "wolff", "multispin"), grid="network", lattice=SQUARE):
    """Compile (or load from Numba's cache) every kernel a job of these algorithms runs on this
    lattice, by sampling a tiny one with each: the workflow's ``compile_kernels`` job does it
    once before any sampling job starts, so that concurrent jobs do not all compile the same
    kernels from an empty cache. Returns the seconds it took."""
    import time

    t0 = time.perf_counter()
    L, T, n = KERNEL_CHECK
    for algorithm in algorithms:
        settings = SamplerSettings(
            algorithm=algorithm,
            n_thermalize=10,
            pilot_records=64,
            pilot_min_sweeps=64,
            max_pilot_sweeps=256,
            grid=grid,
            lattice=lattice,
        )
        _, chunks = sample(L, T, n, 0, settings)
        for chunk in chunks:
            stored_tau(chunk.energy, chunk.magnetization, 64 if algorithm == "multispin" else 1)
    return time.perf_counter() - t0


def work_name(plan: Plan):
    """Name of the pilot's work per update: Metropolis acceptance or Wolff mean cluster size."""
    return "acceptance" if plan.pilot.algorithm == "metropolis" else "mean_cluster_size"


def shard_attributes(plan: Plan, settings: SamplerSettings, L, T, seed):
    """The provenance attributes of the shard that ``sample`` fills (the schema's ``attrs``)."""
    p = plan.pilot
    if settings.lattice.specialised:
        kernel = {"metropolis": settings.metropolis_kernel, "wolff": "wolff"}
    else:  # the neighbour table's kernels (chain.py), whatever metropolis_kernel says
        kernel = {"metropolis": "general", "wolff": "general", "multispin": "multispin_general"}
    replicas = {}
    if plan.algorithm == "multispin":
        replicas = dict(
            n_replicas=multispin.REPLICAS,
            replica_burn_in=plan.burn_in,
            sample_order="time-major: 64 independent replicas at each sampling time",
        )
    return dict(
        T=float(T),
        J=1.0,  # the unit of energy; the model's couplings are ``couplings``
        **settings.lattice.attrs(),
        algorithm=plan.algorithm,
        n_thermalize=plan.n_thermalize,
        interval=plan.interval,
        updates_per_sample=plan.updates_per_sample,
        update_unit="cluster" if plan.algorithm == "wolff" else "sweep",
        kernel=kernel.get(plan.algorithm, plan.algorithm),
        **replicas,
        tau_int_energy=p.tau_int_energy,
        tau_int_abs_m=p.tau_int_abs_m,
        tau_int_reliable=p.reliable,
        **{work_name(plan): p.work_per_update},
        seed=int(seed),
        spawn_key=list(shard_key(L, T, settings)),
        grid=settings.grid,
    )


def stored_tau(e, m, n_replicas=1):
    """tau_int of E and |m| measured on the stored series, per chain (replica) and averaged, in
    units of the stored spacing: about 0.5-0.7 when samples are >= 2 tau_int apart, above 1
    when the pilot underestimated tau_int."""
    taus = [
        [tau_int(x[r::n_replicas]).tau for r in range(n_replicas) if x[r::n_replicas].size >= 4]
        for x in (np.asarray(e), np.abs(m))
    ]
    return tuple(float(np.mean(t)) if t else float("nan") for t in taus)
