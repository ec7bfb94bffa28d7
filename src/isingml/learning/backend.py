"""How a network job runs on this machine: choices measured per backend and model that change
no setting (results agree to float rounding), and the one place where a job reads the
environment. Every knob a network job reads from the environment is here:

- ``ISINGML_EPOCH_LOOP`` (auto | scan | python; auto): an epoch as one ``lax.scan`` over the
  mini-batches, or a Python loop over the compiled step; ``--epoch-loop`` overrides it.
- ``ISINGML_MEMBERS`` (auto | vmap | loop; auto): an ensemble's members as one vmapped program,
  or one after another through the one-member program.
- ``ISINGML_CNN_KERNEL`` (numba | jax; numba): the CNN's evaluation on the CPU by the Numba
  kernels (``cnn_cpu``, two- and three-dimensional configurations), or by XLA.
- ``NPROC`` (set by ``--threads``, ``cli.options.configure_jax``): XLA:CPU's threads.
- ``XLA_PYTHON_CLIENT_PREALLOCATE`` (set false by ``configure_jax`` unless given): JAX's GPU
  memory taken as needed, so that jobs share a GPU.

``auto`` takes the measured choice (``MEASURED_LOOP``, ``MEASURED_MEMBERS``). No JAX at import.
"""

import dataclasses
import os

from isingml.errors import UserError

EPOCH_LOOPS = ("auto", "scan", "python")
MEMBER_AXES = ("auto", "vmap", "loop")
CNN_KERNELS = ("numba", "jax")
# How an epoch runs, per backend and model, from benchmarks/train.py (configurations per second
# through a training step, both loops side by side). On XLA:CPU a convolution inside a scan body
# runs several times slower than the same step compiled alone, so the CNN's step is driven from
# Python there; the FCN's matrix products are faster in the scan (1.3-2x). Accelerators take the
# scan: no Python, no dispatch, per step.
MEASURED_LOOP = {("cpu", "cnn"): "python", ("cpu", "fcn"): "scan"}
# How the members of an ensemble share a step, from benchmarks/train.py --ensemble (samples/s
# per member against one network, same batch). vmap makes one program of the ensemble, which is
# what fills an accelerator; but vmapping a convolution over its weights makes it a grouped
# convolution, which XLA:CPU runs slower than the members one after another (CNN 4x8, L = 16,
# 5 members: 0.13-0.15 of one network's rate per member vmapped, 0.18-0.19 in turns; 0.1 ideal
# is 1/N). On the CPU the CNNs' members therefore take turns through the one-member compiled
# step; the FCN's batched products gain from vmap there (0.29-0.33 per member of 5, against 0.2).
MEASURED_MEMBERS = {("cpu", "cnn"): "loop", ("cpu", "ecnn"): "loop"}


def _choice(value, allowed, source):
    if value not in allowed:
        raise UserError(f"{source} {value!r} is not one of {', '.join(allowed)}")
    return value


def _platform():
    import jax

    return jax.default_backend()


def epoch_loop(model, requested="auto"):
    """'scan' or 'python' for ``model`` on this backend; 'auto' takes the measured choice."""
    requested = _choice(requested or "auto", EPOCH_LOOPS, "epoch loop")
    if requested != "auto":
        return requested
    backend = _platform()
    return MEASURED_LOOP.get((backend, model), "python" if backend == "cpu" else "scan")


def members_axis(model, requested="auto"):
    """'vmap' or 'loop' for an ensemble of ``model`` on this backend."""
    requested = _choice(requested or "auto", MEMBER_AXES, "member axis")
    if requested != "auto":
        return requested
    return MEASURED_MEMBERS.get((_platform(), model), "vmap")


def eval_axis(model, members, cnn_kernel="numba", dim=2):
    """How an ensemble of ``model`` is evaluated on shared configurations of dimension ``dim``
    (2 or 3): the Numba kernels for CNNs on the CPU (``cnn_cpu``; 3-4x XLA's CPU convolutions at
    L = 32 in 2D, ``CNN_KERNEL_SPEEDUP`` in ``cost`` for both), else ``members``."""
    if model == "cnn" and dim in (2, 3) and _platform() == "cpu" and cnn_kernel != "jax":
        return "kernel"
    return members


@dataclasses.dataclass(frozen=True)
class Backend:
    """The run-time choices of a job (the table above), each 'auto' or forced."""

    epoch_loop: str = "auto"
    members: str = "auto"
    cnn_kernel: str = "numba"

    @classmethod
    def from_env(cls, epoch_loop=None, environ=None):
        """The choices the environment makes; ``epoch_loop`` (the --epoch-loop flag) over it."""
        env = os.environ if environ is None else environ
        return cls(
            _choice(epoch_loop or env.get("ISINGML_EPOCH_LOOP") or "auto", EPOCH_LOOPS,
                    "epoch loop (ISINGML_EPOCH_LOOP or --epoch-loop)"),
            _choice(env.get("ISINGML_MEMBERS") or "auto", MEMBER_AXES,
                    "member axis (ISINGML_MEMBERS)"),
            _choice(env.get("ISINGML_CNN_KERNEL") or "numba", CNN_KERNELS,
                    "CNN kernel (ISINGML_CNN_KERNEL)"),
        )  # fmt: skip

    def loop_for(self, model):
        return epoch_loop(model, self.epoch_loop)

    def members_for(self, model):
        return members_axis(model, self.members)

    def eval_for(self, model, dim=2):
        return eval_axis(model, self.members_for(model), self.cnn_kernel, dim)
