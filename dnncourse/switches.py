"""The ``DNNCOURSE_*`` environment switches, in one place (standard library only).

Instructors, CI and the course's own tools set these; students never need to.

| variable | read by | meaning |
| --- | --- | --- |
| ``DNNCOURSE_HEADLESS`` | widgets, live view | no person watches: widgets show their default result |
| ``DNNCOURSE_CHECK_LOG`` | exercises | append one JSON line per ``dc.check`` to this file |
| ``DNNCOURSE_STRICT_CHECKS`` | exercises | an answer that is not right raises (CI runs the solutions so) |
| ``DNNCOURSE_TENSORBOARD_DIR`` | comparisons | log every run for TensorBoard under this folder |
| ``DNNCOURSE_DATA_DIR`` | data | the folder holding the four Fashion-MNIST files |
| ``DNNCOURSE_NO_DOWNLOAD`` | data | never try to download the data set |
| ``DNNCOURSE_TUNE_CORES`` | ``dnncourse tune`` | the cores a worker pins itself to |
"""

from __future__ import annotations

import os

HEADLESS = "DNNCOURSE_HEADLESS"
CHECK_LOG = "DNNCOURSE_CHECK_LOG"
STRICT_CHECKS = "DNNCOURSE_STRICT_CHECKS"
TENSORBOARD_DIR = "DNNCOURSE_TENSORBOARD_DIR"
DATA_DIR = "DNNCOURSE_DATA_DIR"
NO_DOWNLOAD = "DNNCOURSE_NO_DOWNLOAD"
TUNE_CORES = "DNNCOURSE_TUNE_CORES"

TRUE_WORDS = ("1", "true", "yes")


def is_on(name: str) -> bool:
    """True when the switch ``name`` is set to 1, true or yes (any case)."""
    return os.environ.get(name, "").strip().lower() in TRUE_WORDS


def value(name: str) -> str | None:
    """The switch's text, or None when it is unset or empty."""
    return os.environ.get(name) or None
