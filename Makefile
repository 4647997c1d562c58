# The two commands of the README:
#   make lab    set up everything (environment, packages, data, kernel) and open the lessons in JupyterLab
#   make test   set up everything and run the tests (unit tests + one smoke run of every lesson)
# and, for CI and instructors:
#   make smoke-tensorflow   every lesson in the smoke profile on the TensorFlow backend
#   make test-browser       the student's path in JupyterLab + Chromium (lessons 01 and 06)
#   make colab-check        every lesson on Colab's TensorFlow, Keras and JAX, through its set-up cell
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

.PHONY: setup data hooks kernel lab test test-browser unit smoke smoke-tensorflow colab-check prepare-smoke clean

setup: $(VENV)/.installed data hooks

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[cpu,test]'
	touch $@

data: $(VENV)/.installed
	bash scripts/get-data.sh $(PY)

# In a git checkout: the nbstripout filter strips outputs from the lessons as git stages them, so a
# student can save a lesson with its outputs and still commit (or test) it clean.
hooks: $(VENV)/.installed
	@if git rev-parse --git-dir >/dev/null 2>&1; then $(VENV)/bin/nbstripout --install && \
	  git config filter.nbstripout.clean '"$(abspath $(PY))" -m nbstripout --keep-id'; fi

# The kernel JupyterLab starts for the lessons, on $(KERAS_BACKEND) (make lab KERAS_BACKEND=tensorflow).
kernel: $(VENV)/.installed
	$(PY) -m dnncourse kernel

lab: setup kernel
	$(VENV)/bin/jupyter lab $(if $(CI),--no-browser,) $(if $(filter 0,$(shell id -u)),--allow-root,) $(LAB_ARGS) lessons/

# Unit tests and one smoke run of every lesson in book.yml on $(KERAS_BACKEND), with the exercises'
# solutions swapped in (tests/test_course_run.py: every lesson executes once, and the lesson tests
# read that run). -m "not notebook and not slow" leaves out the lessons and the tuner's processes.
test: setup
	$(PYTEST) tests $(TEST_ARGS)

# JupyterLab driven by Chromium like a student (browser_tests/); screenshots in build/browser/.
test-browser: setup
	bash scripts/get-browser.sh $(PY)
	$(PY) -m pytest -p no:cacheprovider browser_tests

# Only the lessons as a student gets them, smoke profile, on $(KERAS_BACKEND): dnncourse prepare
# writes them with the smoke parameters into $(SMOKE) (as dnncourse run would inject them), nbval
# executes them cell by cell.
smoke: setup prepare-smoke
	$(PYTEST) $(NBVAL) $(SMOKE)

smoke-tensorflow:
	$(MAKE) smoke KERAS_BACKEND=tensorflow

# Colab's stack in its own venv (scripts/colab-check.sh): each lesson's set-up cell takes its Colab branch.
colab-check: data
	bash scripts/colab-check.sh

prepare-smoke: $(VENV)/.installed
	rm -rf $(SMOKE)
	$(PY) -m dnncourse prepare --profile smoke --out $(SMOKE)

# Seconds: everything but the lessons and the tuner's processes.
unit: setup
	$(PYTEST) tests -m "not notebook and not slow"

clean:
	rm -rf build .pytest_cache
