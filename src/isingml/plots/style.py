"""What every figure shares: sizes, colours, the Onsager line, legends outside the data, and
writing PNG and PDF."""

import matplotlib

matplotlib.use("Agg")  # files only, never a window: before pyplot is first imported

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from isingml.io import atomic  # noqa: E402
from isingml.physics import ONSAGER_TC  # noqa: E402

plt.rcParams.update(
    {
        "font.size": 9,
        "axes.labelsize": 9,
        "legend.fontsize": 7,
        "legend.frameon": False,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "mathtext.fontset": "dejavusans",
    }
)
TC_LABEL = f"Onsager $T_c = {ONSAGER_TC:.4f}$"
T_LABEL = "$T$  [$J/k_B$]"


def onsager_vline(ax, label=True):
    ax.axvline(ONSAGER_TC, color="k", ls="--", lw=0.8, label=TC_LABEL if label else None)


def onsager_hline(ax, label=True):
    ax.axhline(ONSAGER_TC, color="k", ls="--", lw=0.8, label=TC_LABEL if label else None)


def size_colors(sizes):
    """One colour per lattice size, the same in every panel (viridis, small to large)."""
    sizes = sorted({int(L) for L in sizes})
    cmap = plt.get_cmap("viridis")
    return {L: cmap(0.85 * i / max(1, len(sizes) - 1)) for i, L in enumerate(sizes)}


def windows_of(table):
    return sorted(set(table["window"].tolist()))


def legend_outside(fig, axes):
    """One legend for the figure, right of the panels, so that it covers no data."""
    handles, labels = {}, {}
    for ax in np.atleast_1d(axes).ravel():
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(lab, h)
    labels = list(handles)
    fig.legend([handles[k] for k in labels], labels, loc="outside right center")


def panels(n, width=3.6, height=3.2, **kw):
    fig, axes = plt.subplots(
        1, n, figsize=(width * n + 1.4, height), squeeze=False, layout="constrained", **kw
    )
    return fig, axes[0]


def save(fig, png_path):
    """Write the figure as PNG and as PDF beside it."""
    png_path = str(png_path)
    with atomic.atomic_output(png_path) as tmp:
        fig.savefig(tmp, dpi=150, format="png")
    pdf = png_path[: -len(".png")] + ".pdf"
    with atomic.atomic_output(pdf) as tmp:
        fig.savefig(tmp, format="pdf")
    plt.close(fig)
