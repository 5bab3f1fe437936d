# Color Routing System — the two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FRONTEND := frontend
HAS_FRONTEND := $(wildcard $(FRONTEND)/package.json)
UI_SOURCES := $(shell find $(FRONTEND)/src $(FRONTEND)/index.html $(FRONTEND)/graphiql.html $(FRONTEND)/vite.config.* $(FRONTEND)/package.json -type f 2>/dev/null)
PYTEST_FLAGS ?=

.PHONY: run test bench install ui lint typecheck schema schema-check codegen codegen-check test-py test-frontend test-e2e chromium clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

ifneq ($(HAS_FRONTEND),)
$(FRONTEND)/node_modules/.package-lock.json: $(FRONTEND)/package-lock.json
	cd $(FRONTEND) && npm ci --no-audit --no-fund
	touch $@

$(FRONTEND)/dist/index.html: $(FRONTEND)/node_modules/.package-lock.json $(UI_SOURCES) schema.graphql
	cd $(FRONTEND) && npm run build

ui: $(FRONTEND)/dist/index.html

## make codegen: regenerate the UI's typed GraphQL code (frontend/src/gql) after schema or document changes
codegen: $(FRONTEND)/node_modules/.package-lock.json
	cd $(FRONTEND) && npm run codegen

## codegen-check: generate into a scratch folder and compare, so a stale frontend/src/gql fails without being touched
codegen-check: $(FRONTEND)/node_modules/.package-lock.json
	@set -e; out=$$(mktemp -d); trap 'rm -rf "$$out"' EXIT; \
	(cd $(FRONTEND) && CODEGEN_OUT="$$out/" npm run --silent codegen); \
	if ! diff -ru $(FRONTEND)/src/gql "$$out"; then \
	  echo "frontend/src/gql does not match schema.graphql and the UI's documents: run 'make codegen' and commit" >&2; \
	  exit 1; \
	fi
else
ui:
	@echo "no frontend yet"
codegen codegen-check:
	@echo "no frontend yet"
endif

## make run: fresh clone -> http://127.0.0.1:5000 with demo data (embedded PostgreSQL under ./var)
run: install ui
	$(BIN)/colorroute seed-demo
	@echo "Serving on http://127.0.0.1:5000  (GraphiQL: /graphiql)"
	$(BIN)/colorroute serve --host 127.0.0.1 --port 5000

lint: install
	$(BIN)/ruff check app graphql_schema daemon tests alembic
	$(BIN)/ruff format --check app graphql_schema daemon tests alembic

typecheck: install
	$(BIN)/mypy

schema: install
	$(BIN)/python -m graphql_schema.export > schema.graphql

schema-check: install
	$(BIN)/python -m graphql_schema.export --check

chromium:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)

TUS_JS := tests/transfers/js
$(TUS_JS)/node_modules/.package-lock.json: $(TUS_JS)/package-lock.json
	cd $(TUS_JS) && npm ci --no-audit --no-fund
	touch $@

test-py: install $(TUS_JS)/node_modules/.package-lock.json
	$(BIN)/pytest -m "not bench and not e2e" $(PYTEST_FLAGS)

ifneq ($(HAS_FRONTEND),)
test-frontend: $(FRONTEND)/node_modules/.package-lock.json
	cd $(FRONTEND) && npm test

test-e2e: install ui chromium
	$(BIN)/pytest -m e2e tests/e2e $(PYTEST_FLAGS)
else
test-frontend:
	@echo "no frontend yet"
test-e2e:
	@echo "no frontend yet"
endif

## make test: installs what tests need and runs them all (lint, types, schema contract, Python, UI, browser)
test: lint typecheck schema-check codegen-check test-py test-frontend test-e2e

## make bench: every benchmark in tests/bench, one table with in-run baselines
bench: install
	mkdir -p var
	set -o pipefail; $(BIN)/pytest -m bench tests/bench -s -p no:cacheprovider $(PYTEST_FLAGS) 2>&1 | tee var/bench.log
	$(BIN)/python tests/bench/table.py var/bench.log

clean:
	rm -rf $(VENV) $(FRONTEND)/node_modules $(FRONTEND)/dist .pytest_cache .mypy_cache .ruff_cache
