"""Network checkpoints: parameters as a .npz of named float arrays plus the model spec as JSON."""

import json
from pathlib import Path

import numpy as np

from isingml.errors import UserError
from isingml.io.atomic import atomic_output


def save_checkpoint(path, spec_json, arrays):
    """Parameters as a .npz of named float arrays plus the model spec as JSON text."""
    with atomic_output(path) as tmp:
        with open(tmp, "wb") as f:
            np.savez(f, __spec__=np.array(spec_json), **arrays)


def load_checkpoint(path):
    """(spec JSON text, dict of arrays) from ``save_checkpoint``."""
    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such checkpoint; train the model first (`isingml train`)")
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError) as err:
        raise UserError(f"{path}: not a readable checkpoint ({err})") from None
    if "__spec__" not in arrays:
        raise UserError(f"{path}: has no model spec; not an isingml checkpoint")
    return str(arrays.pop("__spec__")), arrays


def save_split(path, codes, train_counts, record):
    """The exact data split of a training run: split codes and training multiplicities per
    configuration, and the data record (shard, T, n, content hash) they refer to."""
    with atomic_output(path) as tmp:
        with open(tmp, "wb") as f:
            np.savez(f, codes=codes, train_counts=train_counts, record=np.array(json.dumps(record)))


def load_split(path):
    """(codes, train_counts, record) from ``save_split``."""
    path = Path(path)
    if not path.is_file():
        raise UserError(
            f"{path}: no such split file; this network was trained by an older isingml or the "
            "folder is incomplete: train it again"
        )
    try:
        with np.load(path, allow_pickle=False) as z:
            return z["codes"], z["train_counts"], json.loads(str(z["record"]))
    except (OSError, ValueError, KeyError) as err:
        raise UserError(f"{path}: not a readable split file ({err})") from None
