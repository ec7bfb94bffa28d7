"""The analysis jobs, one library call each: the ``isingml analyze`` command of a rule reads its
arguments, calls one of these with the input paths, and writes what it returns (the ``io``
writers). Each reads its inputs through ``io``, computes with the analysis modules and returns
a dataclass; none writes a file.
"""

from dataclasses import dataclass, field

import numpy as np

from isingml import methods, seeds
from isingml.analysis import (
    binder,
    confusion,
    efficiency,
    exponents,
    extrapolate,
    fss,
    jackknife,
    lattices_table,
    networks,
    observables,
    order_parameters,
    pca,
    shortcut,
    summary,
    summary_text,
    transfer,
)
from isingml.errors import UserError
from isingml.io import datasets, results, shards
from isingml.lattices import reference_of

# How each ensemble-crossing method reads the networks' features (methods.ENSEMBLE_CROSSINGS).
ENSEMBLE_ANALYSES = {
    "cnn_binder": order_parameters.features_analysis,
    "rg": order_parameters.rg_analysis,
    methods.TRANSFER: transfer.transfer_crossings,
}
PCA_MIN_SPINS = 64  # configurations with spins a Binder-grid shard must keep for the PCA
STAT_ONLY = "statistical (jackknife); the networks' spread and systematics are not in it"


@dataclass(frozen=True)
class CrossingJob:
    """What a pair-crossing method writes: its ``rows`` (results/tc/{method}.csv), their
    jackknife sidecar ``replicas``, the reweighted ``curves``; where the method has them, each
    network's crossings (``networks``), the ``exponents`` and the shards' ``sampling`` check."""

    method: str
    rows: list
    replicas: dict
    curves: list
    networks: list | None = None
    exponents: dict | None = None
    sampling: dict = field(default_factory=dict)


@dataclass(frozen=True)
class PcaJob:
    """The PCA study: its crossings, the variance fraction on the first component per T of
    the wide grid (``variance``) and the components as arrays (``components``, for the npz)."""

    crossings: CrossingJob
    variance: list
    components: dict


@dataclass(frozen=True)
class TStarJob:
    """T*(L) rows of a window-trained method or of the confusion peaks, and the curves (p(T)
    or the accuracy W) they were read from."""

    rows: list
    curves: list


@dataclass(frozen=True)
class SummaryJob:
    """results/summary.csv's ``rows`` and results/summary.md's ``markdown``."""

    rows: list
    markdown: str


def observables_job(shard_paths):
    """<|m|>, chi, C, U4 per T of the shards of one L: (rows, L)."""
    loaded = [shards.read_shard(p, spins=False) for p in shard_paths]
    model = shards.one_model(loaded)
    sizes = {s.L for s in loaded}
    if len(sizes) != 1:
        raise UserError(f"observables takes the shards of one L, got sizes {sorted(sizes)}")
    return observables.observables_rows(loaded, model), sizes.pop()


def binder_job(shard_paths, t_range=None, with_exponents=True):
    """The U4 crossings of the Binder grid's shards (all sizes) in ``t_range`` (default: the
    span of their temperatures), their sampling check and, if asked, the exponents."""
    loaded = [shards.read_shard(p, spins=False) for p in shard_paths]
    model = shards.one_model(loaded)  # its sites per configuration: L^2, or L^3 on the cube
    temperatures = [s.T for s in loaded]
    t_range = tuple(t_range) if t_range else (min(temperatures), max(temperatures))
    found = binder.magnetization_analysis(loaded, t_range, model)
    sampling = observables.sampling_check(loaded)
    replicas = extrapolate.replicas_json("binder", found.pairs, None, sampling)
    rw = found.reweighted
    replicas["reweighting"] = binder.reweighting_report(
        [(La, Lb, rw[La], rw[Lb], jack) for La, Lb, jack in found.pairs]
    )
    replicas["U4_at_crossing"] = binder.u4_at_crossings(rw, found.pairs)
    return CrossingJob(
        "binder",
        found.rows,
        replicas,
        found.curves,
        exponents=exponents.binder_exponents(found.reweighted, found.pairs, model)
        if with_exponents
        else None,
        sampling=sampling,
    )


NO_EXPONENTS = (
    "this method reads fixed points for T_c only and measures no exponent; the networks' RG "
    "eigenvalue is cnn_binder's (the ratio of U_phi's slopes, 2L decimated against L)"
)


def ensemble_job(method, feature_paths, t_range=None):
    """An ensemble-crossing method (``cnn_binder``, ``rg``) from the networks' features."""
    sets = [results.read_features(p) for p in feature_paths]
    model = order_parameters.features_model(sets)  # the configurations' model (their sites)
    t_range = tuple(t_range) if t_range else None
    found = ENSEMBLE_ANALYSES[method](method, sets, t_range, lattice=model)
    # every ensemble-crossing method answers the one rule's exponents output; one that measures
    # none (rg reads fixed points only) says so
    exps = found.exponents or {"method": method, "note": NO_EXPONENTS}
    return CrossingJob(method, found.rows, found.replicas, found.curves, found.per_network, exps)


def pca_job(shard_paths, wide_paths):
    """PCA crossings on the Binder grid's shards (with spins), and the variance fraction along
    the first component of the networks' wide grid (shards of one L)."""
    critical = [shards.read_shard(p) for p in shard_paths]
    model = shards.one_model(critical)
    for s in critical:
        shards.require_spins(s.path, s.attrs, PCA_MIN_SPINS)
    found = pca.pca_analysis(critical, lattice=model)
    wide = datasets.load_lattices(wide_paths, lattice=model)
    flat = wide.spins.reshape(wide.spins.shape[0], -1)
    v = pca.orient(pca.first_component(flat)[0])
    arrays = {f"L{L}": c.reshape(model.shape(L)) for L, c in found.components.items()}
    arrays[f"wide_L{wide.spins.shape[1]}"] = v.reshape(wide.spins.shape[1:])
    return PcaJob(
        CrossingJob("pca", found.rows, found.replicas, found.curves),
        pca.variance_fractions(wide.spins, wide.T, v),
        arrays,
    )


def crossing_job(method, prediction_paths, root_seed, *, lattice):
    """T*(L) where p(ordered) = 1/2 per window and size, from the networks' predictions on the
    model ``lattice`` (its exact T_c scores the held-out accuracy)."""
    preds = [results.read_predictions(p) for p in prediction_paths]
    rng = np.random.default_rng(seeds.crossing_bootstrap(root_seed, method))
    return TStarJob(*networks.network_tables(method, preds, rng, lattice))


def confusion_peaks_job(curve_paths, root_seed):
    """The middle peak of the confusion scans' W per size, from `isingml confusion`'s files."""
    curves = {}
    for path in curve_paths:
        arrays, attrs = results.read_arrays(path)
        curves.setdefault(int(attrs["L"]), []).append(
            (arrays["proposals"], arrays["correct"].astype(bool))
        )
    rng = np.random.default_rng(seeds.confusion_bootstrap(root_seed))
    return TStarJob(*confusion.size_rows(curves, rng))


def transfer_job(own_paths, here_paths, root_seed):
    """The transfer study's window-trained networks: T*(L) on their training lattice
    (``own_paths``, their training predictions) and on this run's (``here_paths``), with the
    threshold m0, T(m0) and T_c of each lattice (``transfer.window_rows``)."""
    own = [results.read_predictions(p) for p in own_paths]
    here = [results.read_predictions(p) for p in here_paths]
    rng = np.random.default_rng(seeds.crossing_bootstrap(root_seed, "transfer_windows"))
    return TStarJob(*transfer.window_rows(own, here, rng))


def shortcut_job(prediction_paths, *, lattice):
    """R^2 of p(ordered) against |m| and the threshold m0, one row per network, and T(m0) from
    the exact m(T) of the model ``lattice``."""
    preds = [results.read_predictions(p) for p in prediction_paths]
    return shortcut.shortcut_rows(preds, lattice)


def efficiency_job(row_paths):
    """The data-efficiency study's table from `isingml efficiency`'s rows."""
    return efficiency.efficiency_table([results.read_json(p) for p in row_paths])


def fss_job(method, tc_path, replicas_path=None, *, lattice):
    """results/fss/{method}.json's object: T_c(L -> infinity) from the method's rows, read as
    the method registry says (pair crossings with their sidecar, or T*(L)), naming the model
    ``lattice`` and its exact T_c (``fss.fss_result``)."""
    rows = results.read_rows(tc_path)
    for r in rows:
        r["L"] = int(r["L"])
        r["window"] = str(r["window"])
    kind = methods.get(method).fss
    replicas = None
    if kind == methods.CROSSING:
        if not replicas_path:
            raise UserError(
                f"{tc_path} holds pair crossings: give their jackknife replicas with "
                "--tc-jackknife (written beside it by the command that made it, with --replicas)"
            )
        replicas = results.read_json(replicas_path)
    return fss.fss_result(method, rows, kind, replicas, lattice=lattice)


def merge_exponents(paths, fss_paths=()):
    """results/fss/exponents.json's object: every method's exponents file, keyed by method, each
    with the ``covariance`` of T_c (from the method's FSS result among ``fss_paths``; none: the
    exponents alone) and its headline exponents, from their jackknife replicas over the same
    groups of the same shards (dropped from the merged file). Statistical only."""
    tc = {}
    for path in fss_paths:
        obj = results.read_json(path)
        tc[obj.get("method")] = (path, obj.get("T_c_replicas"))
    merged = {}
    for path in paths:
        obj = results.read_json(path)
        if "method" not in obj:
            raise UserError(f"{path}: not an exponents file (no 'method'); rerun its analysis")
        replicas = obj.pop("replicas", None)
        if replicas:
            fss_path, tc_replicas = tc.get(obj["method"], (None, None))
            try:
                named = {"T_c": tc_replicas} if tc_replicas else {}
                obj["covariance"] = jackknife.named_covariance({**named, **replicas}, STAT_ONLY)
            except ValueError as exc:
                raise UserError(
                    f"{path} and {fss_path}: their jackknife replicas do not share groups "
                    f"({exc}); rerun both from the same shards"
                ) from None
        merged[obj["method"]] = obj
    return merged


def summary_job(fss_paths, metrics_paths=(), shortcut_path=None, exponents_path=None, *, lattice):
    """The summary of every method's FSS result beside its networks' metrics, the shortcut
    diagnostics and the exponents, compared with the exact T_c of the model ``lattice`` (every
    FSS result that names its model must name this one)."""
    reference = reference_of(lattice)
    fss_results = [results.read_json(p) for p in fss_paths]
    for path, r in zip(fss_paths, fss_results, strict=True):
        if r.get("lattice", reference.lattice) != reference.lattice:
            raise UserError(
                f"{path}: a result of the {r['lattice']} lattice, but this summary is of the "
                f"{reference.lattice} lattice (--lattice/--couplings); summarise each model's "
                "run on its own"
            )
    metrics = [results.read_json(p) for p in metrics_paths]
    shortcut_rows = results.read_rows(shortcut_path) if shortcut_path else []
    exps = results.read_json(exponents_path) if exponents_path else {}
    rows = []
    for r in fss_results:
        mine = summary.metrics_of(r, metrics)
        exp = exps.get(r["method"])
        rows.append(summary.summary_row(r, mine, shortcut_rows, exp, reference=reference))
    markdown = summary_text.summary_markdown(rows, fss_results, exps, reference=reference)
    return SummaryJob(rows, markdown)


def lattices_job(summary_paths):
    """One markdown table across the runs of several lattices, from each run's
    results/summary.csv (``lattices_table``)."""
    return lattices_table.lattices_table([results.read_summary(p) for p in summary_paths])
