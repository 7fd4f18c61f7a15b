# The two commands: `make run` and `make test`. Everything else they need is set up here.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app portal
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?=

FAST_MARKERS := not live and not browser and not postgres and not redis and not slow

.PHONY: run test test-fast setup migrate demo lint format clean soak

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "Installing pinned requirements into $(VENV) ..."
	@$(PY) -m pip install --disable-pip-version-check -q -r requirements-dev.txt 2>&1 | grep -v "^WARNING: Location" || true
	@$(PY) -c "import flask, flask_socketio, sqlalchemy, whoosh, jieba, geventwebsocket" 
	@touch $(STAMP)

setup: $(STAMP)

migrate: setup
	@$(FLASK) db upgrade heads

demo: migrate
	@$(FLASK) demo load --once

run: demo
	@echo "Serving on http://$(HOST):$(PORT) (gevent + gevent-websocket); Ctrl-C to stop."
	@$(PY) -m portal.serve --host $(HOST) --port $(PORT)

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
