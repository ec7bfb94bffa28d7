"""The figure map: every figure, the function that draws it, its input files in the order that
function takes them, and its place in the report. The workflow's one figure rule, ``isingml
plot`` and the tests read it; nothing else lists the figures. No matplotlib here: the workflow
imports it when it loads.

A figure's inputs are built from a ``isingml.layout.Layout``; ``key`` is the window-trained model
of a per-model figure (``p_ordered``), None otherwise. A figure that draws the lattice's exact
results (``exact``: its T_c as a dashed line, its m(T)) is given the model as ``lattice``.
"""

from dataclasses import dataclass, field

from isingml.transfer_layout import CURVES_CSV as TRANSFER_CURVES
from isingml.transfer_layout import WINDOWS_CSV as TRANSFER_WINDOWS

ALWAYS, STUDY = "always", "study"  # a Figure's ``when``; any other value names a method


@dataclass(frozen=True)
class Input:
    """One ``--name`` of ``isingml plot``: one file, or several (``many``)."""

    name: str
    files: object  # (layout, key) -> list of paths
    many: bool = False


@dataclass(frozen=True)
class Figure:
    """``plot``: the function of ``isingml.plots`` that draws it; ``caption``: its caption in
    workflow/report/; ``when``: always, with its study switched on (``studies.<name>``), or
    with the method of that name; ``per_model``: one figure per window-trained model."""

    plot: str
    inputs: tuple[Input, ...]
    caption: str
    category: str
    when: str = ALWAYS
    per_model: bool = False
    prepare: str | None = None  # a function of isingml.analysis.curves: read inputs -> drawn
    exact: bool = False  # draws the lattice's exact T_c or m(T): called with lattice=...


@dataclass(frozen=True)
class FigureJob:
    """One figure of a run: its file stem (results/figures/{stem}.png) and input files."""

    stem: str
    figure: Figure
    inputs: dict = field(default_factory=dict)  # input name -> list of paths
    subcategory: str | None = None


def _files(*paths):
    return lambda layout, key: list(paths)


FIGURES = {
    "tc_extrapolation": Figure(
        "tc_extrapolation",
        (Input("tc", lambda lay, k: lay.tc_files(), True),
         Input("fss", lambda lay, k: lay.fss_files(), True)),
        "tc_extrapolation.rst", "Finite-size scaling", exact=True),
    "binder": Figure(
        "binder",
        (Input("observables", lambda lay, k: lay.observables("critical"), True),
         Input("curves", _files("results/binder/curves.csv")),
         Input("tc", _files("results/tc/binder.csv"))),
        "binder.rst", "Physics baseline", exact=True),
    "magnetization": Figure(
        "magnetization", (Input("observables", lambda lay, k: lay.observables(), True),),
        "magnetization.rst", "Physics baseline", exact=True),
    "lattices": Figure(
        "lattices", (Input("shards", lambda lay, k: lay.example_shards(), True),),
        "lattices.rst", "Physics baseline", exact=True),
    "shortcut": Figure(
        "shortcut",
        (Input("predictions", lambda lay, k: lay.shortcut_examples(), True),
         Input("diagnostics", _files("results/diagnostics/shortcut.csv"))),
        "shortcut.rst", "Networks", prepare="shortcut_inputs"),
    "collapse": Figure(
        "collapse",
        (Input("curves", lambda lay, k: lay.collapse_curves(), True),
         Input("fss", lambda lay, k: lay.collapse_fss(), True),
         Input("exponents", _files("results/fss/exponents.json"))),
        "collapse.rst", "Finite-size scaling"),
    "exponent_slopes": Figure(
        "exponent_slopes", (Input("exponents", _files("results/fss/exponents.json")),),
        "exponent_slopes.rst", "Finite-size scaling", exact=True),
    "p_ordered": Figure(
        "p_ordered", (Input("curves", lambda lay, model: [f"results/curves/{model}.csv"]),),
        "p_ordered.rst", "Networks", per_model=True, exact=True),
    "accuracy": Figure(
        "accuracy",
        (Input("curves", lambda lay, k: [f"results/curves/{m}.csv" for m in lay.window_models],
               True),),
        "accuracy.rst", "Networks", exact=True),
    "cnn_binder": Figure(
        "cnn_binder",
        (Input("curves", _files("results/cnn_binder/curves.csv")),
         Input("diagnostics", _files("results/diagnostics/cnn_binder_networks.csv")),
         Input("tc", _files("results/tc/cnn_binder.csv"))),
        "cnn_binder.rst", "Window-free estimators", when="cnn_binder", exact=True),
    "confusion": Figure(
        "confusion",
        (Input("curves", _files("results/confusion/accuracy.csv")),
         Input("tc", _files("results/tc/confusion.csv")),
         Input("fss", _files("results/fss/confusion.json"))),
        "confusion.rst", "Window-free estimators", when="confusion", exact=True),
    "rg": Figure(
        "rg",
        (Input("curves", _files("results/rg/curves.csv")),
         Input("tc", _files("results/tc/rg.csv"))),
        "rg.rst", "Studies", when=STUDY, exact=True),
    "pca": Figure(
        "pca",
        (Input("components", _files("results/pca/components.npz")),
         Input("variance", _files("results/pca/variance.csv")),
         Input("curves", _files("results/pca/curves.csv"))),
        "pca.rst", "Studies", when=STUDY, exact=True),
    "filters": Figure(
        "filters",
        (Input("diagnostics",
               lambda lay, k: [f"results/diagnostics/filters_{m}.npz" for m in lay.inspected],
               True),),
        "filters.rst", "Studies", when=STUDY),
    "data_efficiency": Figure(
        "data_efficiency",
        (Input("diagnostics", _files("results/diagnostics/data_efficiency.csv")),),
        "data_efficiency.rst", "Studies", when=STUDY),
    "transfer": Figure(
        "transfer",
        (Input("curves", _files(TRANSFER_CURVES)), Input("diagnostics", _files(TRANSFER_WINDOWS))),
        "transfer.rst", "Studies", when="cnn_binder_transfer"),
}  # fmt: skip
from isingml.plots.captions import CAPTIONS  # noqa: E402 (the captions, one per figure)


def caption(name):
    """The caption of figure ``name``, or of a figure's file stem (``p_ordered_cnn``)."""
    if name in CAPTIONS:
        return CAPTIONS[name]
    for figure, fig in FIGURES.items():
        if fig.per_model and name.startswith(f"{figure}_"):
            return CAPTIONS[figure]
    raise KeyError(f"no figure {name!r}; known: {', '.join(FIGURES)}")


# every --name that some figure takes, for the command line
INPUT_NAMES = tuple(dict.fromkeys(i.name for f in FIGURES.values() for i in f.inputs))


def figure_jobs(layout, studies=False, everything=False):
    """The figures a run draws, in the map's order: ``studies`` False, those of the results
    (those a method switched off does not draw left out); True, those of the studies that are
    switched on, or all of them with ``everything``."""
    out = {}
    for name, fig in FIGURES.items():
        if (fig.when == STUDY) != studies:
            continue
        if fig.when == STUDY and not layout.study_on(name, everything):
            continue
        if fig.when not in (ALWAYS, STUDY) and fig.when not in layout.methods:
            continue
        for key in layout.window_models if fig.per_model else [None]:
            stem = name if key is None else f"{name}_{key}"
            inputs = {i.name: i.files(layout, key) for i in fig.inputs}
            out[stem] = FigureJob(stem, fig, inputs, key)
    return out


def draw(name, given, out, *, lattice):
    """Draw figure ``name`` from its input files (``given``: input name -> list of paths)
    into ``out`` (.png, and the .pdf beside it): read by ``io.figures``, curves computed by
    ``analysis.curves`` where the figure needs them, drawn by ``plots.<plot>``, with the
    exact results of the model ``lattice`` where the figure shows them (``Figure.exact``)."""
    from isingml import plots
    from isingml.analysis import curves
    from isingml.io import figures

    fig = FIGURES[name]
    data = figures.read_inputs(fig, given)
    if fig.prepare is not None:
        data = getattr(curves, fig.prepare)(*data)
    extra = {"lattice": lattice} if fig.exact else {}
    plots.save(getattr(plots, fig.plot)(*data, **extra), out)
