"""Lattice shards (HDF5): the schema, the streaming atomic writer and the validating reader.

A shard holds the configurations of one (L, T). Spins are bit-packed on disk (1 bit per spin,
bit 1 = spin +1, row-major, numpy's big-endian bit order within each byte, padded with zero bits
to whole bytes), so with plain h5py::

    with h5py.File(path) as f:
        L, n = f.attrs["L"], f["spins"].shape[0]
        bits = np.unpackbits(f["spins"][:], axis=1, count=L * L)
        spins = (2 * bits.astype(np.int8) - 1).reshape(n, L, L)

``read_shard`` does exactly this and validates the file. Writes go to a temporary file in the
same folder, renamed over the target only once complete, so a crash never leaves a partial
shard under the final name.
"""

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np

from isingml import __version__
from isingml.errors import UserError
from isingml.io.atomic import temporary_path

SCHEMA_VERSION = 1
SPIN_ENCODING = "packbits-msb-rowmajor-v1"  # the layout described in the module docstring
REQUIRED_ATTRS = (
    "L",
    "T",
    "J",
    "algorithm",
    "n_thermalize",
    "interval",
    "tau_int_energy",
    "tau_int_abs_m",
    "seed",
    "spawn_key",
    "schema_version",
    "isingml_version",
    "created",
    "n_samples",
)


class ShardError(UserError):
    """A lattice shard is missing, truncated or does not follow the schema."""

    def __init__(self, path, fault):
        super().__init__(f"{path}: {fault}")
        self.path = Path(path)


def pack_spins(spins):
    """int8 (k, L, L) of +-1 -> uint8 (k, ceil(L^2 / 8))."""
    k = spins.shape[0]
    return np.packbits(spins.reshape(k, -1) > 0, axis=1)


def unpack_spins(packed, L):
    """uint8 (k, ceil(L^2 / 8)) -> int8 (k, L, L) of +-1."""
    bits = np.unpackbits(packed, axis=1, count=L * L).view(np.int8)
    return (2 * bits - 1).astype(np.int8, copy=False).reshape(-1, L, L)


class ShardWriter:
    """Stream chunks of configurations into one shard; atomic on ``close``.

    Use as a context manager; the shard appears under ``path`` only if the block exits
    without an exception and ``finish`` was called with the provenance attributes.
    """

    def __init__(self, path, L, chunk=512):
        self.path = Path(path)
        self.L = int(L)
        self.tmp = temporary_path(self.path)
        self._file = None
        self._chunk = chunk
        self._n = 0
        self._finished = False

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = h5py.File(self.tmp, "w", track_order=True)
        width = (self.L * self.L + 7) // 8
        chunk = max(1, min(self._chunk, (1 << 20) // width))  # chunks of at most ~1 MiB
        d = self._file.create_dataset(
            "spins",
            (0, width),
            np.uint8,
            maxshape=(None, width),
            chunks=(chunk, width),
            compression="gzip",
            compression_opts=4,
        )
        d.attrs["encoding"] = SPIN_ENCODING
        d.attrs["shape_unpacked"] = np.array([0, self.L, self.L])
        for name in ("energy", "magnetization"):
            self._file.create_dataset(name, (0,), np.float64, maxshape=(None,), chunks=(4096,))
        self._file["energy"].attrs["meaning"] = "energy per site, J = 1"
        self._file["magnetization"].attrs["meaning"] = "signed magnetization per site"
        return self

    def append(self, spins, energy, magnetization):
        k = spins.shape[0]
        if (
            spins.shape[1:] != (self.L, self.L)
            or energy.shape != (k,)
            or magnetization.shape != (k,)
        ):
            raise ValueError("chunk shapes do not match the shard")
        f, n = self._file, self._n
        for name, data in (
            ("spins", pack_spins(spins)),
            ("energy", energy),
            ("magnetization", magnetization),
        ):
            f[name].resize(n + k, axis=0)
            f[name][n:] = data
        self._n += k

    def finish(self, **attrs):
        f = self._file
        f["spins"].attrs["shape_unpacked"] = np.array([self._n, self.L, self.L])
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        base = {"schema_version": SCHEMA_VERSION, "isingml_version": __version__, "created": now}
        for key, value in {**attrs, **base, "n_samples": self._n, "L": self.L}.items():
            f.attrs[key] = value
        self._finished = True

    def __exit__(self, exc_type, exc, tb):
        self._file.close()
        try:
            if exc_type is None:
                if not self._finished:
                    raise RuntimeError("ShardWriter closed without finish(): shard not written")
                os.replace(self.tmp, self.path)
        finally:
            self.tmp.unlink(missing_ok=True)
        return False


@dataclass
class Shard:
    path: Path
    attrs: dict
    energy: np.ndarray
    magnetization: np.ndarray
    spins: np.ndarray | None  # int8 (n, L, L), None when read without spins

    @property
    def L(self):
        return int(self.attrs["L"])

    @property
    def T(self):
        return float(self.attrs["T"])


def _open(path):
    path = Path(path)
    if not path.is_file():
        raise ShardError(path, "no such shard; run `isingml simulate` (or the workflow) first")
    try:
        return h5py.File(path, "r")
    except OSError as err:
        raise ShardError(path, f"not a readable HDF5 file (truncated or corrupt?): {err}") from None


def _validate(path, f):
    attrs = dict(f.attrs)
    missing = [k for k in REQUIRED_ATTRS if k not in attrs]
    if "schema_version" in attrs and int(attrs["schema_version"]) != SCHEMA_VERSION:
        raise ShardError(
            path,
            f"schema_version {attrs['schema_version']} is not {SCHEMA_VERSION}, the version this "
            "isingml reads; re-simulate it with this version",
        )
    if missing:
        raise ShardError(path, f"missing attributes {missing}; it was not written completely")
    for name in ("spins", "energy", "magnetization"):
        if name not in f:
            raise ShardError(path, f"missing dataset /{name}")
    L, n = int(attrs["L"]), int(attrs["n_samples"])
    for name in ("energy", "magnetization"):
        d = f[name]
        if d.dtype != np.float64 or d.shape != (n,):
            raise ShardError(path, f"/{name} is {d.dtype} {d.shape}, expected float64 ({n},)")
    d = f["spins"]
    if d.dtype == np.uint8:
        width = (L * L + 7) // 8
        if d.attrs.get("encoding") != SPIN_ENCODING or d.shape != (n, width):
            raise ShardError(
                path,
                f"/spins is uint8 {d.shape} with encoding "
                f"{d.attrs.get('encoding')!r}, expected ({n}, {width}) {SPIN_ENCODING}",
            )
    elif d.dtype == np.int8:
        if d.shape != (n, L, L):
            raise ShardError(path, f"/spins is int8 {d.shape}, expected ({n}, {L}, {L})")
    else:
        raise ShardError(path, f"/spins has dtype {d.dtype}; expected bit-packed uint8 or int8")
    return attrs


def _read_spins(path, d, L, n=None):
    n = d.shape[0] if n is None else n
    if d.dtype == np.int8:
        spins = d[:n]
        if not np.all(np.abs(spins) == 1):
            bad = np.unique(spins[np.abs(spins) != 1])[:5]
            raise ShardError(path, f"/spins holds values {bad.tolist()}, spins must be -1 or +1")
        return spins
    out = np.empty((n, L, L), dtype=np.int8)
    pad = d.shape[1] * 8 - L * L
    step = max(1, (1 << 22) // max(1, L * L))
    for start in range(0, n, step):
        packed = d[start : min(start + step, n)]
        if pad and np.any(packed[:, -1] & np.uint8((1 << pad) - 1)):
            raise ShardError(path, "/spins has non-zero padding bits; the packing is corrupt")
        out[start : start + packed.shape[0]] = unpack_spins(packed, L)
    return out


def read_shard(path, spins=True):
    """Read and validate one shard; spins come back as int8 +-1 of shape (n, L, L)."""
    f = _open(path)
    try:
        with f:
            attrs = _validate(path, f)
            energy = f["energy"][...]
            magnetization = f["magnetization"][...]
            s = _read_spins(path, f["spins"], int(attrs["L"])) if spins else None
    except ShardError:
        raise
    except (OSError, KeyError, ValueError) as err:
        raise ShardError(path, f"could not be read (truncated or corrupt?): {err}") from None
    return Shard(Path(path), attrs, energy, magnetization, s)


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


def load_lattices(sources, L=None, max_per_shard=None):
    """All shards of one L: (spins int8 (n, L, L), T float64 (n,), paths).

    ``sources`` is a folder of shards, a shard, or a list of either. With ``max_per_shard``
    only the first that many configurations of each shard are used (shards on the Binder grid
    hold many more than the networks need). The int8 array is allocated once and filled shard
    by shard, so peak memory stays close to its final size.
    """
    paths = expand_sources(sources)
    folder = paths[0].parent
    metas = []
    for p in paths:
        with _open(p) as f:
            metas.append(_validate(p, f))
    sizes = {int(m["L"]) for m in metas}
    if len(sizes) > 1:
        raise ShardError(folder, f"mixes lattice sizes {sorted(sizes)}; one folder holds one L")
    (found,) = sizes
    if L is not None and found != L:
        raise ShardError(folder, f"holds L = {found} shards, but L = {L} was asked for")
    counts = [int(m["n_samples"]) for m in metas]
    if max_per_shard is not None:
        counts = [min(c, int(max_per_shard)) for c in counts]
    spins = np.empty((sum(counts), found, found), dtype=np.int8)
    T = np.empty(sum(counts))
    start = 0
    for p, m, k in zip(paths, metas, counts, strict=True):
        with _open(p) as f:
            spins[start : start + k] = _read_spins(p, f["spins"], found, k)
        T[start : start + k] = float(m["T"])
        start += k
    return spins, T, paths
