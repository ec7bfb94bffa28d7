"""Plan a chain: thermalise, measure tau_int in a pilot run, fix the spacing of stored samples,
and (under 'auto') choose the algorithm by a fixed cost model. No file I/O here.

Protocol (steps 2-4 of ``sampler``):

2. Thermalise for ``n_thermalize`` sweeps (Wolff: sweep-equivalents, flipped spins / L**2).
3. Pilot run: record E and |m| once per sweep (Wolff: once per ``c`` clusters, c chosen from the
   mean cluster size seen while thermalising, about one sweep-equivalent) and estimate tau_int
   of both. The pilot series doubles until it is ``RELIABLE_LENGTH`` (100) tau_int and at
   least ``pilot_min_sweeps`` long and the estimate has stopped rising (``is_reliable``), or
   until it reaches ``max_pilot_sweeps``; tau_int is estimated from the whole series each time.
4. Fix the spacing of stored samples in advance: at least 2 tau_int (the larger of the two), in
   whole sweeps for Metropolis and in a whole number of clusters for Wolff. The number of
   clusters between samples is never decided on the fly from the number of flipped spins,
   since that biases the stored ensemble (it favours configurations just after big clusters).

``algorithm='multispin'`` runs 64 independent Metropolis replicas at once: its tau_int is the
Metropolis pilot's, the replicas start independently and run a burn-in of ``BURN_IN_TAUS``
tau_int (at least ``n_thermalize`` sweeps).

``algorithm='auto'`` runs the pilot for Metropolis and Wolff and keeps the algorithm with the
lowest modelled cost of the whole job (``job_cost_ns``: n samples 2 tau_int apart, plus the
multi-spin burn-in). The cost uses the model's fixed per-spin costs (``lattice.cost.cost_ns``)
rather than the wall clock, so the choice, and hence the shard, is the same on every machine
and every run.
"""

import math
from dataclasses import dataclass

import numpy as np

from isingml.sampling import multispin
from isingml.sampling.chain import Chain
from isingml.statistics import RELIABLE_LENGTH, TARGET_SPACING_TAUS, tau_int

# Nanoseconds per attempted Metropolis flip, per Wolff cluster spin and per replica spin of the
# multi-spin kernel on one core: each lattice's own (``lattice.cost.cost_ns``; the square's were
# measured with benchmarks/sampler.py at L = 64, T = 2.269). Only their ratios matter; they only
# steer 'auto'.
# Replicas of the multi-spin kernel start independently (ordered, each with a random sign, at
# every T: above T_c they must disorder, in a few tau_int) and are run this many tau_int (at
# least n_thermalize sweeps) before the first sample; each replica is a Metropolis chain, so
# the Metropolis pilot's tau_int applies. The single-chain pilot's tau_int near T_c reads up
# to 5.5 times below that of the stored series
# (L = 64, T = 2.257: 33 against 181 sweeps; 1.5-2.2 elsewhere), so 100 pilot tau_int are
# >= 18 true ones; the burn-in costs at most ~5 % of a job's sweeps. The stored samples are then
# spaced by 0.6-2.8 true tau_int rather than 2: the errors hold (jackknife over independent
# replicas), and ``analysis.observables.sampling_check`` reports both after every run.
BURN_IN_TAUS = 100
# The pilot's estimate is trusted once the series is RELIABLE_LENGTH tau_int long (100, from
# autocorr) and, doubled, the estimate rose by less than this factor.
STABLE_GROWTH = 1.25


@dataclass(frozen=True)
class Pilot:
    """tau_int of one algorithm, in sweeps (Wolff: sweep-equivalents)."""

    algorithm: str
    per_record: int  # sweeps (Metropolis) or clusters (Wolff) per record
    sweeps_per_record: float
    tau_int_energy: float
    tau_int_abs_m: float
    reliable: bool  # long enough, and the estimate stopped rising (``is_reliable``)
    work_per_update: float  # acceptance (Metropolis) or mean cluster size (Wolff)

    records: int  # length of the pilot series

    @property
    def tau_max(self):
        return max(self.tau_int_energy, self.tau_int_abs_m)

    def tau_for_cost(self):
        """tau_max. Under 'auto' the cheapest algorithm's pilot is made reliable before the
        choice is final, so an unreliable estimate never decides the choice by itself."""
        return self.tau_max

    def cost_ns(self, L, lattice):
        """Modelled single-core cost of one independent sample (2 tau_int apart) of the
        lattice of size L, at its ``cost.cost_ns``."""
        x = per_site(TARGET_SPACING_TAUS * self.tau_for_cost(), L, lattice)
        return x * lattice.cost.cost_ns[self.algorithm]


def per_site(x, L, lattice):
    """x times the lattice's L^dim sites, one factor of L at a time (the order in which the
    square lattice's costs were always evaluated, so that 'auto' chooses as it did)."""
    for _ in range(lattice.dim):
        x = x * L
    return x


def burn_in_sweeps(pilot: Pilot, settings):
    """Sweeps the multi-spin replicas run from their independent starts before sampling."""
    return max(settings.n_thermalize, math.ceil(BURN_IN_TAUS * pilot.tau_for_cost()))


def job_cost_ns(algorithm, pilot: Pilot, L, n_samples, settings):
    """Modelled cost of a whole job of ``settings.lattice``: n_samples independent samples, and
    for 'multispin' the replicas' burn-in too (it is spread over only n_samples / 64 samples per
    replica)."""
    lattice = settings.lattice
    if algorithm != "multispin":
        return n_samples * pilot.cost_ns(L, lattice)
    spacing = max(TARGET_SPACING_TAUS * pilot.tau_for_cost(), settings.min_interval)
    sweeps = burn_in_sweeps(pilot, settings) + math.ceil(n_samples / multispin.REPLICAS) * spacing
    return per_site(sweeps, L, lattice) * multispin.REPLICAS * lattice.cost.cost_ns["multispin"]


def is_reliable(records, spr, tau_e, tau_m, settings, previous=None):
    """Whether a pilot series of ``records`` records (``spr`` sweeps each) with these tau_int
    estimates (in records) can be trusted: it is at least RELIABLE_LENGTH tau_int long, at least
    ``settings.pilot_min_sweeps`` sweeps long (a short series underestimates tau_int and then
    passes the length test by itself), and the estimate grew by less than STABLE_GROWTH since
    the previous, half as long, series (it has stopped rising with the length)."""
    tau = max(tau_e, tau_m)
    if records < RELIABLE_LENGTH * tau or records * spr < settings.pilot_min_sweeps:
        return False
    return previous is not None and tau * spr <= STABLE_GROWTH * previous.tau_max


def run_pilot(chain, algorithm, per_record, records, L, settings, previous=None):
    """Extend the chain's pilot series of ``algorithm`` by ``records`` records and estimate
    tau_int from the whole series. Each extension continues the same chain, so the series is
    one run (under 'auto' the other algorithm's pilot may sit between two segments); estimating
    from it all, rather than from the newest segment, keeps a short lucky segment from passing
    the length test. ``previous`` is the estimate before this extension."""
    e, m, _, work = chain.record(algorithm, records, per_record)
    past = chain.pilot_series.get(algorithm)
    if past is not None and past["per_record"] == per_record:
        e, m = np.concatenate([past["e"], e]), np.concatenate([past["m"], m])
        work += past["work"]
    chain.pilot_series[algorithm] = {"e": e, "m": m, "work": work, "per_record": per_record}
    records = e.size
    te, tm = tau_int(e), tau_int(np.abs(m))
    N = chain.N
    if algorithm == "metropolis":
        spr, per_update = float(per_record), work / (records * per_record * N)
    else:
        per_update = work / (records * per_record)
        spr = per_record * per_update / N
    return Pilot(
        algorithm,
        per_record,
        spr,
        te.tau * spr,
        tm.tau * spr,
        is_reliable(records, spr, te.tau, tm.tau, settings, previous),
        per_update,
        records,
    )


def pilot_until_reliable(chain, algorithm, per_record, settings, previous=None):
    """Double the pilot series (from ``previous``, or from ``settings.pilot_records``) until
    its estimate is reliable or the next doubling would pass ``max_pilot_sweeps``."""
    records = previous.records if previous is not None else settings.pilot_records
    while True:
        p = run_pilot(chain, algorithm, per_record, records, chain.L, settings, previous)
        if p.reliable or 2 * p.records * p.sweeps_per_record > settings.max_pilot_sweeps:
            return p
        records, previous = p.records, p  # double the series


@dataclass(frozen=True)
class Plan:
    algorithm: str
    updates_per_sample: int  # sweeps (Metropolis, multi-spin) or clusters (Wolff)
    interval: float  # sweeps or sweep-equivalents between stored samples (per replica)
    n_thermalize: int
    pilot: Pilot
    burn_in: int = 0  # multi-spin: sweeps of the replicas before their first sample

    @property
    def n_replicas(self):
        """Independent chains in the stored series (stored time-major)."""
        return multispin.REPLICAS if self.algorithm == "multispin" else 1


PILOT_OF = {"metropolis": "metropolis", "wolff": "wolff", "multispin": "metropolis"}


def plan_chain(chain: Chain, settings, n_samples: int = 1) -> Plan:
    """Thermalise ``chain`` and fix the sampling interval (steps 2-4 of the protocol).

    ``n_samples`` only steers 'auto': the multi-spin kernel's burn-in is paid once per job.
    """
    L = chain.L
    mean_cluster = chain.thermalize_wolff(settings.n_thermalize)
    # The Metropolis chain also gets its own thermalisation so that a pure-Metropolis
    # shard is Metropolis throughout the stored part; Wolff above only speeds equilibration.
    if settings.algorithm != "wolff":
        chain.record("metropolis", 1, max(settings.n_thermalize, 1))
    clusters_per_sweep = max(1, round(chain.N / mean_cluster))
    per_record = {"metropolis": 1, "wolff": clusters_per_sweep}
    if settings.algorithm == "auto":
        pilots = {
            a: run_pilot(chain, a, per_record[a], settings.pilot_records, L, settings)
            for a in per_record
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
                chain, pilot.algorithm, per_record[pilot.algorithm], settings, pilot
            )
    else:
        algorithm = settings.algorithm
        a = PILOT_OF[algorithm]
        pilot = pilot_until_reliable(chain, a, per_record[a], settings)
    target = max(TARGET_SPACING_TAUS * pilot.tau_max, float(settings.min_interval))
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
