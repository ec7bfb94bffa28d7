"""Networks on the simple cubic lattice (issue 28 item 3): the CNN with 3 x 3 x 3 circular
convolutions is odd under the global flip, invariant under the cube's translations and takes
any L; the FC baseline takes L^3 inputs; a 3D ensemble trains; the features (native and
2 x 2 x 2-decimated) have the expected keys and shapes and are the networks' outputs on the
lattice's own decimation; the 2D Numba kernel is never chosen for 3D configurations; a training
and a features job run on cubic shards end to end."""

import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from isingml import lattices
from isingml.errors import UserError
from isingml.learning import backend, features, models, predict, settings, train
from isingml.learning.ensemble import stack

CUBIC = lattices.get("cubic")


def cnn3d(L=4, seed=0, **spec):
    return models.build(models.ModelSpec("cnn", L, dim=3, **spec), nnx.Rngs(seed))


def spins3d(n, L, seed):
    return np.random.default_rng(seed).choice(np.array([-1, 1], np.int8), size=(n, L, L, L))


def test_the_3d_cnn_is_odd_translation_invariant_and_takes_any_l():
    cnn = cnn3d()
    assert cnn.convs[0].kernel.shape == (3, 3, 3, 1, 4)  # k x k x k, 1 -> 4 channels
    for L in (4, 6):
        x = jnp.asarray(spins3d(5, L, L), jnp.float32)
        phi, logit = cnn.order_parameter(x), cnn(x)
        assert phi.shape == logit.shape == (5,)
        np.testing.assert_allclose(cnn.order_parameter(-x), -phi, atol=1e-6)
        np.testing.assert_allclose(cnn(-x), logit, atol=1e-6)
        for axis in (1, 2, 3):
            shifted = jnp.roll(x, 1 + axis, axis=axis)
            np.testing.assert_allclose(cnn.order_parameter(shifted), phi, atol=1e-5)


def test_the_fc_baseline_takes_l_cubed_inputs_and_one_size():
    fcn = models.build(models.ModelSpec("fcn", 4, dim=3), nnx.Rngs(0))
    assert fcn.hidden.kernel.shape == (64, 100)
    assert fcn(jnp.ones((2, 4, 4, 4))).shape == (2,)
    with pytest.raises(UserError, match="takes L = 4 in 3 dimensions"):
        fcn(jnp.ones((2, 6, 6, 6)))
    with pytest.raises(UserError, match="no ecnn network on 3-dimensional"):
        models.ModelSpec("ecnn", 4, dim=3)


def test_a_3d_checkpoint_spec_round_trips_and_the_2d_one_is_unchanged():
    spec = models.ModelSpec("cnn", 8, dim=3)
    assert models.ModelSpec.from_json(spec.to_json()) == spec
    assert "dim" not in models.ModelSpec("cnn", 8).to_json()  # a 2D checkpoint as before
    arrays = models.params_to_arrays(cnn3d(8))
    with pytest.raises(UserError, match="shape"):
        models.model_from_arrays(models.ModelSpec("cnn", 8), arrays)


def labelled_cubes(L=4, per_T=24, seed=1):
    """Ordered cubes (90 % aligned, either sign) at T = 3 and 3.5, random ones at 6 and 7."""
    rng = np.random.default_rng(seed)
    blocks, T = [], []
    for t in (3.0, 3.5, 6.0, 7.0):
        if t < 4.5:
            sign = rng.choice(np.array([-1, 1], np.int8), size=(per_T, 1, 1, 1))
            flip = np.where(rng.random((per_T, L, L, L)) < 0.1, -1, 1).astype(np.int8)
            blocks.append(sign * flip)
        else:
            blocks.append(spins3d(per_T, L, rng.integers(1 << 30)))
        T += [t] * per_T
    return np.concatenate(blocks), np.array(T)


def test_a_3d_ensemble_trains_and_a_2d_one_is_refused_on_cubes():
    spins, T = labelled_cubes()
    common = {"model": "cnn", "L": 4, "window": (4.0, 5.0), "epochs": 2, "batch_size": 16}
    cfgs = [settings.TrainConfig(seed=s, dim=3, **common) for s in (0, 1)]
    trained = train.train_ensemble(cfgs, spins, T, lattice=CUBIC)
    assert len(trained) == 2
    for member in trained:
        assert member.logits.shape == member.phi.shape == (spins.shape[0],)
        assert len(member.metrics["epochs"]) == 2 and member.metrics["config"]["dim"] == 3
    flat = [settings.TrainConfig(seed=0, **common)]
    with pytest.raises(UserError, match="networks take 2-dimensional configurations"):
        train.train_ensemble(flat, spins, T, lattice=CUBIC)
    spec = settings.JobSpec("cnn", L=4, window=(4.0, 5.0), lattice={"name": "cubic"})
    assert {c.dim for c in spec.configs()} == {3}
    assert {c.dim for c in settings.JobSpec("cnn", L=4, window=(4.0, 5.0)).configs()} == {2}


@pytest.mark.parametrize("L, keys", [(4, {"phi", "p"}), (8, {"phi", "p", "phi_b2", "p_b2"})])
def test_features_of_cubes_have_the_expected_keys_and_shapes(L, keys):
    """An ensemble of two 3D CNNs on n cubes: phi and p (n,) per member, and on 8^3 the same
    on the 2 x 2 x 2 decimation (4^3; none below L = 4), which is the lattice's own map with
    the same draws."""
    nets = [cnn3d(seed=k) for k in (1, 2)]
    graphdef, stacked = stack(nets)
    spins = spins3d(6, L, 7)
    out = features.ensemble_features(graphdef, stacked, spins, np.random.default_rng(3),
                                     members="loop", lattice=CUBIC)  # fmt: skip
    assert len(out) == 2
    for member, net in zip(out, nets, strict=True):
        assert set(member) == keys and all(v.shape == (6,) for v in member.values())
        if L == 8:
            coarse = CUBIC.decimate(spins, np.random.default_rng(3))
            _, phi = predict.outputs(net, coarse)
            np.testing.assert_allclose(member["phi_b2"], phi, atol=1e-6)


def test_three_dimensions_are_evaluated_by_the_cubes_cpu_kernel():
    """On the CPU the cube's CNNs go through their own Numba kernel (``cnn_cpu._phi3``; it
    equals the Flax model: tests/test_cnn_kernel.py), XLA when asked (ISINGML_CNN_KERNEL=jax),
    and the features of an ensemble are the same either way."""
    assert backend.eval_axis("cnn", "loop", "numba", dim=3) == "kernel"
    assert backend.eval_axis("cnn", "loop", "jax", dim=3) == "loop"
    nets = [cnn3d(seed=seed) for seed in (1, 2)]
    graphdef, stacked = stack(nets)
    spins = spins3d(5, 8, 4)
    by = {m: features.ensemble_features(graphdef, stacked, spins, np.random.default_rng(3),
                                        members=m, lattice=CUBIC)
          for m in ("kernel", "loop")}  # fmt: skip
    for a, b in zip(by["kernel"], by["loop"], strict=True):
        assert set(a) == set(b)
        for key in a:
            np.testing.assert_allclose(a[key], b[key], atol=2e-6)
    with pytest.raises(ValueError, match="shared configurations"):
        predict.member_outputs(graphdef, stacked, spins, index=np.zeros((2, 2), int),
                               members="kernel")  # fmt: skip


@pytest.mark.slow  # trains networks for longer than make test-fast's budget allows
def test_training_predicting_and_features_jobs_run_on_cubic_shards(tmp_path):
    """`isingml simulate --lattice cubic`, train (the networks' dimension from the shards),
    predict and features on 4^3 and 8^3 shards: the files name the cube, the features hold
    the 8^3 shard's 2 x 2 x 2 decimation and the FCN refuses another size."""
    from isingml.cli import main
    from isingml.io import results

    data, grid = tmp_path / "L4", tmp_path / "grid"
    for T in (3.0, 7.0):
        main(["simulate", "--lattice", "cubic", "--L", "4", "--T", str(T), "--samples", "60",
              "--seed", "3", "--out", str(data / f"T{T:.4f}.h5")])  # fmt: skip
    for L in (4, 8):
        main(["simulate", "--lattice", "cubic", "--L", str(L), "--T", "4.5", "--samples", "20",
              "--seed", "4", "--out", str(grid / f"L{L}.h5")])  # fmt: skip
    net, fcn = tmp_path / "cnn", tmp_path / "fcn"
    for model, out in (("cnn", net), ("fcn", fcn)):
        main(["train", "--model", model, "--L", "4", "--seed", "0", "--window", "4.0", "5.0",
              "--data", str(data), "--out", str(out), "--epochs", "1"])  # fmt: skip
    metrics = results.read_json(net / "metrics.json")
    assert metrics["lattice"]["lattice"] == "cubic" and metrics["config"]["dim"] == 3
    main(["predict", "--model-dir", str(net), "--data", str(grid / "L8.h5"), "--L", "8",
          "--out", str(tmp_path / "pred.h5")])  # fmt: skip
    cols, attrs = results.read_predictions(tmp_path / "pred.h5")
    assert cols["p_ordered"].shape == (20,) and attrs["L"] == 8
    with pytest.raises(SystemExit):
        main(["predict", "--model-dir", str(fcn), "--data", str(grid / "L8.h5"), "--L", "8",
              "--out", str(tmp_path / "fcn.h5")])  # fmt: skip
    out = tmp_path / "features.h5"
    main(["features", "--model-dir", str(net), "--shards", str(grid / "L4.h5"),
          str(grid / "L8.h5"), "--native", "4", "--out", str(out)])  # fmt: skip
    blocks, attrs = results.read_features(out)
    assert attrs["lattice"] == "cubic" and attrs["evaluated_on"] == "cubic"
    by_L = {b["L"]: b for b in blocks}
    assert {"phi", "p"} <= set(by_L[4]) and "phi_b2" not in by_L[4]
    assert by_L[8]["phi_b2"].shape == (20,) and "phi" not in by_L[8]  # native only below 8
