"""The layout of one configuration's run: its sizes, temperatures, windows, seeds and methods,
where every file of it lives, and every job the workflow runs for it. The one home of these
lists: the workflow's input functions (workflow/rules/common.smk) and ``isingml plan`` both ask
a ``Layout``; neither lists them itself. No JAX, no NumPy: the workflow builds one when it loads.
"""

from dataclasses import dataclass

from isingml import lattices, methods
from isingml.config import fmt_T
from isingml.errors import UserError
from isingml.paths import efficiency_dir, model_dir, prediction_path, shard_path
from isingml.transfer_layout import TransferLayout
from isingml.windows import window_name

__all__ = ["GRID_JSON", "Job", "Layout", "efficiency_dir", "model_dir", "prediction_path",
           "shard_path"]  # fmt: skip
STUDIES = ("rg", "pca", "filters", "data_efficiency", "transfer")  # the config's ``studies``
D4_STUDIES = ("filters", "data_efficiency")  # their networks (ecnn, cnn_d4) need the square's D4
INSPECTED = ("cnn", "ecnn")  # the filters study sets these two study networks side by side


@dataclass(frozen=True)
class Job:
    """One job of the workflow: its rule and its wildcards (names to values, as text)."""

    rule: str
    wildcards: tuple[tuple[str, str], ...] = ()

    @classmethod
    def of(cls, rule, **wildcards):
        return cls(rule, tuple((k, str(v)) for k, v in wildcards.items()))


GRID_JSON = "results/binder/grid.json"  # the scan's placement (binder.temperatures: auto)


class Layout:
    """The lists and paths of a validated configuration (defaults filled in).

    The Binder grid's temperatures are the config's list, or with ``binder.temperatures: auto``
    those the scan placed: ``binder_grid``, the content of its ``GRID_JSON`` (the workflow's
    input functions read it once the checkpoint ``binder_grid`` has run). Until then they are
    unknown (``binder_T`` None), and so are the jobs that need them."""

    def __init__(self, config, binder_grid=None):
        self.config = config
        self.lattice = lattices.from_config(config)  # the model
        self.shard_pattern = shard_path("{L}", "{T}", "{grid}", self.lattice)  # rule simulate
        self.sizes = sorted(config["lattice_sizes"])
        self.train_T = sorted({fmt_T(t) for t in config["temperatures"]}, key=float)
        b = config["binder"]
        self.binder_sizes = sorted(b["lattice_sizes"])
        self.binder_auto = b["temperatures"] == "auto"
        temps = b["temperatures"]
        if self.binder_auto:
            temps = None if binder_grid is None else _placed(binder_grid)
        self.binder_T = None if temps is None else sorted({fmt_T(t) for t in temps}, key=float)
        # what the cost model counts: the grid's temperatures, or as many as the scan will place
        self.binder_points = len(self.binder_T) if self.binder_T else b["scan"]["points"]
        self.models = sorted(config["models"])  # the networks
        self.window_models = methods.window_models(config)  # and the baseline
        self.seeds = list(config["training"]["seeds"])
        self.confusion_seeds = self.seeds[: config["confusion"]["seeds"]]
        t = config["training"]
        if t["label"] == "windows":
            self.windows = {window_name(w): w for w in t["windows"]}
        else:
            self.windows = {"exact": None}
        self.methods = methods.enabled(config)
        self.window_free = [m for m in self.methods if m in methods.WINDOW_FREE_METHODS]
        self.crossing_methods = [m.name for m in methods.METHODS if m.sidecar]
        self.efficiency = config["studies"]["data_efficiency"]
        self.study_models = methods.STUDY_MODELS
        self.inspected = INSPECTED
        self.transfer = TransferLayout(self)  # studies.transfer

    def study_on(self, name, everything=False):
        """Whether a study (``STUDIES``) runs: switched on, or all of them are asked for; never
        the D4 networks' studies on a lattice without the square's D4 (``lattice.has_d4``), nor
        the transfer without its training lattice."""
        if name in D4_STUDIES and not self.lattice.has_d4:
            return False
        if name == "transfer":
            return self.transfer.on
        s = self.config["studies"][name]
        return everything or bool(s["enabled"] if isinstance(s, dict) else s)

    # ---- the networks' grid
    def training_shards(self, L):
        return [self._shard(L, T) for T in self.train_T]

    def grid_shards(self, grid, L):
        """The shards of one L on one grid (for its observables table)."""
        temps = self.train_T if grid == "lattices" else self._binder_T()
        return [self._shard(L, T, grid) for T in temps]

    def observables(self, grid="lattices"):
        return [f"results/observables/{grid}/L{L}.csv"
                for L in (self.sizes if grid == "lattices" else self.binder_sizes)]  # fmt: skip

    def example_temperatures(self):
        """Below, nearest to, and above the model's T_c (or the grid's middle): the networks'
        grid's temperatures that the figures and the filters study show a configuration of."""
        temps = [float(t) for t in self.train_T]
        tc = self.lattice.exact.T_c or temps[len(temps) // 2]
        scale = tc / lattices.SQUARE.exact.T_c  # the offsets are the square's, in proportion
        nearest = min(temps, key=lambda t: abs(t - tc))
        below = [t for t in temps if t < tc - 0.3 * scale]
        above = [t for t in temps if t > tc + 0.4 * scale]
        return [below[-1] if below else min(temps), nearest, above[0] if above else max(temps)]

    def example_shards(self):
        """One configuration of each example temperature on the largest lattice."""
        return [self._shard(self.sizes[-1], fmt_T(t)) for t in self.example_temperatures()]

    def _shard(self, L, T, grid="lattices"):
        return shard_path(L, T, grid, self.lattice)

    # ---- the Binder grid and the networks on it
    def _binder_T(self):
        if self.binder_T is None:  # a bug: the workflow passes the checkpoint's JSON in
            raise ValueError(f"the Binder grid is placed by the scan: pass {GRID_JSON}'s content")
        return self.binder_T

    def binder_shards(self):
        return [self._shard(L, T, "critical") for L in self.binder_sizes for T in self._binder_T()]

    def grid_to_come(self):
        """The Binder grid's sampling jobs before the scan has placed it (``binder.temperatures:
        auto``): one per size and temperature the scan will place, the temperature unknown
        ("auto"); none once it is known. What ``isingml plan`` models; ``snakemake -n`` shows
        them only after the checkpoint has run."""
        if self.binder_T is not None:
            return []
        return [Job.of("simulate", grid="critical", L=L, T="auto")
                for L in self.binder_sizes for _ in range(self.binder_points)]  # fmt: skip

    def feature_networks(self):
        """(window, seed) of every network whose features cnn_binder and rg use."""
        return [(w, s) for w in self.windows for s in self.seeds]

    def feature_models(self):
        Lt = self.config["cnn_binder"]["train_L"]
        return [f"{model_dir('cnn', w, Lt, s)}/params.npz" for w, s in self.feature_networks()]

    def features(self, method=None):
        """The networks' features an ensemble-crossing method reads: those of the run's own
        networks, or (``methods.TRANSFER``) of those trained on the transfer's lattice."""
        if method == methods.TRANSFER:
            return self.transfer.features()
        Lt = self.config["cnn_binder"]["train_L"]
        return [f"results/features/cnn/{w}/L{Lt}/seed{s}.h5" for w, s in self.feature_networks()]

    # ---- the window-trained networks and the baseline
    def predictions(self, model):
        """Predictions of one model (a network or the baseline), every window, size, seed."""
        return [
            prediction_path(model, w, L, s)
            for w in self.windows
            for L in self.sizes
            for s in self.seeds
        ]

    def window_predictions(self):
        return [p for m in self.window_models for p in self.predictions(m)]

    def shortcut_examples(self):
        """One network per model (and the baseline) at the largest L: first window, seed."""
        w = next(iter(self.windows))
        return [prediction_path(m, w, self.sizes[-1], self.seeds[0]) for m in self.window_models]

    def all_metrics(self):
        return [f"{model_dir(m, w, L, s)}/metrics.json"
                for m in self.models for w in self.windows for L in self.sizes
                for s in self.seeds]  # fmt: skip

    def confusion_curves(self):
        return [f"results/confusion/L{L}/seed{s}.h5"
                for L in self.sizes for s in self.confusion_seeds]  # fmt: skip

    # ---- the studies
    def efficiency_shards(self):
        return self.training_shards(self.efficiency["L"])

    def efficiency_rows(self):
        return [
            f"{efficiency_dir(m, n, s)}/row.json"
            for m in self.study_models
            for n in self.efficiency["per_temperature"]
            for s in self.seeds
        ]

    def inspected_model(self, study_model):
        """The study's network trained on the most data, first seed."""
        n = max(self.efficiency["per_temperature"])
        return f"{efficiency_dir(study_model, n, self.seeds[0])}/params.npz"

    # ---- the estimates
    def crossing_replicas(self, method):
        """The jackknife sidecar of a crossing method's rows (none for T*(L) methods)."""
        return [f"results/tc/{method}.jackknife.json"] if method in self.crossing_methods else []

    def exponent_methods(self):
        return [m.name for m in methods.METHODS if m.exponents and m.name in self.methods]

    def exponent_files(self):
        return [f"results/exponents/{m}.json" for m in self.exponent_methods()]

    def collapse_curves(self):
        out = ["results/binder/curves.csv"]
        return out + (["results/cnn_binder/curves.csv"] if "cnn_binder" in self.methods else [])

    def collapse_fss(self):
        return [f"results/fss/{m}.json" for m in self.exponent_methods()]

    def fss_files(self):
        return [f"results/fss/{m}.json" for m in self.methods]

    def tc_files(self):
        return [f"results/tc/{m}.csv" for m in self.methods]

    # ---- what a run makes
    def figures(self, studies=False, everything=False):
        """The figures drawn (``plots.registry.figure_jobs``): file stem -> FigureJob."""
        from isingml.plots import registry

        return registry.figure_jobs(self, studies, everything)

    def study_outputs(self, everything=False):
        """The studies' results and figures: those switched on, or all (the `studies` target)."""
        out = [f"results/fss/{m}.json" for m in ("rg", "pca") if self.study_on(m, everything)]
        out += [f"results/figures/{f}.{ext}" for f in self.figures(True, everything)
                for ext in ("png", "pdf")]  # fmt: skip
        if self.study_on("data_efficiency", everything):
            out.append("results/diagnostics/data_efficiency.csv")
        return out + self.transfer.outputs()

    def final_outputs(self):
        """What the default target asks for."""
        return (
            ["results/summary.csv", "results/summary.md"]
            + [f"results/figures/{f}.{ext}" for f in self.figures() for ext in ("png", "pdf")]
            + self.fss_files()
            + ["results/fss/exponents.json"]
            + self.study_outputs()
        )

    def jobs(self):
        """Every job of the default target, as ``snakemake -n`` plans it on an empty folder.
        With ``binder.temperatures: auto`` and the grid not yet placed, that is every job but
        the Binder grid's sampling (``grid_to_come``): Snakemake holds the jobs that need it
        behind the checkpoint binder_grid and lists them with the checkpoint's output as input.
        """
        on = set(self.methods)
        J = Job.of
        out = [J("all"), J("compile_kernels"), J("binder"), J("shortcut"), J("exponents")]
        out += [J("binder_grid")] if self.binder_auto else []
        out += [J("simulate", grid="lattices", L=L, T=T) for L in self.sizes for T in self.train_T]
        out += [J("simulate", grid="critical", L=L, T=T)
                for L in self.binder_sizes for T in self.binder_T or ()]  # fmt: skip
        out += [J("observables", grid="lattices", L=L) for L in self.sizes]
        out += [J("observables", grid="critical", L=L) for L in self.binder_sizes]
        out += [J("train", model=m, window=w, L=L)
                for m in self.models for w in self.windows for L in self.sizes]  # fmt: skip
        out += [J("baseline", window=w, L=L) for w in self.windows for L in self.sizes]
        out += [J("crossing", model=m) for m in self.window_models]
        out += [J("fss", method=m) for m in self.methods]
        out += [J("compare")] + [J("figure", figure=f) for f in self.figures()]
        if on & {"cnn_binder", "rg"}:
            out.append(J("features"))
        out += [J("ensemble", method=m) for m in methods.ENSEMBLE_CROSSINGS if m in on]
        out += [J("pca")] if "pca" in on else []
        if "confusion" in on:
            out += [J("confusion", L=L) for L in self.sizes] + [J("confusion_peaks")]
        return out + self._study_jobs() + self.transfer.jobs(J)

    def _study_jobs(self):
        """The jobs of the studies without a T_c row that the default target runs."""
        J = Job.of
        out = [J("figure", figure=f) for f in self.figures(studies=True)]
        runs = []
        if self.study_on("data_efficiency"):
            runs = [(m, n, s) for m in self.study_models
                    for n in self.efficiency["per_temperature"] for s in self.seeds]  # fmt: skip
            out.append(J("efficiency_table"))
        if self.study_on("filters"):
            n = max(self.efficiency["per_temperature"])
            runs += [(m, n, self.seeds[0]) for m in self.inspected]
            out += [J("inspect", study_model=m) for m in self.inspected]
        runs = dict.fromkeys(runs)  # the filters study reuses the efficiency study's networks
        return out + [J("efficiency", study_model=m, n=n, seed=s) for m, n, s in runs]


def _placed(grid):
    """The temperatures of the scan's placement (``GRID_JSON``'s content)."""
    temps = grid.get("temperatures") if isinstance(grid, dict) else None
    if not isinstance(temps, list) or len(temps) < 2:
        raise UserError(f"{GRID_JSON} lists no temperatures: delete it, and the scan reruns")
    return temps
