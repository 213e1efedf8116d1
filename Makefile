# Accord: `make run` serves the demo, `make test` runs every check. `make help` lists the rest.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Stamps record which requirements file the venv was last installed from.
RUNTIME_STAMP := $(VENV)/runtime.stamp
DEV_STAMP := $(VENV)/dev.stamp
CHROMIUM_PATH ?= /usr/bin/chromium
PYTEST_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help .venv dev-venv chromium fonts run test lint fmt bench worker beat clean distclean

help:
	@echo "make run      migrate, load the demo data, serve http://127.0.0.1:8000 (SQLite, eager tasks)"
	@echo "make test     lint, Django checks and the whole test suite (PYTEST_ARGS=... to narrow)"
	@echo "make lint     ruff check + ruff format --check"
	@echo "make fmt      ruff format + ruff check --fix"
	@echo "make bench    run every bench/*.py benchmark"
	@echo "make worker   Celery worker (needs CELERY_BROKER_URL)"
	@echo "make beat     Celery beat (needs CELERY_BROKER_URL)"
	@echo "make clean    remove caches and test artefacts (distclean: also .venv and db.sqlite3)"

# --- environment -------------------------------------------------------------------------

.venv: $(RUNTIME_STAMP)

dev-venv: $(DEV_STAMP)

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { \
	  echo "Accord needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) -V 2>&1)." \
	       "Run with PYTHON=python3.11 (or newer)."; exit 1; }
	@if ! $(PYTHON) -m venv $(VENV); then \
	  rm -rf $(VENV); \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing python3-venv (needed to create $(VENV))"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-venv && \
	    $(PYTHON) -m venv $(VENV); \
	  else \
	    echo "Could not create $(VENV): install python3-venv (apt-get install python3-venv)."; \
	    exit 1; \
	  fi; \
	fi

$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements-dev.txt $(RUNTIME_STAMP)
	$(BIN)/python -m pip install --disable-pip-version-check -q -r requirements-dev.txt
	@touch $@

# Browser tests drive Debian's chromium through Playwright (no browser download).
chromium:
	@if [ -x "$(CHROMIUM_PATH)" ]; then \
	  :; \
	elif [ "$(CHROMIUM_PATH)" = /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] \
	     && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	else \
	  echo "Browser tests need Chromium at $(CHROMIUM_PATH)."; \
	  echo "Install it as root (apt-get install chromium) or set CHROMIUM_PATH to a Chromium binary."; \
	  exit 1; \
	fi
	@test -x "$(CHROMIUM_PATH)" || { echo "Chromium is still missing at $(CHROMIUM_PATH)."; exit 1; }

# Japanese needs a font: the browser tests' pages and screenshots (kana and kanji would render
# as boxes) and the signed resolutions, which embed Noto Sans CJK so their Japanese renders and
# extracts anywhere (ACCORD_RESOLUTION_FONT names another OpenType CJK font instead).
# Installed like chromium, as root on Debian.
RESOLUTION_FONT ?= $(or $(ACCORD_RESOLUTION_FONT),/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc)
fonts:
	@if [ -f "$(RESOLUTION_FONT)" ] && fc-list :lang=ja 2>/dev/null | grep -q .; then \
	  :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "Installing Debian's fonts-noto-cjk (Japanese pages and signed resolutions)"; \
	  DEBIAN_FRONTEND=noninteractive apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-cjk; \
	else \
	  echo "Japanese needs $(RESOLUTION_FONT): install fonts-noto-cjk as root"; \
	  echo "(apt-get install fonts-noto-cjk) or set ACCORD_RESOLUTION_FONT to a CJK OpenType font."; \
	  exit 1; \
	fi

# --- serve -------------------------------------------------------------------------------

run: export DEBUG ?= 1
# The demo's four-eyes threshold: entries worth 500 million USD or more wait for a second staff user.
run: export ACCORD_FOUR_EYES_USD ?= 500000000
# Demo mail (ballots opened and closed by seed_demo, and what you do) goes to files in
# sent-mail/, one per message, rather than across the terminal.
run: export EMAIL_BACKEND ?= django.core.mail.backends.filebased.EmailBackend
# Without a key and certificate of your own, resolutions are signed with a self-signed pair
# made once under var/demo-signing/ (and each PDF says so).
DEMO_SIGNING := $(CURDIR)/var/demo-signing
run: export ACCORD_SIGNING_KEY ?= $(DEMO_SIGNING)/demo-signing-key.pem
run: export ACCORD_SIGNING_CERT ?= $(DEMO_SIGNING)/demo-signing-cert.pem
run: .venv fonts
	$(BIN)/python manage.py migrate --noinput
	@if [ "$$ACCORD_SIGNING_KEY" = "$(DEMO_SIGNING)/demo-signing-key.pem" ]; then \
	  $(BIN)/python manage.py signing_demo_pair --dir "$(DEMO_SIGNING)"; fi
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py seed_financing
	$(BIN)/python manage.py runserver 127.0.0.1:8000

worker: .venv
	$(BIN)/celery -A config worker -l info --without-gossip --without-mingle --without-heartbeat

beat: .venv
	$(BIN)/celery -A config beat -l info

# --- checks ------------------------------------------------------------------------------

# The suite runs in one process per core (pytest-xdist), each with its own database. With a
# broker configured, the tests that start a Celery worker (integration, schemathesis) then run
# apart, in one process, after the rest: their worker consumes the one Redis queue and would
# take another process's tasks to its own database (it empties the queue when it starts).
# PYTEST_WORKERS=0 runs everything in one process.
PYTEST_WORKERS ?= auto
SERVICE_TESTS := integration or schemathesis

# The key below is for tests only; a real deployment sets its own SECRET_KEY.
test: export SECRET_KEY ?= insecure-test-only-key
test: export CHROMIUM_PATH := $(CHROMIUM_PATH)
test: dev-venv chromium fonts
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
ifdef CELERY_BROKER_URL
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m "not ($(SERVICE_TESTS))" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(BIN)/pytest -n 0 -m "$(SERVICE_TESTS)" $(PYTEST_ARGS) || [ $$? -eq 5 ]
else
	$(BIN)/pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)
endif

lint: dev-venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: dev-venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Every bench/*.py is a benchmark that prints one line of figures; helper modules (data
# generators and the like) start with an underscore and are not run.
bench: export SECRET_KEY ?= insecure-bench-only-key
bench: export PYTHONPATH := .
bench: dev-venv
	@set -e; found=0; \
	for script in bench/*.py; do \
	  case "$$(basename "$$script")" in _*) continue ;; esac; \
	  [ -f "$$script" ] || continue; \
	  found=1; \
	  echo "== $$script"; \
	  $(BIN)/python "$$script"; \
	done; \
	[ "$$found" = 1 ] || { echo "No benchmarks found in bench/."; exit 1; }

# --- housekeeping ------------------------------------------------------------------------

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +
	rm -rf .pytest_cache .ruff_cache .hypothesis test-results test-screenshots staticfiles .coverage htmlcov \
	       celerybeat-schedule* bench/out bench/results $(RUNTIME_STAMP) $(DEV_STAMP)

distclean: clean
	rm -rf $(VENV) db.sqlite3 db.sqlite3-journal db.sqlite3-wal db.sqlite3-shm media sent-mail
