# Newsroom: `make run` serves the demo newsroom, `make test` runs the whole suite.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
# Finds the newest Python >= 3.12 that actually runs; override with `make PYTHON=/path/to/python3`.
PYTHON ?= $(shell for candidate in python3.13 python3.12 $$(ls -d /root/.pyenv/versions/3.1[3-9]*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3 $$HOME/.pyenv/versions/3.1[3-9]*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 2>/dev/null | sort -rV) python3; do \
	  if $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then command -v $$candidate; break; fi; done)
HOST ?= 127.0.0.1
PORT ?= 8000
# Development values for `make run` (the demo logins may skip 2FA: README "Sign-in");
# production reads its own environment (see .env.example).
DEV_ENV := DEBUG=true HTTPS=false DESK_2FA_REQUIRED=false

.PHONY: run test setup lint check clean serve bench

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then echo "No Python >= 3.12 found. Install one, or run: make PYTHON=/path/to/python3.12 $(MAKECMDGOALS)" >&2; exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# Test-only npm tools (axe-core, vnu-jar) from package-lock.json. --ignore-scripts: vnu-jar's
# postinstall would download a Java runtime; the tests use the machine's Java instead.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	@touch $@

setup: $(VENV)/.installed node_modules/.installed

# A development secret of this checkout's own, kept in .env (which git ignores).
.env: | $(BIN)/python
	@echo "SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@
	@echo "Wrote a development SECRET_KEY to .env"

run: setup .env
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEV_ENV) $(BIN)/python manage.py load_demo --site-url http://$(HOST):$(PORT)
	$(DEV_ENV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production-style serving: gunicorn (gunicorn.conf.py reads GUNICORN_WORKERS, GUNICORN_THREADS,
# GUNICORN_BIND), static files collected first and served by whitenoise with hashed, compressed
# names. Settings come from the environment only (or a .env file you wrote): without SECRET_KEY
# it stops with the settings' error. Migrations are a separate, deliberate step (docs/deploy.md).
serve: $(VENV)/.installed
	$(BIN)/python manage.py check --deploy
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	exec $(BIN)/gunicorn --config gunicorn.conf.py

# Page-view benchmarks on SQLite and PostgreSQL (bench/README in bench/run.sh); takes minutes.
bench: $(VENV)/.installed
	bash bench/run.sh

# Tests run with production-like settings (DEBUG off) over plain http.
TEST_ENV := SECRET_KEY=test-only-secret-key-not-for-production HTTPS=false DEBUG=false \
	SERVE_MEDIA=true STATIC_HASHED=false

test: setup
	$(TEST_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 media
