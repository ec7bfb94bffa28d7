"""What a network saw and said: a record of the data it was trained on (shard by shard, with a
content hash, checked before its split is reused) and the columns of its predictions file.
No JAX."""

import hashlib

import numpy as np

from isingml.errors import UserError
from isingml.learning.plan import CRITICAL, SPLIT_CODES_TEXT
from isingml.windows import window_attr


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
