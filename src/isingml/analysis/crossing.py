"""Where p(ordered) = 1/2 for one size, and bootstrap means per temperature.

``half_crossing``: T* where a decreasing curve p(T) crosses 1/2, from a straight-line fit of
logit p against T over the temperatures within ``halfwidth`` of the interpolated crossing (a
local logistic fit, not the nearest grid point). It is vectorised over bootstrap replicas.
"""

import numpy as np

LOGIT_CLIP = 1e-4


def _logit(p):
    p = np.clip(p, LOGIT_CLIP, 1 - LOGIT_CLIP)
    return np.log(p / (1 - p))


def bracket(T, y, level=0.5):
    """Linear interpolation of the first crossing of ``level``; NaN if there is none."""
    s = np.sign(y - level)
    idx = np.flatnonzero(s[:-1] * s[1:] <= 0)
    idx = idx[s[idx] != s[idx + 1]] if idx.size > 1 else idx
    if idx.size == 0:
        return np.nan
    i = idx[np.argmin(np.abs(T[idx] - np.median(T[idx])))] if idx.size > 1 else idx[0]
    if y[i] == y[i + 1]:
        return T[i]
    return T[i] + (level - y[i]) * (T[i + 1] - T[i]) / (y[i + 1] - y[i])


def half_crossing(T, p, halfwidth=0.15, min_points=3):
    """T* with p(T*) = 1/2 for curves p of shape (..., n_T); the window is chosen on p's mean.

    Returns an array of shape p.shape[:-1] (NaN where the mean curve never crosses 1/2).
    """
    T = np.asarray(T, dtype=np.float64)
    p = np.asarray(p, dtype=np.float64)
    centre = p.reshape(-1, T.size).mean(axis=0)
    t0 = bracket(T, centre)
    if not np.isfinite(t0):
        return np.full(p.shape[:-1], np.nan)
    sel = np.abs(T - t0) <= halfwidth
    if sel.sum() < min_points:
        sel = np.zeros(T.size, bool)
        sel[np.argsort(np.abs(T - t0))[:min_points]] = True
    x = T[sel] - t0
    z = _logit(p[..., sel])
    xm, zm = x.mean(), z.mean(axis=-1)
    slope = ((x - xm) * (z - zm[..., None])).sum(axis=-1) / ((x - xm) ** 2).sum()
    return t0 + xm - zm / slope


def bootstrap_means(values, groups, rng, n_boot):
    """Means per group of ``values`` (n,) for the data and for ``n_boot`` resamples.

    Resampling draws configurations with replacement within each group (temperature); the
    same draw is applied to every row of ``values`` if it is 2-D (seeds x n), since all seeds
    are evaluated on the same configurations. Returns (means (..., G), boot (n_boot, ..., G)).
    """
    values = np.atleast_2d(values)
    keys = np.unique(groups)
    means = np.empty((values.shape[0], keys.size))
    boot = np.empty((n_boot, values.shape[0], keys.size))
    for g, key in enumerate(keys):
        idx = np.flatnonzero(groups == key)
        means[:, g] = values[:, idx].mean(axis=1)
        draw = idx[rng.integers(0, idx.size, size=(n_boot, idx.size))]
        boot[:, :, g] = values[:, draw].mean(axis=2).T
    return means, boot
