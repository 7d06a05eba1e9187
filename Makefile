# kzmigration: make targets in pipeline order. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_BIN ?= python3.11
VENV       ?= .venv
PY         := $(VENV)/bin/python
# One stamp per lock content: a changed lock reinstalls, an unchanged one costs nothing.
STAMP      := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-12)
DEV_STAMP  := $(VENV)/.installed-dev-$(shell cat requirements.lock requirements-dev.lock | sha256sum | cut -c1-12)

RAW_DIR    ?=
FORCE      ?=
PORT       ?= 8501
OUT        ?=
SIZES      ?=
KEEP_BUILDS ?= 5

export DBT_PROFILES_DIR := $(CURDIR)/dbt_project
export PYTHONDONTWRITEBYTECODE := 1
# The project's packages are imported from the checkout (not installed): one copy of the code.
export PYTHONPATH := $(CURDIR)

help: ## List every target with one line each
	@grep -hE '^[a-z][a-zA-Z_-]*:.*## ' $(MAKEFILE_LIST) | \
	  awk 'BEGIN {FS = ":.*## "}; {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	@echo "==> setup: creating $(VENV) from requirements.lock (runtime only)"
	@test -x $(PY) || $(PYTHON_BIN) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip==25.3"
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	@rm -f $(VENV)/.installed-[0-9a-f]*
	@touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	@echo "==> setup-dev: adding the development tools from requirements-dev.lock"
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	@rm -f $(VENV)/.installed-dev-*
	@touch $@

setup: $(STAMP) ## Create the runtime environment from requirements.lock (idempotent)

setup-dev: $(DEV_STAMP) ## Add the test, lint and bench tools from requirements-dev.lock

lock: ## Re-resolve both locks from pyproject.toml (maintainers; needs uv; Python 3.11-3.13)
	uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --no-header -o requirements.lock
	uv pip compile pyproject.toml --extra dev --universal --python-version 3.11 --generate-hashes --no-header \
	  -c requirements.lock -o requirements-dev.lock

ingest: setup ## Land raw extracts in warehouse/raw_store.duckdb (RAW_DIR=... for originals; default: embedded sample)
	$(PY) -m ingest load $(if $(RAW_DIR),--raw-dir "$(RAW_DIR)",)

refresh: setup ## Ingest -> dbt build -> quality gates -> publish warehouse/current.duckdb (FORCE=1 rebuilds)
	$(PY) -m pipeline.refresh $(if $(RAW_DIR),--raw-dir "$(RAW_DIR)",) $(if $(FORCE),--force,) --keep-builds $(KEEP_BUILDS)

rollback: setup ## Re-point warehouse/current.duckdb to the previous good build
	$(PY) -m pipeline.publish rollback

sample: setup ## Maintainers: rebuild data/sample/ from ../shared/data/public-copies
	$(PY) -m ingest sample --raw-dir ../shared/data/public-copies --out data/sample

download: setup ## Fetch the configured BNS/Taldau tables into data/raw/<date>/ (OUT=dir to override)
	$(PY) -m ingest.download $(if $(OUT),--out "$(OUT)",)

app: setup ## Start the Streamlit app on the published warehouse (PORT=8501)
	$(VENV)/bin/streamlit run streamlit_app/app.py --server.port $(PORT) --server.headless true \
	  --browser.gatherUsageStats false

docs: setup ## Generate dbt docs from the served build and serve them on port 8080
	@test -e warehouse/current.duckdb || { echo "no published build yet: run 'make refresh' first"; exit 1; }
	mkdir -p warehouse/docs && cp -L warehouse/current.duckdb warehouse/docs/warehouse.duckdb
	cd dbt_project && KZM_BUILD_DB=$(CURDIR)/warehouse/docs/warehouse.duckdb ../$(VENV)/bin/dbt docs generate
	cd dbt_project && KZM_BUILD_DB=$(CURDIR)/warehouse/docs/warehouse.duckdb ../$(VENV)/bin/dbt docs serve --port 8080 --no-browser

lint: setup-dev ## ruff (Python) and sqlfluff (SQL, duckdb dialect)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	@# the dbt templater compiles against a scratch database (no build needed to lint), with its
	@# own target folder: its profile differs from the refresh's, and sharing dbt_project/target
	@# would make the next refresh's dbt parse the whole project again (~5 s)
	mkdir -p warehouse/lint
	cd dbt_project && KZM_BUILD_DB=$(CURDIR)/warehouse/lint/warehouse.duckdb \
	  DBT_TARGET_PATH=$(CURDIR)/warehouse/lint/target \
	  ../$(VENV)/bin/sqlfluff lint models tests --dialect duckdb

test: setup-dev ## Run the whole test suite (lint included)
	$(MAKE) --no-print-directory lint
	$(PY) -m pytest -n 2 --dist loadfile

bench: setup-dev ## Benchmarks: refresh stages, no-op refresh, app pages, synthetic sizes (SIZES=1e6,1e7)
	$(PY) -m bench $(if $(SIZES),--sizes $(SIZES),)

clean: ## Remove build outputs (keeps the environment)
	rm -rf warehouse dbt_project/target dbt_project/logs logs

.PHONY: help setup setup-dev lock ingest refresh rollback sample download app docs lint test bench clean
