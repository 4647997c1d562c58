"""Time the course's models on each installed Keras backend, side by side."""

from __future__ import annotations

from ..bench import add_arguments, run  # noqa: F401 - the benchmark owns its options

HELP = "time the course's models on each Keras backend"
EXAMPLES = """\
  dnncourse bench                 # every model on every installed backend
  dnncourse bench --quick --models baseline

Writes bench.csv and bench.md (also printed); a benchmark, not a test."""
