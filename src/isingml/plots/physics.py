"""Figures of the physics: Binder cumulants, magnetization, configurations, and the
extrapolation of every method to L -> infinity."""

import matplotlib.pyplot as plt
import numpy as np

from isingml.physics import onsager_magnetization
from isingml.plots.style import (
    T_LABEL,
    legend_outside,
    onsager_hline,
    onsager_vline,
    panels,
    size_colors,
    windows_of,
)

U4_LABEL = r"$U_4 = 1 - \langle m^4\rangle / 3\langle m^2\rangle^2$"


def binder(observables, curves, tc):
    """U4 against T near T_c: measured points of each size (the Binder grid), the reweighted
    curves with their jackknife bands, and the crossings of successive sizes."""
    fig, (ax,) = panels(1, width=4.4, height=3.4)
    tables = sorted(observables, key=lambda t: t["L"][0])
    colors = size_colors([t["L"][0] for t in tables])
    for t in tables:
        L = int(t["L"][0])
        sel = curves["L"] == L
        T, u, e = curves["T"][sel], curves["U4"][sel], curves["U4_err"][sel]
        ax.fill_between(T, u - e, u + e, color=colors[L], alpha=0.25, lw=0)
        ax.plot(T, u, color=colors[L], lw=0.9)
        ax.errorbar(
            t["T"],
            t["U4"],
            t["U4_err"],
            color=colors[L],
            marker="o",
            ms=3,
            ls="",
            capsize=2,
            label=f"$L = {L}$",
        )
    for i in range(tc["L"].size):
        label = "crossings" if i == 0 else None
        ax.axvline(tc["T_star"][i], color="0.55", lw=0.7, ls=":", label=label)
    onsager_vline(ax)
    ax.set(xlabel=T_LABEL, ylabel=U4_LABEL)
    legend_outside(fig, ax)
    return fig


def magnetization(observables):
    """<|m|> against T per size (the networks' grid) with Onsager's spontaneous magnetization."""
    fig, (ax,) = panels(1, width=4.4, height=3.4)
    tables = sorted(observables, key=lambda t: t["L"][0])
    colors = size_colors([t["L"][0] for t in tables])
    for t in tables:
        L = int(t["L"][0])
        ax.errorbar(
            t["T"],
            t["abs_m"],
            t["abs_m_err"],
            color=colors[L],
            marker=".",
            ms=3,
            lw=0.8,
            capsize=1.5,
            label=f"$L = {L}$",
        )
    T = np.linspace(min(t["T"].min() for t in tables), max(t["T"].max() for t in tables), 400)
    ax.plot(T, onsager_magnetization(T), "k-", lw=1, label=r"Onsager, $L = \infty$")
    onsager_vline(ax)
    ax.set(xlabel=T_LABEL, ylabel=r"$\langle |m| \rangle$ per site")
    legend_outside(fig, ax)
    return fig


def lattices(shards):
    """Example configurations: one per shard given (e.g. below, near and above T_c)."""
    fig, axes = panels(len(shards), width=2.6, height=2.8)
    for ax, s in zip(axes, shards, strict=True):
        ax.imshow(s.spins[-1], cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
        ax.set(title=f"$L = {s.L}$, $T = {s.T:.3f}$", xticks=[], yticks=[])
    fig.suptitle("last stored configuration (white = +1)", fontsize=8)
    return fig


def _crossing_panel(ax, t, f):
    """Pair crossings T_x(L, L2) against L^-x, and the extrapolation (for an exponent known
    only within a range: against L^-x at the range's middle, with the curves of both ends)."""
    x = f["crossing_exponent"] or float(np.mean(f["exponent_range"]))
    for w in windows_of(t):
        sel = t["window"] == w
        X = t["L"][sel] ** -x
        label = "crossings of $L$ and $L_2$" if w == "-" else w
        h = ax.errorbar(
            X,
            t["T_star"][sel],
            t["T_star_err"][sel],
            marker="o",
            ms=3,
            ls="",
            capsize=2,
            label=label,
        )
        fit = f.get("per_window", {}).get(w, f)
        xx = np.linspace(0, X.max() * 1.05, 50) if X.size else None
        for end in fit.get("ends") or []:
            ax.plot(
                xx,
                end["T_c"] + end["b"] * xx ** (end["x"] / x),
                color=h[0].get_color(),
                lw=0.8,
                ls="--" if end is fit["ends"][0] else "-",
                label=f"$T_c + b L^{{-{end['x']:g}}}$",
            )
        if fit.get("b") is not None and X.size:
            ax.plot(
                xx,
                fit["T_c"] + fit["b"] * xx,
                color=h[0].get_color(),
                lw=0.8,
                label=f"$T_c + b L^{{-{x:g}}}$",
            )
    ax.set_xlabel(f"$L^{{-{x:g}}}$ (smaller size $L$ of the pair)")


def _half_panel(ax, t, f):
    """T*(L) per window against 1/L with the fixed-nu fits."""
    for w in windows_of(t):
        sel = t["window"] == w
        X = t["L"][sel] ** -1.0
        h = ax.errorbar(
            X, t["T_star"][sel], t["T_star_err"][sel], marker="o", ms=3, ls="", capsize=2, label=w
        )
        fit = f.get("per_window", {}).get(w, {}).get("fixed", {})
        if fit.get("ok") and "a" in fit:
            xx = np.linspace(0, X.max() * 1.05, 50)
            ax.plot(xx, fit["T_c"] + fit["a"] * xx, color=h[0].get_color(), lw=0.8)
    ax.set_xlabel(r"$1/L$")


def tc_extrapolation(tc, fss):
    """One panel per method: pair crossings against L^-x (the T_c estimators) or T*(L) per
    window against 1/L (window-trained), with the fits, T_c(infinity) and Onsager's T_c."""
    n = len(tc)
    cols = min(n, 4)  # a grid, four panels a row: eight in a row are unreadable on a page
    rows = -(-n // cols)
    fig, grid = plt.subplots(
        rows, cols, figsize=(3.0 * cols + 0.4, 3.0 * rows), squeeze=False, layout="constrained"
    )
    axes = grid.ravel()
    for ax in axes[n:]:
        ax.set_visible(False)
    for ax, t, f in zip(axes[:n], tc, fss, strict=True):
        if f.get("kind") == "crossing":
            _crossing_panel(ax, t, f)
        else:
            _half_panel(ax, t, f)
        onsager_hline(ax)
        if f.get("ok"):
            star = r"$T_c(\infty)$" if f.get("kind") == "crossing" else r"$T^*(\infty)$"
            ax.errorbar(
                [0], [f["T_c"]], [f["T_c_err"]], color="r", marker="*", ms=8, capsize=3, label=star
            )
        ax.set(title=f["method"])
        ax.legend(fontsize=6, loc="best")
    for row in grid:
        row[0].set_ylabel("$T^*$  [$J/k_B$]")
    return fig
