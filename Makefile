# mlfit: `make run` serves the site on SQLite, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# What is installed: the site and what it runs on (`make run`), then the test
# tools on top (`make test`, lint, loadtest, topology, benchmark). Each stamp is
# redone when pyproject.toml changes.
RUNTIME := $(VENV)/.installed-runtime
TOOLS := $(VENV)/.installed-test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-postgres loadtest topology benchmark lint format clean

$(RUNTIME): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(RUNTIME)

$(TOOLS): $(RUNTIME)
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(TOOLS)

run: $(RUNTIME)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_questionnaire
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(TOOLS)
	$(BIN)/python -m pytest

# The same suite on a throwaway PostgreSQL cluster (needs PostgreSQL's binaries).
test-postgres: $(TOOLS)
	scripts/with-postgres $(MAKE) test

# 200 respondents over HTTP through gunicorn on a throwaway PostgreSQL cluster,
# sent by 20 Locust users at a time (scripts/locustfile.py, run by the script as
# a library): no 5xx, every answer stored, latency per page.
# Add --fault (scripts/with-postgres .venv/bin/python scripts/loadtest.py --fault)
# to restart PostgreSQL in the middle of the run.
loadtest: $(TOOLS)
	scripts/with-postgres $(BIN)/python scripts/loadtest.py

# The production topology on loopback (deploy/: nginx in front of two gunicorn
# instances, Redis as the shared cache, PostgreSQL): 200 Locust respondents (the
# load test's user class, once each) while a Start flood, slow clients, a Redis
# restart and a killed gunicorn hit it, then 10,000 generated bad requests.
# Needs nginx and redis-server (Debian's).
topology: $(TOOLS)
	scripts/with-postgres $(BIN)/python scripts/topology.py

# Requests/s, p50 and server CPU per request of each page, against a trivial view
# and against django-survey-and-report (installed into .benchmark/peer-venv), in
# interleaved rounds; then storage, admin, results and CSV export at 100,000
# submissions on PostgreSQL and SQLite. Prints only; see scripts/benchmark.py.
# Options: make benchmark BENCHMARK_ARGS="--rounds 5 --skip-scale --json bench.json"
BENCHMARK_ARGS ?=
benchmark: $(TOOLS)
	scripts/with-postgres $(BIN)/python scripts/benchmark.py $(BENCHMARK_ARGS)

lint: $(TOOLS)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(TOOLS)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache *.egg-info
