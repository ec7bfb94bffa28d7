"""Multi-spin coded Metropolis on any lattice: 64 independent replicas in uint64 words, from the
lattice's neighbour table (``lattices``); the square lattice with unit couplings keeps its own
kernel (``multispin``).

Bit r of word ``w[i]`` is replica r's spin at site i (1 for +1). A sweep visits the sites colour
by colour (``general.visiting_order``). At a site with word s, ``x_k = s ^ w[nb(i, k)]`` marks
the replicas whose neighbour k is anti-aligned; bit-sliced addition of the x_k of each bond
class c gives, per replica, the count a_c of anti-aligned neighbours in that class as three bit
planes (up to 7: the triangular lattice's 6 neighbours, or per direction the anisotropic
square's 2 + 2). Every combination of counts is a state with dE = 2 sum_c J_c (n_c - 2 a_c): the
replicas in a state with dE <= 0 flip, the others join the bit-sliced comparison of a uniform
32-bit number with their state's threshold floor(exp(-dE/T) 2^32), most significant bit first,
one random word per bit for all 64 replicas (as in ``multispin``: each replica reads its own
bit of every word, so their decisions are independent), until no replica is undecided.
Random words come from one xoshiro256++ generator, in the fixed order of the sweep.
"""

import numpy as np
from numba import njit

from isingml.sampling.general import Classes, visiting_order
from isingml.sampling.multispin import ALL, BITS, REPLICAS, _next, bit_masks

PLANES = 3  # counts up to 7 per class


def state_tables(classes, T):
    """(counts, always, kind, masks): counts int64 (Q, C) of anti-aligned neighbours per class,
    always bool (Q,) where dE <= 0, kind int64 (Q,) the row of ``masks`` (K, 32) holding the
    bit masks of that state's threshold (unused where always)."""
    if classes.size.max() >= 2**PLANES:
        raise ValueError(f"a bond class of {classes.size.max()} directions needs > {PLANES} planes")
    counts = classes.states()
    dE = classes.delta_e(classes.size - counts)  # aligned = n_c - anti-aligned
    always = dE <= 0
    kind = np.cumsum(~always) - 1
    with np.errstate(over="ignore"):
        t = np.floor(np.exp(-dE[~always] / T) * 2.0**BITS)
    masks = np.array([bit_masks(x) for x in t], dtype=np.uint64).reshape(-1, BITS)
    return counts, always, np.where(always, 0, kind).astype(np.int64), masks


@njit(cache=True)
def multispin_table_sweeps(w, nb, order, dclass, counts, always, kind, masks, n_sweeps, state):
    """``n_sweeps`` sweeps of all 64 replicas (module docstring); ``w`` uint64 (N,) and the
    xoshiro256++ ``state`` (uint64[4]) change in place."""
    z = nb.shape[1]
    Q, C = counts.shape
    K = max(masks.shape[0], 1)
    planes = np.zeros((C, PLANES), np.uint64)
    cm = np.zeros(K, np.uint64)
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for _ in range(n_sweeps):
        for q in range(order.shape[0]):
            i = order[q]
            s = w[i]
            planes[:] = 0
            for k in range(z):
                carry = s ^ w[nb[i, k]]
                c = dclass[k]
                for b in range(PLANES):
                    t = planes[c, b] & carry
                    planes[c, b] ^= carry
                    carry = t
            flip = np.uint64(0)
            cm[:] = 0
            for p in range(Q):
                m = ALL
                for c in range(C):
                    a = counts[p, c]
                    for b in range(PLANES):
                        m &= planes[c, b] if (a >> b) & 1 else ~planes[c, b]
                if always[p]:
                    flip |= m
                else:
                    cm[kind[p]] |= m
            open_ = ~flip
            lt = np.uint64(0)
            b = 0
            while open_ and b < BITS:
                r, s0, s1, s2, s3 = _next(s0, s1, s2, s3)
                thr = np.uint64(0)
                for kk in range(masks.shape[0]):
                    thr |= cm[kk] & masks[kk, b]
                lt |= open_ & thr & ~r
                open_ &= ~(thr ^ r)
                b += 1
            w[i] = s ^ (flip | lt)  # still open after 32 bits: U == t, not below it
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3


@njit(cache=True)
def pack_flat(replicas, words):
    """int8 spins (64, N) -> words (N,); bit r is replica r (1 for +1)."""
    R, N = replicas.shape
    for i in range(N):
        x = np.uint64(0)
        for r in range(R):
            if replicas[r, i] > 0:
                x |= np.uint64(1) << np.uint64(r)
        words[i] = x


@njit(cache=True)
def unpack_flat(words, replicas):
    """words (N,) -> int8 spins (64, N)."""
    R, N = replicas.shape
    for r in range(R):
        for i in range(N):
            bit = (words[i] >> np.uint64(r)) & np.uint64(1)
            replicas[r, i] = np.int8(2 * np.int64(bit) - 1)


class TableReplicas:
    """64 replicas of one (lattice, L, T) with their generator: ``multispin.Replicas``'s
    interface (``sweep(n)``, ``spins()``) on any lattice."""

    def __init__(self, spins, T, lattice, state):
        R = spins.shape[0]
        if R != REPLICAS:
            raise ValueError(f"need {REPLICAS} replicas, got {R}")
        self.L, self.T, self.shape = spins.shape[-1], T, spins.shape[1:]
        N = int(np.prod(self.shape))
        self.words = np.empty(N, np.uint64)
        pack_flat(np.ascontiguousarray(spins).reshape(R, N), self.words)
        self.nb = lattice.neighbours(self.L)
        self.order = visiting_order(lattice, self.L)
        classes = Classes.of(lattice)
        self.dclass = classes.of_direction
        self.counts, self.always, self.kind, self.masks = state_tables(classes, T)
        self.state = state

    def sweep(self, n):
        multispin_table_sweeps(self.words, self.nb, self.order, self.dclass, self.counts,
                               self.always, self.kind, self.masks, n, self.state)  # fmt: skip

    def spins(self):
        out = np.empty((REPLICAS, self.words.shape[0]), np.int8)
        unpack_flat(self.words, out)
        return out.reshape((REPLICAS, *self.shape))
