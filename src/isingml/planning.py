"""The cost of a whole configuration before it runs (``isingml plan``), and the per-job
estimates behind the workflow's ``runtime`` and ``mem_mb`` (``estimate``).

The jobs are the workflow's own, from ``isingml.layout.Layout.jobs``; a test checks them against
``snakemake -n`` for the tiny configuration. The per-job model is ``isingml.cost``.
"""

import dataclasses
import math

from isingml import cost, lattices
from isingml.config import doubled_sizes
from isingml.errors import UserError
from isingml.layout import Layout
from isingml.learning.decimation import decimates

STAGES = ("sampling", "networks", "evaluation", "analysis")
STAGE_OF = {
    "simulate": "sampling",
    "binder_grid": "sampling",
    "compile_kernels": "sampling",
    "train": "networks",
    "confusion": "networks",
    "baseline": "networks",
    "features": "evaluation",
    "simulate_transfer": "sampling",
    "compile_transfer_kernels": "sampling",
    "train_transfer": "networks",
    "predict_transfer": "evaluation",
    "transfer_features": "evaluation",
}  # every other rule: analysis
# the jobs that run on a GPU when the run declares one
NETWORK_RULES = ("train", "features", "confusion", "train_transfer", "predict_transfer",
                 "transfer_features")  # fmt: skip


def _training_counts(config, window, temps=None):
    """(training samples per member, evaluated samples) of one (window, L) of the networks'
    grid (``temps``: another grid's temperatures, the transfer study's)."""
    temps = config["temperatures"] if temps is None else temps
    n = config["samples"]
    t = config["training"]
    frac = 1.0 - t.get("val_fraction", 0.1) - t.get("test_fraction", 0.1)
    if window is None:
        outside = len(temps)
    else:
        lo, hi = window
        outside = sum(1 for T in temps if T <= lo or T >= hi)
    return int(outside * n * frac), len(temps) * n


def request(rule, wildcards, config, gpus=0):
    """The ``cost.Estimate`` behind a workflow job's ``runtime`` and ``mem_mb``: network jobs
    modelled on a GPU when the run declares ``gpus``."""
    backend = "gpu" if gpus > 0 and rule in NETWORK_RULES else "cpu"
    return estimate(rule, dict(wildcards.items()), config, backend)


def estimate(rule, wildcards, config, backend="cpu"):
    """The ``cost.Estimate`` of one job of ``rule`` with these wildcards (a dict). A Binder-grid
    shard whose temperature the scan has yet to place (T "auto") is modelled at the critical
    point, correlation length = L: near it is where the scan places it."""
    b = config["binder"]
    # the grid's temperatures, or as many as the scan will place (Layout.binder_points)
    points = b["scan"]["points"] if b["temperatures"] == "auto" else len(b["temperatures"])
    if rule == "simulate":
        L, T = int(wildcards["L"]), None if wildcards["T"] == "auto" else float(wildcards["T"])
        critical = wildcards["grid"] == "critical"
        n = b["samples"] if critical else config["samples"]
        spins = min(b["spins"], n) if critical else None
        return cost.simulate(L, T, n, config["algorithm"], config["thermalize"], spins,
                             lattices.from_config(config))  # fmt: skip
    if rule == "train":
        model, L = wildcards["model"], int(wildcards["L"])
        m = config["models"][model]
        n_train, n_eval = _training_counts(config, Layout(config).windows[wildcards["window"]])
        return cost.train(model, L, n_train, n_eval, len(config["training"]["seeds"]),
                          m["epochs"], tuple(m.get("channels", (4, 8))), backend,
                          lattices.from_config(config))  # fmt: skip
    if rule == "confusion":
        L = int(wildcards["L"])
        c = config["confusion"]
        lo, hi = c["range"]
        proposals = sum(1 for T in config["temperatures"] if lo <= T <= hi)
        n_train, _ = _training_counts(config, None)
        return cost.confusion(L, n_train, proposals, c["epochs_per_point"], c["seeds"],
                              tuple(config["models"]["cnn"]["channels"]), backend,
                              lattices.from_config(config))  # fmt: skip
    if rule in ("features", "transfer_features"):
        layout = Layout(config)
        nets = layout.feature_networks() if rule == "features" else layout.transfer.features()
        return _features(config, len(nets), points, backend)
    if rule in TRANSFER_RULES:
        return _transfer(rule, wildcards, config, backend)
    if rule == "pca":
        per_T = b["spins"] * points
        sites = sum(per_T * lattices.from_config(config).n_sites(L) for L in b["lattice_sizes"])
        return cost.analysis(
            "pca",
            3.0 + sites * (2 * 40 * cost.PCA_SITE_S + 64 * 9 * cost.PCA_REPLICA_SITE_S),
            # every size's int8 spins in memory (pca.Rows converts chunks, never the whole)
            cost.PYTHON_MB + 1.3 * sites / 2**20,
        )
    if rule == "binder":
        n = b["samples"] * points * len(b["lattice_sizes"])
        return cost.analysis("binder", 2.0 + 4e-6 * n)
    if rule == "binder_grid":
        s = b["scan"]
        return cost.scan(s["lattice_sizes"], config["temperatures"], s["samples"],
                         config["thermalize"], lattices.from_config(config))  # fmt: skip
    if rule == "baseline":
        return cost.analysis("baseline", 2.0)
    if rule == "compile_kernels":
        return cost.analysis("compile_kernels", cost.COLD_COMPILE_S)
    return cost.analysis(rule, 3.0)


def _evaluated_sites(lattice, L, native):
    """Sites a features job evaluates per configuration of size L: the configuration itself
    (``native``) and its decimations by 2 and 4 where the lattice takes them
    (``learning.decimation.coarse_grainings``)."""
    sites, steps = (lattice.n_sites(L) if native else 0), 0
    while steps < 2 and decimates(lattice, L):
        L, steps = L // 2, steps + 1
        sites += lattice.n_sites(L)
    return sites


def _features(config, nets, points, backend):
    """Every network of a features job on the Binder grid, in one pass."""
    b, lattice = config["binder"], lattices.from_config(config)
    sizes = sorted(b["lattice_sizes"])
    per_T = b["spins"] * points
    native = doubled_sizes(sizes)
    sites = sum(per_T * _evaluated_sites(lattice, L, L in native) for L in sizes)
    spins = max(b["spins"] * lattice.n_sites(L) for L in sizes)  # one shard's at a time
    return cost.features(sites, nets, tuple(config["models"]["cnn"]["channels"]), backend,
                         spins, lattice.dim)  # fmt: skip


TRANSFER_RULES = ("compile_transfer_kernels", "simulate_transfer", "train_transfer",
                  "predict_transfer")  # fmt: skip


def _transfer(rule, wildcards, config, backend):
    """The transfer study's jobs: sampling and training on its lattice's grid, the networks
    forward on this run's grid (``transfer_layout``)."""
    t, cnn = Layout(config).transfer, config["models"]["cnn"]
    if rule == "compile_transfer_kernels":
        return cost.analysis(rule, cost.COLD_COMPILE_S)
    L = int(wildcards["L"])
    if rule == "simulate_transfer":
        return cost.simulate(L, float(wildcards["T"]), config["samples"], config["algorithm"],
                             config["thermalize"], None, t.trained_on)  # fmt: skip
    members, channels = len(t.seeds), tuple(cnn["channels"])
    if rule == "train_transfer":
        window = t.windows[wildcards["transfer_window"]]
        n_train, n_eval = _training_counts(config, window, [float(T) for T in t.train_T])
        return cost.train("cnn", L, n_train, n_eval, members, cnn["epochs"], channels, backend,
                          t.trained_on)  # fmt: skip
    _, n_eval = _training_counts(config, None)  # forward only: no epoch
    forward = cost.train("cnn", L, 0, n_eval, members, 0, channels, backend, t.lattice)
    return dataclasses.replace(forward, rule=rule, what=f"cnn L={L} x{members} on {t.lattice.key}")


def jobs(config, backend="cpu"):
    """Every job of a configuration's default target (``Layout.jobs``, the workflow's own list,
    and the Binder grid's sampling that a scan is yet to place, ``Layout.grid_to_come``) but
    the target itself: a list of ``cost.Estimate``."""
    layout = Layout(config)
    return [
        estimate(
            job.rule, dict(job.wildcards), config, backend if job.rule in NETWORK_RULES else "cpu"
        )  # fmt: skip
        for job in layout.jobs() + layout.grid_to_come()
        if job.rule != "all"
    ]


def grid_note(config):
    """What the plan says of a Binder grid that the scan places (none for a listed grid)."""
    layout = Layout(config)
    if not layout.binder_auto:
        return []
    n, points = len(layout.grid_to_come()), layout.binder_points
    return [
        "",
        "binder.temperatures: auto: the scan (checkpoint binder_grid) places the Binder grid when "
        "it runs:",
        f"  {points} temperatures (more if its crossings are too uncertain to span the region "
        f"with {points}) x {len(layout.binder_sizes)} sizes.",
        f"  Their {n} sampling jobs are modelled here at the critical point (correlation length "
        "= L);",
        "  `snakemake -n` lists them only once the scan has run.",
    ]


def stage_rows(estimates, cores, gpus):
    """Per stage: jobs, core-seconds, GPU-seconds, the largest job's memory, and the wall time
    on ``cores`` cores and ``gpus`` GPUs (a stage takes the longer of its work spread over the
    devices and its longest job; stages follow each other), then the total."""
    rows = []
    for stage in STAGES:
        mine = [e for e in estimates if STAGE_OF.get(e.rule, "analysis") == stage]
        if not mine:
            continue
        cpu = [e.seconds for e in mine if not e.gpu]
        gpu = [e.seconds for e in mine if e.gpu]
        wall = max(sum(cpu) / cores, max(cpu, default=0.0))
        if gpu:
            wall = max(wall, sum(gpu) / max(gpus, 1), max(gpu))
        rows.append({"stage": stage, "jobs": len(mine), "core_s": sum(cpu), "gpu_s": sum(gpu),
                     "peak_mb": max(e.mem_mb for e in mine), "wall_s": wall})  # fmt: skip
    rows.append({"stage": "total", "jobs": sum(r["jobs"] for r in rows),
                 "core_s": sum(r["core_s"] for r in rows), "gpu_s": sum(r["gpu_s"] for r in rows),
                 "peak_mb": max(r["peak_mb"] for r in rows),
                 "wall_s": sum(r["wall_s"] for r in rows)})  # fmt: skip
    return rows


def _clock(s):
    s = int(math.ceil(s))
    return (
        f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )


def _plural(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def count_note(config, n_planned):
    """Why the plan's job count differs from ``snakemake -n``'s on an empty folder: the plan
    counts the Binder grid's sampling that the scan is yet to place, and not the target
    ``all``, which does no work."""
    layout = Layout(config)
    to_come = len(layout.grid_to_come())
    listed = len(layout.jobs())  # the target all included
    where = "in a folder with results, only those whose outputs are missing or out of date"
    if to_come == 0:
        return [f"`snakemake -n` on an empty folder lists {listed} jobs: these {n_planned} and "
                f"the target `all` ({where})."]  # fmt: skip
    return [f"`snakemake -n` on an empty folder lists {listed} jobs: these {n_planned} less the "
            f"{to_come} sampling jobs of the Binder grid still to be placed, plus the target "
            f"`all` ({where})."]  # fmt: skip


def plan_text(config, cores, gpus, source=""):
    """The printed plan: one line per stage, the total, and the most expensive jobs."""
    if cores < 1 or gpus < 0:
        raise UserError(f"a plan needs at least 1 core and 0 or more GPUs, got {cores}, {gpus}")
    backend = "gpu" if gpus > 0 else "cpu"
    est = jobs(config, backend)
    lines = [
        f"plan of {source or 'the configuration'} on {_plural(cores, 'core')} and "
        f"{_plural(gpus, 'GPU')} (networks on the {backend.upper()}; model: isingml.cost, "
        "calibrated on a 2-core AMD EPYC Zen 3; nothing was run)",
        "",
        f"{'stage':<11}{'jobs':>6}{'core-s':>10}{'GPU-s':>9}{'peak MB':>9}{'wall':>10}",
    ]
    for r in stage_rows(est, cores, gpus):
        lines.append(f"{r['stage']:<11}{r['jobs']:>6}{r['core_s']:>10.0f}{r['gpu_s']:>9.0f}"
                     f"{r['peak_mb']:>9.0f}{_clock(r['wall_s']):>10}")  # fmt: skip
    lines += [""] + count_note(config, len(est))
    lines += grid_note(config)
    lines += ["", "most expensive jobs (modelled seconds; what each asks the scheduler for):"]
    for e in sorted(est, key=lambda e: -e.seconds)[:8]:
        algo = f" {e.algorithm}" if e.algorithm else ""
        lines.append(f"  {e.rule:<10} {e.what:<28}{algo:<11} {e.seconds:>9.1f} s  "
                     f"runtime {e.runtime_min} min, mem_mb {e.request_mb}")  # fmt: skip
    return "\n".join(lines)
