"""The transfer study (``studies.transfer``): CNNs trained on one lattice, evaluated on another.

Window-free (the row ``cnn_binder_transfer``): the networks' order parameter phi is odd under the
spin flip and a lattice average of local operators on any lattice, so the crossings of its Binder
cumulant U_phi on the other lattice's Binder grid (L against 2L decimated to L with that
lattice's own map) converge to the other lattice's T_c, whatever lattice taught the network
(universality). ``transfer_crossings`` is cnn_binder's analysis (``order_parameters``), its
rows naming the networks as transferred so that the summary never takes this run's own
networks' metrics for theirs.

Window-trained (``window_rows``; Carrasquilla & Melko, Nat. Phys. 13, 431 (2017); Kim & Kim,
PRE 98, 022138 (2018)): T*(L) where the networks' p(ordered) = 1/2, on both lattices' networks'
grids. The shortcut (``analysis.shortcut``) says a window-trained network is a threshold on |m|
at m0: on the other lattice T*(L) should then go to that lattice's T(m0), where its exact
spontaneous magnetization equals m0, not to its T_c. Each row states both, and how many
standard errors T*(L -> infinity) (T_c + a/L, as the window-trained rows) lies from each.
The exact T_c and m(T) are only compared with here; nothing is steered by them.
"""

import math

import numpy as np

from isingml import lattices
from isingml.analysis import fss, networks, order_parameters, shortcut
from isingml.numerics import binder_cumulant

HALFWIDTH = 0.15  # of the local fit of logit p around p = 1/2 (the window-trained rows' own)
METHOD = "cnn"  # the transferred networks


def transfer_crossings(method, feature_sets, t_range=None, lattice=lattices.SQUARE):
    """cnn_binder's ``EnsembleAnalysis`` of the transferred networks' features (evaluated on
    the model ``lattice``); the rows name their networks ``cnn_transfer`` (their metrics are
    not this run's own CNNs')."""
    found = order_parameters.features_analysis(method, feature_sets, t_range, lattice)
    for r in found.rows:
        r["model"] = f"{METHOD}_transfer"
    return found


def temperature_of_m(lattice, m0):
    """``shortcut.t_of_m0`` as a number: NaN where ``lattice`` has no exact m(T)."""
    t = shortcut.t_of_m0(m0, lattice)
    return math.nan if t is None else t


def _thresholds(group):
    """Mean m0 and R^2 of the threshold fits p ~ sigmoid(a (|m| - m0)) over a group's seeds."""
    fits = np.array([shortcut.threshold_fit(c["abs_m"], c["p_ordered"])[:2] for c, _ in group])
    return float(np.nanmean(fits[:, 1])), float(np.nanmean(fits[:, 0]))


def _rows_of(preds, rng, n_boot):
    """T*(L) rows and the p, U_phi curves of one lattice's predictions, and its model."""
    lattice = lattices.from_attrs(preds[0][1])
    left_out, kept = networks.not_learned(preds)
    rows, curves = [], []
    for (window, L, _), group in networks.group_predictions(kept).items():
        T, per_seed, curve, boot = networks.seed_curves(group, rng, n_boot)
        row = networks.half_crossing_row(METHOD, window, L, T, per_seed, curve, boot, HALFWIDTH)
        m0, r2 = _thresholds(group)
        row.update(lattice=lattice.describe(), m0=m0, R2=r2,
                   excluded="; ".join(left_out.get((window, L), [])))  # fmt: skip
        rows.append(row)
        curves += _curves(lattice, window, L, group, T, curve, boot)
    return lattice, rows, curves


def _curves(lattice, window, L, group, T, p, boot):
    """p(T) and U_phi(T) of one (window, L), each the mean over the seeds, with errors (p:
    bootstrap; U_phi: the seeds' spread, a standard error of their mean)."""
    U = np.array([[binder_cumulant(np.mean(c["phi"][c["T"] == t] ** 2),
                                   np.mean(c["phi"][c["T"] == t] ** 4)) for t in T]
                  for c, _ in group])  # fmt: skip
    U_err = U.std(axis=0, ddof=1) / np.sqrt(len(U)) if len(U) > 1 else np.full(T.size, np.nan)
    p_err = boot.std(axis=0, ddof=1)
    return [{"lattice": lattice.describe(), "window": window, "L": L, "T": float(t),
             "p": float(p[i]), "p_err": float(p_err[i]), "U": float(U[:, i].mean()),
             "U_err": float(U_err[i])} for i, t in enumerate(T)]  # fmt: skip


def window_rows(own, here, rng, n_boot=200):
    """The window-trained networks on both lattices: ``own``, their predictions on their
    training lattice's grid (every window, size, seed); ``here``, on the other lattice's. Returns
    (rows, curves): per lattice, window and L, T*(L) with its error, the threshold m0 fitted on
    that lattice's predictions and the training lattice's (``m0_trained``), that lattice's
    T(m0_trained) and T_c, and T*(L -> infinity) with its distance from each in standard
    errors; and the p(T), U_phi(T) curves of the figure."""
    trained_on, own_rows, own_curves = _rows_of(own, rng, n_boot)
    other, here_rows, here_curves = _rows_of(here, rng, n_boot)
    m0_trained = {(r["window"], r["L"]): r["m0"] for r in own_rows}
    for lattice, mine in ((trained_on, own_rows), (other, here_rows)):
        for window in sorted({r["window"] for r in mine}):
            _extrapolate(lattice, [r for r in mine if r["window"] == window], m0_trained)
    rows = own_rows + here_rows
    for r in rows:
        r["trained_on"] = trained_on.describe()
    return rows, own_curves + here_curves


def _extrapolate(lattice, rows, m0_trained):
    """One window's T*(L) on one lattice: T_c + a/L to L -> infinity, beside T(m0) and T_c."""
    ok = [r for r in rows if np.isfinite(r["T_star"]) and r["T_star_err"] > 0]
    fit = fss.fit_fixed_nu([r["L"] for r in ok], [r["T_star"] for r in ok],
                           [r["T_star_err"] for r in ok]) if ok else {"ok": False}  # fmt: skip
    t_inf, err = (fit["T_c"], fit["T_c_err"]) if fit["ok"] else (math.nan, math.nan)
    T_c = lattice.exact.T_c
    for r in rows:
        m0 = m0_trained.get((r["window"], r["L"]), math.nan)
        t_m0 = temperature_of_m(lattice, m0)
        r.update(m0_trained=m0, T_of_m0=t_m0, T_c=T_c, T_star_inf=t_inf, T_star_inf_err=err,
                 pull_T_of_m0=(t_inf - t_m0) / err if err > 0 else math.nan,
                 pull_T_c=(t_inf - T_c) / err if err > 0 and T_c else math.nan)  # fmt: skip
