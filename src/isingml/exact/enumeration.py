"""Full enumeration of small tori of any lattice: every one of the 2^N configurations.

Energies are the Hamiltonian's per site, e = H / N = -(1/N) sum_bonds J_b s_i s_j, from the
lattice's neighbour table (each bond counted once: half of each site's directed bonds);
m = (1/N) sum_i s_i. Feasible up to N = 16 sites (the 4 x 4 tori: 65,536 states).
"""

import numpy as np

from isingml.physics import canonical_averages

MAX_SITES = 16


def enumerate_states(lattice, L):
    """(e, m): float64 arrays of shape (2^N,), energy and magnetization per site of every
    configuration of the ``lattice`` torus of size L (state code c: bit i = site i up)."""
    lattice.check_size(L)
    N = lattice.n_sites(L)
    if N > MAX_SITES:
        raise ValueError(f"enumeration takes at most {MAX_SITES} sites, got {N} (L = {L})")
    codes = np.arange(2**N, dtype=np.int64)
    spins = (((codes[:, None] >> np.arange(N)) & 1) * 2 - 1).astype(np.int64)
    nb = lattice.neighbours(L)
    J = np.asarray(lattice.direction_couplings)
    # sum over directions of J_k s_i s_nb(i,k), each bond twice: halve it
    bonds = sum(J[k] * (spins * spins[:, nb[:, k]]).sum(axis=1) for k in range(nb.shape[1]))
    return -0.5 * bonds / N, spins.sum(axis=1) / N


def averages(lattice, L, T):
    """Exact canonical averages on the L-torus: a dict of e, e2, abs_m, m2, m4, C, U4 (C the
    specific heat per site N (<e^2> - <e>^2) / T^2, U4 = 1 - <m^4> / (3 <m^2>^2))."""
    e, m = enumerate_states(lattice, L)
    return canonical_averages(e, m, lattice.n_sites(L), T)
