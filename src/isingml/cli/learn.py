"""``isingml train`` and ``isingml predict``: argument parsing and file I/O around
``isingml.learning``."""

import logging
from pathlib import Path

from isingml.cli.common import UserError, positive_int, prepare_output

log = logging.getLogger("isingml")


def configure_jax(args):
    """Thread limit and compilation cache, set before JAX starts its backend."""
    import os

    if args.threads:
        # XLA:CPU sizes its intra-op thread pool from NPROC when the CPU client starts (the
        # variable Google's test runners use for a CPU reservation). Measured with
        # benchmarks/threads.py: 1.01 busy cores while training with --threads 1, against 1.25
        # without. The often-quoted "intra_op_parallelism_threads=N" is not an XLA flag, and
        # --xla_cpu_multi_thread_eigen=false alone changed nothing.
        os.environ["NPROC"] = str(args.threads)
    if args.jax_cache:
        import jax

        # Jobs of the same model and L share their compiled steps: 13.9 s -> 6.0 s for a small
        # training job here, with bit-identical parameters.
        jax.config.update("jax_compilation_cache_dir", str(args.jax_cache))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)


def cmd_train(args):
    configure_jax(args)
    from isingml.io import checkpoint, results, shards
    from isingml.learning import models, train
    from isingml.learning.data import window_name

    cfg = train.TrainConfig(
        model=args.model,
        L=args.L,
        seed=args.seed,
        root_seed=args.root_seed,
        label="exact" if args.window is None else "windows",
        window=None if args.window is None else tuple(args.window),
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.lr,
        weight_decay=args.weight_decay,
        patience=args.patience,
        augment_d4=args.augment_d4 or None,
        channels=None if args.channels is None else tuple(args.channels),
        hidden=args.hidden,
    )
    out = Path(args.out)
    prepare_output(out / "params.npz")
    lat = shards.load_lattices(args.data, args.L, args.max_per_shard)
    spins, T, paths = lat.spins, lat.T, lat.paths
    log.info(
        "training %s on %d configurations of L=%d from %d shards in %s",
        args.model,
        len(T),
        args.L,
        len(paths),
        args.data,
    )
    model, metrics = train.train_and_evaluate(cfg, spins, T)
    metrics["data"] = [str(p) for p in paths]
    metrics["max_per_shard"] = args.max_per_shard
    checkpoint.save_checkpoint(
        out / "params.npz", cfg.spec.to_json(), models.params_to_arrays(model)
    )
    results.write_json(out / "metrics.json", metrics)
    acc = " ".join(
        f"{k} {'-' if v is None else f'{v:.3f}'}" for k, v in metrics["accuracy"].items()
    )
    log.info(
        "%s L=%d %s seed=%d: %d params, %d epochs (best %d), accuracy %s, %.1f s on %s -> %s",
        args.model,
        args.L,
        window_name(cfg.window),
        args.seed,
        metrics["n_params"],
        len(metrics["epochs"]),
        metrics["best_epoch"],
        acc,
        metrics["wall_seconds"],
        metrics["device"],
        out,
    )


def cmd_predict(args):
    configure_jax(args)
    from isingml.io import checkpoint, results, shards
    from isingml.learning import models, predict, train

    spec_json, arrays = checkpoint.load_checkpoint(Path(args.model_dir) / "params.npz")
    spec = models.ModelSpec.from_json(spec_json)
    metrics = results.read_json(Path(args.model_dir) / "metrics.json")
    out = prepare_output(args.out)
    limit = metrics.get("max_per_shard") if args.max_per_shard is None else args.max_per_shard
    lat = shards.load_lattices(args.data, max_per_shard=limit)
    spins, T = lat.spins, lat.T
    L = spins.shape[1]
    if L == spec.L and limit != metrics.get("max_per_shard"):
        raise UserError(
            f"{args.model_dir} was trained with --max-per-shard "
            f"{metrics.get('max_per_shard')}; predict on the same L with the same "
            "value, so that the stored train/test split refers to the same data"
        )
    if spec.name == "fcn" and L != spec.L:
        raise UserError(
            f"the fully connected network in {args.model_dir} was trained on "
            f"L = {spec.L} and has L^2 = {spec.L**2} inputs; it cannot predict on "
            f"L = {L} ({args.data}). Only the CNN accepts any L."
        )
    model = models.model_from_arrays(spec, arrays, str(args.model_dir))
    cfg = train.TrainConfig.from_dict(metrics["config"])
    columns, attrs = predict.prediction_table(model, spec, cfg, spins, T)
    attrs["model_dir"] = str(args.model_dir)
    results.write_predictions(out, columns, attrs)
    log.info(
        "predicted %d configurations of L=%d with %s (trained on L=%d) -> %s",
        len(T),
        L,
        spec.name,
        spec.L,
        out,
    )


def add_jax_options(p):
    p.add_argument("--threads", type=int, help="CPU threads for XLA (default: all cores)")
    p.add_argument("--jax-cache", help="folder for JAX's persistent compilation cache")


def add_commands(sub):
    p = sub.add_parser("train", help="train one network on the shards of one L")
    add_jax_options(p)
    p.add_argument("--model", required=True, help="cnn or fcn")
    p.add_argument("--L", type=int, required=True)
    p.add_argument("--seed", type=int, default=0, help="training seed")
    p.add_argument("--root-seed", type=int, default=0, help="the config's root seed")
    p.add_argument(
        "--window",
        type=float,
        nargs=2,
        metavar=("T_ORDERED_MAX", "T_DISORDERED_MIN"),
        help="label T <= first as ordered, T >= second as disordered; "
        "omit to label by T < T_c (Onsager) at every T",
    )
    p.add_argument(
        "--data",
        required=True,
        nargs="+",
        help="shards, or a folder of shards, of one L, e.g. data/lattices/L32",
    )
    p.add_argument("--out", required=True, help="output folder for params.npz and metrics.json")
    p.add_argument("--max-per-shard", type=int, help="use at most the first N configurations")
    # Hyper-parameters left out take the model's defaults from the config schema
    # (workflow/schemas/config.schema.yaml, models.<model>): the same as the workflow's.
    p.add_argument("--epochs", type=positive_int, help="maximum epochs")
    p.add_argument("--batch-size", type=positive_int)
    p.add_argument("--lr", type=float, help="AdamW learning rate")
    p.add_argument("--weight-decay", type=float, help="AdamW weight decay")
    p.add_argument("--patience", type=positive_int, help="epochs without a better val. loss")
    p.add_argument("--channels", type=positive_int, nargs="+", help="CNN widths")
    p.add_argument("--hidden", type=positive_int, help="FCN hidden units")
    p.add_argument("--augment-d4", action="store_true", help="also rotate and reflect")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("predict", help="p(ordered) for every configuration of one L")
    add_jax_options(p)
    p.add_argument("--model-dir", required=True, help="a folder written by `isingml train`")
    p.add_argument("--data", required=True, nargs="+", help="shards, or a folder, of one L")
    p.add_argument("--out", required=True, help="output .h5")
    p.add_argument("--max-per-shard", type=int, help="use at most the first N configurations")
    p.set_defaults(func=cmd_predict)
