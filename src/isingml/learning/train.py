"""Training: ``train_ensemble`` trains every seed of one configuration as one program, and
``train_and_evaluate`` one network (an ensemble of one).

The members of an ensemble share the graph definition; their parameters, optimiser states and
random keys are stacked along a leading member axis, and one ``jax.vmap``-ed, ``jax.jit``-ed
step updates all of them (Flax's guide to ensembles). Each member keeps its own bootstrap of the
training data, its own initialisation and its own shuffling, derived from its seed exactly as a
network trained alone: member k of an ensemble is the network trained alone with seed k (a test
checks it). Early stopping is per member: a member that stops is frozen with its best
parameters while the others go on. A single network is an ensemble of one.

The compiled epoch itself (loss, augmentation, the vmapped step, scan or Python loop) lives in
``learning/epoch.py``.
"""

import dataclasses
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from isingml.errors import UserError
from isingml.learning import data, models
from isingml.learning.epoch import epoch_loop, make_epoch, members_axis, select_members
from isingml.learning.predict import member_outputs, stack
from isingml.learning.run import Member, TrainConfig, plan_ensemble
from isingml.physics import ONSAGER_TC


def evaluate(logits, labels):
    """(mean binary cross-entropy, accuracy); (None, None) for an empty set."""
    if labels.size == 0:
        return None, None
    y = labels.astype(np.float64)
    z = logits.astype(np.float64)
    return float(np.mean(np.logaddexp(0, z) - y * z)), float(np.mean((z > 0) == (y > 0.5)))


@dataclasses.dataclass
class Ensemble:
    """Stacked members ready for their first epoch (``start_ensemble``)."""

    graphdef: object
    members: str  # "vmap" or "loop" (epoch.members_axis)
    params: object  # stacked along the member axis, as are opt_state and keys
    opt_state: object
    keys: jax.Array
    train_idx: jax.Array  # (M, N): member m trains on X[train_idx[m]] each epoch
    epoch_fn: object


def start_ensemble(members: list[Member], loop, axis=None):
    """The members' networks and optimisers, initialised each from its own seed and stacked.
    ``train_counts[i]`` of a member's split is how often it trains on configuration i per
    epoch; all members draw equally many (a bootstrap keeps each temperature's count)."""
    cfg = members[0].cfg
    graphdef, params = stack([models.build(cfg.spec, nnx.Rngs(m.init_seed)) for m in members])
    tx = optax.adamw(cfg.learning_rate, weight_decay=cfg.weight_decay)
    opt_state = jax.vmap(tx.init)(params)
    idx = [np.repeat(np.arange(m.split.train_counts.size), m.split.train_counts) for m in members]
    if len({i.size for i in idx}) != 1:
        raise ValueError(f"members train on {[i.size for i in idx]} configurations per epoch")
    batch = min(cfg.batch_size, int(idx[0].size))
    keys = jax.vmap(jax.random.key)(jnp.asarray([m.loop_seed for m in members], jnp.uint32))
    axis = members_axis(cfg.model, axis)
    epoch_fn = make_epoch(graphdef, tx, batch, cfg.augment_d4, loop, axis)
    return Ensemble(graphdef, axis, params, opt_state, keys, jnp.asarray(np.stack(idx)), epoch_fn)


def split_indices(members, code):
    """(M, k) indices of each member's configurations with split ``code``."""
    rows = [np.flatnonzero(m.split.codes == code) for m in members]
    if len({r.size for r in rows}) != 1:
        raise ValueError(f"members' {data.SPLIT_NAMES[code]} sets differ in size")
    return np.stack(rows)


@dataclasses.dataclass
class Trained:
    """One member after training: the network at its best epoch, its metrics, its split and
    its outputs on every configuration (logits and phi, symmetrised as in predictions)."""

    model: nnx.Module
    metrics: dict
    split: object
    logits: np.ndarray
    phi: np.ndarray


def check_members(members, spins, T):
    cfg = members[0].cfg
    if spins.shape[1:] != (cfg.L, cfg.L):
        raise UserError(f"data have L = {spins.shape[1]}, the configuration says L = {cfg.L}")
    for m in members:
        train = m.labels[m.split.codes == data.TRAIN]
        if not (train == 1).any() or not (train == 0).any():
            raise UserError(
                f"the temperatures {np.unique(T).tolist()} give no ordered or no "
                f"disordered training samples for window {cfg.window}"
            )


def train_ensemble(cfgs, spins, T, loop=None, keeps=None, axis=None):
    """Train one network per configuration of ``cfgs`` (one configuration, several seeds) on
    int8 spins (n, L, L) at temperatures T (n,), all in one program. Returns a ``Trained`` per
    member, each at its lowest validation loss. ``loop`` forces the epoch loop ('scan' or
    'python'; ``epoch_loop``); ``keeps`` (one boolean mask per member) restricts training to
    those configurations of each member's training split; ``axis`` forces how the members
    share a step ('vmap' or 'loop'; ``epoch.members_axis``)."""
    t_start = time.perf_counter()
    members = plan_ensemble(cfgs, T, keeps=keeps)
    cfg = members[0].cfg
    loop = epoch_loop(cfg.model, loop)
    check_members(members, spins, T)
    ens = start_ensemble(members, loop, axis)
    X = jnp.asarray(spins)
    y = jnp.asarray(np.stack([np.maximum(m.labels, 0) for m in members]).astype(np.float32))
    val_idx = split_indices(members, data.VAL)  # taken once, not every epoch
    val_labels = np.stack([m.labels[i] for m, i in zip(members, val_idx, strict=True)])
    M = len(members)
    history = [[] for _ in range(M)]
    active, best_loss, waited = np.ones(M, bool), np.full(M, np.inf), np.zeros(M, int)
    params, opt_state, keys, best = ens.params, ens.opt_state, ens.keys, ens.params
    for epoch in range(1, cfg.epochs + 1):
        new = ens.epoch_fn(params, opt_state, keys, X, y, ens.train_idx)
        run_on = jnp.asarray(active)  # a stopped member keeps its state
        params, opt_state, keys = select_members(run_on, new[:3], (params, opt_state, keys))
        val_logits, _ = member_outputs(ens.graphdef, params, spins, val_idx, members=ens.members)
        improved = np.zeros(M, bool)
        for k in np.flatnonzero(active):
            val_loss, val_acc = evaluate(val_logits[k], val_labels[k])
            history[k].append(
                {
                    "epoch": epoch,
                    "train_loss": float(new[3][k]),
                    "train_acc": float(new[4][k]),
                    "val_loss": val_loss,
                    "val_acc": val_acc,
                }
            )
            if val_loss is None or val_loss < best_loss[k]:
                improved[k], waited[k] = True, 0
                best_loss[k] = np.inf if val_loss is None else val_loss
            else:
                waited[k] += 1
                active[k] = waited[k] < cfg.patience
        best = select_members(jnp.asarray(improved), params, best)
        if not active.any():
            break
    logits, phi = member_outputs(ens.graphdef, best, spins, symmetrize=True, members=ens.members)
    wall = time.perf_counter() - t_start
    out = []
    for k, m in enumerate(members):
        model = nnx.merge(ens.graphdef, jax.tree.map(lambda a, k=k: a[k], best))
        metrics = final_metrics(logits[k], T, m.labels, m.split.codes)
        metrics.update(
            epochs=history[k],
            best_epoch=_best_epoch(history[k]),
            n_params=models.count_params(model),
            wall_seconds=wall / M,  # the member's share of the ensemble's time
            ensemble_wall_seconds=wall,
            ensemble={"size": M, "seeds": [c.seed for c in cfgs]},
            backend=jax.default_backend(),
            device=str(jax.devices()[0]),
            jax_version=jax.__version__,
            epoch_loop=loop,
            members_axis=ens.members,
            config={**dataclasses.asdict(m.cfg)},
        )
        metrics["n"]["train_unique"] = int((m.split.train_counts > 0).sum())
        out.append(Trained(model, metrics, m.split, logits[k], phi[k]))
    return out


def _best_epoch(history):
    losses = [np.inf if h["val_loss"] is None else h["val_loss"] for h in history]
    return int(np.argmin(losses) + 1) if np.isfinite(losses).any() else len(history)


def train_and_evaluate(cfg: TrainConfig, spins: np.ndarray, T: np.ndarray, loop=None, keep=None):
    """Train one network (an ensemble of one, ``train_ensemble``): (model, metrics, Split)."""
    one = train_ensemble([cfg], spins, T, loop, None if keep is None else [keep])[0]
    return one.model, one.metrics, one.split


def final_metrics(logits, T, labels, split):
    """Loss and accuracy per split; the critical set is scored against T < Onsager's T_c."""
    truth = np.where(labels >= 0, labels, (T < ONSAGER_TC).astype(np.int8))
    out = {"accuracy": {}, "loss": {}, "n": {}}
    for code, name in data.SPLIT_NAMES.items():
        sel = split == code
        out["loss"][name], out["accuracy"][name] = evaluate(logits[sel], truth[sel])
        out["n"][name] = int(sel.sum())
    return out
