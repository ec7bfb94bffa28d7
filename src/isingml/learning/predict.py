"""Network outputs on lattices: logits in fixed-size compiled batches, and the prediction table
of a trained network on the shards of one L (with the split codes of its training run).
"""

import functools

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from isingml.learning import data

EVAL_BATCH = 1024
EVAL_SITES = 1 << 20


@functools.partial(jax.jit, static_argnums=(0, 3))
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


def outputs(model, spins, symmetrize=False):
    """(logits, phi) for int8 spins (n, L, L), in fixed-size batches (one compilation).

    With ``symmetrize`` the two logits of x and -x are averaged, which makes the output exactly
    invariant under the global spin flip (the CNN is so by construction; the FCN is not).
    """
    graphdef, params = nnx.split(model)
    n = spins.shape[0]
    logits, phi = np.empty(n, dtype=np.float32), np.empty(n, dtype=np.float32)
    if n == 0:
        return logits, phi
    # At most EVAL_SITES sites per batch: the CNN's activations grow as batch x L^2 x channels
    # (1024 lattices of L = 64 took 268 MB per layer and broke the memory budget).
    size = min(EVAL_BATCH, n, max(16, EVAL_SITES // (spins.shape[1] * spins.shape[2])))
    for start in range(0, n, size):
        chunk = np.asarray(spins[start : start + size])
        k = chunk.shape[0]
        if k < size:  # pad to the compiled shape
            chunk = np.concatenate([chunk, np.ones((size - k, *chunk.shape[1:]), chunk.dtype)])
        z, f = _outputs(graphdef, params, jnp.asarray(chunk), symmetrize)
        logits[start : start + k] = np.asarray(z[:k])
        phi[start : start + k] = np.asarray(f[:k])
    return logits, phi


def predict_logits(model, spins, symmetrize=False):
    """Logits only (``outputs``)."""
    return outputs(model, spins, symmetrize)[0]


def prediction_table(model, spec, cfg, spins, T, split=None):
    """(columns, attrs) of the predictions file of a network on int8 spins (n, L, L) at T (n,).

    ``split``: the training run's split codes of these configurations (on the training size);
    None marks every configuration "critical" (never seen in training, e.g. another size).
    """
    logits, phi = outputs(model, spins, symmetrize=spec.name == "fcn")
    p = 1.0 / (1.0 + np.exp(-logits.astype(np.float64)))
    abs_m = np.abs(spins.mean(axis=(1, 2), dtype=np.float64))
    return data.prediction_columns(
        spec, cfg, T, p, phi.astype(np.float64), abs_m, split, L=spins.shape[1]
    )
