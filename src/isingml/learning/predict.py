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


@functools.partial(jax.jit, static_argnums=0)
def _logits(graphdef, params, x):
    return nnx.merge(graphdef, params)(x.astype(jnp.float32))


def predict_logits(model, spins, symmetrize=False):
    """Logits for int8 spins (n, L, L), in fixed-size batches (one compilation).

    With ``symmetrize`` the two logits of x and -x are averaged, which makes the output exactly
    invariant under the global spin flip.
    """
    graphdef, params = nnx.split(model)
    n = spins.shape[0]
    if n == 0:
        return np.empty(0, dtype=np.float32)
    # At most EVAL_SITES sites per batch: the CNN's activations grow as batch x L^2 x channels
    # (1024 lattices of L = 64 took 268 MB per layer and broke the memory budget).
    size = min(EVAL_BATCH, n, max(16, EVAL_SITES // (spins.shape[1] * spins.shape[2])))
    out = np.empty(n, dtype=np.float32)
    for start in range(0, n, size):
        chunk = np.asarray(spins[start : start + size])
        k = chunk.shape[0]
        if k < size:  # pad to the compiled shape
            chunk = np.concatenate([chunk, np.ones((size - k, *chunk.shape[1:]), chunk.dtype)])
        x = jnp.asarray(chunk)
        z = _logits(graphdef, params, x)
        if symmetrize:
            z = 0.5 * (z + _logits(graphdef, params, -x))
        out[start : start + k] = np.asarray(z[:k])
    return out


def training_split(cfg, T):
    """The split codes of training run ``cfg`` (a TrainConfig) on configurations at
    temperatures ``T``, rebuilt from its seeds; so that analyses can pick held-out data."""
    labels = data.labels_for(T, cfg.label, cfg.window)
    seq = data.split_seed(cfg.root_seed, cfg.L, cfg.seed)
    return data.split_by_temperature(T, labels, cfg.val_fraction, cfg.test_fraction, seq)


def prediction_table(model, spec, cfg, spins, T):
    """(columns, attrs) of the predictions file of a network on int8 spins (n, L, L) at T (n,).

    On the training size the split codes are the training run's; on another size every
    configuration is "critical" (never seen in training).
    """
    L = spins.shape[1]
    logits = predict_logits(model, spins, symmetrize=True)
    if L == spec.L:
        split = training_split(cfg, T)
    else:
        split = np.full(T.shape, data.CRITICAL, dtype=np.int8)
    m = spins.mean(axis=(1, 2), dtype=np.float64)
    columns = {
        "T": T,
        "p_ordered": 1.0 / (1.0 + np.exp(-logits.astype(np.float64))),
        "split": split,
        "abs_m": np.abs(m),
    }
    attrs = {
        "model": spec.name,
        "L": L,
        "L_train": spec.L,
        "seed": cfg.seed,
        "label": cfg.label,
        "window": np.asarray(cfg.window or [np.nan, np.nan]),
        "split_codes": data.SPLIT_CODES_TEXT,
    }
    return columns, attrs
