"""Block-spin decimation: the real-space renormalisation step the CNN's pooling resembles.

Each lattice owns its map by 2 onto itself at half the size (``lattices.Lattice.decimate``: on
the square and the sheared triangular lattice the majority of 2 x 2 blocks, on the honeycomb's
brick wall the majority over each sublattice within 2 x 2 unit cells), with random tie-breaks
(Kadanoff 1966; the random tie-break keeps the map symmetric under the global flip). Here: the
chain of decimations the features job evaluates the networks on. No JAX.
"""

from isingml.errors import UserError
from isingml.lattices import SQUARE

MIN_L = 4  # a network's 3 x 3 filters need at least this


def decimate(spins, rng, lattice=SQUARE):
    """int8 (n, L, L) -> int8 (n, L/2, L/2): ``lattice``'s majority rule, random tie-breaks."""
    return lattice.decimate(spins, rng)


def decimates(lattice, L):
    """Whether ``lattice`` maps a configuration of size L onto itself at L / 2, and L / 2 is
    still a size a network's filters can read (``MIN_L``)."""
    if L // 2 < MIN_L:
        return False
    try:
        lattice.check_decimation(L)
    except UserError:
        return False
    return True


def coarse_grainings(spins, rng, steps=2, lattice=SQUARE):
    """[(b_total, spins)] of the configurations themselves (b_total = 1) and of up to ``steps``
    successive decimations by 2 with ``lattice``'s own map, none smaller than L = 4 and none of
    a size the lattice cannot decimate (the honeycomb needs L divisible by 4). One ``rng``
    draws every tie-break, in order."""
    out = [(1, spins)]
    while len(out) <= steps and decimates(lattice, spins.shape[1]):
        spins = decimate(spins, rng, lattice)
        out.append((out[-1][0] * 2, spins))
    return out
