"""``isingml analyze confusion-peaks``, ``shortcut``, ``pca`` and ``efficiency``: the confusion
scans' peaks per size, what the window-trained networks measure (a threshold on |m|), the PCA
study and the data-efficiency table. Each calls one job of ``isingml.analysis.jobs``."""

import logging

from isingml.cli.common import prepare_output, write_outputs
from isingml.cli.simulate import add_model_options, lattice_of

log = logging.getLogger("isingml")
# The jobs (NumPy, SciPy, h5py) are imported inside each command: every `isingml` command,
# the training jobs among them, would otherwise pay their second of import time at start-up.


def cmd_confusion_peaks(args):
    from isingml.analysis import jobs

    job = jobs.confusion_peaks_job(args.curves, args.seed)
    write_outputs([(args.out, job.rows), (args.accuracy, job.curves)])
    for r in job.rows:
        log.info(
            "confusion L=%d: T'_peak = %.4f +- %.4f (%d seeds)",
            r["L"],
            r["T_star"],
            r["T_star_err"],
            r["n_seeds"],
        )


def cmd_shortcut(args):
    from isingml.analysis import jobs
    from isingml.io import results

    rows = jobs.shortcut_job(args.predictions, lattice=lattice_of(args))
    results.write_csv(prepare_output(args.out), rows)
    for r in rows:
        log.info(
            "%s %s L=%d seed %d: R^2(p ~ |m|) = %.3f, m0 = %.3f",
            r["model"],
            r["window"],
            r["L"],
            r["seed"],
            r["R2"],
            r["m0"],
        )


def cmd_pca(args):
    from isingml.analysis import jobs
    from isingml.io import results

    job = jobs.pca_job(args.shards, args.wide)
    found = job.crossings
    write_outputs(
        [
            (args.out, found.rows),
            (args.replicas, found.replicas),
            (args.curves, found.curves),
            (args.variance, job.variance),
        ]
    )
    results.write_npz(prepare_output(args.components), job.components)
    for r in found.rows:
        log.info(
            "pca crossing L=%d/%d: T_x = %.5f +- %.5f",
            r["L"],
            r["L2"],
            r["T_star"],
            r["T_star_err"],
        )


def cmd_efficiency_table(args):
    from isingml.analysis import jobs
    from isingml.io import results

    rows = jobs.efficiency_job(args.rows)
    results.write_csv(prepare_output(args.out), rows)
    for r in rows:
        log.info(
            "%s, %d per T: accuracy %.3f +- %.3f, T* scatter %.4f (%d seeds)",
            r["model"],
            r["per_temperature"],
            r["accuracy_test"],
            r["accuracy_test_err"],
            r["T_star_scatter"],
            r["n_seeds"],
        )


def add_analyses(an):
    p = an.add_parser("confusion-peaks", help="the middle peak of the confusion W per size")
    p.add_argument("--curves", nargs="+", required=True, help="`isingml confusion` outputs")
    p.add_argument("--out", required=True, help="results/tc/confusion.csv")
    p.add_argument("--accuracy", help="also write the seed-averaged W curves here")
    p.add_argument("--seed", type=int, default=0, help="root seed of the bootstrap")
    p.set_defaults(func=cmd_confusion_peaks)

    p = an.add_parser("pca", help="principal components; Binder crossings of the first one")
    p.add_argument("--shards", nargs="+", required=True, help="the Binder grid's shards")
    p.add_argument("--wide", nargs="+", required=True, help="network-grid shards of one L")
    p.add_argument("--out", required=True, help="results/tc/pca.csv")
    p.add_argument("--replicas", required=True, help="the crossings' jackknife replicas to "
                   "write (.json), which `analyze fss --tc-jackknife` reads")  # fmt: skip
    p.add_argument("--curves", required=True, help="the reweighted U of the projections")
    p.add_argument("--variance", required=True, help="variance fraction on PC1 per T")
    p.add_argument("--components", required=True, help="the components (.npz)")
    p.set_defaults(func=cmd_pca)

    p = an.add_parser("efficiency", help="the data-efficiency study's table")
    p.add_argument("--rows", nargs="+", required=True, help="`isingml efficiency` outputs")
    p.add_argument("--out", required=True, help="results/diagnostics/data_efficiency.csv")
    p.set_defaults(func=cmd_efficiency_table)

    p = an.add_parser("shortcut", help="R^2 of p(ordered) against |m| and the threshold m0")
    p.add_argument("--predictions", nargs="+", required=True, help="networks on their own L")
    p.add_argument("--out", required=True, help="results/diagnostics/shortcut.csv")
    add_model_options(p, "the model, whose exact m(T) gives T(m0)")
    p.set_defaults(func=cmd_shortcut)
