"""The group-equivariant CNN: shapes, one set of weights for any L, exact Z2 x p4m invariance."""

import itertools

import jax
import numpy as np
import pytest
from flax import nnx

from isingml.learning import ecnn, models

TOL = {"rtol": 1e-5, "atol": 1e-5}  # float32: transformed copies sum in another order


@nnx.jit
def evaluate(model, x):
    """(features, phi, logits) in one compiled call: eager ops recompile for every shape."""
    return model.features(x), model.order_parameter(x), model(x)


def build(kernel_size):
    """Three layers, so one group convolution feeds another.

    The key is "rbg": initialising compiles one small XLA program per parameter shape, and
    threefry's take several times longer to compile than rbg's (seconds on a busy CPU).
    """
    return ecnn.ECNN((2, 3, 4), kernel_size, 8, rngs=nnx.Rngs(jax.random.key(0, impl="rbg")))


@pytest.fixture(scope="module")
def model():
    return build(3)


def spins(rng, n, L):
    return rng.choice(np.array([-1.0, 1.0], dtype=np.float32), size=(n, L, L))


def all_operations(x):
    """x (L, L) -> (16 L^2, L, L) copies under Z2 x D4 x translations, and each copy's sign."""
    L = x.shape[0]
    d4 = [np.rot90(x, r) for r in range(4)] + [np.rot90(x.T, r) for r in range(4)]
    copies, signs = [], []
    for sign, y, shift in itertools.product((1.0, -1.0), d4, itertools.product(range(L), repeat=2)):
        copies.append(sign * np.roll(y, shift, axis=(0, 1)))
        signs.append(sign)
    return np.stack(copies).astype(np.float32), np.array(signs, dtype=np.float32)


def test_multiplication_table_is_d4():
    mul = ecnn.MUL
    for row in (*mul, *mul.T):  # a Latin square: every product is a bijection
        assert sorted(row) == list(range(8))
    assert all(mul[mul[a, b], c] == mul[a, mul[b, c]] for a, b, c in np.ndindex(8, 8, 8))
    assert all(mul[g, g] == 0 for g in range(4, 8))  # reflections are involutions
    assert mul[1, 4] != mul[4, 1]  # D4 is not abelian
    assert all(mul[g, ecnn.INV[g]] == 0 for g in range(8))


@pytest.mark.parametrize(("L", "batch"), [(8, 1), (12, 5)])
def test_shapes(model, L, batch):
    features, phi, logits = evaluate(model, spins(np.random.default_rng(L), batch, L))
    assert features.shape == (batch, 4)  # channels[-1]
    assert phi.shape == logits.shape == (batch,)


def test_one_set_of_weights_takes_any_L(model):
    # on the torus a 2 x 2 tiling of an L = 8 lattice has the same pooled maps as the lattice
    x = spins(np.random.default_rng(2), 3, 8)
    tiled = np.tile(x, (1, 2, 2))
    for small, large in zip(evaluate(model, x), evaluate(model, tiled), strict=True):
        np.testing.assert_allclose(large, small, **TOL)


@pytest.mark.parametrize("kernel_size", [3, 2])  # an even k is padded to k + 1
def test_exact_invariance_under_z2_p4m(model, kernel_size):
    if kernel_size != 3:
        model = build(kernel_size)
    for x in spins(np.random.default_rng(3), 2, 8):
        copies, signs = all_operations(x)
        assert copies.shape == (16 * 64, 8, 8)
        features, phi, logits = map(np.asarray, evaluate(model, copies))
        phi0 = phi[0]  # the identity is the first copy
        assert abs(phi0) > 1e-4  # otherwise the sign test below is empty
        np.testing.assert_allclose(features, signs[:, None] * features[:1], **TOL)
        np.testing.assert_allclose(logits, np.full_like(logits, logits[0]), **TOL)
        np.testing.assert_allclose(np.abs(phi), np.full_like(phi, abs(phi0)), **TOL)
        np.testing.assert_allclose(phi, signs * phi0, **TOL)


def test_plain_cnn_is_not_rotation_invariant():
    # the control: the invariance test above can fail
    model = models.CNN((4, 8), 3, 16, rngs=nnx.Rngs(0))
    x = spins(np.random.default_rng(4), 8, 8)
    rotated = np.rot90(x, 1, axes=(1, 2))
    _, _, logits = evaluate(model, x)
    _, _, rotated_logits = evaluate(model, rotated)
    assert np.max(np.abs(np.asarray(rotated_logits) - np.asarray(logits))) > 1e-4


def test_order_parameter_is_not_constant(model):
    rng = np.random.default_rng(5)
    up = np.array([0.5, 0.7, 0.9, 1.0])  # lattices with magnetisation about 0, 0.4, 0.8, 1
    x = np.where(rng.random((4, 8, 8)) < up[:, None, None], 1.0, -1.0).astype(np.float32)
    phi = np.asarray(evaluate(model, x)[1])
    assert len(np.unique(np.round(phi, 5))) == 4
    assert np.ptp(phi) > 1e-3
