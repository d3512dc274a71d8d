# Digest: `make run` serves the site, `make test` runs the whole suite.
# Needs only Python 3.11+ and make; everything else is installed from pyproject.toml.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM := /usr/bin/chromium
NGINX := /usr/sbin/nginx

.PHONY: run serve worker test test-fast lint format install test-tools bench backup restore import-wordpress dbstop clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP)

run: export DEBUG ?= true
run: $(STAMP)
	@$(PY) -c "import socket,sys; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); \
	  r=s.connect_ex(('$(HOST)', $(PORT))); s.close(); \
	  sys.exit('digest: error: port $(PORT) on $(HOST) is in use; stop what uses it or run: make run PORT=8001') if r == 0 else None"
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo --if-empty
	@# The worker runs beside the server: Ctrl-C reaches both (the worker finishes
	@# its task first); the trap stops the worker when runserver ends otherwise.
	@$(PY) manage.py worker & worker=$$!; \
	  trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; \
	  trap 'exit 130' INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

# Background tasks and the periodic jobs (README: Background work); more than one may run.
worker: export DEBUG ?= true
worker: $(STAMP)
	$(PY) manage.py worker $(WORKER_ARGS)

# The production setup on one machine: gunicorn (production settings, gunicorn.conf.py)
# behind deploy/nginx.conf for /static/, /media/ and the micro-cache, and the task worker.
serve: $(STAMP)
	@HOST=$(HOST) PORT=$(PORT) $(PY) deploy/serve.py

# Debian packages the tests drive: Chromium (browser tests) and nginx (deploy/nginx.conf).
# Installed with apt-get when missing and run as root; otherwise named for the user.
TEST_PACKAGES = $(if $(wildcard $(CHROMIUM)),,chromium) $(if $(wildcard $(NGINX)),,nginx-light)

test-tools:
	@if [ -n "$(strip $(TEST_PACKAGES))" ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's $(strip $(TEST_PACKAGES)) for the tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(TEST_PACKAGES) >/dev/null; \
	  elif [ ! -x $(CHROMIUM) ]; then \
	    echo "digest: error: $(CHROMIUM) is missing: install it (sudo apt-get install chromium)"; exit 1; \
	  else \
	    echo "digest: note: $(NGINX) is missing: the nginx tests are skipped (sudo apt-get install nginx-light)"; \
	  fi; \
	fi

test: $(STAMP) test-tools
	$(PY) -m pytest $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(PY) -m pytest --reuse-db -m "not e2e" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(PY) manage.py check
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# DEBUG only picks development defaults (a kept secret key); the database is the same.
backup restore: export DEBUG ?= true
backup: $(STAMP)
	$(PY) manage.py backup

restore: $(STAMP)
	@test -n "$(FILE)" || { echo "digest: error: name the archive: make restore FILE=var/backups/digest-YYYYmmdd-HHMMSS.tar.gz [FORCE=1]"; exit 2; }
	$(PY) manage.py restore "$(FILE)" $(if $(FORCE),--force)

# Move a WordPress site in: make import-wordpress FILE=export.xml UPLOADS=wp-content/uploads
import-wordpress: export DEBUG ?= true
import-wordpress: $(STAMP)
	@test -n "$(FILE)" || { echo "digest: error: name the export: make import-wordpress FILE=site.WordPress.xml UPLOADS=path/to/wp-content/uploads [BY=username]"; exit 2; }
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py import_wordpress "$(FILE)" $(if $(UPLOADS),--uploads "$(UPLOADS)") $(if $(BY),--as "$(BY)")

# Reader pages under load against same-run ceilings; BENCH_ARGS="--articles 100000 --growth".
bench: $(STAMP)
	$(PY) bench/bench.py $(BENCH_ARGS)

dbstop: $(STAMP)
	$(PY) -m digest.embedded_db stop

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
