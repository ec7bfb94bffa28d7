"""Helpers shared by the ``isingml`` subcommands."""

import argparse
import contextlib
import os
import sys
from pathlib import Path

from isingml.errors import UserError

__all__ = [
    "UserError",
    "add_window_option",
    "positive_int",
    "prepare_output",
    "progress",
    "read_config",
    "require_inputs",
    "write_outputs",
]


def add_window_option(p, required=False):
    """--window T_ORDERED_MAX T_DISORDERED_MIN, the one definition of the option."""
    p.add_argument(
        "--window",
        type=float,
        nargs=2,
        required=required,
        metavar=("T_ORDERED_MAX", "T_DISORDERED_MIN"),
        help="label T <= first as ordered, T >= second as disordered"
        + ("" if required else "; omit to label by T < T_c (Onsager) at every T"),
    )


def read_config(path):
    """A config.yaml, checked as the workflow checks it (``isingml.config.load``) and with its
    defaults filled in; a fault is one line that names the key and says to fix it in ``path``."""
    import yaml

    from isingml import config

    try:
        with open(path) as f:
            user = yaml.safe_load(f)
    except OSError as err:
        raise UserError(f"{path}: cannot read it ({err.strerror})") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise UserError(f"{path}: not valid YAML{where} ({str(err).splitlines()[0]})") from None
    user = {} if user is None else user
    return config.load(user, config.Sources(((str(path), user),)))


def require_inputs(shards=(), model_dirs=()):
    """Check that the input shards (files or folders of them) and the folders written by
    `isingml train` exist, before a command imports JAX: seconds that a typo should not cost."""
    from isingml.io import datasets

    if shards:
        datasets.check_sources(shards)
    for folder in model_dirs:
        if not Path(folder).exists():
            raise UserError(f"{folder}: no such network folder; run `isingml train` first")


def positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def prepare_output(path):
    """Check, before any work, that ``path`` can be written: its folder can be created and
    ``path`` is not a folder. Folders made for the check are removed again; the atomic writers
    create them when the output is complete, so a failed job leaves nothing behind."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"cannot write {path}: it is a folder")
    missing, parent = [], path.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    created = []
    try:
        for folder in reversed(missing):
            folder.mkdir()
            created.append(folder)
    except OSError as err:
        raise UserError(f"cannot create the folder for {path}: {err.strerror}") from None
    finally:
        for folder in reversed(created):
            folder.rmdir()
    if not os.access(path.parent if path.parent.exists() else parent, os.W_OK | os.X_OK):
        raise UserError(f"cannot write {path}: the folder is not writable")
    return path


def write_outputs(outputs):
    """Write each (path, table) of ``outputs`` whose path was given and whose table exists,
    through ``io.results.write_table`` (rows to CSV, an object to JSON)."""
    from isingml.io import results

    for path, table in outputs:
        if path and table is not None:
            results.write_table(prepare_output(path), table)


@contextlib.contextmanager
def progress(total, label):
    """A progress bar (rich) on a terminal; silent when stderr is not one (a Snakemake log).

    Yields ``advance(k)``, to be called with the number of items just finished.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, disable=not sys.stderr.isatty(), transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda k: bar.advance(task, k)
