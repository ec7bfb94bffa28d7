"""Exact distributions of small tori and independent samples drawn from them, shared by the
tests that check estimators and their error bars against exact answers."""

import functools

import numpy as np

from isingml import exact

density_of_states = functools.cache(exact.density_of_states)


def exact_distribution(L, T):
    """(E total, m per site, probability) over the levels of the exact g(E, M) at T (L <= 8)."""
    e, m, g = density_of_states(L)
    E, M = np.meshgrid(e * L * L, m, indexing="ij")
    logw = np.where(g > 0, np.log(np.where(g > 0, g, 1.0)) - E / T, -np.inf)
    p = np.exp(logw - logw.max())
    return E.ravel(), M.ravel(), p.ravel() / p.sum()


def iid_series(L, temperatures, n, rng):
    """n independent (T, e, m (n, 1), layout) samples per temperature from the exact
    distribution, in the form ``binder.size_tables`` takes."""
    out = []
    for T in temperatures:
        E, M, p = exact_distribution(L, T)
        idx = rng.choice(p.size, size=n, p=p)
        out.append((T, E[idx] / L**2, M[idx][:, None], {"interval": 1.0}))
    return out
