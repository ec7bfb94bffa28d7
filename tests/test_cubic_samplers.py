"""The samplers on the simple cubic lattice: Metropolis, Wolff and the multi-spin replicas on the
4 x 4 x 4 torus against its exact moments (``exact.cubic``), each other at L = 16 near the
reference T_c, the deterministic rule at T -> 0, and the front doors (``isingml.sample``).

Each statistical comparison allows 4 standard errors (per-replica or blocked jackknife of
``analysis.observables``, told the lattice, so that C and chi count L^3 sites) and fixes its
seed.
"""

import functools

import numpy as np
import pytest

from isingml import api, lattices
from isingml.analysis import observables
from isingml.exact import cubic
from isingml.sampling import general, multispin_general, sampler

CUBIC = lattices.get("cubic")
T_REF = CUBIC.exact.reference_T_c  # a reference, not exact: only where T_c lies matters here
KERNELS = ["metropolis", "wolff", "multispin"]
KEYS = ("e", "m2", "m4", "U4")


def run(L, T, n, seed, algorithm):
    cfg = sampler.SamplerSettings(algorithm=algorithm, lattice=CUBIC)
    plan, chunks = sampler.sample(L, T, n, seed, cfg)
    chunks = list(chunks)
    assert chunks[0].spins.shape[1:] == (L, L, L)
    e = np.concatenate([c.energy for c in chunks])
    m = np.concatenate([c.magnetization for c in chunks])
    return plan, observables.measure(e, m, L, T, plan.n_replicas, plan.interval, CUBIC)


@functools.cache
def exact(T):
    return cubic.moments(CUBIC, 4, T)


@pytest.mark.parametrize("algorithm", KERNELS)
@pytest.mark.parametrize("T", [3.5, T_REF, 6.0])
def test_4x4x4_against_the_exact_transfer_matrix(algorithm, T):
    _, obs = run(4, T, 12_000, 21, algorithm)
    for key in KEYS:
        err, want = obs[key + "_err"], exact(T)[key]
        assert err > 0 and abs(obs[key] - want) <= 4 * err, (
            f"{algorithm} T={T:.4f} {key} = {obs[key]:.6f} +- {err:.6f}, exact {want:.6f}"
        )


@pytest.mark.slow
def test_kernels_agree_with_each_other_at_l16_near_tc():
    """L = 16 at the reference T_c: Metropolis (tau_int ~ 16-40 sweeps, so fewer samples),
    Wolff and the 64 multi-spin replicas, each pair within 4 combined standard errors."""
    L = 16
    res = {a: run(L, T_REF, n, 23, a)[1] for a, n in
           (("metropolis", 1000), ("wolff", 4000), ("multispin", 4000))}  # fmt: skip
    for a, b in (("metropolis", "wolff"), ("multispin", "wolff"), ("metropolis", "multispin")):
        for key in ("e", "abs_m", "m2", "U4"):
            x, y = res[a], res[b]
            err = np.hypot(x[key + "_err"], y[key + "_err"])
            assert abs(x[key] - y[key]) <= 4 * err, f"{a}/{b} {key}: {x[key]} vs {y[key]}"


def zero_temperature_rule(spins):
    """One sweep of the rule 'flip iff dE <= 0', colour by colour, C order within a colour,
    written out on the full cube."""
    L = spins.shape[-1]
    flat, nb = spins.reshape(-1).copy(), CUBIC.neighbours(L)
    for i in np.argsort(CUBIC.colouring(L).ravel(), kind="stable"):
        if flat[i] * flat[nb[i]].sum() <= 0:
            flat[i] = -flat[i]
    return flat.reshape(spins.shape)


def test_the_general_kernels_follow_the_zero_temperature_rule_in_3d():
    L = 4
    spins = np.random.default_rng(4).choice(np.array([-1, 1], np.int8), size=(64, L, L, L))
    expected = np.array([zero_temperature_rule(s) for s in spins])
    k = general.TableKernels(CUBIC, L, 1e-9)
    one = spins[0].copy()
    state = np.array([1, 2, 3, 4], np.uint64)
    general.metropolis_sweeps_table(one.reshape(-1), k.nb, k.weight, k.order, k.threshold, 1, state)
    np.testing.assert_array_equal(one, expected[0])
    rep = multispin_general.TableReplicas(spins, 1e-9, CUBIC, np.array([5, 6, 7, 8], np.uint64))
    assert rep.counts.shape == (7, 1)  # 0..6 anti-aligned neighbours, one bond class
    rep.sweep(1)
    np.testing.assert_array_equal(rep.spins(), expected)
    for s in spins[:5]:
        e, m = k.energy_magnetization(s)
        assert e == pytest.approx(CUBIC.energy(s[None])[0]) and m == s.mean()


def test_auto_chooses_by_the_cost_model_and_the_api_samples_cubes():
    s = api.sample(8, T_REF, 128, seed=3, lattice="cubic")
    assert s.spins.shape == (128, 8, 8, 8) and s.attrs["lattice"] == "cubic"
    assert s.attrs["algorithm"] in KERNELS and s.L == 8
    np.testing.assert_allclose(CUBIC.energy(s.spins), s.energy)
    again = api.sample(8, T_REF, 128, seed=3, lattice="cubic")
    np.testing.assert_array_equal(again.spins, s.spins)  # its own stream, repeated
