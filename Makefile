# The two commands: `make run` and `make test`. Everything else they need is set up here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app portal
STAMP := $(VENV)/.installed
RUN_STAMP := $(VENV)/.installed-run
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

FAST_MARKERS := not live and not browser and not postgres and not redis and not slow

.PHONY: run test test-fast setup migrate demo lint format clean soak

# `make run` installs the runtime requirements only; `make test` and `make lint` add the developers' tools.
# pip's own cache (~/.cache/pip) makes a second clone's install quick; --no-compile leaves byte-compiling to the
# first import of each module (most are never imported by the portal).
PIP_INSTALL = $(PY) -m pip install --disable-pip-version-check --no-compile -q
QUIET_PIP = 2>&1 | { grep -v -e "^WARNING: Location" -e "^\[notice\]" || true; }

$(RUN_STAMP): requirements.txt
	@if [ $(STAMP) -nt requirements.txt ]; then touch -r $(STAMP) $(RUN_STAMP); else \
	  { test -x $(PY) || $(PYTHON) -m venv $(VENV); } && \
	  echo "Installing the portal's pinned requirements into $(VENV) (first time only) ..." && \
	  set -o pipefail && $(PIP_INSTALL) -r requirements.txt $(QUIET_PIP) && touch $(RUN_STAMP); fi

$(STAMP): $(RUN_STAMP) requirements-dev.txt
	@echo "Installing the test and lint tools into $(VENV) ..."
	@set -o pipefail; $(PIP_INSTALL) -r requirements-dev.txt $(QUIET_PIP)
	@touch $(STAMP)

setup: $(STAMP)

migrate: $(RUN_STAMP)
	@$(FLASK) db upgrade heads

demo: migrate
	@$(FLASK) demo load --once

# One process: migrate, load the demo data once (the search index is built in the background while the site
# already answers), serve. It prints where to open the site, the demo password and how to stop.
run: $(RUN_STAMP)
	@$(PY) -m portal.serve --prepare --host $(HOST) --port $(PORT)

test: setup
	@$(PY) -m pytest $(PYTEST_ARGS)

# Everything but the tests that start servers, drive Chromium, need PostgreSQL/Redis or load the whole demo city:
# SQLite only, one worker per CPU.
test-fast: setup
	@env -u TEST_DATABASE_URL -u REDIS_URL $(PY) -m pytest -m "$(FAST_MARKERS)" -n auto $(PYTEST_ARGS)

# Reliability under faults (bench/soak): two web processes, own Redis and PostgreSQL, killed and restarted.
SOAK_CLIENTS ?= 200
SOAK_SECONDS ?= 60
soak: setup
	@$(PY) -m bench.soak --clients $(SOAK_CLIENTS) --seconds $(SOAK_SECONDS)

lint: setup
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@$(VENV)/bin/lint-imports --no-cache

format: setup
	@$(VENV)/bin/ruff format .
	@$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
