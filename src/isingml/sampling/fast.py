"""A vectorisable checkerboard Metropolis kernel.

The lattice is split into its two checkerboard sub-lattices, each stored as an (L, L/2) int8
array whose rows are contiguous, so that the inner loop over a row has no stride and no branch
and the compiler can vectorise it. Random numbers come from a counter-based generator: the n-th
number of a stream is SplitMix64's finaliser applied to ``key + n * golden`` (Steele, Lea &
Flood 2014), so the numbers of a row can be computed independently of each other. Acceptance is
branch-free: a flip with s_i h_i in {2, 4} is accepted when the top 32 bits of its random word
fall below ``floor(exp(-2 s_i h_i / T) * 2**32)``; a flip with s_i h_i <= 0 always is.

Layout: ``black[i, k] = spins[i, 2k + (i % 2)]``, ``white[i, k] = spins[i, 2k + 1 - (i % 2)]``.
For a site of colour c in row i, its up and down neighbours are ``other[i -+ 1, k]`` and its
left and right neighbours ``other[i, k]`` and ``other[i, k + d]``, with d = -1 if
(i % 2) == c and +1 otherwise (c = 0 black, 1 white), all indices periodic.
"""

import numpy as np
from numba import njit

from isingml.sampling.kernels import energy_magnetization

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)


@njit(cache=True, inline="always")
def _mix(z):
    z = (z ^ (z >> np.uint64(30))) * M1
    z = (z ^ (z >> np.uint64(27))) * M2
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def split(spins, black, white):
    L = spins.shape[0]
    for i in range(L):
        p = i & 1
        for k in range(L // 2):
            black[i, k] = spins[i, 2 * k + p]
            white[i, k] = spins[i, 2 * k + 1 - p]


@njit(cache=True)
def merge(black, white, spins):
    L = spins.shape[0]
    for i in range(L):
        p = i & 1
        for k in range(L // 2):
            spins[i, 2 * k + p] = black[i, k]
            spins[i, 2 * k + 1 - p] = white[i, k]


@njit(cache=True)
def _update_colour(a, o, colour, t2, t4, key, counter, h):
    """Metropolis on every site of sub-lattice ``a`` (colour 0 or 1) given the other ``o``."""
    L, half = a.shape
    accepted = 0
    for i in range(L):
        up = o[i - 1 if i > 0 else L - 1]
        down = o[i + 1 if i + 1 < L else 0]
        row = o[i]
        d = -1 if (i & 1) == colour else 1
        for k in range(half):
            h[k] = up[k] + down[k] + row[k]
        if d == 1:
            for k in range(half - 1):
                h[k] += row[k + 1]
            h[half - 1] += row[0]
        else:
            h[0] += row[half - 1]
            for k in range(1, half):
                h[k] += row[k - 1]
        s_row = a[i]
        base = key + counter * GOLDEN
        acc = 0
        for k in range(half):
            s = np.int32(s_row[k])
            sh = s * np.int32(h[k])
            r = _mix(base + np.uint64(k + 1) * GOLDEN) >> np.uint64(32)
            thr = t4 if sh == 4 else t2
            flip = (sh <= 0) | (r < thr)
            s_row[k] = np.int8(s - 2 * s * np.int32(flip))
            acc += np.int32(flip)
        accepted += acc
        counter += np.uint64(half)
    return accepted, counter


@njit(cache=True)
def metropolis_sweeps_split(black, white, n_sweeps, t2, t4, stream):
    """``n_sweeps`` checkerboard sweeps on a split lattice.

    Parameters
    ----------
    black, white : int8 arrays, shape (L, L/2)
        The two sub-lattices (module docstring), changed in place.
    t2, t4 : uint64
        ``floor(exp(-4/T) * 2**32)`` and ``floor(exp(-8/T) * 2**32)``.
    stream : uint64 array, shape (2,)
        (key, counter) of the counter-based generator; the counter advances by L**2 per sweep.

    Returns
    -------
    int
        Accepted flips.
    """
    key, counter = stream[0], stream[1]
    h = np.empty(black.shape[1], dtype=np.int8)
    accepted = 0
    for _ in range(n_sweeps):
        acc, counter = _update_colour(black, white, 0, t2, t4, key, counter, h)
        accepted += acc
        acc, counter = _update_colour(white, black, 1, t2, t4, key, counter, h)
        accepted += acc
    stream[1] = counter
    return accepted


def thresholds32(T):
    """(t2, t4) for ``metropolis_sweeps_split`` at temperature T (J = 1)."""
    return tuple(np.uint64(np.floor(np.exp(-2.0 * k / T) * 2.0**32)) for k in (2, 4))


@njit(cache=True)
def metropolis_split_record(spins, sweeps_per_record, t2, t4, stream, energy, magnetization, snaps):
    """As ``kernels.metropolis_record``, with the split kernel; ``spins`` is kept up to date."""
    L = spins.shape[0]
    black = np.empty((L, L // 2), dtype=np.int8)
    white = np.empty((L, L // 2), dtype=np.int8)
    split(spins, black, white)
    accepted = 0
    store = snaps.shape[0] > 0
    for k in range(energy.shape[0]):
        accepted += metropolis_sweeps_split(black, white, sweeps_per_record, t2, t4, stream)
        merge(black, white, spins)
        energy[k], magnetization[k] = energy_magnetization(spins)
        if store:
            snaps[k] = spins
    return accepted
