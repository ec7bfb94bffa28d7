"""The square lattice, isotropic or anisotropic: J_x on the bonds along x (axis 1, the row),
J_y on those along y (axis 0).

Exact results: the critical point sinh(2 J_x / T_c) sinh(2 J_y / T_c) = 1 (Kramers & Wannier
1941, Onsager 1944), the spontaneous magnetization m^8 = 1 - [sinh(2 J_x/T) sinh(2 J_y/T)]^-2
(Onsager 1949, Yang 1952; anisotropic form: Chang, J. Chem. Phys. 20, 1889 (1952)) and
Onsager's correlation length from the gap of the row transfer matrix, 1/xi = 2 (K_y* - K_x)
above T_c and 4 (K_x - K_y*) below along x, tanh K* = exp(-2 K) the dual coupling (and x, y
exchanged along y; the isotropic case is cost.py's old formula).
"""

import math
from dataclasses import dataclass

import numpy as np

from isingml import physics
from isingml.lattices.base import (
    MEASURED,
    CostInputs,
    Exact,
    Lattice,
    block_majority_2x2,
    group_closure,
)

# Measured with benchmarks/sampler.py (L = 64, T = 2.269) on the project's 2-core machine: the
# square lattice's own kernels (sampling/split_metropolis.py, wolff.py, multispin.py).
SQUARE_COST = CostInputs(
    cost_ns={"metropolis": 0.82, "wolff": 17.0, "multispin": 0.17},
    tau_prefactor={"metropolis": 0.03, "wolff": 0.75},
    z={"metropolis": 2.17, "wolff": 0.25},
    measured="benchmarks/sampler.py, L = 64 at T_c, and the default run's job records",
)
# The anisotropic square runs the general kernels (sampling/general.py, multispin_general.py):
# per-site costs measured against the square kernels (``MEASURED``, with (J_x, J_y) = (1, 0.5):
# a sequential loop over the neighbour table, 12x the vectorised split kernel per attempted flip,
# 2x Wolff's per cluster spin, 4x the multi-spin kernel per replica spin). The dynamic
# exponents are universal; the prefactors are the isotropic lattice's, in sweeps.
GENERAL_SQUARE_COST = CostInputs(
    cost_ns={"metropolis": 10.1, "wolff": 34.1, "multispin": 0.65},
    tau_prefactor=SQUARE_COST.tau_prefactor,
    z=SQUARE_COST.z,
    measured=MEASURED,
)


def _dual(K):
    """K* with tanh K* = exp(-2 K) (Kramers & Wannier 1941)."""
    return math.atanh(math.exp(-2.0 * K))


@dataclass(frozen=True)
class Square(Lattice):
    name = "square"
    degree = 4

    @property
    def specialised(self):
        return self.couplings == (1.0, 1.0)

    @property
    def is_default(self):
        return self.couplings == (1.0, 1.0)

    @property
    def key(self):
        Jx, Jy = (repr(J).removesuffix(".0") for J in self.couplings)  # exact: no two collide
        return "square" if self.is_default else f"square_Jx{Jx}_Jy{Jy}"

    def describe(self):
        Jx, Jy = self.couplings
        return "square" if self.is_default else f"square (J_x, J_y) = ({Jx:g}, {Jy:g})"

    @property
    def point_group(self):
        # transposition exchanges J_x and J_y: only the rectangle's mirrors remain otherwise
        return "D4" if self.couplings[0] == self.couplings[1] else "D2"

    @property
    def direction_couplings(self):
        Jx, Jy = self.couplings
        return (Jx, Jx, Jy, Jy)

    def offsets(self, coords, L):
        # (dy, dx): x + 1, x - 1 (J_x), y + 1, y - 1 (J_y)
        off = np.array([(0, 1), (0, -1), (1, 0), (-1, 0)])
        return np.broadcast_to(off, (coords.shape[0], 4, 2))

    def colouring(self, L):
        y, x = np.indices(self.shape(L))
        return (x + y) % 2

    def point_group_maps(self):
        mirrors = [np.array([[1, 0], [0, -1]]), np.array([[-1, 0], [0, 1]])]
        if self.point_group == "D4":
            mirrors.append(np.array([[0, 1], [1, 0]]))
        return [(A, (0, 0)) for A in group_closure(mirrors)]

    def decimation_blocks(self, L):
        return block_majority_2x2(L)

    @property
    def exact(self):
        return Exact(
            T_c=self._T_c(),
            magnetization=self._magnetization,
            correlation_length=self._correlation_length,
            source="Onsager 1944; Yang 1952; anisotropic: Chang 1952",
            U4_torus=physics.SQUARE_TORUS_U4 if self.couplings[0] == self.couplings[1] else None,
        )

    def _T_c(self):
        Jx, Jy = self.couplings
        if Jx == Jy:
            return Jx * physics.ONSAGER_TC
        from scipy.optimize import brentq  # SciPy's optimize only where it is needed

        f = lambda T: math.sinh(2 * Jx / T) * math.sinh(2 * Jy / T) - 1.0  # noqa: E731
        return brentq(f, 0.1 * min(Jx, Jy), 10.0 * (Jx + Jy), xtol=1e-14, rtol=1e-15)

    def _magnetization(self, T):
        Jx, Jy = self.couplings
        if Jx == Jy:
            return physics.onsager_magnetization(np.asarray(T) / Jx)
        T = np.asarray(T, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            m = (1.0 - (np.sinh(2 * Jx / T) * np.sinh(2 * Jy / T)) ** -2.0) ** 0.125
        return np.where(T < self._T_c(), m, 0.0)

    def _correlation_length(self, T):
        """xi(T) in lattice units, the longer of the two axes; inf at T_c (T None: at T_c)."""
        Jx, Jy = self.couplings
        if Jx == Jy:
            return _isotropic_xi(None if T is None else T / Jx)
        if T is None or abs(T - self._T_c()) < 1e-9:
            return math.inf
        Kx, Ky = Jx / T, Jy / T
        above = T > self._T_c()
        inv = [
            2.0 * (_dual(b) - a) if above else 4.0 * (a - _dual(b)) for a, b in ((Kx, Ky), (Ky, Kx))
        ]
        return 1.0 / min(abs(i) for i in inv)

    @property
    def cost(self):
        return SQUARE_COST if self.specialised else GENERAL_SQUARE_COST


def _isotropic_xi(T):
    """Onsager's exact correlation length of the isotropic lattice (J = 1); T None: a
    Binder-grid shard the scan is yet to place, modelled at the critical point."""
    if T is None or abs(T - physics.ONSAGER_TC) < 1e-9:
        return math.inf
    beta = 1.0 / T
    if T > physics.ONSAGER_TC:
        inv = -math.log(math.tanh(beta)) - 2.0 * beta
    else:
        inv = 2.0 * (2.0 * beta + math.log(math.tanh(beta)))
    return 1.0 / abs(inv)
