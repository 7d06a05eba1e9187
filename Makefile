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
ALLOW_MISSING ?=
PORT       ?= 8501
DOCS_PORT  ?= 8080
OUT        ?=
SIZES      ?=
KEEP_BUILDS ?= 5
BUILD      ?=
# The warehouse folder (KZM_WAREHOUSE_DIR moves it, as it does for the Python code)
WAREHOUSE  := $(or $(KZM_WAREHOUSE_DIR),warehouse)

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
	KZM_ALLOW_MISSING="$(ALLOW_MISSING)" $(PY) -m ingest load $(if $(RAW_DIR),--raw-dir "$(RAW_DIR)",)

rebuild-raw: setup ## Land every file of RAW_DIR again into a new raw store, swapped in when complete (a damaged store)
	@test -n "$(RAW_DIR)" || { echo "rebuild-raw: pass RAW_DIR=<folder of the original files>"; exit 2; }
	KZM_ALLOW_MISSING="$(ALLOW_MISSING)" $(PY) -m ingest rebuild --raw-dir "$(RAW_DIR)"

refresh: setup ## Ingest -> dbt build -> quality gates -> publish warehouse/current.duckdb (FORCE=1 rebuilds; ALLOW_MISSING=<ids>)
	KZM_ALLOW_MISSING="$(ALLOW_MISSING)" $(PY) -m pipeline.refresh $(if $(RAW_DIR),--raw-dir "$(RAW_DIR)",) $(if $(FORCE),--force,) --keep-builds $(KEEP_BUILDS)

rollback: setup ## Re-point warehouse/current.duckdb to the previous good build (same lock as refresh)
	$(PY) -m pipeline.publish rollback

status: setup ## What is served, and whether its file still matches its recorded SHA-256
	$(PY) -m pipeline.publish status

sql: setup ## DuckDB CLI on the served build, read-only (piped input works: echo "select 42;" | make sql)
	@$(PY) -m pipeline.sql

export: setup ## Export the marts (Parquet, CSV, data dictionary, manifest.json) to OUT=<dir> [BUILD=<id>]
	@test -n "$(OUT)" || { echo "usage: make export OUT=<dir> [BUILD=<build_id>]" >&2; exit 2; }
	$(PY) -m pipeline.export --out "$(OUT)" $(if $(BUILD),--build "$(BUILD)",)

sample: setup ## Maintainers: rebuild data/sample/ from ../shared/data/public-copies
	$(PY) -m ingest sample --raw-dir ../shared/data/public-copies --out data/sample

download: setup ## Fetch the configured BNS/Taldau tables into data/raw/<date>/ (OUT=dir to override)
	$(PY) -m ingest.download $(if $(OUT),--out "$(OUT)",)

app: setup ## Start the Streamlit app on the published warehouse (PORT=8501)
	$(VENV)/bin/streamlit run streamlit_app/app.py --server.port $(PORT) --server.headless true \
	  --browser.gatherUsageStats false

docs: ## Serve the served build's dbt docs page (built with it; nothing is rebuilt) on DOCS_PORT=8080
	@page=$$(readlink -f $(WAREHOUSE)/current.duckdb 2>/dev/null | sed 's|warehouse.duckdb$$|docs.html|'); \
	  test -n "$$page" -a -f "$$page" || { echo "no docs page: nothing published yet, or the served build predates per-build docs (run 'make refresh FORCE=1')" >&2; exit 1; }; \
	  echo "dbt docs of the served build: $$page"; \
	  echo "serving it at http://localhost:$(DOCS_PORT)/docs.html (Ctrl-C stops)"; \
	  cd "$$(dirname "$$page")" && python3 -m http.server $(DOCS_PORT) --bind 127.0.0.1

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

clean: ## Remove build outputs; keeps warehouse/raw_store.duckdb, the published builds and the environment
	@rm -rf $(WAREHOUSE)/build $(WAREHOUSE)/dbt_target $(WAREHOUSE)/lint $(WAREHOUSE)/docs $(WAREHOUSE)/reports \
	  $(WAREHOUSE)/builds/.*.incoming $(WAREHOUSE)/.current.duckdb.*.tmp \
	  dbt_project/target dbt_project/logs logs
	@echo "clean: removed build outputs (build area, reports, dbt target and logs); kept $(WAREHOUSE)/raw_store.duckdb, $(WAREHOUSE)/builds/ and $(WAREHOUSE)/current.duckdb"

distclean: ## Remove everything generated: the warehouse (raw store and published builds), dbt outputs, the environment
	@for p in $(WAREHOUSE) dbt_project/target dbt_project/logs logs $(VENV); do \
	  if [ -L "$$p" ]; then rm -f "$$p" && echo "distclean: removed the link $$p (its target is left alone)"; \
	  elif [ -e "$$p" ]; then chmod -R u+w "$$p" 2>/dev/null; rm -rf "$$p" && echo "distclean: removed $$p"; fi; \
	done
	@echo "distclean: done; 'make refresh' rebuilds everything from scratch"

.PHONY: help setup setup-dev lock ingest rebuild-raw refresh rollback status sql export sample download app docs lint test bench clean distclean
