"""The independent Markov chains inside a shard's series, and the groups of a blocked jackknife.

A shard written by one chain (Metropolis, Wolff) holds one time series. A multi-spin shard holds
``n_replicas`` (64) independent chains stored time-major: sample i is replica ``i % R`` at
sampling time ``i // R``. Autocorrelations exist only along a chain, so tau_int is measured per
chain and averaged, and the jackknife deletes groups that are independent of each other: whole
replicas, or for a single chain contiguous blocks of at least ``MIN_BLOCK_TAUS`` tau_int
(Flyvbjerg & Petersen, J. Chem. Phys. 91, 461 (1989): blocks much longer than tau_int are
nearly independent).
"""

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from isingml.errors import UserError
from isingml.statistics import tau_int

MIN_BLOCK_TAUS = 10.0  # jackknife blocks of a single chain are at least this many tau_int long
MAX_GROUPS = 64  # more groups cost time and hardly sharpen the error estimate
MIN_GROUPS = 8  # fewer and the jackknife's own error exceeds ~25 %


@dataclass(frozen=True)
class Layout:
    """Which chain and which time each sample of a series belongs to.

    ``chain`` and ``time`` are int arrays of shape (n,); ``n_chains`` chains; ``interval`` is
    the spacing of successive samples of one chain in sweeps (Wolff: sweep-equivalents).
    """

    chain: np.ndarray
    time: np.ndarray
    n_chains: int
    interval: float


def layout(n, attrs):
    """The layout of a shard's n samples from its attributes (``n_replicas``, ``interval``)."""
    replicas = int(attrs.get("n_replicas", 1))
    i = np.arange(n)
    return Layout(i % replicas, i // replicas, replicas, float(attrs["interval"]))


def chain_series(x, lay: Layout):
    """The series of each chain (a list of 1-D arrays, in time order)."""
    return [x[lay.chain == c] for c in range(lay.n_chains)]


def tau_per_chain(x, lay: Layout):
    """tau_int of x measured on each chain separately (units of that chain's spacing); chains
    shorter than 4 samples are skipped. Returns the array of per-chain estimates."""
    return np.array([tau_int(s).tau for s in chain_series(x, lay) if s.size >= 4])


def groups(lay: Layout, tau):
    """Jackknife group of each sample, the number of groups, and the group length in tau_int.

    Multiple chains: whole chains, dealt round-robin into at most MAX_GROUPS groups. A single
    chain: contiguous blocks of at least MIN_BLOCK_TAUS * tau samples (tau in units of the
    spacing), at most MAX_GROUPS of them, and at least MIN_GROUPS even if the blocks must then
    be shorter; the returned length (in tau_int) lets the caller report that.
    """
    n = lay.chain.size
    if lay.n_chains > 1:
        G = min(lay.n_chains, MAX_GROUPS)
        return lay.chain % G, G, (n / lay.n_chains) / tau
    block = max(math.ceil(MIN_BLOCK_TAUS * tau), math.ceil(n / MAX_GROUPS))
    G = max(min(n // block, MAX_GROUPS), MIN_GROUPS)
    if n < 2 * G:
        raise UserError(f"a series of {n} samples is too short for a blocked jackknife")
    block = n // G
    return np.minimum(np.arange(n) // block, G - 1), G, block / tau


def jackknife(values):
    """Standard error from delete-one-group estimates ``values`` (G, ...): the jackknife
    variance (G - 1)/G sum (v_g - mean)^2 (Efron & Stein 1981)."""
    values = np.asarray(values, dtype=np.float64)
    G = values.shape[0]
    return np.sqrt((G - 1) / G * np.sum((values - values.mean(axis=0)) ** 2, axis=0))


def group_sums(columns, group, G):
    """Per-group sums of each column of ``columns`` (n, k), and per-group counts: (G, k), (G,)."""
    sums = np.zeros((G, columns.shape[1]))
    np.add.at(sums, group, columns)
    return sums, np.bincount(group, minlength=G).astype(np.float64)


def leave_one_out_means(columns, group, G):
    """(full means (k,), delete-one-group means (G, k)) of the columns of ``columns`` (n, k)."""
    sums, counts = group_sums(columns, group, G)
    total, n = sums.sum(axis=0), counts.sum()
    return total / n, (total - sums) / (n - counts)[:, None]


def student_error(values):
    """t_(n-1)(0.8413) s / sqrt(n): a 1-sigma error of the mean of n values (0 for n = 1)."""
    values = np.asarray(values, dtype=np.float64)
    n = values.size
    if n < 2:
        return 0.0
    return float(stats.t.ppf(0.8413, n - 1) * values.std(ddof=1) / math.sqrt(n))
