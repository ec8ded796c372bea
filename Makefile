# PSP Dashboard — two commands: `make run` (demo) and `make test` (everything CI runs).
SHELL := /bin/bash
.DEFAULT_GOAL := help
UV := $(shell command -v uv 2>/dev/null || echo python3 -m uv)
BACKEND := backend
FRONTEND := frontend

.PHONY: help setup run serve test test-backend test-frontend lint typecheck frontend-build e2e bench clean

help:
	@echo "make run    install what is missing, start the demo (API + dashboard + sandboxes)"
	@echo "make test   install test dependencies and run every test, linter and type check"

setup:
	@scripts/ensure-uv.sh
	cd $(BACKEND) && $(UV) sync --frozen --quiet

frontend-build:
	@scripts/build-frontend.sh

run: setup frontend-build
	cd $(BACKEND) && $(UV) run psp run

serve: setup
	cd $(BACKEND) && $(UV) run psp serve

lint: setup
	cd $(BACKEND) && $(UV) run ruff check . ../bench && $(UV) run ruff format --check . ../bench

typecheck: setup
	cd $(BACKEND) && $(UV) run mypy

test-backend: setup
	@scripts/ensure-chromium.sh
	cd $(BACKEND) && $(UV) run pytest -q -n 2 --dist loadfile --durations=15

test-frontend:
	@scripts/test-frontend.sh

test: lint typecheck test-backend test-frontend

clean:
	rm -rf var $(BACKEND)/.venv $(FRONTEND)/node_modules $(FRONTEND)/out $(FRONTEND)/.next
