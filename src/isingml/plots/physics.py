"""Figures of the physics: the Binder cumulant, the magnetization and example configurations."""

import numpy as np

from isingml.lattices import SQUARE
from isingml.plots.style import (
    COLUMN,
    PAGE,
    T_LABEL,
    band,
    legend_outside,
    panels,
    reference_vline,
    size_colors,
)

U4_LABEL = r"$U_4 = 1 - \langle m^4\rangle / 3\langle m^2\rangle^2$"


def binder(observables, curves, tc, lattice=SQUARE):
    """U4 against T near T_c: measured points of each size (the Binder grid), the reweighted
    curves with their jackknife bands, and the crossings of the pairs of sizes."""
    fig, (ax,) = panels(1, width=COLUMN, height=3.3)
    tables = sorted(observables, key=lambda t: t["L"][0])
    colors = size_colors([t["L"][0] for t in tables])
    for t in tables:
        L = int(t["L"][0])
        sel = curves["L"] == L
        T, u, e = curves["T"][sel], curves["U4"][sel], curves["U4_err"][sel]
        band(ax, T, u, e, colors[L])
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
        label = "crossing $T_x$ of a pair of sizes" if i == 0 else None
        ax.axvline(tc["T_star"][i], color="0.55", lw=0.7, ls=":", label=label)
    reference_vline(ax, lattice)
    ax.set(xlabel=T_LABEL, ylabel=U4_LABEL, title="Binder cumulant of the magnetization")
    legend_outside(fig, ax, where="bottom", ncols=2)
    return fig


def magnetization(observables, lattice=SQUARE):
    """<|m|> against T per size (the networks' grid) with the lattice's exact spontaneous
    magnetization where one is known (Onsager's and Yang's on the square lattice)."""
    fig, (ax,) = panels(1, width=COLUMN, height=3.3)
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
    m = lattice.exact.magnetization
    if m is not None:
        ax.plot(T, m(T), "k-", lw=1, label=f"exact, $L = \\infty$ ({lattice.describe()})")
    reference_vline(ax, lattice)
    ax.set(
        xlabel=T_LABEL,
        ylabel=r"$\langle |m| \rangle$, mean $|m|$ per site",
        title="magnetization against temperature",
    )
    legend_outside(fig, ax, where="bottom", ncols=2)
    return fig


NEAR = 0.044  # "near T_c": within 4.4 % of it (0.1 on the square lattice)


def _phase_words(T, T_c):
    """Where T lies from the exact T_c; "" where none is known."""
    if T_c is None:
        return ""
    if T < T_c * (1 - NEAR):
        return "below $T_c$: "
    return "above $T_c$: " if T > T_c * (1 + NEAR) else "near $T_c$: "


def lattices(shards, lattice=SQUARE):
    """Example configurations: one per shard given (e.g. below, near and above T_c); of a cube,
    its first layer (z = 0)."""
    fig, axes = panels(len(shards), width=PAGE, height=2.7)
    for ax, s in zip(axes, shards, strict=True):
        image = s.spins[-1] if s.spins.ndim == 3 else s.spins[-1][0]
        ax.imshow(image, cmap="gray", vmin=-1, vmax=1, interpolation="nearest")
        title = f"{_phase_words(s.T, lattice.exact.T_c)}$T = {s.T:g}$"
        ax.set(title=title, xticks=[], yticks=[])
    L = int(shards[0].L)
    layer = ", its layer $z = 0$" if shards[0].spins.ndim == 4 else ""
    fig.suptitle(f"last stored configuration, $L = {L}${layer} (white: spin $s = +1$)", fontsize=8)
    return fig
