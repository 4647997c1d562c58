"""A run folder and its state file, ``run.json``: creating a run, resuming one, reading one.

A run folder holds everything one run produced::

    runs/20260101-120000-smoke/
        run.json             profile, backend, parameters, status of every lesson (``RunState``)
        run.log              what the runner did, with timings
        notebooks/*.ipynb    the executed lessons, outputs included
        logs/<lesson>.log    each kernel's stdout and stderr
        results/<lesson>.json  what each lesson recorded (``dnncourse.record_results``)
        report.md/.csv/.png  the leaderboard (``dnncourse.tools.leaderboard``)
        jupyter/kernels/dnncourse-run/kernel.json  how the kernels started (Python, environment)

The state file is rewritten after every change, so an interrupted run says so and
``dnncourse run --resume FOLDER`` re-runs only the lessons that did not finish.
``RunState.load`` is the one reader of run.json (the leaderboard and the site use it).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import plan
from .course import Book, load_book
from .errors import ToolError

STATE_FILE = "run.json"


class RunFolderError(ToolError):
    """The run folder cannot be used (it holds an earlier run, or no run at all)."""


@dataclass
class LessonState:
    """How one lesson of a run went."""

    status: str = "pending"  # pending, running, done, failed, interrupted
    params: dict = field(default_factory=dict)
    notebook: str = ""
    started: str | None = None
    seconds: float | None = None
    error: dict | None = None  # ename, evalue, cell_index, exec_count


@dataclass
class RunState:
    """The contents of ``run.json``: what was asked for and how far the run got."""

    folder: Path
    profile: str
    book: str
    backend: str | None = None  # the Keras backend of every kernel (None: prepared, not run yet)
    overrides: dict = field(default_factory=dict)
    tensorboard: bool = False  # every lesson's comparisons log to RUN/tensorboard/<lesson>/
    status: str = "running"  # prepared, running, done, failed, interrupted
    created: str = field(default_factory=lambda: time.strftime("%Y-%m-%dT%H:%M:%S%z"))
    lessons: dict[str, LessonState] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def save(self) -> None:
        """Write run.json atomically (a crash never leaves half a file)."""
        with self._lock:
            data = {k: v for k, v in asdict(self).items() if k != "folder"}
            tmp = self.folder / (STATE_FILE + ".tmp")
            tmp.write_text(json.dumps(data, indent=2, default=str))
            os.replace(tmp, self.folder / STATE_FILE)

    def update(self, lesson_id: str, **changes: Any) -> None:
        """Change one lesson's record and save at once."""
        for key, value in changes.items():
            setattr(self.lessons[lesson_id], key, value)
        self.save()

    def unfinished(self) -> list[str]:
        """Lessons that still need running (anything not ``done``)."""
        return [i for i, s in self.lessons.items() if s.status != "done"]

    @classmethod
    def load(cls, folder: str | Path) -> "RunState":
        """Read a run folder's run.json; ``RunFolderError`` where there is none or it is unreadable."""
        folder = Path(folder)
        try:
            data = json.loads((folder / STATE_FILE).read_text())
            lessons = {i: LessonState(**s) for i, s in data.pop("lessons", {}).items()}
            return cls(folder=folder, lessons=lessons, **data)
        except (OSError, ValueError, TypeError, AttributeError) as err:
            raise RunFolderError(f"{folder} is not a run folder (cannot read {STATE_FILE}: {err}).") from None


def run_folder_path(book: Book, profile: str, out: str | Path | None) -> Path:
    """Where a new run goes: ``out``, or a fresh ``runs/<timestamp>-<profile>`` beside book.yml."""
    if out is not None:
        return Path(out).resolve()
    stamp = time.strftime("%Y%m%d-%H%M%S")
    folder = book.root / "runs" / f"{stamp}-{profile}"
    n = 1
    while folder.exists():
        n += 1
        folder = book.root / "runs" / f"{stamp}-{profile}-{n}"
    return folder.resolve()


def new_run_folder(folder: Path, force: bool) -> Path:
    """Create the run folder ``folder`` with its sub-folders.

    An existing non-empty folder is refused unless ``force`` is given and it holds an
    earlier run (a ``run.json``), which is then deleted.
    """
    if folder.exists() and any(folder.iterdir()):
        if not force:
            raise RunFolderError(f"{folder} already holds files; choose another --out, "
                                 f"add --force to replace an earlier run, or --resume it.")
        if not (folder / STATE_FILE).is_file():
            raise RunFolderError(f"{folder} is not an earlier run folder (no {STATE_FILE}); "
                                 f"--force only replaces run folders.")
        shutil.rmtree(folder)
    for sub in ("notebooks", "logs", "results"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return folder


def new_run(book: Book, lessons: list[str], profile: str, overrides: dict, out: str | Path | None,
            force: bool = False, status: str = "running", backend: str | None = None,
            tensorboard: bool = False) -> RunState:
    """Plan and check every lesson's parameters, then create the run folder and its run.json.

    Nothing is created when a parameter, a lesson or the profile is wrong.
    """
    lesson_ids = [book.lesson(i).id for i in lessons] or [lesson.id for lesson in book.lessons]
    folder = run_folder_path(book, profile, out)
    params = plan.plan_parameters(book, lesson_ids, profile, overrides, folder)  # before any kernel
    new_run_folder(folder, force)
    state = RunState(folder=folder, profile=profile, book=str(book.root / "book.yml"), backend=backend,
                     overrides=overrides, status=status, tensorboard=tensorboard)
    state.lessons = {lesson_id: LessonState(params=params[lesson_id]) for lesson_id in lesson_ids}
    state.save()
    return state


def resume_run(folder: str | Path, book_path: str | Path | None, lessons: list[str]) -> tuple[Book, RunState, list[str]]:
    """An earlier (or prepared) run: its book, its state and the lessons still to run (of ``lessons``, if named)."""
    state = RunState.load(folder)
    book = load_book(book_path or state.book)
    chosen = {book.lesson(x).id for x in lessons}
    return book, state, [i for i in state.unfinished() if not chosen or i in chosen]
