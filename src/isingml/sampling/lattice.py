"""The lattice itself: argument checks, starting configurations, energy and magnetization.

Spins are ``int8`` arrays of ``lattice.shape(L)`` holding -1 or +1 (h = 0); the geometry is the
model's (``isingml.lattices``). ``energy_magnetization`` is the square lattice's with unit
couplings (each site's right and down neighbour, 2 L^2 bonds); ``general`` has any lattice's.
"""

import numpy as np
from numba import njit

from isingml.errors import UserError
from isingml.lattices import SQUARE
from isingml.sampling.rng import random_words


def check_lattice(L, T, lattice=SQUARE):
    """Refuse a size the lattice cannot take (``lattice.check_size``) or a temperature that is
    not positive and finite."""
    lattice.check_size(L)
    if not (np.isfinite(T) and T > 0):
        raise UserError(f"T must be a positive finite temperature, got {T}")


def initial_spins(shape, state):
    """The ordered state with a random global sign, at every temperature: no start depends on
    where T lies against a critical temperature (none is assumed known). Below T_c a random
    start coarsens into stripe domains in about a third of runs (Spirin, Krapivsky & Redner,
    Phys. Rev. E 63, 036118 (2001)), whose flat walls Metropolis takes far longer than tau_int
    to remove; an ordered start is already in one of the two pure phases. Above T_c the
    ordered state disorders within a few tau_int, which the thermalisation and the multi-spin
    burn-in (in units of the measured tau_int, ``plan``) cover. The sign is the top bit of one
    word drawn from the chain's own xoshiro ``state`` (the bit a start below T_c always used)."""
    word = np.empty(1, dtype=np.uint64)
    random_words(state, word)
    sign = np.int8(1 if word[0] >> np.uint64(63) else -1)
    return np.full(shape, sign, dtype=np.int8)


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
