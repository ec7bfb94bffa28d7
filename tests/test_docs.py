"""The README's layout section stays true to the code: every module, rule file and profile the
package ships is named there, and nothing named there is missing."""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def layout_block():
    text = (REPO / "README.md").read_text()
    section = text.split("## Layout", 1)[1]
    return section.split("```", 2)[1]


def test_every_module_is_in_the_layout():
    block = layout_block()
    missing = []
    for path in sorted((REPO / "src/isingml").rglob("*.py")):
        if path.name in ("__init__.py", "__main__.py"):
            continue
        rel = path.relative_to(REPO / "src/isingml")
        if rel.parent.name in ("cli", "plots"):  # listed as packages
            continue
        if not re.search(rf"\b{re.escape(path.name)}\b", block):
            missing.append(str(rel))
    assert not missing, f"README layout does not name: {missing}"


def test_every_rule_file_and_profile_is_in_the_layout():
    block = layout_block()
    for path in sorted((REPO / "workflow/rules").glob("*.smk")):
        assert f"rules/{path.name}" in block, path.name
    for path in sorted((REPO / "profiles").iterdir()):
        assert f"profiles/{path.name}/" in block, path.name


def test_everything_named_in_the_layout_exists():
    block = layout_block()
    for name in re.findall(r"^\s+(\w+\.py)\b", block, flags=re.M):
        hits = list((REPO / "src/isingml").rglob(name))
        assert hits, f"README layout names {name}, which does not exist"


def test_every_benchmark_script_starts():
    """Each script in benchmarks/ answers --help. A script's folder comes first on sys.path, so
    a benchmark named like a library (benchmarks/coverage.py once was) shadows it and breaks
    the others (Numba's coverage support imported our file instead of the package)."""
    import subprocess
    import sys

    scripts = sorted((REPO / "benchmarks").glob("*.py"))
    assert scripts
    for script in scripts:
        res = subprocess.run([sys.executable, str(script), "--help"], capture_output=True,
                             text=True, timeout=120)  # fmt: skip
        assert res.returncode == 0 and "usage" in res.stdout, (script.name, res.stderr[-1500:])
