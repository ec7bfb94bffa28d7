"""The settings of a network job, in one place. ``TrainConfig``'s fields after a run's identity
are the one list of training settings (``SETTINGS``: the CLI's flags and the checks are made
from it); ``fill_defaults`` fills them from the config schema, the one home of every default;
``JobSpec`` is the one object a job receives (the workflow's ``--job`` JSON, built from a
validated config by ``job_json``). No JAX: the workflow imports this when it loads."""

import dataclasses
import json

from isingml import config, methods
from isingml.errors import UserError
from isingml.learning import quality

MODELS = tuple(config.schema()["properties"]["models"]["properties"])  # the networks
LABELS = ("windows", "exact")


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """One training run: who it is (model, L, seeds, labels) and its settings. Settings left
    as None take their defaults from the schema (``fill_defaults``)."""

    model: str
    L: int
    seed: int = 0  # training seed
    root_seed: int = 0
    label: str = "windows"  # "windows" or "exact"
    window: tuple[float, float] | None = None  # (T_ordered_max, T_disordered_min)
    dim: int = 2  # the lattice's dimension: the network's inputs and convolutions
    # The settings: the keys of models.<model> and training in config.yaml that a run uses.
    epochs: int | None = None
    batch_size: int | None = None
    learning_rate: float | None = None
    weight_decay: float | None = None
    patience: int | None = None
    val_fraction: float | None = None
    test_fraction: float | None = None
    augment_d4: bool | None = None
    resample: bool | None = None  # each seed trains on its own bootstrap of the training data
    channels: tuple[int, ...] | None = None
    kernel_size: int | None = None
    head: int | None = None
    hidden: int | None = None

    def __post_init__(self):
        given = {k: getattr(self, k) for k in SETTINGS if getattr(self, k) is not None}
        for key, value in fill_defaults(self.model, given).items():
            object.__setattr__(self, key, value)
        if self.label not in LABELS:
            raise UserError(f"label must be 'windows' or 'exact', got {self.label!r}")
        if self.label == "windows":
            if self.window is None or len(self.window) != 2 or not self.window[0] < self.window[1]:
                raise UserError(
                    f"window must be (T_ordered_max, T_disordered_min) with the "
                    f"first below the second, got {self.window}"
                )
        if self.val_fraction + self.test_fraction >= 1:
            raise UserError("val_fraction + test_fraction must be below 1")

    @classmethod
    def from_dict(cls, d):
        """The inverse of ``dataclasses.asdict`` (metrics.json): lists back to tuples."""
        d = dict(d)
        d["window"] = None if d.get("window") is None else tuple(d["window"])
        return cls(**d)

    @property
    def spec(self):
        from isingml.learning import models  # JAX: only where a network is built

        return models.ModelSpec(
            self.model, self.L, self.channels, self.kernel_size, self.head, self.hidden, self.dim
        )


IDENTITY = ("model", "L", "seed", "root_seed", "label", "window", "dim")
SETTINGS = tuple(f.name for f in dataclasses.fields(TrainConfig) if f.name not in IDENTITY)


def fill_defaults(model, given):
    """Every setting of ``model``: ``given`` over the schema's defaults (models.<model>, then
    training); a setting the model has not (the FCN's kernel) stays None. The one place where
    defaults are filled in; refuses an unknown model or setting."""
    check_settings(given, "settings")
    schema = {**config.defaults()["training"], **config.model_defaults(model)}
    out = {k: given.get(k, schema.get(k)) for k in SETTINGS}
    if out["channels"] is not None:
        out["channels"] = tuple(int(c) for c in out["channels"])
    return out


def check_settings(settings, source):
    """Refuse keys that are no training setting (a typo would otherwise be ignored)."""
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise UserError(
            f"{source}: {', '.join(unknown)} is not a training setting; known: "
            f"{', '.join(SETTINGS)}"
        )
    return settings


def setting_schema(name):
    """The schema of a setting (its type, bounds, description): the first network's that has
    it, or training's."""
    for model in MODELS:
        node = config.schema()["$defs"][model]["properties"].get(name)
        if node is not None:
            return node
    return config.schema()["properties"]["training"]["properties"][name]


def describe(name):
    """The schema's description of a setting (for the CLI's help)."""
    return setting_schema(name)["description"]


def config_settings(model, full_config):
    """Every setting of ``model`` that a validated configuration gives, over the schema's."""
    given = {**full_config.get("training", {}), **full_config["models"].get(model, {})}
    filled = fill_defaults(model, {k: v for k, v in given.items() if k in SETTINGS})
    return {k: v for k, v in filled.items() if v is not None}


def study_settings(study_model, settings):
    """(network, settings) of a data-efficiency run: ``cnn_d4`` is the CNN with the square's
    8 symmetries as augmentation (the others train without, unless ``settings`` ask for it);
    the set size is the study's variable, so no bootstrap on top."""
    if study_model not in methods.STUDY_MODELS:
        raise UserError(f"{study_model!r} is not one of the study's {methods.STUDY_MODELS}")
    model = "cnn" if study_model == "cnn_d4" else study_model
    augment = bool(settings.get("augment_d4")) or study_model == "cnn_d4"
    return model, {**settings, "augment_d4": augment, "resample": False}


@dataclasses.dataclass(frozen=True)
class JobSpec:
    """The resolved settings of one network job. ``seeds``: one run per training seed, trained
    as one ensemble; ``window`` None labels by T < T_c; ``settings`` the training settings
    (the rest from the schema); ``quality`` the thresholds a trained network must reach. The
    fields below ``max_per_shard`` belong to one kind of job each."""

    model: str = "cnn"
    L: int | None = None
    seeds: tuple[int, ...] = (0,)
    root_seed: int = 0
    window: tuple[float, float] | None = None
    settings: dict = dataclasses.field(default_factory=dict)
    quality: dict = dataclasses.field(default_factory=dict)
    max_per_shard: int | None = None
    range: tuple[float, float] | None = None  # confusion: the proposals' range
    # confusion: epochs at each proposal (warm start); by hand, the schema's default
    epochs_per_point: int = dataclasses.field(
        default_factory=lambda: config.defaults()["confusion"]["epochs_per_point"]
    )
    study_model: str | None = None  # efficiency: the study's name of the network
    per_temperature: int | None = None  # efficiency: training configurations per T
    # features: the sizes evaluated undecimated (the smaller size of each pair (L, 2L), whose
    # partner is needed only decimated); None: every size
    native: tuple | None = None
    # the model ({"name", "couplings"}) the job's shards must hold; None: any one model
    lattice: dict | None = None
    # features, transfer: the model the networks were trained on; None: the shards' own
    trained_on: dict | None = None

    def __post_init__(self):
        check_settings(self.settings, "the job's settings")
        object.__setattr__(self, "quality", quality.thresholds(self.quality))
        for key in ("seeds", "window", "range"):
            if getattr(self, key) is not None:
                object.__setattr__(self, key, tuple(getattr(self, key)))

    @classmethod
    def from_json(cls, text, source="--job"):
        try:
            given = json.loads(text) if text else {}
        except json.JSONDecodeError as err:
            raise UserError(f"{source} is not valid JSON ({err})") from None
        if not isinstance(given, dict):
            raise UserError(f"{source} must be a JSON object")
        return cls.from_dict(given, source)

    @classmethod
    def from_dict(cls, given, source="the job"):
        """A JobSpec of a dict such as ``to_json`` writes; refuses an unknown key."""
        known = [f.name for f in dataclasses.fields(cls)]
        unknown = sorted(set(given) - set(known))
        if unknown:
            raise UserError(f"{source}: unknown key {', '.join(unknown)}; known: {known}")
        return cls(**given)

    def to_json(self):
        """The JSON of a run's identity (where it has an L) and of the fields that differ from
        their defaults (``from_json`` fills those in again), sorted by key."""
        default = JobSpec()
        identity = ("model", "L", "seeds", "root_seed") if self.L is not None else ()
        keep = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name in identity or getattr(self, f.name) != getattr(default, f.name)
        }
        return json.dumps(keep, sort_keys=True)

    def lattice_model(self, key="lattice"):
        """The model (``lattices.Lattice``) that ``lattice`` or ``trained_on`` names, or None."""
        given = getattr(self, key)
        if given is None:
            return None
        from isingml import lattices  # NumPy: only where a job checks its inputs

        return lattices.get(given["name"], given.get("couplings", lattices.UNIT))

    def configs(self, model=None, lattice=None):
        """One TrainConfig per training seed, its networks of the dimension of ``lattice`` (the
        model of the job's data; by default the one the job names, or the square)."""
        if self.L is None:
            raise UserError("the job has no lattice size L (--L, or the --job's)")
        label = "exact" if self.window is None else "windows"
        lattice = lattice or self.lattice_model()
        dim = 2 if lattice is None else lattice.dim
        name = model or self.model
        return [
            TrainConfig(name, self.L, s, self.root_seed, label, self.window, dim, **self.settings)
            for s in self.seeds
        ]


# The split and bootstrap settings the baseline shares with a network of its seed.
BASELINE_SETTINGS = ("val_fraction", "test_fraction", "resample")


def job_spec(full_config, kind, L=None, model="cnn", window=None, seed=None, per_temperature=None):
    """The JobSpec of one job of the workflow, from a validated configuration (defaults filled
    in): ``kind`` is the rule (train, baseline, confusion, efficiency, features) or a job of the
    transfer study (transfer_train: the networks on the training lattice's grid; transfer_
    predict, transfer_features: those networks on this run's lattice). Each names the model
    its shards must hold (none for the default model, whose jobs keep their parameters) and,
    for the transfer's evaluations, the model its networks were trained on."""
    from isingml import lattices

    own = lattices.from_config(full_config)
    transfer = full_config.get("studies", {}).get("transfer") or {}
    trained_on = lattices.get(transfer.get("train") or own.name)
    if kind.startswith("transfer_"):
        kind = kind.removeprefix("transfer_")
        shards_of = trained_on if kind == "train" else own
        spec = _job_spec(full_config, kind, L, model, window, seed, per_temperature)
        spec = dataclasses.replace(spec, lattice=model_field(shards_of))
        return spec if kind == "train" else dataclasses.replace(spec, trained_on=model_field(
            trained_on, always=True))  # fmt: skip
    spec = _job_spec(full_config, kind, L, model, window, seed, per_temperature)
    return dataclasses.replace(spec, lattice=model_field(own))


def model_field(lattice, always=False):
    """A model as a JobSpec names it ({"name", "couplings"}); None for the default model unless
    ``always`` (the default model's jobs keep the parameters they had before lattices)."""
    if lattice.is_default and not always:
        return None
    return {"name": lattice.name, "couplings": list(lattice.couplings)}


def _job_spec(full_config, kind, L, model, window, seed, per_temperature):
    training = full_config["training"]
    window = None if window is None else tuple(float(w) for w in window)
    common = {"L": L, "seeds": tuple(training["seeds"]), "root_seed": full_config["seed"]}
    if kind == "train":
        return JobSpec(model, window=window, settings=config_settings(model, full_config),
                       quality=training["quality"], **common)  # fmt: skip
    if kind == "baseline":  # labels, split and bootstrap as a cnn's of the same seed
        settings = config_settings("cnn", full_config)
        return JobSpec(window=window, settings={k: settings[k] for k in BASELINE_SETTINGS},
                       **common)  # fmt: skip
    if kind == "confusion":
        c = full_config["confusion"]
        common["seeds"] = common["seeds"][: c["seeds"]]
        t_range = tuple(float(t) for t in c["range"])
        return JobSpec(settings=config_settings("cnn", full_config), range=t_range,
                       epochs_per_point=c["epochs_per_point"], **common)  # fmt: skip
    if kind == "efficiency":
        eff = full_config["studies"]["data_efficiency"]
        net, _ = study_settings(model, {})
        given = config_settings(net, full_config)  # the study sets these two itself:
        given = {k: v for k, v in given.items() if k not in ("augment_d4", "resample")}
        net, settings = study_settings(model, given)
        eff_window = tuple(float(w) for w in eff["window"])
        return JobSpec(net, eff["L"], (seed,), full_config["seed"], eff_window,
                       settings, study_model=model, per_temperature=per_temperature)  # fmt: skip
    if kind == "features":
        return JobSpec(native=tuple(config.doubled_sizes(full_config["binder"]["lattice_sizes"])))
    if kind == "predict":  # one size's networks of every seed
        return JobSpec(**common)
    raise ValueError(f"no network job {kind!r}")


def job_json(full_config, kind, **keys):
    """``job_spec`` as the JSON a rule passes as its one parameter (``--job``): changing any
    setting in config.yaml reruns exactly the jobs it reaches."""
    return job_spec(full_config, kind, **keys).to_json()
