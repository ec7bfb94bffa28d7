"""Numba kernels for the 2D Ising model on a periodic L x L square lattice (J = 1, h = 0).

Every kernel takes its random state as an argument (a ``uint64[4]`` xoshiro256** state,
Blackman & Vigna 2018) and changes the lattice and the state in place. Nothing here allocates
per call beyond scalars, reads a global, or does I/O: the callers in ``sampler.py`` own the
arrays. Spins are ``int8`` arrays of shape (L, L) holding -1 or +1.

Acceptance tests compare the top 53 bits of a random word with an integer threshold
``floor(p * 2**53)``, which equals ``u < p`` for ``u = (r >> 11) * 2**-53`` without a float
conversion.
"""

import numpy as np
from numba import njit

_ONE53 = 1 << 53


@njit(cache=True, inline="always")
def _rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True, inline="always")
def xoshiro_advance(s0, s1, s2, s3):
    """The xoshiro256 state transition (Blackman & Vigna 2018), shared by the ** scrambler here
    and the ++ scrambler of the multi-spin kernel."""
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    return s0, s1, s2, s3


@njit(cache=True, inline="always")
def _next(s0, s1, s2, s3):
    """One xoshiro256** step: returns (output, s0, s1, s2, s3)."""
    out = _rotl(s1 * np.uint64(5), 7) * np.uint64(9)
    s0, s1, s2, s3 = xoshiro_advance(s0, s1, s2, s3)
    return out, s0, s1, s2, s3


GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@njit(cache=True, inline="always")
def mix64(z):
    """SplitMix64's finaliser (Steele, Lea & Flood 2014). ``mix64(key + c * GOLDEN)`` for
    c = 0, 1, 2, ... is a counter-based stream: any element is computed independently of the
    others, so consecutive draws carry no dependency chain."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def random_words(state, out):
    """Fill ``out`` (uint64, any length) with raw xoshiro256** outputs; used by the tests."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for n in range(out.shape[0]):
        r, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
        out[n] = r
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3


@njit(cache=True)
def energy_magnetization(spins):
    """Energy per site and signed magnetization per site of one configuration.

    Parameters
    ----------
    spins : int8 array, shape (L, L), values in {-1, +1}

    Returns
    -------
    (e, m) : float, float
        ``e = -(1/N) sum_<ij> s_i s_j`` over the 2N nearest-neighbour bonds of the torus,
        ``m = (1/N) sum_i s_i``, with N = L**2.
    """
    L = spins.shape[0]
    bonds = 0
    total = 0
    for i in range(L):
        ip = i + 1 if i + 1 < L else 0
        for j in range(L):
            jp = j + 1 if j + 1 < L else 0
            s = np.int64(spins[i, j])
            bonds += s * (spins[ip, j] + spins[i, jp])
            total += s
    n = L * L
    return -bonds / n, total / n


@njit(cache=True)
def metropolis_sweeps(spins, n_sweeps, threshold, state):
    """Checkerboard single-spin Metropolis sweeps.

    One sweep visits the sites with (i + j) even, then those with (i + j) odd, and proposes
    one flip at each. Because same-colour sites do not interact, this is an exact
    Metropolis update whatever the visiting order within a colour. Needs even L.

    Parameters
    ----------
    spins : int8 array, shape (L, L)
        Changed in place.
    n_sweeps : int
        Number of sweeps (each proposes L**2 flips).
    threshold : uint64 array, shape (5,)
        ``threshold[(s_i * h_i + 4) // 2]`` with h_i the sum of the four neighbours is
        ``floor(min(1, exp(-2 s_i h_i / T)) * 2**53)``.
    state : uint64 array, shape (4,)
        xoshiro256** state, advanced in place.

    Returns
    -------
    int
        Number of accepted flips.
    """
    L = spins.shape[0]
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    accepted = 0
    for _ in range(n_sweeps):
        for parity in range(2):
            for i in range(L):
                ip = i + 1 if i + 1 < L else 0
                im = i - 1 if i > 0 else L - 1
                for j in range((i + parity) & 1, L, 2):
                    jp = j + 1 if j + 1 < L else 0
                    jm = j - 1 if j > 0 else L - 1
                    h = spins[ip, j] + spins[im, j] + spins[i, jp] + spins[i, jm]
                    k = (spins[i, j] * h + 4) >> 1
                    r, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
                    if (r >> np.uint64(11)) < threshold[k]:
                        spins[i, j] = -spins[i, j]
                        accepted += 1
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return accepted


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
def metropolis_record(spins, sweeps_per_record, threshold, state, energy, magnetization, snaps):
    """Run ``len(energy)`` blocks of Metropolis sweeps and record E, M (and optionally spins).

    ``energy`` and ``magnetization`` are float64 arrays of shape (n,) filled with the energy
    and signed magnetization per site after each block. If ``snaps`` has shape (n, L, L) the
    configuration after each block is copied into it; pass shape (0, L, L) to skip.
    Returns the number of accepted flips.
    """
    accepted = 0
    store = snaps.shape[0] > 0
    for k in range(energy.shape[0]):
        accepted += metropolis_sweeps(spins, sweeps_per_record, threshold, state)
        energy[k], magnetization[k] = energy_magnetization(spins)
        if store:
            snaps[k] = spins
    return accepted


@njit(cache=True)
def wolff_record(
    spins, clusters_per_record, p_add_threshold, stream, stack, energy, magnetization, snaps
):
    """As :func:`metropolis_record`, with a fixed number of Wolff clusters per record.

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


def probability_threshold(p):
    """``floor(p * 2**53)`` as uint64, for acceptance tests against ``r >> 11``."""
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    return np.asarray(np.floor(p * _ONE53), dtype=np.uint64)


def metropolis_threshold(T):
    """Acceptance thresholds indexed by ``(s_i h_i + 4) // 2`` for temperature T (J = 1)."""
    k = np.arange(-4, 5, 2, dtype=np.float64)  # s_i * h_i
    return probability_threshold(np.minimum(1.0, np.exp(-2.0 * k / T)))


def wolff_threshold(T):
    """Bond-activation threshold ``floor(p_add * 2**32)``, ``p_add = 1 - exp(-2/T)`` (J = 1),
    for a comparison with a uniform 32-bit number."""
    return np.uint64(np.floor(-np.expm1(-2.0 / T) * 2.0**32))
