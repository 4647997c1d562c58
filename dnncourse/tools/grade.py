"""``dnncourse grade FOLDER``: run students' copies of a lesson in a sandbox and check their answers outside it.

For each copy:

1. ``graded_copy`` builds the notebook to run: the lesson's own cells (a student's edits there
   are undone and flagged), the student's exercise code, the lesson's own check lines, and cells
   that export the lesson's contexts and the student's answers as data;
2. it runs with nbclient in a kernel inside the sandbox (``sandbox``: no network, nothing of this
   machine readable but the course's software and data, a time and a memory limit), talking to
   it over Unix sockets in the copy's scratch folder;
3. a fresh process of the grader's own (``decide``, sandboxed as well) rebuilds the exported data and
   runs the lesson's checks on it. Nothing the student's kernel printed or logged is believed.

Writes ``OUT/grades.csv`` and ``OUT/grades.md`` (each exercise's status and the check's message,
the flags) and the executed copies in ``OUT/notebooks``. One broken copy never stops the others.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd

from . import sandbox
from .course import Book, BookError, Lesson
from .environment import chosen_backend
from .graded_copy import graded_copy
from .kernels import QUIET_KERNEL, environment, kernel_environment
from .plan import plan_parameters

KERNEL = "dnncourse-grade"
CHECK_CALL = re.compile(r"""dc\.check\(\s*["'](\d\d\.\d)["']""")  # the exercise id of a check line, "01.2"
GiB = 2 ** 30


@dataclass
class Limits:
    """What each copy may use: seconds per cell, seconds in all, bytes of memory, and the sandbox."""

    cell_seconds: int = 600
    copy_seconds: int = 1800
    memory_bytes: int = 8 * GiB
    sandboxed: bool = True


def exercise_ids(notebook: Path) -> list[str]:
    """The exercise ids a notebook checks, in order (``["01.1", "01.2", ...]``)."""
    from .graded_copy import exercise_of
    nb = read_notebook(notebook)
    found = (exercise_of(cell) for cell in nb.cells
             if cell.cell_type == "code" and "exercise" in cell.metadata.get("tags", []))
    return list(dict.fromkeys(exercise.id for exercise in found if exercise))


def read_notebook(path: Path):
    try:
        return nbformat.read(path, as_version=4)
    except Exception as err:  # noqa: BLE001 - a corrupt copy is reported by the caller
        raise BookError(f"{path.name} is not a readable notebook ({type(err).__name__}: {err}).") from None


def lesson_for(book: Book, notebooks: list[Path], lesson_id: str | None) -> Lesson:
    """The lesson named with --lesson, or the one whose exercises the notebooks check."""
    if lesson_id:
        return book.lesson(lesson_id)
    numbers = set()
    for notebook in notebooks:
        try:
            numbers |= {ex.split(".")[0] for ex in exercise_ids(notebook)}
        except BookError:
            continue
    if len(numbers) != 1:
        found = ", ".join(sorted(numbers)) or "none"
        raise BookError(f"Cannot tell which lesson these notebooks are (exercise numbers found: {found}); "
                        "name it, e.g. dnncourse grade FOLDER --lesson 01.")
    return book.lesson(numbers.pop())


def _data_folder() -> Path | None:
    from ..data import DataError, find_fashion_mnist
    try:
        return find_fashion_mnist(download=False)[1].resolve()
    except DataError:
        return None


def _kernel_env(backend: str, scratch: Path, data: Path | None) -> dict[str, str]:
    env = {**kernel_environment(1, backend, scratch), "DNNCOURSE_NO_DOWNLOAD": "1",
           "PYTHONDONTWRITEBYTECODE": "1", "JUPYTER_PLATFORM_DIRS": "1"}
    if data is not None:
        env["DNNCOURSE_DATA_DIR"] = str(data)
    return env


def _command(command: list[str], scratch: Path, env: dict, limits: Limits, data: Path | None,
             sockets: Path | None = None) -> list[str]:
    if not limits.sandboxed:
        return sandbox.limited(command, limits.memory_bytes, limits.copy_seconds)
    read_only = sandbox.read_only_paths([data] if data else [])
    return sandbox.wrap(command, scratch, env, read_only, limits.memory_bytes, limits.copy_seconds, sockets)


def _write_kernel(spec_root: Path, scratch: Path, env: dict, limits: Limits, data: Path | None,
                  sockets: Path) -> None:
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}", *QUIET_KERNEL]
    spec = spec_root / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    kernel = {"argv": _command(argv, scratch, env, limits, data, sockets), "display_name": "dnncourse grade",
              "language": "python"}
    if not limits.sandboxed:
        kernel["env"] = env
    (spec / "kernel.json").write_text(json.dumps(kernel, indent=1))


def run_copy(nb, scratch: Path, spec_root: Path, env: dict, limits: Limits, data: Path | None) -> str:
    """Execute ``nb`` in place in a sandboxed kernel; return "ok" or why the run stopped."""
    from jupyter_client import AsyncKernelManager
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import DeadKernelError

    runtime = Path(tempfile.mkdtemp(prefix="dnncourse-grade-"))  # Unix socket paths must be short
    _write_kernel(spec_root, scratch, env, limits, data, runtime)
    km = AsyncKernelManager(kernel_name=KERNEL, transport="ipc", ip=str(runtime / "kernel"),
                            connection_file=str(runtime / "kernel.json"))
    client = NotebookClient(nb, km=km, timeout=limits.cell_seconds, startup_timeout=120, allow_errors=True,
                            interrupt_on_timeout=True, resources={"metadata": {"path": str(scratch)}})
    start = time.monotonic()
    try:
        with environment({"JUPYTER_PATH": str(spec_root)}):
            client.execute()
    except DeadKernelError:
        if time.monotonic() - start >= limits.copy_seconds - 1:
            return f"stopped: the time limit of {limits.copy_seconds} s"
        return f"stopped: the kernel died (the memory limit of {limits.memory_bytes / GiB:g} GiB, or a crash)"
    except Exception as err:  # noqa: BLE001 - one broken copy must not stop the others
        return f"stopped: {type(err).__name__}: {str(err).strip().splitlines()[0][:160] if str(err).strip() else ''}"
    finally:
        if km.has_kernel:  # nbclient shuts its kernel down; this is for a run it gave up on
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001 - already gone
                pass
        shutil.rmtree(runtime, ignore_errors=True)
    return "ok"


def _mime(kind: str) -> str:
    from ..exercises import export  # loads Keras: only once a copy has run
    return {"answer": export.ANSWER_MIME, "context": export.CONTEXT_MIME}[kind]


def _payloads(cell, mime: str) -> list[dict]:
    return [o["data"][mime] for o in cell.get("outputs", []) if o.get("output_type") == "display_data"
            and mime in o.get("data", {})]


def _error(cell) -> str | None:
    errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
    return f"{errors[0]['ename']}: {errors[0]['evalue']}"[:300] if errors else None


def collect(nb, exercise_ids: list[str]) -> tuple[list[dict], dict[str, str]]:
    """The items for ``decide`` (context and answer of each exercise) and the exercises not reached."""
    contexts, not_reached, items = {}, {}, []
    for cell in nb.cells:
        if "grader-context" in cell.metadata.get("tags", []):
            contexts = {p.get("exercise"): p for p in _payloads(cell, _mime("context"))}
    answers, student_error = {}, None
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if "exercise" in tags:
            student_error = _error(cell) or student_error
        if "grader-answer" in tags:
            answers[cell.metadata["grader"]["exercise"]] = (cell, student_error)
            student_error = None
    for exercise in exercise_ids:
        cell, raised = answers.get(exercise, (None, None))
        context = contexts.get(exercise)
        if cell is None or "execution_count" not in cell or cell.get("execution_count") is None:
            not_reached[exercise] = "not reached: the copy stopped before this exercise."
            continue
        item = {"exercise": exercise, "context": (context or {}).get("context")}
        if context is None or "error" in context:
            item["context_error"] = (context or {}).get("error", "the lesson's context was not exported")
        shown = [p for p in _payloads(cell, _mime("answer")) if p.get("exercise") == exercise]
        if _error(cell):
            item["answer_error"] = f"your answer could not be read: {_error(cell)}."
        elif len(shown) != 1:
            item["answer_error"] = f"the answer cell showed {len(shown)} answers instead of 1 (not graded)."
        else:
            item["answer"] = shown[0].get("answer")
            item["own_context"] = shown[0].get("context") or {}  # the student's own run (the stub left it `...`)
        if raised:
            item["raised"] = raised
        items.append(item)
    return items, not_reached


def decide_in_own_process(items: list[dict], scratch: Path, env: dict, limits: Limits,
                          data: Path | None) -> list[dict]:
    """Run ``decide`` on the items in a fresh (sandboxed) process; its outcomes."""
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / "in.json").write_text(json.dumps(items))
    command = _command([sys.executable, "-m", "dnncourse.tools.decide", str(scratch / "in.json"),
                        str(scratch / "out.json")], scratch, env, limits, data)
    done = subprocess.run(command, capture_output=True, text=True, cwd=scratch,
                          env=None if limits.sandboxed else {**os.environ, **env})
    if done.returncode != 0 or not (scratch / "out.json").is_file():
        why = (done.stderr.strip().splitlines() or [f"exit {done.returncode}"])[-1][:200]
        return [{"exercise": item["exercise"], "status": "error", "message": f"the grader's check failed: {why}"}
                for item in items]
    outcomes = json.loads((scratch / "out.json").read_text())
    for outcome, item in zip(outcomes, items):
        if item.get("raised") and outcome["status"] != "correct":
            outcome["message"] = f"your exercise cell raised {item['raised']}; {outcome['message']}"
    return outcomes


def _short_payloads(nb) -> None:
    """Keep the executed copy readable: the exported data becomes a one-line note."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            for mime in (_mime("answer"), _mime("context")):
                output.get("data", {}).pop(mime, None)


def grade_one(notebook: Path, lesson_nb, parameters: dict, out: Path, backend: str, limits: Limits,
              data: Path | None, expected: list[str]) -> dict:
    """Grade one student's copy; return its row: student, ran, flags, each exercise's status and message."""
    import papermill.parameterize

    row: dict = {"student": notebook.stem, "ran": "ok", "flags": ""}
    try:
        student = read_notebook(notebook)
        copy = graded_copy(lesson_nb, student)
    except Exception as err:  # noqa: BLE001
        row["ran"] = f"not graded: {err}"[:200]
        return row
    row["flags"] = "; ".join(copy.flags)
    nb = papermill.parameterize.parameterize_notebook(copy.notebook, parameters)
    work = out / "sandbox" / notebook.stem
    shutil.rmtree(work, ignore_errors=True)
    scratch, checker = work / "scratch", work / "check"
    scratch.mkdir(parents=True)
    env = _kernel_env(backend, scratch, data)
    row["ran"] = run_copy(nb, scratch, work / "jupyter", env, limits, data)
    lesson_errors = [(i, _error(cell)) for i, cell in enumerate(nb.cells) if _error(cell)
                     and not {"exercise", "grader-answer"} & set(cell.metadata.get("tags", []))]
    if lesson_errors and row["ran"] == "ok":
        row["ran"] = f"failed (lesson cell {lesson_errors[0][0]}): {lesson_errors[0][1]}"[:200]
    items, not_reached = collect(nb, expected)
    outcomes = {o["exercise"]: o for o in decide_in_own_process(items, checker, _kernel_env(backend, checker, data),
                                                                limits, data)} if items else {}
    for exercise in expected:
        outcome = outcomes.get(exercise) or {"status": "not reached", "message": not_reached.get(exercise, "")}
        row[exercise], row[f"{exercise} message"] = outcome["status"], outcome["message"]
    _short_payloads(nb)
    nbformat.write(nb, out / "notebooks" / notebook.name)
    return row


def grade_folder(book: Book, folder: Path, out: Path, lesson_id: str | None = None, profile: str = "smoke",
                 overrides: dict | None = None, backend: str | None = None,
                 limits: Limits | None = None) -> pd.DataFrame:
    """Grade every ``*.ipynb`` in ``folder``; write grades.csv and grades.md into ``out``; return the table."""
    limits = limits or Limits()
    folder = Path(folder)
    if not folder.is_dir():
        raise BookError(f"{folder} does not exist (or is not a folder): name the folder that holds the students' "
                        "copies of one lesson.")
    notebooks = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    if not notebooks:
        raise BookError(f"No notebooks (*.ipynb) in {folder}: put the students' copies of one lesson there.")
    if limits.sandboxed:
        sandbox.check_available()
    lesson = lesson_for(book, notebooks, lesson_id)
    lesson_nb = read_notebook(lesson.path)
    expected = exercise_ids(lesson.path)
    shutil.rmtree(out / "notebooks", ignore_errors=True)
    (out / "notebooks").mkdir(parents=True, exist_ok=True)
    parameters = plan_parameters(book, [lesson.id], profile, overrides, out)[lesson.id]
    backend, data = chosen_backend(backend), _data_folder()
    rows = [grade_one(notebook, lesson_nb, parameters, out.resolve(), backend, limits, data, expected)
            for notebook in notebooks]
    shutil.rmtree(out / "sandbox", ignore_errors=True)
    table = pd.DataFrame(rows)
    for key in expected:
        for column in (key, f"{key} message"):
            if column not in table:
                table[column] = None
    table[expected] = table[expected].fillna("not graded")
    table["correct"] = (table[expected] == "correct").sum(axis=1).astype(str) + f" of {len(expected)}"
    columns = ["student", "ran", "flags", *expected, "correct", *[f"{key} message" for key in expected]]
    table = table[columns].fillna("")
    table.to_csv(out / "grades.csv", index=False)
    (out / "grades.md").write_text(grades_markdown(table, lesson.id, profile, expected, limits))
    return table


def grades_markdown(table: pd.DataFrame, lesson_id: str, profile: str, expected: list[str], limits: Limits) -> str:
    """The grades as a summary table, then each student's messages."""
    mode = "in a sandbox" if limits.sandboxed else "WITHOUT a sandbox (--no-sandbox)"
    lines = [f"# Exercises of lesson {lesson_id}, profile {profile}", "",
             f"Each copy ran {mode}; the checks ran in the grader's own process.", "",
             table[["student", "ran", "flags", *expected, "correct"]].to_markdown(index=False), ""]
    for _, row in table.iterrows():
        lines += [f"## {row['student']}", ""]
        lines += [f"- {key} ({row[key]}): {row[f'{key} message']}" for key in expected]
        lines.append("")
    return "\n".join(lines)
