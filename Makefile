# emusim — two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q

.PHONY: demo test lab dashboard bench install install-test registries lint clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(VENV)/bin/python pyproject.toml
	$(PIP) install -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PIP) install -e ".[test,registries,analysis,notebooks,browser]"
	@touch $@

$(VENV)/.installed-lab: $(VENV)/.installed pyproject.toml
	$(PIP) install -e ".[notebooks]"
	@touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## demo: install, then run the main job on the embedded default data
demo: $(VENV)/.installed
	$(PY) -m emusim.demo

## test: install what the tests need and run the whole suite
test: $(VENV)/.installed-test
	$(PY) -m pytest

## lab: JupyterLab on the notebooks
lab: $(VENV)/.installed-lab
	$(VENV)/bin/jupyter lab notebooks/

## dashboard: the Voilà explorer (notebooks/explorer.ipynb) on http://127.0.0.1:8866
##   voila.json (read from this folder): the offline "emusim" template (share/jupyter), one
##   preheated kernel waiting for the next visitor, idle kernels culled after 15 min.
dashboard: $(VENV)/.installed-lab
	JUPYTER_PATH=$(CURDIR)/share/jupyter $(VENV)/bin/voila notebooks/explorer.ipynb --port=8866 --Voila.ip=127.0.0.1 \
	  --no-browser --MappingKernelManager.cull_idle_timeout=900 --MappingKernelManager.cull_interval=60

## bench: run every benchmark, print the table, write benchmarks/RESULTS.md
bench: $(VENV)/.installed-test
	$(PY) benchmarks/run.py

## lint: lint every scenario file
lint: $(VENV)/.installed
	$(VENV)/bin/emusim lint scenarios/*.yaml --min-level warning

## registries: rebuild data/localities from vietnamadminunits
registries: $(VENV)/.installed-test
	$(PY) scripts/build_registries.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .hypothesis
