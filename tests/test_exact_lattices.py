"""The exact results of every lattice: enumeration of the 4 x 4 tori against the row transfer
matrix, the transfer matrix against the square lattice's own (exact.square) at L = 6, 8, the
limits T -> 0 and T -> infinity, and the infinite-lattice T_c and m(T) against independent
facts (duality, the star-triangle map, low-temperature series)."""

import math

import numpy as np
import pytest

from isingml import exact, lattices, physics
from isingml.exact import enumeration, rows

MODELS = {
    "square": lattices.get("square"),
    "anisotropic": lattices.get("square", (1.0, 0.5)),
    "triangular": lattices.get("triangular"),
    "honeycomb": lattices.get("honeycomb"),
}
KEYS = ("e", "e2", "C", "m2", "m4", "U4")


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("factor", [0.7, 1.0, 1.6])
def test_transfer_matrix_matches_enumeration_at_l4(model, factor):
    lat = MODELS[model]
    T = factor * lat.exact.T_c
    enum, tm = enumeration.averages(lat, 4, T), rows.moments(lat, 4, T)
    for key in KEYS:
        assert tm[key] == pytest.approx(enum[key], rel=1e-10, abs=1e-12), (model, key)


def test_enumeration_of_the_square_is_physics_own():
    ref = physics.exact_averages(4, 2.3)
    got = enumeration.averages(MODELS["square"], 4, 2.3)
    for key in ("e", "abs_m", "m2", "m4", "C", "U4"):
        assert got[key] == pytest.approx(ref[key], rel=1e-12)


@pytest.mark.parametrize("L", [6, 8])
def test_transfer_matrix_matches_the_square_lattices_own(L):
    ref = exact.moments(L, 2.3)
    got = rows.moments(MODELS["square"], L, 2.3)
    for key in KEYS:
        assert got[key] == pytest.approx(ref[key], rel=1e-9), key


@pytest.mark.parametrize("model", sorted(MODELS))
def test_limits(model):
    """T -> 0: every bond satisfied, |m| = 1; T -> infinity: free spins, <m^2> = 1/N."""
    lat = MODELS[model]
    ground = -sum(lat.direction_couplings) / 2
    cold = enumeration.averages(lat, 4, 0.02)
    assert cold["e"] == pytest.approx(ground) and cold["abs_m"] == pytest.approx(1.0)
    hot = rows.moments(lat, 6, 1e6)
    assert hot["e"] == pytest.approx(0.0, abs=1e-5) and hot["m2"] == pytest.approx(1 / 36, rel=1e-4)
    assert rows.moments(lat, 6, 0.05)["e"] == pytest.approx(ground, rel=1e-9)


def test_critical_temperatures():
    """Triangular and honeycomb from Houtappel's closed forms; the anisotropic square from
    sinh(2 J_x / T_c) sinh(2 J_y / T_c) = 1; and the star-triangle map from the honeycomb's
    K_c, exp(4 K') = cosh(3 K_c) / cosh(K_c), lands on the triangular K_c = ln(3) / 4."""
    tri, hc, an = (MODELS[m].exact.T_c for m in ("triangular", "honeycomb", "anisotropic"))
    assert tri == pytest.approx(3.6409569, abs=1e-7)
    assert hc == pytest.approx(1.5186514, abs=1e-7)
    assert an == pytest.approx(1.6410179, abs=1e-7)
    assert math.sinh(2 / an) * math.sinh(1 / an) == pytest.approx(1.0, rel=1e-12)
    K = 1 / hc
    assert math.log(math.cosh(3 * K) / math.cosh(K)) / 4 == pytest.approx(1 / tri, rel=1e-12)
    assert MODELS["square"].exact.T_c == physics.ONSAGER_TC
    assert lattices.get("square", (2.0, 2.0)).exact.T_c == pytest.approx(2 * physics.ONSAGER_TC)


def low_t_series(model, T):
    """1 - m(T) from counting the cheapest excitations: clusters of flipped spins with their
    broken bonds (each costs 2J), to the order stated; the remainder is of the next order."""
    if model == "triangular":  # one spin: 6 bonds; two: 10; next order v^6
        v = math.exp(-4 / T)
        return 2 * v**3 + 12 * v**5, v**6
    if model == "honeycomb":  # one spin: 3 bonds; two: 4 (1.5 pairs per site); next u^5
        u = math.exp(-2 / T)
        return 2 * u**3 + 6 * u**4, u**5
    Kx, Ky = 1 / T, 0.5 / T  # one spin; pairs along x and y; three in a row along x
    terms = (2, (4, 4)), (4, (4, 8)), (4, (8, 4)), (6, (4, 12))
    return sum(c * math.exp(-a * Kx - b * Ky) for c, (a, b) in terms), math.exp(-12 * Kx)


@pytest.mark.parametrize(
    ("model", "temps"),
    [("triangular", (1.0, 1.2)), ("honeycomb", (0.25, 0.3)), ("anisotropic", (0.4, 0.5))],
)
def test_spontaneous_magnetization_at_low_temperature(model, temps):
    lat = MODELS[model]
    for T in temps:
        series, order = low_t_series(model, T)
        assert abs(1 - lat.exact.magnetization(T) - series) < 50 * order, (model, T)


@pytest.mark.parametrize("model", sorted(MODELS))
def test_spontaneous_magnetization_vanishes_at_tc(model):
    ex = MODELS[model].exact
    t = np.array([0.5, 1e-2, 1e-5, 1e-7, 0.0, -0.2])
    m = ex.magnetization(ex.T_c * (1 - t))
    assert (np.diff(m) <= 0).all() and m[-2:].tolist() == [0.0, 0.0]
    amplitude = m[2:4] ** 8 / t[2:4]  # m ~ (1 - T/T_c)^(1/8): beta = 1/8 on every lattice
    assert amplitude[0] > 0 and amplitude[1] == pytest.approx(amplitude[0], rel=1e-3)


def test_correlation_length():
    """The isotropic square's is Onsager's; the anisotropic one diverges at its own T_c and
    reduces to the isotropic one (in units of the coupling) when J_x = J_y."""
    iso, an = MODELS["square"].exact, MODELS["anisotropic"].exact
    assert math.isinf(iso.correlation_length(physics.ONSAGER_TC))
    assert math.isinf(iso.correlation_length(None))
    Tc = an.T_c
    near, far = an.correlation_length(Tc * 1.001), an.correlation_length(Tc * 1.1)
    assert near > 50 * far > 0
    two = lattices.get("square", (2.0, 2.0)).exact.correlation_length
    assert two(5.0) == pytest.approx(iso.correlation_length(2.5), rel=1e-12)
    assert MODELS["triangular"].exact.correlation_length is None


def test_rejects_unsupported_arguments():
    with pytest.raises(ValueError, match="at most 16 sites"):
        enumeration.averages(MODELS["triangular"], 6, 2.0)
    with pytest.raises(ValueError, match="L <= 8"):
        rows.moments(MODELS["honeycomb"], 10, 2.0)
    with pytest.raises(ValueError, match="T = 0"):
        rows.moments(MODELS["honeycomb"], 4, 0.0)
