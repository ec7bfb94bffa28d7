"""The samplers against exact results: enumeration of the 4x4 torus, Onsager, each other.

Each comparison allows 4 standard errors (errors from the measured tau_int, or from a blocked
jackknife for C and U4) and fixes its seed, so a failure is reproducible and a pass is not luck.
"""

import numpy as np
import pytest

from isingml import exact, physics
from isingml.analysis import observables

Z = 4.0  # tolerance in standard errors
ALGORITHMS = ["metropolis", "wolff"]
# every kernel faces the exact tests
KERNELS = ["metropolis", "metropolis-reference", "multispin", "wolff"]


def assert_within(name, value, err, exact, z=Z):
    assert err > 0, f"{name}: zero error bar"
    assert abs(value - exact) <= z * err, (
        f"{name} = {value:.6f} +- {err:.6f}, exact {exact:.6f}: "
        f"{abs(value - exact) / err:.1f} standard errors off"
    )


@pytest.mark.parametrize("algorithm", KERNELS)
@pytest.mark.parametrize("T", [1.5, 2.27, 3.5])
def test_4x4_against_exact_enumeration(chain, algorithm, T):
    exact = physics.exact_averages(4, T)
    plan, e, m = chain(4, T, 40_000, seed=11, algorithm=algorithm)
    obs = observables.measure(e, m, 4, T)
    for key in ("e", "abs_m", "m2", "m4", "C", "U4"):
        ex = exact[key]
        assert_within(f"{algorithm} T={T} {key}", obs[key], obs[key + "_err"], ex)


def test_enumeration_limits():
    """The enumeration itself: T -> 0 gives the ground state, T -> infinity free spins."""
    cold = physics.exact_averages(4, 0.05)
    assert cold["e"] == pytest.approx(-2.0) and cold["abs_m"] == pytest.approx(1.0)
    hot = physics.exact_averages(4, 1e6)
    assert hot["e"] == pytest.approx(0.0, abs=1e-5)
    assert hot["m2"] == pytest.approx(1 / 16, rel=1e-4)  # <m^2> = 1/N for independent spins


@pytest.mark.parametrize("algorithm", KERNELS)
def test_onsager_spontaneous_magnetization(chain, algorithm):
    # At T = 1.8 the correlation length is about one lattice spacing, so the finite-size
    # correction on L = 64 is exponentially small against the statistical error.
    T = 1.8
    _, e, m = chain(64, T, 3000, seed=3, algorithm=algorithm)
    obs = observables.measure(e, m, 64, T)
    assert_within("<|m|>", obs["abs_m"], obs["abs_m_err"], physics.onsager_magnetization(T))


@pytest.mark.parametrize("algorithm", KERNELS)
@pytest.mark.parametrize("T", [1.0, 1.4])
def test_ordered_start_gives_onsager_magnetization_at_the_lowest_temperatures(chain, algorithm, T):
    """The lowest temperatures of the networks' grid at its largest default size (L = 24): the
    ordered start (either sign) leaves no stripe domains, so <|m|> is Onsager's m(T); a random
    start frozen in stripes would read far below it. The correlation length is below one
    lattice spacing, so the finite-size correction is exponentially small. Fixed seed."""
    _, e, m = chain(24, T, 2000, seed=29, algorithm=algorithm)
    obs = observables.measure(e, m, 24, T)
    assert_within("<|m|>", obs["abs_m"], obs["abs_m_err"], physics.onsager_magnetization(T))


@pytest.mark.parametrize("algorithm", KERNELS)
@pytest.mark.parametrize("T", [2.5, 3.5])
def test_ordered_start_disorders_above_tc(chain, algorithm, T):
    """Above T_c the ordered start must decorrelate within the thermalisation (and the
    multi-spin burn-in): <e>, <m^2> and U4 of L = 12 agree with the transfer matrix. Fixed
    seed; errors from the per-replica jackknife."""
    plan, e, m = chain(12, T, 8000, seed=31, algorithm=algorithm)
    obs = observables.measure(e, m, 12, T, plan.n_replicas, plan.interval)
    ex = exact.moments(12, T)
    for key in ("e", "m2", "U4"):
        assert_within(f"{algorithm} T={T} {key}", obs[key], obs[key + "_err"], ex[key])


@pytest.mark.parametrize("algorithm", KERNELS)
def test_onsager_energy(chain, algorithm):
    T = 3.0  # high-T phase: finite-size corrections on L = 64 are exponentially small
    _, e, m = chain(64, T, 3000, seed=5, algorithm=algorithm)
    obs = observables.measure(e, m, 64, T)
    assert_within("e", obs["e"], obs["e_err"], physics.onsager_energy(T))


@pytest.mark.parametrize("T", [0.5, 50.0])
def test_temperature_limits(chain, T):
    """T -> 0: ground state e = -2, |m| = 1; T -> infinity: e -> -2 tanh(1/T) ~ 0."""
    _, e, m = chain(16, T, 500, seed=2, algorithm="metropolis")
    if T < 1:
        assert e.mean() == pytest.approx(-2.0, abs=2e-3)
        assert np.abs(m).mean() == pytest.approx(1.0, abs=1e-3)
    else:
        obs = observables.measure(e, m, 16, T)
        assert_within("e", obs["e"], obs["e_err"], -2 * np.tanh(1 / T))


def test_metropolis_and_wolff_agree_at_tc(chain):
    T, L = 2.269, 16
    res = {}
    for algorithm in KERNELS:
        _, e, m = chain(L, T, 4000, seed=17, algorithm=algorithm)
        res[algorithm] = observables.measure(e, m, L, T)
    for metropolis in ("metropolis", "metropolis-reference", "multispin"):
        a, b = res[metropolis], res["wolff"]
        for key in ("e", "abs_m", "m2", "C", "chi", "U4"):
            err = np.hypot(a[key + "_err"], b[key + "_err"])
            assert abs(a[key] - b[key]) <= Z * err, f"{metropolis} {key}: {a[key]} vs {b[key]}"


def test_wolff_decorrelates_far_faster_at_tc(chain):
    plans = {a: chain(32, physics.ONSAGER_TC, 100, seed=23, algorithm=a)[0] for a in ALGORITHMS}
    metro, wolff = plans["metropolis"].pilot, plans["wolff"].pilot
    assert metro.reliable and wolff.reliable
    # Dynamic exponents z ~ 2.17 (Metropolis) and ~0.25 (Wolff): at L = 32 Metropolis's tau_int
    # of |m| is tens of sweeps or more, Wolff's a few sweep-equivalents.
    assert wolff.tau_int_abs_m * 10 < metro.tau_int_abs_m
    assert wolff.tau_int_energy * 3 < metro.tau_int_energy
