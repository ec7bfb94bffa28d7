"""The command line as a user meets it: one-line errors for bad input, tracebacks for bugs,
nothing left behind by a failed job, memory checked before allocating."""

import subprocess
import sys

import pytest

from isingml.cli import main
from isingml.errors import UserError


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "isingml", *args], capture_output=True, text=True)


def test_a_job_too_large_for_the_machine_is_refused_before_allocating(tmp_path):
    out = tmp_path / "L100000" / "T2.0000.h5"
    res = run_cli("simulate", "--L", "100000", "--T", "2", "--samples", "100000000",
                  "--seed", "1", "--out", str(out))  # fmt: skip
    assert res.returncode == 2, res.stderr[-2000:]
    assert "Traceback" not in res.stderr and "MemoryError" not in res.stderr
    assert "L = 100000 needs about" in res.stderr and "GiB" in res.stderr
    assert not (tmp_path / "L100000").exists()


@pytest.mark.parametrize("fault", ["corrupt shard", "wrong L", "missing folder"])
def test_failed_training_leaves_no_output_folder(tmp_path, fault):
    data = tmp_path / "data"
    data.mkdir()
    if fault == "corrupt shard":
        (data / "T2.0000.h5").write_bytes(b"not hdf5")
    elif fault == "wrong L":
        main(["simulate", "--L", "6", "--T", "3.0", "--samples", "20", "--seed", "0",
              "--out", str(data / "T3.0000.h5")])  # fmt: skip
    else:
        data = tmp_path / "none"
    out = tmp_path / "models" / "cnn" / "seed0"
    res = run_cli("train", "--model", "cnn", "--L", "8", "--window", "2.0", "2.6",
                  "--data", str(data), "--out", str(out))  # fmt: skip
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr[-2000:]
    assert not (tmp_path / "models").exists()


def test_a_bug_keeps_its_traceback(monkeypatch, capsys):
    """Only UserError is turned into one line; any other ValueError is a bug."""
    from isingml.cli import simulate

    def broken(args):
        raise ValueError("an internal inconsistency")

    monkeypatch.setattr(simulate, "cmd_simulate", broken)
    with pytest.raises(ValueError, match="internal inconsistency"):
        main(["simulate", "--L", "8", "--T", "2", "--samples", "1", "--seed", "0", "--out", "x"])

    def refused(args):
        raise UserError("data/x.h5: a user's fault")

    monkeypatch.setattr(simulate, "cmd_simulate", refused)
    with pytest.raises(SystemExit) as exit_:
        main(["simulate", "--L", "8", "--T", "2", "--samples", "1", "--seed", "0", "--out", "x"])
    assert exit_.value.code == 2
    assert "isingml simulate: error: data/x.h5: a user's fault" in capsys.readouterr().err


def test_binder_analysis_refuses_bad_input(tmp_path):
    shards = {}
    for L in (8, 16):
        for T in (2.25, 2.29):
            path = tmp_path / f"L{L}" / f"T{T:.4f}.h5"
            main(["simulate", "--L", str(L), "--T", str(T), "--samples", "640", "--seed", "2",
                  "--spins", "0", "--grid", "critical", "--out", str(path)])  # fmt: skip
            shards.setdefault(L, []).append(str(path))
    out, side = tmp_path / "tc.csv", str(tmp_path / "tc.jackknife.json")
    res = run_cli(
        "analyze", "binder", "--shards", *shards[8], "--out", str(out), "--replicas", side
    )
    assert res.returncode == 2 and "at least two lattice sizes" in res.stderr, res.stderr
    both = shards[8] + shards[16]
    res = run_cli("analyze", "binder", "--shards", *both, str(tmp_path / "L16/T2.2700.h5"),
                  "--out", str(out), "--replicas", side)  # fmt: skip
    assert res.returncode == 2 and "L16/T2.2700.h5: no such shard" in res.stderr
    res = run_cli("analyze", "binder", "--shards", *both, "--t-range", "2.2", "2.3",
                  "--out", str(out), "--replicas", side)  # fmt: skip
    assert res.returncode == 2 and "T = 2.20000 lies outside the sampled" in res.stderr
    assert not out.exists()


def test_asking_for_a_gpu_where_there_is_none_stops_with_the_install_hint(tmp_path):
    import jax

    if jax.default_backend() != "cpu":
        pytest.skip("this machine has an accelerator")
    shard = tmp_path / "data" / "T3.0000.h5"  # the inputs are checked first
    main(["simulate", "--L", "8", "--T", "3.0", "--samples", "20", "--seed", "0",
          "--out", str(shard)])  # fmt: skip
    res = run_cli("train", "--model", "cnn", "--L", "8", "--gpus", "1", "--data", str(shard.parent),
                  "--out", str(tmp_path / "m"))  # fmt: skip
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "--gpus 1 asks for a GPU" in res.stderr and "pip install -e '.[cuda]'" in res.stderr


def every_option():
    """(command, argparse action) of every option of every subcommand."""
    import argparse

    from isingml.cli import _each_parser, build_parser

    skip = (argparse._SubParsersAction, argparse._HelpAction, argparse._VersionAction)
    for parser in _each_parser(build_parser()):
        for action in parser._actions:
            if not isinstance(action, skip):
                yield parser.prog, action


def test_every_option_of_every_command_says_what_it_does():
    """No option without help; a default that argparse knows shows in the help as rendered."""
    import argparse

    from isingml.cli import HelpFormatter

    options = list(every_option())
    assert len(options) > 150  # every subparser was walked, analyze's nested ones among them
    for prog, action in options:
        name = "/".join(action.option_strings) or action.dest
        assert action.help and action.help.strip(), f"{prog} {name} has no help"
        known = action.default not in (None, [], argparse.SUPPRESS) and action.default is not False
        if known and not action.required:
            shown = HelpFormatter(prog)._get_help_string(action) % {"default": action.default}
            assert "default" in shown, f"{prog} {name}: its default {action.default!r} is not shown"


def test_options_only_where_they_apply_and_one_meaning_per_name():
    by_command = {}
    for prog, action in every_option():
        by_command.setdefault(prog.removeprefix("isingml "), set()).update(action.option_strings)
    for command in ("predict", "features", "inspect"):  # no training: no epoch loop
        assert "--epoch-loop" not in by_command[command], command
    assert "--epoch-loop" in by_command["train"] and "--epoch-loop" in by_command["confusion"]
    assert not {"--channels", "--kernel-size", "--head", "--augment-d4", "--hidden",
                "--epochs"} & by_command["baseline"]  # fmt: skip
    assert "--hidden" not in by_command["confusion"]  # it trains CNNs
    assert "--seeds" not in by_command["efficiency"]  # one run is one network
    # --replicas is what a crossing command writes; analyze fss reads it as --tc-jackknife
    assert "--replicas" not in by_command["analyze fss"]
    assert "--tc-jackknife" in by_command["analyze fss"]
    writes = [c for c, opts in by_command.items() if "--replicas" in opts]
    assert sorted(writes) == ["analyze binder", "analyze ensemble", "analyze pca"]


def test_help_version_and_models(capsys):
    from isingml import __version__
    from isingml.learning.settings import MODELS

    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.strip() == f"isingml {__version__}"
    with pytest.raises(SystemExit):
        main(["--help"])
    text = capsys.readouterr().out
    assert "``" not in text and ":func:" not in text and "Onsager" in text  # no RST
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert f"the network, one of {', '.join(MODELS)}:" in text and "ecnn" in MODELS
    assert "one folder seed<k>/ per member under --out" in text
    assert "default: cnn 20, fcn 40, ecnn 6" in text  # each network's own, from the schema


def test_simulates_help_quotes_the_samplers_defaults():
    from isingml.cli import simulate
    from isingml.sampling.sampler import SamplerSettings

    s = SamplerSettings()
    assert (simulate.MIN_INTERVAL, simulate.MAX_PILOT_SWEEPS) == (s.min_interval,
                                                                  s.max_pilot_sweeps)  # fmt: skip


def test_train_reports_a_missing_input_before_it_loads_jax(tmp_path):
    """A typo in --data is reported at once, not after the seconds JAX takes to import."""
    code = (
        "import sys\nfrom isingml.cli import main\n"
        f"try:\n    main(['train', '--model', 'cnn', '--data', {str(tmp_path / 'nope.h5')!r}, "
        f"'--out', {str(tmp_path / 'm')!r}])\nexcept SystemExit as e:\n    print(e.code)\n"
        "print('jax' in sys.modules)"
    )
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert res.stdout.split() == ["2", "False"], res.stdout + res.stderr
    assert "nope.h5: no such shard" in res.stderr and "Traceback" not in res.stderr
