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

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest

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
