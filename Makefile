# Every target is a script in bin/; the README names them.
#   make run     install everything and run the whole stack on the embedded default
#   make test    lint, migrations check and the test suite

.DEFAULT_GOAL := help
.PHONY: help setup run test lint format web worker beat sandbox migrate demo bench

help:
	@echo "make setup     install into .venv, migrate (idempotent)"
	@echo "make run       setup, demo data, then web admin + Celery worker + beat + platform emulator"
	@echo "make test      ruff, makemigrations --check, pytest"
	@echo "make lint      ruff check"
	@echo "make format    ruff format and safe fixes"
	@echo "make web       the web admin alone (PORT, default 8000)"
	@echo "make worker    a Celery worker"
	@echo "make beat      Celery beat"
	@echo "make sandbox   the platform emulator (SANDBOX_PORT, default 8765)"
	@echo "make migrate   apply migrations"
	@echo "make demo      create the demo login and catalog"
	@echo "make bench     run the benchmarks in bench/"
	@echo "make messages  re-extract the translatable strings into locale/ and recompile the .mo"

setup:
	bin/setup

run:
	bin/run

test:
	bin/test

lint:
	bin/lint

format:
	bin/format

web:
	bin/web

worker:
	bin/worker

beat:
	bin/beat

sandbox:
	bin/sandbox

migrate:
	bin/setup

demo:
	bin/demo

bench:
	bin/bench

.PHONY: messages
messages:
	bin/messages
