"""An ensemble of networks of one architecture as one program: their parameters, optimiser
states and random keys stacked along a leading member axis (Flax's guide to ensembles), a
member's slice of such a stack, the member-wise choice between two stacks, and the start of an
ensemble's training from its planned members (``start_ensemble``)."""

import dataclasses

import jax
import jax.numpy as jnp
import numpy as np
import optax
from flax import nnx

from isingml.learning import models
from isingml.learning.backend import members_axis
from isingml.learning.plan import SPLIT_NAMES, Member


def stack(networks):
    """(graphdef, parameters stacked along a leading member axis) of networks of one
    architecture."""
    graphdef, first = nnx.split(networks[0])
    states = [first] + [nnx.split(m)[1] for m in networks[1:]]
    return graphdef, jax.tree.map(lambda *xs: jnp.stack(xs), *states)


def member_slice(tree, k):
    """Member k of a stacked pytree, keeping the member axis (size 1)."""
    return jax.tree.map(lambda a: a[k : k + 1], tree)


def member(graphdef, stacked, k):
    """Member k of a stack as a network of its own."""
    return nnx.merge(graphdef, jax.tree.map(lambda a: a[k], stacked))


@jax.jit
def select_members(mask, new, old):
    """Member-wise choice between two stacked states: ``new`` where mask (M,) is True."""

    def pick(a, b):
        return jnp.where(mask.reshape(mask.shape + (1,) * (a.ndim - 1)), a, b)

    return jax.tree.map(pick, new, old)


@dataclasses.dataclass
class Ensemble:
    """Stacked members ready for their first epoch (``start_ensemble``)."""

    graphdef: object
    members: str  # "vmap" or "loop" (backend.members_axis)
    params: object  # stacked along the member axis, as are opt_state and keys
    opt_state: object
    keys: jax.Array
    train_idx: jax.Array  # (M, N): member m trains on X[train_idx[m]] each epoch
    epoch_fn: object


def start_ensemble(members: list[Member], loop, axis=None):
    """The members' networks and optimisers, initialised each from its own seed and stacked.
    ``train_counts[i]`` of a member's split is how often it trains on configuration i per
    epoch; all members draw equally many (a bootstrap keeps each temperature's count)."""
    from isingml.learning.step import make_epoch

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
        raise ValueError(f"members' {SPLIT_NAMES[code]} sets differ in size")
    return np.stack(rows)
