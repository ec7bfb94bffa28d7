"""Figures of the window-free network estimators: learning by confusion, and the Binder
cumulant U_phi of the CNNs' learned order parameter."""

import numpy as np

from isingml.lattices import SQUARE
from isingml.plots.style import (
    PAGE,
    T_LABEL,
    UNIT,
    band,
    legend_outside,
    panels,
    reference_hline,
    reference_vline,
    size_colors,
)

U_PHI = r"$U_\phi = 1 - \langle\phi^4\rangle / 3\langle\phi^2\rangle^2$"


def confusion(accuracy, tc, fss, lattice=SQUARE):
    """Learning by confusion: held-out accuracy against the proposed boundary T' per size (the
    W's middle) with the peaks T'(L) dotted, and, right, T'(L) against 1/L with its fit and
    its L -> oo value."""
    acc, f = accuracy, fss
    fig, (ax, ext) = panels(2, width=PAGE, height=2.9)
    colors = size_colors(acc["L"])
    for L, color in colors.items():
        sel = acc["L"] == L
        T, a, e = acc["T_proposed"][sel], acc["accuracy"][sel], acc["accuracy_err"][sel]
        band(ax, T, a, e, color)
        ax.plot(T, a, color=color, marker=".", ms=3, lw=1, label=f"$L = {L}$")
        peak = tc["T_star"][tc["L"] == L]
        if peak.size and np.isfinite(peak[0]):
            ax.axvline(peak[0], color=color, lw=0.7, ls=":")
    ax.plot([], [], color="0.4", lw=0.7, ls=":", label="peak $T'(L)$ (same colour)")
    reference_vline(ax, lattice)
    ax.set(
        xlabel=f"proposed boundary $T'$ {UNIT}",
        ylabel="held-out accuracy",
        title="accuracy of the labels $T < T'$",
    )
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
        ext.errorbar(
            0,
            fit["T_c"],
            fit["T_c_err"],
            color="k",
            marker="s",
            ms=3,
            capsize=2,
            label=r"$T_c(\infty)$ of the fit ($\pm$ error)",
        )
    reference_hline(ext, lattice, label=False)
    ext.set(xlabel="inverse size $1/L$", ylabel=f"peak $T'(L)$ {UNIT}", title="peaks against $1/L$")
    legend_outside(fig, [ax, ext], where="bottom", ncols=4)
    return fig


def _u_phi_curves(ax, curves, colors):
    """The ensemble's U_phi(T) on L (solid) and on 2L decimated to L (dashed), with bands."""
    # a decimated curve is read against the native one at the same L: alone it says nothing,
    # and it only crowds the panel
    native = {int(L) for L, s in zip(curves["L"], curves["source"], strict=True) if s == "native"}
    for L in sorted(native):
        for source, ls in (("native", "-"), ("b2", "--")):
            sel = (curves["L"] == L) & (curves["source"] == source)
            if not sel.any():
                continue
            T, u, e = curves["T"][sel], curves["U"][sel], curves["U_err"][sel]
            band(ax, T, u, e, colors[L])
            label = f"$L = {L}$" if source == "native" else f"$L = {2 * L}$ decimated to {L}"
            ax.plot(T, u, color=colors[L], ls=ls, lw=1, label=label)


def _network_crossings(ax, nets, tc, colors):
    """Each network's crossing of each pair (filled: L with 2L decimated to L; hollow: native
    L with native L'), beside the ensemble's mean and error (band)."""
    pairs = sorted({(int(a), int(b)) for a, b in zip(tc["L"], tc["L2"], strict=True)})
    words = {"decimated": "$L$ with $2L$ decimated to $L$", "native": "native $L$ with $L'$"}
    for k, (La, Lb) in enumerate(pairs):
        for pairing, fill in (("decimated", None), ("native", "none")):
            sel = (nets["L"] == La) & (nets["L2"] == Lb) & (nets["pairing"] == pairing)
            sel &= np.isfinite(nets["T_star"])
            if not sel.any():
                continue
            y = k + np.linspace(-0.3, 0.3, max(2, sel.sum()))[: sel.sum()]
            ax.errorbar(
                nets["T_star"][sel],
                y,
                xerr=nets["T_star_err"][sel],
                fmt="o",
                ms=2.5,
                color=colors.get(La, "k"),
                mfc=fill,
                lw=0.6,
                label=f"one network, {words[pairing]}",
            )
        row = (tc["L"] == La) & (tc["L2"] == Lb)
        m, e = tc["T_star"][row][0], tc["T_star_err"][row][0]
        ax.axvspan(
            m - e,
            m + e,
            ymin=(k + 0.1) / len(pairs),
            ymax=(k + 0.9) / len(pairs),
            color=colors.get(La, "k"),
            alpha=0.2,
            label=r"ensemble mean $\pm$ its error",
        )
    ax.set_yticks(range(len(pairs)), [f"$L = {a}$, $L' = {b}$" for a, b in pairs])
    ax.set_ylim(-0.6, len(pairs) - 0.4)


def cnn_binder(curves, networks, tc, lattice=SQUARE):
    """U_phi, the Binder cumulant of the CNNs' learned order parameter. Left: the ensemble-mean
    reweighted U_phi(T) on configurations of size L (solid) and of size 2L decimated to L
    (dashed, same colour): where they cross, one decimation leaves U_phi unchanged. Right: each
    network's crossing (filled) beside the ensemble's mean and error (band), and, hollow, the
    plain crossings of native sizes where they fall inside the grid (the local background of
    phi shifts them, often out of it)."""
    fig, (left, right) = panels(2, width=PAGE, height=3.0)
    colors = size_colors(curves["L"])
    _u_phi_curves(left, curves, colors)
    reference_vline(left, lattice)
    left.set(xlabel=T_LABEL, ylabel=U_PHI, title="$U_\\phi$, mean over the networks")
    _network_crossings(right, networks, tc, colors)
    reference_vline(right, lattice, label=False)
    n = len(set(networks["network"].tolist()))
    right.set(
        xlabel=f"crossing temperature $T_x$ {UNIT}", title=f"crossing of each of the {n} networks"
    )
    legend_outside(fig, [left, right], where="bottom", ncols=3)
    return fig
