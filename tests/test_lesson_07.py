"""Lesson 07 keeps its two early-stopping variants apart, whatever patience a student picks.

With ``patience=10`` the lesson once named its short- and long-patience variants both
"early stop p=10", so the comparison silently held one early-stopping variant instead of
two. The lesson builds both names from its two patiences (checked on the course run,
tests/test_course_run.py, with patience 4 and 9), and ``long_patience <= patience`` is
refused by ``dnncourse.params``: in the lesson's parameter cell, and by ``dnncourse run``
before any kernel starts.
"""

from pathlib import Path

import pytest

import dnncourse as dc
from dnncourse.tools.cli import main

ROOT = Path(__file__).resolve().parents[1]
MESSAGE = "long_patience=10 must be larger than patience=10"


def test_equal_patiences_are_refused_in_the_lessons_parameter_check():
    with pytest.raises(dc.ParameterError, match=MESSAGE):
        dc.check_parameters(patience=10, long_patience=10)
    assert dc.check_parameters(patience=10, long_patience=20) == {"patience": 10, "long_patience": 20}


def test_dnncourse_run_refuses_them_before_any_kernel(tmp_path, capsys, no_kernel):
    out = tmp_path / "run"
    # long_patience keeps the lesson's default, 10: the rule sees the defaults too
    assert main(["run", "07", "--book", str(ROOT / "book.yml"), "--out", str(out), "-p", "patience=10"]) == 2
    err = capsys.readouterr().err
    assert "07_early_stopping: " + MESSAGE in err and "Try long_patience=21" in err
    assert not out.exists(), "the run folder was created for a refused request"
