"""Thermalise, measure tau_int, thin and collect Ising configurations. No file I/O here.

The protocol for one (L, T):

1. Start ordered (random global sign) below Onsager's T_c and random above it, so that
   Metropolis never has to escape a stripe state at low T.
2. Thermalise for ``n_thermalize`` sweeps (Wolff: sweep-equivalents, flipped spins / L**2).
3. Pilot run: record E and |m| once per sweep (Wolff: once per ``c`` clusters, c chosen from the
   mean cluster size seen while thermalising, about one sweep-equivalent) and estimate tau_int
   of both. The pilot series doubles until it is ``RELIABLE_LENGTH`` (200) tau_int long or
   reaches ``max_pilot_sweeps``; tau_int is estimated from the whole series each time.
4. Fix the spacing of stored samples in advance: at least 2 tau_int (the larger of the two), in
   whole sweeps for Metropolis and in a whole number of clusters for Wolff. The number of
   clusters between samples is never decided on the fly from the number of flipped spins,
   since that biases the stored ensemble (it favours configurations just after big clusters).
5. Collect, yielding chunks so that memory does not grow with the number of samples.

``algorithm='multispin'`` runs 64 independent Metropolis replicas at once (``multispin``): its
tau_int is the Metropolis pilot's, the replicas start independently and run a burn-in of
``BURN_IN_TAUS`` tau_int (at least ``n_thermalize`` sweeps), and each sampling time yields all
64 replicas, so the stored order is time-major.

``algorithm='auto'`` runs the pilot for Metropolis and Wolff and keeps the algorithm with the
lowest modelled cost of the whole job (``job_cost_ns``: n samples 2 tau_int apart, plus the
multi-spin burn-in). The cost uses fixed per-spin costs (``COST_NS``) rather than the wall
clock, so the choice, and hence the shard, is the same on every machine and every run.
"""

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from isingml.physics import ONSAGER_TC
from isingml.sampling import fast, kernels, multispin
from isingml.sampling.autocorr import RELIABLE_LENGTH, tau_int

ALGORITHMS = ("metropolis", "wolff", "multispin", "auto")
# Metropolis implementations: "split" (sampling/fast.py, vectorised, the default) and
# "reference" (kernels.metropolis_sweeps, the plain checkerboard loop it is validated against).
METROPOLIS_KERNELS = ("split", "reference")
SIMULATE_STREAM = 0  # first element of every shard's spawn key
# Nanoseconds per attempted Metropolis flip, per Wolff cluster spin and per replica spin of the
# multi-spin kernel on one core, measured with benchmarks/sampler.py (L = 64, T = 2.269). Only
# their ratios matter; they only steer 'auto'.
COST_NS = {"metropolis": 0.82, "wolff": 17.0, "multispin": 0.17}
# Replicas of the multi-spin kernel start independently (ordered with random sign below T_c,
# random above) and are run this many tau_int (at least n_thermalize sweeps) before the first
# sample; each replica is a Metropolis chain, so the Metropolis pilot's tau_int applies.
BURN_IN_TAUS = 20
REPLICA_STREAM = 1  # appended to the shard's spawn key for the replicas' seeds


@dataclass(frozen=True)
class SamplerSettings:
    """How to sample; the physics (L, T) and the seed are passed separately."""

    algorithm: str = "auto"
    n_thermalize: int = 1000  # sweeps before the pilot run
    pilot_records: int = 1000  # first pilot length, in records of about one sweep
    max_pilot_sweeps: int = 200_000
    min_interval: int = 1  # sweeps (Wolff: sweep-equivalents) between samples, at least
    chunk: int = 512  # samples per yielded chunk
    metropolis_kernel: str = "split"

    def __post_init__(self):
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"algorithm must be one of {ALGORITHMS}, got {self.algorithm!r}")
        if self.metropolis_kernel not in METROPOLIS_KERNELS:
            raise ValueError(f"metropolis_kernel must be one of {METROPOLIS_KERNELS}")
        for name in ("n_thermalize", "pilot_records", "max_pilot_sweeps", "chunk"):
            if getattr(self, name) < (0 if name == "n_thermalize" else 1):
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")


def check_lattice(L, T):
    if not isinstance(L, int | np.integer) or L < 4 or L % 2:
        raise ValueError(f"L must be an even integer >= 4 (checkerboard update), got {L}")
    if not (np.isfinite(T) and T > 0):
        raise ValueError(f"T must be a positive finite temperature, got {T}")


def spawn_key(L, T):
    """Spawn key of the (L, T) shard: made from L and T (in units of 1e-4), never job order."""
    return (SIMULATE_STREAM, int(L), int(round(float(T) * 10_000)))


def seed_sequence(root, L, T):
    return np.random.SeedSequence(int(root), spawn_key=spawn_key(L, T))


def rng_state(seq: np.random.SeedSequence):
    """A xoshiro256** state (uint64[4], never all zero) from a SeedSequence."""
    state = seq.generate_state(4, dtype=np.uint64)
    if not state.any():
        state[0] = 1
    return state


def counter_stream(seq: np.random.SeedSequence):
    """(key, counter) of the counter-based stream shared by the split Metropolis kernel
    (``fast``) and Wolff (``kernels.mix64``): a key independent of the xoshiro state (words 4
    and 5 of the same SeedSequence), counter 0."""
    words = seq.generate_state(6, dtype=np.uint64)
    return np.array([words[4] ^ (words[5] << np.uint64(1)), 0], dtype=np.uint64)


@dataclass
class Chain:
    """One Markov chain: the lattice, its random state and the update parameters."""

    L: int
    T: float
    spins: np.ndarray
    state: np.ndarray
    stream: np.ndarray
    metropolis_kernel: str = "split"
    seq: np.random.SeedSequence | None = None
    replicas: multispin.Replicas | None = field(default=None, init=False)
    pilot_series: dict = field(default_factory=dict, init=False)
    threshold: np.ndarray = field(init=False)
    p_add: np.uint64 = field(init=False)
    stack: np.ndarray = field(init=False)

    def __post_init__(self):
        self.threshold = kernels.metropolis_threshold(self.T)
        self.t2, self.t4 = fast.thresholds32(self.T)
        self.p_add = kernels.wolff_threshold(self.T)
        self.stack = np.empty(self.L * self.L, dtype=np.int64)

    @classmethod
    def start(cls, L, T, seq, metropolis_kernel="split"):
        check_lattice(L, T)
        state = rng_state(seq)
        stream = counter_stream(seq)
        words = np.empty(L * L, dtype=np.uint64)
        kernels.random_words(state, words)
        if T < ONSAGER_TC:
            sign = np.int8(1 if words[0] >> np.uint64(63) else -1)
            spins = np.full((L, L), sign, dtype=np.int8)
        else:
            spins = np.where(words >> np.uint64(63), 1, -1).astype(np.int8).reshape(L, L)
        return cls(L, T, spins, state, stream, metropolis_kernel, seq)

    def start_replicas(self, burn_in):
        """64 independent replicas for the multi-spin kernel, run ``burn_in`` sweeps."""
        seq = np.random.SeedSequence(
            self.seq.entropy, spawn_key=(*self.seq.spawn_key, REPLICA_STREAM)
        )
        init, lanes = seq.spawn(2)
        rng = np.random.default_rng(init)
        R, L = multispin.REPLICAS, self.L
        if self.T < ONSAGER_TC:
            sign = rng.choice(np.array([-1, 1], np.int8), size=R)
            spins = np.broadcast_to(sign[:, None, None], (R, L, L)).copy()
        else:
            spins = rng.choice(np.array([-1, 1], np.int8), size=(R, L, L))
        self.replicas = multispin.Replicas(spins, self.T, multispin.lane_states(lanes, L))
        self.replicas.sweep(burn_in)
        self._spare, self._used = None, 0

    def record_replicas(self, n, sweeps):
        """n configurations from the replicas: all 64 at one time, then ``sweeps`` further."""
        L = self.L
        snaps = np.empty((n, L, L), dtype=np.int8)
        e, m = np.empty(n), np.empty(n)
        done = work = 0
        while done < n:
            if self._spare is None or self._used == self._spare.shape[0]:
                self.replicas.sweep(sweeps)
                work += sweeps * L * L * multispin.REPLICAS
                self._spare, self._used = self.replicas.spins(), 0
            k = min(n - done, self._spare.shape[0] - self._used)
            snaps[done : done + k] = self._spare[self._used : self._used + k]
            for i in range(done, done + k):
                e[i], m[i] = kernels.energy_magnetization(snaps[i])
            done += k
            self._used += k
        return e, m, snaps, work

    def record(self, algorithm, n, per_record, snapshots=False):
        """Run ``n`` blocks of ``per_record`` updates; return (E, M, spins or None, work).

        ``work`` is accepted flips (Metropolis) or flipped spins (Wolff).
        """
        if algorithm == "multispin":
            e, m, snaps, work = self.record_replicas(n, per_record)
            return e, m, (snaps if snapshots else None), int(work)
        e = np.empty(n)
        m = np.empty(n)
        snaps = np.empty((n if snapshots else 0, self.L, self.L), dtype=np.int8)
        if algorithm == "metropolis" and self.metropolis_kernel == "split":
            work = fast.metropolis_split_record(
                self.spins, per_record, self.t2, self.t4, self.stream, e, m, snaps
            )
        elif algorithm == "metropolis":
            work = kernels.metropolis_record(
                self.spins, per_record, self.threshold, self.state, e, m, snaps
            )
        else:
            work = kernels.wolff_record(
                self.spins, per_record, self.p_add, self.stream, self.stack, e, m, snaps
            )
        return e, m, (snaps if snapshots else None), int(work)

    def thermalize_wolff(self, sweeps):
        """Wolff clusters until ``sweeps`` sweep-equivalents have flipped; returns mean size."""
        target = sweeps * self.L * self.L
        flipped = clusters = 0
        block = 1
        while flipped < target or clusters < 10:
            flipped += kernels.wolff_clusters(
                self.spins, block, self.p_add, self.stream, self.stack
            )
            clusters += block
            block = min(2 * block, 1024)
        return flipped / clusters


@dataclass(frozen=True)
class Pilot:
    """tau_int of one algorithm, in sweeps (Wolff: sweep-equivalents)."""

    algorithm: str
    per_record: int  # sweeps (Metropolis) or clusters (Wolff) per record
    sweeps_per_record: float
    tau_int_energy: float
    tau_int_abs_m: float
    reliable: bool
    work_per_update: float  # acceptance (Metropolis) or mean cluster size (Wolff)

    records: int  # length of the pilot series

    @property
    def tau_max(self):
        return max(self.tau_int_energy, self.tau_int_abs_m)

    def tau_for_cost(self):
        """tau_max, or when the pilot was too short, the lower bound it still implies."""
        tau = self.tau_max
        if not self.reliable:  # the estimate is only a lower bound; don't let it win cheaply
            tau = max(tau, self.records / RELIABLE_LENGTH * self.sweeps_per_record)
        return tau

    def cost_ns(self, L):
        """Modelled single-core cost of one independent sample (2 tau_int apart)."""
        return 2.0 * self.tau_for_cost() * L * L * COST_NS[self.algorithm]


def burn_in_sweeps(pilot: Pilot, settings: "SamplerSettings"):
    """Sweeps the multi-spin replicas run from their independent starts before sampling."""
    return max(settings.n_thermalize, math.ceil(BURN_IN_TAUS * pilot.tau_for_cost()))


def job_cost_ns(algorithm, pilot: Pilot, L, n_samples, settings):
    """Modelled cost of a whole job: n_samples independent samples, and for 'multispin' the
    replicas' burn-in too (it is spread over only n_samples / 64 samples per replica)."""
    if algorithm != "multispin":
        return n_samples * pilot.cost_ns(L)
    spacing = max(2.0 * pilot.tau_for_cost(), settings.min_interval)
    sweeps = burn_in_sweeps(pilot, settings) + math.ceil(n_samples / multispin.REPLICAS) * spacing
    return sweeps * L * L * multispin.REPLICAS * COST_NS["multispin"]


def run_pilot(chain, algorithm, per_record, records, L):
    """Extend the chain's pilot series of ``algorithm`` by ``records`` records and estimate
    tau_int from the whole series. Each extension continues the same chain, so the series is
    one run (under 'auto' the other algorithm's pilot may sit between two segments); estimating
    from it all, rather than from the newest segment, keeps a short lucky segment from passing
    the length test."""
    e, m, _, work = chain.record(algorithm, records, per_record)
    past = chain.pilot_series.get(algorithm)
    if past is not None and past["per_record"] == per_record:
        e, m = np.concatenate([past["e"], e]), np.concatenate([past["m"], m])
        work += past["work"]
    chain.pilot_series[algorithm] = {"e": e, "m": m, "work": work, "per_record": per_record}
    records = e.size
    te, tm = tau_int(e), tau_int(np.abs(m))
    if algorithm == "metropolis":
        spr, per_update = float(per_record), work / (records * per_record * L * L)
    else:
        per_update = work / (records * per_record)
        spr = per_record * per_update / (L * L)
    return Pilot(
        algorithm,
        per_record,
        spr,
        te.tau * spr,
        tm.tau * spr,
        te.reliable and tm.reliable,
        per_update,
        records,
    )


def pilot_until_reliable(chain, algorithm, per_record, settings, records=None):
    records = records or settings.pilot_records
    while True:
        p = run_pilot(chain, algorithm, per_record, records, chain.L)
        if p.reliable or 2 * p.records * p.sweeps_per_record > settings.max_pilot_sweeps:
            return p
        records = p.records  # double the series


@dataclass(frozen=True)
class Plan:
    algorithm: str
    updates_per_sample: int  # sweeps (Metropolis, multi-spin) or clusters (Wolff)
    interval: float  # sweeps or sweep-equivalents between stored samples (per replica)
    n_thermalize: int
    pilot: Pilot
    burn_in: int = 0  # multi-spin: sweeps of the replicas before their first sample


PILOT_OF = {"metropolis": "metropolis", "wolff": "wolff", "multispin": "metropolis"}


def plan_chain(chain: Chain, settings: SamplerSettings, n_samples: int = 1) -> Plan:
    """Thermalise ``chain`` and fix the sampling interval (steps 2-4 of the protocol).

    ``n_samples`` only steers 'auto': the multi-spin kernel's burn-in is paid once per job.
    """
    L = chain.L
    mean_cluster = chain.thermalize_wolff(settings.n_thermalize)
    # The Metropolis chain also gets its own thermalisation so that a pure-Metropolis
    # shard is Metropolis throughout the stored part; Wolff above only speeds equilibration.
    if settings.algorithm != "wolff":
        chain.record("metropolis", 1, max(settings.n_thermalize, 1))
    clusters_per_sweep = max(1, round(L * L / mean_cluster))
    per_record = {"metropolis": 1, "wolff": clusters_per_sweep}
    if settings.algorithm == "auto":
        pilots = {
            a: run_pilot(chain, a, per_record[a], settings.pilot_records, L) for a in per_record
        }
        while True:
            cost = {
                a: job_cost_ns(a, pilots[PILOT_OF[a]], L, n_samples, settings) for a in PILOT_OF
            }
            algorithm = min(cost, key=cost.get)
            pilot = pilots[PILOT_OF[algorithm]]
            if (
                pilot.reliable
                or 2 * pilot.records * pilot.sweeps_per_record > settings.max_pilot_sweeps
            ):
                break
            pilots[pilot.algorithm] = pilot_until_reliable(
                chain, pilot.algorithm, per_record[pilot.algorithm], settings, pilot.records
            )
    else:
        algorithm = settings.algorithm
        a = PILOT_OF[algorithm]
        pilot = pilot_until_reliable(chain, a, per_record[a], settings)
    target = max(2.0 * pilot.tau_max, float(settings.min_interval))
    records = max(1, math.ceil(target / pilot.sweeps_per_record - 1e-9))
    updates = records * pilot.per_record
    burn_in = 0
    if algorithm == "multispin":
        burn_in = burn_in_sweeps(pilot, settings)
        chain.start_replicas(burn_in)
    return Plan(
        algorithm,
        updates,
        updates * pilot.sweeps_per_record / pilot.per_record,
        settings.n_thermalize,
        pilot,
        burn_in,
    )


@dataclass
class Chunk:
    spins: np.ndarray  # int8 (k, L, L)
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


def sample(L, T, n_samples, seed, settings=SamplerSettings()) -> tuple[Plan, Iterator[Chunk]]:
    """Plan a chain for (L, T) from the root ``seed`` and return (plan, chunk iterator)."""
    check_lattice(L, T)
    if n_samples < 1:
        raise ValueError(f"samples must be >= 1, got {n_samples}")
    chain = Chain.start(L, T, seed_sequence(seed, L, T), settings.metropolis_kernel)
    plan = plan_chain(chain, settings, n_samples)
    return plan, collect(chain, plan, n_samples, settings.chunk)
