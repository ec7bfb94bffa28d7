"""The samplers on every lattice against exact answers: enumeration of the 4 x 4 tori, the row
transfer matrix at L = 8, the exact spontaneous magnetization at low T, and each other at
L = 32 near T_c. Then the general kernels' mechanics: their deterministic rule against the full
lattice's, per-replica acceptance, energies.

Each statistical comparison allows 4 standard errors (from the per-replica or blocked
jackknife of ``analysis.observables``) and fixes its seed.
"""

import functools

import numpy as np
import pytest

from isingml import lattices
from isingml.analysis import observables
from isingml.exact import enumeration, rows
from isingml.sampling import general, metropolis, multispin, multispin_general, sampler
from isingml.sampling.chain import Chain


def assert_within(name, value, err, exact, z=4.0):
    assert err > 0, f"{name}: zero error bar"
    assert abs(value - exact) <= z * err, (
        f"{name} = {value:.6f} +- {err:.6f}, exact {exact:.6f}: "
        f"{abs(value - exact) / err:.1f} standard errors off"
    )


MODELS = {
    "anisotropic": lattices.get("square", (1.0, 0.5)),
    "triangular": lattices.get("triangular"),
    "honeycomb": lattices.get("honeycomb"),
}
KERNELS = ["metropolis", "wolff", "multispin"]


def run(lattice, L, T, n, seed, algorithm, **settings):
    cfg = sampler.SamplerSettings(algorithm=algorithm, lattice=lattice, **settings)
    plan, chunks = sampler.sample(L, T, n, seed, cfg)
    chunks = list(chunks)
    e = np.concatenate([c.energy for c in chunks])
    m = np.concatenate([c.magnetization for c in chunks])
    return plan, e, m, observables.measure(e, m, L, T, plan.n_replicas, plan.interval)


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("algorithm", KERNELS)
@pytest.mark.parametrize("factor", [0.8, 1.0, 1.5])
def test_4x4_against_exact_enumeration(model, algorithm, factor):
    lat = MODELS[model]
    T = factor * lat.exact.T_c
    exact = enumeration.averages(lat, 4, T)
    _, _, _, obs = run(lat, 4, T, 12_000, 11, algorithm)
    for key in ("e", "abs_m", "m2", "C", "U4"):
        assert_within(f"{model} {algorithm} T={T:.3f} {key}", obs[key], obs[key + "_err"],
                      exact[key])  # fmt: skip


@functools.cache
def transfer_matrix(model, L, T):
    return rows.moments(MODELS[model], L, T)


@pytest.mark.parametrize("model", sorted(MODELS))
@pytest.mark.parametrize("algorithm", KERNELS)
def test_8x8_near_tc_against_the_row_transfer_matrix(model, algorithm):
    lat = MODELS[model]
    T = 1.02 * lat.exact.T_c
    exact = transfer_matrix(model, 8, T)
    _, _, _, obs = run(lat, 8, T, 6000, 13, algorithm)
    for key in ("e", "m2", "C", "U4"):
        assert_within(f"{model} {algorithm} {key}", obs[key], obs[key + "_err"], exact[key])


@pytest.mark.parametrize("model", sorted(MODELS))
def test_exact_spontaneous_magnetization(model):
    """At 0.75 T_c the correlation length is about a lattice spacing: on L = 32 the finite-size
    correction to <|m|> is exponentially small against the error. Potts's (triangular),
    Naya's (honeycomb) and the anisotropic Onsager-Yang m(T) against Wolff's <|m|>."""
    lat = MODELS[model]
    T = 0.75 * lat.exact.T_c
    _, _, _, obs = run(lat, 32, T, 2000, 3, "wolff")
    assert_within(f"{model} <|m|>", obs["abs_m"], obs["abs_m_err"], lat.exact.magnetization(T))


@pytest.mark.slow
@pytest.mark.parametrize("model", sorted(MODELS))
def test_kernels_agree_with_each_other_at_l32_near_tc(model):
    lat, L = MODELS[model], 32
    T = lat.exact.T_c
    res = {a: run(lat, L, T, 3000, 17, a)[3] for a in KERNELS}
    for a in ("metropolis", "multispin"):
        for key in ("e", "abs_m", "m2", "C", "chi", "U4"):
            x, y = res[a], res["wolff"]
            err = np.hypot(x[key + "_err"], y[key + "_err"])
            assert abs(x[key] - y[key]) <= 4 * err, f"{model} {a} {key}: {x[key]} vs {y[key]}"


@pytest.mark.parametrize("model", sorted(MODELS))
def test_kernel_energy_is_the_hamiltonians(model):
    lat, L = MODELS[model], 6
    spins = np.random.default_rng(0).choice(np.array([-1, 1], np.int8), size=(20, L, L))
    kernels = general.TableKernels(lat, L, 2.0)
    for s in spins:
        e, m = kernels.energy_magnetization(s)
        assert e == pytest.approx(lat.energy(s[None])[0], abs=1e-12) and m == s.mean()


def zero_temperature_rule(lat, spins):
    """One sweep of the deterministic rule (flip iff dE <= 0), colour by colour, site by site
    in C order within a colour, written out on the full lattice."""
    L = spins.shape[-1]
    flat, nb, J = spins.reshape(-1).copy(), lat.neighbours(L), lat.direction_couplings
    for i in np.argsort(lat.colouring(L).ravel(), kind="stable"):
        dE = 2 * flat[i] * sum(J[k] * flat[j] for k, j in enumerate(nb[i]))
        if dE <= 0:
            flat[i] = -flat[i]
    return flat.reshape(spins.shape)


@pytest.mark.parametrize("model", sorted(MODELS))
def test_zero_temperature_rule_of_every_general_kernel(model):
    """At T -> 0 (thresholds 0 where dE > 0) Metropolis and the multi-spin replicas follow the
    deterministic rule: one sweep must equal it on the full lattice, in every replica."""
    lat, L = MODELS[model], 6
    rng = np.random.default_rng(4)
    spins = rng.choice(np.array([-1, 1], np.int8), size=(64, L, L))
    expected = np.array([zero_temperature_rule(lat, s) for s in spins])
    k = general.TableKernels(lat, L, 1e-9)
    one = spins[0].copy()
    state = np.array([1, 2, 3, 4], np.uint64)
    general.metropolis_sweeps_table(one.reshape(-1), k.nb, k.weight, k.order, k.threshold, 1, state)
    np.testing.assert_array_equal(one, expected[0])
    rep = multispin_general.TableReplicas(spins, 1e-9, lat, np.array([5, 6, 7, 8], np.uint64))
    assert rep.masks.max() == 0  # exp(-dE / 1e-9) rounds to 0 for every dE > 0
    rep.sweep(1)
    np.testing.assert_array_equal(rep.spins(), expected)


def test_general_kernels_follow_the_square_kernels_rule():
    """On the square lattice with unit couplings the general Metropolis kernel, forced onto it,
    takes the reference kernel's steps at T -> 0: the same colours, the same order, the same
    rule."""
    lat, L = lattices.SQUARE, 8
    spins = np.random.default_rng(9).choice(np.array([-1, 1], np.int8), size=(L, L))
    expected = spins.copy()
    T = 0.05  # every uphill flip's threshold floor(exp(-dE/T) 2^53) is 0
    metropolis.metropolis_sweeps(
        expected, 1, metropolis.metropolis_threshold(T), np.ones(4, np.uint64)
    )
    k = general.TableKernels(lat, L, T)
    general.metropolis_sweeps_table(spins.reshape(-1), k.nb, k.weight, k.order, k.threshold, 1,
                                    np.ones(4, np.uint64))  # fmt: skip
    np.testing.assert_array_equal(spins, expected)


def test_multispin_acceptance_is_exact_per_replica():
    """All spins up on the triangular lattice: every flip costs dE = 12 and must be accepted
    with probability t / 2**32 in each replica, t = 0x078A3C21 set by hand."""
    lat, L, R = MODELS["triangular"], 12, multispin.REPLICAS
    t = 0x078A3C21
    rep = multispin_general.TableReplicas(np.ones((R, L, L), np.int8), 2.0, lat,
                                          np.array([1, 2, 3, 4], np.uint64))  # fmt: skip
    rep.masks[rep.kind[rep.counts[:, 0] == 0][0]] = multispin.bit_masks(t)
    counts, reps = np.zeros(R), 400
    first = rep.order[: L * L // 4]  # colour 0 of four: its sites see only up neighbours
    for _ in range(reps):
        rep.words[:] = multispin.ALL
        multispin_general.multispin_table_sweeps(rep.words, rep.nb, first, rep.dclass,
                                                 rep.counts, rep.always, rep.kind, rep.masks,
                                                 1, rep.state)  # fmt: skip
        bits = np.unpackbits(rep.words.view(np.uint8), bitorder="little").reshape(-1, R)
        counts += (bits == 0).sum(axis=0)
    n, p = reps * first.size, t / 2**32
    assert abs(counts.sum() - R * n * p) < 4 * np.sqrt(R * n * p * (1 - p))
    chi2 = ((counts - counts.mean()) ** 2).sum() / (n * p * (1 - p))
    assert abs(chi2 - (R - 1)) < 4 * np.sqrt(2 * (R - 1))


def test_each_lattice_draws_its_own_stream_and_repeats_it():
    a = run(MODELS["triangular"], 8, 3.6, 200, 7, "auto")
    b = run(MODELS["triangular"], 8, 3.6, 200, 7, "auto")
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])
    cfg = sampler.SamplerSettings(lattice=MODELS["honeycomb"], grid="critical")
    key = sampler.shard_key(8, 1.5, cfg)
    assert key != sampler.shard_key(8, 1.5, sampler.SamplerSettings(grid="critical"))
    chain = Chain.start(8, 1.5, np.random.SeedSequence(1), lattice=MODELS["honeycomb"])
    assert chain.spins.shape == (8, 8) and abs(chain.spins.sum()) == 64  # ordered start


def test_shard_attributes_name_the_model():
    cfg = sampler.SamplerSettings(algorithm="metropolis", lattice=MODELS["anisotropic"])
    plan, _ = sampler.sample(8, 1.7, 10, 0, cfg)
    attrs = sampler.shard_attributes(plan, cfg, 8, 1.7, 0)
    assert attrs["lattice"] == "square" and attrs["couplings"] == [1.0, 0.5]
    assert lattices.from_attrs(attrs) == MODELS["anisotropic"]
    # the kernel that ran: the neighbour table's, not the square's split kernel
    assert attrs["algorithm"] == "metropolis" and attrs["kernel"] == "general"
    square = sampler.SamplerSettings(algorithm="metropolis")
    plan, _ = sampler.sample(8, 2.3, 10, 0, square)
    assert sampler.shard_attributes(plan, square, 8, 2.3, 0)["kernel"] == "split"


def test_cost_model_takes_each_lattices_own_inputs():
    """cost.py models tau_int from the model's own correlation length (none known for the
    triangular lattice: the square's at the same T / T_c) and its own per-spin costs."""
    import math

    from isingml import cost
    from isingml.physics import ONSAGER_TC

    tri, an = MODELS["triangular"], MODELS["anisotropic"]
    assert math.isinf(cost.correlation_length(tri.exact.T_c, tri))
    assert math.isinf(cost.correlation_length(an.exact.T_c, an))
    assert cost.correlation_length(1.1 * tri.exact.T_c, tri) == pytest.approx(
        cost.correlation_length(1.1 * ONSAGER_TC)
    )
    square = cost.sampling_seconds("metropolis", 32, ONSAGER_TC, 10_000)
    triangular = cost.sampling_seconds("metropolis", 32, tri.exact.T_c, 10_000, tri)
    ratio = tri.cost.cost_ns["metropolis"] / lattices.SQUARE.cost.cost_ns["metropolis"]
    assert triangular == pytest.approx(ratio * square, rel=1e-12)  # both at T_c: L_eff = L
    assert cost.simulate(32, 5.0, 10_000, "auto", 1000, None, tri).seconds > 0
