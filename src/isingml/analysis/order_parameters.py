"""The networks' own estimators on the Binder grid: the Binder cumulant of their learned order
parameter (``cnn_binder``) and their fixed points under block-spin decimation (``rg``).

Each trained CNN defines a scalar phi, odd under the spin flip and a lattice average of local
operators; like the magnetization it is dominated near T_c by the leading odd scaling field, so
U_phi = 1 - <phi^4> / 3 <phi^2>^2 takes a universal value there as L -> infinity whatever the
network was trained on (its window only changes which local operators phi holds, hence the size
of the corrections). All networks are evaluated on the same configurations of the Binder grid,
so one reweighting per size serves them all.

Errors of the ensemble's mean crossing: the jackknife of the mean over networks (the
configurations are shared, so their noise is correlated between networks and is not averaged
away), and the spread between networks as a Student-t error of the mean,
t_(n-1)(0.8413) s / sqrt(n), so that the interval keeps 68 % coverage for a few networks. The two
add in quadrature.
"""

import math
from dataclasses import dataclass

import numpy as np

from isingml import lattices
from isingml.analysis import exponents, extrapolate, jackknife
from isingml.analysis.binder import (
    binder_of,
    by_size,
    crossing_jack,
    curve_rows,
    even_moments,
    reweighting_report,
    size_tables,
)
from isingml.analysis.chains import student_error
from isingml.analysis.jackknife import Jack
from isingml.analysis.reweighting import Reweighted
from isingml.config import size_pairs
from isingml.errors import UserError
from isingml.lattices import SQUARE
from isingml.methods import CURVE_COLUMN
from isingml.windows import name_of_attr


@dataclass(frozen=True)
class EnsembleAnalysis:
    """An ensemble of networks' crossings: ``rows`` (the ensemble mean per pair,
    results/tc/{method}.csv), ``per_network`` (each network's), the ensemble-mean ``curves``
    per size, the crossings' jackknife sidecar ``replicas`` and, where the method measures
    one, the networks' RG eigenvalue ``exponents``."""

    rows: list
    per_network: list
    curves: list
    replicas: dict
    exponents: dict | None = None


def successive_pairs(reweighted):
    """(L, L2, data of L, data of L2) for the pairs of sizes of {L: Reweighted} that the Binder
    crossings take (``config.size_pairs``: successive sizes, or (L, 2L) where there are two or
    more such pairs)."""
    return [(a, b, reweighted[a], reweighted[b]) for a, b in size_pairs(reweighted)]


def ensemble_rows(method, pairs, names, statistic, t_range):
    """Crossings of statistic(c) of two data sets, for each network (column) c in ``names``,
    and their mean over the networks.

    ``pairs``: (L, L2, Reweighted a, Reweighted b) per row; ``statistic(c)`` maps moment
    averages to network c's scalar (a cumulant, a mean). Returns (rows: one per pair, the
    ensemble mean; per_network: one per pair and network; jacks: {"mean": [(L, L2, Jack)],
    name: [Jack per pair]}). A network without a crossing in range is named in its row's
    ``no_crossing`` and left out of that pair's mean, never silently.
    """
    if not pairs:
        raise UserError(f"{method}: crossings need at least two lattice sizes")
    rows, per_network = [], []
    jacks = {"mean": [], **{n: [] for n in names}}
    for La, Lb, ra, rb in pairs:
        nets = [crossing_jack(ra, rb, statistic(c), t_range, La, Lb) for c in range(len(names))]
        tx = np.array([j.value for j in nets])
        for name, j in zip(names, nets, strict=True):
            jacks[name].append(j)
            per_network.append(
                {
                    "method": method,
                    "network": name,
                    "L": La,
                    "L2": Lb,
                    "T_star": j.value,
                    "T_star_err": j.err if j.parts else np.nan,
                }
            )
        ok = np.isfinite(tx)
        row = {
            "method": method,
            "window": "-",
            "L": La,
            "L2": Lb,
            "T_star": np.nan,
            "T_star_err": np.nan,
            "n_networks": int(ok.sum()),
            "no_crossing": "; ".join(
                f"{n} ({j.note})" for n, j, good in zip(names, nets, ok, strict=True) if not good
            ),  # fmt: skip
        }
        mean = Jack(float("nan"))
        if ok.any():
            mean = jackknife.mean([nets[c] for c in np.flatnonzero(ok)])
            net_err = student_error(tx[ok])
            row.update(
                T_star=mean.value,
                T_star_err=float(math.hypot(mean.err, net_err)),
                T_star_err_data=mean.err,
                T_star_err_networks=net_err,
                spread_networks=float(tx[ok].std(ddof=1)) if ok.sum() > 1 else 0.0,
            )
        jacks["mean"].append((La, Lb, mean))
        rows.append(row)
    return rows, per_network, jacks


def network_name(attrs):
    """A network's name in the tables: window and seed (``windows.window_name``)."""
    w = np.asarray(attrs["window"], dtype=np.float64)
    return f"{name_of_attr(w)}/seed{int(attrs['seed'])}"


def _check_same_configurations(feature_sets):
    first = feature_sets[0][0]
    key = [(b["L"], b["T"], b["energy"].size) for b in first]
    for blocks, attrs in feature_sets[1:]:
        if [(b["L"], b["T"], b["energy"].size) for b in blocks] != key:
            raise UserError(
                f"{attrs['model_dir']}: its features are not on the same configurations as "
                f"{feature_sets[0][1]['model_dir']}'s; compute them on the same shards"
            )
    return first


def reweighted_column(method, feature_sets, column, moments, lattice=SQUARE):
    """{L: Reweighted} of one output column (``phi``, ``p``, ``p_b2``, ...) of every network,
    stacked as columns, per shard size L (for a decimated column, L is the size before
    decimation: the energies, and so the reweighting, are those of the L-shards, of the model
    ``lattice``)."""
    first = _check_same_configurations(feature_sets)
    series = []
    for i, b in enumerate(first):
        if column not in b:
            continue
        x = np.stack([blocks[i][column] for blocks, _ in feature_sets], axis=1)
        layout = {"n_replicas": b["n_replicas"], "interval": b["interval"]}
        series.append((b["L"], b["T"], b["energy"], x, layout))
    return {
        L: Reweighted(size_tables(L, group, moments, lattice), where=f"{method} L = {L}")
        for L, group in by_size(series).items()
    }


def _tag(rows, feature_sets):
    trained = sorted({(str(a["model"]), int(a["L_train"])) for _, a in feature_sets})
    for r in rows:  # the networks behind the rows, for their metrics in the summary
        r["model"], r["L_train"] = trained[0]


def _t_range(feature_sets, t_range):
    temps = [b["T"] for b in feature_sets[0][0]]
    return t_range or (min(temps), max(temps))


def decimation_pairs(native, decimated):
    """(L, 2L, native data of L, data of 2L decimated to L) for every L that has both."""
    return [(L, 2 * L, native[L], decimated[2 * L]) for L in sorted(native) if 2 * L in decimated]


def features_model(feature_sets):
    """The model whose configurations the networks were evaluated on: the features files'
    ``lattice`` and ``couplings`` (``lattices.from_attrs``; a file from before lattices names
    none: the square), the same in every file."""
    found = {lattices.from_attrs(attrs) for _, attrs in feature_sets}
    if len(found) != 1:
        names = ", ".join(sorted(m.describe() for m in found))
        raise UserError(f"features of several models ({names}): analyse each model's apart")
    return found.pop()


def learned_only(feature_sets):
    """The feature sets of networks that learned their training task (``learning.quality``),
    and a text naming the others, which no estimate uses."""
    kept = [fs for fs in feature_sets if int(fs[1].get("learned", 1))]
    left = [f"{network_name(a)} ({a.get('problems', '')})" for _, a in feature_sets
            if not int(a.get("learned", 1))]  # fmt: skip
    if not kept:
        raise UserError(f"none of the {len(feature_sets)} networks learned: {'; '.join(left)}")
    return kept, "; ".join(left)


def features_analysis(method, feature_sets, t_range=None, lattice=SQUARE):
    """Crossings of U_phi, the Binder cumulant of the networks' learned order parameter.

    Headline rows: U_phi of configurations of size L against U_phi of configurations of size
    2L block-decimated to L. Both are evaluated on L x L lattices, so the non-universal local
    part of phi (a lattice average of a saturating local function: its variance falls as L^-2
    against the critical part's L^-1/4, and it pulls U_phi far below U4 at these sizes) is the
    same on both sides and cancels in the crossing, which is a fixed point of the
    renormalisation map and converges to T_c. The plain crossings of native sizes, which carry
    that background, are returned per network as a diagnostic (``pairing`` native).

    ``feature_sets``: a list of (blocks, attrs) from ``io.results.read_features``, evaluated on
    configurations of the model ``lattice`` (``features_model``). Returns an
    ``EnsembleAnalysis``: the ensemble's crossings, each network's
    (both pairings), the ensemble-mean U_phi(T) per size (native, and decimated from 2L), the
    crossings' jackknife sidecar (``extrapolate.replicas_json``) and the networks' RG
    eigenvalue (``exponents.network_exponents``).
    """
    feature_sets, excluded = learned_only(feature_sets)
    names = [network_name(attrs) for _, attrs in feature_sets]
    native = reweighted_column(method, feature_sets, "phi", even_moments, lattice)
    decimated = reweighted_column(method, feature_sets, "phi_b2", even_moments, lattice)
    t_range = _t_range(feature_sets, t_range)
    dpairs = decimation_pairs(native, decimated)
    rows, per_network, jacks = ensemble_rows(method, dpairs, names, binder_of, t_range)
    for r in per_network:
        r["pairing"] = "decimated"
    if len(native) > 1:
        _, plain, _ = ensemble_rows(method, successive_pairs(native), names, binder_of, t_range)
        per_network += [{**r, "pairing": "native"} for r in plain]
    _tag(rows, feature_sets)
    for r in rows:
        r["excluded"] = excluded
    q = len(names)

    def mean_cumulant(mo):
        return float(np.mean([binder_of(c)(mo) for c in range(q)]))

    curves = [
        {**r, "source": "native"}
        for r in curve_rows(native, mean_cumulant, t_range, name=CURVE_COLUMN[method])
    ]
    for r in curve_rows(decimated, mean_cumulant, t_range, name=CURVE_COLUMN[method]):
        curves.append({**r, "L": r["L"] // 2, "L_source": r["L"], "source": "b2"})
    replicas = extrapolate.replicas_json(
        method, jacks["mean"], {n: [j.value for j in jacks[n]] for n in names}
    )
    replicas["reweighting"] = _report(dpairs, jacks["mean"])
    exps = exponents.network_exponents(method, dpairs, names, jacks, lattice)
    return EnsembleAnalysis(rows, per_network, curves, replicas, exps)


def _report(pairs, means):
    """``binder.reweighting_report`` of the pairs (L, L2, data a, data b) at the ensemble-mean
    crossings ((L, L2, Jack) per pair)."""
    return reweighting_report([(*p, mean) for p, (_, _, mean) in zip(pairs, means, strict=True)])


def _mean_of(c):
    return lambda mo: float(mo[c])


def rg_analysis(method, feature_sets, t_range=None, lattice=SQUARE):
    """Phenomenological renormalisation with the networks: where a network's mean output on
    configurations of size L equals its mean output on configurations of size 2L decimated to
    L (majority rule, b = 2). At that temperature the decimation leaves the network's view
    unchanged, a fixed point, which converges to T_c as L -> infinity.

    Returns an ``EnsembleAnalysis`` (no exponents): crossings per L (column L2 = 2L), each
    network's, the ensemble-mean <p>(T) per size L on native configurations and on those
    decimated from 2L and from 4L (``source`` native, b2, b4), and the jackknife sidecar.
    """
    feature_sets, excluded = learned_only(feature_sets)
    names = [network_name(attrs) for _, attrs in feature_sets]
    q = len(names)
    native = reweighted_column(method, feature_sets, "p", lambda x: x, lattice)
    t_range = _t_range(feature_sets, t_range)
    decimated = {b: reweighted_column(method, feature_sets, f"p_b{b}", lambda x: x, lattice)
                 for b in (2, 4)}  # fmt: skip
    pairs = decimation_pairs(native, decimated[2])
    rows, per_network, jacks = ensemble_rows(method, pairs, names, _mean_of, t_range)
    _tag(rows, feature_sets)
    for r in rows:
        r["excluded"] = excluded

    def mean_p(mo):
        return float(np.mean(mo[:q]))

    curves = []
    for source, data in (("native", native), ("b2", decimated[2]), ("b4", decimated[4])):
        b = {"native": 1, "b2": 2, "b4": 4}[source]
        for r in curve_rows(data, mean_p, t_range, points=31, name=CURVE_COLUMN[method]):
            curves.append({**r, "L": r["L"] // b, "L_source": r["L"], "source": source})
    replicas = extrapolate.replicas_json(
        method, jacks["mean"], {n: [j.value for j in jacks[n]] for n in names}
    )
    replicas["reweighting"] = _report(pairs, jacks["mean"])
    return EnsembleAnalysis(rows, per_network, curves, replicas)
