"""``dnncourse grade FOLDER``: run students' copies of a lesson headless and tabulate their exercises.

Each notebook in FOLDER is executed with papermill in a profile (smoke by default)
with ``DNNCOURSE_CHECK_LOG`` set, so every ``dc.check`` call of the lesson's
exercises appends its outcome to a log. A notebook that fails to run is reported
with the cell and error, not fatal; exercises after the failure read "not reached".
Writes ``OUT/grades.csv`` and ``OUT/grades.md`` and the executed copies in ``OUT/notebooks``.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd

from .. import switches
from .course import Book, BookError, Lesson
from .environment import chosen_backend
from .plan import plan_parameters
from .kernels import RUN_KERNEL, describe_error, environment, execute, kernel_environment, write_run_kernel

CHECK_CALL = re.compile(r"""dc\.check\(\s*["'](\d\d\.\d)["']""")  # the exercise id, "01.2"


def exercise_ids(notebook: Path) -> list[str]:
    """The exercise ids a notebook checks, in order (``["01.1", "01.2", ...]``)."""
    try:
        nb = nbformat.read(notebook, as_version=4)
    except Exception as err:  # noqa: BLE001 - a corrupt copy is reported by the caller
        raise BookError(f"{notebook.name} is not a readable notebook ({type(err).__name__}: {err}).") from None
    return list(dict.fromkeys(exercise for cell in nb.cells if cell.cell_type == "code"
                              for exercise in CHECK_CALL.findall(cell.source)))


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


def grade_one(notebook: Path, parameters: dict, out: Path, timeout: int) -> dict:
    """Execute one student's copy; return its row: student, ran, and one status per exercise."""
    log = out / "logs" / f"{notebook.stem}.jsonl"
    log.unlink(missing_ok=True)
    row = {"student": notebook.stem, "ran": "ok"}
    try:
        with environment({switches.CHECK_LOG: str(log)}):
            execute(notebook, out / "notebooks" / notebook.name, parameters, RUN_KERNEL, timeout)
    except Exception as err:  # noqa: BLE001 - one broken copy must not stop the others
        error = describe_error(err, out / "notebooks" / notebook.name)
        cell = f" (cell {error['cell_index']})" if error.get("cell_index") is not None else ""
        row["ran"] = f"failed{cell}: {error['ename']}: {error['evalue']}"[:200]
    outcomes = [json.loads(line) for line in log.read_text().splitlines()] if log.is_file() else []
    for outcome in outcomes:  # the last check of an exercise counts
        row[outcome["exercise"]] = outcome["status"]
    return row


def grade_folder(book: Book, folder: Path, out: Path, lesson_id: str | None = None, profile: str = "smoke",
                 overrides: dict | None = None, backend: str | None = None, timeout: int = 600) -> pd.DataFrame:
    """Grade every ``*.ipynb`` in ``folder``; write grades.csv and grades.md into ``out``; return the table."""
    notebooks = sorted(p for p in Path(folder).glob("*.ipynb") if not p.name.startswith("."))
    if not notebooks:
        raise BookError(f"No notebooks (*.ipynb) in {folder}: put the students' copies of one lesson there.")
    lesson = lesson_for(book, notebooks, lesson_id)
    expected = exercise_ids(lesson.path)
    shutil.rmtree(out / "notebooks", ignore_errors=True)
    for sub in ("notebooks", "logs"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    parameters = plan_parameters(book, [lesson.id], profile, overrides, out)[lesson.id]
    jupyter = write_run_kernel(out, kernel_environment(1, chosen_backend(backend), out))
    with environment({"JUPYTER_PATH": str(jupyter)}):
        rows = [grade_one(notebook, parameters, out, timeout) for notebook in notebooks]
    table = pd.DataFrame(rows)
    for key in expected:
        if key not in table:
            table[key] = None
    failed = table["ran"] != "ok"
    # No check logged: after a failure the cell was never reached; in a notebook that ran, it was removed.
    table.loc[failed, expected] = table.loc[failed, expected].fillna("not reached")
    table[expected] = table[expected].fillna("unanswered")
    table["correct"] = (table[expected] == "correct").sum(axis=1).astype(str) + f" of {len(expected)}"
    table = table[["student", "ran", *expected, "correct"]]
    table.to_csv(out / "grades.csv", index=False)
    (out / "grades.md").write_text(f"# Exercises of lesson {lesson.id}, profile {profile}\n\n"
                                   + table.to_markdown(index=False) + "\n")
    return table
