"""Google Colab: every lesson's set-up cell and the README's "Open in Colab" links, made from book.yml.

book.yml's ``repository`` (OWNER/NAME on GitHub) is the one place the course's address is
written. ``dnncourse colab`` writes, from it, the first code cell of every lesson (tagged
``setup``) and the README's table of links between ``LINKS_START`` and ``LINKS_END``;
the tests check that both are what this module makes.

On Colab the set-up cell installs this package without its dependencies, so Colab's own
TensorFlow, Keras and JAX stay as they are, plus the one library Colab lacks (Keras
Tuner), and it chooses Keras' JAX backend before Keras is first imported. Anywhere else
it does nothing. ``DNNCOURSE_SOURCE`` replaces the address it installs from (CI points it
at the checkout, which has no internet).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import yaml

from .course import Book, BookError

SETUP_TAG = "setup"
LINKS_START, LINKS_END = "<!-- colab links: dnncourse colab writes this table -->", "<!-- /colab links -->"
COLAB_EXTRAS = ("keras-tuner==1.4.8", "kt-legacy")  # what the lessons import that Colab does not ship

SETUP_CELL = '''\
# Set-up: on Google Colab, install the course's helper package beside Colab's own TensorFlow,
# Keras and JAX, and choose Keras' JAX backend before Keras is imported. Elsewhere: nothing.
import os, subprocess, sys
if "google.colab" in sys.modules:
    os.environ["KERAS_BACKEND"] = "jax"
    source = os.environ.get("DNNCOURSE_SOURCE", "git+https://github.com/{repository}")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", source, {extras}], check=True)'''


def repository(book: Book) -> str:
    """OWNER/NAME of the course on GitHub, from book.yml's ``repository``."""
    raw = yaml.safe_load((book.root / "book.yml").read_text()) or {}
    name = raw.get("repository")
    if not isinstance(name, str) or not re.fullmatch(r"[\w.-]+/[\w.-]+", name):
        raise BookError("book.yml needs `repository: OWNER/NAME` (the course on GitHub) for the Colab links.")
    return name


def setup_source(repo: str) -> str:
    """The set-up cell every lesson starts with."""
    return SETUP_CELL.format(repository=repo, extras=", ".join(f'"{e}"' for e in COLAB_EXTRAS))


def colab_url(repo: str, lesson_file: str) -> str:
    """The "Open in Colab" address of one lesson (its path inside the repository)."""
    return f"https://colab.research.google.com/github/{repo}/blob/main/{lesson_file}"


def links_table(book: Book) -> str:
    """The README's table: one "Open in Colab" link per lesson."""
    repo = repository(book)
    rows = ["| lesson | open |", "|---|---|"]
    for lesson in book.lessons:
        path = lesson.path.relative_to(book.root).as_posix()
        rows.append(f"| {lesson.id[:2]} {lesson.title} | [Open in Colab]({colab_url(repo, path)}) |")
    return "\n".join([LINKS_START, *rows, LINKS_END])


def with_setup_cell(nb: nbformat.NotebookNode, source: str) -> bool:
    """Make ``source`` the notebook's first code cell (tagged ``setup``), after the title; True if that changed anything."""
    cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    first = nb.cells[cells[0]] if cells else None
    if first is not None and SETUP_TAG in first.metadata.get("tags", []):
        if first.source == source:
            return False
        first.source = source
        return True
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": [SETUP_TAG]})
    cell.id = "colab-setup"
    title = 1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0
    nb.cells.insert(title, cell)
    return True


def write_colab(book: Book, readme: Path) -> list[Path]:
    """Write every lesson's set-up cell and the README's links; return the files changed."""
    source, changed = setup_source(repository(book)), []
    for lesson in book.lessons:
        nb = nbformat.read(lesson.path, as_version=4)
        if with_setup_cell(nb, source):
            nbformat.write(nb, lesson.path)
            changed.append(lesson.path)
    text = readme.read_text()
    if LINKS_START not in text or LINKS_END not in text:
        raise BookError(f"{readme} has no place for the Colab links: add the two lines\n{LINKS_START}\n{LINKS_END}")
    before, rest = text.split(LINKS_START, 1)
    new = before + links_table(book) + rest.split(LINKS_END, 1)[1]
    if new != text:
        readme.write_text(new)
        changed.append(readme)
    return changed
