# Two entry points: `make run` (the full pipeline) and `make test` (the whole suite).
# Each creates .venv and installs the package first, so a fresh clone needs only Python >= 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(abspath $(VENV))/bin
STAMP := $(VENV)/.installed-stamp
# Rules call the `isingml` command, so the venv's bin/ goes first on PATH.
export PATH := $(BIN):$(PATH)

.PHONY: run test test-fast lint docs clean-results

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/snakemake --cores all --profile profiles/default

# The whole suite: what CI runs (.ci/run), under 15 minutes on 2 cores.
test: $(STAMP)
	$(BIN)/python -m pytest

# The inner loop, under 3 minutes: unit and exact-physics tests, without the tests marked slow
# (statistical sampling, longer network trainings), the end-to-end workflow and the SLURM cluster.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not slow and not workflow and not slurm"

# After `make run`: copy its summary table into the README and its key figures into docs/.
docs: $(STAMP)
	$(BIN)/python docs/update.py

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks docs
	$(BIN)/ruff format --check src tests benchmarks docs
	$(BIN)/snakefmt --check Snakefile workflow/rules
	$(BIN)/snakemake --lint

clean-results:
	rm -rf results .snakemake/incomplete
