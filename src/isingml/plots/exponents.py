"""Figures of the critical exponents: the data collapse of U4 and U_phi against
(T - T_c) L^(1/nu) with the fitted T_c and 1/nu, and the derivatives, chi and <|m|> at each
pair's crossing against L on log axes."""

import numpy as np
from matplotlib.ticker import NullFormatter

from isingml.plots.style import legend_outside, panels, size_colors


def collapse(curves, fss, exponents):
    """U4 (Binder grid) and U_phi (cnn_binder: native L and 2L decimated to L) against the
    scaling variable (T - T_c) L^(1/nu), each with its own fitted T_c and 1/nu: the curves of
    all sizes fall on one if both are right. ``curves``: the tables of reweighted curves;
    ``fss``: the methods' fss results; ``exponents``: exponents.json's content."""
    fss = {obj["method"]: obj for obj in fss}
    exps = exponents
    tables = {"binder" if "U4" in t else "cnn_binder": t for t in curves}
    methods = [m for m in ("binder", "cnn_binder") if m in tables and m in fss and m in exps]
    fig, axes = panels(len(methods), width=4.0, height=3.2)
    for ax, method in zip(np.atleast_1d(axes), methods, strict=True):
        t, tc = tables[method], fss[method]["T_c"]
        inv_nu = exps[method]["inv_nu"]["value"]
        col = "U4" if method == "binder" else "U"
        sources = np.unique(t["source"]) if "source" in t else ["-"]
        colors = size_colors(sorted({int(L) for L in t["L"]}))
        for source in sources:
            sel_s = np.ones(t["L"].size, bool) if source == "-" else t["source"] == source
            for L in sorted({int(v) for v in t["L"][sel_s]}):
                sel = sel_s & (t["L"] == L)
                x = (t["T"][sel] - tc) * L**inv_nu
                label = f"$L = {L}$" + ("" if source in ("-", "native") else " (2L → L)")
                ax.plot(x, t[col][sel], color=colors[L], lw=1.0,
                        ls="-" if source in ("-", "native") else "--", label=label)  # fmt: skip
        name = "U_4" if method == "binder" else r"U_\phi"
        ax.set(xlabel=r"$(T - T_c)\,L^{1/\nu}$", ylabel=f"${name}$",
               title=f"{method}: $T_c$ = {tc:.4f}, $1/\\nu$ = {inv_nu:.3f}")  # fmt: skip
        ax.legend(fontsize=6, loc="best")
    return fig


SLOPES = (
    ("dU4", r"$|dU_4/d\beta|$", "inv_nu"),
    ("dln_abs_m", r"$d\ln\langle|m|\rangle/d\beta$", "inv_nu"),
    ("dln_m2", r"$d\ln\langle m^2\rangle/d\beta$", "inv_nu"),
    ("chi", r"$N\langle m^2\rangle$", "gamma_over_nu"),
    ("abs_m", r"$\langle|m|\rangle$", "beta_over_nu"),
)
EXACT_SLOPE = {"inv_nu": 1.0, "gamma_over_nu": 1.75, "beta_over_nu": -0.125}


def exponent_slopes(exponents):
    """Each observable at each pair's crossing against L on log axes (both sizes of a pair
    joined), with the exact power law through the largest size's point for comparison."""
    exps = exponents["binder"]
    at = exps.get("at_crossing", [])
    fig, axes = panels(len(SLOPES), width=2.6, height=2.6)
    for ax, (name, label, kind) in zip(np.atleast_1d(axes), SLOPES, strict=True):
        for row in at:
            L = np.array([row["L"], row["L2"]], dtype=float)
            y = np.abs([row["a"][name], row["b"][name]])
            ax.plot(L, y, "o-", ms=3, lw=1.0, label=f"at $T_x$({row['L']}, {row['L2']})")
        if at:
            Lmax = float(at[-1]["L2"])
            ymax = abs(at[-1]["b"][name])
            Ls = np.geomspace(min(r["L"] for r in at), Lmax, 20)
            ax.plot(Ls, ymax * (Ls / Lmax) ** EXACT_SLOPE[kind], color="0.5", lw=0.8, ls=":",
                    label="exact power")  # fmt: skip
        ax.set(xscale="log", yscale="log", xlabel="$L$", ylabel=label)
        sizes = sorted({r[k] for r in at for k in ("L", "L2")})
        ax.set_xticks(sizes, [str(L) for L in sizes])
        ax.xaxis.set_minor_formatter(NullFormatter())
    legend_outside(fig, np.atleast_1d(axes)[-1])
    return fig
