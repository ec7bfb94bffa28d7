"""Figures checked for what they show: panels, series, labels and ranges taken from the data
they are given, built here in memory; and the figure map that the workflow's one figure rule and
``isingml plot`` read."""

from pathlib import Path

import matplotlib
import numpy as np
import pytest

from isingml import plots
from isingml.analysis.curves import shortcut_inputs, threshold_curve
from isingml.cli import main
from isingml.io import results
from isingml.plots import registry

matplotlib.use("Agg")
REPO = Path(__file__).resolve().parents[1]
TEMPS = np.array([1.6, 2.0, 2.2, 2.3, 2.5, 3.0])


def legend_texts(fig):
    return [t.get_text() for leg in fig.legends for t in leg.get_texts()] + [
        t.get_text() for ax in fig.axes if ax.get_legend() for t in ax.get_legend().get_texts()
    ]


def curves_table(sizes=(8, 16), windows=("w2-2.6", "w1.8-2.6"), method="cnn"):
    rows = [(L, w, T) for w in windows for L in sizes for T in TEMPS]
    L, w, T = (np.array(c) for c in zip(*rows, strict=True))
    p = 1 / (1 + np.exp((T - 2.27) * L))
    return {"method": np.array([method] * len(rows)), "L": L.astype(float), "window": w,
            "T": T, "p": p, "p_err": np.full(p.size, 0.01),
            "accuracy_held_out": 1 - np.abs(p - (T < 2.27))}  # fmt: skip


def observables(L):
    m = np.clip(1.2 - 0.4 * TEMPS, 0.05, 1)
    err = np.full(TEMPS.size, 0.01)
    return {"L": np.full(TEMPS.size, float(L)), "T": TEMPS, "abs_m": m, "abs_m_err": err,
            "U4": 2 / 3 * m, "U4_err": err}  # fmt: skip


def test_p_ordered_has_a_panel_per_window_and_a_series_per_size():
    fig = plots.p_ordered(curves_table(sizes=(8, 12, 16)))
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["cnn, window w1.8-2.6", "cnn, window w2-2.6"]
    labels = legend_texts(fig)
    assert [lab for lab in labels if lab.startswith("$L")] == [f"$L = {L}$" for L in (8, 12, 16)]
    assert "not trained on" in labels
    for ax in axes:
        assert len(ax.containers) == 3  # one error-bar series per size
        lo, hi = ax.get_xlim()
        assert lo <= TEMPS.min() and hi >= TEMPS.max()


def test_accuracy_draws_each_model_and_window_at_the_largest_size():
    fig = plots.accuracy([curves_table(), curves_table(method="fcn", windows=("w2-2.6",))])
    (ax,) = fig.axes
    assert len(ax.get_lines()) == 3 + 1  # three (model, window) series and Onsager's line
    assert sorted(t for t in legend_texts(fig) if "Onsager" not in t) == [
        "cnn w1.8-2.6, $L = 16$", "cnn w2-2.6, $L = 16$", "fcn w2-2.6, $L = 16$"]  # fmt: skip


def test_magnetization_and_binder_name_the_sizes_they_are_given():
    fig = plots.magnetization([observables(16), observables(8)])
    labels = legend_texts(fig)
    assert [t for t in labels if t.startswith("$L")] == ["$L = 8$", "$L = 16$"]
    assert any("Onsager" in t for t in labels)
    lo, hi = fig.axes[0].get_xlim()
    assert lo <= TEMPS.min() and hi >= TEMPS.max()
    curves = {"L": np.repeat([8.0, 16.0], 3), "T": np.tile([2.2, 2.25, 2.3], 2),
              "U4": np.full(6, 0.6), "U4_err": np.full(6, 0.01)}  # fmt: skip
    tc = {"L": np.array([8.0]), "L2": np.array([16.0]), "T_star": np.array([2.26]),
          "T_star_err": np.array([0.01])}  # fmt: skip
    fig = plots.binder([observables(8), observables(16)], curves, tc)
    (ax,) = fig.axes
    assert len(ax.collections) >= 2  # a jackknife band per size


def test_shortcut_draws_the_fitted_threshold_it_is_given():
    rng = np.random.default_rng(1)
    preds = []
    for model in ("cnn", "fcn"):
        m = rng.uniform(0, 1, 300)
        cols = {"abs_m": m, "p_ordered": 1 / (1 + np.exp(-25 * (m - 0.6))), "T": 3 - 2 * m}
        preds.append((cols, {"model": model, "L": 16}))
    table = {"model": np.array(["cnn", "fcn"]), "R2": np.array([0.99, 0.98])}
    data = shortcut_inputs(preds, table)
    assert data[2][0].m0 == pytest.approx(0.6, abs=1e-3)
    fig = plots.shortcut(*data)
    panels = [ax for ax in fig.axes if ax.get_title()]
    assert [ax.get_title() for ax in panels] == ["cnn, $L = 16$", "fcn, $L = 16$"]
    for ax, curve in zip(panels, data[2], strict=True):
        line = ax.get_lines()[0]
        np.testing.assert_array_equal(line.get_ydata(), curve.p)  # drawn, not refitted
        assert f"$m_0 = {curve.m0:.3f}$" in ax.texts[0].get_text()


def test_threshold_curve_keeps_the_figures_expression():
    m = np.linspace(0, 1, 50)
    c = threshold_curve(m, 1 / (1 + np.exp(-10 * (m - 0.5))))
    x = np.linspace(0, 1, 200)
    np.testing.assert_array_equal(c.p, 1 / (1 + np.exp(-c.a * (x - c.m0))))


def test_tc_extrapolation_has_a_titled_panel_per_method():
    t = {"L": np.array([8.0, 16.0]), "window": np.array(["w2-2.6"] * 2),
         "T_star": np.array([2.3, 2.28]), "T_star_err": np.array([0.01, 0.01])}  # fmt: skip
    f = {"method": "cnn", "kind": "half", "ok": True, "T_c": 2.27, "T_c_err": 0.01,
         "per_window": {"w2-2.6": {"fixed": {"ok": True, "T_c": 2.27, "a": 0.2}}}}  # fmt: skip
    fig = plots.tc_extrapolation([t, t, t], [f, {**f, "method": "fcn"}, {**f, "method": "x"}])
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in shown] == ["cnn", "fcn", "x"]


def test_the_map_names_every_figure_function_and_caption():
    for name, fig in registry.FIGURES.items():
        assert callable(getattr(plots, fig.plot)), name
        assert (REPO / "workflow/report" / fig.caption).is_file(), fig.caption
        assert fig.inputs and len({i.name for i in fig.inputs}) == len(fig.inputs)
    assert set(plots.__all__) - {"save"} == {f.plot for f in registry.FIGURES.values()}


def test_plot_command_reads_the_files_and_writes_png_and_pdf(tmp_path):
    obs = []
    for L in (8, 16):
        rows = [dict(zip(observables(L), v, strict=True)) for v in zip(*observables(L).values(),
                strict=True)]  # fmt: skip
        obs.append(tmp_path / f"L{L}.csv")
        results.write_csv(obs[-1], rows)
    out = tmp_path / "fig" / "magnetization.png"
    main(["plot", "magnetization", "--observables", *map(str, obs), "--out", str(out)])
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert out.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"
    with pytest.raises(SystemExit):
        main(["plot", "binder", "--observables", str(obs[0]), "--out", str(out)])  # no --curves
