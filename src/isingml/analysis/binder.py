"""Crossings of Binder cumulants between lattice sizes, on reweighted curves, and their
extrapolation to L -> infinity.

A size's shards (several temperatures near T_c) are reduced to per-level tables with jackknife
groups (``size_tables``) and reweighted (``reweighting.Reweighted``). Two sizes' cumulants
U_a(T), U_b(T) then cross where their difference has a root, found with Brent's method on the
reweighted curves, with no interpolation between grid points. The error of T_x is the jackknife
of each size (its groups deleted one at a time, the other size held fixed), added in
quadrature: the sizes are independent simulations.

The cumulant can be that of the magnetization (the baseline) or of any per-sample scalar that
is odd under the spin flip (a learned order parameter, the first principal component): the
crossing of such a quantity converges to T_c as L -> infinity, with the shift
T_x(L) - T_c ~ L^-(1/nu + omega) at a fixed size ratio (Binder, Z. Phys. B 43, 119 (1981)).
"""

from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from isingml.analysis import chains
from isingml.analysis.exponents import magnetization_moments
from isingml.analysis.jackknife import Jack
from isingml.analysis.reweighting import LevelTables, Reweighted, cumulant
from isingml.config import size_pairs
from isingml.errors import UserError
from isingml.lattices import SQUARE
from isingml.methods import CURVE_COLUMN

SCAN_POINTS = 41  # the crossing is bracketed on this many temperatures before Brent's method


def shard_groups(n, attrs, x):
    """Jackknife groups of one shard's n samples (whole replicas, or blocks >= 10 tau_int of the
    observable ``x`` of a single chain): (group (n,), G)."""
    lay = chains.layout(n, attrs)
    tau = float(np.mean(chains.tau_per_chain(x, lay))) if lay.n_chains == 1 else 1.0
    group, G, _ = chains.groups(lay, tau)
    return group, G


def size_tables(L, shards, moments, lattice=SQUARE):
    """LevelTables of one size from ``shards``: a list of (T, e (n,), x (n, q), attrs) with e
    the energy per site of the model ``lattice`` (the reweighting's total energy is e times
    its ``n_sites(L)``: L^2, or L^3 on the cube) and x the observable columns; ``moments(x)``
    gives the (n, J) columns to average. Every shard's groups are mapped onto the smallest
    number of groups among them."""
    shards = sorted(shards, key=lambda s: s[0])
    group, G = size_groups(shards)
    E = np.concatenate([e * lattice.n_sites(L) for _, e, _, _ in shards])
    k = np.concatenate([np.full(e.size, i) for i, (_, e, _, _) in enumerate(shards)])
    X = np.concatenate([moments(x) for _, _, x, _ in shards])
    return LevelTables.build(E, k, group, G, X, [T for T, _, _, _ in shards])


def size_groups(shards):
    """(group (n,), G) of the samples of one size's ``shards`` (sorted by T, as in
    ``size_tables``): each shard's groups mapped onto the smallest number among them."""
    per = [shard_groups(e.size, attrs, np.abs(x).sum(axis=1)) for _, e, x, attrs in shards]
    G = min(g for _, g in per)
    return np.concatenate([grp % G for grp, _ in per]), G


def binder_of(column):
    """The statistic U of column ``column`` of moments laid out as (x^2, x^4) per column."""
    return lambda mo: cumulant(mo[2 * column], mo[2 * column + 1])


def even_moments(x):
    """(x_1^2, x_1^4, x_2^2, x_2^4, ...) of the columns of x (n, q)."""
    return np.stack([p for c in x.T for p in (c**2, c**4)], axis=1)


def _near_root(f, t0, width, lo, hi):
    """The root of f near a known root t0 of a slightly different function (a jackknife
    replica): Brent's method on [t0 - width, t0 + width] when that brackets it, else a scan of
    the whole range."""
    a, b = max(lo, t0 - width), min(hi, t0 + width)
    fa, fb = f(a), f(b)
    if fa * fb < 0:
        return float(brentq(f, a, b, xtol=1e-9))
    return _root(f, lo, hi)


def _root(f, lo, hi):
    """The root of f in [lo, hi] found on a scan of ``SCAN_POINTS`` temperatures; NaN if none.
    Where noise gives the scan several sign changes, the one nearest the root of a straight
    line fitted to f over the whole scan (the crossing the data as a whole point to): the rule
    does not depend on where the grid is centred."""
    T = np.linspace(lo, hi, SCAN_POINTS)
    d = np.array([f(t) for t in T])
    idx = np.flatnonzero(np.sign(d[:-1]) * np.sign(d[1:]) <= 0)
    if idx.size == 0:
        return np.nan
    slope, icept = np.polyfit(T, d, 1)
    overall = -icept / slope if slope != 0 else (lo + hi) / 2
    i = idx[np.argmin(np.abs((T[idx] + T[idx + 1]) / 2 - overall))]
    if d[i] == 0:
        return float(T[i])
    if d[i + 1] == 0:
        return float(T[i + 1])
    return float(brentq(f, T[i], T[i + 1], xtol=1e-9))


def crossing_roots(ra, rb, statistic, t_range):
    """Where statistic(size a) = statistic(size b) in ``t_range``: the root of the full data and
    those with one group of size a (then b) left out, (tx, ta (Ga,), tb (Gb,)); NaNs where the
    curves do not cross in the range. ``reweighting.OverlapError`` where either size's
    histograms barely overlap at the crossing."""
    lo, hi = t_range
    ra.check_range([lo, hi])
    rb.check_range([lo, hi])

    def diff(ga, gb):
        return lambda t: statistic(ra.moments(t, ga)) - statistic(rb.moments(t, gb))

    tx = _root(diff(None, None), lo, hi)
    if not np.isfinite(tx):
        return tx, np.full(ra.n_groups, np.nan), np.full(rb.n_groups, np.nan)
    # the crossing lies between simulated temperatures: both sizes' histograms must cover it
    ra.check_overlap(tx)
    rb.check_overlap(tx)
    width = (hi - lo) / 8  # each replica's root lies near the full one
    ta = np.array([_near_root(diff(g, None), tx, width, lo, hi) for g in range(ra.n_groups)])
    tb = np.array([_near_root(diff(None, g), tx, width, lo, hi) for g in range(rb.n_groups)])
    if np.isnan(ta).any() or np.isnan(tb).any():
        raise CrossingLost(
            f"{ra.where} / {rb.where}: the crossing near T = {tx:.4f} vanishes when one group of "
            "samples is left out; the data cannot locate it (more samples or temperatures)"
        )
    return tx, ta, tb


class CrossingLost(UserError):
    """A crossing that some jackknife replica does not have: the data do not locate it."""


def crossing_jack(ra: Reweighted, rb: Reweighted, statistic, t_range, La, Lb):
    """``crossing_roots`` as a ``jackknife.Jack`` whose parts are the sizes La and Lb; a NaN
    Jack with a ``note`` where the curves do not cross in range or the data cannot locate the
    crossing (the pair is then reported as such, never silently dropped)."""
    try:
        tx, ta, tb = crossing_roots(ra, rb, statistic, t_range)
    except CrossingLost as lost:
        return Jack(float("nan"), {}, str(lost))
    if not np.isfinite(tx):
        return Jack(float("nan"), {}, f"no crossing in {t_range[0]:.4f}-{t_range[1]:.4f}")
    return Jack(float(tx), {int(La): ta, int(Lb): tb})


def crossing_row(method, La, Lb, jack, n_groups):
    """A row of results/tc/{method}.csv from a crossing's Jack (the error of each size apart:
    the sizes are independent simulations, their parts add in quadrature)."""
    parts = jack.part_errs()
    nan = float("nan")
    return {
        "method": method,
        "window": "-",
        "L": La,
        "L2": Lb,
        "T_star": jack.value,
        "T_star_err": jack.err if parts else nan,
        "T_star_err_a": parts.get(La, nan),
        "T_star_err_b": parts.get(Lb, nan),
        "n_groups": n_groups,
        "note": jack.note,
    }


def pair_rows(method, reweighted, statistic, t_range):
    """One row per pair of sizes of ``reweighted`` ({L: Reweighted}; ``config.size_pairs``), and the
    pairs as (L, L2, Jack) for the extrapolation."""
    sizes = sorted(reweighted)
    if len(sizes) < 2:
        raise UserError(f"{method}: crossings need at least two lattice sizes, got {sizes}")
    rows, pairs = [], []
    for La, Lb in size_pairs(sizes):
        ra, rb = reweighted[La], reweighted[Lb]
        jack = crossing_jack(ra, rb, statistic, t_range, La, Lb)
        rows.append(crossing_row(method, La, Lb, jack, min(ra.n_groups, rb.n_groups)))
        pairs.append((La, Lb, jack))
    return rows, pairs


def at_crossing(ra, rb, statistic, La, Lb, jack):
    """The statistic where the curves of sizes La and Lb cross (``jack``, their crossing), as
    a Jack over both sizes: the mean of the two curves at the crossing, on the full data and
    on each delete-one-group replica at that replica's own crossing (where they are equal)."""
    if not np.isfinite(jack.value):
        return Jack(float("nan"), {}, jack.note)

    def value(t, ga=None, gb=None):
        return 0.5 * (statistic(ra.moments(t, ga)) + statistic(rb.moments(t, gb)))

    parts = {}
    if La in jack.parts:
        parts[La] = np.array([value(t, ga=g) for g, t in enumerate(jack.parts[La])])
    if Lb in jack.parts:
        parts[Lb] = np.array([value(t, gb=g) for g, t in enumerate(jack.parts[Lb])])
    return Jack(float(value(jack.value)), parts)


def u4_at_crossings(reweighted, pairs):
    """U4 at each pair's crossing, [{L, L2, value, err}]: its L -> infinity limit depends on
    the periodic box's shape and the couplings (0.61069 on the isotropic square torus,
    ``physics.SQUARE_TORUS_U4``), unlike the crossing temperature's."""
    out = []
    for La, Lb, jack in pairs:
        u = at_crossing(reweighted[La], reweighted[Lb], binder_of(0), La, Lb, jack)
        out.append({"L": int(La), "L2": int(Lb), "value": u.value,
                    "err": u.err if u.parts else float("nan")})  # fmt: skip
    return out


def curve_rows(reweighted, statistic, t_range, points=61, name="U4"):
    """The reweighted statistic of each size on a grid over ``t_range``, with jackknife errors."""
    T = np.linspace(*t_range, points)
    rows = []
    for L, rw in sorted(reweighted.items()):
        value, err = rw.curve(statistic, T)
        rows += [
            {"L": L, "T": float(t), name: float(v), f"{name}_err": float(e)}
            for t, v, e in zip(T, value, err, strict=True)
        ]
    return rows


def by_size(series):
    """{L: [(T, e, x, attrs), ...]} from (L, T, e, x, attrs) tuples."""
    out = {}
    for L, T, e, x, attrs in series:
        out.setdefault(int(L), []).append((T, e, x, attrs))
    return out


def magnetization_reweighted(shards, lattice=SQUARE):
    """{L: Reweighted} of the magnetization's moments (``exponents.magnetization_moments``) from
    shards of the model ``lattice`` (objects with L, T, energy, magnetization, attrs; spins are
    not needed)."""
    series = [(s.L, s.T, s.energy, s.magnetization[:, None], s.attrs) for s in shards]
    return {
        L: Reweighted(
            size_tables(L, group, magnetization_moments, lattice), where=f"binder L = {L}"
        )
        for L, group in by_size(series).items()
    }


@dataclass(frozen=True)
class BinderAnalysis:
    """The U4 crossings of the magnetization: ``rows`` (results/tc/binder.csv), the reweighted
    U4 ``curves`` of each size, the ``pairs`` as (L, L2, Jack) for the extrapolation and the
    ``reweighted`` data ({L: Reweighted}) for the exponents."""

    rows: list
    curves: list
    pairs: list
    reweighted: dict


def reweighting_report(crossings):
    """The diagnostics of a crossing method's reweighting, for its sidecar. ``crossings``:
    (La, Lb, Reweighted a, Reweighted b, Jack) per pair. Per reweighted data set (by its
    ``where``) the multi-histogram solver's iterations and final residual
    (``Reweighted.solver_report``), and per pair with a crossing both sizes' overlap there."""
    solver, overlaps = {}, []
    for La, Lb, ra, rb, jack in crossings:
        for rw in (ra, rb):
            solver.setdefault(rw.where, rw.solver_report())
        if np.isfinite(jack.value):
            overlaps.append({"L": int(La), "L2": int(Lb), "T_star": jack.value,
                             "a": ra.overlap(jack.value).to_json(),
                             "b": rb.overlap(jack.value).to_json()})  # fmt: skip
    return {"solver": solver, "overlap_at_crossings": overlaps}


def magnetization_analysis(shards, t_range, lattice=SQUARE):
    """The Binder baseline from shards of the model ``lattice`` (objects with L, T, energy,
    magnetization, attrs)."""
    reweighted = magnetization_reweighted(shards, lattice)
    statistic = binder_of(0)
    rows, pairs = pair_rows("binder", reweighted, statistic, t_range)
    curves = curve_rows(reweighted, statistic, t_range, name=CURVE_COLUMN["binder"])
    return BinderAnalysis(rows, curves, pairs, reweighted)
