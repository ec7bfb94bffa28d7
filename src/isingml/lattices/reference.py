"""What a result is compared with: the model's exact critical temperature, where it comes from,
and how far an estimate lies from it, or the plain statement that none is known.

The summary, the FSS results, the shortcut's T(m0), the networks' accuracies and the figures
all take their reference from here (``of(lattice)``), never from a constant: on the square
lattice it is Onsager's T_c, on the triangular and honeycomb lattices Houtappel's, on the cubic
lattice a published estimate labelled as a reference (never as exact), on a model with neither
none. No estimator reads it (the estimators never use an exact T_c).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from isingml.physics import EXACT_EXPONENTS


@dataclass(frozen=True)
class Reference:
    """``lattice``: the model in words (``Lattice.describe()``); ``T_c``: its exact critical
    temperature, None where none is known; ``source``: who found it ("Onsager 1944");
    ``U4_torus``: the Binder cumulant at T_c of the L -> infinity periodic box (None where not
    known; it depends on the box's shape and the couplings, unlike T_c);
    ``magnetization_known``: whether the exact spontaneous magnetization m(T) is (for T(m0));
    ``exponents``: the exponent ratios (keys of ``physics.EXACT_EXPONENTS``) that measured ones
    are compared with: the 2D Ising model's exact ones on every two-dimensional lattice
    (universality), the published references where T_c is one (``exact`` False: the cube's
    bootstrap values), None where neither is known; ``dim``: the lattice's dimension (what the
    summary says of the corrections and the exponents); ``uncovered``: the rows whose error
    bars failed coverage on this lattice (``Lattice.uncovered``: 'method' or
    'method:exponent' -> why), shown apart and without a pull."""

    lattice: str
    T_c: float | None
    source: str | None = None
    U4_torus: float | None = None
    magnetization_known: bool = False
    exact: bool = True  # False: a published estimate (Monte Carlo, bootstrap), not exact
    exponents: Mapping | None = None
    dim: int = 2
    uncovered: Mapping = field(default_factory=dict, compare=False)

    @property
    def known(self):
        return self.T_c is not None

    def why_uncovered(self, method, exponent=None):
        """Why the row of ``method`` (its T_c, or ``exponent`` of it) is not an estimate whose
        error bar passed coverage on this lattice, or None where nothing says so."""
        return self.uncovered.get(method if exponent is None else f"{method}:{exponent}")

    def deviation(self, T_c, err):
        """(relative deviation from the exact T_c, |deviation| in standard errors); None for
        what cannot be computed (no exact T_c, no finite estimate, no positive error)."""
        if not self.known or T_c is None or not math.isfinite(T_c):
            return None, None
        rel = (T_c - self.T_c) / self.T_c
        ok = err is not None and math.isfinite(err) and err > 0
        return rel, abs(T_c - self.T_c) / err if ok else None

    def label(self, digits=4):
        """The figures' legend: 'exact $T_c$ (triangular, Houtappel 1950) = 3.6410', or
        'reference $T_c$ (...)' for a published estimate."""
        kind = "exact" if self.exact else "reference"
        return f"{kind} $T_c$ ({self.lattice}, {self.source}) = {self.T_c:.{digits}f}"

    def words(self, digits=6):
        """A sentence for the summary: the exact T_c this run compares with, or that none is
        known."""
        if not self.known:
            return (
                f"Lattice: {self.lattice}. No exact T_c is known for this model: no deviation "
                "or pull is computed; compare the estimators with each other and with published "
                "estimates for this lattice."
            )
        if not self.exact:
            return (
                f"Lattice: {self.lattice}. No exact T_c is known for this model; deviations and "
                f"pulls are against the reference T_c = {self.T_c:.{digits}f} ({self.source}), a "
                "published estimate, not an exact value."
            )
        return f"Lattice: {self.lattice}. Exact T_c ({self.source}) = {self.T_c:.{digits}f}."

    def to_json(self):
        """The keys a result file or summary row carries: ``lattice``, ``reference_T_c``,
        ``reference`` (its source)."""
        return {"lattice": self.lattice, "reference_T_c": self.T_c, "reference": self.source,
                "reference_exact": self.exact}  # fmt: skip


def of(lattice):
    """The reference of a model (``lattices.Lattice``). The first ';'-separated part of
    ``lattice.exact.source`` names the source of T_c (the rest, those of m(T) and xi(T))."""
    exact = lattice.exact
    if exact.T_c is None and exact.reference is not None:
        published = exact.reference
        return Reference(lattice.describe(), published.T_c, published.source,
                         published.binder_crossing, False, exact=False,
                         exponents=dict(published.exponents), dim=lattice.dim,
                         uncovered=dict(lattice.uncovered))  # fmt: skip
    source = exact.source.split(";")[0].strip() if exact.T_c is not None else None
    exponents = dict(EXACT_EXPONENTS) if lattice.dim == 2 else None
    return Reference(lattice.describe(), exact.T_c, source, exact.U4_torus,
                     exact.magnetization is not None, exponents=exponents,
                     dim=lattice.dim, uncovered=dict(lattice.uncovered))  # fmt: skip
