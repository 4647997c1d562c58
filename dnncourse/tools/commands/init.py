"""Copy the course's lessons and book.yml into a folder of your own, ready for JupyterLab and dnncourse run."""

from __future__ import annotations

import argparse

HELP = "copy the lessons into a folder of your own"
EXAMPLES = """\
  dnncourse init                      # into ./dnncourse-lessons
  dnncourse init ~/course             # any folder
  dnncourse init ~/course --force     # also replace lessons you changed

A lesson you changed is kept unless --force is given; the others are brought up to date.
Then: dnncourse lab ~/course (or cd there and use dnncourse run, report, grade)."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    from ..course_files import DEFAULT_FOLDER

    parser.add_argument("folder", nargs="?", default=DEFAULT_FOLDER, help=f"where to (default: {DEFAULT_FOLDER})")
    parser.add_argument("--force", action="store_true", help="replace lessons you changed with the course's")


def run(args: argparse.Namespace) -> int:
    from ..course_files import init_course

    for path, action in init_course(args.folder, args.force):
        print(f"{action}: {path}")
    print(f"The course is in {args.folder}: open it with `dnncourse lab {args.folder}`.")
    return 0
