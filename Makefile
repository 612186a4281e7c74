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

.PHONY: help setup browser train run run-prod shell lint validate test-stories test test-prod eval bench report clean

help:
	@echo "make run    - set up, train if needed, start the assistant (REST + socket.io on :5005, actions on :5055)"
	@echo "make test   - set up, train if needed, run the whole test suite"
	@echo "make train  - train the model only if its inputs changed"
	@echo "make shell  - chat with the assistant in this terminal"
	@echo "make lint   - ruff"
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

# The model is cached by a hash of everything that shapes it, so unchanged inputs never retrain
# (site and program data are read at run time and are not inputs).
train: setup
	@scripts/train-if-needed

run: train
	@scripts/run-assistant

run-prod: train
	@scripts/run-prod

shell: train
	@scripts/run-assistant --shell

lint: setup
	$(VENV)/bin/ruff check bot actions tests benchmarks scripts

validate: setup
	$(RASA) data validate --fail-on-warnings

test-stories: train
	$(RASA) test core --model "$$(scripts/model-path)" --stories tests/stories \
	  --fail-on-prediction-errors --out results/stories

test: lint validate test-stories browser
	AJC_MODEL="$$(scripts/model-path)" $(PY) -m pytest

eval: train
	$(PY) benchmarks/nlu_eval.py --model "$$(scripts/model-path)"

# Staff insights report (docs/report.md): last 7 days; SINCE=YYYY-MM-DD or OUT=file to change.
report: setup
	$(PY) -m bot report $(if $(SINCE),--since $(SINCE)) --out $(or $(OUT),var/report.html)

test-prod: train
	AJC_TEST_PROD=1 AJC_MODEL="$$(scripts/model-path)" $(PY) -m pytest tests/test_prod.py

bench: train
	$(PY) benchmarks/load.py --write-docs

clean:
	rm -rf results .pytest_cache .ruff_cache
