"""The lattices' geometry against its definition: neighbour tables written out by hand from the
standard geometries (shared/ARCHITECTURE.md, "Lattices"), colourings, point groups, decimation,
and the refusals of sizes and couplings a lattice cannot take."""

import numpy as np
import pytest

from isingml import lattices
from isingml.errors import UserError

MODELS = {
    "square": lattices.get("square"),
    "anisotropic": lattices.get("square", (1.0, 0.5)),
    "triangular": lattices.get("triangular"),
    "honeycomb": lattices.get("honeycomb"),
}


def by_hand(model, L):
    """Each site's neighbours (y, x) -> set of ((y', x'), J), from the stated definitions."""
    out = {}
    for y in range(L):
        for x in range(L):
            if model in ("square", "anisotropic"):
                Jx, Jy = (1.0, 1.0) if model == "square" else (1.0, 0.5)
                nb = [((y, x + 1), Jx), ((y, x - 1), Jx), ((y + 1, x), Jy), ((y - 1, x), Jy)]
            elif model == "triangular":
                steps = [(0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, -1)]
                nb = [((y + dy, x + dx), 1.0) for dy, dx in steps]
            else:  # brick wall: the rung goes up where x + y is even
                rung = y + 1 if (x + y) % 2 == 0 else y - 1
                nb = [((y, x + 1), 1.0), ((y, x - 1), 1.0), ((rung, x), 1.0)]
            out[y, x] = sorted(((a % L, b % L), J) for (a, b), J in nb)
    return out


@pytest.mark.parametrize("model", sorted(MODELS))
def test_neighbour_table_is_the_stated_geometry(model):
    lat, L = MODELS[model], 6
    nb, J = lat.neighbours(L), lat.direction_couplings
    assert nb.shape == (L * L, lat.degree) and lat.bonds_per_site == lat.degree / 2
    expected = by_hand(model, L)
    for i in range(L * L):
        got = sorted((divmod(int(j), L), J[k]) for k, j in enumerate(nb[i]))
        assert got == expected[divmod(i, L)], (model, divmod(i, L))


@pytest.mark.parametrize("model", sorted(MODELS))
def test_every_bond_is_met_from_both_ends(model):
    lat, L = MODELS[model], 8
    nb, J = lat.neighbours(L), lat.direction_couplings
    directed = sorted((i, int(j), J[k]) for i in range(L * L) for k, j in enumerate(nb[i]))
    reverse = sorted((int(j), i, J[k]) for i in range(L * L) for k, j in enumerate(nb[i]))
    assert directed == reverse
    ground = lat.energy(np.ones((1, L, L), np.int8))[0]
    assert ground == pytest.approx(-sum(J) / 2)  # every bond satisfied


@pytest.mark.parametrize(
    ("model", "L", "colours"),
    [
        ("square", 6, 2),
        ("anisotropic", 4, 2),
        ("triangular", 8, 4),
        ("triangular", 9, 3),
        ("honeycomb", 6, 2),
    ],
)
def test_colouring_is_proper(model, L, colours):
    lat = MODELS[model]
    lat.check_size(L)
    c = lat.colouring(L).ravel()
    assert len(np.unique(c)) == colours
    assert (c[:, None] != c[lat.neighbours(L)]).all()


@pytest.mark.parametrize(
    ("model", "L", "match"),
    [
        ("square", 7, "even"),
        ("honeycomb", 6 + 1, "honeycomb"),
        ("triangular", 7, "multiple of 3"),
        ("square", 2, "even"),
    ],
)
def test_sizes_a_lattice_cannot_take_are_refused(model, L, match):
    with pytest.raises(UserError, match=match):
        MODELS[model].check_size(L, key="lattice_sizes")


@pytest.mark.parametrize(
    ("model", "order", "d4"),
    [
        ("square", 8, True),
        ("anisotropic", 4, False),
        ("triangular", 12, False),
        ("honeycomb", 4, False),
    ],
)
def test_point_group_maps_bonds_onto_bonds(model, order, d4):
    """Each element permutes the sites so that bonds (with their couplings) go onto bonds; the
    group has the stated order and closes under composition."""
    lat, L = MODELS[model], 8
    perms = lat.symmetries(L)
    assert perms.shape == (order, L * L) and lat.has_d4 == d4
    nb, J = lat.neighbours(L), lat.direction_couplings
    bonds = {
        (min(i, int(j)), max(i, int(j)), J[k]) for i in range(L * L) for k, j in enumerate(nb[i])
    }
    as_set = {tuple(p) for p in perms}
    for p in perms:
        image = {(min(p[i], p[j]), max(p[i], p[j]), c) for i, j, c in bonds}
        assert image == bonds
        assert all(tuple(p[q]) in as_set for q in perms)


@pytest.mark.parametrize("model", sorted(MODELS))
def test_decimation_blocks_tile_the_lattice(model):
    lat, L = MODELS[model], 8
    blocks = lat.decimation_blocks(L)
    assert blocks.shape == (L * L // 4, 4)
    assert sorted(blocks.ravel()) == list(range(L * L))
    coarse = lat.colouring(L // 2).ravel() if model == "honeycomb" else None
    if coarse is not None:  # each block is one sublattice, the coarse site's own
        fine = lat.colouring(L).ravel()[blocks]
        assert (fine == coarse[:, None]).all()
    up = np.ones((3, L, L), np.int8)
    rng = np.random.default_rng(1)
    np.testing.assert_array_equal(lat.decimate(up, rng), np.ones((3, L // 2, L // 2)))
    spins = rng.choice(np.array([-1, 1], np.int8), size=(4, L, L))
    a = lat.decimate(spins, np.random.default_rng(2))
    b = lat.decimate(-spins, np.random.default_rng(2))
    assert ((a == -b) | (spins.reshape(4, -1)[:, blocks].sum(-1) == 0).reshape(a.shape)).all()


def test_honeycomb_decimation_needs_l_divisible_by_4():
    with pytest.raises(UserError, match="divisible by 4"):
        MODELS["honeycomb"].decimate(np.ones((1, 6, 6), np.int8), np.random.default_rng(0))


@pytest.mark.parametrize(
    ("name", "couplings", "match"),
    [
        ("kagome", (1, 1), "lattice.name"),
        ("square", (1, 0), "lattice.couplings"),
        ("square", (-1, 1), "lattice.couplings"),
        ("triangular", (1, 0.5), "lattice.couplings"),
    ],
)
def test_bad_models_are_refused_naming_the_key(name, couplings, match):
    with pytest.raises(UserError, match=match):
        lattices.get(name, couplings)


def test_shards_name_their_model_and_old_shards_read_as_the_square_lattice():
    assert lattices.from_attrs({}) == lattices.SQUARE
    for lat in MODELS.values():
        assert lattices.from_attrs(lat.attrs()) == lat
        assert (
            lattices.from_config({"lattice": {"name": lat.name, "couplings": list(lat.couplings)}})
            == lat
        )
    keys = {lat.key for lat in MODELS.values()}
    assert len(keys) == len(MODELS) and all("/" not in k and " " not in k for k in keys)
    assert [lat.is_default for lat in MODELS.values()] == [True, False, False, False]


def test_the_schema_lists_every_lattice():
    """The config's enum (and so `isingml simulate --lattice`'s choices) is the registry's."""
    from isingml import config, seeds

    node = config.schema()["properties"]["lattice"]["properties"]
    assert node["name"]["enum"] == list(lattices.NAMES) == list(seeds.LATTICE_KEYS)
    assert node["couplings"]["default"] == list(lattices.UNIT)
