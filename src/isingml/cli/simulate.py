"""``isingml simulate``: sample one (L, T) into an HDF5 shard."""

import logging
import time

from isingml import config
from isingml.cli.common import UserError, positive_int, prepare_output, progress
from isingml.sampling import GRIDS

# sampling.sampler.SamplerSettings' defaults, for the help (importing it would load Numba;
# tests/test_cli.py checks they agree)
MIN_INTERVAL, MAX_PILOT_SWEEPS = 1, 200_000

log = logging.getLogger("isingml")


def cmd_simulate(args):
    t_start = time.perf_counter()
    # imported here, and timed: every `isingml` command would otherwise pay for Numba
    from isingml.io.shards import ShardWriter
    from isingml.sampling import job, sampler

    stages = {"imports": time.perf_counter() - t_start}
    lattice = lattice_of(args)
    sampler.check_lattice(args.L, args.T, lattice)
    given = dict(
        algorithm=args.algorithm,
        n_thermalize=args.thermalize,
        max_pilot_sweeps=args.max_pilot_sweeps,
        min_interval=args.min_interval,
        grid=args.grid,
        lattice=lattice,
    )
    settings = sampler.SamplerSettings(**{k: v for k, v in given.items() if v is not None})
    sampler.check_memory(args.L, settings)  # before the kernels compile or a folder is made
    out = prepare_output(args.out)
    stages["kernels"] = sampler.warm_kernels(job.kernels_used(settings), settings.grid, lattice)
    t0 = time.perf_counter()
    result = job.simulate(
        args.L,
        args.T,
        args.samples,
        args.seed,
        settings,
        lambda: ShardWriter(out, args.L, settings.chunk, args.spins, lattice.shape(args.L)),
        progress,
    )
    stages.update(result.stages)
    log.info("stages (s): %s", " ".join(f"{k} {v:.2f}" for k, v in stages.items()))
    seconds = time.perf_counter() - t0
    log.info("%s", job.describe(result, args.L, args.T, args.samples, seconds, out))
    log.info(
        "stored series, per chain: tau_int(E) = %.2f, tau_int(|m|) = %.2f sample spacings",
        *result.stored_tau,
    )
    if result.too_close:
        log.warning(
            "the stored samples are less than one tau_int apart (tau_int of the stored series "
            "%.2f spacings > 1): the pilot underestimated tau_int. The analysis's errors still "
            "hold (jackknife over replicas or blocks of >= 10 tau_int), but the samples are "
            "fewer independent ones than asked for",
            max(result.stored_tau),
        )


def lattice_of(args):
    """The model of --lattice and --couplings (``isingml.lattices``)."""
    from isingml import lattices

    couplings = lattices.UNIT if args.couplings is None else tuple(args.couplings)
    try:
        return lattices.get(args.lattice, couplings)
    except UserError as err:  # "lattice.couplings: ...": name the flag instead
        key, _, problem = str(err).partition(": ")
        flag = "--lattice" if key == "lattice.name" else "--couplings"
        raise UserError(f"{flag}: {problem}") from None


def add_model_options(p, what="the lattice"):
    """--lattice and --couplings (``lattice_of`` reads them); ``what``: the option's role."""
    from isingml import config

    node = config.schema()["properties"]["lattice"]["properties"]
    p.add_argument(
        "--lattice",
        choices=node["name"]["enum"],
        default=node["name"]["default"],
        help=f"{what} (config key lattice.name; default %(default)s)",
    )
    p.add_argument(
        "--couplings",
        type=float,
        nargs=2,
        metavar=("JX", "JY"),
        help="the square lattice's couplings along x and y (default 1 1)",
    )


def add_commands(sub):
    p = sub.add_parser("simulate", help="sample configurations of one (L, T) into an HDF5 shard")
    p.add_argument("--L", type=int, required=True, help="linear lattice size (even, >= 4)")
    p.add_argument("--T", type=float, required=True, help="temperature (J = k_B = 1)")
    p.add_argument("--samples", type=positive_int, required=True, help="configurations to store")
    p.add_argument("--seed", type=int, required=True, help="root seed (the same for all shards)")
    p.add_argument(
        "--algorithm",
        choices=["metropolis", "wolff", "multispin", "auto"],
        default="auto",
        help="multispin: 64 independent Metropolis replicas in bit-packed words; auto: the "
        "cheapest for this job by a fixed cost model (default)",
    )
    p.add_argument("--out", required=True, help="output shard, e.g. data/lattices/L32/T2.3000.h5")
    add_model_options(p)
    p.add_argument(
        "--spins",
        type=int,
        help="store the spins of only the first N configurations (0: none, an E/M series "
        "shard for the Binder cumulant); default: all",
    )
    p.add_argument(
        "--grid",
        choices=GRIDS,
        help="the shard's grid: 'critical' (near T_c, the Binder grid) draws its own seed "
        "stream, so that it never repeats a 'network' shard of the same (L, T) (default: "
        "network)",
    )
    # Left out, these take the sampler's defaults (sampling.sampler.SamplerSettings).
    p.add_argument(
        "--thermalize",
        type=int,
        help=f"thermalisation sweeps before the pilot run that measures tau_int (default: "
        f"{config.defaults()['thermalize']}, thermalize in the config schema)",
    )
    p.add_argument(
        "--min-interval",
        type=positive_int,
        help=f"minimum sweeps between stored samples; the sampler spaces them by about 2 tau_int "
        f"(default: {MIN_INTERVAL})",
    )
    p.add_argument(
        "--max-pilot-sweeps",
        type=positive_int,
        help=f"cap on the pilot run that measures tau_int (default: {MAX_PILOT_SWEEPS})",
    )
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser(
        "compile",
        help="compile every sampling kernel into Numba's cache once, before sampling jobs "
        "start (concurrent jobs would otherwise each compile them from an empty cache)",
    )
    p.add_argument("--out", help="a file to write when done (the workflow's sentinel; "
                   "default: none)")  # fmt: skip
    add_model_options(p)
    p.set_defaults(func=cmd_compile)


def cmd_compile(args):
    from isingml.sampling import sampler

    lattice = lattice_of(args)
    seconds = sampler.warm_kernels(lattice=lattice)
    if args.out:
        out = prepare_output(args.out)
        out.write_text(f"sampling kernels compiled or loaded in {seconds:.1f} s\n")
    log.info("sampling kernels compiled or loaded from Numba's cache in %.1f s", seconds)
