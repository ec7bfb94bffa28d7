"""Figures of the symmetry and renormalisation studies: data efficiency, pooling as
renormalisation, PCA, and what the filters see."""

import matplotlib.pyplot as plt
import numpy as np

from isingml.plots.style import T_LABEL, legend_outside, onsager_vline, panels, size_colors


def data_efficiency(t):
    """Held-out accuracy and the scatter of T* over seeds against the training-set size, per
    model (parameter counts in the legend)."""
    fig, (acc, spread) = panels(2, width=3.4, height=3.0)
    for i, model in enumerate(dict.fromkeys(t["model"].tolist())):
        sel = t["model"] == model
        n, label = t["per_temperature"][sel], f"{model} ({int(t['n_params'][sel][0])} par.)"
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
    acc.set_ylabel("held-out accuracy")
    spread.set_ylabel("scatter of $T^*$ over seeds  [$J/k_B$]")
    legend_outside(fig, acc)
    return fig


def rg(curves, tc):
    """<p>(T) of the networks on configurations of size L (solid), and on configurations of 2L
    and 4L block-decimated to L (dashed, dotted); the dots mark the fixed points where native
    and once-decimated agree."""
    c = curves
    # a panel is read against its native curve: sizes seen only decimated have none
    sizes = sorted({int(L) for L, s in zip(c["L"], c["source"], strict=True) if s == "native"})
    fig, axes = panels(len(sizes), width=3.2, height=3.0, sharey=True)
    colors = size_colors(c["L_source"])
    for ax, L in zip(axes, sizes, strict=True):
        for source, ls in (("native", "-"), ("b2", "--"), ("b4", ":")):
            sel = (c["L"] == L) & (c["source"] == source)
            if not sel.any():
                continue
            Ls = int(c["L_source"][sel][0])
            T, p, e = c["T"][sel], c["p"][sel], c["p_err"][sel]
            ax.fill_between(T, p - e, p + e, color=colors[Ls], alpha=0.25, lw=0)
            label = f"$L = {L}$" if source == "native" else f"from $L = {Ls}$"
            ax.plot(T, p, ls=ls, color=colors[Ls], lw=1, label=label)
        row = tc["L"] == L
        if row.any() and np.isfinite(tc["T_star"][row][0]):
            ax.axvline(tc["T_star"][row][0], color="0.5", lw=0.7, ls="-.", label="fixed point")
        onsager_vline(ax)
        ax.set(title=f"viewed at $L = {L}$", xlabel=T_LABEL)
        ax.legend(fontsize=6, loc="upper right")
    axes[0].set_ylabel(r"$\langle p \rangle$(ordered)")
    return fig


def pca(components, variance, curves):
    """The first principal component's weights (largest Binder size), the fraction of the
    variance along it against T (networks' grid), and the Binder cumulant of the projection."""
    comp, var, cur = components, variance, curves
    fig, (left, mid, right) = panels(3, width=3.0, height=2.9)
    largest = max((k for k in comp if k.startswith("L")), key=lambda k: int(k[1:]))
    w = comp[largest]
    im = left.imshow(w, cmap="RdBu_r", vmin=-np.abs(w).max(), vmax=np.abs(w).max())
    left.set(title=f"PC1 weights, $L = {largest[1:]}$", xticks=[], yticks=[])
    fig.colorbar(im, ax=left, shrink=0.8)
    mid.plot(var["T"], var["fraction"], "ko-", ms=3, lw=0.8)
    onsager_vline(mid)
    mid.set(xlabel=T_LABEL, ylabel="variance fraction along PC1", yscale="log")
    colors = size_colors(cur["L"])
    for L, color in colors.items():
        sel = cur["L"] == L
        T, u, e = cur["T"][sel], cur["U"][sel], cur["U_err"][sel]
        right.fill_between(T, u - e, u + e, color=color, alpha=0.3, lw=0)
        right.plot(T, u, color=color, lw=1, label=f"$L = {L}$")
    onsager_vline(right, label=False)
    right.set(xlabel=T_LABEL, ylabel=r"$U$ of the PC1 projection")
    legend_outside(fig, [mid, right])
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
        figsize=(0.95 * cols, 1.25 * len(data) + 0.4),
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
            row[i].set_title(f"{d['model']} filter {i}", fontsize=6)
        for j in range(d["configurations"].shape[0]):
            base = n_filt + 3 * j
            T = float(d["T"][j])
            row[base].imshow(d["configurations"][j], cmap="gray", vmin=-1, vmax=1)
            row[base].set_title(f"$T = {T:.2f}$", fontsize=6)
            row[base + 1].imshow(np.abs(d["activations"][j]).mean(axis=-1), cmap="viridis")
            row[base + 1].set_title("|activation|", fontsize=6)
            s = d["saliency"][j]
            m = np.abs(s).max() or 1
            row[base + 2].imshow(s, cmap="RdBu_r", vmin=-m, vmax=m)
            row[base + 2].set_title("saliency", fontsize=6)
    return fig
