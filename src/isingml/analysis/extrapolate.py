"""From crossings of pairs of sizes to T_c(L -> infinity).

Crossings of a dimensionless scaling quantity between sizes L and rL, at a fixed ratio r,
approach T_c as T_x(L) = T_c + b L^-x with x = 1/nu + omega (``physics.CROSSING_EXPONENT``;
2.75 for the Binder cumulant of the 2D Ising model). What the headline is:

- with three or more pairs at one ratio, the weighted fit of that form, if its chi^2/dof is at
  most ``MAX_CHI2_DOF`` (a fit that does not describe the data is not extrapolated from);
- else, with two pairs, the largest pair itself when the shift the two pairs predict for it,
  b L^-x, is below half its statistical error ("well below"); the predicted shift is then added
  to the error as a systematic part, since it is estimated, not known;
- else the two-pair extrapolation, which has no degree of freedom to check it, said as much;
- with one pair, that pair, not extrapolated.
Which of these gave the headline is recorded under ``model``.
"""

import math

import numpy as np

from isingml.physics import CROSSING_EXPONENT, ONSAGER_TC

MAX_CHI2_DOF = 3.0
WELL_BELOW = 0.5  # a predicted shift below this fraction of the error is negligible


def _fit(L, t, e, x):
    """Weighted least squares of t = T_c + b L^-x: (coef, covariance, chi2, dof)."""
    A = np.stack([np.ones_like(L), L**-x], axis=1)
    W = 1.0 / e**2
    cov = np.linalg.inv(A.T @ (A * W[:, None]))
    coef = cov @ (A.T @ (W * t))
    chi2 = float(np.sum(W * (A @ coef - t) ** 2))
    return coef, cov, chi2, L.size - 2


def pair_extrapolation(L, L2, t, e, x=CROSSING_EXPONENT):
    """The headline T_c from pair crossings T_x(L, L2) = t +- e (arrays); a dict."""
    L, L2, t, e = (np.asarray(a, dtype=np.float64) for a in (L, L2, t, e))
    ok = np.isfinite(t) & np.isfinite(e) & (e > 0)
    L, L2, t, e = L[ok], L2[ok], t[ok], e[ok]
    order = np.argsort(L)
    L, L2, t, e = L[order], L2[order], t[order], e[order]
    pairs = [[int(a), int(b)] for a, b in zip(L, L2, strict=True)]
    base = {
        "pairs_used": pairs,
        "L_used": sorted({*map(int, L), *map(int, L2)}),
        "crossing_exponent": x,
        "nu": None,
        "nu_err": None,
        "nu_note": f"nu is not fitted: the shift exponent 1/nu + omega = {x:g} is fixed",
    }
    if L.size == 0:
        return {**base, "ok": False, "T_c": None, "T_c_err": None, "note": "no finite crossing"}
    ratios = L2 / L
    if np.ptp(ratios) > 1e-9:
        base["note"] = f"size ratios differ ({sorted(set(np.round(ratios, 3)))}): b varies"
    last = {"T_c": float(t[-1]), "T_c_err_stat": float(e[-1])}
    if L.size == 1:
        return {
            **base,
            "ok": True,
            **last,
            "T_c_err": float(e[-1]),
            "T_c_err_syst": 0.0,
            "chi2_dof": None,
            "model": "one pair: not extrapolated",
        }
    if np.unique(L).size != L.size:
        raise ValueError(f"pair crossings of one series repeat a size: {pairs}")
    coef, cov, chi2, dof = _fit(L, t, e, x)
    fit = {
        "T_c_fit": float(coef[0]),
        "T_c_fit_err": float(math.sqrt(cov[0, 0])),
        "b": float(coef[1]),
        "b_err": float(math.sqrt(cov[1, 1])),
        "chi2_dof": chi2 / dof if dof > 0 else None,
    }
    if dof >= 1 and chi2 / dof <= MAX_CHI2_DOF:
        return {
            **base,
            **fit,
            "ok": True,
            "T_c": fit["T_c_fit"],
            "T_c_err": fit["T_c_fit_err"],
            "T_c_err_stat": fit["T_c_fit_err"],
            "T_c_err_syst": 0.0,
            "model": f"fit T_x = T_c + b L^-{x:g} over {L.size} pairs",
        }
    # the shift of the largest pair predicted by the two largest pairs
    two = _fit(L[-2:], t[-2:], e[-2:], x)
    shift = float(two[0][1] * L[-1] ** -x)
    if abs(shift) < WELL_BELOW * e[-1]:
        return {
            **base,
            **fit,
            "ok": True,
            **last,
            "T_c_err_syst": abs(shift),
            "T_c_err": float(math.hypot(e[-1], shift)),
            "predicted_shift": shift,
            "model": f"largest pair {pairs[-1]}: its predicted shift b L^-{x:g} = "
            f"{shift:+.2g} is below half its error (added as a systematic)",
        }
    err = float(math.sqrt(two[1][0, 0]))
    if dof == 0:
        note = "no degree of freedom checks it"
    else:
        note = f"the fit's chi2/dof is {chi2 / dof:.2g}"
    return {
        **base,
        **fit,
        "ok": True,
        "T_c": float(two[0][0]),
        "T_c_err": err,
        "T_c_err_stat": err,
        "T_c_err_syst": 0.0,
        "predicted_shift": shift,
        "model": f"extrapolation of the two largest pairs ({note})",
    }


def deviation(T_c, T_c_err):
    """(relative deviation from Onsager's T_c, deviation in standard errors)."""
    dev = (T_c - ONSAGER_TC) / ONSAGER_TC
    return dev, abs(T_c - ONSAGER_TC) / T_c_err if T_c_err else None


def crossing_result(method, rows):
    """The FSS JSON of a method whose rows are pair crossings (columns window, L, L2, T_star,
    T_star_err). With several training windows each is extrapolated on its own and the
    headline is their mean, the half-spread of the windows reported as ``T_c_err_window``."""
    per_window = {}
    for window in sorted({str(r.get("window", "-")) for r in rows}):
        rs = [r for r in rows if str(r.get("window", "-")) == window]
        per_window[window] = pair_extrapolation(
            [r["L"] for r in rs],
            [r["L2"] for r in rs],
            [r["T_star"] for r in rs],
            [r["T_star_err"] for r in rs],
        )
    ok = {w: r for w, r in per_window.items() if r["ok"]}
    if len(per_window) == 1:
        ((window, head),) = per_window.items()
        head = {**head, "T_c_err_window": None}
    elif not ok:
        head = {"ok": False, "T_c": None, "T_c_err": None, "note": "no window gave a crossing"}
    else:
        tc = np.array([r["T_c"] for r in ok.values()])
        stat = float(np.mean([r["T_c_err"] for r in ok.values()]))
        spread = float(np.ptp(tc) / 2)
        head = {
            "ok": True,
            "T_c": float(tc.mean()),
            "T_c_err": math.hypot(stat, spread),
            "T_c_err_stat": stat,
            "T_c_err_window": spread,
            "nu": None,
            "nu_err": None,
            "L_used": sorted({L for r in ok.values() for L in r["L_used"]}),
            "chi2_dof": None,
            "model": "mean over windows of their pair extrapolations",
        }
    return {
        "method": method,
        "kind": "crossing",
        "crossing_exponent": CROSSING_EXPONENT,
        **head,
        "onsager_T_c": ONSAGER_TC,
        "per_window": per_window,
        "crossings": [
            {k: r[k] for k in ("window", "L", "L2", "T_star", "T_star_err") if k in r} for r in rows
        ],
    }
