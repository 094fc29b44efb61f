# The two commands: `make run` and `make test`. Everything else they need is set up here.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1
# Downloaded UN files the public record (data/public/) is written from by `make public-record`.
REFDATA ?= ../shared/refdata
UNTC_PAGES := $(wildcard $(REFDATA)/raw/untc_status_2026-02-03/*.html.gz)
UNDL_VOTES := $(wildcard $(REFDATA)/undl/ga_voting_mine_cluster.csv)

# Dependencies install from uv.lock (exact versions with hashes for every Python from 3.11 on), by
# uv, pinned here and bootstrapped into the virtual environment with pip from PyPI.
UV_VERSION := 0.13.9
UV_STAMP := $(BIN)/.uv-$(UV_VERSION)
UV := UV_PROJECT_ENVIRONMENT=$(abspath $(VENV)) UV_PYTHON_DOWNLOADS=never $(BIN)/uv

.PHONY: run test lint lint-openapi dockerlint check migrate load public-record bench-read bench-import \
	bench-cold bench-scale bench-soak bench-bulk bench-agreement clean venv bench-venv lock lock-check

$(UV_STAMP):
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	touch $@

# The project (editable) and its runtime and dev dependencies, exactly as uv.lock has them;
# fails when uv.lock no longer matches pyproject.toml.
$(BIN)/.installed: pyproject.toml uv.lock $(UV_STAMP)
	$(UV) sync --locked --extra dev
	touch $@

venv: $(BIN)/.installed

# The bench extra (sqlite-utils, Datasette) on top, for the bench targets only.
$(BIN)/.installed-bench: $(BIN)/.installed
	$(UV) sync --locked --extra dev --extra bench
	touch $@

bench-venv: $(BIN)/.installed-bench

# Rewrites uv.lock for pyproject.toml, keeping the versions it still allows; a newer release
# goes in by LOCK_ARGS='--upgrade' (everything) or LOCK_ARGS='--upgrade-package fastapi'.
lock: $(UV_STAMP)
	$(UV) lock $(LOCK_ARGS)

lock-check: $(UV_STAMP)
	@$(UV) lock --check || { echo 'uv.lock does not match pyproject.toml: run make lock' >&2; exit 1; }

migrate: venv
	$(BIN)/python -m app migrate

load: migrate
	$(BIN)/python -m app load

public-record: venv
	$(BIN)/python -m app export public-record $(UNTC_PAGES) $(UNDL_VOTES)

run: load
	$(BIN)/python -m app serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

bench-read: bench-venv
	$(BIN)/python bench/read.py

bench-import: bench-venv
	$(BIN)/python bench/import.py

# bench-cold, bench-scale, bench-soak, bench-bulk and bench-agreement take options: make bench-cold BENCH_ARGS='--reuse'
bench-cold: bench-venv
	$(BIN)/python bench/cold.py $(BENCH_ARGS)

bench-scale: bench-venv
	$(BIN)/python bench/scale.py $(BENCH_ARGS)

bench-soak: bench-venv
	$(BIN)/python bench/soak.py $(BENCH_ARGS)

bench-bulk: bench-venv
	$(BIN)/python bench/bulk.py $(BENCH_ARGS)

bench-agreement: venv
	$(BIN)/python bench/agreement.py $(BENCH_ARGS)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: lock-check venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy app tests bench

# The served OpenAPI document, linted by pinned Redocly CLI and Spectral (npm, under .ci/).
lint-openapi: venv
	PYTHON=$(BIN)/python .ci/lint-openapi

dockerlint: venv
	$(BIN)/hadolint Dockerfile

check: lint lint-openapi dockerlint test

clean:
	rm -rf $(VENV) var/*.db var/*.db-* .pytest_cache .mypy_cache .ruff_cache
