"""Every lesson is one a student finishes: a short main text, takeaways before the exercises, the notes'
audit in an appendix, training early, and the recording cells out of the way.

Words are counted in the markdown cells' source as whitespace-separated tokens, everything
included: the exercises and their solutions (a student who opens them reads them) and the quote
markers around measured numbers. The main text is every markdown cell before the first heading
that contains "Appendix"; the appendix is the rest.
"""

import re

import nbformat
import pytest

from tests.test_notebooks import LESSONS

MAIN_WORDS, APPENDIX_WORDS = 2200, 600
FIRST_TRAINING_CELL = 6  # the first training call comes within this many code cells
TRAINING_CALL = re.compile(r"\.fit\(|\brun_variants\(|\btrain_once\(|\.search\(")
FENCE = re.compile(r"```.*?```", re.S)
TAG = re.compile(r"<!--.*?-->|<[^>]+>", re.S)
HEADING = re.compile(r"^#{1,6} .*$", re.M)
BULLET = re.compile(r"^[-*] \S", re.M)
# Changelogs and pointers into the project's own files belong in commit messages and notes.
NOT_FOR_STUDENTS = re.compile(r"tests/|test_\w+\.py|\bdocstring|earlier version|changed since|"
                              r"this lesson used to|dnncourse/\w|\.ci/|\bCI\b", re.I)
KOREAN_TERMS = {"01_baseline": ["교차 엔트로피", "배치 크기"], "05_batch_norm": ["기울기 폭주"]}


def words(markdown: str) -> int:
    return len(markdown.split())


def parts(nb) -> tuple[list[str], list[str]]:
    """(main text, appendix): the markdown cells before and from the first "Appendix" heading."""
    markdown = [c.source for c in nb.cells if c.cell_type == "markdown"]
    for i, text in enumerate(markdown):
        if any("appendix" in h.lower() for h in HEADING.findall(text)):
            return markdown[:i], markdown[i:]
    return markdown, []


def lesson(lesson_id):
    return nbformat.read(LESSONS[lesson_id].path, as_version=4)


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_the_main_text_and_the_appendix_are_short(lesson_id):
    main, appendix = parts(lesson(lesson_id))
    assert appendix, f"{lesson_id}: the notes' audit goes in a last section whose heading contains 'Appendix'"
    assert sum(map(words, main)) <= MAIN_WORDS, f"{lesson_id}: {sum(map(words, main))} words before the appendix"
    assert sum(map(words, appendix)) <= APPENDIX_WORDS, f"{lesson_id}: {sum(map(words, appendix))} in the appendix"


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_takeaways_come_before_the_exercises_with_a_number_in_each(lesson_id):
    nb = lesson(lesson_id)
    first_exercise = next(i for i, c in enumerate(nb.cells) if "exercise" in c.metadata.get("tags", []))
    found = [i for i, c in enumerate(nb.cells) if c.cell_type == "markdown" and
             re.search(r"^## Takeaways\s*$", c.source, re.M)]
    assert len(found) == 1 and found[0] < first_exercise, f"{lesson_id}: one '## Takeaways' before the exercises"
    text = nb.cells[found[0]].source.split("## Takeaways", 1)[1]
    bullets = [line for line in text.splitlines() if BULLET.match(line)]
    assert 3 <= len(bullets) <= 6, f"{lesson_id}: {len(bullets)} takeaways; 3 to 6"
    for bullet in bullets:
        assert re.search(r"\d", bullet), f"{lesson_id}: a takeaway without its measured number: {bullet!r}"


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_the_first_training_comes_early(lesson_id):
    code = [c.source for c in lesson(lesson_id).cells if c.cell_type == "code"]
    first = next((i for i, source in enumerate(code) if TRAINING_CALL.search(source)), None)
    assert first is not None and first < FIRST_TRAINING_CELL, \
        f"{lesson_id}: the first training call is in code cell {None if first is None else first + 1}"


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_the_prose_has_no_changelogs_and_no_project_files(lesson_id):
    nb = lesson(lesson_id)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            prose = FENCE.sub(" ", TAG.sub(" ", cell.source))
            found = NOT_FOR_STUDENTS.findall(prose)
            assert not found, f"{lesson_id} cell {i}: {found} (for the README or the commit message)"


@pytest.mark.parametrize("lesson_id", LESSONS)
def test_recording_cells_are_tagged_and_collapsed(lesson_id):
    recording = [c for c in lesson(lesson_id).cells if c.cell_type == "code" and "record_results(" in c.source]
    assert recording, f"{lesson_id}: no cell records the results"
    for cell in recording:
        assert "recording" in cell.metadata.get("tags", []), f"{lesson_id}: tag the recording cell 'recording'"
        assert cell.metadata.get("jupyter", {}).get("source_hidden") is True, \
            f"{lesson_id}: the recording cell's source is collapsed (metadata jupyter.source_hidden)"


@pytest.mark.parametrize("lesson_id, terms", KOREAN_TERMS.items())
def test_key_terms_have_their_korean_beside_them(lesson_id, terms):
    text = "\n".join(c.source for c in lesson(lesson_id).cells if c.cell_type == "markdown")
    for term in terms:
        assert term in text, f"{lesson_id}: give the Korean term {term} at first use"


def test_stratified_is_given_in_korean_where_it_first_appears():
    for lesson_id in LESSONS:
        text = "\n".join(c.source for c in lesson(lesson_id).cells if c.cell_type == "markdown")
        if re.search(r"stratif", text, re.I):
            assert "층화" in text, f"{lesson_id} is the first lesson to say 'stratified': give 층화 beside it"
            return
