"""The Snakemake workflow end to end on a tiny config, its validation, lint and restarts."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import yaml

from isingml.io import results, shards

REPO = Path(__file__).resolve().parents[1]
TINY = yaml.safe_load((REPO / "tests/data/tiny_config.yaml").read_text())
SNAKEMAKE = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]
pytestmark = pytest.mark.workflow


def env():
    e = dict(os.environ)
    e["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{e['PATH']}"  # the `isingml` command
    return e


def workdir(tmp_path, config=TINY):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    return tmp_path


def snakemake(directory, *args, check=True, timeout=600):
    res = subprocess.run([*SNAKEMAKE, "--directory", str(directory), "--cores", "2", *args],
                         capture_output=True, text=True, env=env(), timeout=timeout)  # fmt: skip
    if check and res.returncode != 0:
        raise AssertionError(f"snakemake {' '.join(args)} failed:\n{res.stderr[-4000:]}")
    return res


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    d = workdir(tmp_path_factory.mktemp("tiny"))
    snakemake(d)
    return d


def rule_outputs(directory, folder):
    """Every output file under ``folder`` that the workflow's rules name (``--summary``)."""
    res = snakemake(directory, "--summary")
    lines = (res.stdout + res.stderr).splitlines()
    return {line.split("\t")[0] for line in lines if line.startswith(folder)}


def test_full_dag_produces_well_formed_results(finished_run):
    d = finished_run
    summary = results.read_csv(d / "results/summary.csv")
    methods = summary["method"].tolist()
    assert sorted(methods) == sorted(
        ["binder", "cnn_binder", "confusion", "rg", "pca", "cnn", "fcn", "magnetization"]
    )
    # window-free estimators first, then the window-trained reproductions
    assert methods.index("cnn") > max(methods.index(m) for m in ("binder", "cnn_binder", "pca"))
    md = (d / "results/summary.md").read_text()
    assert "Onsager" in md and "not T_c estimates" in md
    for method, tc, err in zip(methods, summary["T_c"], summary["T_c_err"], strict=True):
        fss = results.read_json(d / f"results/fss/{method}.json")
        assert {"T_c", "T_c_err", "nu", "chi2_dof", "L_used", "ok"} <= set(fss)
        if method == "confusion" and not fss["ok"]:
            # two tiny sizes with two seeds may leave a size without a peak: it must say so
            assert fss["note"] and not np.isfinite(tc), fss
            continue
        assert fss["ok"] and np.isfinite(tc) and np.isfinite(err) and err > 0, (method, fss)
    tc = results.read_csv(d / "results/tc/cnn.csv")
    assert {"method", "L", "T_star", "T_star_err"} <= set(tc)
    assert set(tc["L"].astype(int)) == {8, 12}
    obs = results.read_csv(d / "results/observables/lattices/L12.csv")
    assert np.all(np.isfinite(obs["U4"])) and obs["T"].size == len(TINY["temperatures"])
    binder = results.read_json(d / "results/fss/binder.json")
    assert binder["L_used"] == TINY["binder"]["lattice_sizes"] and "model" in binder
    assert binder["T_c_err_parts"] and binder["T_c_err"] >= binder["T_c_err_stat"]
    exps = results.read_json(d / "results/fss/exponents.json")
    assert set(exps) == {"binder", "cnn_binder"}
    assert {"inv_nu", "gamma_over_nu", "beta_over_nu", "nu"} <= set(exps["binder"])
    assert "inv_nu" in exps["cnn_binder"] and exps["cnn_binder"]["estimates"]["dU_phi"]
    for obj in exps.values():
        for key in ("inv_nu", "gamma_over_nu", "beta_over_nu"):
            if key in obj:
                assert np.isfinite(obj[key]["value"]) and obj[key]["err"] > 0, (key, obj[key])
    row = {m: i for i, m in enumerate(methods)}["binder"]
    assert summary["nu"][row] == pytest.approx(exps["binder"]["nu"]["value"])
    assert "Critical exponents" in md and "1/ν" in md and "Studies" in md
    check_figures(d)
    placed = results.read_json(d / "results/binder/grid.json")  # where the scan put the grid
    assert len(placed["temperatures"]) >= TINY["binder"]["scan"]["points"]
    assert placed["temperatures"][0] <= placed["crossings"][-1]["T"] <= placed["temperatures"][-1]
    shard = shards.read_shard(d / f"data/critical/L16/T{placed['temperatures'][1]:.4f}.h5")
    b = TINY["binder"]
    assert shard.energy.shape == (b["samples"],) and shard.spins.shape == (b["spins"], 16, 16)
    assert shards.read_shard(d / "data/lattices/L8/T1.4000.h5").spins.shape == (100, 8, 8)
    check_logs(d)


def check_figures(d):
    """Every figure of the layout, PNG and PDF, is a declared output; redrawn from the run's
    files, each shows what its data holds: the sizes trained, the temperatures, the methods."""
    from isingml import config as cfg
    from isingml import plots
    from isingml.io import figures as figure_io
    from isingml.layout import Layout
    from isingml.plots.style import method_title, window_words

    layout = Layout(cfg.resolved(TINY))
    drawn = {**layout.figures(), **layout.figures(studies=True)}
    declared = rule_outputs(d, "results/figures/")
    assert declared == {f"results/figures/{s}.{e}" for s in drawn for e in ("png", "pdf")}
    for stem in drawn:
        assert (d / f"results/figures/{stem}.png").read_bytes()[:4] == b"\x89PNG", stem
        assert (d / f"results/figures/{stem}.pdf").read_bytes()[:5] == b"%PDF-", stem

    def redraw(stem):
        job = drawn[stem]
        given = {k: [d / f for f in v] for k, v in job.inputs.items()}
        return getattr(plots, job.figure.plot)(*figure_io.read_inputs(job.figure, given))

    sizes = [f"$L = {L}$" for L in layout.sizes]
    fig = redraw("p_ordered_cnn")
    titles = [window_words(w) for w in sorted(layout.windows)]
    assert [ax.get_title().split("\n")[-1] for ax in fig.axes] == titles
    labels = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert [t for t in labels if t.startswith("$L")] == sizes
    for ax in fig.axes:
        lo, hi = ax.get_xlim()
        assert lo <= min(TINY["temperatures"]) and hi >= max(TINY["temperatures"])
    fig = redraw("magnetization")
    labels = [t.get_text() for leg in fig.legends for t in leg.get_texts()]
    assert [t for t in labels if t.startswith("$L = ") and "infty" not in t] == sizes
    fig = redraw("tc_extrapolation")
    panels = [ax for ax in fig.axes if ax.get_visible() and ax.axison]
    assert [ax.get_title().split("\n")[0] for ax in panels] == [
        method_title(m).split("\n")[0] for m in layout.methods
    ]


def check_logs(d):
    """The lines that say a job did its work: each shard's log names its (L, T), algorithm and
    file; each training log a line per seed with its accuracies and model folder; no figure's
    log a warning."""
    for log in (d / "results/logs/simulate").rglob("*.log"):
        grid, L, T = log.parent.parent.name, log.parent.name[1:], log.stem[1:]
        text = log.read_text()
        assert re.search(rf"L={L} T={T} algorithm=\w+ .* -> data/{grid}/L{L}/T{T}\.h5", text), log
    train = sorted((d / "results/logs/train").rglob("*.log"))
    assert len(train) == len(TINY["models"]) * len(TINY["training"]["windows"]) * 2
    for log in train:
        model, window, L = log.parent.parent.name, log.parent.name, log.stem
        for seed in TINY["training"]["seeds"]:
            line = rf"{model} {L[:1]}={L[1:]} {window} seed={seed}: .*accuracy train [\d.]+"
            target = rf"-> results/models/{model}/{window}/{L}/seed{seed}"
            assert re.search(line + ".*" + target, log.read_text()), (log, seed)
    for log in (d / "results/logs/figures").glob("*.log"):
        assert not re.search(r"WARNING|ERROR|Traceback", log.read_text()), log


def planned_jobs(output):
    """(rule, wildcards dict) of each job in a dry run's output."""
    jobs = []
    for block in re.split(r"\n(?=(?:local)?(?:rule|checkpoint) \w+:)", output):
        m = re.match(r"(?:local)?(?:rule|checkpoint) (\w+):", block)
        if not m:
            continue
        w = re.search(r"wildcards: (.*)", block)
        wild = dict(kv.split("=", 1) for kv in w.group(1).split(", ")) if w else {}
        jobs.append((m.group(1), wild))
    return jobs


def readme_paths(run):
    """The default run's files that the README's Python example names, and their twins in the
    tiny run: a Binder-grid shard (the placed grid's second temperature at the largest size),
    a network."""
    placed = results.read_json(run / "results/binder/grid.json")["temperatures"]
    return {
        "data/critical/L32/T2.2713.h5": f"data/critical/L16/T{placed[1]:.4f}.h5",
        "results/models/cnn/w1.8-2.6/L24/seed0": "results/models/cnn/w1.8-2.6/L12/seed0",
    }


def test_readme_python_example_runs(finished_run):
    """The README's "From Python" block, run as written (but for the paths above) in the
    finished tiny run: each call works and prints what it says it does."""
    text = (REPO / "README.md").read_text()
    block = text.split("## From Python", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    for default, tiny in readme_paths(finished_run).items():
        assert default in block, f"the README example no longer names {default}"
        block = block.replace(default, tiny)
    res = subprocess.run([sys.executable, "-c", block], cwd=finished_run, capture_output=True,
                         text=True, env=env(), timeout=300)  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    lines = res.stdout.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("(400, 16, 16) ")
    p_mean = float(lines[1].split()[0])
    assert 0.0 < p_mean < 1.0
    binder = results.read_json(finished_run / "results/fss/binder.json")
    assert float(lines[2].split()[0]) == pytest.approx(binder["T_c"], rel=1e-12)


def test_readme_h5py_example_reads_a_shard(finished_run):
    """The README's plain-h5py block, on the tiny run's twin of the shard it names."""
    text = (REPO / "README.md").read_text()
    block = text.split("## What the files are", 1)[1].split("```python\n", 1)[1].split("```")[0]
    default, tiny = "data/lattices/L24/T2.2500.h5", "data/lattices/L12/T2.2000.h5"
    assert default in block, f"the README's h5py example no longer names {default}"
    res = subprocess.run([sys.executable, "-c", block.replace(default, tiny)], cwd=finished_run,
                         capture_output=True, text=True, env=env(), timeout=120)  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    assert "'L': 12" in res.stdout or "'L': np.int64(12)" in res.stdout, res.stdout[:500]


def test_every_run_file_the_docs_may_name_is_made(finished_run):
    """tests/docs_text.py lists the run files the README and docs/ may name (tests/test_docs.py
    holds them to it); the tiny run makes each."""
    from docs_text import RUN_FILES

    missing = [g for g in RUN_FILES if not list(finished_run.glob(g))]
    assert not missing, missing


def test_adding_a_size_reruns_only_that_size(finished_run):
    res = snakemake(finished_run, "-n", "--config", "lattice_sizes=[8,12,16]")
    jobs = planned_jobs(res.stdout + res.stderr)
    assert jobs, res.stdout[-2000:]
    per_size = [(rule, w) for rule, w in jobs if "L" in w]
    assert per_size and all(w["L"] == "16" for _, w in per_size), per_size
    rules = {rule for rule, _ in jobs}
    per_size_rules = {"simulate", "train", "baseline", "confusion", "observables"}
    assert per_size_rules <= rules
    assert {rule for rule, _ in per_size} == per_size_rules
    # the Binder grid and the networks evaluated on it (cnn_binder, rg) do not depend on the
    # networks' sizes: nothing of theirs reruns; the aggregates over sizes do
    aggregates = {"crossing", "fss", "compare", "confusion_peaks", "shortcut", "pca", "all"}
    assert rules - per_size_rules <= aggregates | {"figure"}
    assert not {"binder", "features", "ensemble", "binder_grid"} & rules  # nor the scan
    # an unchanged config plans nothing
    assert (
        "Nothing to be done"
        in snakemake(finished_run, "-n").stdout + snakemake(finished_run, "-n").stderr
    )


def test_lint_is_clean(tmp_path):
    res = snakemake(workdir(tmp_path), "--lint", check=False)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "Congratulations" in res.stdout + res.stderr


def broken(change):
    config = yaml.safe_load(yaml.safe_dump(TINY))
    change(config)
    return config


@pytest.mark.parametrize(
    ("name", "change", "message"),
    [
        ("wrong type", lambda c: c.update(samples="many"), "samples"),
        ("missing key", lambda c: c.pop("lattice_sizes"), "lattice_sizes"),
        ("odd L", lambda c: c.update(lattice_sizes=[8, 13]), "lattice_sizes"),
        ("empty temperatures", lambda c: c.update(temperatures=[]), "temperatures"),
        ("more confusion scans than seeds", lambda c: c["confusion"].update(seeds=3),
         "confusion.seeds"),
        ("overlapping window", lambda c: c["training"].update(windows=[[2.6, 2.0]]),
         "training.windows"),
        ("binder grid neither a list nor auto", lambda c: c["binder"].update(temperatures="T_c"),
         "config key 'binder.temperatures': 'T_c' is neither the string \"auto\" nor a list"),
    ],
)  # fmt: skip
def test_config_errors_stop_before_any_job(tmp_path, name, change, message):
    d = workdir(tmp_path, broken(change))
    res = snakemake(d, "-n", check=False)
    assert res.returncode != 0, name
    assert message in res.stdout + res.stderr, (name, res.stderr[-1500:])
    assert not (d / "data").exists() and not (d / "results").exists()


def sampling_and_training_only(config):
    """The tiny config without the estimators and studies that the finished run covers: what
    an interruption and a resumption need, at a third of the cost."""
    config = yaml.safe_load(yaml.safe_dump(config))
    config["training"]["windows"] = config["training"]["windows"][:1]
    config["confusion"]["enabled"] = False
    config["cnn_binder"]["enabled"] = False
    config["studies"].update(rg=False, pca=False)
    return config


def test_interrupted_run_resumes_without_corrupt_files(tmp_path):
    d = workdir(tmp_path, sampling_and_training_only(TINY))
    cmd = [*SNAKEMAKE, "--directory", str(d), "--cores", "2", "--rerun-incomplete"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env=env(), start_new_session=True)  # fmt: skip
    deadline = time.time() + 120
    while time.time() < deadline and len(list(d.glob("data/lattices/L*/T*.h5"))) < 4:
        time.sleep(0.1)
    os.killpg(proc.pid, signal.SIGKILL)  # no clean-up at all: the harshest interruption
    proc.wait()
    assert (d / "data").exists()
    shutil.rmtree(d / ".snakemake" / "locks", ignore_errors=True)
    snakemake(d, "--rerun-incomplete")
    assert (d / "results/summary.csv").exists()
    for shard in d.glob("data/lattices/L*/T*.h5"):
        shards.read_shard(shard)  # every shard under its final name is complete and valid


def test_report_embeds_every_figure(finished_run):
    res = snakemake(finished_run, "--report", "results/report.html")
    assert "ERROR" not in res.stderr, res.stderr[-2000:]  # e.g. RST markup errors in a caption
    html = (finished_run / "results/report.html").read_text()
    for figure in (finished_run / "results/figures").glob("*.png"):
        assert figure.name in html, figure.name
    assert "summary.csv" in html and "Onsager" in html


@pytest.mark.parametrize(
    ("key", "value", "model"),
    [("models.cnn.head", 8, "cnn"), ("models.fcn.hidden", 16, "fcn"),
     ("training.test_fraction", 0.15, None)],
)  # fmt: skip
def test_changing_a_training_key_plans_exactly_the_jobs_it_affects(finished_run, key, value, model):
    """Every training setting reaches the jobs as a rule parameter, so Snakemake's rerun
    triggers see a change: a network's key reruns that network's training (and what depends on
    it), a training key every network's; never the sampling."""
    config = yaml.safe_load((finished_run / "config.yaml").read_text())
    node = config
    *parents, last = key.split(".")
    for k in parents:
        node = node[k]
    node[last] = value
    changed = finished_run / "changed.yaml"
    changed.write_text(yaml.safe_dump(config))
    res = snakemake(finished_run, "-n", "--configfile", str(changed))
    jobs = planned_jobs(res.stdout + res.stderr)
    trained = {w["model"] for rule, w in jobs if rule == "train"}
    assert trained == ({model} if model else {"cnn", "fcn"}), (key, trained)
    assert not {rule for rule, _ in jobs} & {"simulate", "observables", "binder"}
