"""The compiled training epoch of an ensemble: the loss, the augmentation, one optimiser step of
a member (``make_step``), and the epoch over every member's mini-batches, as one ``lax.scan``
or as a Python loop over the same compiled step (``backend.epoch_loop``), the members vmapped
together or taking turns (``backend.members_axis``)."""

import functools

import jax
import jax.numpy as jnp
import optax
from flax import nnx

from isingml.learning.ensemble import member_slice


def loss_fn(model, x, y):
    logits = model(x)
    loss = optax.sigmoid_binary_cross_entropy(logits, y).mean()
    return loss, jnp.mean((logits > 0) == (y > 0.5))


def _d4(x, k):
    """Apply symmetry k (0..7) of the square to a batch (B, L, L)."""
    x = jax.lax.cond(k >= 4, lambda a: jnp.swapaxes(a, 1, 2), lambda a: a, x)
    return jax.lax.switch(k % 4, [lambda a, r=r: jnp.rot90(a, r, axes=(1, 2)) for r in range(4)], x)


def make_step(graphdef, tx, augment_d4):
    """One member's step on one mini-batch ``idx`` of the shared spins X: a random global flip
    (and symmetry of the square), then the optimiser's update."""

    def step(params, opt_state, key, idx, X, y):
        key, k_flip, k_d4 = jax.random.split(key, 3)
        x = X[idx].astype(jnp.float32)
        flip = (idx.size,) + (1,) * (x.ndim - 1)  # one sign per configuration, 2D or 3D
        x = x * jax.random.rademacher(k_flip, flip, dtype=jnp.float32)
        if augment_d4:
            x = _d4(x, jax.random.randint(k_d4, (), 0, 8))

        def loss_of(p):
            return loss_fn(nnx.merge(graphdef, p), x, y[idx])

        (loss, acc), grads = jax.value_and_grad(loss_of, has_aux=True)(params)
        updates, opt_state = tx.update(grads, opt_state, params)
        return optax.apply_updates(params, updates), opt_state, key, loss, acc

    return step


@functools.partial(jax.jit, static_argnums=0)
def _scan_epoch(members_step, params, opt_state, keys, X, y, batches):
    def body(carry, idx):
        *state, loss, acc = members_step(*carry, idx, X, y)
        return tuple(state), (loss, acc)

    carry, (loss, acc) = jax.lax.scan(body, (params, opt_state, keys), jnp.swapaxes(batches, 0, 1))
    return *carry, loss.mean(axis=0), acc.mean(axis=0)


@functools.partial(jax.jit, static_argnums=0)
def _one_step(members_step, params, opt_state, keys, X, y, batches, i):
    return members_step(params, opt_state, keys, batches[:, i], X, y)


def _python_epoch(members_step, params, opt_state, keys, X, y, batches):
    losses, accs = [], []
    for i in range(batches.shape[1]):
        params, opt_state, keys, loss, acc = _one_step(
            members_step, params, opt_state, keys, X, y, batches, i
        )
        losses.append(loss)
        accs.append(acc)
    return params, opt_state, keys, jnp.stack(losses).mean(0), jnp.stack(accs).mean(0)


def make_shuffle(batch_size):
    """Each member's mini-batches of an epoch: its training indices permuted by its own key,
    cut into whole batches."""

    def shuffle_one(key, train_idx):
        key, k_perm = jax.random.split(key)
        n_batches = train_idx.size // batch_size
        batches = jax.random.permutation(k_perm, train_idx)[: n_batches * batch_size]
        return key, batches.reshape(n_batches, batch_size)

    return jax.jit(jax.vmap(shuffle_one))


def make_epoch(graphdef, tx, batch_size, augment_d4, loop="scan", members="vmap"):
    """A function running one epoch of every member over its training indices: one compiled
    ``lax.scan`` over the mini-batches (``loop="scan"``), or the same compiled step driven from
    Python (``"python"``). Both apply the same steps with the same random keys.

    The returned ``epoch(params, opt_state, keys, X, y, train_idx)`` takes stacked members:
    parameters, optimiser states and keys with a leading axis M, labels y (M, n) and training
    indices (M, N) into the shared int8 spins X (n, L, L) or (n, L, L, L). It returns the new
    stacked state and each member's mean training loss and accuracy (M,). With
    ``members="loop"`` the members take turns through the one-member compiled epoch instead of
    sharing a vmapped one; the results are the same to float rounding.
    """
    run_epoch = _scan_epoch if loop == "scan" else _python_epoch
    vmapped = jax.vmap(make_step(graphdef, tx, augment_d4), in_axes=(0, 0, 0, 0, None, 0))
    shuffle = make_shuffle(batch_size)

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
