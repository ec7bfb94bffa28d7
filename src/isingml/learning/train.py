"""Training: ``train_ensemble`` trains every seed of one configuration as one program, and
``train_and_evaluate`` one network (an ensemble of one).

The members of an ensemble share the graph definition; their parameters, optimiser states and
random keys are stacked along a leading member axis, and one ``jax.vmap``-ed, ``jax.jit``-ed
step updates all of them (Flax's guide to ensembles). Each member keeps its own bootstrap of the
training data, its own initialisation and its own shuffling, derived from its seed exactly as a
network trained alone: member k of an ensemble is the network trained alone with seed k (a test
checks it). Early stopping is per member: a member that stops is frozen with its best
parameters while the others go on. A single network is an ensemble of one.

The compiled epoch (loss, augmentation, the vmapped step, scan or Python loop) is
``learning/step.py``; the stacking of members ``learning/ensemble.py``.
"""

import dataclasses
import time

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from isingml.errors import UserError
from isingml.lattices import SQUARE
from isingml.learning import models
from isingml.learning.backend import epoch_loop
from isingml.learning.ensemble import member, select_members, split_indices, start_ensemble
from isingml.learning.plan import SPLIT_NAMES, TRAIN, VAL, plan_ensemble
from isingml.learning.predict import member_outputs
from isingml.learning.settings import TrainConfig


def evaluate(logits, labels):
    """(mean binary cross-entropy, accuracy); (None, None) for an empty set."""
    if labels.size == 0:
        return None, None
    y = labels.astype(np.float64)
    z = logits.astype(np.float64)
    return float(np.mean(np.logaddexp(0, z) - y * z)), float(np.mean((z > 0) == (y > 0.5)))


@dataclasses.dataclass
class Trained:
    """One member after training: the network at its best epoch, its metrics, its split and
    its outputs on every configuration (logits and phi, symmetrised as in predictions)."""

    model: nnx.Module
    metrics: dict
    split: object
    logits: np.ndarray
    phi: np.ndarray


@dataclasses.dataclass
class EarlyStopping:
    """Per-member early stopping on the validation loss: a member stops after ``patience``
    epochs without a lower one, and keeps its best parameters while the others go on."""

    patience: int
    active: np.ndarray  # (M,) bool: still training
    best_loss: np.ndarray  # (M,)
    waited: np.ndarray  # (M,) epochs since the best
    history: list  # per member, one dict per epoch trained

    @classmethod
    def of(cls, M, patience):
        return cls(patience, np.ones(M, bool), np.full(M, np.inf), np.zeros(M, int),
                   [[] for _ in range(M)])  # fmt: skip

    def record(self, epoch, train_loss, train_acc, val_logits, val_labels):
        """Log the epoch of every active member; returns (M,) bool: whose loss improved."""
        improved = np.zeros(self.active.size, bool)
        for k in np.flatnonzero(self.active):
            val_loss, val_acc = evaluate(val_logits[k], val_labels[k])
            self.history[k].append(
                {
                    "epoch": epoch,
                    "train_loss": float(train_loss[k]),
                    "train_acc": float(train_acc[k]),
                    "val_loss": val_loss,
                    "val_acc": val_acc,
                }
            )
            if val_loss is None or val_loss < self.best_loss[k]:
                improved[k], self.waited[k] = True, 0
                self.best_loss[k] = np.inf if val_loss is None else val_loss
            else:
                self.waited[k] += 1
                self.active[k] = self.waited[k] < self.patience
        return improved


def check_members(members, spins, T, lattice=SQUARE):
    cfg = members[0].cfg
    if cfg.dim != lattice.dim:
        raise UserError(
            f"the networks take {cfg.dim}-dimensional configurations, the data hold the "
            f"{lattice.describe()} lattice's ({lattice.dim}-dimensional); build the job's "
            "configurations for its data (JobSpec.configs(lattice=...))"
        )
    if spins.shape[1:] != lattice.shape(cfg.L):
        raise UserError(f"data have shape {spins.shape[1:]}, the configuration says L = {cfg.L} "
                        f"on the {lattice.describe()} lattice")  # fmt: skip
    for m in members:
        train = m.labels[m.split.codes == TRAIN]
        if not (train == 1).any() or not (train == 0).any():
            raise UserError(
                f"the temperatures {np.unique(T).tolist()} give no ordered or no "
                f"disordered training samples for window {cfg.window}"
            )


def train_ensemble(cfgs, spins, T, loop=None, keeps=None, axis=None, lattice=SQUARE):
    """Train one network per configuration of ``cfgs`` (one configuration, several seeds) on
    int8 spins (n, *lattice.shape(L)) at temperatures T (n,), all in one program. Returns a
    ``Trained`` per member, each at its lowest validation loss. ``loop`` forces the epoch loop
    ('scan' or 'python'; ``backend.epoch_loop``); ``keeps`` (one boolean mask per member)
    restricts training to those configurations of each member's training split; ``axis``
    forces how the members share a step ('vmap' or 'loop'; ``backend.members_axis``).
    ``lattice``: the model of the data (its shape; the networks' ``dim`` must be its), whose
    exact T_c gives 'exact' labels and scores the critical set."""
    t_start = time.perf_counter()
    members = plan_ensemble(cfgs, T, keeps=keeps, lattice=lattice)
    cfg = members[0].cfg
    loop = epoch_loop(cfg.model, loop)
    check_members(members, spins, T, lattice)
    ens = start_ensemble(members, loop, axis)
    best, stopping = run_epochs(ens, members, spins)
    logits, phi = member_outputs(ens.graphdef, best, spins, symmetrize=True, members=ens.members)
    wall = time.perf_counter() - t_start
    run = {
        "ensemble_wall_seconds": wall,
        "ensemble": {"size": len(members), "seeds": [c.seed for c in cfgs]},
        "backend": jax.default_backend(),
        "device": str(jax.devices()[0]),
        "jax_version": jax.__version__,
        "epoch_loop": loop,
        "members_axis": ens.members,
    }
    return [
        trained_member(
            member(ens.graphdef, best, k), m, stopping.history[k], logits[k], phi[k], T, run
        )  # fmt: skip
        for k, m in enumerate(members)
    ]


def run_epochs(ens, members, spins):
    """Train the ensemble's members until each stops: (their best parameters, stacked; the
    ``EarlyStopping`` with every member's history)."""
    cfg = members[0].cfg
    X = jnp.asarray(spins)
    y = jnp.asarray(np.stack([np.maximum(m.labels, 0) for m in members]).astype(np.float32))
    val_idx = split_indices(members, VAL)  # taken once, not every epoch
    val_labels = np.stack([m.labels[i] for m, i in zip(members, val_idx, strict=True)])
    stopping = EarlyStopping.of(len(members), cfg.patience)
    params, opt_state, keys, best = ens.params, ens.opt_state, ens.keys, ens.params
    for epoch in range(1, cfg.epochs + 1):
        new = ens.epoch_fn(params, opt_state, keys, X, y, ens.train_idx)
        run_on = jnp.asarray(stopping.active)  # a stopped member keeps its state
        params, opt_state, keys = select_members(run_on, new[:3], (params, opt_state, keys))
        val_logits, _ = member_outputs(ens.graphdef, params, spins, val_idx, members=ens.members)
        improved = stopping.record(epoch, new[3], new[4], val_logits, val_labels)
        best = select_members(jnp.asarray(improved), params, best)
        if not stopping.active.any():
            break
    return best, stopping


def trained_member(model, m, history, logits, phi, T, run):
    """A member's ``Trained``: its metrics from its outputs, its history and the ensemble's
    run (``run``: what all members share, their wall time among it)."""
    metrics = final_metrics(logits, T, m.labels, m.split.codes, m.T_c)
    metrics.update(
        epochs=history,
        best_epoch=_best_epoch(history),
        n_params=models.count_params(model),
        wall_seconds=run["ensemble_wall_seconds"] / run["ensemble"]["size"],  # its share
        **run,
        config={**dataclasses.asdict(m.cfg)},
    )
    metrics["n"]["train_unique"] = int((m.split.train_counts > 0).sum())
    return Trained(model, metrics, m.split, logits, phi)


def _best_epoch(history):
    losses = [np.inf if h["val_loss"] is None else h["val_loss"] for h in history]
    return int(np.argmin(losses) + 1) if np.isfinite(losses).any() else len(history)


def train_and_evaluate(cfg: TrainConfig, spins: np.ndarray, T: np.ndarray, loop=None, keep=None):
    """Train one network (an ensemble of one, ``train_ensemble``): (model, metrics, Split)."""
    one = train_ensemble([cfg], spins, T, loop, None if keep is None else [keep])[0]
    return one.model, one.metrics, one.split


def final_metrics(logits, T, labels, split, T_c):
    """Loss and accuracy per split; the critical set (never trained on) is scored against
    T < the model's exact ``T_c``, and left unscored (None) where none is known."""
    truth = np.where(labels >= 0, labels, (T < (T_c or 0.0)).astype(np.int8))
    out = {"accuracy": {}, "loss": {}, "n": {}}
    for code, name in SPLIT_NAMES.items():
        sel = split == code
        out["loss"][name], out["accuracy"][name] = evaluate(logits[sel], truth[sel])
        if T_c is None and (labels[sel] < 0).any():
            out["loss"][name], out["accuracy"][name] = None, None
        out["n"][name] = int(sel.sum())
    return out
