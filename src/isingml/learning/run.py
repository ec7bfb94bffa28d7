"""One training run: its configuration, its seeds and the split of its data. No JAX, so that
the workflow, the analysis and the magnetization baseline can use it cheaply."""

import dataclasses

import numpy as np

from isingml import config
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


def seeds_for(cfg: TrainConfig):
    """(split SeedSequence, training SeedSequence) of a run."""
    return (
        data.split_seed(cfg.root_seed, cfg.L, cfg.seed),
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
        counts = data.bootstrap_training(
            codes, T, data.resample_seed(cfg.root_seed, cfg.L, cfg.seed)
        )
    else:
        counts = (codes == data.TRAIN).astype(np.int64)
    return Split(codes, counts)
