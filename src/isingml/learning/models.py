"""The networks, as Flax NNX modules. Each returns one logit for "ordered" per configuration.

``CNN``: a learned order parameter and a threshold on it. Convolutions with circular padding
(the lattice is a torus), stride 1, no bias and an odd activation (tanh), so every feature map
is odd under the global spin flip; global average pooling (the network's coarse-graining step)
makes the features translation invariant and lets one set of weights take any L; in three
dimensions (the cubic lattice, ``dim`` 3) the same with k x k x k filters, circular in every
axis, pooled over all L^3 sites; a linear
read-out without bias gives a scalar phi that is odd under the flip, an intensive quantity like
the magnetization: the network's own order parameter (``order_parameter``). The logit is a
small head on |phi|, so it is exactly invariant under the spin flip and any translation. The
window-trained networks read T* off that logit; the Binder cumulant of phi across sizes
(``analysis.order_parameters.features_analysis``) converges to T_c whatever window the network
was trained on.

``ECNN`` (learning/ecnn.py): the same with the square's rotations and reflections built in, a
group-equivariant CNN exactly invariant under Z2 x p4m (Cohen & Welling 2016).

``FCN``: the baseline of Carrasquilla & Melko, Nature Physics 13, 431 (2017): L^2 inputs (L^d:
L^3 on the cube), one hidden layer of 100 sigmoid units, one logit. Its input size ties it to
one L.
"""

import dataclasses
import json

import jax
import jax.numpy as jnp
import numpy as np
from flax import nnx

from isingml.errors import UserError
from isingml.learning.settings import fill_defaults


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """Everything needed to rebuild a network: stored with its checkpoint."""

    name: str
    L: int  # the lattice size it was trained on
    channels: tuple[int, ...] | None = None  # CNN; None: the schema's default (all four)
    kernel_size: int | None = None  # CNN
    head: int | None = None  # CNN
    hidden: int | None = None  # FCN
    dim: int = 2  # the lattice's dimension: (L,) * dim configurations

    def __post_init__(self):
        keys = ("channels", "kernel_size", "head", "hidden")
        given = {k: getattr(self, k) for k in keys if getattr(self, k) is not None}
        filled = fill_defaults(self.name, given)  # also refuses an unknown model
        for key in keys:
            object.__setattr__(self, key, filled[key])
        if self.dim not in (2, 3) or (self.name == "ecnn" and self.dim != 2):
            raise UserError(f"no {self.name} network on {self.dim}-dimensional configurations "
                            "(the ecnn is built on the square's p4m: 2D only)")  # fmt: skip

    def to_json(self):
        """The spec as JSON; ``dim`` only where it is not 2 (a 2D checkpoint as before)."""
        d = dataclasses.asdict(self)
        if d["dim"] == 2:
            del d["dim"]
        return json.dumps(d)

    @classmethod
    def from_json(cls, text):
        return cls(**json.loads(text))


class CNN(nnx.Module):
    def __init__(self, channels, kernel_size, head, dim=2, *, rngs: nnx.Rngs):
        sizes = (1, *channels)
        k = (kernel_size,) * dim
        self.convs = nnx.List(
            nnx.Conv(a, b, k, padding="CIRCULAR", use_bias=False, rngs=rngs)
            for a, b in zip(sizes[:-1], sizes[1:], strict=True)
        )
        self.order = nnx.Linear(channels[-1], 1, use_bias=False, rngs=rngs)
        self.hidden = nnx.Linear(1, head, rngs=rngs)
        self.out = nnx.Linear(head, 1, rngs=rngs)

    def features(self, x):
        """Pooled feature maps (batch, channels): odd under x -> -x, invariant under rolls."""
        h = x[..., None]
        for conv in self.convs:
            h = jnp.tanh(conv(h))
        return h.mean(axis=tuple(range(1, h.ndim - 1)))  # global average pooling over the torus

    def order_parameter(self, x):
        """phi (batch,): the learned scalar order parameter, odd under the spin flip."""
        return self.order(self.features(x))[:, 0]

    def head(self, phi):
        """The logit from phi: a small network on |phi|, hence even under the spin flip."""
        return self.out(jax.nn.relu(self.hidden(jnp.abs(phi)[:, None])))[:, 0]

    def __call__(self, x):
        """x: (batch, L, L) (or (batch, L, L, L)) spins as floats -> (batch,) logits, even
        under the spin flip."""
        return self.head(self.order_parameter(x))


class FCN(nnx.Module):
    def __init__(self, L, hidden, dim=2, *, rngs: nnx.Rngs):
        self.L, self.dim = L, dim
        self.hidden = nnx.Linear(L**dim, hidden, rngs=rngs)
        self.out = nnx.Linear(hidden, 1, rngs=rngs)

    def __call__(self, x):
        if x.shape[1:] != (self.L,) * self.dim:
            raise UserError(f"this fully connected network takes L = {self.L} in {self.dim} "
                            f"dimensions, got {x.shape[1:]}")  # fmt: skip
        h = jax.nn.sigmoid(self.hidden(x.reshape(x.shape[0], -1)))
        return self.out(h)[:, 0]


def build(spec: ModelSpec, rngs: nnx.Rngs):
    if spec.name == "cnn":
        return CNN(spec.channels, spec.kernel_size, spec.head, spec.dim, rngs=rngs)
    if spec.name == "ecnn":
        from isingml.learning.ecnn import ECNN

        return ECNN(spec.channels, spec.kernel_size, spec.head, rngs=rngs)
    return FCN(spec.L, spec.hidden, spec.dim, rngs=rngs)


def count_params(model) -> int:
    return sum(int(jnp.size(p)) for p in jax.tree.leaves(nnx.state(model, nnx.Param)))


def params_to_arrays(model):
    """{path name: array} of every parameter, for a checkpoint."""
    leaves = jax.tree_util.tree_flatten_with_path(nnx.state(model, nnx.Param))[0]
    return {jax.tree_util.keystr(path): np.asarray(v) for path, v in leaves}


def model_from_arrays(spec: ModelSpec, arrays, source="checkpoint"):
    """Rebuild a network from ``params_to_arrays`` output; refuse any mismatch."""
    model = build(spec, nnx.Rngs(0))
    state = nnx.state(model, nnx.Param)
    leaves, treedef = jax.tree_util.tree_flatten_with_path(state)
    names = [jax.tree_util.keystr(p) for p, _ in leaves]
    if sorted(names) != sorted(arrays):
        raise UserError(f"{source}: parameters {sorted(arrays)} do not match {spec.name}")
    new = []
    for name, (_, old) in zip(names, leaves, strict=True):
        if arrays[name].shape != old.shape:
            raise UserError(
                f"{source}: {name} has shape {arrays[name].shape}, expected {old.shape}"
            )
        new.append(jnp.asarray(arrays[name]))
    nnx.update(model, jax.tree_util.tree_unflatten(treedef, new))
    return model
