"""``isingml confusion``, ``isingml features`` and ``isingml baseline``: the window-free
estimators' network work (a confusion scan for one (L, seed); one network's order parameter and
outputs on the Binder grid) and the magnetization baseline."""

import logging

from isingml.cli.common import add_window_option, positive_int, prepare_output, require_inputs
from isingml.cli.options import (
    add_jax_options,
    add_job_options,
    add_setting_flags,
    backend,
    configure_jax,
    job_from_args,
    outputs_per_seed,
)
from isingml.config import defaults, model_defaults
from isingml.learning.settings import BASELINE_SETTINGS, SETTINGS

CONFUSION = defaults()["confusion"]
# the settings of the CNNs a confusion scan trains: every training setting a CNN has
CNN_SETTINGS = [s for s in SETTINGS if s in defaults()["training"] or s in model_defaults("cnn")]

log = logging.getLogger("isingml")


def cmd_confusion(args):
    require_inputs(args.data)
    configure_jax(args)
    from isingml.learning.estimator_jobs import confusion_job

    spec = job_from_args(args, range=args.range, epochs_per_point=args.epochs_per_point)
    outs = outputs_per_seed(args.out, spec)
    for scan in confusion_job(spec, args.data, outs, backend(args)):
        c = scan.curve
        log.info(
            "confusion L=%d seed=%d: %d proposals in %s, accuracy %.3f-%.3f (max at T' = %.3f)"
            " -> %s",
            *(spec.L, scan.cfg.seed, c.proposals.size, list(spec.range), c.accuracy.min()),
            *(c.accuracy.max(), c.proposals[c.accuracy.argmax()], scan.out),
        )


def cmd_features(args):
    require_inputs(args.shards, args.model_dir)
    configure_jax(args)
    from isingml.learning.estimator_jobs import features_job

    spec = job_from_args(args, native=None if args.native is None else tuple(args.native))
    outs = [prepare_output(o) for o in args.out]
    n = features_job(spec, args.model_dir, args.shards, outs, args.threads, backend(args))
    log.info("%d networks on %d shards -> %s", n, len(args.shards), ", ".join(args.out))


def cmd_baseline(args):
    from isingml.learning.baseline import baseline_job
    from isingml.windows import window_name

    spec = job_from_args(args)
    outs = outputs_per_seed(args.out, spec)
    for done in baseline_job(spec, args.data, outs):
        log.info(
            "magnetization baseline L=%d %s seed=%d: m0 = %.4f, slope %.1f -> %s",
            *(spec.L, window_name(spec.window), done.cfg.seed, done.m0, done.slope, done.out),
        )


def add_commands(sub):
    p = sub.add_parser("confusion", help="learning by confusion: held-out accuracy per T'")
    add_jax_options(p)
    p.add_argument("--data", required=True, nargs="+", help="shards, or a folder, of one L")
    p.add_argument(
        "--out",
        required=True,
        nargs="+",
        help="output .h5 (proposals, accuracy, outcomes), one per seed (--seed or --seeds)",
    )
    p.add_argument(
        "--range",
        type=float,
        nargs=2,
        metavar=("T_MIN", "T_MAX"),
        help="propose boundaries between the grid's temperatures in this range (or the --job's)",
    )
    p.add_argument(
        "--epochs-per-point",
        type=positive_int,
        help="epochs trained at each proposed boundary, each network warm-started from the "
        f"previous one (default: {CONFUSION['epochs_per_point']}, confusion.epochs_per_point in "
        "the config schema; or the --job's)",
    )
    add_job_options(p, settings=False, seeds_help="the training seeds, one confusion scan each, "
                    "scanned together; one --out file per seed, in this order")  # fmt: skip
    add_setting_flags(p, CNN_SETTINGS, models=["cnn"])  # a confusion scan trains CNNs
    p.set_defaults(func=cmd_confusion)

    p = sub.add_parser("baseline", help="the magnetization baseline: logistic regression on |m|")
    p.add_argument("--data", required=True, nargs="+", help="shards, or a folder, of one L")
    add_window_option(p)
    p.add_argument("--out", required=True, nargs="+", help="output predictions .h5, one per seed")
    add_job_options(p, settings=False, seeds_help="the seeds, one baseline each, each on the "
                    "data split and bootstrap of the network of its seed; one --out file per "
                    "seed, in this order")  # fmt: skip
    add_setting_flags(p, BASELINE_SETTINGS)  # what it shares with a network of its seed
    p.set_defaults(func=cmd_baseline)

    p = sub.add_parser(
        "features",
        help="CNNs' order parameter phi on the Binder grid (for cnn_binder), all networks in "
        "one pass",
    )
    add_jax_options(p, training=False)
    p.add_argument(
        "--model-dir",
        required=True,
        nargs="+",
        help="folders written by `isingml train` (or their params.npz), of one architecture",
    )
    p.add_argument("--shards", required=True, nargs="+", help="Binder-grid shards, any sizes")
    p.add_argument("--out", required=True, nargs="+", help="output .h5, one per --model-dir")
    add_job_options(p, seeds=None)
    p.add_argument(
        "--native",
        type=positive_int,
        nargs="+",
        metavar="L",
        help="evaluate the configurations themselves only for these sizes (the workflow gives "
        "the smaller size of each pair L, 2L: the larger is needed only decimated, and its "
        "native evaluation is the costlier); always evaluated on their block-spin decimations "
        "by 2 and 4 (default: every size natively, or the --job's)",
    )
    p.set_defaults(func=cmd_features)
