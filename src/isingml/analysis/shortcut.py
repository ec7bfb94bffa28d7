"""What a window-trained network measures: how much of its output is a threshold on |m|.

For each network's predictions on its own lattice size, p(ordered) is fitted by
sigmoid(a (|m| - m0)) (least squares over all configurations); R^2 says how much of p's variance
that one-variable threshold explains, and m0 is where it sits. A fixed threshold m0 has the wrong
L -> infinity limit: it converges to the temperature where the lattice's exact spontaneous
magnetization equals m0 (``t_of_m0``: Onsager's and Yang's on the square lattice, Potts' on the
triangular, Naya's on the honeycomb), not to T_c. Where no exact m(T) is known, T(m0) is None
and the rows say so.
"""

import numpy as np
from scipy import optimize

from isingml import physics
from isingml.numerics import sigmoid
from isingml.windows import name_of_attr


def threshold_fit(abs_m, p):
    """(R^2, m0, a) of p ~ sigmoid(a (|m| - m0)) by least squares."""
    x, y = np.asarray(abs_m, dtype=np.float64), np.asarray(p, dtype=np.float64)

    def model(v, a, m0):
        return sigmoid(a * (v - m0))

    start = (20.0, float(np.median(x)))
    try:
        (a, m0), _ = optimize.curve_fit(model, x, y, p0=start, maxfev=10_000)
    except RuntimeError:
        return np.nan, np.nan, np.nan
    resid = y - model(x, a, m0)
    r2 = 1.0 - resid.var() / y.var() if y.var() > 0 else np.nan
    return float(r2), float(m0), float(a)


def t_of_m0(m0, lattice):
    """The temperature where the lattice's exact spontaneous magnetization equals m0 (in
    (0, 1)); None where the lattice has no exact m(T) (``lattice.exact``)."""
    exact = lattice.exact
    if exact.magnetization is None or exact.T_c is None:
        return None
    if not 0 < m0 < 1:
        return np.nan
    # the square lattice's bracket [0.5, T_c), in units of each lattice's T_c (m(lo) ~ 1 - 1e-7)
    lo = 0.5 * exact.T_c / physics.ONSAGER_TC
    f = lambda t: float(exact.magnetization(t)) - m0  # noqa: E731
    return float(optimize.brentq(f, lo, exact.T_c - 1e-12))


def shortcut_rows(preds, lattice):
    """One row per network (predictions on its own L): R^2 of p against |m|, m0, T(m0) on the
    model ``lattice`` (None where it has no exact m(T); the summary says so)."""
    rows = []
    for cols, attrs in preds:
        if int(attrs["L"]) != int(attrs["L_train"]):
            continue
        w = np.asarray(attrs["window"], dtype=np.float64)
        r2, m0, a = threshold_fit(cols["abs_m"], cols["p_ordered"])
        rows.append(
            {
                "model": str(attrs["model"]),
                "window": name_of_attr(w),
                "L": int(attrs["L"]),
                "seed": int(attrs["seed"]),
                "R2": r2,
                "m0": m0,
                "slope": a,
                "T_of_m0": t_of_m0(m0, lattice),
            }
        )
    return sorted(rows, key=lambda r: (r["model"], r["window"], r["L"], r["seed"]))
