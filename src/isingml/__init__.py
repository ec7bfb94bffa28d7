"""isingml: learn the phases of the 2D Ising model with neural networks and read off T_c.

From Python (the README's "From Python" section): ``sample``, ``read_shard``, ``load_network``
(whose ``evaluate`` runs a trained network on configurations) and ``read_results``, each the
library call the workflow's jobs make. They are loaded on first use, so that ``import isingml``
stays cheap for the command line and the workflow.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("isingml")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

API = ("sample", "read_shard", "load_network", "read_results")
__all__ = ["__version__", *API]


def __getattr__(name):
    if name in API:
        from isingml import api

        return getattr(api, name)
    raise AttributeError(f"module 'isingml' has no attribute {name!r}")
