"""The multi-histogram solver against exact free energies, its refusal of data it cannot solve,
and the overlap check at the crossings, which must fail for a grid too sparse for its size.

Statistical comparisons allow 4 standard errors and fix their seeds.
"""

import numpy as np
import pytest

from exact_samples import density_of_states, exact_distribution, iid_series
from isingml.analysis import binder, histograms
from isingml.analysis.histograms import Histograms, ReweightingError
from isingml.analysis.reweighting import MIN_EFFECTIVE, OverlapError, Reweighted

Z = 4.0


def log_z(L, T):
    """ln Z of the L x L torus at T from its exact density of states."""
    e, _, g = density_of_states(L)
    ge = g.sum(axis=1)
    a = np.log(ge) - e * L * L / T
    return float(a.max() + np.log(np.exp(a - a.max()).sum()))


def exact_histograms(L, temperatures, n=1e6, **kw):
    """Histograms whose level counts are the exact expected counts of n samples per T."""
    levels, counts = None, 0.0
    for T in temperatures:
        E, _, p = exact_distribution(L, T)
        lv, idx = np.unique(np.rint(E), return_inverse=True)
        c = np.zeros(lv.size)
        np.add.at(c, idx, n * p)
        levels, counts = lv, counts + c
    N = np.full(len(temperatures), n)
    return Histograms(levels, counts, N, 1.0 / np.asarray(temperatures), **kw)


def sampled_histograms(L, temperatures, n, seed, **kw):
    series = iid_series(L, temperatures, n, np.random.default_rng(seed))
    E = np.concatenate([e * L * L for _, e, _, _ in series])
    levels, counts = np.unique(np.rint(E), return_counts=True)
    N = np.full(len(temperatures), float(n))
    return Histograms(levels, counts, N, 1.0 / np.asarray(temperatures), **kw)


def test_solver_reproduces_exact_free_energies_from_exact_histograms():
    """Exact expected counts of the 4 x 4 torus at three temperatures: f_k - f_0 must be
    ln Z(T_0) - ln Z(T_k) from enumeration, to the solver's tolerance, converged in a few
    Newton steps."""
    temperatures = [1.8, 2.3, 3.0]
    h = exact_histograms(4, temperatures)
    exact_f = [log_z(4, temperatures[0]) - log_z(4, T) for T in temperatures]
    np.testing.assert_allclose(h.f, exact_f, atol=1e-8)
    assert h.residual < histograms.RESIDUAL_TOL and 1 <= h.iterations <= 20


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_solver_free_energies_from_samples_agree_with_enumeration(seed):
    """20,000 independent samples of the exact 4 x 4 distribution at T = 2.0 and 2.6: the
    solved f_1 - f_0 agrees with the ln Z ratio from enumeration within 4 of its standard
    errors (inverse Hessian), and that error is small (the histograms overlap)."""
    temperatures = [2.0, 2.6]
    h = sampled_histograms(4, temperatures, 20_000, seed)
    exact_df = log_z(4, temperatures[0]) - log_z(4, temperatures[1])
    assert 0 < h.f_err[1] < 0.05
    assert abs(h.f[1] - exact_df) <= Z * h.f_err[1], (h.f[1], exact_df, h.f_err[1])
    assert h.residual < histograms.RESIDUAL_TOL


def test_solver_only_steps_downhill_and_recovers_from_a_bad_start():
    """Started far from the solution (free energies off by tens), every step the solver takes
    lowers the convex function, and it still converges to the exact answer."""
    steps = []

    class Traced(Histograms):
        def _descent_step(self, W, assigned, hess):
            s = super()._descent_step(W, assigned, hess)
            steps.append(float(self._change(W, s)))
            return s

    temperatures = [1.8, 2.3, 3.0]
    exact = exact_histograms(4, temperatures)
    bad = Traced(exact.levels, exact.counts, exact.N, exact.betas, f0=np.array([0.0, 60.0, -40.0]))
    assert steps and all(c < 0 for c in steps), steps
    np.testing.assert_allclose(bad.f, exact.f, atol=1e-8)


def test_solver_refuses_histograms_that_do_not_overlap():
    """Samples of the 6 x 6 torus at T = 1 (all near the ground state) and T = 20 (near e = 0)
    share no energy level: the ratio of their partition functions is not in the data, and the
    solver says so with its named error instead of returning a number."""
    with pytest.raises(ReweightingError, match=r"binder L = 6: .*(overlap|converge)"):
        sampled_histograms(6, [1.0, 20.0], 5000, 4, where="binder L = 6")


def test_solver_gives_up_with_a_named_error_when_it_cannot_converge(monkeypatch):
    """A solver out of steps raises, reporting its residual, rather than returning an
    unconverged answer."""
    monkeypatch.setattr(histograms, "MAX_STEPS", 0)
    with pytest.raises(ReweightingError, match=r"did not converge in 0 steps \(relative residual"):
        exact_histograms(4, [1.8, 2.3, 3.0], where="binder L = 4")


def crossing(grid_a, grid_b, n, seed, sizes=(4, 8)):
    rng = np.random.default_rng(seed)
    rws = {
        L: Reweighted(binder.size_tables(L, iid_series(L, grid, n, rng), binder.even_moments),
                      where=f"binder L = {L}")
        for L, grid in zip(sizes, (grid_a, grid_b), strict=True)
    }  # fmt: skip
    lo = max(min(grid_a), min(grid_b))
    hi = min(max(grid_a), max(grid_b))
    return rws, binder.crossing_jack(rws[sizes[0]], rws[sizes[1]], binder.binder_of(0), (lo, hi),
                                     *sizes)  # fmt: skip


def test_overlap_check_passes_a_dense_grid_at_the_crossing():
    """L = 4 and 8 on a grid like the tiny run's (spacing 0.04, far below the energy
    histograms' width at L = 8): both sizes cover the crossing with more than a run's worth of
    effective samples."""
    grid = [2.17, 2.21, 2.25, 2.29, 2.33]
    rws, jack = crossing(grid, grid, 4000, 8)
    assert np.isfinite(jack.value)
    for rw in rws.values():
        assert rw.overlap(jack.value).fraction > 1.0


def test_overlap_check_fails_at_the_crossing_of_a_grid_too_sparse_for_its_size():
    """L = 8 simulated only at T = 1.6 and 3.4 (L = 4 densely): its histograms are several
    widths apart, the crossing near 2.3 lies in neither, and the check names the size, the
    crossing temperature and the remedy. At the simulated temperatures themselves the same
    data pass, which is why the check must be made at the crossing."""
    dense = list(np.linspace(1.6, 3.4, 19))
    rng = np.random.default_rng(9)
    sparse = Reweighted(binder.size_tables(8, iid_series(8, [1.6, 3.4], 4000, rng),
                                           binder.even_moments), where="binder L = 8")  # fmt: skip
    for T in (1.6, 3.4):
        assert sparse.overlap(T).fraction >= MIN_EFFECTIVE
    with pytest.raises(OverlapError, match=r"binder L = 8: at the crossing T = 2\.\d+ .* denser"):
        crossing(dense, [1.6, 3.4], 4000, 9)


# The default Binder grid as config.yaml gave it before `binder.temperatures: auto` (2.269 +-
# 0.012 in steps of 0.006): its largest size, L = 64, has the narrowest energy histograms.
DEFAULT_GRID = [2.257, 2.263, 2.269, 2.275, 2.281]


def sampled_size(chain, L, grid, n, seed):
    series = []
    for i, T in enumerate(grid):
        plan, e, m = chain(L, T, n, seed=seed + i, algorithm="wolff")
        series.append((T, e, m[:, None], {"n_replicas": plan.n_replicas, "interval": 1.0}))
    return Reweighted(binder.size_tables(L, series, binder.even_moments), where=f"binder L = {L}")


@pytest.mark.slow
def test_overlap_at_the_largest_size_of_the_default_grid_and_of_a_sparse_one(chain):
    """L = 64 sampled (Wolff, 2000 samples per T) on the default grid: wherever in its span a
    crossing falls, the histograms cover it. The same size on a grid 20 times as sparse (2.209
    and 2.329: the energy histograms, ~200 wide, are ~1000 apart) passes near its simulated
    temperatures and fails midway, where a crossing near T_c would lie; its free energies are
    still determined (the solver does not refuse it). Fixed seeds."""
    dense = sampled_size(chain, 64, DEFAULT_GRID, 2000, 60)
    for T in np.linspace(DEFAULT_GRID[0], DEFAULT_GRID[-1], 25):
        assert dense.check_overlap(T).fraction >= MIN_EFFECTIVE
    sparse = sampled_size(chain, 64, [2.209, 2.329], 2000, 70)
    assert sparse.full.f_err[1] < histograms.MAX_FREE_ENERGY_ERR
    sparse.check_overlap(2.215)
    with pytest.raises(OverlapError, match=r"binder L = 64: at the crossing T = 2\.26900 "):
        sparse.check_overlap(2.269)
