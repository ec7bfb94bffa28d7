"""The middle peak of learning by confusion's W-shaped accuracy curve, per size, and its
extrapolation.

The peak T'_peak(L) is the vertex of a parabola through the local maximum of the accuracy
nearest the middle of the proposals and its two neighbours (the proposals are the midpoints of
the temperature grid, so the vertex interpolates between them). Each training seed has its own
network and its own test set; the size's estimate is the mean over seeds with a Student-t error
of their spread, and a bootstrap over each seed's test configurations is reported beside it as a
check. The peak sits where the network best separates the phases on a lattice of size L, a
pseudo-critical temperature: it converges to T_c as T'(L) = T_c + a L^(-1/nu), nu = 1.
"""

import numpy as np

from isingml.analysis.chains import student_error


def peak(Tp, accuracy):
    """T' of the middle peak of one accuracy curve (NaN if it has no interior maximum)."""
    acc = np.asarray(accuracy, dtype=np.float64)
    interior = [i for i in range(1, acc.size - 1) if acc[i] >= acc[i - 1] and acc[i] >= acc[i + 1]]
    if not interior:
        return np.nan
    middle = (acc.size - 1) / 2
    i = min(interior, key=lambda j: (abs(j - middle), -acc[j]))
    x, y = Tp[i - 1 : i + 2], acc[i - 1 : i + 2]
    a, b, _ = np.polyfit(x - x[1], y, 2)
    if a >= 0:  # flat top: no curvature to place a vertex, take the grid point
        return float(Tp[i])
    return float(np.clip(x[1] - b / (2 * a), x[0], x[2]))


def bootstrap_peaks(Tp, correct, rng, n_boot=200):
    """Peaks of accuracy curves from test configurations resampled with replacement (the same
    resample at every proposal, since the test set is the same)."""
    n = correct.shape[1]
    draws = rng.integers(0, n, size=(n_boot, n))
    return np.array([peak(Tp, correct[:, d].mean(axis=1)) for d in draws])


def size_rows(curves_by_L, rng):
    """One T'_peak row per size from {L: [(proposals, correct (P, n_test)), ...]} (one entry
    per seed), and the seed-averaged accuracy curve of each size."""
    rows, curve_rows = [], []
    for L, curves in sorted(curves_by_L.items()):
        Tp = curves[0][0]
        peaks = np.array([peak(Tp, c.mean(axis=1)) for _, c in curves])
        boot = [np.nanstd(bootstrap_peaks(Tp, c, rng), ddof=1) for _, c in curves]
        ok = np.isfinite(peaks)
        acc = np.stack([c.mean(axis=1) for _, c in curves])
        rows.append(
            {
                "method": "confusion",
                "window": "-",
                "L": L,
                "T_star": float(peaks[ok].mean()) if ok.any() else np.nan,
                "T_star_err": student_error(peaks[ok]) if ok.sum() > 1 else np.nan,
                "T_star_err_bootstrap": float(np.nanmean(boot) / np.sqrt(max(ok.sum(), 1))),
                "n_seeds": int(ok.sum()),
            }
        )
        for i, t in enumerate(Tp):
            curve_rows.append(
                {
                    "L": L,
                    "T_proposed": float(t),
                    "accuracy": float(acc[:, i].mean()),
                    "accuracy_err": student_error(acc[:, i]),
                }
            )
    return rows, curve_rows
