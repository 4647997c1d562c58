"""Exercises with instant feedback: ``dc.check("01.1", answer, ...)`` (every lesson's last section).

Each lesson ends with 2 to 4 exercises. The student edits the cell tagged
``exercise`` and runs it; its last line calls ``check``, which prints at once
whether the answer is right, or what is wrong and a hint. It never raises, so a
wrong answer or a bug in the student's code gives a message, not a traceback.

The checks of lesson NN live in ``dnncourse/exercises/lessonNN.py``: a dict
``CHECKS`` from exercise id to a function that returns a short "why it is right"
message or raises ``Wrong(message, hint)``.

``dnncourse grade`` does not believe what a student's kernel prints: it exports the answers as
data (``export``) and runs ``CHECKS`` on them in a process of its own (``decide_all``).

Two environment variables serve instructors and CI, never students:
``DNNCOURSE_CHECK_LOG=FILE`` appends one JSON line per check (CI's course run reads it to see
every solution pass); ``DNNCOURSE_STRICT_CHECKS=1`` makes a wrong answer raise
``ExerciseFailed`` (CI runs every solution that way, so no exercise goes stale).
"""

from __future__ import annotations

import json
import os
import traceback
from typing import Any, Callable

from .. import switches
from . import lesson01, lesson02, lesson03, lesson04, lesson05, lesson06, lesson07, lesson08
from .expect import NotAnswered, Wrong

LOG_ENV = switches.CHECK_LOG
STRICT_ENV = switches.STRICT_CHECKS

CHECKS: dict[str, Callable[..., str]] = {
    **lesson01.CHECKS, **lesson02.CHECKS, **lesson03.CHECKS, **lesson04.CHECKS,
    **lesson05.CHECKS, **lesson06.CHECKS, **lesson07.CHECKS, **lesson08.CHECKS,
}
# Functions in a check's context, with the inputs the check calls them on (``dnncourse grade`` exports
# their values there, since a function cannot travel as data).
CONTEXT_CALLS: dict[str, dict[str, Callable[[dict], list]]] = {**lesson06.CONTEXT_CALLS}


class ExerciseFailed(AssertionError):
    """Raised by ``check`` only in strict mode (CI), when an answer is not right."""


def _outcome(exercise: str, answer: Any, context: dict) -> tuple[str, str]:
    """(status, message) for one answer; status is correct, wrong or unanswered."""
    if answer is ...:
        return "unanswered", "not answered yet: replace the `...` with your answer and run the cell again."
    try:
        return "correct", CHECKS[exercise](answer, **context)
    except NotAnswered as stub:
        return "unanswered", str(stub)
    except Wrong as wrong:
        return "wrong", str(wrong)
    except Exception as err:  # the student's code failed inside the check: say where, no traceback
        yours = [frame for frame in traceback.extract_tb(err.__traceback__) if _is_students(frame.filename)]
        where = f" (in {yours[-1].name}, line {yours[-1].lineno})" if yours else ""
        return "wrong", f"your code raised {type(err).__name__}: {err}{where}. Fix that first, then check again."


def _is_students(filename: str) -> bool:
    """True for code the student wrote (a notebook cell), not the libraries' or ours."""
    return not any(part in filename for part in (os.sep + "dnncourse" + os.sep, "site-packages", "dist-packages"))


def check(exercise: str, answer: Any = ..., **context: Any) -> None:
    """Say at once whether ``answer`` solves ``exercise``.

    ``context`` passes what the check needs from the lesson (a history, a summary
    table, the data). Prints one short message and returns nothing (so no stray
    ``True``/``False`` shows under the cell); never raises for a wrong answer.
    """
    if exercise not in CHECKS:
        known = ", ".join(sorted(CHECKS))
        print(f"There is no exercise {exercise!r}; the exercises are {known}.")
        return
    status, message = _outcome(exercise, answer, context)
    symbol = {"correct": "✅ correct", "wrong": "❌ not yet", "unanswered": "✏️"}[status]
    print(f"Exercise {exercise} {symbol}: {message}")
    _log(exercise, status, message)
    if status != "correct" and switches.is_on(STRICT_ENV):
        raise ExerciseFailed(f"exercise {exercise}: {message}")


def decide(exercise: str, answer: Any, context: dict) -> tuple[str, str]:
    """(status, message) of ``answer`` to ``exercise``: the grader's call, in a process of its own."""
    if exercise not in CHECKS:
        return "error", f"there is no exercise {exercise!r}."
    return _outcome(exercise, answer, context)


def _log(exercise: str, status: str, message: str) -> None:
    path = switches.value(LOG_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps({"exercise": exercise, "status": status, "message": message}) + "\n")


__all__ = ["CHECKS", "ExerciseFailed", "NotAnswered", "Wrong", "check"]
