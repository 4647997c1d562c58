"""One line for a lesson run outside the course kernel, where Keras fell back to TensorFlow by default."""

from __future__ import annotations

import os
import sys

NOTE = ("Note: Keras chose its TensorFlow backend by default; these lessons run about 3 times faster on JAX. "
        "Run `dnncourse kernel` and pick the kernel 'Python 3 (dnncourse, jax)', or set KERAS_BACKEND=jax before starting Jupyter.")
_said = False


def default_backend_note() -> str | None:
    """``NOTE`` when Keras is loaded on TensorFlow and nobody asked for a backend (no KERAS_BACKEND), else None."""
    keras = sys.modules.get("keras")
    if keras is None or os.environ.get("KERAS_BACKEND"):
        return None
    return NOTE if keras.backend.backend() == "tensorflow" else None


def say_default_backend_once() -> None:
    """Print ``default_backend_note`` the first time it applies in this kernel (lessons call it via check_parameters)."""
    global _said
    note = None if _said else default_backend_note()
    if note:
        print(note)
        _said = True
