"""A row transfer matrix for any two-dimensional lattice of ``isingml.lattices``, L <= 8.

A state is one row y of L spins coded as an integer (bit x = 1: spin +1). Every bond joins two
sites of one row or of successive rows (y, y + 1), as the lattice's neighbour offsets say (the
honeycomb's rungs alternate with x + y, so its rows alternate too). Row y's transfer matrix is
T_y[s, s'] = exp(-(beta + eps) (E_y(s, s') - E_ref_y) + h M(s)), with E_y the energy of row
y's own bonds and those to row y + 1 (in state s'), and Z = Tr T_0 T_1 ... T_(L-1) (Kramers &
Wannier 1941). The matrices are dense (4^L entries), so the work is L ring products of 2^L x
2^L matrices: about a second at L = 8.

Each entry is an element of the ring R[eps, h] / (eps^3, eps h, h^5), the coefficients in the
order 1, eps, eps^2, h, h^2, h^3, h^4 (as in ``exact.square``): the eps coefficients carry the
moments of E - E_ref (E_ref the row's lowest energy, so that no entry exceeds 1 and nothing
overflows at low T), the h coefficients those of M.
"""

import numpy as np

from isingml.exact.square import trace_moments

MAX_L = 8
_PAIRS = {  # coefficient k of a product: the pairs (i, j) of factors whose coefficients add up
    0: [(0, 0)],
    1: [(0, 1), (1, 0)],
    2: [(0, 2), (1, 1), (2, 0)],
    3: [(0, 3), (3, 0)],
    4: [(0, 4), (3, 3), (4, 0)],
    5: [(0, 5), (3, 4), (4, 3), (5, 0)],
    6: [(0, 6), (3, 5), (4, 4), (5, 3), (6, 0)],
}


def row_energies(lattice, L):
    """(E_y, M): E_y float64 (L, 2^L, 2^L), the energy of row y's bonds in state s and of its
    bonds to row y + 1 in state s'; M float64 (2^L,), each row state's magnetization."""
    lattice.check_size(L)
    if lattice.dim != 2 or L > MAX_L:
        raise ValueError(f"the row transfer matrix takes 2D lattices with L <= {MAX_L}, got {L}")
    S = 2.0 * ((np.arange(2**L)[:, None] >> np.arange(L)) & 1) - 1.0  # (2^L, L)
    nb = lattice.neighbours(L)
    coords = np.stack(np.unravel_index(np.arange(L * L), (L, L)), axis=1)
    off = lattice.offsets(coords, L)
    J = np.asarray(lattice.direction_couplings)
    E = np.zeros((L, 2**L, 2**L))
    for i, (y, x) in enumerate(coords):
        for k, j in enumerate(nb[i]):
            dy, xj = off[i, k, 0], j % L
            # half of each directed bond: each bond is met from both of its ends
            if dy == 0:
                E[y] -= 0.5 * J[k] * (S[:, x] * S[:, xj])[:, None]
            elif dy == 1:
                E[y] -= 0.5 * J[k] * np.outer(S[:, x], S[:, xj])
            elif dy == -1:
                E[(y - 1) % L] -= 0.5 * J[k] * np.outer(S[:, xj], S[:, x])
            else:  # a bug: a lattice whose bonds skip a row
                raise ValueError(f"{lattice.name}: a bond spans {dy} rows")
    return E, S.sum(axis=1)


def _ring_matrix(E, M, beta):
    """The ring-valued transfer matrix of one row (module docstring), shape (7, 2^L, 2^L)."""
    d = E - E.min()
    w = np.exp(-beta * d)
    hm = M[:, None]
    return np.stack([w, -d * w, d * d * w / 2, hm * w, hm**2 * w / 2, hm**3 * w / 6,
                     hm**4 * w / 24])  # fmt: skip


def _ring_product(A, B):
    out = np.empty_like(A)
    for k, pairs in _PAIRS.items():
        out[k] = sum(A[i] @ B[j] for i, j in pairs)
    return out


def moments(lattice, L, T):
    """Exact canonical moments on the ``lattice`` torus of size L (2D, L <= 8).

    Returns
    -------
    dict of float
        ``e`` = <H>/N, ``e2`` = <H^2>/N^2, ``C`` = N (<e^2> - <e>^2) / T^2, ``m2`` = <m^2>,
        ``m4`` = <m^4>, ``U4`` = 1 - <m^4> / (3 <m^2>^2).
    """
    if not T > 0:
        raise ValueError(f"moments needs a positive temperature, got T = {T}")
    E, M = row_energies(lattice, L)
    beta, N = 1.0 / T, lattice.n_sites(L)
    product = None
    for y in range(L):
        R = _ring_matrix(E[y], M, beta)
        product = R if product is None else _ring_product(product, R)
        product /= product[0].max()  # a common factor cancels from every ratio below
    a = np.trace(product, axis1=1, axis2=2)
    return trace_moments(a, sum(E[y].min() for y in range(L)), N, beta)
