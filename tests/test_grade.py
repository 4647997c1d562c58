"""dnncourse grade on a folder with a right, a wrong, an unanswered and a broken copy of a tiny lesson.

The tiny course (tests/cli_course.py) has one lesson with exercise 01.1, so grading needs
seconds, not the real lesson 01's training.
"""

import nbformat
import pandas as pd
import pytest

from cli_course import make_graded_course
from dnncourse.tools.cli import main

RIGHT = 784 * 300 + 300 + 300 * 10 + 10


@pytest.fixture
def course(tmp_path):
    return make_graded_course(tmp_path / "course")


@pytest.fixture
def submissions(course, tmp_path):
    lesson = nbformat.read(course.parent / "lessons" / "01_tiny.ipynb", as_version=4)
    folder = tmp_path / "submissions"
    folder.mkdir()

    def copy(name, edit):
        nb = nbformat.reads(nbformat.writes(lesson), as_version=4)
        edit(nb)
        nbformat.write(nb, folder / f"{name}.ipynb")

    def answer(value):
        def edit(nb):
            nb.cells[-1].source = nb.cells[-1].source.replace("wide_parameters = ...", f"wide_parameters = {value}")
        return edit

    copy("ada", answer(RIGHT))
    copy("bob", answer(784 * 300))
    copy("cy", lambda nb: nb.cells.insert(3, nbformat.v4.new_code_cell('raise RuntimeError("my experiment")')))
    copy("dee", lambda nb: None)
    return folder


def test_grade_reports_right_wrong_unanswered_and_broken_copies(course, submissions, tmp_path, capsys):
    out = tmp_path / "graded"
    assert main(["grade", str(submissions), "--book", str(course), "--out", str(out)]) == 0
    table = pd.read_csv(out / "grades.csv").set_index("student")
    assert list(table.columns) == ["ran", "01.1", "correct"]
    assert table.loc["ada"].tolist() == ["ok", "correct", "1 of 1"]
    assert table.loc["bob"].tolist() == ["ok", "wrong", "0 of 1"]
    assert table.loc["dee"].tolist() == ["ok", "unanswered", "0 of 1"]
    assert table.loc["cy", "ran"].startswith("failed (cell 3): RuntimeError: my experiment")
    assert table.loc["cy", "01.1"] == "not reached"
    assert (out / "grades.md").read_text().startswith("# Exercises of lesson 01_tiny")
    assert "ada" in capsys.readouterr().out


def test_grade_without_notebooks_says_what_to_do(course, tmp_path, capsys):
    assert main(["grade", str(tmp_path), "--book", str(course)]) == 2
    assert "No notebooks (*.ipynb)" in capsys.readouterr().err
