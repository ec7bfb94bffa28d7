"""The networks: shapes, exact translation invariance, checkpoints, determinism, learning."""

import contextlib
import io
import json
import types
from pathlib import Path

import jax
import numpy as np
import pytest
import yaml
from flax import nnx

from isingml import config
from isingml.cli import main
from isingml.errors import UserError
from isingml.io import checkpoint, datasets, results
from isingml.learning import backend, models, plan, settings, store, train
from isingml.learning.predict import predict_logits

TEMPS = (1.5, 1.8, 3.0, 3.5)  # far from T_c: an easy, real classification problem


@pytest.fixture(scope="module")
def lattices(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data") / "L8"
    for T in TEMPS:
        main(
            [
                "simulate",
                "--L",
                "8",
                "--T",
                str(T),
                "--samples",
                "250",
                "--seed",
                "3",
                "--out",
                str(folder / f"T{T:.4f}.h5"),
            ]
        )
    return folder


def random_spins(L, n=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.choice(np.array([-1, 1], np.int8), size=(n, L, L))


@pytest.mark.parametrize("name", settings.MODELS)
@pytest.mark.parametrize("L", [8, 16])
def test_output_shapes(name, L):
    model = models.build(models.ModelSpec(name, L), nnx.Rngs(0))
    out = model(random_spins(L).astype(np.float32))
    assert out.shape == (6,)
    assert np.all(np.isfinite(out))


def test_cnn_symmetries_translations_and_the_spin_flip():
    """The logit is invariant under every roll of the torus and under the global spin flip; the
    learned order parameter phi is invariant under rolls and odd under the flip."""
    model = models.build(models.ModelSpec("cnn", 12), nnx.Rngs(1))
    x = random_spins(12, n=4, seed=1).astype(np.float32)
    base, phi = np.asarray(model(x)), np.asarray(model.order_parameter(x))
    rng = np.random.default_rng(2)
    for shift in rng.integers(0, 12, size=(10, 2)):
        rolled = np.roll(x, tuple(shift), axis=(1, 2))
        np.testing.assert_allclose(model(rolled), base, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(model.order_parameter(rolled), phi, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model(-x), base, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(model.order_parameter(-x), -phi, rtol=1e-6, atol=1e-7)
    # ...and neither is trivially constant: other configurations give other values.
    assert np.ptp(phi) > 1e-4 and np.ptp(base) > 1e-6


def test_cnn_accepts_other_sizes_fcn_does_not():
    cnn = models.build(models.ModelSpec("cnn", 8), nnx.Rngs(0))
    assert cnn(random_spins(20).astype(np.float32)).shape == (6,)
    fcn = models.build(models.ModelSpec("fcn", 8), nnx.Rngs(0))
    with pytest.raises(ValueError, match="takes L = 8"):
        fcn(random_spins(20).astype(np.float32))


def test_unknown_model_is_refused():
    with pytest.raises(ValueError, match="unknown model 'resnet'"):
        settings.TrainConfig(model="resnet", L=8)


def test_labels_and_stratified_split():
    T = np.repeat([1.5, 2.2, 3.0], 100)
    labels = plan.labels_for(T, "windows", (2.0, 2.6))
    assert set(labels[T == 1.5]) == {1} and set(labels[T == 3.0]) == {0}
    assert set(labels[T == 2.2]) == {-1}
    seq = np.random.SeedSequence(0)
    split = plan.split_by_temperature(T, labels, 0.1, 0.2, seq)
    for t in (1.5, 3.0):
        counts = np.bincount(split[T == t], minlength=4)
        assert counts.tolist() == [70, 10, 20, 0]
    assert set(split[T == 2.2]) == {plan.CRITICAL}
    again = plan.split_by_temperature(T, labels, 0.1, 0.2, np.random.SeedSequence(0))
    np.testing.assert_array_equal(split, again)
    exact = plan.labels_for(T, "exact", None)
    assert exact.tolist() == (T < 2.2692).astype(int).tolist()


def test_each_seed_trains_on_its_own_bootstrap_of_the_training_split():
    T = np.repeat([1.5, 2.2, 3.0], 200)
    labels = plan.labels_for(T, "windows", (2.0, 2.6))
    splits = [
        plan.make_split(
            settings.TrainConfig(model="cnn", L=8, seed=s, window=(2.0, 2.6)), T, labels
        )
        for s in (0, 1)
    ]
    for sp in splits:
        assert np.all(sp.train_counts[sp.codes != plan.TRAIN] == 0)  # held out: never trained
        for t in (1.5, 3.0):  # as many draws as training configurations, per temperature
            sel = (T == t) & (sp.codes == plan.TRAIN)
            assert sp.train_counts[T == t].sum() == sel.sum()
        assert sp.train_counts.max() > 1  # with replacement
    assert not np.array_equal(splits[0].train_counts, splits[1].train_counts)


def test_cnn_learns_a_real_dataset_and_is_deterministic(lattices):
    lat = datasets.load_lattices(lattices, 8)
    spins, T = lat.spins, lat.T
    cfg = settings.TrainConfig(model="cnn", L=8, seed=1, window=(2.0, 2.6), epochs=10, patience=10)
    model, metrics, _ = train.train_and_evaluate(cfg, spins, T)
    assert metrics["accuracy"]["test"] >= 0.95, metrics["accuracy"]
    _, again, _ = train.train_and_evaluate(cfg, spins, T)
    timing = ("wall_seconds", "ensemble_wall_seconds")
    assert {k: v for k, v in metrics.items() if k not in timing} == {
        k: v for k, v in again.items() if k not in timing
    }


def test_checkpoint_and_predict_reproduce_the_model_as_trained(lattices, tmp_path):
    """`isingml train` then `isingml predict` must give the outputs of the network as it left
    training (trained here in-process with the same configuration; training is deterministic on
    the CPU), not merely agree with a second load of the same file."""
    lat = datasets.load_lattices(lattices, 8)
    spins, T = lat.spins, lat.T
    cfg = settings.TrainConfig(model="cnn", L=8, seed=0, window=(2.0, 2.6), epochs=2)
    trained, _, _ = train.train_and_evaluate(cfg, spins, T)
    expected = predict_logits(trained, spins, symmetrize=True)
    out = tmp_path / "cnn"
    main(["train", "--model", "cnn", "--L", "8", "--seed", "0", "--window", "2.0", "2.6",
          "--data", str(lattices), "--out", str(out), "--epochs", "2"])  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == ["metrics.json", "params.npz", "split.npz"]
    metrics = json.loads((out / "metrics.json").read_text())
    for key in ("train", "val", "test", "critical"):
        assert key in metrics["accuracy"]
    assert metrics["backend"] == jax.default_backend() and metrics["n_params"] > 0
    pred = tmp_path / "pred.h5"
    main(["predict", "--model-dir", str(out), "--data", str(lattices), "--out", str(pred)])
    cols, attrs = results.read_predictions(pred)
    assert cols["p_ordered"].shape == (1000,) and attrs["L"] == 8
    np.testing.assert_array_equal(cols["T"], T)
    p = 1 / (1 + np.exp(-expected.astype(np.float64)))
    np.testing.assert_allclose(cols["p_ordered"], p, rtol=1e-6, atol=1e-7)
    # a network that merely reloads its own file would not catch a checkpoint that drops or
    # misassigns parameters: the untrained network must differ
    untrained = models.build(cfg.spec, nnx.Rngs(0))
    assert not np.allclose(predict_logits(untrained, spins, symmetrize=True), expected, atol=1e-3)
    # the stored split, not a rebuilt one: held-out configurations were never trained on
    codes, counts, _ = checkpoint.load_split(out / "split.npz")
    np.testing.assert_array_equal(cols["split"], codes)
    assert np.all(counts[np.isin(codes, (plan.VAL, plan.TEST, plan.CRITICAL))] == 0)


def test_predict_refuses_data_other_than_the_training_data(lattices, tmp_path):
    """If the data folder gains a shard, or a shard changes, the stored split would point at
    other configurations: predict refuses, naming the shard."""
    out = tmp_path / "cnn"
    main(["train", "--model", "cnn", "--L", "8", "--window", "2.0", "2.6",
          "--data", str(lattices), "--out", str(out), "--epochs", "1"])  # fmt: skip
    grown = tmp_path / "grown"
    grown.mkdir()
    for shard in lattices.iterdir():
        (grown / shard.name).write_bytes(shard.read_bytes())
    main(["simulate", "--L", "8", "--T", "2.2", "--samples", "250", "--seed", "3",
          "--out", str(grown / "T2.2000.h5")])  # fmt: skip
    res = run_cli("predict", "--model-dir", str(out), "--data", str(grown),
                  "--out", str(tmp_path / "p.h5"))  # fmt: skip
    assert res.returncode == 2 and "trained on 4 shards" in res.stderr, res.stderr
    (grown / "T2.2000.h5").unlink()
    main(["simulate", "--L", "8", "--T", "1.5", "--samples", "250", "--seed", "4",
          "--out", str(grown / "T1.5000.h5")])  # fmt: skip
    res = run_cli("predict", "--model-dir", str(out), "--data", str(grown),
                  "--out", str(tmp_path / "p.h5"))  # fmt: skip
    assert res.returncode == 2 and "T1.5000.h5 (T = 1.5" in res.stderr, res.stderr
    assert not (tmp_path / "p.h5").exists()


def run_cli(*args):
    """The CLI run in this process, one interpreter start and JAX import less per call
    (tests/test_cli.py runs ``python -m isingml`` itself): its exit status and its stderr."""
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code
    return types.SimpleNamespace(returncode=code, stderr=err.getvalue())


def test_fcn_refuses_other_lattice_size(lattices, tmp_path):
    out = tmp_path / "fcn"
    main(
        [
            "train",
            "--model",
            "fcn",
            "--L",
            "8",
            "--window",
            "2.0",
            "2.6",
            "--data",
            str(lattices),
            "--out",
            str(out),
            "--epochs",
            "1",
        ]
    )
    other = tmp_path / "L12"
    main(
        [
            "simulate",
            "--L",
            "12",
            "--T",
            "3.0",
            "--samples",
            "20",
            "--seed",
            "0",
            "--out",
            str(other / "T3.0000.h5"),
        ]
    )
    res = run_cli(
        "predict", "--model-dir", str(out), "--data", str(other), "--out", str(tmp_path / "p.h5")
    )
    assert res.returncode == 2 and "trained on L = 8" in res.stderr
    assert not (tmp_path / "p.h5").exists()


def test_train_cli_errors(lattices, tmp_path):
    res = run_cli(
        "train",
        "--model",
        "resnet",
        "--L",
        "8",
        "--data",
        str(lattices),
        "--out",
        str(tmp_path / "x"),
    )
    assert res.returncode == 2 and "unknown model 'resnet'" in res.stderr
    res = run_cli(
        "train",
        "--model",
        "cnn",
        "--L",
        "16",
        "--data",
        str(lattices),
        "--out",
        str(tmp_path / "x"),
    )
    assert res.returncode == 2 and "L = 8 shards, but L = 16" in res.stderr
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "T2.0000.h5").write_bytes(b"not hdf5")
    res = run_cli(
        "train", "--model", "cnn", "--L", "8", "--data", str(bad), "--out", str(tmp_path / "x")
    )
    assert res.returncode == 2 and "T2.0000.h5" in res.stderr and "Traceback" not in res.stderr
    res = run_cli(
        "train",
        "--model",
        "cnn",
        "--L",
        "8",
        "--data",
        str(tmp_path / "none"),
        "--out",
        str(tmp_path / "x"),
    )
    assert res.returncode == 2 and "no such folder" in res.stderr


@pytest.mark.slow  # trains networks for longer than make test-fast's budget allows
@pytest.mark.parametrize("model", ["cnn", "fcn"])
def test_scan_and_python_epoch_loops_agree(lattices, model):
    """The accelerator path (one compiled lax.scan per epoch) and the CPU path (the compiled step
    driven from Python) apply the same steps with the same keys: the trained parameters and the
    predictions agree to float32 rounding, on whatever device JAX has."""
    lat = datasets.load_lattices(lattices, 8)
    cfg = settings.TrainConfig(model=model, L=8, seed=2, window=(2.0, 2.6), epochs=2, patience=2)
    trained = {}
    for loop in ("scan", "python"):
        net, metrics, _ = train.train_and_evaluate(cfg, lat.spins, lat.T, loop)
        assert metrics["epoch_loop"] == loop
        trained[loop] = (models.params_to_arrays(net), predict_logits(net, lat.spins))
    for name, value in trained["scan"][0].items():
        np.testing.assert_allclose(value, trained["python"][0][name], rtol=2e-4, atol=2e-5)
    np.testing.assert_allclose(trained["scan"][1], trained["python"][1], rtol=1e-3, atol=1e-4)


def test_epoch_loop_choice_is_measured_per_device_and_model(monkeypatch):
    """The measured choice per backend and model; the environment reaches a job only through
    Backend.from_env (the flag over it), never deep inside the library."""
    measured = backend.epoch_loop("cnn")
    if jax.default_backend() == "cpu":
        assert measured == "python" and backend.epoch_loop("fcn") == "scan"
    else:
        assert measured == "scan"
    monkeypatch.setenv("ISINGML_EPOCH_LOOP", "scan")
    assert backend.Backend.from_env().loop_for("cnn") == "scan"
    assert backend.Backend.from_env(epoch_loop="python").loop_for("cnn") == "python"
    assert backend.epoch_loop("cnn") == measured
    monkeypatch.setenv("ISINGML_EPOCH_LOOP", "loop")
    with pytest.raises(ValueError, match="ISINGML_EPOCH_LOOP"):
        backend.Backend.from_env()


@pytest.mark.slow  # trains networks for longer than make test-fast's budget allows
@pytest.mark.parametrize("axis", ["vmap", "loop"])
@pytest.mark.parametrize("model", ["cnn", "fcn"])
def test_ensemble_member_equals_the_network_trained_alone(lattices, model, axis):
    """Member k of an ensemble trained as one program is the network trained alone with seed k:
    the same bootstrap, initialisation and shuffling keys, so the same parameters to float32
    rounding, whether the members share one vmapped step or take turns through it. They need
    not be bit-identical: vmapping the members turns a convolution into a grouped one (and the
    FCN's products into batched ones), which XLA reduces in another order.
    Early stopping is per member: with patience 1, members stop after different epochs, and a
    stopped member keeps its best parameters while the others go on."""
    lat = datasets.load_lattices(lattices, 8)
    cfgs = [
        settings.TrainConfig(
            model=model, L=8, seed=s, window=(2.0, 2.6), epochs=12, patience=1, learning_rate=0.02
        )
        for s in (0, 1, 2, 3)
    ]
    members = train.train_ensemble(cfgs, lat.spins, lat.T, "python", axis=axis)
    assert all(m.metrics["members_axis"] == axis for m in members)
    epochs = [len(m.metrics["epochs"]) for m in members]
    assert len(set(epochs)) > 1, epochs  # the case this test is about: members stop apart
    for cfg, member in zip(cfgs, members, strict=True):
        alone, metrics, split = train.train_and_evaluate(cfg, lat.spins, lat.T, "python")
        np.testing.assert_array_equal(member.split.train_counts, split.train_counts)
        assert len(member.metrics["epochs"]) == len(metrics["epochs"])
        assert member.metrics["best_epoch"] == metrics["best_epoch"]
        got, want = models.params_to_arrays(member.model), models.params_to_arrays(alone)
        # Rounding in a reordered sum is relative to its summands, so each tensor is compared
        # at a fraction of its own largest element; and training amplifies it epoch by epoch
        # (measured on these data after the ordered start: 1e-7 after 2 epochs, 1.3e-4 in one
        # FCN hidden unit of a member that trained 9, whose logits still agreed to 3e-6), so
        # the members that trained longest are held to 1e-3 of the scale, the others to 1e-4.
        rel = 1e-4 if len(metrics["epochs"]) <= 4 else 1e-3
        for name, value in want.items():
            scale = float(np.max(np.abs(value)))
            np.testing.assert_allclose(got[name], value, rtol=0, atol=rel * scale + 1e-6,
                                       err_msg=name)  # fmt: skip
        assert member.metrics["accuracy"] == pytest.approx(metrics["accuracy"], abs=1e-9)
        np.testing.assert_allclose(
            member.logits, predict_logits(alone, lat.spins, symmetrize=True), rtol=1e-3, atol=1e-4
        )


def test_an_ensemble_is_one_configuration_with_several_seeds(lattices):
    lat = datasets.load_lattices(lattices, 8)
    a = settings.TrainConfig(model="cnn", L=8, seed=0, window=(2.0, 2.6))
    b = settings.TrainConfig(model="cnn", L=8, seed=1, window=(2.0, 2.6), learning_rate=0.1)
    with pytest.raises(UserError, match="differs from seed 0 in learning_rate"):
        train.train_ensemble([a, b], lat.spins, lat.T)
    with pytest.raises(UserError, match="repeat a seed"):
        train.train_ensemble([a, a], lat.spins, lat.T)


@pytest.mark.slow  # trains networks for longer than make test-fast's budget allows
def test_train_cli_writes_one_folder_per_member(lattices, tmp_path):
    """`isingml train --seeds` writes the per-seed folders and predictions the workflow names,
    and each member's predictions are those of its own stored network."""
    out, pred = tmp_path / "cnn", tmp_path / "pred"
    main(["train", "--model", "cnn", "--L", "8", "--seeds", "3", "5", "--window", "2.0", "2.6",
          "--data", str(lattices), "--out", str(out), "--predictions", str(pred),
          "--job", json.dumps({"settings": {"epochs": 2, "channels": [2, 4]}})])  # fmt: skip
    assert sorted(p.name for p in out.iterdir()) == ["seed3", "seed5"]
    assert sorted(p.name for p in pred.iterdir()) == ["seed3.h5", "seed5.h5"]
    lat = datasets.load_lattices(lattices, 8)
    logits = []
    for seed in (3, 5):
        model, spec, cfg = store.load_network(out / f"seed{seed}")
        assert (cfg.seed, cfg.epochs, spec.channels) == (seed, 2, (2, 4))
        cols, attrs = results.read_predictions(pred / f"seed{seed}.h5")
        assert attrs["seed"] == seed
        z = predict_logits(model, lat.spins)
        np.testing.assert_allclose(cols["p_ordered"], 1 / (1 + np.exp(-z.astype(float))), atol=1e-6)
        logits.append(z)
    assert not np.allclose(logits[0], logits[1], atol=1e-3)  # two networks, not one twice
    res = run_cli("train", "--model", "cnn", "--L", "8", "--data", str(lattices), "--out",
                  str(tmp_path / "x"), "--job", '{"settings": {"epoch": 2}}')  # fmt: skip
    assert res.returncode == 2 and "epoch is not a training setting" in res.stderr, res.stderr


def test_coarse_grainings_and_the_features_of_an_ensemble(lattices):
    """The features job's library: block-spin decimations by 2 and 4 (majority rule, none below
    L = 4), and each network of a stacked ensemble on them equal to that network alone."""
    from isingml.learning import ensemble, features, predict
    from isingml.learning.decimation import coarse_grainings

    spins = random_spins(16, n=12, seed=4)
    steps = coarse_grainings(spins, np.random.default_rng(0))
    assert [(b, x.shape[1]) for b, x in steps] == [(1, 16), (2, 8), (4, 4)]
    assert [b for b, _ in coarse_grainings(spins[:, :8, :8], np.random.default_rng(0))] == [1, 2]
    ordered = coarse_grainings(np.ones((2, 16, 16), np.int8), np.random.default_rng(0))
    assert all((x == 1).all() for _, x in ordered)
    nets = [models.build(models.ModelSpec("cnn", 16), nnx.Rngs(k)) for k in (1, 2)]
    graphdef, stacked = ensemble.stack(nets)
    for axis in ("vmap", "loop"):
        out = features.ensemble_features(
            graphdef, stacked, spins, np.random.default_rng(0), members=axis
        )
        for net, got in zip(nets, out, strict=True):
            for b, x in steps:
                logits, phi = predict.outputs(net, x)
                suffix = "" if b == 1 else f"_b{b}"
                np.testing.assert_allclose(got["phi" + suffix], phi, rtol=1e-5, atol=1e-6)
                np.testing.assert_allclose(
                    got["p" + suffix], predict.probability(logits), atol=1e-6
                )
    assert not np.allclose(out[0]["phi"], out[1]["phi"])
    with pytest.raises(UserError, match="share one architecture"):
        fcn = models.build(models.ModelSpec("fcn", 16), nnx.Rngs(0))
        features.stack_networks([(nets[0], models.ModelSpec("cnn", 16)),
                                 (fcn, models.ModelSpec("fcn", 16))], ["a", "b"])  # fmt: skip


def test_confusion_scans_of_several_seeds_together_equal_each_alone(lattices):
    """Learning by confusion, the seeds of a size scanned as one ensemble: each seed's held-out
    accuracy at every proposed boundary is the one of its scan alone."""
    from isingml.learning import confusion

    lat = datasets.load_lattices(lattices, 8)
    cfgs = [settings.TrainConfig(model="cnn", L=8, seed=s, label="exact", epochs=1) for s in (0, 1)]
    together = confusion.confusion_curves(cfgs, lat.spins, lat.T, (1.5, 3.5), 1)
    alone = confusion.confusion_curves(cfgs[1:], lat.spins, lat.T, (1.5, 3.5), 1)[0]
    np.testing.assert_allclose(together[0].proposals, [1.65, 2.4, 3.25])
    np.testing.assert_allclose(together[1].accuracy, alone.accuracy, atol=1 / alone.T_test.size)
    assert together[0].correct.shape == (3, alone.T_test.size)
    assert not np.array_equal(together[0].correct, together[1].correct)  # two scans, not one


def test_a_networks_stream_is_keyed_by_its_name_through_a_frozen_table():
    """seeds.MODEL_KEYS maps each network to the integer its streams always had (once its
    position in a tuple of names): every network has one, the table cannot be changed at run
    time, and the key of a stream is the one b844d1e's results were drawn with."""
    from isingml import seeds

    assert set(seeds.MODEL_KEYS) == set(settings.MODELS)
    assert dict(seeds.MODEL_KEYS) == {"cnn": 0, "fcn": 1, "ecnn": 2}
    with pytest.raises(TypeError):
        seeds.MODEL_KEYS["resnet"] = 3
    assert seeds.train(7, "fcn", 8, 1, (1.8, 2.6)).spawn_key == (2, 1, 8, 1, 18000, 26000)
    assert seeds.shard_key(8, 2.25, "critical") == (0, 8, 22500, (1 << 16) + 1)
    with pytest.raises(ValueError, match="no key"):
        seeds.train(7, "resnet", 8, 0, None)


def test_a_job_gets_its_settings_as_one_object():
    """settings.job_json, what a rule passes as --job, reads back as the same JobSpec; its
    TrainConfigs carry the config's settings, the rest from the schema; an unknown key is
    refused naming it."""
    tiny = Path(__file__).parent / "data" / "tiny_config.yaml"
    full = config.resolved(yaml.safe_load(tiny.read_text()))
    text = settings.job_json(full, "train", L=8, model="cnn", window=[1.8, 2.6])
    spec = settings.JobSpec.from_json(text)
    assert spec.to_json() == text and spec.seeds == (0, 1) and spec.window == (1.8, 2.6)
    assert spec.quality["min_accuracy"] == 0.6 and spec.quality["small_L"] == 8
    cfgs = spec.configs()
    assert [c.seed for c in cfgs] == [0, 1] and cfgs[0].root_seed == 7
    assert (cfgs[0].epochs, cfgs[0].channels, cfgs[0].hidden) == (4, (4,), None)
    study = settings.JobSpec.from_json(
        settings.job_json(full, "efficiency", model="cnn_d4", seed=1, per_temperature=20)
    )
    (cfg,) = study.configs()
    assert (cfg.model, cfg.augment_d4, cfg.resample, study.study_model) == (
        "cnn", True, False, "cnn_d4")  # fmt: skip
    with pytest.raises(UserError, match="unknown key epoch"):
        settings.JobSpec.from_json('{"epoch": 2}')
