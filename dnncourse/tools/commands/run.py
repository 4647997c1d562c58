"""Execute lessons with papermill into a fresh run folder, then write the report."""

from __future__ import annotations

import argparse
import sys

from . import arguments

HELP = "execute lessons into a run folder"
EXAMPLES = """\
  dnncourse run --profile smoke                  # every lesson, seconds each
  dnncourse run --profile full 02 05             # two lessons, the numbers the lessons quote
  dnncourse run --profile smoke -p epochs=2 -p n_train=5000
  dnncourse run --profile full -p 03.rate=0.3    # LESSON.NAME: one lesson only
  dnncourse run --profile full 03 --backend tensorflow
  dnncourse run --profile full --params-file my.yml --jobs 2 --out runs/mine
  dnncourse run --resume runs/20260101-120000-full   # re-run what did not finish
  dnncourse run --profile full --tensorboard     # then: tensorboard --logdir RUN/tensorboard

Writes runs/<timestamp>-<profile>/ (or --out): run.json (status), run.log, notebooks/,
logs/, results/ and report.md/.csv/.png. Exit status: 0 all lessons done, 1 a lesson
failed, 2 a wrong request (nothing was run), 130 interrupted."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    arguments.add_plan(parser, "run folder (default: runs/<timestamp>-<profile> beside book.yml)")
    arguments.add_backend(parser, "every kernel")
    parser.add_argument("--resume", metavar="RUN_FOLDER", help="re-run the lessons of RUN_FOLDER that did not finish")
    parser.add_argument("--jobs", "-j", type=arguments.positive_int, default=1,
                        help="lessons run at the same time; each kernel gets cores/jobs threads (default: 1)")
    parser.add_argument("--timeout", type=arguments.positive_int, default=1800,
                        help="seconds one cell may take (default: 1800)")
    parser.add_argument("--tensorboard", action="store_true",
                        help="log every comparison's runs for TensorBoard into RUN/tensorboard/<lesson>/<variant>/seed-N")


def run(args: argparse.Namespace) -> int:
    from .. import runner, runstate
    from ..course import load_book
    from ..environment import chosen_backend
    from ..leaderboard import write_report

    if args.resume:
        book, state, lesson_ids = runstate.resume_run(args.resume, args.book, args.lessons)
        ignored = [flag for flag, given in (("-p", args.param), ("--params-file", args.params_file),
                                            ("--out", args.out), ("--backend", state.backend and args.backend)) if given]
        if ignored:
            print(f"note: --resume keeps the run's own profile, parameters, backend and folder; "
                  f"{', '.join(ignored)} ignored.", file=sys.stderr)
        state.backend = state.backend or chosen_backend(args.backend)  # a prepared folder has none yet
    else:
        book = load_book(args.book)
        backend = chosen_backend(args.backend)
        state = runstate.new_run(book, args.lessons, args.profile, arguments.overrides(args), args.out, args.force,
                                 backend=backend, tensorboard=args.tensorboard)
        lesson_ids = list(state.lessons)
    if not lesson_ids:
        print(f"Nothing to resume: the lessons of {state.folder} are done.")
        return 0
    runner.setup_logging(state.folder)
    try:
        runner.run_all(book, state, lesson_ids, jobs=args.jobs, timeout=args.timeout)
    finally:
        runner.close_logging()
    write_report(state.folder)
    print("\n".join(runner.summary_lines(state)))
    return 0 if not state.unfinished() else 1
