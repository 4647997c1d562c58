"""Run students' copies of a lesson headless and write which exercises each one passes."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import arguments

HELP = "run students' copies of a lesson and tabulate their exercises"
EXAMPLES = """\
  dnncourse grade submissions/lesson01/              # smoke profile, lesson found from the checks
  dnncourse grade submissions/ --lesson 04 --out grades/04 -p n_train=1000

Executes every *.ipynb in FOLDER headless (papermill) and writes OUT/grades.csv and
OUT/grades.md: per student, whether the notebook ran and each exercise's status
(correct, wrong, unanswered, not reached). A notebook that fails is reported, not fatal."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="FOLDER", help="folder of the students' copies of one lesson")
    parser.add_argument("--lesson", help="lesson id or number (default: found from the notebooks' dc.check calls)")
    arguments.add_profile(parser)
    arguments.add_params(parser)
    parser.add_argument("--out", help="where to write the grades (default: FOLDER/graded)")
    parser.add_argument("--timeout", type=arguments.positive_int, default=600,
                        help="seconds one cell may take (default: 600)")
    arguments.add_book(parser)
    arguments.add_backend(parser, "the kernels")


def run(args: argparse.Namespace) -> int:
    from ..course import load_book
    from ..grade import grade_folder
    from ..plan import parse_overrides

    book = load_book(args.book)
    out = Path(args.out) if args.out else Path(args.folder) / "graded"
    table = grade_folder(book, Path(args.folder), out, args.lesson, args.profile, parse_overrides(args.param),
                         args.backend, args.timeout)
    print(table.to_string(index=False))
    print(f"\nWrote {out / 'grades.csv'}, {out / 'grades.md'} and the executed copies in {out / 'notebooks'}.")
    return 0
