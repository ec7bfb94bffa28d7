"""Analysis on synthetic data with planted answers: crossings, FSS, Binder, figures."""

import numpy as np
import pytest

from isingml.analysis import crossing, fss, networks
from isingml.cli import main
from isingml.io import results
from isingml.lattices import SQUARE

T_STAR = 2.2913
GRID = np.round(np.arange(1.6, 3.01, 0.05), 4)


def synthetic_predictions(seed, L=16, n=200, seeds=3, width=0.08, seed_sd=0.003):
    """Predictions of `seeds` networks on the same configurations, crossing 1/2 at T_STAR.

    Each configuration has its own offset (shared by the networks, as real configurations
    are); each network has a small shift of its crossing (training randomness).
    """
    rng = np.random.default_rng(seed)
    T = np.repeat(GRID, n)
    eps = rng.normal(0, 1.5, T.size)
    preds = []
    for s in range(seeds):
        shift = rng.normal(0, seed_sd)
        p = 1 / (1 + np.exp(-((T_STAR + shift - T) / width + eps)))
        cols = {"T": T, "p_ordered": p, "split": np.full(T.size, 2, np.int8), "abs_m": p}
        attrs = {"window": np.array([2.0, 2.6]), "L": L, "L_train": L, "seed": s, "model_dir": "x"}
        preds.append((cols, attrs))
    return preds


def test_half_crossing_recovers_planted_value_within_its_error():
    """Coverage: the planted T* lies within 2 of the reported standard errors in at least 9
    of 10 fixed seeds (a correct 2-sigma interval covers 95 %)."""
    hits = 0
    for seed in range(10):
        rows, _ = networks.network_tables("cnn", synthetic_predictions(seed),
                                        np.random.default_rng(100 + seed), SQUARE,
                                        n_boot=200)  # fmt: skip
        (r,) = rows
        assert 0 < r["T_star_err"] < 0.02
        hits += abs(r["T_star"] - T_STAR) <= 2 * r["T_star_err"]
    assert hits >= 9, f"planted T* within 2 sigma in only {hits}/10 seeds"


def test_half_crossing_is_not_the_nearest_grid_point():
    p = 1 / (1 + np.exp((GRID - T_STAR) / 0.05))
    assert crossing.half_crossing(GRID, p) == pytest.approx(T_STAR, abs=1e-6)
    assert np.isnan(crossing.half_crossing(GRID, np.full(GRID.size, 0.9)))


@pytest.mark.parametrize("nu", [1.0, 0.8])
def test_fss_fit_recovers_planted_tc_and_nu(nu):
    rng = np.random.default_rng(1)
    L = np.array([8, 12, 16, 24, 32, 48, 64])
    err = np.full(L.size, 0.0005)
    t = 2.2692 + 0.6 * L ** (-1 / nu) + rng.normal(0, 0.0005, L.size)
    free = fss.fit_free_nu(L, t, err)
    assert free["ok"]
    assert abs(free["T_c"] - 2.2692) <= 3 * free["T_c_err"]
    assert abs(free["nu"] - nu) <= 3 * free["nu_err"]
    if nu == 1.0:
        fixed = fss.fit_fixed_nu(L, t, err)
        assert abs(fixed["T_c"] - 2.2692) <= 3 * fixed["T_c_err"]
        assert fixed["chi2_dof"] < 3


def test_fss_refuses_free_fit_with_too_few_sizes():
    res = fss.fit_free_nu([8, 16, 32], [2.3, 2.28, 2.275], [0.001] * 3)
    assert not res["ok"] and "nu is not determined" in res["note"]


def test_analysis_cli_and_figures_from_tiny_results(tmp_path):
    pred = tmp_path / "pred"
    pred.mkdir()
    for cols, attrs in synthetic_predictions(0, L=8, n=40, seeds=2) + synthetic_predictions(
        1, L=16, n=40, seeds=2
    ):
        results.write_predictions(pred / f"L{attrs['L']}s{attrs['seed']}.h5", cols, attrs)
    files = sorted(str(p) for p in pred.iterdir())
    tc, curves, fj = tmp_path / "tc.csv", tmp_path / "curves.csv", tmp_path / "fss.json"
    main(["analyze", "crossing", "--method", "cnn", "--predictions", *files, "--out", str(tc),
          "--curves", str(curves)])  # fmt: skip
    main(["analyze", "fss", "--method", "cnn", "--tc", str(tc), "--out", str(fj)])
    result = results.read_json(fj)
    assert result["ok"]
    # Two sizes cannot fix nu (nor can a data collapse, which the summary no longer shows): it
    # must say so rather than print a number.
    assert result["nu"] is None and "not determined" in result["nu_note"]
    assert "not determined" in result["per_window"]["w2-2.6"]["free"]["note"]
    for fig, extra in [("p_ordered", ["--curves", str(curves)]),
                       ("tc_extrapolation", ["--tc", str(tc), "--fss", str(fj)]),
                       ("accuracy", ["--curves", str(curves)])]:  # fmt: skip
        out = tmp_path / "fig" / f"{fig}.png"
        main(["plot", fig, *extra, "--out", str(out)])
        assert out.stat().st_size > 1000 and out.with_suffix(".pdf").stat().st_size > 1000


def test_pca_refits_its_component_in_every_jackknife_replica():
    """The component of each delete-one-group replica is the leading eigenvector of the
    covariance of the data without that group (numpy's eigh on the full N x N matrix), so the
    jackknife of the pca row includes the noise of the fit itself."""
    from isingml.analysis import pca

    rng = np.random.default_rng(8)
    n, N, G = 600, 12, 6
    u = np.ones(N) / np.sqrt(N)
    X = (rng.normal(size=(n, 1)) * 3.0 * u + rng.normal(size=(n, N))).astype(np.float32)
    group = np.arange(n) % G
    v = pca.orient(pca.first_component(X)[0])
    reps = pca.replica_components(X, group, G, v, steps=40)
    for g in range(G):
        w, V = np.linalg.eigh(np.cov(X[group != g].astype(np.float64), rowvar=False, bias=True))
        assert abs(reps[g] @ pca.orient(V[:, -1])) == pytest.approx(1.0, abs=1e-5)
        assert not np.allclose(reps[g], v, atol=1e-6)  # it did move


def test_pca_rows_keep_int8_blocks_and_give_the_dense_products(monkeypatch):
    """pca.Rows keeps the shards' int8 spins as they are and converts chunks of rows as it goes
    (chunks smaller than a block here): its products, row selections and the components
    fitted through it equal those of the dense float matrix."""
    from isingml.analysis import pca

    monkeypatch.setattr(pca.Rows, "CHUNK", 7 * 16)  # 7 rows of N = 16 per chunk
    rng = np.random.default_rng(2)
    blocks = [np.where(rng.random((n, 4, 4)) < 0.7, 1, -1).astype(np.int8) for n in (30, 11, 25)]
    X = np.concatenate([b.reshape(b.shape[0], -1) for b in blocks]).astype(np.float64)
    rows = pca.Rows(blocks)
    assert rows.n == 66 and rows.N == 16 and all(b.dtype == np.int8 for b in rows.blocks)
    U = rng.normal(size=(16, 3))
    np.testing.assert_allclose(rows.dot(U), X @ U, rtol=1e-5, atol=1e-5)
    Y = rng.normal(size=(66, 2))
    np.testing.assert_allclose(rows.tdot(Y), X.T @ Y, rtol=1e-6, atol=1e-6)
    index = np.array([0, 5, 29, 30, 40, 41, 65])
    np.testing.assert_array_equal(rows.take(index), X[index])
    np.testing.assert_allclose(rows.column_sums(), X.sum(axis=0))
    v_rows = pca.orient(pca.first_component(rows)[0])
    v_dense = pca.orient(pca.first_component(X)[0])
    assert abs(v_rows @ v_dense) == pytest.approx(1.0, abs=1e-6)
    group = np.arange(66) % 4
    np.testing.assert_allclose(pca.replica_components(rows, group, 4, v_rows),
                               pca.replica_components(X, group, 4, v_dense), atol=1e-5)  # fmt: skip


def test_sampling_check_reports_spacing_and_burn_in_in_stored_tau():
    """The stored series' tau_int (attributes, in sample spacings) turns into the spacing and
    the burn-in in units of tau_int, with a note naming the shard where a target is missed."""
    from types import SimpleNamespace

    from isingml.analysis import observables

    def shard(L, T, stored, burn):
        attrs = {"stored_tau_int_energy": stored / 2, "stored_tau_int_abs_m": stored,
                 "interval": 10.0, "tau_int_energy": 2.0, "tau_int_abs_m": 5.0,
                 "replica_burn_in": burn}  # fmt: skip
        return SimpleNamespace(L=L, T=T, attrs=attrs)

    good = observables.sampling_check([shard(16, 2.26, 0.5, 1000)])
    assert good["min_spacing_taus"] == pytest.approx(2.0)
    assert good["min_burn_in_taus"] == pytest.approx(200.0) and "note" not in good
    bad = observables.sampling_check([shard(16, 2.26, 0.5, 1000), shard(64, 2.257, 2.75, 1000)])
    assert bad["min_spacing_at"] == [64, 2.257]
    assert bad["min_pilot_over_stored"] == pytest.approx(5.0 / 27.5)
    assert "0.36 tau_int apart at L = 64, T = 2.2570" in bad["note"]
    assert "burn-in only 36.4" not in bad["note"]  # 1000 / 27.5 = 36 tau: enough


def test_fss_reads_its_kind_from_the_method_registry(tmp_path):
    """A crossing method's rows go through their jackknife sidecar whatever the table's
    columns; asked for without it, the job names what is missing."""
    from isingml import methods
    from isingml.analysis import jobs
    from isingml.errors import UserError

    tc = tmp_path / "tc.csv"
    results.write_csv(tc, [{"method": "binder", "window": "-", "L": 8, "T_star": 2.26,
                            "T_star_err": 0.01}])  # fmt: skip
    assert methods.get("binder").fss == methods.CROSSING
    with pytest.raises(UserError, match="--tc-jackknife"):
        jobs.fss_job("binder", tc, lattice=SQUARE)
    assert set(jobs.ENSEMBLE_ANALYSES) == set(methods.ENSEMBLE_CROSSINGS)


def test_summary_ranks_by_distance_and_says_what_the_rows_are():
    """The summary ranks the estimators by distance from Onsager only (a ranking by pull would
    put the wider error bar first); rg's row shows its fixed points per pair; beta/nu is marked
    as tied to gamma/nu with the hyperscaling check beside it; the networks' spread is said to
    count training seeds."""
    from isingml.analysis import summary, summary_text
    from isingml.lattices import reference_of
    from isingml.physics import ONSAGER_TC

    def result(method, tc, err, pairs=()):
        return {"method": method, "T_c": tc, "T_c_err": err, "L_used": [16, 32, 64],
                "pairs": [{"L": a, "L2": b, "T_star": t} for a, b, t in pairs]}  # fmt: skip

    fss_results = [
        result("binder", ONSAGER_TC + 0.0003, 0.0001),  # closer, 3 sigma
        result("cnn_binder", ONSAGER_TC - 0.0010, 0.0020),  # farther, 0.5 sigma
        result("rg", 2.2661, 0.0005, [(16, 32, 2.2638), (32, 64, 2.2658)]),
    ]
    exps = {"binder": {
        "inv_nu": {"value": 1.001, "err": 0.007, "from": ["dU4"]},
        "gamma_over_nu": {"value": 1.749, "err": 0.002, "from": ["chi"]},
        "beta_over_nu": {"value": 0.1255, "err": 0.001, "from": ["abs_m"],
                         "tied_to": "gamma_over_nu"},
        "hyperscaling": {"value": 3e-5, "err": 1e-5},
    }}  # fmt: skip
    ref = reference_of(SQUARE)
    rows = [summary.summary_row(r, [], (), exps.get(r["method"]), reference=ref)
            for r in fss_results]  # fmt: skip
    md = summary_text.summary_markdown(rows, fss_results, exps, reference=ref)
    ranking = next(line for line in md.splitlines() if line.startswith("Closest"))
    assert "pull" not in ranking and ranking.index("binder") < ranking.index("cnn_binder")
    rg = next(line for line in md.splitlines() if line.startswith("| rg |"))
    assert "2.2638 (16, 32)" in rg and "2.2658 (32, 64)" in rg and "towards T_c" in rg
    assert "T(m0)" not in rg
    beta = next(line for line in md.splitlines() if "| β/ν |" in line)
    assert "tied to γ/ν" in beta
    assert "γ/ν + 2β/ν − d = +0.00003 ± 0.00001" in md and "not a second confirmation" in md
    assert summary.NETWORK_SPREAD in md
    # summary.csv: `kind` a short category, the long text in `note`
    kinds = {r["method"]: (r["kind"], r["note"]) for r in rows}
    assert kinds["binder"] == ("T_c estimator", "")
    assert kinds["rg"] == ("study", summary.STUDIES["rg"])
    window = summary.summary_row(result("cnn", 2.26, 0.01), [], (), reference=ref)
    assert window["kind"] == "window-trained" and "not to T_c" in window["note"]
