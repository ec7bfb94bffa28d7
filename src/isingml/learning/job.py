"""The network jobs, each one library call from its resolved settings (``settings.JobSpec``) and
its files to what it wrote (a dataclass), in the spirit of flax's ``train_and_evaluate(config,
workdir)``: ``train_job`` (train an ensemble, judge each member, save it and its predictions),
``predict_job``, ``efficiency_job`` (one run of the data-efficiency study) and ``filters_job``.
The window-free estimators' jobs are in ``estimator_jobs``. The CLI parses, checks that the
outputs can be written (``*_outputs``), calls, and logs."""

import dataclasses
from pathlib import Path

import numpy as np

from isingml.errors import UserError
from isingml.io import atomic, checkpoint, datasets, results, shards
from isingml.learning import data, filters, plan, predict, quality, store, train
from isingml.learning.backend import Backend
from isingml.learning.settings import JobSpec, TrainConfig


@dataclasses.dataclass(frozen=True)
class MemberPaths:
    """Where one member of a training job goes: its folder, and its predictions (or None)."""

    folder: Path
    predictions: Path | None


def train_outputs(spec: JobSpec, out, predictions=None, per_seed=True):
    """Each member's ``MemberPaths``: ``out/seed<k>/`` and ``predictions/seed<k>.h5`` with
    ``per_seed``, else ``out`` and ``predictions`` themselves (one network)."""
    if not per_seed and len(spec.seeds) != 1:
        raise UserError(f"{len(spec.seeds)} seeds need one folder each (per seed)")

    def path(base, seed, suffix=""):
        return Path(base) / f"seed{seed}{suffix}" if per_seed else Path(base)

    return [
        MemberPaths(path(out, s), None if predictions is None else path(predictions, s, ".h5"))
        for s in spec.seeds
    ]


@dataclasses.dataclass
class MemberResult:
    """One trained member: its run, where it went, its metrics and whether it learned."""

    cfg: TrainConfig
    paths: MemberPaths
    metrics: dict
    learned: bool
    problems: list


def train_job(spec: JobSpec, sources, paths: list[MemberPaths], backend=None):
    """Train the job's ensemble on the shards ``sources`` (one L), judge each member against
    the job's quality thresholds, and write each member's network, split, metrics and (where
    its paths say) predictions. Returns a ``MemberResult`` per seed."""
    backend = backend or Backend.from_env()
    lat = load_training_data(spec, spec.configs(), sources)
    cfgs = spec.configs(lattice=lat.lattice)  # networks of the data's dimension
    loop = backend.loop_for(spec.model)
    trained = train.train_ensemble(
        cfgs, lat.spins, lat.T, loop, axis=backend.members, lattice=lat.lattice
    )
    record = data.data_record(lat.spins, lat.T, lat.paths, lat.counts)
    out = []
    for cfg, member, where in zip(cfgs, trained, paths, strict=True):
        member.metrics["max_per_shard"] = spec.max_per_shard
        member.metrics["lattice"] = lat.lattice.attrs()  # the model it learned (store.trained_on)
        p = predict.probability(member.logits)
        verdict = quality.assess(member.metrics["accuracy"]["test"], lat.T, p, spec.L, spec.quality)
        member.metrics["quality"] = verdict
        store.save_network(where.folder, member, cfg, record)
        if where.predictions is not None:
            columns, attrs = predict.prediction_table(
                member.model, cfg.spec, cfg, lat.spins, lat.T, member.split.codes,
                member.logits, member.phi,
            )  # fmt: skip
            flags = {"learned": int(verdict["learned"]), "problems": "; ".join(verdict["problems"])}
            attrs = {**attrs, **flags, **lat.lattice.attrs(), "model_dir": str(where.folder)}
            results.write_predictions(where.predictions, columns, attrs)
        learned, problems = verdict["learned"], verdict["problems"]
        out.append(MemberResult(cfg, where, member.metrics, learned, problems))
    return out


def load_training_data(spec: JobSpec, cfgs, sources):
    """The training shards of a job (one L, one model: the job's, where it names one), refused
    where the networks' symmetries do not apply to the model: D4 augmentation and the ecnn
    are built on the square's 8 symmetries (``lattice.has_d4``)."""
    lat = datasets.load_lattices(sources, spec.L, spec.max_per_shard, spec.lattice_model())
    uses_d4 = [c.model for c in cfgs if c.model == "ecnn" or c.augment_d4]
    if uses_d4 and not lat.lattice.has_d4:
        what = "the ecnn" if uses_d4[0] == "ecnn" else "D4 augmentation (augment_d4)"
        raise UserError(
            f"{lat.paths[0]}: {what} needs the square's D4 symmetry, but these shards hold the "
            f"{lat.lattice.describe()} lattice (point group {lat.lattice.point_group}); train the "
            "cnn without augment_d4 on it"
        )
    return lat


@dataclasses.dataclass
class Predicted:
    """What ``predict_job`` did: configurations, their L, the network's name and training L."""

    n: int
    L: int
    model: str
    L_train: int


def predict_job(model_dir, sources, out, L=None, max_per_shard=None):
    """p(ordered) and phi of the network in ``model_dir`` on the shards ``sources`` (one L),
    written to ``out``; on the training size with the training run's split, checked to be the
    same data."""
    folder = Path(model_dir)
    model, spec, cfg = store.load_network(folder)
    if spec.name == "fcn" and L is not None and L != spec.L:
        raise UserError(f"the fully connected network in {folder} takes only L = {spec.L}")
    lat = datasets.load_lattices(sources, L, max_per_shard)
    size = lat.spins.shape[1]
    if lat.lattice.dim != spec.dim:
        raise UserError(
            f"the network in {folder} takes {spec.dim}-dimensional configurations; {sources} "
            f"hold the {lat.lattice.describe()} lattice's ({lat.lattice.dim}-dimensional)"
        )
    if spec.name == "fcn" and size != spec.L:
        raise UserError(
            f"the fully connected network in {folder} was trained on L = {spec.L} and has "
            f"L^{spec.dim} = {spec.L**spec.dim} inputs; it cannot predict on L = {size} "
            f"({sources}). Only the CNN accepts any L."
        )
    split = None
    if size == spec.L:  # the training run's own split, checked against the data given
        codes, _, record = checkpoint.load_split(folder / "split.npz")
        given = data.data_record(lat.spins, lat.T, lat.paths, lat.counts)
        data.check_same_data(record, given, str(folder))
        split = codes
    columns, attrs = predict.prediction_table(model, spec, cfg, lat.spins, lat.T, split)
    results.write_predictions(out, columns, {**attrs, "model_dir": str(folder)})
    return Predicted(len(lat.T), size, spec.name, spec.L)


@dataclasses.dataclass
class EfficiencyRow:
    """One run of the data-efficiency study (row.json, in this order)."""

    model: str  # the study's name (cnn_d4 for the CNN with D4 augmentation)
    L: int
    seed: int
    per_temperature: int
    n_params: int
    accuracy_test: float | None
    accuracy_critical: float | None
    T_star: float
    epochs: int
    seconds: float


def efficiency_job(spec: JobSpec, sources, out, backend=None):
    """Train one network of the study (``spec.study_model``, one seed) on ``per_temperature``
    training configurations per temperature; write it (as ``train_job`` does) and its
    ``EfficiencyRow`` to ``out/row.json``."""
    from isingml.analysis.efficiency import run_T_star

    backend = backend or Backend.from_env()
    lat = load_training_data(spec, spec.configs(), sources)
    (cfg,) = spec.configs(lattice=lat.lattice)
    codes = plan.plan_member(cfg, lat.T, lattice=lat.lattice).split.codes
    keep = plan.training_subset(lat.T, codes, spec.per_temperature, cfg)
    loop = backend.loop_for(cfg.model)
    member = train.train_ensemble(
        [cfg], lat.spins, lat.T, loop, [keep], backend.members, lat.lattice
    )[0]
    metrics = member.metrics
    row = EfficiencyRow(
        spec.study_model, spec.L, cfg.seed, spec.per_temperature, metrics["n_params"],
        metrics["accuracy"]["test"], metrics["accuracy"]["critical"],
        run_T_star(lat.T, member.logits), len(metrics["epochs"]), metrics["wall_seconds"],
    )  # fmt: skip
    record = data.data_record(lat.spins, lat.T, lat.paths, lat.counts)
    store.save_network(out, member, cfg, record)
    results.write_json(Path(out) / "row.json", dataclasses.asdict(row))
    return row


@dataclasses.dataclass
class Filters:
    """What ``filters_job`` wrote: the number of filters and of configurations."""

    n_filters: int
    n_configurations: int


def filters_job(model_dir, shard_paths, out):
    """A network's first-layer filters, activations and saliency on the last stored
    configuration of each shard, to ``out`` (.npz)."""
    model, spec, _ = store.load_network(model_dir, need_order_parameter="convolutional filters")
    loaded = [shards.read_shard(p) for p in shard_paths]
    lattice = shards.one_model(loaded)
    store.require_trained_on([model_dir], lattice, lattice)
    x = np.stack([s.spins[-1] for s in loaded])  # the last stored configuration of each
    arrays = {
        "filters": filters.first_layer_filters(model),
        "configurations": x,
        "activations": filters.activation_maps(model, x),
        "saliency": filters.saliency(model, x),
        "T": np.array([s.T for s in loaded]),
        "model": np.array(spec.name),
    }
    with atomic.atomic_output(out) as tmp:
        with open(tmp, "wb") as f:
            np.savez(f, **arrays)
    return Filters(len(arrays["filters"]), len(x))
