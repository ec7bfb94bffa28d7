"""Network outputs on lattices: logits in fixed-size compiled batches, for one network or for an
ensemble of networks of one architecture at once (their parameters stacked along a leading
member axis and ``jax.vmap``-ed), and the prediction table of a trained network.
"""

import functools
import math

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from isingml.learning import data
from isingml.learning.ensemble import member, member_slice, stack

EVAL_BATCH = 1024
EVAL_SITES = 1 << 20


def _outputs(graphdef, params, x, symmetrize):
    """(logits, order parameter) of a batch; the order parameter is 0 for a network without
    one (the FCN)."""
    model = nnx.merge(graphdef, params)
    x = x.astype(jnp.float32)
    if hasattr(model, "order_parameter"):  # one pass: the logit is the head's, on phi
        phi = model.order_parameter(x)
        return model.head(phi), phi
    z = model(x)
    if symmetrize:
        z = 0.5 * (z + model(-x))
    return z, jnp.zeros_like(z)


@functools.partial(jax.jit, static_argnums=(0, 3))
def _shared(graphdef, stacked, x, symmetrize):
    """Every member on the same batch x (B, L, L) -> (M, B) twice."""
    return jax.vmap(lambda p: _outputs(graphdef, p, x, symmetrize))(stacked)


@functools.partial(jax.jit, static_argnums=(0, 4))
def _indexed(graphdef, stacked, X, idx, symmetrize):
    """Member k on its own configurations X[idx[k]] -> (M, B) twice."""
    return jax.vmap(lambda p, i: _outputs(graphdef, p, X[i], symmetrize))(stacked, idx)


def probability(logits):
    """p(ordered) in float64 from logits."""
    return 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))


def _batch_size(n, sites, members):
    # At most EVAL_SITES sites per member batch: the CNN's activations grow as members x batch
    # x sites (L^2, or L^3 on the cube) x channels (1024 lattices of L = 64 took 268 MB per
    # layer for one network).
    return min(EVAL_BATCH, n, max(16, EVAL_SITES // (sites * members)))


def member_outputs(graphdef, stacked, spins, index=None, symmetrize=False, members="vmap"):
    """(logits, phi), each float32 (M, n), of M stacked networks on int8 spins (n, L, L) (or
    (n, L, L, L): the networks' dimension).

    Without ``index`` every member sees every configuration (one shared batch per step, the
    ensemble vmapped over it); with ``index`` (M, k) member m sees ``spins[index[m]]`` and the
    results are (M, k). Fixed-size batches: one compilation per shape. With ``symmetrize`` the
    logits of x and -x are averaged (the CNN is flip-invariant by construction; the FCN is not).
    ``members="loop"`` evaluates the members one after another through the same compiled
    one-member function (``backend.members_axis`` says why, on the CPU); ``members="kernel"``, for
    CNNs on shared configurations, through the Numba kernel of ``cnn_cpu``
    (``backend.eval_axis``).
    """
    M = jax.tree.leaves(stacked)[0].shape[0]
    if members == "kernel":
        from isingml.learning import cnn_cpu

        if index is not None or symmetrize or np.ndim(spins) not in (3, 4):
            raise ValueError(
                "the CPU kernel evaluates shared configurations only, of two or three dimensions"
            )
        nets = [member(graphdef, stacked, k) for k in range(M)]
        spins = np.asarray(spins)
        parts = [cnn_cpu.outputs(cnn_cpu.cnn_arrays(net), spins) for net in nets]
        return tuple(np.stack(x) for x in zip(*parts, strict=True))
    if members == "loop":
        parts = [
            member_outputs(graphdef, member_slice(stacked, k), spins,
                           None if index is None else np.asarray(index)[k : k + 1], symmetrize)
            for k in range(M)
        ]  # fmt: skip
        return tuple(np.concatenate(x) for x in zip(*parts, strict=True))
    sites = math.prod(spins.shape[1:])
    if index is None:
        n = spins.shape[0]
    else:
        index = np.asarray(index)
        n = index.shape[1]
        X = jnp.asarray(spins)
    logits, phi = np.empty((M, n), np.float32), np.empty((M, n), np.float32)
    if n == 0:
        return logits, phi
    size = _batch_size(n, sites, M)
    for start in range(0, n, size):
        stop = min(start + size, n)
        k = stop - start
        if index is None:
            chunk = np.asarray(spins[start:stop])
            if k < size:  # pad to the compiled shape
                pad = np.ones((size - k, *chunk.shape[1:]), chunk.dtype)
                chunk = np.concatenate([chunk, pad])
            z, f = _shared(graphdef, stacked, jnp.asarray(chunk), symmetrize)
        else:
            chunk = index[:, start:stop]
            if k < size:
                chunk = np.concatenate([chunk, np.zeros((M, size - k), chunk.dtype)], axis=1)
            z, f = _indexed(graphdef, stacked, X, jnp.asarray(chunk), symmetrize)
        logits[:, start:stop] = np.asarray(z[:, :k])
        phi[:, start:stop] = np.asarray(f[:, :k])
    return logits, phi


def outputs(model, spins, symmetrize=False):
    """(logits, phi) (n,) of one network: an ensemble of one (``member_outputs``)."""
    graphdef, stacked = stack([model])
    logits, phi = member_outputs(graphdef, stacked, spins, symmetrize=symmetrize)
    return logits[0], phi[0]


def predict_logits(model, spins, symmetrize=False):
    """Logits only (``outputs``)."""
    return outputs(model, spins, symmetrize)[0]


def prediction_table(model, spec, cfg, spins, T, split=None, logits=None, phi=None):
    """(columns, attrs) of the predictions file of a network on int8 spins (n, L, L) (or
    (n, L, L, L)) at T (n,).

    ``split``: the training run's split codes of these configurations (on the training size);
    None marks every configuration "critical" (never seen in training, e.g. another size).
    ``logits`` and ``phi``, where the caller has them already (training computes them), are not
    computed again.
    """
    if logits is None:
        logits, phi = outputs(model, spins, symmetrize=spec.name == "fcn")
    p = probability(logits)
    abs_m = np.abs(spins.mean(axis=tuple(range(1, spins.ndim)), dtype=np.float64))
    return data.prediction_columns(
        spec, cfg, T, p, phi.astype(np.float64), abs_m, split, L=spins.shape[1]
    )
