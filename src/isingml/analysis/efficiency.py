"""The data-efficiency study: one run's row from a network's outputs, and the table that
averages the runs of each (model, training-set size) over their seeds. Pure functions."""

import numpy as np

from isingml.analysis.chains import student_error
from isingml.analysis.crossing import half_crossing
from isingml.numerics import sigmoid


def p_curve(T, logits):
    """(temperatures, mean p(ordered) at each) from per-configuration logits."""
    temps = np.unique(T)
    p = sigmoid(np.asarray(logits, dtype=np.float64))
    return temps, np.array([p[T == t].mean() for t in temps])


def run_T_star(T, logits):
    """T* of one network: where its mean p(ordered) crosses 1/2 on the grid."""
    return float(half_crossing(*p_curve(T, logits)))


def efficiency_table(runs):
    """One row per (model, per_temperature) over the seeds' run rows: mean held-out accuracy
    with its Student-t error, the mean and scatter of T*, the mean seconds."""
    rows = []
    for key in sorted({(r["model"], r["per_temperature"]) for r in runs}):
        rs = [r for r in runs if (r["model"], r["per_temperature"]) == key]
        acc = np.array([r["accuracy_test"] for r in rs])
        t = np.array([r["T_star"] for r in rs])
        t = t[np.isfinite(t)]
        rows.append(
            {
                "model": key[0],
                "per_temperature": key[1],
                "n_seeds": len(rs),
                "n_params": rs[0]["n_params"],
                "accuracy_test": float(acc.mean()),
                "accuracy_test_err": student_error(acc),
                "T_star": float(t.mean()) if t.size else np.nan,
                "T_star_scatter": float(t.std(ddof=1)) if t.size > 1 else np.nan,
                "seconds": float(np.mean([r["seconds"] for r in rs])),
            }
        )
    return rows
