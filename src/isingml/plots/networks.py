"""Figures of the window-trained networks: p(ordered) per window, held-out accuracy, and the
|m| shortcut."""

import numpy as np

from isingml.lattices import SQUARE
from isingml.plots.style import (
    PAGE,
    T_LABEL,
    band,
    legend_outside,
    method_title,
    panels,
    reference_vline,
    size_colors,
    window_words,
    windows_of,
)
from isingml.windows import parse_window_name

P_LABEL = "$p$(ordered), mean network output"


def p_ordered(curves, lattice=SQUARE):
    """p(ordered) against T per L, one panel per training window, with its untrained gap."""
    c = curves
    windows = windows_of(c)
    fig, axes = panels(len(windows), width=PAGE, height=3.0, sharey=True)
    colors = size_colors(c["L"])
    for ax, w in zip(axes, windows, strict=True):
        for L, color in colors.items():
            sel = (c["window"] == w) & (c["L"] == L)
            ax.errorbar(
                c["T"][sel],
                c["p"][sel],
                c["p_err"][sel],
                color=color,
                marker=".",
                ms=3,
                lw=1,
                capsize=1.5,
                label=f"$L = {L}$",
            )
        window = parse_window_name(w)
        if window is not None:
            ax.axvspan(*window, color="0.9", zorder=0, label="not trained on")
        ax.axhline(0.5, color="0.5", lw=0.6, label="$p = 1/2$: $T^*(L)$")
        reference_vline(ax, lattice)
        title = method_title(c["method"][0], 95 // len(windows))
        ax.set(title=f"{title}\n{window_words(w)}", xlabel=T_LABEL)
    axes[0].set_ylabel(P_LABEL)
    legend_outside(fig, axes, where="bottom", ncols=4)
    return fig


def accuracy(curves, lattice=SQUARE):
    """Held-out accuracy against T (label: T < T_c) at the largest L, one panel per model,
    a colour per window, with a band of one standard error over the training seeds where the
    table has it."""
    tables = curves
    fig, axes = panels(len(tables), width=PAGE, height=2.8, sharey=True)
    windows = sorted({w for c in tables for w in windows_of(c)})
    for ax, c in zip(axes, tables, strict=True):
        L = int(c["L"].max())
        for w in windows_of(c):
            sel = (c["window"] == w) & (c["L"] == L)
            color = f"C{windows.index(w)}"
            T, a = c["T"][sel], c["accuracy_held_out"][sel]
            if "accuracy_held_out_err" in c:
                band(ax, T, a, np.nan_to_num(c["accuracy_held_out_err"][sel]), color, 0.3)
            ax.plot(T, a, color=color, marker=".", ms=3, lw=1, label=window_words(w))
        reference_vline(ax, lattice)
        ax.set(
            xlabel=T_LABEL, ylim=(0, 1.02), title=f"{method_title(c['method'][0], 28)}, $L = {L}$"
        )
    axes[0].set_ylabel("held-out accuracy (label: $T < T_c$)")
    legend_outside(fig, axes, where="bottom", ncols=3)
    return fig


def shortcut(predictions, table, curves):
    """p(ordered) against |m| per configuration, coloured by T, one panel per network (one
    seed and window at the largest L), with the fitted threshold sigmoid(a (|m| - m0)).
    ``predictions``: (columns, attributes) per network; ``table``: shortcut.csv; ``curves``:
    each network's ``analysis.curves.ThresholdCurve``."""
    fig, axes = panels(len(predictions), width=PAGE, height=2.9, sharey=True)
    for ax, (cols, attrs), curve in zip(axes, predictions, curves, strict=True):
        sc = ax.scatter(
            cols["abs_m"], cols["p_ordered"], c=cols["T"], s=2, cmap="coolwarm", rasterized=True
        )
        ax.plot(curve.abs_m, curve.p, "k-", lw=0.8, label=r"fit $p = 1/(1 + e^{-a(|m| - m_0)})$")
        ax.axvline(curve.m0, color="k", lw=0.6, ls=":", label="threshold $m_0$")
        sel = table["model"] == attrs["model"]
        mean_r2 = float(np.nanmean(table["R2"][sel])) if sel.any() else np.nan
        title = f"{method_title(attrs['model'], 28)}, $L = {int(attrs['L'])}$"
        ax.set(title=title, xlabel=r"$|m|$, magnetization per site")
        # top left stays empty: a threshold on |m| never calls a small |m| ordered
        fit = f"$R^2 = {curve.r2:.3f}$\n(all: {mean_r2:.3f})\n$m_0 = {curve.m0:.3f}$"
        ax.text(0.03, 0.97, fit, transform=ax.transAxes, va="top", fontsize=7)
    axes[0].set_ylabel("$p$(ordered), network output")
    fig.colorbar(sc, ax=axes, label=T_LABEL, shrink=0.9)
    legend_outside(fig, axes, where="bottom", ncols=2)
    return fig
