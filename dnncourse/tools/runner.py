"""Execute a run's lessons with papermill (``dnncourse run``): in turn or several at a time.

The run folder and its ``run.json`` are ``runstate``'s; the kernels and the papermill
call are ``kernels``'. This module only executes: it marks each lesson running, done,
failed (with the cell and the message) or interrupted, logs what it does, and says
at the end what happened. The command line writes the report afterwards.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from .. import switches
from .course import Book, Lesson
from .kernels import RUN_KERNEL, cell_label, describe_error, environment, execute, kernel_environment, write_run_kernel
from .runstate import RunState

DEFAULT_TIMEOUT = 1800  # seconds per cell; papermill can stall on a cell that shows a widget

log = logging.getLogger("dnncourse.run")


def lesson_kernel(state: RunState, lesson_id: str) -> str:
    """The kernel spec a lesson runs with: the run's own, or with --tensorboard one per lesson."""
    return f"{RUN_KERNEL}-{lesson_id}" if state.tensorboard else RUN_KERNEL


def setup_logging(folder: Path) -> None:
    """Log the runner's lines to the console (tqdm-safe) and to ``run.log`` (appended on resume)."""
    from tqdm import tqdm

    class TqdmHandler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            tqdm.write(self.format(record))

    log.setLevel(logging.INFO)
    log.propagate = False
    for handler in list(log.handlers):
        log.removeHandler(handler)
    console = TqdmHandler()
    console.setFormatter(logging.Formatter("%(message)s"))
    file_handler = logging.FileHandler(folder / "run.log")
    file_handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log.addHandler(console)
    log.addHandler(file_handler)


def close_logging() -> None:
    """Close run.log (tests and notebooks may call ``run_all`` several times in one process)."""
    for handler in list(log.handlers):
        handler.close()
        log.removeHandler(handler)


def run_lesson(lesson: Lesson, state: RunState, timeout: int, position: int | None, label: str = "") -> None:
    """Execute one lesson; record done or failed (with cell and message) in ``state``."""
    record = state.lessons[lesson.id]
    folder = state.folder
    notebook = folder / "notebooks" / lesson.path.name
    workdir = folder / "work" / lesson.id  # files a lesson writes to its current folder land here
    workdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    state.update(lesson.id, status="running", notebook=str(notebook.relative_to(folder)),
                 started=time.strftime("%Y-%m-%dT%H:%M:%S%z"), seconds=None, error=None)
    log.info(f"[{lesson.id}] started {label}: {lesson.title}")
    try:
        with open(folder / "logs" / f"{lesson.id}.log", "w") as kernel_log:
            execute(lesson.path, notebook, record.params, lesson_kernel(state, lesson.id), timeout,
                    workdir=workdir, log=kernel_log,
                    progress={"desc": lesson.id, "position": position, "leave": True, "disable": None})
    except KeyboardInterrupt:
        state.update(lesson.id, status="interrupted", seconds=round(time.perf_counter() - start, 1))
        raise
    except Exception as err:  # noqa: BLE001 - any failure of one lesson must not stop the others
        error = describe_error(err, notebook)
        state.update(lesson.id, status="failed", seconds=round(time.perf_counter() - start, 1), error=error)
        log.info(f"[{lesson.id}] FAILED after {record.seconds:.0f} s in {cell_label(error)}: "
                 f"{error['ename']}: {error['evalue']}")
    else:
        state.update(lesson.id, status="done", seconds=round(time.perf_counter() - start, 1))
        log.info(f"[{lesson.id}] done in {record.seconds:.0f} s")
    finally:
        if workdir.is_dir() and not any(workdir.iterdir()):
            workdir.rmdir()


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Treat ``kill PID`` (SIGTERM) like Ctrl-C, so a killed run still records that it was interrupted."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _raise_interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def run_in_turn(lessons: list[Lesson], state: RunState, timeout: int, bar) -> None:
    """One lesson after the other."""
    for n, lesson in enumerate(lessons):
        run_lesson(lesson, state, timeout, None, f"({n + 1} of {len(lessons)})")
        bar.update()


def run_in_parallel(lessons: list[Lesson], state: RunState, timeout: int, bar, jobs: int) -> None:
    """``jobs`` lessons at a time, each in a thread that drives its own kernel."""
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run_lesson, lesson, state, timeout, n + 1, f"({n + 1} of {len(lessons)})")
                   for n, lesson in enumerate(lessons)]
        try:
            for _ in as_completed(futures):
                bar.update()
        except KeyboardInterrupt:
            # The threads cannot be stopped from outside: save the state and leave at once;
            # each kernel notices that its parent is gone and exits.
            _mark_interrupted(state, lessons)
            logging.shutdown()
            os._exit(130)


def write_kernels(state: RunState, lessons: list[Lesson], jobs: int) -> Path:
    """The run's kernel spec (and with --tensorboard one per lesson); return the folder Jupyter searches."""
    env = kernel_environment(jobs, state.backend, state.folder)
    jupyter = write_run_kernel(state.folder, env)
    if state.tensorboard:  # the same kernel, plus the folder its comparisons log to
        for lesson in lessons:
            write_run_kernel(state.folder, {**env, switches.TENSORBOARD_DIR: str(state.folder / "tensorboard" / lesson.id)},
                             name=lesson_kernel(state, lesson.id))
    return jupyter


def run_all(book: Book, state: RunState, lesson_ids: list[str], jobs: int = 1,
            timeout: int = DEFAULT_TIMEOUT) -> RunState:
    """Run the named lessons (in turn, or ``jobs`` at a time).

    Ctrl-C (or SIGTERM) marks the run and the lessons in progress ``interrupted``;
    finished lessons keep their status, so ``--resume`` picks up from there.
    """
    from tqdm import tqdm

    lessons = [book.lesson(i) for i in lesson_ids]
    state.status = "running"
    state.save()
    jupyter = write_kernels(state, lessons, jobs)
    search_path = os.pathsep.join(filter(None, [str(jupyter), os.environ.get("JUPYTER_PATH")]))
    log.info(f"Running {len(lessons)} lesson(s), profile {state.profile!r}, Keras backend {state.backend}, "
             f"{jobs} at a time, into {state.folder}")
    started = time.perf_counter()
    bar = tqdm(total=len(lessons), desc="lessons", unit="lesson", position=0 if jobs > 1 else None,
               disable=None if len(lessons) > 1 else True)  # None: shown on a terminal only
    try:
        with environment({"JUPYTER_PATH": search_path}), sigterm_as_interrupt():
            if jobs > 1:
                run_in_parallel(lessons, state, timeout, bar, jobs)
            else:
                run_in_turn(lessons, state, timeout, bar)
    except KeyboardInterrupt:
        _mark_interrupted(state, lessons)
        raise
    finally:
        bar.close()
    if (state.folder / "work").is_dir() and not any((state.folder / "work").iterdir()):
        (state.folder / "work").rmdir()
    state.status = "done" if not state.unfinished() else "failed"
    state.save()
    log.info(f"Finished in {time.perf_counter() - started:.0f} s.")
    return state


def _mark_interrupted(state: RunState, lessons: list[Lesson]) -> None:
    """Record an interruption in run.json and say how to go on."""
    for lesson in lessons:
        if state.lessons[lesson.id].status == "running":
            state.lessons[lesson.id].status = "interrupted"
    state.status = "interrupted"
    state.save()
    log.info(f"Interrupted. Finished lessons are kept; resume with: dnncourse run --resume {state.folder}")


def summary_lines(state: RunState) -> list[str]:
    """The closing lines of a run: counts, then each failed lesson with its cell and message."""
    counts: dict[str, int] = {}
    for record in state.lessons.values():
        counts[record.status] = counts.get(record.status, 0) + 1
    lines = [f"Run {state.folder}: " + ", ".join(f"{n} {status}" for status, n in counts.items())]
    for lesson_id, record in state.lessons.items():
        if record.status == "failed" and record.error:
            lines.append(f"  FAILED {lesson_id}: {cell_label(record.error)}: "
                         f"{record.error['ename']}: {record.error['evalue']}")
            lines.append(f"         executed notebook: {state.folder / record.notebook}")
            lines.append(f"         kernel output:     {state.folder / 'logs' / (lesson_id + '.log')}")
        elif record.status != "done":
            lines.append(f"  {record.status.upper()} {lesson_id}")
    if state.unfinished():
        lines.append(f"Re-run what did not finish with: dnncourse run --resume {state.folder}")
    lines.append(f"Report: {state.folder / 'report.md'}")
    return lines
