"""The two networks, as Flax NNX modules. Both return one logit for "ordered" per configuration.

``CNN``: 3x3 convolutions with circular padding (the lattice is a torus), stride 1 throughout,
then global average pooling and a small head. Convolutions are translation-equivariant on the
torus and the pooled features invariant, so the logit is exactly invariant to any roll of the
input, and one set of weights accepts any L. Pooling is the network's coarse-graining step.

``FCN``: the baseline of Carrasquilla & Melko, Nature Physics 13, 431 (2017): L^2 inputs, one
hidden layer of 100 sigmoid units, one logit. Its input size ties it to one L.
"""

import dataclasses
import json

import jax
import jax.numpy as jnp
from flax import nnx

MODELS = ("cnn", "fcn")


@dataclasses.dataclass(frozen=True)
class ModelSpec:
    """Everything needed to rebuild a network: stored with its checkpoint."""

    name: str
    L: int  # the lattice size it was trained on
    channels: tuple[int, ...] = (8, 16)
    kernel_size: int = 3
    head: int = 16
    hidden: int = 100

    def __post_init__(self):
        if self.name not in MODELS:
            raise ValueError(f"unknown model {self.name!r}; choose one of {', '.join(MODELS)}")
        object.__setattr__(self, "channels", tuple(int(c) for c in self.channels))

    def to_json(self):
        return json.dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text):
        return cls(**json.loads(text))


class CNN(nnx.Module):
    def __init__(self, channels=(8, 16), kernel_size=3, head=16, *, rngs: nnx.Rngs):
        sizes = (1, *channels)
        self.convs = nnx.List(
            nnx.Conv(a, b, (kernel_size, kernel_size), padding="CIRCULAR", rngs=rngs)
            for a, b in zip(sizes[:-1], sizes[1:], strict=True)
        )
        self.hidden = nnx.Linear(channels[-1], head, rngs=rngs)
        self.out = nnx.Linear(head, 1, rngs=rngs)

    def __call__(self, x):
        """x: (batch, L, L) spins as floats -> (batch,) logits."""
        h = x[..., None]
        for conv in self.convs:
            h = jax.nn.relu(conv(h))
        h = h.mean(axis=(1, 2))  # global average pooling over the torus
        return self.out(jax.nn.relu(self.hidden(h)))[:, 0]


class FCN(nnx.Module):
    def __init__(self, L, hidden=100, *, rngs: nnx.Rngs):
        self.L = L
        self.hidden = nnx.Linear(L * L, hidden, rngs=rngs)
        self.out = nnx.Linear(hidden, 1, rngs=rngs)

    def __call__(self, x):
        if x.shape[-1] != self.L or x.shape[-2] != self.L:
            raise ValueError(f"this fully connected network takes L = {self.L}, got {x.shape[-2:]}")
        h = jax.nn.sigmoid(self.hidden(x.reshape(x.shape[0], -1)))
        return self.out(h)[:, 0]


def build(spec: ModelSpec, rngs: nnx.Rngs):
    if spec.name == "cnn":
        return CNN(spec.channels, spec.kernel_size, spec.head, rngs=rngs)
    return FCN(spec.L, spec.hidden, rngs=rngs)


def count_params(model) -> int:
    return sum(int(jnp.size(p)) for p in jax.tree.leaves(nnx.state(model, nnx.Param)))
