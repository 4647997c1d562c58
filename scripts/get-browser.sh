#!/usr/bin/env bash
# What make test-browser needs: Debian's chromium and a CJK font (the lessons' Korean terms),
# then Playwright for Python in the course's environment. Never `playwright install`:
# Playwright drives /usr/bin/chromium.
set -eu
python=${1:-.venv/bin/python}

if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK"; then
  echo "Installing Debian's chromium and fonts-noto-cjk"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get install -y -q chromium fonts-noto-cjk >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q chromium fonts-noto-cjk; }
  elif command -v sudo >/dev/null 2>&1; then
    sudo apt-get install -y -q chromium fonts-noto-cjk
  else
    echo "error: install chromium and fonts-noto-cjk (Debian/Ubuntu: apt-get install chromium fonts-noto-cjk), then run make test-browser again." >&2
    exit 2
  fi
fi
"$python" -c "import playwright" 2>/dev/null || "$python" -m pip install -q -e '.[browser]'
