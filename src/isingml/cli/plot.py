"""``isingml plot NAME``: draw one figure from results files into PNG and PDF."""

from isingml.cli.common import UserError, prepare_output
from isingml.plots import registry


def cmd_plot(args):
    figure = registry.FIGURES[args.figure]
    given = {}
    for spec in figure.inputs:
        files = getattr(args, spec.name)
        if not files:
            raise UserError(f"figure {args.figure} needs --{spec.name}")
        if not spec.many and len(files) != 1:
            raise UserError(f"figure {args.figure} takes one --{spec.name} file, got {len(files)}")
        given[spec.name] = files
    out = prepare_output(args.out)
    if not str(out).endswith(".png"):
        raise UserError(f"--out must end in .png (a .pdf is written beside it), got {out}")
    registry.draw(args.figure, given, out)


def add_commands(sub):
    p = sub.add_parser("plot", help="draw a figure from results files (PNG + PDF)")
    p.add_argument("figure", choices=sorted(registry.FIGURES))
    for name in registry.INPUT_NAMES:
        p.add_argument(f"--{name}", nargs="+", help=f"input {name} file(s)")
    p.add_argument("--out", required=True, help="results/figures/NAME.png (PDF written beside)")
    p.set_defaults(func=cmd_plot)
