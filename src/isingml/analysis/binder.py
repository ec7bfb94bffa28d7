"""The Binder-cumulant baseline: crossings of U4(T) between successive sizes."""

import numpy as np

from isingml.analysis import crossing


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
