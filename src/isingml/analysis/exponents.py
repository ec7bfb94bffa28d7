"""Critical exponents from the reweighted Binder grid, with the jackknife through every step.

At a pair's crossing temperature T_x(L, rL) (from the same data, never Onsager's T_c) the
finite-size scaling of the two sizes gives, with D the value at size rL over that at L,

    1/nu  = ln D / ln r  for  dU4/dbeta,  d ln<|m|>/dbeta,  d ln<m^2>/dbeta
    gamma/nu = ln D / ln r  for  chi = beta N <m^2>   (the same beta on both sides)
    beta/nu  = -ln D / ln r for  <|m|>

The beta-derivatives come from the reweighting itself: d<A>/dbeta = -(<A E> - <A><E>)
(``Reweighted.slopes``), so no finite difference and no fit to the curves. Each pair estimate is
a ``jackknife.Jack``: its delete-one-group replicas evaluate both sizes at that replica's own
crossing, so the error of T_x is carried into the exponent. The pairs are
extrapolated as y + c L^-omega by ``corrections.corrected`` (omega fitted over three or more
pairs, a range fixed in advance over two: ``correction_models``). The quoted 1/nu is dU4's alone:
the log-derivatives carry an L^-1/nu correction two pairs cannot fix, and combining them by
their statistical covariance weighted most the estimates with the largest systematic (1/nu
high by 0.004 over 16 coverage seeds); they are its checks. gamma/nu and beta/nu are one
measurement: at a U4 crossing both sizes share the magnetization distribution's shape, so
gamma/nu + 2 beta/nu = d holds by construction (``hyperscaling``, a check, not a confirmation).

The networks' version (``network_estimates``) is the renormalisation-group eigenvalue of the
map "block-spin decimation by 2, then the network": at the crossing of U_phi on native L and on
2L decimated to L, the ratio of their beta-slopes is 2^(1/nu).
"""

import functools
import math

import numpy as np

from isingml.analysis import corrections, extrapolate, jackknife
from isingml.analysis.correction_models import exponent_correction
from isingml.lattices import SQUARE, reference_of

# estimate name -> the exponent it measures
INV_NU = ("dU4", "dln_abs_m", "dln_m2", "dU_phi")
MEASURES = {"dU4": "inv_nu", "dln_abs_m": "inv_nu", "dln_m2": "inv_nu",
            "chi": "gamma_over_nu", "abs_m": "beta_over_nu", "dU_phi": "inv_nu"}  # fmt: skip
# The 1/nu that is quoted, by preference: the cumulants' slopes (the smallest, best-known
# correction); the other 1/nu estimates are checks, not combined with it.
HEADLINE_INV_NU = ("dU4", "dU_phi")
WHY_HEADLINE = (
    "the cumulant's slope alone: its correction is the smallest and known from theory; the "
    "log-derivative estimates (under 'checks') carry an L^-1/nu correction two pairs cannot fix "
    "and are not combined with it"
)
TIED = "tied to gamma/nu by hyperscaling at the U4 crossing ('hyperscaling'): not a second test"


def magnetization_moments(x):
    """Per-sample moment columns of the magnetization x (n, 1): m^2, m^4 (so that
    ``binder.binder_of(0)`` reads U4) and |m|."""
    m = x[:, 0]
    return np.stack([m**2, m**4, np.abs(m)], axis=1)


def cumulant_slope(m2, m4, d2, d4):
    """d/dbeta of U = 1 - m4 / (3 m2^2) from the moments and their derivatives."""
    return -(d4 / (3.0 * m2**2) - 2.0 * m4 * d2 / (3.0 * m2**3))


def magnetization_observables(mean, slope, L, dim=2):
    """The observables of size L on a lattice of dimension ``dim``: chi = L^d <m^2> (beta
    cancels between two sizes at one temperature)."""
    m2, m4, am = mean[:3]
    d2, d4, da = slope[:3]
    return {
        "dU4": cumulant_slope(m2, m4, d2, d4),
        "dln_abs_m": da / am,
        "dln_m2": d2 / m2,
        "chi": L**dim * m2,
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


def summarise(method, per_pair, network_values=None, groups=None, lattice=SQUARE):
    """The exponents.json object of one method: every estimate per pair and extrapolated
    (``corrections.corrected`` with its ``exponent_correction`` on ``lattice``, and the model's
    systematic); the headline keys ``inv_nu`` (``HEADLINE_INV_NU``; the other 1/nu estimates
    its checks), ``gamma_over_nu`` and ``beta_over_nu`` (tied to it: the ``hyperscaling``
    check) as {"value", "err", "pull", ...}, errors total (statistical, networks' spread,
    systematic), pulls against the lattice's (``lattices.Reference.exponents``: the exact 1, 7/4
    and 1/8 in 2D; ``compared_with`` says where they are references); ``replicas``: the
    headlines' jackknife replicas, for ``covariance``. ``network_values`` {estimate:
    (n_networks, n_pairs)}: each network's pair values, for an ensemble's mean; the Student-t
    error of their extrapolations' mean over the independent ``groups`` (training seeds) is
    added in quadrature.
    """
    L = [p[0] for p in per_pair]
    ref = reference_of(lattice)
    known = dict(ref.exponents or {})
    out = {
        "method": method,
        "pairs": [[int(a), int(b)] for a, b, _ in per_pair],
        "evaluated_at": "each pair's own crossing temperature (jackknifed with it)",
        "per_pair": [
            {
                "L": int(a),
                "L2": int(b),
                **{n: _as_json(j, known.get(MEASURES[n])) for n, j in e.items()},
            }
            for a, b, e in per_pair
        ],  # fmt: skip
        "estimates": {},
    }
    ext = {}
    for name in per_pair[0][2]:
        jacks = [p[2][name] for p in per_pair]
        nets = network_values.get(name) if network_values else None
        ext[name], out["estimates"][name] = _extrapolated(
            name, L, jacks, nets, groups, lattice, known
        )
    est, replicas = out["estimates"], {}
    head = next((n for n in HEADLINE_INV_NU if n in ext), None)
    if head:
        checks = {n: {k: est[n][k] for k in ("value", "err", "pull")}
                  for n in INV_NU if n in ext and n != head}  # fmt: skip
        out["inv_nu"] = {**_headline(est[head]), "from": [head]}
        if checks:
            out["inv_nu"].update(why=WHY_HEADLINE, checks=checks)
        replicas["inv_nu"] = ext[head]
    for key, name in (("gamma_over_nu", "chi"), ("beta_over_nu", "abs_m")):
        if name in est:
            out[key] = {**_headline(est[name]), "from": [name]}
            replicas[key] = ext[name]
    if "chi" in ext and "abs_m" in ext:
        out["beta_over_nu"]["tied_to"] = "gamma_over_nu"
        out["beta_over_nu"]["note"] = TIED
        out["hyperscaling"] = hyperscaling(ext["chi"], ext["abs_m"], lattice.dim)
    if not ref.exact:
        out["compared_with"] = f"pulls against reference values, not exact: {ref.source}"
    if "inv_nu" in out:
        v, e = out["inv_nu"]["value"], out["inv_nu"]["err"]
        out["nu"] = {"value": 1.0 / v, "err": e / v**2}
    out["replicas"] = {k: j.to_json() for k, j in replicas.items()}
    return out


def hyperscaling(gamma, beta, dim=2):
    """gamma/nu + 2 beta/nu - d from the two extrapolated estimates (Jacks), with its jackknife
    error: at a U4 crossing it vanishes by construction, so it checks the crossing and the
    extrapolation, not the exponents."""
    h = jackknife.apply(lambda g, b: g + 2.0 * b - dim, gamma, beta)
    return {
        "value": h.value,
        "err": h.err,
        "relation": f"gamma/nu + 2 beta/nu - d (d = {dim})",
        "note": "zero by construction at a U4 crossing (both sizes share the shape of the "
        "magnetization distribution): a check, not a second confirmation of the exponents",
    }


def _extrapolated(name, L, jacks, network_values=None, groups=None, lattice=SQUARE, known=None):
    """One estimate extrapolated over the pairs by ``corrections.corrected`` with its
    ``exponent_correction`` on ``lattice``: (Jack of the extrapolation, the entry of
    exponents.json's ``estimates``, with a pull against ``known`` where it has the exponent).
    ``network_values`` (n_networks, n_pairs): each network's pair values, whose spread over the
    independent ``groups`` is added as a Student-t error."""
    correction = exponent_correction(name, lattice)
    res = corrections.corrected(L, jacks, correction)
    entry = {"value": res.jack.value, "err_stat": res.err_stat, "systematic": res.systematic,
             "measures": MEASURES[name], **res.details}  # fmt: skip
    networks = 0.0
    if network_values is not None:
        networks, per_net = extrapolate.network_spread(
            L, network_values, lambda L_, j: corrections.corrected(L_, j, correction).jack, groups
        )
        entry["err_networks"] = networks
        entry["per_network"] = per_net[np.isfinite(per_net)].tolist()
    entry["err"] = math.sqrt(res.err_stat**2 + networks**2 + res.systematic**2)
    if MEASURES[name] in (known or {}):
        entry["pull"] = (entry["value"] - known[MEASURES[name]]) / entry["err"]
    if len(L) > 1:
        entry["largest_pair"] = {"value": jacks[-1].value, "err": jacks[-1].err}
    return res.jack, entry


def _headline(entry):
    keep = ("value", "err", "pull", "err_stat", "systematic", "err_networks", "model",
            "omega_range", "omega", "omega_err")  # fmt: skip
    return {k: entry[k] for k in keep if k in entry}


def binder_exponents(reweighted, pairs, lattice=SQUARE):
    """Exponents from the magnetization's reweighted moments ({L: Reweighted} with
    ``magnetization_moments``) at the U4 crossings ``pairs`` [(L, L2, Jack)], on ``lattice``
    (its dimension in chi = L^d <m^2>, its corrections and reference exponents)."""
    per_pair, at_crossing = [], []
    observables = functools.partial(magnetization_observables, dim=lattice.dim)
    for La, Lb, tx in pairs:
        if not np.isfinite(tx.value):
            continue
        ra, rb = reweighted[La], reweighted[Lb]
        est = pair_estimates(ra, rb, La, Lb, tx, observables)
        per_pair.append((La, Lb, est))
        at_crossing.append(
            {
                "L": int(La),
                "L2": int(Lb),
                "T_x": tx.value,
                "a": observables(*ra.slopes(tx.value), La),
                "b": observables(*rb.slopes(tx.value), Lb),
            }
        )
    if not per_pair:
        return {"method": "binder", "note": "no crossing: no exponents"}
    out = summarise("binder", per_pair, lattice=lattice)
    out["at_crossing"] = at_crossing  # both sizes' observables at each pair's crossing
    return out


def phi_observables(c):
    """The slope of network c's U_phi (moment columns 2c, 2c + 1: phi^2, phi^4)."""

    def observables(mean, slope, L):
        i = 2 * c
        return {"dU_phi": cumulant_slope(mean[i], mean[i + 1], slope[i], slope[i + 1])}

    return observables


def network_exponents(method, pairs, names, crossings, lattice=SQUARE):
    """The networks' RG eigenvalue: at each network's crossing of U_phi on native L and on 2L
    decimated to L (``pairs``: (L, 2L, Reweighted native L, Reweighted decimated 2L);
    ``crossings`` {name: [Jack per pair]}), 1/nu = log2 of the ratio of the two beta-slopes.
    The ensemble's mean per pair is carried by the jackknife (the networks share their
    configurations) and the spread between networks is added as a Student-t error over their
    training seeds (a seed's windows share its data split)."""
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
    groups = [extrapolate.training_seed(n) for n in names]
    out = summarise(method, per_pair, {"dU_phi": np.array(values).T}, groups, lattice)
    out["evaluated_at"] = "each network's own crossing of native L and 2L decimated to L"
    out["n_networks"] = len(names)
    return out
