# Two commands on a fresh machine: `make demo` (app + demo data) and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
PORT    ?= 8000
# Tests run against the real services on this machine (see README).
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/omic
TEST_REDIS_URL    ?= redis://127.0.0.1:6379/15

.PHONY: demo run install install-dev browser services test lint assets bench load clean-demo

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt

# Demo: embedded PostgreSQL in var/pgdata, Celery eager, demo estate and users.
demo: install
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py demo_data
	DEBUG=true $(BIN)/python manage.py runserver 0.0.0.0:$(PORT)

run: install
	DEBUG=true $(BIN)/python manage.py runserver 0.0.0.0:$(PORT)

clean-demo:
	rm -rf var/pgdata

# Debian's Chromium for the browser tests (Playwright's own download is not used).
browser:
	@command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium >/dev/null)

services:
	@bash .ci/services

test: install-dev browser services
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) DJANGO_ALLOW_ASYNC_UNSAFE=true \
		$(BIN)/pytest --create-db $(PYTEST_ARGS)
	$(BIN)/ruff check .

lint: install-dev
	$(BIN)/ruff check .

bench: install-dev services
	DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/omic_bench} \
		SECRET_KEY=$${SECRET_KEY:-bench-only-not-a-secret} HTTPS=false \
		$(BIN)/python bench/run.py $(BENCH_ARGS)

# gunicorn + a Celery worker + beat on 127.0.0.1 under 50 locust users for 2 minutes, then
# checks that every logged session is stored and counted (bench/load.py; not in the test run).
# LOAD_ARGS=--small loads 12 prisons and 8,500 prisoners instead of the national estate.
load: install-dev services
	DATABASE_URL=$${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/omic_load} \
		REDIS_URL=$${LOAD_REDIS_URL:-redis://127.0.0.1:6379/14} \
		$(BIN)/python bench/load.py $(LOAD_ARGS)

# Rebuild static/vendor from the pinned npm packages (needs Node; the output is committed).
assets:
	bash static/build-vendor.sh
