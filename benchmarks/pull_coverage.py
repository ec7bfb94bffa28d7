"""Do the error bars cover? Reruns methods of the workflow with other root seeds and prints the
pulls (T_c - exact) / sigma, exact the T_c of the configuration's lattice (each result's
``reference_T_c``: Onsager's 2.2691853... on the square lattice, the published reference on the
cube), and those of the critical exponents against the lattice's (``lattices.Reference``:
1, 7/4 and 1/8 on every two-dimensional lattice, the conformal bootstrap's on the cube).

    python benchmarks/pull_coverage.py [--seeds 8] [--methods binder] [--set binder.samples=5000]
                                  [--configfile config.yaml] [--cores 2] [--keep DIR]

Each seed runs ``snakemake results/fss/<method>.json`` in a fresh folder with the configuration
given (config.yaml by default; ``--set key=value`` overrides a key, YAML-valued, dotted for
nested keys) and ``seed`` replaced: new shards, new networks, new bootstrap streams. A correct
error bar gives pulls with mean about 0 and RMS about 1; with n seeds the RMS itself scatters
by about 1/sqrt(2n) (0.25 for 8). The table ends, per row, with the mean pull and its
standard error, the RMS, the mean *statistical* sigma over the seeds' scatter (too large an
error bar is a defect too; a systematic stated apart is not in that ratio), and the 95 % bands
for n seeds: RMS in [sqrt(chi2_{0.025,n}/n), sqrt(chi2_{0.975,n}/n)], the ratio in the band of
a sample standard deviation, the mean within the t-interval. The methods with exponents
(binder, cnn_binder) add rows ``method:inv_nu`` and so on, from the
results/exponents/<method>.json their rule writes. ``--summarize DIR`` prints the table of
runs kept earlier (``--keep DIR``) without running anything; an interrupted ``--keep`` run
resumes where it stopped (Snakemake reruns only what is missing). Both end with each pair's
crossing, its mean over the seeds against the exact T_c: where the one-term extrapolation's
assumption, an approach from one side, fails, it shows.
"""

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from isingml import lattices
from isingml.physics import ONSAGER_TC

REPO = Path(__file__).resolve().parents[1]


def expected_exponents(config):
    """The exponents a run of ``config`` is pulled against: its lattice's exact or reference
    values ({} where none is known)."""
    return dict(lattices.reference_of(lattices.from_config(config)).exponents or {})


def configured(path, overrides, seed):
    config = yaml.safe_load(Path(path).read_text())
    for item in overrides:
        key, value = item.split("=", 1)
        node = config
        *parents, last = key.split(".")
        for k in parents:
            node = node.setdefault(k, {})
        node[last] = yaml.safe_load(value)
    config["seed"] = seed
    return config


def run_seed(folder, config, methods, cores):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "config.yaml").write_text(yaml.safe_dump(config))
    targets = [f"results/fss/{m}.json" for m in methods]
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    cmd = [sys.executable, "-m", "snakemake", "--snakefile", str(REPO / "Snakefile"),
           "--directory", str(folder), "--cores", str(cores), *targets,
           "--quiet", "all"]  # fmt: skip
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if res.returncode:
        raise SystemExit(f"seed {config['seed']} failed in {folder}:\n{res.stderr[-3000:]}")
    out = {m: json.loads((folder / t).read_text()) for m, t in zip(methods, targets, strict=True)}
    for m in methods:
        path = folder / "results" / "exponents" / f"{m}.json"
        if path.exists():
            exps = json.loads(path.read_text())
            for key, exact in expected_exponents(config).items():
                if key in exps:
                    e = exps[key]
                    how = ", ".join(e.get("from", []))
                    out[f"{m}:{key}"] = {"ok": True, "T_c": e["value"], "T_c_err": e["err"],
                                         "T_c_err_stat": e.get("err_stat"), "exact": exact,
                                         "model": how}  # fmt: skip
    return out, time.perf_counter() - t0


def _exact(r):
    """What a row's pull is taken against: an exponent's exact value, else the result's own
    reference T_c (its lattice's exact one; Onsager's in a result from before lattices)."""
    if "exact" in r:
        return r["exact"]
    if "reference_T_c" not in r:
        return r.get("onsager_T_c", ONSAGER_TC)
    if r["reference_T_c"] is None:
        raise SystemExit(f"{r.get('method')}: no exact T_c is known for the {r.get('lattice')} "
                         "lattice: there is no pull to take")  # fmt: skip
    return r["reference_T_c"]


def _row(r):
    """(estimate, total sigma, statistical sigma, exact value) of one result."""
    stat = r.get("T_c_err_stat")
    return (r["T_c"], r["T_c_err"], r["T_c_err"] if stat is None else stat, _exact(r))


def kept_rows(base, methods):
    """The rows of every finished seed kept under ``base`` (seed*/results/)."""
    rows = {}
    for folder in sorted(base.glob("seed*"), key=lambda p: int(p.name[4:])):
        expected = expected_exponents(yaml.safe_load((folder / "config.yaml").read_text()))
        for m in methods:
            path = folder / "results" / "fss" / f"{m}.json"
            if path.exists() and json.loads(path.read_text()).get("ok"):
                rows.setdefault(m, []).append(_row(json.loads(path.read_text())))
            path = folder / "results" / "exponents" / f"{m}.json"
            exps = json.loads(path.read_text()) if path.exists() else {}
            for key, exact in expected.items():
                if key in exps:
                    e = exps[key]
                    rows.setdefault(f"{m}:{key}", []).append(
                        (e["value"], e["err"], e.get("err_stat", e["err"]), exact)
                    )
    return rows


def _mean_sd(values):
    """(mean, sample standard deviation) of ``values``; the deviation is nan for one value."""
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1)) if n > 1 else math.nan
    return mean, sd


def pair_table(base, methods):
    """Per method and pair (L, 2L) of the seeds kept under ``base``: the mean crossing over the
    seeds, its standard error, and its offset from the exact (or reference) T_c in those
    standard errors. A
    one-term extrapolation assumes these approach T_c from one side; a sequence that crosses
    T_c and turns back is what no T_c + b L^-x can follow."""
    from collections import defaultdict

    for m in methods:
        per_pair, exact, kind = defaultdict(list), None, "exact"
        for path in sorted(base.glob(f"seed*/results/fss/{m}.json")):
            r = json.loads(path.read_text())
            if not r.get("ok") or r.get("reference_T_c") is None:
                continue
            exact = r["reference_T_c"]
            kind = "exact" if r.get("reference_exact", True) else "reference"
            for p in r.get("pairs") or []:
                if math.isfinite(p.get("T_star", math.nan)):
                    per_pair[(p["L"], p["L2"])].append(p["T_star"])
        if exact is None:
            continue
        print(f"{m}: each pair's crossing, mean over the seeds, against the {kind} {exact:.6f}")
        print(f"{'pair':>12}{'n':>4}{'mean T*':>11}{'+-':>9}{'off ' + kind:>14}{'in se':>8}")
        for (L, L2), vals in sorted(per_pair.items()):
            n, (mean, sd) = len(vals), _mean_sd(vals)
            se = sd / math.sqrt(n)
            print(f"{f'({L}, {L2})':>12}{n:>4}{mean:>11.5f}{se:>9.5f}{mean - exact:>+14.5f}"
                  f"{(mean - exact) / se:>+8.1f}")  # fmt: skip


def summary(rows):
    """Per row: n, mean pull +- its standard error, RMS, mean statistical sigma / scatter of
    the estimates, and the 95 % bands for n seeds."""
    from scipy import stats

    print(f"{'row':>24}{'n':>4}{'mean pull':>11}{'+-':>6}{'RMS':>7}{'RMS 95 %':>14}"
          f"{'stat/scatter':>14}{'95 %':>14}{'t95':>6}")  # fmt: skip
    for m, r in rows.items():
        n = len(r)
        if n < 2:
            continue
        pulls = [(v - x) / err for v, err, _, x in r]
        mean, sd = _mean_sd(pulls)
        se = sd / math.sqrt(n)
        rms = math.sqrt(sum(p * p for p in pulls) / n)
        scatter = _mean_sd([v for v, *_ in r])[1]
        ratio = sum(s for _, _, s, _ in r) / n / scatter
        band = [math.sqrt(stats.chi2.ppf(q, n) / n) for q in (0.025, 0.975)]
        sd = [1 / math.sqrt(stats.chi2.ppf(q, n - 1) / (n - 1)) for q in (0.975, 0.025)]
        print(f"{m:>24}{n:>4}{mean:>+11.2f}{se:>6.2f}{rms:>7.2f}"
              f"{f'[{band[0]:.2f}, {band[1]:.2f}]':>14}{ratio:>14.2f}"
              f"{f'[{sd[0]:.2f}, {sd[1]:.2f}]':>14}{stats.t.ppf(0.975, n - 1):>6.2f}")  # fmt: skip


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=8, help="number of root seeds (1, 2, ...)")
    ap.add_argument("--first-seed", type=int, default=1)
    ap.add_argument("--methods", nargs="+", default=["binder"])
    ap.add_argument("--configfile", default=str(REPO / "config.yaml"))
    ap.add_argument("--set", nargs="*", default=[], help="overrides, e.g. binder.samples=5000")
    ap.add_argument("--cores", type=int, default=os.cpu_count())
    ap.add_argument("--keep", help="keep the runs in this folder (default: a temporary one)")
    ap.add_argument("--summarize", metavar="DIR", help="only print the table of kept runs in DIR")
    args = ap.parse_args()
    base = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="isingml-coverage-"))
    if args.summarize:
        summary(kept_rows(Path(args.summarize), args.methods))
        pair_table(Path(args.summarize), args.methods)
        return
    rows = {}
    print(f"methods {' '.join(args.methods)}; config {args.configfile} {' '.join(args.set)}")
    print(f"{'seed':>6}{'method':>24}{'estimate':>12}{'sigma':>10}{'pull':>8}{'wall s':>9}  model")
    t_all = time.perf_counter()
    for seed in range(args.first_seed, args.first_seed + args.seeds):
        config = configured(args.configfile, args.set, seed)
        results, wall = run_seed(base / f"seed{seed}", config, args.methods, args.cores)
        for m, r in results.items():
            if not r.get("ok"):
                print(f"{seed:>6}{m:>24}  no estimate: {r.get('note')}")
                continue
            row = _row(r)
            rows.setdefault(m, []).append(row)
            pull = (row[0] - row[3]) / row[1]
            print(f"{seed:>6}{m:>24}{r['T_c']:>12.5f}{r['T_c_err']:>10.5f}{pull:>8.2f}"
                  f"{wall:>9.0f}  {r.get('model', '')}", flush=True)  # fmt: skip
    print()
    summary(rows)
    pair_table(base, args.methods)
    print(f"wall time {time.perf_counter() - t_all:.0f} s, {args.cores} cores")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
