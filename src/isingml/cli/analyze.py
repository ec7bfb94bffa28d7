"""``isingml analyze ...``: read results files, call isingml.analysis, write results files."""

import logging
from pathlib import Path

from isingml.cli import diagnostics
from isingml.cli.common import UserError, prepare_output, write_ensemble_tables

log = logging.getLogger("isingml")


def cmd_observables(args):
    from isingml.analysis.observables import observables_rows
    from isingml.io import results, shards

    loaded = [shards.read_shard(p, spins=False) for p in args.shards]
    sizes = {s.L for s in loaded}
    if len(sizes) != 1:
        raise UserError(f"observables takes the shards of one L, got sizes {sorted(sizes)}")
    results.write_csv(prepare_output(args.out), observables_rows(loaded))
    log.info("observables of %d temperatures at L=%d -> %s", len(loaded), sizes.pop(), args.out)


def cmd_binder(args):
    from isingml.analysis import binder, exponents, observables
    from isingml.io import results, shards

    loaded = [shards.read_shard(p, spins=False) for p in args.shards]
    temperatures = [s.T for s in loaded]
    t_range = tuple(args.t_range) if args.t_range else (min(temperatures), max(temperatures))
    rows, curves, pairs, reweighted = binder.magnetization_analysis(loaded, t_range)
    sampling = observables.sampling_check(loaded)
    write_crossings(args, "binder", rows, pairs, sampling=sampling)
    if sampling.get("note"):
        log.warning("sampling check: %s", sampling["note"])
    if args.curves:
        results.write_csv(prepare_output(args.curves), curves)
    for r in rows:
        log.info(
            "U4 crossing L=%d/%d: T_x = %.5f +- %.5f", r["L"], r["L2"], r["T_star"], r["T_star_err"]
        )
    if args.exponents:
        exps = exponents.binder_exponents(reweighted, pairs)
        results.write_json(prepare_output(args.exponents), exps)
        log_exponents(exps)


def write_crossings(args, method, rows, pairs, networks=None, sampling=None):
    """A crossing method's rows to --out and their jackknife sidecar to --replicas."""
    from isingml.analysis import extrapolate
    from isingml.io import results

    results.write_csv(prepare_output(args.out), rows)
    sidecar = extrapolate.replicas_json(method, pairs, networks, sampling)
    results.write_json(prepare_output(args.replicas), sidecar)


def log_exponents(exps):
    for key in ("inv_nu", "gamma_over_nu", "beta_over_nu"):
        if key in exps:
            e = exps[key]
            log.info("%s %s = %.4f +- %.4f (pull %+.1f)", exps["method"], key, e["value"],
                     e["err"], e["pull"])  # fmt: skip


def cmd_order_binder(args):
    from isingml.analysis import order_parameters
    from isingml.io import results

    sets = [results.read_features(p) for p in args.features]
    t_range = tuple(args.t_range) if args.t_range else None
    rows, per_network, curves, replicas, exps = order_parameters.features_analysis(
        args.method, sets, t_range
    )
    write_ensemble_tables(args, rows, per_network, curves, replicas)
    for r in rows:
        log.info(
            "%s crossing L=%d/%d: T_x = %.5f +- %.5f over %d networks",
            args.method,
            r["L"],
            r["L2"],
            r["T_star"],
            r["T_star_err"],
            r["n_networks"],
        )
    if args.exponents:
        results.write_json(prepare_output(args.exponents), exps)
        log_exponents(exps)


def cmd_crossing(args):
    import numpy as np

    from isingml import seeds
    from isingml.analysis import networks
    from isingml.io import results

    preds = [results.read_predictions(p) for p in args.predictions]
    rng = np.random.default_rng(seeds.crossing_bootstrap(args.seed, args.method))
    rows, curves = networks.network_tables(args.method, preds, rng)
    results.write_csv(prepare_output(args.out), rows)
    if args.curves:
        results.write_csv(prepare_output(args.curves), curves)
    for r in rows:
        log.info(
            "%s %s L=%s: T* = %.4f +- %.4f",
            args.method,
            r["window"],
            r["L"],
            r["T_star"],
            r["T_star_err"],
        )


def cmd_fss(args):
    from isingml.analysis import fss
    from isingml.io import results

    tc = results.read_csv(args.tc)
    rows = [dict(zip(tc, vals, strict=True)) for vals in zip(*tc.values(), strict=True)]
    for r in rows:
        r["L"] = int(r["L"])
        r["window"] = str(r["window"])
    kind = "crossing" if "L2" in tc else "half"
    replicas = None
    if kind == "crossing":
        if not args.replicas:
            raise UserError(
                f"{args.tc} holds pair crossings: give their jackknife sidecar with --replicas "
                "(written beside it by the command that made it)"
            )
        replicas = results.read_json(args.replicas)
    result = fss.fss_result(args.method, rows, kind, replicas)
    results.write_json(prepare_output(args.out), result)
    if result.get("ok"):
        log.info(
            "%s: T_c = %.5f +- %.5f (%s)",
            args.method,
            result["T_c"],
            result["T_c_err"],
            result.get("model"),
        )
    else:
        log.warning("%s: no finite-size estimate: %s", args.method, result.get("note"))


def cmd_exponents(args):
    from isingml.io import results

    merged = {}
    for path in args.inputs:
        obj = results.read_json(path)
        if "method" not in obj:
            raise UserError(f"{path}: not an exponents file (no 'method'); rerun its analysis")
        merged[obj["method"]] = obj
    results.write_json(prepare_output(args.out), merged)
    log.info("exponents of %s -> %s", ", ".join(merged), args.out)


def cmd_compare(args):
    from isingml.analysis import summary
    from isingml.io import atomic, results

    fss_results = [results.read_json(p) for p in args.fss]
    metrics = [results.read_json(p) for p in args.metrics]
    shortcut = []
    if args.shortcut:
        table = results.read_csv(args.shortcut)
        shortcut = [dict(zip(table, v, strict=True)) for v in zip(*table.values(), strict=True)]
    exps = results.read_json(args.exponents) if args.exponents else {}
    rows = [
        summary.summary_row(r, summary.metrics_of(r, metrics), shortcut, exps.get(r["method"]))
        for r in fss_results
    ]
    results.write_csv(prepare_output(args.out_csv), rows)
    text = summary.summary_markdown(rows, fss_results, exps)
    with atomic.atomic_output(prepare_output(args.out_md)) as tmp:
        Path(tmp).write_text(text)
    log.info("summary of %d methods -> %s, %s", len(rows), args.out_csv, args.out_md)


def add_commands(sub):
    top = sub.add_parser("analyze", help="observables, crossings, finite-size scaling, summary")
    an = top.add_subparsers(dest="analysis", required=True)
    diagnostics.add_analyses(an)

    p = an.add_parser("observables", help="<|m|>, chi, C, U4 per T of one L, with errors")
    p.add_argument("--shards", nargs="+", required=True, help="shards of one L")
    p.add_argument("--out", required=True, help="e.g. results/observables/L32.csv")
    p.set_defaults(func=cmd_observables)

    p = an.add_parser("binder", help="U4 crossings of successive sizes on reweighted curves")
    p.add_argument("--shards", nargs="+", required=True, help="the Binder grid's shards, all L")
    p.add_argument("--out", required=True, help="results/tc/binder.csv")
    p.add_argument("--curves", help="also write the reweighted U4(T) of each L here")
    p.add_argument("--replicas", required=True, help="the crossings' jackknife sidecar (.json)")
    p.add_argument("--exponents", help="also write 1/nu, gamma/nu, beta/nu here (.json)")
    p.add_argument(
        "--t-range",
        type=float,
        nargs=2,
        metavar=("T_MIN", "T_MAX"),
        help="seek the crossings here (default: the span of the shards' temperatures)",
    )
    p.set_defaults(func=cmd_binder)

    p = an.add_parser(
        "order-binder", help="crossings of the Binder cumulant of learned order parameters"
    )
    p.add_argument("--method", required=True, help="e.g. cnn_binder")
    p.add_argument("--features", nargs="+", required=True, help="`isingml features` files")
    p.add_argument("--out", required=True, help="results/tc/{method}.csv")
    p.add_argument("--networks", help="also write each network's crossings here")
    p.add_argument("--curves", help="also write the reweighted ensemble-mean U(T) here")
    p.add_argument("--replicas", required=True, help="the crossings' jackknife sidecar (.json)")
    p.add_argument("--exponents", help="also write the networks' 1/nu here (.json)")
    p.add_argument("--t-range", type=float, nargs=2, metavar=("T_MIN", "T_MAX"))
    p.set_defaults(func=cmd_order_binder)

    p = an.add_parser("crossing", help="T*(L) where p(ordered) = 1/2, per window and size")
    p.add_argument("--method", required=True, help="name in the tables, e.g. cnn")
    p.add_argument("--predictions", nargs="+", required=True)
    p.add_argument("--out", required=True, help="results/tc/{method}.csv")
    p.add_argument("--curves", help="also write the averaged p(T) curves here")
    p.add_argument("--seed", type=int, default=0)
    p.set_defaults(func=cmd_crossing)

    p = an.add_parser("fss", help="T_c(L -> infinity) from T*(L) or from pair crossings")
    p.add_argument("--method", required=True)
    p.add_argument("--tc", required=True, help="results/tc/{method}.csv")
    p.add_argument("--replicas", help="for pair crossings: their jackknife sidecar (.json)")
    p.add_argument("--out", required=True, help="results/fss/{method}.json")
    p.set_defaults(func=cmd_fss)

    p = an.add_parser("exponents", help="merge the methods' exponents into one file")
    p.add_argument("--inputs", nargs="+", required=True, help="results/exponents/*.json")
    p.add_argument("--out", required=True, help="results/fss/exponents.json")
    p.set_defaults(func=cmd_exponents)

    p = an.add_parser("compare", help="results/summary.csv and summary.md")
    p.add_argument("--fss", nargs="+", required=True)
    p.add_argument("--metrics", nargs="*", default=[], help="metrics.json of every network")
    p.add_argument("--shortcut", help="results/diagnostics/shortcut.csv (m0, T(m0), R^2)")
    p.add_argument("--exponents", help="results/fss/exponents.json (the nu column, exponents)")
    p.add_argument("--out-csv", required=True)
    p.add_argument("--out-md", required=True)
    p.set_defaults(func=cmd_compare)
