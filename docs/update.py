"""Copy a finished run's summary and key figures into docs/ and the README (``make docs``).

    python docs/update.py [--results results]

The README's summary table sits between the markers <!-- summary:start --> and
<!-- summary:end -->; it is replaced by the run's results/summary.md (without its title). Every
figure the README and the docs/ pages show (docs/NAME.png) is drawn again from that same run's
results files with the current plotting code (and the exact T_c of the run's lattice), PNG at
300 dpi, so that the figures and the numbers beside them come from one run; a figure the run
cannot draw stops the update. Where records of runs on other lattices are committed
(benchmarks/results/lattices/<name>/summary.csv), one table across them goes between
<!-- lattices:start --> and <!-- lattices:end -->.
"""

import argparse
import json
import re
import shutil
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START, END = "<!-- summary:start -->", "<!-- summary:end -->"
LATTICES = ("<!-- lattices:start -->", "<!-- lattices:end -->")
RECORDS = ROOT / "benchmarks" / "results" / "lattices"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", default=str(ROOT / "results"))
    args = ap.parse_args()
    results = Path(args.results)
    summary = (results / "summary.md").read_text().split("\n", 1)[1].strip()
    readme = (ROOT / "README.md").read_text()
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    tail = with_lattices_table(tail)
    names = figures_shown(readme)
    with tempfile.TemporaryDirectory() as tmp:  # every figure drawn before anything is written
        draw_figures(results.parent, names, Path(tmp))
        for name in names:
            shutil.copyfile(Path(tmp) / f"{name}.png", ROOT / "docs" / f"{name}.png")
            print(f"docs/{name}.png")
    (ROOT / "README.md").write_text(f"{head}{START}\n{summary}\n{END}{tail}")
    print("README.md summary table updated")


def with_lattices_table(text):
    """``text`` with the table across lattices (``isingml analyze lattices``' table, from the
    committed records) between the lattices markers; unchanged where there are no records."""
    from isingml.analysis import jobs

    records = sorted(RECORDS.glob("*/summary.csv"))
    if not records or LATTICES[0] not in text:
        return text
    head, rest = text.split(LATTICES[0], 1)
    _, tail = rest.split(LATTICES[1], 1)
    table = jobs.lattices_job(records)
    print(f"README.md table across {len(records)} lattices updated")
    intro = (
        "### Across lattices\n\nThe same estimators on each lattice, one run each, from the "
        "records in `benchmarks/results/lattices/` (each run's results/summary.csv):\n\n"
    )
    return f"{head}{LATTICES[0]}\n\n{intro}{table}{LATTICES[1]}{tail}"


def figures_shown(readme):
    """The figures the README and the docs/ pages show, in order: each docs/NAME.png the
    README names, and each NAME.png a page beside them links to."""
    names = re.findall(r"docs/([\w-]+)\.png", readme)
    for page in sorted((ROOT / "docs").glob("*.md")):
        names += re.findall(r"\]\(([\w-]+)\.png\)", page.read_text())
    return list(dict.fromkeys(names))


def draw_figures(run, names, out):
    """Draw each figure of ``names`` from the results of the run in folder ``run`` (its
    config.yaml, and the Binder grid its scan placed) into ``out``/NAME.png."""
    import yaml

    from isingml import config as cfg
    from isingml import lattices
    from isingml.layout import GRID_JSON, Layout
    from isingml.plots import registry

    config = cfg.resolved(yaml.safe_load((run / "config.yaml").read_text()) or {})
    lattice = lattices.from_config(config)
    grid = run / GRID_JSON
    layout = Layout(config, json.loads(grid.read_text()) if grid.exists() else None)
    jobs = {**layout.figures(), **layout.figures(studies=True, everything=True)}
    for name in names:
        if name not in jobs:
            raise SystemExit(f"README.md shows docs/{name}.png: no figure of the run in {run}")
        job = jobs[name]
        given = {k: [str(run / f) for f in files] for k, files in job.inputs.items()}
        figure = next(k for k, f in registry.FIGURES.items() if f is job.figure)
        registry.draw(figure, given, out / f"{name}.png", lattice=lattice)


if __name__ == "__main__":
    main()
