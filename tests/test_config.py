"""The config schema is the one home of every default: it agrees with the shipped config.yaml,
and the library and the command line take their defaults from it."""

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
