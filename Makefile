# Two entry points: `make run` serves the demo site, `make test` runs every check.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# More pytest arguments for make pytest, e.g. PYTEST_ARGS='-m "not browser"'.
PYTEST_ARGS ?=

.PHONY: run test pytest install install-dev lint clean browser-tools java-runtime gettext messages bench bench-faults bench-import bench-search

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required, found " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# For tests/browser: Debian's Chromium, a Java runtime for the Nu HTML checker, and axe-core
# and vnu-jar as package-lock.json pins them. apt-get runs only when a tool is missing (as root).
APT_GET_INSTALL := apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q

/usr/bin/chromium:
	$(APT_GET_INSTALL) chromium

# Chinese pages in Chromium's screenshots: a CJK font (static/css/site.css names it first
# among the CJK fallbacks), else its characters draw as boxes.
/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc:
	$(APT_GET_INSTALL) fonts-noto-cjk

# msgfmt and xgettext: makemessages, and tests/core/test_i18n.py's check of the catalogue.
gettext:
	@command -v msgfmt >/dev/null || { $(APT_GET_INSTALL) gettext; }

# For tests/test_deploy.py: Debian's docker-compose validates docker-compose.yml offline.
/usr/bin/docker-compose:
	$(APT_GET_INSTALL) docker-compose

java-runtime:
	@command -v java >/dev/null || { $(APT_GET_INSTALL) default-jre-headless; }

# --ignore-scripts: vnu-jar's postinstall would try to download a JDK of its own.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

browser-tools: /usr/bin/chromium /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc /usr/bin/docker-compose java-runtime node_modules/.installed

# Local work's settings file (config/settings/local.py reads it): written once, with DEBUG on
# and a key of its own, and never overwritten, so edits to it stay.
.env:
	@$(PYTHON) -c 'import secrets; print("# Local work (written by make run; yours to edit, never overwritten).\nDJANGO_SETTINGS_MODULE=config.settings.local\nDEBUG=true\nSECRET_KEY=" + secrets.token_urlsafe(50))' > $@.new
	@mv $@.new $@
	@echo "Wrote $@: local settings, DEBUG on, a new SECRET_KEY."

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

# The job queue's worker (the works inbox's harvests) runs beside the server, and stops with it.
run: install .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddemo
	$(PY) manage.py ensure_local_admin
	$(PY) manage.py procrastinate worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

# After marking or changing interface strings: the catalogue updated (then translate what
# msgfmt --statistics counts as untranslated or fuzzy) and compiled; both files are committed.
messages: install gettext
	$(PY) manage.py makemessages --locale zh_Hans --ignore '.venv/*' --ignore 'node_modules/*' --ignore 'staticfiles/*' --ignore 'bench/*' --ignore 'tests/*'
	$(PY) manage.py compilemessages --locale zh_Hans --ignore '.venv/*'

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The checks and the suite use the test settings, whatever .env or the shell name.
test pytest: export DJANGO_SETTINGS_MODULE := config.settings.test

test: lint
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	$(MAKE) pytest

# On every core (pytest-xdist), each worker with a test database of its own.
pytest: install-dev browser-tools gettext
	$(PY) -m pytest --numprocesses auto $(PYTEST_ARGS)

# Options of the bench scripts, e.g. BENCH_ARGS='--duration 5 --crawl-limit 2000'.
BENCH_ARGS ?=

# By hand, not in make test: builds a 1,000-researcher, 20,000-paper database and loads it,
# then crawls the sitemap twice and edits under load (bench/speed.py --help).
bench: install .env
	@command -v wrk >/dev/null || { $(APT_GET_INSTALL) wrk; }
	$(PY) bench/speed.py $(BENCH_ARGS)

# By hand: search at 1,000 and 100,000 papers, uncached (bench/search.py --help).
bench-search: install .env
	$(PY) bench/search.py $(BENCH_ARGS)

# By hand: a generated 5,000-entry BibTeX file imported, against bibtexparser's parse.
bench-import: install .env
	$(PY) bench/import.py

# By hand: PostgreSQL restarted and Redis killed under load (own throw-away servers).
bench-faults: install
	$(PY) bench/faults.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache node_modules test-artifacts
