# Veche — two commands: `make run` and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1

.PHONY: run setup install serve test lint audit bench bench-smoke fuzz clean

$(BIN)/python:
	@command -v $(PY) >/dev/null 2>&1 || { echo "Veche needs Python >= 3.11 ($(PY) not found; set PY=...)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e ".[test]"
	touch $@

install: $(VENV)/.installed

setup: install
	$(BIN)/veche migrate --noinput -v0
	$(BIN)/veche collectstatic --noinput -v0
	$(BIN)/veche load-demo

run: setup
	@echo "Veche at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(BIN)/veche serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

serve: install
	$(BIN)/veche serve --host $(HOST) --port $(PORT) --workers $(WORKERS)

# The whole suite: SQLite, then PostgreSQL + Redis when they answer (required under CI=true).
test: install
	bash scripts/test.sh

lint: install
	$(BIN)/ruff check .

audit: install
	bash scripts/audit.sh

bench: install
	$(BIN)/python -m bench.run

bench-smoke: install
	$(BIN)/python -m bench.run --smoke

clean:
	rm -rf $(VENV) var test-artifacts

# A longer fuzzing run of the comment renderer and the page importer (CI runs 400 examples).
fuzz: install
	VECHE_FUZZ_EXAMPLES=$${N:-20000} $(BIN)/pytest security/test_properties.py -k fuzz -q
