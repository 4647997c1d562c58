#!/usr/bin/env bash
# Make sure Fashion-MNIST is on this machine: use a copy that is already here,
# else install Debian/Ubuntu's dataset-fashion-mnist, else let Keras download it.
set -u
python=${1:-.venv/bin/python}

"$python" -m dnncourse data --no-download && exit 0

if command -v apt-get >/dev/null 2>&1; then
  echo "Installing the system copy: apt-get install dataset-fashion-mnist"
  if [ "$(id -u)" -eq 0 ]; then
    (apt-get install -y -q dataset-fashion-mnist || { apt-get update -q && apt-get install -y -q dataset-fashion-mnist; }) >/dev/null
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get install -y -q dataset-fashion-mnist >/dev/null
  fi
  "$python" -m dnncourse data --no-download && exit 0
fi

echo "Trying a download through Keras (needs internet)..."
exec "$python" -m dnncourse data
