"""Metropolis and Wolff on any lattice, from its neighbour table (``lattices``): the kernels of
every model but the square lattice with unit couplings, which keeps its own faster ones.

Spins are the flat int8 array of the configuration (C order of ``lattice.shape(L)``); ``nb``
is the (N, z) neighbour table and direction k has coupling J_k. Bonds with equal couplings form
a class; a site's state is the number of aligned neighbours a_c in each class c (n_c
directions), so dE = 2 sum_c J_c (2 a_c - n_c) takes few values and every acceptance
probability is tabulated once (``tables``).

Metropolis visits the sites colour by colour (``lattice.colouring``, a proper colouring, so
the sites of one colour do not interact; a sequential sweep is exact in any fixed order) and
draws from the chain's xoshiro256** state with 53-bit thresholds, as the reference square
kernel does. Wolff (1989) adds an aligned neighbour across a bond of direction k with
probability 1 - exp(-2 J_k / T), from the counter-based stream (one 64-bit number for two bond
tests, 32 bits each), as the square kernel does.
"""

from dataclasses import dataclass

import numpy as np
from numba import njit

from isingml.sampling.metropolis import probability_threshold
from isingml.sampling.rng import GOLDEN, mix64, next_xs

_LOW32 = np.uint64(0xFFFFFFFF)


@dataclass(frozen=True)
class Classes:
    """The bond classes of a lattice: class of each direction, and each class's J and size."""

    of_direction: np.ndarray  # int64 (z,)
    J: np.ndarray  # float64 (C,)
    size: np.ndarray  # int64 (C,)

    @classmethod
    def of(cls, lattice):
        J = np.asarray(lattice.direction_couplings, dtype=np.float64)
        values, of_direction = np.unique(J, return_inverse=True)
        return cls(of_direction.astype(np.int64), values, np.bincount(of_direction))

    def states(self):
        """int64 (Q, C): every combination of per-class counts, class 0 fastest (mixed radix
        with ``radix``)."""
        grids = np.meshgrid(*[np.arange(n + 1) for n in self.size], indexing="ij")
        return np.stack([g.ravel(order="F") for g in grids], axis=1).astype(np.int64)

    def radix(self):
        return np.cumprod(np.concatenate([[1], self.size[:-1] + 1])).astype(np.int64)

    def delta_e(self, aligned):
        """dE of a flip with ``aligned`` (Q, C) aligned neighbours per class."""
        return 2.0 * ((2 * aligned - self.size) * self.J).sum(axis=1)


def metropolis_thresholds(classes, T):
    """uint64 (Q,): floor(min(1, exp(-dE/T)) 2^53) by state code sum_k radix[class k] [aligned]."""
    dE = classes.delta_e(classes.states())
    with np.errstate(over="ignore"):
        return probability_threshold(np.minimum(1.0, np.exp(-dE / T)))


def wolff_thresholds(lattice, T):
    """uint64 (z,): floor((1 - exp(-2 J_k / T)) 2^32) per direction."""
    J = np.asarray(lattice.direction_couplings, dtype=np.float64)
    return np.floor(-np.expm1(-2.0 * J / T) * 2.0**32).astype(np.uint64)


def visiting_order(lattice, L):
    """int64 (N,): the sites colour by colour, each colour in C order."""
    return np.argsort(lattice.colouring(L).ravel(), kind="stable").astype(np.int64)


@njit(cache=True)
def energy_magnetization_table(flat, nb, J):
    """(e, m) per site of one configuration: e = -(1/2N) sum_i sum_k J_k s_i s_nb(i,k) (each
    bond met from both ends), m = (1/N) sum_i s_i. Integer sums per direction, then the J_k."""
    N, z = nb.shape
    per = np.zeros(z, np.int64)
    total = 0
    for i in range(N):
        s = np.int64(flat[i])
        total += s
        for k in range(z):
            per[k] += s * flat[nb[i, k]]
    e = 0.0
    for k in range(z):
        e += J[k] * per[k]
    return -e / (2 * N), total / N


@njit(cache=True)
def metropolis_sweeps_table(flat, nb, weight, order, threshold, n_sweeps, state):
    """``n_sweeps`` sequential Metropolis sweeps in ``order``; returns the accepted flips.

    ``weight[k]`` is the radix of direction k's class, so that the state code of a site is
    sum_k weight[k] [s_nb(i,k) == s_i] and ``threshold[code]`` its 53-bit acceptance threshold.
    ``state`` is the xoshiro256** state (uint64[4]), advanced in place."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    z = nb.shape[1]
    accepted = 0
    for _ in range(n_sweeps):
        for q in range(order.shape[0]):
            i = order[q]
            s = flat[i]
            code = 0
            for k in range(z):
                if flat[nb[i, k]] == s:
                    code += weight[k]
            r, s0, s1, s2, s3 = next_xs(s0, s1, s2, s3)
            if (r >> np.uint64(11)) < threshold[code]:
                flat[i] = -s
                accepted += 1
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return accepted


@njit(cache=True)
def wolff_clusters_table(flat, nb, t32, n_clusters, stream, stack):
    """``n_clusters`` Wolff clusters; returns the spins flipped. ``t32[k]`` is direction k's
    bond threshold (``wolff_thresholds``), ``stream`` the (key, counter) pair, ``stack`` int64
    work space of N entries (a site is flipped as it joins, so it is stacked at most once)."""
    N, z = nb.shape
    key, c = stream[0], stream[1]
    flipped = 0
    for _ in range(n_clusters):
        r = mix64(key + c * GOLDEN)
        c += np.uint64(1)
        site = np.int64(((r >> np.uint64(32)) * np.uint64(N)) >> np.uint64(32))  # Lemire
        s = flat[site]
        flat[site] = -s
        stack[0] = site
        top, size = 1, 1
        while top > 0:
            top -= 1
            i = stack[top]
            for k in range(z):
                if k % 2 == 0:
                    r = mix64(key + c * GOLDEN)
                    c += np.uint64(1)
                    u = r >> np.uint64(32)
                else:
                    u = r & _LOW32
                j = nb[i, k]
                if flat[j] == s and u < t32[k]:
                    flat[j] = -s
                    stack[top] = j
                    top += 1
                    size += 1
        flipped += size
    stream[1] = c
    return flipped


@njit(cache=True)
def metropolis_table_record(flat, nb, weight, order, threshold, J, per_record, state, e, m, snaps):
    """As ``metropolis.metropolis_record``: ``len(e)`` blocks of ``per_record`` sweeps, E and M
    after each, and the configuration into ``snaps`` (n, N) unless it has no rows."""
    accepted = 0
    for k in range(e.shape[0]):
        accepted += metropolis_sweeps_table(flat, nb, weight, order, threshold, per_record, state)
        e[k], m[k] = energy_magnetization_table(flat, nb, J)
        if snaps.shape[0] > 0:
            snaps[k] = flat
    return accepted


@njit(cache=True)
def wolff_table_record(flat, nb, t32, J, per_record, stream, stack, e, m, snaps):
    """As ``wolff.wolff_record``, on the neighbour table."""
    flipped = 0
    for k in range(e.shape[0]):
        flipped += wolff_clusters_table(flat, nb, t32, per_record, stream, stack)
        e[k], m[k] = energy_magnetization_table(flat, nb, J)
        if snaps.shape[0] > 0:
            snaps[k] = flat
    return flipped


class TableKernels:
    """The general kernels' tables for one (lattice, L, T)."""

    def __init__(self, lattice, L, T):
        self.lattice, self.L, self.T = lattice, L, T
        self.N = lattice.n_sites(L)
        self.nb = lattice.neighbours(L)
        self.J = np.asarray(lattice.direction_couplings, dtype=np.float64)
        self.classes = Classes.of(lattice)
        self.weight = self.classes.radix()[self.classes.of_direction]
        self.order = visiting_order(lattice, L)
        self.threshold = metropolis_thresholds(self.classes, T)
        self.t32 = wolff_thresholds(lattice, T)
        self.stack = np.empty(self.N, np.int64)

    def energy_magnetization(self, spins):
        return energy_magnetization_table(spins.reshape(self.N), self.nb, self.J)

    def metropolis(self, spins, per_record, state, e, m, snaps):
        return metropolis_table_record(spins.reshape(self.N), self.nb, self.weight, self.order,
                                       self.threshold, self.J, per_record, state, e, m,
                                       snaps.reshape(snaps.shape[0], self.N))  # fmt: skip

    def wolff(self, spins, per_record, stream, e, m, snaps):
        return wolff_table_record(spins.reshape(self.N), self.nb, self.t32, self.J, per_record,
                                  stream, self.stack, e, m,
                                  snaps.reshape(snaps.shape[0], self.N))  # fmt: skip

    def wolff_clusters(self, spins, n, stream):
        return wolff_clusters_table(spins.reshape(self.N), self.nb, self.t32, n, stream, self.stack)
