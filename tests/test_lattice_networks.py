"""Networks on every lattice (issue 27, item 4): a 3 x 3 kernel in the lattice's own coordinates
reaches every neighbour; decimation is the lattice's own map; D4 augmentation and the ecnn are
refused where the square's D4 does not apply; the jobs check the model of their shards and of
their networks; the jobs' settings name the model (none for the default)."""

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from isingml import config, lattices
from isingml.errors import UserError
from isingml.learning import decimation, settings

REPO = Path(__file__).resolve().parents[1]
SHIPPED = yaml.safe_load((REPO / "config.yaml").read_text())
MODELS = {
    "square": lattices.SQUARE,
    "anisotropic": lattices.get("square", (1.0, 0.5)),
    "triangular": lattices.get("triangular"),
    "honeycomb": lattices.get("honeycomb"),
}


def neighbour_offsets(lattice, L):
    """Every (dy, dx) from a site to one of its neighbours, as the smallest offset mod L."""
    nb = lattice.neighbours(L)
    y, x = np.divmod(np.arange(L * L), L)
    dy = (y[nb] - y[:, None] + L // 2) % L - L // 2
    dx = (x[nb] - x[:, None] + L // 2) % L - L // 2
    return {(int(a), int(b)) for a, b in zip(dy.ravel(), dx.ravel(), strict=True)}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_a_3x3_kernel_reaches_every_neighbour(name):
    """Every neighbour offset lies in {-1, 0, 1}^2 modulo L (the sheared triangular lattice's
    six, the brick wall's three), and the CNN's first circular 3 x 3 convolution at a site
    depends on each of that site's neighbours: its gradient there is non-zero."""
    import jax
    import jax.numpy as jnp
    from flax import nnx

    from isingml.learning import models

    lattice, L = MODELS[name], 8
    offsets = neighbour_offsets(lattice, L)
    assert offsets <= {(a, b) for a in (-1, 0, 1) for b in (-1, 0, 1)} - {(0, 0)}
    assert len(offsets) == {"honeycomb": 4}.get(name, lattice.degree)  # up or down by parity
    cnn = models.build(models.ModelSpec("cnn", L, channels=(1,)), nnx.Rngs(3))
    conv = cnn.convs[0]
    nb = lattice.neighbours(L)
    for site in (0, 9, L * L - 1):

        def response(s, y=site // L, x=site % L):
            return conv(s[None, ..., None])[0, y, x, 0]

        grad = jax.grad(response)(jnp.zeros((L, L)))
        reached = np.flatnonzero(np.asarray(grad).ravel())
        assert set(nb[site].tolist()) <= set(reached.tolist()), (name, site)


def old_square_decimation(spins, rng):
    """The square's 2 x 2 majority as learning.decimation computed it before lattices."""
    n, L, _ = spins.shape
    sums = spins.reshape(n, L // 2, 2, L // 2, 2).sum(axis=(2, 4), dtype=np.int16)
    ties = rng.choice(np.array([-1, 1], np.int8), size=sums.shape)
    return np.where(sums == 0, ties, np.sign(sums)).astype(np.int8)


def test_decimation_is_the_lattices_own_map():
    """The features job's coarse-grainings: on the square bit for bit what they were before
    lattices (the same draws); on every lattice the lattice's own decimate; none of a size the
    lattice cannot decimate (the honeycomb's 6) and none below L = 4."""
    rng = np.random.default_rng(0)
    spins = rng.choice(np.array([-1, 1], np.int8), size=(20, 16, 16))
    steps = decimation.coarse_grainings(spins, np.random.default_rng(5))
    draws = np.random.default_rng(5)
    b2 = old_square_decimation(spins, draws)
    np.testing.assert_array_equal(steps[1][1], b2)
    np.testing.assert_array_equal(steps[2][1], old_square_decimation(b2, draws))
    for name, lattice in MODELS.items():
        got = decimation.coarse_grainings(spins, np.random.default_rng(5), lattice=lattice)
        assert [(b, x.shape[1]) for b, x in got] == [(1, 16), (2, 8), (4, 4)], name
        np.testing.assert_array_equal(got[1][1], lattice.decimate(spins, np.random.default_rng(5)))
    honeycomb = MODELS["honeycomb"]
    twelve = spins[:, :12, :12]
    got = decimation.coarse_grainings(twelve, np.random.default_rng(1), lattice=honeycomb)
    assert [(b, x.shape[1]) for b, x in got] == [(1, 12), (2, 6)]
    assert not decimation.decimates(lattices.SQUARE, 6) and decimation.decimates(honeycomb, 8)


def checked(**changes):
    return config.load({**SHIPPED, **changes})


def studies(**changes):
    return {**SHIPPED["studies"], **changes}


@pytest.mark.parametrize(
    ("changes", "key", "words"),
    [
        ({"lattice": {"name": "triangular"}, "training": {**SHIPPED["training"], "augment_d4":
          True}}, "training.augment_d4", "point group is D6, not the square's D4"),
        ({"lattice": {"name": "honeycomb"}, "models": {"cnn": {}, "ecnn": {}}}, "models.ecnn",
         "point group is D2"),
        ({"lattice": {"couplings": [1.0, 0.5]}, "studies": studies(data_efficiency={
          "enabled": True})}, "studies.data_efficiency.enabled", "ecnn"),
        ({"lattice": {"name": "triangular"}, "studies": studies(filters=True)}, "studies.filters",
         "D4"),
        ({"binder": {"lattice_sizes": [8, 12, 20]}}, "binder.lattice_sizes", "no pair L, 2L"),
        ({"lattice": {"name": "triangular"}, "studies": studies(transfer={"train": "triangular"})},
         "studies.transfer.train", "this run's own model"),
        ({"studies": studies(transfer={"train": "honeycomb", "windows": [[1.0, 1.0]]})},
         "studies.transfer.windows", "[1.0, 1.0]: the ordered range"),
        ({"lattice": {"name": "triangular"}, "models": {"fcn": {}}, "cnn_binder": {"enabled":
          False}, "confusion": {"enabled": False}, "studies": studies(rg=False, transfer={
          "train": "square"})}, "studies.transfer.train", "add cnn to models"),
        ({"lattice": {"name": "cubic"}, "studies": studies(transfer={"train": "square"})},
         "studies.transfer.train", "square is 2-dimensional, this run's cubic lattice 3-"),
    ],
)  # fmt: skip
def test_what_does_not_apply_to_the_lattice_is_one_line_naming_the_key(changes, key, words):
    with pytest.raises(UserError) as err:
        checked(**changes)
    text = str(err.value)
    assert text.startswith(f"config key '{key}'") and words in text and "\n" not in text


def test_the_lattices_own_tools_are_accepted():
    """The anisotropic square keeps augmentation off but its decimation; the default square
    takes the transfer study trained on another lattice; the triangular one takes the square's."""
    assert checked(lattice={"couplings": [1.0, 0.5]})["lattice"]["couplings"] == [1.0, 0.5]
    full = checked(studies=studies(transfer={"train": "honeycomb"}))
    assert full["studies"]["transfer"]["train"] == "honeycomb"
    tri = checked(lattice={"name": "triangular"}, studies=studies(transfer={"train": "square"}))
    assert tri["studies"]["transfer"]["windows"] == [[1.8, 2.6], [2.0, 2.8]]


def test_job_settings_name_the_model_but_the_defaults():
    """The default model's jobs keep the settings they had (no lattice: they do not rerun);
    another model's name it; the transfer's evaluations name the model their networks were
    trained on, and its training jobs the training lattice's (none for the default square)."""
    default = checked()
    for kind, keys in (("train", {"L": 16, "window": (1.8, 2.6)}), ("features", {}),
                       ("confusion", {"L": 16})):  # fmt: skip
        assert "lattice" not in json.loads(settings.job_json(default, kind, **keys))
    tri = checked(lattice={"name": "triangular"}, studies=studies(transfer={"train": "square"}))
    train = json.loads(settings.job_json(tri, "train", L=16, window=(3.0, 4.2)))
    assert train["lattice"] == {"name": "triangular", "couplings": [1.0, 1.0]}
    spec = settings.JobSpec.from_json(settings.job_json(tri, "transfer_features"))
    assert spec.lattice_model() == MODELS["triangular"]
    assert spec.lattice_model("trained_on") == lattices.SQUARE
    transfer_train = json.loads(settings.job_json(tri, "transfer_train", L=16, window=(1.8, 2.6)))
    assert "lattice" not in transfer_train and transfer_train["model"] == "cnn"
    predict = settings.JobSpec.from_json(settings.job_json(tri, "transfer_predict", L=16))
    assert predict.L == 16 and predict.lattice_model() == MODELS["triangular"]


@pytest.fixture(scope="module")
def two_grids(tmp_path_factory):
    """A square and a triangular shard of L = 8, and a network's folder for each (its
    metrics.json naming the model it learned, as a training job writes it)."""
    from isingml.cli import main
    from isingml.io import results

    d = tmp_path_factory.mktemp("grids")
    out = {}
    for name, flags in (("square", []), ("triangular", ["--lattice", "triangular"])):
        main(["simulate", "--L", "8", "--T", "3.0", "--samples", "40", "--seed", "2", "--out",
              str(d / f"{name}.h5"), *flags])  # fmt: skip
        folder = d / f"net_{name}"
        results.write_json(folder / "metrics.json", {"lattice": MODELS[name].attrs()})
        out[name] = (d / f"{name}.h5", folder)
    return out


def test_jobs_check_the_model_of_their_shards_and_networks(two_grids, tmp_path):
    """A job names the file of another model: a shard (the job's model, or two models in one
    job), a network trained on another lattice than the shards it is evaluated on (outside the
    transfer study), a network of the ecnn or with D4 augmentation on a lattice without D4."""
    from isingml.io import results, shard_models
    from isingml.learning import job, store

    (square, net_square), (tri, net_tri) = two_grids["square"], two_grids["triangular"]
    assert shard_models.shards_model([tri]) == MODELS["triangular"]
    with pytest.raises(UserError, match="square.h5: holds the square lattice"):
        shard_models.shards_model([tri, square])
    with pytest.raises(UserError, match="tri.*h5: holds the triangular lattice, but this job"):
        shard_models.shards_model([tri], lattices.SQUARE)
    store.require_trained_on([net_tri], MODELS["triangular"], MODELS["triangular"])
    with pytest.raises(UserError, match=f"{net_square}: a network trained on the square"):
        store.require_trained_on([net_tri, net_square], MODELS["triangular"], MODELS["triangular"])
    results.write_json(tmp_path / "metrics.json", {"accuracy": {}})  # before lattices
    assert store.trained_on(tmp_path) == lattices.SQUARE
    for model, extra in (("ecnn", {}), ("cnn", {"augment_d4": True})):
        spec = settings.JobSpec(model, L=8, window=(2.0, 4.0), settings=extra)
        with pytest.raises(UserError, match="needs the square's D4 symmetry.*point group D6"):
            job.load_training_data(spec, spec.configs(), [tri])
    spec = settings.JobSpec("cnn", L=8, window=(2.0, 4.0), lattice=MODELS["triangular"].attrs()
                            | {"name": "triangular"})  # fmt: skip
    assert job.load_training_data(spec, spec.configs(), [tri]).lattice == MODELS["triangular"]
    wrong = settings.JobSpec("cnn", L=8, window=(2.0, 4.0), lattice={"name": "honeycomb"})
    with pytest.raises(UserError, match="holds the triangular lattice, but this job needs the "
                       "honeycomb"):  # fmt: skip
        job.load_training_data(wrong, wrong.configs(), [tri])
