"""Figures. Each function reads results files (never recomputes a result) and returns a Figure.

Temperatures are in units of J/k_B throughout; the dashed vertical line is Onsager's T_c.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from isingml.io import atomic, results, shards  # noqa: E402
from isingml.learning.data import parse_window_name  # noqa: E402
from isingml.physics import ONSAGER_TC, onsager_magnetization  # noqa: E402

TC_LABEL = f"Onsager $T_c$ = {ONSAGER_TC:.4f}"


def _onsager_vline(ax):
    ax.axvline(ONSAGER_TC, color="k", ls="--", lw=0.8, label=TC_LABEL)


def _sizes_colors(sizes):
    cmap = plt.get_cmap("viridis")
    return {L: cmap(i / max(1, len(sizes) - 1)) for i, L in enumerate(sorted(sizes))}


def _windows(c):
    return sorted(set(c["window"].tolist()))


def _p_by_size(ax, c, window, colors, x_of):
    """One p(ordered) curve per L of ``window``, against ``x_of(T, L)``."""
    for L, color in colors.items():
        sel = (c["window"] == window) & (c["L"] == L)
        ax.errorbar(
            x_of(c["T"][sel], L),
            c["p"][sel],
            c["p_err"][sel],
            color=color,
            marker=".",
            ms=3,
            lw=1,
            label=f"L = {int(L)}",
        )


def p_ordered(curves_csv):
    """p(ordered) against T per L, one panel per training window."""
    c = results.read_csv(curves_csv)
    windows = _windows(c)
    fig, axes = plt.subplots(
        1,
        len(windows),
        figsize=(4 * len(windows), 3.4),
        squeeze=False,
        sharey=True,
        layout="constrained",
    )
    colors = _sizes_colors(np.unique(c["L"]))
    for ax, w in zip(axes[0], windows, strict=True):
        _p_by_size(ax, c, w, colors, lambda T, L: T)
        _onsager_vline(ax)
        window = parse_window_name(w)
        if window is not None:
            ax.axvspan(*window, color="0.9", zorder=0, label="not trained on")
        ax.axhline(0.5, color="0.5", lw=0.6)
        ax.set(title=f"{c['method'][0]}, window {w}", xlabel="T  [J/k_B]")
    axes[0, 0].set_ylabel("p(ordered)")
    axes[0, -1].legend(fontsize=7)
    return fig


def _crossing_panel(ax, t, f):
    """Pair crossings T_x(L, L2) against L^-x per window, each window's extrapolation."""
    x = f["crossing_exponent"]
    for w in _windows(t):
        sel = t["window"] == w
        X = t["L"][sel] ** -x
        label = "crossings of $L$, $L_2$" if w == "-" else w
        h = ax.errorbar(X, t["T_star"][sel], t["T_star_err"][sel], marker="o", ms=3, ls="",
                        capsize=2, label=label)  # fmt: skip
        fit = f.get("per_window", {}).get(w, f)
        if fit.get("b") is not None:
            xx = np.linspace(0, X.max() * 1.05, 50)
            ax.plot(xx, fit["T_c_fit"] + fit["b"] * xx, color=h[0].get_color(), lw=0.8)
    ax.set_xlabel(f"$L^{{-{x:g}}}$ ($L$ the smaller size of the pair)")


def _half_panel(ax, t, f):
    """T*(L) per window against 1/L with the fixed-nu fits."""
    for w in _windows(t):
        sel = t["window"] == w
        X = t["L"][sel] ** -1.0
        h = ax.errorbar(X, t["T_star"][sel], t["T_star_err"][sel], marker="o", ms=3, ls="",
                        capsize=2, label=w)  # fmt: skip
        fit = f["per_window"].get(w, {}).get("fixed", {})
        if fit.get("ok") and "a" in fit:
            xx = np.linspace(0, X.max() * 1.05, 50)
            ax.plot(xx, fit["T_c"] + fit["a"] * xx, color=h[0].get_color(), lw=0.8)
    ax.set_xlabel("$L^{-1/\\nu}$, $\\nu = 1$")


def tc_extrapolation(tc_csvs, fss_jsons):
    """T*(L) against L^-1 (window-trained networks) or pair crossings against L^-x, with the
    fits, the extrapolated T_c and Onsager's T_c."""
    fig, axes = plt.subplots(
        1, len(tc_csvs), figsize=(4 * len(tc_csvs), 3.4), squeeze=False, layout="constrained"
    )
    for ax, path, fpath in zip(axes[0], tc_csvs, fss_jsons, strict=True):
        t, f = results.read_csv(path), results.read_json(fpath)
        if f.get("kind") == "crossing":
            _crossing_panel(ax, t, f)
        else:
            _half_panel(ax, t, f)
        ax.axhline(ONSAGER_TC, color="k", ls="--", lw=0.8, label=TC_LABEL)
        if f.get("ok"):
            ax.errorbar([0], [f["T_c"]], [f["T_c_err"]], color="r", marker="*", ms=9, capsize=3,
                        label=f"$T_c(\\infty)$ = {f['T_c']:.4f} ± {f['T_c_err']:.4f}")  # fmt: skip
        ax.set(title=f["method"], ylabel="$T^*$  [$J/k_B$]")
        ax.legend(fontsize=6)
    return fig


def collapse(curves_csv, fss_json):
    """p(T, L) against (T - T_c) L^(1/nu) with the collapse's own T_c and nu, per window."""
    c, f = results.read_csv(curves_csv), results.read_json(fss_json)
    windows = [w for w in _windows(c) if f["per_window"].get(w, {}).get("collapse", {}).get("ok")]
    fig, axes = plt.subplots(
        1,
        max(1, len(windows)),
        figsize=(4 * max(1, len(windows)), 3.4),
        squeeze=False,
        sharey=True,
        layout="constrained",
    )
    colors = _sizes_colors(np.unique(c["L"]))
    for ax, w in zip(axes[0], windows, strict=False):
        col = f["per_window"][w]["collapse"]
        _p_by_size(ax, c, w, colors, lambda T, L, col=col: (T - col["T_c"]) * L ** (1 / col["nu"]))
        ax.set(
            title=f"{f['method']} {w}: $T_c$={col['T_c']:.3f}, ν={col['nu']:.2f}",
            xlabel="$(T - T_c) L^{1/\\nu}$",
            xlim=(-8, 8),
        )
    axes[0, 0].set_ylabel("p(ordered)")
    if windows:
        axes[0, -1].legend(fontsize=7)
    else:
        axes[0, 0].text(
            0.5,
            0.5,
            f"{f['method']}: no window's collapse determines ν\n"
            "(p(T) hardly depends on L; see results/fss)",
            ha="center",
            va="center",
            transform=axes[0, 0].transAxes,
            fontsize=8,
        )
    return fig


def _observable(tables, key, ylabel, exact=None):
    fig, ax = plt.subplots(figsize=(5, 3.6), layout="constrained")
    colors = _sizes_colors([int(t["L"][0]) for t in tables])
    for t in sorted(tables, key=lambda t: t["L"][0]):
        L = int(t["L"][0])
        ax.errorbar(
            t["T"],
            t[key],
            t[key + "_err"],
            color=colors[L],
            marker=".",
            ms=3,
            lw=0.8,
            capsize=1.5,
            label=f"L = {L}",
        )
    if exact is not None:
        T = np.linspace(min(t["T"].min() for t in tables), max(t["T"].max() for t in tables), 400)
        ax.plot(T, exact(T), "k-", lw=1, label="Onsager, L = ∞")
    _onsager_vline(ax)
    ax.set(xlabel="T  [J/k_B]", ylabel=ylabel)
    ax.legend(fontsize=7)
    return fig


def binder(obs_csvs, curves_csv, tc_csv):
    """U4 against T near T_c: measured points of each size (the Binder grid), the reweighted
    curves with their jackknife bands, and the crossings of successive sizes."""
    fig, ax = plt.subplots(figsize=(5.2, 3.8), layout="constrained")
    tables = sorted((results.read_csv(p) for p in obs_csvs), key=lambda t: t["L"][0])
    curves, tc = results.read_csv(curves_csv), results.read_csv(tc_csv)
    colors = _sizes_colors([int(t["L"][0]) for t in tables])
    for t in tables:
        L = int(t["L"][0])
        sel = curves["L"] == L
        T, u, e = curves["T"][sel], curves["U4"][sel], curves["U4_err"][sel]
        ax.fill_between(T, u - e, u + e, color=colors[L], alpha=0.25, lw=0)
        ax.plot(T, u, color=colors[L], lw=0.9)
        ax.errorbar(t["T"], t["U4"], t["U4_err"], color=colors[L], marker="o", ms=3, ls="",
                    capsize=2, label=f"$L = {L}$")  # fmt: skip
    for r in range(tc["L"].size):
        ax.axvline(tc["T_star"][r], color="0.6", lw=0.6, ls=":")
    _onsager_vline(ax)
    ax.set(
        xlabel="$T$  [$J/k_B$]", ylabel="$U_4 = 1 - \\langle m^4\\rangle / 3\\langle m^2\\rangle^2$"
    )
    ax.legend(fontsize=7, loc="lower left")
    return fig


def magnetization(obs_csvs):
    tables = [results.read_csv(p) for p in obs_csvs]
    return _observable(tables, "abs_m", "<|m|> per site", exact=onsager_magnetization)


def accuracy(curves_csvs):
    """Accuracy against T on configurations no network was trained on (label: T < T_c)."""
    fig, ax = plt.subplots(figsize=(5.5, 3.6), layout="constrained")
    tables = [results.read_csv(path) for path in curves_csvs]
    windows = sorted({w for c in tables for w in _windows(c)})
    colors = dict(zip(windows, plt.get_cmap("tab10")(np.arange(len(windows)) % 10), strict=True))
    styles = ["-", "--", ":", "-."]
    for i, c in enumerate(tables):
        L = c["L"].max()
        for w in _windows(c):
            sel = (c["window"] == w) & (c["L"] == L)
            ax.plot(
                c["T"][sel],
                c["accuracy_held_out"][sel],
                ls=styles[i % len(styles)],
                color=colors[w],
                marker=".",
                ms=3,
                label=f"{c['method'][0]} {w}, L = {int(L)}",
            )
    _onsager_vline(ax)
    ax.set(xlabel="T  [J/k_B]", ylabel="accuracy on held-out configurations", ylim=(0, 1.02))
    ax.legend(fontsize=6)
    return fig


def lattices(paths):
    """Example configurations: one per shard given (e.g. below, near and above T_c)."""
    fig, axes = plt.subplots(
        1, len(paths), figsize=(3 * len(paths), 3.2), squeeze=False, layout="constrained"
    )
    for ax, path in zip(axes[0], paths, strict=True):
        s = shards.read_shard(path)
        ax.imshow(s.spins[-1], cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
        ax.set(title=f"L = {s.L}, T = {s.T:.3f}", xticks=[], yticks=[])
    fig.suptitle("last stored configuration (white = +1)", fontsize=8)
    return fig


def save(fig, png_path):
    """Write the figure as PNG and as PDF beside it."""
    png_path = str(png_path)
    with atomic.atomic_output(png_path) as tmp:
        fig.savefig(tmp, dpi=150, bbox_inches="tight", format="png")
    pdf = png_path[: -len(".png")] + ".pdf"
    with atomic.atomic_output(pdf) as tmp:
        fig.savefig(tmp, bbox_inches="tight", format="pdf")
    plt.close(fig)
