"""Figures. Each function reads results files (never recomputes a result) and returns a Figure;
``save`` writes it as PNG and PDF. Temperatures are in units of J/k_B; the dashed line is
Onsager's T_c; sizes are coloured alike in every panel and inset.
"""

import matplotlib

matplotlib.use("Agg")

from isingml.plots.exponents import collapse, exponent_slopes  # noqa: E402
from isingml.plots.networks import accuracy, cnn_binder, confusion, p_ordered, shortcut  # noqa: E402
from isingml.plots.physics import binder, lattices, magnetization, tc_extrapolation  # noqa: E402
from isingml.plots.studies import data_efficiency, filters, pca, rg  # noqa: E402
from isingml.plots.style import save  # noqa: E402

__all__ = [
    "accuracy",
    "binder",
    "cnn_binder",
    "collapse",
    "confusion",
    "data_efficiency",
    "exponent_slopes",
    "filters",
    "lattices",
    "magnetization",
    "p_ordered",
    "pca",
    "rg",
    "save",
    "shortcut",
    "tc_extrapolation",
]
