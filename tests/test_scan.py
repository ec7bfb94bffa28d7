"""The scan that places the Binder grid (binder.temperatures: auto), against exact answers: the
crossing locator on the exact U4 curves of small tori (row transfer matrix), its errors against
the scatter of noisy copies, the region against exact crossings of larger pairs and T_c, the
spacing against the exact energy histograms' overlap."""

import functools
import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from isingml import config, exact, physics, seeds
from isingml.analysis import histograms, reweighting, scan, scan_job
from isingml.cli import main
from isingml.errors import UserError
from isingml.lattices import SQUARE

REPO = Path(__file__).resolve().parents[1]
TINY = yaml.safe_load((REPO / "tests/data/tiny_config.yaml").read_text())
DEFAULT_T = tuple(config.defaults()["temperatures"])  # the networks' grid the scan runs on
TINY_T = tuple(TINY["temperatures"])


@functools.cache
def exact_point(L, T):
    m = exact.moments(L, T)
    return m["U4"], m["C"]


def exact_table(sizes, temps, err=0.0):
    """The scan's table as exact U4 and C would fill it, with a stated error ``err`` per U4."""
    values = np.array([[exact_point(L, T) for T in temps] for L in sizes])
    U, C = values[..., 0], values[..., 1]
    return scan.ScanTable(tuple(sizes), np.array(temps), U, np.full(U.shape, err), C)


@pytest.mark.parametrize(
    ("temps", "most"), [(DEFAULT_T, 0.005), (TINY_T, 0.02)], ids=["default", "tiny"]
)
def test_locator_finds_the_exact_crossing_within_its_error(temps, most):
    """On exact U4 curves of L = 6 and 12 (no noise: the error is the interpolation's alone),
    read off the networks' temperatures of the default and the tiny configurations, the
    crossing lies within its stated error of the exact one, and that error is small enough to
    place a grid with."""
    c = scan.locate_crossing(exact_table((6, 12), temps), 0, 1)
    truth = exact.binder_crossing(6, 12, bracket=(2.1, 2.4), xtol=1e-9)
    assert c.err_stat == 0.0 and 0 < c.err_interp < most
    assert abs(c.T - truth) <= c.err, (c.T, truth, c.err)
    assert c.bracket[0] <= truth <= c.bracket[1]


def test_statistical_error_matches_the_scatter_of_noisy_scans():
    """Gaussian noise of a known sigma on the exact U4 (seed fixed, 400 copies), sized so that
    the crossing's error is about a tenth of the scan's spacing, as in the default scan: the
    located crossing scatters about the noise-free one by its stated statistical error (RMS of
    the pulls within 3.5 standard errors of 1: 1 +- 0.12 for 400 pulls) with no bias beyond
    3.5 standard errors of the mean. (At a third of the spacing the first-order error still
    matches the scatter's width, 0.9 of it, but each copy's own slope makes the pulls' tails
    heavy: the region's 3 standard errors are the margin for that.)"""
    table = exact_table((6, 12), DEFAULT_T, err=0.0007)
    clean = scan.locate_crossing(table, 0, 1).T
    rng = np.random.default_rng(11)
    pulls = []
    for _ in range(400):
        U = table.U4 + rng.normal(0, 0.0007, table.U4.shape)
        noisy = scan.ScanTable(table.sizes, table.T, U, table.U4_err, table.C)
        c = scan.locate_crossing(noisy, 0, 1)
        pulls.append((c.T - clean) / c.err_stat)
    pulls = np.array(pulls)
    assert abs(np.sqrt(np.mean(pulls**2)) - 1) < 0.12, np.sqrt(np.mean(pulls**2))
    assert abs(pulls.mean()) < 3.5 / np.sqrt(pulls.size)


def test_no_crossing_is_a_named_error():
    """Above T_c the larger lattice's U4 is the smaller everywhere: no crossing to place a grid
    around, and the error says which key to change."""
    with pytest.raises(UserError, match=r"binder.temperatures: auto: U4 at L = 6 and 12 does not"):
        scan.locate_crossing(exact_table((6, 12), (2.6, 2.8, 3.1, 3.5)), 0, 1)


def test_region_holds_the_crossings_of_larger_pairs_and_the_limit():
    """Sizes 3, 6, 12 exactly: the region the grid must cover holds the last crossing, the
    exact crossings of pairs of larger sizes (8, 12) and (10, 12), and Onsager's T_c, the
    limit that the drift's bound is for; the drift has the sign of the approach from below."""
    table = exact_table((3, 6, 12), DEFAULT_T)
    crossings = [scan.locate_crossing(table, i, i + 1) for i in range(2)]
    shift = scan.drift(crossings, table)
    lo, hi = scan.region(crossings[-1], shift)
    larger = [exact.binder_crossing(a, b, bracket=(2.2, 2.3)) for a, b in ((8, 12), (10, 12))]
    assert shift.value > 0 and shift.ratio == 2
    for t in [crossings[-1].T, *larger, physics.ONSAGER_TC]:
        assert lo <= t <= hi, (t, lo, hi)


def test_interleaved_ladders_cross_as_pairs_at_ratio_2_and_drift_from_half_the_size():
    """Scan sizes 3, 4, 6, 8, 12 exactly (two ladders, as the cubic configuration's 6, 8, 12,
    16, 24): the crossings are those of (3, 6), (4, 8), (6, 12), as the Binder grid pairs them,
    not of successive sizes at ratios 4/3 and 3/2, and the drift runs from (3, 6), the pair at
    half the last one's size, to (6, 12): ratio 2. The region holds the last crossing, the exact
    crossing of the larger pair (7, 14) and Onsager's T_c."""
    table = exact_table((3, 4, 6, 8, 12), DEFAULT_T)
    crossings, shift, placed = scan.place_grid(table, (3, 4, 6, 8, 12), points=5, overlap=1.0)
    assert [c.sizes for c in crossings] == [(3, 6), (4, 8), (6, 12)]
    assert shift.ratio == 2 and shift.value == pytest.approx(crossings[2].T - crossings[0].T)
    lo, hi = placed.region
    for t in (
        crossings[-1].T,
        exact.binder_crossing(7, 14, bracket=(2.2, 2.3)),
        physics.ONSAGER_TC,
    ):
        assert lo <= t <= hi, (t, lo, hi)


def test_a_binder_size_inside_the_scan_puts_its_crossing_in_the_region():
    """Binder sizes 3, 6, 12 on a scan of 3, 6, 12: the Binder pair (3, 6) crosses well below
    the last one, and the placed grid reaches down to it; without 3 among the Binder sizes it
    does not have to."""
    table = exact_table((3, 6, 12), DEFAULT_T)
    crossings, _, with_3 = scan.place_grid(table, (3, 6, 12, 24), points=5, overlap=1.0)
    _, _, without = scan.place_grid(table, (6, 12, 24), points=5, overlap=1.0)
    first = crossings[0]
    assert with_3.region[0] <= first.T - scan.COVERAGE_Z * first.err
    assert without.region[0] > first.T - scan.COVERAGE_Z * first.err


def kish_fraction(e, g, beta_from, beta_to):
    """Kish's effective fraction of the samples at beta_from reweighted to beta_to, from the
    exact energy levels e (per site, x N = E) and their counts g."""
    logp = np.log(g) - beta_from * e
    w = -(beta_to - beta_from) * e
    a, b = logp + w, logp + 2 * w
    num = 2 * histograms.logsumexp(a)
    return float(np.exp(num - histograms.logsumexp(logp) - histograms.logsumexp(b)))


def test_the_grid_meets_the_overlap_rule_on_exact_histograms():
    """Placed for a largest Binder size of 8 from an exact scan of L = 4 and 8: neighbours at
    most `overlap` histogram widths apart, and on the exact energy histograms of L = 8 each
    neighbour keeps at least exp(-(overlap / 2)^2) - 0.05 of its samples in play at the
    midpoint (a Gaussian's value), above what the crossings' overlap check asks
    (reweighting.MIN_EFFECTIVE)."""
    table = exact_table((4, 8), TINY_T)
    crossings, shift, p = scan.place_grid(table, (8,), points=4, overlap=1.0)
    T = np.array(p.temperatures)
    assert shift is None and len(T) >= 4 and np.all(np.diff(T) <= p.width + 1e-4)
    assert T[0] <= p.region[0] + 1e-4 and T[-1] >= p.region[1] - 1e-4
    assert T[0] <= crossings[0].T <= T[-1]
    e, _, g = exact.density_of_states(8)
    levels = e * 64
    counts = g.sum(axis=1)
    for t0, t1 in zip(T[:-1], T[1:], strict=True):
        mid = 2 / (t0 + t1)
        for t in (t0, t1):
            fraction = kish_fraction(levels, counts, 1 / t, mid)
            assert fraction >= np.exp(-0.25) - 0.05, (t0, t1)
            assert fraction >= reweighting.MIN_EFFECTIVE, (t0, t1)


def test_placement_widens_to_one_histogram_adds_points_and_gives_up():
    temps, span, spacing = scan.place((2.260, 2.262), width=0.02, points=5, overlap=1.0)
    assert len(temps) == 5 and span == pytest.approx(0.02)
    assert np.mean(temps) == pytest.approx(2.261)
    temps, _, spacing = scan.place((2.25, 2.35), width=0.02, points=5, overlap=1.0)
    assert len(temps) == 6 and spacing <= 0.02 + 1e-12 and temps[0] <= 2.25 and temps[-1] >= 2.35
    with pytest.raises(UserError, match="raise binder.scan.samples"):
        scan.place((2.0, 3.0), width=0.01, points=5, overlap=1.0)


COARSE_T = (1.0, 1.6, 3.0, 3.6)  # a networks' grid with nothing between 1.6 and 3.0


def test_a_coarse_scan_is_refined_inside_the_bracket_and_then_holds_the_exact_crossing():
    """On the exact U4 of L = 4 and 8 sampled only at COARSE_T, the crossing's bracket
    (1.6, 3.0) leaves it too uncertain for a grid spaced for L = 128: a named error, which the
    scan answers with REFINE_POINTS temperatures strictly inside the bracket; placed again,
    the crossing lies within its stated error of the exact one and inside the grid."""
    coarse = exact_table((4, 8), COARSE_T, err=5e-4)
    with pytest.raises(scan.TooUncertain, match="raise binder.scan.samples"):
        scan.place_grid(coarse, (8, 128), points=4, overlap=1.0)
    extra = scan_job.refinement(coarse)
    assert len(extra) == scan_job.REFINE_POINTS and 1.6 < min(extra) and max(extra) < 3.0
    refined = exact_table((4, 8), tuple(sorted(COARSE_T + extra)), err=5e-4)
    (c,), _, p = scan.place_grid(refined, (8, 128), points=4, overlap=1.0)
    truth = exact.binder_crossing(4, 8, bracket=(2.0, 2.5))
    assert abs(c.T - truth) <= c.err, (c.T, c.err, truth)
    assert p.temperatures[0] <= truth <= p.temperatures[-1]


def test_the_scan_job_refines_only_where_it_must(monkeypatch):
    """scan_job.run on exact points: the coarse grid is refined (once, the table holding the
    added temperatures and ``how`` saying so); a grid that places at once is left as it was."""

    def exact_statistics(e, m, L, T, n_replicas, lattice):
        u4, heat = exact_point(L, T)
        return u4, 5e-4, heat

    monkeypatch.setattr(scan_job, "point_statistics", exact_statistics)
    calls = []

    def sample(L, T):
        calls.append((L, T))
        return np.zeros(1), np.zeros(1), 64

    job = scan_job.ScanJob(7, COARSE_T, (4, 8), 640, 10, (8, 128), 4, 1.0)
    result = scan_job.run(job, sample)
    assert len(result.table.T) == len(COARSE_T) + scan_job.REFINE_POINTS
    assert len(calls) == 2 * len(result.table.T) and len(set(calls)) == len(calls)
    assert f"added {scan_job.REFINE_POINTS} inside their brackets" in result.describe()
    calls.clear()
    plain = scan_job.run(scan_job.ScanJob(7, TINY_T, (4, 8), 640, 10, (8, 16), 4, 1.0), sample)
    assert tuple(plain.table.T) == tuple(sorted(TINY_T)) and "added" not in plain.describe()


def test_point_statistics_are_per_replica():
    """U4's jackknife runs over the 64 time-major replicas: replicas with different spreads of
    m give the error of the replicas' scatter, and C is N var(e) / T^2."""
    rng = np.random.default_rng(3)
    m = rng.normal(0.0, 0.3, (200, 64)).ravel()
    e = rng.normal(-1.4, 0.05, m.size)
    u, err, c = scan_job.point_statistics(e, m, 8, 2.0, 64, SQUARE)
    assert abs(u) < 4 * err and 0 < err < 0.05  # Gaussian m: U4 = 0
    assert c == pytest.approx(64 * np.var(e) / 4.0)


def test_scan_streams_are_their_own():
    """A scan point's chain has its own stream: never a shard's, its replicas' or its
    decimations' at the same (L, T); the scan's grid key is frozen at 2."""
    assert seeds.GRID_KEYS["scan"] == 2
    keys = set()
    for grid in ("network", "critical", "scan"):
        for L in (8, 16):
            for T in (2.2, 2.3):
                shard = seeds.shard_key(L, T, grid)
                keys |= {shard, seeds.replicas(seeds.sequence(1, shard)).spawn_key,
                         seeds.decimation(1, shard).spawn_key}  # fmt: skip
    assert len(keys) == 3 * 2 * 2 * 3


def test_no_exact_tc_places_the_grid():
    """The scan and the placement never see Onsager's T_c (nor anything of physics.py)."""
    for path in ("analysis/scan.py", "analysis/scan_job.py", "cli/scan.py"):
        text = (REPO / "src/isingml" / path).read_text()
        assert "ONSAGER" not in text and "physics" not in text, path


def test_scan_job_round_trips_and_refuses_unknown_keys():
    job = scan_job.ScanJob.from_config(config.resolved(TINY))
    assert scan_job.ScanJob.from_json(job.to_json()) == job
    assert job.sizes == (4, 8, 16) and job.temperatures == tuple(sorted(TINY_T))
    with pytest.raises(UserError, match="--job needs exactly the keys"):
        scan_job.ScanJob.from_json('{"seed": 1}')


def test_isingml_scan_names_the_config_and_key_it_refuses(tmp_path, capsys):
    bad = {**TINY, "binder": {**TINY["binder"], "temperatures": "around 2.27"}}
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(bad))
    with pytest.raises(SystemExit) as exit_:
        main(["scan", "--config", str(tmp_path / "bad.yaml"), "--out", str(tmp_path / "g.json")])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and err.count("\n") == 1
    where = tmp_path / "bad.yaml"
    assert err.startswith("isingml scan: error: config key 'binder.temperatures': ")
    assert err.endswith(f"Fix it in {where}.\n")
    assert not (tmp_path / "g.json").exists()


def test_isingml_scan_places_a_grid_around_the_sampled_crossing(tmp_path):
    """The command end to end on small lattices: it samples the scan with the multi-spin
    kernel, writes the grid and how it was placed, and the crossing of L = 4 and 8 it found lies
    within 3 of its standard errors of the exact one (seed fixed)."""
    job = scan_job.ScanJob(7, TINY_T, (4, 8), 3200, 200, (8, 16), 4, 1.0)
    out = tmp_path / "grid.json"
    main(["scan", "--job", job.to_json(), "--out", str(out)])
    grid = json.loads(out.read_text())
    (c,) = grid["crossings"]
    truth = exact.binder_crossing(4, 8, bracket=(2.0, 2.5))
    assert abs(c["T"] - truth) <= 3 * c["err"], (c, truth)
    temps = grid["temperatures"]
    assert len(temps) >= 4 and temps == sorted(temps) and temps[0] <= c["T"] <= temps[-1]
    assert grid["drift"] is None and "not measured" in grid["how"]
    assert np.array(grid["scan"]["U4"]).shape == (2, len(TINY_T))
