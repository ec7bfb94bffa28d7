"""Monte Carlo sampling of the 2D Ising model (no file I/O); the entry point is
``sampling.sampler.sample``."""

GRIDS = ("network", "critical")  # the networks' temperature grid; the Binder grid near T_c
