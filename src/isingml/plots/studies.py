"""Figures of the symmetry and renormalisation studies: data efficiency, pooling as
renormalisation, PCA, and what the filters see."""

import matplotlib.pyplot as plt
import numpy as np

from isingml.lattices import SQUARE
from isingml.plots.style import (
    PAGE,
    T_LABEL,
    UNIT,
    band,
    legend_outside,
    network_words,
    panels,
    reference_vline,
    size_colors,
)


def data_efficiency(t):
    """Held-out accuracy (error: over training seeds) and the scatter of T* over seeds (a
    spread, not an error) against the training-set size, per model (parameters in the
    legend)."""
    fig, (acc, spread) = panels(2, width=PAGE, height=2.8)
    for i, model in enumerate(dict.fromkeys(t["model"].tolist())):
        sel = t["model"] == model
        n = t["per_temperature"][sel]
        label = f"{network_words(model)} ({int(t['n_params'][sel][0])} parameters)"
        acc.errorbar(
            n,
            t["accuracy_test"][sel],
            t["accuracy_test_err"][sel],
            marker="o",
            ms=3,
            capsize=2,
            color=f"C{i}",
            label=label,
        )
        spread.plot(n, t["T_star_scatter"][sel], marker="o", ms=3, color=f"C{i}")
    sizes = sorted({int(n) for n in t["per_temperature"]})
    for ax in (acc, spread):
        ax.set_xscale("log")
        ax.set_xticks(sizes, [str(n) for n in sizes])  # the sizes trained, not 3x10^1 ...
        ax.minorticks_off()
        ax.set_xlabel("training configurations per temperature")
    acc.set(ylabel="held-out accuracy", title="accuracy on held-out configurations")
    spread.set(
        ylabel=f"scatter of $T^*$ over seeds {UNIT}", title="spread of $T^*$ over training seeds"
    )
    legend_outside(fig, acc, where="bottom", ncols=2)
    return fig


def rg(curves, tc, lattice=SQUARE):
    """<p>(T) of the networks on configurations of size L (solid), and on configurations of 2L
    and 4L block-decimated to L (dashed, dotted), with jackknife bands; the dash-dotted line
    marks the fixed point where native and once-decimated agree."""
    c = curves
    # a panel is read against its native curve: sizes seen only decimated have none
    sizes = sorted({int(L) for L, s in zip(c["L"], c["source"], strict=True) if s == "native"})
    fig, axes = panels(len(sizes), width=PAGE, height=2.8, sharey=True)
    colors = size_colors(c["L_source"])
    for ax, L in zip(axes, sizes, strict=True):
        for source, ls in (("native", "-"), ("b2", "--"), ("b4", ":")):
            sel = (c["L"] == L) & (c["source"] == source)
            if not sel.any():
                continue
            Ls = int(c["L_source"][sel][0])
            T, p, e = c["T"][sel], c["p"][sel], c["p_err"][sel]
            band(ax, T, p, e, colors[Ls])
            label = f"$L = {L}$" if source == "native" else f"$L = {Ls}$ decimated to {L}"
            ax.plot(T, p, ls=ls, color=colors[Ls], lw=1, label=label)
        row = tc["L"] == L
        if row.any() and np.isfinite(tc["T_star"][row][0]):
            ax.axvline(
                tc["T_star"][row][0],
                color="0.5",
                lw=0.7,
                ls="-.",
                label="fixed point: $L$ and $2L$ decimated agree",
            )
        reference_vline(ax, lattice)
        ax.set(title=f"networks viewing lattices of size $L = {L}$", xlabel=T_LABEL)
    axes[0].set_ylabel(r"$\langle p \rangle$, mean network output")
    legend_outside(fig, axes, where="bottom", ncols=3)
    return fig


def pca(components, variance, curves, lattice=SQUARE):
    """The first principal component's weights (largest Binder size) as their deviation from
    uniform, the fraction of the variance along it against T (networks' grid at the size it
    was fitted), and the Binder cumulant of the projection, with jackknife bands."""
    comp, var, cur = components, variance, curves
    fig, (left, mid, right) = panels(3, width=PAGE, height=2.6)
    largest = max((k for k in comp if k.startswith("L")), key=lambda k: int(k[1:]))
    w = comp[largest] * np.sign(comp[largest].sum())  # a component's sign is arbitrary
    dev = 100 * (w / w.mean() - 1)  # uniform weights are the magnetization: show the rest
    m = max(float(np.abs(dev).max()), 1e-9)
    im = left.imshow(dev, cmap="RdBu_r", vmin=-m, vmax=m)
    left.set(title=f"PC1 weights, $L = {largest[1:]}$", xticks=[], yticks=[])
    fig.colorbar(im, ax=left, shrink=0.8, label=r"$w_i / \bar w - 1$ (%)")
    wide = [k for k in comp if k.startswith("wide_L")]
    on = f" at $L = {wide[0][len('wide_L') :]}$" if wide else ""
    mid.plot(var["T"], var["fraction"], "ko-", ms=3, lw=0.8)
    reference_vline(mid, lattice)
    mid.set(
        xlabel=T_LABEL,
        ylabel="variance fraction along PC1",
        yscale="log",
        title=f"variance along PC1{on}",
    )
    colors = size_colors(cur["L"])
    for L, color in colors.items():
        sel = cur["L"] == L
        band(right, cur["T"][sel], cur["U"][sel], cur["U_err"][sel], color, 0.3)
        right.plot(cur["T"][sel], cur["U"][sel], color=color, lw=1, label=f"$L = {L}$")
    reference_vline(right, lattice, label=False)
    right.set(
        xlabel=T_LABEL,
        ylabel=r"$U$ of the PC1 projection",
        title="cumulant of the projection",
    )
    legend_outside(fig, [mid, right], where="bottom", ncols=4)
    return fig


def filters(inspected):
    """Per network (rows): the first-layer filters, then for each configuration (below, near,
    above T_c) the configuration, the channel-mean |activation| and the saliency map."""
    data = inspected
    n_cfg = max(d["configurations"].shape[0] for d in data)
    n_filt = max(d["filters"].shape[0] for d in data)
    cols = n_filt + 3 * n_cfg
    fig, axes = plt.subplots(
        len(data),
        cols,
        figsize=(PAGE, PAGE / cols * 1.3 * len(data) + 0.4),
        squeeze=False,
        layout="constrained",
    )
    for row, d in zip(axes, data, strict=True):
        for ax in row:
            ax.axis("off")
        f = d["filters"]
        for i in range(f.shape[0]):
            m = np.abs(f[i]).max() or 1
            row[i].imshow(f[i], cmap="RdBu_r", vmin=-m, vmax=m)
            row[i].set_title(f"{network_words(d['model']).split(',')[0]} filter {i}", fontsize=5)
        for j in range(d["configurations"].shape[0]):
            base = n_filt + 3 * j
            T = float(d["T"][j])
            row[base].imshow(d["configurations"][j], cmap="gray", vmin=-1, vmax=1)
            row[base].set_title(f"spins, $T = {T:g}$", fontsize=5)
            row[base + 1].imshow(np.abs(d["activations"][j]).mean(axis=-1), cmap="viridis")
            row[base + 1].set_title("|activation|", fontsize=5)
            s = d["saliency"][j]
            m = np.abs(s).max() or 1
            row[base + 2].imshow(s, cmap="RdBu_r", vmin=-m, vmax=m)
            row[base + 2].set_title("saliency", fontsize=5)
    return fig
