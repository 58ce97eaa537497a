# On a fresh machine: `make run` (the demo), `make test`, and `make serve` (production).
VENV ?= .venv
# Production server: gunicorn on PORT (default 8000) with WEB_CONCURRENCY workers.
HOST ?= 127.0.0.1
WEB_CONCURRENCY ?= 4
# Debian's own Python 3 runs the app and its tests: built with profile-guided optimisation and
# linked whole (no shared libpython), it spends an eighth to a sixth less processor time on the
# same tests than a Python built from source without them (bench/README.md). A virtualenv made
# from another Python, or another version of it, is made again. PyICU is built with g++.
PYTHON ?= /usr/bin/python3
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed-$(shell { cat pyproject.toml; echo $(PYTHON); } | sha1sum | cut -c1-12)
BASE_OF = $(1) -c 'import sys; print(sys.base_prefix, *sys.version_info[:2])'
# Python keeps its compiled modules (__pycache__, ignored by git) even where the machine's
# environment says not to: every test process and every `flask` child otherwise compiles the
# app and rewrites the tests' asserts again (5 s of each pytest process's start).
export PYTHONDONTWRITEBYTECODE :=
APT_INSTALL := apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends

.PHONY: run serve test check lint install bench bench-locust chromium system-deps test-deps

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import ensurepip, os, sysconfig; \
	  assert os.path.exists(sysconfig.get_path("include") + "/Python.h")' 2>/dev/null || { \
	  $(APT_INSTALL) python3 python3-venv python3-dev; }
	@pkg-config --exists icu-i18n 2>/dev/null || { $(APT_INSTALL) libicu-dev pkg-config; }
	@command -v g++ >/dev/null 2>&1 || { $(APT_INSTALL) g++; }
	want="$$($(call BASE_OF,$(PYTHON)))" && test "$$($(call BASE_OF,$(PY)) 2>/dev/null)" = "$$want" \
	  || { rm -rf $(VENV) && $(PYTHON) -m venv $(VENV); }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)
	for package in contest judging anthology; do \
	  $(VENV)/bin/pybabel compile --statistics -d $$package/translations || exit 1; done

# Debian packages the app itself needs: the Vietnamese-capable font embedded in the EPUB; Noto
# Serif, Noto Sans Tai Viet (Sơn La's Thai script) and Noto Color Emoji for the print master; and
# LibreOffice (without its desktop) to read .doc and .rtf essays and print certificates, run
# inside bubblewrap, with Liberation Serif 2 (Times New Roman's metrics, Vietnamese complete);
# setpriv, so that no converter outlives a killed worker; a JDK for EPUBCheck, which reads
# back every EPUB before it is offered (its source launcher runs the checker kept running
# between books, anthology/render/EpubCheckServer.java); poppler's pdftotext, with which the tests read the
# DOCX's table of contents back from LibreOffice's PDF.
system-deps:
	@test -f /usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf || { $(APT_INSTALL) fonts-dejavu-core; }
	@test -f /usr/share/fonts/truetype/noto/NotoSansTaiViet-Regular.ttf || { $(APT_INSTALL) fonts-noto-core; }
	@test -f /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf || { $(APT_INSTALL) fonts-noto-color-emoji; }
	@command -v soffice >/dev/null 2>&1 || { $(APT_INSTALL) libreoffice-writer-nogui; }
	@test -f /usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf || { $(APT_INSTALL) fonts-liberation2; }
	@command -v bwrap >/dev/null 2>&1 || { $(APT_INSTALL) bubblewrap; }
	@command -v setpriv >/dev/null 2>&1 || { $(APT_INSTALL) util-linux; }
	@command -v javac >/dev/null 2>&1 || { $(APT_INSTALL) default-jdk-headless; }
	@command -v pdftotext >/dev/null 2>&1 || { $(APT_INSTALL) poppler-utils; }
	@command -v soffice >/dev/null 2>&1 && command -v bwrap >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 || { \
	  echo "LibreOffice, bubblewrap or the JDK could not be installed" >&2; exit 1; }

run: install system-deps
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	@echo "Gương Sáng: http://127.0.0.1:$(or $(PORT),5000)"
	$(FLASK) run --host 127.0.0.1 --port $(or $(PORT),5000)

# No demo is loaded: the database (DATABASE_URL, or the demo's SQLite file if one exists) is
# migrated and served as it is. Put nginx in front for HTTPS (README).
serve: install system-deps
	$(FLASK) db upgrade
	$(VENV)/bin/gunicorn --bind $(HOST):$(or $(PORT),8000) --workers $(WEB_CONCURRENCY) \
	  --access-logfile - --forwarded-allow-ips 127.0.0.1 'wsgi:create_app()'

# Test tools from Debian: Chromium for the browser tests.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Chromium is missing: installing Debian's chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }
	@command -v chromium >/dev/null 2>&1 || { echo "Chromium could not be installed" >&2; exit 1; }

# The PostgreSQL pass starts its own servers (tests/postgres.py) from Debian's postgresql; the
# job queue's tests start their own redis-server (tests/redis_server.py).
test-deps:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { $(APT_INSTALL) postgresql; }
	@command -v redis-server >/dev/null 2>&1 || { $(APT_INSTALL) redis-server; }
	@command -v redis-server >/dev/null 2>&1 || { echo "redis-server could not be installed" >&2; exit 1; }
	@command -v setpriv >/dev/null 2>&1 || { $(APT_INSTALL) util-linux; }
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  echo "PostgreSQL could not be installed" >&2; exit 1; }

lint: install
	$(VENV)/bin/ruff check contest judging anthology tests bench wsgi.py
	$(VENV)/bin/ruff format --check contest judging anthology tests bench wsgi.py

# Before each commit: lint, then every test that needs neither a browser nor a server of its
# own (Redis, PostgreSQL), on SQLite, two at a time (worksteal: a process that runs out of
# tests takes some of the other's, so the slow book tests do not finish on one alone).
check: lint system-deps
	$(VENV)/bin/pytest -n 2 --dist worksteal -m "not browser and not redis"

# Everything: on SQLite, then on PostgreSQL (each pytest process with its own server); tests
# about the SQLite file itself, and checks of the rendered book and of the pages' markup
# (axe) that no database changes, run in the first pass only.
test: lint system-deps chromium test-deps
	$(VENV)/bin/pytest -n 2 --dist worksteal
	GS_TEST_DATABASE=postgresql $(VENV)/bin/pytest -n 2 --dist worksteal -m "not sqlite_only and not render_once"

bench: install system-deps
	$(PY) -m bench.bench_judging
	$(PY) -m bench.bench_anthology
	$(PY) -m bench.bench_intake

# Many users at once (locust, the `bench` extra) against `make serve`: 200 on a PostgreSQL
# started for the run, then 50 judges on SQLite. Figures go into bench/README.md by hand.
bench-locust: install system-deps test-deps
	$(PY) -m pip install -q -e '.[test,bench]'
	$(PY) -m bench.bench_locust postgresql --judges 50 --entrants 150 --seconds 60
	$(PY) -m bench.bench_locust sqlite --judges 50 --entrants 0 --seconds 60
