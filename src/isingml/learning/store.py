"""A trained network's folder: ``params.npz`` (parameters and model spec), ``split.npz`` (the
data split it trained on) and ``metrics.json`` (its metrics and configuration). The one place
that writes (``save_network``) and reads (``load_network``) such a folder; the bytes go through
``isingml.io``."""

from pathlib import Path

from isingml import lattices
from isingml.errors import UserError
from isingml.io import checkpoint, results
from isingml.learning import models
from isingml.learning.settings import TrainConfig


def save_network(folder, trained, cfg: TrainConfig, record):
    """Write a ``train.Trained`` member: its checkpoint, split and metrics (each atomically)."""
    folder = Path(folder)
    metrics = {**trained.metrics, "data": record}
    checkpoint.save_checkpoint(
        folder / "params.npz", cfg.spec.to_json(), models.params_to_arrays(trained.model)
    )
    checkpoint.save_split(
        folder / "split.npz", trained.split.codes, trained.split.train_counts, record
    )
    results.write_json(folder / "metrics.json", metrics)


def load_network(folder, need_order_parameter=None):
    """(model, ModelSpec, TrainConfig) of a folder written by ``save_network``.

    ``need_order_parameter``: a reason text; refuse, with it, a network without an order
    parameter phi (the FCN)."""
    folder = Path(folder)
    spec_json, arrays = checkpoint.load_checkpoint(folder / "params.npz")
    spec = models.ModelSpec.from_json(spec_json)
    if need_order_parameter and spec.name == "fcn":
        raise UserError(f"{folder}: the fully connected network has no {need_order_parameter}")
    cfg = TrainConfig.from_dict(results.read_json(folder / "metrics.json")["config"])
    return models.model_from_arrays(spec, arrays, str(folder)), spec, cfg


def trained_on(folder):
    """The model (``lattices.Lattice``) a network was trained on: its metrics' ``lattice``; a
    network from before lattices names none and was trained on the square, unit couplings."""
    metrics = results.read_json(Path(folder) / "metrics.json")
    return lattices.from_attrs(metrics.get("lattice") or {})


def require_trained_on(folders, lattice, evaluated_on):
    """Refuse a network trained on another model than ``lattice``, naming its folder: networks
    evaluated on the shards of ``evaluated_on`` (a model) that were trained on another lattice
    belong to the transfer study (studies.transfer), whose jobs say so."""
    for folder in folders:
        found = trained_on(folder)
        if found != lattice:
            raise UserError(
                f"{folder}: a network trained on the {found.describe()} lattice, but this job "
                f"evaluates networks trained on the {lattice.describe()} lattice on shards of "
                f"the {evaluated_on.describe()} lattice; networks of another configuration? "
                "(networks trained on one lattice and evaluated on another are the transfer "
                "study's, studies.transfer)"
            )
