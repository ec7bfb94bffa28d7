# The workflow's glue: config validation, then input functions that ask the library's
# Layout (isingml.layout) for every list and path, and the resource requests of the cost
# model (isingml.planning). Nothing here lists sizes, methods, jobs or figures itself.
import sys
from pathlib import Path

import yaml

from isingml.config import Sources, typed
from isingml.config import load as load_config
from isingml.errors import UserError
from isingml.learning.settings import job_json
from isingml.layout import GRID_JSON, Layout, model_dir
from isingml.methods import ENSEMBLE_CROSSINGS
from isingml import planning


def get_config_sources():
    """Where the config's values came from (isingml.config.Sources), for its error messages:
    the configfile directive's file, then each --configfile over it, then --config's values.
    """
    cli_files = [str(f) for f in workflow.overwrite_configfiles]
    files = [
        str(f) for f in workflow.configfiles if str(f) not in cli_files
    ] + cli_files
    contents = [(f, typed(yaml.safe_load(Path(f).read_text()) or {})) for f in files]
    overrides = "--config" if workflow.config_settings.config else None
    return Sources(tuple(contents), overrides)


# `--config lattice_sizes=[8,16]` arrives as ['8', '16'] (isingml.config.typed)
for _key, _value in list(config.items()):
    config[_key] = typed(_value)
# The one check of a configuration (isingml.config.load: the schema, then the checks a schema
# cannot make) fills in the defaults. A fault is one line naming the key, the value, what is
# allowed and where to fix it; sys.exit prints it alone, where an exception raised here would
# add Snakemake's traceback.
try:
    config.update(load_config(config, get_config_sources()))
except UserError as err:
    sys.exit(f"Error in the configuration: {err}")

LAYOUT = Layout(config)
# the lists the rules name, all of them the layout's
BINDER_SIZES = LAYOUT.binder_sizes
MODELS = LAYOUT.models  # the networks
WINDOW_MODELS = LAYOUT.window_models  # and the baseline: read T* off p = 1/2
SEEDS = LAYOUT.seeds
CONFUSION_SEEDS = LAYOUT.confusion_seeds
WINDOWS = LAYOUT.windows
METHODS = LAYOUT.methods
EFFICIENCY = LAYOUT.efficiency
# every figure a target may ask for: those of the results and of every study
FIGURES = {**LAYOUT.figures(), **LAYOUT.figures(studies=True, everything=True)}


wildcard_constraints:
    L=r"\d+",
    Lt=r"\d+",
    T=r"\d+\.\d{4}",
    grid="lattices|critical",
    model="|".join(WINDOW_MODELS),
    window="|".join(WINDOWS),
    seed=r"\d+",
    n=r"\d+",
    study_model="|".join(LAYOUT.study_models),
    method="|".join(METHODS),
    figure="|".join(FIGURES),


def get_lattice_flags():
    """The model's flags of `isingml simulate` and `compile`: none for the default model, so
    that its jobs' commands, and their rerun triggers, stay as they were."""
    if LAYOUT.lattice.is_default:
        return ""
    Jx, Jy = LAYOUT.lattice.couplings
    return f"--lattice {LAYOUT.lattice.name} --couplings {Jx!r} {Jy!r}"


def get_simulate_flags(wildcards):
    """`isingml simulate` flags of one shard: its grid's sample count and stored spins, and the
    model (none for the default)."""
    model = get_lattice_flags()
    if wildcards.grid == "lattices":
        return f"--samples {config['samples']} --grid network {model}".strip()
    b = config["binder"]
    spins = min(b["spins"], b["samples"])
    return f"--samples {b['samples']} --spins {spins} --grid critical {model}".strip()


def get_training_shards(wildcards):
    return LAYOUT.training_shards(wildcards.L)


def binder_layout():
    """The layout with the Binder grid's temperatures: the config's list, or (binder.
    temperatures: auto) those the scan placed, read from the checkpoint binder_grid's JSON.
    Until the scan has run, asking for it holds the asking job behind the checkpoint; Snakemake
    re-evaluates such jobs once it has run (and never reruns it for that)."""
    if not LAYOUT.binder_auto:
        return LAYOUT
    from isingml.io.results import read_json

    placed = checkpoints.binder_grid.get().output.grid
    return Layout(config, binder_grid=read_json(placed))


def get_scan_job(wildcards):
    """The scan's settings as one JSON (isingml.analysis.scan_job.ScanJob): a rule parameter,
    so that changing any of them rescans, and changing nothing else does."""
    from isingml.analysis.scan_job import ScanJob

    return ScanJob.from_config(config).to_json()


def get_grid_shards(wildcards):
    layout = LAYOUT if wildcards.grid == "lattices" else binder_layout()
    return layout.grid_shards(wildcards.grid, wildcards.L)


def get_binder_shards(wildcards):
    return binder_layout().binder_shards()


def member_files(pattern, seeds=SEEDS):
    """The per-seed files of one ensemble job: {seed} filled in, the other wildcards kept."""
    return [pattern.replace("{seed}", str(s)) for s in seeds]


def get_train_job(wildcards):
    """The one JSON a network job gets (isingml.learning.settings.JobSpec), built by the
    library: a rule parameter, so that changing any of its settings reruns the job."""
    window = WINDOWS[wildcards.window]
    return job_json(
        config, "train", L=int(wildcards.L), model=wildcards.model, window=window
    )


def get_baseline_job(wildcards):
    return job_json(
        config, "baseline", L=int(wildcards.L), window=WINDOWS[wildcards.window]
    )


def get_confusion_job(wildcards):
    return job_json(config, "confusion", L=int(wildcards.L))


def get_predictions(wildcards):
    return LAYOUT.predictions(wildcards.model)


def get_window_predictions(wildcards):
    return LAYOUT.window_predictions()


def feature_networks():
    return LAYOUT.feature_networks()


def get_feature_models(wildcards):
    return LAYOUT.feature_models()


def get_features(wildcards=None):
    """The features an ensemble-crossing method reads (the rule features' outputs, or for
    cnn_binder_transfer the transfer's)."""
    return LAYOUT.features(getattr(wildcards, "method", None))


def get_confusion_curves(wildcards):
    return LAYOUT.confusion_curves()


def get_features_job(wildcards):
    return job_json(config, "features")


# The transfer study (studies.transfer; workflow/rules/transfer.smk): its lists and paths are
# the layout's (isingml.transfer_layout), its jobs' settings the library's (job_json).
TRANSFER = LAYOUT.transfer


def get_transfer_lattice_flags():
    """`isingml simulate` and `compile` flags of the transfer's training model (none for the
    default model: its shards are the default run's own)."""
    lattice = TRANSFER.trained_on
    if lattice is None or lattice.is_default:
        return ""
    Jx, Jy = lattice.couplings
    return f"--lattice {lattice.name} --couplings {Jx!r} {Jy!r}"


def get_transfer_simulate_flags(wildcards):
    return f"--samples {config['samples']} --grid network {get_transfer_lattice_flags()}".strip()


def get_transfer_training_shards(wildcards):
    return TRANSFER.training_shards(wildcards.L)


def get_transfer_train_job(wildcards):
    window = TRANSFER.windows[wildcards.transfer_window]
    return job_json(
        config, "transfer_train", L=int(wildcards.L), model="cnn", window=window
    )


def get_transfer_networks(wildcards):
    """The params of one (window, L)'s networks, every seed, trained on the other lattice."""
    return [
        f"{d}/params.npz"
        for d in TRANSFER.model_dirs(wildcards.transfer_window, wildcards.L)
    ]


def get_transfer_evaluation_shards(wildcards):
    return TRANSFER.evaluation_shards(wildcards.L)


def get_transfer_predict_job(wildcards):
    return job_json(config, "transfer_predict", L=int(wildcards.L))


def get_transfer_feature_models(wildcards):
    return TRANSFER.feature_models()


def get_transfer_features_job(wildcards):
    return job_json(config, "transfer_features")


def get_transfer_predictions(wildcards):
    """(on the training lattice, on this run's) of every window, size and seed."""
    own, here = TRANSFER.all_predictions()
    return {"own": own, "here": here}


def get_largest_training_shards(wildcards):
    return LAYOUT.training_shards(LAYOUT.sizes[-1])


def get_efficiency_shards(wildcards):
    return LAYOUT.efficiency_shards()


def get_efficiency_job(wildcards):
    """One run of the study: the network (cnn_d4 is the cnn with D4 augmentation), its
    training configurations per temperature and its seed."""
    return job_json(
        config,
        "efficiency",
        model=wildcards.study_model,
        seed=int(wildcards.seed),
        per_temperature=int(wildcards.n),
    )


def get_efficiency_rows(wildcards):
    return LAYOUT.efficiency_rows()


def get_inspected_model(wildcards):
    """The study's network trained on the most data, first seed: CNN and ECNN side by side."""
    return LAYOUT.inspected_model(wildcards.study_model)


def get_study_outputs(everything=False):
    return LAYOUT.study_outputs(everything)


def get_crossing_replicas(wildcards):
    return LAYOUT.crossing_replicas(wildcards.method)


def get_exponent_files(wildcards):
    return LAYOUT.exponent_files()


def get_exponent_fss(wildcards):
    """The FSS results of the methods with exponents: T_c's replicas, for the covariance."""
    return LAYOUT.collapse_fss()


def get_all_metrics(wildcards):
    return LAYOUT.all_metrics()


def get_example_shards(wildcards):
    return LAYOUT.example_shards()


def get_final_outputs():
    return LAYOUT.final_outputs()


def get_figure_inputs(wildcards):
    """A figure's input files by name (``unpack``): isingml.plots.registry's map."""
    return FIGURES[wildcards.figure].inputs


def get_figure_command(wildcards):
    """`isingml plot` arguments of a figure: its name, its inputs' flags and, for a figure of
    the lattice's exact results, the model (none for the default)."""
    job = FIGURES[wildcards.figure]
    flags = [f"--{name} {' '.join(files)}" for name, files in job.inputs.items()]
    model = [get_lattice_flags()] if job.figure.exact and get_lattice_flags() else []
    return " ".join([job.figure.plot, *flags, *model])


def get_figure_caption(wildcards):
    """The figure's caption (isingml.plots.registry, the one the README quotes), then its
    discussion (workflow/report/), shown through report/figure.rst."""
    from isingml.plots.registry import caption

    rst = FIGURES[wildcards.figure].figure.caption
    discussion = (Path(workflow.basedir) / "workflow/report" / rst).read_text()
    # |m| and T* are markup in reStructuredText: a substitution and an emphasis
    short = caption(wildcards.figure).replace("|", r"\|").replace("*", r"\*")
    return f"{short}\n\n{discussion}"


def get_figure_category(wildcards):
    return FIGURES[wildcards.figure].figure.category


def get_figure_subcategory(wildcards):
    return FIGURES[wildcards.figure].subcategory


# What every job asks the scheduler for, from the cost model (isingml.cost, `isingml plan`):
# `runtime` in minutes and `mem_mb`, each a safety factor over the model, times the attempt
# (a retried job asks for twice as much). Network jobs are modelled on a GPU when the run
# declares GPUs (`resources: gpu=N`, as profiles/gpu-workstation and profiles/slurm do).
def _declared_gpus():
    gpu = dict(workflow.global_resources.items()).get("gpu")
    value = getattr(gpu, "value", gpu)  # a snakemake Resource, or a plain number
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


GPUS = _declared_gpus()


def requested(name, wildcards):
    return planning.request(name, wildcards, config, GPUS)


def runtime_of(name):
    return lambda wildcards, attempt: requested(name, wildcards).runtime_min * attempt


def mem_of(name):
    return lambda wildcards, attempt: requested(name, wildcards).request_mb * attempt
