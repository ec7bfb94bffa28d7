"""Multi-spin coded Metropolis: 64 independent replicas of one (L, T) in uint64 words.

Bit r of word ``w[i, j]`` is replica r's spin at site (i, j) (1 for +1, 0 for -1). The words
are split into the two checkerboard sub-lattices in the plain (L, L/2) layout of
``split_layout.split`` (not the padded layout of the split Metropolis kernel), and a
checkerboard sweep updates every replica at once with bitwise logic.

For a site with spin word s and neighbour words n_1..n_4, ``x_k = s ^ n_k`` marks the replicas in
which neighbour k is anti-aligned; bit-sliced addition of the x_k gives, per replica, whether
the number a of anti-aligned neighbours is >= 2 (dE <= 0: always flip), 1 (dE = 4: flip with
probability exp(-4/T)) or 0 (dE = 8: exp(-8/T)).

Each replica gets its own acceptance decision, with the same 32-bit resolution as the
single-lattice kernels: replica r flips when its uniform 32-bit number U_r is below
``t = floor(p * 2**32)``. The comparison is bit-sliced, most significant bit first: random word
number b supplies bit b of U_r for all 64 replicas at once, the replicas whose U_r and t still
agree on every bit so far stay undecided, and the comparison ends when none does (on average
after about log2(64) + 2 words, instead of 64 x 32 bits). Different replicas read different bits
of every random word, so their decisions are independent. The threshold bit is chosen per replica
(``t2`` where a = 1, ``t4`` where a = 0), so one comparison serves both classes.

Vectorisation: the loop over the sites of a row runs ``DEPTH`` comparison steps with no branch,
each site (SIMD lane) drawing from its own xoshiro256++ generator (one per column of the
sub-lattice). The rare sites with replicas still undecided after ``DEPTH`` words (probability
about 64 / 2**DEPTH) are finished in a scalar pass that goes on drawing from the same generator,
so the draws, and the chain, are deterministic.
"""

import numpy as np
from numba import njit

from isingml.sampling.rng import rotl, xoshiro_advance
from isingml.sampling.split_layout import merge, split

REPLICAS = 64
DEPTH = 10  # branch-free comparison steps in the vectorised loop
BITS = 32  # resolution of the acceptance thresholds, as in the other kernels
ALL = np.uint64(0xFFFFFFFFFFFFFFFF)


@njit(cache=True, inline="always")
def _next(s0, s1, s2, s3):
    """One xoshiro256++ step (Blackman & Vigna 2018): (output, s0, s1, s2, s3)."""
    out = rotl(s0 + s3, 23) + s0
    s0, s1, s2, s3 = xoshiro_advance(s0, s1, s2, s3)
    return out, s0, s1, s2, s3


def bit_masks(t):
    """uint64[32] masks of the bits of the 32-bit threshold t, most significant first: all
    ones where the bit is 1, zero where it is 0."""
    t = int(t)
    if not 0 <= t < 2**BITS:
        raise ValueError(f"threshold must be in [0, 2**{BITS}), got {t}")
    return np.array([ALL if (t >> (BITS - 1 - b)) & 1 else 0 for b in range(BITS)], np.uint64)


def threshold_masks(T):
    """(P, Q) = bit masks of floor(exp(-4/T) 2**32) and floor(exp(-8/T) 2**32)."""
    return tuple(bit_masks(np.floor(np.exp(-k / T) * 2.0**BITS)) for k in (4, 8))


def lane_states(seq: np.random.SeedSequence, L: int):
    """xoshiro256++ states, shape (4, L/2): one generator per column of a sub-lattice."""
    state = seq.generate_state(4 * (L // 2), dtype=np.uint64).reshape(L // 2, 4).T.copy()
    zero = ~state.any(axis=0)
    state[0, zero] = 1
    return state


@njit(cache=True, inline="always")
def _classes(s, n1, n2, n3, n4):
    """(ge2, a1, a0): replicas with >= 2, exactly 1 and no anti-aligned neighbours."""
    x1, x2, x3, x4 = s ^ n1, s ^ n2, s ^ n3, s ^ n4
    s1, s2 = x1 ^ x2, x3 ^ x4
    ge2 = (x1 & x2) | (x3 & x4) | (s1 & s2)
    low = s1 ^ s2
    return ge2, low & ~ge2, ~(low | ge2)


@njit(cache=True, inline="always")
def _step(lt, open_, a1, a0, p, q, s0, s1, s2, s3):
    """One bit of the bit-sliced comparison U < t, for all 64 replicas of a site."""
    r, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
    thr = (a1 & p) | (a0 & q)
    return lt | (open_ & thr & ~r), open_ & ~(thr ^ r), s0, s1, s2, s3


@njit(cache=True)
def _row(s_row, up, down, row, nb, P, Q, l0, l1, l2, l3, und):
    """The branch-free part of one row: DEPTH comparison steps per site, one SIMD lane each.
    Returns the OR of the replicas left undecided (stored per site in ``und``)."""
    pending = np.uint64(0)
    for k in range(s_row.shape[0]):
        s = s_row[k]
        ge2, a1, a0 = _classes(s, up[k], down[k], row[k], nb[k])
        s0, s1, s2, s3 = l0[k], l1[k], l2[k], l3[k]
        lt = np.uint64(0)
        open_ = a1 | a0
        # DEPTH (= 10) steps, written out: a loop here is not unrolled before vectorisation
        lt, open_, s0, s1, s2, s3 = _step(lt, open_, a1, a0, P[0], Q[0], s0, s1, s2, s3)
        lt, open_, s0, s1, s2, s3 = _step(lt, open_, a1, a0, P[1], Q[1], s0, s1, s2, s3)
        lt, open_, s0, s1, s2, s3 = _step(lt, open_, a1, a0, P[2], Q[2], s0, s1, s2, s3)
        lt, open_, s0, s1, s2, s3 = _step(lt, open_, a1, a0, P[3], Q[3], s0, s1, s2, s3)
        lt, open_, s0, s1, s2, s3 = _step(lt, open_, a1, a0, P[4], Q[4], s0, s1, s2, s3)
        lt, open_, s0, s1, s2, s3 = _step(lt, open_, a1, a0, P[5], Q[5], s0, s1, s2, s3)
        lt, open_, s0, s1, s2, s3 = _step(lt, open_, a1, a0, P[6], Q[6], s0, s1, s2, s3)
        lt, open_, s0, s1, s2, s3 = _step(lt, open_, a1, a0, P[7], Q[7], s0, s1, s2, s3)
        lt, open_, s0, s1, s2, s3 = _step(lt, open_, a1, a0, P[8], Q[8], s0, s1, s2, s3)
        lt, open_, s0, s1, s2, s3 = _step(lt, open_, a1, a0, P[9], Q[9], s0, s1, s2, s3)
        l0[k], l1[k], l2[k], l3[k] = s0, s1, s2, s3
        s_row[k] = s ^ (ge2 | lt)
        und[k] = open_
        pending |= open_
    return pending


@njit(cache=True)
def _update_colour(a, o, colour, P, Q, lanes, nb, und):
    L, half = a.shape
    for i in range(L):
        up = o[i - 1 if i > 0 else L - 1]
        down = o[i + 1 if i + 1 < L else 0]
        row = o[i]
        if (i & 1) != colour:
            for k in range(half - 1):
                nb[k] = row[k + 1]
            nb[half - 1] = row[0]
        else:
            nb[0] = row[half - 1]
            for k in range(1, half):
                nb[k] = row[k - 1]
        s_row = a[i]
        pending = _row(s_row, up, down, row, nb, P, Q, lanes[0], lanes[1], lanes[2], lanes[3], und)
        if pending:
            for k in range(half):
                open_ = und[k]
                if open_:
                    # undecided replicas were not flipped, so s still holds their old spins
                    s = s_row[k]
                    _, a1, a0 = _classes(s, up[k], down[k], row[k], nb[k])
                    s0, s1, s2, s3 = lanes[0, k], lanes[1, k], lanes[2, k], lanes[3, k]
                    lt = np.uint64(0)
                    b = DEPTH
                    while open_ and b < BITS:
                        r, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
                        thr = (a1 & P[b]) | (a0 & Q[b])
                        lt |= open_ & thr & ~r
                        open_ &= ~(thr ^ r)
                        b += 1
                    lanes[0, k], lanes[1, k], lanes[2, k], lanes[3, k] = s0, s1, s2, s3
                    s_row[k] = s ^ lt  # still open after 32 bits: U == t, not below it


@njit(cache=True)
def multispin_sweeps(black, white, n_sweeps, P, Q, lanes):
    """``n_sweeps`` checkerboard sweeps of all 64 replicas.

    Parameters
    ----------
    black, white : uint64 arrays, shape (L, L/2)
        Sub-lattices of the replica words (``split_layout.split``), changed in place.
    P, Q : uint64 arrays, shape (32,)
        ``threshold_masks(T)``.
    lanes : uint64 array, shape (4, L/2)
        Generator states (``lane_states``), advanced in place.
    """
    half = black.shape[1]
    nb = np.empty(half, dtype=np.uint64)
    und = np.empty(half, dtype=np.uint64)
    for _ in range(n_sweeps):
        _update_colour(black, white, 0, P, Q, lanes, nb, und)
        _update_colour(white, black, 1, P, Q, lanes, nb, und)


@njit(cache=True)
def pack(replicas, words):
    """int8 spins (64, L, L) -> words (L, L); bit r is replica r (1 for +1)."""
    R, L, _ = replicas.shape
    for i in range(L):
        for j in range(L):
            w = np.uint64(0)
            for r in range(R):
                if replicas[r, i, j] > 0:
                    w |= np.uint64(1) << np.uint64(r)
            words[i, j] = w


@njit(cache=True)
def unpack(words, replicas):
    """words (L, L) -> int8 spins (64, L, L)."""
    R, L, _ = replicas.shape
    for r in range(R):
        for i in range(L):
            for j in range(L):
                bit = (words[i, j] >> np.uint64(r)) & np.uint64(1)
                replicas[r, i, j] = np.int8(2 * np.int64(bit) - 1)


class Replicas:
    """64 replicas of one (L, T) with their generators; the state between calls is split."""

    def __init__(self, spins, T, lanes):
        R, L, _ = spins.shape
        if R != REPLICAS:
            raise ValueError(f"need {REPLICAS} replicas, got {R}")
        words = np.empty((L, L), dtype=np.uint64)
        pack(spins, words)
        self.L, self.T = L, T
        self.black = np.empty((L, L // 2), dtype=np.uint64)
        self.white = np.empty((L, L // 2), dtype=np.uint64)
        split(words, self.black, self.white)
        self.P, self.Q = threshold_masks(T)
        self.lanes = lanes

    def sweep(self, n):
        multispin_sweeps(self.black, self.white, n, self.P, self.Q, self.lanes)

    def spins(self):
        words = np.empty((self.L, self.L), dtype=np.uint64)
        merge(self.black, self.white, words)
        out = np.empty((REPLICAS, self.L, self.L), dtype=np.int8)
        unpack(words, out)
        return out
