"""The training data of one lattice size: the configurations of many shards, loaded into one
array (``load_lattices``), and the shard paths of a folder or a list (``expand_sources``)."""

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from isingml.io.shards import (
    ShardError,
    _open,
    _read_spins,
    _validate,
    one_model,
    require_model,
    require_spins,
    spin_shape,
)
from isingml.resources import require_memory


def shard_paths(folder):
    """Shards of one L in ``folder`` (``T*.h5``), sorted by file name."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ShardError(folder, "no such folder of shards")
    paths = sorted(folder.glob("T*.h5"))
    if not paths:
        raise ShardError(folder, "holds no shards (T*.h5)")
    return paths


def expand_sources(sources):
    """Shard paths from a folder, a file, or a list of either (folders give their T*.h5)."""
    if isinstance(sources, str | Path):
        sources = [sources]
    paths = []
    for s in sources:
        is_file = Path(s).suffix == ".h5" and not Path(s).is_dir()
        paths.extend([Path(s)] if is_file else shard_paths(s))
    if not paths:
        raise ShardError(", ".join(map(str, sources)), "no shards given")
    return paths


def check_sources(sources):
    """The shard paths of ``sources`` (``expand_sources``), each checked to exist: a command
    calls it before it imports JAX, so that a missing file is reported in a moment."""
    paths = expand_sources(sources)
    for p in paths:
        if not p.is_file():
            raise ShardError(p, "no such shard; run `isingml simulate` (or the workflow) first")
    return paths


@dataclass
class Lattices:
    """Configurations of one L from several shards, concatenated in the order of ``paths``;
    ``counts[i]`` of them come from ``paths[i]``."""

    spins: np.ndarray  # int8 (n, *lattice.shape(L))
    T: np.ndarray  # float64 (n,)
    paths: list
    counts: list
    lattice: object = None  # the one model of the shards (lattices.Lattice)


def load_lattices(sources, L=None, max_per_shard=None, lattice=None):
    """All shards of one L and one model as ``Lattices``.

    ``sources`` is a folder of shards, a shard, or a list of either. With ``max_per_shard``
    only the first that many configurations of each shard are used (shards on the Binder grid
    hold many more than the networks need). With ``lattice`` every shard must hold that model;
    without, they must all hold the first one's. The int8 array is allocated once and filled
    shard by shard, so peak memory stays close to its final size.
    """
    paths = expand_sources(sources)
    folder = paths[0].parent
    metas = []
    for p in paths:
        with _open(p) as f:
            metas.append(_validate(p, f))
    model = one_model(list(zip(paths, metas, strict=True)))
    if lattice is not None:
        require_model(paths[0], metas[0], lattice)
    sizes = {int(m["L"]) for m in metas}
    if len(sizes) > 1:
        raise ShardError(folder, f"mixes lattice sizes {sorted(sizes)}; one folder holds one L")
    (found,) = sizes
    if L is not None and found != L:
        raise ShardError(folder, f"holds L = {found} shards, but L = {L} was asked for")
    counts = [int(m["n_samples"]) for m in metas]
    if max_per_shard is not None:
        counts = [min(c, int(max_per_shard)) for c in counts]
    for p, m, k in zip(paths, metas, counts, strict=True):
        require_spins(p, m, k)
    shape = spin_shape(paths[0], metas[0])
    require_memory(
        2 * sum(counts) * math.prod(shape),  # the int8 array and its copy on the device
        f"loading {sum(counts)} configurations of L = {found} from {folder}",
        "use --max-per-shard, fewer shards, or a machine with more memory",
    )
    spins = np.empty((sum(counts), *shape), dtype=np.int8)
    T = np.empty(sum(counts))
    start = 0
    for p, m, k in zip(paths, metas, counts, strict=True):
        with _open(p) as f:
            spins[start : start + k] = _read_spins(p, f["spins"], shape, k)
        T[start : start + k] = float(m["T"])
        start += k
    return Lattices(spins, T, paths, counts, model)
