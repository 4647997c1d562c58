"""Install the Jupyter kernel JupyterLab starts for the lessons, with its Keras backend."""

from __future__ import annotations

import argparse
import sys

from . import arguments

HELP = "install the JupyterLab kernel with its Keras backend"
EXAMPLES = """\
  dnncourse kernel                        # what make lab does: the default backend
  dnncourse kernel --backend tensorflow   # lessons in JupyterLab run on TensorFlow

Writes the python3 kernel spec of this environment, whose env sets KERAS_BACKEND
and quiet TensorFlow for every kernel JupyterLab starts from it."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    arguments.add_backend(parser, "the kernels JupyterLab starts")
    parser.add_argument("--prefix", help="install under PREFIX/share/jupyter/kernels (default: this environment)")


def run(args: argparse.Namespace) -> int:
    from ..environment import chosen_backend, install_kernel, installed_kernel_spec

    backend = chosen_backend(args.backend)
    folder = install_kernel(backend, args.prefix)
    print(f"Installed {folder / 'kernel.json'}: lessons opened in JupyterLab from this environment run on "
          f"Keras' {backend} backend (restart a running kernel to switch).")
    found = installed_kernel_spec()
    if args.prefix is None and found and found[0].resolve() != folder.resolve():
        print(f"warning: Jupyter finds another python3 kernel spec first, {found[0]}; it decides the backend "
              f"until you remove it (jupyter kernelspec remove python3).", file=sys.stderr)
    return 0
