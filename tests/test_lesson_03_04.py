"""Lessons 03 and 04 keep the course's conventions: Keras visible, the notes' setting re-run, no removed helpers."""

import re
from pathlib import Path

import nbformat
import papermill
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = {"03": ROOT / "lessons" / "03_three_models.ipynb", "04": ROOT / "lessons" / "04_dropout.ipynb"}


def _code(path: Path) -> str:
    # The lesson's own code: the Colab set-up cell (which picks the backend there) is not part of it.
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                     if c.cell_type == "code" and "setup" not in c.metadata.get("tags", []))


def _markdown(path: Path) -> str:
    return "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "markdown")


@pytest.mark.parametrize("lesson", LESSONS)
def test_keras_visible_and_no_removed_helpers(lesson):
    code = _code(LESSONS[lesson])
    assert 'print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")' in code
    assert re.search(r'loss="sparse_categorical_crossentropy", metrics=\["accuracy"', re.sub(r"\s+", " ", code))
    for removed in ("steps_per_execution", "compile_classifier", "within_spread", "dc.mlp", "KERAS_BACKEND"):
        assert removed not in code, f"lesson {lesson} still uses {removed}"
    assert "dc.paired_verdict(" in code and "dc.merge_comparisons(" in code


def test_notes_setting_is_a_parameter():
    defined = papermill.inspect_notebook(str(LESSONS["03"]))
    assert {"notes_epochs", "notes_seeds"} <= set(defined)
    assert "epochs=notes_epochs" in _code(LESSONS["03"])


def test_lesson_03_passes_its_dataset_and_teaches_tf_data():
    code = _code(LESSONS["03"])
    assert "dc.load_data(n_train=n_train, dataset=dataset)" in code
    assert {"dataset", "deep_epochs", "deep_seeds"} <= set(papermill.inspect_notebook(str(LESSONS["03"])))
    for step in (".shuffle(", "reshuffle_each_iteration=True", ".batch(", ".repeat()", ".prefetch(tf.data.AUTOTUNE)",
                 "steps_per_epoch=steps_per_epoch"):
        assert step in code


@pytest.mark.parametrize("lesson", LESSONS)
def test_markdown_cites_the_notes_without_file_numbers(lesson):
    text = _markdown(LESSONS[lesson])
    assert not re.search(r"file 00\d", text)
    assert "test-accuracy target" not in text
