"""The window-free estimators and the diagnostics of the window-trained networks, on inputs with
known answers: the ensemble crossing of learned order parameters, the confusion peak, the
magnetization baseline's threshold, the |m| shortcut and T(m0)."""

import numpy as np
import pytest

from isingml import exact, physics
from isingml.analysis import binder, confusion, order_parameters, shortcut
from isingml.analysis.chains import student_error
from isingml.analysis.reweighting import Reweighted
from isingml.lattices import SQUARE
from isingml.learning import baseline


def iid(L, temperatures, n, rng):
    """(T, e, m) of n independent samples per T from the exact distribution (L <= 8)."""
    e, m, g = exact.density_of_states(L)
    N = L * L
    E, M = np.meshgrid(e * N, m, indexing="ij")
    out = []
    for T in temperatures:
        logw = np.where(g > 0, np.log(np.where(g > 0, g, 1.0)) - E / T, -np.inf)
        p = np.exp(logw - logw.max()).ravel()
        idx = rng.choice(p.size, size=n, p=p / p.sum())
        out.append((T, E.ravel()[idx] / N, M.ravel()[idx]))
    return out


def test_ensemble_of_order_parameters_reduces_to_the_binder_crossing():
    """Two 'networks' whose order parameters are m and 3m have the same cumulant: the ensemble
    crossing equals the plain Binder crossing, with the same jackknife error and no spread."""
    rng = np.random.default_rng(3)
    temps = [2.19, 2.23, 2.27, 2.31]
    data = {L: iid(L, temps, 3000, rng) for L in (4, 8)}

    def reweighted(columns):
        return {
            L: Reweighted(
                binder.size_tables(
                    L,
                    [(T, e, columns(m), {"interval": 1.0}) for T, e, m in series],
                    binder.even_moments,
                )
            )
            for L, series in data.items()
        }

    rows, per_network, _ = order_parameters.ensemble_rows(
        "x",
        order_parameters.successive_pairs(reweighted(lambda m: np.stack([m, 3 * m], axis=1))),
        ["a", "b"],
        binder.binder_of,
        (2.19, 2.31),
    )
    plain, _ = binder.pair_rows(
        "binder", reweighted(lambda m: m[:, None]), binder.binder_of(0), (2.19, 2.31)
    )
    (r,), (p,) = rows, plain
    assert r["T_star"] == pytest.approx(p["T_star"], abs=1e-9)
    assert r["T_star_err_networks"] < 1e-12
    assert r["T_star_err"] == pytest.approx(p["T_star_err"], rel=1e-6)
    assert abs(r["T_star"] - exact.binder_crossing(4, 8)) < 4 * r["T_star_err"]
    assert [n["network"] for n in per_network] == ["a", "b"]


def test_student_error_widens_a_few_values():
    values = [1.0, 2.0, 3.0, 4.0, 5.0]
    plain = np.std(values, ddof=1) / np.sqrt(5)
    assert student_error(values) == pytest.approx(1.1417 * plain, rel=1e-3)  # t_4(0.8413)
    assert student_error([2.0]) == 0.0


def w_curve(Tp, t0, depth=0.15):
    """A W-shaped accuracy with its middle peak at t0: dips at t0 +- 0.2."""
    return 1 - depth * (
        np.exp(-(((Tp - t0 + 0.2) / 0.12) ** 2)) + np.exp(-(((Tp - t0 - 0.2) / 0.12) ** 2))
    )


def test_confusion_peak_is_the_middle_maximum_between_grid_points():
    Tp = np.arange(1.925, 2.7, 0.05)
    for t0 in (2.26, 2.29):
        est = confusion.peak(Tp, w_curve(Tp, t0))
        assert abs(est - t0) < 0.01, (t0, est)  # parabola through 3 points 0.05 apart
    assert np.isnan(confusion.peak(Tp, np.linspace(0.5, 1.0, Tp.size)))  # no interior peak


def test_confusion_bootstrap_scatter_matches_the_test_set_size():
    """Outcomes drawn from a W curve with 400 test configurations: the peak's bootstrap scatter
    is finite and small against the grid spacing, and a larger test set shrinks it."""
    rng = np.random.default_rng(1)
    Tp = np.arange(1.925, 2.7, 0.05)
    spread = []
    for n in (400, 4000):
        correct = rng.random((Tp.size, n)) < w_curve(Tp, 2.27)[:, None]
        spread.append(np.nanstd(confusion.bootstrap_peaks(Tp, correct, rng, n_boot=100)))
    assert 0 < spread[1] < spread[0] < 0.05


def test_magnetization_baseline_recovers_a_planted_threshold():
    rng = np.random.default_rng(2)
    abs_m = rng.random(20_000)
    labels = (rng.random(abs_m.size) < 1 / (1 + np.exp(-25 * (abs_m - 0.62)))).astype(float)
    a, m0 = baseline.fit_threshold(abs_m, labels, np.ones_like(abs_m))
    assert m0 == pytest.approx(0.62, abs=0.01) and a == pytest.approx(25, rel=0.15)


def test_shortcut_fit_and_the_temperature_a_threshold_converges_to():
    abs_m = np.linspace(0, 1, 500)
    r2, m0, _ = shortcut.threshold_fit(abs_m, 1 / (1 + np.exp(-30 * (abs_m - 0.6))))
    assert r2 > 0.999 and m0 == pytest.approx(0.6, abs=1e-3)
    # the numbers: m0 = 0.6 -> 2.2615 (-0.34 %), 0.7 -> 2.2424 (-1.18 %)
    assert shortcut.t_of_m0(0.6, SQUARE) == pytest.approx(2.2615, abs=1e-4)
    assert shortcut.t_of_m0(0.7, SQUARE) == pytest.approx(2.2424, abs=1e-4)
    assert physics.onsager_magnetization(shortcut.t_of_m0(0.5, SQUARE)) == pytest.approx(0.5)


def test_a_network_that_did_not_learn_is_named_and_left_out():
    """learning.quality's verdict on a member, and the window-trained analysis: the member that
    failed is left out of T*(L) and named in the row and in the FSS note, not used silently."""
    from isingml.analysis import fss, networks
    from isingml.learning import quality

    limits = quality.thresholds()
    T = np.repeat([1.0, 2.0, 3.0, 3.5], 50)
    good = np.where(T < 2.27, 0.97, 0.03)
    assert quality.assess(0.97, T, good, 16, limits)["learned"]
    assert quality.assess(0.91, T, good, 8, limits)["learned"]  # the lower bar at small L
    verdict = quality.assess(0.91, T, good, 16, limits)
    assert not verdict["learned"] and "held-out accuracy 0.910 < 0.95" in verdict["problems"][0]
    soft = np.where(T < 2.27, 0.97, 0.21)  # p stays 0.21 deep in the disordered phase
    problems = quality.assess(0.97, T, soft, 16, limits)["problems"]
    assert problems == ["p(ordered) 0.21 at the highest T = 3.5, above 0.1"]

    rng = np.random.default_rng(5)
    preds = []
    for seed in range(4):
        T_grid = np.repeat(np.linspace(1.5, 3.0, 16), 40)
        p = 1 / (1 + np.exp((T_grid - 2.3 - 0.01 * rng.standard_normal()) / 0.05))
        if seed == 2:
            p = np.full_like(p, 0.7)  # never learned: its curve has no crossing
        cols = {"T": T_grid, "p_ordered": p, "split": np.full(T_grid.shape, 2)}
        attrs = {"window": np.array([2.0, 2.6]), "L": 16, "L_train": 16, "seed": seed,
                 "model_dir": f"m/seed{seed}", "learned": int(seed != 2),
                 "problems": "held-out accuracy 0.667 < 0.95" if seed == 2 else ""}  # fmt: skip
        preds.append((cols, attrs))
    rows, curves = networks.network_tables("cnn", preds, rng, SQUARE, n_boot=20)
    assert rows[0]["n_seeds"] == 3 and abs(rows[0]["T_star"] - 2.3) < 0.02
    assert len(curves) == 16 and all(abs(c["p"] - 0.7) > 0.1 for c in curves[:3])
    # the held-out accuracy's error is the seeds' scatter: none deep in a phase, some at T*
    near = min(curves, key=lambda c: abs(c["T"] - 2.3))
    assert curves[0]["accuracy_held_out_err"] == 0 < near["accuracy_held_out_err"]
    assert rows[0]["excluded"] == "seed 2 (held-out accuracy 0.667 < 0.95)"
    result = fss._note_excluded({"note": None}, rows)
    assert result["excluded"] == ["w2-2.6 L16: seed 2 (held-out accuracy 0.667 < 0.95)"]
    assert "left out as not learned" in result["note"]
