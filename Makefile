# The two commands of the README:
#   make lab    set up everything (environment, packages, data) and open the lessons in JupyterLab
#   make test   set up everything and run the tests (unit tests + every lesson in the smoke profile)
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
JOBS ?= 2

# Kernels read these when they start; setting them inside a notebook is too late.
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: setup data lab test unit smoke clean

setup: $(VENV)/.installed data

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

data: $(VENV)/.installed
	bash scripts/get-data.sh $(PY)

lab: setup
	$(VENV)/bin/jupyter lab $(if $(CI),--no-browser,) $(if $(filter 0,$(shell id -u)),--allow-root,) lessons/

# Unit tests and the smoke run of every lesson in book.yml: papermill injects the
# smoke parameters into copies under build/smoke, nbval executes them cell by cell.
test: setup
	rm -rf build/smoke
	$(PY) -m dnncourse.manifest smoke build/smoke
	DNNCOURSE_HEADLESS=1 DNNCOURSE_NO_DOWNLOAD=1 $(PY) -m pytest -n $(JOBS) --dist loadfile \
	  --nbval-lax --nbval-current-env --nbval-cell-timeout=600 -p no:cacheprovider \
	  tests build/smoke

unit: setup
	DNNCOURSE_NO_DOWNLOAD=1 $(PY) -m pytest -n $(JOBS) tests

clean:
	rm -rf build .pytest_cache
