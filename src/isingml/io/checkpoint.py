"""Network checkpoints: parameters as a .npz of named float arrays plus the model spec as JSON."""

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
