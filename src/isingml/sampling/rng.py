"""Random numbers of the samplers, and the seeds they are made from.

Every kernel takes its random state as an argument and advances it in place; nothing reads a
global generator. Two kinds of stream are used:

- xoshiro256 (Blackman & Vigna 2018): a ``uint64[4]`` state. The ``**`` scrambler (``next_xs``)
  drives the reference Metropolis kernel, the ``++`` scrambler the multi-spin kernel's lanes.
- a counter-based stream, ``mix64(key + c * GOLDEN)`` for c = 0, 1, 2, ... (SplitMix64's
  finaliser): any element is computed independently of the others, so consecutive draws carry
  no dependency chain. The split Metropolis kernel and Wolff draw from it; its state is the
  ``uint64[2]`` pair (key, counter).

Seeds: one root seed in config.yaml; every shard derives its own stream from
``numpy.random.SeedSequence(root, spawn_key=seeds.shard_key(L, T))``, a key made from what the
job is, never from when it runs (``isingml.seeds`` holds every stream's key).
"""

import numpy as np
from numba import njit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


@njit(cache=True, inline="always")
def rotl(x, k):
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(cache=True, inline="always")
def xoshiro_advance(s0, s1, s2, s3):
    """The xoshiro256 state transition (Blackman & Vigna 2018), shared by the ** and ++
    scramblers."""
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = rotl(s3, 45)
    return s0, s1, s2, s3


@njit(cache=True, inline="always")
def next_xs(s0, s1, s2, s3):
    """One xoshiro256** step: returns (output, s0, s1, s2, s3)."""
    out = rotl(s1 * np.uint64(5), 7) * np.uint64(9)
    s0, s1, s2, s3 = xoshiro_advance(s0, s1, s2, s3)
    return out, s0, s1, s2, s3


@njit(cache=True, inline="always")
def mix64(z):
    """SplitMix64's finaliser (Steele, Lea & Flood 2014); ``mix64(key + c * GOLDEN)`` is
    element c of a counter-based stream."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return z ^ (z >> np.uint64(31))


@njit(cache=True)
def random_words(state, out):
    """Fill ``out`` (uint64, any length) with raw xoshiro256** outputs, advancing ``state``."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for n in range(out.shape[0]):
        r, s0, s1, s2, s3 = next_xs(s0, s1, s2, s3)
        out[n] = r
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3


def rng_state(seq: np.random.SeedSequence):
    """A xoshiro256** state (uint64[4], never all zero) from a SeedSequence."""
    state = seq.generate_state(4, dtype=np.uint64)
    if not state.any():
        state[0] = 1
    return state


def counter_stream(seq: np.random.SeedSequence):
    """(key, counter) of the counter-based stream shared by the split Metropolis kernel and
    Wolff: a key independent of the xoshiro state (words 4 and 5 of the same SeedSequence),
    counter 0."""
    words = seq.generate_state(6, dtype=np.uint64)
    return np.array([words[4] ^ (words[5] << np.uint64(1)), 0], dtype=np.uint64)
