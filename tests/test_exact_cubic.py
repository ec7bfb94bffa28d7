"""The layer transfer matrix of ``exact.cubic`` against independent exact answers: the square
lattice's row transfer matrix (its own code, ``exact.rows``) on the tori it also takes, and on
the 4 x 4 x 4 cube the limits T -> 0 and T -> infinity, the high-temperature expansion's first
term (the torus' closed loops of four bonds), and <e> as -d ln Z / d beta."""

import math

import numpy as np
import pytest

from isingml import lattices
from isingml.exact import cubic, enumeration, rows

CUBIC = lattices.get("cubic")


@pytest.mark.parametrize("L", [4, 6, 8])
@pytest.mark.parametrize("T", [1.5, 2.269, 3.5])
def test_square_tori_agree_with_the_row_transfer_matrix(L, T):
    """The same algebra on rings of L sites stacked L times: the L x L square torus."""
    got, want = cubic.moments(lattices.SQUARE, L, T), rows.moments(lattices.SQUARE, L, T)
    for key in ("e", "m2", "m4", "U4"):
        assert got[key] == pytest.approx(want[key], rel=1e-12, abs=1e-13), key
    if L == 4:
        assert got["e"] == pytest.approx(enumeration.averages(lattices.SQUARE, 4, T)["e"])


def test_the_4x4_layer_is_the_four_cube():
    """C4 x C4 is the 4-cube Q4: 2^4 4! = 384 automorphisms, each mapping bonds onto bonds; the
    orbits of the 2^16 layer states (with the flip) cover them all."""
    _, _, adj, d = cubic._layer(CUBIC, 4)
    perms = cubic.automorphisms(adj)
    assert d == 3 and adj.shape == (16, 16) and adj.sum(axis=1).tolist() == [4.0] * 16
    assert perms.shape == (384, 16) and len({tuple(p) for p in perms}) == 384
    for p in perms:
        np.testing.assert_array_equal(adj[np.ix_(p, p)], adj)
    reps, sizes = cubic.orbits(perms, 16)
    assert sizes.sum() == 2**16 and len(reps) == 222


def test_limits_of_the_cube():
    cold, hot = cubic.moments(CUBIC, 4, 0.3), cubic.moments(CUBIC, 4, 1e4)
    assert cold["e"] == pytest.approx(-3.0, abs=1e-12) and cold["U4"] == pytest.approx(2 / 3)
    K = 1e-4  # e = -3 tanh K + O(K^3); <m^2> = (1 + 6 K + O(K^2)) / N
    assert hot["e"] == pytest.approx(-3 * math.tanh(K), rel=1e-6)
    assert hot["m2"] == pytest.approx((1 + 6 * K) / 64, rel=1e-5)


def test_high_temperature_expansion_of_the_cube():
    """Z = 2^N cosh(K)^(3N) (1 + n_4 t^4 + O(t^6)), t = tanh K, n_4 the closed subgraphs of
    four bonds: 3 N plaquettes and, on the L = 4 torus, 3 L^2 straight loops around it."""
    K = 0.01
    t, N = math.tanh(K), 64
    rest = cubic.log_partition(CUBIC, 4, 1 / K) - N * math.log(2) - 3 * N * math.log(math.cosh(K))
    assert rest == pytest.approx((3 * N + 3 * 16) * t**4, rel=1e-2)


@pytest.mark.parametrize("T", [3.5, 4.5115233, 6.0])
def test_energy_is_the_derivative_of_ln_z(T):
    """<e> from the layers' energy and the cube's symmetry against -(1/N) d ln Z / d beta by a
    central difference (error ~ h^2: below 1e-6 here)."""
    beta, h = 1 / T, 1e-4
    lnz = [cubic.log_partition(CUBIC, 4, 1 / (beta + s * h)) for s in (1, -1)]
    assert cubic.moments(CUBIC, 4, T)["e"] == pytest.approx(-(lnz[0] - lnz[1]) / (2 * h) / 64,
                                                           abs=2e-6)  # fmt: skip


def test_lattices_the_layers_cannot_take_are_refused():
    with pytest.raises(ValueError, match="isotropic"):
        cubic.moments(lattices.get("square", (1.0, 0.5)), 4, 2.0)
    with pytest.raises(ValueError, match="at most 16 sites"):
        cubic.moments(CUBIC, 6, 4.5)
