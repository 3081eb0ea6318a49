# pmo-opt: every target sets up .venv itself (python3, pip and make are all it needs).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
SCENARIO ?= data/scenarios/baseline.yaml
PYTEST_ARGS ?=
# two workers, one test file each at a time: the report-running files (a module fixture each)
# overlap, and the suite fits in 15 minutes on 2 cores; TEST_WORKERS=0 runs it in one process
TEST_WORKERS ?= 2

.PHONY: help setup report test lint format notebooks bench best-known lab sample clean

help:
	@echo "make report     set up .venv and write the sample report into reports/"
	@echo "make test       set up .venv and run the whole suite (ruff, pytest, nbval, browser)"
	@echo "make notebooks  re-execute notebooks/ in place on data/sample (refresh stored outputs)"
	@echo "make bench      run the benchmarks (benchmarks/results/*.csv)"
	@echo "make best-known long chained runs that raise benchmarks/results/best_known.csv (hours)"
	@echo "make lab        start JupyterLab on this project"
	@echo "make sample     regenerate data/sample/ and data/sample.xlsx"

setup: $(STAMP)

# Re-installs only when pyproject.toml changes; the project itself is installed editable.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

report: $(STAMP)
	$(VENV)/bin/pmo-opt report data/sample --scenario $(SCENARIO) --out reports

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint
	$(PY) -m pytest $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadfile) $(PYTEST_ARGS)

notebooks: $(STAMP)
	PMO_OPT_INTERACTIVE=0 $(PY) -m pmo_opt.present.reports refresh-notebooks

bench: $(STAMP)
	$(PY) benchmarks/run.py

best-known: $(STAMP)
	$(PY) benchmarks/best_known.py --sizes S M L --seeds 1 2 3 --seconds 300

lab: $(STAMP)
	$(VENV)/bin/jupyter lab --notebook-dir=. $(if $(filter 0,$(shell id -u)),--allow-root)

sample: $(STAMP)
	$(PY) scripts/make_sample.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
