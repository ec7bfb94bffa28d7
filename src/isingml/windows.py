"""Training windows' names and their encoding in files: one home, free of JAX, for the workflow,
the learning code, the analysis and the plots alike.

A window (T_ordered_max, T_disordered_min) labels T <= the first as ordered and T >= the second
as disordered. Its name, e.g. "w2-2.6", names folders and table rows; "exact" stands for labels
by T < Onsager's T_c (no window). In HDF5 attributes a window is two floats, NaN NaN for none.
"""

import numpy as np


def window_name(window):
    """Folder and table name of a training window, e.g. "w2-2.6"; "exact" for none.
    ``parse_window_name`` inverts it."""
    return "exact" if window is None else f"w{window[0]:g}-{window[1]:g}"


def parse_window_name(name):
    """(T_ordered_max, T_disordered_min) from ``window_name``'s text; None for "exact"."""
    if name == "exact":
        return None
    lo, hi = name[1:].split("-")
    return float(lo), float(hi)


def window_attr(window):
    """A window as an HDF5 attribute: two floats, NaN NaN for none."""
    return np.asarray(window if window is not None else [np.nan, np.nan], dtype=np.float64)


def window_from_attr(value):
    """The inverse of ``window_attr``: a tuple of two floats, or None."""
    w = np.asarray(value, dtype=np.float64)
    return None if np.isnan(w).all() else (float(w[0]), float(w[1]))


def name_of_attr(value):
    """The window name of an attribute written by ``window_attr``."""
    return window_name(window_from_attr(value))
