# The two commands in README.md are the contract: `make run` and `make test`.
# Everything below is set up on demand, so both work from a fresh clone.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
RASA      := $(VENV)/bin/rasa
STAMP     := $(VENV)/.installed
MODEL_DIR ?= $(HOME)/.cache/ajc-assistant/models
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 2

# Python code that lint checks (formatting, style) and shell scripts that shellcheck reads.
PY_SOURCES := bot actions tests benchmarks devtools
SHELL_SCRIPTS := $(shell grep -lE '^\#!/usr/bin/env bash' scripts/* benchmarks/* .ci/run 2>/dev/null)

.PHONY: help setup browser train run run-prod shell lint validate test-stories test test-fast test-prod eval bench report clean

help:
	@echo "make run    - set up, train if needed, start the assistant (REST + socket.io on :5005, actions on :5055)"
	@echo "make test   - set up, train if needed, run the whole test suite"
	@echo "make train  - train the model only if its inputs changed"
	@echo "make shell  - chat with the assistant in this terminal"
	@echo "make test-fast - the tests that need no trained model, server or browser (under a minute)"
	@echo "make lint   - ruff (style and formatting), mypy (types of bot/ and actions/), shellcheck"
	@echo "make setup  - create .venv and install the pinned dependencies"
	@echo "make browser - install Debian's Chromium for the browser tests"
	@echo "make validate - rasa data validate"
	@echo "make test-stories - the conversation test stories against the trained model"
	@echo "make clean  - remove test results and caches"
	@echo "make eval   - measure NLU per language (held-out, 5-fold cross-validation, pipelines)"
	@echo "make report - staff report of the last 7 days (SINCE=YYYY-MM-DD, OUT=file.html)"
	@echo "make run-prod  - replicated set-up on loopback: nginx, Rasa replicas, PostgreSQL, Redis"
	@echo "make test-prod - the production set-up's fault tests (installs Debian packages as root)"
	@echo "make bench     - load benchmark: one replica, two replicas, stock rasa init"

# Python 3.10 is required by Rasa 3.6. The pyenv shim alone is not enough: it refuses when the
# selected pyenv version is another one, so fall back to pyenv's own install folder.
$(STAMP): pyproject.toml requirements.lock
	@set -e; \
	if [ ! -x $(PY) ]; then \
	  py=$$(scripts/find-python310); \
	  echo "Creating $(VENV) with $$py"; \
	  "$$py" -m venv $(VENV); \
	fi; \
	$(PY) -m pip install -q -r requirements.lock; \
	$(PY) -m pip install -q --no-deps -e .; \
	touch $(STAMP)

setup: $(STAMP)

# Browser tests drive Debian's Chromium through Playwright (never `playwright install`).
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Chromium is needed for the browser tests: sudo apt-get install chromium" >&2; exit 1; fi; }

# rasa-webchat, which the browser tests embed as a partner website would (docs/widget.md): the
# exact versions of web/vendor/package-lock.json, with no install scripts.
WEB_VENDOR := web/vendor/node_modules/.package-lock.json
$(WEB_VENDOR): web/vendor/package.json web/vendor/package-lock.json
	@command -v npm >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq npm >/dev/null; \
	  else echo "npm is needed for the browser tests: sudo apt-get install npm" >&2; exit 1; fi; }
	cd web/vendor && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	@touch $@

# The model is cached by a hash of everything that shapes it, so unchanged inputs never retrain
# (site and program data are read at run time and are not inputs).
train: setup
	@scripts/train-if-needed

run: train
	@scripts/run-assistant

run-prod: train
	@$(PY) -m devtools.prodstack

shell: train
	@scripts/run-assistant --shell

lint: setup
	$(VENV)/bin/ruff check $(wildcard $(PY_SOURCES))
	$(VENV)/bin/ruff format --check $(wildcard $(PY_SOURCES))
	$(VENV)/bin/mypy bot actions
	$(VENV)/bin/shellcheck $(SHELL_SCRIPTS)

validate: setup
	$(RASA) data validate --fail-on-warnings

test-stories: train
	$(RASA) test core --model "$$(scripts/model-path)" --stories tests/stories \
	  --fail-on-prediction-errors --out results/stories

test: lint validate test-stories browser $(WEB_VENDOR)
	AJC_MODEL="$$(scripts/model-path)" $(PY) -m pytest

# Fast feedback while editing: no trained model, no servers, no browser, no production stack.
test-fast: setup
	$(PY) -m pytest -m "not e2e and not model and not browser and not prod"

eval: train
	$(PY) -m benchmarks.nlu_eval --model "$$(scripts/model-path)"

# Staff insights report (docs/report.md): last 7 days; SINCE=YYYY-MM-DD or OUT=file to change.
report: setup
	$(PY) -m bot report $(if $(SINCE),--since $(SINCE)) --out $(or $(OUT),var/report.html)

test-prod: train
	AJC_MODEL="$$(scripts/model-path)" $(PY) -m pytest -m prod tests/test_prod.py

bench: train
	$(PY) -m benchmarks.load --write-docs

clean:
	rm -rf results .pytest_cache .ruff_cache
