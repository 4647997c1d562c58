"""Write lessons with a profile's parameters into a run folder, without running them."""

from __future__ import annotations

import argparse

from . import arguments

HELP = "write lessons with a profile's parameters, unexecuted"
EXAMPLES = """\
  dnncourse prepare --profile smoke --out build/smoke      # what make smoke gives to nbval
  dnncourse prepare --profile full --out build/full 03 -p epochs=5

Writes OUT/run.json and OUT/notebooks/<lesson>.ipynb with the parameters injected
exactly as dnncourse run would (output_dir is OUT); nothing is executed.
dnncourse run --resume OUT executes them."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    arguments.add_plan(parser, "the folder to write (default: runs/<timestamp>-<profile> beside book.yml)")


def run(args: argparse.Namespace) -> int:
    from .. import runstate
    from ..course import load_book, prepare_notebooks

    book = load_book(args.book)
    state = runstate.new_run(book, args.lessons, args.profile, arguments.overrides(args), args.out, args.force,
                             status="prepared")
    for path in prepare_notebooks(book, {i: record.params for i, record in state.lessons.items()}, state.folder):
        print(f"prepared {path}")
    return 0
