"""Figures. Each function draws what it is given (tables and arrays read by
``isingml.io.figures``; it never reads a file, never recomputes a result) and returns a Figure;
``save`` writes it as PNG and PDF. Temperatures are in units of J/k_B; the dashed line is the
lattice's exact T_c (none where none is known); sizes are coloured alike in every panel and
inset.

``registry`` maps every figure to its inputs and its place in the report. The drawing functions
are imported on first use, so that the workflow can read the registry without matplotlib.
"""

import importlib

_HOME = {
    "collapse": "exponents",
    "exponent_slopes": "exponents",
    "accuracy": "networks",
    "cnn_binder": "estimators",
    "confusion": "estimators",
    "p_ordered": "networks",
    "shortcut": "networks",
    "binder": "physics",
    "lattices": "physics",
    "magnetization": "physics",
    "tc_extrapolation": "extrapolation",
    "data_efficiency": "studies",
    "filters": "studies",
    "pca": "studies",
    "rg": "studies",
    "transfer": "transfer_study",
    "save": "style",
}
__all__ = sorted(_HOME)


def __getattr__(name):
    if name not in _HOME:
        raise AttributeError(f"module 'isingml.plots' has no attribute {name!r}")
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    return getattr(importlib.import_module(f"isingml.plots.{_HOME[name]}"), name)
