"""What the extrapolation of each pair estimate assumes about its corrections to scaling,
y(L) = y + c L^-omega, where two pairs cannot measure omega (``corrections.corrected``; three
or more pairs fit it): the exponents' ``CORRECTION`` and the crossing temperatures' ``SHIFT``.
One ``corrections.Correction`` per estimate of ``exponents``, each
a range fixed in advance with its reason: from theory and from the exactly solved square
lattice, never from results compared with an exact exponent. Those ranges belong to two
dimensions (``exponent_correction``, ``shift_correction`` take the lattice); in three (the
cubic lattice) nothing is calibrated: three or more pairs fit the exponent, and two take the
literature's omega (``THREE_D_OMEGA_RANGE``), said so in every model's text.
"""

import math

from isingml.analysis.corrections import FREE_BOUNDS, Correction
from isingml.lattices import SQUARE
from isingml.physics import CROSSING_EXPONENT, OMEGA

# On exact transfer-matrix curves at the exact crossings of (4, 8) ... (7, 14) the
# pair estimates' effective correction exponents are 1.47-1.53 for dU4/dbeta and 1.49-1.62 for
# chi, rising towards theory's 7/4 (the analytic background, Salas & Sokal 2000), and 0.96-0.97
# for the log-derivatives, whose leading correction is L^-1/nu (the beta-dependence of the
# magnetization's amplitude, which cancels only in a ratio of cumulants); tests/test_exponents.py
# measures them.
_BACKGROUND = Correction(
    (OMEGA - 0.25, OMEGA),
    "theory's 7/4 asymptotically; 1.5-1.6 on the exact curves of L <= 14, rising towards it",
    calibrated=True,
)
_AMPLITUDE = Correction(
    (0.75, 1.0),
    "L^-1/nu from the magnetization's amplitude (0.96-0.97 on the exact curves of L <= 14), "
    "and 0.25 below it, the margin of the background's range",
    calibrated=True,
)
# The networks' RG eigenvalue (U_phi's slopes, native L against 2L decimated to L): theory gives
# only the asymptotic 7/4 (phi is a sum of local odd operators, U_phi a cumulant), and a learned
# operator's correction amplitudes are unknown: they can be large at these sizes, where
# ln(D)/ln 2 is then far from its asymptotic form and its effective exponent far below 7/4. No
# exactly solved version of the pairing exists to calibrate on. So the two pairs only bound
# 1/nu between the largest pair as it stands (omega = inf: no correction left) and the
# extrapolation with omega = 1/2, the slowest correction a two-pair extrapolation can carry at
# these errors: its lever on the largest pair, 1/(1 - 2^-omega), is 3.4 at 1/2 (1.3 at 2, 2 at 1),
# so a slower one would turn the two pairs' statistical difference into the whole answer.
# That end was chosen so, not measured; it coincides with the effective omega a referee read
# off these crossings against the exact T_c (about 0.5), so the range serves two pairs only:
# the default Binder grid has three (L = 8 ... 64), and omega is then fitted
# (``corrections.free_extrapolation``, the range uncalibrated), no faster than theory's 7/4:
# the analytic background's L^-7/4 is always there, so no leading correction is faster (a fit
# left free up to 4 sat there on noise and quoted the largest pair's error alone).
NETWORK_OMEGA_RANGE = (0.5, math.inf)
CORRECTION = {
    "dU4": _BACKGROUND, "chi": _BACKGROUND, "abs_m": _BACKGROUND,
    "dln_abs_m": _AMPLITUDE, "dln_m2": _AMPLITUDE,
    "dU_phi": Correction(
        NETWORK_OMEGA_RANGE,
        "the networks' coarse-graining: theory gives only the asymptotic 7/4 and a learned "
        "operator's correction amplitudes are unknown, so from no correction left down to the "
        "slowest correction two pairs can carry",
        fit_range=(0.25, OMEGA),
    ),
}  # fmt: skip

# Crossing temperatures of pairs (L, 2L) shift as L^-x, x = 1/nu + omega (Binder 1981). With
# three or more pairs an uncalibrated x is fitted within its range; with two it is known only
# within the range:
# - U4: from the exact crossings of the square lattice's smallest tori (transfer matrices of
#   L = 4 ... 7 against 2L), whose local exponents rise 2.36, 2.46, 2.53 towards theory's 2.75
#   (tests/test_binder.py recomputes them): a calibration on the exactly solved lattice, which
#   the other two-dimensional lattices share by universality of the exponents (not of the
#   amplitudes: said in the README) and which is not carried to three dimensions;
# - any other crossing (the networks' U_phi, PCA's cumulant): no exactly solved version exists,
#   so from theory alone: x = 1/nu + omega > 1/nu = 1 (omega > 0), up to theory's asymptotic
#   value. The same lower bound places the Binder grid (``scan.MIN_SHIFT_EXPONENT``).
EXACT_SMALL_L_SHIFT = 2.36
_U4_SHIFT = Correction(
    (EXACT_SMALL_L_SHIFT, CROSSING_EXPONENT),
    f"the exact crossings of L = 4 ... 7 against 2L shift with local exponents from "
    f"{EXACT_SMALL_L_SHIFT:g} rising towards theory's {CROSSING_EXPONENT:g}",
    calibrated=True,
)
_ANY_SHIFT = Correction(
    (1.0, CROSSING_EXPONENT),
    f"x = 1/nu + omega lies above 1/nu = 1 and, asymptotically, at theory's "
    f"{CROSSING_EXPONENT:g}; no exactly solved version of this crossing calibrates it",
)
SHIFT = {"binder": _U4_SHIFT}

# Three dimensions. No exact solution calibrates anything, so three or more pairs fit every
# correction exponent (uncalibrated ranges). Two pairs cannot, and take the leading correction
# exponent of the 3D Ising class from the literature, omega = 0.832(6) (Hasenbusch, Phys. Rev. B
# 82, 174433 (2010)), widened to [0.7, 1.0] for what an effective exponent at small L can be
# (a range stated in advance, never read off these results). It is the slowest correction of
# every estimate here; faster ones follow it (2 omega ~ 1.66, the analytic background's
# L^-gamma/nu ~ L^-1.96), and at small L they can make the pairs approach their limit faster
# than L^-omega, which two pairs cannot see. Three or more pairs fit the effective exponent in
# ``THREE_D_FIT`` = [0.7, 2]: no slower than the leading correction (less the same margin), and
# no faster than the analytic background, which is always there (the rule of two dimensions,
# whose bound is the background's 7/4). The crossings' shift x = 1/nu + omega takes 1/nu from
# the lattice's reference (the bootstrap's 1.587375) with two pairs: a literature value used
# for T_c only, as issue 28 allows; the exponents are never extrapolated with their own
# literature value. Three or more pairs fit x in ``THREE_D_SHIFT_FIT``: above 1 + 0.7 (1/nu > 1:
# nu < 1 in three dimensions, plus the slowest correction) and below the free bound.
THREE_D_OMEGA_RANGE = (0.7, 1.0)
THREE_D_FIT = (THREE_D_OMEGA_RANGE[0], 2.0)
_THREE_D_WHY = (
    "omega from the literature, not measured here (two pairs cannot fit it): Hasenbusch 2010's "
    "0.832(6), widened to [0.7, 1.0] for an effective exponent at small L"
)
THREE_D_CORRECTION = Correction(THREE_D_OMEGA_RANGE, _THREE_D_WHY, fit_range=THREE_D_FIT)
THREE_D_SHIFT_FIT = (1.0 + THREE_D_OMEGA_RANGE[0], FREE_BOUNDS[1])


def exponent_correction(name, lattice=SQUARE):
    """The correction model of estimate ``name`` (a key of ``CORRECTION``) on ``lattice``: the
    ranges above in two dimensions, ``THREE_D_CORRECTION`` in three."""
    return CORRECTION[name] if lattice.dim == 2 else THREE_D_CORRECTION


def shift_correction(method, lattice=SQUARE):
    """The two-pair range of ``method``'s shift exponent on ``lattice`` (a ``Correction``); in
    three dimensions x = 1/nu + omega with 1/nu the lattice's reference and omega in
    ``THREE_D_OMEGA_RANGE``, fitted in ``THREE_D_SHIFT_FIT`` over three or more pairs."""
    if lattice.dim == 2:
        return SHIFT.get(method, _ANY_SHIFT)
    published = lattice.exact.reference
    if published is None:  # no literature 1/nu: theory's bound alone
        why = "x = 1/nu + omega > 1.7 (nu < 1 in 3D, omega > 0.7); no reference gives 1/nu here"
        return Correction(THREE_D_SHIFT_FIT, why)
    inv_nu = published.exponents["inv_nu"]
    lo, hi = (inv_nu + w for w in THREE_D_OMEGA_RANGE)
    why = (
        f"x = 1/nu + omega from the literature, not measured here (two pairs cannot fit it): "
        f"1/nu = {inv_nu:.4f} (the lattice's reference) plus omega in [{THREE_D_OMEGA_RANGE[0]:g}"
        f", {THREE_D_OMEGA_RANGE[1]:g}] (Hasenbusch 2010: 0.832(6)), x = {inv_nu + 0.832:.2f}"
    )
    return Correction((lo, hi), why, fit_range=THREE_D_SHIFT_FIT)
