"""The simple cubic lattice (issue 28): its geometry against the definition written out by hand,
O_h, the 2 x 2 x 2 decimation, the reference values kept apart from exact ones, shards of 3D
configurations (the 2D byte layout unchanged), and the refusals: sizes the kernels cannot take,
a square shard given to a cubic job, and a size the machine has no memory for."""

import itertools
from pathlib import Path

import h5py
import numpy as np
import pytest
import yaml

from isingml import config, lattices, resources, seeds
from isingml.cli import main
from isingml.errors import UserError
from isingml.io import datasets, packing, shards
from isingml.lattices.base import _neighbours
from isingml.sampling import sampler

CUBIC = lattices.get("cubic")
SHIPPED = yaml.safe_load((Path(__file__).resolve().parents[1] / "config.yaml").read_text())


def simulate(path, *flags, L=4, T=4.5, n=40):
    main(["simulate", "--L", str(L), "--T", str(T), "--samples", str(n), "--seed", "5",
          "--out", str(path), *flags])  # fmt: skip
    return path


@pytest.fixture(scope="module")
def cubic_shard(tmp_path_factory):
    return simulate(tmp_path_factory.mktemp("cubic") / "T4.5000.h5", "--lattice", "cubic")


def test_neighbour_table_is_the_simple_cubic_lattice():
    """Six neighbours (z, y, x +- 1), (z, y +- 1, x), (z +- 1, y, x), periodic; the direct
    construction equals the base class's from the offsets; every bond is met from both ends."""
    L = 6
    nb = CUBIC.neighbours(L)
    assert nb.shape == (L**3, 6) and CUBIC.bonds_per_site == 3 and CUBIC.dim == 3
    np.testing.assert_array_equal(nb, _neighbours(CUBIC, L))
    for z, y, x in itertools.product(range(L), repeat=3):
        i = (z * L + y) * L + x
        steps = [(0, 0, 1), (0, 0, -1), (0, 1, 0), (0, -1, 0), (1, 0, 0), (-1, 0, 0)]
        want = sorted(((z + a) % L * L + (y + b) % L) * L + (x + c) % L for a, b, c in steps)
        assert sorted(nb[i]) == want
    directed = sorted((i, int(j)) for i in range(L**3) for j in nb[i])
    assert directed == sorted((int(j), i) for i in range(L**3) for j in nb[i])
    assert CUBIC.energy(np.ones((1, L, L, L), np.int8))[0] == -3.0


def test_checkerboard_colouring_is_proper():
    c = CUBIC.colouring(4).ravel()
    assert set(c) == {0, 1} and (c[:, None] != c[CUBIC.neighbours(4)]).all()


def test_point_group_is_oh_and_maps_bonds_onto_bonds():
    L = 4
    perms = CUBIC.symmetries(L)
    assert perms.shape == (48, L**3) and CUBIC.point_group == "O_h" and not CUBIC.has_d4
    nb = CUBIC.neighbours(L)
    bonds = {(min(i, int(j)), max(i, int(j))) for i in range(L**3) for j in nb[i]}
    as_set = {tuple(p) for p in perms}
    assert len(as_set) == 48
    for p in perms:
        assert {(min(p[i], p[j]), max(p[i], p[j])) for i, j in bonds} == bonds
        assert all(tuple(p[q]) in as_set for q in perms)


def test_decimation_takes_2x2x2_blocks_with_random_ties():
    L = 8
    blocks = CUBIC.decimation_blocks(L)
    assert blocks.shape == (L**3 // 8, 8) and sorted(blocks.ravel()) == list(range(L**3))
    z, y, x = np.unravel_index(blocks, (L, L, L))
    assert (np.ptp(z, axis=1) == 1).all() and (np.ptp(y, axis=1) == 1).all()
    assert ((z.min(axis=1) % 2 == 0) & (x.min(axis=1) % 2 == 0)).all()
    rng = np.random.default_rng(1)
    spins = rng.choice(np.array([-1, 1], np.int8), size=(20, L, L, L))
    a = CUBIC.decimate(spins, np.random.default_rng(2))
    b = CUBIC.decimate(-spins, np.random.default_rng(2))
    sums = spins.reshape(20, -1)[:, blocks].sum(-1).reshape(a.shape)
    assert a.shape == (20, 4, 4, 4) and ((a == np.sign(sums)) | (sums == 0)).all()
    assert ((a == -b) | (sums == 0)).all() and (sums == 0).any()
    ties = CUBIC.decimate(np.tile(np.array([1, -1], np.int8), (500, 4, 4, 2)), rng)
    assert abs(ties.mean()) < 4 / np.sqrt(ties.size)  # a fair coin on every tie


def test_no_exact_tc_only_a_labelled_reference():
    ex = CUBIC.exact
    assert ex.T_c is None and ex.magnetization is None and ex.correlation_length is None
    ref = ex.reference
    assert ex.reference_T_c == ref.T_c and abs(ref.T_c - 4.5115233) < ref.T_c_err
    assert "Ferrenberg" in ex.reference_source  # the citation; the label is where it is shown:
    shown = lattices.reference_of(CUBIC)
    assert not shown.exact and shown.label().startswith("reference $T_c$")
    assert "published estimate, not an exact value" in shown.words()
    # bootstrap: 1/nu = 3 - Delta_eps, gamma/nu = 3 - 2 Delta_sigma, beta/nu = Delta_sigma, so
    # the hyperscaling relation 2 beta/nu + gamma/nu = d holds exactly
    x = ref.exponents
    assert x["gamma_over_nu"] + 2 * x["beta_over_nu"] == pytest.approx(3.0, abs=1e-12)
    assert (round(x["inv_nu"], 6), round(x["gamma_over_nu"], 6)) == (1.587375, 1.963702)
    assert lattices.SQUARE.exact.reference is None and lattices.SQUARE.exact.reference_T_c is None


def test_the_model_is_configuration_and_names_its_stream():
    assert (
        lattices.from_attrs(CUBIC.attrs())
        == CUBIC
        == lattices.from_config({"lattice": {"name": "cubic"}})
    )
    assert CUBIC.key == "cubic" and CUBIC.shape(4) == (4, 4, 4) and CUBIC.n_sites(6) == 216
    assert lattices.from_config(config.load({**SHIPPED, "lattice": {"name": "cubic"}})) == CUBIC
    assert seeds.shard_key(8, 4.5, "network", "cubic")[-1] == seeds.LATTICE_TAG + 3
    with pytest.raises(UserError, match="lattice.couplings"):
        lattices.get("cubic", (1.0, 0.5))


@pytest.mark.parametrize("L", [5, 2, 0, 4.0])
def test_sizes_the_kernels_cannot_take_are_refused(L):
    with pytest.raises(UserError, match="even integer >= 4"):
        sampler.sample(L, 4.5, 10, 0, sampler.SamplerSettings(lattice=CUBIC))


def test_a_config_with_an_odd_cubic_size_is_refused_naming_the_key():
    user = {
        **SHIPPED,
        "lattice": {"name": "cubic"},
        "lattice_sizes": [*SHIPPED["lattice_sizes"], 7],
    }
    with pytest.raises(UserError, match=r"'lattice_sizes'.*7"):
        config.load(user)


def test_shards_hold_3d_configurations(cubic_shard):
    s = shards.read_shard(cubic_shard)
    assert s.spins.shape == (40, 4, 4, 4) and s.lattice == CUBIC
    np.testing.assert_allclose(s.spins.mean(axis=(1, 2, 3)), s.magnetization)
    np.testing.assert_allclose(CUBIC.energy(s.spins), s.energy)
    with h5py.File(cubic_shard) as f:  # the plain-h5py recipe of io/shards.py's docstring
        n, *shape = f["spins"].attrs["shape_unpacked"]
        bits = np.unpackbits(f["spins"][:], axis=1, count=int(np.prod(shape)))
        spins = (2 * bits.astype(np.int8) - 1).reshape(n, *shape)
        assert f["spins"].shape == (40, 8)  # 64 bits per configuration
    np.testing.assert_array_equal(spins, s.spins)
    loaded = datasets.load_lattices([cubic_shard], lattice=CUBIC)
    assert loaded.spins.shape == (40, 4, 4, 4) and loaded.lattice == CUBIC


def test_the_2d_byte_layout_is_unchanged():
    """Row-major, numpy's big-endian bits: the layout of every shard before the cubic lattice,
    written out bit by bit."""
    spins = np.random.default_rng(3).choice(np.array([-1, 1], np.int8), size=(5, 6, 6))
    packed = packing.pack_spins(spins)
    by_hand = np.zeros((5, 5), np.uint8)
    for k, (y, x) in itertools.product(range(5), itertools.product(range(6), range(6))):
        i = 6 * y + x
        by_hand[k, i // 8] |= np.uint8(spins[k, y, x] > 0) << np.uint8(7 - i % 8)
    np.testing.assert_array_equal(packed, by_hand)
    np.testing.assert_array_equal(packing.unpack_spins(packed, 6), spins)


def test_a_square_shard_given_to_a_cubic_job_is_refused_naming_the_file(tmp_path):
    square = simulate(tmp_path / "T4.5000.h5", L=4, n=20)
    with pytest.raises(shards.ShardError, match="square lattice, but this job needs the cubic"):
        shards.read_shard(square, lattice=CUBIC)
    with pytest.raises(shards.ShardError, match=str(square)):
        datasets.load_lattices([square], lattice=CUBIC)


def test_spins_whose_shape_contradicts_the_model_are_refused(cubic_shard, tmp_path):
    bad = tmp_path / "T4.5000.h5"
    bad.write_bytes(cubic_shard.read_bytes())
    with h5py.File(bad, "a") as f:
        f.attrs["lattice"] = "square"  # 64 bits per configuration: a 4 x 4 x 4 or an 8 x 8
        f.attrs["L"] = 8
    with pytest.raises(shards.ShardError, match=r"shape \(4, 4, 4\).*square lattice at L = 8"):
        shards.read_shard(bad)


def test_memory_the_machine_lacks_is_refused_before_any_work(tmp_path, monkeypatch, capsys):
    """L = 512: 134 million sites, about 36 GiB with the neighbour table: refused in one line
    naming the size and the option, with nothing written and no folder made."""
    settings = sampler.SamplerSettings(lattice=CUBIC)
    assert sampler.memory_needed(512, settings) > 30 * 2**30
    monkeypatch.setattr(resources, "available_bytes", lambda: 16 * 2**30)
    with pytest.raises(UserError, match=r"cubic lattice \(134,217,728 sites\) at L = 512 needs"):
        sampler.sample(512, 4.5, 10, 0, settings)
    out = tmp_path / "new" / "T4.5000.h5"
    with pytest.raises(SystemExit) as stop:
        simulate(out, "--lattice", "cubic", L=512)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "--L" in err and "GiB" in err and "Traceback" not in err
    assert not (tmp_path / "new").exists()
