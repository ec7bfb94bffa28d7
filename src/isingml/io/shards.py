"""Lattice shards (HDF5): the schema, the streaming atomic writer and the validating reader.

A shard holds the configurations of one (L, T). Spins are bit-packed on disk (``packing``: 1 bit
per spin, bit 1 = spin +1, each configuration's sites in C order of its shape, (L, L) or the
cubic lattice's (L, L, L), padded with zero bits to whole bytes); /spins' attribute
``shape_unpacked`` is (n, *shape), so with plain h5py::

    with h5py.File(path) as f:
        n, *shape = f["spins"].attrs["shape_unpacked"]
        bits = np.unpackbits(f["spins"][:], axis=1, count=int(np.prod(shape)))
        spins = (2 * bits.astype(np.int8) - 1).reshape(n, *shape)

The per-sample series /energy and /magnetization cover all ``n_samples`` samples; /spins holds
the first ``n_spins`` of them (all, for the networks' shards; a Binder-grid shard may store only
some, or none and then has no /spins). A multi-spin shard (attribute ``n_replicas``) holds 64
independent chains stored time-major: sample i is replica i % 64 at time i // 64.

``read_shard`` does exactly this and validates the file. Writes go to a temporary file in the
same folder, renamed over the target only once complete, so a crash never leaves a partial
shard under the final name. The attributes ``lattice`` and ``couplings`` name the model
(``isingml.lattices``), whose ``shape(L)`` the spins have; a job checks its inputs'
(``shard_models``: a square shard given to a cubic job is refused, naming the file).
"""

import datetime
import math
import os
from dataclasses import dataclass
from pathlib import Path

import h5py
import numpy as np

from isingml import __version__
from isingml.errors import UserError
from isingml.io.atomic import temporary_path
from isingml.io.packing import SPIN_ENCODING, pack_spins, packed_width, unpack_spins  # noqa: F401
from isingml.io.shard_models import model_of, one_model, require_model, spin_shape  # noqa: F401

SCHEMA_VERSION = 3
# Version 2 added n_spins (a shard may store the spins of only its first n_spins samples, or
# none: a Binder-grid shard of E and M series) and the tau_int of the stored series. Version 1
# shards are read as holding every configuration. Version 3 added the model, ``lattice`` and
# ``couplings``: older shards are read as the square lattice with unit couplings.
READABLE_VERSIONS = (1, 2, 3)
REQUIRED_ATTRS = ("L", "T", "J", "algorithm", "n_thermalize", "interval", "tau_int_energy",
                  "tau_int_abs_m", "seed", "spawn_key", "schema_version", "isingml_version",
                  "created", "n_samples")  # fmt: skip


class ShardError(UserError):
    """A lattice shard is missing, truncated or does not follow the schema."""

    def __init__(self, path, fault):
        super().__init__(f"{path}: {fault}")
        self.path = Path(path)


class ShardWriter:
    """Stream chunks of configurations into one shard; atomic on ``close``.

    Use as a context manager; the shard appears under ``path`` only if the block exits
    without an exception and ``finish`` was called with the provenance attributes. ``shape``:
    one configuration's, ``lattice.shape(L)`` (default (L, L)).
    """

    def __init__(self, path, L, chunk=512, max_spins=None, shape=None):
        self.path = Path(path)
        self.L = int(L)
        self.shape = (self.L, self.L) if shape is None else tuple(int(n) for n in shape)
        self.tmp = temporary_path(self.path)
        self._file = None
        self._chunk = chunk
        self._n = 0
        self._n_spins = 0
        self._max_spins = max_spins  # store the spins of the first max_spins samples (None: all)
        self._finished = False

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._file = h5py.File(self.tmp, "w", track_order=True)
        width = packed_width(self.shape)
        chunk = max(1, min(self._chunk, (1 << 20) // width))  # chunks of at most ~1 MiB
        if self._max_spins != 0:
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
            d.attrs["shape_unpacked"] = np.array([0, *self.shape])
        for name in ("energy", "magnetization"):
            self._file.create_dataset(name, (0,), np.float64, maxshape=(None,), chunks=(4096,))
        self._file["energy"].attrs["meaning"] = "energy per site, J = 1"
        self._file["magnetization"].attrs["meaning"] = "signed magnetization per site"
        return self

    def append(self, spins, energy, magnetization):
        k = spins.shape[0]
        if spins.shape[1:] != self.shape or energy.shape != (k,) or magnetization.shape != (k,):
            raise ValueError("chunk shapes do not match the shard")
        f, n = self._file, self._n
        for name, data in (("energy", energy), ("magnetization", magnetization)):
            f[name].resize(n + k, axis=0)
            f[name][n:] = data
        self._n += k
        room = k if self._max_spins is None else min(k, self._max_spins - self._n_spins)
        if room > 0:
            d = f["spins"]
            d.resize(self._n_spins + room, axis=0)
            d[self._n_spins :] = pack_spins(spins[:room])
            self._n_spins += room

    def finish(self, **attrs):
        f = self._file
        if "spins" in f:
            f["spins"].attrs["shape_unpacked"] = np.array([self._n_spins, *self.shape])
        now = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        base = {"schema_version": SCHEMA_VERSION, "isingml_version": __version__, "created": now}
        sizes = {"n_samples": self._n, "n_spins": self._n_spins, "L": self.L}
        for key, value in {**attrs, **base, **sizes}.items():
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
    spins: np.ndarray | None  # int8 (n_spins, *lattice.shape(L)), None when read without spins

    @property
    def L(self):
        return int(self.attrs["L"])

    @property
    def T(self):
        return float(self.attrs["T"])

    @property
    def lattice(self):  # the model it holds (lattices.Lattice)
        return model_of(self.path, self.attrs)


def _open(path):
    path = Path(path)
    if not path.is_file():
        raise ShardError(path, "no such shard; run `isingml simulate` (or the workflow) first")
    try:
        return h5py.File(path, "r")
    except OSError as err:
        raise ShardError(path, f"not a readable HDF5 file (truncated or corrupt?): {err}") from None


def n_spins(attrs):
    """Configurations whose spins a shard stores: its first ``n_spins`` samples (version 1
    shards store all)."""
    return int(attrs.get("n_spins", attrs["n_samples"]))


def _validate(path, f):
    attrs = dict(f.attrs)
    missing = [k for k in REQUIRED_ATTRS if k not in attrs]
    if "schema_version" in attrs and int(attrs["schema_version"]) not in READABLE_VERSIONS:
        raise ShardError(
            path,
            f"schema_version {attrs['schema_version']} is not one this isingml reads "
            f"{READABLE_VERSIONS}; re-simulate it with this version",
        )
    if "schema_version" not in attrs:
        raise ShardError(
            path,
            "this file is not an isingml shard (no schema_version attribute); write shards with "
            "`isingml simulate` or the workflow",
        )
    if int(attrs["schema_version"]) >= 3:  # version 3 names the model
        missing += [k for k in ("lattice", "couplings") if k not in attrs]
    if missing:
        # shards are written atomically (io/atomic.py), so a shard of this version has them all
        version = attrs["schema_version"]
        raise ShardError(path, f"missing attributes {missing} that an isingml shard of "
                         f"schema_version {version} has; re-simulate it")  # fmt: skip
    attrs = {"lattice": "square", "couplings": [1.0, 1.0], **attrs}
    L, n, k = int(attrs["L"]), int(attrs["n_samples"]), n_spins(attrs)
    shape = spin_shape(path, attrs)
    for name in ("energy", "magnetization"):
        if name not in f:
            raise ShardError(path, f"missing dataset /{name}")
        d = f[name]
        if d.dtype != np.float64 or d.shape != (n,):
            raise ShardError(path, f"/{name} is {d.dtype} {d.shape}, expected float64 ({n},)")
    if not 0 <= k <= n:
        raise ShardError(path, f"n_spins = {k} is not between 0 and n_samples = {n}")
    if k == 0:
        return attrs
    if "spins" not in f:
        raise ShardError(path, "missing dataset /spins")
    d = f["spins"]
    stated = tuple(int(x) for x in d.attrs.get("shape_unpacked", (k, *shape)))
    if stated != (k, *shape):
        raise ShardError(path, f"/spins holds configurations of shape {stated[1:]}, but its "
                         f"attributes name the {attrs['lattice']} lattice at L = {L}, {shape}; "
                         "the file is corrupt or was edited: re-simulate it")  # fmt: skip
    if d.dtype == np.uint8:
        width = packed_width(shape)
        if d.attrs.get("encoding") != SPIN_ENCODING or d.shape != (k, width):
            raise ShardError(
                path,
                f"/spins is uint8 {d.shape} with encoding "
                f"{d.attrs.get('encoding')!r}, expected ({k}, {width}) {SPIN_ENCODING}",
            )
    elif d.dtype == np.int8:
        if d.shape != (k, *shape):
            raise ShardError(path, f"/spins is int8 {d.shape}, expected {(k, *shape)}")
    else:
        raise ShardError(path, f"/spins has dtype {d.dtype}; expected bit-packed uint8 or int8")
    return attrs


def require_spins(path, attrs, needed):
    """Refuse a shard that stores the spins of fewer than ``needed`` configurations."""
    k = n_spins(attrs)
    if k < needed:
        what = "no configurations" if k == 0 else f"the spins of only its first {k} samples"
        raise ShardError(
            path,
            f"holds {what} ({attrs['n_samples']} E and M values); {needed} configurations are "
            "needed: networks train on the network grid's shards (data/lattices/), which store "
            "every configuration",
        )


def _read_spins(path, d, shape, n=None):
    n = d.shape[0] if n is None else n
    if d.dtype == np.int8:
        spins = d[:n]
        if not np.all(np.abs(spins) == 1):
            bad = np.unique(spins[np.abs(spins) != 1])[:5]
            raise ShardError(path, f"/spins holds values {bad.tolist()}, spins must be -1 or +1")
        return spins
    out = np.empty((n, *shape), dtype=np.int8)
    sites = math.prod(shape)
    pad = d.shape[1] * 8 - sites
    step = max(1, (1 << 22) // max(1, sites))
    for start in range(0, n, step):
        packed = d[start : min(start + step, n)]
        if pad and np.any(packed[:, -1] & np.uint8((1 << pad) - 1)):
            raise ShardError(path, "/spins has non-zero padding bits; the packing is corrupt")
        out[start : start + packed.shape[0]] = unpack_spins(packed, shape)
    return out


def read_shard(path, spins=True, lattice=None):
    """Read and validate one shard (of the model ``lattice``, if given). Spins come back as int8
    +-1 of shape (n_spins, *shape), the model's ``shape(L)``: the first ``n_spins`` of the n
    samples (all of them but on the Binder grid; none is an empty array); with ``spins=False``
    they are not read (None)."""
    f = _open(path)
    try:
        with f:
            attrs = _validate(path, f)
            if lattice is not None:
                require_model(path, attrs, lattice)
            energy = f["energy"][...]
            magnetization = f["magnetization"][...]
            s = None
            if spins:
                shape = spin_shape(path, attrs)
                k = n_spins(attrs)
                s = _read_spins(path, f["spins"], shape) if k else np.empty((0, *shape), np.int8)
    except ShardError:
        raise
    except (OSError, KeyError, ValueError) as err:
        raise ShardError(path, f"could not be read (truncated or corrupt?): {err}") from None
    return Shard(Path(path), attrs, energy, magnetization, s)
