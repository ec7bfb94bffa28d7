"""The Python interface, for notebooks: sample one (L, T) into arrays, read a shard, load a
trained network and evaluate it on configurations, read a run's results. Each function is the
library call the workflow's jobs make (``sampling.job.simulate``, ``io.shards.read_shard``,
``learning.store.load_network`` and the networks' evaluation, ``io.results``), so what a
notebook gets is what the pipeline computes. Imported lazily by ``isingml``: ``import isingml``
costs neither JAX nor Numba until one of these is called.
"""

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


@dataclass
class Samples:
    """Configurations of one (L, T): ``spins`` int8 (n, L, L) of +-1 ((n, L, L, L) on the
    cubic lattice), ``energy`` and
    ``magnetization`` per site (n,), and the attributes a shard of them would carry
    (algorithm, interval, tau_int, seed, ...). Multi-spin runs store 64 independent replicas
    time-major: sample i belongs to replica i % 64."""

    spins: np.ndarray
    energy: np.ndarray
    magnetization: np.ndarray
    attrs: dict = field(default_factory=dict)

    @property
    def L(self):
        return int(self.spins.shape[1])

    @property
    def T(self):
        return float(self.attrs["T"])


def sample(L, T, n_samples, *, seed=0, algorithm="auto", grid="network", thermalize=None,
           lattice="square", couplings=(1.0, 1.0)):  # fmt: skip
    """Sample ``n_samples`` configurations of the L x L periodic Ising model at temperature
    ``T`` from the root ``seed``, exactly as ``isingml simulate`` does for a shard of the same
    arguments (same stream, same thermalisation, pilot and spacing), into arrays.
    ``algorithm``: ``auto``, ``metropolis``, ``wolff`` or ``multispin``; ``grid``: the seed
    stream of the workflow's ``network`` or ``critical`` grid; ``lattice``: ``square``,
    ``triangular``, ``honeycomb`` or ``cubic`` (L x L x L), ``couplings`` (J_x, J_y) the
    square's. Returns
    ``Samples``."""
    from isingml import lattices
    from isingml.sampling import job, sampler

    model = lattices.get(lattice, couplings)
    given = {"algorithm": algorithm, "grid": grid, "n_thermalize": thermalize, "lattice": model}
    settings = sampler.SamplerSettings(**{k: v for k, v in given.items() if v is not None})
    a = job.sample_arrays(int(L), float(T), int(n_samples), int(seed), settings)
    return Samples(a.spins, a.energy, a.magnetization, a.attrs)


def read_shard(path, spins=True):
    """One lattice shard (HDF5), validated: ``.spins`` int8 (n, *shape) (None with
    ``spins=False``), ``.energy``, ``.magnetization``, ``.attrs``, ``.L``, ``.T``. A file that
    is not a valid shard raises ``isingml.errors.UserError`` naming the file and the fault."""
    from isingml.io import shards

    return shards.read_shard(path, spins=spins)


@dataclass
class Evaluation:
    """A network's outputs on n configurations: ``logits`` and ``p_ordered`` (the probability
    of the ordered phase) and ``phi``, the CNN's pooled Z2-odd order parameter (NaN for the
    fully connected network, which has none)."""

    logits: np.ndarray
    p_ordered: np.ndarray
    phi: np.ndarray


@dataclass
class Network:
    """A trained network read from its folder (``results/models/{model}/{window}/L{L}/seed{s}``):
    ``model`` (the Flax NNX module), ``spec`` (architecture and training L), ``config`` (the
    ``TrainConfig`` it was trained with)."""

    folder: Path
    model: object
    spec: object
    config: object

    def evaluate(self, spins):
        """The network on int8 (or float) +-1 configurations (n, L, L): an ``Evaluation``.
        The CNN takes any L; the fully connected network only its training L."""
        from isingml.learning import predict

        spins = np.asarray(spins)
        if spins.ndim == 2:
            spins = spins[None]
        if self.spec.name == "fcn" and spins.shape[1] != self.spec.L:
            from isingml.errors import UserError

            raise UserError(
                f"the fully connected network in {self.folder} takes only L = {self.spec.L}, "
                f"got L = {spins.shape[1]}; only the CNN accepts any L"
            )
        logits, phi = predict.outputs(self.model, spins, symmetrize=self.spec.name == "fcn")
        logits = np.asarray(logits, dtype=np.float64)
        return Evaluation(logits, predict.probability(logits), np.asarray(phi, np.float64))


def load_network(folder):
    """The network a training job wrote into ``folder`` (params.npz and metrics.json)."""
    from isingml.learning import store

    model, spec, cfg = store.load_network(folder)
    return Network(Path(folder), model, spec, cfg)


@dataclass
class Results:
    """A finished run's results: ``summary`` (the rows of results/summary.csv, one per
    method), ``fss`` ({method: results/fss/{method}.json}) and ``exponents``
    (results/fss/exponents.json). Every row and result names its ``lattice`` and the exact
    T_c it is compared with (``reference_T_c``, None where none is known; ``reference``, its
    source); a run from before lattices is read with these names (its ``rel_dev_onsager`` and
    ``onsager_T_c`` renamed ``rel_dev_reference`` and ``reference_T_c``)."""

    summary: list
    fss: dict
    exponents: dict

    @property
    def lattice(self):
        """The model of the run, in words ("square", "triangular", ...)."""
        return self.summary[0].get("lattice") if self.summary else None

    def row(self, method):
        """The summary row of one method (``binder``, ``cnn_binder``, ...)."""
        for r in self.summary:
            if r["method"] == method:
                return r
        raise KeyError(f"no row {method!r}; the run has {[r['method'] for r in self.summary]}")


def read_results(folder="results"):
    """The results of a finished run under ``folder``."""
    from isingml.io import results

    folder = Path(folder)
    fss = {
        p.stem: results.renamed(results.read_json(p))
        for p in sorted((folder / "fss").glob("*.json"))
        if p.stem != "exponents"
    }
    return Results(
        results.read_summary(folder / "summary.csv"),
        fss,
        results.read_json(folder / "fss" / "exponents.json"),
    )
