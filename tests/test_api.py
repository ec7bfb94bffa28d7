"""The Python interface (``isingml.sample``, ``read_shard``, ``load_network``, ``read_results``)
is the jobs' own library calls: what it returns equals what the command line writes."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import isingml
from isingml.errors import UserError

BIN = Path(sys.executable).parent


def test_import_is_cheap_and_lists_the_api():
    code = "import isingml, sys; print('jax' in sys.modules, 'numba' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
    assert set(isingml.API) <= set(isingml.__all__)
    with pytest.raises(AttributeError, match="no attribute 'nothere'"):
        isingml.nothere  # noqa: B018


@pytest.mark.parametrize("algorithm", ["metropolis", "wolff", "multispin"])
def test_sample_equals_the_shard_isingml_simulate_writes(tmp_path, algorithm):
    """The same (L, T, samples, seed, algorithm) gives the same configurations, energies,
    magnetizations and provenance in memory as in the shard."""
    out = tmp_path / "s.h5"
    args = ["--L", "8", "--T", "2.4", "--samples", "130", "--seed", "11", "--thermalize", "50"]
    subprocess.run([str(BIN / "isingml"), "simulate", *args, "--algorithm", algorithm,
                    "--out", str(out)], check=True, capture_output=True)  # fmt: skip
    s = isingml.sample(8, 2.4, 130, seed=11, algorithm=algorithm, thermalize=50)
    shard = isingml.read_shard(out)
    assert s.spins.dtype == np.int8 and s.spins.shape == (130, 8, 8)
    np.testing.assert_array_equal(s.spins, shard.spins)
    np.testing.assert_array_equal(s.energy, shard.energy)
    np.testing.assert_array_equal(s.magnetization, shard.magnetization)
    for key in ("algorithm", "interval", "seed", "tau_int_energy", "T", "grid"):
        np.testing.assert_array_equal(s.attrs[key], shard.attrs[key])
    assert (s.L, s.T) == (8, 2.4)


def test_sample_is_physical_at_the_limits():
    """Deep in the ordered phase |m| -> 1 and e -> -2; at T -> infinity e and m average 0
    (a few standard errors of independent spins: 4 sigma)."""
    cold = isingml.sample(8, 0.5, 64, seed=1, algorithm="metropolis")
    assert np.abs(cold.magnetization).min() > 0.99 and cold.energy.max() < -1.98
    hot = isingml.sample(16, 1e3, 400, seed=1, algorithm="metropolis")
    sigma_e = np.sqrt(2 / 256 / 400)  # bonds s_i s_j independent +-1: var 1 per bond, 2N bonds
    assert abs(hot.energy.mean()) < 4 * sigma_e
    assert abs(hot.magnetization.mean()) < 4 / np.sqrt(256 * 400)


def test_read_shard_names_a_missing_file(tmp_path):
    with pytest.raises(UserError, match="nothere.h5"):
        isingml.read_shard(tmp_path / "nothere.h5")
