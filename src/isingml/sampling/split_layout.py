"""The split-lattice layout of the checkerboard kernels.

The lattice is split into its two checkerboard sub-lattices, black (i + j even) and white.

Plain layout (``split``/``merge``, used by the multi-spin kernel): each sub-lattice is an
(L, L/2) array, ``black[i, k] = spins[i, 2k + (i % 2)]`` and ``white[i, k] = spins[i, 2k + 1 -
(i % 2)]``.

Padded layout (``split_padded``/``merge_padded``, used by the split Metropolis kernel): each
sub-lattice is one flat int8 array in which every neighbour of every site sits at the same
offset: black sites read white at ``q + (-P, P + 1, 0, 1)`` and white sites read black at
``q + (-P - 1, P, -1, 0)``, with row stride P = L/2 + 2. Site (i, k) is stored at
``(i + 1) P + b_i + 1 + k`` with ``b_i = (i + 1) // 2``, plus 1 for white sites in even rows;
this drift of half a cell per row is what makes the alternating left/right neighbour of the
checkerboard a fixed offset. Each row has a halo cell at both ends and there is a halo row
above and below, refreshed (``refresh``) after every half-sweep, so periodicity costs no branch.
A validity mask marks the real sites.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def split(spins, black, white):
    """(L, L) -> black, white (L, L/2): the plain sub-lattice layout (module docstring)."""
    L = spins.shape[0]
    for i in range(L):
        p = i & 1
        for k in range(L // 2):
            black[i, k] = spins[i, 2 * k + p]
            white[i, k] = spins[i, 2 * k + 1 - p]


@njit(cache=True)
def merge(black, white, spins):
    """Inverse of ``split``."""
    L = spins.shape[0]
    for i in range(L):
        p = i & 1
        for k in range(L // 2):
            spins[i, 2 * k + p] = black[i, k]
            spins[i, 2 * k + 1 - p] = white[i, k]


@njit(cache=True)
def flat_size(L):
    """Length of each flat sub-lattice array: L + 2 rows of stride L/2 + 2, plus the drift."""
    return (L + 3) * (L // 2 + 2) + L + 8


@njit(cache=True)
def workspace(spins):
    """(B, W, VB, VW, words): ``spins`` split into the padded layout, the validity masks and
    the random-number buffer, as ``metropolis_sweeps_split`` takes them."""
    size = flat_size(spins.shape[0])
    B, W = np.empty(size, np.int8), np.empty(size, np.int8)
    VB, VW = np.empty(size, np.int8), np.empty(size, np.int8)
    split_padded(spins, B, W, VB, VW)
    return B, W, VB, VW, np.empty(size // 2 + 2, np.uint32)


@njit(cache=True, inline="always")
def flat_index(i, k, P, white):
    off = (i + 1) // 2
    if white and (i & 1) == 0:
        off += 1
    return (i + 1) * P + off + 1 + k


@njit(cache=True)
def refresh(X, L, P, white):
    """Copy the halo cells of sub-lattice X from the sites they stand for."""
    half = L // 2
    for i in range(L):
        X[flat_index(i, -1, P, white)] = X[flat_index(i, half - 1, P, white)]
        X[flat_index(i, half, P, white)] = X[flat_index(i, 0, P, white)]
    for k in range(-1, half + 1):
        X[flat_index(-1, k, P, white)] = X[flat_index(L - 1, k, P, white)]
        X[flat_index(L, k, P, white)] = X[flat_index(0, k, P, white)]


@njit(cache=True)
def split_padded(spins, B, W, VB, VW):
    L = spins.shape[0]
    half = L // 2
    P = half + 2
    B[:] = 1
    W[:] = 1
    VB[:] = 0
    VW[:] = 0
    for i in range(L):
        p = i & 1
        for k in range(half):
            B[flat_index(i, k, P, False)] = spins[i, 2 * k + p]
            W[flat_index(i, k, P, True)] = spins[i, 2 * k + 1 - p]
            VB[flat_index(i, k, P, False)] = 1
            VW[flat_index(i, k, P, True)] = 1
    refresh(B, L, P, False)
    refresh(W, L, P, True)


@njit(cache=True)
def merge_padded(B, W, spins):
    L = spins.shape[0]
    half = L // 2
    P = half + 2
    for i in range(L):
        p = i & 1
        for k in range(half):
            spins[i, 2 * k + p] = B[flat_index(i, k, P, False)]
            spins[i, 2 * k + 1 - p] = W[flat_index(i, k, P, True)]
