"""Figures of the networks: p(ordered) per window, held-out accuracy, the |m| shortcut, the
confusion W curves, and the Binder cumulant of the learned order parameter."""

import matplotlib.pyplot as plt
import numpy as np

from isingml.plots.style import (
    T_LABEL,
    legend_outside,
    onsager_hline,
    onsager_vline,
    panels,
    size_colors,
    windows_of,
)
from isingml.windows import parse_window_name


def p_ordered(curves):
    """p(ordered) against T per L, one panel per training window, with its untrained gap."""
    c = curves
    windows = windows_of(c)
    fig, axes = panels(len(windows), sharey=True)
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
                label=f"$L = {L}$",
            )
        window = parse_window_name(w)
        if window is not None:
            ax.axvspan(*window, color="0.9", zorder=0, label="not trained on")
        ax.axhline(0.5, color="0.5", lw=0.6)
        onsager_vline(ax)
        ax.set(title=f"{c['method'][0]}, window {w}", xlabel=T_LABEL)
    axes[0].set_ylabel("$p$(ordered)")
    legend_outside(fig, axes)
    return fig


def accuracy(curves):
    """Accuracy against T on configurations no network was trained on (label: T < T_c), for
    the largest L, per model (line style) and window (colour)."""
    fig, (ax,) = panels(1, width=4.6, height=3.4)
    tables = curves
    windows = sorted({w for c in tables for w in windows_of(c)})
    colors = dict(zip(windows, plt.get_cmap("tab10")(np.arange(len(windows)) % 10), strict=True))
    styles = ["-", "--", ":", "-."]
    for i, c in enumerate(tables):
        L = int(c["L"].max())
        for w in windows_of(c):
            sel = (c["window"] == w) & (c["L"] == L)
            ax.plot(
                c["T"][sel],
                c["accuracy_held_out"][sel],
                ls=styles[i % 4],
                color=colors[w],
                marker=".",
                ms=3,
                label=f"{c['method'][0]} {w}, $L = {L}$",
            )
    onsager_vline(ax)
    ax.set(xlabel=T_LABEL, ylabel="accuracy, held-out configurations", ylim=(0, 1.02))
    legend_outside(fig, ax)
    return fig


def shortcut(predictions, table, curves):
    """p(ordered) against |m| per configuration, coloured by T, one panel per network (one
    seed and window at the largest L), with the fitted threshold sigmoid(a (|m| - m0)).
    ``predictions``: (columns, attributes) per network; ``table``: shortcut.csv; ``curves``:
    each network's ``analysis.curves.ThresholdCurve``."""
    fig, axes = panels(len(predictions), width=3.2, height=3.0, sharey=True)
    for ax, (cols, attrs), curve in zip(axes, predictions, curves, strict=True):
        sc = ax.scatter(
            cols["abs_m"], cols["p_ordered"], c=cols["T"], s=3, cmap="coolwarm", rasterized=True
        )
        r2, m0 = curve.r2, curve.m0
        ax.plot(curve.abs_m, curve.p, "k-", lw=0.8)
        ax.axvline(m0, color="k", lw=0.6, ls=":")
        sel = table["model"] == attrs["model"]
        mean_r2 = float(np.nanmean(table["R2"][sel])) if sel.any() else np.nan
        ax.set(title=f"{attrs['model']}, $L = {int(attrs['L'])}$", xlabel=r"$|m|$")
        ax.text(
            0.03,
            0.97,
            f"$R^2 = {r2:.3f}$ (all: {mean_r2:.3f})\n$m_0 = {m0:.3f}$",
            transform=ax.transAxes,
            va="top",
            fontsize=7,
        )
    axes[0].set_ylabel("$p$(ordered)")
    fig.colorbar(sc, ax=axes, label=T_LABEL, shrink=0.9)
    return fig


def confusion(accuracy, tc, fss):
    """Learning by confusion: held-out accuracy against the proposed boundary T' per size (the
    W's middle) with the peaks T'(L) dotted, and, right, T'(L) against 1/L with its fit and
    its L -> oo value."""
    acc, f = accuracy, fss
    fig, (ax, ext) = panels(2, width=3.8, height=3.3)
    colors = size_colors(acc["L"])
    for L, color in colors.items():
        sel = acc["L"] == L
        T, a, e = acc["T_proposed"][sel], acc["accuracy"][sel], acc["accuracy_err"][sel]
        ax.fill_between(T, a - e, a + e, color=color, alpha=0.25, lw=0)
        ax.plot(T, a, color=color, marker=".", ms=3, lw=1, label=f"$L = {L}$")
        peak = tc["T_star"][tc["L"] == L]
        if peak.size and np.isfinite(peak[0]):
            ax.axvline(peak[0], color=color, lw=0.7, ls=":")
    onsager_vline(ax)
    ax.set(xlabel="proposed boundary $T'$  [$J/k_B$]", ylabel="held-out accuracy")
    for i, L in enumerate(tc["L"].astype(int)):
        ext.errorbar(
            1 / L,
            tc["T_star"][i],
            tc["T_star_err"][i],
            color=colors[L],
            marker="o",
            ms=3,
            capsize=2,
        )
    fit = f.get("per_window", {}).get("-", {}).get("fixed", {})
    if fit.get("ok"):
        xx = np.linspace(0, 1 / tc["L"].min(), 20)
        ext.plot(xx, fit["T_c"] + fit["a"] * xx, "k-", lw=0.7, label="fit $T_c + a/L$")
        ext.errorbar(0, fit["T_c"], fit["T_c_err"], color="k", marker="s", ms=3, capsize=2)
    onsager_hline(ext, label=False)
    ext.set(xlabel="$1/L$", ylabel="$T'_{peak}(L)$  [$J/k_B$]", title="peaks against $1/L$")
    legend_outside(fig, [ax, ext])
    return fig


def cnn_binder(curves, networks, tc):
    """U_phi, the Binder cumulant of the CNNs' learned order parameter. Left: the ensemble-mean
    reweighted U_phi(T) on configurations of size L (solid) and of size 2L decimated to L
    (dashed, same colour): where they cross, one decimation leaves U_phi unchanged. Right: each
    network's crossing (filled) beside the ensemble's mean and error (band), and, hollow, the
    plain crossings of native sizes where they fall inside the grid (the local background of
    phi shifts them, often out of it)."""
    nets = networks
    fig, (left, right) = panels(2, width=3.8, height=3.3)
    colors = size_colors(curves["L"])
    native = {int(L) for L, s in zip(curves["L"], curves["source"], strict=True) if s == "native"}
    for L, color in colors.items():
        for source, ls in (("native", "-"), ("b2", "--")):
            sel = (curves["L"] == L) & (curves["source"] == source)
            # a decimated curve is read against the native one at the same L: alone it says
            # nothing, and it only crowds the panel
            if not sel.any() or L not in native:
                continue
            T, u, e = curves["T"][sel], curves["U"][sel], curves["U_err"][sel]
            left.fill_between(T, u - e, u + e, color=color, alpha=0.25, lw=0)
            label = f"$L = {L}$" if source == "native" else f"$L = {2 * L}$ decimated to {L}"
            left.plot(T, u, color=color, ls=ls, lw=1, label=label)
    onsager_vline(left)
    left.set(
        xlabel=T_LABEL, ylabel=r"$U_\phi = 1 - \langle\phi^4\rangle / 3\langle\phi^2\rangle^2$"
    )
    pairs = sorted({(int(a), int(b)) for a, b in zip(tc["L"], tc["L2"], strict=True)})
    for k, (La, Lb) in enumerate(pairs):
        for pairing, fill in (("decimated", None), ("native", "none")):
            sel = (nets["L"] == La) & (nets["L2"] == Lb) & (nets["pairing"] == pairing)
            sel &= np.isfinite(nets["T_star"])
            if not sel.any():
                continue
            y = k + np.linspace(-0.3, 0.3, max(2, sel.sum()))[: sel.sum()]
            right.errorbar(
                nets["T_star"][sel],
                y,
                xerr=nets["T_star_err"][sel],
                fmt="o",
                ms=2.5,
                color=colors.get(La, "k"),
                mfc=fill,
                lw=0.6,
                label=f"{pairing} pairing" if k == 0 else None,
            )
        row = (tc["L"] == La) & (tc["L2"] == Lb)
        m, e = tc["T_star"][row][0], tc["T_star_err"][row][0]
        right.axvspan(
            m - e,
            m + e,
            ymin=(k + 0.1) / len(pairs),
            ymax=(k + 0.9) / len(pairs),
            color=colors.get(La, "k"),
            alpha=0.2,
        )
    onsager_vline(right, label=False)
    right.set_yticks(range(len(pairs)), [f"$L = {a}$ vs ${b}$" for a, b in pairs])
    n = len(set(nets["network"].tolist()))
    right.set(
        xlabel=r"crossing $T_x$  [$J/k_B$]",
        ylim=(-0.6, len(pairs) - 0.4),
        title=f"{n} networks; band: ensemble $\\pm\\sigma$",
    )
    legend_outside(fig, [left, right])
    return fig
