"""The summary: one row per method (results/summary.csv) and the ten-second read
(results/summary.md).

Three kinds of rows. Estimators of T_c (``ESTIMATORS``: the Binder cumulant and the Binder
cumulant of the CNNs' learned order parameter) converge to T_c as L -> infinity and their error
bars passed coverage; they get a pull |T_c - exact| / sigma. Studies (``STUDIES``) are computed
and shown with the reason they are not estimators, without a pull. Window-trained networks
(and the magnetization baseline trained like them) read T* where p(ordered) = 1/2; T* follows
the window and converges to the temperature where Onsager's magnetization equals the network's
threshold m0, not to T_c. They are reproductions of Carrasquilla & Melko and Mehta et al.,
shown with their m0 and T(m0) and never with a pull, since the spread over windows is not an
error bar.
"""

import math

import numpy as np

from isingml.methods import ESTIMATOR, METHODS, STUDY
from isingml.physics import EXACT_EXPONENTS, ONSAGER_TC

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


# summary.csv's `kind` of a row, a short category; the `note` column says what it means
ESTIMATOR_KIND, STUDY_KIND, WINDOW_KIND = "T_c estimator", "study", "window-trained"
NOTES = {
    ESTIMATOR_KIND: "",
    WINDOW_KIND: "converges to T(m0), where Onsager's magnetization equals the network's "
    "threshold m0, not to T_c; the spread over windows is not an error bar",
}  # a study's note: why it is not an estimator (STUDIES)


def kind_of(method):
    """The category of a method's row: a T_c estimator, a study, or window-trained."""
    if method in ESTIMATORS:
        return ESTIMATOR_KIND
    return STUDY_KIND if method in STUDIES else WINDOW_KIND


def metrics_of(result, metrics):
    """The metrics.json contents of the networks behind one method's result: those whose
    (model, training L) the result lists under ``networks``."""
    used = {tuple(n) for n in result.get("networks", [])}
    return [m for m in metrics if (m["config"]["model"], m["config"]["L"]) in used]


def _num(value):
    return np.nan if value is None else float(value)


def summary_row(result, metrics, shortcut=(), exponents=None):
    """One row of results/summary.csv from an FSS result, the metrics of its networks, for
    window-trained models their rows of results/diagnostics/shortcut.csv, and the method's
    object of results/fss/exponents.json where it has one (the nu column)."""
    exponents = exponents or {}
    nu = exponents.get("nu") or {}
    acc = [m["accuracy"] for m in metrics]
    tc, err = _num(result.get("T_c")), _num(result.get("T_c_err"))
    estimator = result["method"] in ESTIMATORS

    def mean_of(key):
        vals = [a[key] for a in acc if a.get(key) is not None]
        return float(np.mean(vals)) if vals else None

    mine = [r for r in shortcut if r["model"] == result["method"]]
    largest = max((r["L"] for r in mine), default=None)
    at_largest = [r for r in mine if r["L"] == largest]
    per_window = {}
    for r in at_largest:
        per_window.setdefault(r["window"], []).append(r)
    return {
        "method": result["method"],
        "kind": kind_of(result["method"]),
        "T_c": tc,
        "T_c_err": err,
        "T_c_err_stat": result.get("T_c_err_stat"),
        "T_c_err_syst": result.get("T_c_err_syst"),
        "T_c_err_window": result.get("T_c_err_window"),
        "rel_dev_onsager": (tc - ONSAGER_TC) / ONSAGER_TC,
        "pull": abs(tc - ONSAGER_TC) / err if estimator and err > 0 else None,
        "nu": nu.get("value", result.get("nu")),
        "nu_err": nu.get("err", result.get("nu_err")),
        **{
            f"{key}{suffix}": (exponents.get(key) or {}).get(field)
            for key, _, _ in EXPONENTS
            for suffix, field in (("", "value"), ("_err", "err"))
        },
        "m0": float(np.mean([r["m0"] for r in at_largest])) if at_largest else None,
        "T_of_m0": float(np.mean([r["T_of_m0"] for r in at_largest])) if at_largest else None,
        "R2_p_vs_abs_m": float(np.mean([r["R2"] for r in at_largest])) if at_largest else None,
        "accuracy_test": mean_of("test"),
        "accuracy_critical": mean_of("critical"),
        "n_params": metrics[0]["n_params"] if metrics else None,
        "n_networks": len(metrics) or None,
        "training_seconds": float(sum(m["wall_seconds"] for m in metrics)) if metrics else None,
        "L_used": " ".join(str(L) for L in result.get("L_used", [])),
        "model": result.get("model"),
        "note": NOTES.get(kind_of(result["method"])) or STUDIES.get(result["method"], ""),
        # not a CSV column: m0, T(m0), R^2 per window at the largest L, for summary.md
        "_shortcut": {
            w: {k: float(np.mean([r[k] for r in rs])) for k in ("m0", "T_of_m0", "R2")}
            for w, rs in per_window.items()
        },
    }


def _fmt(value, err=None, digits=4):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if err is None or not math.isfinite(err):
        return f"{value:.{digits}f}"
    return f"{value:.{digits}f} ± {err:.{digits}f}"


def _dev(r):
    return "—" if not math.isfinite(r["T_c"]) else f"{100 * r['rel_dev_onsager']:+.3f} %"


def _estimator_lines(rows):
    lines = [
        "## Estimators of T_c (they converge to T_c as L → ∞)",
        "",
        "| method | T_c(∞) ± σ | off Onsager | pull | ν | sizes | how |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        dev = _dev(r)
        pull = "—" if r["pull"] is None else f"{r['pull']:.1f} σ"
        lines.append(
            f"| {r['method']} | {_fmt(r['T_c'], r['T_c_err'])} | {dev} | {pull} | "
            f"{_fmt(r['nu'], r['nu_err'], 2)} | {r['L_used']} | {r['model'] or '—'} |"
        )
    ok = [r for r in rows if r["pull"] is not None and math.isfinite(r["T_c"])]
    if ok:
        # by distance only: a ranking by pull would reward the larger error bar
        by_dist = sorted(ok, key=lambda r: abs(r["rel_dev_onsager"]))
        dist = ", then ".join(
            f"{r['method']} ({100 * abs(r['rel_dev_onsager']):.3f} %)" for r in by_dist
        )
        lines += ["", f"Closest to Onsager in distance |T_c − exact|: {dist}."]
    return lines


def _window_lines(rows, results):
    lines = [
        "## Window-trained networks: reproductions, not T_c estimates",
        "",
        "T* is where p(ordered) = 1/2, extrapolated as T* = T(∞) + a/L per window. The network "
        "thresholds |m| (R² of p against a threshold on |m| below) at m0, which the window "
        "sets, so T* follows the window and converges to T(m0), where Onsager's spontaneous "
        "magnetization equals m0 — not to T_c. The spread over windows is not an error bar.",
        "",
        "| method | window | T*(∞) ± stat | m0 (largest L) | T(m0) | R²(p ~ \\|m\\|) | acc. test |",
        "|---|---|---|---|---|---|---|",
    ]
    by_method = {r["method"]: r for r in results}
    for r in rows:
        for window, fits in sorted(by_method[r["method"]].get("per_window", {}).items()):
            fit = fits.get("fixed", {})
            sc = r["_shortcut"].get(window, {})
            lines.append(
                f"| {r['method']} | {window} | {_fmt(fit.get('T_c'), fit.get('T_c_err'))} | "
                f"{_fmt(sc.get('m0'), digits=3)} | {_fmt(sc.get('T_of_m0'))} | "
                f"{_fmt(sc.get('R2'), digits=3)} | {_fmt(r['accuracy_test'], digits=3)} |"
            )
    return lines


def _exponent_lines(exponents):
    lines = [
        "## Critical exponents (at each pair's own crossing, extrapolated over the pairs)",
        "",
        "| method | exponent | estimate ± σ | exact | pull | from |",
        "|---|---|---|---|---|---|",
    ]
    for method, obj in exponents.items():
        for key, label, exact in EXPONENTS:
            e = obj.get(key)
            if not e:
                continue
            how = ", ".join(e.get("from", []))
            if e.get("tied_to"):
                how += f" (tied to {LABELS[e['tied_to']]} by hyperscaling)"
            lines.append(
                f"| {method} | {label} | {_fmt(e['value'], e['err'])} | {exact:g} | "
                f"{(e['value'] - exact) / e['err']:+.1f} σ | {how} |"
            )
    for method, obj in exponents.items():
        h = obj.get("hyperscaling")
        if h:
            lines += [
                "",
                f"{method}: γ/ν + 2β/ν − d = {h['value']:+.5f} ± {h['err']:.5f}, zero by "
                "construction at a U4 crossing (both sizes share the shape of the magnetization "
                "distribution): γ/ν and β/ν are one measurement, and a check of the crossing, "
                "not a second confirmation; with 1/ν they are two independent tests.",
            ]
    lines += [
        "",
        "Errors are the jackknife's over independent replicas, carried through the crossing "
        "temperature and the extrapolation y + c L^−ω. Where the exact transfer-matrix curves "
        "of the square lattice calibrate ω (binder's estimates), it is known within that range "
        "at any number of pairs: the value is the middle of the extrapolations at its ends and "
        "half their difference a systematic, added. Elsewhere (the networks) three or more "
        "pairs fit ω, its uncertainty in the statistical error; two pairs take a range fixed in"
        " advance (no correction left down to ω = 1/2). binder's 1/ν is dU4/dβ's alone; its "
        "log-derivative estimates are checks, not combined with it. For cnn_binder the spread "
        "between networks is added as the Student-t error over training seeds. Every estimate "
        "per pair, each model (`model`, `omega_range` or `omega`, `systematic`) and the "
        "covariance of T_c and the exponents are in results/fss/exponents.json.",
    ]
    return lines


def _study_lines(rows, results):
    lines = [
        "## Studies: computed, but not T_c estimators",
        "",
        "| method | T(∞) ± σ | off Onsager | crossing per pair | why it is not an estimator |",
        "|---|---|---|---|---|",
    ]
    pairs = {r["method"]: r.get("pairs") or [] for r in results}
    for r in rows:
        why = STUDIES[r["method"]]
        each = "; ".join(f"{_fmt(p['T_star'])} ({p['L']}, {p['L2']})" for p in pairs[r["method"]])
        lines.append(
            f"| {r['method']} | {_fmt(r['T_c'], r['T_c_err'])} | {_dev(r)} | {each or '—'} "
            f"| {why} |"
        )
    return lines


def summary_markdown(rows, results, exponents=None):
    estimators = [r for r in rows if r["method"] in ESTIMATORS]
    studies = [r for r in rows if r["method"] in STUDIES]
    windowed = [r for r in rows if r["method"] not in ESTIMATORS and r["method"] not in STUDIES]
    lines = ["# isingml summary", "", f"Onsager's exact T_c = 2/ln(1+√2) = {ONSAGER_TC:.6f}.", ""]
    lines += _estimator_lines(estimators)
    if exponents:
        lines += [""] + _exponent_lines(exponents)
    lines += [""] + _window_lines(windowed, results)
    if studies:
        lines += [""] + _study_lines(studies, results)
    notes = [f"- {r['method']}: {r['note']}" for r in results if r.get("note")]
    notes += [f"- {r['method']}: {r['exponent_note']}" for r in results if r.get("exponent_note")]
    if notes:
        lines += ["", "Notes:", *notes]
    lines += [
        "",
        "How each T_c(∞) was obtained is in results/fss/<method>.json under 'model'. Crossings "
        "of the Binder cumulants approach T_c from below as L^-x, x = 1/ν + ω, and are "
        "extrapolated from all pairs, with the errors of pairs that share a size carried by "
        "the jackknife. binder's x lies in [2.36, 2.75], the range the square lattice's exact "
        "small-L crossings show (the middle of the fits at its ends, half their difference a "
        "systematic); the networks' x is fitted with T_c from three or more pairs (refitted in "
        "every jackknife replica), and with two lies in [1, 2.75] (theory: x > 1/ν = 1). No "
        "estimator uses the exact T_c.",
        "",
        NETWORK_SPREAD,
        "",
    ]
    return "\n".join(lines)
