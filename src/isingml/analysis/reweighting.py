"""Multi-histogram reweighting of the samples of one lattice size at several temperatures.

Ferrenberg & Swendsen, Phys. Rev. Lett. 63, 1195 (1989). The samples of K temperatures are
combined into one estimate of the density of states, and the canonical average of any per-sample
observable A at any inverse temperature beta in the sampled range is

    <A>(beta) = sum_i A_i w(E_i, beta) / sum_i w(E_i, beta),
    w(E, beta) = exp(-beta E) / sum_k N_k exp(f_k - beta_k E),

with E_i the total energy of sample i, N_k the number of samples at beta_k and f_k the
dimensionless free energies that make the estimate self-consistent. They are found by Newton's
method on the convex function of Shirts & Chodera, J. Chem. Phys. 129, 124105 (2008), eq. 11,
whose minimum is that solution; it converges in a few steps where the fixed-point iteration can
need hundreds. One temperature (K = 1) is single-histogram reweighting.

The Ising energy takes few distinct values (multiples of 4), so every sum over samples is a sum
over energy levels: the data enter only as tables per level (``LevelTables``), kept per
jackknife group, and a delete-one-group estimate subtracts one group's table instead of copying
samples. The error bars come from that jackknife, which repeats the whole reweighting (the f_k
included) with one independent group left out.
"""

from dataclasses import dataclass

import numpy as np

from isingml.analysis.chains import jackknife
from isingml.errors import UserError
from isingml.numerics import binder_cumulant


def logsumexp(a, axis=None, b=None, keepdims=False):
    """log(sum(b exp(a))) along ``axis``, without overflow. scipy.special.logsumexp does the
    same with array-API dispatch that costs ~0.4 ms per call, which the root finding of the
    jackknife replicas calls thousands of times."""
    m = np.max(a, axis=axis, keepdims=True)
    e = np.exp(a - m)
    if b is not None:
        e = e * b
    out = np.log(np.sum(e, axis=axis, keepdims=True)) + m
    return out if keepdims else np.squeeze(out, axis=axis)


TOLERANCE = 1e-10  # on the change of f per Newton step
MAX_STEPS = 200
# Reweighting to beta is trusted while the weights leave at least this fraction of the samples
# of one simulated temperature effectively in play (Kish's effective sample size).
MIN_EFFECTIVE = 0.1


class Histograms:
    """Reweighting from per-level tables: energies ``levels`` (nl,), samples per level
    ``counts`` (nl,), samples per temperature ``N`` (K,) at ``betas`` (K,)."""

    def __init__(self, levels, counts, N, betas, f0=None):
        self.levels = np.asarray(levels, dtype=np.float64)
        self.counts = np.asarray(counts, dtype=np.float64)
        self.N = np.asarray(N, dtype=np.float64)
        self.betas = np.asarray(betas, dtype=np.float64)
        if np.any(self.N <= 0):
            raise UserError("every temperature of a reweighting needs samples")
        self._u = -np.outer(self.levels, self.betas)  # -beta_k E per level
        self._logN = np.log(self.N)
        self.f = self._solve(self._start() if f0 is None else np.asarray(f0, dtype=np.float64))
        self._log_d = logsumexp(self._u + self.f + self._logN, axis=1)

    def _start(self):
        """f to first order in beta: d f / d beta = <E> (f = -ln Z), with the mean energy of
        all samples; Newton does the rest."""
        mean_level = self.levels @ self.counts / self.counts.sum()
        return (self.betas - self.betas[0]) * mean_level

    def _objective(self, f):
        """Shirts & Chodera's convex function, eq. 11, and log N_k exp(f_k - beta_k E) per level."""
        a = self._u + f + self._logN
        return self.counts @ logsumexp(a, axis=1) - self.N @ f, a

    def _solve(self, f):
        value, a = self._objective(f)
        for _ in range(MAX_STEPS):
            W = np.exp(a - logsumexp(a, axis=1, keepdims=True))  # (levels, K), rows sum to 1
            cW = self.counts[:, None] * W
            grad = cW.sum(axis=0) - self.N
            hess = np.diag(cW.sum(axis=0)) - W.T @ cW  # positive semi-definite
            step = np.zeros_like(f)
            if f.size > 1:  # f is fixed up to a constant: hold f_0
                step[1:] = np.linalg.solve(hess[1:, 1:], grad[1:])
            scale = 1.0
            while True:  # backtrack while the convex function does not decrease
                trial, a_trial = self._objective(f - scale * step)
                if trial <= value + 1e-13 * abs(value) or scale < 1e-8:
                    break
                scale /= 2
            f, value, a = f - scale * step, trial, a_trial
            if np.max(np.abs(scale * step)) < TOLERANCE:
                break
        return f - f[0]

    def level_weights(self, beta):
        """Normalised weights per level at ``beta``: w(E) counts(E) sums to 1."""
        lw = -beta * self.levels - self._log_d
        lw -= logsumexp(lw, b=self.counts)
        return np.exp(lw)

    def average(self, sums, beta):
        """<A>(beta) from per-level sums of A over the samples, ``sums`` (nl, q): shape (q,)."""
        return self.level_weights(beta) @ sums

    def covariance_with_energy(self, sums, beta):
        """(<A>, <A E> - <A><E>) at ``beta`` from per-level sums of A (nl, q), E the total
        energy: the beta-derivative of <A> is minus the second (energies centred before the
        product, so nothing cancels)."""
        w = self.level_weights(beta)
        mean_e = w @ (self.levels * self.counts)
        return w @ sums, w @ ((self.levels - mean_e)[:, None] * sums)

    def effective_fraction(self, beta):
        """Kish's effective sample size at ``beta`` over the largest N_k."""
        p = self.level_weights(beta) * self.counts  # probability per level
        per_sample = np.divide(p**2, self.counts, out=np.zeros_like(p), where=self.counts > 0)
        return 1.0 / per_sample.sum() / self.N.max()


@dataclass
class LevelTables:
    """One size's samples, reduced to tables per jackknife group g and energy level l:
    ``counts`` (G, nl), samples per temperature ``N`` (G, K), and ``sums`` (G, nl, J) of the
    J moment columns. ``T`` (K,) are the simulated temperatures."""

    levels: np.ndarray
    counts: np.ndarray
    N: np.ndarray
    sums: np.ndarray
    T: np.ndarray

    @classmethod
    def build(cls, E, k, group, G, moments, T):
        """From total energies ``E`` (n,), temperature indices ``k`` (n,), jackknife groups
        ``group`` (n,) in 0..G-1 and moment columns ``moments`` (n, J)."""
        levels, level = np.unique(np.rint(E), return_inverse=True)
        nl, K = levels.size, len(T)
        counts = np.zeros((G, nl))
        np.add.at(counts, (group, level), 1.0)
        N = np.zeros((G, K))
        np.add.at(N, (group, k), 1.0)
        sums = np.zeros((G, nl, moments.shape[1]))
        np.add.at(sums, (group, level), moments)
        return cls(levels, counts, N, sums, np.asarray(T, dtype=np.float64))


class Reweighted:
    """Reweighted moment averages of one size, for the full data and each delete-one-group
    replica (index g)."""

    def __init__(self, tables: LevelTables, where="reweighting"):
        self.tables, self.where = tables, where
        self.replica_sums = None  # (G, nl, J) where the observable is refitted per replica
        t = tables
        betas = 1.0 / t.T
        self.full = Histograms(t.levels, t.counts.sum(0), t.N.sum(0), betas)
        self._sums = t.sums.sum(0)
        self.replicas = [
            Histograms(
                t.levels, t.counts.sum(0) - t.counts[g], t.N.sum(0) - t.N[g], betas, self.full.f
            )
            for g in range(t.counts.shape[0])
        ]

    @property
    def n_groups(self):
        return len(self.replicas)

    def moments(self, T, g=None):
        """Moment averages (J,) at temperature T: full data (g None) or without group g."""
        if g is None:
            return self.full.average(self._sums, 1.0 / T)
        return self.replicas[g].average(self._replica_sums(g), 1.0 / T)

    def _replica_sums(self, g):
        """Per-level sums of the moments without group g. Where the per-sample quantity itself
        was refitted without group g (a principal component), ``replica_sums`` holds them."""
        if self.replica_sums is not None:
            return self.replica_sums[g]
        return self._sums - self.tables.sums[g]

    def slopes(self, T, g=None):
        """(moment averages (J,), their beta-derivatives (J,)) at temperature T: full data
        (g None) or without group g. d<A>/d beta = -(<A E> - <A><E>)."""
        if g is None:
            mean, cov = self.full.covariance_with_energy(self._sums, 1.0 / T)
        else:
            mean, cov = self.replicas[g].covariance_with_energy(self._replica_sums(g), 1.0 / T)
        return mean, -cov

    def check_range(self, T):
        """Refuse temperatures outside the sampled span or where the histograms run thin."""
        Ts = self.tables.T
        for t in np.atleast_1d(T):
            if not Ts.min() - 1e-9 <= t <= Ts.max() + 1e-9:
                raise UserError(
                    f"{self.where}: T = {t:.5f} lies outside the sampled temperatures "
                    f"{Ts.min():.4f}-{Ts.max():.4f}; reweighting only interpolates"
                )
            if self.full.effective_fraction(1.0 / t) < MIN_EFFECTIVE:
                raise UserError(
                    f"{self.where}: at T = {t:.5f} the sampled energies barely overlap "
                    f"(effective sample size below {MIN_EFFECTIVE:.0%}); add temperatures"
                )

    def curve(self, statistic, T):
        """statistic(moments) at each T of the grid ``T``, with its jackknife error."""
        value = np.array([statistic(self.moments(t)) for t in T])
        reps = np.array([[statistic(self.moments(t, g)) for t in T] for g in range(self.n_groups)])
        return value, jackknife(reps)


def cumulant(m2, m4):
    """Binder cumulant 1 - <x^4> / (3 <x^2>^2) from the two moments."""
    return binder_cumulant(m2, m4)
