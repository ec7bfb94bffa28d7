"""``isingml efficiency`` and ``isingml inspect``: one run of the data-efficiency study, and what
a trained network's filters see; parse, call ``isingml.learning.job``, log."""

import logging
from pathlib import Path

from isingml.cli.common import add_window_option, positive_int, prepare_output, require_inputs
from isingml.cli.options import (
    add_jax_options,
    add_job_options,
    backend,
    configure_jax,
    job_from_args,
)
from isingml.methods import STUDY_MODELS

log = logging.getLogger("isingml")


def cmd_efficiency(args):
    require_inputs(args.data)
    configure_jax(args)
    from isingml.learning import job

    spec = job_from_args(args, study_model=args.model, per_temperature=args.per_temperature)
    out = Path(args.out)
    prepare_output(out / "row.json")
    row = job.efficiency_job(spec, args.data, out, backend(args))
    log.info(
        "%s L=%d seed=%d, %d per T: accuracy %.3f, T* = %.4f -> %s",
        *(row.model, row.L, row.seed, row.per_temperature, row.accuracy_test, row.T_star, out),
    )


def cmd_inspect(args):
    require_inputs(args.shards, [args.model_dir])
    configure_jax(args)
    from isingml.learning import job

    done = job.filters_job(args.model_dir, args.shards, prepare_output(args.out))
    log.info(
        "%s: %d filters on %d configurations -> %s",
        *(args.model_dir, done.n_filters, done.n_configurations, args.out),
    )


def add_commands(sub):
    p = sub.add_parser("efficiency", help="one run of the data-efficiency study")
    add_jax_options(p)
    p.add_argument(
        "--model",
        choices=STUDY_MODELS,
        help="the study's network: cnn_d4 is the cnn trained with the square's 8 symmetries as "
        "augmentation (or the --job's)",
    )
    add_window_option(p)
    p.add_argument(
        "--per-temperature",
        type=positive_int,
        help="training configurations per trained temperature (or the --job's)",
    )
    p.add_argument("--data", required=True, nargs="+", help="shards, or a folder, of one L")
    p.add_argument(
        "--out", required=True, help="output folder: the network (as `isingml train`), row.json"
    )
    add_job_options(p, seeds="one")  # one run of the study is one network
    p.set_defaults(func=cmd_efficiency)

    p = sub.add_parser("inspect", help="a network's first-layer filters, activations, saliency")
    add_jax_options(p, training=False)
    p.add_argument("--model-dir", required=True, help="a folder written by `isingml train`")
    p.add_argument("--shards", required=True, nargs="+", help="e.g. below, at and above T_c")
    p.add_argument("--out", required=True, help="output .npz (filters, activation maps, "
                   "saliency of each shard's first configurations)")  # fmt: skip
    p.set_defaults(func=cmd_inspect)
