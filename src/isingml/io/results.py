"""Results files: JSON, CSV tables and per-configuration predictions (HDF5)."""

import csv
import json
from pathlib import Path

import h5py
import numpy as np

from isingml.errors import UserError
from isingml.io.atomic import atomic_output
from isingml.physics import ONSAGER_TC


def write_json(path, obj):
    with atomic_output(path) as tmp:
        Path(tmp).write_text(json.dumps(obj, indent=1, default=_json_default) + "\n")


def read_json(path):
    try:
        return json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None
    except json.JSONDecodeError as err:
        raise UserError(f"{path}: not valid JSON ({err})") from None


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"cannot write {type(obj).__name__} to JSON")


PREDICTION_SCHEMA = 1


def write_predictions(path, columns, attrs):
    """One row per configuration: T, p_ordered, split, ... (1-D datasets of equal length)."""
    with atomic_output(path) as tmp:
        with h5py.File(tmp, "w") as f:
            for name, data in columns.items():
                f.create_dataset(name, data=data, compression="gzip", compression_opts=4)
            for key, value in {**attrs, "schema_version": PREDICTION_SCHEMA}.items():
                f.attrs[key] = value


def read_predictions(path):
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such predictions file; run `isingml predict` first")
    try:
        with h5py.File(path, "r") as f:
            if int(f.attrs.get("schema_version", -1)) != PREDICTION_SCHEMA:
                raise UserError(f"{path}: predictions schema_version is not {PREDICTION_SCHEMA}")
            return {k: f[k][...] for k in f}, dict(f.attrs)
    except OSError as err:
        raise UserError(f"{path}: not a readable HDF5 file ({err})") from None


def write_csv(path, rows, columns=None):
    """Rows (dicts) to CSV atomically; floats in full precision, None as empty."""
    columns = columns or (list(rows[0]) if rows else [])
    columns = [c for c in columns if not c.startswith("_")]  # "_" keys are in-memory only
    with atomic_output(path) as tmp:
        with open(tmp, "w", newline="") as f:
            w = csv.DictWriter(f, columns, extrasaction="ignore")
            w.writeheader()
            for r in rows:
                w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in columns})


def read_rows(path):
    """The rows of a CSV table as dicts, their values parsed as ``read_csv`` parses them."""
    table = read_csv(path)
    return [dict(zip(table, vals, strict=True)) for vals in zip(*table.values(), strict=True)]


# Result keys renamed when the comparisons came to take each lattice's own exact T_c (issue 27):
# runs from before name Onsager's, and were all of the square lattice with unit couplings.
RENAMED = {"rel_dev_onsager": "rel_dev_reference", "onsager_T_c": "reference_T_c"}
BEFORE_LATTICES = {"lattice": "square", "reference": "Onsager 1944"}


def renamed(obj):
    """A summary row or FSS result with the keys of this version: an older one's
    ``rel_dev_onsager`` and ``onsager_T_c`` under their new names, and its lattice named."""
    if not any(old in obj for old in RENAMED):
        return obj
    out = {RENAMED.get(k, k): v for k, v in obj.items()}
    for key, value in BEFORE_LATTICES.items():
        out.setdefault(key, value)
    if "rel_dev_reference" in out and "reference_T_c" not in out:
        out["reference_T_c"] = ONSAGER_TC
    return out


def read_summary(path):
    """The rows of a run's results/summary.csv, older ones' keys renamed (``renamed``)."""
    return [renamed(r) for r in read_rows(path)]


def write_table(path, table):
    """A list of rows to CSV (``write_csv``), any other object to JSON (``write_json``)."""
    if isinstance(table, list):
        write_csv(path, table)
    else:
        write_json(path, table)


def write_text(path, text):
    with atomic_output(path) as tmp:
        Path(tmp).write_text(text)


def write_npz(path, arrays):
    """Named arrays to an uncompressed .npz, atomically."""
    with atomic_output(path) as tmp:
        with open(tmp, "wb") as f:
            np.savez(f, **arrays)


def read_csv(path):
    """{column: numpy array} (numeric where every value parses as a number)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such results file; run the step that writes it first")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        return {}
    out = {}
    for key in rows[0]:
        vals = [r[key] for r in rows]
        try:
            out[key] = np.array([np.nan if v == "" else float(v) for v in vals])
        except ValueError:
            out[key] = np.array(vals)
    return out


FEATURES_SCHEMA = 1


def write_features(path, blocks, attrs):
    """A network's per-configuration outputs on the Binder grid: one HDF5 group per shard
    (``L{L}/T{T}``) holding ``energy`` (per site) and the outputs (``phi``, ``p``, and on the
    block-decimated configurations ``phi_b2``, ``p_b2``, ...) of its configurations, with the
    shard's ``T``, ``L``, ``n_replicas``, ``interval`` and ``source`` as attributes."""
    with atomic_output(path) as tmp:
        with h5py.File(tmp, "w") as f:
            for b in blocks:
                g = f.create_group(f"L{b['L']}/T{b['T']:.4f}")
                for name, data in b.items():
                    if isinstance(data, np.ndarray):
                        g.create_dataset(name, data=data)
                for key in ("T", "L", "n_replicas", "interval", "source"):
                    g.attrs[key] = b[key]
            for key, value in {**attrs, "schema_version": FEATURES_SCHEMA}.items():
                f.attrs[key] = value


def read_features(path):
    """(blocks, attrs) from ``write_features``; blocks sorted by (L, T)."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such features file; run `isingml features` first")
    try:
        with h5py.File(path, "r") as f:
            if int(f.attrs.get("schema_version", -1)) != FEATURES_SCHEMA:
                raise UserError(f"{path}: features schema_version is not {FEATURES_SCHEMA}")
            blocks = []
            for size in f.values():
                for g in size.values():
                    blocks.append({**dict(g.attrs), **{k: g[k][...] for k in g}})
            return sorted(blocks, key=lambda b: (b["L"], b["T"])), dict(f.attrs)
    except OSError as err:
        raise UserError(f"{path}: not a readable HDF5 file ({err})") from None


ARRAYS_SCHEMA = 1


def write_arrays(path, arrays, attrs):
    """Named arrays of any shapes (HDF5 datasets) with attributes, atomically."""
    with atomic_output(path) as tmp:
        with h5py.File(tmp, "w") as f:
            for name, data in arrays.items():
                f.create_dataset(name, data=data, compression="gzip", compression_opts=4)
            for key, value in {**attrs, "schema_version": ARRAYS_SCHEMA}.items():
                f.attrs[key] = value


def read_arrays(path):
    """(arrays, attrs) from ``write_arrays``."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such file; run the step that writes it first")
    try:
        with h5py.File(path, "r") as f:
            if int(f.attrs.get("schema_version", -1)) != ARRAYS_SCHEMA:
                raise UserError(f"{path}: schema_version is not {ARRAYS_SCHEMA}")
            return {k: f[k][...] for k in f}, dict(f.attrs)
    except OSError as err:
        raise UserError(f"{path}: not a readable HDF5 file ({err})") from None
