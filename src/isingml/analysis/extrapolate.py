"""From crossings of pairs of sizes to T_c(L -> infinity), with the errors carried by the
jackknife through the extrapolation.

Crossings of a dimensionless scaling quantity between sizes L and rL, at a fixed ratio r,
approach T_c as T_x(L) = T_c + b L^-x with x = 1/nu + omega (2.75 asymptotically for the
Binder cumulant of the 2D Ising model). What the extrapolation assumes about x is fixed before
the data are looked at, by the number of pairs alone (``corrections``), and nowhere does an
exact T_c enter:

- one pair: that pair, not extrapolated (said so);
- two pairs: x cannot be measured; it is known only within a range fixed in advance
  (``correction_models.shift_correction``: for U4 from the exact small-L crossings of the
  square lattice, otherwise from theory alone, 1 = 1/nu < x <= 2.75; in three dimensions
  x = 1/nu + omega from the literature, about [2.29, 2.59], said so). The headline is the
  middle of the two-pair extrapolations at the range's ends, half their difference the
  systematic (``T_c_err_exponent``), added to the total in quadrature. A range calibrated on
  the exactly solved lattice (U4's) is used so at any number of pairs (fits over all pairs at
  its ends; their chi^2 reported);
- three or more, uncalibrated (the networks' U_phi, PCA's cumulant): x is fitted with T_c
  and b (``corrections.free_extrapolation``) within the same range theory allows, [1, 2.75]
  (in three dimensions, where nothing is calibrated and U4's x is fitted too, [1.7, 4]:
  ``correction_models.THREE_D_SHIFT_FIT``);
  its statistical error is the profile's (the T_c whose profile chi^2, over x and b, lies
  within 1 of the least), not the jackknife's: replicas whose x jumps between the range's ends
  make the jackknife of this non-smooth fit meaningless (too small with wide bounds, too large
  with tight ones, in the coverage reruns); no systematic is added. A fit that
  ends on a bound takes that bound's extrapolation, and says so.

Pairs that share a size are correlated (L = 32 feeds (16, 32) and (32, 64); their L = 32 parts
are anti-correlated), so the error is not that of independent pairs: the extrapolation is
repeated on every delete-one-group replica of every size (``jackknife.Jack``).
"""

import math

import numpy as np

from isingml.analysis import corrections, jackknife
from isingml.analysis.chains import student_error
from isingml.analysis.correction_models import shift_correction
from isingml.lattices import SQUARE


def _headline(L, jacks, shift):
    """(Jack of T_c, systematic, details) of the rule of the module docstring; ``shift``: the
    two-pair range (a ``corrections.Correction``)."""
    L = np.asarray(L, dtype=np.float64)
    if L.size == 1:
        return jacks[0], 0.0, {"model": "one pair: not extrapolated", "chi2_dof": None}
    if L.size >= 3 and not shift.calibrated:
        y, x, d = corrections.free_extrapolation(L, jacks, shift.fit_range or shift.omega_range)
        details = {
            "model": d["model"].replace("y + c L^-w", "T_c + b L^-x").replace("w ", "x "),
            "crossing_exponent": d["omega"],
            "crossing_exponent_err": x.err,
            "crossing_exponent_at_bound": d["omega_at_bound"],
            "crossing_exponent_interval": d["profile"]["omega_interval"],
            "T_c_profile": d["profile"]["interval"],
            "b": d["c"],
            "chi2_dof": d["chi2_dof"],
        }
        return y, 0.0, {**details, "err_stat_fit": d["err_profile"]}
    lo, hi = shift.omega_range
    ends = [corrections.extrapolation(L, jacks, e) for e in (lo, hi)]
    mid = jackknife.apply(lambda a, b: 0.5 * (a + b), ends[0][0], ends[1][0])
    how = "two pairs" if L.size == 2 else f"{L.size} pairs, the range calibrated"
    details = {
        "model": f"{how}: the shift exponent x known only to lie in [{lo:g}, {hi:g}] "
        f"({shift.why}); the middle of the extrapolations at its ends, half their difference "
        "the systematic",
        "exponent_range": [lo, hi],
        "b": None,
        "chi2_dof": ends[1][1]["chi2_dof"],
        "ends": [
            {"x": e, "T_c": y.value, "T_c_err": y.err, "b": d["b"]}
            for e, (y, d) in zip((lo, hi), ends, strict=True)
        ],
    }
    return mid, abs(ends[1][0].value - ends[0][0].value) / 2, details


def training_seed(name):
    """The training seed of a network named by ``order_parameters.network_name``
    ("w1.8-2.6/seed3" -> "3"); a name without one is its own group."""
    head, sep, seed = str(name).rpartition("/seed")
    return seed if sep else str(name)


def grouped_student_error(values, groups=None):
    """The Student-t error of the mean of ``values``, counting as independent only what is:
    values that share a group (the networks of one training seed, whose windows share its data
    split and bootstrap seeds, ``seeds.split``) are averaged first and the t factor counts the
    groups (5 seeds, not 10 networks). Without ``groups`` every value is its own."""
    values = np.asarray(values, dtype=np.float64)
    if groups is None:
        return student_error(values)
    groups = np.asarray(groups)
    means = [values[groups == g].mean() for g in dict.fromkeys(groups.tolist())]
    return student_error(np.array(means))


def network_spread(L, values, x, groups=None):
    """Each network's own extrapolation of its pair values ``values`` (n_networks, n_pairs; NaN
    where a network has no crossing) and the Student-t error of their mean over the independent
    ``groups`` (``grouped_student_error``): (error, per network (n_networks,), NaN for a
    network with a missing pair). ``x``: a two-pair shift range (``corrections.Correction``)
    or a rule (L, jacks) -> Jack."""
    rule = x if callable(x) else (lambda L_, jacks: _headline(L_, jacks, x)[0])
    per_net = np.array([
        rule(L, [jackknife.constant(v) for v in row]).value
        if np.all(np.isfinite(row)) else np.nan
        for row in np.asarray(values, dtype=np.float64)
    ])  # fmt: skip
    ok = np.isfinite(per_net)
    kept = None if groups is None else np.asarray(groups)[ok]
    return grouped_student_error(per_net[ok], kept), per_net


def pair_extrapolation(
    L, L2, jacks, network_values=None, method=None, network_groups=None, lattice=SQUARE
):
    """The headline T_c from pair crossings (Jack per pair): a dict.

    ``network_values``, for an ensemble's mean crossing: the crossing of each network per pair
    (n_networks, n_pairs); each network is extrapolated the same way and the Student-t error of
    the mean of those extrapolations (the spread between networks) is added in quadrature.
    ``method`` and the model ``lattice`` (its dimension) name the two-pair range of the shift
    exponent (``shift_correction``).
    """
    L, L2 = np.asarray(L, dtype=np.float64), np.asarray(L2, dtype=np.float64)
    pairs = [[int(a), int(b)] for a, b in zip(L, L2, strict=True)]
    base = {
        "pairs_used": pairs,
        "L_used": sorted({*map(int, L), *map(int, L2)}),
        "crossing_exponent": None,
        "exponent_range": None,
        "nu": None,
        "nu_err": None,
    }
    if L.size == 0:
        return {**base, "ok": False, "T_c": None, "T_c_err": None, "note": "no finite crossing"}
    if np.unique(L).size != L.size or np.any(np.diff(L) <= 0):
        raise ValueError(f"pair crossings must come in increasing, distinct sizes: {pairs}")
    ratios = L2 / L
    if np.ptp(ratios) > 1e-9:
        base["note"] = f"size ratios differ ({sorted(set(np.round(ratios, 3)))}): b varies"
    shift = shift_correction(method, lattice)
    tc, systematic, details = _headline(L, jacks, shift)
    data_err = details.pop("err_stat_fit", tc.err)
    out = {**base, **details, "ok": True, "T_c": tc.value, "T_c_err_data": data_err}
    out["T_c_err_parts"] = {str(k): v for k, v in tc.part_errs().items()}
    out["T_c_replicas"] = tc.to_json()
    networks = 0.0
    if network_values is not None and len(network_values) > 1:
        networks, per_net = network_spread(L, network_values, shift, network_groups)
        out["T_c_networks"] = per_net.tolist()
        out["T_c_err_networks"] = networks
    out["T_c_err_stat"] = math.hypot(data_err, networks)
    out["T_c_err_exponent"] = out["T_c_err_syst"] = systematic
    out["exponent_note"] = _exponent_note(details, systematic)
    out["T_c_err"] = math.hypot(out["T_c_err_stat"], systematic)
    out["pairs"] = [
        {"L": p[0], "L2": p[1], "T_star": j.value, "T_star_err": j.err}
        for p, j in zip(pairs, jacks, strict=True)
    ]
    return out


def _exponent_note(details, systematic):
    """What the shift exponent contributes, in words (None for one pair)."""
    if details.get("ends"):
        (lo, t_lo), (hi, t_hi) = ((e["x"], e["T_c"]) for e in details["ends"])
        return (
            f"the shift exponent lies between {lo:g} and {hi:g}: T_c is the middle of the two "
            f"extrapolations ({t_lo:.5f} and {t_hi:.5f}), half their difference "
            f"({systematic:.2g}) a systematic, in T_c_err"
        )
    if details.get("crossing_exponent") is not None:
        bound = details["crossing_exponent_at_bound"]
        at = "; at a bound: the pairs do not fix it" if bound else ""
        lo, hi = details["crossing_exponent_interval"]
        return (
            f"the shift exponent fitted: x = {details['crossing_exponent']:.2f}, the data allow "
            f"{lo:.2f}-{hi:.2f} (chi^2 within 1 of its least){at}; its uncertainty is in the "
            "statistical error (the profile over those x), no systematic added"
        )
    return None


def replicas_json(method, pairs, networks=None, sampling=None):
    """The sidecar of a crossing method's rows: each pair's crossing with its jackknife parts
    (``pairs``: (L, L2, Jack)), for an ensemble each network's crossing per pair, and the
    sampling check of its shards (``observables.sampling_check``), passed on to the FSS JSON."""
    return {
        "method": method,
        "pairs": [{"L": int(a), "L2": int(b), "T_star": j.to_json()} for a, b, j in pairs],
        "networks": networks or {},
        "sampling": sampling or {},
    }


def crossing_result(method, replicas, lattice=SQUARE):
    """The FSS JSON of a crossing method from its ``replicas_json``, its corrections those of
    the model ``lattice``'s dimension."""
    pairs = [p for p in replicas["pairs"] if math.isfinite(p["T_star"]["value"])]
    dropped = [f"({p['L']}, {p['L2']}): {p['T_star'].get('note') or 'no crossing'}"
               for p in replicas["pairs"] if p not in pairs]  # fmt: skip
    pairs.sort(key=lambda p: p["L"])
    jacks = [jackknife.Jack.from_json(p["T_star"]) for p in pairs]
    nets = replicas.get("networks") or {}
    values = None
    if nets:
        index = {(p["L"], p["L2"]): i for i, p in enumerate(replicas["pairs"])}
        values = [[v[index[(p["L"], p["L2"])]] for p in pairs] for v in nets.values()]
    head = pair_extrapolation(
        [p["L"] for p in pairs],
        [p["L2"] for p in pairs],
        jacks,
        network_values=values,
        method=method,
        network_groups=[training_seed(n) for n in nets] if nets else None,
        lattice=lattice,
    )
    sampling = replicas.get("sampling") or {}
    for text in ("pairs not used: " + "; ".join(dropped) if dropped else None,
                 sampling.get("note")):  # fmt: skip
        if text:
            head["note"] = f"{head['note']}; {text}" if head.get("note") else text
    return {
        "method": method,
        "kind": "crossing",
        **head,
        "T_c_err_window": None,
        "n_networks": len(nets) or None,
        "sampling": {k: v for k, v in sampling.items() if k != "shards"},
    }
