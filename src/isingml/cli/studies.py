"""``isingml efficiency`` and ``isingml inspect``: one run of the data-efficiency study, and what
a trained network's filters see."""

import logging
from pathlib import Path

from isingml.cli.common import add_window_option, positive_int, prepare_output
from isingml.cli.options import add_jax_options, add_training_options, configure_jax, train_config

log = logging.getLogger("isingml")
# the study's models: "cnn_d4" is the CNN trained with the 8 symmetries of the square as
# augmentation, to set against the ECNN, which has them built in
STUDY_MODELS = ("fcn", "cnn", "cnn_d4", "ecnn")


def cmd_efficiency(args):
    configure_jax(args)
    from isingml.analysis.efficiency import run_T_star
    from isingml.io import datasets, results
    from isingml.learning import data, models, run, store, train

    args.augment_d4 = args.augment_d4 or args.model == "cnn_d4"
    args.no_resample = True  # the set size is the study's variable: no bootstrap on top
    cfg = train_config(args, model="cnn" if args.model == "cnn_d4" else args.model)
    out = Path(args.out)
    prepare_output(out / "row.json")
    lat = datasets.load_lattices(args.data, args.L, args.max_per_shard)
    codes = run.plan_member(cfg, lat.T).split.codes
    keep = data.training_subset(lat.T, codes, args.per_temperature, cfg)
    member = train.train_ensemble([cfg], lat.spins, lat.T, args.epoch_loop, [keep])[0]
    model, metrics = member.model, member.metrics
    row = {
        "model": args.model,
        "L": args.L,
        "seed": args.seed,
        "per_temperature": args.per_temperature,
        "n_params": models.count_params(model),
        "accuracy_test": metrics["accuracy"]["test"],
        "accuracy_critical": metrics["accuracy"]["critical"],
        "T_star": run_T_star(lat.T, member.logits),
        "epochs": len(metrics["epochs"]),
        "seconds": metrics["wall_seconds"],
    }
    store.save_network(out, member, cfg, data.data_record(lat.spins, lat.T, lat.paths, lat.counts))
    results.write_json(out / "row.json", row)
    log.info(
        "%s L=%d seed=%d, %d per T: accuracy %.3f, T* = %.4f -> %s",
        args.model,
        args.L,
        args.seed,
        args.per_temperature,
        row["accuracy_test"],
        row["T_star"],
        out,
    )


def cmd_inspect(args):
    configure_jax(args)
    import numpy as np

    from isingml.io import atomic, shards
    from isingml.learning import inspect, store

    folder = Path(args.model_dir)
    model, spec, _ = store.load_network(folder, need_order_parameter="convolutional filters")
    loaded = [shards.read_shard(p) for p in args.shards]
    x = np.stack([s.spins[-1] for s in loaded])  # the last stored configuration of each
    out = {
        "filters": inspect.first_layer_filters(model),
        "configurations": x,
        "activations": inspect.activation_maps(model, x),
        "saliency": inspect.saliency(model, x),
        "T": np.array([s.T for s in loaded]),
        "model": np.array(spec.name),
    }
    with atomic.atomic_output(prepare_output(args.out)) as tmp:
        with open(tmp, "wb") as f:
            np.savez(f, **out)
    log.info(
        "%s: %d filters on %d configurations -> %s", folder, len(out["filters"]), len(x), args.out
    )


def add_commands(sub):
    p = sub.add_parser("efficiency", help="one run of the data-efficiency study")
    add_jax_options(p)
    p.add_argument("--model", required=True, choices=STUDY_MODELS)
    add_window_option(p, required=True)
    p.add_argument(
        "--per-temperature",
        type=positive_int,
        required=True,
        help="training configurations per trained temperature",
    )
    p.add_argument("--data", required=True, nargs="+", help="shards, or a folder, of one L")
    p.add_argument(
        "--out", required=True, help="output folder: the network (as `isingml train`), row.json"
    )
    add_training_options(p)
    p.set_defaults(func=cmd_efficiency)

    p = sub.add_parser("inspect", help="a network's first-layer filters, activations, saliency")
    add_jax_options(p)
    p.add_argument("--model-dir", required=True, help="a folder written by `isingml train`")
    p.add_argument("--shards", required=True, nargs="+", help="e.g. below, at and above T_c")
    p.add_argument("--out", required=True, help="output .npz")
    p.set_defaults(func=cmd_inspect)
