"""Window-trained networks: T*(L) where the seed-averaged p(ordered) crosses 1/2, with its
bootstrap and seed errors, and the p(T) curves for the figures.
Pure functions on arrays and dicts; reading and writing files is the CLI's job.
"""

import math
from collections import defaultdict

import numpy as np

from isingml.analysis import crossing
from isingml.analysis.chains import student_error
from isingml.errors import UserError
from isingml.physics import ONSAGER_TC
from isingml.windows import name_of_attr

HELD_OUT = (2, 3)  # split codes of configurations no network was trained on (test, critical)


def group_predictions(preds):
    """{(window, L, L_train): [(cols, attrs), ...]} with seeds sorted."""
    groups = defaultdict(list)
    for cols, attrs in preds:
        w = attrs["window"]
        name = name_of_attr(w)
        groups[(name, int(attrs["L"]), int(attrs["L_train"]))].append((cols, attrs))
    for g in groups.values():
        g.sort(key=lambda ca: int(ca[1]["seed"]))
        T0 = g[0][0]["T"]
        for cols, attrs in g[1:]:
            if not np.array_equal(cols["T"], T0):
                raise UserError(
                    f"predictions of seed {attrs['seed']} ({attrs['model_dir']}) are "
                    "on other configurations than seed 0's; rerun predict"
                )
    return dict(sorted(groups.items()))


def seed_curves(group, rng, n_boot):
    """Per-seed curves, the seed-averaged curve, its bootstrap replicas and the T grid."""
    T = group[0][0]["T"]
    p = np.stack([cols["p_ordered"] for cols, _ in group])
    per_seed, boot = crossing.bootstrap_means(p, T, rng, n_boot)
    return np.unique(T), per_seed, per_seed.mean(axis=0), boot.mean(axis=1)


def half_crossing_row(method, window, L, T, per_seed, curve, boot, halfwidth):
    t_star = float(crossing.half_crossing(T, curve, halfwidth))
    boot_err = float(np.nanstd(crossing.half_crossing(T, boot, halfwidth), ddof=1))
    seeds = crossing.half_crossing(T, per_seed, halfwidth)
    n = per_seed.shape[0]
    # each seed trains on its own bootstrap of the training data: a Student-t error of the mean
    seed_err = student_error(seeds[np.isfinite(seeds)])
    return {
        "method": method,
        "model": method,
        "window": window,
        "L": L,
        "T_star": t_star,
        "T_star_err": math.hypot(boot_err, seed_err),
        "T_star_err_boot": boot_err,
        "T_star_err_seed": seed_err,
        "n_seeds": n,
    }


def network_tables(method, preds, rng, n_boot=200, halfwidth=0.15):
    """T*(L) rows (networks evaluated on their own L) and curve rows for the figures."""
    tc_rows, curve_rows = [], []
    for (window, L, L_train), group in group_predictions(preds).items():
        if L != L_train:
            continue
        T, per_seed, curve, boot = seed_curves(group, rng, n_boot)
        tc_rows.append(half_crossing_row(method, window, L, T, per_seed, curve, boot, halfwidth))
        p_err = boot.std(axis=0, ddof=1)
        for i, t in enumerate(T):
            acc = [
                np.mean((c["p_ordered"][sel] > 0.5) == (t < ONSAGER_TC))
                for c, _ in group
                if (sel := (c["T"] == t) & np.isin(c["split"], HELD_OUT)).any()
            ]
            curve_rows.append(
                {
                    "method": method,
                    "window": window,
                    "L": L,
                    "T": float(t),
                    "p": float(curve[i]),
                    "p_err": float(p_err[i]),
                    "accuracy_held_out": float(np.mean(acc)) if acc else None,
                }
            )
    return tc_rows, curve_rows
