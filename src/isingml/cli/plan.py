"""``isingml plan``: what a configuration will cost, printed before anything runs."""

import os

from isingml.cli.common import UserError


def cmd_plan(args):
    import yaml

    from isingml import config as cfg
    from isingml import planning

    try:
        with open(args.configfile) as f:
            user = yaml.safe_load(f) or {}
    except OSError as err:
        raise UserError(f"{args.configfile}: cannot read it ({err.strerror})") from None
    config = cfg.resolved(user)
    cfg.check_config(config)
    print(planning.plan_text(config, args.cores, args.gpus, args.configfile))


def add_commands(sub):
    p = sub.add_parser(
        "plan",
        help="the modelled cost of a configuration per stage (jobs, core- and GPU-seconds, "
        "memory, wall time), with nothing run",
    )
    p.add_argument("--configfile", default="config.yaml", help="e.g. workflow/configs/paper.yaml")
    p.add_argument("--cores", type=int, default=os.cpu_count(), help="cores to spread jobs over")
    p.add_argument("--gpus", type=int, default=0, help="GPUs (networks train on them if > 0)")
    p.set_defaults(func=cmd_plan)
