"""Thermodynamic observables of one (L, T) series, each with a standard error.

Inputs are the per-sample energy per site ``e`` and signed magnetization per site ``m`` of a
Markov chain. Errors of plain means use the measured integrated autocorrelation time,
sigma^2 = 2 tau_int var / n. Errors of the nonlinear quantities (C, chi, U4) come from a
jackknife over blocks that are several tau_int long, so that the blocks are close to independent.

Definitions (N = L^2, J = k_B = 1):
    C   = N (<e^2> - <e>^2) / T^2           specific heat per site
    chi = N (<m^2> - <|m|>^2) / T           finite-lattice susceptibility per site
    U4  = 1 - <m^4> / (3 <m^2>^2)           Binder cumulant
"""

import math

import numpy as np

from isingml.errors import UserError
from isingml.sampling.autocorr import tau_int

MIN_BLOCKS = 20
BLOCK_TAUS = 5.0  # block length in units of tau_int
COLUMNS = (
    "e",
    "e_err",
    "abs_m",
    "abs_m_err",
    "m2",
    "m2_err",
    "m4",
    "m4_err",
    "C",
    "C_err",
    "chi",
    "chi_err",
    "U4",
    "U4_err",
    "tau_int_e",
    "tau_int_abs_m",
    "n",
)


def _derived(mom, n_sites, T):
    """C, chi, U4 from moment means; ``mom[..., k]`` = <e>, <e^2>, <|m|>, <m^2>, <m^4>."""
    e, e2, am, m2, m4 = (mom[..., k] for k in range(5))
    return (
        n_sites * (e2 - e**2) / T**2,
        n_sites * (m2 - am**2) / T,
        1.0 - m4 / (3.0 * m2**2),
    )


def measure(e, m, L, T):
    """All observables of one series as a dict (keys in ``COLUMNS``)."""
    e = np.asarray(e, dtype=np.float64)
    m = np.asarray(m, dtype=np.float64)
    if e.shape != m.shape or e.ndim != 1 or e.size < 2 * MIN_BLOCKS:
        raise UserError(f"need two equal 1-D series of >= {2 * MIN_BLOCKS} samples")
    am = np.abs(m)
    moments = np.stack([e, e**2, am, m**2, m**4], axis=1)
    taus = [tau_int(x).tau for x in (e, am, m**2)]
    out = {"tau_int_e": taus[0], "tau_int_abs_m": taus[1], "n": e.size}
    for key, col in (("e", 0), ("abs_m", 2), ("m2", 3), ("m4", 4)):
        x = moments[:, col]
        tau = tau_int(x).tau
        out[key] = x.mean()
        out[key + "_err"] = math.sqrt(2.0 * tau * x.var(ddof=1) / x.size)

    block = max(1, math.ceil(BLOCK_TAUS * max(taus)))
    n_blocks = max(MIN_BLOCKS, e.size // block)
    block = e.size // n_blocks
    means = moments[: n_blocks * block].reshape(n_blocks, block, 5).mean(axis=1)
    leave_one_out = (means.sum(axis=0) - means) / (n_blocks - 1)
    full = _derived(moments.mean(axis=0), L * L, T)
    jack = _derived(leave_one_out, L * L, T)
    for key, value, samples in zip(("C", "chi", "U4"), full, jack, strict=True):
        out[key] = float(value)
        out[key + "_err"] = float(math.sqrt((n_blocks - 1) * samples.var()))
    return out


def observables_rows(shards):
    """One row per (L, T) from shards read without spins; sorted by T."""
    rows = []
    for s in sorted(shards, key=lambda s: s.T):
        row = {"L": s.L, "T": s.T, **measure(s.energy, s.magnetization, s.L, s.T)}
        rows.append(row)
    return rows
