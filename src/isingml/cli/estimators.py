"""``isingml confusion``, ``isingml features`` and ``isingml baseline``: the window-free
estimators' network work (a confusion scan for one (L, seed); one network's order parameter and
outputs on the Binder grid) and the magnetization baseline."""

import logging
from pathlib import Path

from isingml.cli.common import UserError, add_window_option, prepare_output
from isingml.cli.options import (
    add_jax_options,
    add_training_options,
    configure_jax,
    ensemble_configs,
    outputs_per_seed,
)

log = logging.getLogger("isingml")


def cmd_confusion(args):
    configure_jax(args)
    import numpy as np

    from isingml.io import datasets, results
    from isingml.learning import confusion

    cfgs = ensemble_configs(args, model="cnn")
    outs = outputs_per_seed(args.out, cfgs)
    lat = datasets.load_lattices(args.data, args.L, args.max_per_shard)
    curves = confusion.confusion_curves(
        cfgs, lat.spins, lat.T, tuple(args.range), args.epochs_per_point, args.epoch_loop
    )
    for cfg, curve, out in zip(cfgs, curves, outs, strict=True):
        arrays = {
            "proposals": curve.proposals,
            "accuracy": curve.accuracy,
            "correct": curve.correct.astype(np.uint8),
            "T_test": curve.T_test,
        }
        results.write_arrays(out, arrays, {"L": args.L, "seed": cfg.seed, "model": "cnn"})
        best = int(np.argmax(curve.accuracy))
        log.info(
            "confusion L=%d seed=%d: %d proposals in %s, accuracy %.3f-%.3f (max at T' = %.3f)"
            " -> %s",
            args.L,
            cfg.seed,
            curve.proposals.size,
            args.range,
            curve.accuracy.min(),
            curve.accuracy.max(),
            curve.proposals[best],
            out,
        )


def cmd_features(args):
    configure_jax(args)
    import numpy as np

    from isingml import seeds
    from isingml.io import results, shards
    from isingml.learning import features, store
    from isingml.learning.epoch import members_axis
    from isingml.learning.predict import eval_axis
    from isingml.windows import window_attr

    if len(args.out) != len(args.model_dir):
        raise UserError(
            f"{len(args.model_dir)} --model-dir folders but {len(args.out)} --out files; give "
            "one output per network"
        )
    loaded = [store.load_network(d, need_order_parameter="order parameter") for d in args.model_dir]
    graphdef, stacked = features.stack_networks([(m, s) for m, s, _ in loaded], args.model_dir)
    outs = [prepare_output(o) for o in args.out]
    axis = eval_axis(loaded[0][1].name, members_axis(loaded[0][1].name))
    if axis == "kernel" and args.threads:  # the Numba kernel takes the job's share of cores
        import numba

        numba.set_num_threads(max(1, min(args.threads, numba.config.NUMBA_NUM_THREADS)))
    blocks = [[] for _ in loaded]
    for path in args.shards:
        s = shards.read_shard(path)
        k = s.spins.shape[0] if args.max_per_shard is None else args.max_per_shard
        k = min(k, s.spins.shape[0])
        shards.require_spins(path, s.attrs, max(k, 1))
        shared = {
            "L": s.L,
            "T": s.T,
            "energy": s.energy[:k],
            "source": str(path),
            "n_replicas": int(s.attrs.get("n_replicas", 1)),
            "interval": float(s.attrs["interval"]),
        }
        # tie-breaks of the decimations seeded by the shard's own spawn key: every network
        # sees the same ones
        rng = np.random.default_rng(seeds.decimation(s.attrs["seed"], s.attrs["spawn_key"]))
        native = args.native_below is None or s.L < args.native_below
        per_net = features.ensemble_features(
            graphdef, stacked, s.spins[:k], rng, native, members=axis
        )
        for net_blocks, outputs in zip(blocks, per_net, strict=True):
            net_blocks.append({**shared, **outputs})
    for (_, spec, cfg), folder, out, net_blocks in zip(
        loaded, args.model_dir, outs, blocks, strict=True
    ):
        verdict = results.read_json(Path(folder) / "metrics.json").get("quality", {})
        attrs = {
            "learned": int(verdict.get("learned", True)),
            "problems": "; ".join(verdict.get("problems", [])),
            "model": spec.name,
            "L_train": spec.L,
            "seed": cfg.seed,
            "model_dir": str(folder),
            "window": window_attr(cfg.window),
        }
        results.write_features(out, net_blocks, attrs)
    log.info("%d networks on %d shards -> %s", len(loaded), len(args.shards), ", ".join(args.out))


def cmd_baseline(args):
    from isingml.io import datasets, results
    from isingml.learning import baseline
    from isingml.windows import window_name

    cfgs = ensemble_configs(args, model="cnn")  # labels, split and bootstrap as the networks'
    outs = outputs_per_seed(args.out, cfgs)
    lat = datasets.load_lattices(args.data, args.L, args.max_per_shard)
    for cfg, out in zip(cfgs, outs, strict=True):
        columns, attrs, a, m0 = baseline.baseline_table(cfg, lat.spins, lat.T)
        results.write_predictions(out, columns, {**attrs, "model_dir": str(out.parent)})
        log.info(
            "magnetization baseline L=%d %s seed=%d: m0 = %.4f, slope %.1f -> %s",
            args.L,
            window_name(cfg.window),
            cfg.seed,
            m0,
            a,
            out,
        )


def add_commands(sub):
    p = sub.add_parser("confusion", help="learning by confusion: held-out accuracy per T'")
    add_jax_options(p)
    p.add_argument("--data", required=True, nargs="+", help="shards, or a folder, of one L")
    p.add_argument(
        "--out",
        required=True,
        nargs="+",
        help="output .h5 (proposals, accuracy, outcomes), one per seed (--seed or --seeds)",
    )
    p.add_argument(
        "--range",
        type=float,
        nargs=2,
        required=True,
        metavar=("T_MIN", "T_MAX"),
        help="propose boundaries between the grid's temperatures in this range",
    )
    p.add_argument(
        "--epochs-per-point",
        type=int,
        default=2,
        help="epochs trained at each proposed boundary (warm start)",
    )
    add_training_options(p)
    p.set_defaults(func=cmd_confusion)

    p = sub.add_parser("baseline", help="the magnetization baseline: logistic regression on |m|")
    p.add_argument("--data", required=True, nargs="+", help="shards, or a folder, of one L")
    add_window_option(p)
    p.add_argument("--out", required=True, nargs="+", help="output predictions .h5, one per seed")
    add_training_options(p)
    p.set_defaults(func=cmd_baseline)

    p = sub.add_parser(
        "features",
        help="CNNs' order parameter phi on the Binder grid (for cnn_binder), all networks in "
        "one pass",
    )
    add_jax_options(p)
    p.add_argument(
        "--model-dir",
        required=True,
        nargs="+",
        help="folders written by `isingml train`, of one architecture",
    )
    p.add_argument("--shards", required=True, nargs="+", help="Binder-grid shards, any sizes")
    p.add_argument("--out", required=True, nargs="+", help="output .h5, one per --model-dir")
    p.add_argument("--max-per-shard", type=int, help="use at most the first N configurations")
    p.add_argument(
        "--native-below",
        type=int,
        help="evaluate the configurations themselves only for L below this (the largest size is "
        "needed only decimated: its native evaluation is the costliest); always evaluated on "
        "their block-spin decimations by 2 and 4",
    )
    p.set_defaults(func=cmd_features)
