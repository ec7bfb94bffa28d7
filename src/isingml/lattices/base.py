"""What every lattice shares: the geometry built from neighbour offsets, the exact results and
cost-model inputs as small dataclasses, the block decimation and the point group as site maps.

A site is a tuple of array indices, ``spins[y, x]`` in two dimensions (axis 0 is y, the row;
axis 1 is x, the column), and a lattice is a periodic box of ``shape(L)`` sites. Its geometry is
its neighbour offsets: ``offsets(coords)`` gives, for every site, the displacement to each of
its ``degree`` neighbours (a displacement may depend on the site, as on the honeycomb's brick
wall); everything else (the neighbour table, energies, row transfer matrices in ``exact``) is
built from it. Direction k of the table has coupling ``direction_couplings[k]``; each bond
appears twice (once from each end), so E = -(1/2) sum_i sum_k J_k s_i s_nb(i,k).
"""

import functools
import itertools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from isingml.errors import UserError


@dataclass(frozen=True)
class Published:
    """The best published values where nothing is known exactly (Monte Carlo, the conformal
    bootstrap): to be compared with and labelled as references, never as exact. ``exponents``
    has the keys of ``physics.EXACT_EXPONENTS`` (inv_nu, gamma_over_nu, beta_over_nu);
    ``omega`` is the leading correction exponent, ``binder_crossing`` U4 at criticality on the
    periodic box."""

    T_c: float
    T_c_err: float
    exponents: Mapping
    omega: float
    omega_err: float
    binder_crossing: float
    source: str


@dataclass(frozen=True)
class Exact:
    """What is known exactly of the infinite lattice (None: none known). ``magnetization(T)``
    is the spontaneous magnetization per site (0 at and above T_c), ``correlation_length(T)``
    the exponential correlation length in lattice units (the longest direction's). ``source``
    names T_c's source first, then those of the rest, ';'-separated. ``U4_torus``: the Binder
    cumulant at T_c of the periodic box ``shape(L)`` as L -> infinity, where known (it depends
    on the box's shape and the couplings, unlike T_c). ``reference``: published values where
    T_c is not known exactly (``Published``), kept apart so that nothing reads a reference as
    exact."""

    T_c: float | None
    magnetization: Callable | None
    correlation_length: Callable | None
    source: str
    reference: Published | None = None
    U4_torus: float | None = None

    @property
    def reference_T_c(self):
        """The reference T_c where there is one (None where T_c is exact or unknown)."""
        return None if self.reference is None else self.reference.T_c

    @property
    def reference_source(self):
        return "" if self.reference is None else self.reference.source


# Where the general kernels' per-spin costs come from (every lattice but the square with unit
# couplings): benchmarks/sampler.py on the project's 2-core machine, one core, L = 32 at T_c,
# each lattice beside the square's own kernels in the same run (the machine drifts between runs).
MEASURED = (
    "benchmarks/sampler.py --lattices (L = 32 at T_c, one core, beside the square's kernels in "
    "the same run): the square's cost_ns times the square's rate over this lattice's "
    "(benchmarks/results/sampler_lattices.txt)"
)


@dataclass(frozen=True)
class CostInputs:
    """What the cost models (``sampling.plan`` for 'auto', ``cost`` for ``isingml plan``) need:
    nanoseconds per attempted Metropolis flip, per Wolff cluster spin and per replica spin of
    the multi-spin kernel on one core (only their ratios steer 'auto'), and the tau_int model
    tau = prefactor L_eff^z in sweeps (Wolff: sweep-equivalents)."""

    cost_ns: Mapping
    tau_prefactor: Mapping
    z: Mapping
    measured: str  # where the numbers come from


@functools.cache
def _coords(shape):
    """int64 (N, dim): the coordinates of every site, in C (row-major) order."""
    return np.stack(np.unravel_index(np.arange(int(np.prod(shape))), shape), axis=1)


@dataclass(frozen=True)
class Lattice:
    """One Ising model on one lattice: geometry, couplings, exact results, cost inputs.

    Subclasses set the class attributes and ``offsets``, ``colouring``, ``point_group_maps``,
    ``decimation_blocks``, ``exact`` and ``cost``; instances are immutable and hashable."""

    couplings: tuple = (1.0, 1.0)

    name: ClassVar[str]
    dim: ClassVar[int] = 2
    degree: ClassVar[int]
    point_group: ClassVar[str]  # the group that maps the periodic box onto itself (a name)
    # the square lattice's own kernels (sampling/) apply: the square with unit couplings only
    specialised: ClassVar[bool] = False
    # The summary's rows whose error bars failed their coverage reruns on this lattice's
    # configuration (workflow/configs/<name>.yaml; benchmarks/pull_coverage.py): key 'method'
    # (its T_c) or 'method:exponent' (pull_coverage's row names) -> why, naming the record.
    # Such a row leaves the estimators' tables and is shown as a study, without a pull.
    uncovered: ClassVar[Mapping[str, str]] = {}

    def __post_init__(self):
        c = tuple(float(j) for j in self.couplings)
        if len(c) != 2 or not all(np.isfinite(j) and j > 0 for j in c):
            raise UserError(
                f"lattice.couplings: {list(self.couplings)} must be two positive couplings "
                "[J_x, J_y]"
            )
        object.__setattr__(self, "couplings", c)

    # ---- identity
    @property
    def is_default(self):
        """The square lattice with unit couplings: the model of every run before lattices."""
        return False

    @property
    def key(self):
        """A path-safe name of the model: shards of this model live under data/{key}/ (the
        default model keeps data/ itself, ``is_default``)."""
        return self.name

    def attrs(self):
        """The shard attributes that name the model."""
        return {"lattice": self.name, "couplings": list(self.couplings)}

    def describe(self):
        return self.name

    # ---- geometry
    def shape(self, L):
        return (int(L),) * self.dim

    def n_sites(self, L):
        return int(L) ** self.dim

    @property
    def bonds_per_site(self):
        return self.degree / 2

    @property
    def direction_couplings(self):
        """J of each column of the neighbour table."""
        return (1.0,) * self.degree

    def check_size(self, L, key="L"):
        """Refuse a size this lattice (its colouring, its periodicity) cannot take."""
        if not isinstance(L, int | np.integer) or L < 4 or L % 2:
            raise UserError(f"{key} must be an even integer >= 4 (the {self.name} lattice's "
                            f"checkerboard update), got {L}")  # fmt: skip

    def offsets(self, coords, L):
        """int64 (N, degree, dim): the displacement from each site to each neighbour."""
        raise NotImplementedError

    def neighbours(self, L):
        """int64 (N, degree): flat index (C order of ``shape(L)``) of each site's neighbours."""
        return _neighbours(self, int(L))

    def colouring(self, L):
        """int64 array of ``shape(L)``: a proper colouring (no two neighbours share a colour),
        colours 0 .. n - 1: the order in which Metropolis visits the sites."""
        raise NotImplementedError

    def energy(self, spins):
        """Energy per site, -(1/N) sum_bonds J_b s_i s_j, of configurations (..., *shape).
        NumPy; the samplers have their own kernels."""
        L = spins.shape[-1]
        N = self.n_sites(L)
        flat = spins.reshape(-1, N).astype(np.int64)
        nb = self.neighbours(L)
        per_dir = np.einsum("bi,bik->bk", flat, flat[:, nb])  # each bond twice
        e = -(per_dir @ np.asarray(self.direction_couplings)) / (2 * N)
        return e.reshape(spins.shape[: -self.dim])

    # ---- the point group, as site permutations (for augmentation and equivariant networks)
    def point_group_maps(self):
        """[(A, b)]: integer matrices and shifts, site r -> A r + b (mod L), one per element."""
        raise NotImplementedError

    def symmetries(self, L):
        """int64 (|G|, N): ``spins.reshape(n, N)[:, perm]`` is each group element's image."""
        coords = _coords(self.shape(L))
        out = []
        for A, b in self.point_group_maps():
            image = (coords @ np.asarray(A).T + np.asarray(b)) % L
            out.append(np.ravel_multi_index(tuple(image.T), self.shape(L)))
        return np.array(out)

    @property
    def has_d4(self):
        """Whether the square's 8 symmetries (D4 augmentation, the ecnn's p4m) apply."""
        return self.point_group == "D4"

    # ---- block-spin decimation by 2 onto the same lattice at half the size
    def decimation_blocks(self, L):
        """int64 (N / 2^dim, 2^dim): the fine sites whose majority makes each coarse site,
        coarse sites in C order of ``shape(L // 2)``."""
        raise NotImplementedError

    def decimate(self, spins, rng):
        """(n, *shape(L)) -> (n, *shape(L // 2)) int8 by majority rule; a tie (sum 0) is broken
        by one draw of ``rng`` per coarse site (Kadanoff 1966; the random tie-break keeps the map
        symmetric under the global flip)."""
        n, L = spins.shape[0], spins.shape[-1]
        self.check_decimation(L)
        blocks = self.decimation_blocks(L)
        flat = spins.reshape(n, -1)
        sums = np.zeros((n, blocks.shape[0]), np.int16)
        for k in range(blocks.shape[1]):
            sums += flat[:, blocks[:, k]]
        sums = sums.reshape((n, *self.shape(L // 2)))
        ties = rng.choice(np.array([-1, 1], np.int8), size=sums.shape)
        return np.where(sums == 0, ties, np.sign(sums)).astype(np.int8)

    def check_decimation(self, L):
        if L % 2 or L // 2 < 2:
            raise UserError(f"cannot decimate L = {L} by blocks of 2: L must be even")

    # ---- exact results and cost
    @property
    def exact(self) -> Exact:
        raise NotImplementedError

    @property
    def cost(self) -> CostInputs:
        raise NotImplementedError


@functools.lru_cache(maxsize=64)
def _neighbours(lattice, L):
    shape = lattice.shape(L)
    coords = _coords(shape)
    off = lattice.offsets(coords, L)
    image = (coords[:, None, :] + off) % L
    return np.ravel_multi_index(tuple(np.moveaxis(image, -1, 0)), shape).astype(np.int64)


def group_closure(generators, dim=2):
    """Every product of the integer matrices ``generators`` (a finite group)."""
    found = {tuple(np.eye(dim, dtype=int).ravel())}
    frontier = list(found)
    while frontier:
        new = []
        for g, h in itertools.product(frontier, generators):
            p = tuple((np.reshape(g, (dim, dim)) @ np.asarray(h)).ravel())
            if p not in found:
                found.add(p)
                new.append(p)
        frontier = new
    return [np.reshape(g, (dim, dim)) for g in sorted(found)]


def block_majority_2x2(L):
    """Blocks of 2 x 2 sites: coarse (Y, X) from fine (2Y + a, 2X + b), a, b in {0, 1}."""
    Y, X = np.divmod(np.arange((L // 2) ** 2), L // 2)
    return np.stack([(2 * Y + a) * L + 2 * X + b for a in (0, 1) for b in (0, 1)], axis=1)
