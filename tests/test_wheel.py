"""The course outside a git checkout: the wheel carries the lessons, ``dnncourse init`` copies them, and
``dnncourse run`` and ``dnncourse lab`` work in that folder."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from dnncourse.tools.commands.lab import lab_command
from dnncourse.tools.course_files import init_course
from tests.test_notebooks import BOOK, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps",
                    "-w", str(folder), str(ROOT)], check=True, cwd=folder)
    return next(folder.glob("dnncourse-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict[str, str]:
    """An environment in which ``import dnncourse`` is the wheel's copy, not this checkout's."""
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), str(wheel)],
                   check=True)
    env = {**os.environ, "PYTHONPATH": str(target), "KERAS_BACKEND": "jax", "DNNCOURSE_NO_DOWNLOAD": "1"}
    where = subprocess.run([sys.executable, "-c", "import dnncourse; print(dnncourse.__file__)"], env=env, cwd=target,
                           capture_output=True, text=True, check=True).stdout
    assert where.startswith(str(target)), where
    return env


def test_the_wheel_carries_book_yml_and_every_lesson(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"dnncourse/course/book.yml", *(f"dnncourse/course/lessons/{l.path.name}" for l in BOOK.lessons)}
    assert expected <= names, sorted(expected - names)


def test_init_writes_the_course_keeps_edited_lessons_and_force_replaces_them(tmp_path):
    target = tmp_path / "my course"
    first = init_course(target)
    assert {action for _, action in first} == {"wrote"} and len(first) == 1 + len(BOOK.lessons)
    lesson = target / "lessons" / BOOK.lessons[0].path.name
    lesson.write_text(lesson.read_text().replace("Fashion", "Fashion (my notes)", 1))
    again = dict(init_course(target))
    assert again[lesson].startswith("kept") and again[target / "book.yml"] == "unchanged"
    assert "my notes" in lesson.read_text()
    assert dict(init_course(target, force=True))[lesson] == "replaced"
    assert lesson.read_bytes() == BOOK.lessons[0].path.read_bytes()


def test_init_refuses_a_file_for_a_folder(tmp_path):
    (tmp_path / "taken").write_text("")
    with pytest.raises(Exception, match="is a file, not a folder"):
        init_course(tmp_path / "taken")


def test_a_student_without_a_checkout_inits_and_runs_a_lesson(installed, tmp_path, fashion_mnist_folder):
    def dnncourse(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "dnncourse", *args], cwd=tmp_path, env=installed,
                              capture_output=True, text=True, timeout=600)

    made = dnncourse("init")
    assert made.returncode == 0 and "wrote: dnncourse-lessons" in made.stdout.replace(os.sep, "/"), made.stderr
    course = tmp_path / "dnncourse-lessons"
    ran = subprocess.run([sys.executable, "-m", "dnncourse", "run", "--profile", "smoke", "01", "--out", "run"],
                         cwd=course, env=installed, capture_output=True, text=True, timeout=600)
    assert ran.returncode == 0, ran.stdout[-2000:] + ran.stderr[-2000:]
    state = json.loads((course / "run" / "run.json").read_text())
    assert state["backend"] == "jax" and state["lessons"]["01_baseline"]["status"] == "done"
    assert (course / "run" / "results" / "01_baseline.json").is_file()


def test_lab_starts_jupyterlab_in_the_folder(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    command = lab_command(tmp_path, no_browser=True, port=port)
    assert command[:3] == [sys.executable, "-m", "jupyterlab"] and f"--ServerApp.root_dir={tmp_path}" in command
    init_course(tmp_path)
    lab = subprocess.Popen([*command, "--IdentityProvider.token=test"], cwd=tmp_path,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                url = f"http://127.0.0.1:{port}/api/contents/lessons?token=test"
                listing = json.loads(urllib.request.urlopen(url, timeout=5).read())
                break
            except OSError:
                assert time.monotonic() < deadline and lab.poll() is None, "JupyterLab did not start"
                time.sleep(1)
        assert {item["name"] for item in listing["content"]} == {l.path.name for l in BOOK.lessons}
    finally:
        lab.terminate()
        lab.wait(30)
