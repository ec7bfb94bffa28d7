"""Figures checked for what they show: panels, series, labels and ranges taken from the data
they are given, built here in memory; and, for every figure of the map, what a journal asks:
titles and labels in words, every symbol on it defined by its caption, error bars where an
error exists and none on a spread, legends off the data, journal widths, PNG at 300 dpi and
PDF with TrueType fonts. Also the figure map that the workflow's one figure rule and
``isingml plot`` read."""

import re
from pathlib import Path
from types import SimpleNamespace

import matplotlib
import numpy as np
import pytest
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.container import ErrorbarContainer
from PIL import Image

from isingml import lattices, plots
from isingml.analysis.curves import shortcut_inputs, threshold_curve
from isingml.cli import main
from isingml.io import results
from isingml.plots import registry, style

matplotlib.use("Agg")
REPO = Path(__file__).resolve().parents[1]
TEMPS = np.array([1.6, 2.0, 2.2, 2.3, 2.5, 3.0])
TC = 2.2692


# ---- the harness: what every figure must satisfy
def legend_texts(fig):
    return [t.get_text() for leg in fig.legends for t in leg.get_texts()] + [
        t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()
    ]


def data_panels(fig):
    """The panels that show data: visible, with axes drawn, not a colour bar."""
    return [
        ax for ax in fig.axes if ax.get_visible() and ax.axison and ax.get_label() != "<colorbar>"
    ]


def words(text):
    return re.findall(r"[A-Za-z]{3,}", re.sub(r"\$[^$]*\$", " ", text))


# a symbol as drawn (mathtext) -> as the caption writes it when it defines it
SYMBOLS = {
    "T_c": "T_c",
    r"\nu": "ν",
    r"U_\phi": "U_φ",
    "U_4": "U₄",
    "m_0": "m₀",
    "T^*": "T*",
    "T'": "T′",
    "L'": "L′",
    "T_x": "T_x",
    "L_s": "L_s",
    r"\chi": "χ",
    r"\beta": "β",
    r"\gamma": "γ",
    "R^2": "R²",
    r"\phi": "φ",
    "$L": " L",
    "$T$": " T",
}


def texts_of(fig):
    out = [fig._suptitle.get_text()] if fig._suptitle else []
    for ax in fig.axes:
        out += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel(), *(t.get_text() for t in ax.texts)]
    return out + legend_texts(fig)


def check_words_and_symbols(fig, name):
    caption = registry.caption(name)
    assert 1 <= caption.count(". ") + 1 <= 5 and caption.endswith("."), caption
    for ax in fig.axes:
        if not ax.get_visible() or ax.get_label() == "<colorbar>" or not ax.has_data():
            continue
        title = ax.get_title()
        assert words(title), f"{name}: a panel's title is not in words: {title!r}"
        assert not re.search(r"\w_\w", re.sub(r"\$[^$]*\$", "", title)), (name, title)
        if ax.axison and not ax.images:
            assert ax.get_xlabel(), f"{name}: a panel without an x label"
        for label in (ax.get_xlabel(), ax.get_ylabel()):
            assert not label or words(label) or "=" in label, f"{name}: label {label!r}"
    for text in texts_of(fig):
        assert text.strip() not in {"-", "binder", "rg", "pca", "cnn", "fcn"}, (name, text)
        assert not re.search(r"\w_\w", re.sub(r"\$[^$]*\$", "", text)), f"{name}: {text!r}"
        for symbol, written in SYMBOLS.items():
            if symbol in text:
                assert written in caption, f"{name}: {symbol} in {text!r}, not in its caption"


def check_off_the_data(fig, name):
    """No legend overlaps a data panel, no two titles overlap, and no text inside a panel
    covers a point of its data."""
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    panels = data_panels(fig)
    legends = list(fig.legends) + [ax.get_legend() for ax in fig.axes if ax.get_legend()]
    for leg in legends:
        box = leg.get_window_extent(r)
        for ax in panels:
            assert not box.overlaps(ax.get_window_extent(r)), f"{name}: a legend covers a panel"
    titles = [
        ax.title.get_window_extent(r) for ax in fig.axes if ax.get_visible() and ax.get_title()
    ]
    for i, a in enumerate(titles):
        assert not any(a.overlaps(b) for b in titles[i + 1 :]), f"{name}: titles overlap"
    for ax in panels:
        for text in ax.texts:
            box = text.get_window_extent(r)
            points = [
                ax.transData.transform(c.get_offsets())
                for c in ax.collections
                if len(c.get_offsets())
            ]
            points += [line.get_transform().transform(line.get_xydata()) for line in ax.lines]
            for xy in points:
                inside = (box.x0 < xy[:, 0]) & (xy[:, 0] < box.x1)
                inside &= (box.y0 < xy[:, 1]) & (xy[:, 1] < box.y1)
                assert not inside.any(), f"{name}: text {text.get_text()!r} covers data"


def check_files(fig, tmp_path):
    """A journal's width, PNG at 300 dpi, a vector PDF with TrueType (not Type 3) fonts."""
    assert fig.get_size_inches()[0] in (style.COLUMN, style.PAGE)
    png = tmp_path / "figure.png"
    plots.save(fig, png)
    with Image.open(png) as im:
        assert im.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    pdf = png.with_suffix(".pdf").read_bytes()
    fonts = set(re.findall(rb"/Subtype\s*/(\w+)", pdf)) & {b"Type3", b"CIDFontType2", b"TrueType"}
    assert fonts and b"Type3" not in fonts, fonts


def errorbars(ax):
    return [c for c in ax.containers if isinstance(c, ErrorbarContainer)]


def bands(ax):
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


# ---- data made here, one maker per figure
def curves_table(sizes=(8, 16), windows=("w2-2.6", "w1.8-2.6"), method="cnn"):
    rows = [(L, w, T) for w in windows for L in sizes for T in TEMPS]
    L, w, T = (np.array(c) for c in zip(*rows, strict=True))
    p = 1 / (1 + np.exp((T - 2.27) * L))
    return {
        "method": np.array([method] * len(rows)),
        "L": L.astype(float),
        "window": w,
        "T": T,
        "p": p,
        "p_err": np.full(p.size, 0.01),
        "accuracy_held_out": 1 - np.abs(p - (T < 2.27)),
        "accuracy_held_out_err": np.full(p.size, 0.02),
    }


def observables(L):
    m = np.clip(1.2 - 0.4 * TEMPS, 0.05, 1)
    err = np.full(TEMPS.size, 0.01)
    return {
        "L": np.full(TEMPS.size, float(L)),
        "T": TEMPS,
        "abs_m": m,
        "abs_m_err": err,
        "U4": 2 / 3 * m,
        "U4_err": err,
    }


def crossings(pairs, T0=2.268):
    L = np.array([a for a, _ in pairs], float)
    return {
        "L": L,
        "L2": np.array([b for _, b in pairs], float),
        "window": np.array(["-"] * len(L)),
        "T_star": T0 + 0.5 * L**-2.75,
        "T_star_err": np.full(L.size, 3e-4),
    }


def binder_inputs():
    curves = {
        "L": np.repeat([8.0, 16.0], 3),
        "T": np.tile([2.2, 2.25, 2.3], 2),
        "U4": np.full(6, 0.6),
        "U4_err": np.full(6, 0.01),
    }
    return [observables(8), observables(16)], curves, crossings([(8, 16)])


def shortcut_data():
    rng = np.random.default_rng(1)
    preds = []
    for model in ("cnn", "fcn"):
        m = rng.uniform(0, 1, 300)
        cols = {"abs_m": m, "p_ordered": 1 / (1 + np.exp(-25 * (m - 0.6))), "T": 3 - 2 * m}
        preds.append((cols, {"model": model, "L": 16}))
    table = {"model": np.array(["cnn", "fcn"]), "R2": np.array([0.99, 0.98])}
    return shortcut_inputs(preds, table)


def half(method, windows, T_c=2.3, err=0.03):
    per = {
        w: {"fixed": {"ok": True, "T_c": T_c + 0.02 * i, "T_c_err": 0.01, "a": 0.3}}
        for i, w in enumerate(windows)
    }
    return {
        "method": method,
        "kind": "half",
        "ok": True,
        "T_c": T_c + 0.01,
        "T_c_err": err,
        "per_window": per,
    }


def window_rows(windows, sizes=(8, 16, 24)):
    rows = [(w, L) for w in windows for L in sizes]
    L = np.array([L for _, L in rows], float)
    return {
        "L": L,
        "window": np.array([w for w, _ in rows]),
        "T_star": 2.3 + 0.3 / L,
        "T_star_err": np.full(L.size, 0.01),
    }


def extrapolation_inputs(n=4):
    binder = {
        "method": "binder",
        "kind": "crossing",
        "crossing_exponent": 2.75,
        "ok": True,
        "exponent_range": None,
        "b": 0.5,
        "T_c": 2.268,
        "T_c_err": 3e-4,
    }
    ends = [{"x": 1.0, "T_c": 2.2705, "b": -0.05}, {"x": 2.75, "T_c": 2.2695, "b": -4.0}]
    cnn_binder = {
        **binder,
        "method": "cnn_binder",
        "crossing_exponent": None,
        "exponent_range": [1.0, 2.75],
        "b": None,
        "ends": ends,
    }
    windows = ("w1.8-2.6", "w2-2.8")
    tc = [
        crossings([(16, 32), (32, 64)]),
        crossings([(16, 32), (32, 64)]),
        window_rows(["-"]),
        window_rows(windows),
    ]
    fss = [binder, cnn_binder, half("confusion", ["-"]), half("cnn", windows)]
    return tc[:n], fss[:n]


def collapse_inputs(inv_nu=1.0):
    """U4 of three sizes, and U_phi of native L with 2L decimated to L that follow one scaling
    function of (T - T_c) L_s^(1/nu) plus a background of the size fed to the network; and a
    decimated curve at L = 8 without its native partner."""
    T = np.linspace(2.25, 2.29, 9)
    u4 = [(L, T, 0.61 - 0.3 * (T - TC) * L**inv_nu) for L in (16, 32, 64)]
    binder = {
        "L": np.concatenate([np.full(T.size, float(L)) for L, _, _ in u4]),
        "T": np.tile(T, 3),
        "U4": np.concatenate([u for _, _, u in u4]),
    }
    binder["U4_err"] = np.full(binder["T"].size, 1e-3)
    rows = [
        (L, s, f) for L in (8, 16, 32) for s, f in (("native", 1), ("b2", 2)) if L > 8 or f == 2
    ]
    U = [0.6 - 1 / L - 0.3 * (T - TC) * (f * L) ** inv_nu for L, _, f in rows]
    cnn = {
        "L": np.repeat([float(L) for L, _, _ in rows], T.size),
        "T": np.tile(T, len(rows)),
        "U": np.concatenate(U),
        "source": np.repeat([s for _, s, _ in rows], T.size),
    }
    cnn["U_err"] = np.full(cnn["T"].size, 1e-3)
    fss = [{"method": "binder", "T_c": TC}, {"method": "cnn_binder", "T_c": TC}]
    exps = {"binder": {"inv_nu": {"value": inv_nu}}, "cnn_binder": {"inv_nu": {"value": inv_nu}}}
    return [binder, cnn], fss, exps


def exponents_input():
    def est(measures, value):
        return {"measures": measures, "value": value, "err": 0.01}

    def pair(L, **values):
        return {"L": L, "L2": 2 * L, **{k: {"value": v, "err": 0.005} for k, v in values.items()}}

    binder = {
        "estimates": {
            "dU4": est("inv_nu", 1.01),
            "dln_abs_m": est("inv_nu", 1.02),
            "chi": est("gamma_over_nu", 1.75),
            "abs_m": est("beta_over_nu", 0.125),
        },
        "inv_nu": {"from": ["dU4"]},
        "gamma_over_nu": {"from": ["chi"]},
        "beta_over_nu": {"from": ["abs_m"]},
        "per_pair": [
            pair(16, dU4=0.98, dln_abs_m=1.04, chi=1.756, abs_m=0.122),
            pair(32, dU4=1.0, dln_abs_m=1.03, chi=1.751, abs_m=0.124),
        ],
    }
    cnn = {
        "estimates": {"dU_phi": est("inv_nu", 0.99)},
        "inv_nu": {"from": ["dU_phi"]},
        "per_pair": [pair(16, dU_phi=0.97), pair(32, dU_phi=0.98)],
    }
    return {"binder": binder, "cnn_binder": cnn}


def cnn_binder_inputs():
    curves, _, _ = collapse_inputs()
    pairs = [(16, 32), (32, 64)]
    rows = [(k, a, b, p) for k in range(3) for a, b in pairs for p in ("decimated", "native")]
    nets = {
        "network": np.array([f"cnn{k}" for k, *_ in rows]),
        "L": np.array([a for _, a, _, _ in rows], float),
        "L2": np.array([b for _, _, b, _ in rows], float),
        "pairing": np.array([p for *_, p in rows]),
        "T_star": 2.268 + 1e-3 * np.arange(len(rows)) / len(rows),
        "T_star_err": np.full(len(rows), 5e-4),
    }
    return curves[1], nets, crossings(pairs)


def confusion_inputs():
    Tp = np.linspace(2.1, 2.5, 9)
    acc = {
        "L": np.repeat([8.0, 16.0], Tp.size),
        "T_proposed": np.tile(Tp, 2),
        "accuracy": np.tile(1 - np.abs(Tp - 2.3), 2),
        "accuracy_err": np.full(2 * Tp.size, 0.02),
    }
    tc = {
        "L": np.array([8.0, 16.0]),
        "T_star": np.array([2.33, 2.3]),
        "T_star_err": np.array([0.03, 0.02]),
    }
    return acc, tc, half("confusion", ["-"])


def rg_inputs():
    T = np.linspace(2.25, 2.29, 9)
    rows = [(16, 16, "native"), (16, 32, "b2"), (16, 64, "b4"), (32, 32, "native"), (32, 64, "b2")]
    curves = {
        "L": np.repeat([float(L) for L, _, _ in rows], T.size),
        "T": np.tile(T, len(rows)),
        "p": np.concatenate([0.5 - (T - 2.266) * Ls for _, Ls, _ in rows]),
        "L_source": np.repeat([float(Ls) for _, Ls, _ in rows], T.size),
        "source": np.repeat([s for *_, s in rows], T.size),
    }
    curves["p_err"] = np.full(curves["T"].size, 1e-3)
    return curves, {"L": np.array([16.0, 32.0]), "T_star": np.array([2.264, 2.266])}


def pca_inputs():
    rng = np.random.default_rng(2)
    comp = {f"L{L}": (1 + 0.01 * rng.standard_normal((L, L))) / L for L in (16, 32)}
    comp["wide_L12"] = np.full((12, 12), 1 / 12)
    var = {"T": TEMPS, "fraction": np.exp(-np.abs(TEMPS - 2.27))}
    T = np.linspace(2.25, 2.29, 5)
    cur = {
        "L": np.repeat([16.0, 32.0], T.size),
        "T": np.tile(T, 2),
        "U": np.full(2 * T.size, 0.6),
        "U_err": np.full(2 * T.size, 1e-3),
    }
    return comp, var, cur


def filters_inputs():
    rng = np.random.default_rng(3)
    return [
        [
            {
                "model": m,
                "filters": rng.standard_normal((4, 3, 3)),
                "T": np.array([1.6, 2.3, 3.0]),
                "configurations": rng.choice([-1, 1], (3, 8, 8)),
                "activations": rng.standard_normal((3, 8, 8, 4)),
                "saliency": rng.standard_normal((3, 8, 8)),
            }
            for m in ("cnn", "ecnn")
        ]
    ]


def efficiency_inputs():
    n = np.array([30, 100, 300] * 2, float)
    return [
        {
            "model": np.repeat(["cnn_d4", "fcn"], 3),
            "per_temperature": n,
            "n_params": np.repeat([381.0, 6601.0], 3),
            "accuracy_test": 0.9 + 0.01 * np.log(n),
            "accuracy_test_err": np.full(6, 0.01),
            "T_star_scatter": 0.1 / np.sqrt(n),
        }
    ]


def lattices_inputs():
    rng = np.random.default_rng(4)
    spins = lambda: rng.choice(np.array([-1, 1], np.int8), (2, 8, 8))  # noqa: E731
    return [[SimpleNamespace(spins=spins(), L=8, T=T) for T in (1.6, 2.27, 3.0)]]


def transfer_inputs():
    """p and U_phi of one window's networks at two sizes on the square (trained) and the
    triangular lattice; the windows table with each lattice's T_c and T(m0)."""
    rows = [(lat, tc, L, T) for lat, tc in (("square", 2.269), ("triangular", 3.641))
            for L in (8, 16) for T in np.linspace(0.6, 1.4, 7) * tc]  # fmt: skip
    lat, tc, L, T = (np.array(c) for c in zip(*rows, strict=True))
    p = 1 / (1 + np.exp((T - 0.98 * tc) * L / tc * 4))
    curves = {"lattice": lat, "window": np.array(["w1.8-2.6"] * len(rows)), "L": L.astype(float),
              "T": T, "p": p, "p_err": np.full(p.size, 0.02), "U": 0.3 + 0.35 * p,
              "U_err": np.full(p.size, 0.01)}  # fmt: skip
    windows = {"lattice": np.array(["square", "square", "triangular", "triangular"]),
               "trained_on": np.array(["square"] * 4), "window": np.array(["w1.8-2.6"] * 4),
               "L": np.array([8.0, 16.0, 8.0, 16.0]), "T_c": np.array([2.269] * 2 + [3.641] * 2),
               "T_of_m0": np.array([2.22] * 2 + [3.55] * 2)}  # fmt: skip
    return curves, windows


MAKERS = {
    "tc_extrapolation": extrapolation_inputs,
    "binder": binder_inputs,
    "magnetization": lambda: [[observables(16), observables(8)]],
    "lattices": lattices_inputs,
    "shortcut": shortcut_data,
    "collapse": collapse_inputs,
    "exponent_slopes": lambda: [exponents_input()],
    "p_ordered": lambda: [curves_table(sizes=(8, 12, 16))],
    "accuracy": lambda: [[curves_table(), curves_table(method="fcn", windows=("w2-2.6",))]],
    "cnn_binder": cnn_binder_inputs,
    "confusion": confusion_inputs,
    "rg": rg_inputs,
    "pca": pca_inputs,
    "filters": filters_inputs,
    "data_efficiency": efficiency_inputs,
    "transfer": transfer_inputs,
}


def draw(name):
    return getattr(plots, registry.FIGURES[name].plot)(*MAKERS[name]())


@pytest.mark.parametrize("name", sorted(registry.FIGURES))
def test_every_figure_meets_what_a_journal_asks(name, tmp_path):
    fig = draw(name)
    check_words_and_symbols(fig, name)
    check_off_the_data(fig, name)
    check_files(fig, tmp_path)


def test_every_figure_has_a_maker_and_a_caption():
    assert set(MAKERS) == set(registry.FIGURES) == set(registry.CAPTIONS)
    assert registry.caption("p_ordered_cnn") == registry.caption("p_ordered")
    with pytest.raises(KeyError, match="tc_extrapolation"):
        registry.caption("nothere")


# ---- what each figure shows
def half_widths(container):
    """The half lengths of an error-bar series' bars (its errors)."""
    segs = np.concatenate([c.get_segments() for c in container.lines[2]])
    return np.abs(segs[:, 1, :] - segs[:, 0, :]).max(axis=1) / 2


def test_p_ordered_has_a_panel_per_window_and_a_series_per_size():
    fig = draw("p_ordered")
    axes = data_panels(fig)
    assert [ax.get_title().split("\n")[-1] for ax in axes] == [
        style.window_words(w) for w in ("w1.8-2.6", "w2-2.6")
    ]
    assert "$T \\leq 1.8$ and $T \\geq 2.6$" in axes[0].get_title()
    labels = legend_texts(fig)
    assert [lab for lab in labels if lab.startswith("$L")] == [f"$L = {L}$" for L in (8, 12, 16)]
    assert "not trained on" in labels
    for ax in axes:
        assert len(errorbars(ax)) == 3  # one error-bar series per size
        lo, hi = ax.get_xlim()
        assert lo <= TEMPS.min() and hi >= TEMPS.max()


def test_accuracy_draws_a_panel_per_model_with_its_windows_and_their_errors():
    fig = draw("accuracy")
    axes = data_panels(fig)
    assert [ax.get_title() for ax in axes] == [
        "CNN, window-trained, $L = 16$",
        "fully connected network,\nwindow-trained, $L = 16$",
    ]
    assert [len(ax.get_lines()) - 1 for ax in axes] == [2, 1]  # windows, and Onsager's line
    assert [len(bands(ax)) for ax in axes] == [2, 1]  # a band of errors per window
    assert sorted(t for t in legend_texts(fig) if "window" in t) == [
        style.window_words("w1.8-2.6"),
        style.window_words("w2-2.6"),
    ]


def test_magnetization_and_binder_name_the_sizes_they_are_given():
    fig = draw("magnetization")
    labels = legend_texts(fig)
    assert [t for t in labels if t.startswith("$L")] == ["$L = 8$", "$L = 16$"]
    assert any("Onsager" in t for t in labels)
    (ax,) = data_panels(fig)
    lo, hi = ax.get_xlim()
    assert lo <= TEMPS.min() and hi >= TEMPS.max()
    assert len(errorbars(ax)) == 2
    fig = draw("binder")
    (ax,) = data_panels(fig)
    assert len(bands(ax)) == 2  # a jackknife band per size
    assert [half_widths(c)[0] for c in errorbars(ax)] == pytest.approx([0.01, 0.01])
    assert "crossing $T_x$ of a pair of sizes" in legend_texts(fig)


def test_shortcut_draws_the_fitted_threshold_it_is_given():
    data = shortcut_data()
    assert data[2][0].m0 == pytest.approx(0.6, abs=1e-3)
    fig = plots.shortcut(*data)
    axes = data_panels(fig)
    assert [ax.get_title() for ax in axes] == [
        "CNN, window-trained, $L = 16$",
        "fully connected network,\nwindow-trained, $L = 16$",
    ]
    for ax, curve in zip(axes, data[2], strict=True):
        line = ax.get_lines()[0]
        np.testing.assert_array_equal(line.get_ydata(), curve.p)  # drawn, not refitted
        assert f"$m_0 = {curve.m0:.3f}$" in ax.texts[0].get_text()
    assert "threshold $m_0$" in legend_texts(fig)


def test_threshold_curve_keeps_the_figures_expression():
    m = np.linspace(0, 1, 50)
    c = threshold_curve(m, 1 / (1 + np.exp(-10 * (m - 0.5))))
    x = np.linspace(0, 1, 200)
    np.testing.assert_array_equal(c.p, 1 / (1 + np.exp(-c.a * (x - c.m0))))


def test_tc_extrapolation_draws_errors_as_errors_and_the_window_spread_as_a_spread():
    tc, fss = extrapolation_inputs()
    fig = plots.tc_extrapolation(tc, fss)
    axes = data_panels(fig)
    assert [ax.get_title().split("\n")[0] for ax in axes] == [
        "Binder cumulant U4 of m",
        "Binder cumulant of the CNNs' order",
        "learning by confusion",
        "CNN, window-trained",
    ]
    assert "not a $T_c$ estimate" in axes[3].get_title()
    binder, cnn_binder, confusion, cnn = axes
    # crossings with their errors, and T_c(inf) with its total error
    crossing, star = errorbars(binder)
    assert half_widths(crossing) == pytest.approx(tc[0]["T_star_err"])
    assert half_widths(star) == pytest.approx([fss[0]["T_c_err"]])
    assert "x = 2.75" in binder.get_xlabel() and "[1, 2.75]" in cnn_binder.get_xlabel()
    assert len([ln for ln in cnn_binder.get_lines() if ln.get_label().startswith("fit")]) == 2
    assert half_widths(errorbars(confusion)[-1]) == pytest.approx([fss[2]["T_c_err"]])
    # window-trained: T*(L) and each window's T*(inf) with their own errors; the total error,
    # which holds the spread over windows, is no error bar anywhere
    widths = np.concatenate([half_widths(c) for c in errorbars(cnn)])
    assert widths == pytest.approx(np.full(8, 0.01))
    (spread,) = [
        c
        for c in cnn.collections
        if isinstance(c, LineCollection) and c.get_label() == style.WINDOW_SPREAD
    ]
    assert np.ptp(spread.get_segments()[0][:, 1]) == pytest.approx(0.02)
    labels = legend_texts(fig)
    assert style.WINDOW_SPREAD in labels and "-" not in labels
    (spare,) = [ax for ax in fig.axes if ax.get_visible() and not ax.axison]
    assert spare.get_legend() is not None  # the grid's empty slot holds the legend
    fig = plots.tc_extrapolation(*extrapolation_inputs(3))
    assert len(data_panels(fig)) == 3 and fig.legends  # no empty slot: the legend goes below


def test_collapse_pairs_each_L_with_2L_decimated_and_the_pairs_collapse():
    fig = plots.collapse(*collapse_inputs())
    u4, uphi = data_panels(fig)
    assert "every size" in u4.get_title() and "decimated" in uphi.get_title()
    labels = [ln.get_label() for ln in uphi.get_lines()]
    # 16 decimated to 8 has no native partner at L = 8: left out
    assert labels == [
        "$L = 16$",
        "$L = 32$ decimated to 16",
        "$L = 32$",
        "$L = 64$ decimated to 32",
    ]
    assert len(bands(uphi)) == 4 and len(bands(u4)) == 3
    lines = uphi.get_lines()
    for native, decimated in (lines[0:2], lines[2:4]):
        assert native.get_color() == decimated.get_color()
        x = np.linspace(-0.1, 0.1, 5)  # against (T - T_c) L_s^(1/nu) the pair is one curve
        y = [np.interp(x, ln.get_xdata(), ln.get_ydata()) for ln in (native, decimated)]
        np.testing.assert_allclose(y[0], y[1], atol=1e-12)
    x = np.linspace(-0.1, 0.1, 5)
    y = [np.interp(x, ln.get_xdata(), ln.get_ydata()) for ln in u4.get_lines()]
    np.testing.assert_allclose(y[0], y[2], atol=1e-12)


def test_exponent_slopes_show_each_pairs_exponent_with_its_error_and_the_exact_value():
    exps = exponents_input()
    fig = plots.exponent_slopes(exps)
    axes = data_panels(fig)
    assert [ax.get_title() for ax in axes] == [title for _, title in plots.exponents.PANELS]
    for ax, n_series, exact in zip(axes, (3, 1, 1), (1.0, 1.75, 0.125), strict=True):
        bars = errorbars(ax)
        assert len(bars) == 2 * n_series  # the pairs, and the extrapolation
        assert half_widths(bars[0]) == pytest.approx([0.005, 0.005])
        assert half_widths(bars[1]) == pytest.approx([0.01])
        assert any(ln.get_ydata()[0] == exact for ln in ax.get_lines() if len(ln.get_ydata()))
        ticks = [t.get_text() for t in ax.get_xticklabels()]
        assert ticks == ["$\\infty$", "32, 64", "16, 32"] and ax.get_xscale() == "linear"
    labels = legend_texts(fig)
    assert "from $|dU_4/d\\beta|$" in labels and any("(check)" in t for t in labels)
    cube = lattices.get("cubic")  # the same panels beside the cube's references, so labelled
    fig = plots.exponent_slopes(exps, lattice=cube)
    for ax, key in zip(data_panels(fig), ("inv_nu", "gamma_over_nu", "beta_over_nu"), strict=True):
        want = cube.exact.reference.exponents[key]
        assert any(ln.get_ydata()[0] == want for ln in ax.get_lines() if len(ln.get_ydata()))
    assert "reference (3D Ising, bootstrap)" in legend_texts(fig)


def test_the_lattices_figure_draws_a_cube_s_first_layer():
    rng = np.random.default_rng(5)
    cubes = [SimpleNamespace(spins=rng.choice(np.array([-1, 1], np.int8), (2, 6, 6, 6)), L=6,
                             T=T) for T in (3.0, 4.5, 6.0)]  # fmt: skip
    fig = plots.lattices(cubes, lattice=lattices.get("cubic"))
    for ax, cube in zip(data_panels(fig), cubes, strict=True):
        np.testing.assert_array_equal(ax.get_images()[0].get_array(), cube.spins[-1][0])
    assert "layer $z = 0$" in fig._suptitle.get_text()


def test_cnn_binder_shows_pairs_and_each_networks_crossing():
    fig = draw("cnn_binder")
    left, right = data_panels(fig)
    assert len(left.get_lines()) - 1 == len(bands(left)) == 4
    assert len(errorbars(right)) == 4  # two pairs, each with both pairings
    assert "ensemble mean $\\pm$ its error" in legend_texts(fig)


def test_confusion_says_what_its_dotted_lines_and_its_extrapolation_are():
    fig = draw("confusion")
    left, right = data_panels(fig)
    assert len(bands(left)) == 2
    labels = legend_texts(fig)
    assert "peak $T'(L)$ (same colour)" in labels
    assert r"$T_c(\infty)$ of the fit ($\pm$ error)" in labels


def test_rg_pca_and_efficiency_show_their_errors_and_spreads():
    fig = draw("rg")
    axes = data_panels(fig)
    assert [len(bands(ax)) for ax in axes] == [3, 2]
    assert "fixed point: $L$ and $2L$ decimated agree" in legend_texts(fig)
    fig = draw("pca")
    weights, mid, right = data_panels(fig)
    shown = weights.images[0].get_array()
    assert shown.std() > 0 and abs(shown.mean()) < 1e-9  # deviations from uniform, not a block
    assert "$L = 12$" in mid.get_title() and len(bands(right)) == 2
    fig = draw("data_efficiency")
    acc, spread = data_panels(fig)
    assert len(errorbars(acc)) == 2 and not errorbars(spread)  # a spread has no error bar
    assert "spread" in spread.get_title()


def test_lattices_say_below_near_and_above():
    fig = draw("lattices")
    assert [ax.get_title().split(":")[0] for ax in data_panels(fig)] == [
        "below $T_c$",
        "near $T_c$",
        "above $T_c$",
    ]


def test_the_map_names_every_figure_function_and_caption():
    for name, fig in registry.FIGURES.items():
        assert callable(getattr(plots, fig.plot)), name
        assert (REPO / "workflow/report" / fig.caption).is_file(), fig.caption
        assert fig.inputs and len({i.name for i in fig.inputs}) == len(fig.inputs)
    assert set(plots.__all__) - {"save"} == {f.plot for f in registry.FIGURES.values()}


def test_plot_command_reads_the_files_and_writes_png_and_pdf(tmp_path):
    obs = []
    for L in (8, 16):
        rows = [
            dict(zip(observables(L), v, strict=True))
            for v in zip(*observables(L).values(), strict=True)
        ]
        obs.append(tmp_path / f"L{L}.csv")
        results.write_csv(obs[-1], rows)
    out = tmp_path / "fig" / "magnetization.png"
    main(["plot", "magnetization", "--observables", *map(str, obs), "--out", str(out)])
    with Image.open(out) as im:
        assert im.format == "PNG" and im.info["dpi"] == pytest.approx((300, 300), abs=0.01)
    pdf = out.with_suffix(".pdf").read_bytes()
    assert pdf[:5] == b"%PDF-" and b"/Type3" not in pdf
    with pytest.raises(SystemExit):
        main(["plot", "binder", "--observables", str(obs[0]), "--out", str(out)])  # no --curves


def test_every_figure_the_readme_shows_is_one_make_docs_draws_from_the_default_run():
    import importlib.util

    import yaml

    from isingml import config as cfg
    from isingml.layout import Layout

    spec = importlib.util.spec_from_file_location("update", REPO / "docs/update.py")
    update = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(update)
    shown = update.figures_shown((REPO / "README.md").read_text())
    assert shown
    layout = Layout(cfg.resolved(yaml.safe_load((REPO / "config.yaml").read_text())))
    drawn = {**layout.figures(), **layout.figures(studies=True, everything=True)}
    assert set(shown) <= set(drawn)
    for name in shown:  # and each is there, drawn at 300 dpi
        with Image.open(REPO / "docs" / f"{name}.png") as im:
            assert im.info["dpi"] == pytest.approx((300, 300), abs=0.01), name
