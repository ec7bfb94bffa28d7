"""The cost model and the plan: a configuration's cost printed with nothing run, the jobs it
models the same as the workflow's, and every modelled job's runtime and mem_mb reaching the
scheduler."""

import math
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import yaml

from isingml import config as cfg
from isingml import cost, planning
from isingml.cli import main
from isingml.io import results
from isingml.layout import GRID_JSON, Layout
from isingml.physics import ONSAGER_TC

REPO = Path(__file__).resolve().parents[1]
TINY = yaml.safe_load((REPO / "tests/data/tiny_config.yaml").read_text())


def test_correlation_length_is_onsagers():
    """xi diverges at T_c on both sides, and the exact amplitude ratio of the two sides (this
    true correlation length below T_c is half the one above at the same |t|) is 2."""
    t = 1e-4
    hi, lo = (
        cost.correlation_length(ONSAGER_TC * (1 + t)),
        cost.correlation_length(ONSAGER_TC * (1 - t)),
    )
    assert hi / lo == pytest.approx(2.0, rel=1e-3)
    assert cost.correlation_length(10.0) < 1.0 < cost.correlation_length(2.3)
    assert math.isinf(cost.correlation_length(ONSAGER_TC))


def test_sampling_model_follows_the_planner():
    """Near T_c a large lattice is cheapest with Wolff, far from it (or small) with the multi-
    spin kernel for many samples; the modelled cost of the default run's most expensive point
    (L = 64, T = 2.269, 64,000 samples: 23.5 s measured) is within a factor 1.5."""
    est = cost.simulate(64, 2.269, 64000, "auto", 1000)
    assert 23.5 / 1.5 < est.seconds < 23.5 * 1.5
    assert cost.simulate(128, 2.269, 100000, "auto", 2000).algorithm == "wolff"
    assert cost.simulate(16, 2.269, 64000, "auto", 1000).algorithm == "multispin"
    assert cost.simulate(64, 2.269, 64000, "metropolis", 1000).seconds > est.seconds


def test_requests_carry_a_safety_factor():
    est = cost.Estimate("train", "x", 600.0, 3000.0)
    assert est.runtime_min >= math.ceil(cost.SAFETY_TIME * 600 / 60)
    assert est.request_mb >= cost.SAFETY_MEM * 3000
    small = cost.Estimate("binder", "x", 1.0, 10.0)
    assert small.runtime_min == cost.MIN_RUNTIME_MIN and small.request_mb == cost.MIN_MEM_MB


def test_plan_prints_every_stage_without_running_anything(tmp_path, capsys, monkeypatch):
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(TINY))
    monkeypatch.chdir(tmp_path)
    main(["plan", "--configfile", "config.yaml", "--cores", "2"])
    text = capsys.readouterr().out
    for stage in ("sampling", "networks", "evaluation", "analysis", "total"):
        assert re.search(rf"^{stage}\s+\d+", text, re.M), stage
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml"]  # nothing sampled


def test_plan_names_the_configfile_it_cannot_read(capsys):
    with pytest.raises(SystemExit):
        main(["plan", "--configfile", "no/such.yaml"])
    assert "no/such.yaml: cannot read it" in capsys.readouterr().err


def snakemake(directory, *args):
    res = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "--directory",
         str(directory), "--cores", "2", *args],
        capture_output=True, text=True, check=True, env=env(),
    )  # fmt: skip
    return res.stdout + res.stderr


def env():
    e = dict(os.environ)
    e["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{e['PATH']}"  # the `isingml` command
    return e


def planned_jobs(out):
    """Counter of (rule, wildcards) of the jobs a dry run lists, and each job's block."""
    planned, blocks = Counter(), {}
    for block in re.split(r"\n(?=(?:local)?(?:rule|checkpoint) \w+:)", out):
        m = re.match(r"(?:local)?(?:rule|checkpoint) (\w+):", block)
        if m:
            w = re.search(r"wildcards: (.*)", block)
            pairs = tuple(kv.split("=", 1) for kv in w.group(1).split(", ")) if w else ()
            planned[(m.group(1), tuple(map(tuple, pairs)))] += 1
            blocks[m.group(1)] = block
    return planned, blocks


@pytest.mark.workflow
def test_planned_jobs_and_their_resources_are_the_workflows(tmp_path):
    """`snakemake -n` on the tiny config (binder.temperatures: auto) before the scan plans
    exactly the jobs of the layout (rule and wildcards, job for job): every job but the Binder
    grid's shards, whose temperatures the scan has yet to place; the jobs that need them show
    their input as <TBD>, waiting for the scan's JSON. The plan models each of those jobs but
    the target, and the grid's shards too; each modelled job carries the runtime and mem_mb of
    its estimate."""
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(TINY))
    out = snakemake(tmp_path, "-n")
    planned, blocks = planned_jobs(out)
    config = cfg.resolved(TINY)
    laid_out = Counter((j.rule, j.wildcards) for j in Layout(config).jobs())
    assert planned == laid_out, (planned - laid_out, laid_out - planned)
    assert ("binder_grid", ()) in planned
    assert not [job for job in planned if dict(job[1]).get("grid") == "critical" and job[0] ==
                "simulate"]  # fmt: skip
    for rule in ("binder", "features", "pca"):  # their shards to be decided by the scan
        assert re.search(r"input: .*<TBD>", blocks[rule]), blocks[rule]
        assert re.search(r"reason: .*updated by another job: .*results/binder/grid\.json",
                         blocks[rule]), blocks[rule]  # fmt: skip
    modelled = Counter(e.rule for e in planning.jobs(config))
    to_come = Counter(j.rule for j in Layout(config).grid_to_come())
    assert to_come["simulate"] == len(TINY["binder"]["lattice_sizes"]) * TINY["binder"]["scan"][
        "points"]  # fmt: skip
    assert modelled == Counter(rule for rule, _ in laid_out.elements() if rule != "all") + to_come
    block = re.search(r"rule simulate:\n(?:.*\n)*?.*wildcards: grid=(\w+), L=(\d+), T=([\d.]+)\n"
                      r".*resources: (.*)", out)  # fmt: skip
    grid, L, T, resources = block.groups()
    est = planning.estimate("simulate", {"grid": grid, "L": L, "T": T}, config)
    assert f"runtime={est.runtime_min}" in resources and f"mem_mb={est.request_mb}" in resources


def test_the_layout_lists_each_job_once_and_follows_the_switches():
    config = cfg.resolved(TINY)
    jobs = Layout(config).jobs()
    assert len(jobs) == len(set(jobs))
    off = cfg.resolved({**TINY, "studies": {**TINY["studies"], "rg": False, "pca": False},
                        "confusion": {**TINY["confusion"], "enabled": False}})  # fmt: skip
    rules = {j.rule for j in Layout(off).jobs()}
    assert not rules & {"pca", "confusion", "confusion_peaks"}
    ensembles = {dict(j.wildcards)["method"] for j in Layout(off).jobs() if j.rule == "ensemble"}
    assert ensembles == {"cnn_binder"}
    figures = {dict(j.wildcards)["figure"] for j in Layout(off).jobs() if j.rule == "figure"}
    assert not figures & {"rg", "pca", "confusion"} and "cnn_binder" in figures


def test_example_temperatures_are_below_near_and_above_tc():
    """The figures' example configurations: the last temperature more than 0.3 below T_c, the
    nearest to it, the first more than 0.4 above it (the grid's ends where there is none)."""
    layout = Layout(cfg.resolved(TINY))
    assert layout.example_temperatures() == [1.8, 2.3, 3.0]
    assert layout.example_shards()[1] == "data/lattices/L12/T2.3000.h5"
    narrow = Layout(cfg.resolved({**TINY, "temperatures": [2.0, 2.2, 2.4]}))
    assert narrow.example_temperatures() == [2.0, 2.2, 2.4]


def test_the_model_uses_the_samplers_pilot_floor():
    """The one constant the model cannot import from the planner without building its settings:
    the pilot's floor, the same number as SamplerSettings'."""
    from isingml.sampling.sampler import SamplerSettings

    assert cost.PILOT_MIN_SWEEPS == SamplerSettings(n_thermalize=0).pilot_min_sweeps


@pytest.mark.workflow
def test_after_the_scan_the_planned_jobs_are_the_layouts_and_no_restart_rescans(tmp_path):
    """Once the checkpoint has run, `snakemake -n` plans every job of the layout built with the
    scan's placement (the Binder grid's shards at its temperatures), but the two that ran;
    the scan is not planned again, its JSON is untouched, and the layout's simulate jobs of
    the grid are those the plan modelled before, now at their temperatures."""
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(TINY))
    snakemake(tmp_path, GRID_JSON)
    grid = tmp_path / GRID_JSON
    placed, stamp = results.read_json(grid), grid.stat().st_mtime_ns
    planned, _ = planned_jobs(snakemake(tmp_path, "-n"))
    config = cfg.resolved(TINY)
    layout = Layout(config, binder_grid=placed)
    laid_out = Counter((j.rule, j.wildcards) for j in layout.jobs()
                       if j.rule not in ("compile_kernels", "binder_grid"))  # fmt: skip
    assert planned == laid_out, (planned - laid_out, laid_out - planned)
    shards = {dict(w)["T"] for rule, w in planned if rule == "simulate" and ("grid", "critical")
              in w}  # fmt: skip
    assert shards == {f"{t:.4f}" for t in placed["temperatures"]}
    before = Counter(j.rule for j in Layout(config).grid_to_come())["simulate"]
    assert len(layout.binder_shards()) >= before  # the scan may add temperatures, never drop
    # a run that resumes after the checkpoint samples the grid it placed and never rescans
    out = snakemake(tmp_path, "results/observables/critical/L8.csv")
    assert "binder_grid" not in out and grid.stat().st_mtime_ns == stamp
    table = results.read_csv(tmp_path / "results/observables/critical/L8.csv")
    assert [f"{t:.4f}" for t in table["T"]] == [f"{t:.4f}" for t in placed["temperatures"]]


def test_plan_says_the_binder_grid_is_placed_by_the_scan(capsys, tmp_path, monkeypatch):
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(TINY))
    monkeypatch.chdir(tmp_path)
    main(["plan", "--configfile", "config.yaml", "--cores", "2"])
    text = capsys.readouterr().out
    assert "binder.temperatures: auto" in text and "`snakemake -n` lists them only" in text
    assert f"Their {2 * TINY['binder']['scan']['points']} sampling jobs are modelled" in text
    listed = {**TINY, "binder": {**TINY["binder"], "temperatures": [2.2, 2.25, 2.3]}}
    assert planning.grid_note(cfg.resolved(listed)) == []
    scan_cost = planning.estimate("binder_grid", {}, cfg.resolved(TINY))
    assert scan_cost.algorithm == "multispin" and scan_cost.seconds > cost.PROCESS_S
    # the default scan (3 sizes x 20 temperatures, 64,000 samples) took 12.3 s on one core
    default = planning.estimate("binder_grid", {}, cfg.resolved(cfg.defaults()))
    assert 12.3 / 1.5 < default.seconds < 12.3 * 1.5


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("latice_sizes: [8]\n", "config key 'latice_sizes' is not a key of the configuration; did "
         "you mean 'lattice_sizes'?"),
        ("lattice_sizes: [8, 16, 15]\n", "config key 'lattice_sizes': [8, 16, 15] is not"),
    ],
)  # fmt: skip
def test_plan_refuses_what_the_workflow_refuses(tmp_path, capsys, text, says):
    """The plan checks a configuration as the workflow does (the schema included), in one line
    that says to fix it in the file."""
    config = yaml.safe_load((REPO / "config.yaml").read_text())
    if text.startswith("latice"):
        del config["lattice_sizes"]
    path = tmp_path / "mine.yaml"
    path.write_text(yaml.safe_dump(config) + text)
    with pytest.raises(SystemExit) as exit_:
        main(["plan", "--configfile", str(path)])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and len(err.strip().splitlines()) == 1, err
    assert says in err and err.strip().endswith(f"Fix it in {path}.")


@pytest.mark.parametrize("cores", ["0", "-2", "many"])
def test_plan_refuses_a_core_count_below_one_in_one_line(capsys, cores):
    with pytest.raises(SystemExit) as exit_:
        main(["plan", "--configfile", str(REPO / "config.yaml"), "--cores", cores])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "Traceback" not in err
    assert err.strip() == (f"isingml plan: error: --cores must be a positive integer or 'all', "
                           f"got {cores}")  # fmt: skip


def test_plan_takes_all_cores_and_counts_what_snakemake_lists(capsys):
    """--cores all, as Snakemake takes it; "1 GPU"; and the difference between the plan's job
    count and `snakemake -n`'s said in numbers (test_planned_jobs_... checks snakemake's count
    is the layout's)."""
    main(["plan", "--configfile", str(REPO / "config.yaml"), "--cores", "all", "--gpus", "1"])
    text = capsys.readouterr().out
    assert f"on {os.cpu_count()} core" in text and " and 1 GPU (" in text
    config = cfg.resolved(yaml.safe_load((REPO / "config.yaml").read_text()))
    layout = Layout(config)
    total = int(re.search(r"^total\s+(\d+)", text, re.M).group(1))
    assert total == len(layout.jobs()) - 1 + len(layout.grid_to_come())
    assert (
        f"`snakemake -n` on an empty folder lists {len(layout.jobs())} jobs: these {total} "
        f"less the {len(layout.grid_to_come())} sampling jobs"
    ) in " ".join(text.split())


def test_the_cubic_configuration_fits_its_budget_with_3d_networks_costed():
    """workflow/configs/cubic.yaml plans within 25 minutes on 2 cores; its networks count L^3
    sites and 3 x 3 x 3 filters (CNN_DIM_FACTOR x a 3 x 3 one under XLA, measured), evaluated
    by the cube's own CPU kernel (its measured speed-up, not the square's);
    its sampling far from the transition is modelled off the reference T_c, not as critical."""
    from isingml import lattices

    config = cfg.load(yaml.safe_load((REPO / "workflow/configs/cubic.yaml").read_text()))
    total = planning.stage_rows(planning.jobs(config), cores=2, gpus=0)[-1]
    assert total["wall_s"] <= 25 * 60, total
    cube = lattices.get("cubic")
    flat, deep = cost.features(1e9, 1, dim=2), cost.features(1e9, 1, dim=3)
    ratio = (deep.seconds - cost.JAX_START_S) / (flat.seconds - cost.JAX_START_S)
    speedup = cost.CNN_KERNEL_SPEEDUP
    assert ratio == pytest.approx(cost.CNN_DIM_FACTOR * speedup[2] / speedup[3])
    work = [cost.train("cnn", 8, 1000, 0, 1, 1, lattice=m).seconds - cost.JAX_START_S
            for m in (cube, lattices.SQUARE)]  # fmt: skip
    assert work[0] / work[1] == pytest.approx(8 * cost.CNN_DIM_FACTOR)  # L^3 sites, 3^3 filters
    assert cost.correlation_length(3.0, cube) < 2 < math.inf == cost.correlation_length(None, cube)
