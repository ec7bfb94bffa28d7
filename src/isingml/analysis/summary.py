"""The summary: one row per method (results/summary.csv) and the ten-second read
(results/summary.md)."""

import math

import numpy as np

from isingml.physics import ONSAGER_TC


def metrics_of(result, metrics):
    """The metrics.json contents of the networks behind one method's result: those whose
    (model, training L) the result lists under ``networks``."""
    used = {tuple(n) for n in result.get("networks", [])}
    return [m for m in metrics if (m["config"]["model"], m["config"]["L"]) in used]


def summary_row(result, metrics):
    """One row of results/summary.csv from an FSS result and the metrics of its networks."""
    acc = [m["accuracy"] for m in metrics]
    tc = result.get("T_c") if result.get("T_c") is not None else np.nan
    err = result.get("T_c_err") if result.get("T_c_err") is not None else np.nan

    def mean_of(key):
        vals = [a[key] for a in acc if a.get(key) is not None]
        return float(np.mean(vals)) if vals else None

    return {
        "method": result["method"],
        "n_params": metrics[0]["n_params"] if metrics else None,
        "accuracy_windows": mean_of("test"),
        "accuracy_critical": mean_of("critical"),
        "T_c": tc,
        "T_c_err": err,
        "T_c_err_stat": result.get("T_c_err_stat"),
        "T_c_err_syst": result.get("T_c_err_syst"),
        "T_c_err_window": result.get("T_c_err_window"),
        "nu": result.get("nu"),
        "nu_err": result.get("nu_err"),
        "rel_dev_onsager": (tc - ONSAGER_TC) / ONSAGER_TC,
        "dev_in_sigma": abs(tc - ONSAGER_TC) / err if np.isfinite(err) and err > 0 else None,
        "training_seconds": float(sum(m["wall_seconds"] for m in metrics)) if metrics else None,
        "L_used": " ".join(str(L) for L in result.get("L_used", [])),
        "model": result.get("model"),
    }


def _fmt(value, err=None, digits=4):
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if err is None or not math.isfinite(err):
        return f"{value:.{digits}f}"
    return f"{value:.{digits}f} ± {err:.{digits}f}"


def summary_markdown(rows, results):
    ok = [r for r in rows if r["T_c"] is not None and math.isfinite(r["T_c"])]
    lines = [
        "# isingml summary",
        "",
        f"Onsager's exact T_c = 2/ln(1+√2) = {ONSAGER_TC:.6f}.",
        "",
        "| method | T_c(∞) ± total | stat | window syst. | off Onsager | ν | acc. windows | "
        "acc. critical | sizes |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        dev = (
            f"{100 * r['rel_dev_onsager']:+.2f} % ({r['dev_in_sigma']:.1f} σ)"
            if r["dev_in_sigma"] is not None
            else "—"
        )
        acc = [_fmt(r[k], digits=3) for k in ("accuracy_windows", "accuracy_critical")]
        lines.append(
            f"| {r['method']} | {_fmt(r['T_c'], r['T_c_err'])} | {_fmt(r['T_c_err_stat'])} | "
            f"{_fmt(r['T_c_err_window'])} | {dev} | {_fmt(r['nu'], r['nu_err'], 2)} | "
            f"{acc[0]} | {acc[1]} | {r['L_used']} |"
        )
    lines.append("")
    if ok:
        ranked = sorted(ok, key=lambda r: abs(r["rel_dev_onsager"]))
        order = ", then ".join(
            f"{r['method']} ({100 * abs(r['rel_dev_onsager']):.2f} %)" for r in ranked
        )
        lines.append(f"Closest to Onsager in distance: {order}.")
        pulled = [r for r in ok if r["dev_in_sigma"] is not None]
        ranked = sorted(pulled, key=lambda r: r["dev_in_sigma"])
        order = ", then ".join(f"{r['method']} ({r['dev_in_sigma']:.1f} σ)" for r in ranked)
        lines.append(f"In pull |T_c - exact| / σ: {order}.")
        by = {r["method"]: r for r in ok}
        if "cnn" in by and "fcn" in by:
            c, f = abs(by["cnn"]["rel_dev_onsager"]), abs(by["fcn"]["rel_dev_onsager"])
            better, worse = (
                ("CNN", "fully connected net") if c <= f else ("fully connected net", "CNN")
            )
            lines.append(
                f"The {better} is closer than the {worse}, by "
                f"{100 * abs(c - f):.2f} percentage points."
            )
    notes = [f"- {r['method']}: {r['note']}" for r in results if r.get("note")]
    notes += [f"- {r['method']}: {r['nu_note']}" for r in results if r.get("nu_note")]
    if notes:
        lines += ["", "Notes:", *notes]
    lines += [
        "",
        "Network T_c: mean over training windows of T_c + a/L fits (ν = 1); the window "
        "systematic is half the spread over windows. Binder: crossings of successive sizes' "
        "reweighted U4, extrapolated as L^-(1/ν + ω) = L^-2.75 (they approach T_c from "
        "below); how, per method, is in results/fss/*.json under 'model'.",
        "",
    ]
    return "\n".join(lines)
