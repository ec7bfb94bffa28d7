"""The plan of a training run, before any network exists: its labels, its train/val/test split
(stratified by temperature), its bootstrap of the training split, the data-efficiency study's
subset, and the seeds of its network; and the members of an ensemble, checked to share all but
their seed. Every random stream comes from ``isingml.seeds``. No JAX, so that the magnetization
baseline and the workflow can use it cheaply."""

import dataclasses

import numpy as np

from isingml import seeds
from isingml.errors import UserError
from isingml.lattices import SQUARE
from isingml.learning.settings import TrainConfig

TRAIN, VAL, TEST, CRITICAL = 0, 1, 2, 3  # split codes, also stored with the predictions
SPLIT_NAMES = {TRAIN: "train", VAL: "val", TEST: "test", CRITICAL: "critical"}
SPLIT_CODES_TEXT = "0 train, 1 val, 2 test, 3 critical or not seen in training"


def exact_T_c(lattice):
    """The exact T_c that ``training.label: exact`` labels by (T < T_c: ordered); refused, naming
    the key, where the model has none."""
    if lattice.exact.T_c is None:
        raise UserError(
            f"training.label: 'exact' labels each configuration by T < the exact T_c, and none "
            f"is known for the {lattice.describe()} lattice; train with windows "
            "(training.label: windows)"
        )
    return lattice.exact.T_c


def labels_for(T, label, window, lattice=SQUARE):
    """1 = ordered, 0 = disordered, -1 = not trained on (the critical gap of a window); with
    ``label`` 'exact', T < the exact T_c of the model ``lattice``."""
    T = np.asarray(T)
    if label == "exact":
        return (T < exact_T_c(lattice)).astype(np.int8)
    lo, hi = window
    return np.where(T <= lo, 1, np.where(T >= hi, 0, -1)).astype(np.int8)


def split_by_temperature(T, labels, val_fraction, test_fraction, seq):
    """Split codes per configuration, stratified by temperature and reproducible from ``seq``."""
    rng = np.random.default_rng(seq)
    split = np.full(T.shape, CRITICAL, dtype=np.int8)
    for t in np.unique(T):
        idx = np.flatnonzero(T == t)
        if labels[idx[0]] < 0:
            continue
        idx = rng.permutation(idx)
        n_val = round(val_fraction * idx.size)
        n_test = round(test_fraction * idx.size)
        split[idx] = TRAIN
        split[idx[:n_val]] = VAL
        split[idx[n_val : n_val + n_test]] = TEST
    return split


def bootstrap_training(split, T, seq):
    """How often each configuration enters a seed's training set: the training configurations of
    each temperature resampled with replacement (a bootstrap), so that every training seed sees
    its own training set and the spread over seeds includes the spread over training data.
    Returns int counts (n,), zero outside the training split."""
    rng = np.random.default_rng(seq)
    counts = np.zeros(T.shape, dtype=np.int64)
    for t in np.unique(T[split == TRAIN]):
        idx = np.flatnonzero((split == TRAIN) & (T == t))
        np.add.at(counts, rng.choice(idx, size=idx.size, replace=True), 1)
    return counts


def training_subset(T, codes, per_temperature, cfg):
    """A mask of at most ``per_temperature`` training configurations per temperature, drawn at
    random (seeded by the run) from the training split: the data-efficiency study's set."""
    rng = np.random.default_rng(seeds.subset(cfg.root_seed, cfg.L, cfg.seed))
    keep = np.zeros(T.shape, dtype=bool)
    for t in np.unique(T[codes == TRAIN]):
        idx = np.flatnonzero((T == t) & (codes == TRAIN))
        if idx.size < per_temperature:
            raise UserError(
                f"T = {t:g} has only {idx.size} training configurations, fewer than the "
                f"{per_temperature} per temperature asked for: store more samples"
            )
        keep[rng.choice(idx, size=per_temperature, replace=False)] = True
    return keep


@dataclasses.dataclass
class Split:
    """Which configurations a run used: split codes (n,) and how often each entered the
    training set (n,), more than once under the bootstrap."""

    codes: np.ndarray
    train_counts: np.ndarray


def make_split(cfg: TrainConfig, T, labels):
    """The split codes and the training multiplicities (a bootstrap if ``cfg.resample``)."""
    seq = seeds.split(cfg.root_seed, cfg.L, cfg.seed)
    codes = split_by_temperature(T, labels, cfg.val_fraction, cfg.test_fraction, seq)
    if cfg.resample:
        counts = bootstrap_training(codes, T, seeds.resample(cfg.root_seed, cfg.L, cfg.seed))
    else:
        counts = (codes == TRAIN).astype(np.int64)
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
    T_c: float | None = None  # the model's exact T_c, which scores the critical set; None: none


def plan_member(cfg: TrainConfig, T, labels=None, keep=None, lattice=SQUARE):
    """A run's ``Member`` on the model ``lattice``. ``labels`` default to the run's own (window
    or exact); ``keep`` (a boolean mask) restricts training to those configurations of the
    training split."""
    if labels is None:
        labels = labels_for(T, cfg.label, cfg.window, lattice)
    split = make_split(cfg, T, labels)
    if keep is not None:
        split.train_counts = split.train_counts * keep
    train_seq = seeds.train(cfg.root_seed, cfg.model, cfg.L, cfg.seed, cfg.window)
    init_seed, loop_seed = (int(s) for s in train_seq.generate_state(2))
    return Member(cfg, labels, split, init_seed, loop_seed, lattice.exact.T_c)


# What members of one ensemble may differ in: everything else (network, optimiser, split
# fractions, data) is shared, so that one compiled step trains them all.
MEMBER_FIELDS = ("seed",)


def plan_ensemble(cfgs, T, labels=None, keeps=None, lattice=SQUARE):
    """The ``Member`` of each configuration on the model ``lattice``, checked to form one
    ensemble: the same settings but for the training seed. ``keeps``: one mask per member, or
    None."""
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
    return [plan_member(c, T, labels, k, lattice) for c, k in zip(cfgs, keeps, strict=True)]
