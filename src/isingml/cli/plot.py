"""``isingml plot NAME``: draw one figure from results files into PNG and PDF."""

from isingml.cli.common import UserError, prepare_output

FIGURES = {
    "p_ordered": ("curves",),
    "tc_extrapolation": ("tc", "fss"),
    "collapse": ("curves", "fss"),
    "binder": ("observables",),
    "magnetization": ("observables",),
    "accuracy": ("curves",),
    "lattices": ("shards",),
}


def cmd_plot(args):
    from isingml import plots

    inputs = {k: getattr(args, k) for k in FIGURES[args.figure]}
    missing = [f"--{k}" for k, v in inputs.items() if not v]
    if missing:
        raise UserError(f"figure {args.figure} needs {' and '.join(missing)}")
    single = {"p_ordered", "collapse"}
    if args.figure in single:
        inputs = {k: v[0] for k, v in inputs.items()}
    out = prepare_output(args.out)
    if not str(out).endswith(".png"):
        raise UserError(f"--out must end in .png (a .pdf is written beside it), got {out}")
    fig = getattr(plots, args.figure)(*inputs.values())
    plots.save(fig, out)


def add_commands(sub):
    p = sub.add_parser("plot", help="draw a figure from results files (PNG + PDF)")
    p.add_argument("figure", choices=sorted(FIGURES))
    for name in ("curves", "tc", "fss", "observables", "shards"):
        p.add_argument(f"--{name}", nargs="+", help=f"input {name} file(s)")
    p.add_argument("--out", required=True, help="results/figures/NAME.png (PDF written beside)")
    p.set_defaults(func=cmd_plot)
