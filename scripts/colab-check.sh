#!/usr/bin/env bash
# Every lesson on Colab's stack, reproduced in a virtual environment (we can't reach Colab):
# Colab's 2026 image ships tensorflow 2.20 (the full package), Keras 3.13.2, JAX 0.7.2 and
# protobuf < 6, but not Keras Tuner or papermill. Python there is 3.13; this machine has 3.11.
# A stand-in google.colab module is imported at start-up, as in Colab's kernels, so every
# lesson's set-up cell takes its Colab branch: it installs dnncourse (from this checkout,
# DNNCOURSE_SOURCE) without dependencies. The check fails if that changed Colab's stack.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=build/colab-venv
PY=$VENV/bin/python
python3 -m venv --clear "$VENV"
"$PY" -m pip install -q --upgrade pip
"$PY" -m pip install -q "tensorflow==2.20.0" "keras==3.13.2" "jax[cpu]==0.7.2" "protobuf<6" \
  "tensorboard>=2.20,<2.21" pandas matplotlib scikit-learn scipy "ipywidgets>=8" tqdm pyyaml ipykernel \
  jinja2 tabulate requests  # what else Colab ships that the lessons use
"$PY" -m pip install -q "papermill>=2.6,<3"  # the runner of this check, not used by any lesson
site=$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
mkdir -p "$site/google/colab"
echo '"""A stand-in for Colab: the set-up cells look for google.colab in sys.modules."""' > "$site/google/colab/__init__.py"
echo '"""What JAX imports from Colab when it finds google.colab."""' > "$site/google/colab/output.py"
echo "import google.colab" > "$site/colab_stand_in.pth"
unset KERAS_BACKEND  # the set-up cell must choose it
DNNCOURSE_SOURCE="$PWD" DNNCOURSE_HEADLESS=1 DNNCOURSE_NO_DOWNLOAD=1 "$PY" scripts/colab_check.py build/colab
