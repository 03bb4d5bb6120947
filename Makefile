# zicha task runner: the README's commands are these targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: setup demo serve test lint typecheck unit bench bench-steps template clean

$(BIN)/zicha: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

setup: $(BIN)/zicha

demo: setup
	$(BIN)/zicha demo --out zicha-demo

serve: setup
	$(BIN)/zicha serve --demo --data zicha-server

lint: setup
	$(BIN)/ruff check src tests scripts $(wildcard bench)
	$(BIN)/ruff format --check src tests scripts $(wildcard bench)

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest
	@echo "The server suite again, on PostgreSQL:"
	scripts/with_postgres.sh $(BIN)/pytest tests/server -p no:cacheprovider

test: lint typecheck unit

# end to end, zicha against DuckDB and polars at 0.5–20 M register rows (bench/results/README.md)
bench: setup
	$(BIN)/python bench/e2e.py

# zicha's steps one by one at 5 M rows (read, .xlsx, engine), against bare DuckDB and calamine
bench-steps: setup
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) zicha-demo zicha-server .pytest_cache .mypy_cache .ruff_cache .hypothesis
