"""Options and settings shared by the commands that train or evaluate networks (train, predict,
confusion, features, baseline, efficiency, inspect): JAX's set-up, the training options and the
TrainConfig they make, one output per seed."""

from isingml.cli.common import UserError, positive_int, prepare_output


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


def train_config(args, model=None, seed=None):
    """The TrainConfig of a command's arguments (``add_training_options``): the --settings JSON
    (what the workflow passes), then any flag given explicitly on top of it."""
    from isingml.learning.run import TrainConfig, check_settings

    settings = check_settings(json_object(args.settings, "--settings"), "--settings")
    flags = {
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "learning_rate": args.lr,
        "weight_decay": args.weight_decay,
        "patience": args.patience,
        "val_fraction": args.val_fraction,
        "test_fraction": args.test_fraction,
        "augment_d4": args.augment_d4 or None,
        "resample": False if args.no_resample else None,
        "channels": args.channels,
        "kernel_size": args.kernel_size,
        "head": args.head,
        "hidden": args.hidden,
    }
    settings.update({k: v for k, v in flags.items() if v is not None})
    if settings.get("channels") is not None:
        settings["channels"] = tuple(settings["channels"])
    window = getattr(args, "window", None)
    return TrainConfig(
        model=model or args.model,
        L=args.L,
        seed=args.seed if seed is None else seed,
        root_seed=args.root_seed,
        label="exact" if window is None else "windows",
        window=None if window is None else tuple(window),
        **settings,
    )


def json_object(text, option):
    """The dict of a JSON object given on the command line ({} for none)."""
    import json

    try:
        value = json.loads(text) if text else {}
    except json.JSONDecodeError as err:
        raise UserError(f"{option} is not valid JSON ({err})") from None
    if not isinstance(value, dict):
        raise UserError(f"{option} must be a JSON object")
    return value


def ensemble_configs(args, model=None):
    """One TrainConfig per training seed: --seeds, or the single --seed."""
    return [train_config(args, model, s) for s in (args.seeds or [args.seed])]


def outputs_per_seed(outs, cfgs):
    """The --out files of a command that writes one per seed, checked writable: as many as
    seeds, in the order of the seeds."""
    if len(outs) != len(cfgs):
        raise UserError(f"{len(cfgs)} seeds but {len(outs)} --out files; give one per seed")
    return [prepare_output(o) for o in outs]


def add_training_options(p):
    """Seeds and hyper-parameters. Those left out take the model's defaults from the config
    schema (workflow/schemas/config.schema.yaml, models.<model> and training): the same as the
    workflow's, which passes them all as --settings."""
    p.add_argument("--L", type=int, required=True)
    p.add_argument("--seed", type=int, default=0, help="training seed (one network)")
    p.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        help="training seeds of an ensemble, trained together in one program; the members go "
        "to seed<k>/ under --out",
    )
    p.add_argument("--root-seed", type=int, default=0, help="the config's root seed")
    p.add_argument("--max-per-shard", type=int, help="use at most the first N configurations")
    p.add_argument(
        "--settings",
        help="training settings as a JSON object (keys of models.<model> and training in "
        "config.yaml); the flags below override it",
    )
    p.add_argument("--epochs", type=positive_int, help="maximum epochs")
    p.add_argument("--batch-size", type=positive_int)
    p.add_argument("--lr", type=float, help="AdamW learning rate")
    p.add_argument("--weight-decay", type=float, help="AdamW weight decay")
    p.add_argument("--patience", type=positive_int, help="epochs without a better val. loss")
    p.add_argument("--val-fraction", type=float, help="held out for validation, per T")
    p.add_argument("--test-fraction", type=float, help="held out for testing, per T")
    p.add_argument("--channels", type=positive_int, nargs="+", help="CNN widths")
    p.add_argument("--kernel-size", type=positive_int, help="CNN kernel side")
    p.add_argument("--head", type=positive_int, help="CNN read-out hidden units")
    p.add_argument("--hidden", type=positive_int, help="FCN hidden units")
    p.add_argument("--augment-d4", action="store_true", help="also rotate and reflect")
    p.add_argument(
        "--no-resample",
        action="store_true",
        help="train on the training split itself, not on a bootstrap resample of it",
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
