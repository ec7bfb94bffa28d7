"""The scan job behind ``binder.temperatures: auto``: the workflow's checkpoint ``binder_grid``
and ``isingml scan``. U4 is sampled at the scan's sizes on the networks' temperatures with the
multi-spin kernel (64 replicas), each point from a stream of its own (``seeds.shard_key`` of
the grid ``scan``), and the Binder grid is placed from it (``analysis.scan``). The sampling is
handed in by the command (``sample``: the simulate job's own call into memory), so this module
does no I/O; ``GridResult.to_dict`` is what results/binder/grid.json holds.
"""

import json
import logging
from dataclasses import asdict, dataclass, fields

from isingml.errors import UserError

# analysis.scan (SciPy) is imported where the scan runs: the workflow builds a ScanJob when it
# loads, and Snakemake should not pay for SciPy's import for that.

log = logging.getLogger("isingml")

GRID_SCHEMA = 1  # of grid.json
# Where the scan's crossings are too uncertain to place the grid (analysis.scan.TooUncertain,
# usually a networks' grid coarse where they lie), the scan adds REFINE_POINTS temperatures
# inside the crossings' brackets at every size and places again, at most REFINE_ROUNDS times;
# a scan that places at once is never refined, so its grid does not change.
REFINE_POINTS = 8
REFINE_ROUNDS = 2
MODEL = {"lattice": "square", "couplings": (1.0, 1.0)}  # the default model's fields


def _model(config):
    given = config.get("lattice") or {}
    return {
        "lattice": str(given.get("name", MODEL["lattice"])),
        "couplings": tuple(float(c) for c in given.get("couplings", MODEL["couplings"])),
    }


@dataclass(frozen=True)
class ScanJob:
    """Everything the scan and the placement depend on (the checkpoint's one parameter, so
    that changing any of it rescans, and nothing else does)."""

    seed: int
    temperatures: tuple  # scanned: the networks' temperatures
    sizes: tuple  # scanned
    samples: int  # per (L, T)
    thermalize: int
    binder_sizes: tuple  # the grid is spaced for the largest
    points: int
    overlap: float
    lattice: str = "square"  # the model (isingml.lattices), sampled as it is
    couplings: tuple = (1.0, 1.0)

    @classmethod
    def from_config(cls, config):
        """The scan of a validated configuration (defaults filled in)."""
        b, s = config["binder"], config["binder"]["scan"]
        return cls(
            seed=int(config["seed"]),
            temperatures=tuple(sorted(float(t) for t in config["temperatures"])),
            sizes=tuple(sorted(int(L) for L in s["lattice_sizes"])),
            samples=int(s["samples"]),
            thermalize=int(config["thermalize"]),
            binder_sizes=tuple(sorted(int(L) for L in b["lattice_sizes"])),
            points=int(s["points"]),
            overlap=float(s["overlap"]),
            **_model(config),
        )

    def to_json(self):
        """The job as JSON; the default model's job names no model, as before lattices (so
        that the workflow's parameter, and its rerun trigger, are unchanged)."""
        d = asdict(self)
        if (d["lattice"], tuple(d["couplings"])) == (MODEL["lattice"], MODEL["couplings"]):
            del d["lattice"], d["couplings"]
        return json.dumps(d, sort_keys=True)

    @classmethod
    def from_json(cls, text):
        try:
            given = json.loads(text)
        except json.JSONDecodeError as err:
            raise UserError(f"--job is not valid JSON ({err})") from None
        names = {f.name for f in fields(cls)}
        if not isinstance(given, dict) or not set(names) - set(MODEL) <= set(given) <= names:
            keys = sorted(given) if isinstance(given, dict) else given
            raise UserError(
                f"--job needs exactly the keys {sorted(set(names) - set(MODEL))} (and "
                "optionally "
                f"{sorted(MODEL)}), got {keys}"
            )
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in given.items()})


@dataclass(frozen=True)
class GridResult:
    """The scan's table, its crossings and drift, and the grid placed from them."""

    job: ScanJob
    table: object  # analysis.scan.ScanTable
    crossings: list  # of analysis.scan.Crossing
    drift: object  # analysis.scan.Drift, or None with two scan sizes
    placement: object  # analysis.scan.Placement

    def describe(self):
        """How the grid was placed, in one paragraph (grid.json's ``how``, the job's log)."""
        from isingml.analysis import scan

        p, last = self.placement, self.crossings[-1]
        text = (
            f"{len(p.temperatures)} temperatures {p.temperatures[0]:.4f}-"
            f"{p.temperatures[-1]:.4f}, {p.spacing:.4f} apart, over the region "
            f"{p.region[0]:.4f}-{p.region[1]:.4f}: the crossing of U4 at L = {last.sizes[0]}, "
            f"{last.sizes[1]}, T = {last.T:.4f} +- {last.err:.4f}"
        )
        if self.drift:
            d = self.drift
            pair = "the pair at half its size" if d.ratio == 2 else "the pair before"
            text += (f", and the crossings of larger pairs, which lie before {d.limit:.4f} +- "
                     f"{d.limit_err:.4f} (drift {d.value:+.4f} from {pair})")  # fmt: skip
        else:
            text += " (two scan sizes: the drift toward larger sizes is not measured)"
        extra = len(self.table.T) - len(self.job.temperatures)
        if extra:
            text += (f"; the networks' temperatures left the crossings too uncertain, so the "
                     f"scan added {extra} inside their brackets")  # fmt: skip
        return text + (
            f", each +- {scan.COVERAGE_Z:g} standard errors; neighbours at most {p.overlap:g} x "
            f"the L = {p.largest_L} energy histogram's width {p.width:.4f} apart (C = "
            f"{p.heat:.3f} extrapolated as L^{p.heat_exponent:.2f} from the scan)"
        )

    def to_dict(self):
        t = self.table
        crossings = [{"L": list(c.sizes), "T": c.T, "err": c.err, "err_stat": c.err_stat,
                      "err_interp": c.err_interp, "bracket": list(c.bracket),
                      "evidence": c.evidence} for c in self.crossings]  # fmt: skip
        table = {"job": asdict(self.job), "L": list(t.sizes), "T": t.T, "U4": t.U4,
                 "U4_err": t.U4_err, "C": t.C}  # fmt: skip
        return {
            "schema_version": GRID_SCHEMA,
            "temperatures": list(self.placement.temperatures),
            "how": self.describe(),
            "placement": asdict(self.placement),
            "crossings": crossings,
            "drift": asdict(self.drift) if self.drift else None,
            "scan": table,
        }


def refinement(table, n=REFINE_POINTS):
    """Temperatures to add to the scan where its crossings are too uncertain: ``n`` evenly
    spaced strictly inside the hull of the brackets (the scan temperatures either side of each
    crossing of the scan sizes' pairs), rounded to 4 decimals, none already scanned. A coarse scan
    (the networks' grid is chosen for training, not for the crossing: on the simple cubic
    lattice the mean-field guess scaled from the square puts T_c where that grid is sparse)
    leaves the crossing inside one wide bracket, whose interpolation error then spans it."""
    import numpy as np

    from isingml.analysis import scan

    brackets = [c.bracket for c in scan.crossings_of(table)]
    lo, hi = min(b[0] for b in brackets), max(b[1] for b in brackets)
    new = np.round(lo + (hi - lo) * np.arange(1, n + 1) / (n + 1), scan.DECIMALS)
    known = set(np.round(table.T, scan.DECIMALS).tolist())
    return tuple(sorted({float(t) for t in new} - known))


def point_statistics(e, m, L, T, n_replicas, lattice):
    """U4 of one scan point, its jackknife error over the replicas (time-major samples) and
    the specific heat per site C = N var(e) / T^2 (N: the model ``lattice``'s sites), from
    energies ``e`` and magnetizations ``m`` per site (n,)."""
    import numpy as np

    from isingml.analysis import chains
    from isingml.numerics import binder_cumulant

    e, m = np.asarray(e, dtype=np.float64), np.asarray(m, dtype=np.float64)
    lay = chains.layout(e.size, {"n_replicas": n_replicas, "interval": 1.0})
    group, G, _ = chains.groups(lay, 1.0)
    full, loo = chains.leave_one_out_means(np.stack([m**2, m**4], axis=1), group, G)
    u = float(binder_cumulant(full[0], full[1]))
    err = float(chains.jackknife(binder_cumulant(loo[:, 0], loo[:, 1])))
    return u, err, float(lattice.n_sites(L) * np.var(e) / T**2)


def run(job, sample, report=None):
    """Scan and place. ``sample(L, T)`` returns (e (n,), m (n,), n_replicas) of one point,
    energies and magnetizations per site; ``report(L, T, U4, err, C)``, if given, hears of each
    point. Returns ``GridResult``."""
    import numpy as np

    from isingml import lattices
    from isingml.analysis import scan

    model = lattices.get(job.lattice, job.couplings)
    points = {}  # (L, T) -> (U4, its error, C): every point from its own stream

    def measure(temperatures):
        for L in job.sizes:
            for T in temperatures:
                e, m, replicas = sample(L, T)
                points[L, T] = point_statistics(e, m, L, T, replicas, model)
                if report:
                    report(L, T, *points[L, T])

    def table():
        T = sorted({t for _, t in points})
        U, err, C = (np.array([[points[L, t][k] for t in T] for L in job.sizes]) for k in range(3))
        return scan.ScanTable(job.sizes, np.array(T), U, err, C)

    measure(job.temperatures)
    for attempt in range(REFINE_ROUNDS + 1):
        scanned = table()
        try:
            found = scan.place_grid(scanned, job.binder_sizes, job.points, job.overlap, model)
            break
        except scan.TooUncertain:
            extra = refinement(scanned)
            if attempt == REFINE_ROUNDS or not extra:
                raise
            log.info("scan: the crossings are too uncertain on this grid; refining with "
                     "%d temperatures %.4f-%.4f", len(extra), extra[0], extra[-1])  # fmt: skip
            measure(extra)
    return GridResult(job, scanned, *found)
