"""Did a network learn its task? A trained member is checked against thresholds from the config
(``training.quality``): held-out accuracy (a lower bar at small L, where configurations of the
two phases overlap more) and p(ordered) at the extremes of the temperature grid, deep in the
phases it was told apart. The verdict goes into the member's metrics, its predictions and the
log; the analysis leaves out a member that failed, and says so. No JAX."""

import numpy as np

from isingml import config


def thresholds(given=None):
    """The thresholds: ``given`` (a dict, e.g. the workflow's) over the schema's defaults."""
    return {**config.defaults()["training"]["quality"], **(given or {})}


def assess(accuracy_test, T, p, L, limits):
    """{"learned": bool, "problems": [text]} of one window-trained network: ``accuracy_test``
    its held-out accuracy, ``p`` (n,) its p(ordered) on configurations at temperatures ``T``."""
    problems = []
    need = limits["min_accuracy_small"] if L <= limits["small_L"] else limits["min_accuracy"]
    if accuracy_test is None or not accuracy_test >= need:
        shown = "none" if accuracy_test is None else f"{accuracy_test:.3f}"
        problems.append(f"held-out accuracy {shown} < {need:g}")
    T, p = np.asarray(T), np.asarray(p, dtype=np.float64)
    edge = limits["p_extremes"]
    lo, hi = T.min(), T.max()
    p_lo, p_hi = float(p[T == lo].mean()), float(p[T == hi].mean())
    if p_lo < edge:
        problems.append(f"p(ordered) {p_lo:.2f} at the lowest T = {lo:g}, below {edge:g}")
    if p_hi > 1 - edge:
        problems.append(f"p(ordered) {p_hi:.2f} at the highest T = {hi:g}, above {1 - edge:g}")
    return {"learned": not problems, "problems": problems, "thresholds": dict(limits)}
