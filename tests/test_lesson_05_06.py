"""Lessons 05 and 06: their text quotes only variants their code trains, and they use the current API.

The placeholders (``⟪VARIANT|COLUMN⟫``) are filled from the full run's results; a variant name
that no code cell spells would only fail at fill-in time, after the long run. After the fill-in
there are no placeholders left and the first test has nothing to check.
"""

from pathlib import Path

import nbformat
import pytest

from dnncourse.tools import quotes

ROOT = Path(__file__).resolve().parents[1]
LESSONS = [ROOT / "lessons" / "05_batch_norm.ipynb", ROOT / "lessons" / "06_lr_decay.ipynb"]


def _cells(path, kind):
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == kind]


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_placeholders_name_variants_the_code_trains(lesson):
    code = "\n".join(_cells(lesson, "code"))
    keys = [k for text in _cells(lesson, "markdown") for k in quotes.PLACEHOLDER.findall(text)]
    variants = {k.split("|")[0] for k in keys
                if "|" in k and not k.startswith(("fact:", "time", "VERDICT"))}
    missing = sorted(v for v in variants if f'"{v}"' not in code)
    assert not missing, f"placeholders name variants no code cell defines: {missing}"


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_uses_the_current_api(lesson):
    code = "\n".join(_cells(lesson, "code"))
    assert 'print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")' in code
    assert 'loss="sparse_categorical_crossentropy", metrics=["accuracy"])' in code
    for removed in ("steps_per_execution", "compile_classifier", "dc.mlp", "within_spread"):
        assert removed not in code, f"{lesson.name} still uses {removed}"
    assert "dc.verdict_table(" in code and "dc.record_results(" in code
