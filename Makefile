# The front door. `make run` = the main job, `make test` = the tests; each sets up .venv itself.
# .venv is installed from requirements.lock (every package pinned, with hashes); `make lock`
# regenerates that file from pyproject.toml, `make audit` checks it for known vulnerabilities.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
LOCK   := requirements.lock
# The yardsticks' engines for `make bench` (polars, and DuckDB, which the dev extra has too for
# the test of its yardstick): their own lock, so that `make run` and the package never need
# them (pins of the main lock, plus the bench extra)
BENCH_LOCK := requirements-bench.lock

# Tools that work on the lock file, not on the project: their own venv, installed on demand.
TOOLS          := .venv-tools
UV_VERSION     := 0.13.9
AUDIT_VERSION  := 2.10.1
# `make lock` upgrades every pin to the newest release pyproject.toml allows; with
# `make lock LOCK_FLAGS=` it keeps the current pins and only adds or drops what pyproject.toml
# changed; `make lock LOCK_FLAGS='--upgrade-package pandas'` upgrades one package.
LOCK_FLAGS ?= --upgrade

.PHONY: run test test-fast build world bench lint notebooks lab lock lock-bench audit clean

$(STAMP): pyproject.toml $(LOCK)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes -r $(LOCK)
	$(PY) -m pip install --quiet --no-deps -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

run: $(STAMP)  ## build if raw inputs changed, write figures, run notebooks, print Japan's ranks
	$(VENV)/bin/asean-japan run

test: $(STAMP)  ## the whole test suite (needs ../shared/data beside the project)
	$(PY) -m pytest

# tests/unit/ alone, in one process: pure logic on hand-made inputs (its conftest fails a test
# there that reads real data, starts a process or opens a socket), for every edit
test-fast: $(STAMP)  ## the unit tests (seconds); make test runs them too, with the rest
	$(PY) -m pytest tests/unit -q -n 0

build: $(STAMP)
	$(VENV)/bin/asean-japan build

world: $(STAMP)  ## rank every reporter in the data (data/build/world/, not committed)
	$(VENV)/bin/asean-japan build --scope world

bench: $(STAMP)  ## build times and memory against their targets, DuckDB and polars beside (bench extra)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(BENCH_LOCK)
	$(PY) benchmarks/bench_build.py --check

lint: $(STAMP)
	$(VENV)/bin/ruff check src tests benchmarks notebooks

# notebooks/*.py (jupytext percent) are the notebooks' source and the only tracked form; each
# notebooks/X.ipynb is a git-ignored copy written from its .py when missing or older (outputs
# kept, inputs from the .py), not paired (notebooks/jupytext.toml): running it, with other
# parameters too, and saving it changes no tracked file. Delete a copy to start it afresh.
NB_COPIES := $(patsubst %.py,%.ipynb,$(wildcard notebooks/*.py))
notebooks: $(NB_COPIES)  ## write each notebooks/*.ipynb (kernel python3) from its newer .py

notebooks/%.ipynb: notebooks/%.py | $(STAMP)
	$(VENV)/bin/jupytext --quiet --set-kernel python3 --update --to ipynb $<

# JupyterLab on this machine only (127.0.0.1); as root (a container) with --allow-root, which
# jupyter otherwise requires and exits without, and no browser to open: open the printed URL
LAB_FLAGS ?= --ip=127.0.0.1
lab: notebooks  ## open the notebooks in JupyterLab (widgets included)
	$(VENV)/bin/jupyter lab $(LAB_FLAGS) $$([ "$$(id -u)" -eq 0 ] && echo --allow-root --no-browser) notebooks/

$(TOOLS)/.uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet uv==$(UV_VERSION)
	touch $@

$(TOOLS)/.pip-audit:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/python -m pip install --quiet pip-audit==$(AUDIT_VERSION)
	touch $@

lock: $(TOOLS)/.uv  ## the way to upgrade: re-resolve pyproject.toml (+ dev extra) into requirements.lock
	$(TOOLS)/bin/uv pip compile pyproject.toml --extra dev $(LOCK_FLAGS) \
	    --python-version 3.11.7 --python-platform x86_64-unknown-linux-gnu \
	    --generate-hashes --custom-compile-command 'make lock' --quiet -o $(LOCK)

lock-bench: $(TOOLS)/.uv  ## pin the bench extra (DuckDB, polars) into requirements-bench.lock, main pins kept
	$(TOOLS)/bin/uv pip compile pyproject.toml --extra bench --constraint $(LOCK) \
	    --python-version 3.11.7 --python-platform x86_64-unknown-linux-gnu \
	    --generate-hashes --custom-compile-command 'make lock-bench' --quiet -o $(BENCH_LOCK)

audit: $(TOOLS)/.pip-audit  ## check every pin in requirements.lock against known vulnerabilities
	@$(TOOLS)/bin/pip-audit -r $(LOCK) --require-hashes --disable-pip --strict \
	    --progress-spinner off >$(TOOLS)/audit.log 2>&1; rc=$$?; \
	if [ $$rc -eq 0 ] || grep -qE '^(No known vulnerabilities|Found [0-9]+ known vulnerabilit)' $(TOOLS)/audit.log; then \
	    cat $(TOOLS)/audit.log; exit $$rc; \
	fi; \
	echo "make audit: no advisory database reachable from this machine (pip-audit could not get vulnerability data for $(LOCK)); nothing was audited, details in $(TOOLS)/audit.log" >&2; \
	exit 2

clean:
	rm -rf $(VENV) $(TOOLS) reports data/build
