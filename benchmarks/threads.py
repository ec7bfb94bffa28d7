"""Does ``isingml train --threads N`` use N threads? CPU utilisation of a short training.

    python benchmarks/threads.py [--L 16] [--epochs 3] [--repeats 2]

Samples a small data set once, then trains the CNN with ``--threads 1``, ``--threads 2`` and no
limit, in alternating rounds (the machine's speed drifts), and prints for each the wall time,
the CPU time (user + system) of the training process, their ratio (the mean number of busy
cores) and the peak number of threads the process had.
"""

import argparse
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

TEMPERATURES = (1.5, 2.0, 2.6, 3.5)


def peak_threads(proc, out):
    """Poll /proc/PID/status for the thread count until the process ends."""
    while proc.poll() is None:
        try:
            for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines():
                if line.startswith("Threads:"):
                    out.append(int(line.split()[1]))
        except OSError:
            pass
        time.sleep(0.05)


def train_once(data, out, threads, epochs, L):
    cmd = [sys.executable, "-m", "isingml", "train", "--model", "cnn", "--L", str(L),
           "--window", "2.0", "2.6", "--data", str(data), "--out", str(out),
           "--epochs", str(epochs), "--patience", str(epochs)]  # fmt: skip
    if threads:
        cmd += ["--threads", str(threads)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    counts = []
    watcher = threading.Thread(target=peak_threads, args=(proc, counts))
    watcher.start()
    proc.wait()
    watcher.join()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode:
        raise SystemExit(f"training failed: {' '.join(cmd)}")
    return wall, cpu, max(counts, default=0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--L", type=int, default=16)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        for T in TEMPERATURES:
            subprocess.run([sys.executable, "-m", "isingml", "simulate", "--L", str(args.L),
                            "--T", str(T), "--samples", "600", "--seed", "1",
                            "--out", str(data / f"T{T:.4f}.h5")], check=True,
                           stderr=subprocess.DEVNULL)  # fmt: skip
        rows = {t: [] for t in (1, 2, None)}
        for r in range(args.repeats):
            for threads in rows:
                out = Path(tmp) / f"model_{threads}_{r}"
                rows[threads].append(train_once(data, out, threads, args.epochs, args.L))
    print(f"CNN, L = {args.L}, {args.epochs} epochs, {args.repeats} runs each (mean)")
    print(f"{'--threads':>10}{'wall s':>9}{'CPU s':>9}{'busy cores':>12}{'threads':>9}")
    for threads, runs in rows.items():
        wall = sum(r[0] for r in runs) / len(runs)
        cpu = sum(r[1] for r in runs) / len(runs)
        print(f"{threads or '-':>10}{wall:>9.1f}{cpu:>9.1f}{cpu / wall:>12.2f}"
              f"{max(r[2] for r in runs):>9}")  # fmt: skip


if __name__ == "__main__":
    main()
