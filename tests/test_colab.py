"""Colab: every lesson starts with the set-up cell made from book.yml, which does nothing elsewhere and on
Colab installs the course without touching Colab's TensorFlow, Keras and JAX; the README links each lesson."""

from __future__ import annotations

import subprocess
import sys
import types

import nbformat
import pytest

from dnncourse.tools import colab
from tests.test_notebooks import BOOK, ROOT

REPOSITORY = colab.repository(BOOK)


def test_the_repository_is_named_once_in_book_yml():
    assert REPOSITORY.count("/") == 1
    assert colab.colab_url(REPOSITORY, "lessons/01_baseline.ipynb") == \
        f"https://colab.research.google.com/github/{REPOSITORY}/blob/main/lessons/01_baseline.ipynb"


@pytest.mark.parametrize("lesson", BOOK.lessons, ids=[lesson.id for lesson in BOOK.lessons])
def test_every_lesson_starts_with_the_set_up_cell(lesson):
    cells = nbformat.read(lesson.path, as_version=4).cells
    first = next(c for c in cells if c.cell_type == "code")
    assert colab.SETUP_TAG in first.metadata.get("tags", []) and cells[0].source.startswith("# Lesson")
    assert first.source == colab.setup_source(REPOSITORY), "run `dnncourse colab` to rewrite the set-up cells"


def test_the_readme_links_every_lesson_to_colab():
    assert colab.links_table(BOOK) in (ROOT / "README.md").read_text(), "run `dnncourse colab`"


def run_setup_cell(monkeypatch, on_colab: bool) -> list[list[str]]:
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda command, check: calls.append(command))
    monkeypatch.delenv("KERAS_BACKEND", raising=False)
    monkeypatch.delenv("DNNCOURSE_SOURCE", raising=False)
    if on_colab:
        monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    else:
        monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    exec(colab.setup_source(REPOSITORY), {})
    return calls


def test_outside_colab_the_set_up_cell_does_nothing(monkeypatch):
    import os

    assert run_setup_cell(monkeypatch, on_colab=False) == []
    assert "KERAS_BACKEND" not in os.environ


def test_on_colab_it_installs_the_course_without_dependencies_and_picks_jax(monkeypatch):
    import os

    (command,) = run_setup_cell(monkeypatch, on_colab=True)
    assert command[:5] == [sys.executable, "-m", "pip", "install", "-q"] and "--no-deps" in command
    assert f"git+https://github.com/{REPOSITORY}" in command and "keras-tuner==1.4.8" in command
    assert not any(name.startswith(("tensorflow", "keras==", "keras>", "jax")) for name in command)
    assert os.environ["KERAS_BACKEND"] == "jax"


def test_writing_the_cells_twice_changes_nothing(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A lesson")])
    source = colab.setup_source(REPOSITORY)
    assert colab.with_setup_cell(nb, source) is True
    assert colab.with_setup_cell(nb, source) is False
    assert [c.cell_type for c in nb.cells] == ["markdown", "code"] and nb.cells[1].source == source
