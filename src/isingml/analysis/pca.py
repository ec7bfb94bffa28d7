"""Principal component analysis of the configurations, the unsupervised baseline (Wang, Phys.
Rev. B 94, 195105 (2016)).

The leading principal component of Ising configurations is (close to) the uniform vector: the
projection y = v . s is the magnetization, up to a factor sqrt(N), so PCA finds the order
parameter without labels. Here the component is fitted per size on the Binder grid's stored
configurations, the Binder cumulant of y is reweighted and crossed between sizes exactly like
U4 (a summary row ``pca``), and, on the networks' wide temperature grid, the fraction of the
variance along the component is given per temperature (large in the ordered phase, where the
magnetization fluctuation dominates, ~1/N in the disordered phase).
"""

import numpy as np


def first_component(X, steps=40, seed=0):
    """(v (N,), eigenvalue) of the covariance of the rows of X (n, N), by power iteration on
    X^T X (never forming the N x N matrix: a few matrix-vector products cost n N each)."""
    X = np.asarray(X, dtype=np.float32)
    mean = X.mean(axis=0)
    v = np.random.default_rng(seed).normal(size=X.shape[1]).astype(np.float32)
    v /= np.linalg.norm(v)
    value = 0.0
    for _ in range(steps):
        w = X.T @ (X @ v) / X.shape[0] - mean * (mean @ v)
        value = float(np.linalg.norm(w))
        v = w / value
    return v.astype(np.float64), value


def orient(v):
    """The sign of a component is arbitrary: fix it so that its weights sum to >= 0."""
    return v if v.sum() >= 0 else -v


def variance_fractions(spins, T, v):
    """Per temperature: the variance of the projection on v over the total variance of the
    configurations (sum over sites of each site's variance). Rows (T, fraction)."""
    flat = spins.reshape(spins.shape[0], -1).astype(np.float32)
    rows = []
    for t in np.unique(T):
        x = flat[T == t]
        total = float(x.var(axis=0).sum())
        rows.append({"T": float(t), "fraction": float((x @ v).var() / total) if total else 0.0})
    return rows


def pca_analysis(critical, t_range=None):
    """PCA per Binder-grid size and the crossings of the Binder cumulant of the projections.

    ``critical``: shards (with spins) of the Binder grid, any sizes. Returns (rows, curves,
    components {L: v}).
    """
    from isingml.analysis.binder import (
        binder_of,
        by_size,
        curve_rows,
        even_moments,
        pair_rows,
        size_tables,
    )
    from isingml.analysis.reweighting import Reweighted

    components, series = {}, []
    for L, group in by_size([(s.L, s.T, s.energy, s, s.attrs) for s in critical]).items():
        X = np.concatenate([s.spins.reshape(s.spins.shape[0], -1) for _, _, s, _ in group])
        v = orient(first_component(X)[0])
        components[L] = v
        for T, e, s, attrs in group:
            y = s.spins.reshape(s.spins.shape[0], -1).astype(np.float32) @ v
            series.append((L, T, e[: y.size], y[:, None], attrs))
    reweighted = {
        L: Reweighted(size_tables(L, group, even_moments), where=f"pca L = {L}")
        for L, group in by_size(series).items()
    }
    temps = [s.T for s in critical]
    t_range = t_range or (min(temps), max(temps))
    rows = pair_rows("pca", reweighted, binder_of(0), t_range)
    return rows, curve_rows(reweighted, binder_of(0), t_range, name="U"), components
