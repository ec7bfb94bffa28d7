"""The figure map: every figure, the function that draws it, its input files in the order that
function takes them, and its place in the report. The workflow's one figure rule, ``isingml
plot`` and the tests read it; nothing else lists the figures. No matplotlib here: the workflow
imports it when it loads.

A figure's inputs are built from a ``isingml.layout.Layout``; ``key`` is the window-trained model
of a per-model figure (``p_ordered``), None otherwise.
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
        "tc_extrapolation.rst", "Finite-size scaling"),
    "binder": Figure(
        "binder",
        (Input("observables", lambda lay, k: lay.observables("critical"), True),
         Input("curves", _files("results/binder/curves.csv")),
         Input("tc", _files("results/tc/binder.csv"))),
        "binder.rst", "Physics baseline"),
    "magnetization": Figure(
        "magnetization", (Input("observables", lambda lay, k: lay.observables(), True),),
        "magnetization.rst", "Physics baseline"),
    "lattices": Figure(
        "lattices", (Input("shards", lambda lay, k: lay.example_shards(), True),),
        "lattices.rst", "Physics baseline"),
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
        "exponent_slopes.rst", "Finite-size scaling"),
    "p_ordered": Figure(
        "p_ordered", (Input("curves", lambda lay, model: [f"results/curves/{model}.csv"]),),
        "p_ordered.rst", "Networks", per_model=True),
    "accuracy": Figure(
        "accuracy",
        (Input("curves", lambda lay, k: [f"results/curves/{m}.csv" for m in lay.window_models],
               True),),
        "accuracy.rst", "Networks"),
    "cnn_binder": Figure(
        "cnn_binder",
        (Input("curves", _files("results/cnn_binder/curves.csv")),
         Input("diagnostics", _files("results/diagnostics/cnn_binder_networks.csv")),
         Input("tc", _files("results/tc/cnn_binder.csv"))),
        "cnn_binder.rst", "Window-free estimators", when="cnn_binder"),
    "confusion": Figure(
        "confusion",
        (Input("curves", _files("results/confusion/accuracy.csv")),
         Input("tc", _files("results/tc/confusion.csv")),
         Input("fss", _files("results/fss/confusion.json"))),
        "confusion.rst", "Window-free estimators", when="confusion"),
    "rg": Figure(
        "rg",
        (Input("curves", _files("results/rg/curves.csv")),
         Input("tc", _files("results/tc/rg.csv"))),
        "rg.rst", "Studies", when=STUDY),
    "pca": Figure(
        "pca",
        (Input("components", _files("results/pca/components.npz")),
         Input("variance", _files("results/pca/variance.csv")),
         Input("curves", _files("results/pca/curves.csv"))),
        "pca.rst", "Studies", when=STUDY),
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
# Every figure's caption: what it shows and every symbol on it, for the README, docs/ and the
# report (which adds the longer discussion of workflow/report/); ``caption(name)`` reads it.
CAPTIONS = {
    "tc_extrapolation": (
        "Each method's estimates extrapolated to infinite size: for the crossing methods the "
        "crossing temperature T_x of the curves of size L and the next size L′ against L^−x "
        "(x = 1/ν + ω, the shift exponent: for U₄ in the range the exact small-L crossings "
        "show, fitted at both ends; for the CNNs' U_φ fitted with T_c), for learning by "
        "confusion the accuracy peak T′(L) against 1/L, and for "
        "the window-trained networks T*(L), where the mean output p(ordered) = 1/2, against 1/L "
        "per training window. Error bars are one standard error; red stars are T_c(∞) with its "
        "total error; the window-trained rows converge to where the magnetization equals the "
        "window's threshold, not to T_c, and their grey bar is the spread over windows, not an "
        "error; dashed: Onsager's exact T_c = 2.26919 J/k_B."
    ),
    "binder": (
        "Binder cumulant U₄ = 1 − ⟨m⁴⟩/3⟨m²⟩² of the magnetization per site m against "
        "temperature T (J/k_B) for each lattice size L: points measured (error bars: jackknife), "
        "lines and bands the multi-histogram reweighted curves with one standard error. Dotted: "
        "the crossings T_x of successive sizes, approaching T_c from below; dashed: Onsager's "
        "exact T_c."
    ),
    "magnetization": (
        "Mean absolute magnetization per site ⟨|m|⟩ against temperature T (J/k_B) for each "
        "lattice size L (error bars: one standard error), with the exact spontaneous "
        "magnetization of the infinite lattice (Onsager, Yang), (1 − sinh(2J/k_B T)⁻⁴)^(1/8) "
        "below T_c; dashed: Onsager's T_c."
    ),
    "lattices": (
        "The last stored configuration of the largest lattice (size L) below, near and above "
        "Onsager's T_c; white: spin s = +1, black: s = −1."
    ),
    "shortcut": (
        "What a window-trained network measures: each point is one configuration of size L, its "
        "network output p(ordered) against its magnetization per site |m|, coloured by "
        "temperature T. Black: the fit p = 1/(1 + exp(−a(|m| − m₀))); dotted: its threshold m₀; "
        "R²: the share of p's variance the fit explains, for this network and (all) averaged "
        "over the model's networks."
    ),
    "collapse": (
        "Data collapse against (T − T_c) L_s^(1/ν), with each method's own fitted T_c and 1/ν "
        "(bands: one standard error). Left: the Binder cumulant U₄ of every size L (L_s = L); "
        "right: the Binder cumulant U_φ of the CNNs' learned order parameter φ on configurations "
        "of size L (solid, L_s = L) and of size 2L block-decimated to L (dashed, L_s = 2L): each "
        "such pair collapses, pairs of different L differing in height by the non-universal "
        "local background of φ."
    ),
    "exponent_slopes": (
        "Effective exponents of each pair of sizes L < L′, ln(y(L′)/y(L)) / ln(L′/L) of an "
        "observable y at the pair's crossing temperature (error bars: jackknife), and their "
        "extrapolation to L → ∞ (stars, total error); dashed: the exact 2D Ising 1/ν = 1, "
        "γ/ν = 7/4, β/ν = 1/8. β = 1/k_B T; U₄: the Binder cumulant of m; χ = N⟨m²⟩ with N = L² "
        "sites; U_φ: the CNNs' cumulant on L against 2L decimated to L; (check): not part of the "
        "quoted value."
    ),
    "p_ordered": (
        "Mean network output p(ordered) against temperature T (J/k_B) for each lattice size L, "
        "one panel per training window (ordered at T at or below its lower, disordered at or "
        "above its upper temperature; grey: never trained on); error bars: bootstrap over "
        "configurations and training seeds. T*(L) is where p = 1/2; dashed: Onsager's T_c."
    ),
    "accuracy": (
        "Accuracy on held-out configurations of the largest size L, scored against the label "
        "T < T_c (Onsager's), against temperature T (J/k_B), one panel per window-trained model, "
        "a colour per training window (bands: one standard error over training seeds)."
    ),
    "cnn_binder": (
        "Binder cumulant U_φ = 1 − ⟨φ⁴⟩/3⟨φ²⟩² of the CNNs' learned Z2-odd order parameter φ. "
        "Left: U_φ(T) averaged over the networks on configurations of size L (solid) and of size "
        "2L block-decimated to L (dashed), reweighted, with one-standard-error bands; right: each "
        "network's crossing temperature T_x of each pair of sizes (filled: L with 2L decimated "
        "to L; hollow: native L with L′) with its error, beside the ensemble mean and its error "
        "(shaded); dashed: Onsager's T_c."
    ),
    "confusion": (
        "Learning by confusion (van Nieuwenburg, Liu and Huber 2017). Left: held-out accuracy of "
        "networks trained to call a configuration ordered if T < T′, against the proposed "
        "boundary T′ for each size L (bands: error over training seeds), peaks T′(L) dotted; "
        "right: T′(L) against 1/L with the fit T_c + a/L and its value at 1/L = 0 (square, with "
        "its error); dashed: Onsager's T_c."
    ),
    "rg": (
        "Pooling as renormalisation: the networks' mean output ⟨p⟩ against temperature T "
        "(J/k_B) on configurations of size L (solid) and of sizes 2L and 4L block-decimated to L "
        "by majority rule (dashed, dotted), with jackknife bands (narrower than the lines); "
        "dash-dotted: the fixed point where L and 2L decimated agree; dashed: Onsager's T_c."
    ),
    "pca": (
        "Principal component analysis. Left: the weights w_i of the first principal component "
        "(PC1) of the largest size's configurations, as their deviation from the mean weight "
        "(a uniform PC1 is the magnetization); middle: the fraction of the variance along PC1 "
        "against T; right: the Binder cumulant U of the projection on PC1 for each size L, "
        "reweighted, with jackknife bands; dashed: Onsager's T_c."
    ),
    "filters": (
        "What the filters see, per network (rows): its first-layer filters (red positive, blue "
        "negative), then for a configuration below, near and above T_c its spins, the "
        "channel-mean absolute first-layer activation, and the saliency (the gradient of the "
        "logit with respect to each spin)."
    ),
    "data_efficiency": (
        "Each network (its parameter count in the legend) against the number of training "
        "configurations per temperature, at one size and window: left, held-out accuracy "
        "(error bars: one standard error over training seeds); right, the scatter of T* over "
        "the training seeds, a spread, not an error."
    ),
    "transfer": (
        "The same CNNs, trained on one lattice's configurations (left), evaluated on another "
        "lattice's (right), for each lattice size L. Top: their mean output p(ordered) against "
        "temperature T (J/k_B) for the first training window (grey: never trained on; error "
        "bars: bootstrap), T*(L) where p = 1/2; bottom: the Binder cumulant "
        "U_φ = 1 − ⟨φ⁴⟩/3⟨φ²⟩² of their learned order parameter φ (bands: one standard error "
        "over training seeds). Dashed: each lattice's exact T_c; dotted: its T(m₀), where its "
        "exact spontaneous magnetization equals the networks' threshold m₀."
    ),
}


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


def draw(name, given, out):
    """Draw figure ``name`` from its input files (``given``: input name -> list of paths)
    into ``out`` (.png, and the .pdf beside it): read by ``io.figures``, curves computed by
    ``analysis.curves`` where the figure needs them, drawn by ``plots.<plot>``."""
    from isingml import plots
    from isingml.analysis import curves
    from isingml.io import figures

    fig = FIGURES[name]
    data = figures.read_inputs(fig, given)
    if fig.prepare is not None:
        data = getattr(curves, fig.prepare)(*data)
    plots.save(getattr(plots, fig.plot)(*data), out)
