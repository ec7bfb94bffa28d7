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
