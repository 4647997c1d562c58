"""Build a static HTML site of the course with the outputs of a run."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import arguments

HELP = "build the static HTML site of the course"
EXAMPLES = """\
  dnncourse book                       # newest run under runs/, into _site/
  dnncourse book --run runs/20260101-120000-full --out _site

Open _site/index.html in a browser; no internet needed."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--run", metavar="RUN_FOLDER", help="run whose outputs to show (default: newest under runs/)")
    parser.add_argument("--out", default="_site", help="site folder (default: _site; an earlier site there is replaced)")
    arguments.add_book(parser)


def run(args: argparse.Namespace) -> int:
    from ..course import load_book
    from ..runstate import RunState
    from ..website import build_site, latest_run

    book = load_book(args.book)
    folder = Path(args.run) if args.run else latest_run(book.root)
    state = RunState.load(folder) if folder is not None else None
    print(f"Building the site from run {folder}" if folder else "No run found under runs/: pages without outputs")
    index = build_site(book, state, args.out)
    print(f"Wrote {index} (open it in a browser: file://{index.resolve()})")
    return 0
