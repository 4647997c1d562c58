"""Write a run's recorded numbers and verdict words into the lessons' quotes (again after every new run)."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import arguments

HELP = "fill the lessons' quoted numbers and verdicts from a run"
EXAMPLES = """\
  dnncourse quotes runs/20260101-120000-full        # every lesson
  dnncourse quotes runs/20260101-120000-full 03 04

Fills each placeholder (⟪VARIANT|COLUMN⟫, ⟪fact:NAME⟫, ⟪verdict:QUESTION⟫, ⟪time⟫) and
each quote an earlier fill left (<!--q KEY-->value<!--/q-->) in the lessons' markdown
with the value the run recorded, so running it after a new full run re-fills every
quoted number and verdict word (dnncourse/tools/quotes.py); exit 2 if one names nothing."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_folder", metavar="RUN_FOLDER")
    parser.add_argument("lessons", nargs="*", metavar="LESSON", help="lesson ids or numbers (default: all)")
    arguments.add_book(parser)


def run(args: argparse.Namespace) -> int:
    from .. import quotes
    from ..course import load_book

    book = load_book(args.book)
    lessons = [book.lesson(i) for i in args.lessons] if args.lessons else book.lessons
    for lesson_id, count in quotes.fill_from_run(Path(args.run_folder), lessons).items():
        print(f"{lesson_id}: {count} quote(s) filled")
    return 0
