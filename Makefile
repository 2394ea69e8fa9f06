# The whole set-up on a fresh Debian/Ubuntu machine with Python 3.11+, run as root or with sudo.
#   make install  create .venv and install the project into it (no browser, no tests)
#   make demo     install, then rehearse the migration in the sandbox
#   make test     install, then lint, check the import graph, type-check and run every test
#   make mutation mutation testing of the code that guards production (not part of make test)
# Both are idempotent: a second run only redoes what changed.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test install browser tools lint typecheck pytest frontend captures clean mutation

demo: browser
	$(BIN)/dnn-runbook rehearse --yes

test: browser tools lint typecheck pytest

install: $(STAMP)

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --editable '.[test]'
	touch $@

# The captures of the sandbox's own front ends that the page-object suite replays
# (tests/pages/captures/), made again as `dnn-runbook check --capture` makes them.
captures: browser
	$(PY) -m tests.pages.capturing

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

# ssh-keygen (OpenSSH) signs the ticket hash and openssl timestamps it (--sign-key,
# --tsa-url); the tests make and check both with them. Installed only when missing.
tools:
	@command -v ssh-keygen >/dev/null && command -v openssl >/dev/null || { \
	  echo "Installing ssh-keygen and openssl (openssh-client, openssl)."; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq openssh-client openssl >/dev/null; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

typecheck: $(STAMP)
	$(BIN)/mypy

# Six workers, the long tests handed out first (see tests/conftest.py), one test at a time as
# a worker frees up; the modules that share one rehearsal between their tests (an
# xdist_group mark) go to one worker each, so the rehearsal runs once. The suite is bound by
# CI's two cores (their pressure stall at about 70 %): eight workers took as long (19 min on
# a clean clone) and made each test slower, which is what times out a short wait.
# PYTEST_WORKERS=0 runs them in one process.
PYTEST_WORKERS ?= 6
pytest: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup

# Rebuild the sandbox's committed front-end bundles from their sources and the lockfile (needs
# Node.js 18+ and npm; make demo and make test do not).
FRONTEND := src/dnn_runbook/sandbox/frontend
frontend:
	cd $(FRONTEND) && npm ci --no-audit --no-fund && node build.mjs

# Mutation testing (README "How the safety is tested"): mutmut mutates the modules named in
# pyproject.toml's [tool.mutmut] and runs the fast tests that reach each mutant, two at a time
# so that a shared 2-core machine stays usable; then the score per module. Exit 1 when a mutant
# survives in the interlocks, the license actions or the lost-activation path.
mutation: $(STAMP)
	$(PY) -m pip install --quiet --editable '.[test,mutation]'
	rm -rf mutants
	$(BIN)/mutmut run --max-children 2
	$(BIN)/mutmut results --all true | $(PY) tests/mutation/score.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache mutants
