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


def not_learned(preds):
    """({(window, L): [text]} of the networks whose training marked them as not learned
    (``learning.quality``), and the predictions of the others."""
    left_out, kept = defaultdict(list), []
    for cols, attrs in preds:
        if int(attrs.get("learned", 1)):
            kept.append((cols, attrs))
            continue
        key = (name_of_attr(attrs["window"]), int(attrs["L"]))
        left_out[key].append(f"seed {int(attrs['seed'])} ({attrs.get('problems', '')})")
    return dict(left_out), kept


def network_tables(method, preds, rng, lattice, n_boot=200, halfwidth=0.15):
    """T*(L) rows (networks evaluated on their own L) and curve rows for the figures, their
    held-out accuracy scored against T < the exact T_c of the model ``lattice`` (None where
    none is known). Networks that did not learn are left out; each row names those it left
    out (``excluded``)."""
    tc_rows, curve_rows = [], []
    left_out, preds = not_learned(preds)
    for (window, L, L_train), group in group_predictions(preds).items():
        if L != L_train:
            continue
        T, per_seed, curve, boot = seed_curves(group, rng, n_boot)
        row = half_crossing_row(method, window, L, T, per_seed, curve, boot, halfwidth)
        row["excluded"] = "; ".join(left_out.get((window, L), []))
        tc_rows.append(row)
        curve_rows += p_curve_rows(method, window, L, group, T, curve, boot, lattice.exact.T_c)
    done = {(r["window"], r["L"]) for r in tc_rows}
    for (window, L), texts in sorted(left_out.items()):
        if (window, L) not in done:  # every seed left out: a row that says so, and no T*
            tc_rows.append(
                {"method": method, "model": method, "window": window, "L": L, "T_star": np.nan,
                 "T_star_err": np.nan, "n_seeds": 0, "excluded": "; ".join(texts)}
            )  # fmt: skip
    return tc_rows, curve_rows


def p_curve_rows(method, window, L, group, T, curve, boot, T_c):
    """The seed-averaged p(T) of one (window, L) with its bootstrap error, and the held-out
    accuracy (against T < T_c, the exact one; none where ``T_c`` is None) at each T with its
    standard error over the seeds."""
    p_err = boot.std(axis=0, ddof=1)
    rows = []
    for i, t in enumerate(T):
        acc = [
            np.mean((c["p_ordered"][sel] > 0.5) == (t < T_c))
            for c, _ in group
            if T_c is not None and (sel := (c["T"] == t) & np.isin(c["split"], HELD_OUT)).any()
        ]
        rows.append(
            {
                "method": method,
                "window": window,
                "L": L,
                "T": float(t),
                "p": float(curve[i]),
                "p_err": float(p_err[i]),
                "accuracy_held_out": float(np.mean(acc)) if acc else None,
                # the seeds differ in training set and network: their scatter is the error
                "accuracy_held_out_err": (
                    float(np.std(acc, ddof=1) / np.sqrt(len(acc))) if len(acc) > 1 else None
                ),
            }
        )
    return rows
