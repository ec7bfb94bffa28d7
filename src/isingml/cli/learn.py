"""``isingml train`` and ``isingml predict``: argument parsing and file I/O around
``isingml.learning``."""

import logging
from pathlib import Path

from isingml.cli.common import UserError, positive_int, prepare_output

log = logging.getLogger("isingml")


def configure_jax(args):
    """Threads, GPU memory, compilation cache and the GPU requirement, set before JAX starts
    its backend."""
    import os

    if args.threads:
        # XLA:CPU sizes its intra-op thread pool from NPROC when the CPU client starts (the
        # variable Google's test runners use for a CPU reservation). Measured with
        # benchmarks/threads.py: 1.01 busy cores while training with --threads 1, against 1.25
        # without. The often-quoted "intra_op_parallelism_threads=N" is not an XLA flag, and
        # --xla_cpu_multi_thread_eigen=false alone changed nothing.
        os.environ["NPROC"] = str(args.threads)
    # These networks need megabytes: allocate GPU memory on demand, so that several jobs can
    # share one GPU (JAX would otherwise take 75 % of it in the first process).
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    import jax

    if args.gpus:
        gpus = [d for d in jax.devices() if d.platform in ("gpu", "cuda", "rocm")]
        if len(gpus) < args.gpus:
            raise UserError(
                f"--gpus {args.gpus} asks for a GPU, but JAX {jax.__version__} sees only "
                f"{', '.join(sorted({d.platform for d in jax.devices()}))} devices. Install "
                "its CUDA build in this environment (pip install -e '.[cuda]'; the README's "
                "'GPU' section says how to check), or run without --gpus (profiles/default)"
            )
    if args.jax_cache:
        # Jobs of the same model and L share their compiled steps: 13.9 s -> 6.0 s for a small
        # training job here, with bit-identical parameters.
        jax.config.update("jax_compilation_cache_dir", str(args.jax_cache))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)


def train_config(args, model=None):
    """The TrainConfig of a command's arguments (``add_training_options``)."""
    from isingml.learning.run import TrainConfig

    window = getattr(args, "window", None)
    return TrainConfig(
        model=model or args.model,
        L=args.L,
        seed=args.seed,
        root_seed=args.root_seed,
        label="exact" if window is None else "windows",
        window=None if window is None else tuple(window),
        epochs=args.epochs,
        batch_size=args.batch_size,
        learning_rate=args.lr,
        weight_decay=args.weight_decay,
        patience=args.patience,
        augment_d4=args.augment_d4 or None,
        resample=False if args.no_resample else None,
        channels=None if args.channels is None else tuple(args.channels),
        hidden=args.hidden,
    )


def add_training_options(p):
    """Seeds and hyper-parameters. Those left out take the model's defaults from the config
    schema (workflow/schemas/config.schema.yaml, models.<model>): the same as the workflow's."""
    p.add_argument("--L", type=int, required=True)
    p.add_argument("--seed", type=int, default=0, help="training seed")
    p.add_argument("--root-seed", type=int, default=0, help="the config's root seed")
    p.add_argument("--max-per-shard", type=int, help="use at most the first N configurations")
    p.add_argument("--epochs", type=positive_int, help="maximum epochs")
    p.add_argument("--batch-size", type=positive_int)
    p.add_argument("--lr", type=float, help="AdamW learning rate")
    p.add_argument("--weight-decay", type=float, help="AdamW weight decay")
    p.add_argument("--patience", type=positive_int, help="epochs without a better val. loss")
    p.add_argument("--channels", type=positive_int, nargs="+", help="CNN widths")
    p.add_argument("--hidden", type=positive_int, help="FCN hidden units")
    p.add_argument("--augment-d4", action="store_true", help="also rotate and reflect")
    p.add_argument(
        "--no-resample",
        action="store_true",
        help="train on the training split itself, not on a bootstrap resample of it",
    )


def cmd_train(args):
    configure_jax(args)
    from isingml.io import checkpoint, datasets, results
    from isingml.learning import data, models, predict, train

    cfg = train_config(args)
    out = Path(args.out)
    prepare_output(out / "params.npz")
    if args.predictions:
        prepare_output(args.predictions)
    lat = datasets.load_lattices(args.data, args.L, args.max_per_shard)
    log.info(
        "training %s on %d configurations of L=%d from %d shards",
        args.model,
        len(lat.T),
        args.L,
        len(lat.paths),
    )
    model, metrics, split = train.train_and_evaluate(cfg, lat.spins, lat.T, args.epoch_loop)
    record = data.data_record(lat.spins, lat.T, lat.paths, lat.counts)
    metrics["data"] = record
    metrics["max_per_shard"] = args.max_per_shard
    checkpoint.save_checkpoint(
        out / "params.npz", cfg.spec.to_json(), models.params_to_arrays(model)
    )
    checkpoint.save_split(out / "split.npz", split.codes, split.train_counts, record)
    results.write_json(out / "metrics.json", metrics)
    if args.predictions:
        columns, attrs = predict.prediction_table(
            model, cfg.spec, cfg, lat.spins, lat.T, split.codes
        )
        results.write_predictions(args.predictions, columns, {**attrs, "model_dir": str(out)})
    acc = " ".join(
        f"{k} {'-' if v is None else f'{v:.3f}'}" for k, v in metrics["accuracy"].items()
    )
    log.info(
        "%s L=%d %s seed=%d: %d params, %d epochs (best %d), accuracy %s, %.1f s on %s -> %s",
        args.model,
        args.L,
        data.window_name(cfg.window),
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
    from isingml.io import checkpoint, datasets, results
    from isingml.learning import data, models, predict, train

    folder = Path(args.model_dir)
    spec_json, arrays = checkpoint.load_checkpoint(folder / "params.npz")
    spec = models.ModelSpec.from_json(spec_json)
    metrics = results.read_json(folder / "metrics.json")
    out = prepare_output(args.out)
    if spec.name == "fcn" and args.L is not None and args.L != spec.L:
        raise UserError(f"the fully connected network in {folder} takes only L = {spec.L}")
    limit = args.max_per_shard
    lat = datasets.load_lattices(args.data, args.L, limit)
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
    model = models.model_from_arrays(spec, arrays, str(folder))
    cfg = train.TrainConfig.from_dict(metrics["config"])
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


def add_jax_options(p):
    p.add_argument("--threads", type=int, help="CPU threads for XLA (default: all cores)")
    p.add_argument("--jax-cache", help="folder for JAX's persistent compilation cache")
    p.add_argument(
        "--gpus",
        type=int,
        default=0,
        help="require this many GPUs visible to JAX, and stop with a message if there are "
        "fewer (0: use whatever device JAX has)",
    )
    p.add_argument(
        "--epoch-loop",
        choices=("auto", "scan", "python"),
        help="run each epoch as one compiled lax.scan or as a Python loop over the compiled "
        "step (default: auto, measured per device and model; env ISINGML_EPOCH_LOOP)",
    )


def add_commands(sub):
    p = sub.add_parser("train", help="train one network on the shards of one L")
    add_jax_options(p)
    p.add_argument("--model", required=True, help="cnn or fcn")
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
    p.add_argument(
        "--out", required=True, help="output folder for params.npz, split.npz and metrics.json"
    )
    p.add_argument(
        "--predictions", help="also write the network's predictions on its training data here"
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
