"""The science configuration's schema, the one home of every default.

``workflow/schemas/config.schema.yaml`` describes every key of config.yaml with its default; it
ships inside the package as ``isingml/config.schema.yaml`` (a link to that file), so that the
command line and the library take their defaults from the same place as the workflow.
"""

import functools
from importlib import resources

import yaml

from isingml import methods, schema_words
from isingml.errors import UserError
from isingml.schema_words import Sources  # noqa: F401 (config.Sources: part of the API)
from isingml.schema_words import resolve as _resolve
from isingml.windows import window_name


@functools.cache
def schema():
    """The JSON Schema of config.yaml, as a dict."""
    text = resources.files("isingml").joinpath("config.schema.yaml").read_text()
    return yaml.safe_load(text)


def _defaults_of(node, root):
    node = _resolve(node, root)
    if node.get("type") == "object" and "properties" in node:
        # An object's own default names the keys it has by default (models: {cnn: {}, fcn: {}});
        # an empty one ({}) means all of them. Each key's value comes from its own schema.
        keys = node.get("default") or node["properties"]
        out = {}
        for key in keys:
            value = _defaults_of(node["properties"][key], root)
            if value is not None:
                out[key] = value
        return out
    return node.get("default")


@functools.cache
def defaults():
    """The full default configuration, built from the schema's defaults."""
    return _defaults_of(schema(), schema())


def resolved(user):
    """A configuration with every key the user left out taken from the schema's defaults:
    sections merged key by key, lists replaced whole. ``models`` names the networks to train,
    so the user's list of models stands, each filled from its own defaults."""

    def merge(default, given):
        if isinstance(default, dict) and isinstance(given, dict):
            return {**default, **{k: merge(default.get(k), v) for k, v in given.items()}}
        return given

    full = merge(defaults(), {k: v for k, v in user.items() if k != "models"})
    models = user.get("models") or defaults()["models"]
    full["models"] = {name: {**model_defaults(name), **(s or {})} for name, s in models.items()}
    return full


def model_defaults(model):
    """Hyper-parameter defaults of one network (``models.<model>`` in config.yaml)."""
    root = schema()
    node = root["properties"]["models"]["properties"].get(model)
    if node is None:
        known = ", ".join(root["properties"]["models"]["properties"])
        raise UserError(f"unknown model {model!r}; choose one of {known}")
    return _defaults_of(node, root)


class ConfigError(UserError):
    """A fault of a configuration: its dotted ``key``, the ``problem`` with its value, and the
    ``related`` keys whose values the problem is with too (``train_L`` not in ``lattice_sizes``)."""

    def __init__(self, key, problem, related=()):
        joint = " " if problem.startswith("is ") else ": "
        super().__init__(f"config key '{key}'{joint}{problem}" if key else f"config: {problem}")
        self.key, self.problem, self.related = key, problem, tuple(related)


def validate(user):
    """Check a configuration as given (before defaults) against the schema. The first fault
    becomes one line (``ConfigError``) naming the key, the value given and what is allowed:
    ``config key 'lattice_sizes': [8, 15] is not allowed (15 is not a multiple of 2); allowed:
    ...``; an unknown key with the nearest valid one (``schema_words.fault``)."""
    import jsonschema  # Snakemake's own dependency; only the commands that read a config need it

    validator = jsonschema.Draft202012Validator(schema())
    # an unknown key first: a misspelt required key is also reported missing
    errors = sorted(validator.iter_errors(user), key=lambda e: (
        [str(p) for p in e.absolute_path], e.validator != "additionalProperties"))  # fmt: skip
    if errors:
        raise ConfigError(*schema_words.fault(errors[0], schema(), user))


def typed(value):
    """A value given to Snakemake's ``--config``, whose list and mapping items arrive as
    strings (``lattice_sizes=[8,16]`` as ['8', '16']), with each such string read as YAML."""
    if isinstance(value, list):
        return [typed(v) for v in value]
    if isinstance(value, dict):
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, str):
        parsed = yaml.safe_load(value)
        return parsed if isinstance(parsed, int | float | list) else value
    return value


def load(user, sources=None):
    """The one check of a configuration before anything runs, which the workflow, ``isingml
    plan`` and ``isingml scan`` call: against the schema (``validate``), then, its defaults
    filled in (``resolved``), the checks a schema cannot make (``check_config``). Returns the
    full configuration. A fault raises ``UserError``: one line naming the key, the value and
    what is allowed, and, from ``sources``, where to fix it."""
    try:
        validate(user)
        full = resolved(user)
        check_config(full)
    except ConfigError as err:
        advice = sources.advice(err.key, user, err.related) if sources else None
        raise UserError(f"{err}. {advice}." if advice else str(err)) from None
    return full


def _config_error(key, problem, related=()):
    raise ConfigError(key, problem, related)


def doubled_sizes(sizes):
    """The sizes L whose double 2L is also among ``sizes``, ascending: the smaller sizes of the
    pairs (L, 2L) that the networks' decimation pairing crosses (and evaluates natively)."""
    return [L for L in sorted(sizes) if 2 * L in sizes]


def size_pairs(sizes):
    """The pairs of sizes whose crossings are found and extrapolated: (L, 2L) wherever the sizes
    hold two or more of them, else successive sizes. The extrapolations' correction model, y +
    b L^-w per pair keyed by its smaller size, holds at a fixed size ratio (at mixed ratios b
    varies from pair to pair), and a ladder such as 6, 8, 12, 16, 24 gives three pairs at ratio
    2 where successive sizes would give four at ratios 4/3 and 3/2. On a doubling ladder (8, 16,
    32, 64) the two rules give the same pairs."""
    doubled = [(L, 2 * L) for L in doubled_sizes(sizes)]
    sizes = sorted(sizes)
    return doubled if len(doubled) >= 2 else list(zip(sizes[:-1], sizes[1:], strict=True))


def fmt_T(T):
    """A temperature as the workflow's file names write it: to 4 decimals."""
    return f"{float(T):.4f}"


def check_config(config):
    """Checks of a validated configuration (its defaults filled in) that JSON Schema cannot
    express: the workflow runs them before any job starts. Raises UserError naming the key."""
    if len({fmt_T(t) for t in config["temperatures"]}) != len(config["temperatures"]):
        _config_error("temperatures", "two temperatures agree to 4 decimals")
    from isingml import config_lattice  # NumPy and SciPy: only where a configuration is checked

    config_lattice.check_lattice(config)
    if config["training"]["label"] == "windows":
        check_windows("training.windows", config["training"]["windows"], config["temperatures"])
    _check_binder_grid(config["binder"])
    window_free = [k for k in methods.WINDOW_FREE_METHODS if config[k]["enabled"]]
    for key in window_free:
        if "cnn" not in config["models"]:
            _config_error(key, "needs the cnn in models (or set enabled: false)")
    cb = config["cnn_binder"]
    if cb["enabled"] and config["training"]["label"] == "exact":
        _config_error(
            "training.label",
            "'exact' labels by T < Onsager's T_c, which a T_c estimator must not be told: "
            "cnn_binder needs label: windows (or set cnn_binder.enabled: false)",
        )
    if cb["enabled"] and cb["train_L"] not in config["lattice_sizes"]:
        _config_error("cnn_binder.train_L", _not_a_size(cb["train_L"], config), ["lattice_sizes"])
    if cb["enabled"] and config["binder"]["spins"] < 64:
        _config_error(
            "binder.spins",
            "cnn_binder evaluates the networks on the Binder grid's stored spins: keep at "
            "least 64 (or set cnn_binder.enabled: false)",
        )
    eff = config["studies"]["data_efficiency"]
    if eff["L"] not in config["lattice_sizes"]:
        _config_error("studies.data_efficiency.L", _not_a_size(eff["L"], config),
                      ["lattice_sizes"])  # fmt: skip
    held_out = config["training"]["val_fraction"] + config["training"]["test_fraction"]
    most = int(config["samples"] * (1 - held_out))
    if max(eff["per_temperature"]) > most:
        _config_error(
            "studies.data_efficiency.per_temperature",
            f"{max(eff['per_temperature'])} exceeds the ~{most} training configurations per "
            "temperature that `samples` leaves",
        )
    n_conf, n_seeds = config["confusion"]["seeds"], len(config["training"]["seeds"])
    if config["confusion"]["enabled"] and n_conf > n_seeds:
        _config_error(
            "confusion.seeds",
            f"{n_conf} scans per size, but training.seeds lists only {n_seeds} seeds",
        )
    lo, hi = config["confusion"]["range"]
    inside = [t for t in config["temperatures"] if lo <= t <= hi]
    if config["confusion"]["enabled"] and (lo >= hi or len(inside) < 4):
        _config_error(
            "confusion.range",
            f"[{lo}, {hi}] must hold at least 4 of the temperatures (3 proposed boundaries)",
        )


def check_windows(key, windows, temperatures):
    """Each window's ordered range below its disordered one, none twice, and each with training
    temperatures on both sides."""
    seen = set()
    for lo, hi in windows:
        if not lo < hi:
            _config_error(key, f"[{lo}, {hi}]: the ordered range (T <= {lo}) overlaps the "
                          f"disordered range (T >= {hi}); the first value must be below the "
                          "second")  # fmt: skip
        name = window_name((lo, hi))
        if name in seen:
            _config_error(key, f"[{lo}, {hi}] is listed twice")
        seen.add(name)
        if not any(t <= lo for t in temperatures) or not any(t >= hi for t in temperatures):
            _config_error(key, f"[{lo}, {hi}] leaves no training temperature on one side")


def _not_a_size(L, config):
    sizes = config["lattice_sizes"]
    return f"{L} is not one of lattice_sizes {sizes}, the sizes networks are trained at"


def _check_binder_grid(b):
    if b["temperatures"] != "auto":
        if len({fmt_T(t) for t in b["temperatures"]}) != len(b["temperatures"]):
            _config_error("binder.temperatures", "two temperatures agree to 4 decimals")
        return
    scan = sorted(b["scan"]["lattice_sizes"])
    unseen = [L for L in b["lattice_sizes"] if L < scan[-1] and L not in scan]
    if unseen:
        _config_error(
            "binder.scan.lattice_sizes",
            f"{scan}: the grid is placed around the scan's crossings and, from the crossing of "
            f"its largest pair {size_pairs(scan)[-1]}, toward larger sizes; the Binder sizes "
            f"{unseen} lie below that pair but are not scanned, so their crossings could fall "
            "outside the grid: add them to binder.scan.lattice_sizes",
        )
