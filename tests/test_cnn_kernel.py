"""The Numba kernel that evaluates CNNs on the CPU (``learning.cnn_cpu``) against the Flax
model it replaces there: the same phi and logits, to float32 rounding, for several
architectures (depths, widths, odd and even kernel sizes) and lattice sizes down to the
decimated L = 4 on the square and L = 3 on the cube."""

import numpy as np
import pytest
from flax import nnx

from isingml.learning import cnn_cpu, ensemble, models, predict


def test_tanh_approximation_matches_numpy():
    x = np.linspace(-20, 20, 400001, dtype=np.float32)
    assert np.abs(cnn_cpu.tanh(x) - np.tanh(x.astype(np.float64))).max() < 1e-6
    assert np.all(cnn_cpu.tanh(-x) == -cnn_cpu.tanh(x))  # odd: phi stays odd under the flip


@pytest.mark.parametrize(
    "channels, kernel, L, dim",
    [((4, 8), 3, 16, 2), ((4, 8), 3, 4, 2), ((4, 8), 3, 7, 2), ((8,), 5, 12, 2),
     ((2, 3, 4), 2, 8, 2), ((3, 5), 1, 6, 2),
     # the cube's kernel (_phi3): the default CNN at the cubic sizes, down to the decimated
     # L = 3 (its halo as wide as the lattice), wider, deeper, even and 1 x 1 x 1 kernels, odd L
     ((4, 8), 3, 6, 3), ((4, 8), 3, 3, 3), ((4, 8), 3, 12, 3), ((8,), 5, 5, 3),
     ((2, 3, 4), 2, 4, 3), ((3, 5), 1, 5, 3), ((4, 8), 3, 7, 3)],
)  # fmt: skip
def test_kernel_equals_the_flax_cnn(channels, kernel, L, dim):
    spec = models.ModelSpec("cnn", L=16, channels=channels, kernel_size=kernel, head=6, dim=dim)
    model = models.build(spec, nnx.Rngs(11))
    rng = np.random.default_rng(3)
    n = 64 if dim == 2 else 24
    shape = (L,) * dim
    spins = np.where(rng.random((n, *shape)) < 0.5, 1, -1).astype(np.int8)
    spins[: n // 2] = np.where(rng.random((n // 2, *shape)) < 0.85, 1, -1)  # ordered-looking half
    graphdef, stacked = ensemble.stack([model])
    logits, phi = predict.member_outputs(graphdef, stacked, spins, members="vmap")
    k_logits, k_phi = predict.member_outputs(graphdef, stacked, spins, members="kernel")
    scale = float(np.abs(phi).max())
    assert scale > 1e-3  # the networks are not trivially zero
    np.testing.assert_allclose(k_phi, phi, rtol=0, atol=2e-6 * max(scale, 1.0))
    np.testing.assert_allclose(k_logits, logits, rtol=0, atol=2e-5)
    # odd under the global flip, exactly as the model
    _, flipped = predict.member_outputs(graphdef, stacked, -spins, members="kernel")
    np.testing.assert_array_equal(flipped, -k_phi)


def test_kernel_evaluates_an_ensemble_member_by_member():
    spec = models.ModelSpec("cnn", L=8)
    nets = [models.build(spec, nnx.Rngs(s)) for s in (1, 2, 3)]
    graphdef, stacked = ensemble.stack(nets)
    spins = np.where(np.random.default_rng(0).random((20, 8, 8)) < 0.5, 1, -1).astype(np.int8)
    logits, phi = predict.member_outputs(graphdef, stacked, spins, members="kernel")
    assert phi.shape == (3, 20) and logits.shape == (3, 20)
    for k, net in enumerate(nets):
        _, ref = predict.outputs(net, spins)
        np.testing.assert_allclose(phi[k], ref, atol=1e-5)
    with pytest.raises(ValueError, match="shared configurations"):
        predict.member_outputs(graphdef, stacked, spins, index=np.zeros((3, 2), int),
                               members="kernel")  # fmt: skip
