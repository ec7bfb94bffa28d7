"""Exact finite-lattice results for the 2D Ising model on the periodic L x L square lattice.

J = 1, h = 0, k_B = 1, E = -sum over the 2 L^2 bonds (each site's right and down neighbour,
periodic both ways), M = sum of the spins, e = E / N, m = M / N with N = L^2: the convention of
``physics.enumerate_states``.

Both the moments and the density of states come from the row transfer matrix T = D^(1/2) B
D^(1/2) (Kramers & Wannier, Phys. Rev. 60, 252 (1941)). A state is one row of L spins coded as
an integer, bit j = column j, 1 = up. B holds the vertical bonds and factorises into L two-state
"butterflies", one per column, so applying it costs L 2^L instead of 4^L; D is diagonal and
holds the row's horizontal bonds and field. The vertical periodicity is the trace Tr T^L = sum
over first rows s0 of (T^L)[s0, s0]. A column shift, a column reflection or a global flip of the
whole lattice maps the configurations whose first row is s0 onto those whose first row is the
image of s0, with the same E and |M|, so only one s0 per orbit is propagated, weighted by the
orbit size. Only even powers of M survive that reduction, which is all the moments need; the
density of states is symmetrised in M afterwards.
"""

import numpy as np
from numba import njit
from scipy.optimize import brentq

from isingml.numerics import binder_cumulant

# Coefficients of R[eps, h] / (eps^3, eps h, h^5), in the order 1, eps, eps^2, h, ..., h^4.
# A configuration weighs exp((beta + eps)(E0 - E) + h M), E0 = -2N the ground state: the eps
# coefficients carry the moments of the excitation energy E - E0 >= 0 (nothing overflows at low
# T and the variance has no cancellation there), the h coefficients those of M. eps h = 0
# since no mixed moment is needed, which leaves 7 coefficients instead of 15.
_NCOEF = 7


def _orbits(L):
    """One representative per orbit of the row configurations under shifts, reflection, flip.

    Returns
    -------
    reps : int64 array, shape (n_orbits,), row codes of the representatives
    sizes : float64 array, shape (n_orbits,), number of row configurations in each orbit
    """
    codes = np.arange(2**L, dtype=np.int64)
    bits = (codes[:, None] >> np.arange(L)) & 1
    powers = 1 << np.arange(L, dtype=np.int64)
    canon = codes.copy()
    for flipped in (bits, 1 - bits):
        for mirrored in (flipped, flipped[:, ::-1]):
            for shift in range(L):
                canon = np.minimum(canon, np.roll(mirrored, shift, axis=1) @ powers)
    reps, sizes = np.unique(canon, return_counts=True)
    return reps, sizes.astype(np.float64)


def _row_counts(L):
    """Up spins and unsatisfied horizontal bonds (periodic, L of them) of every row code.

    Returns
    -------
    up, broken : int64 arrays, shape (2**L,)
    """
    bits = (np.arange(2**L, dtype=np.int64)[:, None] >> np.arange(L)) & 1
    return bits.sum(1), (bits != np.roll(bits, -1, axis=1)).sum(1)


def _row_weights(L, beta, scale):
    """exp(scale ((beta + eps)(-2 broken) + h M)) of every row, M = 2 up - L, as ring elements.

    Returns
    -------
    float64 array, shape (7, 2**L)
    """
    up, broken = _row_counts(L)
    d, m = -2.0 * scale * broken, scale * (2.0 * up - L)
    w = np.exp(beta * d)
    return w * np.array([d**0, d, d**2 / 2, m, m**2 / 2, m**3 / 6, m**4 / 24])


@njit(cache=True)
def _times_diagonal(v, D):
    """v[:, i] <- v[:, i] D[:, i] in the ring, for v and D of shape (7, 2**L)."""
    for i in range(v.shape[1]):
        a0, a1, a2, c1, c2, c3, c4 = v[0, i], v[1, i], v[2, i], v[3, i], v[4, i], v[5, i], v[6, i]
        b0, b1, b2, d1, d2, d3, d4 = D[0, i], D[1, i], D[2, i], D[3, i], D[4, i], D[5, i], D[6, i]
        v[0, i] = a0 * b0
        v[1, i] = a0 * b1 + a1 * b0
        v[2, i] = a0 * b2 + a1 * b1 + a2 * b0
        v[3, i] = a0 * d1 + c1 * b0
        v[4, i] = a0 * d2 + c1 * d1 + c2 * b0
        v[5, i] = a0 * d3 + c1 * d2 + c2 * d1 + c3 * b0
        v[6, i] = a0 * d4 + c1 * d3 + c2 * d2 + c3 * d1 + c4 * b0


@njit(cache=True)
def _times_vertical(v, L, w):
    """v <- B v, v of shape (7, 2**L): one butterfly per column, in which an unsatisfied
    vertical bond weighs exp(-2 (beta + eps)) = w (1 - 2 eps + 2 eps^2), w = exp(-2 beta).

    The inner loops run over the contiguous halves of each block so that they vectorise
    (five times faster than looping over pairs).
    """
    for j in range(L):
        bit = 1 << j
        for lo in range(0, v.shape[1], 2 * bit):
            hi = lo + bit
            x0, x1, x2 = v[0, lo:hi], v[1, lo:hi], v[2, lo:hi]
            y0, y1, y2 = v[0, hi : hi + bit], v[1, hi : hi + bit], v[2, hi : hi + bit]
            for i in range(bit):
                a0, a1, a2, b0, b1, b2 = x0[i], x1[i], x2[i], y0[i], y1[i], y2[i]
                x0[i] = a0 + w * b0
                x1[i] = a1 + w * (b1 - 2.0 * b0)
                x2[i] = a2 + w * (b2 - 2.0 * b1 + 2.0 * b0)
                y0[i] = b0 + w * a0
                y1[i] = b1 + w * (a1 - 2.0 * a0)
                y2[i] = b2 + w * (a2 - 2.0 * a1 + 2.0 * a0)
            for c in range(3, _NCOEF):
                x, y = v[c, lo:hi], v[c, hi : hi + bit]
                for i in range(bit):
                    a, b = x[i], y[i]
                    x[i] = a + w * b
                    y[i] = b + w * a


@njit(cache=True)
def _moment_trace(L, w, reps, sizes, full, half):
    """Orbit-weighted sum over s0 of (T^L)[s0, s0], as a ring element of shape (7,).

    T is symmetric, so with P_k = T^k, (T^L)[s0, s0] = sum_s P_k[s, s0] P_(L-k)[s, s0] with
    k = L // 2: only about half of the L rows need propagating.
    """
    n, k = 2**L, L // 2
    v, u, acc = np.empty((_NCOEF, n)), np.empty((_NCOEF, n)), np.zeros(_NCOEF)
    for r in range(reps.shape[0]):
        v[:] = 0.0
        v[:, reps[r]] = half[:, reps[r]]
        for row in range(k + L % 2):
            if row > 0:
                _times_diagonal(v, full)
            _times_vertical(v, L, w)
            if row == k - 1:
                u[:] = v
                _times_diagonal(u, half)
        if L % 2:
            _times_diagonal(v, half)
        else:
            v[:] = u
        _times_diagonal(u, v)
        acc += sizes[r] * u.sum(axis=1)
    return acc


def _check_L(L, largest, what):
    if not 2 <= L <= largest:
        raise ValueError(f"{what} takes 2 <= L <= {largest}, got L = {L}")


def moments(L, T):
    """Exact canonical moments of the energy and magnetization on the L x L torus.

    Parameters
    ----------
    L : int, linear size, 2 <= L <= 14 (about 0.1 s at L = 12, a few seconds at L = 14)
    T : float, temperature in units of J / k_B, > 0; ``np.inf`` gives free spins

    Returns
    -------
    dict of float
        ``e`` = <E>/N, ``e2`` = <E^2>/N^2, ``C`` = N (<e^2> - <e>^2) / T^2 (specific heat per
        site), ``m2`` = <m^2>, ``m4`` = <m^4>, ``U4`` = 1 - <m^4> / (3 <m^2>^2).
    """
    _check_L(L, 14, "moments")
    if not T > 0:
        raise ValueError(f"moments needs a positive temperature, got T = {T}")
    beta = 1.0 / T
    reps, sizes = _orbits(L)
    full, half = _row_weights(L, beta, 1.0), _row_weights(L, beta, 0.5)
    a = _moment_trace(L, np.exp(-2.0 * beta), reps, sizes, full, half)
    return trace_moments(a, -2.0 * L * L, L * L, beta)


def trace_moments(a, E_ground, n, beta):
    """The moments dict of ``moments`` from a transfer matrix's traces ``a`` (a[0] the partition
    function relative to the ground state, a[1], a[2] its first two derivatives in the energy
    counted from ``E_ground``, a[4], a[6] those of the magnetization) on ``n`` sites."""
    x1, x2 = -a[1] / a[0], 2.0 * a[2] / a[0]
    var = x2 - x1 * x1
    e = (E_ground + x1) / n
    m2, m4 = 2.0 * a[4] / a[0] / n**2, 24.0 * a[6] / a[0] / n**4
    return {
        "e": e,
        "e2": e * e + var / n**2,
        "C": var / n * beta**2,
        "m2": m2,
        "m4": m4,
        "U4": binder_cumulant(m2, m4),
    }


def binder_crossing(La, Lb, bracket=(2.0, 2.5), xtol=1e-7):
    """Temperature where the exact Binder cumulants of sizes La and Lb are equal.

    Parameters
    ----------
    La, Lb : int, the two linear sizes
    bracket : (float, float), temperatures where U4_La - U4_Lb has opposite signs
    xtol : float, absolute tolerance on T for ``scipy.optimize.brentq``

    Returns
    -------
    float, the crossing temperature
    """
    return brentq(lambda T: moments(La, T)["U4"] - moments(Lb, T)["U4"], *bracket, xtol=xtol)


@njit(cache=True)
def _count_rows(v, L, up, broken):
    """Add L rows to the histograms v[s, k, n] in place, k = unsatisfied bonds, n = up spins.

    Rows are added to the end, so k and n never exceed the bonds and sites added so far; the
    loops stop there, which cuts the work about threefold.
    """
    kmax, nmax = 0, 0
    for _ in range(L):
        for j in range(L):
            bit = 1 << j
            for hi in range(0, v.shape[0], 2 * bit):
                for i0 in range(hi, hi + bit):
                    i1 = i0 + bit
                    for k in range(kmax + 1, 0, -1):  # descending: k - 1 is still old
                        for n in range(nmax + 1):
                            x, y = v[i0, k, n], v[i1, k, n]
                            v[i0, k, n] = x + v[i1, k - 1, n]
                            v[i1, k, n] = y + v[i0, k - 1, n]
            kmax += 1
        for i in range(v.shape[0]):
            dk, dn = broken[i], up[i]
            for k in range(kmax, -1, -1):
                for n in range(nmax, -1, -1):
                    v[i, k + dk, n + dn] = v[i, k, n]
            v[i, :dk, : nmax + dn + 1] = 0.0
            v[i, : kmax + dk + 1, :dn] = 0.0
        kmax, nmax = kmax + L, nmax + L


@njit(cache=True)
def _count_trace(L, reps, sizes, up, broken):
    """Orbit-weighted sum over s0 of the histograms of configurations with first row s0."""
    g = np.zeros((2 * L * L + 1, L * L + 1))
    v = np.empty((2**L, 2 * L * L + 1, L * L + 1))
    for r in range(reps.shape[0]):
        v[:] = 0.0
        v[reps[r], 0, 0] = 1.0
        _count_rows(v, L, up, broken)
        g += sizes[r] * v[reps[r]]
    return g


def density_of_states(L):
    """Number of configurations of the L x L torus with each energy and magnetization.

    Parameters
    ----------
    L : int, linear size, 2 <= L <= 8 (L = 8 takes one to two seconds)

    Returns
    -------
    e : float64 array, shape (nE,), energies per site that occur, ascending
    m : float64 array, shape (nM,), magnetizations per site, -1 to 1 in steps of 2 / N
    g : float64 array, shape (nE, nM), the counts; they sum to 2**(L*L) and are exact integers
        up to 2**53, beyond which they carry float64's relative precision
    """
    _check_L(L, 8, "density_of_states")
    n = L * L
    reps, sizes = _orbits(L)
    up, broken = _row_counts(L)
    g = _count_trace(L, reps, sizes, up, broken)
    g = (g + g[:, ::-1]) / 2.0
    occurs = g.sum(axis=1) > 0
    e = (-2.0 * n + 2.0 * np.arange(2 * n + 1)) / n
    m = (2.0 * np.arange(n + 1) - n) / n
    return e[occurs], m, g[occurs]
