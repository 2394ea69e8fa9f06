# The whole set-up on a fresh Debian/Ubuntu machine with Python 3.11+, run as root or with sudo.
#   make demo   install, then rehearse the migration in the sandbox
#   make test   install, then lint, type-check and run every test
# Both are idempotent: a second run only redoes what changed.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test install browser lint typecheck pytest clean

demo: browser
	$(BIN)/dnn-runbook rehearse --yes

test: browser lint typecheck pytest

install: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --editable '.[test]'
	touch $@

# A browser: whatever is already there, else Playwright's own build, else the distribution's
# chromium package (for machines that cannot reach Playwright's download host).
browser: $(STAMP)
	@$(PY) -m dnn_runbook.browser >/dev/null 2>&1 || { \
	  echo "No browser yet: trying 'playwright install chromium'."; \
	  $(PY) -m playwright install chromium || { \
	    echo "Playwright could not download its browser: installing the distribution's chromium."; \
	    $(SUDO) apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }; }
	@$(PY) -m dnn_runbook.browser

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
