# Every command in the README is a target here, and CI (.ci/run) runs `make test`.
# On a fresh Debian machine `make run` and `make test` install everything they need.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# Lives inside the venv, so deleting the venv also forces a reinstall.
VENV_STAMP := $(VENV)/.o2c-installed
DEMO_DIR := warehouse/demo_erp
DAGSTER_HOME ?= $(CURDIR)/.dagster_home
PYTEST_ARGS ?=
DEMO_ARGS ?=
BENCH_ARGS ?=

# graphviz: the `dot` program pm4py draws with; postgresql: the server the tests start.
APT_PACKAGES := graphviz postgresql
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Install the Debian packages in $(1) that are missing (apt-get update only when needed).
define apt_install
$(SUDO) apt-get update -qq && \
$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1)
endef

.PHONY: help run test demo bench dev lint venv system-deps clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

run: system-deps venv ## set up, generate the demo ERP if needed and run the whole pipeline
	$(BIN)/o2c run

test: system-deps venv ## set up and run the whole test suite (starts its own PostgreSQL)
	$(BIN)/pytest -q $(PYTEST_ARGS)

demo: venv ## generate the demo ERP into warehouse/demo_erp unless it is there
	@if [ -e $(DEMO_DIR) ]; then echo "$(DEMO_DIR) exists; o2c demo --help shows how to grow it"; \
	else $(BIN)/o2c demo $(DEMO_ARGS); fi

bench: system-deps venv ## benchmarks on 10k and 100k items (BENCH_ARGS=--large adds 1M)
	$(BIN)/python -m bench.run $(BENCH_ARGS)

dev: venv ## start the Dagster UI on the project's definitions
	mkdir -p $(DAGSTER_HOME)
	DAGSTER_HOME=$(DAGSTER_HOME) PATH="$(CURDIR)/$(BIN):$$PATH" \
		$(BIN)/dagster dev -m orchestration.definitions

lint: venv ## ruff check, ruff format --check and sqlfluff on the dbt project
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@if [ -d dbt_project/models ]; then \
		PATH="$(CURDIR)/$(BIN):$$PATH" sqlfluff lint $(wildcard dbt_project/models dbt_project/tests); \
	else echo "no dbt_project/models yet: sqlfluff skipped"; fi

venv: $(VENV_STAMP) ## create .venv and install the project with its dev tools

$(VENV_STAMP): pyproject.toml
	@if [ ! -x $(BIN)/python ]; then \
		if ! $(PYTHON) -m venv $(VENV); then \
			rm -rf $(VENV); $(call apt_install,python3-venv); $(PYTHON) -m venv $(VENV); \
		fi; \
	fi
	$(BIN)/pip install --disable-pip-version-check -q -e '.[dev]'
	touch $@

system-deps: ## install the Debian packages the project needs (graphviz, postgresql)
	@missing=""; \
	command -v dot >/dev/null || missing="$$missing graphviz"; \
	dpkg -s postgresql >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -z "$$missing" ]; then echo "system packages present: $(APT_PACKAGES)"; \
	elif ! command -v apt-get >/dev/null; then \
		echo "not a Debian system: install$$missing yourself" >&2; \
	else echo "installing Debian packages:$$missing"; $(call apt_install,$$missing); fi

clean: ## remove caches and build output (keeps .venv and the warehouse)
	rm -rf .pytest_cache .ruff_cache build dist *.egg-info $(DAGSTER_HOME)
	rm -rf dbt_project/target dbt_project/logs
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
