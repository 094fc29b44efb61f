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

.PHONY: run test lint lint-openapi dockerlint check migrate load public-record bench-read bench-import \
	bench-cold bench-scale bench-soak bench-bulk clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

venv: $(BIN)/.installed

migrate: venv
	$(BIN)/python -m app migrate

load: migrate
	$(BIN)/python -m app load

public-record: venv
	$(BIN)/python -m app export public-record $(UNTC_PAGES) $(UNDL_VOTES)

run: load
	$(BIN)/python -m app serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

bench-read: venv
	$(BIN)/python bench/read.py

bench-import: venv
	$(BIN)/python bench/import.py

# bench-cold, bench-scale, bench-soak and bench-bulk take options: make bench-cold BENCH_ARGS='--reuse'
bench-cold: venv
	$(BIN)/python bench/cold.py $(BENCH_ARGS)

bench-scale: venv
	$(BIN)/python bench/scale.py $(BENCH_ARGS)

bench-soak: venv
	$(BIN)/python bench/soak.py $(BENCH_ARGS)

bench-bulk: venv
	$(BIN)/python bench/bulk.py $(BENCH_ARGS)

test: venv
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: venv
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
