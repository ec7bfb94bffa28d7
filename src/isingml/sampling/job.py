"""The sampling job of one (L, T): plan a chain, sample it into a sink, measure tau_int on the
stored series. The sink (``io.shards.ShardWriter``) does the writing, so this module stays free
of file I/O; ``isingml simulate`` hands ``simulate`` the function that opens it.
"""

import contextlib
import time
from dataclasses import dataclass

import numpy as np

from isingml.sampling import sampler
from isingml.sampling.plan import Plan
from isingml.statistics import MIN_SPACING_TAUS


@dataclass(frozen=True)
class SimulateResult:
    """What one sampling job did: its ``plan`` (algorithm, pilot, interval), the tau_int of E
    and |m| measured on the stored series (``stored_tau``, per chain, in sample spacings) and
    the seconds of its stages (``plan``: thermalisation and pilot runs, ``sampling``,
    ``finish``)."""

    plan: Plan
    stored_tau: tuple
    stages: dict

    @property
    def too_close(self):
        """Whether the stored samples are less than ``MIN_SPACING_TAUS`` tau_int apart: the
        pilot underestimated tau_int."""
        return max(self.stored_tau) > 1.0 / MIN_SPACING_TAUS


def kernels_used(settings):
    """The algorithms whose kernels a job with these settings may run (all three under 'auto';
    the multi-spin job's pilot runs Metropolis)."""
    if settings.algorithm == "auto":
        return ("metropolis", "wolff", "multispin")
    if settings.algorithm == "multispin":
        return ("metropolis", "multispin")
    return (settings.algorithm,)


def simulate(L, T, n_samples, seed, settings, open_sink, progress):
    """Sample (L, T) from the root ``seed`` into the sink that ``open_sink()`` returns, a
    context manager with ``append(spins, energy, magnetization)`` per chunk and
    ``finish(**attributes)`` for the shard's attributes. It is opened only once the chain is
    planned, so that a job refused (too large, bad arguments) leaves nothing behind.
    ``progress(total, label)`` is a context manager yielding ``advance(k)``. Returns a
    ``SimulateResult``."""
    t0 = time.perf_counter()
    plan, chunks = sampler.sample(L, T, n_samples, seed, settings)
    stages = {"plan": time.perf_counter() - t0}  # thermalisation and pilot runs
    series = []
    label = f"L={L} T={T:.4f} {plan.algorithm}"
    with open_sink() as sink, progress(n_samples, label) as done:
        for chunk in chunks:
            sink.append(chunk.spins, chunk.energy, chunk.magnetization)
            series.append((chunk.energy, chunk.magnetization))
            done(chunk.spins.shape[0])
        stages["sampling"] = time.perf_counter() - t0 - stages["plan"]
        e, m = (np.concatenate(x) for x in zip(*series, strict=True))
        stored = sampler.stored_tau(e, m, plan.n_replicas)
        sink.finish(
            **sampler.shard_attributes(plan, settings, L, T, seed),
            stored_tau_int_energy=stored[0],
            stored_tau_int_abs_m=stored[1],
        )
    stages["finish"] = time.perf_counter() - t0 - stages["plan"] - stages["sampling"]
    return SimulateResult(plan, stored, stages)


def describe(result, L, T, n_samples, seconds, out):
    """The job's log line: the chosen algorithm, the pilot's tau_int and the spacing."""
    plan, p = result.plan, result.plan.pilot
    return (
        f"L={L} T={T:.4f} algorithm={plan.algorithm} tau_int(E)={p.tau_int_energy:.2f} "
        f"tau_int(|m|)={p.tau_int_abs_m:.2f} sweeps"
        f"{'' if p.reliable else ' (pilot too short: lower bounds)'} "
        f"interval={plan.interval:.2f} sweeps {sampler.work_name(plan)}={p.work_per_update:.4g} "
        f"samples={n_samples} seconds={seconds:.2f} -> {out}"
    )


class _ArraySink:
    """The shard writer's interface (``append`` per chunk, ``finish`` with the attributes),
    kept in memory; the spins only where they are wanted."""

    def __init__(self, keep_spins):
        self.keep_spins, self.attrs = keep_spins, {}
        self.spins, self.energy, self.magnetization = [], [], []

    def append(self, spins, energy, magnetization):
        if self.keep_spins:
            self.spins.append(np.array(spins))
        self.energy.append(np.array(energy))
        self.magnetization.append(np.array(magnetization))

    def finish(self, **attrs):
        self.attrs = attrs

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@contextlib.contextmanager
def _silent(total, label):
    yield lambda k: None


@dataclass
class Arrays:
    """One (L, T) sampled into memory: ``spins`` int8 (n, L, L) (None unless asked for),
    ``energy`` and ``magnetization`` per site (n,), and the attributes its shard would carry."""

    spins: np.ndarray | None
    energy: np.ndarray
    magnetization: np.ndarray
    attrs: dict


def sample_arrays(L, T, n_samples, seed, settings, spins=True):
    """``simulate`` into memory instead of a shard: the same stream, thermalisation, pilot and
    spacing as the shard of the same arguments (the Python API's ``sample``, and the scan's
    points, which keep only E and M)."""
    sink = _ArraySink(spins)
    simulate(L, T, n_samples, seed, settings, lambda: sink, _silent)
    return Arrays(
        np.concatenate(sink.spins) if spins else None,
        np.concatenate(sink.energy),
        np.concatenate(sink.magnetization),
        sink.attrs,
    )
