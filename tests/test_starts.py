"""Every chain starts ordered with a random sign, whatever T: no start compares T with a
critical temperature (none is assumed known), and the sign comes from the chain's own stream.
The physics after such a start faces the exact answers in test_exact_physics.py.

Counts of signs allow 4 standard errors of a fair binomial and fix their seeds.
"""

import pathlib

import numpy as np
import pytest

from isingml import seeds
from isingml.sampling import multispin
from isingml.sampling.chain import Chain

Z = 4.0
SEEDS = range(64)


def fair_coin_bounds(n, z=Z):
    half, sd = n / 2, np.sqrt(n) / 2
    return half - z * sd, half + z * sd


@pytest.mark.parametrize("T", [1.0, 2.27, 3.5])
def test_every_chain_starts_ordered_with_a_random_sign(T):
    """One shard per root seed: each starts in an ordered state, and over 64 roots the signs
    are those of a fair coin (both occur)."""
    signs = []
    for root in SEEDS:
        chain = Chain.start(8, T, seeds.sequence(root, seeds.shard_key(8, T)))
        assert np.all(chain.spins == chain.spins[0, 0]), f"root {root}: not ordered"
        signs.append(int(chain.spins[0, 0]))
    lo, hi = fair_coin_bounds(len(signs))
    assert lo <= signs.count(1) <= hi, signs


def test_the_start_does_not_depend_on_the_temperature():
    """The same stream gives the same start on either side of T_c: the temperature is not
    consulted (the shards of different T differ only through their own streams)."""
    seq = seeds.sequence(5, seeds.shard_key(8, 2.0))
    starts = [Chain.start(8, T, seq).spins for T in (1.0, 2.0, 2.3, 3.5, 50.0)]
    for s in starts[1:]:
        np.testing.assert_array_equal(s, starts[0])


@pytest.mark.parametrize("T", [1.0, 3.5])
def test_replicas_start_ordered_each_with_a_sign_of_its_own(T):
    """The 64 replicas of the multi-spin kernel: each ordered, signs a fair coin per replica
    (both occur), drawn from the replicas' stream, and so reproducible."""
    seq = seeds.sequence(3, seeds.shard_key(8, T))
    chain = Chain.start(8, T, seq)
    chain.start_replicas(burn_in=0)
    spins = chain.replicas.spins()
    assert spins.shape == (multispin.REPLICAS, 8, 8)
    first = spins[:, :1, :1]
    assert np.all(spins == first), "a replica does not start ordered"
    lo, hi = fair_coin_bounds(multispin.REPLICAS)
    assert lo <= int((first == 1).sum()) <= hi
    again = Chain.start(8, T, seq)
    again.start_replicas(burn_in=0)
    np.testing.assert_array_equal(again.replicas.spins(), spins)


def test_no_sampling_code_reads_the_exact_critical_temperature():
    """The house rule behind the ordered start: nothing under sampling/ steers by Onsager's
    T_c (cost hints and plans included)."""
    root = pathlib.Path(__file__).resolve().parents[1] / "src" / "isingml" / "sampling"
    users = [p.name for p in root.glob("*.py") if "ONSAGER_TC" in p.read_text()]
    assert users == []
