"""Helpers shared by the ``isingml`` subcommands."""

import argparse
import os
import sys
import time
from pathlib import Path


class UserError(Exception):
    """A problem with the user's input, reported as one line without a traceback."""


def positive_int(text):
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text}")
    return value


def prepare_output(path):
    """Create the parent folder of ``path`` and check that it is writable, before any work."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UserError(f"cannot create the folder for {path}: {err.strerror}") from None
    if not os.access(path.parent, os.W_OK | os.X_OK) or path.is_dir():
        raise UserError(f"cannot write {path}: the folder is not writable or the path is a folder")
    return path


class Progress:
    """A one-line progress bar on a terminal; silent when stderr is a file (e.g. a log)."""

    def __init__(self, total, label):
        self.total, self.label, self.done = total, label, 0
        self.enabled = sys.stderr.isatty()
        self.t0 = time.perf_counter()

    def update(self, k):
        self.done += k
        if self.enabled:
            frac = self.done / self.total
            bar = "#" * int(30 * frac)
            rate = self.done / max(time.perf_counter() - self.t0, 1e-9)
            sys.stderr.write(f"\r{self.label} [{bar:<30}] {self.done}/{self.total} ({rate:.0f}/s)")
            if self.done >= self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()
