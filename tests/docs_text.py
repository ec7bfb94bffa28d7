"""What the README and docs/*.md name and quote, read for tests/test_docs.py, and the run files
they may name, which tests/test_workflow.py finds in the finished tiny run.

A *path* is a token of an inline code span or a link target that starts at a folder of the
repository (``benchmarks/``, ``src/``, ...), a package of ``src/isingml`` (``analysis/``, ...),
``isingml/``, or the run's ``results/`` and ``data/``; or a bare file name ending in ``.py``,
``.smk``, ``.txt``, ``.md``, ``.rst`` or ``.sh``. ``{name}`` and ``<name>`` are placeholders.

A *number* is a decimal (``2.2694``), a clock time (``5:59``) or an integer of three or more
digits (``160,000``; years 1900-2099 are citations, not numbers), anywhere in the prose: fenced
code blocks (run by the tests or typed by the user), paths, URLs and the generated summary block
are left out. Sources: the files a section (the text under one heading) names as paths or in a
``<!-- source: PATH -->`` comment, plus the inputs every section may quote (SOURCES_EVERYWHERE).
"""

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "src" / "isingml"
START, END = "<!-- summary:start -->", "<!-- summary:end -->"  # docs/update.py fills it
LATTICES = ("<!-- lattices:start -->", "<!-- lattices:end -->")  # and this, from the records

# Files of a run that the docs may name, as globs; the tiny workflow run must hold each.
RUN_FILES = (
    "data/lattices/L*/T*.h5",
    "data/critical/L*/T*.h5",
    "results/summary.csv",
    "results/summary.md",
    "results/fss/*.json",
    "results/fss/exponents.json",
    "results/exponents/*.json",
    "results/tc/*.csv",
    "results/tc/*.jackknife.json",
    "results/observables/lattices/L*.csv",
    "results/observables/critical/L*.csv",
    "results/binder/grid.json",
    "results/binder/curves.csv",
    "results/cnn_binder/curves.csv",
    "results/models/*/*/L*/seed*",
    "results/models/*/*/L*/seed*/params.npz",
    "results/models/*/*/L*/seed*/metrics.json",
    "results/predictions/*/*/L*/seed*.h5",
    "results/features/cnn/*/L*/seed*.h5",
    "results/diagnostics/shortcut.csv",
    "results/figures",
    "results/figures/*.png",
    "results/logs",
    "results/benchmarks",
    "results",
    "data",
)
# Inputs any section may quote: the configurations, the exact constants, the package's metadata.
SOURCES_EVERYWHERE = (
    "config.yaml",
    "workflow/configs/paper.yaml",
    "workflow/schemas/config.schema.yaml",
    "src/isingml/physics.py",
    "pyproject.toml",
)
RUN_ROOTS = ("results", "data")
NAMED_EXTENSIONS = (".py", ".smk", ".txt", ".md", ".rst", ".sh")
FILE_TOKEN = re.compile(
    r"^[\w.{}<>*…\-]+\.(py|smk|txt|md|rst|sh|yaml|json|csv|h5|npz|png|pdf|tsv)$"
)
NUMBER = re.compile(
    r"(?<![\w.,:/])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+:\d\d|\d{3,})(?![\w.:]\d|\w)"
)


def documents():
    return [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def rel(doc):
    return doc.relative_to(REPO).as_posix()


def without_generated(text):
    """The text without the blocks that ``make docs`` generates: the summary it copies from the
    default run, and the table across lattices it builds from the committed records."""
    for start, end in ((START, END), LATTICES):
        if start in text:
            head, rest = text.split(start, 1)
            text = head + rest.split(end, 1)[1]
    return text


def without_fences(text):
    return re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)


def sections(doc):
    """(heading, text) of each section of a document, the generated block and code left out."""
    text = without_fences(without_generated(doc.read_text()))
    parts = re.split(r"^(#{1,6} .*)$", text, flags=re.M)
    out = [("(top)", parts[0])]
    out += [(parts[i].strip(), parts[i + 1]) for i in range(1, len(parts) - 1, 2)]
    return out


def candidate_tokens(text):
    """Tokens of inline code spans and link targets (anchors dropped), and source comments."""
    spans = re.findall(r"`([^`\n]+)`", text)
    links = [t.split("#")[0] for t in re.findall(r"\]\(([^)\s]+)\)", text)]
    cited = re.findall(r"<!--\s*source:\s*(\S+)\s*-->", text)
    tokens = [tok.strip(",;:()'\"") for span in spans for tok in span.split()]
    return tokens + [t for t in links if t and "://" not in t] + cited


def package_dirs():
    return {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith("_")}


def top_level():
    return {p.name for p in REPO.iterdir() if not p.name.startswith(".")}


def is_path(token):
    if "://" in token or token.startswith("-"):
        return False
    if "/" in token:
        first = token.split("/", 1)[0]
        return first in top_level() | package_dirs() | {"isingml", *RUN_ROOTS, ".", ".."}
    return token.endswith(NAMED_EXTENSIONS) and FILE_TOKEN.match(token) is not None


def as_glob(token):
    return re.sub(r"\{[^}]*\}|<[^>]*>", "*", token).rstrip("/")


def is_run_file(token):
    return token.split("/", 1)[0] in RUN_ROOTS


def named_paths(doc):
    """(section heading, path token) of every path a document names outside code blocks."""
    out = []
    for heading, text in sections(doc):
        out += [(heading, t) for t in candidate_tokens(text) if is_path(t)]
    return out


def resolve(doc, token):
    """The repository files a (non-run) path names: relative to the repository, to the document's
    folder (links), or to ``src/isingml`` (``analysis/x.py``, ``isingml/x.py``); a bare name
    anywhere in the repository's tracked folders."""
    pattern = as_glob(token).removeprefix("isingml/")
    if "/" not in pattern:
        hits = [p for folder in ("src", "tests", "benchmarks", "workflow", "docs", "profiles")
                for p in (REPO / folder).rglob(pattern)]  # fmt: skip
        return hits + list(REPO.glob(pattern))
    for base in (REPO, doc.parent, PACKAGE):
        hits = list(base.glob(pattern)) if any(c in pattern for c in "*?[") else (
            [base / pattern] if (base / pattern).exists() else [])  # fmt: skip
        if hits:
            return hits
    return []


def numbers(text):
    """The numbers a prose text quotes, as written (sign dropped)."""
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # link targets
    words = [w for w in re.split(r"[\s`|]+", text) if not is_path(w.strip(",;:()'\"*"))]
    return [m.group(1) for m in NUMBER.finditer(" ".join(words)) if not is_year(m.group(1))]


def is_year(number):
    return re.fullmatch(r"(19|20)\d\d", number) is not None


def value(number):
    """(value, decimals) of a quoted number; a clock time m:ss in seconds, to the second."""
    if ":" in number:
        m, s = number.split(":")
        return 60 * int(m) + int(s), 0
    number = number.replace(",", "")
    return float(number), len(number.split(".")[1]) if "." in number else 0


def source_values(text):
    """Every number a source file holds, as floats (clock times m:ss as seconds)."""
    out = {float(60 * int(m) + int(s)) for m, s in re.findall(r"(?<![\d:])(\d+):(\d\d)", text)}
    for token in re.findall(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", text):
        out.add(float(token.replace(",", "")))
    for token in re.findall(r"\d+(?:\.\d+)?(?:[eE][-+]?\d+)?", text):
        out.add(float(token))
    return out


def traced(number, values):
    """Whether a source holds the quoted number, to the digits quoted (rounded)."""
    x, decimals = value(number)
    half = 0.5 * 10.0**-decimals + 1e-12
    return any(abs(abs(v) - x) <= half for v in values)
