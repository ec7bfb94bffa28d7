"""Multi-histogram reweighting of the samples of one lattice size at several temperatures.

Ferrenberg & Swendsen, Phys. Rev. Lett. 63, 1195 (1989). The samples of K temperatures are
combined into one estimate of the density of states, and the canonical average of any per-sample
observable A at any inverse temperature beta in the sampled range is

    <A>(beta) = sum_i A_i w(E_i, beta) / sum_i w(E_i, beta),
    w(E, beta) = exp(-beta E) / sum_k N_k exp(f_k - beta_k E),

with E_i the total energy of sample i, N_k the number of samples at beta_k and f_k the
dimensionless free energies that make the estimate self-consistent, found by
``histograms.Histograms`` (Newton's method on a convex function, checked for convergence and
refused where the data do not determine them: ``histograms.ReweightingError``). Every
temperature a result is read at (a crossing) is checked for the histograms' overlap
(``Reweighted.check_overlap``, ``OverlapError``). One temperature (K = 1) is single-histogram
reweighting.

The Ising energy takes few distinct values (multiples of 4), so every sum over samples is a sum
over energy levels: the data enter only as tables per level (``LevelTables``), kept per
jackknife group, and a delete-one-group estimate subtracts one group's table instead of copying
samples. The error bars come from that jackknife, which repeats the whole reweighting (the f_k
included) with one independent group left out.
"""

from dataclasses import dataclass

import numpy as np

from isingml.analysis.chains import jackknife
from isingml.analysis.histograms import Histograms
from isingml.errors import UserError
from isingml.numerics import binder_cumulant

# A temperature T (a crossing) is trusted while the reweighted ensemble there keeps at least
# this fraction of the samples of the nearest simulated temperature effectively in play
# (Kish's effective sample size): its estimate is then at most sqrt(2) noisier than at a
# simulated point. Between two runs of N samples whose histograms are Gaussians of equal
# width, the fraction at the midpoint is 1.6 with the peaks 2 widths apart, 0.53 at 4, 0.20
# at 5, 0.06 at 6 (n_eff / N = 2 / E[w^2] over the two runs' mixture, w = p_mid / p_mix): the
# check asks that a crossing lie within about two histogram widths of the runs on either side
# (the histograms overlap, as Ferrenberg & Swendsen require), well before the free energies
# themselves become undetermined.
MIN_EFFECTIVE = 0.5


class OverlapError(UserError):
    """A temperature (a crossing) where the reweighted histograms of one size barely overlap."""


@dataclass(frozen=True)
class Overlap:
    """How well one size's histograms cover temperature ``T``: Kish's effective number of
    samples of the reweighted ensemble there, ``n_eff``, against the ``nearest_N`` samples of
    the nearest simulated temperature ``nearest_T`` (in beta). ``fraction`` is about 1 or more
    on a dense grid (neighbours add samples) and falls off exponentially between simulated
    temperatures whose energy histograms are more than a few widths apart."""

    T: float
    n_eff: float
    nearest_T: float
    nearest_N: float

    @property
    def fraction(self):
        return self.n_eff / self.nearest_N

    def to_json(self):
        return {"T": self.T, "n_eff": self.n_eff, "nearest_T": self.nearest_T,
                "nearest_N": self.nearest_N, "fraction": self.fraction}  # fmt: skip


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
        self.full = Histograms(t.levels, t.counts.sum(0), t.N.sum(0), betas, where=where)
        self._sums = t.sums.sum(0)
        self.replicas = [
            Histograms(t.levels, t.counts.sum(0) - t.counts[g], t.N.sum(0) - t.N[g], betas,
                       self.full.f, where=f"{where} (jackknife group {g} left out)")
            for g in range(t.counts.shape[0])
        ]  # fmt: skip

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
        """Refuse temperatures outside the sampled span: reweighting only interpolates."""
        Ts = self.tables.T
        for t in np.atleast_1d(T):
            if not Ts.min() - 1e-9 <= t <= Ts.max() + 1e-9:
                raise UserError(
                    f"{self.where}: T = {t:.5f} lies outside the sampled temperatures "
                    f"{Ts.min():.4f}-{Ts.max():.4f}; reweighting only interpolates"
                )

    def overlap(self, T):
        """The histograms' overlap at temperature T (``Overlap``)."""
        k = int(np.argmin(np.abs(1.0 / self.tables.T - 1.0 / T)))
        n_eff = self.full.effective_samples(1.0 / T)
        return Overlap(float(T), float(n_eff), float(self.tables.T[k]), float(self.full.N[k]))

    def check_overlap(self, T, what="crossing"):
        """The ``Overlap`` at T; OverlapError where it is below MIN_EFFECTIVE. Called at every
        temperature a result is read at (a crossing), which lies between simulated ones."""
        o = self.overlap(T)
        if not o.fraction >= MIN_EFFECTIVE:
            raise OverlapError(
                f"{self.where}: at the {what} T = {o.T:.5f} the reweighted ensemble rests on "
                f"{o.n_eff:.0f} effective samples, {o.fraction:.1%} of the {o.nearest_N:.0f} at "
                f"the nearest simulated temperature {o.nearest_T:.4f} (at least "
                f"{MIN_EFFECTIVE:.0%} needed): the energy histograms barely overlap there. Give "
                f"this size a denser temperature grid around T = {o.T:.4f}"
            )
        return o

    def solver_report(self):
        """The multi-histogram solver's iterations and final residual: the full data's, and
        the worst over the jackknife replicas."""
        out = self.full.solver_report()
        reps = [h.solver_report() for h in self.replicas]
        if reps:
            out["replica_iterations_max"] = max(r["iterations"] for r in reps)
            out["replica_residual_max"] = max(r["residual"] for r in reps)
        return out

    def curve(self, statistic, T):
        """statistic(moments) at each T of the grid ``T``, with its jackknife error."""
        value = np.array([statistic(self.moments(t)) for t in T])
        reps = np.array([[statistic(self.moments(t, g)) for t in T] for g in range(self.n_groups)])
        return value, jackknife(reps)


def cumulant(m2, m4):
    """Binder cumulant 1 - <x^4> / (3 <x^2>^2) from the two moments."""
    return binder_cumulant(m2, m4)
