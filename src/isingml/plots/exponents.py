"""Figures of the critical exponents: the data collapse of U4 and U_phi against the scaling
variable with the fitted T_c and 1/nu, and the effective exponents of each pair of sizes with
their extrapolation to L -> infinity."""

import numpy as np

from isingml.lattices import SQUARE, reference_of
from isingml.plots.style import PAGE, band, legend_outside, panels, size_colors

PAIRING = {"native": 1, "b2": 2}  # source -> the size before decimation, in units of L


def _sources(t):
    return np.asarray(t["source"]) if "source" in t else np.full(t["L"].size, "native")


def _native_sizes(t):
    return sorted({int(L) for L, s in zip(t["L"], _sources(t), strict=True) if s == "native"})


def _collapse_panel(ax, t, col, tc, inv_nu, colors):
    """Each size's curve against (T - T_c) L_s^(1/nu), L_s the size the configurations had
    before decimation: for U_phi, native L and 2L decimated to L are paired (same colour), and
    a decimated curve without its native partner is left out."""
    sources = _sources(t)
    for L in _native_sizes(t):
        for source, factor in PAIRING.items():
            sel = (t["L"] == L) & (sources == source)
            if not sel.any():
                continue
            Ls = factor * L
            x = (t["T"][sel] - tc) * Ls**inv_nu
            y, e = t[col][sel], t[f"{col}_err"][sel]
            band(ax, x, y, e, colors[L])
            label = f"$L = {L}$" if factor == 1 else f"$L = {Ls}$ decimated to {L}"
            ax.plot(x, y, color=colors[L], lw=1.0, ls="-" if factor == 1 else "--", label=label)


def collapse(curves, fss, exponents):
    """U4 (Binder grid, every size) and U_phi (cnn_binder: each native L with 2L decimated to
    L) against the scaling variable, each with its own fitted T_c and 1/nu: the curves of a
    panel fall on one if both are right. ``curves``: the tables of reweighted curves; ``fss``:
    the methods' fss results; ``exponents``: exponents.json's content."""
    fss = {obj["method"]: obj for obj in fss}
    tables = {"binder" if "U4" in t else "cnn_binder": t for t in curves}
    shown = [m for m in ("binder", "cnn_binder") if m in tables and m in fss and m in exponents]
    fig, axes = panels(len(shown), width=PAGE, height=3.0)
    colors = size_colors([L for m in shown for L in _native_sizes(tables[m])])
    for ax, method in zip(np.atleast_1d(axes), shown, strict=True):
        t, tc = tables[method], fss[method]["T_c"]
        inv_nu = exponents[method]["inv_nu"]["value"]
        col = "U4" if method == "binder" else "U"
        _collapse_panel(ax, t, col, tc, inv_nu, colors)
        fitted = f"fitted $T_c = {tc:.4f}$, $1/\\nu = {inv_nu:.3f}$"
        if method == "binder":
            ax.set(
                xlabel=r"scaling variable $(T - T_c)\,L^{1/\nu}$",
                ylabel="$U_4$ (Binder cumulant of $m$)",
                title=f"Binder cumulant, every size\n{fitted}",
            )
        else:
            title = f"CNN order parameter, $L$ with $2L$ decimated to $L$\n{fitted}"
            ax.set(
                xlabel=r"$(T - T_c)\,L_s^{1/\nu}$, $L_s$: size before decimation",
                ylabel=r"$U_\phi$ (Binder cumulant of the CNNs' $\phi$)",
                title=title,
            )
    legend_outside(fig, axes, where="bottom", ncols=4)
    return fig


PANELS = (
    ("inv_nu", r"thermal exponent $1/\nu$"),
    ("gamma_over_nu", r"susceptibility exponent $\gamma/\nu$"),
    ("beta_over_nu", r"magnetization exponent $\beta/\nu$"),
)
SOURCES = {
    "dU4": r"$|dU_4/d\beta|$",
    "dln_abs_m": r"$d\ln\langle|m|\rangle/d\beta$",
    "dln_m2": r"$d\ln\langle m^2\rangle/d\beta$",
    "chi": r"$\chi = N\langle m^2\rangle$",
    "abs_m": r"$\langle|m|\rangle$",
    "dU_phi": r"$dU_\phi/d\beta$ (CNNs: $L$ vs $2L$ decimated)",
}


def _series(exponents):
    """(panel key, method, estimate name, label) of every estimate in exponents.json; the
    quoted one of a panel said to be so, the others are its checks."""
    out = []
    for method, obj in exponents.items():
        for name, est in obj.get("estimates", {}).items():
            key = est.get("measures")
            quoted = name in obj.get(key, {}).get("from", [name])
            role = "quoted" if quoted else "check"
            label = f"from {SOURCES.get(name, name)}" + ("" if quoted else f" ({role})")
            out.append((key, method, name, label))
    return out


def exponent_slopes(exponents, lattice=SQUARE):
    """Each exponent's effective value between the sizes of each pair, ln(y(L')/y(L)) /
    ln(L'/L) at the pair's crossing, against 1/L with its jackknife error, and its
    extrapolation to L -> infinity (at 1/L = 0, total error), beside the value of ``lattice``'s
    class: exact in 2D, the bootstrap's reference on the cube (``lattices.Reference``)."""
    fig, axes = panels(len(PANELS), width=PAGE, height=2.7)
    series = _series(exponents)
    ref = reference_of(lattice)
    known = ref.exponents or {}
    what = f"exact ({ref.dim}D Ising)" if ref.exact else f"reference ({ref.dim}D Ising, bootstrap)"
    for ax, (key, title) in zip(axes, PANELS, strict=True):
        mine = [s for s in series if s[0] == key]
        Lmin = min((r["L"] for _, m, _, _ in mine for r in exponents[m]["per_pair"]), default=8)
        dx = 0.04 / Lmin
        for i, (_, method, name, label) in enumerate(mine):
            rows = [r for r in exponents[method]["per_pair"] if name in r]
            x = np.array([1 / r["L"] for r in rows]) + dx * i
            y = [r[name]["value"] for r in rows]
            e = [r[name]["err"] for r in rows]
            color = f"C{list(SOURCES).index(name) if name in SOURCES else i}"
            h = ax.errorbar(x, y, e, color=color, marker="o", ms=3, lw=0.8, capsize=2, label=label)
            est = exponents[method]["estimates"][name]
            ax.errorbar(
                [dx * i],
                [est["value"]],
                [est["err"]],
                color=h[0].get_color(),
                marker="*",
                ms=6,
                capsize=2,
            )
        ax.plot([], [], "k*", ms=6, label=r"extrapolated to $L \to \infty$ ($\pm$ total error)")
        if key in known:
            ax.axhline(known[key], color="k", ls="--", lw=0.8, label=what)
        pairs = {(r["L"], r["L2"]) for _, m, _, _ in mine for r in exponents[m]["per_pair"]}
        ticks = sorted(pairs, reverse=True)
        ax.set_xticks(
            [0] + [1 / L for L, _ in ticks], [r"$\infty$"] + [f"{L}, {L2}" for L, L2 in ticks]
        )
        ax.set(
            title=title,
            xlabel="pair of sizes $L, L'$ (placed at $1/L$)",
            ylabel="effective exponent",
        )
        ax.set_xlim(-2 * dx, 1.15 / Lmin)
    legend_outside(fig, axes, where="bottom", ncols=3)
    return fig
