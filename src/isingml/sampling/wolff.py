"""Wolff single-cluster updates (Wolff 1989) for the periodic L x L lattice (J = 1, h = 0).

Random numbers come from the counter-based stream of ``rng`` (``mix64``): one 64-bit number
serves two bond tests, each comparing 32 bits with ``floor(p_add * 2**32)``.
"""

import numpy as np
from numba import njit

from isingml.sampling.lattice import energy_magnetization
from isingml.sampling.rng import GOLDEN, mix64

_LOW32 = np.uint64(0xFFFFFFFF)


@njit(cache=True, inline="always")
def _wolff_try(spins, f, packed, s, ok, stack, top):
    """Branch-free bond test to flat site f: it joins when aligned with s and ``ok`` (its random
    number is below p_add). Numbers are drawn whether or not the neighbour is aligned, so that
    neither test is a branch the CPU must predict (at T_c both go either way). The neighbour is
    flipped as it joins and always written to ``stack[top]``; ``top`` only advances when it
    joined. Indices are unsigned so that Numba adds no negative-index wraparound."""
    t = spins[f]
    add = np.int64((t == s) & ok)
    spins[f] = np.int8(t - 2 * t * add)
    stack[np.uint64(top)] = packed
    return top + add, add


@njit(cache=True)
def wolff_clusters(spins, n_clusters, p_add_threshold, stream, stack):
    """Wolff single-cluster updates (Wolff 1989) with an explicit stack.

    A seed site is drawn uniformly; aligned neighbours join with probability
    ``p_add = 1 - exp(-2/T)``. Spins are flipped as they join, so each site is pushed at most
    once and ``stack`` needs L**2 entries. Sites are stacked as ``(i L) << 32 | j`` (row offset
    and column), so that no multiplication or division is needed to find their neighbours; each
    bond test is branch-free (``_wolff_try``); and the random numbers come from a counter-based
    stream, one 64-bit number for two bond tests (32 bits each), so that the tests of one
    site's four bonds do not wait on each other's generator state.

    Parameters
    ----------
    spins : int8 array, shape (L, L), C-contiguous
        Changed in place.
    n_clusters : int
        Number of clusters to build and flip.
    p_add_threshold : uint64
        ``floor(p_add * 2**32)`` (``wolff_threshold``).
    stream : uint64 array, shape (2,)
        (key, counter) of the counter-based stream (``mix64``); the counter advances by one
        per number drawn.
    stack : int64 array, shape (L**2,)
        Work space.

    Returns
    -------
    int
        Total number of spins flipped.
    """
    L = spins.shape[0]
    N = L * L
    flat = spins.reshape(N)
    key, c = stream[0], stream[1]
    low = np.int64(0xFFFFFFFF)
    t32 = p_add_threshold
    flipped = 0
    for _ in range(n_clusters):
        r = mix64(key + c * GOLDEN)
        c += np.uint64(1)
        # Lemire's multiply-shift maps the top 32 bits onto [0, N) without a modulo.
        site = np.int64(((r >> np.uint64(32)) * np.uint64(N)) >> np.uint64(32))
        i0 = site // L
        j0 = site - i0 * L
        rb = i0 * L
        s = flat[np.uint64(rb + j0)]
        flat[np.uint64(rb + j0)] = -s
        stack[0] = (rb << 32) | j0
        top = 1
        size = 1
        while top > 0:
            top -= 1
            q = stack[np.uint64(top)]
            rb = q >> 32
            j = q & low
            up = rb - L if rb > 0 else N - L
            dn = rb + L if rb + L < N else 0
            jp = j + 1 if j + 1 < L else 0
            jm = j - 1 if j > 0 else L - 1
            r1 = mix64(key + c * GOLDEN)
            r2 = mix64(key + (c + np.uint64(1)) * GOLDEN)
            c += np.uint64(2)
            ok = (r1 >> np.uint64(32)) < t32
            top, a = _wolff_try(flat, np.uint64(up + j), (up << 32) | j, s, ok, stack, top)
            size += a
            ok = (r1 & _LOW32) < t32
            top, a = _wolff_try(flat, np.uint64(dn + j), (dn << 32) | j, s, ok, stack, top)
            size += a
            ok = (r2 >> np.uint64(32)) < t32
            top, a = _wolff_try(flat, np.uint64(rb + jp), (rb << 32) | jp, s, ok, stack, top)
            size += a
            ok = (r2 & _LOW32) < t32
            top, a = _wolff_try(flat, np.uint64(rb + jm), (rb << 32) | jm, s, ok, stack, top)
            size += a
        flipped += size
    stream[1] = c
    return flipped


@njit(cache=True)
def wolff_record(
    spins, clusters_per_record, p_add_threshold, stream, stack, energy, magnetization, snaps
):
    """As ``metropolis.metropolis_record``, with a fixed number of Wolff clusters per record.

    Returns the number of spins flipped.
    """
    flipped = 0
    store = snaps.shape[0] > 0
    for k in range(energy.shape[0]):
        flipped += wolff_clusters(spins, clusters_per_record, p_add_threshold, stream, stack)
        energy[k], magnetization[k] = energy_magnetization(spins)
        if store:
            snaps[k] = spins
    return flipped


def wolff_threshold(T):
    """Bond-activation threshold ``floor(p_add * 2**32)``, ``p_add = 1 - exp(-2/T)`` (J = 1),
    for a comparison with a uniform 32-bit number."""
    return np.uint64(np.floor(-np.expm1(-2.0 / T) * 2.0**32))
