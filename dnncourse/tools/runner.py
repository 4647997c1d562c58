"""Run lessons with papermill into a run folder (``dnncourse run``), and the run's state.

A run folder holds everything one run produced::

    runs/20260101-120000-smoke/
        run.json             profile, backend, parameters, status of every lesson (``RunState``)
        run.log              what the runner did, with timings
        notebooks/*.ipynb    the executed lessons, outputs included
        logs/<lesson>.log    each kernel's stdout and stderr
        results/<lesson>.json  what each lesson recorded (``dnncourse.record_results``)
        report.md/.csv/.png  the leaderboard (``dnncourse.tools.leaderboard``)
        jupyter/kernels/dnncourse-run/kernel.json  how the kernels started (Python, environment)

Parameters are checked (``dnncourse.tools.plan``) before any kernel starts. The
state file is rewritten after every change, so an interrupted run says so and
``dnncourse run --resume FOLDER`` re-runs only the lessons that did not finish.
``RunState.load`` is the one reader of run.json (the leaderboard and the site use it).
``dnncourse prepare`` writes the same folder with the lessons prepared, not executed.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

from ..compare import TENSORBOARD_ENV
from .course import Book, Lesson
from .environment import kernel_env

STATE_FILE = "run.json"
RUN_KERNEL = "dnncourse-run"  # the kernel spec each run writes into its folder
# Plots stay in the executed notebook even where MPLBACKEND=Agg is set (CI, tests).
INLINE_PLOTS = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}
THREAD_VARS = ("OMP_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
DEFAULT_TIMEOUT = 1800  # seconds per cell; papermill can stall on a cell that shows a widget

log = logging.getLogger("dnncourse.run")


class RunFolderError(ValueError):
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


# --- the run folder ------------------------------------------------------------------------

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


def kernel_environment(jobs: int, backend: str, folder: Path) -> dict[str, str]:
    """Environment for the kernels: ``KERNEL_ENV`` with ``backend``, inline plots, a share of the
    cores, and a JAX compilation cache of the run's own (``folder/jax-cache``: every run starts cold)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    share = str(max(1, cores // max(1, jobs)))
    return {**kernel_env(backend, headless=True, cache=folder / "jax-cache"), **INLINE_PLOTS,
            **{name: share for name in THREAD_VARS}}


def lesson_kernel(state: "RunState", lesson_id: str) -> str:
    """The kernel spec a lesson runs with: the run's own, or with --tensorboard one per lesson."""
    return f"{RUN_KERNEL}-{lesson_id}" if state.tensorboard else RUN_KERNEL


def write_run_kernel(folder: Path, env: dict[str, str], name: str = RUN_KERNEL) -> Path:
    """Write the kernel spec of this run's kernels into the run folder; return its ``jupyter`` folder.

    This Python, with ``env`` as the spec's ``env``. The runner finds it through
    ``JUPYTER_PATH``, so the ``python3`` spec that ``dnncourse kernel`` installs for
    JupyterLab (whose ``env`` would win over ours) never decides a run's backend,
    and the folder records how its kernels started.
    """
    from ipykernel.kernelspec import write_kernel_spec

    spec = folder / "jupyter" / "kernels" / name
    shutil.rmtree(spec, ignore_errors=True)  # a resumed run may use other settings
    write_kernel_spec(spec, overrides={"env": env, "display_name": f"dnncourse run ({env['KERAS_BACKEND']})"})
    return folder / "jupyter"


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


# --- running lessons -----------------------------------------------------------------------

def describe_error(err: BaseException, notebook: Path) -> dict:
    """Where and why a lesson failed: error name and message, and the failing cell.

    ``cell_index`` counts the cells of the lesson's own notebook from 0 (papermill's
    injected-parameters cell and its red error banners are not counted), so it points
    at the cell to fix; ``exec_count`` is the ``In [n]`` shown beside it when executed.
    """
    # papermill's own error carries the exception's message; others (timeouts) start with a summary line
    message = str(getattr(err, "evalue", "") or err).strip().splitlines()
    info = {"ename": getattr(err, "ename", type(err).__name__), "evalue": message[0] if message else "",
            "cell_index": getattr(err, "cell_index", None), "exec_count": getattr(err, "exec_count", None)}
    if notebook.is_file():
        import nbformat
        added_by_papermill = {"injected-parameters", "papermill-error-cell-tag"}
        cells = [c for c in nbformat.read(notebook, as_version=4).cells
                 if not added_by_papermill & set(c.get("metadata", {}).get("tags", []))]
        meta = [c.get("metadata", {}).get("papermill", {}) for c in cells]
        failed = [i for i, m in enumerate(meta) if m.get("status") == "failed"]
        started = [i for i, m in enumerate(meta) if m.get("start_time")]  # a timeout or a dead kernel
        index = failed[0] if failed else started[-1] if started else None
        if index is not None:
            info["cell_index"], info["exec_count"] = index, cells[index].get("execution_count")
    return info


def run_lesson(lesson: Lesson, state: RunState, timeout: int, position: int | None, label: str = "") -> None:
    """Execute one lesson with papermill; record done or failed (with cell and message) in ``state``."""
    import papermill

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
            papermill.execute_notebook(
                str(lesson.path), str(notebook), parameters=record.params, kernel_name=lesson_kernel(state, lesson.id),
                # the kernel's working folder; papermill's own cwd= would chdir the whole process
                resources={"metadata": {"path": str(workdir)}},
                progress_bar={"desc": lesson.id, "position": position, "leave": True, "disable": None},
                stdout_file=kernel_log, stderr_file=kernel_log, execution_timeout=timeout,
                extra_arguments=["--IPKernelApp.log_level=CRITICAL"])  # no kernel chatter on the console
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


def cell_label(error: dict) -> str:
    """'cell 11 (In [7])' for messages: the lesson notebook's cell index, then its execution count."""
    if error.get("cell_index") is None:
        return "no cell (the kernel did not start or papermill failed)"
    label = f"cell {error['cell_index']}"
    if error.get("exec_count") is not None:
        label += f" (In [{error['exec_count']}])"
    return label


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables inside (``JUPYTER_PATH`` for a run); restore them afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


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


def run_all(book: Book, state: RunState, lesson_ids: list[str], jobs: int = 1,
            timeout: int = DEFAULT_TIMEOUT) -> RunState:
    """Run the named lessons (in turn, or ``jobs`` at a time), then write the report.

    Ctrl-C (or SIGTERM) marks the run and the lessons in progress ``interrupted``;
    finished lessons keep their status, so ``--resume`` picks up from there.
    """
    from tqdm import tqdm

    from .leaderboard import write_report

    lessons = [book.lesson(i) for i in lesson_ids]
    state.status = "running"
    state.save()
    env = kernel_environment(jobs, state.backend, state.folder)
    jupyter = write_run_kernel(state.folder, env)
    if state.tensorboard:  # the same kernel, plus the folder its comparisons log to
        for lesson in lessons:
            write_run_kernel(state.folder, {**env, TENSORBOARD_ENV: str(state.folder / "tensorboard" / lesson.id)},
                             name=lesson_kernel(state, lesson.id))
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
    write_report(state.folder)
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
