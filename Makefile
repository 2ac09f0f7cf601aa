# dprk-labor-api — `make help` lists the targets.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
API_HOST ?= 127.0.0.1
API_PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run setup db test test-sqlite lint format clean

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

test: $(VENV)/.installed-dev ## set up and run every test on SQLite and PostgreSQL (TEST_POSTGRES=0: SQLite only)
	$(BIN)/pytest

lint: $(VENV)/.installed-dev ## ruff (lint + format check) and mypy
	$(BIN)/ruff check app migrations tests
	$(BIN)/ruff format --check app migrations tests
	$(BIN)/mypy app

format: $(VENV)/.installed-dev ## format the code with ruff
	$(BIN)/ruff format app migrations tests
	$(BIN)/ruff check --fix app migrations tests

clean: ## remove the virtualenv and the local SQLite database
	rm -rf $(VENV) var
