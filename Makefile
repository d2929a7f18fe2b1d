# `make run` and `make test` are all a newcomer needs; see README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000

.PHONY: run test test-all lint format bench migrate seed clean install stack

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# axe-core for the accessibility browser tests (package.json; the lockfile pins it). Without
# npm those tests skip, as the browser tests do without Chromium.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility browser tests will be skipped"; fi

install: $(VENV)/.installed node_modules/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

# seed_demo and bench come from devtools/, which the local and test settings install (the
# default of manage.py is config.settings.local); production's settings and image leave it out.
seed: migrate
	$(BIN)/python manage.py seed_demo --if-empty

# Web UI, a Celery worker and beat on embedded defaults (SQLite, filesystem broker); Ctrl-C stops all.
run: seed
	@bash scripts/run.sh $(BIN) $(PORT)

# Production-like run without Docker: gunicorn x2 + worker + one beat on PostgreSQL and Redis
# (needs DATABASE_URL and CELERY_BROKER_URL); mail to a local SMTP sink. Ctrl-C stops all.
stack: install
	@BIN=$(BIN) bash scripts/stack.sh

# `make test` with no DATABASE_URL is the quick run: SQLite, tests marked `slow` left out,
# tests marked `postgres` skipped, on up to four cores. With DATABASE_URL set, or FULL=1
# (`make test-all`), every test, as CI runs it. PYTEST_ARGS goes on to pytest.
QUICK_TEST_ARGS := -n auto --maxprocesses 4 -m "not slow"
FULL_TEST_ARGS := -n auto --maxprocesses 4 --dist loadgroup
ifneq ($(FULL)$(DATABASE_URL),)
TEST_ARGS := $(FULL_TEST_ARGS)
else
TEST_ARGS := $(QUICK_TEST_ARGS)
endif

test: install
	$(BIN)/python -m pytest $(TEST_ARGS) $(PYTEST_ARGS)

test-all:
	$(MAKE) test FULL=1

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache  # the layering in .importlinter

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python manage.py bench

clean:
	rm -rf var staticfiles node_modules
