"""The environment every kernel of the course starts with, its Keras backend included.

Keras fixes its backend at its first import, from ``KERAS_BACKEND`` (else the
``backend`` of ``~/.keras/keras.json``, else TensorFlow), and TensorFlow reads its
logging switches when it loads: so they belong in the kernel's environment, not in
code. ``KERNEL_ENV`` holds them in one place: ``dnncourse run`` gives them to its
kernels, ``dnncourse kernel`` writes them into the Jupyter kernel spec that
JupyterLab starts, ``dnncourse doctor`` reports the backend, and the Makefile
exports the same values for nbval (``tests/test_tools.py`` compares them).
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

from .errors import ToolError

# The course's default backend, chosen by measurement (issue 8): on the course's models,
# 2 CPU cores, an epoch took 1.3-5x less time on JAX than on TensorFlow (dnncourse bench).
DEFAULT_BACKEND = "jax"
BACKENDS = ("jax", "tensorflow")  # the backends every lesson runs on (CI runs both)
KERAS_DEFAULT = "tensorflow"  # what Keras picks when nothing names a backend

KERNEL_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "2",  # TensorFlow's start-up chatter off
    "TF_ENABLE_ONEDNN_OPTS": "0",  # the same numbers run to run
    "DNNCOURSE_HEADLESS": "1",  # automated runs only: widgets show their default, never wait
    "KERAS_BACKEND": DEFAULT_BACKEND,
    # JAX keeps every compiled program in JAX_COMPILATION_CACHE_DIR (set per use, below), so the
    # second seed of a model reuses the first one's compilation: on these small models compiling
    # took 3-4 s and training one epoch of 2,000 images 0.4 s. Same program, same numbers.
    "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
}
CACHE_VARIABLE = "JAX_COMPILATION_CACHE_DIR"
STUDENT_CACHE = Path.home() / ".cache" / "dnncourse" / "jax"  # kernels JupyterLab starts
HEADLESS_ONLY = ("DNNCOURSE_HEADLESS",)
KERNEL_NAME = "python3"  # the kernel the lessons' metadata names


class BackendError(ToolError):
    """A Keras backend the course does not support."""


def check_backend(name: str) -> str:
    """``name`` if the course supports it; else a ``BackendError`` listing the supported ones."""
    if name not in BACKENDS:
        raise BackendError(f"Unknown Keras backend {name!r}; the course supports: {', '.join(BACKENDS)}.")
    return name


def default_backend() -> tuple[str, str]:
    """The backend ``dnncourse run`` picks without ``--backend``, and why: ``$KERAS_BACKEND``, else ours."""
    if os.environ.get("KERAS_BACKEND"):
        return os.environ["KERAS_BACKEND"], "KERAS_BACKEND in this environment"
    return DEFAULT_BACKEND, "the course's default"


def chosen_backend(name: str | None = None) -> str:
    """The backend asked for: ``name``, else ``default_backend()``; checked."""
    return check_backend(name or default_backend()[0])


def kernel_env(backend: str, headless: bool, cache: str | Path | None = None) -> dict[str, str]:
    """``KERNEL_ENV`` with ``backend`` and JAX's compilation cache in ``cache`` (if given);
    without the headless switch for kernels people use."""
    env = {**KERNEL_ENV, "KERAS_BACKEND": check_backend(backend)}
    if cache is not None:
        env[CACHE_VARIABLE] = str(cache)
    return env if headless else {k: v for k, v in env.items() if k not in HEADLESS_ONLY}


def install_kernel(backend: str, prefix: str | Path | None = None) -> Path:
    """Install the ``python3`` kernel spec of this Python, with ``kernel_env(backend)``.

    It goes into ``prefix/share/jupyter/kernels`` (default ``sys.prefix``: the course's
    virtual environment), where JupyterLab started from that environment finds it, so
    every lesson opened there runs on ``backend``. Returns the spec's folder.
    """
    from ipykernel.kernelspec import install

    path = install(kernel_name=KERNEL_NAME, prefix=str(prefix or sys.prefix),
                   display_name=f"Python 3 (dnncourse, {backend})",
                   env=kernel_env(backend, headless=False, cache=STUDENT_CACHE))
    return Path(path)


def keras_config_file() -> Path:
    """Where Keras keeps keras.json: ``$KERAS_HOME`` or ``~/.keras``."""
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras") / "keras.json"


def installed_kernel_spec() -> tuple[Path, dict] | None:
    """The folder and ``env`` of the ``python3`` kernel spec Jupyter finds here, if one is installed."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel

    try:
        folder = KernelSpecManager().find_kernel_specs()[KERNEL_NAME]
        spec = json.loads((Path(folder) / "kernel.json").read_text())
    except (KeyError, NoSuchKernel, OSError, ValueError):
        return None
    return Path(folder), spec.get("env") or {}


def kernel_backend() -> tuple[str, str]:
    """The backend a JupyterLab kernel started from here gets, and where that comes from.

    A kernel spec's ``env`` overrides the environment Jupyter runs in, which Keras
    reads before keras.json; Keras' own default comes last.
    """
    spec = installed_kernel_spec()
    if spec and spec[1].get("KERAS_BACKEND"):
        return spec[1]["KERAS_BACKEND"], f"the kernel spec {spec[0] / 'kernel.json'}"
    if os.environ.get("KERAS_BACKEND"):
        return default_backend()
    config = keras_config_file()
    try:
        return json.loads(config.read_text())["backend"], str(config)
    except (OSError, ValueError, KeyError, TypeError):
        return KERAS_DEFAULT, "Keras' default (nothing names a backend)"


def backend_problem(name: str) -> str | None:
    """Why backend ``name`` cannot be used here (not supported, not importable), or None."""
    try:
        check_backend(name)
        importlib.import_module(name)
    except BackendError as err:
        return str(err)
    except Exception as err:  # noqa: BLE001 - any import failure is what doctor reports
        return f"the {name} backend cannot be imported: {type(err).__name__}: {err}"
    return None
