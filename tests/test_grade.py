"""dnncourse grade on a folder with one right, one wrong and one broken copy of lesson 01."""

import nbformat
import pandas as pd
import pytest

import dnncourse as dc
from dnncourse.tools.cli import main
from tests.test_exercises import solved
from tests.test_notebooks import LESSONS


@pytest.fixture
def submissions(tmp_path):
    try:
        dc.load_data(n_train=100)
    except dc.DataError as err:
        pytest.skip(f"Fashion-MNIST is not available here: {str(err).splitlines()[0]}")
    lesson = nbformat.read(LESSONS["01_baseline"].path, as_version=4)
    folder = tmp_path / "submissions"
    folder.mkdir()
    nbformat.write(solved(lesson), folder / "ada.ipynb")

    wrong = nbformat.reads(nbformat.writes(lesson), as_version=4)
    first = next(c for c in wrong.cells if "exercise" in c.metadata.get("tags", []))
    first.source = first.source.replace("wide_parameters = ...", "wide_parameters = 784 * 300")
    nbformat.write(wrong, folder / "bob.ipynb")

    broken = nbformat.reads(nbformat.writes(lesson), as_version=4)
    broken.cells.insert(4, nbformat.v4.new_code_cell('raise RuntimeError("my experiment")'))
    nbformat.write(broken, folder / "cy.ipynb")
    return folder


def test_grade_reports_right_wrong_and_broken_copies(submissions, tmp_path, capsys):
    out = tmp_path / "graded"
    assert main(["grade", str(submissions), "--out", str(out), "-p", "n_train=500"]) == 0
    table = pd.read_csv(out / "grades.csv").set_index("student")
    assert list(table.columns) == ["ran", "01.1", "01.2", "01.3", "correct"]
    assert table.loc["ada"].tolist() == ["ok", "correct", "correct", "correct", "3 of 3"]
    assert table.loc["bob"].tolist() == ["ok", "wrong", "unanswered", "unanswered", "0 of 3"]
    assert table.loc["cy", "ran"].startswith("failed (cell 4): RuntimeError: my experiment")
    assert table.loc["cy", ["01.1", "01.2", "01.3"]].tolist() == ["not reached"] * 3
    assert (out / "grades.md").read_text().startswith("# Exercises of lesson 01_baseline")
    assert "ada" in capsys.readouterr().out


def test_grade_without_notebooks_says_what_to_do(tmp_path, capsys):
    assert main(["grade", str(tmp_path)]) == 2
    assert "No notebooks (*.ipynb)" in capsys.readouterr().err
