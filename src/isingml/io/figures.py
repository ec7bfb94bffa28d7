"""Reading a figure's inputs: each file named on ``isingml plot``'s command line, loaded into
the tables, dicts and arrays that the functions of ``isingml.plots`` draw. I/O only."""

from pathlib import Path

import numpy as np

from isingml.errors import UserError
from isingml.io import results, shards


def read_npz(path):
    """Every array of an .npz file, as a dict (the file closed)."""
    try:
        with np.load(path) as f:
            return {k: f[k] for k in f.files}
    except FileNotFoundError:
        raise UserError(f"{path}: no such file") from None


# an input's reader by its name on the command line, else by the file's suffix
BY_NAME = {"shards": shards.read_shard, "predictions": results.read_predictions}
BY_SUFFIX = {".csv": results.read_csv, ".json": results.read_json, ".npz": read_npz}


def read_input(name, path):
    """One input file of a figure, read by its name (``shards``, ...) or its suffix."""
    reader = BY_NAME.get(name) or BY_SUFFIX.get(Path(path).suffix)
    if reader is None:
        raise UserError(f"{path}: no reader for a --{name} file of this kind")
    return reader(path)


def read_inputs(figure, given):
    """The inputs of ``figure`` (a ``plots.registry.Figure``) in the order its function takes
    them: one object per input, a list where the input takes several files. ``given``: input
    name -> list of paths."""
    out = []
    for spec in figure.inputs:
        data = [read_input(spec.name, p) for p in given[spec.name]]
        out.append(data if spec.many else data[0])
    return out
