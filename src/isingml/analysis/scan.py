"""Place the Binder grid from the data (``binder.temperatures: auto``), from arrays.

A short multi-spin scan samples U4 at a few sizes on the networks' temperatures (``ScanTable``,
filled by ``analysis.scan_job``). Then, with no exact T_c anywhere:

1. **Crossings.** For pairs of sizes a < b (``config.size_pairs``, as the Binder grid's own
   crossings pair them), D(T) = U_b - U_a changes sign from + (the larger
   lattice's U4 nearer 2/3, ordered) to - (nearer 0). Noise makes sign changes where both U4
   are flat (at high T, both near 0), so the crossing is the split of the scan that best
   separates D >= 0 below from D < 0 above, and the evidence on each side (Stouffer's combined
   significance) must reach ``MIN_EVIDENCE`` standard errors.
2. **Interpolation.** The crossing is a blend of the roots, inside its bracket, of the two
   quadratics through the bracket and one neighbour each side (``_interpolate``: continuous in
   the data, and bounded in error by the two roots' difference). The statistical error follows
   by the delta method: the root is a function of the D_j, linear to first order (dr/dD_j =
   -l_j(r) / p'(r), l_j the Lagrange basis), and every (L, T) point is an independent chain.
3. **Drift.** The last crossing and that of the pair at half its size (else the pair before)
   differ by Delta. Crossings of
   pairs at a fixed size ratio r shift as A L^-x with x = 1/nu + omega (Binder 1981; 2.75 in
   2D, about 2.4 in 3D); for any x >= ``MIN_SHIFT_EXPONENT`` = 1 the crossings of every larger
   pair lie between the last crossing and the last crossing + Delta / (r - 1), a bound that no
   exact T_c enters (in 2D it is (2^2.75 - 1) / (2 - 1) = 5.7 times the true remaining shift).
4. **Region.** The grid must hold the last crossing and that bound, each +- ``COVERAGE_Z``
   standard errors.
5. **Overlap.** The energy histogram of the largest Binder size L_max is T / sqrt(N C) wide in
   T (its energy per site has variance T^2 C / N and moves by C per unit T; C the specific heat
   per site). C at L_max comes from the scan's own energy variance: the peak over the scan
   temperatures at the two largest scan sizes, extrapolated as C ~ L^a (a >= 0; a power law
   overestimates the 2D logarithm, so the spacing errs small).
6. **Grid.** ``points`` temperatures over the region, at least one histogram width wide
   (narrower gains nothing in overlap and risks missing the other estimators' crossings), and
   neighbours at most ``overlap`` widths apart: more temperatures where the region needs them.
7. **Refinement.** Where that exceeds ``MAX_EXTENSION`` x ``points``, ``scan_job`` refines.
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from isingml.config import size_pairs
from isingml.errors import UserError
from isingml.lattices import SQUARE

MIN_EVIDENCE = 3.0  # standard errors by which D must differ from 0 on each side of a crossing
MIN_SHIFT_EXPONENT = 1.0  # crossings shift as L^-x with x = 1/nu + omega >= this
COVERAGE_Z = 3.0  # the region is the crossings +- this many standard errors
MAX_EXTENSION = 4  # the grid may grow to this many times ``points`` before the scan refines
DECIMALS = 4  # the workflow's file names write T to 4 decimals (config.fmt_T)


@dataclass(frozen=True)
class ScanTable:
    """The scan: U4, its error and the specific heat per site C at each (size, temperature):
    arrays (len(sizes), len(T)), T ascending."""

    sizes: tuple
    T: np.ndarray
    U4: np.ndarray
    U4_err: np.ndarray
    C: np.ndarray


@dataclass(frozen=True)
class Crossing:
    """Where U4 of sizes ``sizes`` = (a, b) cross: ``T`` with its statistical and interpolation
    errors, the scan temperatures that bracket it, the evidence (standard errors) of the sign
    change, and ``sensitivity`` (nL, nT): dT/dU4 at each scan point (for covariances)."""

    sizes: tuple
    T: float
    err_stat: float
    err_interp: float
    bracket: tuple
    evidence: float
    sensitivity: np.ndarray

    @property
    def err(self):
        return math.hypot(self.err_stat, self.err_interp)


@dataclass(frozen=True)
class Drift:
    """The last crossing minus the one it is measured from (``value``, ``err``: the pair at
    half its size, else the pair before; their size ``ratio``), and the bound on the crossings
    of every larger pair it implies: ``limit`` (with ``limit_err``)."""

    value: float
    err: float
    limit: float
    limit_err: float
    ratio: float


@dataclass(frozen=True)
class Placement:
    """The placed grid and how: the region it must cover, the largest size's histogram width
    in T and the C it came from, its span and spacing, and the count asked for and used."""

    temperatures: tuple
    region: tuple
    width: float
    heat: float
    heat_exponent: float
    span: float
    spacing: float
    points_asked: int
    largest_L: int
    overlap: float


def _basis(nodes, t):
    """Lagrange basis l_j(t) and its derivative at t, for the nodes (k,)."""
    values, slopes = [], []
    for j, xj in enumerate(nodes):
        others = np.delete(nodes, j)
        p = np.poly1d(others, r=True) / np.prod(xj - others)
        values.append(p(t))
        slopes.append(p.deriv()(t))
    return np.array(values), np.array(slopes)


def _interpolated_root(T, D, nodes, lo, hi):
    """The root in [T[lo], T[hi]] of the polynomial through (T, D) at ``nodes`` (indices)."""
    x = T[nodes] - T[lo]  # centred: the basis stays well conditioned

    def p(t):
        return float(_basis(x, t - T[lo])[0] @ D[nodes])

    a, b = p(T[lo]), p(T[hi])
    if a == 0.0 or b == 0.0:
        return float(T[lo] if a == 0.0 else T[hi])
    return float(brentq(p, T[lo], T[hi], xtol=1e-12))


def _root_and_gradient(T, D, nodes, i):
    """The root in [T_i, T_i+1] of the polynomial through (T, D) at ``nodes``, and its gradient
    with respect to D (n,): dr/dD_j = -l_j(r) / p'(r)."""
    r = _interpolated_root(T, D, nodes, i, i + 1)
    value, slope = _basis(T[nodes] - T[i], r - T[i])
    grad = np.zeros(T.size)
    grad[nodes] = -value / (slope @ D[nodes])
    return r, grad


def _interpolate(T, D, i):
    """(root, its gradient (n,), interpolation error) in the bracket (i, i + 1): the blend of
    the roots of the quadratics through (i - 1, i, i + 1) and (i, i + 1, i + 2), weighted by
    where the straight line's root lies in the bracket. The blend moves continuously when noise
    moves the sign change to the next bracket (a fixed stencil would jump, and its error would
    understate the scatter); the two quadratics err on opposite sides (their error terms carry
    (t - T_i-1) > 0 and (t - T_i+2) < 0), so their difference bounds the blend's error."""
    n, d = T.size, D[i] - D[i + 1]
    lam = D[i] / d
    dlam = np.zeros(n)
    dlam[i], dlam[i + 1] = -D[i + 1] / d**2, D[i] / d**2
    line = T[i] + lam * (T[i + 1] - T[i])
    quads = [s for s in ([i - 1, i, i + 1], [i, i + 1, i + 2]) if s[0] >= 0 and s[-1] < n]
    if not quads:  # two temperatures: the straight line, good to half the bracket
        return line, (T[i + 1] - T[i]) * dlam, (T[i + 1] - T[i]) / 2
    if len(quads) == 1:  # the bracket at an end of the scan: the quadratic, against the line
        r, grad = _root_and_gradient(T, D, quads[0], i)
        return r, grad, abs(r - line)
    (rl, gl), (rr, gr) = (_root_and_gradient(T, D, q, i) for q in quads)
    return (1 - lam) * rl + lam * rr, (1 - lam) * gl + lam * gr + (rr - rl) * dlam, abs(rr - rl)


def _change_point(D, sigma):
    """(i, evidence): the sign change of D between i and i + 1 that best splits the scan into
    D >= 0 below and D < 0 above (the split maximising sum(z below) - sum(z above), z = D /
    sigma, which lands only on a + -> - change), and the weaker of the two sides' Stouffer
    significances sum(z) / sqrt(count). Below T_c the curves of sizes at a fixed ratio differ
    little (at most ~0.01 for a ratio of 2) but at many temperatures; a change made by noise
    moves the split's sums by a few standard errors at most."""
    z = D / np.maximum(sigma, 1e-12)  # exact curves (sigma 0): overwhelming evidence
    split = np.cumsum(z)[:-1] - (z.sum() - np.cumsum(z)[:-1])
    i = int(np.argmax(split))
    if not (D[i] >= 0 >= D[i + 1] and D[i] != D[i + 1]):
        return i, -np.inf  # one sign throughout: no crossing in the scan's range
    below, above = z[: i + 1], z[i + 1 :]
    return i, float(min(below.sum() / np.sqrt(below.size), -above.sum() / np.sqrt(above.size)))


def locate_crossing(table, a, b):
    """The crossing of U4 between the sizes with indices ``a`` < ``b`` of ``table``
    (``Crossing``); a UserError when the scan shows none that stands ``MIN_EVIDENCE``
    standard errors above its noise."""
    T = table.T
    D = table.U4[b] - table.U4[a]
    i, evidence = _change_point(D, np.hypot(table.U4_err[a], table.U4_err[b]))
    La, Lb = table.sizes[a], table.sizes[b]
    if evidence < MIN_EVIDENCE:
        best = f" (the best stands {evidence:.1f} standard errors)" if evidence > -np.inf else ""
        raise UserError(
            f"binder.temperatures: auto: U4 at L = {La} and {Lb} does not cross within the "
            f"networks' temperatures {T[0]:.4g}-{T[-1]:.4g} by {MIN_EVIDENCE:.0f} standard "
            f"errors{best}; add temperatures around the transition to `temperatures`, raise "
            "binder.scan.samples, or give binder.temperatures as a list"
        )
    tx, dT_dD, interp = _interpolate(T, D, i)
    sens = np.zeros_like(table.U4)
    sens[b], sens[a] = dT_dD, -dT_dD
    stat = float(np.sqrt(np.sum((sens * table.U4_err) ** 2)))
    return Crossing((La, Lb), tx, stat, interp, (float(T[i]), float(T[i + 1])), evidence, sens)


def _covariance(x, y, table):
    """Covariance of two crossings through the scan points they share (independent chains)."""
    return float(np.sum(x.sensitivity * y.sensitivity * table.U4_err**2))


def drift(crossings, table):
    """``Drift`` of the last crossing from the pair at half its size (else the pair before:
    the bound's lever 1 / (r - 1) is least at r = 2), or None with fewer than two crossings."""
    if len(crossings) < 2:
        return None
    last = crossings[-1]
    prev = next((c for c in crossings if 2 * c.sizes[0] == last.sizes[0]), crossings[-2])
    r = last.sizes[0] / prev.sizes[0]
    cov = _covariance(prev, last, table)
    var_stat = prev.err_stat**2 + last.err_stat**2 - 2 * cov
    delta = last.T - prev.T
    err = math.sqrt(max(var_stat, 0.0) + prev.err_interp**2 + last.err_interp**2)
    # the limit last + delta / k, k = r^x - 1 >= r - 1, as a function of both crossings
    k = r**MIN_SHIFT_EXPONENT - 1
    var_limit = ((1 + 1 / k) ** 2 * last.err_stat**2 + prev.err_stat**2 / k**2
                 - 2 * (1 + 1 / k) / k * cov)  # fmt: skip
    limit_err = math.sqrt(
        max(var_limit, 0.0) + ((1 + 1 / k) * last.err_interp) ** 2 + (prev.err_interp / k) ** 2
    )
    return Drift(delta, err, last.T + delta / k, limit_err, r)


def region(last, shift, z=COVERAGE_Z, smaller=()):
    """(lo, hi) that the grid must cover: the last crossing, the drift's bound and the
    crossings ``smaller`` of the Binder grid's own pairs that the scan measured, +- z standard
    errors each."""
    ends = [(c.T, c.err) for c in (*smaller, last)]
    ends += [(shift.limit, shift.limit_err)] if shift else []
    return min(t - z * s for t, s in ends), max(t + z * s for t, s in ends)


def heat_at(table, L):
    """(C at size L, exponent a): the specific heat's peak over the scan temperatures at the
    two largest scan sizes, extrapolated as C ~ L^a with a >= 0."""
    peaks = table.C.max(axis=1)
    (L1, c1), (L2, c2) = sorted(zip(table.sizes, peaks, strict=True))[-2:]
    a = max(0.0, math.log(c2 / c1) / math.log(L2 / L1)) if c1 > 0 and c2 > 0 else 0.0
    return float(c2 * (L / L2) ** a), a


class TooUncertain(UserError):
    """The crossings leave a region that needs over ``MAX_EXTENSION`` x ``points`` points."""


def place(covered, width, points, overlap):
    """The grid's temperatures: ``points`` (or more) over ``covered`` = (lo, hi), at least
    ``width`` wide, neighbours at most ``overlap`` x ``width`` apart, rounded to 4 decimals."""
    lo, hi = covered
    span = max(hi - lo, width)
    n = max(points, math.ceil(span / (overlap * width) - 1e-9) + 1)
    if n > MAX_EXTENSION * points:
        raise TooUncertain(
            f"binder.temperatures: auto: the region the Binder grid must cover, {lo:.4f}-"
            f"{hi:.4f}, needs {n} temperatures for the largest size's energy histograms to "
            f"overlap (binder.scan.points is {points}); the scan's crossings are too uncertain: "
            "raise binder.scan.samples or add scan temperatures near the transition"
        )
    centre = (lo + hi) / 2
    temps = np.round(centre + span * (np.arange(n) / (n - 1) - 0.5), DECIMALS)
    if np.unique(temps).size != n:
        raise UserError(f"binder.temperatures: auto: {n} temperatures over {span:.2g} collide "
                        "at 4 decimals; lower binder.scan.points")  # fmt: skip
    return tuple(float(t) for t in temps), span, span / (n - 1)


def crossings_of(table):
    """The crossings of the scan sizes' pairs (``config.size_pairs``), smallest pair first."""
    at = {L: i for i, L in enumerate(table.sizes)}
    return [locate_crossing(table, at[a], at[b]) for a, b in size_pairs(table.sizes)]


def place_grid(table, binder_sizes, points, overlap, lattice=SQUARE):
    """Everything from the scan: (crossings of the scan sizes' pairs, ``Drift`` or None,
    ``Placement``); the histogram width counts the sites of the model ``lattice``."""
    crossings = crossings_of(table)
    shift = drift(crossings, table)
    inside = [c for c in crossings[:-1] if c.sizes[0] >= min(binder_sizes)]
    covered = region(crossings[-1], shift, smaller=inside)
    L = max(binder_sizes)
    heat, a = heat_at(table, L)
    width = (covered[0] + covered[1]) / 2 / math.sqrt(lattice.n_sites(L) * heat)
    temps, span, spacing = place(covered, width, points, overlap)
    placement = Placement(temps, covered, width, heat, a, span, spacing, points, L, overlap)
    return crossings, shift, placement
