"""Block-spin decimation: the real-space renormalisation step the CNN's pooling resembles.

Majority rule with blocks of b x b spins (b = 2): each block becomes one spin with the sign of
its sum, and a tie (a sum of 0, possible for even b) is broken at random (Kadanoff 1966; the
random tie-break keeps the map symmetric under the global flip). A configuration of size L
becomes one of size L / b. No JAX.
"""

import numpy as np

from isingml.errors import UserError


def decimate(spins, rng, b=2):
    """int8 (n, L, L) -> int8 (n, L/b, L/b) by majority rule with random tie-breaks."""
    n, L, _ = spins.shape
    if L % b:
        raise UserError(f"cannot decimate L = {L} by blocks of {b}: L must be a multiple of {b}")
    sums = spins.reshape(n, L // b, b, L // b, b).sum(axis=(2, 4), dtype=np.int16)
    ties = rng.choice(np.array([-1, 1], np.int8), size=sums.shape)
    return np.where(sums == 0, ties, np.sign(sums)).astype(np.int8)


def coarse_grainings(spins, rng, steps=2, b=2):
    """[(b_total, spins)] of the configurations themselves (b_total = 1) and of up to ``steps``
    successive decimations by ``b``, none smaller than L = 4 (a network's 3 x 3 filters need
    it) and none of an L that ``b`` does not divide. One ``rng`` draws every tie-break, in
    order."""
    out = [(1, spins)]
    while len(out) <= steps and spins.shape[1] >= 4 * b and spins.shape[1] % b == 0:
        spins = decimate(spins, rng, b)
        out.append((out[-1][0] * b, spins))
    return out
