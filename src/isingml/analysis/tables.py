"""From loaded shards, observables and predictions to the rows of the results tables.

Pure functions on arrays and dicts; reading and writing files is the CLI's job.
"""

import math
from collections import defaultdict

import numpy as np

from isingml import observables
from isingml.analysis import crossing, fss
from isingml.physics import ONSAGER_TC

# Crossings of dimensionless scaling quantities (U4, p_L) approach T_c as L^-(1/nu + omega);
# nu = 1 and omega = 2 for the 2D Ising model (corrections from the leading irrelevant field).
CROSSING_EXPONENT = 3.0
HELD_OUT = (2, 3)  # split codes of configurations no network was trained on (test, critical)


def observables_rows(shards):
    """One row per (L, T) from shards read without spins; sorted by T."""
    rows = []
    for s in sorted(shards, key=lambda s: s.T):
        row = {"L": s.L, "T": s.T, **observables.measure(s.energy, s.magnetization, s.L, s.T)}
        rows.append(row)
    return rows


def group_predictions(preds):
    """{(window, L, L_train): [(cols, attrs), ...]} with seeds sorted."""
    groups = defaultdict(list)
    for cols, attrs in preds:
        w = attrs["window"]
        name = "exact" if np.isnan(w).all() else f"w{w[0]:g}-{w[1]:g}"
        groups[(name, int(attrs["L"]), int(attrs["L_train"]))].append((cols, attrs))
    for g in groups.values():
        g.sort(key=lambda ca: int(ca[1]["seed"]))
        T0 = g[0][0]["T"]
        for cols, attrs in g[1:]:
            if not np.array_equal(cols["T"], T0):
                raise ValueError(
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
    seed_err = float(np.std(seeds, ddof=1) / math.sqrt(n)) if n > 1 else 0.0
    return {
        "method": method,
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


def size_crossing_tables(method, preds, rng, n_boot=200, halfwidth=0.12, degree=2):
    """Crossings of one network's p_L(T) between successive sizes (the network is trained on one
    size and evaluated on all). Error: bootstrap of configurations and spread over seeds."""
    by_window = defaultdict(dict)
    for (window, L, _), group in group_predictions(preds).items():
        by_window[window][L] = seed_curves(group, rng, n_boot)
    rows = []
    for window, curves in sorted(by_window.items()):
        sizes = sorted(curves)
        for La, Lb in zip(sizes[:-1], sizes[1:], strict=True):
            Ta, sa, ca, ba = curves[La]
            Tb, sb, cb, bb = curves[Lb]
            if not np.array_equal(Ta, Tb):
                raise ValueError(f"L={La} and L={Lb} are on different temperature grids")
            ea, eb = ba.std(axis=0, ddof=1), bb.std(axis=0, ddof=1)
            ea, eb = np.maximum(ea, 1e-4), np.maximum(eb, 1e-4)
            mean = 0.5 * (ca + cb)
            search = (mean > 0.05) & (mean < 0.95)  # where the curves can tell sizes apart
            tx, boot_err = crossing.curve_crossing_error(
                Ta,
                ca,
                cb,
                ea,
                eb,
                rng,
                n_boot=100,
                halfwidth=halfwidth,
                degree=degree,
                search=search,
            )
            seeds = [
                crossing.curve_crossing(Ta, sa[s], sb[s], ea, eb, halfwidth, degree, search)
                for s in range(sa.shape[0])
            ]
            n = len(seeds)
            seed_err = float(np.nanstd(seeds, ddof=1) / math.sqrt(n)) if n > 1 else 0.0
            rows.append(
                {
                    "method": method,
                    "window": window,
                    "L": La,
                    "L2": Lb,
                    "T_star": tx,
                    "T_star_err": math.hypot(boot_err, seed_err),
                    "T_star_err_boot": boot_err,
                    "T_star_err_seed": seed_err,
                    "n_seeds": n,
                }
            )
    return rows


def binder_rows(obs_by_L, rng, halfwidth=0.04, degree=3, t_range=None):
    """Crossings of U4(T) between successive sizes, on their common temperatures.

    ``t_range`` (T_min, T_max), the span of the Binder grid, is where the crossing is sought.
    """
    sizes = sorted(obs_by_L)
    rows = []
    for La, Lb in zip(sizes[:-1], sizes[1:], strict=True):
        a, b = obs_by_L[La], obs_by_L[Lb]
        T = np.intersect1d(a["T"], b["T"])
        ia, ib = np.searchsorted(a["T"], T), np.searchsorted(b["T"], T)
        search = None if t_range is None else (T >= t_range[0]) & (T <= t_range[1])
        tx, err = crossing.curve_crossing_error(
            T,
            a["U4"][ia],
            b["U4"][ib],
            a["U4_err"][ia],
            b["U4_err"][ib],
            rng,
            halfwidth=halfwidth,
            degree=degree,
            search=search,
        )
        rows.append(
            {"method": "binder", "window": "-", "L": La, "L2": Lb, "T_star": tx, "T_star_err": err}
        )
    return rows


def fss_result(method, rows, curves, rng, kind):
    """The FSS JSON of one method. ``kind`` is "half" (T*(L) from p = 1/2: fit with 1/nu) or
    "crossing" (pair crossings: fit with L^-CROSSING_EXPONENT)."""
    by_window = defaultdict(list)
    for r in rows:
        if np.isfinite(r["T_star"]) and np.isfinite(r["T_star_err"]) and r["T_star_err"] > 0:
            by_window[r["window"]].append(r)
    per_window = {}
    for window, rs in sorted(by_window.items()):
        L = np.array([r["L"] for r in rs], float)
        t = np.array([r["T_star"] for r in rs])
        e = np.array([r["T_star_err"] for r in rs])
        if kind == "crossing":
            fixed = fss.fit_fixed_nu(L, t, e, nu=1.0 / CROSSING_EXPONENT)
            if not fixed["ok"] and L.size == 1:
                fixed = {
                    "ok": True,
                    "T_c": float(t[0]),
                    "T_c_err": float(e[0]),
                    "chi2_dof": None,
                    "L_used": [int(L[0])],
                    "note": "one crossing: not extrapolated",
                }
            per_window[window] = {"fixed": fixed}
            continue
        res = {"fixed": fss.fit_fixed_nu(L, t, e), "free": fss.fit_free_nu(L, t, e)}
        cs = [
            (c["L"], c["T"], c["p"], np.maximum(c["p_err"], 1e-3)) for c in curves.get(window, [])
        ]
        if res["fixed"]["ok"] and len(cs) >= 2:
            res["collapse"] = fss.collapse(cs, (res["fixed"]["T_c"], 1.0), rng)
        per_window[window] = res
    head = fss.combine_windows({w: r["fixed"] for w, r in per_window.items()})
    nu_src = [r.get("free") for r in per_window.values() if r.get("free", {}).get("ok")]
    nu_src = nu_src or [
        r.get("collapse") for r in per_window.values() if r.get("collapse", {}).get("ok")
    ]
    chi2 = [r["fixed"]["chi2_dof"] for r in per_window.values() if r["fixed"].get("chi2_dof")]
    sizes = sorted({L for r in per_window.values() for L in r["fixed"].get("L_used", [])})
    return {
        "method": method,
        **head,
        "nu": float(np.mean([r["nu"] for r in nu_src])) if nu_src else None,
        "nu_err": float(np.mean([r["nu_err"] for r in nu_src])) if nu_src else None,
        "nu_note": None if nu_src else "nu is not determined by these sizes",
        "chi2_dof": float(np.mean(chi2)) if chi2 else None,
        "L_used": sizes,
        "headline_fit": "T*(L) = T_c + a L^-1 (nu = 1)"
        if kind == "half"
        else f"T_x(L) = T_c + b L^-{CROSSING_EXPONENT:g}",
        "onsager_T_c": ONSAGER_TC,
        "per_window": per_window,
    }


def summary_row(result, metrics):
    """One row of results/summary.csv from an FSS result and the metrics of its networks."""
    acc = [m["accuracy"] for m in metrics]
    tc = result.get("T_c") if result.get("T_c") is not None else np.nan
    err = result.get("T_c_err") if result.get("T_c_err") is not None else np.nan

    def mean_of(key):
        vals = [a[key] for a in acc if a.get(key) is not None]
        return float(np.mean(vals)) if vals else None

    return {
        "method": result["method"],
        "n_params": metrics[0]["n_params"] if metrics else None,
        "accuracy_windows": mean_of("test"),
        "accuracy_critical": mean_of("critical"),
        "T_c": tc,
        "T_c_err": err,
        "T_c_err_stat": result.get("T_c_err_stat"),
        "T_c_err_window": result.get("T_c_err_window"),
        "nu": result.get("nu"),
        "nu_err": result.get("nu_err"),
        "rel_dev_onsager": (tc - ONSAGER_TC) / ONSAGER_TC,
        "dev_in_sigma": abs(tc - ONSAGER_TC) / err if np.isfinite(err) and err > 0 else None,
        "training_seconds": float(sum(m["wall_seconds"] for m in metrics)) if metrics else None,
        "L_used": " ".join(str(L) for L in result.get("L_used", [])),
    }
