"""Options shared by the commands that train or evaluate networks (train, predict, confusion,
features, baseline, efficiency, inspect): JAX's set-up, and the job's settings. A job's
settings arrive as one JSON object (``--job``, what the workflow passes: ``settings.JobSpec``);
the flags, generated from the one list of settings (``settings.SETTINGS``) and the schema,
override it by hand."""

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


def backend(args):
    """The job's run-time choices (``learning.backend``): the environment, --epoch-loop over it."""
    from isingml.learning.backend import Backend

    return Backend.from_env(epoch_loop=getattr(args, "epoch_loop", None))


def _given_job(args):
    import json

    try:
        value = json.loads(args.job) if args.job else {}
    except json.JSONDecodeError as err:
        raise UserError(f"--job is not valid JSON ({err})") from None
    if not isinstance(value, dict):
        raise UserError("--job must be a JSON object")
    return value


def job_from_args(args, **fields):
    """The ``JobSpec`` of a command: its --job JSON, then the flags given by hand over it (the
    settings' flags, --L, --seed or --seeds, --root-seed, --max-per-shard, --window, and the
    command's own ``fields``; None is not given)."""
    from isingml.learning.settings import SETTINGS, JobSpec, study_settings

    given = _given_job(args)
    settings = {**given.get("settings", {})}
    settings.update({k: getattr(args, k) for k in SETTINGS if getattr(args, k, None) is not None})
    seeds = [args.seed] if getattr(args, "seed", None) is not None else getattr(args, "seeds", None)
    window = getattr(args, "window", None)
    flags = {
        "L": getattr(args, "L", None),
        "seeds": seeds,
        "root_seed": getattr(args, "root_seed", None),
        "max_per_shard": getattr(args, "max_per_shard", None),
        "window": None if window is None else tuple(window),
        **fields,
    }
    job = {**given, **{k: v for k, v in flags.items() if v is not None}, "settings": settings}
    if fields.get("study_model") is not None:  # by hand: the study's name of the network
        job["model"], job["settings"] = study_settings(job["study_model"], settings)
    return JobSpec.from_dict(job, "--job and flags")


def per_seed_outputs(args):
    """Whether a command writes one output per seed: an ensemble (--seeds, or seeds in --job),
    not one network (--seed, or neither)."""
    return getattr(args, "seed", None) is None and (
        args.seeds is not None or "seeds" in _given_job(args)
    )


def outputs_per_seed(outs, spec):
    """The --out files of a command that writes one per seed, checked writable: as many as
    seeds, in the order of the seeds."""
    if len(outs) != len(spec.seeds):
        raise UserError(f"{len(spec.seeds)} seeds but {len(outs)} --out files; give one per seed")
    return [prepare_output(o) for o in outs]


def add_setting_flags(p, names=None, models=None):
    """One flag per training setting (all of ``settings.SETTINGS``, or ``names``), its help
    saying which of ``models`` (default: every network) have it and its default for each."""
    from isingml.learning.settings import MODELS, SETTINGS

    for name in SETTINGS if names is None else names:
        _setting_flag(p, name, models or MODELS)


def _setting_default(name, models):
    """A setting's default in words: one value (a training setting), or each model's."""
    from isingml import config

    training = config.defaults()["training"]
    if name in training:
        return f"default: {_show(training[name])}, training.{name} in the config schema"
    having = [m for m in models if name in config.model_defaults(m)]
    each = ", ".join(f"{m} {_show(config.model_defaults(m)[name])}" for m in having)
    only = "" if having == list(models) else f"only {', '.join(having)}; "
    return f"{only}default: {each}, models.<model>.{name} in the config schema"


def _show(value):
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, list | tuple):
        return " ".join(map(str, value))
    return str(value)


def _setting_flag(p, name, models):
    """The flag of one setting, typed and explained by its schema."""
    import argparse

    from isingml.learning.settings import describe, setting_schema

    node = setting_schema(name)
    kind = node.get("type")
    flag = "--" + name.replace("_", "-")
    text = f"{describe(name).rstrip('.')} ({_setting_default(name, models)}; or the --job's)"
    if kind == "boolean":
        p.add_argument(flag, action=argparse.BooleanOptionalAction, help=text)
        return
    if kind == "array":
        p.add_argument(flag, type=positive_int, nargs="+", help=text)
        return
    numeric = positive_int if kind == "integer" and node.get("minimum") == 1 else None
    numeric = numeric or {"integer": int, "number": float}[kind]
    p.add_argument(flag, type=numeric, help=text)


def add_job_options(p, seeds="many", settings=True, seeds_help=None):
    """--job and the flags over it: the run's identity (--L, the training seed or seeds
    (``seeds``: "many", "one" or None), the root seed), and with ``settings`` one flag per
    training setting, generated from the one list. Left out, a setting takes the --job's value,
    or the schema's default (workflow/schemas/config.schema.yaml)."""
    p.add_argument(
        "--job",
        help="the job's settings as one JSON object (what the workflow passes: model, L, "
        "window, seeds, root_seed, settings, quality, ...; learning.settings.JobSpec); the "
        "flags given override it",
    )
    p.add_argument(
        "--max-per-shard",
        type=positive_int,
        help="use at most the first N configurations of each shard (default: all)",
    )
    if not seeds:
        return
    p.add_argument(
        "--L", type=positive_int, help="the lattice size of the shards (or the --job's); "
        "shards of another size are refused"
    )  # fmt: skip
    p.add_argument("--seed", type=int, help="the training seed of one network (default 0)")
    if seeds == "many":
        p.add_argument(
            "--seeds",
            type=int,
            nargs="+",
            help=seeds_help or "the training seeds of an ensemble, one network each",
        )
    p.add_argument(
        "--root-seed", type=int, help="the configuration's root seed, config key seed "
        "(default 0, or the --job's)"
    )  # fmt: skip
    if settings:
        add_setting_flags(p)


def add_jax_options(p, training=True):
    """JAX's set-up; with ``training``, --epoch-loop, which only training commands have."""
    p.add_argument("--threads", type=positive_int, help="CPU threads for XLA (default: all cores)")
    p.add_argument(
        "--jax-cache",
        help="folder for JAX's persistent compilation cache (default: none, compile afresh)",
    )
    p.add_argument(
        "--gpus",
        type=int,
        default=0,
        help="require this many GPUs visible to JAX, and stop with a message if there are "
        "fewer (0: use whatever device JAX has)",
    )
    if not training:
        return
    p.add_argument(
        "--epoch-loop",
        choices=("auto", "scan", "python"),
        help="run each epoch as one compiled lax.scan or as a Python loop over the compiled "
        "step (default: auto, measured per device and model; env ISINGML_EPOCH_LOOP)",
    )
