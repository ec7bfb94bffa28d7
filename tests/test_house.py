"""The rules of the house (shared/ARCHITECTURE.md, "Layout"), checked on the source: which
package may import which, one home for lists and streams, no module over 300 lines."""

import ast
from pathlib import Path

import pytest

from isingml import methods, seeds
from isingml.sampling import GRIDS

SRC = Path(__file__).resolve().parents[1] / "src" / "isingml"


def imported(path):
    """The isingml modules one file imports (absolute, at any depth of the file)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("isingml"):
            out |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
        elif isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.startswith("isingml")}
    return out


def package_of(name):
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


# package -> the packages it must never import
FORBIDDEN = {
    "sampling": {"learning", "analysis", "plots", "cli", "io"},
    "analysis": {"learning", "plots", "cli"},
    "plots": {"learning", "cli", "sampling"},
    "io": {"learning", "analysis", "plots", "cli", "sampling"},
    "learning": {"cli", "plots"},
}
# modules below every package: they import none of them
BOTTOM = ("seeds", "physics", "numerics", "statistics", "methods", "errors", "windows")


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layering(package):
    bad = []
    for path in sorted((SRC / package).rglob("*.py")):
        for name in imported(path):
            if package_of(name) in FORBIDDEN[package]:
                bad.append(f"{path.relative_to(SRC)} imports {name}")
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("module", BOTTOM)
def test_the_bottom_of_the_house_imports_no_package(module):
    packages = {"sampling", "learning", "analysis", "plots", "cli", "io"}
    names = imported(SRC / f"{module}.py")
    assert not {n for n in names if package_of(n) in packages}, names


def test_no_module_over_300_lines():
    long = {str(p.relative_to(SRC)): n for p in SRC.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 300}  # fmt: skip
    assert not long, long


def test_every_grid_has_its_frozen_stream_key():
    """seeds.py keys a shard's stream by its grid's name through a frozen table: a grid the
    sampler takes without a key there would fail at the first shard."""
    assert set(GRIDS) <= set(seeds.GRID_KEYS)


def test_the_method_registry_is_consistent():
    names = [m.name for m in methods.METHODS]
    assert len(names) == len(set(names))
    assert set(methods.ENSEMBLE_CROSSINGS) <= {m.name for m in methods.METHODS if m.sidecar}
    assert set(methods.WINDOW_FREE_METHODS) <= set(names) and methods.BASELINE in names
    assert {m.name for m in methods.METHODS if m.exponents} <= set(methods.ENSEMBLE_CROSSINGS) | {
        "binder"
    }
