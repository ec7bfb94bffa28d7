"""What the filters see: a trained network's first-layer filters, its first-layer activation
maps on given configurations, and saliency maps (the gradient of the logit with respect to
each spin, Simonyan et al. 2014)."""

import jax
import jax.numpy as jnp
import numpy as np

from isingml.learning.ecnn import ECNN, circular_correlate, lifting_kernel


def first_layer_filters(model):
    """The first layer's k x k filters, shape (channels, k, k)."""
    if isinstance(model, ECNN):
        w = np.asarray(model.lift[...])  # (k, k, 1, C): the filter before its 8 orientations
    else:
        w = np.asarray(model.convs[0].kernel[...])
    return np.moveaxis(w[:, :, 0, :], -1, 0)


def activation_maps(model, x):
    """First-layer activations tanh(filter * x) per configuration, (batch, L, L, channels);
    for the ECNN averaged over the filter's 8 orientations."""
    x = jnp.asarray(x, dtype=jnp.float32)
    if isinstance(model, ECNN):
        h = jnp.tanh(circular_correlate(x[..., None], lifting_kernel(model.lift[...])))
        b, L, _, gc = h.shape
        return np.asarray(h.reshape(b, L, L, 8, gc // 8).mean(axis=3))
    return np.asarray(jnp.tanh(model.convs[0](x[..., None])))


def saliency(model, x):
    """d logit / d s_i for each configuration, (batch, L, L)."""
    x = jnp.asarray(x, dtype=jnp.float32)
    return np.asarray(jax.grad(lambda v: model(v).sum())(x))
