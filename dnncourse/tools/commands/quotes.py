"""Write a run's recorded numbers and verdict words into the lessons' quotes (again after every new run)."""

from __future__ import annotations

import argparse
from pathlib import Path

from . import arguments

HELP = "fill the lessons' quoted numbers and verdicts from a run"
EXAMPLES = """\
  dnncourse quotes runs/20260101-120000-full        # every lesson
  dnncourse quotes runs/20260101-120000-full 03 04
  dnncourse quotes measured/full --reseed measured/reseed   # the course's own two runs

Fills each placeholder (⟪VARIANT|COLUMN⟫, ⟪fact:NAME⟫, ⟪verdict:QUESTION⟫, ⟪time⟫) and
each quote an earlier fill left (<!--q KEY-->value<!--/q-->) in the lessons' markdown
with the value the run recorded, so running it after a new full run re-fills every
quoted number and verdict word (dnncourse/tools/quotes.py); exit 2 if one names nothing.
With --reseed (the same profile run with -p seed=100), a verdict word is quoted as
decided only where both runs decide it the same way, and the agreement is counted."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_folder", metavar="RUN_FOLDER")
    parser.add_argument("lessons", nargs="*", metavar="LESSON", help="lesson ids or numbers (default: all)")
    parser.add_argument("--reseed", metavar="RUN_FOLDER",
                        help="a run of the same profile with other seeds: verdicts must agree with it")
    arguments.add_book(parser)


def run(args: argparse.Namespace) -> int:
    from .. import quotes
    from ..course import load_book

    book = load_book(args.book)
    lessons = [book.lesson(i) for i in args.lessons] if args.lessons else book.lessons
    reseed = Path(args.reseed) if args.reseed else None
    for lesson_id, count in quotes.fill_from_run(Path(args.run_folder), lessons, reseed).items():
        print(f"{lesson_id}: {count} quote(s) filled")
    if reseed is None:
        return 0
    first = quotes.recorded_by_lesson(Path(args.run_folder), lessons)
    second = quotes.recorded_by_lesson(reseed, lessons)
    totals: dict[str, int] = {}
    for lesson in lessons:
        for kind, questions in quotes.agreement(first[lesson.id], second[lesson.id]).items():
            totals[kind] = totals.get(kind, 0) + len(questions)
            if questions and kind in ("decided in one", "flipped", "missing"):
                print(f"  {lesson.id} {kind}: {'; '.join(questions)}")
    print("verdicts: " + ", ".join(f"{count} {kind}" for kind, count in totals.items()))
    return 1 if totals.get("flipped") or totals.get("missing") else 0
