"""dnncourse grade: honest copies score, cheats don't, student code stays in its sandbox.

The tiny course (tests/cli_course.py) has one lesson with exercises 01.1 (a number), 01.2 (a model
builder) and 01.3 (a verdict on a table the lesson made), so grading takes seconds a copy. One
grading run (module fixture) covers most copies; each test reads its rows.
"""

import json
import os
import shutil
import socket
import threading

import nbformat
import pandas as pd
import pytest

from cli_course import SOLUTIONS, make_graded_course
from dnncourse.tools import sandbox
from dnncourse.tools.cli import main

# CI installs bubblewrap (.ci/run): there a missing bwrap fails these tests instead of skipping them.
pytestmark = pytest.mark.skipif(not shutil.which("bwrap") and not os.environ.get("CI"),
                                reason="needs bubblewrap: apt-get install -y bubblewrap")

RIGHT = 784 * 300 + 300 + 300 * 10 + 10
EXERCISES = ["01.1", "01.2", "01.3"]
# A forged verdict: the numbers of a table in which the replayed order changes nothing.
FAKE_TABLE = ('pd.DataFrame({"variant": ["baseline"] * 3 + ["one order replayed"] * 3, "seed": [0, 1, 2] * 2, '
              '"min_val_loss": [0.40, 0.42, 0.41, 0.40, 0.43, 0.40]})')
FAKE_ANSWER = ('{key: dc.paired_verdict(fake, "one order replayed", "baseline", "min_val_loss")[key] '
               'for key in ("difference", "low", "high", "label")}')


def cells_of(nb):
    return {tag: c for c in nb.cells if c.cell_type == "code" for tag in ["01.1", "01.2", "01.3"]
            if f'"{tag}"' in c.source}


def solve(nb):
    for cell in nb.cells:
        for stub, answer in SOLUTIONS.items():
            cell.source = cell.source.replace(stub, answer)


def prepend(exercise, code):
    def edit(nb):
        cell = cells_of(nb)[exercise]
        cell.source = code + "\n" + cell.source
    return edit


def replace(exercise, stub, code):
    def edit(nb):
        cell = cells_of(nb)[exercise]
        cell.source = cell.source.replace(stub, code)
    return edit


def edits(*functions):
    def edit(nb):
        for function in functions:
            function(nb)
    return edit


class Listener:
    """A port on 127.0.0.1 of the grading machine that hands out the right answer to whoever connects."""

    def __init__(self):
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            self.connections += 1
            conn.sendall(str(RIGHT).encode())
            conn.close()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    root = tmp_path_factory.mktemp("grading")
    book = make_graded_course(root / "course")
    lesson = nbformat.read(root / "course" / "lessons" / "01_tiny.ipynb", as_version=4)
    folder = root / "submissions"
    folder.mkdir()
    secret = root / "instructor_home" / "secret.txt"   # outside the sandbox: the grader's files
    secret.parent.mkdir()
    secret.write_text(str(RIGHT))
    listener = Listener()

    def copy(name, edit):
        nb = nbformat.reads(nbformat.writes(lesson), as_version=4)
        edit(nb)
        nbformat.write(nb, folder / f"{name}.ipynb")

    copy("honest", solve)
    copy("stub", lambda nb: None)
    copy("wrong", lambda nb: setattr(cells_of(nb)["01.1"], "source",
                                     cells_of(nb)["01.1"].source.replace("= ...", "= 784 * 300")))
    # The check machinery, patched from the student's cells (each one scored full marks once).
    copy("patcher", edits(
        prepend("01.1", "import dnncourse.exercises as e\ne._outcome = lambda *a: ('correct', 'ok')"),
        prepend("01.2", "dc.check.__globals__['_outcome'] = lambda *a: ('correct', 'ok')"),
        prepend("01.3", "import dnncourse.exercises as e\n"
                        "e.CHECKS.update({k: (lambda *a, **k: 'ok') for k in list(e.CHECKS)})")))
    # A redefined dc.check, a written check log, a second (forged) answer, a forged context and table.
    copy("forger", edits(
        prepend("01.1", "import os, json\n"
                        "dc.check = lambda *a, **k: print('Exercise 01.1 ✅ correct')\n"
                        "for path in filter(None, [os.environ.get('DNNCOURSE_CHECK_LOG'), 'checks.jsonl']):\n"
                        "    open(path, 'a').write(json.dumps({'exercise': '01.1', 'status': 'correct'}) + '\\n')"),
        prepend("01.2", "import dnncourse.exercises.export as x\n"
                        "x._show(x.ANSWER_MIME, {'exercise': '01.2', 'answer': 5})\n"
                        "real_show = x._show\n"
                        "x._show = lambda mime, payload: (real_show(mime, payload), "
                        "real_show(mime, {**payload, 'answer': 5}))"),
        replace("01.3", "replay_answer = ...", f"x._show = real_show\nfake = {FAKE_TABLE}\n"
                        "from IPython.display import display\n"
                        "display({x.CONTEXT_MIME: {'exercise': '01.3', 'context': x.encode_context('01.3', "
                        "{'table': fake})}}, raw=True)\n"
                        f"trap_table = fake\nreplay_answer = {FAKE_ANSWER}")))
    # Edited check lines and an edited lesson cell, with an answer that fits the edited table.
    copy("editor", edits(
        lambda nb: setattr(cells_of(nb)["01.1"], "source", f'wide_parameters = ...\ndc.check("01.1", {RIGHT})'),
        lambda nb: setattr(cells_of(nb)["01.2"], "source", "def build_wide():\n    return None\n"),
        lambda nb: setattr(next(c for c in nb.cells if "trap_table = " in c.source), "source",
                           f"import pandas as pd\ntrap_table = {FAKE_TABLE}"),
        lambda nb: setattr(cells_of(nb)["01.3"], "source", cells_of(nb)["01.3"].source.replace(
            "replay_answer = ...", f"fake = {FAKE_TABLE}\nreplay_answer = {FAKE_ANSWER}"))))
    # Student code that tries to read the grader's files and reach a port of the grading machine.
    copy("prober", edits(
        solve,
        prepend("01.1", f"wide_parameters = int(open({str(secret)!r}).read())"),
        lambda nb: setattr(cells_of(nb)["01.1"], "source", cells_of(nb)["01.1"].source.replace(
            "wide_parameters = 784 * 300 + 300 + 300 * 10 + 10", "")),
        prepend("01.2", "import socket\nreached = socket.create_connection(('127.0.0.1', "
                        f"{listener.port}), timeout=5).recv(100)"),
        prepend("01.3", f"try:\n    open({str(folder / 'honest.ipynb')!r}, 'w').write('overwritten')\n"
                        "except OSError:\n    pass")))
    # A copy whose kernel dies after its first answer.
    copy("crasher", edits(solve, prepend("01.2", "import os\nos._exit(1)")))
    (folder / "broken.ipynb").write_text("{ not a notebook")

    out = root / "graded"
    code = main(["grade", str(folder), "--book", str(book), "--out", str(out)])
    table = pd.read_csv(out / "grades.csv", keep_default_na=False).set_index("student")
    return {"code": code, "table": table, "out": out, "listener": listener, "folder": folder}


def statuses(graded, student):
    return graded["table"].loc[student, EXERCISES].tolist()


def test_an_honest_copy_scores_full_marks(graded):
    assert graded["code"] == 0
    row = graded["table"].loc["honest"]
    assert statuses(graded, "honest") == ["correct"] * 3 and row["correct"] == "3 of 3"
    assert row["ran"] == "ok" and row["flags"] == ""
    assert "238,510" in row["01.1 message"] and "worse" in row["01.3 message"]


def test_unanswered_and_wrong_answers_say_so(graded):
    assert statuses(graded, "stub") == ["unanswered"] * 3
    assert statuses(graded, "wrong") == ["wrong", "unanswered", "unanswered"]
    assert "is not the number of parameters" in graded["table"].loc["wrong", "01.1 message"]


def test_patching_the_check_machinery_scores_nothing(graded):
    assert statuses(graded, "patcher") == ["unanswered"] * 3
    assert graded["table"].loc["patcher", "correct"] == "0 of 3"


def test_a_redefined_check_a_written_log_and_forged_data_score_nothing(graded):
    row = graded["table"].loc["forger"]
    assert statuses(graded, "forger") == ["unanswered", "wrong", "wrong"]
    assert "showed 2 answers" in row["01.2 message"]
    # the forged table lives in the student's cells only: the check uses the lesson's own
    assert "your difference is not the mean" in row["01.3 message"]


def test_edited_check_lines_and_lesson_cells_are_restored_and_flagged(graded):
    row = graded["table"].loc["editor"]
    assert statuses(graded, "editor") == ["unanswered", "unanswered", "wrong"]
    assert "01.1: check line edited or removed" in row["flags"]
    assert "01.2: check line edited or removed" in row["flags"]
    assert "1 lesson cell(s) changed" in row["flags"]
    assert "01.1" in (graded["out"] / "grades.md").read_text().split("## editor")[1]


def test_the_sandbox_blocks_the_graders_files_and_the_loopback(graded):
    row = graded["table"].loc["prober"]
    assert row["01.1"] != "correct" and "FileNotFoundError" in row["01.1 message"]
    assert row["01.2"] != "correct" and "ConnectionRefusedError" in row["01.2 message"]
    assert graded["listener"].connections == 0
    assert nbformat.read(graded["folder"] / "honest.ipynb", as_version=4).cells  # not overwritten
    assert row["01.3"] == "correct"   # what the copy may do, it did


def test_broken_copies_are_reported_and_the_others_graded(graded):
    table = graded["table"]
    assert table.loc["broken", "ran"].startswith("not graded: broken.ipynb is not a readable notebook")
    assert table.loc["crasher", "ran"].startswith("stopped: the kernel died")
    assert statuses(graded, "crasher") == ["correct", "not reached", "not reached"]
    assert len(table) == 9


def test_the_payloads_are_not_left_in_the_executed_copies(graded):
    text = (graded["out"] / "notebooks" / "honest.ipynb").read_text()
    assert "vnd.dnncourse" not in text and "exported for the grader" in text


@pytest.fixture
def course(tmp_path):
    return make_graded_course(tmp_path / "course")


def one_copy(course, folder, edit):
    lesson = nbformat.read(course.parent / "lessons" / "01_tiny.ipynb", as_version=4)
    edit(lesson)
    folder.mkdir(exist_ok=True)
    nbformat.write(lesson, folder / "student.ipynb")


def test_a_copy_over_its_time_or_memory_limit_is_stopped(course, tmp_path):
    one_copy(course, tmp_path / "slow", edits(solve, prepend("01.2", "import time\ntime.sleep(300)")))
    out = tmp_path / "graded-slow"
    assert main(["grade", str(tmp_path / "slow"), "--book", str(course), "--out", str(out),
                 "--time-limit", "20"]) == 0
    row = pd.read_csv(out / "grades.csv", keep_default_na=False).iloc[0]
    assert row["ran"] == "stopped: the time limit of 20 s" and row["01.1"] == "correct"
    one_copy(course, tmp_path / "big", edits(solve, prepend("01.2", "hog = bytearray(6 * 2 ** 30)")))
    out = tmp_path / "graded-big"
    assert main(["grade", str(tmp_path / "big"), "--book", str(course), "--out", str(out), "--memory", "4"]) == 0
    row = pd.read_csv(out / "grades.csv", keep_default_na=False).iloc[0]
    assert "MemoryError" in row["01.2 message"] and row["01.3"] == "correct"


def test_without_bwrap_grade_refuses_and_says_how_to_proceed(course, tmp_path, monkeypatch, capsys):
    one_copy(course, tmp_path / "subs", solve)
    real = sandbox.shutil.which
    monkeypatch.setattr(sandbox.shutil, "which", lambda tool: None if tool == "bwrap" else real(tool))
    assert main(["grade", str(tmp_path / "subs"), "--book", str(course), "--out", str(tmp_path / "g")]) == 2
    err = capsys.readouterr().err
    assert "apt-get install -y bubblewrap" in err and "--no-sandbox" in err
    assert not (tmp_path / "g" / "grades.csv").exists()


def test_no_sandbox_says_what_it_gives_up_and_still_checks_outside(course, tmp_path, capsys):
    one_copy(course, tmp_path / "subs", edits(solve, prepend("01.1", "import dnncourse.exercises as e\n"
                                                                     "e._outcome = lambda *a: ('correct', 'ok')")))
    out = tmp_path / "g"
    assert main(["grade", str(tmp_path / "subs"), "--book", str(course), "--out", str(out), "--no-sandbox"]) == 0
    assert "runs with YOUR rights" in capsys.readouterr().err
    assert pd.read_csv(out / "grades.csv").iloc[0]["correct"] == "3 of 3"
    assert "WITHOUT a sandbox" in (out / "grades.md").read_text()


def test_grade_names_a_missing_folder_and_an_empty_one(course, tmp_path, capsys):
    assert main(["grade", str(tmp_path / "nowhere"), "--book", str(course)]) == 2
    assert "nowhere does not exist" in capsys.readouterr().err
    assert main(["grade", str(tmp_path), "--book", str(course)]) == 2
    assert "No notebooks (*.ipynb)" in capsys.readouterr().err


def test_the_grade_columns_hold_a_status_and_a_message_per_exercise(graded):
    columns = list(graded["table"].columns)
    assert columns == ["ran", "flags", *EXERCISES, "correct", *[f"{e} message" for e in EXERCISES]]
    assert json.dumps(graded["table"].loc["stub"].tolist())  # plain values, no NaN


def test_folders_under_tmp_stay_visible_in_the_sandbox(tmp_path):
    """A virtual environment or course under /tmp (CI's fresh clone) is bound over the sandbox's empty /tmp."""
    import subprocess

    shared, scratch = tmp_path / "venv", tmp_path / "scratch"
    shared.mkdir()
    scratch.mkdir()
    (shared / "marker").write_text("seen")
    command = sandbox.wrap(["cat", str(shared / "marker")], scratch, {}, [shared], 2 ** 30, 30)
    assert subprocess.run(command, capture_output=True, text=True).stdout == "seen"
