"""The names of a run's files, one function each; ``layout.Layout`` lists which of them a
configuration makes. No NumPy beyond the model object (``lattices``)."""

from isingml import lattices


def shard_path(L, T, grid="lattices", lattice=lattices.SQUARE):
    """Under data/<model>/ for any but the default model (data/ itself, as before lattices):
    two configurations of different models never write over each other's shards."""
    root = "data" if lattice.is_default else f"data/{lattice.key}"
    return f"{root}/{grid}/L{L}/T{T}.h5"


def model_dir(model, window, L, seed):
    return f"results/models/{model}/{window}/L{L}/seed{seed}"


def prediction_path(model, window, L, seed):
    return f"results/predictions/{model}/{window}/L{L}/seed{seed}.h5"


def efficiency_dir(model, n, seed):
    return f"results/efficiency/{model}/n{n}/seed{seed}"


# The transfer study (studies.transfer): networks trained on another lattice's grid, and their
# predictions on each lattice (the folder named by the lattice's key).
def transfer_model_dir(window, L, seed, model="cnn"):
    return f"results/transfer/models/{model}/{window}/L{L}/seed{seed}"


def transfer_prediction_path(lattice, window, L, seed, model="cnn"):
    return f"results/transfer/predictions/{lattice.key}/{model}/{window}/L{L}/seed{seed}.h5"


def transfer_features_path(window, L, seed, model="cnn"):
    return f"results/transfer/features/{model}/{window}/L{L}/seed{seed}.h5"
