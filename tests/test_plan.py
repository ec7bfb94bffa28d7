"""The cost model and the plan: a configuration's cost printed with nothing run, the jobs it
models the same as the workflow's, and every modelled job's runtime and mem_mb reaching the
scheduler."""

import math
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
from isingml.layout import Layout
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


@pytest.mark.workflow
def test_planned_jobs_and_their_resources_are_the_workflows(tmp_path):
    """`snakemake -n` on the tiny config plans exactly the jobs of the layout (rule and
    wildcards, job for job), the plan models each of them but the target, and each modelled job
    carries the runtime and mem_mb of its estimate."""
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(TINY))
    res = subprocess.run(
        [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"), "--directory",
         str(tmp_path), "-n", "--cores", "2"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    out = res.stdout + res.stderr
    planned = Counter()
    for block in re.split(r"\n(?=(?:local)?rule \w+:)", out):
        m = re.match(r"(?:local)?rule (\w+):", block)
        if m:
            w = re.search(r"wildcards: (.*)", block)
            pairs = tuple(kv.split("=", 1) for kv in w.group(1).split(", ")) if w else ()
            planned[(m.group(1), tuple(map(tuple, pairs)))] += 1
    config = cfg.resolved(TINY)
    laid_out = Counter((j.rule, j.wildcards) for j in Layout(config).jobs())
    assert planned == laid_out, (planned - laid_out, laid_out - planned)
    modelled = Counter(e.rule for e in planning.jobs(config))
    assert modelled == Counter(rule for rule, _ in laid_out.elements() if rule != "all")
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
