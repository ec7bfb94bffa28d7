"""Monte Carlo sampling of the 2D Ising model (no file I/O); the entry point is
``sampling.sampler.sample``."""

# the networks' temperature grid; the Binder grid near T_c; the scan that places it (its own
# seed stream, seeds.GRID_KEYS)
GRIDS = ("network", "critical", "scan")
