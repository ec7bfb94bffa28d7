"""Copy a finished run's summary and key figures into docs/ and the README (``make docs``).

    python docs/update.py [--results results]

The README's summary table sits between the markers <!-- summary:start --> and
<!-- summary:end -->; it is replaced by the run's results/summary.md (without its title), and
the figures named in FIGURES are copied to docs/ as PNG, so that a reader sees the result of a
real run before running anything.
"""

import argparse
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIGURES = (
    "binder",
    "cnn_binder",
    "shortcut",
    "confusion",
    "tc_extrapolation",
    "collapse",
    "exponent_slopes",
)
START, END = "<!-- summary:start -->", "<!-- summary:end -->"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", default=str(ROOT / "results"))
    args = ap.parse_args()
    results = Path(args.results)
    summary = (results / "summary.md").read_text().split("\n", 1)[1].strip()
    readme = (ROOT / "README.md").read_text()
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    (ROOT / "README.md").write_text(f"{head}{START}\n{summary}\n{END}{tail}")
    for name in FIGURES:
        source = results / "figures" / f"{name}.png"
        if source.exists():
            shutil.copyfile(source, ROOT / "docs" / f"{name}.png")
            print(f"docs/{name}.png")
    print("README.md summary table updated")


if __name__ == "__main__":
    main()
