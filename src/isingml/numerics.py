"""Formulas that several layers evaluate, written once: the logistic sigmoid and the Binder
cumulant. NumPy only, below ``sampling/``, ``learning/``, ``analysis/`` and ``plots/``.

Each keeps the exact floating-point expression the results were computed with, so that moving
a copy here changes no result by a bit.
"""

import numpy as np


def sigmoid(x):
    """The logistic function 1 / (1 + exp(-x)), elementwise, in float64 where x is."""
    return 1.0 / (1.0 + np.exp(-x))


def binder_cumulant(m2, m4):
    """U = 1 - <x^4> / (3 <x^2>^2) from the moments <x^2> and <x^4> (Binder, Z. Phys. B 43,
    119 (1981)); elementwise."""
    return 1.0 - m4 / (3.0 * m2**2)
