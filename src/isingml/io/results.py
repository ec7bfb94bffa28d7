"""Results files: JSON, CSV tables and per-configuration predictions (HDF5)."""

import csv
import json
from pathlib import Path

import h5py
import numpy as np

from isingml.errors import UserError
from isingml.io.atomic import atomic_output


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
    with atomic_output(path) as tmp:
        with open(tmp, "w", newline="") as f:
            w = csv.DictWriter(f, columns, extrasaction="ignore")
            w.writeheader()
            for r in rows:
                w.writerow({k: ("" if r.get(k) is None else r.get(k)) for k in columns})


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
