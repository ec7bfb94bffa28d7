"""The simple cubic lattice: L x L x L sites, periodic, neighbours (x +- 1, y, z), (x, y +- 1, z),
(x, y, z +- 1), 3 bonds per site, J = 1. A site is ``spins[z, y, x]`` (axis 0 is z).

Colouring: the checkerboard of x + y + z (two colours; L even). Point group: O_h, the cube's 48
rotations and reflections (the signed permutations of the three axes), which map the periodic
cube onto itself. The square's D4 does not apply (``has_d4`` is False): D4 augmentation and the
ecnn's p4m are refused. A 3D augmentation would draw one of the 48 elements per configuration
(``symmetries(L)`` gives them as site permutations; on arrays, a permutation of the three axes
times a flip of each) and an equivariant network would need O_h-equivariant convolutions.

Decimation by 2: majority over 2 x 2 x 2 blocks, with a random tie-break (a sum of 0 is
common: 70 of the 256 block states), onto the cube of L / 2.

No exact solution is known: ``exact.T_c`` is None. ``exact.reference`` carries the best
published values, labelled as references (never as exact): K_c = 0.221654626(5), T_c =
4.5115233(1), nu = 0.629912(86) from Wolff simulations of 16^3 .. 1024^3 (Ferrenberg, Xu &
Landau, Phys. Rev. E 97, 043301 (2018), arXiv:1806.03558); the exponent ratios from the
conformal bootstrap (Kos, Poland, Simmons-Duffin & Vichi, JHEP 08 (2016) 036,
arXiv:1603.04436: Delta_sigma = 0.5181489(10), Delta_epsilon = 1.412625(10), so 1/nu =
3 - Delta_epsilon, gamma/nu = 3 - 2 Delta_sigma, beta/nu = Delta_sigma); the leading correction
exponent omega = 0.832(6) (Hasenbusch, Phys. Rev. B 82, 174433 (2010), arXiv:1004.4486) and the
Binder cumulant at criticality on the periodic cube, U4* ~ 0.4655 (the same paper's
<m^4>/<m^2>^2 ~ 1.6036, as issue 28 quotes it; not checked against the paper here).
Exact values of the finite tori come from ``exact.cubic`` (the 4 x 4 x 4 torus).
"""

import itertools
from dataclasses import dataclass

import numpy as np

from isingml.errors import UserError
from isingml.lattices.base import MEASURED, CostInputs, Exact, Lattice, Published

K_C = 0.221654626  # Ferrenberg, Xu & Landau 2018: 0.221654626(5)
DELTA_SIGMA, DELTA_EPSILON = 0.5181489, 1.412625  # Kos et al. 2016, conformal bootstrap
CUBIC_REFERENCE = Published(
    T_c=1.0 / K_C,  # 4.5115233(1)
    T_c_err=1e-7,
    exponents={
        "inv_nu": 3.0 - DELTA_EPSILON,  # 1.587375
        "gamma_over_nu": 3.0 - 2.0 * DELTA_SIGMA,  # 1.963702
        "beta_over_nu": DELTA_SIGMA,  # 0.518149
    },
    omega=0.832,
    omega_err=0.006,
    binder_crossing=0.4655,
    source=(
        "K_c = 0.221654626(5), T_c = 4.5115233(1) (Ferrenberg, "
        "Xu & Landau, Phys. Rev. E 97, 043301 (2018)); 1/nu, gamma/nu, beta/nu from the "
        "conformal bootstrap (Kos, Poland, Simmons-Duffin & Vichi 2016); omega = 0.832(6) and "
        "U4* ~ 0.4655 (Hasenbusch, Phys. Rev. B 82, 174433 (2010))"
    ),
)
# The general kernels with six neighbours (sampling/general.py, multispin_general.py): per-spin
# costs measured against the square's kernels (``MEASURED``; L = 32 is 32^3 sites there).
# tau_int ~ a L^z near T_c: z about 2 for Metropolis and about 0.3 for Wolff in
# sweep-equivalents (issue 28's estimates); the prefactors a from the sampler's own pilots at
# the reference T_c, L = 8 and 16 (one run each): tau_int 5.3 and 16 sweeps (Metropolis), 1.2
# and 1.7 sweep-equivalents (Wolff). A pilot underestimates tau_int near T_c (sampling/plan.py).
CUBIC_COST = CostInputs(
    cost_ns={"metropolis": 28.5, "wolff": 74.6, "multispin": 0.52},
    tau_prefactor={"metropolis": 0.07, "wolff": 0.7},
    z={"metropolis": 2.0, "wolff": 0.3},
    measured=MEASURED + "; tau prefactors from one pilot at L = 8 and 16 near T_c",
)


def block_majority_2x2x2(L):
    """Blocks of 2 x 2 x 2 sites: coarse (Z, Y, X) from fine (2Z + a, 2Y + b, 2X + c)."""
    h = L // 2
    Z, Y, X = np.unravel_index(np.arange(h**3), (h, h, h))
    corners = itertools.product((0, 1), repeat=3)
    return np.stack(
        [((2 * Z + a) * L + 2 * Y + b) * L + 2 * X + c for a, b, c in corners], axis=1
    ).astype(np.int64)


@dataclass(frozen=True)
class Cubic(Lattice):
    name = "cubic"
    dim = 3
    degree = 6
    point_group = "O_h"
    # 6 root seeds of cubic.yaml, reduced samples (benchmarks/results/
    # coverage_cubic_binder_three_pairs.txt, coverage_cubic_networks.txt)
    uncovered = {
        f"binder:{key}": f"its error bars failed coverage on cubic.yaml: pull RMS {rms} over 6 "
        f"root seeds, outside the 95 % band [0.45, 1.55], the statistical errors {ratio} of the "
        "seeds' scatter: the profile over the correction exponent is cut at its upper bound, 2, "
        "where the data want it (benchmarks/results/coverage_cubic_binder_three_pairs.txt)"
        for key, rms, ratio in (("gamma_over_nu", 1.62, 0.66), ("beta_over_nu", 1.58, 0.64))
    } | {
        "cnn_binder": "its error bars failed coverage on cubic.yaml: pull RMS 1.79 over 6 root "
        "seeds, outside the 95 % band [0.45, 1.55], mean pull -1.41 +- 0.49, the statistical "
        "errors 0.97 of the seeds' scatter. Over the seeds the pairs' crossings lie 0.0032 above "
        "at (6, 12) (12.8 standard errors), 0.0005 below at (8, 16) (1.3 standard errors), 0.0008 "
        "below at (12, 24) (1.9 standard errors) from the reference: the networks' crossings do "
        "not approach it from one side, which no T_c + b L^-x follows "
        "(benchmarks/results/coverage_cubic_networks.txt)",
        "cnn_binder:inv_nu": "its error bars failed coverage on cubic.yaml, too large: pull RMS "
        "0.38 over 6 root seeds, outside the 95 % band [0.45, 1.55], the statistical errors 2.72 "
        "times the seeds' scatter: with three pairs the fit of the correction exponent is not "
        "fixed and its profile spans [0.7, 2] (benchmarks/results/coverage_cubic_networks.txt)",
    }

    def check_size(self, L, key="L"):
        if not isinstance(L, int | np.integer) or L < 4 or L % 2:
            raise UserError(f"{key} must be an even integer >= 4 (the cubic lattice's "
                            f"checkerboard of x + y + z needs L even), got {L}")  # fmt: skip

    def offsets(self, coords, L):
        # (dz, dy, dx): x + 1, x - 1, y + 1, y - 1, z + 1, z - 1
        off = np.array([(0, 0, 1), (0, 0, -1), (0, 1, 0), (0, -1, 0), (1, 0, 0), (-1, 0, 0)])
        return np.broadcast_to(off, (coords.shape[0], 6, 3))

    def neighbours(self, L):
        """int64 (L^3, 6), built one direction at a time: 56 bytes per site at the peak (the
        base class's all-directions-at-once offsets would take about 400 at L = 512)."""
        L = int(L)
        index = np.arange(L**3, dtype=np.int64).reshape(L, L, L)
        nb = np.empty((L**3, 6), np.int64)
        for k, (axis, step) in enumerate(((2, 1), (2, -1), (1, 1), (1, -1), (0, 1), (0, -1))):
            nb[:, k] = np.roll(index, -step, axis=axis).ravel()
        return nb

    def colouring(self, L):
        z, y, x = np.indices(self.shape(L), sparse=True)  # one full-size array, not three
        return (x + y + z) % 2

    def point_group_maps(self):
        """The 48 signed permutations of (z, y, x): O_h."""
        maps = []
        for perm in itertools.permutations(range(3)):
            for signs in itertools.product((1, -1), repeat=3):
                maps.append((np.diag(signs) @ np.eye(3, dtype=int)[list(perm)], (0, 0, 0)))
        return maps

    def decimation_blocks(self, L):
        return block_majority_2x2x2(L)

    @property
    def exact(self):
        return Exact(
            T_c=None,
            magnetization=None,
            correlation_length=None,
            source="no exact solution is known; see reference (never exact)",
            reference=CUBIC_REFERENCE,
        )

    @property
    def cost(self):
        return CUBIC_COST
