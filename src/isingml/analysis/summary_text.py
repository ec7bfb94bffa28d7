"""The ten-second read of a run (results/summary.md) from the summary's rows (``summary``):
the lattice and the exact T_c it is compared with (or that none is known), the estimators with
their deviation and pull, the exponents (2D Ising values, universal: the same on every
two-dimensional lattice), U4 at the crossings (which, unlike T_c, depends on the box), the
window-trained reproductions and the studies (the table across lattices: ``lattices_table``).
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


def fmt(value, err=None, digits=4):
    """A value (± its error) to ``digits`` places, or — where there is none."""
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
            f"| {r['method']} | {fmt(r['T_c'], r['T_c_err'])} | {dev} | {pull} | "
            f"{fmt(r['nu'], r['nu_err'], 2)} | {r['L_used']} | {r['model'] or '—'} |"
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
                f"| {r['method']} | {window} | {fmt(fit.get('T_c'), fit.get('T_c_err'))} | "
                f"{fmt(sc.get('m0'), digits=3)} | {fmt(sc.get('T_of_m0'))} | "
                f"{fmt(sc.get('R2'), digits=3)} | {fmt(r['accuracy_test'], digits=3)} |"
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
                uncovered.append(f"- {method}'s {label} = {fmt(e['value'], e['err'])} ({how}): "
                                 f"{why}")  # fmt: skip
                continue
            pull = "—" if exact is None else f"{(e['value'] - exact) / e['err']:+.1f} σ"
            lines.append(
                f"| {method} | {label} | {fmt(e['value'], e['err'])} | "
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
        each = "; ".join(f"{fmt(p['T_star'])} ({p['L']}, {p['L2']})" for p in pairs[r["method"]])
        lines.append(
            f"| {r['method']} | {fmt(r['T_c'], r['T_c_err'])} | {_dev(r)} | {each or '—'} | {why} |"
        )
    return lines


def _u4_lines(results, reference):
    """U4 at each of binder's pairs' crossings, and what its limit depends on."""
    pairs = next((r.get("U4_at_crossing") for r in results if r.get("U4_at_crossing")), None)
    if not pairs:
        return []
    each = "; ".join(f"{fmt(p['value'], p['err'])} ({p['L']}, {p['L2']})" for p in pairs)
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
