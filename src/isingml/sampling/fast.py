"""A vectorised checkerboard Metropolis kernel.

The lattice is split into its two checkerboard sub-lattices, each stored as an (L, L/2) int8
array whose rows are contiguous, so that the inner loops over a row have no stride and no branch
and LLVM vectorises them (8 to 32 lanes with AVX2).

Random numbers. Per half-sweep (one colour), one 64-bit key ``rk = SplitMix64(key + c * golden)``
is drawn from the stream's counter c, and the uniform 32-bit number of site j of that colour
(row-major over the (L, L/2) array) is ``u_j = H(H(lo(rk) + j) ^ hi(rk))``, H a 32-bit
multiply-xorshift bijection (two 32-bit multiplies, which AVX2 vectorises; 64-bit ones it
cannot). One u_j serves two sites: its low 16 bits decide site 2m and its high 16 bits site
2m + 1 (j = m).

Exact acceptance from 16 bits. A flip with s h in {2, 4} must be accepted with probability
``t / 2**32``, ``t = floor(exp(-2 s h / T) * 2**32)``, i.e. when a uniform 32-bit r < t. Write
r = 2**16 r_hi + r_lo and t = 2**16 t_hi + t_lo: r < t when r_hi < t_hi, never when r_hi > t_hi,
and when r_hi == t_hi (probability 2**-16) exactly when r_lo < t_lo. The vectorised loop decides
with r_hi alone and flags the ties; a scalar pass over the (rare) rows with a tie draws r_lo from
a second counter-based stream. The result is the same distribution as comparing 32 random bits,
at half the hashing. Flips with s h <= 0 are always accepted.

Layout: ``black[i, k] = spins[i, 2k + (i % 2)]``, ``white[i, k] = spins[i, 2k + 1 - (i % 2)]``.
For a site of colour c in row i, its up and down neighbours are ``other[i -+ 1, k]`` and its
left and right neighbours ``other[i, k]`` and ``other[i, k + d]``, with d = -1 if
(i % 2) == c and +1 otherwise (c = 0 black, 1 white), all indices periodic.
"""

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.extending import intrinsic

from isingml.sampling.kernels import energy_magnetization

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
M1 = np.uint64(0xBF58476D1CE4E5B9)
M2 = np.uint64(0x94D049BB133111EB)
TIE_SALT = np.uint64(0xD1B54A32D192ED03)

_I8 = ir.IntType(8)
_I16 = ir.IntType(16)
_I32 = ir.IntType(32)


@njit(cache=True, inline="always")
def _mix(z):
    """SplitMix64's finaliser (Steele, Lea & Flood 2014)."""
    z = (z ^ (z >> np.uint64(30))) * M1
    z = (z ^ (z >> np.uint64(27))) * M2
    return z ^ (z >> np.uint64(31))


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
def _tie(typingctx, s, h, r, t2, t4):
    """1 if s h > 0 and r equals the high half of its threshold (decided by more bits)."""
    sig = types.uint8(types.int8, types.int8, types.uint16, types.uint16, types.uint16)

    def codegen(context, builder, signature, args):
        s, h, r, t2, t4 = args
        sh, thr = _threshold(builder, s, h, t2, t4)
        tie = builder.and_(
            builder.icmp_signed(">", sh, ir.Constant(_I8, 0)), builder.icmp_unsigned("==", r, thr)
        )
        return builder.zext(tie, _I8)

    return sig, codegen


@intrinsic
def _or8(typingctx, a, b):
    sig = types.uint8(types.uint8, types.uint8)

    def codegen(context, builder, signature, args):
        return builder.or_(*args)

    return sig, codegen


@intrinsic
def _count(typingctx, acc, s, new):
    """acc + (s == new) in 32 bits: unchanged spins, counted in vector lanes."""
    sig = types.int32(types.int32, types.int8, types.int8)

    def codegen(context, builder, signature, args):
        acc, s, new = args
        same = builder.icmp_signed("==", s, new)
        return builder.add(acc, builder.zext(same, _I32))

    return sig, codegen


@njit(cache=True)
def split(spins, black, white):
    L = spins.shape[0]
    for i in range(L):
        p = i & 1
        for k in range(L // 2):
            black[i, k] = spins[i, 2 * k + p]
            white[i, k] = spins[i, 2 * k + 1 - p]


@njit(cache=True)
def merge(black, white, spins):
    L = spins.shape[0]
    for i in range(L):
        p = i & 1
        for k in range(L // 2):
            spins[i, 2 * k + p] = black[i, k]
            spins[i, 2 * k + 1 - p] = white[i, k]


@njit(cache=True)
def _fill(words, k0, k1):
    for j in range(words.shape[0]):
        words[j] = _hash(np.uint32(k0 + np.uint32(j)), k1)


@njit(cache=True)
def _update_colour(a, o, colour, t2, t4, rk, words, h):
    """Metropolis on every site of sub-lattice ``a`` (colour 0 or 1) given the other ``o``.

    Returns the number of accepted flips.
    """
    L, half = a.shape
    _fill(words, np.uint32(rk & np.uint64(0xFFFFFFFF)), np.uint32(rk >> np.uint64(32)))
    r16 = words.view(np.uint16)
    t2h, t4h = np.uint16(t2 >> np.uint64(16)), np.uint16(t4 >> np.uint64(16))
    tie_key = _mix(rk ^ TIE_SALT)
    accepted = 0
    for i in range(L):
        up = o[i - 1 if i > 0 else L - 1]
        down = o[i + 1 if i + 1 < L else 0]
        row = o[i]
        if (i & 1) != colour:
            for k in range(half - 1):
                h[k] = up[k] + down[k] + row[k] + row[k + 1]
            h[half - 1] = up[half - 1] + down[half - 1] + row[half - 1] + row[0]
        else:
            h[0] = up[0] + down[0] + row[0] + row[half - 1]
            for k in range(1, half):
                h[k] = up[k] + down[k] + row[k] + row[k - 1]
        s_row = a[i]
        r = r16[i * half : (i + 1) * half]
        ties = np.uint8(0)
        same = np.int32(0)
        for k in range(half):
            s = s_row[k]
            ties = _or8(ties, _tie(s, h[k], r[k], t2h, t4h))
            new = _update(s, h[k], r[k], t2h, t4h)
            same = _count(same, s, new)
            s_row[k] = new
        accepted += half - same
        if ties:
            for k in range(half):
                s = s_row[k]  # a tied site was not flipped by the loop above
                if _tie(s, h[k], r[k], t2h, t4h):
                    t = t4 if s * h[k] == 4 else t2
                    lo = _mix(tie_key + np.uint64(i * half + k + 1) * GOLDEN) >> np.uint64(48)
                    if lo < (t & np.uint64(0xFFFF)):
                        s_row[k] = -s
                        accepted += 1
    return accepted


@njit(cache=True)
def metropolis_sweeps_split(black, white, n_sweeps, t2, t4, stream):
    """``n_sweeps`` checkerboard sweeps on a split lattice.

    Parameters
    ----------
    black, white : int8 arrays, shape (L, L/2)
        The two sub-lattices (module docstring), changed in place.
    t2, t4 : uint64
        ``floor(exp(-4/T) * 2**32)`` and ``floor(exp(-8/T) * 2**32)``.
    stream : uint64 array, shape (2,)
        (key, counter) of the counter-based generator; the counter advances by 2 per sweep.

    Returns
    -------
    int
        Accepted flips.
    """
    L, half = black.shape
    key, counter = stream[0], stream[1]
    words = np.empty((L * half + 1) // 2, dtype=np.uint32)
    h = np.empty(half, dtype=np.int8)
    accepted = 0
    for _ in range(n_sweeps):
        accepted += _update_colour(black, white, 0, t2, t4, _mix(key + counter * GOLDEN), words, h)
        counter += np.uint64(1)
        accepted += _update_colour(white, black, 1, t2, t4, _mix(key + counter * GOLDEN), words, h)
        counter += np.uint64(1)
    stream[1] = counter
    return accepted


def thresholds32(T):
    """(t2, t4) for ``metropolis_sweeps_split`` at temperature T (J = 1)."""
    return tuple(np.uint64(np.floor(np.exp(-2.0 * k / T) * 2.0**32)) for k in (2, 4))


@njit(cache=True)
def metropolis_split_record(spins, sweeps_per_record, t2, t4, stream, energy, magnetization, snaps):
    """As ``kernels.metropolis_record``, with the split kernel; ``spins`` is kept up to date."""
    L = spins.shape[0]
    black = np.empty((L, L // 2), dtype=np.int8)
    white = np.empty((L, L // 2), dtype=np.int8)
    split(spins, black, white)
    accepted = 0
    store = snaps.shape[0] > 0
    for k in range(energy.shape[0]):
        accepted += metropolis_sweeps_split(black, white, sweeps_per_record, t2, t4, stream)
        merge(black, white, spins)
        energy[k], magnetization[k] = energy_magnetization(spins)
        if store:
            snaps[k] = spins
    return accepted
