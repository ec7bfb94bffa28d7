"""The model a shard holds (its attributes ``lattice`` and ``couplings``, ``isingml.lattices``),
and the jobs' checks that their inputs hold the model they need: ``require_model`` (one given
model), ``one_model`` (no job mixes two). Each refusal is a ``shards.ShardError`` naming the
file."""

from isingml import lattices
from isingml.errors import UserError


def model_of(path, attrs):
    """The model (``lattices.Lattice``) a shard's attributes name."""
    from isingml.io.shards import ShardError

    try:
        return lattices.from_attrs(attrs)
    except UserError as err:
        raise ShardError(path, f"its attributes name no model this isingml knows ({err})") from None


def spin_shape(path, attrs):
    """One configuration's shape in a shard: its model's ``shape(L)``."""
    return model_of(path, attrs).shape(int(attrs["L"]))


def require_model(path, attrs, lattice):
    """Refuse a shard that holds another model than ``lattice``, the one the job needs."""
    from isingml.io.shards import ShardError

    found = model_of(path, attrs)
    if found != lattice:
        raise ShardError(
            path,
            f"holds the {found.describe()} lattice, but this job needs the "
            f"{lattice.describe()} lattice: shards of another configuration's model (each "
            "model's shards live under data/ or data/<model>/); re-simulate it for this model",
        )


def one_model(loaded):
    """The one model of a job's shards (``Shard`` objects, or (path, attrs) pairs); refuses
    shards of two models, naming the file that differs from the first."""
    pairs = [(s.path, s.attrs) if hasattr(s, "attrs") else s for s in loaded]
    first_path, first = pairs[0]
    model = model_of(first_path, first)
    for path, attrs in pairs[1:]:
        if model_of(path, attrs) != model:
            require_model(path, attrs, model)  # raises, naming this file and the model wanted
    return model


def shards_model(paths, lattice=None):
    """The one model of the shards at ``paths``, from their attributes alone (nothing else is
    read): refuses shards of two models, and, where ``lattice`` is given, of another model."""
    from isingml.io.shards import _open, _validate

    pairs = []
    for path in paths:
        with _open(path) as f:
            pairs.append((path, _validate(path, f)))
    model = one_model(pairs)
    if lattice is not None:
        require_model(*pairs[0], lattice)
    return model
