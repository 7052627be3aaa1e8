# The README's commands. Each target bootstraps .venv from pyproject.toml first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PASSWORD ?= hub-demo-2026

.PHONY: setup run test bench lint messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

run: setup
	$(BIN)/hub migrate --noinput
	$(BIN)/hub demo --if-empty --password $(DEMO_PASSWORD)
	$(BIN)/hub reindex
	$(BIN)/hub collectstatic --noinput --verbosity 0
	$(BIN)/hub serve --host $(HOST) --port $(PORT)

# The tests drive the hub with real Yjs clients from npm (tests/collab/node/).
NODE_STAMP := node_modules/.package-lock.json
$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund

test: setup $(NODE_STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest

# The suite again on real servers (docs/deploy.md): PostgreSQL (DATABASE_URL), Redis
# (REDIS_URL) and the PostgreSQL search backend; tests/scale/ and the PostgreSQL variants
# of the search behaviour tests (hub/search/tests) run only here, and so do the OpenSearch
# and Elasticsearch tests (their clients are installed here; they need no server). .ci/run
# starts both servers on loopback; locally, point the two variables at yours.
SCALE_STAMP := $(VENV)/.installed-scale
$(SCALE_STAMP): $(STAMP)
	$(BIN)/pip install --quiet -e '.[test,postgres,redis,opensearch,elasticsearch]'
	touch $(SCALE_STAMP)

.PHONY: test-scale
test-scale: $(SCALE_STAMP) $(NODE_STAMP)
	@test -n "$$DATABASE_URL" -a -n "$$REDIS_URL" || \
		{ echo "make test-scale needs DATABASE_URL (postgres://...) and REDIS_URL (redis://...)"; exit 2; }
	SEARCH_BACKEND=postgres $(BIN)/pytest

bench: setup
	$(BIN)/python -m tests.bench

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Needs GNU gettext (msgfmt); the compiled .mo files are committed so users do not.
# Strings of an app with a locale/ folder (plugins) go to that folder, the rest to hub/locale.
# English is the source language, so only zh_Hans has a catalogue. makemessages reads only
# .py, .html and .txt files, so the demo's Markdown needs no ignore (its Python is UI text).
I18N_IGNORE := --ignore '.venv/*' --ignore 'var/*' --ignore 'tests/*' --ignore 'node_modules/*'
messages: setup
	$(BIN)/hub makemessages -l zh_Hans --no-obsolete $(I18N_IGNORE)
	$(BIN)/hub compilemessages $(I18N_IGNORE)

clean:
	rm -rf $(VENV) var

# The co-editor's browser bundle (hub/collab/static/collab/editor.js) is committed, so
# running the hub needs no Node; these rebuild it from frontend/ with the locked packages.
.PHONY: assets assets-check
assets: $(NODE_STAMP)
	npm run build

assets-check: assets
	git ls-files --error-unmatch hub/collab/static/collab/editor.js >/dev/null
	git diff --exit-code -- hub/collab/static/collab/editor.js
