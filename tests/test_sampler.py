"""Sampler mechanics: seeding, reproducibility, thinning, argument checks."""

import itertools

import numpy as np
import pytest

from isingml import seeds
from isingml import statistics as autocorr
from isingml.sampling import rng, sampler, split_layout, split_metropolis


def collect_all(L, T, n, seed, algorithm="auto"):
    plan, chunks = sampler.sample(L, T, n, seed, sampler.SamplerSettings(algorithm=algorithm))
    return plan, np.concatenate([c.spins for c in chunks])


def test_same_seed_gives_identical_configurations():
    _, a = collect_all(8, 2.3, 50, seed=7)
    _, b = collect_all(8, 2.3, 50, seed=7)
    np.testing.assert_array_equal(a, b)


def test_shard_does_not_depend_on_job_order():
    _, first = collect_all(8, 2.5, 30, seed=7)
    collect_all(8, 2.0, 30, seed=7)  # another shard of the same root, run in between
    _, again = collect_all(8, 2.5, 30, seed=7)
    np.testing.assert_array_equal(first, again)


def test_different_spawn_keys_give_different_streams():
    keys = {seeds.shard_key(L, T) for L in (8, 16) for T in (2.0, 2.0001, 2.3)}
    assert len(keys) == 6
    words = []
    for L, T in [(8, 2.0), (8, 2.0001), (16, 2.0)]:
        state = rng.rng_state(seeds.sequence(7, seeds.shard_key(L, T)))
        out = np.empty(64, dtype=np.uint64)
        rng.random_words(state, out)
        words.append(out)
    assert not np.array_equal(words[0], words[1])
    assert not np.array_equal(words[0], words[2])


def test_random_words_are_uniform_bits():
    state = rng.rng_state(np.random.SeedSequence(1))
    out = np.empty(100_000, dtype=np.uint64)
    rng.random_words(state, out)
    bits = np.unpackbits(out.view(np.uint8))
    # 6.4e6 fair bits: the mean is 0.5 within 4 standard errors (0.5 / sqrt(n))
    assert abs(bits.mean() - 0.5) < 4 * 0.5 / np.sqrt(bits.size)


@pytest.mark.parametrize("algorithm", ["metropolis", "wolff"])
def test_stored_samples_are_nearly_independent(chain, algorithm):
    """The pilot's tau_int sets the spacing of stored samples to >= 2 tau_int; measured on the
    stored series itself, tau_int (in units of the spacing) is then about 0.5-0.7. An
    underestimated pilot tau (the spacing below 1 tau) gives > 1. With 3000 samples the
    estimate's standard error is about 0.07 (Sokal: tau sqrt(2 (2W + 1) / n)), so 1.0 is more
    than 4 standard errors above the expected value. L = 16 at T_c, fixed seed."""
    plan, e, m = chain(16, 2.269, 3000, seed=1, algorithm=algorithm)
    for name, x in (("E", e), ("|m|", np.abs(m))):
        tau = autocorr.tau_int(x).tau
        assert tau < 1.0, f"{algorithm}: stored {name} series has tau_int {tau:.2f} spacings"
    assert plan.updates_per_sample % plan.pilot.per_record == 0


def test_auto_picks_wolff_at_tc_and_is_deterministic():
    # L = 64 at T_c: Metropolis's tau_int is ~150 sweeps, Wolff's ~2 sweep-equivalents, and a
    # 5-sample job cannot pay the replicas' burn-in
    plans = [collect_all(64, 2.269, 5, seed=3)[0] for _ in range(2)]
    assert plans[0].algorithm == "wolff"
    assert plans[0] == plans[1]


def test_auto_picks_multispin_for_many_samples_far_from_tc():
    plan, spins = collect_all(8, 3.5, 20_000, seed=3)
    assert plan.algorithm == "multispin" and plan.burn_in >= 1000
    assert spins.shape == (20_000, 8, 8)
    # consecutive stored samples are different replicas at one time: no two are equal copies
    assert not (spins[1:] == spins[:-1]).all(axis=(1, 2)).any()


def test_tau_int_of_ar1_process():
    # AR(1) with coefficient a has tau_int = (1 + a) / (2 (1 - a)) exactly.
    rng = np.random.default_rng(0)
    a, n = 0.8, 200_000
    x = np.empty(n)
    x[0] = 0
    noise = rng.normal(size=n)
    for i in range(1, n):
        x[i] = a * x[i - 1] + noise[i]
    est = autocorr.tau_int(x)
    assert est.reliable
    assert est.tau == pytest.approx((1 + a) / (2 * (1 - a)), rel=0.08)
    assert autocorr.tau_int(rng.normal(size=10_000)).tau == pytest.approx(0.5, abs=0.05)


@pytest.mark.parametrize(("L", "T"), [(7, 2.0), (2, 2.0), (8, 0.0), (8, -1.0), (8, float("nan"))])
def test_bad_lattice_arguments(L, T):
    with pytest.raises(ValueError):
        sampler.sample(L, T, 10, 0)


def test_bad_algorithm():
    with pytest.raises(ValueError, match="algorithm"):
        sampler.SamplerSettings(algorithm="heatbath")


@pytest.mark.parametrize("L", [4, 6, 10, 16, 64])
def test_split_kernel_neighbours_match_the_full_lattice(L):
    """With zero thresholds the split kernel's rule is deterministic (flip iff s h <= 0), so one
    sweep must equal the same rule applied colour by colour on the full lattice, and the
    accepted count must equal the number of changed spins (halo cells are not counted)."""
    rng = np.random.default_rng(L)
    spins = rng.choice(np.array([-1, 1], np.int8), size=(L, L))
    expected = spins.copy()
    i, j = np.indices((L, L))
    for colour in (0, 1):
        s = expected.astype(int)
        h = np.roll(s, 1, 0) + np.roll(s, -1, 0) + np.roll(s, 1, 1) + np.roll(s, -1, 1)
        flip = ((i + j) % 2 == colour) & (s * h <= 0)
        expected[flip] *= -1
    lattice = split_metropolis.SplitLattice(spins)
    np.testing.assert_array_equal(lattice.spins(), spins)
    stream = np.array([12345, 0], np.uint64)
    accepted = lattice.sweep(1, np.uint64(0), np.uint64(0), stream)
    np.testing.assert_array_equal(lattice.spins(), expected)
    assert accepted == (expected != spins).sum()
    assert stream[1] == 2  # one key per half-sweep


@pytest.mark.parametrize("t_hi, t_lo", [(0, 40000), (3, 32768)])
def test_split_kernel_acceptance_is_exact_to_32_bits(t_hi, t_lo):
    """On an all-up lattice every attempted flip has s h = 4, accepted with probability
    t / 2**32. With t_hi = 0 only the tie path (16 more bits) can accept; with t_hi = 3 both
    stages contribute, the tie path 1/7 of the accepts (dropping it is an 8-sigma error).
    Tolerance 4 standard errors, fixed stream keys."""
    L = 256
    t = np.uint64(t_hi * 65536 + t_lo)
    accepted, reps = 0, 3000 if t_hi == 0 else 1000
    lattice = split_metropolis.SplitLattice(np.ones((L, L), np.int8))
    B0 = lattice.B.copy()
    P = L // 2 + 2
    start, stop = (
        split_layout.flat_index(0, 0, P, False),
        split_layout.flat_index(L - 1, L // 2 - 1, P, False) + 1,
    )
    for rep in range(reps):
        lattice.B[:] = B0
        rk = np.uint64((rep + 1) * 0x9E3779B97F4A7C15 % 2**64)
        flipped = split_metropolis._colour(
            lattice.B, lattice.W, lattice.VB, -P, P + 1, 0, 1, start, stop, t, t, rk, lattice.words
        )
        assert flipped == (lattice.B[lattice.VB == 1] == -1).sum()
        accepted += flipped
    n = reps * L * L // 2
    p = float(t) / 2**32
    assert abs(accepted - n * p) < 4 * np.sqrt(n * p * (1 - p))


def test_split_kernel_never_undoes_a_forced_flip():
    """A forced flip (s h = -4) makes s h = +4. If that site's 16 random bits equal the high
    half of t4, and the same chunk holds a genuine tie (an uphill site with the same bits), a
    tie pass that re-tested the updated spins would take the flipped site for a tie too and,
    with t4's low half 0xFFFF, flip it back. The random bits are known in advance (a counter-
    based hash), so the test picks a chunk with two equal values and places the two sites."""
    L = 64
    lattice = split_metropolis.SplitLattice(np.ones((L, L), np.int8))
    P = L // 2 + 2
    start = split_layout.flat_index(0, 0, P, False)
    stop = split_layout.flat_index(L - 1, L // 2 - 1, P, False) + 1
    n = stop - start
    valid = lattice.VB[start:stop] == 1
    for rep in range(1000):  # find a key whose bits repeat within a chunk at valid sites
        rk = np.uint64((rep + 1) * 0x9E3779B97F4A7C15 % 2**64)
        split_metropolis._fill(lattice.words, (n + 1) // 2, np.uint32(rk & np.uint64(2**32 - 1)),
                               np.uint32(rk >> np.uint64(32)))  # fmt: skip
        r16 = lattice.words.view(np.uint16)[:n].copy()
        pair = None
        for c0 in range(0, n, split_metropolis.CHUNK):
            idx = np.flatnonzero(valid[c0 : c0 + split_metropolis.CHUNK]) + c0
            values, first, counts = np.unique(r16[idx], return_index=True, return_counts=True)
            if (counts > 1).any():
                v = values[np.argmax(counts > 1)]
                pair = idx[r16[idx] == v][:2]
                break
        if pair is not None:
            break
    assert pair is not None
    uphill, forced = start + pair[0], start + pair[1]
    lattice.B[forced] = -1  # its four (white) neighbours are +1: s h = -4
    t4 = np.uint64((int(r16[pair[0]]) << 16) | 0xFFFF)
    split_metropolis._colour(
        lattice.B, lattice.W, lattice.VB, -P, P + 1, 0, 1, start, stop, t4, t4, rk, lattice.words
    )
    assert lattice.B[forced] == 1, "a forced flip was undone by the tie pass"
    assert lattice.B[uphill] == -1  # the genuine tie: accepted unless its 16 more bits are all 1


def test_no_two_random_streams_of_a_configuration_coincide():
    """Every stream the package draws (isingml.seeds), for a configuration of two grids, every
    lattice, models, windows, sizes and seeds, has a key of its own, and the keys' families
    (first elements) cannot meet: a new stream added without a family of its own would fail
    here."""
    from isingml.learning.settings import MODELS

    keys = []
    for grid, lattice in itertools.product(("network", "critical"), seeds.LATTICE_KEYS):
        for L in (8, 16, 32):
            for T in (2.0, 2.2692, 2.27, 3.5):
                shard = seeds.shard_key(L, T, grid, lattice)
                keys += [shard, seeds.replicas(seeds.sequence(1, shard)).spawn_key,
                         seeds.decimation(1, shard).spawn_key]  # fmt: skip
    for L in (8, 16, 32):
        for seed in (0, 1, 2, 10_000):
            keys += [seeds.split(1, L, seed).spawn_key, seeds.resample(1, L, seed).spawn_key,
                     seeds.subset(1, L, seed).spawn_key]  # fmt: skip
            for m in MODELS:
                for window in (None, (1.8, 2.6), (2.0, 2.8)):
                    keys.append(seeds.train(1, m, L, seed, window).spawn_key)
    for method in ("cnn", "fcn", "magnetization", "ncc", "cnn_binder"):
        keys.append(seeds.crossing_bootstrap(1, method).spawn_key)
    keys.append(seeds.confusion_bootstrap(1).spawn_key)
    keys = [tuple(int(k) for k in key) for key in keys]
    assert len(set(keys)) == len(keys)
    families = {k[0] for k in keys}
    assert families == {seeds.SIMULATE, seeds.SPLIT, seeds.TRAIN, seeds.ANALYSIS}


def test_the_simulate_job_writes_every_sample_and_the_stored_tau_to_its_sink():
    """The job hands the sink every sample in order and finishes it with the shard's
    attributes, the stored series' tau_int among them; the sink is opened only once planned."""
    import contextlib

    from isingml.sampling import job

    class Sink:
        opened, chunks, attrs = 0, [], None

        def __enter__(self):
            Sink.opened += 1
            return self

        def __exit__(self, *exc):
            return False

        def append(self, spins, energy, magnetization):
            self.chunks.append((spins, energy, magnetization))

        def finish(self, **attrs):
            Sink.attrs = attrs

    settings = sampler.SamplerSettings(algorithm="metropolis", chunk=16)
    progress = contextlib.nullcontext(lambda k: None)
    result = job.simulate(8, 3.0, 40, 7, settings, Sink, lambda n, label: progress)
    plan, chunks = sampler.sample(8, 3.0, 40, 7, settings)
    expected = np.concatenate([c.energy for c in chunks])
    assert Sink.opened == 1 and result.plan.algorithm == "metropolis"
    np.testing.assert_array_equal(np.concatenate([c[1] for c in Sink.chunks]), expected)
    assert Sink.attrs["stored_tau_int_energy"] == result.stored_tau[0]
    assert Sink.attrs["seed"] == 7 and set(result.stages) == {"plan", "sampling", "finish"}
    assert job.kernels_used(sampler.SamplerSettings(algorithm="multispin")) == (
        "metropolis",
        "multispin",
    )
