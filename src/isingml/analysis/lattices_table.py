"""One table across the runs of several lattices (README, ``isingml analyze lattices``), from each
run's results/summary.csv: binder's T_c with its deviation and pull, cnn_binder's, binder's
exponents and U4 at the largest crossing, each marked where its error bars failed coverage on
that lattice (``Lattice.uncovered``; the summary's rows say so).
"""

import math

from isingml.analysis.summary import EXPONENTS, STUDY_KIND
from isingml.analysis.summary_text import fmt

LATTICE_HEADER = (
    "| lattice | exact T_c | binder T_c ± σ (off exact, pull) | cnn_binder T_c ± σ (off exact) "
    "| 1/ν | γ/ν | β/ν | U4 at the largest crossing |"
)
NOT_COVERED = "†"  # the table's mark of an estimate whose error bars failed coverage there


def _value(row, key):
    """A summary.csv value as a float, None where empty or missing."""
    v = None if row is None else row.get(key)
    try:
        v = None if v is None or v == "" else float(v)
    except (TypeError, ValueError):
        return None
    return v if v is not None and math.isfinite(v) else None


def _estimate(row, with_pull):
    tc, err = _value(row, "T_c"), _value(row, "T_c_err")
    if tc is None:
        return "—"
    rel, pull = _value(row, "rel_dev_reference"), _value(row, "pull")
    how = [] if rel is None else [f"{100 * rel:+.3f} %"]
    how += [f"{pull:.1f} σ"] if with_pull and pull is not None else []
    mark = NOT_COVERED if row.get("kind") == STUDY_KIND else ""
    return f"{fmt(tc, err, 5)}{mark}" + (f" ({', '.join(how)})" if how else "")


def _exponent(row, key):
    """One of binder's exponents, marked where its error bars failed coverage there."""
    mark = NOT_COVERED if key in str((row or {}).get("exponents_not_covered") or "").split() else ""
    return fmt(_value(row, key), _value(row, f"{key}_err")) + mark


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
    u4 = fmt(_value(binder, "U4_at_crossing"), _value(binder, "U4_at_crossing_err"))
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
