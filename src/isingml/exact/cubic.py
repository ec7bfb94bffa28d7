"""Exact moments of the 4 x 4 x 4 simple cubic torus (2^64 states) by a layer transfer matrix;
the same code takes the isotropic square lattice's L x L tori for L <= 16 (its checks).

A layer is one slice of axis 0 (z on the cube, y on the square): n <= 16 sites, its state s an
integer (bit i: site i of the slice, C order, spin +1). Successive layers couple site by site, so
with W(s) = exp(-beta E_layer(s) + h M(s)) (diagonal: the layer's own bonds and field) and
B(s, s') = exp(K sum_i s_i s'_i) = exp(K (n - 2 |s xor s'|)) (Kramers & Wannier 1941),

    Z = Tr (W B)^L = sum_(a, b) W(a) W(b) G(a, b)^2,   G = B (W B)^(L/2 - 1),

L even: G is a palindromic product of symmetric matrices, so symmetric, and the trace splits at
layers 0 and L/2. B is a product of one 2 x 2 matrix per site ("butterflies", as in
``exact.square``): applying it costs n 2^n, not 4^n. Row a of G costs one explicit B row and
L/2 - 1 (W, butterfly) steps, and the sum over a runs over one layer state per orbit of the
layer's automorphisms (found by a backtracking search: 384 for the 4 x 4 layer, whose torus is
the 4-cube) and the global flip, weighted by the orbit's size: about 65,536 / 768 rows instead
of 65,536. Only even powers of M survive that reduction, which is all the moments need.

Each entry is an element of the ring R[eps, h] / (eps^2, eps h, h^5), coefficients in the order
1, eps, h, h^2, h^3, h^4: the eps coefficient carries the layers' own energy (relative to its
minimum, so that no weight exceeds 1), the h coefficients the moments of M. The bonds between
layers carry no eps: on the isotropic L^d torus every axis is equivalent (the point group
permutes them), so <E> = d / (d - 1) <E_layers>. The specific heat would need eps^2 and eps in
B as well; it is not computed.
"""

import functools
import math

import numpy as np
from numba import njit

from isingml.numerics import binder_cumulant

MAX_LAYER_SITES = 16
NCOEF = 6  # 1, eps, h, h^2, h^3, h^4


@njit(cache=True)
def _ring_mul(x, y, out):
    """out = x y in R[eps, h] / (eps^2, eps h, h^5) (module docstring's coefficient order);
    out may be x."""
    o0 = x[0] * y[0]
    o1 = x[0] * y[1] + x[1] * y[0]
    h1 = x[0] * y[2] + x[2] * y[0]
    h2 = x[0] * y[3] + x[2] * y[2] + x[3] * y[0]
    h3 = x[0] * y[4] + x[2] * y[3] + x[3] * y[2] + x[4] * y[0]
    h4 = x[0] * y[5] + x[2] * y[4] + x[3] * y[3] + x[4] * y[2] + x[5] * y[0]
    out[0], out[1], out[2], out[3], out[4], out[5] = o0, o1, h1, h2, h3, h4


@njit(cache=True)
def _butterflies(v, n, q):
    """v <- B v with the normalised B(s, s') = q^|s xor s'|, one site (bit) at a time; v has
    one row per layer state."""
    S = v.shape[0]
    for bit in range(n):
        step = 1 << bit
        for start in range(0, S, 2 * step):
            for j in range(start, start + step):
                for c in range(NCOEF):
                    x, y = v[j, c], v[j + step, c]
                    v[j, c] = x + q * y
                    v[j + step, c] = q * x + y


@njit(cache=True)
def _trace(reps, sizes, W, popcount, n, half, q):
    """sum over a of sizes[a] W(a) sum_b W(b) G(a, b)^2 (module docstring) as a ring element;
    W (2^n, NCOEF) the layer weights, ``half`` = L / 2."""
    S = W.shape[0]
    qd = q ** np.arange(n + 1)
    v = np.empty((S, NCOEF))
    x, acc, total = np.empty(NCOEF), np.empty(NCOEF), np.zeros(NCOEF)
    for r in range(reps.shape[0]):
        a = reps[r]
        v[:] = 0.0
        for s in range(S):
            v[s, 0] = qd[popcount[a ^ s]]
        for _ in range(half - 1):
            for s in range(S):
                _ring_mul(v[s], W[s], v[s])
            _butterflies(v, n, q)
        acc[:] = 0.0
        for s in range(S):
            _ring_mul(v[s], v[s], x)
            _ring_mul(x, W[s], x)
            acc += x
        _ring_mul(acc, W[a], x)
        total += sizes[r] * x
    return total


def automorphisms(adj):
    """int64 (|G|, n): every permutation p of the n vertices with adj[p_i, p_j] = adj[i, j]
    (adj: symmetric (n, n) bond couplings, 0 where there is none), by backtracking."""
    n = adj.shape[0]
    found, p, used = [], [-1] * n, [False] * n

    def extend(i):
        if i == n:
            found.append(list(p))
            return
        for c in range(n):
            if not used[c] and all(adj[c, p[j]] == adj[i, j] for j in range(i)):
                p[i], used[c] = c, True
                extend(i + 1)
                used[c] = False

    extend(0)
    return np.array(found, dtype=np.int64)


def orbits(perms, n):
    """(reps, sizes): one state per orbit of the 2^n layer states under the site permutations
    ``perms`` and the global flip, and the orbit sizes."""
    codes = np.arange(2**n, dtype=np.int64)
    bits = (codes[:, None] >> np.arange(n)) & 1
    canon = codes.copy()
    for p in perms:
        image = bits @ (np.int64(1) << p)  # bit i goes to bit p_i
        canon = np.minimum(canon, np.minimum(image, image ^ (2**n - 1)))
    reps, sizes = np.unique(canon, return_counts=True)
    return reps, sizes.astype(np.float64)


@functools.lru_cache(maxsize=8)
def _layer(lattice, L):
    """(E_layer, M, adj, d) of one axis-0 slice: each layer state's own energy and magnetization,
    the slice's bond couplings and the dimension."""
    lattice.check_size(L)
    J = np.asarray(lattice.direction_couplings)
    n = lattice.n_sites(L) // L
    if lattice.dim < 2 or n > MAX_LAYER_SITES or L % 2 or np.ptp(J) != 0:
        raise ValueError(
            f"the layer transfer matrix takes isotropic lattices with layers of at most "
            f"{MAX_LAYER_SITES} sites and L even, got {lattice.name} L = {L}"
        )
    nb = lattice.neighbours(L)[:n]
    coords = np.stack(np.unravel_index(np.arange(n), lattice.shape(L)), axis=1)
    off = lattice.offsets(coords, L)
    adj = np.zeros((n, n))
    for i in range(n):
        for k, j in enumerate(nb[i]):
            if off[i, k, 0] == 0:
                adj[i, j] += J[k]
            elif abs(off[i, k, 0]) != 1 or j % n != i:  # a bond to another site of a layer
                raise ValueError(f"{lattice.name}: bonds between layers must join one site")
    S = 2.0 * ((np.arange(2**n)[:, None] >> np.arange(n)) & 1) - 1.0
    E = -0.5 * np.einsum("si,ij,sj->s", S, adj, S)  # each bond of the slice twice in adj
    return E, S.sum(axis=1), adj, lattice.dim


@functools.lru_cache(maxsize=8)
def _orbits_of(lattice, L):
    E, M, adj, _ = _layer(lattice, L)
    return orbits(automorphisms(adj), adj.shape[0])


def moments(lattice, L, T):
    """Exact canonical moments on the ``lattice`` torus of size L: the 4 x 4 x 4 cube, or the
    isotropic square's L x L (L even, L <= 16).

    Returns
    -------
    dict of float
        ``e`` = <H>/N, ``m2`` = <m^2>, ``m4`` = <m^4>, ``U4`` = 1 - <m^4> / (3 <m^2>^2).
    """
    E, M, adj, d = _layer(lattice, L)
    Z, N = _partition(lattice, L, T), lattice.n_sites(L)
    e_layers = L * E.min() - Z[1] / Z[0]
    m2, m4 = 2.0 * Z[3] / Z[0] / N**2, 24.0 * Z[5] / Z[0] / N**4
    return {"e": d / (d - 1) * e_layers / N, "m2": m2, "m4": m4, "U4": binder_cumulant(m2, m4)}


def log_partition(lattice, L, T):
    """ln Z on the ``lattice`` torus of size L (as ``moments``): Z's scalar coefficient with
    the layers' energy offset and the normalisation of B (e^(n K) per layer) put back."""
    E, _, adj, _ = _layer(lattice, L)
    K = lattice.direction_couplings[0] / T
    return math.log(_partition(lattice, L, T)[0]) - L * E.min() / T + L * adj.shape[0] * K


def _partition(lattice, L, T):
    """Z as a ring element (module docstring), without the offsets ``log_partition`` restores."""
    if not T > 0:
        raise ValueError(f"the transfer matrix needs a positive temperature, got T = {T}")
    E, M, adj, _ = _layer(lattice, L)
    reps, sizes = _orbits_of(lattice, L)
    n, beta = adj.shape[0], 1.0 / T
    dE = E - E.min()
    w = np.exp(-beta * dE)
    W = np.stack([w, -dE * w] + [M**k / math.factorial(k) * w for k in range(1, 5)], axis=1)
    popcount = np.array([bin(s).count("1") for s in range(2**n)], dtype=np.int64)
    q = math.exp(-2.0 * beta * lattice.direction_couplings[0])
    return _trace(reps, sizes, W, popcount, n, L // 2, q)
