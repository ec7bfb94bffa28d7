"""The shards' bit packing of spin configurations (``shards``' module docstring has the layout
and a plain-h5py recipe): 1 bit per spin, bit 1 = spin +1, the sites of each configuration in C
order of the lattice's shape ((L, L), or (L, L, L) for the cubic lattice), numpy's big-endian
bit order within each byte, padded with zero bits to whole bytes. The two-dimensional layout is
the one every shard has always had."""

import math

import numpy as np

SPIN_ENCODING = "packbits-msb-rowmajor-v1"


def packed_width(shape):
    """Bytes per packed configuration of ``shape`` (the sites of one configuration)."""
    return (math.prod(shape) + 7) // 8


def pack_spins(spins):
    """int8 (k, *shape) of +-1 -> uint8 (k, ceil(N / 8)), N the sites of ``shape``."""
    k = spins.shape[0]
    return np.packbits(spins.reshape(k, -1) > 0, axis=1)


def unpack_spins(packed, shape):
    """uint8 (k, ceil(N / 8)) -> int8 (k, *shape) of +-1; ``shape`` a tuple, or L for (L, L)."""
    shape = (int(shape),) * 2 if np.ndim(shape) == 0 else tuple(shape)
    bits = np.unpackbits(packed, axis=1, count=math.prod(shape)).view(np.int8)
    return (2 * bits - 1).astype(np.int8, copy=False).reshape(-1, *shape)
