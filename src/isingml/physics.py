"""Exact results for the 2D Ising model on the square lattice (J = 1, h = 0, k_B = 1).

Used as references by the tests and the analysis; nothing here samples.
"""

import math

import numpy as np
from scipy.special import ellipk

from isingml.numerics import binder_cumulant

ONSAGER_TC = 2.0 / math.log(1.0 + math.sqrt(2.0))  # 2.269185314213022...
NU = 1.0  # correlation-length exponent of the 2D Ising model
BETA = 0.125  # magnetization exponent
GAMMA = 1.75  # susceptibility exponent
# The exponent ratios that finite-size scaling measures (results/exponents/*.json keys).
EXACT_EXPONENTS = {"inv_nu": 1.0 / NU, "gamma_over_nu": GAMMA / NU, "beta_over_nu": BETA / NU}
# Crossings of the Binder cumulant of two sizes at a fixed ratio approach T_c as L^-(1/nu + omega)
# (Binder 1981). In the 2D Ising model the leading correction to U4 comes from its analytic
# background, omega = 7/4 (Salas & Sokal, J. Stat. Phys. 98, 551 (2000)), not from an
# irrelevant field (which would give omega = 2): the shift goes as L^-2.75. Checked against the
# exact crossings of isingml.exact.square (tests/test_binder.py).
OMEGA = 1.75
CROSSING_EXPONENT = 1.0 / NU + OMEGA
# The Binder cumulant at T_c of the isotropic square L x L torus as L -> infinity: 1 - 1/(3Q),
# Q = <m^2>^2/<m^4> = 0.856216 (Kamieniarz & Bloete, J. Phys. A 26, 201 (1993); Salas & Sokal,
# J. Stat. Phys. 98, 551 (2000)). It depends on the torus' shape and the couplings' anisotropy
# (not universal across boxes, unlike T_c's limit of the crossings).
SQUARE_TORUS_U4 = 1.0 - 1.0 / (3.0 * 0.856216)  # 0.61069...


def onsager_magnetization(T):
    """Spontaneous magnetization per site, (1 - sinh(2/T)^-4)^(1/8) below T_c, else 0.

    Onsager (1949) / Yang, Phys. Rev. 85, 808 (1952).
    """
    T = np.asarray(T, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        m = (1.0 - np.sinh(2.0 / T) ** -4.0) ** 0.125
    return np.where(T < ONSAGER_TC, m, 0.0)


def onsager_energy(T):
    """Energy per site of the infinite lattice.

    u = -coth(2 beta) [1 + (2/pi) (2 tanh^2(2 beta) - 1) K(k)], k = 2 sinh(2 beta)/cosh^2(2 beta),
    with K the complete elliptic integral of the first kind (Onsager 1944; Huang, Statistical
    Mechanics, eq. 15.158). scipy's ``ellipk`` takes the parameter m = k^2.
    """
    beta = 1.0 / np.asarray(T, dtype=np.float64)
    k = 2.0 * np.sinh(2.0 * beta) / np.cosh(2.0 * beta) ** 2
    tanh2 = np.tanh(2.0 * beta)
    return -(1.0 + (2.0 / np.pi) * (2.0 * tanh2**2 - 1.0) * ellipk(k**2)) / tanh2


def enumerate_states(L):
    """Energy per site and magnetization per site of every configuration of the L x L torus.

    Bonds are counted as in the sampler: each site's right and down neighbour, 2 L^2 bonds.
    Feasible for L <= 4 (2^16 states).
    """
    if L > 4:
        raise ValueError(f"exact enumeration is only feasible for L <= 4, got {L}")
    n = L * L
    codes = np.arange(2**n, dtype=np.int64)
    spins = (((codes[:, None] >> np.arange(n)) & 1) * 2 - 1).reshape(-1, L, L)
    bonds = (spins * np.roll(spins, -1, axis=1) + spins * np.roll(spins, -1, axis=2)).sum((1, 2))
    return -bonds / n, spins.sum((1, 2)) / n


def exact_averages(L, T):
    """Exact canonical averages on the L x L torus: a dict of e, |m|, m^2, m^4, C, U4.

    C is the specific heat per site, N (<e^2> - <e>^2) / T^2, and U4 = 1 - <m^4> / (3 <m^2>^2).
    """
    e, m = enumerate_states(L)
    return canonical_averages(e, m, L * L, T)


def canonical_averages(e, m, n, T):
    """Boltzmann averages at T of the states' energies ``e`` and magnetizations ``m`` per site on
    ``n`` sites: a dict of e, e2, abs_m, m2, m4, C (per site), U4."""
    w = np.exp(-(e - e.min()) * n / T)
    w /= w.sum()
    avg = {
        "e": w @ e,
        "e2": w @ e**2,
        "abs_m": w @ np.abs(m),
        "m2": w @ m**2,
        "m4": w @ m**4,
    }
    avg["C"] = n * (avg["e2"] - avg["e"] ** 2) / T**2
    avg["U4"] = binder_cumulant(avg["m2"], avg["m4"])
    return avg
