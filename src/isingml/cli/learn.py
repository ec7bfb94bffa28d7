"""``isingml train`` and ``isingml predict``: argument parsing and file I/O around
``isingml.learning``."""

import logging
from pathlib import Path

from isingml.cli.common import UserError, add_window_option, prepare_output
from isingml.cli.options import (
    add_jax_options,
    add_training_options,
    configure_jax,
    ensemble_configs,
    json_object,
)

log = logging.getLogger("isingml")


def cmd_train(args):
    configure_jax(args)

    from isingml.io import datasets, results
    from isingml.learning import data, predict, quality, store, train
    from isingml.windows import window_name

    cfgs = ensemble_configs(args)
    out = Path(args.out)

    def member_path(folder, seed, suffix=""):
        return Path(folder) / f"seed{seed}{suffix}" if args.seeds else Path(folder)

    for c in cfgs:
        prepare_output(member_path(out, c.seed) / "params.npz")
        if args.predictions:
            prepare_output(member_path(args.predictions, c.seed, ".h5"))
    lat = datasets.load_lattices(args.data, args.L, args.max_per_shard)
    log.info(
        "training %d %s network(s) on %d configurations of L=%d from %d shards",
        len(cfgs),
        args.model,
        len(lat.T),
        args.L,
        len(lat.paths),
    )
    trained = train.train_ensemble(cfgs, lat.spins, lat.T, args.epoch_loop)
    record = data.data_record(lat.spins, lat.T, lat.paths, lat.counts)
    limits = quality.thresholds(json_object(args.quality, "--quality"))
    for cfg, member in zip(cfgs, trained, strict=True):
        folder = member_path(out, cfg.seed)
        member.metrics["max_per_shard"] = args.max_per_shard
        p = predict.probability(member.logits)
        verdict = quality.assess(member.metrics["accuracy"]["test"], lat.T, p, args.L, limits)
        member.metrics["quality"] = verdict
        store.save_network(folder, member, cfg, record)
        if args.predictions:
            columns, attrs = predict.prediction_table(
                member.model, cfg.spec, cfg, lat.spins, lat.T, member.split.codes,
                member.logits, member.phi,
            )  # fmt: skip
            flags = {"learned": int(verdict["learned"]), "problems": "; ".join(verdict["problems"])}
            results.write_predictions(
                member_path(args.predictions, cfg.seed, ".h5"),
                columns,
                {**attrs, **flags, "model_dir": str(folder)},
            )
        log_member(args, cfg, member.metrics, folder)
        if not verdict["learned"]:
            log.warning(
                "%s L=%d %s seed=%d did NOT learn: %s; the analysis leaves it out",
                args.model,
                args.L,
                window_name(cfg.window),
                cfg.seed,
                "; ".join(verdict["problems"]),
            )


def log_member(args, cfg, metrics, folder):
    from isingml.windows import window_name

    acc = " ".join(
        f"{k} {'-' if v is None else f'{v:.3f}'}" for k, v in metrics["accuracy"].items()
    )
    log.info(
        "%s L=%d %s seed=%d: %d params, %d epochs (best %d), accuracy %s, %.1f s on %s -> %s",
        args.model,
        args.L,
        window_name(cfg.window),
        cfg.seed,
        metrics["n_params"],
        len(metrics["epochs"]),
        metrics["best_epoch"],
        acc,
        metrics["wall_seconds"],
        metrics["device"],
        folder,
    )


def cmd_predict(args):
    configure_jax(args)
    from isingml.io import checkpoint, datasets, results
    from isingml.learning import data, predict, store

    folder = Path(args.model_dir)
    model, spec, cfg = store.load_network(folder)
    out = prepare_output(args.out)
    if spec.name == "fcn" and args.L is not None and args.L != spec.L:
        raise UserError(f"the fully connected network in {folder} takes only L = {spec.L}")
    lat = datasets.load_lattices(args.data, args.L, args.max_per_shard)
    L = lat.spins.shape[1]
    if spec.name == "fcn" and L != spec.L:
        raise UserError(
            f"the fully connected network in {folder} was trained on L = {spec.L} and has "
            f"L^2 = {spec.L**2} inputs; it cannot predict on L = {L} ({args.data}). Only the "
            "CNN accepts any L."
        )
    split = None
    if L == spec.L:  # the training run's own split, checked against the data given
        codes, _, record = checkpoint.load_split(folder / "split.npz")
        given = data.data_record(lat.spins, lat.T, lat.paths, lat.counts)
        data.check_same_data(record, given, str(folder))
        split = codes
    columns, attrs = predict.prediction_table(model, spec, cfg, lat.spins, lat.T, split)
    results.write_predictions(out, columns, {**attrs, "model_dir": str(folder)})
    log.info(
        "predicted %d configurations of L=%d with %s (trained on L=%d) -> %s",
        len(lat.T),
        L,
        spec.name,
        spec.L,
        out,
    )


def add_commands(sub):
    p = sub.add_parser(
        "train", help="train one network, or an ensemble of seeds at once, on the shards of one L"
    )
    add_jax_options(p)
    p.add_argument("--model", required=True, help="cnn or fcn")
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
        help="output folder for params.npz, split.npz and metrics.json (with --seeds: one "
        "folder seed<k>/ per member under it)",
    )
    p.add_argument(
        "--predictions",
        help="also write the network's predictions on its training data to this .h5 (with "
        "--seeds: to seed<k>.h5 in this folder)",
    )
    p.add_argument(
        "--quality",
        help="what a network must reach to count as learned, as JSON (keys of "
        "training.quality in config.yaml; default: the schema's)",
    )
    add_training_options(p)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("predict", help="p(ordered) for every configuration of one L")
    add_jax_options(p)
    p.add_argument("--model-dir", required=True, help="a folder written by `isingml train`")
    p.add_argument("--data", required=True, nargs="+", help="shards, or a folder, of one L")
    p.add_argument("--out", required=True, help="output .h5")
    p.add_argument("--L", type=int, help="refuse shards of another size")
    p.add_argument(
        "--max-per-shard",
        type=int,
        help="use at most the first N configurations (on the training size: as in training)",
    )
    p.set_defaults(func=cmd_predict)
