"""The magnetization baseline: logistic regression on |m| alone, p = sigmoid(a (|m| - m0)).

Trained on exactly what a network of the same seed and window trains on (the same labels,
split and bootstrap), it shows how much of a window-trained network's answer a threshold on
|m| already gives: its T*(L) is where <p> = 1/2 on the grid, and m0 is its threshold. No JAX.
"""

import dataclasses
from pathlib import Path

import numpy as np

from isingml.errors import UserError
from isingml.io import datasets, results
from isingml.lattices import SQUARE
from isingml.learning.settings import JobSpec, TrainConfig


def fit_threshold(abs_m, labels, weights, steps=50):
    """(a, m0) maximising the weighted log-likelihood of labels (1 ordered, 0 disordered) under
    p = sigmoid(a (|m| - m0)), by Newton's method on (a, b = -a m0)."""
    x = np.asarray(abs_m, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if not (w[y == 1].sum() > 0 and w[y == 0].sum() > 0):
        raise UserError("the magnetization baseline needs ordered and disordered training data")
    A = np.stack([x, np.ones_like(x)], axis=1)
    theta = np.array([10.0, -5.0])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(A @ theta)))
        grad = A.T @ (w * (y - p))
        hess = (A * (w * p * (1 - p))[:, None]).T @ A + 1e-9 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        theta += step
        if np.max(np.abs(step)) < 1e-10:
            break
    a, b = theta
    return float(a), float(-b / a)


def predict(abs_m, a, m0):
    return 1.0 / (1.0 + np.exp(-a * (np.asarray(abs_m, dtype=np.float64) - m0)))


def baseline_table(cfg, spins, T, lattice=SQUARE):
    """The predictions table of the baseline for one training configuration: trained on what a
    network of the same seed and window trains on (its labels, split and bootstrap, on the
    model ``lattice``). Returns (columns, attrs, slope a, threshold m0)."""
    from isingml.learning import data, plan

    m = spins.mean(axis=tuple(range(1, spins.ndim)), dtype=np.float64)  # 2D or 3D
    abs_m = np.abs(m)
    member = plan.plan_member(cfg, T, lattice=lattice)
    a, m0 = fit_threshold(abs_m, np.maximum(member.labels, 0), member.split.train_counts)
    spec = type("Spec", (), {"name": "magnetization", "L": cfg.L})
    columns, attrs = data.prediction_columns(
        spec, cfg, T, predict(abs_m, a, m0), m, abs_m, member.split.codes
    )
    return columns, {**attrs, "threshold_m0": m0, "slope": a}, a, m0


@dataclasses.dataclass
class BaselineResult:
    """One seed's magnetization baseline: its run, its file, its slope and threshold."""

    cfg: TrainConfig
    out: Path
    slope: float
    m0: float


def baseline_job(spec: JobSpec, sources, outs):
    """The magnetization baseline of each seed of the job (labels, split and bootstrap those of
    a cnn of the same seed and window), its predictions to its file of ``outs``."""
    cfgs = spec.configs(model="cnn")
    if len(outs) != len(cfgs):
        raise UserError(f"{len(cfgs)} seeds but {len(outs)} outputs; give one per seed")
    lat = datasets.load_lattices(sources, spec.L, spec.max_per_shard, spec.lattice_model())
    done = []
    for cfg, out in zip(cfgs, outs, strict=True):
        columns, attrs, a, m0 = baseline_table(cfg, lat.spins, lat.T, lat.lattice)
        results.write_predictions(out, columns, {**attrs, "model_dir": str(Path(out).parent)})
        done.append(BaselineResult(cfg, Path(out), a, m0))
    return done
