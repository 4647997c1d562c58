"""dnncourse grade on a real lesson: an honest copy with the solutions scores full marks.

Lesson 06 has the two contexts that cannot travel as plain data: a function of the lesson's
(step_decay, exported as its values) and a table the student's own training makes (06.3).
"""

import shutil

import nbformat
import pandas as pd
import pytest

from dnncourse.tools.cli import main
from tests.test_exercises import solved
from tests.test_notebooks import BOOK, ROOT

pytestmark = [pytest.mark.notebook,
              pytest.mark.skipif(not shutil.which("bwrap") and not __import__("os").environ.get("CI"),
                                 reason="needs bubblewrap: apt-get install -y bubblewrap")]


def test_an_honest_copy_of_lesson_06_scores_full_marks(tmp_path, fashion_mnist_folder):
    lesson = BOOK.lesson("06")
    folder = tmp_path / "submissions"
    folder.mkdir()
    nbformat.write(solved(nbformat.read(lesson.path, as_version=4)), folder / "honest.ipynb")
    out = tmp_path / "graded"
    assert main(["grade", str(folder), "--book", str(ROOT / "book.yml"), "--out", str(out)]) == 0
    row = pd.read_csv(out / "grades.csv", keep_default_na=False).iloc[0]
    assert row["ran"] == "ok" and row["flags"] == "", row.to_dict()
    assert row["correct"] == "3 of 3", row.to_dict()
