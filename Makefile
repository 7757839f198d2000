# The front door. `make run` = the main job, `make test` = the tests; each sets up .venv itself.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test build world bench lint notebooks clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

run: $(STAMP)  ## build if raw inputs changed, write figures, run notebooks, print Japan's ranks
	$(VENV)/bin/asean-japan run

test: $(STAMP)  ## the whole test suite (needs ../shared/data beside the project)
	$(PY) -m pytest

build: $(STAMP)
	$(VENV)/bin/asean-japan build

world: $(STAMP)  ## rank every reporter in the data (data/build/world/, not committed)
	$(VENV)/bin/asean-japan build --scope world

bench: $(STAMP)
	$(PY) benchmarks/bench_build.py

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks tools

notebooks: $(STAMP)  ## regenerate notebooks/ from tools/make_notebooks.py (outputs stripped)
	$(PY) tools/make_notebooks.py

clean:
	rm -rf $(VENV) reports data/build
