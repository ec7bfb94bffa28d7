"""The transfer study (issue 27, item 6) and the lattices' configurations (item 5): T(m0) of each
lattice, T*(L) of networks on two lattices read off their predictions, and, as workflows, the
tiny triangular run end to end (its own networks, the square-trained ones on it) and the
shipped configurations' dry runs planned job for job as the layout lists them."""

import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import yaml

from isingml import config as cfg
from isingml import lattices
from isingml.analysis import shortcut, transfer
from isingml.io import results, shards
from isingml.layout import Layout
from test_workflow import env, planned_jobs

REPO = Path(__file__).resolve().parents[1]
TINY_TRIANGULAR = yaml.safe_load((REPO / "tests/data/tiny_triangular.yaml").read_text())
TRIANGULAR, HONEYCOMB = lattices.get("triangular"), lattices.get("honeycomb")


@pytest.mark.parametrize(
    "lattice", [lattices.SQUARE, TRIANGULAR, HONEYCOMB, lattices.get("square", (1.0, 0.5))]
)
def test_temperature_of_m_inverts_the_exact_magnetization(lattice):
    """T(m0) is where the lattice's exact spontaneous magnetization equals m0, below its T_c;
    on the square it is the shortcut's (Onsager's) T(m0)."""
    for m0 in (0.3, 0.6, 0.9):
        t = transfer.temperature_of_m(lattice, m0)
        assert 0 < t < lattice.exact.T_c
        assert float(lattice.exact.magnetization(t)) == pytest.approx(m0, abs=1e-9)
    assert np.isnan(transfer.temperature_of_m(lattice, 1.2))
    if lattice == lattices.SQUARE:
        assert transfer.temperature_of_m(lattice, 0.6) == pytest.approx(
            shortcut.t_of_m0(0.6, lattices.SQUARE)
        )


def predictions(lattice, L, seed, t_star, m0=0.6, n=400):
    """One network's predictions at size L on ``lattice``: a threshold on |m| at m0, with |m|
    falling linearly through m0 at T = t_star (so p = 1/2 there)."""
    rng = np.random.default_rng(100 * L + seed)
    T = np.repeat(np.linspace(0.6, 1.4, 9) * lattice.exact.T_c, n // 9)
    abs_m = np.clip(m0 - 0.8 * (T - t_star) / lattice.exact.T_c, 0, 1)
    abs_m = np.clip(abs_m + rng.normal(0, 0.02, T.size), 0, 1)
    p = 1 / (1 + np.exp(-40 * (abs_m - m0)))
    cols = {"T": T, "p_ordered": p, "phi": abs_m * rng.choice([-1, 1], T.size), "abs_m": abs_m,
            "split": np.full(T.size, 3, np.int8)}  # fmt: skip
    attrs = {"model": "cnn", "L": L, "L_train": L, "seed": seed, "window": np.array([1.8, 2.6]),
             "learned": 1, "model_dir": f"net{L}/{seed}", **lattice.attrs()}  # fmt: skip
    return cols, attrs


def test_window_rows_read_t_star_on_both_lattices_beside_t_of_m0_and_t_c():
    """Networks whose p(ordered) = 1/2 at T0 + a/L on each lattice: T*(L) is read within its
    error, extrapolated to T0, and set beside the lattice's T(m0) of the training lattice's m0
    and its T_c, with the distances in standard errors."""
    T0 = {"square": 2.2, "triangular": 3.5}
    own = [predictions(lattices.SQUARE, L, s, T0["square"] + 1.6 / L) for L in (8, 16, 32)
           for s in (0, 1, 2)]  # fmt: skip
    here = [predictions(TRIANGULAR, L, s, T0["triangular"] + 2.4 / L) for L in (8, 16, 32)
            for s in (0, 1, 2)]  # fmt: skip
    rows, curves = transfer.window_rows(own, here, np.random.default_rng(0), n_boot=50)
    assert [(r["lattice"], r["L"]) for r in rows] == [
        (lat, L) for lat in ("square", "triangular") for L in (8, 16, 32)
    ]
    for r in rows:
        slope = 1.6 if r["lattice"] == "square" else 2.4
        assert abs(r["T_star"] - (T0[r["lattice"]] + slope / r["L"])) < 0.02
        assert r["T_star_inf"] == pytest.approx(T0[r["lattice"]], abs=0.03)
        assert r["m0"] == pytest.approx(0.6, abs=0.02) and r["trained_on"] == "square"
        lattice = lattices.get(r["lattice"])
        assert r["T_c"] == lattice.exact.T_c
        assert r["T_of_m0"] == pytest.approx(transfer.temperature_of_m(lattice, r["m0_trained"]))
        expected = (r["T_star_inf"] - r["T_of_m0"]) / r["T_star_inf_err"]
        assert r["pull_T_of_m0"] == pytest.approx(expected)
    assert {c["lattice"] for c in curves} == {"square", "triangular"}
    assert all(np.isfinite(c["U"]) and 0 <= c["p"] <= 1 for c in curves)


def snakemake(directory, *args, timeout=900):
    res = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "--directory",
         str(directory), "--cores", "2", *args],
        capture_output=True, text=True, timeout=timeout, env=env(),
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-4000:]
    return res.stdout + res.stderr


def planned(out):
    """Counter of (rule, wildcards) of a dry run's jobs."""

    return Counter((rule, tuple(sorted(w.items()))) for rule, w in planned_jobs(out))


@pytest.mark.workflow
@pytest.mark.parametrize("name", ["triangular", "honeycomb", "anisotropic", "cubic"])
def test_shipped_lattice_configs_plan_every_job_of_their_layout(name, tmp_path):
    """`snakemake -n --configfile workflow/configs/<name>.yaml` (over config.yaml) schedules
    every job the layout (and `isingml plan`) lists for that configuration."""
    (tmp_path / "config.yaml").write_text((REPO / "config.yaml").read_text())
    path = REPO / f"workflow/configs/{name}.yaml"
    out = snakemake(tmp_path, "-n", "--configfile", str(path))
    layout = Layout(cfg.load(yaml.safe_load(path.read_text())))
    laid = Counter((j.rule, tuple(sorted(j.wildcards))) for j in layout.jobs())
    assert planned(out) == laid
    assert bool(layout.transfer.on) == (name == "triangular")


@pytest.fixture(scope="module")
def tiny_triangular(tmp_path_factory):
    d = tmp_path_factory.mktemp("tiny_triangular")
    (d / "config.yaml").write_text(yaml.safe_dump(TINY_TRIANGULAR))
    dry = snakemake(d, "-n")
    laid = Counter((j.rule, tuple(sorted(j.wildcards)))
                   for j in Layout(cfg.load(TINY_TRIANGULAR)).jobs())  # fmt: skip
    assert planned(dry) == laid
    snakemake(d)
    return d


@pytest.mark.workflow
def test_tiny_triangular_run_end_to_end(tiny_triangular):
    """The tiny triangular run with the transfer study: its shards under data/triangular/, the
    square-trained networks' under data/lattices/, each holding its model; binder, cnn_binder
    and cnn_binder_transfer rows with finite T_c and errors (the transfer among the studies);
    T*(L) of the square-trained networks on both lattices beside T(m0) and T_c; its figure."""
    d = tiny_triangular
    shard = shards.read_shard(d / "data/triangular/lattices/L8/T2.2000.h5", spins=False)
    assert shard.lattice == TRIANGULAR
    assert shards.read_shard(d / "data/lattices/L8/T1.4000.h5", spins=False).lattice == (
        lattices.SQUARE
    )
    summary = results.read_csv(d / "results/summary.csv")
    rows = dict(zip(summary["method"].tolist(), range(len(summary["method"])), strict=True))
    assert {"binder", "cnn_binder", "cnn_binder_transfer"} <= set(rows)
    for method in ("binder", "cnn_binder", "cnn_binder_transfer"):
        i = rows[method]
        assert np.isfinite(summary["T_c"][i]) and summary["T_c_err"][i] > 0, method
        assert abs(summary["T_c"][i] - TRIANGULAR.exact.T_c) < 0.3, (method, summary["T_c"][i])
    assert summary["kind"][rows["cnn_binder_transfer"]] == "study"
    windows = results.read_csv(d / "results/diagnostics/transfer_windows.csv")
    assert set(windows["lattice"].tolist()) == {"square", "triangular"}
    tri = windows["lattice"] == "triangular"
    assert np.all(windows["T_c"][tri] == TRIANGULAR.exact.T_c)
    assert np.all(np.isfinite(windows["T_star"])) and np.all(np.isfinite(windows["T_of_m0"]))
    metrics = results.read_json(d / "results/transfer/models/cnn/w1.8-2.6/L12/seed0/metrics.json")
    assert metrics["lattice"]["lattice"] == "square"
    own = results.read_json(d / "results/models/cnn/w2.9-4.2/L12/seed0/metrics.json")
    assert own["lattice"]["lattice"] == "triangular"
    assert (d / "results/figures/transfer.png").read_bytes()[:4] == b"\x89PNG"
