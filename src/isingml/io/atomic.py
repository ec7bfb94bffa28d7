"""Atomic writes: every output is written under a temporary name in the same folder and renamed
over the target only once complete, so a crash never leaves a partial file under the final name.
"""

import contextlib
import os
from pathlib import Path


def temporary_path(path):
    path = Path(path)
    return path.with_name(f".{path.name}.tmp-{os.getpid()}")


@contextlib.contextmanager
def atomic_output(path):
    """Yield a temporary path beside ``path``; rename it to ``path`` only on success. The folder
    is created here, at writing time, so that a job that fails earlier leaves nothing."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temporary_path(path)
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
