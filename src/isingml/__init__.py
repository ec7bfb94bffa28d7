"""isingml: learn the phases of the 2D Ising model with neural networks and read off T_c."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("isingml")
except PackageNotFoundError:  # running from a source tree without installing
    __version__ = "0+unknown"

__all__ = ["__version__"]
