"""The transfer-matrix results of ``isingml.exact`` against independent exact answers.

Everything here is exact, so the tolerances are those of float64 arithmetic, or of the stated
approximation where one is made (a finite difference, an asymptotic limit).
"""

import math

import numpy as np
import pytest

from isingml import exact, physics

KEYS = ("e", "C", "m2", "m4", "U4")


@pytest.mark.parametrize("L", [2, 3, 4])
@pytest.mark.parametrize("T", [1.5, 2.27, 3.5])
def test_moments_match_enumeration(L, T):
    got, ref = exact.moments(L, T), physics.exact_averages(L, T)
    for key in KEYS:
        assert got[key] == pytest.approx(ref[key], rel=1e-10), key


def _enumerated_histogram(L):
    """Counts of the (E, M) pairs of all 2^(L^2) configurations, keyed by integer E and M."""
    e, m = physics.enumerate_states(L)
    n = L * L
    pairs, counts = np.unique(np.rint(np.c_[e, m] * n).astype(int), axis=0, return_counts=True)
    return {tuple(p): int(c) for p, c in zip(pairs, counts, strict=True)}


def test_density_of_states_matches_enumeration():
    L = 4
    e, m, g = exact.density_of_states(L)
    i, j = np.nonzero(g)
    got = {(round(e[a] * L * L), round(m[b] * L * L)): g[a, b] for a, b in zip(i, j, strict=True)}
    assert got == _enumerated_histogram(L)


@pytest.mark.parametrize("L", [4, 6])
def test_density_of_states_counts_every_configuration(L):
    _, _, g = exact.density_of_states(L)
    assert g.sum() == 2.0 ** (L * L)  # exact: 2^36 < 2^53
    assert np.all(g == np.rint(g))


def _moments_from_counts(L, T):
    e, m, g = exact.density_of_states(L)
    n = L * L
    p = g * np.exp(-(e - e[0])[:, None] * n / T)
    p /= p.sum()
    pe, pm = p.sum(axis=1), p.sum(axis=0)
    e1, e2, m2, m4 = pe @ e, pe @ e**2, pm @ m**2, pm @ m**4
    return {"e": e1, "C": n * (e2 - e1**2) / T**2, "m2": m2, "m4": m4, "U4": 1 - m4 / (3 * m2**2)}


@pytest.mark.parametrize("T", [1.9, 2.6])
def test_density_of_states_reproduces_moments(T):
    got, ref = _moments_from_counts(6, T), exact.moments(6, T)
    for key in KEYS:
        assert got[key] == pytest.approx(ref[key], rel=1e-9), key


@pytest.mark.parametrize("L", [3, 4, 12])
def test_low_temperature_limit(L):
    # the first excitation costs 8 and there are N of them: corrections ~ N exp(-160) at T = 0.05
    got = exact.moments(L, 0.05)
    assert got["e"] == pytest.approx(-2.0, rel=1e-14)
    assert got["m2"] == pytest.approx(1.0, rel=1e-14)
    assert got["m4"] == pytest.approx(1.0, rel=1e-14)
    assert got["U4"] == pytest.approx(2.0 / 3.0, rel=1e-14)
    assert got["C"] < 1e-60


@pytest.mark.parametrize("L", [3, 4, 12])
def test_high_temperature_limit(L):
    # Free spins: <M^2> = N and <M^4> = 3N^2 - 2N (the N(N-1) pairs i != j contribute 3 each,
    # the N terms i = j one each), so U4 = 2 / (3N), not 0. The 2N bonds are pairwise
    # uncorrelated for L >= 3 (for L = 2 each pair of sites carries two bonds), so <E^2> = 2N.
    n = L * L
    free = exact.moments(L, np.inf)
    assert free["e"] == 0.0 and free["C"] == 0.0
    assert free["e2"] == pytest.approx(2.0 / n, rel=1e-12)
    assert free["m2"] == pytest.approx(1.0 / n, rel=1e-12)
    assert free["m4"] == pytest.approx((3.0 * n * n - 2.0 * n) / n**4, rel=1e-12)
    assert free["U4"] == pytest.approx(2.0 / (3.0 * n), rel=1e-10)


@pytest.mark.parametrize("L", [4, 12])
def test_high_temperature_series(L):
    # Leading terms, v = tanh(1/T): the nearest-neighbour correlation is v + O(v^3) and
    # chi = N <m^2> = 1 + 4v + 12v^2 + ... (4 neighbours one bond away, 12 two-bond walks to
    # the 8 sites two steps away); at T = 1e6 the next terms are below 1e-17 and 1.2e-11.
    # L = 3 is excluded: there a bond closes a loop around the torus with two more bonds,
    # adding v^2. e is computed as -2 + <E - E0> / N, so its error is absolute, ~1e-14,
    # rather than relative to e ~ -2e-6.
    T = 1e6
    v = math.tanh(1.0 / T)
    hot = exact.moments(L, T)
    assert hot["e"] == pytest.approx(-2.0 * v, abs=1e-12)
    assert hot["m2"] * L * L == pytest.approx(1.0 + 4.0 * v, rel=1e-10)


def _kaufman_log_z(L, K):
    """ln Z of the L x L torus (Kaufman, Phys. Rev. 76, 1232 (1949), in the notation of
    Ferdinand & Fisher, Phys. Rev. 185, 832 (1969)), at coupling K = 1/T."""
    k = np.arange(2 * L)
    gamma = np.arccosh(np.cosh(2 * K) / np.tanh(2 * K) - np.cos(np.pi * k / L))
    gamma[0] = 2 * K + np.log(np.tanh(K))  # signed: negative above T_c
    half_odd, half_even = L * gamma[1::2] / 2, L * gamma[0::2] / 2
    parts = [np.prod(2 * f(h)) for h in (half_odd, half_even) for f in (np.cosh, np.sinh)]
    return L * L / 2 * np.log(2 * np.sinh(2 * K)) + np.log(sum(parts) / 2)


@pytest.mark.parametrize("L", [4, 7, 12])
@pytest.mark.parametrize("T", [1.5, 2.27, 3.0])
def test_energy_matches_kaufman(L, T):
    # <e> = -(d ln Z / dK) / N by a central difference with step 1e-5: the truncation error is
    # ~1e-10 times the third derivative and the rounding ~1e-16 ln Z / 1e-5, together < 1e-8.
    K, dK = 1.0 / T, 1e-5
    e = -(_kaufman_log_z(L, K + dK) - _kaufman_log_z(L, K - dK)) / (2 * dK) / L**2
    assert exact.moments(L, T)["e"] == pytest.approx(e, abs=1e-8)


def test_energy_approaches_onsager():
    # The torus's finite-size correction to <e> above T_c falls off as exp(-L / xi) with
    # xi = 1 / |2K + ln tanh K| = 2.14 at T = 3 (Onsager's row correlation length), i.e.
    # exp(-12 / 2.14) = 3.6e-3 at L = 12: the difference is 2.9e-3, too large for 1e-3.
    T, L = 3.0, 12
    xi = 1.0 / abs(2.0 / T + math.log(math.tanh(1.0 / T)))
    diff = exact.moments(L, T)["e"] - physics.onsager_energy(T)
    assert abs(diff) < math.exp(-L / xi)
    assert abs(exact.moments(L - 2, T)["e"] - physics.onsager_energy(T)) > abs(diff)


# Crossings from an auditor's independent row transfer matrix. They are read as truncated,
# not rounded: ours are 2.2486223, 2.2605572 and 2.2627617, and U4_8 - U4_12 = -1.4e-7 (not 0)
# still at 2.260556, the top of the rounding window of 2.26055; all three fit truncation.
@pytest.mark.parametrize(
    ("La", "Lb", "quoted", "decimals"),
    [(6, 8, 2.2486, 4), (8, 12, 2.26055, 5), (10, 12, 2.26276, 5)],
)
def test_binder_crossings(La, Lb, quoted, decimals):
    T = exact.binder_crossing(La, Lb, xtol=1e-7)
    assert quoted - 1e-6 <= T <= quoted + 10.0**-decimals + 1e-6
    below, above = (
        exact.moments(La, t)["U4"] - exact.moments(Lb, t)["U4"] for t in (T - 2e-7, T + 2e-7)
    )
    assert below * above < 0, "brentq did not return a sign change of U4_La - U4_Lb"


def test_orbit_reduction_matches_every_first_row():
    # The symmetry reduction of the trace against the plain sum over all 2^L first rows.
    L, beta = 6, 1.0 / 2.3
    from isingml.exact import square

    weights = square._row_weights(L, beta, 1.0), square._row_weights(L, beta, 0.5)
    w = math.exp(-2.0 * beta)
    reduced = square._moment_trace(L, w, *square._orbits(L), *weights)
    every = square._moment_trace(L, w, np.arange(2**L), np.ones(2**L), *weights)
    even = [0, 1, 2, 4, 6]  # the odd powers of h cancel only between flipped first rows
    np.testing.assert_allclose(reduced[even], every[even], rtol=1e-12)


def test_rejects_unsupported_arguments():
    with pytest.raises(ValueError, match="L = 1"):
        exact.moments(1, 2.0)
    with pytest.raises(ValueError, match="T = 0"):
        exact.moments(4, 0.0)
    with pytest.raises(ValueError, match="L = 9"):
        exact.density_of_states(9)
