# Veche — two commands: `make run` and `make test`.
# PY: the Python that makes .venv. Unless given (`make run PY=python3.12`), the newest of
# python3.15, python3.14, python3.13, python3.12 and python3.11 that runs, else python3 when it is 3.11 or later. Each
# is run, not only looked up: a version manager's shim can be on PATH for a version it lacks.
PY_CANDIDATES := python3.15 python3.14 python3.13 python3.12 python3.11 python3
PY_OK := import sys; sys.exit(sys.version_info < (3, 11))
ifeq ($(origin PY),undefined)
PY := $(shell for p in $(PY_CANDIDATES); do $$p -c '$(PY_OK)' >/dev/null 2>&1 && { echo $$p; break; }; done)
endif
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1

.PHONY: run setup install serve test lint audit bench bench-smoke fuzz clean messages catalogs
# Every app's translation catalog: <app>/locale/<language>/LC_MESSAGES/django.po
CATALOGS := $(wildcard */locale/*/LC_MESSAGES/django.po)

$(BIN)/python:
	@test -n "$(PY)" || { echo "Veche needs Python >= 3.11: none of $(PY_CANDIDATES) on PATH is 3.11 or later."; \
	  echo "Install one, or name it: make run PY=/path/to/python3.12"; exit 1; }
	@$(PY) -c '$(PY_OK)' >/dev/null 2>&1 || { echo "Veche needs Python >= 3.11: $(PY) is missing or older."; \
	  echo "Name another: make run PY=python3.12"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install -q -c constraints.txt -e ".[test]"
	touch $@

install: $(VENV)/.installed $(CATALOGS:.po=.mo)

# Compiled catalogs are built, never committed (msgfmt is gettext's: apt-get install gettext).
%/LC_MESSAGES/django.mo: %/LC_MESSAGES/django.po
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: apt-get install gettext"; exit 1; }
	msgfmt --check-format -o $@ $<

catalogs: $(CATALOGS:.po=.mo)

# Gather the messages of every app's source into its catalogs (then translate what is new).
messages: install
	for app in $(sort $(foreach c,$(CATALOGS),$(firstword $(subst /, ,$(c))))); do \
	  (cd $$app && PYTHONPATH=.. ../$(BIN)/django-admin makemessages -l ru --settings=config.settings.dev \
	    -i "tests/*" -i "migrations/*" -v0) || exit 1; done

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
	$(BIN)/mypy

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
