"""Thermodynamic observables of one (L, T) series, each with a standard error.

Inputs are the per-sample energy per site ``e`` and signed magnetization per site ``m`` of one
Markov chain, or of the 64 independent replicas of a multi-spin shard (``chains``). Every error
comes from a delete-one-group jackknife over independent groups: whole replicas, or blocks of a
single chain at least 10 tau_int long (``chains.groups``), so the plain means and the nonlinear
quantities (C, chi, U4) are treated alike. tau_int is measured per chain and averaged.

Definitions (N = the lattice's number of sites: L^2, or L^3 on the cube; J = k_B = 1):
    C   = N (<e^2> - <e>^2) / T^2           specific heat per site
    chi = N (<m^2> - <|m|>^2) / T           finite-lattice susceptibility per site
    U4  = 1 - <m^4> / (3 <m^2>^2)           Binder cumulant
The tau columns are in sweeps (Wolff: sweep-equivalents), like the shard attributes.
"""

import numpy as np

from isingml.analysis import chains
from isingml.errors import UserError
from isingml.lattices import SQUARE
from isingml.numerics import binder_cumulant
from isingml.statistics import MIN_SPACING_TAUS, TARGET_SPACING_TAUS

MIN_SAMPLES = 40
COLUMNS = (
    "e",
    "e_err",
    "abs_m",
    "abs_m_err",
    "m2",
    "m2_err",
    "m4",
    "m4_err",
    "C",
    "C_err",
    "chi",
    "chi_err",
    "U4",
    "U4_err",
    "tau_int_e_sweeps",
    "tau_int_abs_m_sweeps",
    "n",
    "n_chains",
    "n_groups",
    "group_length_tau",  # jackknife groups are this many tau_int long (>= 10 is safe)
)


def _all(mom, n_sites, T):
    """e, |m|, m^2, m^4, C, chi, U4 from moment means; ``mom[..., k]`` = <e>, <e^2>, <|m|>,
    <m^2>, <m^4>."""
    e, e2, am, m2, m4 = (mom[..., k] for k in range(5))
    return {
        "e": e,
        "abs_m": am,
        "m2": m2,
        "m4": m4,
        "C": n_sites * (e2 - e**2) / T**2,
        "chi": n_sites * (m2 - am**2) / T,
        "U4": binder_cumulant(m2, m4),
    }


def measure(e, m, L, T, n_replicas=1, interval=1.0, lattice=SQUARE):
    """All observables of one series as a dict (keys in ``COLUMNS``).

    ``n_replicas`` > 1: the series holds that many independent chains, stored time-major;
    ``interval``: sweeps between successive samples of one chain; ``lattice``: the model,
    whose ``n_sites(L)`` makes C and chi per site.
    """
    e = np.asarray(e, dtype=np.float64)
    m = np.asarray(m, dtype=np.float64)
    if e.shape != m.shape or e.ndim != 1 or e.size < MIN_SAMPLES:
        raise UserError(f"need two equal 1-D series of >= {MIN_SAMPLES} samples, got {e.shape}")
    am = np.abs(m)
    lay = chains.layout(e.size, {"n_replicas": n_replicas, "interval": interval})
    tau_e = float(np.mean(chains.tau_per_chain(e, lay)))
    tau_m = float(np.mean(chains.tau_per_chain(am, lay)))
    tau = max(tau_e, tau_m, float(np.mean(chains.tau_per_chain(m**2, lay))))
    group, G, group_taus = chains.groups(lay, tau)
    moments = np.stack([e, e**2, am, m**2, m**4], axis=1)
    full, loo = chains.leave_one_out_means(moments, group, G)
    N = lattice.n_sites(L)
    value, jack = _all(full, N, T), _all(loo, N, T)
    out = {}
    for key in value:
        out[key] = float(value[key])
        out[key + "_err"] = float(chains.jackknife(jack[key]))
    out.update(
        tau_int_e_sweeps=tau_e * interval,
        tau_int_abs_m_sweeps=tau_m * interval,
        n=e.size,
        n_chains=lay.n_chains,
        n_groups=G,
        group_length_tau=group_taus,
    )
    return out


def observables_rows(shards, lattice=SQUARE):
    """One row per (L, T) from shards of the model ``lattice`` read without spins; sorted by
    T."""
    rows = []
    for s in sorted(shards, key=lambda s: s.T):
        replicas = int(s.attrs.get("n_replicas", 1))
        interval = float(s.attrs["interval"])
        obs = measure(s.energy, s.magnetization, s.L, s.T, replicas, interval, lattice)
        row = {"L": s.L, "T": s.T, **obs}
        rows.append(row)
    return rows


# What the stored series show, checked after every run against the sampler's targets: samples
# ``TARGET_SPACING_TAUS`` tau_int apart (a note below ``MIN_SPACING_TAUS``), replicas burnt in
# for >= 15 tau_int of the stored series (``sampling.plan.BURN_IN_TAUS`` pilot tau_int).
MIN_BURN_IN_TAUS = 15.0


def sampling_check(shards):
    """The spacing of stored samples and the replicas' burn-in in units of the tau_int measured
    on the stored series (attributes ``stored_tau_int_*``, per chain, in sample spacings), per
    shard and at worst: a dict for the results files, with a ``note`` where a target is missed.
    The errors do not depend on it (jackknife over independent replicas or long blocks); the
    number of independent samples and the residual bias of the start do."""
    rows = []
    for s in shards:
        a = s.attrs
        if "stored_tau_int_abs_m" not in a:
            continue
        tau = max(float(a["stored_tau_int_energy"]), float(a["stored_tau_int_abs_m"]), 1e-9)
        tau_sweeps = tau * float(a["interval"])
        burn = a.get("replica_burn_in")
        rows.append(
            {
                "L": int(s.L),
                "T": float(s.T),
                "spacing_taus": 1.0 / tau,
                "pilot_over_stored": max(float(a["tau_int_energy"]), float(a["tau_int_abs_m"]))
                / tau_sweeps,
                "burn_in_taus": float(burn) / tau_sweeps if burn is not None else None,
            }
        )
    if not rows:
        return {}
    spacing = min(rows, key=lambda r: r["spacing_taus"])
    burn = [r for r in rows if r["burn_in_taus"] is not None]
    worst_burn = min(burn, key=lambda r: r["burn_in_taus"]) if burn else None
    out = {
        "min_spacing_taus": spacing["spacing_taus"],
        "min_spacing_at": [spacing["L"], spacing["T"]],
        "min_pilot_over_stored": min(r["pilot_over_stored"] for r in rows),
        "min_burn_in_taus": worst_burn["burn_in_taus"] if worst_burn else None,
        "shards": rows,
    }
    notes = []
    if spacing["spacing_taus"] < MIN_SPACING_TAUS:
        notes.append(
            f"stored samples only {spacing['spacing_taus']:.2f} tau_int apart at L = "
            f"{spacing['L']}, T = {spacing['T']:.4f} (target {TARGET_SPACING_TAUS:g}; the pilot's "
            f"tau_int was {out['min_pilot_over_stored']:.2f} of the stored series'): fewer "
            "independent samples than stored, errors still valid"
        )
    if worst_burn and worst_burn["burn_in_taus"] < MIN_BURN_IN_TAUS:
        notes.append(
            f"replica burn-in only {worst_burn['burn_in_taus']:.1f} tau_int at L = "
            f"{worst_burn['L']}, T = {worst_burn['T']:.4f} (target {MIN_BURN_IN_TAUS:g})"
        )
    if notes:
        out["note"] = "; ".join(notes)
    return out
