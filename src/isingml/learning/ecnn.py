"""A group-equivariant CNN, exactly invariant under Z2 x p4m on the torus.

``ECNN`` follows Cohen & Welling, "Group Equivariant Convolutional Networks", ICML 2016
(sec. 6.1, G-correlation) and keeps the interface of ``models.CNN``: ``features``,
``order_parameter`` (phi) and ``__call__`` (logit). The group is the spin flip times p4m on the
L x L torus: the 8 elements of D4 (rotations by 90 degrees and reflections) and the L^2 periodic
translations.

Construction. A lifting layer correlates the lattice with one learned k x k filter bank in all 8
orientations, giving maps F[x, y, g, c] on translations x D4 (the paper's first-layer
G-correlation, sum_y f(y) psi(g^-1 y)). Each group convolution then correlates F with filters
W[x, y, r, c_in, c_out] on p4m, where output orientation g uses T_g W[:, :, g^-1 r] (the full
G-correlation, sum_h f(h) psi(g^-1 h)): the filter transformed by g and its group axis permuted
by r -> g^-1 r. Both layers fold the group into the channel axis (channel = g * C + c) and run
as one wrap-padded VALID ``lax.conv_general_dilated``; the 8 transformed filters are
rebuilt from the small weights on every call. No bias, tanh after every layer.

Equivariance. With corr(f, w)(i) = sum_a f(i + a) w(a), T_S corr(f, w) = corr(T_S f, T_S w) for
a linear S about the origin, and corr commutes with translations (np.rot90 of an L x L array is
such an S followed by a translation). Hence transforming the lattice by h = (translation t,
S in D4) maps every layer's maps F_g -> t T_S F_{S^-1 g}: a permutation of the entries of
(space, group), so the average over space AND group in ``features`` is invariant.
Every layer is linear without bias followed by the odd tanh, so features are odd under x -> -x;
the bias-free read-out makes phi odd and the head on |phi| makes the logit invariant under all
16 L^2 operations. An even k is zero-padded to k + 1 so that its rotations stay on the lattice.

The multiplication table. Element g = r + 4 m acts on the two leading axes of an array as
transpose^m followed by rot90^r (``d4_act``). ``MUL[a, b]``, the index of T_a T_b, is found by
composing the actions on an asymmetric 3 x 3 test array and matching the image; ``INV`` follows.

Parameters, for ``channels`` (C_1, ..., C_n) and a head of h units: k^2 C_1 for the lifting
layer, as in ``CNN``, but 8 k^2 C_(i-1) C_i for each later layer (its input has 8 orientations
per channel), i.e. 8x ``CNN``'s count there; read-out and head are the same. For (4, 8), k = 3,
h = 16: 2397 parameters against 381. The group layers cost 64x ``CNN``'s FLOPs.
"""

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

ORDER = 8  # |D4|


def d4_act(a, g):
    """T_g on the two leading axes of ``a`` (numpy or jax): transpose^m, then rot90^r."""
    r, m = g % 4, g // 4
    xp = jnp if isinstance(a, jax.Array) else np
    if m:
        a = xp.swapaxes(a, 0, 1)
    return xp.rot90(a, r, axes=(0, 1))


def _multiplication_table():
    test = np.arange(9).reshape(3, 3)  # no symmetry: each element has its own image
    images = [d4_act(test, g) for g in range(ORDER)]

    def index(image):
        return next(g for g in range(ORDER) if np.array_equal(image, images[g]))

    return np.array(
        [[index(d4_act(d4_act(test, b), a)) for b in range(ORDER)] for a in range(ORDER)]
    )


MUL = _multiplication_table()  # T_a T_b = T_MUL[a, b]
INV = np.argmax(MUL == 0, axis=1)
PERM = MUL[INV]  # PERM[g, r] = g^-1 r: the group index of the filter slice seen at r


def _odd(w):
    """Zero-pad an even k x k filter to k + 1 so it has a centre site to rotate about."""
    k = w.shape[0]
    if k % 2:
        return w
    return jnp.pad(w, ((0, 1), (0, 1)) + ((0, 0),) * (w.ndim - 2))


def lifting_kernel(w):
    """(k, k, 1, C) filters -> (k', k', 1, 8 C) HWIO kernel, output channel g * C + c."""
    w = _odd(w)
    k, _, cin, cout = w.shape
    return jnp.stack([d4_act(w, g) for g in range(ORDER)], axis=3).reshape(k, k, cin, -1)


def group_kernel(w):
    """(k, k, 8, C_in, C_out) filters -> (k', k', 8 C_in, 8 C_out) HWIO kernel."""
    w = _odd(w)
    k = w.shape[0]
    slices = [d4_act(w[:, :, PERM[g]], g) for g in range(ORDER)]
    return jnp.stack(slices, axis=4).reshape(k, k, ORDER * w.shape[3], -1)


def circular_correlate(h, kernel):
    """h (batch, L, L, C_in) on the torus, odd-sided HWIO kernel -> (batch, L, L, C_out)."""
    p = kernel.shape[0] // 2
    h = jnp.pad(h, ((0, 0), (p, p), (p, p), (0, 0)), mode="wrap")
    return jax.lax.conv_general_dilated(
        h, kernel, (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC")
    )


class ECNN(nnx.Module):
    def __init__(self, channels, kernel_size, head, *, rngs: nnx.Rngs):
        init = nnx.initializers.lecun_normal()  # fan-in k^2 C_in (x 8 for group layers)
        k = kernel_size
        self.lift = nnx.Param(init(rngs.params(), (k, k, 1, channels[0])))
        self.gconvs = nnx.List(
            nnx.Param(init(rngs.params(), (k, k, ORDER, a, b)))
            for a, b in zip(channels[:-1], channels[1:], strict=True)
        )
        self.order = nnx.Linear(channels[-1], 1, use_bias=False, rngs=rngs)
        self.hidden = nnx.Linear(1, head, rngs=rngs)
        self.out = nnx.Linear(head, 1, rngs=rngs)

    def features(self, x):
        """Pooled maps (batch, channels[-1]): odd under x -> -x, invariant under p4m."""
        h = jnp.tanh(circular_correlate(x[..., None], lifting_kernel(self.lift[...])))
        for w in self.gconvs:
            h = jnp.tanh(circular_correlate(h, group_kernel(w[...])))
        b, L, _, _ = h.shape
        return h.reshape(b, L, L, ORDER, -1).mean(axis=(1, 2, 3))  # space and D4

    def order_parameter(self, x):
        """phi (batch,): the learned scalar order parameter, odd under the spin flip."""
        return self.order(self.features(x))[:, 0]

    def head(self, phi):
        """The logit from phi: a small network on |phi|, as in ``CNN``."""
        return self.out(jax.nn.relu(self.hidden(jnp.abs(phi)[:, None])))[:, 0]

    def __call__(self, x):
        """x: (batch, L, L) spins as floats -> (batch,) logits, invariant under Z2 x p4m."""
        return self.head(self.order_parameter(x))
