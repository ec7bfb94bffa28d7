"""The README and docs/*.md stay true: every path they name exists (or is a run file the tiny
workflow makes), every number they quote is in a file they cite, the README stays short and in
order, and docs/layout.md names every module, rule file and profile, and nothing else."""

import fnmatch
import re
import subprocess
import sys

import pytest

from docs_text import (
    END,
    REPO,
    RUN_FILES,
    SOURCES_EVERYWHERE,
    START,
    as_glob,
    documents,
    is_run_file,
    named_paths,
    numbers,
    rel,
    resolve,
    sections,
    source_values,
    traced,
)

DOCS = documents()
README = REPO / "README.md"


@pytest.mark.parametrize("doc", DOCS, ids=rel)
def test_every_path_named_exists(doc):
    """A repository path names something in the repository; a run's path (results/, data/)
    matches one of docs_text.RUN_FILES, which the tiny workflow test finds in its run."""
    missing = []
    for heading, token in named_paths(doc):
        if is_run_file(token):
            if not any(fnmatch.fnmatchcase(as_glob(token), g) for g in RUN_FILES):
                missing.append(f"{heading}: {token} (a run file not in docs_text.RUN_FILES)")
        elif not resolve(doc, token):
            missing.append(f"{heading}: {token}")
    assert not missing, f"{rel(doc)} names what does not exist:\n" + "\n".join(missing)


def sources_of(doc, heading, text_paths):
    """The text of the files a section cites (directories: every text file under them), the
    inputs every section may quote, and the README's generated summary."""
    files = [REPO / p for p in SOURCES_EVERYWHERE]
    for token in text_paths:
        if is_run_file(token):
            continue
        for hit in resolve(doc, token):
            files += sorted(f for f in hit.rglob("*") if f.is_file()) if hit.is_dir() else [hit]
    texts = [README.read_text().split(START, 1)[1].split(END, 1)[0]]
    for f in files:
        try:
            texts.append(f.read_text())
        except UnicodeDecodeError:  # a figure or an archive: no numbers to quote from
            continue
    return texts


@pytest.mark.parametrize("doc", DOCS, ids=rel)
def test_every_number_quoted_is_in_a_file_the_section_cites(doc):
    """Each number outside code blocks and the generated summary comes from a file its section
    cites (a record of benchmarks/results/, the code, a test), from the configurations or
    physics.py, or from the run's summary: a number that changes there fails here until the text
    follows it, and a number with no source cannot be written."""
    paths = {}
    for heading, token in named_paths(doc):
        paths.setdefault(heading, []).append(token)
    untraced = []
    for heading, text in sections(doc):
        quoted = numbers(text)
        if not quoted:
            continue
        cited = paths.get(heading, [])
        values = set().union(*(source_values(t) for t in sources_of(doc, heading, cited)))
        untraced += [f"{heading}: {n} (cites {cited})" for n in quoted if not traced(n, values)]
    assert not untraced, (
        f"{rel(doc)} quotes numbers that no file its section cites holds (cite the record, or "
        "correct the number):\n" + "\n".join(untraced)
    )


def test_the_readme_is_short_and_opens_with_the_two_commands():
    text = README.read_text()
    assert len(text.splitlines()) <= 260
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split()[:2] for line in first_block.splitlines()] == [
        ["make", "run"],
        ["make", "test"],
    ]
    order = ["## What it computes", "## The result", START, "## Changing the sizes",
             "## GPU and SLURM", "## From Python", "## What the files are", "## Reproducibility",
             "## Documentation"]  # fmt: skip
    positions = [text.index(h) for h in order]
    assert positions == sorted(positions)


def test_the_readme_links_every_docs_page():
    text = README.read_text()
    for page in sorted((REPO / "docs").glob("*.md")):
        assert f"](docs/{page.name})" in text, page.name


def test_the_readme_shows_captioned_figures():
    """Each figure the README shows is followed by its caption (an italic paragraph)."""
    text = README.read_text()
    caption = r"\*(?:[^*\\]|\\.)+\*"  # italic; a literal * escaped as \*
    shown = re.findall(rf"^!\[[^\]]*\]\((docs/\w+\.png)\)\n\n{caption}$", text, flags=re.M)
    assert 2 <= len(shown) == len(re.findall(r"^!\[", text, flags=re.M)), shown


def layout_entries():
    """The paths docs/layout.md's tree names: entries (not wrapped descriptions), nested by
    indentation under their folders."""
    block = (REPO / "docs/layout.md").read_text().split("```\n", 1)[1].split("```", 1)[0]
    stack, out = [], []
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip())
        if not line.strip() or indent >= 20:  # a description's continuation
            continue
        name = line.split()[0]
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = "".join(p for _, p in stack) + name
        out.append(path)
        if name.endswith("/"):
            stack.append((indent, name))
    return out


def test_the_layout_names_every_module():
    named = set(layout_entries())
    missing = [
        p.relative_to(REPO).as_posix()
        for p in sorted((REPO / "src/isingml").rglob("*.py"))
        if p.name not in ("__init__.py", "__main__.py")
        and p.relative_to(REPO).as_posix() not in named
    ]
    assert not missing, f"docs/layout.md does not name: {missing}"


def test_every_rule_file_and_profile_is_in_the_layout():
    named = set(layout_entries())
    for path in sorted((REPO / "workflow/rules").glob("*.smk")):
        assert f"workflow/rules/{path.name}" in named, path.name
    for path in sorted((REPO / "profiles").iterdir()):
        assert f"profiles/{path.name}/" in named, path.name


def test_everything_named_in_the_layout_exists():
    gone = []
    for entry in layout_entries():
        for name in entry.split(", "):
            if name.rstrip("/") in ("data", "results") or name.endswith(","):
                continue
            if not list(REPO.glob(name.rstrip("/"))):
                gone.append(name)
    assert not gone, f"docs/layout.md names what does not exist: {gone}"


def test_every_benchmark_script_starts():
    """Each script in benchmarks/ answers --help. A script's folder comes first on sys.path, so
    a benchmark named like a library (benchmarks/coverage.py once was) shadows it and breaks
    the others (Numba's coverage support imported our file instead of the package)."""
    scripts = sorted((REPO / "benchmarks").glob("*.py"))
    assert scripts
    for script in scripts:
        res = subprocess.run([sys.executable, str(script), "--help"], capture_output=True,
                             text=True, timeout=120)  # fmt: skip
        assert res.returncode == 0 and "usage" in res.stdout, (script.name, res.stderr[-1500:])
