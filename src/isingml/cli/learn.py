"""``isingml train`` and ``isingml predict``: parse, call ``isingml.learning.job``, log."""

import logging

from isingml.cli.common import add_window_option, positive_int, prepare_output, require_inputs
from isingml.cli.options import (
    add_jax_options,
    add_job_options,
    backend,
    configure_jax,
    job_from_args,
    per_seed_outputs,
)
from isingml.learning.settings import MODELS

log = logging.getLogger("isingml")


def cmd_train(args):
    require_inputs(args.data)
    configure_jax(args)
    from isingml.learning import job

    spec = job_from_args(args, model=args.model)
    paths = job.train_outputs(spec, args.out, args.predictions, per_seed_outputs(args))
    for p in paths:
        prepare_output(p.folder / "params.npz")
        if p.predictions is not None:
            prepare_output(p.predictions)
    log.info("training %d %s network(s) of L=%d", len(spec.seeds), spec.model, spec.L)
    for member in job.train_job(spec, args.data, paths, backend(args)):
        log_member(spec, member)


def log_member(spec, member):
    from isingml.windows import window_name

    m, name = member.metrics, f"{spec.model} L={spec.L} {window_name(spec.window)}"
    acc = " ".join(f"{k} {'-' if v is None else f'{v:.3f}'}" for k, v in m["accuracy"].items())
    log.info(
        "%s seed=%d: %d params, %d epochs (best %d), accuracy %s, %.1f s on %s -> %s",
        *(name, member.cfg.seed, m["n_params"], len(m["epochs"]), m["best_epoch"], acc),
        *(m["wall_seconds"], m["device"], member.paths.folder),
    )
    if not member.learned:
        log.warning(
            "%s seed=%d did NOT learn: %s; the analysis leaves it out",
            *(name, member.cfg.seed, "; ".join(member.problems)),
        )


def cmd_predict(args):
    require_inputs(args.data, [args.model_dir])
    configure_jax(args)
    from isingml.learning import job

    out = prepare_output(args.out)
    done = job.predict_job(args.model_dir, args.data, out, args.L, args.max_per_shard)
    log.info(
        "predicted %d configurations of L=%d with %s (trained on L=%d) -> %s",
        *(done.n, done.L, done.model, done.L_train, out),
    )


def add_commands(sub):
    p = sub.add_parser(
        "train", help="train one network, or an ensemble of seeds at once, on the shards of one L"
    )
    add_jax_options(p)
    p.add_argument(
        "--model",
        help=f"the network, one of {', '.join(MODELS)}: cnn convolutional, fcn fully connected "
        "(Carrasquilla & Melko), ecnn equivariant under the square's symmetries (or the --job's)",
    )
    add_window_option(p)
    p.add_argument(
        "--data",
        required=True,
        nargs="+",
        help="shards, or a folder of shards, of one L, e.g. data/lattices/L32",
    )
    p.add_argument(
        "--out",
        required=True,
        help="output folder for params.npz, split.npz and metrics.json (for an ensemble, "
        "--seeds or the --job's seeds: one folder seed<k>/ per member under it)",
    )
    p.add_argument(
        "--predictions",
        help="also write the network's predictions on its training data to this .h5 (for an "
        "ensemble: to seed<k>.h5 in this folder)",
    )
    add_job_options(p, seeds_help="the training seeds of an ensemble, trained together in one "
                    "program; one folder seed<k>/ per member under --out")  # fmt: skip
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("predict", help="p(ordered) for every configuration of one L")
    add_jax_options(p, training=False)
    p.add_argument("--model-dir", required=True, help="a folder written by `isingml train`")
    p.add_argument("--data", required=True, nargs="+", help="shards, or a folder, of one L")
    p.add_argument("--out", required=True, help="output .h5 (p(ordered), T, |m| per configuration)")
    p.add_argument("--L", type=positive_int, help="refuse shards of another size (default: "
                   "any one size)")  # fmt: skip
    p.add_argument(
        "--max-per-shard",
        type=positive_int,
        help="use at most the first N configurations of each shard (default: all; on the "
        "training size, as many as in training)",
    )
    p.set_defaults(func=cmd_predict)
