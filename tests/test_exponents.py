"""The exponents' code against exact answers: beta-derivatives from the reweighting against the
transfer matrix, the pair estimates' corrections on exact curves (which fix the correction
exponents of the extrapolation), and the coverage of their jackknife errors on independent
samples from the exact g(E, M) of L = 4 and 8."""

import math

import numpy as np
import pytest

from exact_samples import exact_distribution, iid_series
from isingml import exact
from isingml.analysis import binder, exponents
from isingml.analysis.correction_models import CORRECTION
from isingml.analysis.reweighting import LevelTables, Reweighted
from isingml.physics import EXACT_EXPONENTS

Z = 4.0  # tolerance of the statistical comparisons, in standard errors


def exact_reweighted(L, T0=2.3):
    """Reweighted whose 'samples' are the exact distribution at T0 (two groups): its averages
    and slopes at any T are the exact canonical ones."""
    E, M, p = exact_distribution(L, T0)
    levels, lev = np.unique(np.rint(E), return_inverse=True)
    cols = exponents.magnetization_moments(M[:, None])
    counts, sums = np.zeros((2, levels.size)), np.zeros((2, levels.size, 3))
    for g in range(2):
        np.add.at(counts[g], lev, 1e6 * p / 2)
        np.add.at(sums[g], lev, (1e6 * p / 2)[:, None] * cols)
    return Reweighted(LevelTables(levels, counts, np.full((2, 1), 5e5), sums, np.array([T0])))


def transfer_slopes(L, T, h=1e-5):
    """dU4/dbeta and d ln<m^2>/dbeta of the transfer matrix, by central differences in beta."""
    b = 1.0 / T
    lo, hi = exact.moments(L, 1.0 / (b - h)), exact.moments(L, 1.0 / (b + h))
    m2 = exact.moments(L, T)["m2"]
    return (hi["U4"] - lo["U4"]) / (2 * h), (hi["m2"] - lo["m2"]) / (2 * h) / m2


@pytest.mark.parametrize("L", [4, 6, 8])
def test_reweighted_slopes_equal_the_transfer_matrix(L):
    """The covariance formula inside the reweighting gives the transfer matrix's dU4/dbeta and
    d ln<m^2>/dbeta (an independent calculation: row transfer matrix, finite differences) to
    1e-6, at T_c and on both sides."""
    rw = exact_reweighted(L)
    for T in (2.2, 2.269, 2.35):
        obs = exponents.magnetization_observables(*rw.slopes(T), L)
        dU, dlnm2 = transfer_slopes(L, T)
        assert obs["dU4"] == pytest.approx(dU, rel=1e-6, abs=1e-8), T
        assert obs["dln_m2"] == pytest.approx(dlnm2, rel=1e-6), T


def exact_pair(La, Lb):
    """The pair estimates of 1/nu (dU4, d ln m^2) and gamma/nu at the exact crossing."""
    tx = exact.binder_crossing(La, Lb, xtol=1e-11)
    (ua, la), (ub, lb) = transfer_slopes(La, tx), transfer_slopes(Lb, tx)
    chi = Lb**2 * exact.moments(Lb, tx)["m2"] / (La**2 * exact.moments(La, tx)["m2"])
    r = math.log(Lb / La)
    return {"dU4": math.log(ub / ua) / r, "dln_m2": math.log(lb / la) / r, "chi": math.log(chi) / r}


def test_pair_estimates_on_exact_curves_fix_the_correction_exponents():
    """On the transfer matrix's curves, at the exact crossings of (4, 8), (5, 10) and (6, 12),
    the pair estimates' deviations from 1, 1, 7/4 shrink with L, and the effective exponent of
    that shrinking between the two largest pairs lies within the range the two-pair
    extrapolation assumes (``correction_models``, +-0.05): about 1 for d ln<m^2>/dbeta, about
    1.5 and rising towards 7/4 for dU4/dbeta and chi (measured up to (7, 14): 0.97, 1.53,
    1.62). This is the calibration on an exactly solved lattice the ranges rest on."""
    exact_values = {"dU4": 1.0, "dln_m2": 1.0, "chi": 1.75}
    sizes = (4, 5, 6)
    pairs = {L: exact_pair(L, 2 * L) for L in sizes}
    for name, y in exact_values.items():
        dev = np.array([abs(pairs[L][name] - y) for L in sizes])
        assert np.all(np.diff(dev) < 0), (name, dev)
        eff = -np.diff(np.log(dev)) / np.diff(np.log(sizes))
        lo, hi = CORRECTION[name].omega_range
        assert lo - 0.05 <= eff[-1] <= hi + 0.05, (name, eff)
        if hi > 1.5:
            assert eff[-1] > eff[0], (name, eff)  # rising towards the asymptotic exponent


def exact_pair_from_g(La, Lb):
    """Every pair estimate at the exact crossing, from exact g(E, M) (L <= 8)."""
    tx = exact.binder_crossing(La, Lb, xtol=1e-11)
    oa = exponents.magnetization_observables(*exact_reweighted(La).slopes(tx), La)
    ob = exponents.magnetization_observables(*exact_reweighted(Lb).slopes(tx), Lb)
    return exponents.pair_values(oa, ob, Lb / La)


def test_exponent_errors_cover_the_exact_pair_values():
    """Coverage: 150 data sets of independent samples from the exact distributions of L = 4
    and 8 at five temperatures, analysed like the Binder grid (reweighting, crossing, every
    pair estimate at the sample's own crossing, jackknife through both): for each estimate the
    pulls against its exact value at the exact crossing have RMS in [0.8, 1.25] and a mean
    within 4 standard errors of zero. Fixed seed."""
    truth = exact_pair_from_g(4, 8)
    temperatures = [2.17, 2.21, 2.25, 2.29, 2.33]
    rng = np.random.default_rng(2027)
    pulls = {name: [] for name in truth}
    for _ in range(150):
        rws = {
            L: Reweighted(
                binder.size_tables(
                    L, iid_series(L, temperatures, 2000, rng), exponents.magnetization_moments
                )
            )  # fmt: skip
            for L in (4, 8)
        }
        tx = binder.crossing_jack(rws[4], rws[8], binder.binder_of(0), (2.17, 2.33), 4, 8)
        est = exponents.pair_estimates(rws[4], rws[8], 4, 8, tx,
                                       exponents.magnetization_observables)  # fmt: skip
        for name, j in est.items():
            pulls[name].append((j.value - truth[name]) / j.err)
    for name, p in pulls.items():
        p = np.array(p)
        rms = np.sqrt(np.mean(p**2))
        assert 0.8 <= rms <= 1.25, (name, rms)
        assert abs(p.mean()) < Z * p.std(ddof=1) / np.sqrt(p.size), (name, p.mean())


def test_summary_of_two_pairs_quotes_du4_and_ties_beta_to_gamma():
    """From two pairs of exact-valued estimates lying on y + c L^-w with w at the top of each
    estimate's range, the extrapolation at that end recovers the exponent and the headline
    (the middle of the two ends) lies within its systematic of it; 1/nu is dU4's alone with
    the log-derivatives as checks; beta/nu is marked as tied to gamma/nu and the hyperscaling
    check gamma/nu + 2 beta/nu - 2 is zero within its error; nu is 1/(1/nu); the headlines'
    replicas are there for the covariance."""
    from isingml.analysis.jackknife import Jack

    rng = np.random.default_rng(1)
    per_pair = []
    for L in (16, 32):
        noise = {k: rng.normal(size=20) * 1e-3 for k in (L, 2 * L)}
        est = {}
        for name, kind in exponents.MEASURES.items():
            if name == "dU_phi":
                continue
            y = EXACT_EXPONENTS[kind] + 0.2 * L ** -CORRECTION[name].omega_range[1]
            est[name] = Jack(y, {k: y + v - v.mean() for k, v in noise.items()})
        per_pair.append((L, 2 * L, est))
    out = exponents.summarise("binder", per_pair)
    for name in ("dU4", "dln_abs_m", "dln_m2", "chi", "abs_m"):
        e = out["estimates"][name]
        exact_value = EXACT_EXPONENTS[exponents.MEASURES[name]]
        assert e["ends"][1]["value"] == pytest.approx(exact_value, abs=1e-9)
        assert 0 < abs(e["value"] - exact_value) <= e["systematic"] + 1e-12
        assert e["omega_range"] == list(CORRECTION[name].omega_range)
        assert e["err"] == pytest.approx(math.hypot(e["err_stat"], e["systematic"]))
    assert out["inv_nu"]["from"] == ["dU4"]
    assert out["inv_nu"]["value"] == out["estimates"]["dU4"]["value"]
    assert set(out["inv_nu"]["checks"]) == {"dln_abs_m", "dln_m2"}
    assert out["nu"]["value"] == pytest.approx(1.0 / out["inv_nu"]["value"])
    assert out["beta_over_nu"]["tied_to"] == "gamma_over_nu"
    h = out["hyperscaling"]
    gamma, beta = out["gamma_over_nu"]["value"], out["beta_over_nu"]["value"]
    assert h["value"] == pytest.approx(gamma + 2 * beta - 2, abs=1e-12)
    syst = out["gamma_over_nu"]["systematic"] + 2 * out["beta_over_nu"]["systematic"]
    assert abs(h["value"]) <= syst + Z * h["err"]
    assert set(out["replicas"]) == {"inv_nu", "gamma_over_nu", "beta_over_nu"}
