"""The transfer study's part of a run's layout (``studies.transfer``): CNNs trained on another
lattice's networks' grid (sampled under that model's own data/ folder), evaluated on this run's
Binder grid (their features: the row cnn_binder_transfer) and on this run's networks' grid
(their predictions: T*(L) on this lattice). Its lists, paths and jobs; ``layout.Layout`` holds
one as ``transfer``. No JAX, no NumPy beyond the model objects.
"""

from isingml import lattices
from isingml.config import fmt_T
from isingml.paths import (
    shard_path,
    transfer_features_path,
    transfer_model_dir,
    transfer_prediction_path,
)
from isingml.windows import window_name

WINDOWS_CSV = "results/diagnostics/transfer_windows.csv"  # T*(L) on both lattices, T(m0), T_c
CURVES_CSV = "results/transfer/curves.csv"  # p(T) and U_phi(T) on both lattices, for the figure
KERNELS = "results/.kernels-compiled-transfer"  # the training lattice's kernels, compiled once


class TransferLayout:
    """The study of a ``layout.Layout`` (``on`` False where ``studies.transfer.train`` is null):
    ``trained_on`` the training lattice's model, ``lattice`` this run's, ``train_T`` and
    ``windows`` the training grid's temperatures and windows, every size of the run's."""

    def __init__(self, layout):
        config = layout.config
        t = config["studies"].get("transfer") or {}
        self.on = bool(t.get("train"))
        self.layout = layout
        self.lattice = layout.lattice  # the networks are evaluated on this run's model
        self.trained_on = lattices.get(t["train"]) if self.on else None
        self.train_T = sorted({fmt_T(x) for x in t.get("temperatures", ())}, key=float)
        self.windows = {window_name(w): w for w in t.get("windows", ())} if self.on else {}
        self.train_L = config["cnn_binder"]["train_L"]
        self.seeds = layout.seeds

    # ---- the training lattice's grid and networks
    @property
    def shard_pattern(self):
        """rule simulate_transfer's output: the training model's shards of the networks' grid."""
        return shard_path("{L}", "{T}", "lattices", self.trained_on)

    def training_shards(self, L):
        return [shard_path(L, T, "lattices", self.trained_on) for T in self.train_T]

    def model_dirs(self, window, L):
        return [transfer_model_dir(window, L, s) for s in self.seeds]

    def own_predictions(self, window, L):
        """Each seed's predictions on its training lattice (written by its training job)."""
        return [transfer_prediction_path(self.trained_on, window, L, s) for s in self.seeds]

    # ---- the networks on this run's lattice
    def evaluation_shards(self, L):
        return self.layout.training_shards(L)  # this run's networks' grid

    def predictions(self, window, L):
        return [transfer_prediction_path(self.lattice, window, L, s) for s in self.seeds]

    def feature_models(self):
        return [f"{transfer_model_dir(w, self.train_L, s)}/params.npz"
                for w in self.windows for s in self.seeds]  # fmt: skip

    def features(self):
        return [transfer_features_path(w, self.train_L, s)
                for w in self.windows for s in self.seeds]  # fmt: skip

    def all_predictions(self):
        """(on the training lattice, on this one): every window's, size's and seed's."""
        own = [p for w in self.windows for L in self.layout.sizes
               for p in self.own_predictions(w, L)]  # fmt: skip
        here = [p for w in self.windows for L in self.layout.sizes for p in self.predictions(w, L)]
        return own, here

    def outputs(self):
        """What the study adds to a run's targets (its row's files come with the methods)."""
        return [WINDOWS_CSV, CURVES_CSV] if self.on else []

    def jobs(self, job):
        """The study's jobs (``job``: ``layout.Job.of``), as ``snakemake -n`` lists them."""
        if not self.on:
            return []
        sizes = self.layout.sizes
        out = [job("compile_transfer_kernels"), job("transfer_features"), job("transfer")]
        out += [job("simulate_transfer", L=L, T=T) for L in sizes for T in self.train_T]
        out += [job(rule, transfer_window=w, L=L) for rule in ("train_transfer", "predict_transfer")
                for w in self.windows for L in sizes]  # fmt: skip
        return out
