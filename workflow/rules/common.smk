import yaml
from snakemake.utils import validate

from isingml.learning.data import window_name
from isingml.physics import ONSAGER_TC


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


def _config_error(key, problem):
    raise ValueError(
        f"config key '{key}': {problem}. Fix it in config.yaml (or --configfile)."
    )


def _check_config():
    """Checks that JSON Schema cannot express; they run before any job starts."""
    if len({fmt_T(t) for t in config["temperatures"]}) != len(config["temperatures"]):
        _config_error("temperatures", "two temperatures agree to 4 decimals")
    if config["training"]["label"] == "windows":
        seen = set()
        for lo, hi in config["training"]["windows"]:
            if not lo < hi:
                _config_error(
                    "training.windows",
                    f"[{lo}, {hi}]: the ordered range (T <= {lo}) overlaps the disordered "
                    f"range (T >= {hi}); the first value must be below the second",
                )
            name = window_name((lo, hi))
            if name in seen:
                _config_error("training.windows", f"[{lo}, {hi}] is listed twice")
            seen.add(name)
            T = config["temperatures"]
            if not any(t <= lo for t in T) or not any(t >= hi for t in T):
                _config_error(
                    "training.windows",
                    f"[{lo}, {hi}] leaves no training temperature on one side",
                )
    sc = config["size_crossing"]
    if sc["enabled"] and "cnn" in config["models"]:
        if sc["train_L"] not in config["lattice_sizes"]:
            _config_error(
                "size_crossing.train_L", f"{sc['train_L']} is not in lattice_sizes"
            )


def fmt_T(T):
    return f"{float(T):.4f}"


_check_config()

SIZES = sorted(config["lattice_sizes"])
TRAIN_T = sorted({fmt_T(t) for t in config["temperatures"]}, key=float)
BINDER_SIZES = sorted(config["binder"]["lattice_sizes"])
BINDER_T = sorted({fmt_T(t) for t in config["binder"]["temperatures"]}, key=float)
# data/{grid}/: "lattices" holds the networks' grid, "critical" the Binder grid near T_c
GRID_OF = {"lattices": "network", "critical": "critical"}
MODELS = sorted(config["models"])
SEEDS = config["training"]["seeds"]
if config["training"]["label"] == "windows":
    WINDOWS = {window_name(w): w for w in config["training"]["windows"]}
else:
    WINDOWS = {"exact": None}
CROSS = config["size_crossing"]["enabled"] and "cnn" in MODELS
METHODS = MODELS + ["binder"] + (["cnn_cross"] if CROSS else [])


wildcard_constraints:
    L=r"\d+",
    Lt=r"\d+",
    T=r"\d+\.\d{4}",
    grid="lattices|critical",
    model="|".join(MODELS),
    window="|".join(WINDOWS),
    seed=r"\d+",
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


def get_train_flags(wildcards):
    """Command-line flags of `isingml train` from the model's and the window's config."""
    m = config["models"][wildcards.model]
    flags = [
        f"--epochs {m['epochs']}",
        f"--batch-size {m['batch_size']}",
        f"--lr {m['learning_rate']}",
        f"--weight-decay {m['weight_decay']}",
        f"--patience {m['patience']}",
    ]
    if wildcards.model == "cnn":
        flags.append("--channels " + " ".join(str(c) for c in m["channels"]))
    else:
        flags.append(f"--hidden {m['hidden']}")
    window = WINDOWS[wildcards.window]
    if window is not None:
        flags.append(f"--window {window[0]} {window[1]}")
    if config["training"]["augment_d4"]:
        flags.append("--augment-d4")
    return " ".join(flags)


def get_model(wildcards):
    """The network trained on L_t whose predictions on L the job makes."""
    d = model_dir(wildcards.model, wildcards.window, wildcards.Lt, wildcards.seed)
    return {"params": f"{d}/params.npz", "metrics": f"{d}/metrics.json"}


def prediction_path(model, window, L, Lt, seed):
    return f"results/predictions/{model}/{window}/L{L}/from_L{Lt}_seed{seed}.h5"


def get_predictions(wildcards):
    return [
        prediction_path(wildcards.model, w, L, L, s)
        for w in WINDOWS
        for L in SIZES
        for s in SEEDS
    ]


def get_cross_predictions(wildcards):
    Lt = config["size_crossing"]["train_L"]
    return [
        prediction_path("cnn", w, L, Lt, s)
        for w in WINDOWS
        for L in SIZES
        for s in SEEDS
    ]


def get_observables(wildcards):
    return [f"results/observables/lattices/L{L}.csv" for L in SIZES]


def get_fss_inputs(wildcards):
    inputs = {"tc": f"results/tc/{wildcards.method}.csv"}
    if wildcards.method in MODELS:
        inputs["curves"] = f"results/curves/{wildcards.method}.csv"
    return inputs


def get_fss_flags(wildcards):
    if wildcards.method in MODELS:
        return f"--curves results/curves/{wildcards.method}.csv"
    return ""


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
    figures = ["tc_extrapolation", "binder", "magnetization", "lattices"]
    figures += [f"p_ordered_{m}" for m in MODELS] + [f"collapse_{m}" for m in MODELS]
    if len(MODELS) > 0:
        figures.append("accuracy")
    return (
        ["results/summary.csv", "results/summary.md"]
        + [f"results/figures/{f}.{ext}" for f in figures for ext in ("png", "pdf")]
        + [f"results/fss/{m}.json" for m in METHODS]
    )
