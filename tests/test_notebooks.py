"""Every lesson in book.yml exists, is committed clean, has a checked parameters cell,
and imports only the student API (never the instructor tools, ``dnncourse.tools``)."""

import re
import subprocess
from pathlib import Path

import nbformat
import papermill
import pytest

from dnncourse.tools.course import load_book
from dnncourse.params import RULES

ROOT = Path(__file__).resolve().parents[1]
BOOK = load_book(ROOT / "book.yml")
LESSONS = {lesson.id: lesson for lesson in BOOK.lessons}


def test_book_lists_lessons_in_order():
    ids = [lesson.id for lesson in BOOK.lessons]
    assert ids and ids == sorted(ids) and len(set(ids)) == len(ids)
    assert {"smoke", "full"} <= set(BOOK.profiles)


def test_every_notebook_in_lessons_is_in_the_book():
    on_disk = {p.name for p in (ROOT / "lessons").glob("*.ipynb")}
    assert on_disk == {lesson.path.name for lesson in BOOK.lessons}


def committed_text(path: Path, repo: Path = ROOT) -> str:
    """The lesson as git would commit it: the staged version, through the nbstripout filter if installed.

    A student who runs a lesson and saves it keeps the outputs in the file; only the
    committed version must be clean. Outside a git checkout, the file itself.
    """
    staged = subprocess.run(["git", "show", f":{path.relative_to(repo).as_posix()}"], cwd=repo,
                            capture_output=True, text=True)
    if staged.returncode != 0:
        return path.read_text(encoding="utf-8")
    return staged.stdout


def test_committed_text_is_what_git_stages(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1 + 1", execution_count=1,
                                                                         outputs=[])])
    path = tmp_path / "lesson.ipynb"
    nbformat.write(notebook, path)
    subprocess.run(["git", "add", "lesson.ipynb"], cwd=tmp_path, check=True)
    notebook.cells[0].execution_count = None
    nbformat.write(notebook, path)  # a later, clean save that is not staged: the staged one counts
    assert '"execution_count": 1' in committed_text(path, repo=tmp_path)


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_lesson_is_clean_and_parameterised(lesson_id):
    lesson = LESSONS[lesson_id]
    assert lesson.path.is_file(), f"{lesson.path} is listed in book.yml but missing"
    nb = nbformat.reads(committed_text(lesson.path), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    dirty = [i for i, c in enumerate(code) if c.outputs or c.execution_count]
    assert not dirty, (f"{lesson.path.name}: code cells {dirty} carry outputs in what git would commit; "
                       "run `make setup` (installs the nbstripout git filter), then `git add` it again")
    code = [c for c in code if "setup" not in c.metadata.get("tags", [])]   # the Colab set-up cell comes first
    tagged = [i for i, c in enumerate(code) if "parameters" in c.metadata.get("tags", [])]
    assert tagged == [0], (f"{lesson.path.name}: the first code cell after the set-up cell (and only it) "
                           "must be tagged 'parameters'")
    assert "check_parameters(" in code[1].source, "the cell after the parameters must check them"


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_profiles_only_set_parameters_the_lesson_defines(lesson_id):
    lesson = LESSONS[lesson_id]
    defined = set(papermill.inspect_notebook(str(lesson.path)))
    assert "output_dir" in defined
    assert defined <= set(RULES), f"parameters without a Rule: {defined - set(RULES)}"
    for profile in ("smoke", "full"):
        values = lesson.parameters(profile)
        assert values, f"{lesson_id} has no {profile} profile in book.yml"
        assert set(values) <= defined, f"{lesson_id} {profile}: unknown {set(values) - defined}"
        for name, value in values.items():
            RULES[name].check(name, value)


# dnncourse.tools, dc.tools, from dnncourse import tools / (..., tools), from dnncourse.tools import ...
IMPORTS_TOOLS = re.compile(r"\b(dnncourse|dc)\s*\.\s*tools\b|from\s+dnncourse\s+import\s*\(?[\w\s,]*\btools\b")


@pytest.mark.parametrize("source, found", [
    ("import dnncourse.tools.runner", True), ("from dnncourse.tools import cli", True),
    ("from dnncourse import tools", True), ("from dnncourse import (plots,\n    tools)", True),
    ("dc.tools.runner.run_all()", True), ("import dnncourse as dc\ndc.plot_history(h)", False),
    ("from dnncourse import toolsy", False), ("# the tools of the trade", False),
])
def test_the_tools_import_check_finds_what_it_should(source, found):
    assert bool(IMPORTS_TOOLS.search(source)) is found


def code_cells_matching(lesson_id: str, pattern: re.Pattern) -> list[int]:
    """Indices of the lesson's code cells in which ``pattern`` occurs."""
    nb = nbformat.read(LESSONS[lesson_id].path, as_version=4)
    return [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and pattern.search(c.source)]


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_lesson_never_imports_the_instructor_tools(lesson_id):
    offending = code_cells_matching(lesson_id, IMPORTS_TOOLS)
    assert not offending, f"{lesson_id}: cells {offending} import dnncourse.tools; lessons use the student API only"


# What the package does once for every lesson (issue: nothing written twice): formatting a
# mean ± std by hand, building a Comparison from concatenated tables, the removed helpers.
PRIVATE_COPIES = re.compile(r"\}\s*±\s*\{|\.\s*Comparison\(\s*pd\.concat|\bwithin_spread\b|\bcompile_classifier\b"
                            r"|\bdc\.mlp\b|\bsteps_per_execution\b|\bverdict_table\b")


@pytest.mark.parametrize("source, found", [
    ('f"{m:.4f} ± {s:.4f}"', True), ("dc.Comparison(pd.concat([a.table, b.table]), h)", True),
    ("dc.within_spread(s, 'a', 'b')", True), ("model.compile(optimizer='adam', steps_per_execution=50)", True),
    ('title="mean ± std over seeds"', False), ("dc.merge_comparisons(a, b)", False),
])
def test_the_private_copy_check_finds_what_it_should(source, found):
    assert bool(PRIVATE_COPIES.search(source)) is found


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_lesson_uses_the_package_instead_of_private_copies(lesson_id):
    offending = code_cells_matching(lesson_id, PRIVATE_COPIES)
    assert not offending, (f"{lesson_id}: cells {offending} re-implement a package helper (dc.mean_std, "
                           "dc.merge_comparisons, dc.paired_verdict) or use a removed one")
