"""``isingml analyze ...``: each command reads its arguments, calls one job of
``isingml.analysis.jobs`` and writes what it returns."""

import logging

from isingml import methods
from isingml.cli import diagnostics, transfer
from isingml.cli.common import prepare_output, write_outputs
from isingml.cli.simulate import add_model_options, lattice_of

log = logging.getLogger("isingml")
REPLICAS_OUT = (
    "the crossings' jackknife replicas to write (.json), which `analyze fss --tc-jackknife` reads"
)
# The jobs (NumPy, SciPy, h5py) are imported inside each command: every `isingml` command,
# the training jobs among them, would otherwise pay their second of import time at start-up.


def cmd_observables(args):
    from isingml.analysis import jobs
    from isingml.io import results

    rows, L = jobs.observables_job(args.shards)
    results.write_csv(prepare_output(args.out), rows)
    log.info("observables of %d temperatures at L=%d -> %s", len(rows), L, args.out)


def write_crossings(args, job):
    """A crossing job's tables to the paths given: --out, --replicas, and where the command
    has them --curves, --networks, --exponents."""
    write_outputs(
        [
            (args.out, job.rows),
            (args.replicas, job.replicas),
            (getattr(args, "curves", None), job.curves),
            (getattr(args, "networks", None), job.networks),
            (getattr(args, "exponents", None), job.exponents),
        ]
    )


def cmd_binder(args):
    from isingml.analysis import jobs

    job = jobs.binder_job(args.shards, args.t_range, with_exponents=bool(args.exponents))
    write_crossings(args, job)
    log_reweighting(job.replicas)
    if job.sampling.get("note"):
        log.warning("sampling check: %s", job.sampling["note"])
    for r in job.rows:
        log.info(
            "U4 crossing L=%d/%d: T_x = %.5f +- %.5f", r["L"], r["L2"], r["T_star"], r["T_star_err"]
        )
    if job.exponents is not None:
        log_exponents(job.exponents)


def log_reweighting(sidecar):
    """The multi-histogram solver's convergence and the overlap at each crossing."""
    report = sidecar.get("reweighting", {})
    for where, r in report.get("solver", {}).items():
        log.info(
            "%s: multi-histogram free energies in %d steps, residual %.1e (jackknife replicas: "
            "<= %d steps, <= %.1e)",
            where,
            r["iterations"],
            r["residual"],
            r.get("replica_iterations_max", 0),
            r.get("replica_residual_max", 0.0),
        )
    for o in report.get("overlap_at_crossings", []):
        log.info(
            "overlap at the crossing L=%d/%d, T = %.5f: %.2f and %.2f of the nearest run's samples",
            o["L"],
            o["L2"],
            o["T_star"],
            o["a"]["fraction"],
            o["b"]["fraction"],
        )


def log_exponents(exps):
    for key in ("inv_nu", "gamma_over_nu", "beta_over_nu"):
        if key in exps:
            e = exps[key]
            log.info("%s %s = %.4f +- %.4f (pull %+.1f)", exps["method"], key, e["value"],
                     e["err"], e["pull"])  # fmt: skip


def cmd_ensemble(args):
    from isingml.analysis import jobs

    job = jobs.ensemble_job(args.method, args.features, args.t_range)
    write_crossings(args, job)
    log_reweighting(job.replicas)
    for r in job.rows:
        log.info(
            "%s crossing L=%d/%d: T_x = %.5f +- %.5f over %d networks",
            args.method,
            r["L"],
            r["L2"],
            r["T_star"],
            r["T_star_err"],
            r["n_networks"],
        )
    if "note" not in job.exponents:
        log_exponents(job.exponents)


def cmd_crossing(args):
    from isingml.analysis import jobs

    job = jobs.crossing_job(args.method, args.predictions, args.seed, lattice=lattice_of(args))
    write_outputs([(args.out, job.rows), (args.curves, job.curves)])
    for r in job.rows:
        log.info(
            "%s %s L=%s: T* = %.4f +- %.4f",
            args.method,
            r["window"],
            r["L"],
            r["T_star"],
            r["T_star_err"],
        )


def cmd_fss(args):
    from isingml.analysis import jobs
    from isingml.io import results

    result = jobs.fss_job(args.method, args.tc, args.tc_jackknife, lattice=lattice_of(args))
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
    from isingml.analysis import jobs
    from isingml.io import results

    merged = jobs.merge_exponents(args.inputs, args.fss)
    results.write_json(prepare_output(args.out), merged)
    log.info("exponents of %s -> %s", ", ".join(merged), args.out)


def cmd_compare(args):
    from isingml.analysis import jobs
    from isingml.io import results

    job = jobs.summary_job(
        args.fss, args.metrics, args.shortcut, args.exponents, lattice=lattice_of(args)
    )
    results.write_csv(prepare_output(args.out_csv), job.rows)
    results.write_text(prepare_output(args.out_md), job.markdown)
    log.info("summary of %d methods -> %s, %s", len(job.rows), args.out_csv, args.out_md)


def cmd_lattices(args):
    from isingml.analysis import jobs
    from isingml.io import results

    results.write_text(prepare_output(args.out), jobs.lattices_job(args.summaries))
    log.info("table of %d lattices -> %s", len(args.summaries), args.out)


def add_commands(sub):
    top = sub.add_parser("analyze", help="observables, crossings, finite-size scaling, summary")
    an = top.add_subparsers(dest="analysis", required=True)
    diagnostics.add_analyses(an)
    transfer.add_analyses(an)

    p = an.add_parser("observables", help="<|m|>, chi, C, U4 per T of one L, with errors")
    p.add_argument("--shards", nargs="+", required=True, help="shards of one L")
    p.add_argument("--out", required=True, help="e.g. results/observables/lattices/L32.csv")
    p.set_defaults(func=cmd_observables)

    p = an.add_parser(
        "binder",
        help="U4 crossings of pairs of sizes (L, 2L; successive sizes where fewer than two) on "
        "reweighted curves",
    )
    p.add_argument("--shards", nargs="+", required=True, help="the Binder grid's shards, all L")
    p.add_argument("--out", required=True, help="the crossings T_x(L, L2) to write, "
                   "results/tc/binder.csv")  # fmt: skip
    p.add_argument("--curves", help="also write the reweighted U4(T) of each L here")
    p.add_argument("--replicas", required=True, help=REPLICAS_OUT)
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
        "ensemble",
        help="crossings of an ensemble of networks' features: the Binder cumulant of their "
        "order parameter (cnn_binder) or their fixed points under decimation (rg)",
    )
    p.add_argument(
        "--method",
        required=True,
        choices=methods.ENSEMBLE_CROSSINGS,
        help="cnn_binder: crossings of the Binder cumulant U_phi of the networks' order "
        "parameter; rg: fixed points of their mean output under block-spin decimation; "
        "cnn_binder_transfer: cnn_binder's crossings of networks trained on another lattice "
        "(studies.transfer)",
    )
    p.add_argument("--features", nargs="+", required=True, help="`isingml features` files")
    p.add_argument("--out", required=True, help="the crossings to write, results/tc/{method}.csv")
    p.add_argument("--networks", help="also write each network's crossings here")
    p.add_argument("--curves", help="also write the reweighted ensemble-mean curves here")
    p.add_argument("--replicas", required=True, help=REPLICAS_OUT)
    p.add_argument("--exponents", help="cnn_binder: also write the networks' 1/nu here (.json)")
    p.add_argument(
        "--t-range",
        type=float,
        nargs=2,
        metavar=("T_MIN", "T_MAX"),
        help="seek the crossings here (default: the span of the features' temperatures)",
    )
    p.set_defaults(func=cmd_ensemble)

    p = an.add_parser("crossing", help="T*(L) where p(ordered) = 1/2, per window and size")
    p.add_argument("--method", required=True, help="name in the tables, e.g. cnn")
    p.add_argument(
        "--predictions",
        nargs="+",
        required=True,
        help="`isingml train --predictions` files of one model: every window, size and seed",
    )
    p.add_argument("--out", required=True, help="T*(L) per window to write, "
                   "results/tc/{method}.csv")  # fmt: skip
    p.add_argument("--curves", help="also write the averaged p(T) curves here")
    p.add_argument("--seed", type=int, default=0, help="root seed of the bootstrap of T*'s error")
    add_model_options(p, "the model, whose exact T_c scores the held-out accuracy")
    p.set_defaults(func=cmd_crossing)

    p = an.add_parser("fss", help="T_c(L -> infinity) from T*(L) or from pair crossings")
    p.add_argument(
        "--method",
        required=True,
        choices=[m.name for m in methods.METHODS],
        help="the method whose T*(L) or crossings --tc holds; it sets the extrapolation (pair "
        "crossings as L^-(1/nu + omega), T*(L) as T(inf) + a/L)",
    )
    p.add_argument("--tc", required=True, help="the method's T*(L) or crossings to read, "
                   "results/tc/{method}.csv")  # fmt: skip
    p.add_argument(
        "--tc-jackknife",
        help="for pair crossings: their jackknife replicas to read, results/tc/{method}."
        "jackknife.json (what `analyze binder`, `ensemble` or `pca` wrote with --replicas)",
    )
    p.add_argument("--out", required=True, help="the fit to write, results/fss/{method}.json")
    add_model_options(p, "the model, whose exact T_c the result names (never fitted)")
    p.set_defaults(func=cmd_fss)

    p = an.add_parser("exponents", help="merge the methods' exponents into one file")
    p.add_argument("--inputs", nargs="+", required=True, help="results/exponents/*.json")
    p.add_argument("--fss", nargs="*", default=[], help="results/fss/{method}.json, for the "
                   "covariance of T_c and the exponents (default: none)")  # fmt: skip
    p.add_argument("--out", required=True, help="results/fss/exponents.json")
    p.set_defaults(func=cmd_exponents)

    p = an.add_parser("compare", help="results/summary.csv and summary.md")
    p.add_argument("--fss", nargs="+", required=True, help="results/fss/{method}.json of "
                   "every method, one row each")  # fmt: skip
    p.add_argument("--metrics", nargs="*", default=[], help="metrics.json of every network "
                   "(default: none; the accuracy and training-time columns stay "
                   "empty)")  # fmt: skip
    p.add_argument("--shortcut", help="results/diagnostics/shortcut.csv (m0, T(m0), R^2)")
    p.add_argument("--exponents", help="results/fss/exponents.json (the nu column, exponents)")
    p.add_argument("--out-csv", required=True, help="the table to write, results/summary.csv")
    p.add_argument("--out-md", required=True, help="the text to write, results/summary.md")
    add_model_options(p, "the model, whose exact T_c the summary compares with")
    p.set_defaults(func=cmd_compare)

    p = an.add_parser("lattices", help="one markdown table across the runs of several lattices")
    p.add_argument("--summaries", nargs="+", required=True, help="each run's results/summary.csv"
                   " (e.g. benchmarks/results/lattices/*/summary.csv), a row each")  # fmt: skip
    p.add_argument("--out", required=True, help="the markdown table to write")
    p.set_defaults(func=cmd_lattices)
