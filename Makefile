# Two entry points: `make demo` and `make test`. Everything else is plumbing.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install install-test ingest serve eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes. The demo needs only the runtime
# dependencies (no torch, no browser driver); the tests add the `test` extra.
$(VENV)/.installed-runtime: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-runtime

install-test: $(VENV)/.installed-test

ingest: install
	$(BIN)/praxis ingest corpus --manifest corpus/catalogue.jsonl --data $(DATA)

demo: ingest
	@echo "Praxis will serve the sample library on http://$(HOST):$(PORT) (Ctrl-C to stop); it says when it is ready"
	$(BIN)/praxis serve --data $(DATA) --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/python -m pytest -q

eval: install
	$(BIN)/praxis eval --data $(DATA)

bench: install-test
	$(BIN)/python benchmarks/ingest_bench.py
	$(BIN)/python benchmarks/search_bench.py

clean:
	rm -rf $(DATA) .pytest_cache
