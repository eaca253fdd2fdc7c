# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint migrate seed worker clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

## run: install, migrate, seed a demo team, start web + worker + cron + embedded Redis + fake Twilio
run: $(STAMP)
	$(PY) -m triage.devstack

## test: the whole suite (PostgreSQL/Redis when NAJDA_TEST_DATABASE_URL/NAJDA_TEST_REDIS_URL are set)
test: $(STAMP)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

migrate: $(STAMP)
	$(PY) -m flask --app wsgi db upgrade

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
