"""Read ``book.yml``: the lessons in order, their titles and parameter profiles."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml


class ManifestError(ValueError):
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
    """The course manifest."""

    title: str
    root: Path
    profiles: dict[str, str]
    lessons: list[Lesson]

    def lesson(self, lesson_id: str) -> Lesson:
        """Find a lesson by id (``01_baseline``) or by its number (``01``, ``1``)."""
        for lesson in self.lessons:
            if lesson_id in (lesson.id, lesson.id.split("_")[0]) or lesson_id.lstrip("0") == lesson.id.split("_")[0].lstrip("0"):
                return lesson
        raise ManifestError(f"No lesson {lesson_id!r} in book.yml; lessons: {', '.join(l.id for l in self.lessons)}.")

    def check_profile(self, profile: str) -> None:
        if profile not in self.profiles:
            raise ManifestError(f"Unknown profile {profile!r}; book.yml defines: {', '.join(self.profiles)}.")


def find_book(start: str | Path | None = None) -> Path:
    """Locate book.yml in ``start`` or one of its parents (default: the current folder)."""
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "book.yml").is_file():
            return folder / "book.yml"
    raise ManifestError(f"No book.yml in {here} or its parents: run this from the course folder.")


def load_book(path: str | Path | None = None) -> Book:
    """Parse book.yml into a ``Book``; lesson paths are resolved against its folder."""
    path = Path(path) if path else find_book()
    try:
        raw = yaml.safe_load(path.read_text())
    except (OSError, yaml.YAMLError) as err:
        raise ManifestError(f"Cannot read {path}: {err}") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("lessons"), list):
        raise ManifestError(f"{path} must have a 'lessons:' list.")
    lessons = []
    for entry in raw["lessons"]:
        try:
            lessons.append(Lesson(entry["id"], entry["title"], path.parent / entry["file"],
                                  entry.get("profiles") or {}))
        except (KeyError, TypeError):
            raise ManifestError(f"Each lesson in {path} needs id, title and file; got {entry!r}.") from None
    return Book(raw.get("title", "dnncourse"), path.parent, raw.get("profiles") or {}, lessons)


def prepare_notebooks(book: Book, profile: str, out_dir: str | Path,
                      lesson_ids: list[str] | None = None) -> list[Path]:
    """Write each lesson with the profile's parameters injected (papermill), unexecuted.

    The copies get ``output_dir`` pointing into ``out_dir`` so a run never writes
    into the lessons folder. nbval or papermill then executes them.
    """
    import papermill

    book.check_profile(profile)
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    lessons = [book.lesson(i) for i in lesson_ids] if lesson_ids else book.lessons
    written = []
    for lesson in lessons:
        target = out_dir / lesson.path.name
        params = {"output_dir": str(out_dir / "outputs"), **lesson.parameters(profile)}
        papermill.execute_notebook(str(lesson.path), str(target), parameters=params,
                                   prepare_only=True, progress_bar=False, log_output=False)
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    """``python -m dnncourse.manifest PROFILE OUT_DIR``: prepare every lesson for nbval."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m dnncourse.manifest PROFILE OUT_DIR", file=sys.stderr)
        return 2
    for path in prepare_notebooks(load_book(), args[0], args[1]):
        print("prepared", path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
