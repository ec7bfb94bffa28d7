"""The reference checkerboard Metropolis kernel: a plain loop, the one the vectorised split
kernel (``split_metropolis``) is validated against.

Acceptance tests compare the top 53 bits of a xoshiro256** word with an integer threshold
``floor(p * 2**53)``, which equals ``u < p`` for ``u = (r >> 11) * 2**-53`` without a float
conversion.
"""

import numpy as np
from numba import njit

from isingml.sampling.lattice import energy_magnetization
from isingml.sampling.rng import next_xs

_ONE53 = 1 << 53


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
                    r, s0, s1, s2, s3 = next_xs(s0, s1, s2, s3)
                    if (r >> np.uint64(11)) < threshold[k]:
                        spins[i, j] = -spins[i, j]
                        accepted += 1
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
    return accepted


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


def probability_threshold(p):
    """``floor(p * 2**53)`` as uint64, for acceptance tests against ``r >> 11``."""
    p = np.clip(np.asarray(p, dtype=np.float64), 0.0, 1.0)
    return np.asarray(np.floor(p * _ONE53), dtype=np.uint64)


def metropolis_threshold(T):
    """Acceptance thresholds indexed by ``(s_i h_i + 4) // 2`` for temperature T (J = 1)."""
    k = np.arange(-4, 5, 2, dtype=np.float64)  # s_i * h_i
    return probability_threshold(np.minimum(1.0, np.exp(-2.0 * k / T)))
