"""Finite-size scaling of pseudo-critical temperatures: T*(L) = T_c + a L^(-1/nu).

Used for the window-trained networks' T*(L) (where p(ordered) = 1/2) and the confusion peaks.
Pair crossings (the Binder cumulants) have their own extrapolation (``extrapolate``). The fits
are weighted by the standard errors of T*(L) (independent between sizes: each size has
its own shards and networks). When chi^2/dof > 1 the parameter errors are scaled by
sqrt(chi^2/dof), as the Particle Data Group does, so that an error bar never claims more than
the scatter allows. A free-nu fit needs at least 4 sizes (one degree of freedom); with fewer
the result says so instead of giving a number.
"""

import math
from collections import defaultdict

import numpy as np
from scipy import optimize

from isingml.analysis import extrapolate
from isingml.lattices import reference_of
from isingml.physics import EXACT_EXPONENTS, NU

MIN_SIZES_FREE = 4
MIN_SIZES_FIXED = 2
NU_RANGE = (0.1, 10.0)  # outside this, or with an error above 100 %, nu is not determined


def nu_determined(nu, nu_err):
    return (
        np.isfinite(nu) and np.isfinite(nu_err) and NU_RANGE[0] < nu < NU_RANGE[1] and nu_err < nu
    )


def _scaled(cov, chi2, dof):
    if dof > 0 and chi2 / dof > 1:
        return cov * (chi2 / dof)
    return cov


def fit_fixed_nu(L, t, err, nu=NU):
    """Weighted linear fit of t = T_c + a L^(-1/nu); returns a dict (T_c, errors, chi2/dof)."""
    L, t, err = (np.asarray(a, dtype=np.float64) for a in (L, t, err))
    if L.size < MIN_SIZES_FIXED:
        return {"ok": False, "note": f"needs >= {MIN_SIZES_FIXED} sizes, got {L.size}"}
    A = np.stack([np.ones_like(L), L ** (-1.0 / nu)], axis=1)
    W = 1.0 / err**2
    cov = np.linalg.inv(A.T @ (A * W[:, None]))
    coef = cov @ (A.T @ (W * t))
    chi2 = float(np.sum(W * (A @ coef - t) ** 2))
    dof = L.size - 2
    cov = _scaled(cov, chi2, dof)
    return {
        "ok": True,
        "T_c": float(coef[0]),
        "T_c_err": float(math.sqrt(cov[0, 0])),
        "a": float(coef[1]),
        "nu": nu,
        "nu_err": 0.0,
        "chi2_dof": chi2 / dof if dof > 0 else None,
        "L_used": L.astype(int).tolist(),
    }


def fit_free_nu(L, t, err):
    """Weighted nonlinear fit of t = T_c + a L^(-1/nu) with T_c, a, nu free."""
    L, t, err = (np.asarray(a, dtype=np.float64) for a in (L, t, err))
    if L.size < MIN_SIZES_FREE:
        return {
            "ok": False,
            "note": f"a free-nu fit needs >= {MIN_SIZES_FREE} sizes, "
            f"got {L.size}: nu is not determined",
        }
    start = fit_fixed_nu(L, t, err)

    def model(x, tc, a, inv_nu):
        return tc + a * x ** (-inv_nu)

    try:
        coef, cov = optimize.curve_fit(
            model,
            L,
            t,
            p0=(start["T_c"], start["a"], EXACT_EXPONENTS["inv_nu"]),
            sigma=err,
            absolute_sigma=True,
            maxfev=20_000,
        )
    except (RuntimeError, optimize.OptimizeWarning) as exc:
        return {"ok": False, "note": f"the free-nu fit did not converge ({exc})"}
    chi2 = float(np.sum(((model(L, *coef) - t) / err) ** 2))
    dof = L.size - 3
    cov = _scaled(cov, chi2, dof)
    if not np.all(np.isfinite(cov)) or coef[2] <= 0:
        return {"ok": False, "note": "the free-nu fit is degenerate: T*(L) too flat in L"}
    nu = 1.0 / coef[2]
    if not nu_determined(nu, math.sqrt(cov[2, 2]) * nu**2):
        return {
            "ok": False,
            "note": f"the free-nu fit leaves nu undetermined (nu = {nu:.3g}); "
            "T*(L) is too flat in L or too noisy",
        }
    return {
        "ok": True,
        "T_c": float(coef[0]),
        "T_c_err": float(math.sqrt(cov[0, 0])),
        "a": float(coef[1]),
        "nu": float(nu),
        "nu_err": float(math.sqrt(cov[2, 2]) * nu**2),
        "chi2_dof": chi2 / dof,
        "L_used": L.astype(int).tolist(),
    }


def combine_windows(per_window):
    """Headline from per-window results: the mean over windows, the statistical error (the
    windows share their data, so their errors are not averaged down) and the window systematic
    as half the spread of the windows' values, added in quadrature."""
    ok = {w: r for w, r in per_window.items() if r.get("ok")}
    if not ok:
        notes = "; ".join(f"{w}: {r.get('note', 'no fit')}" for w, r in per_window.items())
        return {
            "ok": False,
            "T_c": None,
            "T_c_err": None,
            "T_c_err_stat": None,
            "T_c_err_window": None,
            "note": f"no window gave a finite-size fit ({notes})",
        }
    tc = np.array([r["T_c"] for r in ok.values()])
    stat = float(np.mean([r["T_c_err"] for r in ok.values()]))
    window = float((tc.max() - tc.min()) / 2) if tc.size > 1 else 0.0
    return {
        "ok": True,
        "T_c": float(tc.mean()),
        "T_c_err": math.hypot(stat, window),
        "T_c_err_stat": stat,
        "T_c_err_window": window,
        "windows": sorted(ok),
    }


def networks_of(rows):
    """(model, training L) of every network behind a method's rows, for its metrics."""
    used = {(str(r["model"]), int(r.get("L_train", r["L"]))) for r in rows if "model" in r}
    return [list(n) for n in sorted(used)]


def fss_result(method, rows, kind, replicas=None, *, lattice):
    """The FSS JSON of one method. ``kind`` is "half" (T*(L) from p = 1/2: fit with 1/nu) or
    "crossing" (pair crossings, extrapolated from their jackknife sidecar ``replicas`` by
    ``extrapolate.crossing_result``). Sizes without a usable T* are named in the note. The
    result names the model (``lattice``) and the exact T_c it is to be compared with
    (``reference_T_c``, None where none is known, and its ``reference``); the fit never sees
    it."""
    reference = reference_of(lattice).to_json()
    if kind == "crossing":
        result = {
            **extrapolate.crossing_result(method, replicas, lattice),
            **reference,
            "networks": networks_of(rows),
        }
        if replicas.get("U4_at_crossing"):  # binder's sidecar: U4 where each pair crosses
            result["U4_at_crossing"] = replicas["U4_at_crossing"]
        missing = [f"L{r['L']}/{r['L2']}: {r['no_crossing']}" for r in rows
                   if isinstance(r.get("no_crossing"), str) and r["no_crossing"]]  # fmt: skip
        if missing:
            text = "networks without a crossing in range, left out of that pair's mean: "
            text += "; ".join(missing)
            result["note"] = f"{result['note']}; {text}" if result.get("note") else text
        return _note_excluded(result, rows)
    by_window, dropped = defaultdict(list), []
    for r in rows:
        if np.isfinite(r["T_star"]) and np.isfinite(r["T_star_err"]) and r["T_star_err"] > 0:
            by_window[r["window"]].append(r)
        else:
            dropped.append(f"{r['window']} L{r['L']} (T* {r['T_star']}, err {r['T_star_err']})")
    per_window = {}
    for window, rs in sorted(by_window.items()):
        L = np.array([r["L"] for r in rs], float)
        t = np.array([r["T_star"] for r in rs])
        e = np.array([r["T_star_err"] for r in rs])
        per_window[window] = {"fixed": fit_fixed_nu(L, t, e), "free": fit_free_nu(L, t, e)}
    head = combine_windows({w: r["fixed"] for w, r in per_window.items()})
    nu_src = [r.get("free") for r in per_window.values() if r.get("free", {}).get("ok")]
    chi2 = [r["fixed"]["chi2_dof"] for r in per_window.values() if r["fixed"].get("chi2_dof")]
    sizes = sorted({L for r in per_window.values() for L in r["fixed"].get("L_used", [])})
    head = _note_dropped(head, dropped)
    return _note_excluded(
        {
            "method": method,
            "networks": networks_of(rows),
            **head,
            "nu": float(np.mean([r["nu"] for r in nu_src])) if nu_src else None,
            "nu_err": float(np.mean([r["nu_err"] for r in nu_src])) if nu_src else None,
            "nu_note": None if nu_src else "nu is not determined by these sizes",
            "chi2_dof": float(np.mean(chi2)) if chi2 else None,
            "L_used": sizes,
            "kind": kind,
            "model": f"T*(L) = T_c + a/L (nu = {NU:g})"
            + (", mean over windows" if len(per_window) > 1 else ""),
            **reference,
            "per_window": per_window,
        },
        rows,
    )


def _note_dropped(result, dropped):
    if dropped:
        text = "sizes without a finite T* and error, not fitted: " + "; ".join(dropped)
        result["note"] = f"{result['note']}; {text}" if result.get("note") else text
    return result


def _note_excluded(result, rows):
    """Name, in the result's note and its ``excluded`` list, the networks its rows left out
    because they did not learn (the rows' ``excluded`` texts, per window and size where the
    rows have a window)."""
    excluded = []
    for r in rows:
        text = r.get("excluded")
        if isinstance(text, str) and text:
            where = "" if r.get("window", "-") == "-" else f"{r['window']} L{r['L']}: "
            excluded.append(where + text)
    excluded = list(dict.fromkeys(excluded))
    if excluded:
        left = "left out as not learned: " + "; ".join(excluded)
        result["note"] = f"{result['note']}; {left}" if result.get("note") else left
    result["excluded"] = excluded
    return result
