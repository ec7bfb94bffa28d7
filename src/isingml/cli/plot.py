"""``isingml plot NAME``: draw one figure from results files into PNG and PDF."""

from isingml.cli.common import UserError, prepare_output
from isingml.cli.simulate import add_model_options, lattice_of
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
    registry.draw(args.figure, given, out, lattice=lattice_of(args))


# what each kind of input file is; the figures that take it come from the registry
INPUT_FILES = {
    "tc": "T*(L) or crossing tables, results/tc/{method}.csv",
    "fss": "finite-size scaling fits, results/fss/{method}.json",
    "observables": "observables per T of one L, results/observables/{lattices,critical}/L*.csv",
    "curves": "curve tables: results/curves/{model}.csv, results/{method}/curves.csv, "
    "results/confusion/accuracy.csv",
    "shards": "lattice shards (.h5) whose first configurations are drawn",
    "predictions": "network predictions (.h5), `isingml train --predictions`",
    "diagnostics": "tables and arrays under results/diagnostics/",
    "exponents": "the exponents of every method, results/fss/exponents.json",
    "components": "the principal components, results/pca/components.npz",
    "variance": "the variance on each principal component, results/pca/variance.csv",
}


def _input_help(name):
    takes = [f for f, fig in registry.FIGURES.items() if any(i.name == name for i in fig.inputs)]
    what = INPUT_FILES.get(name, f"{name} files")
    return f"{what} (for {', '.join(takes)})"


def add_commands(sub):
    p = sub.add_parser("plot", help="draw a figure from results files (PNG + PDF)")
    p.add_argument("figure", choices=sorted(registry.FIGURES), help="the figure to draw; the "
                   "workflow's inputs of each are in isingml.plots.registry")  # fmt: skip
    for name in registry.INPUT_NAMES:
        p.add_argument(f"--{name}", nargs="+", help=_input_help(name))
    p.add_argument("--out", required=True, help="results/figures/NAME.png (PDF written beside)")
    add_model_options(p, "the model, whose exact T_c (and m(T)) the figure shows")
    p.set_defaults(func=cmd_plot)
