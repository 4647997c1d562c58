"""Lessons 05 and 06: every variant their recorded run quotes is one their code trains, and they use the current API.

The lessons' text quotes the variants of their full run (measured/full/results); a variant
renamed in the code but not re-measured would leave the text quoting a variant that no
longer exists.
"""

import json
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
LESSONS = [ROOT / "lessons" / "05_batch_norm.ipynb", ROOT / "lessons" / "06_lr_decay.ipynb"]


def _cells(path, kind):
    return [c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == kind]


def _defined(variant: str, code: str) -> bool:
    # Lesson 05 names its higher-rate runs name(label, bn, rate): "Glorot" + f" lr={rate:g}".
    base = re.sub(r" lr=[0-9.]+$", "", variant)
    return f'"{variant}"' in code or (base != variant and f'"{base}"' in code and 'f" lr={learning_rate:g}"' in code)


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_the_recorded_variants_are_the_ones_the_code_trains(lesson):
    code = "\n".join(_cells(lesson, "code"))
    recorded = json.loads((ROOT / "measured" / "full" / "results" / f"{lesson.stem}.json").read_text())
    variants = [row["variant"] for row in recorded["rows"]]
    assert len(variants) >= 5
    missing = sorted(v for v in variants if not _defined(v, code))
    assert not missing, f"the full run recorded variants no code cell defines: {missing}"


@pytest.mark.parametrize("lesson", LESSONS, ids=[p.stem for p in LESSONS])
def test_lesson_uses_the_current_api(lesson):
    code = "\n".join(_cells(lesson, "code"))
    assert 'print(f"Keras {keras.__version__}, backend: {keras.backend.backend()}")' in code
    assert 'loss="sparse_categorical_crossentropy", metrics=["accuracy"])' in code
    for removed in ("steps_per_execution", "compile_classifier", "dc.mlp", "within_spread"):
        assert removed not in code, f"{lesson.name} still uses {removed}"
    assert "dc.paired_verdict(" in code and "dc.record_results(" in code
