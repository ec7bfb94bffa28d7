"""The jobs of the window-free estimators and of the baseline, each one library call (as in
``job``): ``confusion_job`` (a confusion scan per seed for one L) and ``features_job`` (every
network's order parameter on the Binder grid, in one pass). The baseline's job is
``baseline.baseline_job``, in a module without JAX: importing JAX cost each of its jobs a
second."""

import dataclasses
from pathlib import Path

import numpy as np

from isingml import seeds
from isingml.errors import UserError
from isingml.io import datasets, results, shard_models, shards
from isingml.learning import confusion, features, predict, store
from isingml.learning.backend import Backend
from isingml.learning.settings import JobSpec, TrainConfig
from isingml.windows import window_attr


@dataclasses.dataclass
class ScanResult:
    """One seed's confusion scan: its run, its file, and the curve."""

    cfg: TrainConfig
    out: Path
    curve: confusion.ConfusionCurve


def confusion_job(spec: JobSpec, sources, outs, backend=None):
    """A confusion scan over ``spec.range`` per seed of the job, scanned together; each
    seed's curve written to its file of ``outs``."""
    backend = backend or Backend.from_env()
    if spec.range is None:
        raise UserError("a confusion scan needs its range of temperatures (--range, or the job's)")
    if len(outs) != len(spec.seeds):
        raise UserError(f"{len(spec.seeds)} seeds but {len(outs)} outputs; give one per seed")
    lat = datasets.load_lattices(sources, spec.L, spec.max_per_shard, spec.lattice_model())
    cfgs = spec.configs(lattice=lat.lattice)  # networks of the data's dimension
    loop = backend.loop_for(spec.model)
    curves = confusion.confusion_curves(
        cfgs, lat.spins, lat.T, spec.range, spec.epochs_per_point, loop, backend.members
    )
    done = []
    for cfg, curve, out in zip(cfgs, curves, outs, strict=True):
        arrays = {
            "proposals": curve.proposals,
            "accuracy": curve.accuracy,
            "correct": curve.correct.astype(np.uint8),
            "T_test": curve.T_test,
        }
        results.write_arrays(out, arrays, {"L": spec.L, "seed": cfg.seed, "model": "cnn"})
        done.append(ScanResult(cfg, Path(out), curve))
    return done


def _shard_block(path, max_per_shard):
    """(the shard's configurations, its table's shared columns, its decimations' stream)."""
    s = shards.read_shard(path)
    k = s.spins.shape[0] if max_per_shard is None else max_per_shard
    k = min(k, s.spins.shape[0])
    shards.require_spins(path, s.attrs, max(k, 1))
    shared = {
        "L": s.L,
        "T": s.T,
        "energy": s.energy[:k],
        "source": str(path),
        "n_replicas": int(s.attrs.get("n_replicas", 1)),
        "interval": float(s.attrs["interval"]),
    }
    # tie-breaks of the decimations seeded by the shard's own spawn key: every network sees
    # the same ones
    rng = np.random.default_rng(seeds.decimation(s.attrs["seed"], s.attrs["spawn_key"]))
    return s.spins[:k], shared, rng


def _features_attrs(folder, spec, cfg, trained_on, lattice):
    """A features file's attributes: the network, its training verdict, the model it was
    trained on and the one it was evaluated on (also as a shard names it, ``lattice`` and
    ``couplings``: the analysis reweights with its sites per configuration)."""
    return {
        "trained_on": trained_on.describe(),
        "evaluated_on": lattice.describe(),
        **lattice.attrs(),
        **_verdict(folder),
        "model": spec.name,
        "L_train": spec.L,
        "seed": cfg.seed,
        "model_dir": str(folder),
        "window": window_attr(cfg.window),
    }


def _verdict(folder):
    """Whether a network learned its training task (``learning.quality``), as file attributes."""
    verdict = results.read_json(Path(folder) / "metrics.json").get("quality", {})
    return {
        "learned": int(verdict.get("learned", True)),
        "problems": "; ".join(verdict.get("problems", [])),
    }


def network_folder(path):
    """A network's folder, given the folder or a file in it (its params.npz)."""
    path = Path(path)
    return path.parent if path.is_file() else path


def features_job(spec: JobSpec, model_dirs, shard_paths, outs, threads=None, backend=None):
    """Every network of ``model_dirs`` (one architecture) on every shard of the Binder grid, and
    on their block-spin decimations, in one pass; each network's table to its file of
    ``outs``. Returns the number of networks."""
    backend = backend or Backend.from_env()
    if len(outs) != len(model_dirs):
        raise UserError(
            f"{len(model_dirs)} networks but {len(outs)} outputs; give one output per network"
        )
    folders = [network_folder(d) for d in model_dirs]
    # the shards' one model (the job's, where it names one) and the networks' (the shards' own,
    # or for the transfer study the job's trained_on): checked before anything is computed
    lattice = shard_models.shards_model(shard_paths, spec.lattice_model())
    trained_on = spec.lattice_model("trained_on") or lattice
    store.require_trained_on(folders, trained_on, lattice)
    loaded = [store.load_network(d, need_order_parameter="order parameter") for d in folders]
    graphdef, stacked = features.stack_networks([(m, s) for m, s, _ in loaded], folders)
    axis = backend.eval_for(loaded[0][1].name, lattice.dim)
    if axis == "kernel" and threads:  # the Numba kernel takes the job's share of cores
        import numba

        numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))
    blocks = [[] for _ in loaded]
    for path in shard_paths:
        spins, shared, rng = _shard_block(path, spec.max_per_shard)
        native = spec.native is None or shared["L"] in spec.native
        per_net = features.ensemble_features(
            graphdef, stacked, spins, rng, native, members=axis, lattice=lattice
        )
        for net_blocks, outputs in zip(blocks, per_net, strict=True):
            net_blocks.append({**shared, **outputs})
    for (_, net_spec, cfg), folder, out, net_blocks in zip(
        loaded, folders, outs, blocks, strict=True
    ):
        attrs = _features_attrs(folder, net_spec, cfg, trained_on, lattice)
        results.write_features(out, net_blocks, attrs)
    return len(loaded)


@dataclasses.dataclass
class Transferred:
    """What ``transfer_predict_job`` did: networks, configurations, their L and both models."""

    networks: int
    n: int
    L: int
    trained_on: str
    evaluated_on: str


def transfer_predict_job(spec: JobSpec, model_dirs, sources, outs):
    """The transfer study on the networks' grid: p(ordered) and phi of networks trained on one
    lattice (``spec.trained_on``; one size, every seed) on the shards ``sources`` of another
    (``spec.lattice``: this run's grid at the same L), each network's predictions to its file of
    ``outs``, every configuration marked as never trained on."""
    if len(outs) != len(model_dirs):
        raise UserError(f"{len(model_dirs)} networks but {len(outs)} outputs; give one per network")
    lat = datasets.load_lattices(sources, spec.L, spec.max_per_shard, spec.lattice_model())
    folders = [network_folder(d) for d in model_dirs]
    trained_on = spec.lattice_model("trained_on") or lat.lattice
    store.require_trained_on(folders, trained_on, lat.lattice)
    for folder, out in zip(folders, outs, strict=True):
        model, net_spec, cfg = store.load_network(folder)
        columns, attrs = predict.prediction_table(model, net_spec, cfg, lat.spins, lat.T)
        models = {"trained_on": trained_on.describe(), "evaluated_on": lat.lattice.describe()}
        attrs = {**attrs, **_verdict(folder), **models, **lat.lattice.attrs()}
        attrs["model_dir"] = str(folder)
        results.write_predictions(out, columns, attrs)
    return Transferred(len(folders), len(lat.T), lat.spins.shape[1], *models.values())
