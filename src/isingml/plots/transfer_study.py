"""The transfer study's figure: the same networks, trained on one lattice, on both lattices."""

import matplotlib.pyplot as plt
import numpy as np

from isingml.plots.style import PAGE, T_LABEL, band, legend_outside, size_colors, window_words
from isingml.windows import parse_window_name


def _words(lattice):
    """A lattice's description with its couplings' symbols as math (no bare J_x on a figure)."""
    return lattice.replace("J_x", "$J_x$").replace("J_y", "$J_y$")


def _lattices(curves, windows):
    """The lattices in the order training lattice, other lattice (from the windows table)."""
    trained = str(windows["trained_on"][0])
    others = [str(x) for x in dict.fromkeys(curves["lattice"].tolist()) if str(x) != trained]
    return [trained, *others]


def _exact_lines(ax, windows, lattice, window):
    """Dashed: the lattice's exact T_c; dotted: its T(m0), where its exact magnetization equals
    the networks' threshold m0 (the largest size's), both read from the windows table."""
    sel = (windows["lattice"] == lattice) & (windows["window"] == window)
    if not sel.any():
        return
    largest = np.argmax(np.where(sel, windows["L"], -1))
    T_c, t_m0 = windows["T_c"][largest], windows["T_of_m0"][largest]
    if np.isfinite(T_c):
        ax.axvline(T_c, color="k", ls="--", lw=0.8, label="exact $T_c$ of the lattice")
    if np.isfinite(t_m0):
        ax.axvline(t_m0, color="0.4", ls=":", lw=1.0,
                   label="$T(m_0)$: the lattice's exact $m(T) = m_0$")  # fmt: skip


def transfer(curves, windows):
    """Top: p(ordered) against T, bottom: U_phi(T), of the networks of the first training
    window, on their training lattice (left) and on the other (right), a colour per size, with
    error bars (p: bootstrap; U_phi: the seeds' standard error)."""
    window = sorted(set(windows["window"].tolist()))[0]
    names = _lattices(curves, windows)
    fig, axes = plt.subplots(2, len(names), figsize=(PAGE, 4.6), squeeze=False, sharey="row",
                             layout="constrained")  # fmt: skip
    colors = size_colors(curves["L"])
    for col, lattice in enumerate(names):
        for L, color in colors.items():
            sel = (curves["lattice"] == lattice) & (curves["window"] == window)
            sel &= curves["L"] == L
            if not sel.any():
                continue
            T = curves["T"][sel]
            axes[0, col].errorbar(T, curves["p"][sel], curves["p_err"][sel], color=color, ms=3,
                                  marker=".", lw=1, capsize=1.5, label=f"$L = {L}$")  # fmt: skip
            axes[1, col].plot(T, curves["U"][sel], color=color, marker=".", ms=3, lw=1)
            band(axes[1, col], T, curves["U"][sel], np.nan_to_num(curves["U_err"][sel]), color)
        trained = "trained on" if col == 0 else "evaluated on"
        name = _words(lattice)
        axes[0, col].set_title(f"{trained} the {name} lattice")
        axes[1, col].set_title(f"{trained} the {name} lattice")
        for ax in axes[:, col]:
            _exact_lines(ax, windows, lattice, window)
            ax.set_xlabel(T_LABEL)
        if col == 0 and parse_window_name(window) is not None:
            axes[0, 0].axvspan(*parse_window_name(window), color="0.9", zorder=0,
                               label="not trained on")  # fmt: skip
        axes[0, col].axhline(0.5, color="0.5", lw=0.6, label="$p = 1/2$: $T^*(L)$")
    axes[0, 0].set_ylabel("$p$(ordered), mean network output")
    axes[1, 0].set_ylabel(r"$U_\phi$ of the learned $\phi$")
    fig.suptitle(f"CNNs of one training lattice, {window_words(window)}")
    legend_outside(fig, axes, where="right")
    return fig
