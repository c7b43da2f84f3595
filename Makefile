# `make demo` sets up .venv with infokit and its command line and runs the main job
# (the CLI on the bundled example texts);
# `make test` adds the test dependencies (NumPy, array-api-strict, PyTorch CPU, JAX)
# and runs the whole suite, doctests included, then `make typecheck` (mypy, configured in
# pyproject.toml).  Both work on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test typecheck bench clean

$(VENV)/.core: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e ".[cli,plot]"
	touch $@

$(VENV)/.test: $(VENV)/.core
	$(PY) -m pip install --quiet -e ".[test]" "torch==2.13.0" "jax>=0.4.30"
	touch $@

demo: $(VENV)/.core
	$(VENV)/bin/infokit kl "$$($(VENV)/bin/infokit data gettysburg_letters.csv)" \
		"$$($(VENV)/bin/infokit data declaration_letters.csv)" --column letter --smoothing jeffreys
	$(VENV)/bin/infokit demo

test: $(VENV)/.test
	$(PY) -m pytest
	$(MAKE) typecheck

typecheck: $(VENV)/.test
	$(PY) -m mypy

$(VENV)/.bench: $(VENV)/.test
	$(PY) -m pip install --quiet -e ".[bench]"
	touch $@

bench: $(VENV)/.bench
	$(PY) benchmarks/bench_exact.py --output benchmarks/RESULTS.md
	$(PY) benchmarks/bench_counting.py --output benchmarks/RESULTS.md
	$(PY) benchmarks/bench_estimators.py --output benchmarks/RESULTS.md
	$(PY) benchmarks/bench_continuous.py --output benchmarks/RESULTS.md
	$(PY) benchmarks/bench_lm.py --output benchmarks/RESULTS.md
	$(PY) benchmarks/bench_io.py --output benchmarks/RESULTS.md
	$(PY) benchmarks/bench_dask.py --output benchmarks/RESULTS.md

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache

# `make docs` builds the documentation site (docs/, Sphinx) into docs/_build/html with warnings
# as errors, running every example; `make docs-check` then takes screenshots in headless
# Chromium (installed from Debian if missing) into docs/_build/screenshots.
.PHONY: docs docs-check

$(VENV)/.docs: $(VENV)/.test
	$(PY) -m pip install --quiet -e ".[docs]"
	touch $@

docs: $(VENV)/.docs
	PATH="$(abspath $(VENV))/bin:$$PATH" $(PY) -m sphinx -b html -W --keep-going docs docs/_build/html

docs-check: docs
	command -v chromium >/dev/null 2>&1 || (apt-get update && apt-get install -y chromium)
	$(PY) docs/tools/screenshots.py
