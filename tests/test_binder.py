"""The Binder baseline against exact answers: reweighting of exact histograms, the crossing code
on exact curves, coverage of its error bars on independent samples from the exact distribution,
per-replica statistics, and sampled U4 against the transfer matrix."""

import functools

import numpy as np
import pytest

from exact_samples import exact_distribution, iid_series
from isingml import config, exact, physics
from isingml.analysis import (
    binder,
    chains,
    correction_models,
    corrections,
    extrapolate,
    jackknife,
    observables,
)
from isingml.analysis.jackknife import Jack
from isingml.analysis.reweighting import LevelTables, Reweighted, cumulant
from isingml.errors import UserError

Z = 4.0  # tolerance of the statistical comparisons, in standard errors


def exact_tables(L, temperatures, n=1e6):
    """LevelTables whose 'samples' are the exact distribution at each temperature with total
    weight n, split over two groups: reweighting them must be exact at any T in range."""
    dists = [exact_distribution(L, T) for T in temperatures]
    levels = np.unique(np.rint(np.concatenate([E for E, _, _ in dists])))
    G, K = 2, len(temperatures)
    counts, N, sums = np.zeros((G, levels.size)), np.zeros((G, K)), np.zeros((G, levels.size, 2))
    for i, (E, M, p) in enumerate(dists):
        lev = np.searchsorted(levels, np.rint(E))
        w = n * p / G
        for g in range(G):
            np.add.at(counts[g], lev, w)
            np.add.at(sums[g], lev, w[:, None] * np.stack([M**2, M**4], axis=1))
            N[g, i] = n / G
    return LevelTables(levels, counts, N, sums, np.asarray(temperatures, dtype=float))


@pytest.mark.parametrize("temperatures", [[2.3], [2.2, 2.3, 2.4]])
def test_reweighting_exact_histograms_is_exact(temperatures):
    """Single and multi-histogram reweighting of the exact L = 6 distribution reproduce the
    transfer matrix's U4 at temperatures between (and beyond) the simulated ones."""
    rw = Reweighted(exact_tables(6, temperatures))
    for T in (2.25, 2.3, 2.35):
        u = cumulant(*rw.moments(T))
        assert u == pytest.approx(exact.moments(6, T)["U4"], abs=1e-9), T


class ExactCurve:
    """The crossing code's view of a size (moments at T, groups, range check) on exact U4."""

    n_groups, where = 2, "exact"

    def __init__(self, L):
        self.L = L
        self.moments = functools.cache(self._moments)

    def _moments(self, T, g=None):
        mo = exact.moments(self.L, T)
        return np.array([mo["m2"], mo["m4"]])

    def check_range(self, T):
        pass

    def check_overlap(self, T):
        pass  # exact curves: no histograms to overlap


@pytest.mark.slow
def test_crossing_code_recovers_the_exact_crossing_of_8_and_12():
    """T_x(8, 12) = 2.2605572 from the transfer matrix (the audit quotes it truncated,
    2.26055); the crossing code on the exact curves must find it to 1e-6."""
    res = binder.crossing_jack(ExactCurve(8), ExactCurve(12), binder.binder_of(0), (2.24, 2.28),
                               8, 12)  # fmt: skip
    assert res.value == pytest.approx(2.2605572, abs=1e-6)
    assert res.value == pytest.approx(exact.binder_crossing(8, 12), abs=1e-7)
    assert res.err == 0.0


def test_exact_crossings_approach_tc_from_below():
    """Pairs (L, 2L): T_x < T_c, rising with L, the shift falling faster than L^-2.3 (its
    exponent tends to 1/nu + omega = 2.75 from below: 2.36, 2.46, 2.53 up to L = 7)."""
    sizes = [4, 5, 6]
    shift = np.array([physics.ONSAGER_TC - exact.binder_crossing(L, 2 * L) for L in sizes])
    assert np.all(shift > 0) and np.all(np.diff(shift) < 0)
    slopes = -np.diff(np.log(shift)) / np.diff(np.log(sizes))
    assert np.all(np.diff(slopes) > 0) and slopes[0] > 2.3 and slopes[-1] < 2.75


def test_crossing_errors_cover_the_exact_crossing():
    """Coverage: 200 data sets of independent samples from the exact distributions of L = 4 and
    8 at five temperatures, each analysed like the Binder grid (multi-histogram reweighting,
    crossing, jackknife over blocks): the pulls (T_x - exact) / sigma must have RMS between
    0.8 and 1.25 and a mean within 4 standard errors of zero. Fixed seed."""
    exact_tx = exact.binder_crossing(4, 8)
    temperatures = [2.17, 2.21, 2.25, 2.29, 2.33]
    rng = np.random.default_rng(2026)
    pulls = []
    for _ in range(200):
        rws = {
            L: Reweighted(
                binder.size_tables(L, iid_series(L, temperatures, 2000, rng), binder.even_moments)
            )  # fmt: skip
            for L in (4, 8)
        }
        res = binder.crossing_jack(rws[4], rws[8], binder.binder_of(0), (2.17, 2.33), 4, 8)
        pulls.append((res.value - exact_tx) / res.err)
    pulls = np.array(pulls)
    rms = np.sqrt(np.mean(pulls**2))
    assert 0.8 <= rms <= 1.25, f"RMS of the pulls {rms:.3f}"
    assert abs(pulls.mean()) < Z * pulls.std(ddof=1) / np.sqrt(pulls.size), pulls.mean()


def ar1_chains(R, n, a, rng):
    """R independent AR(1) chains of length n, stored time-major like a multi-spin shard."""
    x = np.empty((n, R))
    x[0] = rng.normal(size=R) / np.sqrt(1 - a * a)
    for t in range(1, n):
        x[t] = a * x[t - 1] + rng.normal(size=R)
    return x.ravel()


def test_replicas_are_analysed_as_separate_chains():
    """64 interleaved AR(1) chains (tau_int = (1 + a) / (2 (1 - a)) = 2.5 at a = 2/3): the
    per-replica tau_int finds 2.5, where the interleaved series would read about 0.5, and the
    jackknife error of the mean matches the exact sqrt(2 tau var / n) within 15 %."""
    a = 2 / 3
    rng = np.random.default_rng(5)
    x = ar1_chains(64, 400, a, rng)
    lay = chains.layout(x.size, {"n_replicas": 64, "interval": 1.0})
    tau = chains.tau_per_chain(x, lay).mean()
    assert tau == pytest.approx(2.5, rel=0.1)
    group, G, _ = chains.groups(lay, tau)
    full, loo = chains.leave_one_out_means(x[:, None], group, G)
    err = chains.jackknife(loo[:, 0])
    var = 1 / (1 - a * a)
    assert err == pytest.approx(np.sqrt(2 * 2.5 * var / x.size), rel=0.15)


def test_observables_of_a_multispin_series_measure_tau_per_replica():
    rng = np.random.default_rng(6)
    e = ar1_chains(64, 300, 0.5, rng) * 0.01 - 1.4
    m = ar1_chains(64, 300, 0.5, rng) * 0.05 + 0.6
    obs = observables.measure(e, m, 16, 2.3, n_replicas=64, interval=3.0)
    assert obs["n_chains"] == 64 and obs["n_groups"] == 64
    # tau_int of AR(1) with a = 0.5 is 1.5 samples = 4.5 sweeps at 3 sweeps per sample
    assert obs["tau_int_e_sweeps"] == pytest.approx(4.5, rel=0.15)
    plain = observables.measure(e, m, 16, 2.3)
    assert plain["tau_int_e_sweeps"] < 1.0  # the interleaved series hides it


def test_reweighting_refuses_temperatures_outside_the_samples():
    rng = np.random.default_rng(1)
    rw = Reweighted(binder.size_tables(8, iid_series(8, [2.25, 2.3], 500, rng),
                                       binder.even_moments), where="binder L = 8")  # fmt: skip
    with pytest.raises(UserError, match=r"binder L = 8: T = 2\.40000 lies outside"):
        rw.check_range([2.4])
    rw.check_range([2.27])


def size_noise(sizes, G, rng):
    """Per size: the mean of G unit-variance group values and its delete-one-group means, as a
    Jack of that size alone (the statistical part of a crossing from that size)."""
    out = {}
    for L in sizes:
        x = rng.normal(size=G)
        out[L] = Jack(float(x.mean()), {L: (x.sum() - x) / (G - 1)})
    return out


def test_extrapolation_carries_the_correlation_of_pairs_that_share_a_size():
    """Crossings (16, 32) and (32, 64) as T_c + b L^-2.75 plus noise that each size enters with
    opposite signs (as in a crossing: more U4 at L raises T_x, at L2 lowers it), so the two
    pairs are anti-correlated through L = 32. The two-pair extrapolation's error equals the
    exact propagation of each size's error through it (the weights of L = 32 from both pairs
    add), which the errors of independent pairs understate; over 400 data sets its pulls
    against the true T_c have RMS within [0.85, 1.15]. Fixed seed."""
    rng = np.random.default_rng(19)
    tc, b, x, s = physics.ONSAGER_TC, -0.3, physics.CROSSING_EXPONENT, 0.0004
    w1, w2 = np.array([-(16.0**x), 32.0**x]) / (32.0**x - 16.0**x)
    pulls, ratio = [], []
    for _ in range(400):
        n = size_noise((16, 32, 64), 40, rng)
        pair = [
            jackknife.apply(lambda a, c, L=L: tc + b * L**-x + s * (a - c), n[L], n[2 * L])
            for L in (16, 32)
        ]
        res, details = corrections.extrapolation([16, 32], pair, x)
        assert details["model"].startswith("two-pair extrapolation")
        e = {L: n[L].err for L in n}
        exact_err = s * np.sqrt((w1 * e[16]) ** 2 + ((w2 - w1) * e[32]) ** 2 + (w2 * e[64]) ** 2)
        assert res.err == pytest.approx(exact_err, rel=1e-9)
        ratio.append(np.hypot(w1 * pair[0].err, w2 * pair[1].err) / exact_err)
        pulls.append((res.value - tc) / res.err)
    rms = np.sqrt(np.mean(np.square(pulls)))
    assert 0.85 <= rms <= 1.15, rms
    assert np.mean(ratio) < 0.96  # independent pairs would understate it


def test_extrapolation_rule_is_fixed_by_the_number_of_pairs_alone():
    """Two pairs: always the middle of the two-pair extrapolations at the ends of the shift
    exponent's range, however small the predicted shift, the systematic half their
    difference and in the total error; three pairs: U4's calibrated range is fitted over them
    at its ends (chi^2 reported), any other crossing's exponent is fitted (pairs shifting
    exactly as L^-2.75 give it back), no systematic; one pair: not extrapolated."""
    tc = physics.ONSAGER_TC
    exact_pairs = [jackknife.constant(tc - 0.3 * L**-2.75) for L in (8, 16, 32)]
    rng = np.random.default_rng(5)
    noise = size_noise((8, 16, 32, 64), 30, rng)
    pairs = [jackknife.apply(lambda t, a, c: t + 1e-5 * (a - c), j, noise[L], noise[2 * L])
             for j, L in zip(exact_pairs, (8, 16, 32), strict=True)]  # fmt: skip
    two = extrapolate.pair_extrapolation([16, 32], [32, 64], pairs[1:], method="binder")
    assert two["model"].startswith("two pairs") and "T_c_err_parts" in two
    assert two["exponent_range"] == [correction_models.EXACT_SMALL_L_SHIFT, 2.75]
    assert two["T_c_err"] == pytest.approx(np.hypot(two["T_c_err_stat"], two["T_c_err_syst"]))
    assert two["T_c_err_exponent"] > 0 and "systematic" in two["exponent_note"]
    calibrated = extrapolate.pair_extrapolation([8, 16, 32], [16, 32, 64], pairs, method="binder")
    assert calibrated["model"].startswith("3 pairs, the range calibrated")
    assert calibrated["chi2_dof"] is not None and calibrated["T_c_err_syst"] > 0
    assert abs(calibrated["T_c"] - tc) < Z * calibrated["T_c_err"]
    three = extrapolate.pair_extrapolation([8, 16, 32], [16, 32, 64], pairs, method="cnn_binder")
    assert three["model"].startswith("fit") and three["T_c_err_syst"] == 0.0
    assert three["crossing_exponent"] == pytest.approx(2.75, abs=Z * three["crossing_exponent_err"])
    assert abs(three["T_c"] - tc) < Z * three["T_c_err"]
    assert "fitted" in three["exponent_note"]
    one = extrapolate.pair_extrapolation([32], [64], pairs[2:])
    assert one["model"] == "one pair: not extrapolated" and one["T_c"] == pairs[2].value


def test_exact_crossings_give_the_binder_two_pair_range():
    """The lower end of U4's two-pair shift range is the smallest local exponent of the exact
    crossings (L, 2L), L = 4, 5: read off an exactly solved lattice, not off the data."""
    shift = [physics.ONSAGER_TC - exact.binder_crossing(L, 2 * L) for L in (4, 5)]
    local = np.log(shift[0] / shift[1]) / np.log(5 / 4)
    assert correction_models.EXACT_SMALL_L_SHIFT == pytest.approx(local, abs=0.005)


@pytest.mark.parametrize("shift", [1.0, 1.3, 2.0, 2.75])
def test_exponent_range_brackets_the_limit_of_any_exponent_inside_it(shift):
    """Two pairs of the networks' crossings: the shift exponent is known only within
    [1, 2.75] (theory: x = 1/nu + omega > 1/nu = 1): exact pairs shifting as L^-shift for any
    exponent inside are extrapolated to within the stated systematic of T_c (the two-pair
    extrapolation is monotonic in the exponent; its ends bracket the limit), and each network
    is extrapolated the same way."""
    tc = physics.ONSAGER_TC
    jacks = [jackknife.constant(tc - 0.4 * L**-shift) for L in (16, 32)]
    nets = [[tc - a * L**-shift for L in (16, 32)] for a in (0.3, 0.4, 0.5)]
    out = extrapolate.pair_extrapolation([16, 32], [32, 64], jacks, network_values=nets,
                                         method="cnn_binder")  # fmt: skip
    assert out["crossing_exponent"] is None and out["exponent_range"] == [1.0, 2.75]
    lo, hi = (e["T_c"] for e in out["ends"])
    assert out["T_c"] == pytest.approx((lo + hi) / 2, abs=1e-12)
    assert out["T_c_err_syst"] == pytest.approx(abs(hi - lo) / 2, abs=1e-12)
    assert out["T_c_err_syst"] > 1e-5
    assert abs(out["T_c"] - tc) <= out["T_c_err_syst"] + 1e-12
    assert min(lo, hi) - 1e-12 <= tc <= max(lo, hi) + 1e-12
    assert np.mean(out["T_c_networks"]) == pytest.approx(out["T_c"], abs=1e-12)
    assert "between 1 and 2.75" in out["exponent_note"]


@pytest.mark.parametrize("shift", [1.3, 2.0, 2.75])
def test_three_pairs_fit_the_shift_exponent(shift):
    """Three pairs shifting exactly as L^-shift: the fit returns T_c and the exponent, for the
    ensemble and for every network, with no systematic."""
    tc = physics.ONSAGER_TC
    jacks = [jackknife.constant(tc - 0.4 * L**-shift) for L in (8, 16, 32)]
    nets = [[tc - a * L**-shift for L in (8, 16, 32)] for a in (0.3, 0.4, 0.5)]
    out = extrapolate.pair_extrapolation([8, 16, 32], [16, 32, 64], jacks, network_values=nets,
                                         method="cnn_binder")  # fmt: skip
    assert out["T_c"] == pytest.approx(tc, abs=1e-7)
    assert out["crossing_exponent"] == pytest.approx(shift, abs=1e-4)
    assert np.allclose(out["T_c_networks"], tc, atol=1e-7) and out["T_c_err_syst"] == 0


@pytest.mark.slow
@pytest.mark.parametrize("algorithm", ["multispin", "wolff"])
@pytest.mark.parametrize("L", [8, 12])
def test_sampled_binder_cumulant_against_the_transfer_matrix(chain, algorithm, L):
    """U4 at three temperatures near T_c from the sampler, with per-replica jackknife errors,
    agrees with the exact transfer-matrix value within 4 standard errors (fixed seeds)."""
    for i, T in enumerate((2.24, 2.27, 2.30)):
        plan, e, m = chain(L, T, 12_800, seed=40 + i, algorithm=algorithm)
        obs = observables.measure(e, m, L, T, plan.n_replicas, plan.interval)
        ex = exact.moments(L, T)
        for key in ("U4", "m2", "e", "C"):
            err = obs[key + "_err"]
            assert abs(obs[key] - ex[key]) <= Z * err, f"{algorithm} L={L} T={T} {key}"


def test_crossings_pair_sizes_at_a_fixed_ratio_where_the_ladder_allows():
    # a doubling ladder: (L, 2L) and successive sizes are the same pairs
    assert config.size_pairs([64, 8, 32, 16]) == [(8, 16), (16, 32), (32, 64)]
    # interleaved ladders: three pairs at ratio 2, not four at 4/3 and 3/2
    assert config.size_pairs([6, 8, 12, 16, 24]) == [(6, 12), (8, 16), (12, 24)]
    # fewer than two pairs at ratio 2: successive sizes (the extrapolation notes that b varies)
    assert config.size_pairs([8, 12, 16]) == [(8, 12), (12, 16)]
    assert config.size_pairs([8, 16]) == [(8, 16)]
