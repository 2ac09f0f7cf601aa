# dprk-labor-api — `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
API_HOST ?= 127.0.0.1
API_PORT ?= 8000
# The browser tests drive Debian's Chromium; Playwright never downloads one.
CHROMIUM := /usr/bin/chromium
CLIENT := tests/client
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y

.DEFAULT_GOAL := help
.PHONY: help run setup db test test-sqlite test-deps openapi lint format clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed-run

setup: $(VENV)/.installed-run ## create the virtualenv and install the app

db: setup ## migrate the database (DATABASE_URL, default var/dprk_labor.sqlite3) and load seed_data/
	$(BIN)/dprk-labor migrate
	$(BIN)/dprk-labor load seed_data

run: db ## set up, migrate, load the seed data and serve on http://$(API_HOST):$(API_PORT)
	$(BIN)/dprk-labor serve --host $(API_HOST) --port $(API_PORT)

test: $(VENV)/.installed-dev test-deps ## set up and run every test on SQLite and PostgreSQL (TEST_POSTGRES=0: SQLite only)
	$(BIN)/pytest

test-deps: $(CHROMIUM) $(CLIENT)/node_modules/.installed ## Chromium (apt) and the pinned npm tools (npm ci) the tests use

$(CHROMIUM):
	$(SUDO) apt-get update && $(APT_INSTALL) chromium

$(CLIENT)/node_modules/.installed: $(CLIENT)/package.json $(CLIENT)/package-lock.json
	command -v npm >/dev/null || ($(SUDO) apt-get update && $(APT_INSTALL) nodejs npm)
	cd $(CLIENT) && npm ci --no-audit --no-fund
	touch $@

# The examples are the seeded app's answers (asked through a test client: the dev install).
openapi: $(VENV)/.installed-dev ## record the docs' examples on the seed data (app/docs/examples.json) and write openapi.json (tests fail when either is stale)
	$(BIN)/python -m app.docs --app app.main:create_app --examples app/docs/examples.json openapi.json

lint: $(VENV)/.installed-dev ## ruff (lint + format check) and mypy
	$(BIN)/ruff check app migrations tests
	$(BIN)/ruff format --check app migrations tests
	$(BIN)/mypy app

format: $(VENV)/.installed-dev ## format the code with ruff
	$(BIN)/ruff format app migrations tests
	$(BIN)/ruff check --fix app migrations tests

clean: ## remove the virtualenv, the local SQLite database and the tests' npm tools
	rm -rf $(VENV) var $(CLIENT)/node_modules

# --- benchmark (not part of `make test`; see bench/RESULTS.md) -----------------------------
BENCH_SIZES ?= 10000 100000 1000000
BENCH_PG ?= postgresql://postgres@127.0.0.1:5432/bench_est_
BENCH_SECONDS ?= 10
# Where the generated databases live (e.g. BENCH_DATA=/work/bench-data to share them).
BENCH_DATA ?= bench/out
# The peer, Datasette 0.65 from PyPI, lives in a virtualenv of its own, never the project's.
BENCH_PEER_VENV ?= bench/out/peer-venv
# e.g. BENCH_LOAD_ARGS=--extra: also the deep cursor page, series, CSV export and full text
BENCH_LOAD_ARGS ?=
.PHONY: bench bench-data bench-peer bench-extraction

bench-extraction: $(VENV)/.installed-dev ## measure the extraction against seed_data/ (recall, echoes, false candidates) into bench/EXTRACTION.md
	$(BIN)/python -m bench.extraction --seed seed_data --out bench/EXTRACTION.md

bench-data: $(VENV)/.installed-dev ## generate the synthetic databases (SQLite + PostgreSQL) the benchmark uses; existing ones are migrated
	for n in $(BENCH_SIZES); do \
	  $(BIN)/python -m bench.generate --reuse --url sqlite:///$(BENCH_DATA)/est_$$n.sqlite3 --n $$n || exit 1; \
	  $(BIN)/python -m bench.generate --reuse --url $(BENCH_PG)$$n --n $$n || exit 1; \
	done

bench-peer: $(BENCH_PEER_VENV)/.installed ## the benchmark's peer: Datasette 0.65 from PyPI in its own virtualenv

$(BENCH_PEER_VENV)/.installed: bench/peer.py | $(BIN)/activate
	$(BIN)/python -m bench.peer --venv $(BENCH_PEER_VENV)
	touch $@

bench: bench-data bench-peer ## measure speed (the project, Datasette and the HTTP limit in one run; database limits; plans) into bench/RESULTS.md
	command -v wrk >/dev/null || $(APT_INSTALL) wrk
	$(BIN)/python -m bench.load --sqlite $(BENCH_DATA)/est_1000000.sqlite3 \
	  --postgres $(BENCH_PG)1000000 --duration $(BENCH_SECONDS) --peer-venv $(BENCH_PEER_VENV) \
	  --out bench/out/load_1000000.json $(BENCH_LOAD_ARGS)
	for n in $(BENCH_SIZES); do \
	  $(BIN)/python -m bench.dbtime --explain --url sqlite:///$(BENCH_DATA)/est_$$n.sqlite3 --json bench/out/dbtime_sqlite_$$n.json > bench/out/dbtime_sqlite_$$n.txt || exit 1; \
	  $(BIN)/python -m bench.dbtime --explain --url $(BENCH_PG)$$n --json bench/out/dbtime_pg_$$n.json > bench/out/dbtime_pg_$$n.txt || exit 1; \
	done
	cp $(BENCH_DATA)/est_1000000.sqlite3 bench/out/est_1000000_idx.sqlite3
	$(BIN)/python -m bench.index_experiment --url sqlite:///bench/out/est_1000000_idx.sqlite3 > bench/out/index_sqlite.txt
	$(BIN)/python -m bench.index_experiment --url $(BENCH_PG)1000000 > bench/out/index_pg.txt
	$(BIN)/python -m bench.index_experiment --composite --url $(BENCH_PG)1000000 > bench/out/index_pg_composite.txt
	$(BIN)/python -m bench.report --write bench/RESULTS.md
