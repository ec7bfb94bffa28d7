"""The model as configuration: the schema's ``lattice`` key and its refusals, the shards' model
attributes (old shards read as the square lattice), the jobs' refusal of shards of another or
of two models, the paths that name the model, and ``isingml simulate --lattice``."""

import subprocess
import sys
from pathlib import Path

import h5py
import pytest
import yaml

from isingml import config, lattices
from isingml.analysis import jobs
from isingml.analysis.scan_job import ScanJob
from isingml.cli import main
from isingml.errors import UserError
from isingml.io import datasets, shards
from isingml.layout import Layout

REPO = Path(__file__).resolve().parents[1]
SHIPPED = yaml.safe_load((REPO / "config.yaml").read_text())


def checked(**changes):
    user = {**SHIPPED, **changes}
    config.validate(user)
    full = config.resolved(user)
    config.check_config(full)
    return full


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"lattice": {"name": "kagome"}}, "config key 'lattice.name': 'kagome' is not one of"),
        ({"lattice": {"couplings": [1.0, 0.0]}},
         "config key 'lattice.couplings': [1.0, 0.0] is not a list of 2 entries, each a number "
         "> 0"),
        ({"lattice": {"couplings": [-1.0, 1.0]}},
         "config key 'lattice.couplings': [-1.0, 1.0] is not a list of 2 entries, each a number "
         "> 0"),
        ({"lattice": {"couplings": [1.0]}}, "config key 'lattice.couplings'"),
        ({"lattice": {"name": "honeycomb", "couplings": [1.0, 0.5]}},
         "config key 'lattice.couplings': [1.0, 0.5]: the honeycomb lattice takes unit"),
        ({"lattice": {"name": "honeycomb"}, "lattice_sizes": [8, 13]},
         "config key 'lattice_sizes': [8, 13] is not a non-empty list of distinct entries, each an "
         "even integer >= 4 (13 is not a multiple of 2)"),
    ],
)  # fmt: skip
def test_bad_models_are_one_line_naming_the_key(changes, message):
    with pytest.raises(UserError) as err:
        checked(**changes)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_the_default_model_keeps_every_path_and_command():
    square = Layout(checked())
    assert square.lattice == lattices.SQUARE
    assert square.shard_pattern == "data/{grid}/L{L}/T{T}.h5"
    assert square.training_shards(8)[0] == "data/lattices/L8/T1.0000.h5"
    assert square.example_temperatures() == [1.9, 2.25, 2.8]
    assert "lattice" not in ScanJob.from_config(checked()).to_json()


@pytest.mark.parametrize(
    ("model", "root", "flags"),
    [
        ({"name": "triangular"}, "data/triangular", "--lattice triangular --couplings 1.0 1.0"),
        (
            {"couplings": [1.0, 0.5]},
            "data/square_Jx1_Jy0.5",
            "--lattice square --couplings 1.0 0.5",
        ),
    ],
)
def test_other_models_name_their_shards_folder(model, root, flags):
    layout = Layout(checked(lattice=model))
    assert layout.shard_pattern == f"{root}/{{grid}}/L{{L}}/T{{T}}.h5"
    assert layout.training_shards(8)[0] == f"{root}/lattices/L8/T1.0000.h5"
    job = ScanJob.from_config(checked(lattice=model))
    assert ScanJob.from_json(job.to_json()) == job and job.lattice == layout.lattice.name


def simulate(path, *flags, L=8, T=3.0, n=60):
    main(["simulate", "--L", str(L), "--T", str(T), "--samples", str(n), "--seed", "3",
          "--out", str(path), *flags])  # fmt: skip
    return path


@pytest.fixture(scope="module")
def two_models(tmp_path_factory):
    d = tmp_path_factory.mktemp("models")
    return simulate(d / "square.h5"), simulate(d / "tri.h5", "--lattice", "triangular")


def test_shards_record_their_model(two_models):
    square, tri = (shards.read_shard(p) for p in two_models)
    assert tri.attrs["lattice"] == "triangular" and list(tri.attrs["couplings"]) == [1.0, 1.0]
    assert tri.lattice == lattices.get("triangular") and square.lattice == lattices.SQUARE
    assert tri.attrs["schema_version"] == shards.SCHEMA_VERSION == 3


def edited(src, tmp_path, edit):
    path = tmp_path / "edited.h5"
    path.write_bytes(Path(src).read_bytes())
    with h5py.File(path, "a") as f:
        edit(f.attrs)
    return path


def test_old_shards_read_as_the_square_lattice(two_models, tmp_path):
    def to_version_2(attrs):
        del attrs["lattice"], attrs["couplings"]
        attrs["schema_version"] = 2

    s = shards.read_shard(edited(two_models[0], tmp_path, to_version_2))
    assert s.lattice == lattices.SQUARE and s.attrs["lattice"] == "square"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda a: a.__delitem__("lattice"), "missing attributes ['lattice']"),
        (lambda a: a.__setitem__("lattice", "kagome"), "no model this isingml knows"),
    ],
)
def test_shards_without_a_known_model_are_refused(two_models, tmp_path, edit, message):
    with pytest.raises(shards.ShardError, match="edited.h5") as err:
        shards.read_shard(edited(two_models[1], tmp_path, edit))
    assert message in str(err.value)


def test_jobs_refuse_shards_of_another_or_of_two_models(two_models):
    square, tri = two_models
    with pytest.raises(shards.ShardError, match="tri.h5: holds the triangular lattice, but"):
        jobs.observables_job([square, tri])
    with pytest.raises(shards.ShardError, match="square.h5: holds the square lattice"):
        datasets.load_lattices([tri, square])
    with pytest.raises(shards.ShardError, match="tri.h5"):
        shards.read_shard(tri, lattice=lattices.get("square", (1.0, 0.5)))
    assert datasets.load_lattices([tri]).lattice == lattices.get("triangular")


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--lattice", "kagome"], "invalid choice: 'kagome'"),
        (["--couplings", "1", "0"], "--couplings: [1.0, 0.0] must be two positive couplings"),
        (["--lattice", "honeycomb", "--L", "6", "--couplings", "1", "2"], "--couplings: [1.0"),
        (["--lattice", "triangular", "--L", "10"], None),
    ],
)
def test_simulate_refuses_bad_models_and_writes_nothing(tmp_path, flags, message):
    args = {
        "--L": "8",
        "--T": "2.0",
        "--samples": "10",
        "--seed": "1",
        "--out": str(tmp_path / "x.h5"),
    }
    argv = [sys.executable, "-m", "isingml", "simulate", *sum(args.items(), ())]
    res = subprocess.run([*argv, *flags], capture_output=True, text=True)
    if message is None:  # L = 10 is even: the four-colour triangular lattice takes it
        assert res.returncode == 0, res.stderr
        return
    assert res.returncode == 2 and message in res.stderr and "Traceback" not in res.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.workflow
def test_workflow_plans_a_triangular_run_under_its_own_folder(tmp_path):
    cfg = yaml.safe_load((REPO / "tests/data/tiny_config.yaml").read_text())
    cfg["lattice"] = {"name": "triangular"}
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(cfg))
    res = subprocess.run([sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
                          "--directory", str(tmp_path), "-n",
                          "data/triangular/lattices/L8/T2.0000.h5"],
                         capture_output=True, text=True)  # fmt: skip
    assert res.returncode == 0, res.stderr[-3000:]
    out = res.stdout + res.stderr
    assert "rule simulate" in out and "--lattice triangular --couplings 1.0 1.0" in out
