"""The summary's rows: one per method (results/summary.csv); ``summary_text`` writes the
ten-second read (results/summary.md) from them.

Every row names the model (``lattice``) and the exact T_c it is compared with
(``reference_T_c``, ``reference``: ``lattices.Reference``; none where none is known, and then
no deviation and no pull). Three kinds of rows. Estimators of T_c (``ESTIMATORS``: the Binder
cumulant and the Binder cumulant of the CNNs' learned order parameter) converge to T_c as
L -> infinity and their error bars passed coverage; they get a pull |T_c - exact| / sigma. On a
lattice where an estimator's (or one of its exponents') error bars failed coverage
(``Lattice.uncovered``), that row is shown as a study there, with the reason and no pull.
Studies (``STUDIES``) are computed and shown with the reason they are not estimators, without a
pull. Window-trained networks (and the magnetization baseline trained like them) read T* where
p(ordered) = 1/2; T* follows the window and converges to the temperature where the lattice's
exact magnetization equals the network's threshold m0, not to T_c. They are reproductions of
Carrasquilla & Melko and Mehta et al., shown with their m0 and T(m0) and never with a pull,
since the spread over windows is not an error bar.
"""

import math

import numpy as np

from isingml.methods import ESTIMATOR, METHODS, STUDY
from isingml.physics import EXACT_EXPONENTS

ESTIMATORS = tuple(m.name for m in METHODS if m.role == ESTIMATOR)
# Why each study (the registry's rows that are computed but whose error bars did not pass
# coverage) is not an estimator; they are shown apart, with no pull (benchmarks/pull_coverage.py,
# docs/validation.md).
WHY_NOT_ESTIMATOR = {
    "confusion": "one warm-started epoch per proposal lags the moving boundary; the accuracy "
    "curves are flat within their binomial noise, so the peak is not located (coverage: mean "
    "pull +1.2)",
    "rg": "its fixed points (where the CNNs' mean output on L equals that on 2L decimated to L) "
    "move towards T_c as L grows (each pair's: results/fss/rg.json, the studies' table), but "
    "its error bars have not passed coverage "
    "(mean pull -8.3 over 6 root seeds of a reduced configuration, extrapolated as L^-2.75: "
    "benchmarks/results/coverage_networks_32000_spins.txt), so it stays a study",
    "pca": "the component is fitted from the same configurations it projects, and their noise "
    "in it biases the cumulant: its error bars covered only at the edge with fewer kept spins "
    "(pull RMS 1.60 over 6 root seeds with 6,400, 1.41 with 12,800; 0.86 with 32,000), too "
    "short a record for an estimator",
    "cnn_binder_transfer": "cnn_binder's estimator on CNNs trained on another lattice "
    "(studies.transfer): by universality its crossings converge to this lattice's T_c, but its "
    "error bars have not yet passed coverage, so it stays a study beside cnn_binder",
}
STUDIES = {m.name: WHY_NOT_ESTIMATOR[m.name] for m in METHODS if m.role == STUDY}
NETWORK_SPREAD = (
    "The networks' rows add the spread between networks as the Student-t error of their mean "
    "over training seeds: the two windows of a seed share its data split and bootstrap seeds, "
    "so a seed's networks are averaged first and the t factor counts the seeds (5 by default), "
    "not the networks (10)."
)
LABELS = {"inv_nu": "1/ν", "gamma_over_nu": "γ/ν", "beta_over_nu": "β/ν"}
EXPONENTS = tuple((key, label, EXACT_EXPONENTS[key]) for key, label in LABELS.items())
# What summary.md says of the exponents' values, their corrections and the crossings' shift, by
# the lattice's dimension: exact and calibrated on the square's transfer matrices in 2D;
# references and nothing calibrated in 3D (analysis.correction_models)
BY_DIMENSION = {
    2: {"exponents": "The exact values are the 2D Ising model's: universal, the same on every "
        "two-dimensional lattice (square, triangular, honeycomb, anisotropic couplings), "
        "whatever its T_c.",
        "corrections": "Where the exact transfer-matrix curves of the square lattice calibrate "
        "ω (binder's estimates), it is known within that range at any number of pairs: the "
        "value is the middle of the extrapolations at its ends and half their difference a "
        "systematic, added. Elsewhere (the networks) three or more pairs fit ω, its "
        "uncertainty in the statistical error; two pairs take a range fixed in advance (no "
        "correction left down to ω = 1/2).",
        "shift": "binder's x lies in [2.36, 2.75], the range the square lattice's exact small-L "
        "crossings show (the middle of the fits at its ends, half their difference a "
        "systematic); the networks' x is fitted with T_c from three or more pairs (refitted in "
        "every jackknife replica), and with two lies in [1, 2.75] (theory: x > 1/ν = 1). No "
        "estimator uses the exact T_c."},
    3: {"exponents": "The values compared with are references, not exact: the conformal "
        "bootstrap's (Kos, Poland, Simmons-Duffin & Vichi 2016), the same on every "
        "three-dimensional Ising lattice.",
        "corrections": "Nothing is calibrated in three dimensions: three or more pairs fit ω in "
        "[0.7, 2] (no slower than the leading correction, no faster than the analytic "
        "background), its uncertainty in the statistical error; two pairs cannot, and take the "
        "literature's "
        "ω in [0.7, 1.0] (Hasenbusch 2010: 0.832(6); not measured here, said in each model): "
        "the middle of the extrapolations at its ends, half their difference a systematic.",
        "shift": "Every method's x is fitted with T_c from three or more pairs, in [1.7, 4]; with "
        "two, x = 1/ν + ω is taken from the literature (1/ν = 1.5874 from the bootstrap, ω in "
        "[0.7, 1.0]: x in [2.29, 2.59]), the middle of the extrapolations at its ends, half "
        "their difference a systematic: a literature value used for T_c only, never for the "
        "exponents. No estimator uses the reference T_c."},
}  # fmt: skip


# summary.csv's `kind` of a row, a short category; the `note` column says what it means
ESTIMATOR_KIND, STUDY_KIND, WINDOW_KIND = "T_c estimator", "study", "window-trained"
NOTES = {
    ESTIMATOR_KIND: "",
    WINDOW_KIND: "converges to T(m0), where the lattice's exact magnetization equals the "
    "network's threshold m0, not to T_c; the spread over windows is not an error bar",
}  # a study's note: why it is not an estimator (STUDIES)


def kind_of(method, reference=None):
    """The category of a method's row: a T_c estimator, a study, or window-trained. An
    estimator whose error bars failed coverage on ``reference``'s lattice
    (``Reference.why_uncovered``) is a study there."""
    if method in ESTIMATORS:
        uncovered = reference is not None and reference.why_uncovered(method)
        return STUDY_KIND if uncovered else ESTIMATOR_KIND
    return STUDY_KIND if method in STUDIES else WINDOW_KIND


def note_of(method, kind, reference):
    """What the note of ``method``'s row, of ``kind`` (``kind_of``), says: why a study is not an
    estimator (on this lattice, or anywhere), what a window-trained network's T* converges to,
    nothing for an estimator."""
    if kind == STUDY_KIND:
        return STUDIES.get(method) or reference.why_uncovered(method)
    return NOTES[kind]


def exponents_not_covered(method, reference):
    """The keys of ``method``'s exponents whose error bars failed coverage on this lattice,
    space-separated (summary.csv's ``exponents_not_covered``), '' where none did."""
    return " ".join(k for k, _, _ in EXPONENTS if reference.why_uncovered(method, k))


def metrics_of(result, metrics):
    """The metrics.json contents of the networks behind one method's result: those whose
    (model, training L) the result lists under ``networks``."""
    used = {tuple(n) for n in result.get("networks", [])}
    return [m for m in metrics if (m["config"]["model"], m["config"]["L"]) in used]


def _num(value):
    return np.nan if value is None else float(value)


def u4_at_largest_pair(result):
    """(U4, err) at the crossing of the largest pair of sizes (binder's ``U4_at_crossing``),
    or (None, None)."""
    pairs = [p for p in result.get("U4_at_crossing") or [] if math.isfinite(p["value"])]
    if not pairs:
        return None, None
    last = max(pairs, key=lambda p: p["L"])
    return last["value"], last["err"]


def summary_row(result, metrics, shortcut=(), exponents=None, *, reference):
    """One row of results/summary.csv from an FSS result, the metrics of its networks, for
    window-trained models their rows of results/diagnostics/shortcut.csv, and the method's
    object of results/fss/exponents.json where it has one (the nu column), compared with
    ``reference`` (``lattices.Reference``: the model's exact T_c, or none)."""
    exponents = exponents or {}
    nu = exponents.get("nu") or {}
    acc = [m["accuracy"] for m in metrics]
    tc, err = _num(result.get("T_c")), _num(result.get("T_c_err"))
    kind = kind_of(result["method"], reference)

    def mean_of(key):
        vals = [a[key] for a in acc if a.get(key) is not None]
        return float(np.mean(vals)) if vals else None

    mine = [r for r in shortcut if r["model"] == result["method"]]
    largest = max((r["L"] for r in mine), default=None)
    at_largest = [r for r in mine if r["L"] == largest]
    per_window = {}
    for r in at_largest:
        per_window.setdefault(r["window"], []).append(r)
    rel, pull = reference.deviation(tc, err)
    u4, u4_err = u4_at_largest_pair(result)
    return {
        "method": result["method"],
        "kind": kind,
        "T_c": tc,
        "T_c_err": err,
        "T_c_err_stat": result.get("T_c_err_stat"),
        "T_c_err_syst": result.get("T_c_err_syst"),
        "T_c_err_window": result.get("T_c_err_window"),
        "rel_dev_reference": rel,
        "pull": pull if kind == ESTIMATOR_KIND else None,
        "nu": nu.get("value", result.get("nu")),
        "nu_err": nu.get("err", result.get("nu_err")),
        **{
            f"{key}{suffix}": (exponents.get(key) or {}).get(field)
            for key, _, _ in EXPONENTS
            for suffix, field in (("", "value"), ("_err", "err"))
        },
        "exponents_not_covered": exponents_not_covered(result["method"], reference),
        "U4_at_crossing": u4,
        "U4_at_crossing_err": u4_err,
        "m0": float(np.mean([r["m0"] for r in at_largest])) if at_largest else None,
        "T_of_m0": float(np.mean([r["T_of_m0"] for r in at_largest]))
        if at_largest and reference.magnetization_known
        else None,
        "R2_p_vs_abs_m": float(np.mean([r["R2"] for r in at_largest])) if at_largest else None,
        "accuracy_test": mean_of("test"),
        "accuracy_critical": mean_of("critical"),
        "n_params": metrics[0]["n_params"] if metrics else None,
        "n_networks": len(metrics) or None,
        "training_seconds": float(sum(m["wall_seconds"] for m in metrics)) if metrics else None,
        "L_used": " ".join(str(L) for L in result.get("L_used", [])),
        "model": result.get("model"),
        **reference.to_json(),
        "note": note_of(result["method"], kind, reference),
        # not a CSV column: m0, T(m0), R^2 per window at the largest L, for summary.md
        "_shortcut": {
            w: {k: float(np.mean([r[k] for r in rs])) for k in ("m0", "T_of_m0", "R2")}
            for w, rs in per_window.items()
        },
    }
