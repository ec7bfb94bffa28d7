"""The ten-second read of a run (results/summary.md) from the summary's rows (``summary``):
the lattice and the exact T_c it is compared with (or that none is known), the estimators with
their deviation and pull, the exponents (2D Ising values, universal: the same on every
two-dimensional lattice), U4 at the crossings (which, unlike T_c, depends on the box), the
window-trained reproductions and the studies; and ``lattices_table``, one table across the runs
of several lattices.
"""

import math

from isingml.analysis.summary import (
    BY_DIMENSION,
    ESTIMATOR_KIND,
    EXPONENTS,
    LABELS,
    NETWORK_SPREAD,
    STUDY_KIND,
)


def _fmt(value, err=None, digits=4):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if err is None or not math.isfinite(err):
        return f"{value:.{digits}f}"
    return f"{value:.{digits}f} ± {err:.{digits}f}"


def _dev(r):
    rel = r.get("rel_dev_reference")
    return "—" if rel is None or not math.isfinite(rel) else f"{100 * rel:+.3f} %"


def _estimator_lines(rows, kind="exact"):
    lines = [
        "## Estimators of T_c (they converge to T_c as L → ∞)",
        "",
        f"| method | T_c(∞) ± σ | off {kind} T_c | pull | ν | sizes | how |",
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
        by_dist = sorted(ok, key=lambda r: abs(r["rel_dev_reference"]))
        dist = ", then ".join(
            f"{r['method']} ({100 * abs(r['rel_dev_reference']):.3f} %)" for r in by_dist
        )
        lines += ["", f"Closest to the {kind} T_c in distance |T_c − {kind}|: {dist}."]
    return lines


def _window_lines(rows, results, reference):
    t_of_m0 = (
        "the lattice's exact spontaneous magnetization equals m0"
        if reference.magnetization_known
        else "the spontaneous magnetization equals m0 (no exact m(T) is known for this model: "
        "T(m0) is not given)"
    )
    lines = [
        "## Window-trained networks: reproductions, not T_c estimates",
        "",
        "T* is where p(ordered) = 1/2, extrapolated as T* = T(∞) + a/L per window. The network "
        "thresholds |m| (R² of p against a threshold on |m| below) at m0, which the window "
        f"sets, so T* follows the window and converges to T(m0), where {t_of_m0} — not to T_c. "
        "The spread over windows is not an error bar.",
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


def _exponent_lines(exponents, reference):
    """The exponents' table, compared with the lattice's exact values (2D) or references."""
    texts = BY_DIMENSION[reference.dim]
    known = reference.exponents or {}
    lines = [
        "## Critical exponents (at each pair's own crossing, extrapolated over the pairs)",
        "",
        texts["exponents"],
        "",
        f"| method | exponent | estimate ± σ | {'exact' if reference.exact else 'reference'} "
        "| pull | from |",
        "|---|---|---|---|---|---|",
    ]
    uncovered = []
    for method, obj in exponents.items():
        for key, label, _ in EXPONENTS:
            e, exact = obj.get(key), known.get(key)
            if not e:
                continue
            how = ", ".join(e.get("from", []))
            if e.get("tied_to"):
                how += f" (tied to {LABELS[e['tied_to']]} by hyperscaling)"
            why = reference.why_uncovered(method, key)
            if why:  # shown apart, without a pull
                uncovered.append(f"- {method}'s {label} = {_fmt(e['value'], e['err'])} ({how}): "
                                 f"{why}")  # fmt: skip
                continue
            pull = "—" if exact is None else f"{(e['value'] - exact) / e['err']:+.1f} σ"
            lines.append(
                f"| {method} | {label} | {_fmt(e['value'], e['err'])} | "
                f"{'—' if exact is None else f'{exact:g}'} | {pull} | {how} |"
            )
    if uncovered:
        lines += ["", "Not in the table: their error bars failed coverage on this lattice, so "
                  "they are studies here, without a pull:", *uncovered]  # fmt: skip
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
        f"temperature and the extrapolation y + c L^−ω. {texts['corrections']} binder's 1/ν "
        "is dU4/dβ's alone; its "
        "log-derivative estimates are checks, not combined with it. For cnn_binder the spread "
        "between networks is added as the Student-t error over training seeds. Every estimate "
        "per pair, each model (`model`, `omega_range` or `omega`, `systematic`) and the "
        "covariance of T_c and the exponents are in results/fss/exponents.json.",
    ]
    return lines


def _study_lines(rows, results, kind="exact"):
    lines = [
        "## Studies: computed, but not T_c estimators",
        "",
        f"| method | T(∞) ± σ | off {kind} T_c | crossing per pair | why it is not an estimator |",
        "|---|---|---|---|---|",
    ]
    pairs = {r["method"]: r.get("pairs") or [] for r in results}
    for r in rows:
        why = r["note"]
        each = "; ".join(f"{_fmt(p['T_star'])} ({p['L']}, {p['L2']})" for p in pairs[r["method"]])
        lines.append(
            f"| {r['method']} | {_fmt(r['T_c'], r['T_c_err'])} | {_dev(r)} | {each or '—'} "
            f"| {why} |"
        )
    return lines


def _u4_lines(results, reference):
    """U4 at each of binder's pairs' crossings, and what its limit depends on."""
    pairs = next((r.get("U4_at_crossing") for r in results if r.get("U4_at_crossing")), None)
    if not pairs:
        return []
    each = "; ".join(f"{_fmt(p['value'], p['err'])} ({p['L']}, {p['L2']})" for p in pairs)
    known = (
        f"on this box {reference.U4_torus:.5f} (the isotropic square torus: Kamieniarz & Blöte "
        "1993, Salas & Sokal 2000)"
        if reference.U4_torus is not None
        else "not known exactly for this box"
    )
    if reference.U4_torus is not None and not reference.exact:
        known = f"on the periodic cube about {reference.U4_torus:g} (Hasenbusch 2010, a reference)"
    return [
        "## U4 at the crossings",
        "",
        f"binder's U4 where each pair's curves cross: {each}. Its L → ∞ limit depends on the "
        "periodic box's shape (aspect ratio, shear) and on the couplings' anisotropy, unlike "
        f"the crossing temperature's limit, T_c: {known}.",
    ]


def summary_markdown(rows, results, exponents=None, *, reference):
    """results/summary.md from the summary's ``rows``, the FSS ``results`` and the exponents,
    naming the lattice and the exact T_c (``reference``, a ``lattices.Reference``) it compares
    with, or saying that none is known."""
    estimators = [r for r in rows if r["kind"] == ESTIMATOR_KIND]
    studies = [r for r in rows if r["kind"] == STUDY_KIND]
    windowed = [r for r in rows if r["kind"] not in (ESTIMATOR_KIND, STUDY_KIND)]
    lines = ["# isingml summary", "", reference.words(), ""]
    kind = "exact" if reference.exact else "reference"  # the cube's T_c is a published one
    lines += _estimator_lines(estimators, kind)
    if exponents:
        lines += [""] + _exponent_lines(exponents, reference)
    u4 = _u4_lines(results, reference)
    if u4:
        lines += [""] + u4
    lines += [""] + _window_lines(windowed, results, reference)
    if studies:
        lines += [""] + _study_lines(studies, results, kind)
    notes = [f"- {r['method']}: {r['note']}" for r in results if r.get("note")]
    notes += [f"- {r['method']}: {r['exponent_note']}" for r in results if r.get("exponent_note")]
    if notes:
        lines += ["", "Notes:", *notes]
    lines += [
        "",
        "How each T_c(∞) was obtained is in results/fss/<method>.json under 'model'. Crossings "
        "of the Binder cumulants approach T_c from below as L^-x, x = 1/ν + ω, and are "
        "extrapolated from all pairs, with the errors of pairs that share a size carried by "
        f"the jackknife. {BY_DIMENSION[reference.dim]['shift']}",
        "",
        NETWORK_SPREAD,
        "",
    ]
    return "\n".join(lines)


LATTICE_HEADER = (
    "| lattice | exact T_c | binder T_c ± σ (off exact, pull) | cnn_binder T_c ± σ (off exact) "
    "| 1/ν | γ/ν | β/ν | U4 at the largest crossing |"
)


def _value(row, key):
    """A summary.csv value as a float, None where empty or missing."""
    v = None if row is None else row.get(key)
    try:
        v = None if v is None or v == "" else float(v)
    except (TypeError, ValueError):
        return None
    return v if v is not None and math.isfinite(v) else None


NOT_COVERED = "†"  # the table's mark of an estimate whose error bars failed coverage there


def _estimate(row, with_pull):
    tc, err = _value(row, "T_c"), _value(row, "T_c_err")
    if tc is None:
        return "—"
    rel, pull = _value(row, "rel_dev_reference"), _value(row, "pull")
    how = [] if rel is None else [f"{100 * rel:+.3f} %"]
    how += [f"{pull:.1f} σ"] if with_pull and pull is not None else []
    mark = NOT_COVERED if row.get("kind") == STUDY_KIND else ""
    return f"{_fmt(tc, err, 5)}{mark}" + (f" ({', '.join(how)})" if how else "")


def _exponent(row, key):
    """One of binder's exponents, marked where its error bars failed coverage there."""
    mark = NOT_COVERED if key in str((row or {}).get("exponents_not_covered") or "").split() else ""
    return _fmt(_value(row, key), _value(row, f"{key}_err")) + mark


def lattices_row(rows):
    """One line of the table across lattices from one run's summary rows."""
    by_method = {r["method"]: r for r in rows}
    binder, cnn = by_method.get("binder"), by_method.get("cnn_binder")
    first = _first(rows)
    ref = _value(first, "reference_T_c")
    exact = "none known" if ref is None else f"{ref:.7f} ({first.get('reference') or '—'})"
    if ref is not None and not _is_exact(first):  # its source in the table's notes
        exact = f"{ref:.7f} (reference, not exact)"
    exps = [_exponent(binder, k) for k, _, _ in EXPONENTS]
    u4 = _fmt(_value(binder, "U4_at_crossing"), _value(binder, "U4_at_crossing_err"))
    cells = [first.get("lattice") or "—", exact, _estimate(binder, True),
             _estimate(cnn, False), *exps, u4]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


def _first(rows):
    """The row a run's lattice and reference are read from: binder's, else cnn_binder's, else
    the first."""
    by_method = {r.get("method"): r for r in rows}
    return by_method.get("binder") or by_method.get("cnn_binder") or rows[0]


def _is_exact(row):
    return str(row.get("reference_exact", "True")).strip().lower() not in ("false", "0")


def lattices_table(runs):
    """One markdown table across lattices: ``runs``, each run's summary rows (results/
    summary.csv read as dicts). The exponents are binder's; their exact values (2D Ising: 1/ν
    = 1, γ/ν = 7/4, β/ν = 1/8) are the same on every two-dimensional lattice, while U4 at the
    crossings depends on the periodic box's shape and couplings."""
    lines = [LATTICE_HEADER, "|" + "---|" * LATTICE_HEADER.count(" | ") + "---|"]
    lines += [lattices_row(rows) for rows in runs if rows]
    exact = ", ".join(f"{label} = {value:g}" for _, label, value in EXPONENTS)
    lines += [
        "",
        f"Exponents: binder's, at each pair's crossing, extrapolated; exact {exact} on every "
        "two-dimensional lattice (universality). U4 at the crossing of the largest pair: its "
        "limit depends on the box's shape and the couplings (0.61069 on the isotropic square "
        "torus), the crossing temperature's does not.",
    ]
    if NOT_COVERED in "".join(lines):
        lines[-1] += (
            f" {NOT_COVERED}: its error bars failed their coverage reruns on that lattice "
            "(benchmarks/pull_coverage.py; docs/validation.md), so it is a study there, shown "
            "without a pull."
        )
    for first in (_first(rows) for rows in runs if rows):
        if not _is_exact(first) and first.get("reference"):
            lines[-1] += (
                f" {first.get('lattice')}: T_c and the exponents are compared with published "
                f"references, not exact values ({first['reference']})."
            )
    return "\n".join(lines) + "\n"
