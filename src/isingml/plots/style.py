"""What every figure shares: journal widths and fonts, sizes coloured alike, the lattice's exact
T_c as a dashed line (labelled with the lattice and its source; none where none is known),
legends off the data, titles in words, and writing PNG (300 dpi) and PDF (TrueType fonts)."""

import logging
import textwrap

import matplotlib

matplotlib.use("Agg")  # files only, never a window: before pyplot is first imported

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from isingml import methods  # noqa: E402
from isingml.io import atomic  # noqa: E402
from isingml.lattices import reference_of  # noqa: E402
from isingml.windows import parse_window_name  # noqa: E402

# A journal's column and page widths (inches): every figure is drawn at one of them, so that
# its 7-8 pt text is printed at that size and nothing is scaled down.
COLUMN, PAGE = 3.4, 7.0
DPI = 300  # what journals ask of raster images
plt.rcParams.update(
    {
        "font.size": 8,
        "axes.titlesize": 8,
        "axes.labelsize": 8,
        "legend.fontsize": 7,
        "legend.frameon": False,
        "xtick.labelsize": 7,
        "ytick.labelsize": 7,
        "mathtext.fontset": "dejavusans",
        # embedded TrueType (Type 42): journals reject the Type 3 fonts of matplotlib's default
        "pdf.fonttype": 42,
        "ps.fonttype": 42,
        "savefig.dpi": DPI,
    }
)
# Embedding TrueType subsets goes through fontTools, which warns that DejaVu's "created" date
# (1904-based) looks low: harmless, and it would fill every figure's log.
logging.getLogger("fontTools").setLevel(logging.ERROR)
UNIT = "($J/k_B$)"
T_LABEL = f"temperature $T$ {UNIT}"
WINDOW_SPREAD = "spread over windows (not an error)"


def reference_vline(ax, lattice, label=True):
    """The exact T_c of the model ``lattice`` as a dashed vertical line, labelled e.g. "exact
    T_c (triangular, Houtappel 1950) = 3.6410"; nothing where none is known."""
    ref = reference_of(lattice)
    if ref.known:
        ax.axvline(ref.T_c, color="k", ls="--", lw=0.8, label=ref.label() if label else None)


def reference_hline(ax, lattice, label=True):
    """``reference_vline``, horizontal (a T axis upright)."""
    ref = reference_of(lattice)
    if ref.known:
        ax.axhline(ref.T_c, color="k", ls="--", lw=0.8, label=ref.label() if label else None)


def size_colors(sizes):
    """One colour per lattice size, the same in every panel (viridis, small to large)."""
    sizes = sorted({int(L) for L in sizes})
    cmap = plt.get_cmap("viridis")
    return {L: cmap(0.85 * i / max(1, len(sizes) - 1)) for i, L in enumerate(sizes)}


def windows_of(table):
    return sorted(set(table["window"].tolist()))


def window_words(w):
    """A training window in words: trained ordered at T <= lo, disordered at T >= hi."""
    window = parse_window_name(w)
    if window is None:
        return str(w)
    lo, hi = window
    return f"window: trained at $T \\leq {lo:g}$ and $T \\geq {hi:g}$"


# the study networks (methods.STUDY_MODELS) by what sets them apart
NETWORKS = {
    "fcn": "fully connected network",
    "cnn": "CNN",
    "cnn_d4": "CNN, D4-augmented",
    "ecnn": r"ECNN, $Z_2 \times p4m$ built in",
}


def network_words(model):
    return NETWORKS.get(model, str(model))


def method_title(name, width=34):
    """A method's or network's name in words (``methods``' title), wrapped for a panel."""
    try:
        title = methods.get(name).title
    except KeyError:
        title = str(name)
    return "\n".join(textwrap.wrap(title, width, break_on_hyphens=False))


def band(ax, x, y, err, color, alpha=0.25):
    """One standard error either side of a curve, as a filled band."""
    ax.fill_between(x, y - err, y + err, color=color, alpha=alpha, lw=0)


def legend_outside(fig, axes, where="right", ncols=1):
    """One legend for the figure, outside the panels (right of them, or below), so that it
    covers no data; each label once."""
    handles = {}
    for ax in np.atleast_1d(axes).ravel():
        for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(lab, h)
    loc = "outside right center" if where == "right" else "outside lower center"
    return fig.legend(list(handles.values()), list(handles), loc=loc, ncols=ncols)


def panels(n, width=PAGE, height=2.6, **kw):
    """A row of ``n`` panels in a figure ``width`` inches wide (COLUMN or PAGE)."""
    fig, axes = plt.subplots(
        1, n, figsize=(width, height), squeeze=False, layout="constrained", **kw
    )
    return fig, axes[0]


def save(fig, png_path):
    """Write the figure as PNG (``DPI``) and as PDF beside it (vector, TrueType fonts)."""
    png_path = str(png_path)
    with atomic.atomic_output(png_path) as tmp:
        fig.savefig(tmp, dpi=DPI, format="png")
    pdf = png_path[: -len(".png")] + ".pdf"
    with atomic.atomic_output(pdf) as tmp:
        fig.savefig(tmp, format="pdf")
    plt.close(fig)
