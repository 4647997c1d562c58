"""Open the lessons in JupyterLab, with the course's kernel (its Keras backend): no make, no git."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from . import arguments

HELP = "open the lessons in JupyterLab (copies them first if needed)"
EXAMPLES = """\
  dnncourse lab                       # ./dnncourse-lessons, written by dnncourse init if missing
  dnncourse lab ~/course --no-browser --port 8890

Installs the course's Jupyter kernel in this environment (Keras on JAX unless
--backend says otherwise), then starts JupyterLab in the folder. Stop it with Ctrl+C."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..course_files import DEFAULT_FOLDER

    parser.add_argument("folder", nargs="?", default=DEFAULT_FOLDER, help=f"the lessons' folder (default: {DEFAULT_FOLDER})")
    arguments.add_backend(parser, "the kernels JupyterLab starts")
    parser.add_argument("--no-browser", action="store_true", help="do not open a browser (print the address)")
    parser.add_argument("--port", type=arguments.positive_int, help="JupyterLab's port (default: its own, 8888)")


def lab_command(folder: Path, no_browser: bool, port: int | None) -> list[str]:
    """The JupyterLab command line for ``folder``, run by this Python (no shell, any OS)."""
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={folder}"]
    if no_browser:
        command.append("--no-browser")
    if port:
        command.append(f"--port={port}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # JupyterLab refuses root without it (containers, CI)
    return command


def run(args: argparse.Namespace) -> int:
    from ..course_files import init_course
    from ..environment import chosen_backend, install_kernel

    folder = Path(args.folder).expanduser().resolve()
    if not (folder / "book.yml").is_file():
        written = [path for path, action in init_course(folder) if action == "wrote"]
        print(f"Copied {len(written)} course files into {folder} (dnncourse init).")
    backend = chosen_backend(args.backend)
    install_kernel(backend)
    print(f"Kernel installed: lessons run on Keras' {backend} backend. Starting JupyterLab in {folder} ...")
    try:
        return subprocess.call(lab_command(folder, args.no_browser, args.port), cwd=folder)
    except KeyboardInterrupt:
        return 0
