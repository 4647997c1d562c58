# The two commands of the README:
#   make lab    set up everything (environment, packages, data, kernel) and open the lessons in JupyterLab
#   make test   set up everything and run the tests (unit tests + every lesson in the smoke profile)
# and, for CI and instructors:
#   make smoke-tensorflow   every lesson in the smoke profile on the TensorFlow backend
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
JOBS ?= 2

# Kernels read these when they start; setting them inside a notebook is too late. They are
# KERNEL_ENV of dnncourse/tools/environment.py, which dnncourse run and dnncourse kernel use;
# nbval's kernels inherit them from here (tests/test_tools.py checks that the two agree).
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0
export KERAS_BACKEND ?= jax
export JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS := 0
# JAX's compilation cache for the tests (dnncourse run keeps one per run folder).
export JAX_COMPILATION_CACHE_DIR ?= $(CURDIR)/build/jax-cache
# Automated runs only: widgets show their default result instead of waiting for a person.
test smoke: export DNNCOURSE_HEADLESS := 1

SMOKE := build/smoke-$(KERAS_BACKEND)
NBVAL := --nbval-lax --nbval-current-env --nbval-cell-timeout=600 -p no:cacheprovider
PYTEST := DNNCOURSE_NO_DOWNLOAD=1 $(PY) -m pytest -n $(JOBS) --dist loadfile

.PHONY: setup data kernel lab test unit smoke smoke-tensorflow prepare-smoke clean

setup: $(VENV)/.installed data

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $@

data: $(VENV)/.installed
	bash scripts/get-data.sh $(PY)

# The kernel JupyterLab starts for the lessons, on $(KERAS_BACKEND) (make lab KERAS_BACKEND=tensorflow).
kernel: $(VENV)/.installed
	$(PY) -m dnncourse kernel

lab: setup kernel
	$(VENV)/bin/jupyter lab $(if $(CI),--no-browser,) $(if $(filter 0,$(shell id -u)),--allow-root,) lessons/

# Unit tests and the smoke run of every lesson in book.yml on $(KERAS_BACKEND): dnncourse prepare
# writes the lessons with the smoke parameters into $(SMOKE) (as dnncourse run would inject them),
# nbval executes them cell by cell.
test: setup prepare-smoke
	$(PYTEST) $(NBVAL) tests $(SMOKE)

# Only the lessons, smoke profile, on $(KERAS_BACKEND).
smoke: setup prepare-smoke
	$(PYTEST) $(NBVAL) $(SMOKE)

smoke-tensorflow:
	$(MAKE) smoke KERAS_BACKEND=tensorflow

prepare-smoke: $(VENV)/.installed
	rm -rf $(SMOKE)
	$(PY) -m dnncourse prepare --profile smoke --out $(SMOKE)

unit: setup
	DNNCOURSE_NO_DOWNLOAD=1 $(PY) -m pytest -n $(JOBS) tests

clean:
	rm -rf build .pytest_cache
