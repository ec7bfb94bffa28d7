"""``isingml plot NAME``: draw one figure from results files into PNG and PDF."""

from isingml.cli.common import UserError, prepare_output

# figure -> its inputs in the order plots.<figure> takes them; a trailing "*" takes several
FIGURES = {
    "p_ordered": ("curves",),
    "tc_extrapolation": ("tc*", "fss*"),
    "binder": ("observables*", "curves", "tc"),
    "magnetization": ("observables*",),
    "accuracy": ("curves*",),
    "lattices": ("shards*",),
    "shortcut": ("predictions*", "diagnostics"),
    "confusion": ("curves", "tc", "fss"),
    "cnn_binder": ("curves", "diagnostics", "tc"),
    "data_efficiency": ("diagnostics",),
    "rg": ("curves", "tc"),
    "pca": ("components", "variance", "curves"),
    "filters": ("diagnostics*",),
    "collapse": ("curves*", "fss*", "exponents"),
    "exponent_slopes": ("exponents",),
}
INPUTS = (
    "curves",
    "tc",
    "fss",
    "observables",
    "shards",
    "predictions",
    "diagnostics",
    "components",
    "variance",
    "exponents",
)


def cmd_plot(args):
    from isingml import plots

    inputs = []
    for spec in FIGURES[args.figure]:
        name = spec.rstrip("*")
        given = getattr(args, name)
        if not given:
            raise UserError(f"figure {args.figure} needs --{name}")
        if not spec.endswith("*") and len(given) != 1:
            raise UserError(f"figure {args.figure} takes one --{name} file, got {len(given)}")
        inputs.append(given if spec.endswith("*") else given[0])
    out = prepare_output(args.out)
    if not str(out).endswith(".png"):
        raise UserError(f"--out must end in .png (a .pdf is written beside it), got {out}")
    plots.save(getattr(plots, args.figure)(*inputs), out)


def add_commands(sub):
    p = sub.add_parser("plot", help="draw a figure from results files (PNG + PDF)")
    p.add_argument("figure", choices=sorted(FIGURES))
    for name in INPUTS:
        p.add_argument(f"--{name}", nargs="+", help=f"input {name} file(s)")
    p.add_argument("--out", required=True, help="results/figures/NAME.png (PDF written beside)")
    p.set_defaults(func=cmd_plot)
