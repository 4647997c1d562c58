"""Gather a run's recorded results into report.md, report.csv and report.png."""

from __future__ import annotations

import argparse
from pathlib import Path

HELP = "gather a run's results into a leaderboard"
EXAMPLES = """\
  dnncourse report runs/20260101-120000-full

Writes report.md, report.csv and report.png into the run folder."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("run_folder", metavar="RUN_FOLDER")


def run(args: argparse.Namespace) -> int:
    from ..runstate import RunFolderError

    if not Path(args.run_folder).is_dir():
        raise RunFolderError(f"no such run folder: {args.run_folder}")
    from ..leaderboard import write_report

    paths = write_report(args.run_folder)
    print(Path(paths["md"]).read_text())
    print("Wrote " + ", ".join(str(p) for p in paths.values()))
    return 0
