"""``isingml analyze confusion`` and ``isingml analyze shortcut``: the confusion scans' peaks
per size, and what the window-trained networks measure (a threshold on |m|)."""

import logging

from isingml.cli.common import prepare_output, write_ensemble_tables

log = logging.getLogger("isingml")


def cmd_confusion_peaks(args):
    import numpy as np

    from isingml import seeds
    from isingml.analysis import confusion
    from isingml.io import results

    curves = {}
    for path in args.curves:
        arrays, attrs = results.read_arrays(path)
        curves.setdefault(int(attrs["L"]), []).append(
            (arrays["proposals"], arrays["correct"].astype(bool))
        )
    rng = np.random.default_rng(seeds.confusion_bootstrap(args.seed))
    rows, accuracy = confusion.size_rows(curves, rng)
    results.write_csv(prepare_output(args.out), rows)
    if args.accuracy:
        results.write_csv(prepare_output(args.accuracy), accuracy)
    for r in rows:
        log.info(
            "confusion L=%d: T'_peak = %.4f +- %.4f (%d seeds)",
            r["L"],
            r["T_star"],
            r["T_star_err"],
            r["n_seeds"],
        )


def cmd_shortcut(args):
    from isingml.analysis import shortcut
    from isingml.io import results

    rows = shortcut.shortcut_rows([results.read_predictions(p) for p in args.predictions])
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


def cmd_rg(args):
    from isingml.analysis import order_parameters
    from isingml.io import results

    sets = [results.read_features(p) for p in args.features]
    rows, per_network, curves, replicas = order_parameters.rg_analysis("rg", sets)
    write_ensemble_tables(args, rows, per_network, curves, replicas)
    for r in rows:
        log.info(
            "rg fixed point L=%d (from %d): T = %.5f +- %.5f",
            r["L"],
            r["L2"],
            r["T_star"],
            r["T_star_err"],
        )


def cmd_pca(args):
    import numpy as np

    from isingml.analysis import pca
    from isingml.io import atomic, datasets, results, shards

    critical = [shards.read_shard(p) for p in args.shards]
    for s in critical:
        shards.require_spins(s.path, s.attrs, 64)
    rows, curves, components, replicas = pca.pca_analysis(critical)
    results.write_csv(prepare_output(args.out), rows)
    results.write_json(prepare_output(args.replicas), replicas)
    results.write_csv(prepare_output(args.curves), curves)
    wide = datasets.load_lattices(args.wide)
    flat = wide.spins.reshape(wide.spins.shape[0], -1)
    v = pca.orient(pca.first_component(flat)[0])
    results.write_csv(prepare_output(args.variance), pca.variance_fractions(wide.spins, wide.T, v))
    arrays = {f"L{L}": c.reshape(L, L) for L, c in components.items()}
    arrays[f"wide_L{wide.spins.shape[1]}"] = v.reshape(wide.spins.shape[1], -1)
    with atomic.atomic_output(prepare_output(args.components)) as tmp:
        with open(tmp, "wb") as f:
            np.savez(f, **arrays)
    for r in rows:
        log.info(
            "pca crossing L=%d/%d: T_x = %.5f +- %.5f",
            r["L"],
            r["L2"],
            r["T_star"],
            r["T_star_err"],
        )


def cmd_efficiency_table(args):
    from isingml.analysis.efficiency import efficiency_table
    from isingml.io import results

    rows = efficiency_table([results.read_json(p) for p in args.rows])
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
    p = an.add_parser("confusion", help="the middle peak of the confusion W per size")
    p.add_argument("--curves", nargs="+", required=True, help="`isingml confusion` outputs")
    p.add_argument("--out", required=True, help="results/tc/confusion.csv")
    p.add_argument("--accuracy", help="also write the seed-averaged W curves here")
    p.add_argument("--seed", type=int, default=0, help="root seed of the bootstrap")
    p.set_defaults(func=cmd_confusion_peaks)

    p = an.add_parser("rg", help="fixed points of the networks under block-spin decimation")
    p.add_argument("--features", nargs="+", required=True, help="`isingml features` files")
    p.add_argument("--out", required=True, help="results/tc/rg.csv")
    p.add_argument("--networks", help="also write each network's fixed points here")
    p.add_argument("--curves", help="also write <p>(T) native and decimated here")
    p.add_argument("--replicas", required=True, help="the crossings' jackknife sidecar (.json)")
    p.set_defaults(func=cmd_rg)

    p = an.add_parser("pca", help="principal components; Binder crossings of the first one")
    p.add_argument("--shards", nargs="+", required=True, help="the Binder grid's shards")
    p.add_argument("--wide", nargs="+", required=True, help="network-grid shards of one L")
    p.add_argument("--out", required=True, help="results/tc/pca.csv")
    p.add_argument("--replicas", required=True, help="the crossings' jackknife sidecar (.json)")
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
    p.set_defaults(func=cmd_shortcut)
