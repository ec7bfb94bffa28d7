"""Is the cost model right? Predicted against measured seconds of every job of a finished run.

    python benchmarks/plan_check.py [--dir .] [--configfile DIR/config.yaml] [--min-seconds 5]

Reads the per-job records Snakemake wrote under DIR/results/benchmarks/ (wall seconds, peak RSS)
and the configuration the run used, asks ``isingml.planning.estimate`` what it predicted for
each job, and prints one line per job (measured, predicted, their ratio), then per rule and for
the jobs over --min-seconds the share within a factor 1.5 (the target: >= 90 %), and whether any
job exceeded the runtime or memory it asked the scheduler for.
"""

import argparse
import csv
import math
from pathlib import Path

import yaml

from isingml import config as cfg
from isingml import planning

PATTERNS = {  # benchmark path (relative, without .tsv) -> (rule, wildcard names)
    "simulate": ("simulate", ("grid", "L", "T")),
    "train": ("train", ("model", "window", "L")),
    "confusion": ("confusion", ("L",)),
    "baseline": ("baseline", ("window", "L")),
}


def record(path):
    with open(path) as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    return float(rows[-1]["s"]), float(rows[-1]["max_rss"])


def wildcards_of(rel):
    """(rule, wildcards) of a benchmark file's relative path, e.g. train/cnn/w1.8-2.6/L16."""
    parts = rel.split("/")
    if parts[0] in PATTERNS:
        rule, names = PATTERNS[parts[0]]
        values = [p[1:] if p[:1] in "LT" and p[1:2].isdigit() else p for p in parts[1:]]
        return rule, dict(zip(names, values, strict=True))
    return parts[0], {}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dir", default=".", help="the run's working directory")
    ap.add_argument("--configfile", help="its configuration (default: DIR/config.yaml)")
    ap.add_argument("--min-seconds", type=float, default=5.0)
    args = ap.parse_args()
    root = Path(args.dir)
    bench = root / "results" / "benchmarks"
    files = sorted(bench.rglob("*.tsv"))
    if not files:
        raise SystemExit(f"{bench}: no benchmark records; run the workflow there first")
    config = cfg.resolved(yaml.safe_load(Path(args.configfile or root / "config.yaml").read_text()))
    rows = []
    for path in files:
        rule, wc = wildcards_of(str(path.relative_to(bench).with_suffix("")))
        seconds, rss = record(path)
        est = planning.estimate(rule, wc, config)
        rows.append((rule, " ".join(f"{k}={v}" for k, v in wc.items()), seconds, est, rss))
    print(f"{'rule':<10} {'job':<34}{'measured s':>11}{'model s':>9}{'ratio':>7}"
          f"{'asked min':>10}{'RSS MB':>8}{'asked MB':>9}")  # fmt: skip
    for rule, job, s, est, rss in sorted(rows, key=lambda r: -r[2]):
        print(f"{rule:<10} {job:<34}{s:>11.2f}{est.seconds:>9.2f}{s / est.seconds:>7.2f}"
              f"{est.runtime_min:>10}{rss:>8.0f}{est.request_mb:>9}")  # fmt: skip
    big = [r for r in rows if r[2] > args.min_seconds]
    ok = [r for r in big if 1 / 1.5 <= r[2] / r[3].seconds <= 1.5]
    print()
    for rule in sorted({r[0] for r in rows}):
        mine = [r for r in rows if r[0] == rule]
        ratios = [r[2] / r[3].seconds for r in mine]
        geo = math.exp(sum(math.log(x) for x in ratios) / len(ratios))
        print(
            f"{rule:<10} {len(mine):>4} jobs, measured {sum(r[2] for r in mine):8.1f} s, "
            f"model {sum(r[3].seconds for r in mine):8.1f} s, ratio geo-mean {geo:.2f}"
        )
    print(
        f"\njobs over {args.min_seconds:g} s: {len(ok)} of {len(big)} within a factor 1.5 "
        f"({100 * len(ok) / max(len(big), 1):.0f} %; target >= 90 %)"
    )
    over_time = [r for r in rows if r[2] > 60 * r[3].runtime_min]
    over_mem = [r for r in rows if r[4] > r[3].request_mb]
    print(
        f"jobs over the runtime they asked for: {len(over_time)}; over their mem_mb: "
        f"{len(over_mem)}"
    )


if __name__ == "__main__":
    main()
