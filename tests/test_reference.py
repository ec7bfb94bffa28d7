"""Every comparison takes the lattice's own reference: the summary, T(m0), the labels, the
accuracies and the figures use the exact T_c and m(T) of the model they are given (Onsager's on
the square lattice, Houtappel's and Potts' on the triangular), and say so where none is known."""

import math
from dataclasses import dataclass

import numpy as np
import pytest

from isingml import lattices, physics
from isingml.analysis import binder, lattices_table, shortcut, summary, summary_text
from isingml.analysis.jackknife import Jack
from isingml.errors import UserError
from isingml.exact import square as exact_square
from isingml.io import results
from isingml.lattices import SQUARE, Exact, reference_of
from isingml.lattices.square import Square
from isingml.learning import plan, train

TRIANGULAR = lattices.get("triangular")
HOUTAPPEL_TC = 4.0 / math.log(3.0)  # 3.6409569...


@dataclass(frozen=True)
class Unsolved(Square):
    """A model whose exact results nobody knows (the summary must say so, not invent one)."""

    @property
    def exact(self):
        return Exact(None, None, None, "none")

    def describe(self):
        return "unsolved"


def fss_result(method, T_c, err, **extra):
    return {"method": method, "T_c": T_c, "T_c_err": err, "L_used": [16, 32], **extra}


def test_the_reference_is_each_lattices_own():
    assert reference_of(SQUARE).T_c == physics.ONSAGER_TC
    assert reference_of(SQUARE).source == "Onsager 1944"
    tri = reference_of(TRIANGULAR)
    assert tri.T_c == pytest.approx(HOUTAPPEL_TC, rel=1e-15) and tri.source == "Houtappel 1950"
    assert tri.label() == "exact $T_c$ (triangular, Houtappel 1950) = 3.6410"
    assert reference_of(lattices.get("honeycomb")).T_c == pytest.approx(
        2.0 / math.log(2.0 + math.sqrt(3.0)), rel=1e-15
    )
    aniso = reference_of(lattices.get("square", (1.0, 0.5)))
    assert math.sinh(2 / aniso.T_c) * math.sinh(1 / aniso.T_c) == pytest.approx(1.0, abs=1e-12)
    # U4 at T_c is a property of the box: known for the isotropic square torus only
    assert reference_of(SQUARE).U4_torus == physics.SQUARE_TORUS_U4
    assert aniso.U4_torus is None and tri.U4_torus is None


def test_a_triangular_summary_row_compares_with_houtappels_tc():
    ref = reference_of(TRIANGULAR)
    tc, err = HOUTAPPEL_TC + 0.0009, 0.0006
    row = summary.summary_row(fss_result("binder", tc, err), [], (), reference=ref)
    assert row["lattice"] == "triangular" and row["reference"] == "Houtappel 1950"
    assert row["reference_T_c"] == pytest.approx(HOUTAPPEL_TC, rel=1e-15)
    assert row["rel_dev_reference"] == pytest.approx(0.0009 / HOUTAPPEL_TC, rel=1e-9)
    assert row["pull"] == pytest.approx(1.5, rel=1e-9)
    assert "rel_dev_onsager" not in row and "onsager_T_c" not in row
    md = summary_text.summary_markdown([row], [fss_result("binder", tc, err)], reference=ref)
    assert "Lattice: triangular. Exact T_c (Houtappel 1950) = 3.640957." in md
    assert "| binder | 3.6419 ± 0.0006 | +0.025 % | 1.5 σ |" in md
    assert "Onsager" not in md


def test_a_model_with_no_exact_tc_gives_no_deviation_and_no_pull_and_says_so():
    ref = reference_of(Unsolved())
    assert not ref.known and ref.deviation(2.5, 0.01) == (None, None)
    rows = [summary.summary_row(fss_result(m, 2.5, 0.01), [], (), reference=ref)
            for m in ("binder", "cnn_binder")]  # fmt: skip
    for row in rows:
        assert row["reference_T_c"] is None and row["rel_dev_reference"] is None
        assert row["pull"] is None
    md = summary_text.summary_markdown(rows, [fss_result("binder", 2.5, 0.01)], reference=ref)
    assert "No exact T_c is known for this model" in md and "compare" in md
    assert "| binder | 2.5000 ± 0.0100 | — | — |" in md
    assert "Closest to the exact T_c" not in md  # no ranking against what is not known
    table = lattices_table.lattices_table([rows])
    assert "| unsolved | none known | 2.50000 ± 0.01000 |" in table


def test_t_of_m0_on_the_triangular_lattice_is_where_potts_magnetization_equals_m0():
    t = shortcut.t_of_m0(0.6, TRIANGULAR)
    u = math.exp(-4.0 / t)  # Potts (1952): m^8 = 1 - 16 u^3 / ((1 + 3u)(1 - u)^3)
    assert (1 - 16 * u**3 / ((1 + 3 * u) * (1 - u) ** 3)) ** 0.125 == pytest.approx(0.6, 1e-9)
    assert t < HOUTAPPEL_TC and t != pytest.approx(shortcut.t_of_m0(0.6, SQUARE), abs=0.5)
    assert shortcut.t_of_m0(0.6, Unsolved()) is None  # no exact m(T): no T(m0)


def test_exact_labels_and_the_critical_score_take_the_lattices_tc():
    T = np.array([3.0, 3.5, 3.7, 4.0])
    assert plan.labels_for(T, "exact", None, TRIANGULAR).tolist() == [1, 1, 0, 0]
    assert plan.labels_for(T, "exact", None, SQUARE).tolist() == [0, 0, 0, 0]
    with pytest.raises(UserError, match=r"^training\.label: .*unsolved lattice"):
        plan.labels_for(T, "exact", None, Unsolved())
    labels = np.array([1, -1, -1, 0], np.int8)  # the middle two never trained on
    split = np.array([plan.TEST, plan.CRITICAL, plan.CRITICAL, plan.TEST])
    logits = np.array([2.0, 1.0, -1.0, -2.0])  # ordered at 3.5, disordered at 3.7
    scored = train.final_metrics(logits, T, labels, split, HOUTAPPEL_TC)
    assert scored["accuracy"]["critical"] == 1.0
    onsager = train.final_metrics(logits, T, labels, split, physics.ONSAGER_TC)
    assert onsager["accuracy"]["critical"] == 0.5
    unscored = train.final_metrics(logits, T, labels, split, None)
    assert unscored["accuracy"]["critical"] is None and unscored["accuracy"]["test"] == 1.0


def test_u4_at_a_crossing_carries_both_sizes_jackknife():
    """Two cumulants U_a = 0.6 + 0.1 (T - 2), U_b = 0.6 + 0.3 (T - 2) (group g of either size
    left out shifts it by d_g): they cross at T = 2 at U = 0.6, and each replica's U at its own
    crossing is what the crossing's replica gives."""

    class Curve:
        def __init__(self, slope, shifts):
            self.slope, self.shifts = slope, shifts

        def moments(self, T, g=None):
            u = 0.6 + self.slope * (T - 2.0) + (0.0 if g is None else self.shifts[g])
            return np.array([1.0, 3.0 * (1.0 - u)])  # m^2, m^4: U = 1 - m4 / (3 m2^2)

    da, db = np.array([0.002, -0.001, -0.001]), np.array([0.003, -0.003])
    a, b = Curve(0.1, da), Curve(0.3, db)
    ta, tb = 2.0 + da / 0.2, 2.0 - db / 0.2  # where U_a + d = U_b, and U_a = U_b + d
    jack = Jack(2.0, {8: ta, 16: tb})
    u = binder.at_crossing(a, b, binder.binder_of(0), 8, 16, jack)
    assert u.value == pytest.approx(0.6, abs=1e-12)
    assert u.parts[8] == pytest.approx(0.6 + 0.3 * (ta - 2.0), abs=1e-12)  # = U_b there
    assert u.parts[16] == pytest.approx(0.6 + 0.1 * (tb - 2.0), abs=1e-12)  # = U_a there
    assert u.err > 0
    lost = binder.at_crossing(a, b, binder.binder_of(0), 8, 16, Jack(float("nan"), {}, "none"))
    assert math.isnan(lost.value) and lost.note == "none"


def test_the_square_toruss_u4_at_the_exact_crossings_approaches_its_known_limit():
    """The exact U4 at the crossings of (5, 10) and (6, 12) (row transfer matrices) lies above
    0.61069 and falls towards it; extrapolated as U* + c L^-w, with w between 1 and the
    analytic background's 7/4, the known value lies between the two ends."""
    u = {}
    for L in (5, 6):
        tx = exact_square.binder_crossing(L, 2 * L)
        u[L] = exact_square.moments(L, tx)["U4"]
    assert u[5] > u[6] > physics.SQUARE_TORUS_U4
    ends = [u[6] - (u[5] - u[6]) * 6**-w / (5**-w - 6**-w) for w in (1.0, 1.75)]
    assert ends[0] < physics.SQUARE_TORUS_U4 < ends[1]


def test_u4_at_the_crossings_is_reported_with_what_its_limit_depends_on():
    pairs = [{"L": 16, "L2": 32, "value": 0.6135, "err": 0.0021},
             {"L": 32, "L2": 64, "value": 0.6112, "err": 0.0030}]  # fmt: skip
    result = fss_result("binder", 2.2693, 0.0003, U4_at_crossing=pairs)
    for lattice, known in ((SQUARE, "0.61069"), (TRIANGULAR, "not known exactly")):
        ref = reference_of(lattice)
        row = summary.summary_row(result, [], (), reference=ref)
        assert (row["U4_at_crossing"], row["U4_at_crossing_err"]) == (0.6112, 0.0030)
        md = summary_text.summary_markdown([row], [result], reference=ref)
        line = next(x for x in md.splitlines() if x.startswith("binder's U4"))
        assert "0.6135 ± 0.0021 (16, 32); 0.6112 ± 0.0030 (32, 64)" in line
        assert "box's shape" in line and "anisotropy" in line and known in line


def test_one_table_across_lattices_and_old_summaries_read_with_the_new_names(tmp_path):
    runs = []
    for lattice, tc in ((SQUARE, 2.26925), (TRIANGULAR, 3.64102)):
        ref = reference_of(lattice)
        rows = [summary.summary_row(fss_result(m, tc, 0.0004), [], (), {"inv_nu": {
            "value": 1.01, "err": 0.02}} if m == "binder" else None, reference=ref)
            for m in ("binder", "cnn_binder")]  # fmt: skip
        path = tmp_path / lattice.name / "summary.csv"
        path.parent.mkdir()
        results.write_csv(path, rows)
        runs.append(path)
    old = tmp_path / "old.csv"  # a summary from before lattices
    results.write_csv(old, [{"method": "binder", "T_c": 2.2694, "T_c_err": 0.0003,
                             "rel_dev_onsager": 1e-4, "pull": 0.7}])  # fmt: skip
    (row,) = results.read_summary(old)
    assert row["rel_dev_reference"] == 1e-4 and row["lattice"] == "square"
    assert row["reference_T_c"] == physics.ONSAGER_TC
    from isingml.analysis import jobs

    table = jobs.lattices_job(runs).splitlines()
    assert table[0].startswith("| lattice | exact T_c | binder T_c")
    assert table[2].startswith("| square | 2.2691853 (Onsager 1944) | 2.26925 ± 0.00040")
    assert table[3].startswith("| triangular | 3.6409569 (Houtappel 1950) | 3.64102 ± 0.00040")
    assert "1.0100 ± 0.0200" in table[2] and "every two-dimensional lattice" in table[-1]


@dataclass(frozen=True)
class Uncovered(Square):
    """A lattice on which cnn_binder's T_c and binder's gamma/nu failed their coverage."""

    uncovered = {"cnn_binder": "pulls all negative (a made-up record)",
                 "binder:gamma_over_nu": "RMS 1.9 (a made-up record)"}  # fmt: skip

    def describe(self):
        return "uncovered"


def test_rows_that_failed_coverage_on_a_lattice_leave_its_estimators_tables():
    ref = reference_of(Uncovered())
    exps = {"binder": {"inv_nu": {"value": 1.01, "err": 0.02, "from": ["dU4"]},
                       "gamma_over_nu": {"value": 1.74, "err": 0.004,
                                         "from": ["chi"]}}}  # fmt: skip
    fss = [fss_result(m, 2.2694, 0.0004) for m in ("binder", "cnn_binder")]
    rows = [summary.summary_row(r, [], (), exps.get(r["method"]), reference=ref) for r in fss]
    binder_row, cnn = rows
    assert binder_row["kind"] == "T_c estimator" and binder_row["pull"] is not None
    assert binder_row["exponents_not_covered"] == "gamma_over_nu"
    assert cnn["kind"] == "study" and cnn["pull"] is None
    assert cnn["note"] == "pulls all negative (a made-up record)"
    md = summary_text.summary_markdown(rows, fss, exps, reference=ref)
    estimators = md.split("## Estimators")[1].split("##")[0]
    studies = md.split("## Studies")[1]
    assert "| binder |" in estimators and "| cnn_binder |" not in estimators
    assert "| cnn_binder | 2.2694 ± 0.0004 |" in studies and "made-up record" in studies
    exponents = md.split("## Critical exponents")[1].split("##")[0]
    assert "| binder | 1/ν | 1.0100 ± 0.0200 | 1 | +0.5 σ |" in exponents
    assert "| binder | γ/ν |" not in exponents  # no pull for it
    assert "binder's γ/ν = 1.7400 ± 0.0040 (chi): RMS 1.9" in exponents
    table = lattices_table.lattices_table([rows]).splitlines()
    assert "1.7400 ± 0.0040†" in table[2] and "1.0100 ± 0.0200 |" in table[2]
    assert "| 2.26940 ± 0.00040† (+0.009 %) |" in table[2]
    assert "†: its error bars failed their coverage" in table[-1]
    # the lattices' own records: nothing marked on the square, the shipped verdicts elsewhere
    assert reference_of(SQUARE).uncovered == {}
    both = {"binder:gamma_over_nu", "binder:beta_over_nu"}
    assert set(reference_of(TRIANGULAR).uncovered) == both
    assert set(reference_of(lattices.get("cubic")).uncovered) == both | {
        "cnn_binder:inv_nu",
        "cnn_binder",
    }
    assert set(reference_of(lattices.get("honeycomb")).uncovered) == {"cnn_binder"}


def test_figures_draw_the_lattices_exact_tc_labelled_or_none():
    import inspect

    import matplotlib.pyplot as plt

    from isingml import plots
    from isingml.plots import registry, style

    fig, ax = plt.subplots()
    style.reference_vline(ax, TRIANGULAR)
    style.reference_vline(ax, Unsolved())  # none known: no line
    (line,) = ax.get_lines()
    assert line.get_xdata()[0] == pytest.approx(HOUTAPPEL_TC, rel=1e-15)
    assert line.get_label() == "exact $T_c$ (triangular, Houtappel 1950) = 3.6410"
    plt.close(fig)
    # the figures that take the model are the ones the registry passes it to
    for name, figure in registry.FIGURES.items():
        takes = "lattice" in inspect.signature(getattr(plots, figure.plot)).parameters
        assert takes == figure.exact, name
