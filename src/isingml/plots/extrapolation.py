"""The extrapolation of every method to L -> infinity: one panel per method, the estimates at
each size against a power of 1/L with the fits, and what each method reads off at 1/L = 0.

Errors are drawn as error bars; the spread of the window-trained rows over their training
windows is not an error (the windows set where T* goes) and is drawn as a grey bar labelled
so, never as an error bar."""

import matplotlib.pyplot as plt
import numpy as np

from isingml import methods
from isingml.plots.style import (
    PAGE,
    UNIT,
    WINDOW_SPREAD,
    legend_outside,
    method_title,
    onsager_hline,
    window_words,
    windows_of,
)

TC_INF = r"$T_c(\infty)$, extrapolated ($\pm$ total error)"
CROSSING = r"crossing $T_x$ of sizes $L$ and the next, $L'$"


def _fit_line(ax, xx, T_c, b, power, color, x, ls="-"):
    ax.plot(
        xx,
        T_c + b * xx ** (power / x),
        color=color,
        lw=0.8,
        ls=ls,
        label=f"fit $T_c + b\\,L^{{-{power:g}}}$",
    )


def _crossing_panel(ax, t, f):
    """Pair crossings T_x(L, L') against L^-x (L the smaller size), and the extrapolation;
    for an exponent known only within a range, against L^-x at the range's middle, with the
    fits at both ends of the range."""
    # one pair (not extrapolated) has neither: any axis shows its one point; 1/L then
    x = f["crossing_exponent"] or float(np.mean(f.get("exponent_range") or [1.0]))
    X = np.asarray(t["L"], float) ** -x
    ax.errorbar(
        X,
        t["T_star"],
        t["T_star_err"],
        color="C0",
        marker="o",
        ms=3,
        ls="",
        capsize=2,
        label=CROSSING,
    )
    xx = np.linspace(0, X.max() * 1.05, 60) if X.size else np.zeros(0)
    ends = f.get("ends") or []
    for k, end in enumerate(ends):
        _fit_line(ax, xx, end["T_c"], end["b"], end["x"], "C0", x, ls="-" if k else "--")
    if not ends and f.get("b") is not None and X.size:
        _fit_line(ax, xx, f["T_c"], f["b"], x, "C0", x)
    if f.get("exponent_range"):
        lo, hi = f["exponent_range"]
        ax.set_xlabel(f"$L^{{-{x:g}}}$, the middle of $x \\in [{lo:g}, {hi:g}]$")
    else:
        ax.set_xlabel(f"$L^{{-x}}$, $x = {x:g}$, $L$ the smaller size")
    ax.set_ylabel(f"crossing $T_x$ {UNIT}")
    _star(ax, f, TC_INF)


def _star(ax, f, label):
    if f.get("ok"):
        ax.errorbar(
            [0], [f["T_c"]], [f["T_c_err"]], color="r", marker="*", ms=7, capsize=3, label=label
        )


def _single_series_panel(ax, t, f):
    """One series without windows (learning by confusion's peaks T'(L)) against 1/L, its fit
    T_c + a/L and its extrapolation with its error."""
    X = np.asarray(t["L"], float) ** -1.0
    ax.errorbar(
        X,
        t["T_star"],
        t["T_star_err"],
        color="C2",
        marker="s",
        ms=3,
        ls="",
        capsize=2,
        label="peak $T'(L)$ of the confusion accuracy",
    )
    fit = f.get("per_window", {}).get("-", {}).get("fixed", {})
    if fit.get("ok") and "a" in fit and X.size:
        xx = np.linspace(0, X.max() * 1.05, 50)
        ax.plot(xx, fit["T_c"] + fit["a"] * xx, color="C2", lw=0.8, label="fit $T_c + a/L$")
    ax.set(xlabel="inverse size $1/L$", ylabel=f"peak $T'$ {UNIT}")
    _star(ax, f, TC_INF)


def _window_panel(ax, t, f):
    """T*(L) per training window against 1/L with each window's fit and its own T*(infinity)
    (error bar: that window's statistical error); the spread of the windows' values is shown
    as such, beside their mean, which is not T_c."""
    ends = []
    dx = 0.03 / max(1.0, float(np.min(t["L"]))) if len(t["L"]) else 0.0  # side by side at 0
    for i, w in enumerate(windows_of(t)):
        sel = t["window"] == w
        X = np.asarray(t["L"][sel], float) ** -1.0
        color = f"C{i}"
        ax.errorbar(
            X,
            t["T_star"][sel],
            t["T_star_err"][sel],
            color=color,
            marker="o",
            ms=3,
            ls="",
            capsize=2,
            label=f"$T^*(L)$, {window_words(w)}",
        )
        fit = f.get("per_window", {}).get(w, {}).get("fixed", {})
        if fit.get("ok") and "a" in fit and X.size:
            xx = np.linspace(0, X.max() * 1.05, 50)
            ax.plot(xx, fit["T_c"] + fit["a"] * xx, color=color, lw=0.8)
            ax.errorbar(
                [dx * (i + 1)],
                [fit["T_c"]],
                [fit["T_c_err"]],
                color=color,
                marker="D",
                ms=3,
                capsize=2,
            )
            ends.append(fit["T_c"])
    ax.plot([], [], "kD", ms=3, label=r"$T^*(\infty)$ of one window ($\pm$ its error)")
    if len(ends) > 1:
        ax.vlines(-dx, min(ends), max(ends), color="0.6", lw=4, label=WINDOW_SPREAD)
    if f.get("ok"):
        ax.plot([-dx], [f["T_c"]], "k*", ms=6, label=r"$T^*(\infty)$, mean over windows")
    ax.set(xlabel="inverse size $1/L$", ylabel=f"$T^*$ where $p = 1/2$ {UNIT}")


def _panel(ax, t, f):
    if f.get("kind") == "crossing":
        _crossing_panel(ax, t, f)
    elif set(windows_of(t)) == {"-"}:
        _single_series_panel(ax, t, f)
    else:
        _window_panel(ax, t, f)


def tc_extrapolation(tc, fss):
    """One panel per method, three a row (PAGE wide): crossings against L^-x (the T_c
    estimators), confusion peaks or window-trained T*(L) against 1/L, with the fits, the value
    at 1/L = 0 and Onsager's T_c. The legend fills the first empty slot of the grid, or goes
    below it."""
    n = len(tc)
    cols = min(n, 3)
    rows = -(-n // cols)
    fig, grid = plt.subplots(
        rows, cols, figsize=(PAGE, 2.3 * rows + 0.5), squeeze=False, layout="constrained"
    )
    axes = grid.ravel()
    for ax, t, f in zip(axes[:n], tc, fss, strict=True):
        _panel(ax, t, f)
        onsager_hline(ax)
        role = methods.get(f["method"]).role if f["method"] in methods.BY_NAME else None
        note = "\n(not a $T_c$ estimate)" if role == methods.REPRODUCTION else ""
        ax.set_title(method_title(f["method"]) + note)
    for ax in axes[n + 1 :]:
        ax.set_visible(False)
    if n < axes.size:  # an empty slot of the grid: the legend goes there, off every panel
        spare = axes[n]
        spare.axis("off")
        handles = {}
        for ax in axes[:n]:
            for h, lab in zip(*ax.get_legend_handles_labels(), strict=True):
                handles.setdefault(lab, h)
        spare.legend(list(handles.values()), list(handles), loc="center", fontsize=6)
    else:
        legend_outside(fig, axes[:n], where="bottom", ncols=2)
    return fig
