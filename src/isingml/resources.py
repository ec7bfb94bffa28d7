"""How much memory a job needs, checked before it allocates, so that a job too large for the
machine stops with a message instead of a MemoryError traceback (or the OOM killer)."""

import os

from isingml.errors import UserError


def available_bytes():
    """Memory available to a new allocation: MemAvailable from /proc/meminfo where there is one,
    else physical memory."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def gib(n):
    return f"{n / 2**30:.3g} GiB"


def require_memory(need, what, advice):
    """Raise a UserError naming ``what`` if ``need`` bytes exceed the memory available."""
    have = available_bytes()
    if need > have:
        raise UserError(
            f"{what} needs about {gib(need)} of memory, {gib(have)} is available; {advice}"
        )
