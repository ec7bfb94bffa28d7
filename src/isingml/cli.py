"""The ``isingml`` command: subcommands parse arguments, call the library and write files.

Every failure a user can cause ends in one line on stderr, ``isingml <command>: error: ...``,
and exit status 2; nothing half-written is left under an output name.
"""

import argparse
import logging
import sys
import time

from isingml.cliutil import Progress, UserError, positive_int, prepare_output

log = logging.getLogger("isingml")


def cmd_simulate(args):
    from isingml import io
    from isingml.sampling import multispin, sampler

    try:
        sampler.check_lattice(args.L, args.T)
        settings = sampler.SamplerSettings(
            algorithm=args.algorithm,
            n_thermalize=args.thermalize,
            max_pilot_sweeps=args.max_pilot_sweeps,
            min_interval=args.min_interval,
        )
    except ValueError as err:
        raise UserError(str(err)) from None
    out = prepare_output(args.out)
    t0 = time.perf_counter()
    plan, chunks = sampler.sample(args.L, args.T, args.samples, args.seed, settings)
    progress = Progress(args.samples, f"L={args.L} T={args.T:.4f} {plan.algorithm}")
    with io.ShardWriter(out, args.L, settings.chunk) as writer:
        for chunk in chunks:
            writer.append(chunk.spins, chunk.energy, chunk.magnetization)
            progress.update(chunk.spins.shape[0])
        p = plan.pilot
        work_name = "acceptance" if p.algorithm == "metropolis" else "mean_cluster_size"
        kernel = {"metropolis": settings.metropolis_kernel, "wolff": "wolff"}
        replicas = {}
        if plan.algorithm == "multispin":
            replicas = dict(
                n_replicas=multispin.REPLICAS,
                replica_burn_in=plan.burn_in,
                sample_order="time-major: 64 independent replicas at each sampling time",
            )
        writer.finish(
            T=float(args.T),
            J=1.0,
            algorithm=plan.algorithm,
            n_thermalize=plan.n_thermalize,
            interval=plan.interval,
            updates_per_sample=plan.updates_per_sample,
            update_unit="cluster" if plan.algorithm == "wolff" else "sweep",
            kernel=kernel.get(plan.algorithm, plan.algorithm),
            **replicas,
            tau_int_energy=p.tau_int_energy,
            tau_int_abs_m=p.tau_int_abs_m,
            tau_int_reliable=p.reliable,
            **{work_name: p.work_per_update},
            seed=int(args.seed),
            spawn_key=list(sampler.spawn_key(args.L, args.T)),
        )
    log.info(
        "L=%d T=%.4f algorithm=%s tau_int(E)=%.2f tau_int(|m|)=%.2f sweeps%s interval=%.2f "
        "sweeps %s=%.4g samples=%d seconds=%.2f -> %s",
        args.L,
        args.T,
        plan.algorithm,
        p.tau_int_energy,
        p.tau_int_abs_m,
        "" if p.reliable else " (pilot too short: lower bounds)",
        plan.interval,
        work_name,
        p.work_per_update,
        args.samples,
        time.perf_counter() - t0,
        out,
    )


def add_simulate(sub):
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
    p.add_argument("--thermalize", type=int, default=1000, help="thermalisation sweeps")
    p.add_argument("--min-interval", type=int, default=1, help="minimum sweeps between samples")
    p.add_argument(
        "--max-pilot-sweeps",
        type=positive_int,
        default=200_000,
        help="cap on the pilot run that measures tau_int",
    )
    p.set_defaults(func=cmd_simulate)


def build_parser():
    parser = argparse.ArgumentParser(prog="isingml", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)
    add_simulate(sub)
    from isingml import cli_learn

    cli_learn.add_commands(sub)
    from isingml import cli_analyze, cli_plot

    cli_analyze.add_commands(sub)
    cli_plot.add_commands(sub)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s isingml %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    try:
        args.func(args)
    except (UserError, ValueError) as err:
        # ValueError covers io.ShardError and the library's argument checks.
        name = " ".join(filter(None, [args.command, getattr(args, "analysis", None)]))
        parser.exit(2, f"isingml {name}: error: {err}\n")
    except KeyboardInterrupt:
        parser.exit(130, f"isingml {args.command}: interrupted; no partial output was kept\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
