"""Pair estimates extrapolated to L -> infinity under a stated correction model, y(L) = y + c L^-w.

A pair estimate (an exponent at a pair's crossing, or the crossing temperature itself) deviates
from its limit by corrections to scaling, c L^-w to leading order. What the extrapolation
assumes about w is fixed before the data are looked at, by the number of pairs alone:

- one pair: that pair, not extrapolated (said so; no systematic can be estimated from it);
- two pairs, or any number where the range was measured on an exactly solved lattice's own
  curves (``Correction.calibrated``; then the two largest pairs, the fit over all of them a
  check): w is not measured. The model states a range
  ``Correction.omega_range`` with its reason (``why``), fixed in advance from theory or from an
  exactly solved lattice, never from results compared with an exact answer; the upper end may
  be ``math.inf``: the largest pair as it stands, no correction left. The headline is the
  middle of the extrapolations (fits, over three or more pairs) at the range's two ends and
  half their difference is the systematic (a flat prior over the values between the ends would
  give 0.29 of the difference; half is the conservative choice);
- three or more, uncalibrated: w is fitted (least squares profiled over w in ``FREE_BOUNDS``)
  and refitted in every jackknife replica, so that its uncertainty is in the statistical error;
  no range is assumed, and a fit that ends on a bound says so.

The same functions extrapolate crossing temperatures (w is then the shift exponent 1/nu + omega).
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize

from isingml.analysis import jackknife

# Where a free correction exponent is searched (>= 3 pairs): wide enough for any correction of
# the 2D and 3D Ising classes at the sizes used (3D: omega = 0.83; 2D: 7/4, and shift exponents
# up to 2.75), narrow enough that c L^-w stays distinguishable from a constant (w > 0) and from
# no correction at all (L^-4 is below 1e-4 of the largest pair's L^0 at L = 16).
FREE_BOUNDS = (0.25, 4.0)
_GRID = 400


@dataclass(frozen=True)
class Correction:
    """What an extrapolation assumes: the correction exponent lies in ``omega_range`` (lo,
    hi), hi possibly ``math.inf``; ``why``: the reason, fixed in advance. ``calibrated``: the
    range was measured on an exactly solved lattice's own curves (the square lattice's transfer
    matrices), so it holds at any number of pairs and is used there too (the fits at its ends
    over all pairs, their chi^2 the check); an uncalibrated range serves two pairs only, and
    three or more fit the exponent."""

    omega_range: tuple
    why: str
    calibrated: bool = False
    fit_range: tuple = None  # where three or more pairs fit w (None: ``FREE_BOUNDS``)


@dataclass(frozen=True)
class Extrapolated:
    """The headline (``jack``, statistical error by the jackknife), the ``systematic`` of the
    correction model, and the model's ``details`` for the JSON (``model``, ``omega_range`` or
    the fitted ``omega``)."""

    jack: jackknife.Jack
    systematic: float
    details: dict
    stat: float = None  # the statistical error where it is not the jackknife's (a free fit)

    @property
    def err_stat(self):
        return self.jack.err if self.stat is None else self.stat


def _weights(L, x, e):
    """Linear weights a with estimate = a @ t for the fit t = y + b L^-x with weights 1/e^2
    (two points: the exact two-point extrapolation)."""
    A = np.stack([np.ones_like(L), L**-x], axis=1)
    W = 1.0 / e**2
    return np.linalg.solve(A.T @ (A * W[:, None]), (A * W[:, None]).T)  # (2, n)


def extrapolation(L, jacks, x):
    """Extrapolate pair estimates ``jacks`` (Jack per pair, pairs keyed by their smaller size
    ``L``) as y + b L^-x with x fixed: (Jack of y, details dict with ``b``, ``chi2_dof`` (three
    or more pairs, from the pairs' covariance) and ``model``)."""
    L = np.asarray(L, dtype=np.float64)
    if L.size == 1:
        return jacks[0], {"model": "one pair: not extrapolated", "chi2_dof": None}
    e = np.array([max(j.err, 1e-12) for j in jacks])
    a = _weights(L, x, e)
    y = jackknife.apply(lambda *t: float(a[0] @ np.asarray(t)), *jacks)
    b = jackknife.apply(lambda *t: float(a[1] @ np.asarray(t)), *jacks)
    details = {"b": b.value, "b_err": b.err, "chi2_dof": None}
    if L.size == 2:
        details["model"] = f"two-pair extrapolation as L^-{x:g} (no degree of freedom checks it)"
        return y, details
    C = jackknife.covariance(jacks)
    t = np.array([j.value for j in jacks])
    r = t - (y.value + b.value * L**-x)
    chi2 = float(r @ np.linalg.pinv(C, rcond=1e-10) @ r)
    details["chi2_dof"] = chi2 / (L.size - 2)
    details["model"] = f"fit y + b L^-{x:g} over {L.size} pairs"
    return y, details


def at_exponent(L, jacks, omega):
    """The two-pair (or fixed-w least-squares) extrapolation with exponent ``omega``; for
    ``math.inf`` the largest pair as it stands. (Jack, details)."""
    if math.isinf(omega):
        return jacks[-1], {"model": "the largest pair as it stands (no correction left)"}
    return extrapolation(L, jacks, omega)


def _profile(L, t, w, omegas):
    """chi^2 (and y, c) of the weighted linear fit t = y + c L^-w for every w in ``omegas``."""
    X = L[None, :] ** -np.asarray(omegas, dtype=np.float64)[:, None]
    S, Sx, Sxx = w.sum(), X @ w, (X * X) @ w
    St, Sxt = w @ t, (X * t) @ w
    c = (S * Sxt - Sx * St) / (S * Sxx - Sx**2)
    y = (St - c * Sx) / S
    chi2 = ((t - y[:, None] - c[:, None] * X) ** 2) @ w
    return chi2, y, c


def fit_free(L, t, w, bounds=FREE_BOUNDS):
    """(w_hat, y, c, chi2) of the fit t = y + c L^-w, w free in ``bounds``, weights ``w``: a
    grid over the bounds, refined by a bounded scalar minimisation around its best point."""
    L, t = np.asarray(L, dtype=np.float64), np.asarray(t, dtype=np.float64)
    grid = np.linspace(*bounds, _GRID)
    chi2 = _profile(L, t, w, grid)[0]
    i = int(np.nanargmin(chi2))
    lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, grid.size - 1)]
    best = optimize.minimize_scalar(
        lambda o: float(_profile(L, t, w, [o])[0][0]),
        bounds=(lo, hi),
        method="bounded",
        options={"xatol": 1e-7},
    )
    omega = float(best.x) if best.fun <= chi2[i] else float(grid[i])
    c2, y, c = _profile(L, t, w, [omega])
    return omega, float(y[0]), float(c[0]), float(c2[0])


def free_extrapolation(L, jacks, bounds=FREE_BOUNDS):
    """Three or more pairs: y with w fitted, refitted in every jackknife replica (weights from
    the pairs' own errors, held fixed). (Jack of y, Jack of w, details)."""
    L = np.asarray(L, dtype=np.float64)
    w = 1.0 / np.array([max(j.err, 1e-12) for j in jacks]) ** 2
    cache = {}

    def fit(*t):
        key = tuple(t)
        if key not in cache:
            cache[key] = fit_free(L, np.array(t), w, bounds)
        return cache[key]

    y = jackknife.apply(lambda *t: fit(*t)[1], *jacks)
    om = jackknife.apply(lambda *t: fit(*t)[0], *jacks)
    t = np.array([j.value for j in jacks])
    omega, _, c, _ = fit(*t)
    r = t - (y.value + c * L**-omega)
    dof = L.size - 3
    chi2 = float(r @ np.linalg.pinv(jackknife.covariance(jacks), rcond=1e-10) @ r)
    at_bound = min(abs(omega - b) for b in bounds) < 1e-3 * (bounds[1] - bounds[0])
    lo, hi, span = _profile_interval(L, jacks, bounds)
    details = {
        "model": f"fit y + c L^-w over {L.size} pairs, w free in [{bounds[0]:g}, {bounds[1]:g}]"
        + (" (w at a bound: the pairs do not fix it)" if at_bound else ""),
        "omega": omega,
        "omega_err": om.err,
        "omega_at_bound": bool(at_bound),
        "c": c,
        "chi2_dof": chi2 / dof if dof > 0 else None,
        "err_profile": (hi - lo) / 2,  # the half-width: the larger side over-covered (10 reruns)
        "profile": {"interval": [lo, hi], "omega_interval": span},
    }
    return y, om, details


def _profile_interval(L, jacks, bounds, n=200):
    """The profile of the fit over w: for every w in ``bounds`` the fixed-w fit's y with its
    jackknife error (y is linear in the pairs, so its variance is a C a with C the pairs'
    jackknife covariance) and its chi^2 under C; the interval of y whose profile chi^2 lies
    within 1 of the least (at each w, y(w) +- sigma(w) sqrt(1 - (chi^2(w) - least))), and the
    range of w that holds it.

    Where the pairs hardly fix w (three pairs whose errors are as large as the shifts between
    them), the jackknife of the free fit understates: replicas that sit on a bound do not move.
    The profile does not: its interval holds every extrapolation the data allow."""
    t = np.array([j.value for j in jacks])
    e = np.array([max(j.err, 1e-12) for j in jacks])
    C = jackknife.covariance(jacks)
    Ci = np.linalg.pinv(C, rcond=1e-10)
    ws = np.linspace(*bounds, n)
    rows = []
    for w in ws:
        a = _weights(L, w, e)
        y, c = a[0] @ t, a[1] @ t
        r = t - y - c * L**-w
        rows.append((float(r @ Ci @ r), y, math.sqrt(max(float(a[0] @ C @ a[0]), 0.0))))
    chi2, y, sig = (np.array(v) for v in zip(*rows, strict=True))
    excess = chi2 - chi2.min()
    keep = excess <= 1.0
    # y is linear in the data at fixed w, so chi^2(y | w) = chi^2(w) + (y - y(w))^2 / sigma(w)^2:
    # the profile's interval at w is y(w) +- sigma(w) sqrt(1 - excess(w)), not +- sigma(w)
    half = sig * np.sqrt(np.clip(1.0 - excess, 0.0, None))
    lo, hi = float((y - half)[keep].min()), float((y + half)[keep].max())
    return lo, hi, [float(ws[keep].min()), float(ws[keep].max())]


def corrected(L, jacks, correction):
    """The pair estimates ``jacks`` (Jack per pair, in increasing ``L``) extrapolated by the
    rule of the module docstring: an ``Extrapolated``."""
    L = np.asarray(L, dtype=np.float64)
    if np.any(np.diff(L) <= 0):
        raise ValueError(f"pair estimates must come in increasing L, got {L.tolist()}")
    if L.size == 1:
        note = "one pair: not extrapolated (no correction can be estimated from one pair)"
        return Extrapolated(jacks[0], 0.0, {"model": note, "omega_range": None})
    if L.size >= 3 and not correction.calibrated:
        y, _, details = free_extrapolation(L, jacks, correction.fit_range or FREE_BOUNDS)
        stat = details["err_profile"]  # the jackknife of a fit whose w jumps is meaningless
        return Extrapolated(y, 0.0, {**details, "systematic_note": "w fitted: none"}, stat)
    lo, hi = correction.omega_range
    check = None
    if L.size > 2:
        # The range bounds the leading correction; smaller pairs carry higher-order ones that
        # y + c L^-w cannot hold (dU4 over L = 8 ... 64: chi^2 about 4 per degree of freedom
        # in the default run, and 1/nu 3 per mille low over 8 reruns), so the two largest
        # pairs are extrapolated and the fit over all of them is reported as a check.
        check = at_exponent(L, jacks, hi)[1].get("chi2_dof")
        L, jacks = L[-2:], jacks[-2:]
    (a, da), (b, db) = (at_exponent(L, jacks, o) for o in (lo, hi))
    mid = jackknife.apply(lambda u, v: 0.5 * (u + v), a, b)
    top = "inf" if math.isinf(hi) else f"{hi:g}"
    how = "two pairs" if check is None else "the two largest pairs, the range calibrated"
    details = {
        "model": f"{how}: w known only to lie in [{lo:g}, {top}] ({correction.why}); the "
        "middle of the extrapolations at its two ends, half their difference the systematic",
        "omega_range": [lo, None if math.isinf(hi) else hi],
        "ends": [{"omega": lo, "value": a.value, "err": a.err},
                 {"omega": None if math.isinf(hi) else hi, "value": b.value, "err": b.err}],
        "chi2_dof_all_pairs": check,
    }  # fmt: skip
    return Extrapolated(mid, abs(a.value - b.value) / 2, details)
