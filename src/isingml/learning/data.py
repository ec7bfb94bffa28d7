"""Labels, train/val/test splits, window names and seeds of the networks. Free of JAX, so that
the workflow and the analysis can use it without starting an accelerator backend.
"""

import hashlib

import numpy as np

from isingml import seeds
from isingml.errors import UserError
from isingml.physics import ONSAGER_TC
from isingml.windows import window_attr

MODELS = ("cnn", "fcn", "ecnn")
TRAIN, VAL, TEST, CRITICAL = 0, 1, 2, 3  # split codes, also stored with the predictions
SPLIT_NAMES = {TRAIN: "train", VAL: "val", TEST: "test", CRITICAL: "critical"}
SPLIT_CODES_TEXT = "0 train, 1 val, 2 test, 3 critical or not seen in training"


def labels_for(T, label, window):
    """1 = ordered, 0 = disordered, -1 = not trained on (the critical gap of a window)."""
    T = np.asarray(T)
    if label == "exact":
        return (T < ONSAGER_TC).astype(np.int8)
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


def train_seed(root_seed, model, L, seed, window):
    """SeedSequence of a network's initialisation and shuffling (``seeds.train``)."""
    return seeds.train(root_seed, MODELS.index(model), L, seed, window)


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


def digest(spins):
    """A content hash of int8 configurations (first 16 hex digits of SHA-256)."""
    return hashlib.sha256(np.ascontiguousarray(spins).tobytes()).hexdigest()[:16]


def data_record(spins, T, paths, counts):
    """What a network was trained on, shard by shard: file name, T, configurations used and a
    hash of their spins. Stored with the checkpoint; ``check_same_data`` compares."""
    record, start = [], 0
    for path, k in zip(paths, counts, strict=True):
        block = slice(start, start + k)
        record.append({"shard": str(path), "T": float(T[start]), "n": int(k),
                       "digest": digest(spins[block])})  # fmt: skip
        start += k
    return record


def check_same_data(trained, given, where):
    """Refuse data that are not, shard by shard, the configurations a network was trained on:
    split codes would then point at the wrong configurations."""
    if len(trained) != len(given):
        raise UserError(
            f"{where} was trained on {len(trained)} shards, the data given have {len(given)}; "
            "predict on the training L with exactly the training shards"
        )
    for a, b in zip(trained, given, strict=True):
        if (a["T"], a["n"], a["digest"]) != (b["T"], b["n"], b["digest"]):
            raise UserError(
                f"{b['shard']} (T = {b['T']:g}, {b['n']} configurations) is not the data "
                f"{where} was trained on ({a['shard']}, T = {a['T']:g}, {a['n']} "
                "configurations, other content); its split would point at wrong configurations"
            )


def prediction_columns(spec, cfg, T, p, phi, abs_m, split=None, L=None):
    """The predictions file's columns and attributes from per-configuration outputs."""
    if split is None:
        split = np.full(T.shape, CRITICAL, dtype=np.int8)
    columns = {"T": T, "p_ordered": p, "phi": phi, "split": split, "abs_m": abs_m}
    attrs = {
        "model": spec.name,
        "L": spec.L if L is None else L,
        "L_train": spec.L,
        "seed": cfg.seed,
        "label": cfg.label,
        "window": window_attr(cfg.window),
        "split_codes": SPLIT_CODES_TEXT,
    }
    return columns, attrs


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
