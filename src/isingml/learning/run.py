"""One training run: its configuration, its seeds and the split of its data, and the whole
set-up of a run or of an ensemble of runs built from their configurations (``plan_ensemble``).
No JAX, so that the workflow, the analysis and the magnetization baseline can use it cheaply."""

import dataclasses

import numpy as np

from isingml import config, seeds
from isingml.errors import UserError
from isingml.learning import data


@dataclasses.dataclass(frozen=True)
class TrainConfig:
    """One training run. Hyper-parameters left as None take their defaults from the config
    schema (``isingml.config``): ``models.<model>`` for the network and the optimiser,
    ``training`` for the split and the augmentation."""

    model: str
    L: int
    seed: int = 0  # training seed
    root_seed: int = 0
    label: str = "windows"  # "windows" or "exact"
    window: tuple[float, float] | None = None  # (T_ordered_max, T_disordered_min)
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
        model = config.model_defaults(self.model)  # also refuses an unknown model
        training = config.defaults()["training"]
        for f in dataclasses.fields(self):
            if getattr(self, f.name) is None and f.name != "window":
                value = model.get(f.name, training.get(f.name))
                if f.name == "channels" and value is not None:
                    value = tuple(value)
                object.__setattr__(self, f.name, value)
        if self.label not in ("windows", "exact"):
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
        if d.get("channels") is not None:
            d["channels"] = tuple(d["channels"])
        return cls(**d)

    @property
    def spec(self):
        from isingml.learning import models  # JAX: only where a network is built

        return models.ModelSpec(
            self.model, self.L, self.channels, self.kernel_size, self.head, self.hidden
        )


# The keys of a TrainConfig that config.yaml sets, from models.<model> and from training.
SETTINGS = (
    "epochs", "batch_size", "learning_rate", "weight_decay", "patience", "channels",
    "kernel_size", "head", "hidden", "val_fraction", "test_fraction", "augment_d4", "resample",
)  # fmt: skip


def settings_from_config(model, full_config):
    """Every TrainConfig setting of ``model`` that a configuration (config.yaml, validated, its
    defaults filled in) gives: the one path from config.yaml to a training job. The workflow
    passes it to ``isingml train --settings`` as JSON, as a rule parameter, so that changing any
    of these keys reruns exactly the jobs it affects."""
    section = {**config.model_defaults(model), **full_config["models"].get(model, {})}
    training = {**config.defaults()["training"], **full_config.get("training", {})}
    merged = {**training, **section}
    return {k: merged[k] for k in SETTINGS if k in merged}


def check_settings(settings, source):
    """Refuse keys that are no TrainConfig setting (a typo would otherwise be ignored)."""
    unknown = sorted(set(settings) - set(SETTINGS))
    if unknown:
        raise UserError(
            f"{source}: {', '.join(unknown)} is not a training setting; known: "
            f"{', '.join(SETTINGS)}"
        )
    return settings


def seeds_for(cfg: TrainConfig):
    """(split SeedSequence, training SeedSequence) of a run."""
    return (
        seeds.split(cfg.root_seed, cfg.L, cfg.seed),
        data.train_seed(cfg.root_seed, cfg.model, cfg.L, cfg.seed, cfg.window),
    )


@dataclasses.dataclass
class Split:
    """Which configurations a run used: split codes (n,) and how often each entered the
    training set (n,), more than once under the bootstrap."""

    codes: np.ndarray
    train_counts: np.ndarray


def make_split(cfg: TrainConfig, T, labels):
    """The split codes and the training multiplicities (a bootstrap if ``cfg.resample``)."""
    split_seq, _ = seeds_for(cfg)
    codes = data.split_by_temperature(T, labels, cfg.val_fraction, cfg.test_fraction, split_seq)
    if cfg.resample:
        counts = data.bootstrap_training(codes, T, seeds.resample(cfg.root_seed, cfg.L, cfg.seed))
    else:
        counts = (codes == data.TRAIN).astype(np.int64)
    return Split(codes, counts)


@dataclasses.dataclass
class Member:
    """Everything a training run needs besides the data and the network: its configuration,
    labels (1 ordered, 0 disordered, -1 not trained on), split, and the seeds of the network's
    initialisation and of its shuffling and augmentation."""

    cfg: TrainConfig
    labels: np.ndarray
    split: Split
    init_seed: int
    loop_seed: int


def plan_member(cfg: TrainConfig, T, labels=None, keep=None):
    """A run's ``Member``. ``labels`` default to the run's own (window or exact); ``keep`` (a
    boolean mask) restricts training to those configurations of the training split."""
    if labels is None:
        labels = data.labels_for(T, cfg.label, cfg.window)
    split = make_split(cfg, T, labels)
    if keep is not None:
        split.train_counts = split.train_counts * keep
    _, train_seq = seeds_for(cfg)
    init_seed, loop_seed = (int(s) for s in train_seq.generate_state(2))
    return Member(cfg, labels, split, init_seed, loop_seed)


# What members of one ensemble may differ in: everything else (network, optimiser, split
# fractions, data) is shared, so that one compiled step trains them all.
MEMBER_FIELDS = ("seed",)


def plan_ensemble(cfgs, T, labels=None, keeps=None):
    """The ``Member`` of each configuration, checked to form one ensemble: the same settings
    but for the training seed. ``keeps``: one mask per member, or None."""
    cfgs = list(cfgs)
    if not cfgs:
        raise UserError("an ensemble needs at least one training seed")
    shared = [{**dataclasses.asdict(c), **dict.fromkeys(MEMBER_FIELDS)} for c in cfgs]
    for c, s in zip(cfgs, shared, strict=True):
        if s != shared[0]:
            diff = sorted(k for k in s if s[k] != shared[0][k])
            raise UserError(
                f"seed {c.seed} differs from seed {cfgs[0].seed} in {', '.join(diff)}: an "
                "ensemble trains one configuration with several seeds"
            )
    if len({c.seed for c in cfgs}) != len(cfgs):
        raise UserError(f"training seeds {[c.seed for c in cfgs]} repeat a seed")
    keeps = [None] * len(cfgs) if keeps is None else keeps
    return [plan_member(c, T, labels, k) for c, k in zip(cfgs, keeps, strict=True)]
