"""The compiled training epoch of an ensemble: the loss, the augmentation, the optimiser step of
every member, and two measured choices per backend and model: a ``lax.scan`` over mini-batches
or a Python loop over the same compiled step (``epoch_loop``), and the members as one vmapped
program or one after another through the same compiled one-member step (``members_axis``)."""

import functools
import os

import jax
import jax.numpy as jnp
import optax
from flax import nnx

from isingml.errors import UserError
from isingml.learning.predict import member_slice


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


MEMBER_AXES = ("auto", "vmap", "loop")
# How the members of an ensemble share a step, from benchmarks/train.py --ensemble (samples/s
# per member against one network, same batch). vmap makes one program of the ensemble, which is
# what fills an accelerator; but vmapping a convolution over its weights makes it a grouped
# convolution, which XLA:CPU runs slower than the members one after another (CNN 4x8, L = 16,
# 5 members: 0.13-0.15 of one network's rate per member vmapped, 0.18-0.19 in turns; 0.1 ideal
# is 1/N). On the CPU the CNNs' members therefore take turns through the one-member compiled
# step; the FCN's batched products gain from vmap there (0.29-0.33 per member of 5, against 0.2).
MEASURED_MEMBERS = {("cpu", "cnn"): "loop", ("cpu", "ecnn"): "loop"}


def members_axis(model, requested=None):
    """'vmap' or 'loop' for an ensemble of ``model`` on this backend. ``requested`` (or the
    environment variable ISINGML_MEMBERS) forces one; 'auto' takes the measured choice."""
    requested = requested or os.environ.get("ISINGML_MEMBERS") or "auto"
    if requested not in MEMBER_AXES:
        raise UserError(
            f"member axis {requested!r} (ISINGML_MEMBERS) is not one of {', '.join(MEMBER_AXES)}"
        )
    if requested != "auto":
        return requested
    return MEASURED_MEMBERS.get((jax.default_backend(), model), "vmap")


def make_epoch(graphdef, tx, batch_size, augment_d4, loop="scan", members="vmap"):
    """A function running one epoch of every member over its training indices: one compiled
    ``lax.scan`` over the mini-batches (``loop="scan"``), or the same compiled step driven from
    Python (``"python"``). Both apply the same steps with the same random keys.

    The returned ``epoch(params, opt_state, keys, X, y, train_idx)`` takes stacked members:
    parameters, optimiser states and keys with a leading axis M, labels y (M, n) and training
    indices (M, N) into the shared int8 spins X (n, L, L). It returns the new stacked state and
    each member's mean training loss and accuracy (M,). With ``members="loop"`` the members
    take turns through the one-member compiled epoch instead of sharing a vmapped one; the
    results are the same to float rounding.
    """
    use_scan = loop == "scan"

    def step(params, opt_state, key, idx, X, y):  # one member, one mini-batch
        key, k_flip, k_d4 = jax.random.split(key, 3)
        x = X[idx].astype(jnp.float32)
        x = x * jax.random.rademacher(k_flip, (idx.size, 1, 1), dtype=jnp.float32)
        if augment_d4:
            x = _d4(x, jax.random.randint(k_d4, (), 0, 8))

        def loss_of(p):
            return loss_fn(nnx.merge(graphdef, p), x, y[idx])

        (loss, acc), grads = jax.value_and_grad(loss_of, has_aux=True)(params)
        updates, opt_state = tx.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, key, loss, acc

    def run_epoch(members_step, params, opt_state, keys, X, y, batches):
        """One epoch of stacked members through ``members_step`` (vmapped over members)."""
        if use_scan:
            return scan_epoch(members_step, params, opt_state, keys, X, y, batches)
        losses, accs = [], []
        for i in range(batches.shape[1]):
            params, opt_state, keys, loss, acc = one_step(
                members_step, params, opt_state, keys, X, y, batches, i
            )
            losses.append(loss)
            accs.append(acc)
        return params, opt_state, keys, jnp.stack(losses).mean(0), jnp.stack(accs).mean(0)

    @functools.partial(jax.jit, static_argnums=0)
    def scan_epoch(members_step, params, opt_state, keys, X, y, batches):
        def body(carry, idx):
            *state, loss, acc = members_step(*carry, idx, X, y)
            return tuple(state), (loss, acc)

        carry, (loss, acc) = jax.lax.scan(
            body, (params, opt_state, keys), jnp.swapaxes(batches, 0, 1)
        )
        return *carry, loss.mean(axis=0), acc.mean(axis=0)

    @functools.partial(jax.jit, static_argnums=0)
    def one_step(members_step, params, opt_state, keys, X, y, batches, i):
        return members_step(params, opt_state, keys, batches[:, i], X, y)

    vmapped = jax.vmap(step, in_axes=(0, 0, 0, 0, None, 0))

    def shuffle_one(key, train_idx):
        key, k_perm = jax.random.split(key)
        n_batches = train_idx.size // batch_size
        batches = jax.random.permutation(k_perm, train_idx)[: n_batches * batch_size]
        return key, batches.reshape(n_batches, batch_size)

    shuffle = jax.jit(jax.vmap(shuffle_one))

    def epoch(params, opt_state, keys, X, y, train_idx):
        keys, batches = shuffle(keys, train_idx)
        if members == "vmap":
            return run_epoch(vmapped, params, opt_state, keys, X, y, batches)
        # one member at a time, through the same compiled one-member (size-1 vmap) epoch
        state = (params, opt_state, keys, y, batches)
        outs = []
        for k in range(y.shape[0]):
            p, o, key, y_k, b_k = member_slice(state, k)
            outs.append(run_epoch(vmapped, p, o, key, X, y_k, b_k))
        return jax.tree.map(lambda *xs: jnp.concatenate(xs), *outs)

    return epoch


@jax.jit
def select_members(mask, new, old):
    """Member-wise choice between two stacked states: ``new`` where mask (M,) is True."""

    def pick(a, b):
        return jnp.where(mask.reshape(mask.shape + (1,) * (a.ndim - 1)), a, b)

    return jax.tree.map(pick, new, old)
