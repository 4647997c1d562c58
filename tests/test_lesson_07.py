"""Lesson 07 keeps its two early-stopping variants apart, whatever patience a student picks.

Issue 9, point 4: with ``patience=10`` the lesson named its short- and long-patience variants
both "early stop p=10", so the comparison silently held one early-stopping variant instead of
two. The lesson now takes the long patience as a parameter (``long_patience``), builds both
names from the two patiences, and refuses ``long_patience <= patience`` with a ParameterError.
Both tests execute the real notebook with papermill in a tiny profile (a few seconds of
training on 300 images).
"""

import json
from pathlib import Path

import papermill
import pytest

import dnncourse as dc

ROOT = Path(__file__).resolve().parents[1]
LESSON = ROOT / "lessons" / "07_early_stopping.ipynb"
TINY = {"epochs": 2, "n_train": 300, "n_seeds": 1, "notes_epochs": 2, "notes_seeds": 1}


@pytest.fixture(autouse=True)
def fashion_mnist_here(monkeypatch):
    """The lesson needs the real Fashion-MNIST files (tests never download them)."""
    try:
        dc.load_data(n_train=100)
    except dc.DataError as err:
        pytest.skip(f"Fashion-MNIST is not available here: {str(err).splitlines()[0]}")
    monkeypatch.setenv("DNNCOURSE_HEADLESS", "1")  # the replay widget shows its default result


def run_lesson(tmp_path, **parameters):
    papermill.execute_notebook(str(LESSON), str(tmp_path / "07.ipynb"), cwd=str(tmp_path), progress_bar=False,
                               parameters={**TINY, **parameters, "output_dir": str(tmp_path)},
                               execution_timeout=300)
    return json.loads((tmp_path / "results" / "07_early_stopping.json").read_text())


def test_patience_10_keeps_a_short_and_a_long_variant(tmp_path):
    results = run_lesson(tmp_path, patience=10, long_patience=20)
    variants = [row["variant"] for row in results["rows"]]
    assert variants == ["fixed 2 epochs", "early stop p=10", "early stop p=20", "early stop p=10, notes' rate"]
    assert all(row["n_seeds"] == 1 for row in results["rows"]), "two variants' runs were merged into one row"
    assert results["params"]["patience"] == 10 and results["params"]["long_patience"] == 20


def test_equal_patiences_are_refused_with_a_clear_message(tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as failure:
        run_lesson(tmp_path, patience=10)  # long_patience keeps its default, 10
    assert failure.value.ename == "ParameterError"
    assert "long_patience=10 must be larger than patience=10" in failure.value.evalue
    assert not (tmp_path / "results").exists(), "the lesson trained before refusing the parameters"
