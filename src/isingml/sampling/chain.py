"""One Markov chain of one (L, T): the lattice, its random state, and the updates that advance
it and record E and M (and optionally the configurations).

``algorithm`` is "metropolis" (the split kernel, or the reference kernel with
``metropolis_kernel="reference"``), "wolff", or "multispin": 64 independent replicas, started
by ``start_replicas`` and recorded time-major (all 64 at one time, then the next time). The
square lattice with unit couplings (``lattice.specialised``) runs its own kernels; every other
model runs the general ones on its neighbour table (``general``, ``multispin_general``).
"""

from dataclasses import dataclass, field

import numpy as np

from isingml import seeds
from isingml.lattices import SQUARE, Lattice
from isingml.sampling import general, metropolis, multispin, split_metropolis, wolff
from isingml.sampling.lattice import check_lattice, energy_magnetization, initial_spins
from isingml.sampling.multispin_general import TableReplicas
from isingml.sampling.rng import counter_stream, rng_state


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
    lattice: Lattice = SQUARE
    replicas: multispin.Replicas | TableReplicas | None = field(default=None, init=False)
    pilot_series: dict = field(default_factory=dict, init=False)
    threshold: np.ndarray = field(init=False)
    p_add: np.uint64 = field(init=False)
    stack: np.ndarray = field(init=False)
    table: general.TableKernels | None = field(default=None, init=False)

    def __post_init__(self):
        self.N = self.lattice.n_sites(self.L)
        if not self.lattice.specialised:
            self.table = general.TableKernels(self.lattice, self.L, self.T)
            return
        self.threshold = metropolis.metropolis_threshold(self.T)
        self.t2, self.t4 = split_metropolis.thresholds32(self.T)
        self.p_add = wolff.wolff_threshold(self.T)
        self.stack = np.empty(self.L * self.L, dtype=np.int64)

    @classmethod
    def start(cls, L, T, seq, metropolis_kernel="split", lattice=SQUARE):
        check_lattice(L, T, lattice)
        state = rng_state(seq)
        stream = counter_stream(seq)
        spins = initial_spins(lattice.shape(L), state)
        return cls(L, T, spins, state, stream, metropolis_kernel, seq, lattice)

    def energy_magnetization(self, spins):
        """(e, m) per site of one configuration of this chain's model."""
        if self.table is None:
            return energy_magnetization(spins)
        return self.table.energy_magnetization(spins)

    def start_replicas(self, burn_in):
        """64 independent replicas for the multi-spin kernel, each started ordered with a sign
        of its own (from the replicas' stream), run ``burn_in`` sweeps. An ordered start never
        lies in the zero-energy-cost orbit of checkerboard Metropolis that a random start at
        L = 4 could land in (about 1 replica in 1,900: a replica frozen at e = 0)."""
        seq = seeds.replicas(self.seq)
        init, lanes = seq.spawn(2)
        rng = np.random.default_rng(init)
        R, L, shape = multispin.REPLICAS, self.L, self.spins.shape
        sign = rng.choice(np.array([-1, 1], np.int8), size=R)
        spins = np.broadcast_to(sign.reshape((R,) + (1,) * len(shape)), (R, *shape)).copy()
        if self.table is None:
            self.replicas = multispin.Replicas(spins, self.T, multispin.lane_states(lanes, L))
        else:
            self.replicas = TableReplicas(spins, self.T, self.lattice, rng_state(lanes))
        self.replicas.sweep(burn_in)
        self._spare, self._used = None, 0

    def record_replicas(self, n, sweeps):
        """n configurations from the replicas: all 64 at one time, then ``sweeps`` further."""
        snaps = np.empty((n, *self.spins.shape), dtype=np.int8)
        e, m = np.empty(n), np.empty(n)
        done = work = 0
        while done < n:
            if self._spare is None or self._used == self._spare.shape[0]:
                self.replicas.sweep(sweeps)
                work += sweeps * self.N * multispin.REPLICAS
                self._spare, self._used = self.replicas.spins(), 0
            k = min(n - done, self._spare.shape[0] - self._used)
            snaps[done : done + k] = self._spare[self._used : self._used + k]
            for i in range(done, done + k):
                e[i], m[i] = self.energy_magnetization(snaps[i])
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
        snaps = np.empty((n if snapshots else 0, *self.spins.shape), dtype=np.int8)
        if self.table is not None:
            kernel = self.table.metropolis if algorithm == "metropolis" else self.table.wolff
            rng = self.state if algorithm == "metropolis" else self.stream
            work = kernel(self.spins, per_record, rng, e, m, snaps)
        elif algorithm == "metropolis" and self.metropolis_kernel == "split":
            work = split_metropolis.metropolis_split_record(
                self.spins, per_record, self.t2, self.t4, self.stream, e, m, snaps
            )
        elif algorithm == "metropolis":
            work = metropolis.metropolis_record(
                self.spins, per_record, self.threshold, self.state, e, m, snaps
            )
        else:
            work = wolff.wolff_record(
                self.spins, per_record, self.p_add, self.stream, self.stack, e, m, snaps
            )
        return e, m, (snaps if snapshots else None), int(work)

    def thermalize_wolff(self, sweeps):
        """Wolff clusters until ``sweeps`` sweep-equivalents have flipped; returns mean size."""
        target = sweeps * self.N
        flipped = clusters = 0
        block = 1
        while flipped < target or clusters < 10:
            if self.table is not None:
                flipped += self.table.wolff_clusters(self.spins, block, self.stream)
            else:
                flipped += wolff.wolff_clusters(
                    self.spins, block, self.p_add, self.stream, self.stack
                )
            clusters += block
            block = min(2 * block, 1024)
        return flipped / clusters
