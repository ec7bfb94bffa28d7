"""The one registry of random streams. Every stream is ``numpy.random.SeedSequence(root,
spawn_key=...)`` with the config's root seed and a key made from what the job is (never from
execution order), built here and nowhere else. The first element of a key names its family;
within a family the keys differ in length or in the values the job is made of. A test checks
that no two streams of a configuration coincide.

| family | key | stream |
|---|---|---|
| 0 simulate | (0, L, T·1e4[, 65536 + grid][, 131072 + lattice]) | a shard's Markov chain |
| | (0, L, T·1e4, 65536 + 2) | a point of the scan that places the Binder grid (grid ``scan``) |
| | shard's key + (1,) | its 64 replicas |
| | shard's key + (7,) | tie-breaks of its block-spin decimations |
| 1 split | (1, L, seed) | a training seed's train/val/test split |
| | (1, L, seed, 1) | its bootstrap resample of the training split |
| | (1, L, seed, 2) | the data-efficiency study's training subset |
| 2 train | (2, MODEL_KEYS[model], L, seed, window·1e4) | a network's initialisation and shuffling |
| 3 analysis | (3, 1, crc32(method)) | a crossing table's bootstrap |
| | (3, 4) | the confusion peaks' bootstrap |

Names enter a key through frozen tables (``MODEL_KEYS``, ``GRID_KEYS``, ``LATTICE_KEYS``), never
through their position in some tuple of names: reordering or extending a list elsewhere reseeds
nothing. A new network, grid or lattice gets the next free integer here; a given integer is
never reused.
"""

import types
import zlib

import numpy as np

SIMULATE, SPLIT, TRAIN, ANALYSIS = 0, 1, 2, 3
REPLICAS, DECIMATION = 1, 7  # appended to a shard's key
# A shard off the network grid appends GRID_TAG + its grid's index. It once appended the bare
# index, so the critical-grid shard's stream (0, L, T, 1) was the replica stream of the
# network-grid shard at the same (L, T) (0, L, T) + (REPLICAS,): the test of this registry found
# it. Tags from GRID_TAG up cannot meet a sub-stream's.
GRID_TAG = 1 << 16
RESAMPLE, SUBSET = 1, 2  # appended to a split's key
CROSSING, CONFUSION = 1, 4  # second element of an analysis key

# The integers the networks and the grids have always had in their keys (they were once their
# positions in MODELS and GRIDS). Frozen: a changed entry reseeds every job of that name.
MODEL_KEYS = types.MappingProxyType({"cnn": 0, "fcn": 1, "ecnn": 2})
GRID_KEYS = types.MappingProxyType({"network": 0, "critical": 1, "scan": 2})
# A shard of any lattice but the square appends LATTICE_TAG + its lattice's key, so that the
# square's keys (every run before lattices) are unchanged, and a run that reads two lattices at
# one (L, T) (the transfer study) never pairs two chains of one stream.
LATTICE_TAG = 1 << 17
LATTICE_KEYS = types.MappingProxyType({"square": 0, "triangular": 1, "honeycomb": 2, "cubic": 3})


def _key_of(table, name, what):
    try:
        return table[name]
    except KeyError:
        raise ValueError(
            f"{what} {name!r} has no key in isingml.seeds; give it the next free integer there"
        ) from None


def sequence(root, key):
    return np.random.SeedSequence(int(root), spawn_key=tuple(int(k) for k in key))


def shard_key(L, T, grid="network", lattice="square"):
    """Spawn key of the (L, T) shard: made from L and T (in units of 1e-4), never job order.
    A shard of the critical (Binder) grid at the same (L, T) gets a stream of its own, and so
    does a shard of another lattice (``lattice`` by name)."""
    key = (SIMULATE, int(L), int(round(float(T) * 10_000)))
    if grid != "network":  # the network grid's key has no grid element
        key += (GRID_TAG + _key_of(GRID_KEYS, grid, "grid"),)
    if lattice != "square":
        key += (LATTICE_TAG + _key_of(LATTICE_KEYS, lattice, "lattice"),)
    return key


def replicas(seq: np.random.SeedSequence):
    """The replicas' stream of a shard's SeedSequence."""
    return np.random.SeedSequence(seq.entropy, spawn_key=(*seq.spawn_key, REPLICAS))


def decimation(root, shard_spawn_key):
    """The tie-breaks of block-spin decimations of a shard's configurations: one stream per
    shard, shared by every network evaluated on it."""
    return sequence(root, (*shard_spawn_key, DECIMATION))


def split(root, L, seed):
    """The data split. It depends on (L, seed) only, so both networks trained with the same
    seed see the same configurations."""
    return sequence(root, (SPLIT, L, seed))


def resample(root, L, seed):
    return sequence(root, (SPLIT, L, seed, RESAMPLE))


def subset(root, L, seed):
    return sequence(root, (SPLIT, L, seed, SUBSET))


def train(root, model, L, seed, window):
    """A network's initialisation and shuffling: ``model`` by name, ``window`` None for the
    exact labels."""
    window = (0, 0) if window is None else window
    model_key = _key_of(MODEL_KEYS, model, "network")
    return sequence(root, (TRAIN, model_key, L, seed, *(round(w * 10_000) for w in window)))


def name_key(name):
    """A stable integer for a method's name in a key (CRC-32; a sum of character codes would
    give anagrams the same stream)."""
    return zlib.crc32(name.encode())


def crossing_bootstrap(root, method):
    return sequence(root, (ANALYSIS, CROSSING, name_key(method)))


def confusion_bootstrap(root):
    return sequence(root, (ANALYSIS, CONFUSION))
