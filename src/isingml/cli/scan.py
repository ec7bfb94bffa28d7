"""``isingml scan``: place the Binder grid from a short scan (``binder.temperatures: auto``)."""

import logging

from isingml.cli.common import prepare_output, read_config

log = logging.getLogger("isingml")


def _job(args):
    from isingml.analysis.scan_job import ScanJob

    if args.job:
        return ScanJob.from_json(args.job)
    config = read_config(args.config)
    if config["binder"]["temperatures"] != "auto":
        log.info("%s lists binder.temperatures: the workflow runs no scan; scanning anyway",
                 args.config)  # fmt: skip
    return ScanJob.from_config(config)


def cmd_scan(args):
    from isingml import lattices
    from isingml.analysis import scan_job
    from isingml.io import results
    from isingml.sampling import job as sampling_job
    from isingml.sampling import sampler

    job = _job(args)
    lattice = lattices.get(job.lattice, job.couplings)
    out = prepare_output(args.out)
    settings = sampler.SamplerSettings(
        algorithm="multispin", n_thermalize=job.thermalize, grid="scan", lattice=lattice
    )

    def sample(L, T):
        a = sampling_job.sample_arrays(L, T, job.samples, job.seed, settings, spins=False)
        return a.energy, a.magnetization, int(a.attrs.get("n_replicas", 1))

    def report(L, T, u, err, c):
        log.info("scan L=%d T=%.4f U4=%.4f +- %.4f C=%.3f", L, T, u, err, c)

    result = scan_job.run(job, sample, report)
    results.write_json(out, result.to_dict())
    log.info("Binder grid: %s -> %s", result.describe(), out)


def add_commands(sub):
    p = sub.add_parser(
        "scan",
        help="place the Binder grid (binder.temperatures: auto): a short multi-spin scan of U4 "
        "at binder.scan.lattice_sizes on the networks' temperatures, the crossings located on "
        "it, the grid around them; writes the temperatures and how they were placed (JSON)",
    )
    given = p.add_mutually_exclusive_group(required=True)
    given.add_argument("--config", help="a config.yaml: its scan settings (defaults filled in)")
    given.add_argument("--job", help="the scan as JSON (the workflow's ScanJob parameter)")
    p.add_argument("--out", required=True, help="e.g. results/binder/grid.json")
    p.set_defaults(func=cmd_scan)
