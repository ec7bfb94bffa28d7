"""How fast do a crossing method's pair crossings approach T_c? The mean shift of each pair's
crossing from Onsager's T_c over coverage reruns (``pull_coverage.py --keep DIR``), the
effective shift exponent of two successive pairs, and the pulls of T_c(infinity) extrapolated
with fixed exponents and with the method's own rule (``extrapolate.crossing_result``).

    python benchmarks/pair_shifts.py --method cnn_binder RUNS_DIR [RUNS_DIR ...]

Each RUNS_DIR holds seed*/results/tc/{method}.jackknife.json. The effective exponent of pairs
(L, 2L) and (2L, 4L) is log2 of the ratio of their mean shifts; its 1-sigma range comes from
the shifts' standard errors over the reruns (reruns of one root seed with different settings
are not independent: count each seed once when judging the errors).
"""

import argparse
import glob
import json
import math

import numpy as np


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("runs", nargs="+", help="folders of coverage reruns (seed*/results/tc/)")
    ap.add_argument("--method", default="cnn_binder")
    ap.add_argument("--exponents", type=float, nargs="+", default=[2.75, 2.0, 1.5, 1.0])
    args = ap.parse_args()

    from isingml.analysis import corrections, extrapolate, jackknife
    from isingml.physics import ONSAGER_TC

    name = f"seed*/results/tc/{args.method}.jackknife.json"
    files = [f for run in args.runs for f in sorted(glob.glob(f"{run}/{name}"))]
    if not files:
        raise SystemExit(f"no {name} under {args.runs}")
    shifts, sidecars = {}, [json.load(open(f)) for f in files]
    for r in sidecars:
        for p in r["pairs"]:
            shifts.setdefault((p["L"], p["L2"]), []).append(p["T_star"]["value"] - ONSAGER_TC)
    print(f"{args.method}: {len(files)} reruns from {', '.join(args.runs)}")
    print(f"{'pair':>10} {'n':>3} {'mean shift':>11} {'s.e.':>8}")
    means = {}
    for pair, v in sorted(shifts.items()):
        v = np.asarray(v)
        means[pair] = (v.mean(), v.std(ddof=1) / math.sqrt(v.size))
        print(f"{str(pair):>10} {v.size:3d} {means[pair][0]:+11.5f} {means[pair][1]:8.5f}")
    keys = sorted(means)
    for a, b in zip(keys, keys[1:], strict=False):
        (m1, e1), (m2, e2) = means[a], means[b]
        if m1 * m2 <= 0:
            print(f"{a} -> {b}: shifts of opposite sign, no effective exponent")
            continue
        x = math.log2(m1 / m2)
        lo = math.log2(max(abs(m1) - e1, 1e-12) / (abs(m2) + e2))
        hi = math.log2((abs(m1) + e1) / max(abs(m2) - e2, 1e-12))
        print(f"{a} -> {b}: effective shift exponent {x:.2f} (1-sigma range {lo:.2f} to {hi:.2f})")

    print(f"\n{'extrapolation':>28} {'mean pull':>9} {'RMS':>5} {'sigma from':>10} {'to':>8}")
    rows = [(f"L^-{x:g}, statistical only", x) for x in args.exponents]
    rows.append((f"{args.method}'s rule", None))
    for name, x in rows:
        pulls, errs = [], []
        for r in sidecars:
            pairs = sorted((p for p in r["pairs"] if math.isfinite(p["T_star"]["value"])),
                           key=lambda p: p["L"])  # fmt: skip
            if len(pairs) < 2:
                continue
            if x is None:
                out = extrapolate.crossing_result(args.method, r)
                value, err = out["T_c"], out["T_c_err"]
            else:
                jacks = [jackknife.Jack.from_json(p["T_star"]) for p in pairs]
                y, _ = corrections.extrapolation([p["L"] for p in pairs], jacks, x)
                value, err = y.value, y.err
            pulls.append((value - ONSAGER_TC) / err)
            errs.append(err)
        p = np.asarray(pulls)
        print(f"{name:>28} {p.mean():+9.2f} {math.sqrt((p**2).mean()):5.2f} "
              f"{min(errs):10.5f} {max(errs):8.5f}")  # fmt: skip


if __name__ == "__main__":
    main()
