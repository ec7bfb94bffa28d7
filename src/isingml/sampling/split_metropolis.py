"""A vectorised checkerboard Metropolis kernel on the padded split layout (``split_layout``).

One half-sweep is a single loop over the flat sub-lattice array (in chunks of ``CHUNK`` sites),
with no per-row loop overhead; halo and gap cells are updated too and then overwritten or
ignored (the validity mask keeps them out of the counts). The loop has no branch and LLVM
vectorises it (32 int8 lanes with AVX2).

Random numbers. Per half-sweep, one 64-bit key ``rk = SplitMix64(key + c * golden)`` is drawn
from the stream's counter c, and the uniform 32-bit number of flat position j of that half-sweep
is ``u_j = H(H(lo(rk) + j) ^ hi(rk))``, H a 32-bit multiply-xorshift bijection (two 32-bit
multiplies, which AVX2 vectorises; 64-bit ones it cannot). One u_j serves two positions: its low
16 bits decide position 2j and its high 16 bits position 2j + 1.

Exact acceptance from 16 bits. A flip with s h in {2, 4} must be accepted with probability
``t / 2**32``, ``t = floor(exp(-2 s h / T) * 2**32)``, i.e. when a uniform 32-bit r < t. Write
r = 2**16 r_hi + r_lo and t = 2**16 t_hi + t_lo: r < t when r_hi < t_hi, never when r_hi > t_hi,
and when r_hi == t_hi (probability 2**-16) exactly when r_lo < t_lo. The vectorised loop decides
with r_hi alone and flags the ties; a scalar pass over the (rare) chunks with a tie draws r_lo
from a second counter-based stream. The result is the same distribution as comparing 32 random
bits, at half the hashing. Flips with s h <= 0 are always accepted.
"""

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from isingml.sampling.lattice import energy_magnetization
from isingml.sampling.rng import GOLDEN
from isingml.sampling.rng import mix64 as _mix
from isingml.sampling.split_layout import flat_index, merge_padded, refresh, workspace

TIE_SALT = np.uint64(0xD1B54A32D192ED03)

_I8 = ir.IntType(8)
_I32 = ir.IntType(32)


def _h32(builder, x):
    # 32-bit multiply-xorshift bijection (constants from Wellons' hash-prospector search).
    x = builder.xor(x, builder.lshr(x, ir.Constant(_I32, 16)))
    x = builder.mul(x, ir.Constant(_I32, 0x21F0AAAD))
    x = builder.xor(x, builder.lshr(x, ir.Constant(_I32, 15)))
    x = builder.mul(x, ir.Constant(_I32, 0x735A2D97))
    return builder.xor(x, builder.lshr(x, ir.Constant(_I32, 15)))


# Numba widens integer arithmetic below 64 bits to 64 bits, and AVX2 has no 64-bit vector
# multiply; these intrinsics keep the arithmetic in 32- and 8/16-bit lanes.
@intrinsic
def _hash(typingctx, x, k1):
    sig = types.uint32(types.uint32, types.uint32)

    def codegen(context, builder, signature, args):
        x, k1 = args
        return _h32(builder, builder.xor(_h32(builder, x), k1))

    return sig, codegen


def _threshold(builder, s, h, t2, t4):
    # s h for s = +-1 without an 8-bit multiply (AVX2 has none)
    sh = builder.select(builder.icmp_signed(">", s, ir.Constant(_I8, 0)), h, builder.neg(h))
    thr = builder.select(builder.icmp_signed("==", sh, ir.Constant(_I8, 4)), t4, t2)
    return sh, thr


@intrinsic
def _update(typingctx, s, h, r, t2, t4):
    """The new spin: -s if s h <= 0 or r < t(s h) (16-bit r and thresholds), else s."""
    sig = types.int8(types.int8, types.int8, types.uint16, types.uint16, types.uint16)

    def codegen(context, builder, signature, args):
        s, h, r, t2, t4 = args
        sh, thr = _threshold(builder, s, h, t2, t4)
        flip = builder.or_(
            builder.icmp_signed("<=", sh, ir.Constant(_I8, 0)), builder.icmp_unsigned("<", r, thr)
        )
        return builder.select(flip, builder.neg(s), s)

    return sig, codegen


@intrinsic
def _or8(typingctx, a, b):
    sig = types.uint8(types.uint8, types.uint8)

    def codegen(context, builder, signature, args):
        return builder.or_(*args)

    return sig, codegen


CHUNK = 256


@intrinsic
def _tie_v(typingctx, s, h, r, t2, t4, v):
    """1 at a valid site (v != 0) with s h > 0 whose r equals the high half of its threshold:
    it is decided by 16 more bits."""
    sig = types.uint8(types.int8, types.int8, types.uint16, types.uint16, types.uint16, types.int8)

    def codegen(context, builder, signature, args):
        s, h, r, t2, t4, v = args
        sh, thr = _threshold(builder, s, h, t2, t4)
        tie = builder.and_(
            builder.icmp_signed(">", sh, ir.Constant(_I8, 0)), builder.icmp_unsigned("==", r, thr)
        )
        tie = builder.and_(tie, builder.icmp_signed("!=", v, ir.Constant(_I8, 0)))
        return builder.zext(tie, _I8)

    return sig, codegen


@intrinsic
def _flips(typingctx, acc, s, new, v):
    """acc + 1 for a flipped valid site, in 32-bit lanes."""
    sig = types.int32(types.int32, types.int8, types.int8, types.int8)

    def codegen(context, builder, signature, args):
        acc, s, new, v = args
        f = builder.and_(
            builder.icmp_signed("!=", s, new), builder.icmp_signed("!=", v, ir.Constant(_I8, 0))
        )
        return builder.add(acc, builder.zext(f, _I32))

    return sig, codegen


@njit(cache=True)
def _fill(words, n, k0, k1):
    for j in range(n):
        words[j] = _hash(np.uint32(k0 + np.uint32(j)), k1)


@njit(cache=True)
def _colour(a, o, va, d0, d1, d2, d3, start, stop, t2, t4, rk, words):
    """Metropolis on the flat positions [start, stop) of ``a`` given ``o`` at offsets d0..d3;
    returns the accepted flips at valid positions."""
    n = stop - start
    _fill(
        words, (n + 1) // 2, np.uint32(rk & np.uint64(0xFFFFFFFF)), np.uint32(rk >> np.uint64(32))
    )
    r16 = words.view(np.uint16)
    t2h, t4h = np.uint16(t2 >> np.uint64(16)), np.uint16(t4 >> np.uint64(16))
    # views that start at the first site, so every index below is a non-negative loop counter
    # (a negative-looking index makes Numba emit a wraparound select, which defeats SIMD)
    A = a[start:stop]
    O0, O1 = o[start + d0 : stop + d0], o[start + d1 : stop + d1]
    O2, O3 = o[start + d2 : stop + d2], o[start + d3 : stop + d3]
    V = va[start:stop]
    H = np.empty(CHUNK, np.int8)
    tie = np.empty(CHUNK, np.uint8)
    accepted = 0
    for c0 in range(0, n, CHUNK):
        c1 = min(c0 + CHUNK, n)
        m = c1 - c0
        Ac, Vc, Rc = A[c0:c1], V[c0:c1], r16[c0:c1]
        P0, P1, P2, P3 = O0[c0:c1], O1[c0:c1], O2[c0:c1], O3[c0:c1]
        for j in range(m):
            H[j] = P0[j] + P1[j] + P2[j] + P3[j]
        ties = np.uint8(0)
        flips = np.int32(0)
        for j in range(m):
            s = Ac[j]
            h = H[j]
            r = Rc[j]
            v = Vc[j]
            t = _tie_v(s, h, r, t2h, t4h, v)
            tie[j] = t
            ties = _or8(ties, t)
            new = _update(s, h, r, t2h, t4h)
            flips = _flips(flips, s, new, v)
            Ac[j] = new
        accepted += flips
        if ties:
            # The ties are read from ``tie``, flagged before the update: testing the updated
            # spins again would take a site whose forced flip (s h < 0) made s h > 0 with r at
            # the new threshold for a tie, and could flip it back.
            tie_key = _mix(rk ^ TIE_SALT)
            for j in range(m):
                if tie[j]:
                    s = Ac[j]  # a tie was not flipped by the vector loop
                    t = t4 if s * H[j] == 4 else t2
                    lo = _mix(tie_key + np.uint64(c0 + j + 1) * GOLDEN) >> np.uint64(48)
                    if lo < (t & np.uint64(0xFFFF)):
                        Ac[j] = -s
                        accepted += 1
    return accepted


@njit(cache=True)
def metropolis_sweeps_split(B, W, VB, VW, L, n_sweeps, t2, t4, stream, words):
    """``n_sweeps`` checkerboard sweeps on a split lattice (``split_padded``).

    Parameters
    ----------
    B, W, VB, VW : int8 arrays of length ``flat_size(L)``
        The sub-lattices and their validity masks (module docstring); B and W change in place.
    t2, t4 : uint64
        ``floor(exp(-4/T) * 2**32)`` and ``floor(exp(-8/T) * 2**32)``.
    stream : uint64 array, shape (2,)
        (key, counter) of the counter-based generator; the counter advances by 2 per sweep.
    words : uint32 array of length >= flat_size(L) // 2 + 1
        Work space for the random numbers.

    Returns
    -------
    int
        Accepted flips.
    """
    half = L // 2
    P = half + 2
    key, counter = stream[0], stream[1]
    sb, eb = flat_index(0, 0, P, False), flat_index(L - 1, half - 1, P, False) + 1
    sw, ew = flat_index(0, 0, P, True), flat_index(L - 1, half - 1, P, True) + 1
    accepted = 0
    for _ in range(n_sweeps):
        accepted += _colour(
            B, W, VB, -P, P + 1, 0, 1, sb, eb, t2, t4, _mix(key + counter * GOLDEN), words
        )
        refresh(B, L, P, False)
        counter += np.uint64(1)
        accepted += _colour(
            W, B, VW, -P - 1, P, -1, 0, sw, ew, t2, t4, _mix(key + counter * GOLDEN), words
        )
        refresh(W, L, P, True)
        counter += np.uint64(1)
    stream[1] = counter
    return accepted


def thresholds32(T):
    """(t2, t4) for ``metropolis_sweeps_split`` at temperature T (J = 1)."""
    return tuple(np.uint64(np.floor(np.exp(-2.0 * k / T) * 2.0**32)) for k in (2, 4))


@njit(cache=True)
def metropolis_split_record(spins, sweeps_per_record, t2, t4, stream, energy, magnetization, snaps):
    """As ``metropolis.metropolis_record``, with the split kernel; ``spins`` is kept up to date."""
    L = spins.shape[0]
    B, W, VB, VW, words = workspace(spins)
    accepted = 0
    store = snaps.shape[0] > 0
    for k in range(energy.shape[0]):
        accepted += metropolis_sweeps_split(
            B, W, VB, VW, L, sweeps_per_record, t2, t4, stream, words
        )
        merge_padded(B, W, spins)
        energy[k], magnetization[k] = energy_magnetization(spins)
        if store:
            snaps[k] = spins
    return accepted


class SplitLattice:
    """An (L, L) lattice in the split layout with its work space, for tests and benchmarks."""

    def __init__(self, spins):
        self.L = spins.shape[0]
        self.B, self.W, self.VB, self.VW, self.words = workspace(spins)

    def sweep(self, n, t2, t4, stream):
        """n sweeps; returns the accepted flips."""
        return metropolis_sweeps_split(
            self.B, self.W, self.VB, self.VW, self.L, n, t2, t4, stream, self.words
        )

    def spins(self):
        out = np.empty((self.L, self.L), np.int8)
        merge_padded(self.B, self.W, out)
        return out
