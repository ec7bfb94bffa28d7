"""Critical exponents from the reweighted Binder grid, with the jackknife through every step.

At a pair's crossing temperature T_x(L, rL) (from the same data, never Onsager's T_c) the
finite-size scaling of the two sizes gives, with D the value at size rL over that at L,

    1/nu  = ln D / ln r  for  dU4/dbeta,  d ln<|m|>/dbeta,  d ln<m^2>/dbeta
    gamma/nu = ln D / ln r  for  chi = beta N <m^2>   (the same beta on both sides)
    beta/nu  = -ln D / ln r for  <|m|>

The beta-derivatives come from the reweighting itself: d<A>/dbeta = -(<A E> - <A><E>)
(``Reweighted.slopes``), so no finite difference and no fit to the curves. Each pair estimate is
a ``jackknife.Jack``: its delete-one-group replicas evaluate both sizes at that replica's own
crossing, so the error of T_x is carried into the exponent. The pairs are extrapolated like
T_c's crossings (``extrapolate.extrapolation``), here as y + c L^-omega, omega = 7/4 (the
crossing sits L^-(1/nu + omega) from T_c, and the slopes grow as L^(1/nu): the pair estimate is
off by O(L^-omega)); the three 1/nu estimates are combined with their jackknife covariance.

The networks' version (``network_estimates``) is the renormalisation-group eigenvalue of the
map "block-spin decimation by 2, then the network": at the crossing of U_phi on native L and on
2L decimated to L, the ratio of their beta-slopes is 2^(1/nu).
"""

import math

import numpy as np

from isingml.analysis import extrapolate, jackknife
from isingml.physics import EXACT_EXPONENTS, OMEGA

EXACT = EXACT_EXPONENTS
# estimate name -> the exponent it measures
INV_NU = ("dU4", "dln_abs_m", "dln_m2", "dU_phi")
MEASURES = {"dU4": "inv_nu", "dln_abs_m": "inv_nu", "dln_m2": "inv_nu",
            "chi": "gamma_over_nu", "abs_m": "beta_over_nu", "dU_phi": "inv_nu"}  # fmt: skip
# The correction exponent of each pair estimate, y(L) = y + c L^-omega. U4, chi and |m| carry the
# analytic background's omega = 7/4; the pair estimates from the log-derivatives of <m^2> and
# <|m|> deviate as 1/L: on exact transfer-matrix curves (pairs (4, 8) ... (7, 14), at their exact
# crossings) their effective exponent is 0.96-0.97, against 1.47-1.53 for dU4/dbeta and
# 1.49-1.62 for chi (tests/test_exponents.py measures them). The extrapolation is repeated with
# omega - OMEGA_SPREAD, and the difference is stated as a systematic and added to the error.
CORRECTION = {"dU4": OMEGA, "dln_abs_m": 1.0, "dln_m2": 1.0, "chi": OMEGA, "abs_m": OMEGA,
              "dU_phi": OMEGA}  # fmt: skip
OMEGA_SPREAD = 0.25


def magnetization_moments(x):
    """Per-sample moment columns of the magnetization x (n, 1): m^2, m^4 (so that
    ``binder.binder_of(0)`` reads U4) and |m|."""
    m = x[:, 0]
    return np.stack([m**2, m**4, np.abs(m)], axis=1)


def cumulant_slope(m2, m4, d2, d4):
    """d/dbeta of U = 1 - m4 / (3 m2^2) from the moments and their derivatives."""
    return -(d4 / (3.0 * m2**2) - 2.0 * m4 * d2 / (3.0 * m2**3))


def magnetization_observables(mean, slope, L):
    m2, m4, am = mean[:3]
    d2, d4, da = slope[:3]
    return {
        "dU4": cumulant_slope(m2, m4, d2, d4),
        "dln_abs_m": da / am,
        "dln_m2": d2 / m2,
        "chi": L * L * m2,  # beta cancels between two sizes at one temperature
        "abs_m": am,
    }


def pair_values(oa, ob, r):
    """The pair estimates from the observables of the smaller (oa) and larger (ob) size."""
    out = {}
    for name, kind in MEASURES.items():
        if name not in oa:
            continue
        ratio = ob[name] / oa[name]
        value = math.log(ratio) / math.log(r) if ratio > 0 else float("nan")
        out[name] = -value if kind == "beta_over_nu" else value
    return out


def pair_estimates(ra, rb, La, Lb, tx, observables, r=None):
    """{estimate: Jack} of one pair: both sizes' observables (``observables(mean, slope, L)``)
    at the crossing ``tx`` (a Jack over La and Lb), on the full data and on each replica (the
    replica's own crossing temperature, the other size whole)."""
    r = r or Lb / La

    def at(T, ga=None, gb=None):
        oa = observables(*ra.slopes(T, ga), La)
        ob = observables(*rb.slopes(T, gb), Lb)
        return pair_values(oa, ob, r)

    full = at(tx.value)
    reps = {}
    if La in tx.parts:
        reps[La] = [at(t, ga=g) for g, t in enumerate(tx.parts[La])]
    if Lb in tx.parts:
        reps[Lb] = [at(t, gb=g) for g, t in enumerate(tx.parts[Lb])]
    return {
        name: jackknife.Jack(
            full[name], {k: np.array([v[name] for v in rs]) for k, rs in reps.items()}
        )
        for name in full
    }


def _as_json(jack, exact):
    out = {"value": jack.value, "err": jack.err}
    if exact is not None and jack.err > 0:
        out["pull"] = (jack.value - exact) / jack.err
    return out


def summarise(method, per_pair, network_values=None):
    """The exponents.json object of one method: every estimate per pair and extrapolated (with
    its ``CORRECTION`` exponent, and the systematic of that choice), the 1/nu estimates combined
    with their jackknife covariance, and the headline keys ``inv_nu``, ``gamma_over_nu`` and
    ``beta_over_nu`` as {"value", "err", "pull", ...}, errors total (statistical and systematic
    in quadrature), pulls against the exact 1, 7/4 and 1/8.

    ``network_values`` {estimate: (n_networks, n_pairs)}: for an ensemble's mean, each network's
    pair values; the Student-t error of the mean of their extrapolations is added in quadrature.
    """
    L = [p[0] for p in per_pair]
    out = {
        "method": method,
        "pairs": [[int(a), int(b)] for a, b, _ in per_pair],
        "evaluated_at": "each pair's own crossing temperature (jackknifed with it)",
        "per_pair": [
            {
                "L": int(a),
                "L2": int(b),
                **{n: _as_json(j, EXACT[MEASURES[n]]) for n, j in e.items()},
            }
            for a, b, e in per_pair
        ],  # fmt: skip
        "estimates": {},
    }
    ext, alt = {}, {}
    for name in per_pair[0][2]:
        jacks = [p[2][name] for p in per_pair]
        nets = network_values.get(name) if network_values else None
        ext[name], alt[name], out["estimates"][name] = _extrapolated(name, L, jacks, nets)
    inv = [n for n in INV_NU if n in ext]
    if len(inv) > 1:
        out["inv_nu"] = _combined_inv_nu(inv, ext, alt, out["estimates"])
    elif inv:
        out["inv_nu"] = {**_headline(out["estimates"][inv[0]]), "from": inv}
    for key, name in (("gamma_over_nu", "chi"), ("beta_over_nu", "abs_m")):
        if name in out["estimates"]:
            out[key] = {**_headline(out["estimates"][name]), "from": [name]}
    if "inv_nu" in out:
        v, e = out["inv_nu"]["value"], out["inv_nu"]["err"]
        out["nu"] = {"value": 1.0 / v, "err": e / v**2}
    return out


def _extrapolated(name, L, jacks, network_values=None):
    """One estimate extrapolated over the pairs with its ``CORRECTION`` exponent: (Jack of the
    extrapolation, its value with omega - ``OMEGA_SPREAD`` (None for one pair), the entry of
    exponents.json's ``estimates``). ``network_values`` (n_networks, n_pairs): each network's
    pair values, whose spread is added as a Student-t error."""
    omega = CORRECTION[name]
    ext, det = extrapolate.extrapolation(L, jacks, omega)
    alt = extrapolate.extrapolation(L, jacks, omega - OMEGA_SPREAD)[0].value if len(L) > 1 else None
    syst = float(abs(alt - ext.value)) if alt is not None else 0.0
    entry = {"value": ext.value, "err_stat": ext.err, "err_syst_omega": syst,
             "measures": MEASURES[name], "omega": omega, **det}  # fmt: skip
    networks = 0.0
    if network_values is not None:
        networks, per_net = extrapolate.network_spread(L, network_values, omega)
        entry["err_networks"] = networks
        entry["per_network"] = per_net[np.isfinite(per_net)].tolist()
    entry["err"] = math.sqrt(ext.err**2 + networks**2 + syst**2)
    entry["pull"] = (entry["value"] - EXACT[MEASURES[name]]) / entry["err"]
    if len(L) > 1:
        entry["largest_pair"] = {"value": jacks[-1].value, "err": jacks[-1].err}
    return ext, alt, entry


def _combined_inv_nu(inv, ext, alt, est):
    """The 1/nu estimates ``inv`` combined with their jackknife covariance, the systematic of
    omega and the networks' spread carried with the combination's weights."""
    comb, w, how = jackknife.combine([ext[n] for n in inv])
    syst = float(abs(sum(wi * ((alt[n] if alt[n] is not None else ext[n].value) - ext[n].value)
                   for wi, n in zip(w, inv, strict=True))))  # fmt: skip
    networks = math.sqrt(sum((wi * est[n].get("err_networks", 0.0)) ** 2
                             for wi, n in zip(w, inv, strict=True)))  # fmt: skip
    err = math.sqrt(comb.err**2 + syst**2 + networks**2)
    return {
        "value": comb.value, "err": err, "pull": (comb.value - EXACT["inv_nu"]) / err,
        "err_stat": comb.err, "err_syst_omega": syst, "from": inv, "weights": w.tolist(),
        "weighting": how,
        "covariance": jackknife.covariance([ext[n] for n in inv]).tolist(),
    }  # fmt: skip


def _headline(entry):
    return {k: entry[k] for k in ("value", "err", "pull", "err_stat", "err_syst_omega")}


def binder_exponents(reweighted, pairs):
    """Exponents from the magnetization's reweighted moments ({L: Reweighted} with
    ``magnetization_moments``) at the U4 crossings ``pairs`` [(L, L2, Jack)]."""
    per_pair, at_crossing = [], []
    for La, Lb, tx in pairs:
        if not np.isfinite(tx.value):
            continue
        ra, rb = reweighted[La], reweighted[Lb]
        est = pair_estimates(ra, rb, La, Lb, tx, magnetization_observables)
        per_pair.append((La, Lb, est))
        at_crossing.append(
            {
                "L": int(La),
                "L2": int(Lb),
                "T_x": tx.value,
                "a": magnetization_observables(*ra.slopes(tx.value), La),
                "b": magnetization_observables(*rb.slopes(tx.value), Lb),
            }
        )
    if not per_pair:
        return {"method": "binder", "note": "no crossing: no exponents"}
    out = summarise("binder", per_pair)
    out["at_crossing"] = at_crossing  # both sizes' observables at each pair's crossing
    return out


def phi_observables(c):
    """The slope of network c's U_phi (moment columns 2c, 2c + 1: phi^2, phi^4)."""

    def observables(mean, slope, L):
        i = 2 * c
        return {"dU_phi": cumulant_slope(mean[i], mean[i + 1], slope[i], slope[i + 1])}

    return observables


def network_exponents(method, pairs, names, crossings):
    """The networks' RG eigenvalue: at each network's crossing of U_phi on native L and on 2L
    decimated to L (``pairs``: (L, 2L, Reweighted native L, Reweighted decimated 2L);
    ``crossings`` {name: [Jack per pair]}), 1/nu = log2 of the ratio of the two beta-slopes.
    The ensemble's mean per pair is carried by the jackknife (the networks share their
    configurations) and the spread between networks is added as a Student-t error."""
    per_pair, values = [], []
    for i, (La, Lb, ra, rb) in enumerate(pairs):
        est = []
        for c, name in enumerate(names):
            tx = crossings[name][i]
            ok = np.isfinite(tx.value) and bool(tx.parts)
            est.append(
                pair_estimates(ra, rb, La, Lb, tx, phi_observables(c), r=2.0)["dU_phi"]
                if ok else None
            )  # fmt: skip
        good = [e for e in est if e is not None]
        if not good:
            continue
        per_pair.append((La, Lb, {"dU_phi": jackknife.mean(good)}))
        values.append([e.value if e is not None else np.nan for e in est])
    if not per_pair:
        return {"method": method, "note": "no network crossing: no exponent"}
    out = summarise(method, per_pair, {"dU_phi": np.array(values).T})
    out["evaluated_at"] = "each network's own crossing of native L and 2L decimated to L"
    out["n_networks"] = len(names)
    return out
