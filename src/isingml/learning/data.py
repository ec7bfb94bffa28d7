"""Labels, train/val/test splits, window names and seeds of the networks. Free of JAX, so that
the workflow and the analysis can use it without starting an accelerator backend.
"""

import numpy as np

from isingml.physics import ONSAGER_TC

MODELS = ("cnn", "fcn")
SPLIT_STREAM, TRAIN_STREAM = 1, 2  # first elements of the spawn keys (0 is the sampler's)
TRAIN, VAL, TEST, CRITICAL = 0, 1, 2, 3  # split codes, also stored with the predictions
SPLIT_NAMES = {TRAIN: "train", VAL: "val", TEST: "test", CRITICAL: "critical"}
SPLIT_CODES_TEXT = "0 train, 1 val, 2 test, 3 critical or not seen in training"


def window_name(window):
    """Folder and table name of a training window (T_ordered_max, T_disordered_min), e.g.
    "w2-2.6"; "exact" for labels by T < T_c. ``parse_window_name`` inverts it."""
    return "exact" if window is None else f"w{window[0]:g}-{window[1]:g}"


def parse_window_name(name):
    """(T_ordered_max, T_disordered_min) from ``window_name``'s text; None for "exact"."""
    if name == "exact":
        return None
    lo, hi = name[1:].split("-")
    return float(lo), float(hi)


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


def split_seed(root_seed, L, seed):
    """SeedSequence of the data split. It depends on (L, seed) only, so both networks trained
    with the same seed see the same configurations."""
    return np.random.SeedSequence(root_seed, spawn_key=(SPLIT_STREAM, L, seed))


def train_seed(root_seed, model, L, seed, window):
    """SeedSequence of a network's initialisation and shuffling."""
    window = (0, 0) if window is None else window
    key = (TRAIN_STREAM, MODELS.index(model), L, seed, *(round(w * 10_000) for w in window))
    return np.random.SeedSequence(root_seed, spawn_key=key)
