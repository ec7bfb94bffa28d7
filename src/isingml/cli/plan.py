"""``isingml plan``: what a configuration will cost, printed before anything runs."""

import os

from isingml.cli.common import UserError, read_config


def cores(text):
    """--cores: a positive number of cores, or "all" (this machine's), as Snakemake takes it."""
    if text == "all":
        return os.cpu_count() or 1
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise UserError(f"--cores must be a positive integer or 'all', got {text}")
    return value


def cmd_plan(args):
    from isingml import planning

    config = read_config(args.configfile)
    if args.gpus < 0:
        raise UserError(f"--gpus must be 0 or more, got {args.gpus}")
    print(planning.plan_text(config, cores(args.cores), args.gpus, args.configfile))


def add_commands(sub):
    p = sub.add_parser(
        "plan",
        help="the modelled cost of a configuration per stage (jobs, core- and GPU-seconds, "
        "memory, wall time), with nothing run",
        description="The modelled cost of a configuration per stage: jobs, core- and "
        "GPU-seconds, the largest job's memory and the wall time on the cores and GPUs given. "
        "Nothing runs. The configuration is checked as the workflow checks it.",
    )
    p.add_argument(
        "--configfile", default="config.yaml", help="the configuration to plan, e.g. "
        "workflow/configs/paper.yaml"
    )  # fmt: skip
    p.add_argument(
        "--cores",
        default="all",
        help="cores to spread the jobs over: a positive integer, or 'all' (this machine's, "
        f"{os.cpu_count()})",
    )
    p.add_argument("--gpus", type=int, default=0, help="GPUs; networks train on them if > 0")
    p.set_defaults(func=cmd_plan)
