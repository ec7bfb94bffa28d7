"""Curves that a figure draws from fitted parameters: computed here, so that the plots only
draw what they are given."""

from dataclasses import dataclass

import numpy as np

from isingml.analysis.shortcut import threshold_fit


@dataclass(frozen=True)
class ThresholdCurve:
    """The fit p ~ sigmoid(a (|m| - m0)) of one network's predictions (``threshold_fit``)
    and the fitted curve over |m| in [0, 1]."""

    r2: float
    m0: float
    a: float
    abs_m: np.ndarray
    p: np.ndarray


def threshold_curve(abs_m, p_ordered, points=200):
    """The threshold fit of p(ordered) against |m| and its curve at ``points`` values."""
    r2, m0, a = threshold_fit(abs_m, p_ordered)
    x = np.linspace(0, 1, points)
    return ThresholdCurve(r2, m0, a, x, 1 / (1 + np.exp(-a * (x - m0))))


def shortcut_inputs(predictions, shortcut_table):
    """The shortcut figure's inputs with each network's threshold curve beside its
    predictions: ``plots.shortcut(predictions, table, curves)``."""
    curves = [threshold_curve(cols["abs_m"], cols["p_ordered"]) for cols, _ in predictions]
    return [predictions, shortcut_table, curves]
