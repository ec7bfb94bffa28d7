"""``isingml transfer`` and ``isingml analyze transfer``: the transfer study (studies.transfer).
Networks trained on one lattice predict on another's shards (one L, every seed in one job); the
analysis reads T*(L) of both lattices' predictions beside each lattice's T(m0) and T_c. Parse,
call the library (``learning.estimator_jobs``, ``analysis.jobs``), log."""

import logging

from isingml.cli.common import prepare_output, require_inputs, write_outputs
from isingml.cli.options import add_jax_options, add_job_options, configure_jax, job_from_args

log = logging.getLogger("isingml")


def cmd_transfer(args):
    require_inputs(args.data, args.model_dir)
    configure_jax(args)
    from isingml.learning.estimator_jobs import transfer_predict_job

    spec = job_from_args(args)
    outs = [prepare_output(o) for o in args.out]
    done = transfer_predict_job(spec, args.model_dir, args.data, outs)
    log.info(
        "%d networks trained on the %s lattice predicted %d configurations of the %s lattice, "
        "L=%d -> %s",
        *(done.networks, done.trained_on, done.n, done.evaluated_on, done.L, ", ".join(args.out)),
    )


def cmd_analyze_transfer(args):
    from isingml.analysis import jobs

    job = jobs.transfer_job(args.own, args.here, args.seed)
    write_outputs([(args.out, job.rows), (args.curves, job.curves)])
    for r in job.rows:
        log.info(
            "%s, trained on %s, %s L=%d: T* = %.4f +- %.4f; T*(inf) = %.4f +- %.4f, "
            "T(m0) = %.4f, T_c = %s",
            *(r["lattice"], r["trained_on"], r["window"], r["L"], r["T_star"], r["T_star_err"]),
            *(r["T_star_inf"], r["T_star_inf_err"], r["T_of_m0"], r["T_c"]),
        )


def add_commands(sub):
    p = sub.add_parser(
        "transfer",
        help="the transfer study: networks trained on one lattice predict p(ordered) and phi "
        "on another lattice's shards of one L",
    )
    add_jax_options(p, training=False)
    p.add_argument("--model-dir", required=True, nargs="+",
                   help="folders written by `isingml train` (or their params.npz)")  # fmt: skip
    p.add_argument("--data", required=True, nargs="+", help="shards, or a folder, of one L")
    p.add_argument("--out", required=True, nargs="+", help="output predictions .h5, one per "
                   "--model-dir, in that order")  # fmt: skip
    add_job_options(p, settings=False)  # lattice, trained_on: the --job's
    p.set_defaults(func=cmd_transfer)


def add_analyses(an):
    p = an.add_parser(
        "transfer",
        help="the transfer study's window-trained networks: T*(L) on both lattices beside "
        "each lattice's T(m0) and T_c",
    )
    p.add_argument("--own", nargs="+", required=True, help="the networks' predictions on their "
                   "training lattice (`isingml train --predictions`)")  # fmt: skip
    p.add_argument("--here", nargs="+", required=True, help="their predictions on the other "
                   "lattice (`isingml transfer`)")  # fmt: skip
    p.add_argument("--out", required=True, help="results/diagnostics/transfer_windows.csv")
    p.add_argument("--curves", help="also write p(T) and U_phi(T) of both lattices here")
    p.add_argument("--seed", type=int, default=0, help="root seed of the bootstrap of T*'s error")
    p.set_defaults(func=cmd_analyze_transfer)
