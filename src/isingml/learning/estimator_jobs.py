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
from isingml.io import datasets, results, shards
from isingml.learning import confusion, features, store
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
    cfgs = spec.configs()
    if len(outs) != len(cfgs):
        raise UserError(f"{len(cfgs)} seeds but {len(outs)} outputs; give one per seed")
    lat = datasets.load_lattices(sources, spec.L, spec.max_per_shard)
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


def _features_attrs(folder, spec, cfg):
    """A features file's attributes: the network, and its training verdict."""
    verdict = results.read_json(Path(folder) / "metrics.json").get("quality", {})
    return {
        "learned": int(verdict.get("learned", True)),
        "problems": "; ".join(verdict.get("problems", [])),
        "model": spec.name,
        "L_train": spec.L,
        "seed": cfg.seed,
        "model_dir": str(folder),
        "window": window_attr(cfg.window),
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
    loaded = [store.load_network(d, need_order_parameter="order parameter") for d in folders]
    graphdef, stacked = features.stack_networks([(m, s) for m, s, _ in loaded], folders)
    axis = backend.eval_for(loaded[0][1].name)
    if axis == "kernel" and threads:  # the Numba kernel takes the job's share of cores
        import numba

        numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))
    blocks = [[] for _ in loaded]
    for path in shard_paths:
        spins, shared, rng = _shard_block(path, spec.max_per_shard)
        native = spec.native_below is None or shared["L"] < spec.native_below
        per_net = features.ensemble_features(graphdef, stacked, spins, rng, native, members=axis)
        for net_blocks, outputs in zip(blocks, per_net, strict=True):
            net_blocks.append({**shared, **outputs})
    for (_, net_spec, cfg), folder, out, net_blocks in zip(
        loaded, folders, outs, blocks, strict=True
    ):
        results.write_features(out, net_blocks, _features_attrs(folder, net_spec, cfg))
    return len(loaded)
