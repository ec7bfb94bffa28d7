"""Exact finite-lattice results, the references of the tests and the analysis; nothing samples.

- ``square``: the square lattice with unit couplings by a symmetry-reduced row transfer matrix
  (moments up to L = 14, the density of states up to L = 8); its functions are re-exported
  here (``exact.moments``, ``exact.binder_crossing``, ``exact.density_of_states``).
- ``enumeration``: every configuration of a 4 x 4 torus of any lattice (``lattices``).
- ``rows``: a dense row transfer matrix for any two-dimensional lattice up to L = 8.
"""

from isingml.exact.square import binder_crossing, density_of_states, moments

__all__ = ["binder_crossing", "density_of_states", "moments"]
