"""The config schema is the one home of every default: it agrees with the shipped config.yaml,
and the library and the command line take their defaults from it."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from isingml import config, windows
from isingml.errors import UserError
from isingml.learning import models, settings

REPO = Path(__file__).resolve().parents[1]
# Keys whose shipped value differs from the schema's default on purpose (none today).
DIFFERS_ON_PURPOSE: dict[str, str] = {}


def flatten(d, prefix=""):
    out = {}
    for key, value in d.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, name + "."))
        else:
            out[name] = value
    return out


def test_schema_defaults_equal_the_shipped_config():
    shipped = flatten(yaml.safe_load((REPO / "config.yaml").read_text()))
    defaults = flatten(config.defaults())
    assert set(shipped) <= set(defaults), set(shipped) - set(defaults)
    for key, value in shipped.items():
        if key in DIFFERS_ON_PURPOSE:
            continue
        assert defaults[key] == value, f"{key}: schema default {defaults[key]!r}, config {value!r}"


def test_every_schema_key_has_a_description_and_a_default():
    def walk(node, path):
        node = config._resolve(node, config.schema())
        for key, sub in node.get("properties", {}).items():
            sub_r = config._resolve(sub, config.schema())
            assert "description" in sub_r, f"{path}{key} has no description"
            if sub_r.get("type") != "object" or "properties" not in sub_r:
                assert "default" in sub_r, f"{path}{key} has no default"
            walk(sub_r, f"{path}{key}.")

    walk(config.schema(), "")


@pytest.mark.parametrize("model", settings.MODELS)
def test_library_defaults_come_from_the_schema(model):
    cfg = settings.TrainConfig(model=model, L=8, window=(2.0, 2.6))
    expected = config.model_defaults(model)
    for key in ("epochs", "batch_size", "learning_rate", "weight_decay", "patience"):
        assert getattr(cfg, key) == expected[key], key
    assert cfg.val_fraction == config.defaults()["training"]["val_fraction"]
    spec = models.ModelSpec(model, 8)
    assert spec == cfg.spec


def test_window_names_round_trip():
    for window in [(2.0, 2.6), (1.85, 2.725), None]:
        assert windows.parse_window_name(windows.window_name(window)) == window
    assert windows.window_name((2.0, 2.6)) == "w2-2.6"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        (lambda c: c.update(temperatures=[2.0, 2.00001, 3.0]), "temperatures"),
        (lambda c: c["training"].update(windows=[[2.6, 2.0]]), "training.windows"),
        (lambda c: c["training"].update(windows=[[1.8, 2.6], [1.8, 2.6]]), "training.windows"),
        (lambda c: c["training"].update(windows=[[0.5, 2.6]]), "training.windows"),
        (lambda c: c.update(models={"fcn": {}}), "cnn_binder"),
        (lambda c: c["training"].update(label="exact"), "training.label"),
        (lambda c: c["cnn_binder"].update(train_L=12), "cnn_binder.train_L"),
        (lambda c: c["binder"].update(spins=10), "binder.spins"),
        (lambda c: c["studies"]["data_efficiency"].update(L=12), "studies.data_efficiency.L"),
        (lambda c: c["studies"]["data_efficiency"].update(per_temperature=[230]),
         "studies.data_efficiency.per_temperature"),
        (lambda c: c["confusion"].update(seeds=6), "confusion.seeds"),
        (lambda c: c["confusion"].update(range=[2.6, 2.7]), "confusion.range"),
    ],
)  # fmt: skip
def test_config_checks_name_the_key(change, key):
    """The checks JSON Schema cannot express (config.check_config, run by the workflow before
    any job): the default config passes, and each fault is refused naming its key."""
    cfg = yaml.safe_load((REPO / "config.yaml").read_text())
    full = config.resolved(cfg)
    config.check_config(full)
    change(full)
    with pytest.raises(UserError, match=f"config key '{key}'"):
        config.check_config(full)


def test_the_one_list_of_settings_is_the_schemas():
    """The training settings (settings.SETTINGS, TrainConfig's fields, from which the CLI's
    flags are made) are exactly the schema's keys of models.<model> and of training that a run
    uses: there is no second list to keep in step."""
    run_keys = {"seeds", "label", "windows", "quality"}  # the workflow's, not a run's
    schema_keys = set(config.defaults()["training"]) - run_keys
    for model in settings.MODELS:
        schema_keys |= set(config.model_defaults(model))
    assert schema_keys == set(settings.SETTINGS)


def test_every_training_setting_reaches_the_train_config():
    """The one route from config.yaml to a training job (settings.job_json, the JSON the
    workflow passes as --job): changing any models.<model> or training key that a
    TrainConfig has changes the TrainConfig a job trains with."""
    from isingml.learning.settings import SETTINGS, JobSpec, job_json

    base = config.resolved(yaml.safe_load((REPO / "config.yaml").read_text()))
    changes = dict(epochs=3, batch_size=16, learning_rate=0.02, weight_decay=0.01, patience=9,
                   channels=[2, 3], kernel_size=5, head=4, hidden=7, val_fraction=0.2,
                   test_fraction=0.2, augment_d4=True, resample=False)  # fmt: skip
    assert set(changes) == set(SETTINGS)
    for model in ("cnn", "fcn"):

        def trained(cfg, model=model):
            job = job_json(cfg, "train", L=8, model=model, window=(2.0, 2.6))
            return JobSpec.from_json(job).configs()[0]

        before = trained(base)
        for key, value in changes.items():
            cfg = yaml.safe_load(yaml.safe_dump(base))
            section = cfg["training"] if key in cfg["training"] else cfg["models"][model]
            if key not in section and key not in config.model_defaults(model):
                continue  # a setting this model has not (the FCN has no kernel)
            section[key] = value
            after = trained(cfg)
            assert getattr(after, key) != getattr(before, key), (model, key)


@pytest.mark.parametrize("value", ["auto", [2.26, 2.27], [2.2, 2.25, 2.3, 2.35]])
def test_binder_temperatures_take_auto_or_a_list(value):
    cfg = yaml.safe_load((REPO / "config.yaml").read_text())
    cfg["binder"]["temperatures"] = value
    config.validate(cfg)
    config.check_config(config.resolved(cfg))


@pytest.mark.parametrize("value", ["sometimes", [2.27], 2.27, [2.26, -1.0], None])
def test_binder_temperatures_refuse_anything_else_in_one_line(value):
    cfg = yaml.safe_load((REPO / "config.yaml").read_text())
    cfg["binder"]["temperatures"] = value
    with pytest.raises(UserError) as err:
        config.validate(cfg)
    text = str(err.value)
    assert "\n" not in text
    assert text == (
        f"config key 'binder.temperatures': {value!r} is neither the string \"auto\" nor a "
        "list of at least 2 distinct positive temperatures"
    )


def test_the_default_config_places_its_binder_grid_by_a_scan():
    """No T_c typed in: the shipped config and the paper's leave the Binder grid to the scan,
    which must measure every Binder size below its largest pair (else that Binder pair could
    cross outside the region placed around the scan's crossings)."""
    for path in ("config.yaml", "workflow/configs/paper.yaml"):
        assert yaml.safe_load((REPO / path).read_text())["binder"]["temperatures"] == "auto"
    full = config.resolved(yaml.safe_load((REPO / "config.yaml").read_text()))
    config.check_config(full)  # the Binder grid's 8 and 16 are scanned
    full["binder"]["scan"]["lattice_sizes"] = [16, 32, 64]
    with pytest.raises(UserError, match=r"the Binder sizes \[8\] lie below that pair"):
        config.check_config(full)
    full["binder"]["scan"]["lattice_sizes"] = [8, 32, 64]
    with pytest.raises(UserError, match="config key 'binder.scan.lattice_sizes'"):
        config.check_config(full)
    full["binder"]["temperatures"] = [2.26, 2.26001]
    with pytest.raises(UserError, match="config key 'binder.temperatures'"):
        config.check_config(full)


def schema_fault(change):
    cfg = yaml.safe_load((REPO / "config.yaml").read_text())
    change(cfg)
    with pytest.raises(config.ConfigError) as err:
        config.validate(cfg)
    assert "\n" not in str(err.value)
    return err.value


@pytest.mark.parametrize(
    ("change", "key", "says"),
    [
        (lambda c: c.update(latice_sizes=c.pop("lattice_sizes")), "latice_sizes",
         "is not a key of the configuration; did you mean 'lattice_sizes'?"),
        (lambda c: c["binder"].update(latice_sizes=[8]), "binder.latice_sizes",
         "is not a key of binder; did you mean 'binder.lattice_sizes'?"),
        (lambda c: c.update(train_L=16), "train_L", "did you mean 'cnn_binder.train_L'?"),
        (lambda c: c.update(lattice_sizes=[8, 16, 15]), "lattice_sizes",
         "[8, 16, 15] is not a non-empty list of distinct entries, each an even integer >= 4 "
         "(15 is not a multiple of 2)"),
        (lambda c: c.update(samples="many"), "samples", "'many' is not an integer >= 10"),
        (lambda c: c.update(algorithm="wolf"), "algorithm",
         "'wolf' is not one of metropolis, wolff, multispin, auto"),
        (lambda c: c["binder"]["scan"].update(samples=1000), "binder.scan.samples",
         "1000 is not an integer >= 640 that is a multiple of 64"),
        (lambda c: c.pop("temperatures"), "temperatures", "is missing; give a list of at least 3"),
    ],
)  # fmt: skip
def test_a_schema_fault_names_the_key_the_value_and_what_is_allowed(change, key, says):
    err = schema_fault(change)
    assert err.key == key
    assert str(err).startswith(f"config key '{key}'") and says in str(err), str(err)
    assert "Additional properties" not in str(err) and "is not a multiple" not in str(err)[:40]


def test_the_line_says_where_the_value_came_from():
    """ "Fix it in config.yaml" only for a value from that file: a value given on the command
    line (Snakemake's --config) is named as such, a default as a default; a fault between two
    keys says where each came from."""
    file = yaml.safe_load((REPO / "config.yaml").read_text())
    sources = config.Sources((("config.yaml", file),), "--config")

    def line(change):
        given = yaml.safe_load(yaml.safe_dump(file))
        change(given)
        with pytest.raises(UserError) as err:
            config.load(given, sources)
        return str(err.value)

    text = line(lambda c: c["cnn_binder"].update(train_L=12))
    assert text.startswith("config key 'cnn_binder.train_L': 12 is not one of lattice_sizes")
    assert text.endswith("It was given by --config: fix it there.") and "config.yaml" not in text
    text = line(lambda c: c.update(samples=5))
    assert "--config" in text and "Fix it in config.yaml" not in text
    text = line(lambda c: c.update(lattice_sizes=[8, 24]))
    assert "cnn_binder.train_L in config.yaml, lattice_sizes in --config" in text
    file["binder"]["temperatures"] = "T_c"
    text = line(lambda c: None)
    assert text.endswith("Fix it in config.yaml.")
    file["binder"]["temperatures"] = "auto"
    del file["cnn_binder"]
    text = line(lambda c: c.update(lattice_sizes=[8, 24]))
    assert "cnn_binder.train_L in the schema (its default)" in text
    assert config.load(yaml.safe_load((REPO / "config.yaml").read_text()), sources)["binder"]


SNAKEMAKE = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile")]


def dry_run(tmp_path, *args, config_text=None):
    """`snakemake -n` of the repo's workflow on its config.yaml (or ``config_text``) in a
    fresh folder, as a new user runs it."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "config.yaml").write_text(config_text or (REPO / "config.yaml").read_text())
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run([*SNAKEMAKE, "--directory", str(tmp_path), "-n", "--cores", "1", *args],
                          capture_output=True, text=True, env=env, timeout=120)  # fmt: skip


@pytest.mark.parametrize(
    ("given", "says", "where"),
    [
        (["--config", "latice_sizes=[8]"],
         "config key 'latice_sizes' is not a key of the configuration; did you mean "
         "'lattice_sizes'?", "It was given by --config: fix it there."),
        (["--config", "lattice_sizes=[8,15]"],
         "config key 'lattice_sizes': [8, 15] is not a non-empty list of distinct entries, "
         "each an even integer >= 4 (15 is not a multiple of 2)",
         "It was given by --config: fix it there."),
        (["--config", "cnn_binder={train_L: 12}"],
         "config key 'cnn_binder.train_L': 12 is not one of lattice_sizes [8, 16, 24]",
         "It was given by --config: fix it there."),
        ("latice_sizes: [8]\n", "did you mean 'lattice_sizes'?", "Fix it in config.yaml."),
        ("lattice_sizes: [8, 16, 15]\n", "(15 is not a multiple of 2)", "Fix it in config.yaml."),
    ],
)  # fmt: skip
def test_snakemake_answers_a_config_mistake_in_one_line(tmp_path, given, says, where):
    """The mistakes of issue 26, as `snakemake -n` answers them: at most 8 lines with
    Snakemake's own, no traceback, the one line naming key, value, what is allowed and where
    to fix it; "Fix it in config.yaml" only for a value from that file."""
    if isinstance(given, str):  # a line added to config.yaml
        text = (REPO / "config.yaml").read_text()
        if given.startswith("lattice_sizes"):
            text = text.replace("lattice_sizes: [8, 16, 24]", given.strip())
        res = dry_run(tmp_path, config_text=text + given if given.startswith("latice") else text)
    else:
        res = dry_run(tmp_path, *given)
    out = res.stdout + res.stderr
    lines = [line for line in out.splitlines() if line.strip()]
    assert res.returncode != 0 and len(lines) <= 8, out
    assert "Traceback" not in out and 'File "' not in out, out
    (error,) = [line for line in lines if "config key" in line]
    assert says in error and error.endswith(where), error
    if where.startswith("It was given"):
        assert "config.yaml" not in error
    assert not (tmp_path / "results").exists() and not (tmp_path / "data").exists()


def planned(out):
    """(rule, wildcards) of each job of a dry run's output."""
    jobs = []
    for block in re.split(r"\n(?=(?:local)?(?:rule|checkpoint) \w+:)", out):
        m = re.match(r"(?:local)?(?:rule|checkpoint) (\w+):", block)
        if m:
            w = re.search(r"wildcards: (.*)", block)
            jobs.append((m.group(1), dict(kv.split("=", 1) for kv in w.group(1).split(", "))
                         if w else {}))  # fmt: skip
    return jobs


def test_the_estimators_sizes_change_from_the_command_line(tmp_path):
    """`--config 'binder={lattice_sizes: [8, 16, 32]}'` (Snakemake refuses a dotted key such as
    binder.lattice_sizes before the workflow loads; a mapping is merged key by key into
    config.yaml's binder) changes the sizes of the Binder grid, which the T_c estimators binder
    and cnn_binder use. With the grid's temperatures listed, the dry run samples the new sizes
    and nothing at the old; with the automatic grid the temperatures are the scan's to place,
    so the dry run shows the scan (checkpoint binder_grid) and, waiting on it, each new size's
    observables and the binder and cnn_binder jobs: what can be known before the scan."""
    sizes = "binder={lattice_sizes: [8, 16, 32], temperatures: [2.25, 2.27, 2.29]}"
    res = dry_run(tmp_path / "listed", "--config", sizes)
    assert res.returncode == 0, res.stderr[-3000:]
    jobs = planned(res.stdout + res.stderr)
    critical = {(w["L"], w["T"]) for r, w in jobs if r == "simulate" and w["grid"] == "critical"}
    assert critical == {(L, T) for L in ("8", "16", "32") for T in ("2.2500", "2.2700", "2.2900")}
    rules = {r for r, _ in jobs}
    assert {"binder", "features", "ensemble"} <= rules and "binder_grid" not in rules
    assert {w["method"] for r, w in jobs if r == "ensemble"} >= {"cnn_binder"}

    res = dry_run(tmp_path / "auto", "--config", "binder={lattice_sizes: [8, 16, 32]}")
    assert res.returncode == 0, res.stderr[-3000:]
    jobs = planned(res.stdout + res.stderr)
    rules = {r for r, _ in jobs}
    assert {"binder_grid", "binder", "features", "ensemble"} <= rules
    observed = {w["L"] for r, w in jobs if r == "observables" and w["grid"] == "critical"}
    assert observed == {"8", "16", "32"}
