"""The course's own files (book.yml and the lesson notebooks) and copying them to a student's folder.

A wheel ships them as package data in ``dnncourse/course/`` (setup.py copies them there at
build time); in a git checkout they are the checkout's own ``book.yml`` and ``lessons/``.
``dnncourse init`` copies them into a folder of the student's choice and never overwrites a
lesson the student has changed, unless told to.
"""

from __future__ import annotations

import filecmp
import shutil
from pathlib import Path

from .course import BookError, load_book

DEFAULT_FOLDER = "dnncourse-lessons"
PACKAGED = Path(__file__).resolve().parents[1] / "course"  # dnncourse/course in an installed wheel
CHECKOUT = Path(__file__).resolve().parents[2]  # the repository root in a git checkout


def shipped_course() -> Path:
    """The folder holding the course's book.yml and lessons/: the wheel's package data, else the checkout."""
    for folder in (PACKAGED, CHECKOUT):
        if (folder / "book.yml").is_file() and (folder / "lessons").is_dir():
            return folder
    raise BookError("This installation of dnncourse has no lessons (no dnncourse/course/book.yml): "
                    "reinstall it from a wheel or a checkout (pip install dnncourse).")


def course_files(source: Path) -> list[Path]:
    """book.yml and every lesson it lists, relative to ``source``."""
    book = load_book(source / "book.yml")
    return [Path("book.yml"), *(lesson.path.relative_to(source) for lesson in book.lessons)]


def init_course(target: str | Path = DEFAULT_FOLDER, force: bool = False,
                source: Path | None = None) -> list[tuple[Path, str]]:
    """Copy the course into ``target``; (path, what happened) per file: wrote, unchanged, kept, replaced.

    A file already there that differs from the course's (a lesson the student edited) is kept
    unless ``force`` is true; an identical one is left alone.
    """
    source = source or shipped_course()
    target = Path(target).expanduser()
    if target.exists() and not target.is_dir():
        raise BookError(f"{target} is a file, not a folder: name another folder for the lessons.")
    done = []
    for relative in course_files(source):
        origin, copy = source / relative, target / relative
        if not copy.exists():
            action = "wrote"
        elif filecmp.cmp(origin, copy, shallow=False):
            done.append((copy, "unchanged"))
            continue
        elif force:
            action = "replaced"
        else:
            done.append((copy, "kept (you changed it; --force replaces it)"))
            continue
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origin, copy)
        done.append((copy, action))
    return done
