"""Training: the configuration of a run, the loss, the compiled epoch, ``train_and_evaluate``.

The model is split once into its graph definition and parameters (``nnx.split``). On an
accelerator each epoch is one ``jax.jit``-compiled ``lax.scan`` over mini-batches, as Flax's
performance guide advises for small models, so no Python runs per step; on the CPU the same
compiled step is driven from a Python loop (``make_epoch`` says why). The lattice data stay int8
on the device and each batch is converted to floats inside the step. Every training batch is
augmented by a random global spin flip per configuration (the Z2 symmetry) and, optionally, by
one of the 8 symmetries of the square.
"""

import dataclasses
import os
import time

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from isingml.errors import UserError
from isingml.learning import data, models
from isingml.learning.predict import predict_logits
from isingml.learning.run import TrainConfig, make_split, seeds_for
from isingml.physics import ONSAGER_TC


def loss_fn(model, x, y):
    logits = model(x)
    loss = optax.sigmoid_binary_cross_entropy(logits, y).mean()
    return loss, jnp.mean((logits > 0) == (y > 0.5))


def _d4(x, k):
    """Apply symmetry k (0..7) of the square to a batch (B, L, L)."""
    x = jax.lax.cond(k >= 4, lambda a: jnp.swapaxes(a, 1, 2), lambda a: a, x)
    return jax.lax.switch(k % 4, [lambda a, r=r: jnp.rot90(a, r, axes=(1, 2)) for r in range(4)], x)


EPOCH_LOOPS = ("auto", "scan", "python")
# How an epoch runs, per backend and model, from benchmarks/train.py (configurations per second
# through a training step, both loops side by side). On XLA:CPU a convolution inside a scan body
# runs several times slower than the same step compiled alone, so the CNN's step is driven from
# Python there; the FCN's matrix products are faster in the scan (1.3-2x). Accelerators take the
# scan: no Python, no dispatch, per step.
MEASURED_LOOP = {("cpu", "cnn"): "python", ("cpu", "fcn"): "scan"}


def epoch_loop(model, requested=None):
    """'scan' or 'python' for ``model`` on this backend. ``requested`` (or the environment
    variable ISINGML_EPOCH_LOOP) forces one; 'auto' takes the measured choice."""
    requested = requested or os.environ.get("ISINGML_EPOCH_LOOP") or "auto"
    if requested not in EPOCH_LOOPS:
        raise UserError(
            f"epoch loop {requested!r} (ISINGML_EPOCH_LOOP or --epoch-loop) is not one of "
            f"{', '.join(EPOCH_LOOPS)}"
        )
    if requested != "auto":
        return requested
    backend = jax.default_backend()
    return MEASURED_LOOP.get((backend, model), "python" if backend == "cpu" else "scan")


def make_epoch(graphdef, tx, batch_size, augment_d4, loop="scan"):
    """A function running one epoch over the training indices: one compiled ``lax.scan`` over
    the mini-batches (``loop="scan"``), or the same compiled step driven from Python
    (``"python"``). Both apply the same steps with the same random keys."""
    use_scan = loop == "scan"

    def step(carry, idx, X, y):
        params, opt_state, key = carry
        key, k_flip, k_d4 = jax.random.split(key, 3)
        x = X[idx].astype(jnp.float32)
        x = x * jax.random.rademacher(k_flip, (idx.size, 1, 1), dtype=jnp.float32)
        if augment_d4:
            x = _d4(x, jax.random.randint(k_d4, (), 0, 8))

        def loss_of(p):
            return loss_fn(nnx.merge(graphdef, p), x, y[idx])

        (loss, acc), grads = jax.value_and_grad(loss_of, has_aux=True)(params)
        updates, opt_state = tx.update(grads, opt_state, params)
        return (optax.apply_updates(params, updates), opt_state, key), (loss, acc)

    @jax.jit
    def shuffle(key, train_idx):
        key, k_perm = jax.random.split(key)
        n_batches = train_idx.size // batch_size
        batches = jax.random.permutation(k_perm, train_idx)[: n_batches * batch_size]
        return key, batches.reshape(n_batches, batch_size)

    @jax.jit
    def scan_epoch(params, opt_state, key, X, y, batches):
        carry, (loss, acc) = jax.lax.scan(
            lambda c, i: step(c, i, X, y), (params, opt_state, key), batches
        )
        return *carry, loss.mean(), acc.mean()

    @jax.jit
    def one_step(params, opt_state, key, X, y, batches, i):
        return step((params, opt_state, key), batches[i], X, y)

    def epoch(params, opt_state, key, X, y, train_idx):
        key, batches = shuffle(key, train_idx)
        if use_scan:
            return scan_epoch(params, opt_state, key, X, y, batches)
        losses, accs = [], []
        for i in range(batches.shape[0]):
            (params, opt_state, key), (loss, acc) = one_step(
                params, opt_state, key, X, y, batches, i
            )
            losses.append(loss)
            accs.append(acc)
        return params, opt_state, key, jnp.mean(jnp.stack(losses)), jnp.mean(jnp.stack(accs))

    return epoch


def evaluate(logits, labels):
    """(mean binary cross-entropy, accuracy); (None, None) for an empty set."""
    if labels.size == 0:
        return None, None
    y = labels.astype(np.float64)
    z = logits.astype(np.float64)
    return float(np.mean(np.logaddexp(0, z) - y * z)), float(np.mean((z > 0) == (y > 0.5)))


def start_training(cfg: TrainConfig, train_counts, loop):
    """A run's network and optimiser, ready for its first epoch: (model, params, opt_state,
    epoch_fn, train_idx, key). ``train_counts[i]`` is how often configuration i is trained on
    per epoch; the initialisation and the shuffling come from the run's training seed."""
    _, train_seq = seeds_for(cfg)
    init_seed, loop_seed = (int(s) for s in train_seq.generate_state(2))
    model = models.build(cfg.spec, nnx.Rngs(init_seed))
    graphdef, params = nnx.split(model)
    tx = optax.adamw(cfg.learning_rate, weight_decay=cfg.weight_decay)
    opt_state = tx.init(params)
    train_idx = jnp.asarray(np.repeat(np.arange(len(train_counts)), train_counts))
    batch = min(cfg.batch_size, int(train_idx.size))
    epoch_fn = make_epoch(graphdef, tx, batch, cfg.augment_d4, loop)
    return model, params, opt_state, epoch_fn, train_idx, jax.random.key(loop_seed)


def train_and_evaluate(cfg: TrainConfig, spins: np.ndarray, T: np.ndarray, loop=None, keep=None):
    """Train one network on int8 spins (n, L, L) with temperatures T (n,).

    Returns (model, metrics dict, Split). The model is the one with the lowest validation loss.
    ``loop`` forces the epoch loop ('scan' or 'python'; ``epoch_loop``); ``keep`` (a boolean
    mask) restricts training to those configurations of the training split.
    """
    loop = epoch_loop(cfg.model, loop)
    t_start = time.perf_counter()
    if spins.shape[1:] != (cfg.L, cfg.L):
        raise UserError(f"data have L = {spins.shape[1]}, the configuration says L = {cfg.L}")
    labels = data.labels_for(T, cfg.label, cfg.window)
    used = make_split(cfg, T, labels)
    if keep is not None:
        used.train_counts = used.train_counts * keep
    split = used.codes
    if not (labels[split == data.TRAIN] == 1).any() or not (labels[split == data.TRAIN] == 0).any():
        raise UserError(
            f"the temperatures {np.unique(T).tolist()} give no ordered or no "
            f"disordered training samples for window {cfg.window}"
        )
    model, params, opt_state, epoch_fn, train_idx, key = start_training(
        cfg, used.train_counts, loop
    )
    X, y = jnp.asarray(spins), jnp.asarray(np.maximum(labels, 0).astype(np.float32))
    val = split == data.VAL
    val_spins, val_labels = spins[val], labels[val]  # taken once, not every epoch
    history, best, best_loss, waited = [], params, np.inf, 0
    for epoch in range(1, cfg.epochs + 1):
        params, opt_state, key, loss, acc = epoch_fn(params, opt_state, key, X, y, train_idx)
        nnx.update(model, params)
        val_loss, val_acc = evaluate(predict_logits(model, val_spins), val_labels)
        history.append(
            {
                "epoch": epoch,
                "train_loss": float(loss),
                "train_acc": float(acc),
                "val_loss": val_loss,
                "val_acc": val_acc,
            }
        )
        if val_loss < best_loss:
            best, best_loss, waited = params, val_loss, 0
        else:
            waited += 1
            if waited >= cfg.patience:
                break
    nnx.update(model, best)
    metrics = final_metrics(model, spins, T, labels, split)
    metrics.update(
        epochs=history,
        best_epoch=int(np.argmin([h["val_loss"] for h in history]) + 1),
        n_params=models.count_params(model),
        wall_seconds=time.perf_counter() - t_start,
        backend=jax.default_backend(),
        device=str(jax.devices()[0]),
        jax_version=jax.__version__,
        epoch_loop=loop,
        config={**dataclasses.asdict(cfg)},
    )
    metrics["n"]["train_unique"] = int((used.train_counts > 0).sum())
    return model, metrics, used


def final_metrics(model, spins, T, labels, split):
    """Loss and accuracy per split; the critical set is scored against T < Onsager's T_c."""
    logits = predict_logits(model, spins, symmetrize=True)
    truth = np.where(labels >= 0, labels, (T < ONSAGER_TC).astype(np.int8))
    out = {"accuracy": {}, "loss": {}, "n": {}}
    for code, name in data.SPLIT_NAMES.items():
        sel = split == code
        out["loss"][name], out["accuracy"][name] = evaluate(logits[sel], truth[sel])
        out["n"][name] = int(sel.sum())
    return out
