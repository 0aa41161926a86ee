# Two entry points: `make demo` and `make test`. Everything else is plumbing.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA ?= data
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install ingest serve eval bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

ingest: install
	$(BIN)/praxis ingest corpus --manifest corpus/catalogue.jsonl --data $(DATA)

demo: ingest
	@echo "Praxis is serving the sample library on http://$(HOST):$(PORT) (Ctrl-C to stop)"
	$(BIN)/praxis serve --data $(DATA) --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

eval: install
	$(BIN)/praxis eval --data $(DATA)

bench: install
	$(BIN)/python benchmarks/ingest_bench.py
	$(BIN)/python benchmarks/search_bench.py

clean:
	rm -rf $(DATA) .pytest_cache
