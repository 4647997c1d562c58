"""Read ``book.yml``, the course's list of lessons: their order, titles and parameter profiles."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ToolError


class BookError(ToolError):
    """book.yml is missing, malformed, or names something that does not exist."""


@dataclass
class Lesson:
    """One lesson of the course as book.yml lists it."""

    id: str
    title: str
    path: Path
    profiles: dict[str, dict] = field(default_factory=dict)

    def parameters(self, profile: str) -> dict:
        """The parameters of a named profile (``{}`` where the lesson's defaults apply)."""
        return dict(self.profiles.get(profile) or {})


@dataclass
class Book:
    """The course as book.yml describes it."""

    title: str
    root: Path
    profiles: dict[str, str]
    lessons: list[Lesson]

    def lesson(self, lesson_id: str) -> Lesson:
        """Find a lesson by id (``01_baseline``) or by its number (``01``, ``1``)."""
        for lesson in self.lessons:
            if lesson_id in (lesson.id, lesson.id.split("_")[0]) or lesson_id.lstrip("0") == lesson.id.split("_")[0].lstrip("0"):
                return lesson
        raise BookError(f"No lesson {lesson_id!r} in book.yml; lessons: {', '.join(l.id for l in self.lessons)}.")

    def check_profile(self, profile: str) -> None:
        if profile not in self.profiles:
            raise BookError(f"Unknown profile {profile!r}; book.yml defines: {', '.join(self.profiles)}.")


def find_book(start: str | Path | None = None) -> Path:
    """Locate book.yml in ``start`` or one of its parents (default: the current folder)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "book.yml").is_file():
            return folder / "book.yml"
    raise BookError(f"No book.yml in {here} or its parents: run this from the course folder.")


def load_book(path: str | Path | None = None) -> Book:
    """Parse book.yml into a ``Book``; lesson paths are resolved against its folder."""
    path = Path(path) if path else find_book()
    try:
        raw = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as err:
        raise BookError(f"Cannot read {path}: {err}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("lessons"), list):
        raise BookError(f"{path} must have a 'lessons:' list.")
    lessons = []
    for entry in raw["lessons"]:
        try:
            lessons.append(Lesson(entry["id"], entry["title"], path.parent / entry["file"],
                                  entry.get("profiles") or {}))
        except (KeyError, TypeError):
            raise BookError(f"Each lesson in {path} needs id, title and file; got {entry!r}.") from None
    return Book(raw.get("title", "dnncourse"), path.parent, raw.get("profiles") or {}, lessons)


def prepare_notebooks(book: Book, plan: dict[str, dict], folder: str | Path) -> list[Path]:
    """Write each planned lesson into ``folder/notebooks`` with its parameters injected, unexecuted.

    ``plan`` maps lesson ids to parameters (``plan.plan_parameters``, the same as
    ``dnncourse run`` uses); nbval or papermill then executes the copies.
    """
    import papermill

    written = []
    for lesson_id, params in plan.items():
        lesson = book.lesson(lesson_id)
        target = Path(folder) / "notebooks" / lesson.path.name
        papermill.execute_notebook(str(lesson.path), str(target), parameters=params,
                                   prepare_only=True, progress_bar=False, log_output=False)
        written.append(target)
    return written
