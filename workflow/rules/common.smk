import json

import yaml
from snakemake.utils import validate

from isingml.windows import window_name
from isingml.config import check_config
from isingml.errors import UserError
from isingml.learning.settings import job_json
from isingml.physics import ONSAGER_TC
from isingml import planning


def _numbers(value):
    """`--config lattice_sizes=[8,16]` arrives as ['8', '16']: read list items as YAML."""
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, str):
        parsed = yaml.safe_load(value)
        return parsed if isinstance(parsed, int | float | list) else value
    return value


for _key, _value in list(config.items()):
    if isinstance(_value, list | dict):
        config[_key] = _numbers(_value)

# First strictly, so that a missing required key is an error rather than silently defaulted;
# then again to fill in the defaults of the optional keys.
validate(config, "../schemas/config.schema.yaml", set_default=False)
validate(config, "../schemas/config.schema.yaml", set_default=True)


def fmt_T(T):
    return f"{float(T):.4f}"


try:
    check_config(config)
except UserError as err:
    raise ValueError(f"{err}. Fix it in config.yaml (or --configfile).") from None

SIZES = sorted(config["lattice_sizes"])
TRAIN_T = sorted({fmt_T(t) for t in config["temperatures"]}, key=float)
BINDER_SIZES = sorted(config["binder"]["lattice_sizes"])
BINDER_T = sorted({fmt_T(t) for t in config["binder"]["temperatures"]}, key=float)
MODELS = sorted(config["models"])  # the networks
WINDOW_MODELS = MODELS + ["magnetization"]  # and the baseline: read T* off p = 1/2
SEEDS = config["training"]["seeds"]
CONFUSION_SEEDS = SEEDS[: config["confusion"]["seeds"]]
if config["training"]["label"] == "windows":
    WINDOWS = {window_name(w): w for w in config["training"]["windows"]}
else:
    WINDOWS = {"exact": None}
WINDOW_FREE = [m for m in ("cnn_binder", "confusion") if config[m]["enabled"]]
STUDY_ROWS = [
    m for m in ("rg", "pca") if config["studies"][m]
]  # studies with a T_c row
METHODS = ["binder"] + WINDOW_FREE + STUDY_ROWS + WINDOW_MODELS
EFFICIENCY = config["studies"]["data_efficiency"]
STUDY_MODELS = ("fcn", "cnn", "cnn_d4", "ecnn")


wildcard_constraints:
    L=r"\d+",
    Lt=r"\d+",
    T=r"\d+\.\d{4}",
    grid="lattices|critical",
    model="|".join(WINDOW_MODELS),
    window="|".join(WINDOWS),
    seed=r"\d+",
    n=r"\d+",
    study_model="|".join(STUDY_MODELS),
    method="|".join(METHODS),


def shard_path(L, T, grid="lattices"):
    return f"data/{grid}/L{L}/T{T}.h5"


def model_dir(model, window, L, seed):
    return f"results/models/{model}/{window}/L{L}/seed{seed}"


def get_model_dir(wildcards):
    return model_dir(wildcards.model, wildcards.window, wildcards.L, wildcards.seed)


def get_simulate_flags(wildcards):
    """`isingml simulate` flags of one shard: its grid's sample count and stored spins."""
    if wildcards.grid == "lattices":
        return f"--samples {config['samples']} --grid network"
    b = config["binder"]
    return f"--samples {b['samples']} --spins {min(b['spins'], b['samples'])} --grid critical"


def get_training_shards(wildcards):
    return [shard_path(wildcards.L, T) for T in TRAIN_T]


def get_grid_shards(wildcards):
    """The shards of one L on one grid (for its observables table)."""
    temps = TRAIN_T if wildcards.grid == "lattices" else BINDER_T
    return [shard_path(wildcards.L, T, wildcards.grid) for T in temps]


def get_binder_shards(wildcards):
    return [shard_path(L, T, "critical") for L in BINDER_SIZES for T in BINDER_T]


def get_binder_observables(wildcards):
    return [f"results/observables/critical/L{L}.csv" for L in BINDER_SIZES]


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


def prediction_path(model, window, L, seed):
    return f"results/predictions/{model}/{window}/L{L}/seed{seed}.h5"


def get_predictions(wildcards):
    """Predictions of one model (a network or the baseline) for every window, size, seed."""
    return [
        prediction_path(wildcards.model, w, L, s)
        for w in WINDOWS
        for L in SIZES
        for s in SEEDS
    ]


def get_window_predictions(wildcards):
    """Predictions of the networks and of the baseline, every window, size and seed."""
    return [
        prediction_path(m, w, L, s)
        for m in WINDOW_MODELS
        for w in WINDOWS
        for L in SIZES
        for s in SEEDS
    ]


def feature_networks():
    """(window, seed) of every network whose features cnn_binder and rg use."""
    return [(w, s) for w in WINDOWS for s in SEEDS]


def get_feature_models(wildcards):
    Lt = config["cnn_binder"]["train_L"]
    return [f"{model_dir('cnn', w, Lt, s)}/params.npz" for w, s in feature_networks()]


def get_features(wildcards=None):
    Lt = config["cnn_binder"]["train_L"]
    return [f"results/features/cnn/{w}/L{Lt}/seed{s}.h5" for w, s in feature_networks()]


def get_confusion_curves(wildcards):
    return [
        f"results/confusion/L{L}/seed{s}.h5" for L in SIZES for s in CONFUSION_SEEDS
    ]


def get_shortcut_examples(wildcards):
    """One network per model (and the baseline) at the largest L: first window, first seed."""
    w = next(iter(WINDOWS))
    return [prediction_path(m, w, SIZES[-1], SEEDS[0]) for m in WINDOW_MODELS]


def get_features_job(wildcards):
    return job_json(config, "features")


def get_rg_features(wildcards):
    return get_features(wildcards)


def get_largest_training_shards(wildcards):
    return [shard_path(SIZES[-1], T) for T in TRAIN_T]


def get_efficiency_shards(wildcards):
    return [shard_path(EFFICIENCY["L"], T) for T in TRAIN_T]


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


def efficiency_dir(model, n, seed):
    return f"results/efficiency/{model}/n{n}/seed{seed}"


def get_efficiency_rows(wildcards):
    return [
        f"{efficiency_dir(m, n, s)}/row.json"
        for m in STUDY_MODELS
        for n in EFFICIENCY["per_temperature"]
        for s in SEEDS
    ]


def get_inspected_model(wildcards):
    """The study's network trained on the most data, first seed: CNN and ECNN side by side."""
    n = max(EFFICIENCY["per_temperature"])
    return f"{efficiency_dir(wildcards.study_model, n, SEEDS[0])}/params.npz"


def get_study_outputs(everything=False):
    """The studies' results and figures: those switched on in config.yaml, or all of them
    (the `studies` target)."""
    on = {k: everything or bool(config["studies"][k]) for k in ("rg", "pca", "filters")}
    on["data_efficiency"] = everything or EFFICIENCY["enabled"]
    out = [f"results/fss/{m}.json" for m in ("rg", "pca") if on[m]]
    figures = [f for f in ("rg", "pca", "filters", "data_efficiency") if on[f]]
    out += [f"results/figures/{f}.{ext}" for f in figures for ext in ("png", "pdf")]
    if on["data_efficiency"]:
        out.append("results/diagnostics/data_efficiency.csv")
    return out


CROSSING_METHODS = (
    "binder",
    "cnn_binder",
    "rg",
    "pca",
)  # pair crossings, with a sidecar


def get_crossing_replicas(wildcards):
    """The jackknife sidecar of a crossing method's rows (none for T*(L) methods)."""
    if wildcards.method in CROSSING_METHODS:
        return f"results/tc/{wildcards.method}.jackknife.json"
    return []


def get_exponent_files(wildcards):
    """The exponents of the Binder grid and, where enabled, of the cnn_binder networks."""
    return [
        f"results/exponents/{m}.json" for m in ("binder", "cnn_binder") if m in METHODS
    ]


def get_collapse_curves(wildcards):
    out = ["results/binder/curves.csv"]
    return out + (
        ["results/binder/cnn_binder_curves.csv"] if "cnn_binder" in METHODS else []
    )


def get_collapse_fss(wildcards):
    return [f"results/fss/{m}.json" for m in ("binder", "cnn_binder") if m in METHODS]


def get_observables(wildcards):
    return [f"results/observables/lattices/L{L}.csv" for L in SIZES]


def get_all_metrics(wildcards):
    return [
        f"{model_dir(m, w, L, s)}/metrics.json"
        for m in MODELS
        for w in WINDOWS
        for L in SIZES
        for s in SEEDS
    ]


def get_example_shards(wildcards):
    """Below, nearest to, and above T_c on the largest lattice."""
    temps = [float(t) for t in TRAIN_T]
    picks = [min(temps), min(temps, key=lambda t: abs(t - ONSAGER_TC)), max(temps)]
    below = [t for t in temps if t < ONSAGER_TC - 0.3]
    above = [t for t in temps if t > ONSAGER_TC + 0.4]
    picks = [
        below[-1] if below else picks[0],
        picks[1],
        above[0] if above else picks[2],
    ]
    return [shard_path(SIZES[-1], fmt_T(t)) for t in picks]


def get_final_outputs():
    figures = ["tc_extrapolation", "binder", "magnetization", "lattices", "shortcut"]
    figures += ["collapse", "exponent_slopes"]
    figures += [f"p_ordered_{m}" for m in WINDOW_MODELS] + ["accuracy"]
    figures += [f for f in ("cnn_binder", "confusion") if f in WINDOW_FREE]
    return (
        ["results/summary.csv", "results/summary.md"]
        + [f"results/figures/{f}.{ext}" for f in figures for ext in ("png", "pdf")]
        + [f"results/fss/{m}.json" for m in METHODS]
        + ["results/fss/exponents.json"]
        + get_study_outputs()
    )


# What every job asks the scheduler for, from the cost model (isingml.cost, `isingml plan`):
# `runtime` in minutes and `mem_mb`, each a safety factor over the model, times the attempt
# (a retried job asks for twice as much). Network jobs are modelled on a GPU when the run
# declares GPUs (`resources: gpu=N`, as profiles/gpu-workstation and profiles/slurm do).
NETWORK_RULES = ("train", "features", "confusion")


def _declared_gpus():
    gpu = dict(workflow.global_resources.items()).get("gpu")
    value = getattr(gpu, "value", gpu)  # a snakemake Resource, or a plain number
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


GPU_RUN = _declared_gpus() > 0


def estimated(rule, wildcards):
    backend = "gpu" if GPU_RUN and rule in NETWORK_RULES else "cpu"
    return planning.estimate(rule, dict(wildcards.items()), config, backend)


def runtime_of(rule):
    return lambda wildcards, attempt: estimated(rule, wildcards).runtime_min * attempt


def mem_of(rule):
    return lambda wildcards, attempt: estimated(rule, wildcards).request_mb * attempt
