"""The lattices: the one home of each model's geometry, exact results and cost inputs.

``get(name, couplings)`` returns the model as one immutable object (``base.Lattice``) that the
rest of the package asks for what it needs: ``shape(L)``, ``n_sites(L)``, ``check_size(L)``,
``neighbours(L)`` (sites x degree), ``direction_couplings``, ``bonds_per_site``,
``colouring(L)``, ``point_group`` / ``symmetries(L)`` / ``has_d4``, ``decimate(spins, rng)``,
``energy(spins)``, ``exact`` (T_c, m(T), xi(T), or None where none is known; a ``reference``
with published values where T_c is not known exactly: the cubic lattice), ``cost``
(the cost models' inputs), ``key`` (its shards' folder), ``attrs()`` (a shard's attributes),
``specialised`` (the square lattice's own kernels apply). Nothing outside this package branches
on a lattice's name. ``reference_of(lattice)`` is what results are compared with (its exact
T_c and source, or none: ``reference.Reference``).
"""

from isingml.errors import UserError
from isingml.lattices.base import CostInputs, Exact, Lattice, Published
from isingml.lattices.cubic import Cubic
from isingml.lattices.honeycomb import Honeycomb
from isingml.lattices.reference import Reference
from isingml.lattices.reference import of as reference_of
from isingml.lattices.square import Square
from isingml.lattices.triangular import Triangular

LATTICES = {cls.name: cls for cls in (Square, Triangular, Honeycomb, Cubic)}
NAMES = tuple(LATTICES)
UNIT = (1.0, 1.0)
SQUARE = Square()  # the default model: J_x = J_y = 1

__all__ = ["NAMES", "SQUARE", "CostInputs", "Exact", "Lattice", "Published", "Reference",
           "from_attrs", "from_config", "get", "reference_of"]  # fmt: skip


def get(name="square", couplings=UNIT):
    """The model ``name`` with couplings (J_x, J_y); only the square lattice takes couplings
    other than (1, 1) (the cubic lattice's three directions all have J = 1)."""
    if name not in LATTICES:
        raise UserError(f"lattice.name: unknown lattice {name!r}; choose one of {', '.join(NAMES)}")
    lattice = LATTICES[name](tuple(couplings))
    if name != "square" and lattice.couplings != UNIT:
        raise UserError(
            f"lattice.couplings: {list(couplings)}: the {name} lattice takes unit couplings "
            "only (J_x, J_y belong to the square lattice); leave couplings out"
        )
    return lattice


def from_config(config):
    """The model of a validated configuration (defaults filled in; none: the default)."""
    given = config.get("lattice") or {}
    return get(given.get("name", "square"), given.get("couplings", UNIT))


def from_attrs(attrs):
    """The model a shard's attributes name; a shard from before lattices (schema version < 3)
    names none and holds the square lattice with unit couplings."""
    couplings = attrs.get("couplings", UNIT)
    return get(str(attrs.get("lattice", "square")), tuple(float(c) for c in couplings))
