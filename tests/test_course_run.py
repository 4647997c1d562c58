"""One run of the whole course, read by every test that needs a real lesson executed.

``dnncourse run --profile smoke --tensorboard --jobs 2`` runs a copy of the course whose
exercise cells hold their solutions, with strict checks and a check log. Each lesson
executes once for the whole test session, and the tests below read that run: every
cell ran without an error (what nbval checks cell by cell), every solution passes its
check, and the results, the report and the TensorBoard logs are what the lessons promise.
A few parameters differ from the smoke profile so that one run also covers cases of
their own (``RUN_PARAMETERS``).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from dnncourse.exercises import CHECKS, LOG_ENV, STRICT_ENV
from dnncourse.tools.cli import main
from dnncourse.tools.kernels import environment
from tests.test_exercises import solved
from tests.test_notebooks import BOOK, LESSONS, ROOT
from tests.test_tensorboard import scalars

pytestmark = pytest.mark.notebook

RUN_PARAMETERS = [
    "-p", "01_baseline.epochs=5",  # the notes scored their baseline after 5 epochs: that row must appear
    "-p", "07_early_stopping.patience=4", "-p", "07_early_stopping.long_patience=9",  # names from both patiences
    "-p", "08_tuning.search_n_train=30", "-p", "08_tuning.cv_folds=3",  # the smallest subset the rules allow
]


@dataclass
class CourseRun:
    folder: Path
    check_log: Path
    exit_code: int

    def statuses(self) -> dict[str, str]:
        """The last status each exercise's check logged."""
        lines = self.check_log.read_text().splitlines() if self.check_log.is_file() else []
        return {row["exercise"]: row["status"] for row in map(json.loads, lines)}

    def results(self, lesson_id: str) -> dict:
        return json.loads((self.folder / "results" / f"{lesson_id}.json").read_text())


@pytest.fixture(scope="module")
def course_run(tmp_path_factory, fashion_mnist_folder) -> CourseRun:
    root = tmp_path_factory.mktemp("course")
    shutil.copy(ROOT / "book.yml", root / "book.yml")
    (root / "lessons").mkdir()
    for lesson in BOOK.lessons:
        nbformat.write(solved(nbformat.read(lesson.path, as_version=4)), root / "lessons" / lesson.path.name)
    run, log = root / "run", root / "checks.jsonl"
    with environment({STRICT_ENV: "1", LOG_ENV: str(log)}):
        code = main(["run", "--book", str(root / "book.yml"), "--profile", "smoke", "--tensorboard", "--jobs", "2",
                     "--timeout", "600", "--out", str(run), *RUN_PARAMETERS])
    return CourseRun(run, log, code)


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_every_cell_of_the_lesson_ran_without_an_error(course_run, lesson_id):
    state = json.loads((course_run.folder / "run.json").read_text())["lessons"][lesson_id]
    kernel_log = course_run.folder / "logs" / f"{lesson_id}.log"
    assert state["status"] == "done", (state["error"], kernel_log.read_text()[-3000:] if kernel_log.is_file() else "")
    cells = [c for c in nbformat.read(course_run.folder / state["notebook"], as_version=4).cells
             if c.cell_type == "code"]
    not_run = [i for i, c in enumerate(cells) if c.execution_count is None]
    errors = [(i, o.get("ename")) for i, c in enumerate(cells) for o in c.outputs if o.output_type == "error"]
    assert not not_run and not errors, f"{lesson_id}: cells that did not run {not_run}, cells with errors {errors}"


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_every_solution_passes_its_check(course_run, lesson_id):
    number = lesson_id[:2] + "."
    logged = {key: status for key, status in course_run.statuses().items() if key.startswith(number)}
    assert logged == {key: "correct" for key in CHECKS if key.startswith(number)}


def test_the_run_asked_for_is_the_run_that_ran(course_run):
    assert course_run.exit_code == 0
    state = json.loads((course_run.folder / "run.json").read_text())
    assert state["status"] == "done" and state["tensorboard"] is True and state["profile"] == "smoke"
    assert list(state["lessons"]) == list(LESSONS)


def test_lesson_01_records_its_results_beside_the_notes_figure(course_run):
    recorded = course_run.results("01_baseline")
    assert recorded["params"]["n_train"] == 2000 and recorded["params"]["epochs"] == 5  # -p beat the profile
    row, at_epoch5 = recorded["rows"]
    assert row["variant"] == "baseline" and row["notes_figure"] is None
    assert 0.1 < row["val_accuracy_mean"] <= 1 and 0.1 < row["test_accuracy_mean"] <= 1
    # the notes scored their baseline after 5 epochs: their figure sits beside our epoch-5 number
    assert at_epoch5["variant"] == "baseline, after 5 epochs" and at_epoch5["notes_figure"] == pytest.approx(0.8722)


def test_the_report_gathers_every_lesson(course_run):
    table = pd.read_csv(course_run.folder / "report.csv")
    assert set(table["lesson"]) == set(LESSONS)
    assert {"baseline", "baseline, after 5 epochs"} <= set(table.loc[table["lesson"] == "01_baseline", "variant"])
    assert "0.8722" in (course_run.folder / "report.md").read_text()


def test_lesson_07_names_its_variants_from_both_patiences(course_run):
    results = course_run.results("07_early_stopping")
    variants = [row["variant"] for row in results["rows"]]
    assert variants == ["fixed 2 epochs", "early stop p=4", "early stop p=9", "early stop p=4, notes' rate"]
    params = results["params"]
    seeds = [params["n_seeds"]] * 3 + [params["notes_seeds"]]   # one row per variant, never two merged
    assert [row["n_seeds"] for row in results["rows"]] == seeds, "two variants' runs were merged into one row"
    assert params["patience"] == 4 and params["long_patience"] == 9


def test_lesson_07_and_the_run_write_tensorboard_logs(course_run):
    logs = course_run.folder / "tensorboard"
    one_run = scalars(logs / "07 one run, seed 0" / "validation")  # the lesson's own TensorBoard callback
    assert len(one_run["epoch_loss"]) >= 1 and "epoch_accuracy" in one_run
    lesson_runs = sorted(p.parent.relative_to(logs) for p in (logs / "07_early_stopping").rglob("train"))
    assert Path("07_early_stopping/fixed 2 epochs/seed-0") in lesson_runs, lesson_runs
    assert len(scalars(logs / "07_early_stopping" / "fixed 2 epochs" / "seed-0" / "train")["epoch_loss"]) == 2
    assert {p.name for p in logs.iterdir()} >= set(LESSONS) - {"08_tuning"}, "every lesson's comparisons log"


def test_lesson_08_runs_to_the_end_on_the_smallest_search_subset(course_run):
    recorded = course_run.results("08_tuning")
    assert recorded["params"]["search_n_train"] == 30 and recorded["params"]["cv_folds"] == 3
    final_epochs = recorded["facts"]["final_epochs"]
    assert final_epochs in recorded["params"]["candidate_epochs"]
    variants = [row["variant"] for row in recorded["rows"]]
    budgets = [f"chosen, {epochs} epochs" for epochs in recorded["params"]["candidate_epochs"]]
    assert variants == ["tuner's best", "hand-picked", *budgets, "final model (train + validation)",
                        "baseline (train + validation)"]
    final = next(row for row in recorded["rows"] if row["variant"] == "final model (train + validation)")
    assert 0.0 < final["test_accuracy_mean"] <= 1.0 and final["notes_figure"] == pytest.approx(0.8967)
    assert {v["question"] for v in recorded["verdicts"]} == {"tuner-vs-hand-picked", "longer-budget",
                                                             "tuned-vs-baseline", "more-data"}
