"""Ship the course itself in the wheel: book.yml and the lessons become package data in dnncourse/course/.

Everything else is in pyproject.toml. In a checkout the tools read the checkout's own
book.yml and lessons/ (dnncourse/tools/course_files.py), so nothing is copied there.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

import yaml

ROOT = Path(__file__).resolve().parent


class BuildWithCourse(build_py):
    """build_py, then book.yml and every lesson it lists copied into the built package."""

    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "dnncourse" / "course"
        book = yaml.safe_load((ROOT / "book.yml").read_text())
        for relative in ["book.yml", *(lesson["file"] for lesson in book["lessons"])]:
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(ROOT / relative, target / relative)


setup(cmdclass={"build_py": BuildWithCourse})
