"""Statistics of Markov-chain series that the sampler and the analysis share: the integrated
autocorrelation time, and the spacing of stored samples it sets. Below both ``sampling/`` and
``analysis/``: the sampler plans with it, the analysis checks the stored series against it.

Integrated autocorrelation time with Sokal's automatic windowing:

tau_int = 1/2 + sum_{t=1}^{W} rho(t), with W the smallest window such that W >= c * tau_int(W)
(Sokal, "Monte Carlo methods in statistical mechanics", 1997, section 3; c = 6 here, as in
emcee and Goodman & Weare). With this convention, uncorrelated data have tau_int = 1/2 and the
variance of a mean of n samples is 2 tau_int var / n.
"""

from dataclasses import dataclass

import numpy as np

WINDOW_C = 6.0
# A series shorter than this many tau_int gives an unreliable estimate (Sokal: the relative
# error of tau_int is about sqrt(2 (2W + 1) / n), 20 % at 100 tau with W = 6 tau). A length test
# alone is circular: a short series underestimates tau_int and then passes it (for Metropolis
# |m| at T_c, L = 32, true tau 42 sweeps, pilots stopped at 15-34). The sampler's pilot therefore
# also needs a floor in sweeps and an estimate that stopped rising (sampling.plan.is_reliable).
RELIABLE_LENGTH = 100.0
# Stored samples are spaced by about this many tau_int (the sampler's plan); a stored series
# whose samples are less than half of it (one tau_int) apart is noted by the simulate job and
# by the analysis's sampling check.
TARGET_SPACING_TAUS = 2.0
MIN_SPACING_TAUS = TARGET_SPACING_TAUS / 2


@dataclass(frozen=True)
class TauEstimate:
    tau: float  # in units of the series' spacing; 0.5 for independent samples
    window: int
    n: int

    @property
    def reliable(self) -> bool:
        return self.n >= RELIABLE_LENGTH * self.tau


def autocorrelation(x):
    """Normalised autocorrelation function rho(t), t = 0..n-1, of a 1-D series (via FFT)."""
    x = np.asarray(x, dtype=np.float64)
    n = x.size
    y = x - x.mean()
    size = 1 << int(2 * n - 1).bit_length()
    f = np.fft.rfft(y, n=size)
    acf = np.fft.irfft(f * np.conjugate(f), n=size)[:n]
    if acf[0] <= 0.0:  # a constant series: every lag is perfectly "uncorrelated noise-free"
        rho = np.zeros(n)
        rho[0] = 1.0
        return rho
    return acf / acf[0]


def tau_int(x, c=WINDOW_C):
    """Integrated autocorrelation time of ``x`` in units of its spacing (>= 0.5)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"tau_int needs a 1-D series of at least 2 values, got shape {x.shape}")
    rho = autocorrelation(x)
    taus = 0.5 + np.cumsum(rho[1:])  # taus[W-1] = tau_int with window W
    windows = np.arange(1, x.size)
    ok = windows >= c * taus
    w = int(np.argmax(ok)) if ok.any() else x.size - 2
    return TauEstimate(tau=float(max(taus[w], 0.5)), window=w + 1, n=x.size)
