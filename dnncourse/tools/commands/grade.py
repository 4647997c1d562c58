"""Run students' copies of a lesson in a sandbox and check their answers in the grader's own process."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import arguments

HELP = "run students' copies of a lesson in a sandbox and tabulate their exercises"
EXAMPLES = """\
  dnncourse grade submissions/lesson01/              # smoke profile, lesson found from the checks
  dnncourse grade submissions/ --lesson 04 --out grades/04 -p n_train=1000
  dnncourse grade submissions/ --memory 4 --time-limit 900

Runs every *.ipynb in FOLDER in a bubblewrap sandbox (no network, none of this machine's
files but the course's software and data, a time and a memory limit) with the lesson's own
cells and check lines restored, exports each answer as data and checks it in a fresh process
of the grader's. Writes OUT/grades.csv and OUT/grades.md: per student, whether the copy ran,
what was flagged (edited lesson cells or check lines), each exercise's status (correct, wrong,
unanswered, not reached) and the check's message. A broken copy is reported, not fatal."""

NO_SANDBOX_WARNING = """\
WARNING: --no-sandbox: the students' code runs with YOUR rights. It can read and change every
file you can (the other copies, the grades, ~/.ssh), reach the network, and outlive the grading.
Only the checks stay out of its reach (they still run in the grader's own process). Use it only
for copies you trust, or on a machine where bubblewrap cannot run."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("folder", metavar="FOLDER", help="folder of the students' copies of one lesson")
    parser.add_argument("--lesson", help="lesson id or number (default: found from the notebooks' dc.check calls)")
    arguments.add_profile(parser)
    arguments.add_params(parser)
    parser.add_argument("--out", help="where to write the grades (default: FOLDER/graded)")
    parser.add_argument("--timeout", type=arguments.positive_int, default=600,
                        help="seconds one cell may take (default: 600)")
    parser.add_argument("--time-limit", type=arguments.positive_int, default=1800,
                        help="seconds one copy may take in all (default: 1800)")
    parser.add_argument("--memory", type=arguments.positive_int, default=8,
                        help="GiB of memory (address space) one copy may use (default: 8)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run the copies without a sandbox, with your rights (says what that gives up)")
    arguments.add_book(parser)
    arguments.add_backend(parser, "the kernels")


def run(args: argparse.Namespace) -> int:
    from ..course import load_book
    from ..grade import GiB, Limits, grade_folder
    from ..plan import parse_overrides

    if args.no_sandbox:
        print(NO_SANDBOX_WARNING, file=sys.stderr)
    book = load_book(args.book)
    out = Path(args.out) if args.out else Path(args.folder) / "graded"
    limits = Limits(cell_seconds=args.timeout, copy_seconds=args.time_limit, memory_bytes=args.memory * GiB,
                    sandboxed=not args.no_sandbox)
    table = grade_folder(book, Path(args.folder), out, args.lesson, args.profile, parse_overrides(args.param),
                         args.backend, limits)
    print(table[[c for c in table.columns if not c.endswith(" message")]].to_string(index=False))
    print(f"\nWrote {out / 'grades.csv'}, {out / 'grades.md'} and the executed copies in {out / 'notebooks'}.")
    return 0
