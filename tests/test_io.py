"""HDF5 shards: round trip with plain h5py, compactness, atomic writes and every refusal."""

import subprocess
import sys

import h5py
import numpy as np
import pytest

from isingml.cli import main
from isingml.io import datasets, shards


def simulate(path, L=8, T=2.3, n=300, seed=7, algorithm="auto"):
    main(
        [
            "simulate",
            "--L",
            str(L),
            "--T",
            str(T),
            "--samples",
            str(n),
            "--seed",
            str(seed),
            "--algorithm",
            algorithm,
            "--out",
            str(path),
        ]
    )
    return path


@pytest.fixture(scope="module")
def shard(tmp_path_factory):
    return simulate(tmp_path_factory.mktemp("shards") / "T2.3000.h5", L=6)


def test_round_trip_and_provenance(shard):
    s = shards.read_shard(shard)
    assert s.spins.dtype == np.int8 and s.spins.shape == (300, 6, 6)
    assert set(np.unique(s.spins)) <= {-1, 1}
    # E and M stored per sample agree with the stored configurations.
    np.testing.assert_allclose(s.spins.mean(axis=(1, 2)), s.magnetization)
    bonds = s.spins * (np.roll(s.spins, -1, 1) + np.roll(s.spins, -1, 2))
    np.testing.assert_allclose(-bonds.mean(axis=(1, 2)), s.energy)
    for key in shards.REQUIRED_ATTRS:
        assert key in s.attrs
    assert s.attrs["L"] == 6 and s.attrs["T"] == 2.3 and s.attrs["seed"] == 7


def test_plain_h5py_recipe_from_the_docs(shard):
    with h5py.File(shard) as f:
        L, n = int(f.attrs["L"]), f["spins"].shape[0]
        bits = np.unpackbits(f["spins"][:], axis=1, count=L * L)
        spins = (2 * bits.astype(np.int8) - 1).reshape(n, L, L)
    np.testing.assert_array_equal(spins, shards.read_shard(shard).spins)


def test_spins_take_at_most_1_1_bits_on_disk(tmp_path):
    path = simulate(tmp_path / "hot.h5", L=32, T=50.0, n=400)  # near-random spins
    with h5py.File(path) as f:
        bits = f["spins"].id.get_storage_size() * 8
        assert bits / (400 * 32 * 32) <= 1.1


def test_same_config_gives_bit_identical_shards(tmp_path):
    a = shards.read_shard(simulate(tmp_path / "a.h5"))
    b = shards.read_shard(simulate(tmp_path / "b.h5"))
    np.testing.assert_array_equal(a.spins, b.spins)
    np.testing.assert_array_equal(a.energy, b.energy)


def test_multispin_shard_records_its_replicas(tmp_path):
    path = simulate(tmp_path / "ms.h5", L=8, T=2.5, n=200, algorithm="multispin")
    again = simulate(tmp_path / "ms2.h5", L=8, T=2.5, n=200, algorithm="multispin")
    s = shards.read_shard(path)
    assert s.attrs["algorithm"] == "multispin" and s.attrs["kernel"] == "multispin"
    assert s.attrs["n_replicas"] == 64 and s.attrs["replica_burn_in"] >= 1000
    assert "time-major" in s.attrs["sample_order"]
    np.testing.assert_allclose(s.spins.mean(axis=(1, 2)), s.magnetization)
    np.testing.assert_array_equal(s.spins, shards.read_shard(again).spins)


def copy_with(shard, tmp_path, edit):
    path = tmp_path / "bad.h5"
    path.write_bytes(shard.read_bytes())
    with h5py.File(path, "a") as f:
        edit(f)
    return path


def test_refuses_truncated_file(shard, tmp_path):
    path = tmp_path / "cut.h5"
    path.write_bytes(shard.read_bytes()[:2000])
    with pytest.raises(shards.ShardError, match="cut.h5"):
        shards.read_shard(path)


def test_refuses_missing_file(tmp_path):
    with pytest.raises(shards.ShardError, match="no such shard"):
        shards.read_shard(tmp_path / "nope.h5")


def test_refuses_wrong_schema_version(shard, tmp_path):
    path = copy_with(shard, tmp_path, lambda f: f.attrs.modify("schema_version", 99))
    with pytest.raises(shards.ShardError, match="bad.h5: schema_version 99"):
        shards.read_shard(path)


def test_an_hdf5_file_that_is_no_shard_is_called_so(tmp_path):
    """A file some other program wrote is not mistaken for a shard cut short."""
    path = tmp_path / "other.h5"
    with h5py.File(path, "w") as f:
        f["energy"] = np.zeros(3)
    with pytest.raises(shards.ShardError) as err:
        shards.read_shard(path)
    assert "other.h5: this file is not an isingml shard (no schema_version attribute)" in str(
        err.value
    )
    assert "completely" not in str(err.value)


def test_a_shard_missing_an_attribute_names_it(shard, tmp_path):
    path = copy_with(shard, tmp_path, lambda f: f.attrs.__delitem__("tau_int_energy"))
    with pytest.raises(shards.ShardError, match=r"bad.h5: missing attributes \['tau_int_energy'\]"):
        shards.read_shard(path)


def replace(name, data):
    def edit(f):
        attrs = dict(f[name].attrs)
        del f[name]
        f[name] = data
        for k, v in attrs.items():
            f[name].attrs[k] = v

    return edit


def test_refuses_wrong_shape(shard, tmp_path):
    path = copy_with(shard, tmp_path, replace("energy", np.zeros(299)))
    with pytest.raises(shards.ShardError, match=r"/energy .* expected float64 \(300,\)"):
        shards.read_shard(path)


def test_refuses_wrong_dtype(shard, tmp_path):
    path = copy_with(shard, tmp_path, replace("magnetization", np.zeros(300, np.float32)))
    with pytest.raises(shards.ShardError, match="/magnetization is float32"):
        shards.read_shard(path)
    path = copy_with(shard, tmp_path, replace("spins", np.zeros((300, 5), np.uint16)))
    with pytest.raises(shards.ShardError, match="/spins has dtype uint16"):
        shards.read_shard(path)


def test_refuses_spin_values_other_than_plus_minus_one(shard, tmp_path):
    spins = shards.read_shard(shard).spins.copy()
    np.testing.assert_array_equal(  # int8 spins are accepted when they are +-1...
        shards.read_shard(copy_with(shard, tmp_path, replace("spins", spins))).spins, spins
    )
    spins[3, 2, 1] = 0  # ...and refused otherwise
    with pytest.raises(shards.ShardError, match=r"values \[0\]"):
        shards.read_shard(copy_with(shard, tmp_path, replace("spins", spins)))


def test_refuses_corrupt_padding_bits(shard, tmp_path):
    def edit(f):
        f["spins"][0, -1] = 0xFF  # L = 6: 36 spins use 4.5 bytes, 4 bits are padding

    with pytest.raises(shards.ShardError, match="padding"):
        shards.read_shard(copy_with(shard, tmp_path, edit))


def test_failed_write_leaves_nothing(tmp_path):
    path = tmp_path / "T1.0000.h5"
    with pytest.raises(RuntimeError), shards.ShardWriter(path, 4) as w:
        w.append(np.ones((2, 4, 4), np.int8), np.zeros(2), np.zeros(2))
        raise RuntimeError("killed mid-way")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--L", "7"], "L must be an even integer"),
        (["--L", "2"], "L must be an even integer"),
        (["--T", "0"], "T must be a positive"),
        (["--samples", "0"], "must be a positive integer"),
        (["--out", "/proc/no/such/dir/x.h5"], "cannot create the folder"),
    ],
)
def test_cli_refuses_bad_arguments(tmp_path, args, message):
    base = {
        "--L": "8",
        "--T": "2.3",
        "--samples": "10",
        "--seed": "1",
        "--out": str(tmp_path / "x.h5"),
    }
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = [sys.executable, "-m", "isingml", "simulate", *sum(base.items(), ())]
    res = subprocess.run(argv, capture_output=True, text=True)
    assert res.returncode == 2
    assert message in res.stderr
    assert "Traceback" not in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_binder_grid_shard_keeps_only_some_spins_and_training_refuses_it(tmp_path):
    """A shard of the Binder grid stores E and M of every sample but the spins of only the
    first few (here 64 of 300, or none): it reads back, and the training reader refuses it
    naming the file, instead of training on a fraction of the data."""
    for keep in (64, 0):
        path = tmp_path / f"T2.2690_{keep}.h5"
        main(["simulate", "--L", "8", "--T", "2.269", "--samples", "300", "--seed", "1",
              "--spins", str(keep), "--grid", "critical", "--out", str(path)])  # fmt: skip
        s = shards.read_shard(path)
        assert s.energy.shape == (300,) and s.spins.shape == (keep, 8, 8)
        assert s.attrs["n_spins"] == keep and s.attrs["grid"] == "critical"
        assert 0.3 < s.attrs["stored_tau_int_abs_m"] < 1.5
        with h5py.File(path) as f:
            assert ("spins" in f) == (keep > 0)
        with pytest.raises(shards.ShardError, match=f"{path.name}: holds"):
            datasets.load_lattices(path)
    # a critical-grid shard draws its own stream: not a copy of the network grid's chain
    net = simulate(tmp_path / "net.h5", L=8, T=2.269, n=300, seed=1)
    assert not np.array_equal(shards.read_shard(net).energy, s.energy)
