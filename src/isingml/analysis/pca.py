"""Principal component analysis of the configurations, the unsupervised baseline (Wang, Phys.
Rev. B 94, 195105 (2016)).

The leading principal component of Ising configurations is (close to) the uniform vector: the
projection y = v . s is the magnetization, up to a factor sqrt(N), so PCA finds the order
parameter without labels. Here the component is fitted per size on the Binder grid's stored
configurations, the Binder cumulant of y is reweighted and crossed between sizes exactly like
U4 (a summary row ``pca``), and, on the networks' wide temperature grid, the fraction of the
variance along the component is given per temperature (large in the ordered phase, where the
magnetization fluctuation dominates, ~1/N in the disordered phase).

The component is fitted from the same configurations it is then evaluated on, so it is part of
the estimator: every delete-one-group replica of the jackknife refits it without that group
(``replica_components``: power iteration warm-started from the full fit) and projects all the
configurations on its own component, so the error bar includes the fit's own noise.
"""

from dataclasses import dataclass

import numpy as np

from isingml.analysis.binder import (
    binder_of,
    by_size,
    curve_rows,
    even_moments,
    pair_rows,
    reweighting_report,
    size_groups,
    size_tables,
)
from isingml.analysis.extrapolate import replicas_json
from isingml.analysis.reweighting import Reweighted
from isingml.lattices import SQUARE
from isingml.methods import CURVE_COLUMN


class Rows:
    """The configurations of one size as the rows of an (n, N) matrix, kept as they were read
    (int8 spins, one block per shard: no copy), with the products PCA needs computed on float32
    chunks of rows converted as they go. A float32 matrix of the default run's L = 64 would take
    2.6 GB (and was the run's peak); the chunks take ``CHUNK`` values at a time."""

    CHUNK = 1 << 24

    def __init__(self, blocks):
        self.blocks = [np.asarray(b).reshape(b.shape[0], -1) for b in blocks]
        self.N = self.blocks[0].shape[1]
        self.n = sum(b.shape[0] for b in self.blocks)
        self.starts = np.cumsum([0] + [b.shape[0] for b in self.blocks])
        self.step = max(1, self.CHUNK // self.N)

    def chunks(self):
        """(first row, float32 rows) over all rows, in order."""
        for start, block in zip(self.starts, self.blocks, strict=False):
            for a in range(0, block.shape[0], self.step):
                yield start + a, block[a : a + self.step].astype(np.float32)

    def dot(self, U):
        """X @ U for U (N,) or (N, k), float32."""
        out = np.empty((self.n, *U.shape[1:]), np.float32)
        U = U.astype(np.float32)
        for a, rows in self.chunks():
            out[a : a + rows.shape[0]] = rows @ U
        return out

    def tdot(self, Y):
        """X^T @ Y for Y (n,) or (n, k), accumulated in float64."""
        out = np.zeros((self.N, *Y.shape[1:]))
        for a, rows in self.chunks():
            out += rows.T @ Y[a : a + rows.shape[0]]
        return out

    def take(self, index):
        """The rows ``index`` (sorted), float32."""
        parts = []
        for start, block in zip(self.starts, self.blocks, strict=False):
            sel = index[(index >= start) & (index < start + block.shape[0])] - start
            if sel.size:
                parts.append(block[sel].astype(np.float32))
        return np.concatenate(parts) if parts else np.empty((0, self.N), np.float32)

    def column_sums(self):
        return sum(rows.sum(axis=0, dtype=np.float64) for _, rows in self.chunks())


def _rows(X):
    return X if isinstance(X, Rows) else Rows([np.asarray(X)])


def first_component(X, steps=40, seed=0, tol=1e-12):
    """(v (N,), eigenvalue) of the covariance of the rows of X (n, N; an array or ``Rows``), by
    power iteration on X^T X (never forming the N x N matrix: a few matrix-vector products cost
    n N each), at most ``steps``, stopping once the direction changes by less than ``tol``
    (1 - overlap)."""
    X = _rows(X)
    mean = X.column_sums() / X.n
    v = np.random.default_rng(seed).normal(size=X.N)
    v /= np.linalg.norm(v)
    value = 0.0
    for _ in range(steps):
        w = X.tdot(X.dot(v)) / X.n - mean * (mean @ v)
        value = float(np.linalg.norm(w))
        w = w / value
        change = 1.0 - abs(float(w @ v))
        v = w
        if change < tol:
            break
    return v, value


REFIT_STEPS = 4  # power-iteration steps per jackknife replica, from the full component


def replica_components(X, group, G, v, steps=REFIT_STEPS):
    """The leading component of the covariance of the rows of X (n, N; an array or ``Rows``)
    without each group g (``group`` (n,) in 0..G-1), by power iteration started from the full
    component ``v``: (G, N). All G replicas step together: X^T X U for the (N, G) matrix of
    their vectors is two matrix products over all data (one pass of X each, not one per
    replica), and each replica's own group's part, a pass over 1/G of the rows, is
    subtracted."""
    X = _rows(X)
    rows = [np.flatnonzero(group == g) for g in range(G)]
    total = X.column_sums()
    sums = np.stack([X.take(r).sum(axis=0, dtype=np.float64) for r in rows])  # (G, N)
    n = X.n - np.array([r.size for r in rows], dtype=np.float64)  # (G,)
    means = (total - sums) / n[:, None]  # (G, N): each replica's mean
    U = np.repeat(np.asarray(v, dtype=np.float64)[:, None], G, axis=1)  # (N, G)
    for _ in range(steps):
        XU = X.dot(U)  # (n, G)
        W = X.tdot(XU)  # (N, G): all data, every replica's vector
        for g, r in enumerate(rows):
            W[:, g] -= X.take(r).T @ XU[r, g]
        W = W / n - means.T * np.einsum("gN,Ng->g", means, U)
        U = W / np.linalg.norm(W, axis=0)
    return np.stack([orient(u) for u in U.T])


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


@dataclass(frozen=True)
class PcaAnalysis:
    """The crossings of the Binder cumulant of the first component's projections: ``rows``
    (results/tc/pca.csv), the reweighted ``curves``, the ``components`` {L: v (N,)} and the
    crossings' jackknife sidecar ``replicas``."""

    rows: list
    curves: list
    components: dict
    replicas: dict


def pca_analysis(critical, t_range=None, lattice=SQUARE):
    """PCA per Binder-grid size and the crossings of the Binder cumulant of the projections.

    ``critical``: shards (with spins) of the Binder grid, any sizes, of the model ``lattice``.
    """
    components, reweighted = {}, {}
    for L, group in by_size([(s.L, s.T, s.energy, s, s.attrs) for s in critical]).items():
        group = sorted(group, key=lambda item: item[0])
        X = Rows([s.spins for _, _, s, _ in group])  # the shards' spins, not copied
        v = orient(first_component(X)[0])
        components[L] = v
        series = [(T, e[: s.spins.shape[0]], None, attrs) for T, e, s, attrs in group]
        y = X.dot(v)[:, None]
        i, with_y = 0, []
        for T, e, _, attrs in series:
            with_y.append((T, e, y[i : i + e.size], attrs))
            i += e.size
        tables = size_tables(L, with_y, even_moments, lattice)
        rw = Reweighted(tables, where=f"pca L = {L}")
        groups, G = size_groups(with_y)
        E = np.concatenate([e * lattice.n_sites(L) for _, e, _, _ in with_y])
        level = np.searchsorted(tables.levels, np.rint(E))
        sums = []
        Y = X.dot(replica_components(X, groups, G, v).T).astype(np.float64)
        for g in range(G):
            yg, keep = Y[:, g], groups != g
            table = np.zeros((tables.levels.size, 2))
            np.add.at(table, level[keep], even_moments(yg[keep, None]))
            sums.append(table)
        rw.replica_sums = np.array(sums)
        reweighted[L] = rw
    temps = [s.T for s in critical]
    t_range = t_range or (min(temps), max(temps))
    rows, pairs = pair_rows("pca", reweighted, binder_of(0), t_range)
    curves = curve_rows(reweighted, binder_of(0), t_range, name=CURVE_COLUMN["pca"])
    replicas = replicas_json("pca", pairs)
    replicas["reweighting"] = reweighting_report(
        [(La, Lb, reweighted[La], reweighted[Lb], jack) for La, Lb, jack in pairs]
    )
    return PcaAnalysis(rows, curves, components, replicas)
